//! [`SyncEngine`]: one device's half of the relay protocol, without I/O.
//!
//! The engine takes events (the connection opened or closed, a frame
//! arrived, the rep changed something, a snapshot was saved) and returns
//! [`Action`]s for the app to carry out **in order**: frames to send, chunk
//! contents to apply to the workspace, state to persist, status events.
//! It owns no socket, clock, timer or random source, so it compiles for
//! wasm32 and every rule is tested by calling it directly (see
//! `tests/network.rs` for a deterministic multi-device simulation).
//!
//! # A connection's life
//!
//! 1. [`SyncEngine::connected`] sends `Hello`, naming this device's public
//!    key; the relay's `Challenge` becomes an [`Action::Prove`], and
//!    [`SyncEngine::prove`] answers it with the ECDH proof.
//! 2. On `Welcome`, it fetches after its cursor and re-sends every pending
//!    upload with its original seq and bytes (the relay deduplicates).
//! 3. `Chunks` are opened, decoded and handed out as one [`Action::Apply`];
//!    once the app confirms it ([`SyncEngine::applied`]), the cursor moves
//!    past the page and, while `more`, the next page is fetched. A `Notify`
//!    during a fetch is remembered and fetched after it.
//! 4. Each `Ack` drops that upload from the pending list; a `SeqTaken`
//!    (this device's seq already holds other bytes: an older backup, two
//!    engines) moves its seqs past the relay's highest and seals the upload
//!    again ([`Action::Reseal`]).
//!
//! # Nothing skipped
//!
//! The cursor moves only past what the app stored and applied: a page the
//! app could not take ([`SyncEngine::apply_failed`]) is fetched again on
//! [`SyncEngine::retry`]. A chunk that does not open, and seqs of a
//! colleague the relay never served (its seq 5, then its seq 7), become
//! [holes](crate::sync::Hole): reported on every connection, looked for
//! again by reading the log once more from the oldest, and no snapshot is
//! offered while one is open. Seqs are checked only above the first one
//! read after a catch-up by snapshot, since the relay drops what a
//! snapshot covers.
//!
//! # Contract with the app
//!
//! - Carry out actions in the order given: a [`Action::Persist`] comes
//!   before the [`Action::Send`] that depends on it, so an upload is stored
//!   on the device before it can reach the relay (a retry after a crash then
//!   reuses the same bytes instead of conflicting).
//! - Store and apply each [`Action::Apply`], then call
//!   [`SyncEngine::applied`] with its page, or [`SyncEngine::apply_failed`]
//!   if storing or applying failed; after a failure, call
//!   [`SyncEngine::retry`] later (with a growing wait). Until then the
//!   cursor stays and nothing more is fetched.
//! - On [`Action::Reseal`], call [`SyncEngine::reseal`] with that many
//!   fresh nonces.
//! - Pass to [`SyncEngine::snapshot_due`] whether the document holds
//!   changes waiting for their predecessors
//!   ([`Workspace::nothing_waiting`](crate::document::Workspace::nothing_waiting)):
//!   a snapshot claims to contain everything up to its cursor.
//! - Pass to [`SyncEngine::local_changes`] only changes made on this device
//!   (e.g. [`Workspace::last_local_change`](crate::document::Workspace::last_local_change)
//!   after a command), never bytes that arrived through [`Action::Apply`]:
//!   received changes are already on the relay. The engine skips its own
//!   chunks when they come back from the relay, since the document has them.
//! - Run one engine per device id (one tab leads): two engines with one
//!   device id would hand out the same seqs.

use rapport_protocol::{
    AccessToken, AdminSecret, ChainLink, ChunkKind, ClientFrame, Cursor, DeviceId, DevicePublicKey,
    EnrolledDevice, Envelope, EnvelopeSecrets, ErrorCode, PROTOCOL_VERSION, Plain, Rotation, Seq,
    ServerFrame, StoredChunk, TeamDevice, TeamId, TeamKey, access_token, hello_proof, open,
    open_envelope, open_link, seal, seal_card, seal_envelope, seal_link, token_hash,
};

use crate::document::ChangeBatch;
use crate::sync::engine_state::{Hole, Missing, Seen};
use crate::sync::{EngineState, PendingUpload, Problem, SyncError, SyncEvent};

/// While offline, a device's new changes join its newest unsent change
/// chunk while that holds at most this many bytes of changes: a week of
/// offline work goes up as a few chunks, not one per edit.
pub const COALESCE_BYTES: usize = 64 * 1024;

/// How many chunks one `Fetch` asks for.
pub const DEFAULT_PAGE_LIMIT: u32 = 500;

/// After about this many change chunks since the newest snapshot, a device
/// offers one ([`SyncEngine::snapshot_due`]).
pub const DEFAULT_SNAPSHOT_EVERY: u32 = 200;

/// Something the app must do, in the order the engine returned it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Send these bytes as one binary WebSocket message.
    Send(Vec<u8>),
    /// Apply each item with
    /// [`Workspace::apply`](crate::document::Workspace::apply), in order
    /// (each is one Automerge change or one whole saved document), store
    /// them on the device, then call [`SyncEngine::applied`] with `page`
    /// (or [`SyncEngine::apply_failed`]).
    Apply {
        /// What to confirm.
        page: PageId,
        /// The changes and documents.
        items: Vec<Vec<u8>>,
    },
    /// Store this state (IndexedDB) and pass it to [`SyncEngine::new`] on
    /// the next start.
    Persist(EngineState),
    /// Feed this event to the [`SyncStatus`](crate::sync::SyncStatus).
    Status(SyncEvent),
    /// Nothing left to send or fetch at this moment: feed
    /// [`SyncEvent::Settled`] with the current time to the status.
    Settled,
    /// Something was refused or skipped; log it, and show it if it persists.
    Report(SyncError),
    /// The team's devices, as the relay listed them (for its admin).
    Devices(Vec<TeamDevice>),
    /// Store this key ring (the membership's keys, newest first, the first
    /// of `epoch`) and pass it to [`SyncEngine::with_key_ring`] on the next
    /// start: a rotation or the key chain changed it.
    Keys {
        /// The epoch of `keys[0]`.
        epoch: u32,
        /// The keys, newest first.
        keys: Vec<TeamKey>,
    },
    /// The relay sealed the team's new key to this device, and it names the
    /// admin's device key this device pinned: compute the ECDH secrets of
    /// this device's private key with `envelope.ephemeral` and with
    /// `envelope.admin`, and pass them to [`SyncEngine::rekeyed`].
    Unwrap {
        /// The new key's epoch.
        epoch: u32,
        /// The sealed key.
        envelope: Envelope,
    },
    /// The team's devices with the keys they proved, as the relay lists
    /// them (for its admin, to approve new ones after comparing
    /// fingerprints; never to seal a new key to on the relay's word).
    DeviceKeys(Vec<EnrolledDevice>),
    /// The relay challenged this device to prove it holds its key: compute
    /// the ECDH secret of this device's private key and `ephemeral`, and
    /// pass it to [`SyncEngine::prove`].
    Prove {
        /// The relay's ephemeral public key.
        ephemeral: DevicePublicKey,
    },
    /// Pending uploads must be sealed again under new seqs: call
    /// [`SyncEngine::reseal`] with this many fresh nonces.
    Reseal {
        /// How many uploads (nonces) it takes.
        nonces: usize,
    },
}

/// One [`Action::Apply`], to confirm with [`SyncEngine::applied`] or
/// [`SyncEngine::apply_failed`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageId(u64);

/// A fetched page handed out to apply, and what confirming it commits.
#[derive(Debug, Clone)]
struct Staged {
    id: PageId,
    /// Where the next fetch starts.
    next: Cursor,
    more: bool,
    since_snapshot: u32,
    holes: Vec<Hole>,
    seen: Vec<Seen>,
}

/// Where the connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    /// No connection.
    Offline,
    /// `Hello` sent, `Welcome` not yet received.
    Joining,
    /// Admitted by the relay.
    Joined,
}

/// The sans-IO sync engine of one device in one team. See the module docs.
pub struct SyncEngine {
    team: TeamId,
    device: DeviceId,
    /// The team keys this device holds, newest first: chunks are sealed
    /// with the first and opened with whichever fits.
    keys: Vec<TeamKey>,
    /// The epoch of `keys[0]` (0 until a rotation or the relay says more).
    epoch: u32,
    token: AccessToken,
    /// This device's public key: its id is derived from it, `Hello` names
    /// it, and rotations are sealed to it.
    public_key: Option<DevicePublicKey>,
    /// The team admin's device id, pinned at join (from the invite): only
    /// a new key sealed with that device's key is accepted.
    admin: Option<DeviceId>,
    /// A rotation this device (the admin) sent, until `KeyRotated`.
    rotating: Option<(u32, TeamKey)>,
    state: EngineState,
    link: Link,
    /// A `Fetch` is in flight on this connection.
    fetching: bool,
    /// A `Notify` arrived while fetching: fetch again after this page.
    refetch: bool,
    /// The fetch in flight is a `FetchAll`, reading again past a snapshot
    /// that did not open.
    fetching_all: bool,
    /// The newest head the relay has told of on this connection.
    known_head: Cursor,
    /// The changes of the newest pending upload while no connection of this
    /// engine has sent it yet: the relay cannot have it, so it may still be
    /// sealed again with more changes under the same seq. Kept in memory
    /// only: after a restart nothing is reopened.
    open_tail: Option<Vec<Vec<u8>>>,
    /// Where the next `Fetch` starts: the cursor, or before it while the
    /// log is read again for holes.
    at: Cursor,
    /// The fetched page the app is applying.
    staged: Option<Staged>,
    /// The last page id handed out.
    pages: u64,
    /// The app could not apply a page: no fetch until [`SyncEngine::retry`].
    stalled: bool,
    /// The holes were reported on this connection.
    holes_told: bool,
    /// A `SeqTaken` said the relay holds this device's seqs up to this
    /// one: pending uploads at or below it are sealed again.
    taken: Option<Seq>,
    snapshot_every: u32,
    page_limit: u32,
}

