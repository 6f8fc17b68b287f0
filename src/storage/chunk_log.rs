//! [`ChunkLog`]: which stored chunks a tab has applied, and when to compact.

use std::collections::BTreeMap;

use crate::document::ChangeBatch;
use crate::document::Workspace;
use crate::domain::sort::sort_by_key;

/// What a stored chunk holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChunkKind {
    /// A whole saved document.
    Snapshot,
    /// One change.
    Change,
    /// Several changes received together from the team, as a
    /// [`ChangeBatch`] (the format of a change chunk's plaintext): one
    /// record per page, since IndexedDB spends about a millisecond on each.
    Changes,
}

impl ChunkKind {
    /// The name stored in IndexedDB.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Snapshot => "snapshot",
            Self::Change => "change",
            Self::Changes => "changes",
        }
    }

    /// Reads the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "snapshot" => Some(Self::Snapshot),
            "change" => Some(Self::Change),
            "changes" => Some(Self::Changes),
            _ => None,
        }
    }
}

/// One record of the chunk store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredChunk {
    /// The store's auto-increment key: later writes get larger keys.
    pub key: u64,
    /// Snapshot or change.
    pub kind: ChunkKind,
    /// Automerge bytes.
    pub bytes: Vec<u8>,
}

/// A chunk that could not be applied: to be set aside, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damaged {
    /// Its key in the chunk store.
    pub key: u64,
    /// Why it was refused.
    pub reason: String,
}

/// Compaction starts only past this many bytes of changes, so that a fresh
/// workspace is not re-snapshotted after every keystroke.
const MIN_CHANGE_BYTES: usize = 64 * 1024;
/// ... or past this many change chunks, whatever their size, to bound the
/// number of records start-up must read.
const MAX_CHANGE_CHUNKS: usize = 500;

/// The chunks a tab has folded into its workspace: key → (kind, size).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChunkLog {
    applied: BTreeMap<u64, (ChunkKind, usize)>,
}

impl ChunkLog {
    /// Applies every chunk this log has not applied yet — snapshots first,
    /// then changes in the order they were stored — and returns those that
    /// failed. A failed chunk changes nothing in the workspace.
    pub fn absorb(
        &mut self,
        workspace: &mut Workspace,
        mut chunks: Vec<StoredChunk>,
    ) -> Vec<Damaged> {
        chunks.retain(|c| !self.applied.contains_key(&c.key));
        sort_by_key(&mut chunks, |c| (c.kind != ChunkKind::Snapshot, c.key));
        let mut damaged = Vec::new();
        let mut held_back = Vec::new();
        let mut pages = Vec::new();
        for chunk in chunks {
            let len = chunk.bytes.len();
            let result = match chunk.kind {
                ChunkKind::Changes => apply_page(workspace, &chunk.bytes).map(|()| None),
                ChunkKind::Snapshot | ChunkKind::Change => {
                    workspace.apply(&chunk.bytes).map_err(|e| e.to_string())
                }
            };
            match result {
                Ok(None) if chunk.kind == ChunkKind::Changes => pages.push((chunk.key, len)),
                Ok(None) => {
                    self.applied.insert(chunk.key, (chunk.kind, len));
                }
                Ok(Some(hash)) => held_back.push((chunk.key, chunk.kind, len, hash)),
                Err(reason) => damaged.push(Damaged {
                    key: chunk.key,
                    reason,
                }),
            }
        }
        // A change whose predecessors are missing waits in automerge's queue
        // and is not in a snapshot saved now: it is not "applied" (and so not
        // deletable by a compaction) until it is really in the document.
        for (key, kind, len, hash) in held_back {
            if workspace.has_change(&hash) {
                self.applied.insert(key, (kind, len));
            }
        }
        // Pages are many changes: asking about each would cost a pass over
        // the document per change, so a page counts once nothing waits.
        if !pages.is_empty() && workspace.nothing_waiting() {
            for (key, len) in pages {
                self.applied.insert(key, (ChunkKind::Changes, len));
            }
        }
        damaged
    }

    /// Records a chunk this tab wrote itself (already in its workspace).
    pub fn record(&mut self, key: u64, kind: ChunkKind, len: usize) {
        self.applied.insert(key, (kind, len));
    }

