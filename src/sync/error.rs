//! [`SyncError`]: what the sync engine reports instead of panicking.

use rapport_protocol::{Cursor, DeviceId, ErrorCode, Seq};

/// Something the [`SyncEngine`](crate::sync::SyncEngine) could not use or
/// do. None of these lose local data: the document and the pending uploads
/// stay as they are. The UI chooses the rep's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyncError {
    /// The relay sent bytes that are not a server frame.
    #[error("the relay sent a frame this app cannot read: {reason}")]
    BadFrame {
        /// The decoder's reason.
        reason: String,
    },
    /// A chunk did not open with the team key: sealed with another key, or
    /// altered. The chunks after it are still applied; it is kept as a hole
    /// and read again on every connection (a key may come through the key
    /// chain), and no snapshot is offered meanwhile.
    #[error(
        "chunk {seq} of device {device} (at {cursor} in the team's log) did not open with \
         this device's team keys; it is read again on the next connection"
    )]
    Open {
        /// Where it sits in the team's log.
        cursor: Cursor,
        /// Its uploader.
        device: DeviceId,
        /// Its uploader's seq.
        seq: Seq,
    },
    /// A change chunk opened but its payload is not one this version reads
    /// (damaged, or written by a newer app). Kept as a hole, like
    /// [`SyncError::Open`].
    #[error(
        "chunk {seq} of device {device} (at {cursor}) opened but holds no change batch this \
         version can read; it is read again on the next connection"
    )]
    Payload {
        /// Where it sits in the team's log.
        cursor: Cursor,
        /// Its uploader.
        device: DeviceId,
        /// Its uploader's seq.
        seq: Seq,
    },
    /// The relay refused a frame and is closing the connection.
    #[error("the relay refused this device ({code:?}): {message}")]
    Refused {
        /// The relay's code, which says whether reconnecting can help.
        code: ErrorCode,
        /// The relay's words, for logs.
        message: String,
    },
    /// A snapshot was offered covering more of the log than this device has
    /// applied; it was not uploaded, since the relay would prune chunks the
    /// snapshot does not contain.
    #[error(
        "a snapshot covering {covers} was not uploaded: this device has applied only up to {cursor}"
    )]
    SnapshotAhead {
        /// What the snapshot claimed to cover.
        covers: Cursor,
        /// What this device has applied.
        cursor: Cursor,
    },
    /// A new team key sealed to this device, or a link of the key chain,
    /// did not open: this device cannot follow the rotation and needs a
    /// fresh invite.
    #[error("the team key of epoch {epoch} did not open on this device; ask for a new invite")]
    Rekey {
        /// The rotation.
        epoch: u32,
    },
    /// The relay's log is shorter than this device's position: it lost data
    /// (restored from an older backup). The engine fetches from the start
    /// again; a snapshot upload puts this device's data back.
    #[error(
        "the relay's log ends at {head} but this device had read up to {cursor}; reading it again from the start"
    )]
    RelayBehind {
        /// The relay's head.
        head: Cursor,
        /// This device's position before.
        cursor: Cursor,
    },
    /// The relay offered a new team key that does not come from the team's
    /// admin (not sealed with the admin's device key this device pinned at
    /// join, not for this device, or not newer than the key it holds). It
    /// was refused: nothing changed, and this device keeps its key.
    #[error("a new team key of epoch {epoch} was refused: {reason}")]
    ForgedKey {
        /// The epoch it claimed.
        epoch: u32,
        /// Which check failed.
        reason: &'static str,
    },
    /// The relay's key chain claimed an epoch this device's key does not
    /// prove; it was ignored.
    #[error("the relay's key chain claimed epoch {claimed}; this device holds epoch {held}")]
    ChainMismatch {
        /// What the relay claimed.
        claimed: u32,
        /// What this device holds.
        held: u32,
    },
    /// This device has no key pair (the browser could not make one), so it
    /// cannot say who it is to the relay.
    #[error("this device has no key pair to prove who it is; sync cannot start")]
    NoDeviceKey,
    /// The app could not store or apply a page of the team's changes
    /// ([`SyncEngine::apply_failed`](crate::sync::SyncEngine::apply_failed)):
    /// the cursor stays before it, and it is fetched again on
    /// [`SyncEngine::retry`](crate::sync::SyncEngine::retry).
    #[error(
        "the team's changes could not be stored or applied on this device ({reason}); they are fetched again later"
    )]
    NotApplied {
        /// The app's words, for logs.
        reason: String,
    },
    /// The relay served seq `last + 1` (or later) of `device` without
    /// `first..=last`: it withheld them, or lost them. They are looked for
    /// again on every connection, and no snapshot is offered meanwhile.
    #[error(
        "the relay served device {device}'s changes without its seqs {first} to {last}; \
         they are looked for again on the next connection"
    )]
    Withheld {
        /// The colleague's device.
        device: DeviceId,
        /// The first seq missing.
        first: Seq,
        /// The last seq missing.
        last: Seq,
    },
    /// A pending upload could not be opened to be sealed again under a new
    /// seq (its key is no longer held): it cannot be sent.
    #[error("upload {seq} of this device could not be sealed again under a new seq")]
    Reseal {
        /// Its seq.
        seq: Seq,
    },
}