impl std::fmt::Debug for SyncEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key stays out of logs (TeamKey's Debug hides it as well).
        f.debug_struct("SyncEngine")
            .field("team", &self.team)
            .field("device", &self.device)
            .field("state", &self.state)
            .field("link", &self.link)
            .field("fetching", &self.fetching)
            .finish_non_exhaustive()
    }
}

impl SyncEngine {
    /// The engine of `device` in `team`, resuming from `saved`
    /// ([`EngineState::fresh`] the first time). The relay access token is
    /// derived from `key`, so the two cannot disagree.
    pub fn new(team: TeamId, device: DeviceId, key: TeamKey, saved: EngineState) -> SyncEngine {
        let token = access_token(&key, team);
        SyncEngine {
            team,
            device,
            keys: vec![key],
            epoch: 0,
            token,
            public_key: None,
            admin: None,
            rotating: None,
            state: saved,
            link: Link::Offline,
            fetching: false,
            refetch: false,
            fetching_all: false,
            open_tail: None,
            known_head: Cursor::START,
            at: Cursor::START,
            staged: None,
            pages: 0,
            stalled: false,
            holes_told: false,
            taken: None,
            snapshot_every: DEFAULT_SNAPSHOT_EVERY,
            page_limit: DEFAULT_PAGE_LIMIT,
        }
    }

    /// Restores the key ring an [`Action::Keys`] stored: `older` keys
    /// (newest first) behind the engine's key, which is of `epoch`.
    pub fn with_key_ring(mut self, epoch: u32, older: Vec<TeamKey>) -> SyncEngine {
        self.epoch = epoch;
        self.keys.truncate(1);
        self.keys.extend(older);
        self
    }

    /// This device's public key (its id must be the key's: the relay
    /// refuses anything else). Without one, the engine cannot say `Hello`.
    pub fn with_public_key(mut self, public_key: DevicePublicKey) -> SyncEngine {
        self.public_key = Some(public_key);
        self
    }

    /// The admin's device id this device pinned at join: a new team key is
    /// accepted only when that device sealed it. Without one, every new key
    /// is refused (the device needs a new invite after a rotation).
    pub fn with_admin(mut self, admin: DeviceId) -> SyncEngine {
        self.admin = Some(admin);
        self
    }

    /// Offers a snapshot after about `every` change chunks (at least 1).
    ///
    /// Each device waits a little longer than `every`, by an amount derived
    /// from its id, so a team's devices do not all upload one at once.
    #[must_use]
    pub fn with_snapshot_every(mut self, every: u32) -> SyncEngine {
        self.snapshot_every = every.max(1);
        self
    }

    /// Asks for at most `limit` chunks per `Fetch` (at least 1).
    #[must_use]
    pub fn with_page_limit(mut self, limit: u32) -> SyncEngine {
        self.page_limit = limit.max(1);
        self
    }

    /// This engine's device.
    pub fn device(&self) -> DeviceId {
        self.device
    }

    /// The state to persist (also returned by every [`Action::Persist`]).
    pub fn state(&self) -> &EngineState {
        &self.state
    }

    /// Whether the relay has admitted this connection.
    pub fn is_joined(&self) -> bool {
        self.link == Link::Joined
    }

    /// Whether nothing is waiting: no upload unacknowledged, no fetch in
    /// flight, and no newer head announced than what was fetched.
    pub fn is_idle(&self) -> bool {
        self.state.pending.is_empty()
            && !self.fetching
            && !self.refetch
            && self.staged.is_none()
            && !self.stalled
            && self.known_head <= self.state.cursor
    }

    /// The connection to the relay is open: says who this device is.
    pub fn connected(&mut self) -> Vec<Action> {
        self.link = Link::Joining;
        self.fetching = false;
        self.refetch = false;
        let Some(public_key) = self.public_key.clone() else {
            return vec![
                Action::Report(SyncError::NoDeviceKey),
                Action::Status(SyncEvent::Failed(Problem::NotAdmitted)),
            ];
        };
        let hello = ClientFrame::Hello {
            version: PROTOCOL_VERSION,
            team: self.team,
            device: self.device,
            token: self.token,
            public_key,
        };
        vec![Action::Send(hello.encode())]
    }

    /// The ECDH secret of this device's private key and the challenge's
    /// `ephemeral` key (an [`Action::Prove`]): answers the challenge.
    pub fn prove(&mut self, ephemeral: &DevicePublicKey, shared: &[u8; 32]) -> Vec<Action> {
        let proof = hello_proof(shared, self.team, self.device, ephemeral);
        vec![Action::Send(ClientFrame::Prove { proof }.encode())]
    }

    /// Tells the team's admin who this device is: `card` (the rep's name)
    /// sealed under the team key, bound to this device. `nonce` must be
    /// fresh. Nothing while not admitted.
    pub fn introduce(&self, card: &str, nonce: [u8; 24]) -> Vec<Action> {
        let sealed = seal_card(&self.keys[0], self.team, self.device, card, nonce);
        self.admin_frame(ClientFrame::Enroll { card: sealed })
    }

    /// The connection closed (or failed). Pending uploads stay pending and
    /// go again on the next connection.
    pub fn disconnected(&mut self) -> Vec<Action> {
        self.link = Link::Offline;
        self.fetching = false;
        self.fetching_all = false;
        self.refetch = false;
        self.stalled = false;
        Vec::new()
    }

    /// The app stored and applied the [`Action::Apply`] of `page`: the
    /// cursor moves past it, and the next page is fetched if there is one.
    /// An unknown or earlier page does nothing.
    pub fn applied(&mut self, page: PageId) -> Vec<Action> {
        match self.staged.take() {
            Some(staged) if staged.id == page => self.commit(staged),
            other => {
                self.staged = other;
                Vec::new()
            }
        }
    }

    /// The app could not store or apply the [`Action::Apply`] of `page`
    /// (`reason` for logs): the cursor stays before it, and nothing more is
    /// fetched until [`SyncEngine::retry`], which fetches it again.
    pub fn apply_failed(&mut self, page: PageId, reason: &str) -> Vec<Action> {
        if self.staged.as_ref().is_some_and(|staged| staged.id == page) {
            self.staged = None;
            self.stalled = true;
        }
        vec![Action::Report(SyncError::NotApplied {
            reason: reason.to_owned(),
        })]
    }

    /// Fetches again what the app could not apply (after
    /// [`SyncEngine::apply_failed`]); call it after a growing wait.
    pub fn retry(&mut self) -> Vec<Action> {
        if self.link != Link::Joined || !self.stalled || self.fetching || self.staged.is_some() {
            return Vec::new();
        }
        self.stalled = false;
        vec![Action::Status(SyncEvent::Exchanging), self.fetch()]
    }

    /// Whether a page failed to apply and waits for [`SyncEngine::retry`].
    pub fn is_stalled(&self) -> bool {
        self.stalled
    }

    /// Seals again, under new seqs past the ones the relay holds, the
    /// pending uploads an [`Action::Reseal`] asked for. `nonces` gives one
    /// fresh nonce per upload.
    pub fn reseal(&mut self, nonces: impl FnMut() -> [u8; 24]) -> Vec<Action> {
        let Some(taken) = self.taken.take() else {
            return Vec::new();
        };
        self.reseal_uploads(self.device, |upload| upload.seq <= taken, nonces)
    }

    /// Opens each pending upload `which` picks (sealed as `sealed_as`) and
    /// seals it again as this device, under the next seqs, keeping its kind
    /// and contents; then persists and sends them (if joined). What the rep
    /// wrote stays pending throughout: nothing is dropped unless it cannot
    /// be opened (reported).
    fn reseal_uploads(
        &mut self,
        sealed_as: DeviceId,
        which: impl Fn(&PendingUpload) -> bool,
        mut nonces: impl FnMut() -> [u8; 24],
    ) -> Vec<Action> {
        self.open_tail = None;
        let (again, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.state.pending)
            .into_iter()
            .partition(|upload| which(upload));
        self.state.pending = kept;
        let mut reports = Vec::new();
        let mut sends = Vec::new();
        for upload in again {
            let plain = self.keys.iter().find_map(|key| {
                open(
                    key,
                    self.team,
                    sealed_as,
                    upload.seq,
                    upload.kind,
                    &upload.sealed,
                )
                .ok()
            });
            let Some(plain) = plain else {
                reports.push(Action::Report(SyncError::Reseal { seq: upload.seq }));
                continue;
            };
            let seq = self.state.next_seq;
            self.state.next_seq = seq.next();
            let sealed = seal(
                &self.keys[0],
                self.team,
                self.device,
                seq,
                upload.kind,
                &plain,
                nonces(),
            );
            if self.link == Link::Joined {
                sends.push(Action::Send(
                    ClientFrame::Upload {
                        seq,
                        kind: upload.kind,
                        sealed: sealed.clone(),
                    }
                    .encode(),
                ));
            }
            self.state.pending.push(PendingUpload {
                seq,
                sealed,
                ..upload
            });
        }
        let mut actions = reports;
        actions.push(Action::Persist(self.state.clone()));
        actions.extend(sends);
        actions
    }

