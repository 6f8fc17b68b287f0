//! [`EngineState`]: what a device's sync engine must keep across restarts.

use rapport_protocol::{ChunkKind, Cursor, DeviceId, Sealed, Seq, TeamId, TeamKey, open, seal};
use serde::{Deserialize, Serialize};

/// Everything the [`SyncEngine`](crate::sync::SyncEngine) needs to resume
/// where it stopped: the app stores it (IndexedDB) whenever the engine emits
/// [`Action::Persist`](crate::sync::Action::Persist), and passes it back to
/// [`SyncEngine::new`](crate::sync::SyncEngine::new) on the next start.
///
/// Stored with [`EngineState::encode`], which tags the bytes with their
/// version: postcard is not self-describing, so a field added later needs a
/// new version (and a migration in [`EngineState::decode`]), never just
/// `#[serde(default)]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineState {
    /// Every chunk of the team's log at or before this cursor has been
    /// stored and applied by the app (or is inside a snapshot that was),
    /// except the [`holes`](EngineState::holes).
    pub cursor: Cursor,
    /// The seq the next upload of this device gets. Starts at 1.
    pub next_seq: Seq,
    /// Sealed uploads the relay has not acknowledged yet, in seq order. They
    /// are re-sent with the same seq and the same bytes after a reconnect,
    /// so the relay recognises a retry of a chunk it already stored.
    pub pending: Vec<PendingUpload>,
    /// Change chunks in the log after the newest snapshot this device knows
    /// of: once this reaches the engine's threshold, a snapshot is due.
    pub since_snapshot: u32,
    /// The document's heads when the app stored this state (the engine
    /// only carries them): every change they cover is pending, on the
    /// relay, or came from it. A tab that takes over syncing uploads the
    /// changes past them, which another tab may have stored without the
    /// leader ever sealing them. `None`: not known (a new or migrated
    /// state).
    pub synced_heads: Option<Vec<[u8; 32]>>,
    /// What lies at or before `cursor` but is not in the document: chunks
    /// that did not open or decode, and seqs of colleagues the relay never
    /// served. Each connection reads the log again from the oldest, and
    /// no snapshot is offered while any is open.
    pub holes: Vec<Hole>,
    /// Per other device, the highest seq read since the last catch-up by
    /// snapshot, and where: the next seq of that device must follow it.
    pub seen: Vec<Seen>,
}

/// Something at or before the cursor that is not in the document (see
/// [`EngineState::holes`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hole {
    /// It lies after this cursor: reading the log again from here finds it.
    pub after: Cursor,
    /// It lies at or before this cursor.
    pub until: Cursor,
    /// The device whose chunks are missing.
    pub device: DeviceId,
    /// The first missing seq.
    pub first: Seq,
    /// The last missing seq (`first` for one chunk).
    pub last: Seq,
    /// Why it is missing.
    pub why: Missing,
}

/// Why a [`Hole`] is missing from the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Missing {
    /// The chunk was served but did not open with this device's keys (a
    /// key it may get later, through the key chain).
    Unopened,
    /// The chunk opened but holds nothing this version reads.
    Unreadable,
    /// The relay never served these seqs: the device's next seq came.
    Withheld,
    /// A snapshot this device needed (it covers what the device had not
    /// read) did not open or read. The log is read again from before it
    /// with `FetchAll`, which serves the chunks the snapshot covers (the
    /// relay keeps them for its retention window); once that re-read has
    /// passed it, the hole is closed.
    Snapshot,
}

/// The highest seq of one other device read so far, and where it sat.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    /// The device.
    pub device: DeviceId,
    /// Its highest seq read.
    pub seq: Seq,
    /// That chunk's cursor.
    pub cursor: Cursor,
}

impl EngineState {
    /// The state of a device that has never synced.
    pub fn fresh() -> EngineState {
        EngineState {
            cursor: Cursor::START,
            next_seq: Seq::FIRST,
            pending: Vec::new(),
            since_snapshot: 0,
            synced_heads: None,
            holes: Vec::new(),
            seen: Vec::new(),
        }
    }
}

/// The stored forms of [`EngineState`]. Postcard writes the variant index
/// first, so the first byte is the version; new forms are appended.
#[derive(Serialize, Deserialize)]
enum Stored<S> {
    /// Pending uploads carry how many changes they hold.
    V2(StateV2),
    /// Holes and the seqs seen of other devices.
    V3(S),
}

/// The second form: [`EngineState`] without holes and seqs seen.
#[derive(Serialize, Deserialize)]
struct StateV2 {
    cursor: Cursor,
    next_seq: Seq,
    pending: Vec<PendingUpload>,
    since_snapshot: u32,
    synced_heads: Option<Vec<[u8; 32]>>,
}

