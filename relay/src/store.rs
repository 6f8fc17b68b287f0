//! Where the relay keeps teams, devices and sealed chunks.
//!
//! The [`Store`] trait is the whole contract between the sync logic
//! ([`crate::session`], [`crate::page`]) and a database: every SQL statement
//! lives behind it, in [`SqliteStore`] today and in a PostgreSQL store later.
//!
//! The trait is synchronous on purpose. SQLite is a blocking library, so an
//! async trait would only hide a `spawn_blocking` inside each method; keeping
//! it sync keeps stores free of runtime concerns, lets the session logic be
//! plain code that tests call directly, and leaves one place (the connection
//! task) that moves store work off the async threads. A PostgreSQL store can
//! use the blocking `postgres` client the same way.

mod error;
mod sqlite;

pub use error::StoreError;
pub(crate) use error::size;
pub use sqlite::{SqliteStore, StoreLimits};

use rapport_protocol::{
    AdminHash, ChainLink, ChunkKind, Cursor, DeviceId, DevicePublicKey, EnrolledDevice, Envelope,
    Sealed, Seq, StoredChunk, TeamDevice, TeamId, TokenHash,
};

/// Durable storage for the relay. Implementations must make each method
/// atomic, and must have made an upload durable before `upload` returns
/// (the relay acknowledges it right after).
pub trait Store: KeyStore + Send + Sync + 'static {
    /// Registers a new team with its head at [`Cursor::START`].
    /// [`StoreError::TeamExists`] if the id is taken; nothing changes then.
    fn create_team(
        &self,
        team: TeamId,
        token_hash: TokenHash,
        admin_hash: AdminHash,
    ) -> Result<(), StoreError>;

    /// The team's token and admin hashes, or `None` for an unknown team.
    fn credentials(&self, team: TeamId) -> Result<Option<Credentials>, StoreError>;

    /// Records `device` as a member of `team` if it is new, and returns the
    /// team's head. [`StoreError::Revoked`] if the device was revoked.
    fn join(&self, team: TeamId, device: DeviceId) -> Result<TeamHead, StoreError>;

    /// Stores one sealed chunk at the team's next cursor, in one transaction:
    ///
    /// - the same (team, device, seq) with identical kind and bytes returns
    ///   the original cursor and stores nothing ([`Stored::fresh`] false);
    /// - the same (team, device, seq) with anything different is
    ///   [`StoreError::Conflict`], and nothing is stored;
    /// - a revoked device gets [`StoreError::Revoked`];
    /// - a snapshot may not cover a cursor past the head
    ///   ([`StoreError::CoversAhead`]); once stored, every chunk (changes
    ///   and older snapshots) at or before its `covers`, and nothing newer,
    ///   is pruned when the store's retention window has passed (at once if
    ///   it is zero). A chunk at or before `covers` was applied by the
    ///   snapshot's uploader, so the snapshot should contain it; the relay
    ///   cannot check that, hence the window, in which a device that cannot
    ///   read the snapshot still finds the chunks under it;
    /// - a store with quotas refuses a chunk that would take the team past
    ///   them ([`StoreError::TeamFull`]), and nothing is stored.
    fn upload(
        &self,
        team: TeamId,
        device: DeviceId,
        seq: Seq,
        kind: ChunkKind,
        sealed: &Sealed,
    ) -> Result<Stored, StoreError>;

    /// The snapshot with the highest `covers`, if the team has one.
    fn latest_snapshot(&self, team: TeamId) -> Result<Option<StoredChunk>, StoreError>;

    /// Chunks with cursor above `after`, in cursor order, within `budget`.
    fn chunks_after(&self, team: TeamId, after: Cursor, budget: Budget)
    -> Result<Scan, StoreError>;

    /// Marks `device` revoked (recording it if the relay never saw it, so it
    /// cannot join later either).
    fn revoke(&self, team: TeamId, device: DeviceId) -> Result<(), StoreError>;

    /// Replaces the team's access token hash.
    fn rotate(&self, team: TeamId, token_hash: TokenHash) -> Result<(), StoreError>;

    /// Every device that joined the team (or was revoked before it could),
    /// in the order the relay first saw them, with the chunks it holds of
    /// each.
    fn devices(&self, team: TeamId) -> Result<Vec<TeamDevice>, StoreError>;

    /// Prunes, in every team, what snapshots cover whose retention window
    /// has passed; returns how many chunks went. Uploads prune their own
    /// team as well, so this only matters for teams that went quiet. A
    /// store that prunes at once has nothing to sweep.
    fn sweep(&self) -> Result<u64, StoreError> {
        Ok(0)
    }
}