    /// Changes the rep made on this device: sealed as one change chunk with
    /// the next seq, stored as pending, and sent now if connected. While
    /// not connected, they join the newest pending chunk instead, if no
    /// connection has sent it yet and it stays within `COALESCE_BYTES` (64 KiB):
    /// that chunk is sealed again, same seq, fresh nonce. `nonce` must be 24
    /// fresh random bytes. An empty list does nothing.
    pub fn local_changes(&mut self, changes: Vec<Vec<u8>>, nonce: [u8; 24]) -> Vec<Action> {
        if changes.is_empty() {
            return Vec::new();
        }
        let mut actions = vec![Action::Status(SyncEvent::LocalChange(changes.len()))];
        if self.link == Link::Joined {
            let plain = Plain::new(ChangeBatch::encode_changes(&changes));
            actions.extend(self.enqueue(ChunkKind::Change, &plain, changes.len(), nonce));
            return actions;
        }
        let mut tail = match self.open_tail.take() {
            Some(tail) if batch_bytes(&tail) + batch_bytes(&changes) <= COALESCE_BYTES => tail,
            _ => {
                let plain = Plain::new(ChangeBatch::encode_changes(&changes));
                actions.extend(self.enqueue(ChunkKind::Change, &plain, changes.len(), nonce));
                self.open_tail = Some(changes);
                return actions;
            }
        };
        tail.extend(changes);
        let plain = Plain::new(ChangeBatch::encode_changes(&tail));
        let (key, team, device) = (&self.keys[0], self.team, self.device);
        let last = self
            .state
            .pending
            .last_mut()
            .expect("an open tail is the newest pending upload");
        last.sealed = seal(
            key,
            team,
            device,
            last.seq,
            ChunkKind::Change,
            &plain,
            nonce,
        );
        last.changes = u32::try_from(tail.len()).unwrap_or(u32::MAX);
        self.open_tail = Some(tail);
        actions.push(Action::Persist(self.state.clone()));
        actions
    }

    /// Changes sealed in uploads the relay has not acknowledged yet: what
    /// the sync indicator shows as waiting when the app starts.
    pub fn waiting_changes(&self) -> usize {
        self.state.waiting_changes()
    }

    /// The cursor a snapshot should cover, if one is due: about
    /// [`SyncEngine::with_snapshot_every`] change chunks have landed since
    /// the newest snapshot, this device is joined and has fetched all it was
    /// told of, and it has no snapshot of its own waiting for an `Ack`.
    /// Save the document then and pass it to [`SyncEngine::snapshot`].
    ///
    /// `complete` says the document holds no change waiting for its
    /// predecessors. No snapshot is due while it does, or while a hole is
    /// open (a chunk that did not open, seqs the relay withheld): the
    /// snapshot would claim to contain what it does not.
    pub fn snapshot_due(&self, complete: bool) -> Option<Cursor> {
        if !complete || !self.state.holes.is_empty() || self.staged.is_some() || self.stalled {
            return None;
        }
        let threshold = self.snapshot_every + self.jitter();
        let waiting = self
            .state
            .pending
            .iter()
            .any(|upload| matches!(upload.kind, ChunkKind::Snapshot { .. }));
        (self.link == Link::Joined
            && !self.fetching
            && !self.refetch
            && !waiting
            && self.state.since_snapshot >= threshold)
            .then_some(self.state.cursor)
    }

    /// Uploads `document` (from [`Workspace::save`](crate::document::Workspace::save),
    /// after every [`Action::Apply`] so far) as a snapshot covering
    /// `covers`; the relay then drops the chunks it covers. `covers` may not
    /// be past what this device has applied; while a hole is open, it is
    /// lowered to before the oldest, so the relay keeps what the document
    /// lacks. `nonce` must be fresh.
    pub fn snapshot(&mut self, document: Vec<u8>, covers: Cursor, nonce: [u8; 24]) -> Vec<Action> {
        if covers > self.state.cursor {
            return vec![Action::Report(SyncError::SnapshotAhead {
                covers,
                cursor: self.state.cursor,
            })];
        }
        let covers = self
            .state
            .holes
            .iter()
            .map(|hole| hole.after)
            .fold(covers, Cursor::min);
        self.state.since_snapshot = 0;
        self.enqueue(
            ChunkKind::Snapshot { covers },
            &Plain::new(document),
            0,
            nonce,
        )
    }

    /// One binary message from the relay.
    pub fn received(&mut self, bytes: &[u8]) -> Vec<Action> {
        let frame = match ServerFrame::decode(bytes) {
            Ok(frame) => frame,
            Err(error) => {
                return vec![Action::Report(SyncError::BadFrame {
                    reason: error.to_string(),
                })];
            }
        };
        match frame {
            ServerFrame::Welcome { head, .. } => self.welcome(head),
            ServerFrame::Ack { seq, .. } => self.ack(seq),
            ServerFrame::Chunks { items, more, next } => self.chunks(items, more, next),
            ServerFrame::Notify { head } => self.notify(head),
            ServerFrame::Error { code, message } => {
                let problem = match code {
                    ErrorCode::Unauthorized | ErrorCode::Revoked | ErrorCode::UnknownTeam => {
                        Problem::NotAdmitted
                    }
                    ErrorCode::QuotaExceeded
                    | ErrorCode::RateLimited
                    | ErrorCode::RelayFull
                    | ErrorCode::TeamCreationClosed
                    | ErrorCode::TooManyConnections
                    | ErrorCode::TimedOut => Problem::Limit(code),
                    _ => Problem::Relay(message.clone()),
                };
                vec![
                    Action::Report(SyncError::Refused { code, message }),
                    Action::Status(SyncEvent::Failed(problem)),
                ]
            }
            ServerFrame::Devices { devices } => vec![Action::Devices(devices)],
            ServerFrame::DeviceKeys { devices } => vec![Action::DeviceKeys(devices)],
            ServerFrame::Rekey { epoch, envelope } => self.rekey(epoch, envelope),
            ServerFrame::Challenge { ephemeral } => vec![Action::Prove { ephemeral }],
            ServerFrame::KeyChain { epoch, links } => self.key_chain(epoch, &links),
            ServerFrame::KeyRotated { epoch } => self.key_rotated(epoch),
            // Answers to admin frames: the list asked for after a revoke
            // shows it; the old token rotation is not used by the app.
            ServerFrame::DeviceRevoked { .. }
            | ServerFrame::TokenRotated
            | ServerFrame::Enrolled => Vec::new(),
            ServerFrame::SeqTaken { seq, highest, mine } => self.seq_taken(seq, highest, &mine),
        }
    }

    /// A new team key the relay offers (`Rekey`): only one of a higher
    /// epoch, for this device, sealed with the pinned admin's device key
    /// goes on to be opened ([`Action::Unwrap`]). Anything else is refused
    /// and reported, and changes nothing.
    fn rekey(&mut self, epoch: u32, envelope: Envelope) -> Vec<Action> {
        let refusal = if epoch <= self.epoch {
            Some("it is not newer than the key this device holds")
        } else if envelope.device != self.device {
            Some("it was sealed for another device")
        } else if self.admin.is_none() {
            Some("this device joined before new keys were signed; it needs a new invite")
        } else if self.admin != Some(DeviceId::of_key(&envelope.admin)) {
            Some("it was not sealed by the team's admin")
        } else {
            None
        };
        match refusal {
            Some(reason) => self.refuse_key(epoch, reason),
            None => vec![Action::Unwrap { epoch, envelope }],
        }
    }

    fn refuse_key(&self, epoch: u32, reason: &'static str) -> Vec<Action> {
        vec![
            Action::Report(SyncError::ForgedKey { epoch, reason }),
            Action::Status(SyncEvent::Failed(Problem::ForgedKey)),
        ]
    }

    /// The two ECDH secrets of this device's private key with the envelope
    /// an [`Action::Unwrap`] carried (its ephemeral and its admin key):
    /// opens the team's new key, keeps it ([`Action::Keys`]) and says
    /// `Hello` with it. Secrets that do not open the envelope (a relay, or
    /// anyone without the admin's private key, sealed it) are refused and
    /// reported, and sync stops there.
    pub fn rekeyed(
        &mut self,
        epoch: u32,
        envelope: &Envelope,
        secrets: &EnvelopeSecrets,
    ) -> Vec<Action> {
        if epoch <= self.epoch || self.admin != Some(DeviceId::of_key(&envelope.admin)) {
            return self.refuse_key(epoch, "it was not sealed by the team's admin");
        }
        let Ok(key) = open_envelope(secrets, self.team, epoch, envelope) else {
            return self.refuse_key(
                epoch,
                "it did not open with the admin's and this device's keys",
            );
        };
        self.adopt(epoch, key);
        let mut actions = vec![self.keys_action()];
        actions.extend(self.connected());
        actions
    }

    /// Asks the relay for the public keys of the team's remaining devices
    /// (only the admin may), to rotate the key.
    pub fn device_keys(&self, admin: &AdminSecret) -> Vec<Action> {
        self.admin_frame(ClientFrame::DeviceKeys {
            admin_secret: *admin,
        })
    }