    /// Whether a chunk is already folded in.
    pub fn contains(&self, key: u64) -> bool {
        self.applied.contains_key(&key)
    }

    /// The keys a compaction made now may delete: everything applied.
    pub fn keys(&self) -> Vec<u64> {
        self.applied.keys().copied().collect()
    }

    /// After a compaction stored `snapshot_len` bytes under `key` in place of
    /// `replaced`.
    pub fn compacted(&mut self, key: u64, snapshot_len: usize, replaced: &[u64]) {
        for k in replaced {
            self.applied.remove(k);
        }
        self.applied
            .insert(key, (ChunkKind::Snapshot, snapshot_len));
    }

    /// Forgets a chunk another tab compacted away (it is in a snapshot now).
    pub fn forget_missing(&mut self, present: &[u64]) {
        let present: std::collections::BTreeSet<u64> = present.iter().copied().collect();
        self.applied.retain(|k, _| present.contains(k));
    }

    /// True when the change chunks have outgrown the snapshots (or there are
    /// too many of them, or several snapshots to fold into one).
    pub fn should_compact(&self) -> bool {
        self.outgrown() || self.tally().changes > MAX_CHANGE_CHUNKS
    }

    /// True when the changes weigh more than the snapshot they would fold
    /// into, or there are several snapshots. Compacting only then, while a
    /// device catches up, keeps the total work within a constant times the
    /// document's size: each compaction at least doubles what the next
    /// must wait for.
    pub fn outgrown(&self) -> bool {
        let t = self.tally();
        t.snapshots > 1 || (t.change_bytes > MIN_CHANGE_BYTES && t.change_bytes > t.snapshot_bytes)
    }

    fn tally(&self) -> Tally {
        let mut t = Tally::default();
        for (kind, len) in self.applied.values() {
            match kind {
                ChunkKind::Snapshot => {
                    t.snapshots += 1;
                    t.snapshot_bytes += len;
                }
                ChunkKind::Change | ChunkKind::Changes => {
                    t.changes += 1;
                    t.change_bytes += len;
                }
            }
        }
        t
    }
}

/// Applies a stored page of changes; a page that does not decode, or holds
/// a change automerge refuses, is damaged (the changes before it stay in).
fn apply_page(workspace: &mut Workspace, bytes: &[u8]) -> Result<(), String> {
    let changes = ChangeBatch::decode(bytes)
        .ok_or("damaged page of changes: not a change batch")?
        .into_changes();
    workspace
        .apply_all(&changes)
        .into_iter()
        .find_map(Result::err)
        .map_or(Ok(()), |e| Err(e.to_string()))
}