/// The form the first sync client stored untagged, under another name
/// ([`EngineState::decode_v1`]).
#[derive(Deserialize)]
struct StateV1 {
    cursor: Cursor,
    next_seq: Seq,
    pending: Vec<UploadV1>,
    since_snapshot: u32,
}

#[derive(Deserialize)]
struct UploadV1 {
    seq: Seq,
    kind: ChunkKind,
    sealed: Sealed,
}

impl EngineState {
    /// The bytes to store (tagged with their version).
    pub fn encode(&self) -> Vec<u8> {
        // Plain data into a Vec: postcard cannot fail here.
        postcard::to_allocvec(&Stored::V3(self)).unwrap_or_default()
    }

    /// A state stored by [`EngineState::encode`]; `None` if the bytes are
    /// not one (damaged, or written by a newer app).
    pub fn decode(bytes: &[u8]) -> Option<EngineState> {
        match postcard::from_bytes::<Stored<EngineState>>(bytes).ok()? {
            Stored::V2(old) => Some(EngineState {
                cursor: old.cursor,
                next_seq: old.next_seq,
                pending: old.pending,
                since_snapshot: old.since_snapshot,
                synced_heads: old.synced_heads,
                holes: Vec::new(),
                seen: Vec::new(),
            }),
            Stored::V3(state) => Some(state),
        }
    }

    /// A state the first sync client stored (untagged, without change
    /// counts). Each pending change chunk of that client held one command's
    /// changes, so it counts as one.
    pub fn decode_v1(bytes: &[u8]) -> Option<EngineState> {
        let old: StateV1 = postcard::from_bytes(bytes).ok()?;
        Some(EngineState {
            cursor: old.cursor,
            next_seq: old.next_seq,
            pending: old
                .pending
                .into_iter()
                .map(|u| PendingUpload {
                    changes: u32::from(u.kind == ChunkKind::Change),
                    seq: u.seq,
                    kind: u.kind,
                    sealed: u.sealed,
                })
                .collect(),
            since_snapshot: old.since_snapshot,
            synced_heads: None,
            holes: Vec::new(),
            seen: Vec::new(),
        })
    }

    /// Changes sealed in uploads the relay has not acknowledged yet.
    pub fn waiting_changes(&self) -> usize {
        self.pending.iter().map(|u| u.changes as usize).sum()
    }
}

impl Default for EngineState {
    fn default() -> Self {
        EngineState::fresh()
    }
}

/// One sealed upload waiting for the relay's `Ack`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingUpload {
    /// This device's seq for it.
    pub seq: Seq,
    /// Change or snapshot (as sealed).
    pub kind: ChunkKind,
    /// The bytes exactly as first sent.
    pub sealed: Sealed,
    /// How many Automerge changes it holds (0 for a snapshot): what the
    /// sync indicator counts as waiting.
    pub changes: u32,
}