    /// Replaces the team key with `new_key`, sealed by this device (the
    /// admin's) to each device of `sealed_to`: the team's device list as
    /// the admin keeps it, never as the relay lists it. Each entry holds the
    /// two ECDH secrets with that device's pinned key: of the rotation's
    /// ephemeral private key (whose public key is `ephemeral`) and of this
    /// device's own private key. `nonces` gives one fresh nonce per
    /// envelope plus one for the chain link. The new key is used once the
    /// relay confirms (`KeyRotated`). Nothing without this device's key.
    pub fn rotate_key(
        &mut self,
        admin: &AdminSecret,
        new_key: TeamKey,
        ephemeral: &DevicePublicKey,
        sealed_to: &[(DeviceId, EnvelopeSecrets)],
        mut nonces: impl FnMut() -> [u8; 24],
    ) -> Vec<Action> {
        let Some(admin_key) = self.public_key.clone() else {
            return vec![Action::Report(SyncError::NoDeviceKey)];
        };
        let epoch = self.epoch + 1;
        let rotation = Rotation {
            team: self.team,
            epoch,
            ephemeral,
            admin: &admin_key,
        };
        let envelopes = sealed_to
            .iter()
            .map(|(device, secrets)| seal_envelope(secrets, &rotation, *device, &new_key, nonces()))
            .collect();
        let link = seal_link(&new_key, self.team, epoch, &self.keys[0], nonces());
        let frame = ClientFrame::RotateKey {
            admin_secret: *admin,
            epoch,
            new_token_hash: token_hash(&access_token(&new_key, self.team)),
            envelopes,
            link,
        };
        self.rotating = Some((epoch, new_key));
        self.admin_frame(frame)
    }

    /// The relay confirmed this device's rotation: seal with the new key.
    fn key_rotated(&mut self, epoch: u32) -> Vec<Action> {
        match self.rotating.take() {
            Some((sent, key)) if sent == epoch => {
                self.adopt(epoch, key);
                vec![self.keys_action()]
            }
            _ => Vec::new(),
        }
    }

    /// The team's key chain (the relay sends it after `Welcome` once the
    /// key was ever rotated): each link of epoch `e` opens the key of `e - 1`
    /// with the key of `e`. The relay's claimed `epoch` is believed only as
    /// far as this device's key proves it: it may be this device's epoch, or
    /// a higher one whose link opens with this device's key (a device that
    /// joined by an invite learns its key's epoch so). A lower or unproven
    /// claim is reported and changes nothing, so a relay cannot talk a
    /// device down to an older epoch and then offer it an old key again.
    fn key_chain(&mut self, epoch: u32, links: &[ChainLink]) -> Vec<Action> {
        let find = |e: u32| links.iter().find(|l| l.epoch == e);
        let proven = epoch == self.epoch
            || (epoch > self.epoch
                && find(epoch)
                    .is_some_and(|link| open_link(&self.keys[0], self.team, link).is_ok()));
        if !proven {
            return vec![Action::Report(SyncError::ChainMismatch {
                claimed: epoch,
                held: self.epoch,
            })];
        }
        let before = self.keys.len();
        self.epoch = epoch;
        // Walk down from the newest key; keys already held are kept.
        let mut current = self.keys[0].clone();
        for e in (1..=epoch).rev() {
            let Some(link) = find(e) else { break };
            match open_link(&current, self.team, link) {
                Ok(previous) => {
                    if !self.keys.contains(&previous) {
                        self.keys.push(previous.clone());
                    }
                    current = previous;
                }
                Err(_) => {
                    return vec![Action::Report(SyncError::Rekey { epoch: link.epoch })];
                }
            }
        }
        if self.keys.len() == before {
            return Vec::new();
        }
        vec![self.keys_action()]
    }

    /// Makes `key` (of `epoch`) the one to seal with, keeping the others.
    fn adopt(&mut self, epoch: u32, key: TeamKey) {
        self.keys.insert(0, key);
        self.epoch = epoch;
        self.token = access_token(&self.keys[0], self.team);
    }

    fn keys_action(&self) -> Action {
        Action::Keys {
            epoch: self.epoch,
            keys: self.keys.clone(),
        }
    }

    /// Asks the relay for the team's devices (only the team's creator holds
    /// `admin`); nothing while not admitted.
    pub fn list_devices(&self, admin: &AdminSecret) -> Vec<Action> {
        self.admin_frame(ClientFrame::ListDevices {
            admin_secret: *admin,
        })
    }

    /// Asks the relay to refuse `device` from now on, then for the list
    /// again (which shows it revoked).
    pub fn revoke(&self, admin: &AdminSecret, device: DeviceId) -> Vec<Action> {
        let mut actions = self.admin_frame(ClientFrame::Revoke {
            admin_secret: *admin,
            device,
        });
        actions.extend(self.list_devices(admin));
        actions
    }

    fn admin_frame(&self, frame: ClientFrame) -> Vec<Action> {
        if self.link == Link::Joined {
            vec![Action::Send(frame.encode())]
        } else {
            Vec::new()
        }
    }

    fn welcome(&mut self, head: Cursor) -> Vec<Action> {
        self.link = Link::Joined;
        self.known_head = head;
        let mut actions = vec![Action::Status(SyncEvent::Connected)];
        if head < self.state.cursor {
            actions.push(Action::Report(SyncError::RelayBehind {
                head,
                cursor: self.state.cursor,
            }));
            self.state.cursor = Cursor::START;
            // Offer a snapshot as soon as this catch-up is done, so the
            // relay gets back what it lost of this device's data.
            self.state.since_snapshot = u32::MAX;
            actions.push(Action::Persist(self.state.clone()));
        }
        actions.push(Action::Status(SyncEvent::Exchanging));
        self.start_reading();
        actions.push(self.fetch());
        // Every pending upload goes now: none may be sealed again after this.
        self.open_tail = None;
        actions.extend(self.state.pending.iter().map(|upload| {
            Action::Send(
                ClientFrame::Upload {
                    seq: upload.seq,
                    kind: upload.kind,
                    sealed: upload.sealed.clone(),
                }
                .encode(),
            )
        }));
        actions
    }

    fn ack(&mut self, seq: Seq) -> Vec<Action> {
        let Some(at) = self.state.pending.iter().position(|u| u.seq == seq) else {
            // A second Ack for a retried upload: already done.
            return Vec::new();
        };
        let upload = self.state.pending.remove(at);
        let mut actions = vec![Action::Persist(self.state.clone())];
        if upload.changes > 0 {
            actions.push(Action::Status(SyncEvent::Uploaded(upload.changes as usize)));
        }
        actions.extend(self.settled());
        actions
    }

    fn notify(&mut self, head: Cursor) -> Vec<Action> {
        self.known_head = self.known_head.max(head);
        if self.link != Link::Joined || head <= self.state.cursor || self.stalled {
            return Vec::new();
        }
        if self.fetching || self.staged.is_some() {
            self.refetch = true;
            return Vec::new();
        }
        vec![Action::Status(SyncEvent::Exchanging), self.fetch()]
    }

    /// A connection was admitted: read from the cursor, or from before
    /// the oldest hole to look for it again.
    fn start_reading(&mut self) {
        self.staged = None;
        self.stalled = false;
        self.holes_told = false;
        self.at = self
            .state
            .holes
            .iter()
            .map(|hole| hole.after)
            .fold(self.state.cursor, Cursor::min);
    }

    fn chunks(&mut self, items: Vec<StoredChunk>, more: bool, next: Cursor) -> Vec<Action> {
        // Not an answer to this connection's fetch: a replay, or a relay
        // going back on its log (an answer ends at or past what it asked).
        if !self.fetching || next < self.at {
            return Vec::new();
        }
        self.fetching = false;
        let from = self.at;
        let mut holes = self.state.holes.clone();
        let mut seen = self.state.seen.clone();
        let mut since_snapshot = self.state.since_snapshot;
        let mut actions = Vec::new();
        let mut apply = Vec::new();
        let (mut opened, mut failed) = (0usize, 0usize);
        // Holes found in this page.
        let mut fresh = Vec::new();
        for chunk in items {
            // A snapshot covering more than was read comes first, and the
            // chunks it covers are gone from the log: the seqs of each
            // device start afresh after it.
            // (Not when reading everything in order: then a snapshot sits at
            // its place, and what it covers came before it.)
            let catch_up = !self.fetching_all
                && matches!(chunk.kind, ChunkKind::Snapshot { covers } if covers > from);
            if catch_up {
                seen.clear();
            }
            let read = chunk.cursor <= self.state.cursor;
            let fills = holes.iter().any(|hole| hole.holds(&chunk))
                || (self.fetching_all && holes.iter().any(|hole| hole.under_snapshot(&chunk)));
            if read && !fills && !catch_up {
                continue; // Already applied (a page answered twice, a re-read).
            }
            if !read {
                match chunk.kind {
                    ChunkKind::Snapshot { .. } => since_snapshot = 0,
                    ChunkKind::Change => since_snapshot = since_snapshot.saturating_add(1),
                }
            }
            // This device's own chunks are in its document already. One with
            // a seq it has not handed out yet comes from a state that was
            // lost: apply it, it may hold changes the document lacks.
            if chunk.device == self.device {
                if chunk.seq < self.state.next_seq {
                    continue;
                }
            } else if !read {
                fresh.extend(follow(&mut seen, &chunk));
            }
            match self.open_chunk(&chunk) {
                Ok(contents) => {
                    opened += 1;
                    apply.extend(contents);
                    fill(&mut holes, &chunk);
                    // Its uploader applied everything it covers, holes and
                    // all (a device with a hole offers none): what is
                    // missing here is in it, even if the relay dropped it.
                    if let ChunkKind::Snapshot { covers } = chunk.kind {
                        holes.retain(|hole| hole.after >= covers);
                        fresh.retain(|hole: &Hole| hole.after >= covers);
                    }
                }
                Err(error) => {
                    failed += 1;
                    // A snapshot of what this device holds already (it had
                    // read all it covers) is not missed; its own snapshot
                    // is due, so that the log gets a readable one again.
                    if let ChunkKind::Snapshot { covers } = chunk.kind
                        && !read
                        && !catch_up
                        && holes.iter().all(|hole| hole.after >= covers)
                    {
                        since_snapshot = u32::MAX;
                        actions.push(Action::Report(error));
                        continue;
                    }
                    if catch_up && !read {
                        fresh.push(Hole {
                            after: from,
                            until: chunk.cursor,
                            device: chunk.device,
                            first: chunk.seq,
                            last: chunk.seq,
                            why: Missing::Snapshot,
                        });
                        continue;
                    }
                    if !read {
                        let why = match error {
                            SyncError::Payload { .. } => Missing::Unreadable,
                            _ => Missing::Unopened,
                        };
                        fresh.push(Hole {
                            after: Cursor(chunk.cursor.0.saturating_sub(1)),
                            until: chunk.cursor,
                            device: chunk.device,
                            first: chunk.seq,
                            last: chunk.seq,
                            why,
                        });
                    }
                }
            }
        }
        if failed > 0 && opened == 0 {
            actions.push(Action::Status(SyncEvent::Failed(Problem::WrongKey)));
        }
        // Each hole is reported once a connection: when reading settles,
        // or at once if it already did.
        if self.holes_told {
            actions.extend(fresh.iter().map(|hole| Action::Report(hole.error())));
        }
        holes.extend(fresh);
        self.pages += 1;
        let staged = Staged {
            id: PageId(self.pages),
            // A relay that answers as if its log were shorter moves nothing
            // back.
            next: next.max(from),
            more,
            since_snapshot,
            holes,
            seen,
        };
        if apply.is_empty() {
            actions.extend(self.commit(staged));
        } else {
            actions.push(Action::Apply {
                page: staged.id,
                items: apply,
            });
            self.staged = Some(staged);
        }
        actions
    }