/// What a [`ChunkLog`] holds, counted.
#[derive(Default)]
struct Tally {
    snapshots: usize,
    snapshot_bytes: usize,
    changes: usize,
    change_bytes: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AccountDraft, Author, Edit};
    use automerge::ActorId;

    fn edit() -> Edit {
        Edit {
            author: Author {
                name: "Анна".into(),
                device: "d1".into(),
            },
            at: chrono::DateTime::from_timestamp(1_790_000_000, 0).unwrap(),
            today: chrono::NaiveDate::from_ymd_opt(2026, 9, 21).unwrap(),
        }
    }

    fn account(ws: &mut Workspace, name: &str) -> Vec<u8> {
        let draft = AccountDraft {
            owner: String::new(),
            name: name.into(),
            ..Default::default()
        };
        ws.create(&draft, &edit()).unwrap();
        ws.last_local_change().unwrap()
    }

    #[test]
    fn absorbs_snapshots_and_changes_once_and_sets_damaged_ones_aside() {
        let mut writer = Workspace::new(ActorId::from([1; 16]));
        account(&mut writer, "A");
        let snapshot = writer.save();
        let b = account(&mut writer, "B");
        let mut broken = account(&mut writer, "C");
        let mid = broken.len() / 2;
        broken[mid] ^= 0xff;
        let d = account(&mut writer, "D");
        let stored = vec![
            StoredChunk {
                key: 4,
                kind: ChunkKind::Change,
                bytes: d,
            },
            StoredChunk {
                key: 1,
                kind: ChunkKind::Snapshot,
                bytes: snapshot,
            },
            StoredChunk {
                key: 2,
                kind: ChunkKind::Change,
                bytes: b,
            },
            StoredChunk {
                key: 3,
                kind: ChunkKind::Change,
                bytes: broken,
            },
        ];

        let mut reader = Workspace::new(ActorId::from([2; 16]));
        let mut log = ChunkLog::default();
        let damaged = log.absorb(&mut reader, stored.clone());
        assert_eq!(damaged.iter().map(|d| d.key).collect::<Vec<_>>(), [3]);
        // D depends on the damaged C, so automerge holds it back until C
        // arrives; A and B show.
        let names: Vec<_> = reader
            .read_model()
            .filter_accounts("")
            .iter()
            .map(|r| r.name.clone())
            .collect();
        assert_eq!(names, ["A", "B"]);
        // D is not counted as applied, so no compaction can delete it.
        assert_eq!(log.keys(), [1, 2]);
        // Absorbing the same chunks again applies nothing new.
        let heads = reader.heads();
        assert_eq!(log.absorb(&mut reader, stored).len(), 1);
        assert_eq!(reader.heads(), heads);
    }

    #[test]
    fn a_page_of_changes_counts_once_all_of_it_is_in_and_a_damaged_one_is_set_aside() {
        let mut writer = Workspace::new(ActorId::from([1; 16]));
        let first = account(&mut writer, "A");
        let page =
            ChangeBatch::encode_changes(&[account(&mut writer, "B"), account(&mut writer, "C")]);
        let chunk = |key, kind, bytes: &[u8]| StoredChunk {
            key,
            kind,
            bytes: bytes.to_vec(),
        };

        // Without the change before it, the page waits: applied, not counted.
        let mut reader = Workspace::new(ActorId::from([2; 16]));
        let mut log = ChunkLog::default();
        let damaged = log.absorb(&mut reader, vec![chunk(2, ChunkKind::Changes, &page)]);
        assert!(damaged.is_empty());
        assert!(
            !log.contains(2),
            "a page waiting for a predecessor may not be compacted away"
        );

        let damaged = log.absorb(&mut reader, vec![chunk(1, ChunkKind::Change, &first)]);
        assert!(damaged.is_empty());
        let damaged = log.absorb(&mut reader, vec![chunk(2, ChunkKind::Changes, &page)]);
        assert!(damaged.is_empty());
        assert_eq!(log.keys(), [1, 2]);
        assert_eq!(reader.heads(), writer.heads());

        let mut torn = page.clone();
        torn.truncate(page.len() - 3);
        let damaged = log.absorb(&mut reader, vec![chunk(3, ChunkKind::Changes, &torn)]);
        assert_eq!(damaged.len(), 1);
        assert_eq!(damaged[0].key, 3);
        assert!(!log.contains(3));
    }

    #[test]
    fn compaction_is_due_when_changes_outgrow_the_snapshot() {
        let mut log = ChunkLog::default();
        log.record(1, ChunkKind::Snapshot, 100_000);
        log.record(2, ChunkKind::Change, 90_000);
        assert!(!log.should_compact());
        log.record(3, ChunkKind::Change, 20_000);
        assert!(log.should_compact());
        log.compacted(4, 120_000, &[1, 2, 3]);
        assert_eq!(log.keys(), [4]);
        assert!(!log.should_compact());
        for k in 5..=(5 + MAX_CHANGE_CHUNKS as u64) {
            log.record(k, ChunkKind::Change, 10);
        }
        assert!(log.should_compact());
    }

    #[test]
    fn while_catching_up_only_a_log_heavier_than_the_snapshot_is_compacted() {
        let mut log = ChunkLog::default();
        log.record(1, ChunkKind::Snapshot, 5_000_000);
        // A page of the team's changes: many chunks, but light next to
        // the document.
        for k in 2..(2 + 2 * MAX_CHANGE_CHUNKS as u64) {
            log.record(k, ChunkKind::Change, 500);
        }
        assert!(!log.outgrown());
        assert!(
            log.should_compact(),
            "once settled, the count still bounds start-up"
        );
        log.record(10_000, ChunkKind::Change, 4_600_000);
        assert!(log.outgrown());
        log.compacted(10_001, 9_000_000, &log.keys());
        assert!(!log.outgrown());
        log.record(10_002, ChunkKind::Snapshot, 100);
        assert!(log.outgrown(), "two snapshots fold into one");
    }
}