/// What key rotation keeps: devices' public keys, the sealed new keys, and
/// the chain back to the first key. All of it is opaque to the relay.
pub trait KeyStore {
    /// Records `device`'s public key. The same key again is fine; another
    /// one is [`StoreError::KeyTaken`]; a revoked device gets
    /// [`StoreError::Revoked`].
    fn enroll(
        &self,
        team: TeamId,
        device: DeviceId,
        public_key: &DevicePublicKey,
    ) -> Result<(), StoreError>;

    /// Keeps `device`'s sealed card (the rep's name for the admin),
    /// replacing an older one.
    fn set_card(&self, team: TeamId, device: DeviceId, card: &Sealed) -> Result<(), StoreError>;

    /// The enrolled keys (and cards) of the team's devices that are not
    /// revoked, in the order the relay first saw the devices.
    fn device_keys(&self, team: TeamId) -> Result<Vec<EnrolledDevice>, StoreError>;

    /// In one transaction: records rotation `epoch` (which must be the
    /// team's current epoch plus one, else [`StoreError::StaleEpoch`]) with
    /// the token hash it replaces and `link`, stores `envelopes`, and makes
    /// `token_hash` the team's token.
    fn rotate_key(
        &self,
        team: TeamId,
        epoch: u32,
        token_hash: TokenHash,
        envelopes: &[Envelope],
        link: &ChainLink,
    ) -> Result<(), StoreError>;

    /// For a device that showed a token an earlier rotation replaced: the
    /// current epoch and the envelope sealed to it then. `None` if the
    /// token never was the team's, the device is revoked, or it has no
    /// envelope of the current epoch.
    fn rekey(
        &self,
        team: TeamId,
        device: DeviceId,
        old_token_hash: TokenHash,
    ) -> Result<Option<(u32, Envelope)>, StoreError>;

    /// The team's current epoch and its chain links, oldest first.
    fn key_chain(&self, team: TeamId) -> Result<(u32, Vec<ChainLink>), StoreError>;
}

/// What the relay checks `Hello` and admin frames against.
#[derive(Clone, Copy, Debug)]
pub struct Credentials {
    /// SHA-256 of the team's current access token.
    pub token_hash: TokenHash,
    /// SHA-256 of the team's admin secret.
    pub admin_hash: AdminHash,
}

/// Where a team's log stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TeamHead {
    /// The newest cursor ([`Cursor::START`] for an empty team).
    pub head: Cursor,
    /// What the newest snapshot covers, if there is one.
    pub snapshot: Option<Cursor>,
}

/// The outcome of an upload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stored {
    /// Where the chunk sits in the team's log.
    pub cursor: Cursor,
    /// False when this was a retry of a chunk already stored.
    pub fresh: bool,
}

/// How much one scan may return.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    /// At most this many chunks; 0 returns none but still reports `rest`.
    pub items: usize,
    /// Stop before a chunk that would push the sealed bytes past this, except
    /// that the first chunk always fits, so a page is never empty for size.
    pub bytes: usize,
}

/// What a scan found.
#[derive(Clone, Debug)]
pub struct Scan {
    /// The chunks, in cursor order.
    pub items: Vec<StoredChunk>,
    /// The cursor of the first chunk left out, if any was.
    pub rest: Option<Cursor>,
}