    /// The app holds a fetched page: the cursor moves past it, and the next
    /// page is fetched or, at the end, the holes still open are reported
    /// (once a connection).
    fn commit(&mut self, staged: Staged) -> Vec<Action> {
        self.at = self.at.max(staged.next);
        self.state.cursor = self.state.cursor.max(self.at);
        self.state.since_snapshot = staged.since_snapshot;
        let mut holes = staged.holes;
        if std::mem::take(&mut self.fetching_all) {
            // Read in order past an unreadable snapshot: what it covers was
            // applied from the chunks (a withheld one is a hole of its own).
            let at = self.at;
            holes.retain(|hole| hole.why != Missing::Snapshot || at < hole.until);
        }
        self.state.holes = holes;
        self.state.seen = staged.seen;
        self.known_head = self.known_head.max(self.state.cursor);
        let mut actions = vec![Action::Persist(self.state.clone())];
        if self.link == Link::Joined
            && (staged.more || (self.refetch && self.known_head > self.state.cursor))
        {
            actions.push(self.fetch());
        } else {
            self.refetch = false;
            if !std::mem::replace(&mut self.holes_told, true) {
                actions.extend(
                    self.state
                        .holes
                        .iter()
                        .map(|hole| Action::Report(hole.error())),
                );
            }
            actions.extend(self.settled());
        }
        actions
    }

    /// The relay holds this device's seqs up to `highest` with other bytes
    /// than a pending upload's: move past them, apply what this device
    /// wrote under them (`mine`), and seal the uploads again.
    fn seq_taken(&mut self, seq: Seq, highest: Seq, mine: &[StoredChunk]) -> Vec<Action> {
        if !self.state.pending.iter().any(|upload| upload.seq == seq) || highest < seq {
            return Vec::new(); // A replay, or already sealed again.
        }
        let highest = self.taken.map_or(highest, |taken| taken.max(highest));
        self.taken = Some(highest);
        self.state.next_seq = self.state.next_seq.max(highest.next());
        let mut actions = Vec::new();
        let items: Vec<Vec<u8>> = mine
            .iter()
            .filter(|chunk| chunk.device == self.device)
            .filter_map(|chunk| self.open_chunk(chunk).ok())
            .flatten()
            .collect();
        if !items.is_empty() {
            // Not a fetched page: confirming it moves no cursor.
            self.pages += 1;
            actions.push(Action::Apply {
                page: PageId(self.pages),
                items,
            });
        }
        let nonces = self
            .state
            .pending
            .iter()
            .filter(|upload| upload.seq <= highest)
            .count();
        actions.push(Action::Reseal { nonces });
        actions
    }

    /// Opens one chunk into the items to apply.
    fn open_chunk(&self, chunk: &StoredChunk) -> Result<Vec<Vec<u8>>, SyncError> {
        // Newest key first: after a rotation most chunks are sealed with it.
        let plain = self
            .keys
            .iter()
            .find_map(|key| {
                open(
                    key,
                    self.team,
                    chunk.device,
                    chunk.seq,
                    chunk.kind,
                    &chunk.sealed,
                )
                .ok()
            })
            .ok_or(SyncError::Open {
                cursor: chunk.cursor,
                device: chunk.device,
                seq: chunk.seq,
            })?;
        match chunk.kind {
            ChunkKind::Snapshot { .. } => Ok(vec![plain.as_bytes().to_vec()]),
            ChunkKind::Change => ChangeBatch::decode(plain.as_bytes())
                .map(ChangeBatch::into_changes)
                .ok_or(SyncError::Payload {
                    cursor: chunk.cursor,
                    device: chunk.device,
                    seq: chunk.seq,
                }),
        }
    }

    /// Seals `plain` (holding `changes` changes) with the next seq, keeps
    /// it pending, and sends it if the relay has admitted this connection
    /// (otherwise `Welcome` will).
    fn enqueue(
        &mut self,
        kind: ChunkKind,
        plain: &Plain,
        changes: usize,
        nonce: [u8; 24],
    ) -> Vec<Action> {
        // The open tail, if any, is no longer the newest upload.
        self.open_tail = None;
        let seq = self.state.next_seq;
        let sealed = seal(
            &self.keys[0],
            self.team,
            self.device,
            seq,
            kind,
            plain,
            nonce,
        );
        self.state.next_seq = seq.next();
        self.state.pending.push(PendingUpload {
            seq,
            kind,
            sealed: sealed.clone(),
            changes: u32::try_from(changes).unwrap_or(u32::MAX),
        });
        let mut actions = vec![Action::Persist(self.state.clone())];
        if self.link == Link::Joined {
            actions.push(Action::Status(SyncEvent::Exchanging));
            actions.push(Action::Send(
                ClientFrame::Upload { seq, kind, sealed }.encode(),
            ));
        }
        actions
    }

    fn fetch(&mut self) -> Action {
        self.fetching = true;
        self.refetch = false;
        // Reading again past a snapshot that did not open: the chunks it
        // covers, in order, not the snapshot first.
        self.fetching_all = self.state.holes.iter().any(|hole| {
            hole.why == Missing::Snapshot && hole.after <= self.at && self.at < hole.until
        });
        let (after, limit) = (self.at, self.page_limit);
        let frame = if self.fetching_all {
            ClientFrame::FetchAll { after, limit }
        } else {
            ClientFrame::Fetch { after, limit }
        };
        Action::Send(frame.encode())
    }

    fn settled(&self) -> Option<Action> {
        (self.link == Link::Joined && self.is_idle()).then_some(Action::Settled)
    }

    /// Extra chunks this device waits before offering a snapshot: up to
    /// half the threshold, fixed per device id.
    fn jitter(&self) -> u32 {
        let spread = self.snapshot_every / 2 + 1;
        u32::from(self.device.as_bytes()[0]) % spread
    }
}

/// The bytes of Automerge changes in a batch (what [`COALESCE_BYTES`]
/// bounds).
fn batch_bytes(changes: &[Vec<u8>]) -> usize {
    changes.iter().map(Vec::len).sum()
}

/// Notes `chunk`'s seq as the highest read of its device; the hole between
/// it and the one before, if its seq jumps. A seq at or below the highest
/// (a re-read, a reused seq) says nothing.
fn follow(seen: &mut Vec<Seen>, chunk: &StoredChunk) -> Option<Hole> {
    let Some(last) = seen.iter_mut().find(|s| s.device == chunk.device) else {
        seen.push(Seen {
            device: chunk.device,
            seq: chunk.seq,
            cursor: chunk.cursor,
        });
        return None;
    };
    if chunk.seq <= last.seq {
        return None;
    }
    let hole = (chunk.seq > last.seq.next()).then(|| Hole {
        after: last.cursor,
        until: chunk.cursor,
        device: chunk.device,
        first: last.seq.next(),
        last: Seq(chunk.seq.0 - 1),
        why: Missing::Withheld,
    });
    last.seq = chunk.seq;
    last.cursor = chunk.cursor;
    hole
}

/// Takes `chunk`, which opened, out of the holes it was part of.
fn fill(holes: &mut Vec<Hole>, chunk: &StoredChunk) {
    let Some(at) = holes.iter().position(|hole| hole.holds(chunk)) else {
        return;
    };
    let hole = holes.remove(at);
    let seq = chunk.seq;
    if hole.first < seq {
        holes.push(Hole {
            last: Seq(seq.0 - 1),
            ..hole.clone()
        });
    }
    if seq < hole.last {
        holes.push(Hole {
            first: seq.next(),
            ..hole
        });
    }
}