impl EngineState {
    /// Moves the pending uploads from `old` to `new` (a device whose id
    /// became its key's): each is opened with `key` under its old address
    /// and sealed again under the new id, with seqs from 1, and a fresh
    /// nonce from `nonce`. The relay never saw `new`, so nothing of it is
    /// taken. An upload that does not open (or when no nonce comes) is
    /// dropped: its changes stay in the document, and the changes past
    /// `synced_heads`, which is cleared, go up again at the next start.
    pub fn rebind(
        &mut self,
        old: DeviceId,
        new: DeviceId,
        team: TeamId,
        key: &TeamKey,
        mut nonce: impl FnMut() -> Option<[u8; 24]>,
    ) {
        let pending = std::mem::take(&mut self.pending);
        let before = pending.len();
        let mut seq = Seq::FIRST;
        for upload in pending {
            let Ok(plain) = open(key, team, old, upload.seq, upload.kind, &upload.sealed) else {
                continue;
            };
            let Some(nonce) = nonce() else { continue };
            let sealed = seal(key, team, new, seq, upload.kind, &plain, nonce);
            self.pending.push(PendingUpload {
                seq,
                sealed,
                ..upload
            });
            seq = seq.next();
        }
        if self.pending.len() < before {
            self.synced_heads = None;
        }
        self.next_seq = seq;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(seq: u64, kind: ChunkKind, changes: u32) -> PendingUpload {
        PendingUpload {
            seq: Seq(seq),
            kind,
            sealed: Sealed {
                nonce: [seq as u8; 24],
                ciphertext: vec![7; 40],
            },
            changes,
        }
    }

    #[test]
    fn a_state_round_trips_and_starts_with_its_version() {
        let state = EngineState {
            cursor: Cursor(41),
            next_seq: Seq(4),
            pending: vec![
                upload(2, ChunkKind::Change, 12),
                upload(3, ChunkKind::Snapshot { covers: Cursor(40) }, 0),
            ],
            since_snapshot: 9,
            synced_heads: Some(vec![[5; 32]]),
            holes: vec![Hole {
                after: Cursor(3),
                until: Cursor(8),
                device: DeviceId::from_bytes([4; 16]),
                first: Seq(2),
                last: Seq(3),
                why: Missing::Withheld,
            }],
            seen: vec![Seen {
                device: DeviceId::from_bytes([4; 16]),
                seq: Seq(4),
                cursor: Cursor(8),
            }],
        };
        let bytes = state.encode();
        assert_eq!(bytes[0], 1, "variant index of V3");
        assert_eq!(EngineState::decode(&bytes), Some(state.clone()));
        assert_eq!(state.waiting_changes(), 12);
        assert_eq!(EngineState::decode(&bytes[..bytes.len() - 1]), None);
    }

    #[test]
    fn a_state_of_the_second_form_still_decodes() {
        let old = StateV2 {
            cursor: Cursor(12),
            next_seq: Seq(3),
            pending: vec![upload(2, ChunkKind::Change, 5)],
            since_snapshot: 4,
            synced_heads: Some(vec![[1; 32]]),
        };
        let bytes = postcard::to_allocvec(&Stored::<EngineState>::V2(old)).unwrap();
        assert_eq!(bytes[0], 0, "variant index of V2");
        let state = EngineState::decode(&bytes).unwrap();
        assert_eq!((state.cursor, state.next_seq), (Cursor(12), Seq(3)));
        assert_eq!(state.waiting_changes(), 5);
        assert_eq!(state.synced_heads, Some(vec![[1; 32]]));
        assert!(state.holes.is_empty() && state.seen.is_empty());
    }

    #[test]
    fn a_state_of_the_first_client_is_migrated() {
        #[derive(Serialize)]
        struct Old<'a>(Cursor, Seq, Vec<(Seq, ChunkKind, &'a Sealed)>, u32);
        let sealed = upload(1, ChunkKind::Change, 1).sealed;
        let old = Old(
            Cursor(7),
            Seq(3),
            vec![
                (Seq(1), ChunkKind::Change, &sealed),
                (Seq(2), ChunkKind::Snapshot { covers: Cursor(6) }, &sealed),
            ],
            5,
        );
        let bytes = postcard::to_allocvec(&old).unwrap();
        let state = EngineState::decode_v1(&bytes).unwrap();
        assert_eq!(
            (state.cursor, state.next_seq, state.since_snapshot),
            (Cursor(7), Seq(3), 5)
        );
        assert_eq!(state.pending[0].sealed, sealed);
        assert_eq!(
            state.pending.iter().map(|u| u.changes).collect::<Vec<_>>(),
            [1, 0]
        );
        assert_eq!(state.waiting_changes(), 1);
    }

    #[test]
    fn pending_uploads_move_to_a_new_device_id_and_open_there() {
        use rapport_protocol::Plain;
        let (team, key) = (TeamId::from_bytes([1; 16]), TeamKey::from_bytes([2; 32]));
        let (old, new) = (DeviceId::from_bytes([3; 16]), DeviceId::from_bytes([4; 16]));
        let sealed_as = |seq: u64, text: &[u8]| PendingUpload {
            seq: Seq(seq),
            kind: ChunkKind::Change,
            sealed: seal(
                &key,
                team,
                old,
                Seq(seq),
                ChunkKind::Change,
                &Plain::new(text.to_vec()),
                [seq as u8; 24],
            ),
            changes: 1,
        };
        let mut state = EngineState {
            next_seq: Seq(8),
            pending: vec![sealed_as(6, b"six"), upload(7, ChunkKind::Change, 1)],
            synced_heads: Some(vec![[5; 32]]),
            ..EngineState::fresh()
        };
        let mut n = 0u8;
        state.rebind(old, new, team, &key, || {
            n += 1;
            Some([n; 24])
        });
        // The upload that opened moved to seq 1 of the new id; the one that
        // did not (not sealed by this key) was dropped, and the heads with
        // it, so its changes go up again from the document.
        assert_eq!(state.pending.len(), 1);
        assert_eq!((state.pending[0].seq, state.next_seq), (Seq(1), Seq(2)));
        let moved = &state.pending[0];
        let opened = open(&key, team, new, moved.seq, moved.kind, &moved.sealed).unwrap();
        assert_eq!(opened.as_bytes(), b"six");
        assert!(open(&key, team, old, Seq(6), moved.kind, &moved.sealed).is_err());
        assert_eq!(state.synced_heads, None);
    }
}