impl Hole {
    /// Whether `chunk` is among what an unreadable snapshot covered.
    fn under_snapshot(&self, chunk: &StoredChunk) -> bool {
        self.why == Missing::Snapshot && chunk.cursor > self.after && chunk.cursor <= self.until
    }

    /// Whether `chunk` is (part of) what this hole misses.
    fn holds(&self, chunk: &StoredChunk) -> bool {
        chunk.device == self.device
            && (self.first..=self.last).contains(&chunk.seq)
            && chunk.cursor > self.after
            && chunk.cursor <= self.until
    }

    /// The report it makes on each connection while open.
    fn error(&self) -> SyncError {
        match self.why {
            Missing::Unopened => SyncError::Open {
                cursor: self.until,
                device: self.device,
                seq: self.first,
            },
            Missing::Unreadable => SyncError::Payload {
                cursor: self.until,
                device: self.device,
                seq: self.first,
            },
            Missing::Snapshot => SyncError::Open {
                cursor: self.until,
                device: self.device,
                seq: self.first,
            },
            Missing::Withheld => SyncError::Withheld {
                device: self.device,
                first: self.first,
                last: self.last,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use rapport_protocol::Sealed;

    use super::*;

    const TEAM: TeamId = TeamId::from_bytes([1; 16]);
    const PHONE: DeviceId = DeviceId::from_bytes([2; 16]);
    const LAPTOP: DeviceId = DeviceId::from_bytes([3; 16]);

    fn key() -> TeamKey {
        TeamKey::from_bytes([9; 32])
    }

    /// This test device's public key (its form only: no test here does
    /// ECDH with it; `tests/rotation.rs` uses real keys).
    fn public_key() -> DevicePublicKey {
        let mut bytes = [7u8; rapport_protocol::PUBLIC_KEY_LEN];
        bytes[0] = 0x04;
        DevicePublicKey::from_bytes(&bytes).unwrap()
    }

    fn engine() -> SyncEngine {
        SyncEngine::new(TEAM, PHONE, key(), EngineState::fresh()).with_public_key(public_key())
    }

    #[test]
    fn hello_names_the_key_and_the_challenge_is_answered_with_its_proof() {
        let mut engine = engine();
        let hello = sent(&engine.connected());
        assert!(matches!(
            hello.as_slice(),
            [ClientFrame::Hello { public_key: k, .. }] if *k == public_key()
        ));
        let mut point = [9u8; rapport_protocol::PUBLIC_KEY_LEN];
        point[0] = 0x04;
        let ephemeral = DevicePublicKey::from_bytes(&point).unwrap();
        let challenged = engine.received(
            &ServerFrame::Challenge {
                ephemeral: ephemeral.clone(),
            }
            .encode(),
        );
        assert_eq!(
            challenged,
            [Action::Prove {
                ephemeral: ephemeral.clone()
            }]
        );
        let proof = sent(&engine.prove(&ephemeral, &[5; 32]));
        assert_eq!(
            proof,
            [ClientFrame::Prove {
                proof: hello_proof(&[5; 32], TEAM, PHONE, &ephemeral)
            }]
        );
        // Without a key pair there is no Hello: the engine says why.
        let mut keyless = SyncEngine::new(TEAM, PHONE, key(), EngineState::fresh());
        assert_eq!(
            keyless.connected()[0],
            Action::Report(SyncError::NoDeviceKey)
        );
    }

    /// An engine past `Hello` and `Welcome` at `head`, the fetch that
    /// `Welcome` sent still unanswered.
    fn fetching(head: Cursor) -> SyncEngine {
        let mut engine = engine();
        engine.connected();
        engine.received(
            &ServerFrame::Welcome {
                head,
                snapshot: None,
            }
            .encode(),
        );
        engine
    }

    /// An engine past `Hello` and `Welcome` at `head`, with the fetch that
    /// `Welcome` sent answered by an empty page.
    fn joined(head: Cursor) -> SyncEngine {
        let mut engine = engine();
        engine.connected();
        engine.received(
            &ServerFrame::Welcome {
                head,
                snapshot: None,
            }
            .encode(),
        );
        receive(
            &mut engine,
            &ServerFrame::Chunks {
                items: vec![],
                more: false,
                next: head,
            }
            .encode(),
        );
        engine
    }

    fn sent(actions: &[Action]) -> Vec<ClientFrame> {
        actions
            .iter()
            .filter_map(|action| match action {
                Action::Send(bytes) => Some(ClientFrame::decode(bytes).unwrap()),
                _ => None,
            })
            .collect()
    }

    fn applied(actions: &[Action]) -> Vec<Vec<u8>> {
        actions
            .iter()
            .filter_map(|action| match action {
                Action::Apply { items, .. } => Some(items.clone()),
                _ => None,
            })
            .flatten()
            .collect()
    }

    /// Hands `bytes` to the engine as the app does: each page it hands out
    /// is applied and confirmed; the actions, those of confirming included.
    fn receive(engine: &mut SyncEngine, bytes: &[u8]) -> Vec<Action> {
        let actions = engine.received(bytes);
        confirm(engine, actions)
    }

    /// Confirms every page among `actions`, appending what that returns.
    fn confirm(engine: &mut SyncEngine, actions: Vec<Action>) -> Vec<Action> {
        let mut all = Vec::new();
        let mut queue: std::collections::VecDeque<Action> = actions.into();
        while let Some(action) = queue.pop_front() {
            if let Action::Apply { page, .. } = &action {
                queue.extend(engine.applied(*page));
            }
            all.push(action);
        }
        all
    }

    fn reports(actions: &[Action]) -> Vec<SyncError> {
        actions
            .iter()
            .filter_map(|action| match action {
                Action::Report(error) => Some(error.clone()),
                _ => None,
            })
            .collect()
    }

    /// A change chunk of `device` at `cursor`, as the relay serves it.
    fn chunk(device: DeviceId, seq: u64, cursor: u64, changes: &[&[u8]]) -> StoredChunk {
        let batch = ChangeBatch::V1(changes.iter().map(|c| c.to_vec()).collect());
        let sealed = seal(
            &key(),
            TEAM,
            device,
            Seq(seq),
            ChunkKind::Change,
            &Plain::new(batch.encode()),
            [seq as u8; 24],
        );
        StoredChunk {
            cursor: Cursor(cursor),
            device,
            seq: Seq(seq),
            kind: ChunkKind::Change,
            sealed,
        }
    }

    fn page(items: Vec<StoredChunk>, more: bool, next: u64) -> Vec<u8> {
        ServerFrame::Chunks {
            items,
            more,
            next: Cursor(next),
        }
        .encode()
    }

    #[test]
    fn hello_first_then_fetch_and_uploads_after_welcome() {
        let mut engine = engine();
        let offline = engine.local_changes(vec![b"edit".to_vec()], [1; 24]);
        assert!(sent(&offline).is_empty(), "offline: nothing is sent");
        assert!(matches!(offline[1], Action::Persist(ref s) if s.pending.len() == 1));

        let hello = sent(&engine.connected());
        assert!(matches!(
            hello.as_slice(),
            [ClientFrame::Hello { device: PHONE, .. }]
        ));
        let welcome = engine.received(
            &ServerFrame::Welcome {
                head: Cursor(4),
                snapshot: None,
            }
            .encode(),
        );
        let frames = sent(&welcome);
        assert!(matches!(
            frames.as_slice(),
            [
                ClientFrame::Fetch {
                    after: Cursor(0),
                    ..
                },
                ClientFrame::Upload {
                    seq: Seq(1),
                    kind: ChunkKind::Change,
                    ..
                }
            ]
        ));
        assert!(welcome.contains(&Action::Status(SyncEvent::Connected)));
    }

    /// The changes sealed in an upload frame of this test's device.
    fn uploaded_changes(frame: &ClientFrame) -> Vec<Vec<u8>> {
        let ClientFrame::Upload { seq, kind, sealed } = frame else {
            panic!("not an upload: {}", frame.name());
        };
        let plain = open(&key(), TEAM, PHONE, *seq, *kind, sealed).unwrap();
        ChangeBatch::decode(plain.as_bytes())
            .unwrap()
            .into_changes()
    }

    #[test]
    fn offline_edits_go_up_as_one_chunk_and_count_as_what_they_hold() {
        let mut engine = engine();
        for (i, edit) in [&b"one"[..], b"two", b"three"].into_iter().enumerate() {
            let actions = engine.local_changes(vec![edit.to_vec()], [i as u8; 24]);
            assert_eq!(actions[0], Action::Status(SyncEvent::LocalChange(1)));
            assert!(matches!(actions.last(), Some(Action::Persist(_))));
        }
        assert_eq!(engine.state().pending.len(), 1, "one chunk, sealed again");
        assert_eq!(engine.state().next_seq, Seq(2));
        assert_eq!(engine.waiting_changes(), 3);

        engine.connected();
        let welcome = ServerFrame::Welcome {
            head: Cursor(0),
            snapshot: None,
        };
        let frames = sent(&engine.received(&welcome.encode()));
        assert_eq!(frames.len(), 2, "a fetch and one upload");
        assert_eq!(
            uploaded_changes(&frames[1]),
            [b"one".to_vec(), b"two".to_vec(), b"three".to_vec()]
        );
        let ack = ServerFrame::Ack {
            seq: Seq(1),
            cursor: Cursor(1),
        };
        assert!(
            engine
                .received(&ack.encode())
                .contains(&Action::Status(SyncEvent::Uploaded(3)))
        );
        assert_eq!(engine.waiting_changes(), 0);
    }

    #[test]
    fn a_chunk_once_sent_is_never_sealed_again() {
        let mut engine = engine();
        engine.local_changes(vec![b"one".to_vec()], [1; 24]);
        engine.connected();
        let welcome = ServerFrame::Welcome {
            head: Cursor(0),
            snapshot: None,
        };
        let first = sent(&engine.received(&welcome.encode()))[1].clone();
        // The connection drops before the Ack: the relay may have it.
        engine.disconnected();
        engine.local_changes(vec![b"two".to_vec()], [2; 24]);
        assert_eq!(engine.state().pending.len(), 2, "a new chunk, seq 2");
        engine.connected();
        let again = sent(&engine.received(&welcome.encode()));
        assert_eq!(again[1], first, "seq 1 keeps its bytes");
        assert_eq!(uploaded_changes(&again[2]), [b"two".to_vec()]);
    }

    #[test]
    fn coalescing_stops_at_its_size_limit_and_after_a_restart() {
        let mut engine = engine();
        let big = vec![0u8; COALESCE_BYTES / 2];
        engine.local_changes(vec![big.clone()], [1; 24]);
        engine.local_changes(vec![big.clone()], [2; 24]);
        assert_eq!(engine.state().pending.len(), 1, "exactly at the limit");
        engine.local_changes(vec![b"x".to_vec()], [3; 24]);
        assert_eq!(engine.state().pending.len(), 2, "past it: a new chunk");

        // After a restart the stored tail is not reopened.
        let stored = engine.state().pending[1].clone();
        let mut restarted = SyncEngine::new(TEAM, PHONE, key(), engine.state().clone());
        assert_eq!(restarted.waiting_changes(), 3);
        restarted.local_changes(vec![b"y".to_vec()], [4; 24]);
        assert_eq!(restarted.state().pending.len(), 3);
        assert_eq!(restarted.state().pending[1], stored);
    }

    #[test]
    fn edits_while_connected_each_go_at_once() {
        let mut engine = joined(Cursor(0));
        let a = sent(&engine.local_changes(vec![b"a".to_vec()], [1; 24]));
        let b = sent(&engine.local_changes(vec![b"b".to_vec()], [2; 24]));
        assert!(matches!(
            a.as_slice(),
            [ClientFrame::Upload { seq: Seq(1), .. }]
        ));
        assert!(matches!(
            b.as_slice(),
            [ClientFrame::Upload { seq: Seq(2), .. }]
        ));
    }

    #[test]
    fn a_retry_resends_the_same_bytes_and_a_second_ack_is_harmless() {
        let mut engine = joined(Cursor(0));
        let first = sent(&engine.local_changes(vec![b"edit".to_vec()], [1; 24]));
        engine.disconnected();
        engine.connected();
        let welcome = ServerFrame::Welcome {
            head: Cursor(1),
            snapshot: None,
        };
        let again = sent(&engine.received(&welcome.encode()));
        assert_eq!(again[1], first[0], "same seq, same nonce, same bytes");

        let ack = ServerFrame::Ack {
            seq: Seq(1),
            cursor: Cursor(1),
        }
        .encode();
        let acked = engine.received(&ack);
        assert!(acked.contains(&Action::Status(SyncEvent::Uploaded(1))));
        assert!(engine.state().pending.is_empty());
        assert!(
            engine.received(&ack).is_empty(),
            "the retry's Ack changes nothing"
        );
        assert_eq!(engine.state().next_seq, Seq(2));
    }

    #[test]
    fn the_state_survives_a_restart_and_keeps_its_seqs() {
        let mut engine = joined(Cursor(0));
        engine.local_changes(vec![b"one".to_vec()], [1; 24]);
        let saved: EngineState =
            postcard::from_bytes(&postcard::to_allocvec(engine.state()).unwrap()).unwrap();
        let mut restarted = SyncEngine::new(TEAM, PHONE, key(), saved);
        let actions = restarted.local_changes(vec![b"two".to_vec()], [2; 24]);
        let Some(Action::Persist(state)) = actions.get(1) else {
            panic!("{actions:?}")
        };
        let seqs: Vec<_> = state.pending.iter().map(|upload| upload.seq).collect();
        assert_eq!(seqs, [Seq(1), Seq(2)]);
    }

    #[test]
    fn garbage_ciphertext_is_reported_and_kept_as_a_hole() {
        let mut engine = fetching(Cursor(0));
        let mut bad = chunk(LAPTOP, 1, 1, &[b"lost"]);
        bad.sealed = Sealed {
            nonce: [0; 24],
            ciphertext: vec![0xde, 0xad, 0xbe, 0xef],
        };
        let good = chunk(LAPTOP, 2, 2, &[b"change a", b"change b"]);
        let actions = receive(&mut engine, &page(vec![bad, good], false, 2));
        assert_eq!(
            reports(&actions),
            [SyncError::Open {
                cursor: Cursor(1),
                device: LAPTOP,
                seq: Seq(1)
            }]
        );
        assert_eq!(
            applied(&actions),
            [b"change a".to_vec(), b"change b".to_vec()]
        );
        assert_eq!(engine.state().cursor, Cursor(2), "the good one is past");
        assert_eq!(engine.state().holes.len(), 1, "the bad one is a hole");
        assert_eq!(engine.snapshot_due(true), None);
        assert!(actions.contains(&Action::Settled));
        // The next connection reads it again, from before it.
        engine.disconnected();
        engine.connected();
        let welcome = ServerFrame::Welcome {
            head: Cursor(2),
            snapshot: None,
        };
        assert!(matches!(
            sent(&engine.received(&welcome.encode())).as_slice(),
            [ClientFrame::Fetch {
                after: Cursor(0),
                ..
            }]
        ));
    }

    #[test]
    fn a_chunk_sealed_as_another_device_does_not_open() {
        let mut engine = fetching(Cursor(0));
        let mut moved = chunk(LAPTOP, 1, 1, &[b"x"]);
        moved.device = DeviceId::from_bytes([7; 16]);
        let actions = receive(&mut engine, &page(vec![moved], false, 1));
        assert!(matches!(
            reports(&actions).as_slice(),
            [SyncError::Open { .. }]
        ));
        assert!(actions.contains(&Action::Status(SyncEvent::Failed(Problem::WrongKey))));
        assert!(applied(&actions).is_empty());
    }

    #[test]
    fn pages_are_fetched_while_more() {
        let mut engine = fetching(Cursor(0));
        let first = receive(
            &mut engine,
            &page(vec![chunk(LAPTOP, 1, 1, &[b"a"])], true, 1),
        );
        assert_eq!(
            sent(&first),
            [ClientFrame::Fetch {
                after: Cursor(1),
                limit: DEFAULT_PAGE_LIMIT
            }]
        );
        assert!(!first.contains(&Action::Settled));
        let last = receive(
            &mut engine,
            &page(vec![chunk(LAPTOP, 2, 2, &[b"b"])], false, 2),
        );
        assert!(sent(&last).is_empty());
        assert!(last.contains(&Action::Settled));
        assert_eq!(applied(&last), [b"b".to_vec()]);
    }

    #[test]
    fn notify_fetches_now_or_after_the_fetch_in_flight() {
        let mut engine = joined(Cursor(0));
        let notified = engine.received(&ServerFrame::Notify { head: Cursor(1) }.encode());
        assert!(matches!(
            sent(&notified).as_slice(),
            [ClientFrame::Fetch {
                after: Cursor(0),
                ..
            }]
        ));
        // Another chunk lands while that fetch is in flight.
        let during = engine.received(&ServerFrame::Notify { head: Cursor(2) }.encode());
        assert!(sent(&during).is_empty(), "one fetch in flight at a time");
        let answered = receive(
            &mut engine,
            &page(vec![chunk(LAPTOP, 1, 1, &[b"a"])], false, 1),
        );
        assert!(matches!(
            sent(&answered).as_slice(),
            [ClientFrame::Fetch {
                after: Cursor(1),
                ..
            }]
        ));
        let stale = engine.received(&ServerFrame::Notify { head: Cursor(1) }.encode());
        assert!(sent(&stale).is_empty(), "nothing new: no fetch");
    }

    #[test]
    fn own_chunks_are_not_applied_again() {
        let mut engine = fetching(Cursor(0));
        engine.local_changes(vec![b"mine".to_vec()], [1; 24]);
        let ours = chunk(PHONE, 1, 1, &[b"mine"]);
        let theirs = chunk(LAPTOP, 1, 2, &[b"theirs"]);
        let actions = receive(&mut engine, &page(vec![ours, theirs], false, 2));
        assert_eq!(applied(&actions), [b"theirs".to_vec()]);
    }

    #[test]
    fn a_snapshot_is_due_after_enough_changes_and_covers_the_cursor() {
        let mut engine = fetching(Cursor(0)).with_snapshot_every(2);
        assert_eq!(engine.snapshot_due(true), None);
        let items = (1..=4).map(|n| chunk(LAPTOP, n, n, &[b"c"])).collect();
        receive(&mut engine, &page(items, false, 4));
        assert_eq!(engine.snapshot_due(true), Some(Cursor(4)));
        let actions = engine.snapshot(b"document".to_vec(), Cursor(4), [5; 24]);
        assert!(matches!(
            sent(&actions).as_slice(),
            [ClientFrame::Upload {
                kind: ChunkKind::Snapshot { covers: Cursor(4) },
                ..
            }]
        ));
        assert_eq!(engine.snapshot_due(true), None);
        let ahead = engine.snapshot(b"document".to_vec(), Cursor(9), [6; 24]);
        assert!(matches!(
            reports(&ahead).as_slice(),
            [SyncError::SnapshotAhead { .. }]
        ));
    }

    #[test]
    fn refusals_are_reported_not_panicked_on() {
        let mut engine = engine();
        engine.connected();
        let refused = engine.received(
            &ServerFrame::Error {
                code: ErrorCode::Unauthorized,
                message: "wrong token".into(),
            }
            .encode(),
        );
        assert!(refused.contains(&Action::Status(SyncEvent::Failed(Problem::NotAdmitted))));
        assert!(matches!(
            reports(&engine.received(&[0xff, 0xff])).as_slice(),
            [SyncError::BadFrame { .. }]
        ));
    }

    #[test]
    fn a_relay_that_lost_data_is_read_again_from_the_start() {
        let mut engine = fetching(Cursor(0));
        receive(
            &mut engine,
            &page(vec![chunk(LAPTOP, 1, 1, &[b"a"])], false, 1),
        );
        engine.disconnected();
        engine.connected();
        let actions = engine.received(
            &ServerFrame::Welcome {
                head: Cursor(0),
                snapshot: None,
            }
            .encode(),
        );
        assert!(matches!(
            reports(&actions).as_slice(),
            [SyncError::RelayBehind { .. }]
        ));
        assert!(matches!(
            sent(&actions).as_slice(),
            [ClientFrame::Fetch {
                after: Cursor(0),
                ..
            }]
        ));
    }

    #[test]
    fn the_cursor_moves_only_once_the_page_is_applied() {
        let mut engine = fetching(Cursor(0));
        let actions = engine.received(&page(vec![chunk(LAPTOP, 1, 1, &[b"a"])], true, 1));
        let [Action::Apply { page: first, .. }] = actions.as_slice() else {
            panic!("{actions:?}");
        };
        assert_eq!(engine.state().cursor, Cursor(0), "not before it is applied");
        assert!(!engine.is_idle());
        let failed = engine.apply_failed(*first, "quota exceeded");
        assert!(matches!(
            reports(&failed).as_slice(),
            [SyncError::NotApplied { .. }]
        ));
        assert!(sent(&failed).is_empty(), "no fetch at once: no hot loop");
        assert_eq!(engine.state().cursor, Cursor(0));
        assert!(
            engine.applied(*first).is_empty(),
            "a failed page stays failed"
        );
        assert_eq!(engine.snapshot_due(true), None);
        // A Notify does not fetch while stalled; the retry does, from the same place.
        assert!(
            sent(&engine.received(&ServerFrame::Notify { head: Cursor(3) }.encode())).is_empty()
        );
        assert!(matches!(
            sent(&engine.retry()).as_slice(),
            [ClientFrame::Fetch {
                after: Cursor(0),
                ..
            }]
        ));
        let again = receive(
            &mut engine,
            &page(vec![chunk(LAPTOP, 1, 1, &[b"a"])], true, 1),
        );
        assert_eq!(applied(&again), [b"a".to_vec()]);
        assert_eq!(engine.state().cursor, Cursor(1));
        assert!(matches!(
            sent(&again).as_slice(),
            [ClientFrame::Fetch {
                after: Cursor(1),
                ..
            }]
        ));
    }

    #[test]
    fn a_replayed_page_applies_nothing_and_an_older_answer_is_not_taken() {
        let mut engine = fetching(Cursor(0));
        let first = page(vec![chunk(LAPTOP, 1, 1, &[b"a"])], false, 1);
        receive(&mut engine, &first);
        assert!(receive(&mut engine, &first).is_empty(), "no fetch asked");
        // In answer to a fetch after 1, a page ending before it is not one.
        engine.received(&ServerFrame::Notify { head: Cursor(2) }.encode());
        assert!(receive(&mut engine, &page(vec![], false, 0)).is_empty());
        assert_eq!(engine.state().cursor, Cursor(1));
        let second = receive(
            &mut engine,
            &page(vec![chunk(LAPTOP, 2, 2, &[b"b"])], false, 2),
        );
        assert_eq!(applied(&second), [b"b".to_vec()]);
    }

    #[test]
    fn a_skipped_seq_of_a_colleague_is_a_hole_until_it_comes() {
        let mut engine = fetching(Cursor(0));
        let items = vec![chunk(LAPTOP, 1, 1, &[b"a"]), chunk(LAPTOP, 3, 3, &[b"c"])];
        let actions = receive(&mut engine, &page(items, false, 3));
        assert_eq!(
            reports(&actions),
            [SyncError::Withheld {
                device: LAPTOP,
                first: Seq(2),
                last: Seq(2)
            }]
        );
        assert_eq!(engine.snapshot_due(true), None);
        // The next connection reads again after seq 1's place and finds it.
        engine.disconnected();
        engine.connected();
        let welcome = ServerFrame::Welcome {
            head: Cursor(3),
            snapshot: None,
        };
        let frames = sent(&engine.received(&welcome.encode()));
        assert!(matches!(
            frames.as_slice(),
            [ClientFrame::Fetch {
                after: Cursor(1),
                ..
            }]
        ));
        let items = vec![chunk(LAPTOP, 2, 2, &[b"b"]), chunk(LAPTOP, 3, 3, &[b"c"])];
        let actions = receive(&mut engine, &page(items, false, 3));
        assert_eq!(applied(&actions), [b"b".to_vec()], "only what was missing");
        assert!(reports(&actions).is_empty());
        assert!(engine.state().holes.is_empty());
    }

    #[test]
    fn a_snapshot_served_first_starts_the_seqs_afresh() {
        let mut engine = fetching(Cursor(0));
        let mut snapshot = chunk(LAPTOP, 9, 12, &[]);
        snapshot.kind = ChunkKind::Snapshot { covers: Cursor(10) };
        snapshot.sealed = seal(
            &key(),
            TEAM,
            LAPTOP,
            Seq(9),
            snapshot.kind,
            &Plain::new(b"document".to_vec()),
            [1; 24],
        );
        let tablet = DeviceId::from_bytes([4; 16]);
        // The chunks under the snapshot are gone: seq 5 first is no gap,
        // nor is the laptop's seq 8 after its snapshot of seq 9.
        let items = vec![
            snapshot,
            chunk(tablet, 5, 11, &[b"t"]),
            chunk(LAPTOP, 8, 11, &[b"l"]),
        ];
        let actions = receive(&mut engine, &page(items, false, 12));
        assert!(reports(&actions).is_empty(), "{:?}", reports(&actions));
        assert!(engine.state().holes.is_empty());
    }

    #[test]
    fn a_taken_seq_moves_past_the_highest_and_seals_the_upload_again() {
        let mut engine = joined(Cursor(0));
        let first = sent(&engine.local_changes(vec![b"mine".to_vec()], [1; 24]));
        assert!(matches!(
            first.as_slice(),
            [ClientFrame::Upload { seq: Seq(1), .. }]
        ));
        let old = chunk(PHONE, 2, 5, &[b"before the backup"]);
        let taken = engine.received(
            &ServerFrame::SeqTaken {
                seq: Seq(1),
                highest: Seq(4),
                mine: vec![old],
            }
            .encode(),
        );
        assert_eq!(applied(&taken), [b"before the backup".to_vec()]);
        assert!(taken.contains(&Action::Reseal { nonces: 1 }));
        let resealed = engine.reseal(|| [2; 24]);
        assert!(matches!(resealed[0], Action::Persist(ref s) if s.next_seq == Seq(6)));
        let frames = sent(&resealed);
        assert!(matches!(
            frames.as_slice(),
            [ClientFrame::Upload { seq: Seq(5), .. }]
        ));
        assert_eq!(
            uploaded_changes(&frames[0]),
            [b"mine".to_vec()],
            "nothing lost"
        );
        assert_eq!(engine.waiting_changes(), 1);
        // The same answer again changes nothing.
        let again = ServerFrame::SeqTaken {
            seq: Seq(1),
            highest: Seq(4),
            mine: vec![],
        };
        assert!(engine.received(&again.encode()).is_empty());
    }

    #[test]
    fn a_colleagues_snapshot_closes_the_holes_it_covers() {
        let mut engine = fetching(Cursor(0));
        let items = vec![chunk(LAPTOP, 1, 1, &[b"a"]), chunk(LAPTOP, 3, 3, &[b"c"])];
        receive(&mut engine, &page(items, false, 3));
        assert_eq!(engine.state().holes.len(), 1);
        // The laptop, which has its seq 2, sends a snapshot covering it.
        engine.received(&ServerFrame::Notify { head: Cursor(4) }.encode());
        let mut snapshot = chunk(LAPTOP, 4, 4, &[]);
        snapshot.kind = ChunkKind::Snapshot { covers: Cursor(3) };
        snapshot.sealed = seal(
            &key(),
            TEAM,
            LAPTOP,
            Seq(4),
            snapshot.kind,
            &Plain::new(b"document".to_vec()),
            [1; 24],
        );
        let actions = receive(&mut engine, &page(vec![snapshot], false, 4));
        assert_eq!(applied(&actions), [b"document".to_vec()]);
        assert!(engine.state().holes.is_empty());
    }
}
