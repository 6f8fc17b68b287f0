//! The storage layer's one error type.

use rapport_protocol::{Cursor, DeviceId, Seq, TeamId};

/// Why a [`Store`](crate::Store) call failed. The first variants are the
/// contract's refusals, which the session turns into error codes; the last
/// ones are the database failing.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// `create_team` for an id that exists.
    #[error("team {team} already exists on this relay")]
    TeamExists {
        /// The team.
        team: TeamId,
    },

    /// A call for a team the store does not hold.
    #[error("team {team} is not on this relay")]
    UnknownTeam {
        /// The team.
        team: TeamId,
    },

    /// The device was revoked.
    #[error("device {device} was revoked from team {team}")]
    Revoked {
        /// The team.
        team: TeamId,
        /// The device.
        device: DeviceId,
    },

    /// The seq is taken by different bytes.
    #[error(
        "device {device} already uploaded seq {seq} (at cursor {cursor}) with different bytes; \
         a device must never reuse a seq for new content"
    )]
    Conflict {
        /// The device.
        device: DeviceId,
        /// The seq.
        seq: Seq,
        /// Where the original sits.
        cursor: Cursor,
    },

    /// A snapshot claimed to cover cursors that do not exist yet.
    #[error("a snapshot cannot cover cursor {covers}: the team's newest cursor is {head}")]
    CoversAhead {
        /// What the snapshot claimed.
        covers: Cursor,
        /// The team's head.
        head: Cursor,
    },

    /// A device tried to enroll a public key other than the one it has.
    #[error(
        "device {device} already enrolled another public key; a device's key \
         cannot be replaced"
    )]
    KeyTaken {
        /// The device.
        device: DeviceId,
    },

    /// A key rotation that is not the team's next one.
    #[error("team {team} is at key epoch {}, so the next rotation is {expected}, not {got}", expected - 1)]
    StaleEpoch {
        /// The team.
        team: TeamId,
        /// The epoch the rotation should have had.
        expected: u32,
        /// The epoch it had.
        got: u32,
    },

    /// The team would store more than its quota.
    #[error(
        "team {team} stores {} and this relay allows {} per team, so it refused \
         this upload; a snapshot frees space once the relay's retention window has \
         passed, or ask the relay's operator for a larger quota",
        size(*used), size(*limit)
    )]
    TeamFull {
        /// The team.
        team: TeamId,
        /// The bytes it stores now.
        used: u64,
        /// Its quota.
        limit: u64,
    },

    /// A new device would take the team past its quota of devices.
    #[error(
        "team {team} already has {limit} devices, the most this relay allows; the team's \
         admin can remove a device nobody uses any more, or ask the relay's operator \
         for a larger quota"
    )]
    TooManyDevices {
        /// The team.
        team: TeamId,
        /// Its quota.
        limit: u64,
    },

    /// SQLite failed.
    #[error("sqlite failed while {doing}: {source}")]
    Sqlite {
        /// What the store was doing, e.g. "storing a chunk".
        doing: &'static str,
        /// SQLite's error.
        source: rusqlite::Error,
    },

    /// SQLite would not switch to write-ahead logging, without which an
    /// acknowledged upload is not guaranteed to survive a crash.
    #[error("sqlite database {path} stayed in journal mode '{mode}' instead of 'wal'")]
    NoWal {
        /// The database file.
        path: String,
        /// The mode SQLite reported.
        mode: String,
    },

    /// A stored row does not decode (written by something else, or damaged).
    #[error("a stored row of team {team} is damaged: {what}")]
    Damaged {
        /// The team.
        team: TeamId,
        /// What was wrong.
        what: String,
    },
}

/// A byte count as a person reads it: "512 bytes", "3.2 MiB", "1.0 GiB".
pub(crate) fn size(bytes: u64) -> String {
    const KIB: u64 = 1 << 10;
    #[expect(clippy::cast_precision_loss, reason = "one decimal is shown")]
    let scaled = |unit: u64| bytes as f64 / unit as f64;
    match bytes {
        0..KIB => format!("{bytes} bytes"),
        KIB..0x10_0000 => format!("{:.1} KiB", scaled(KIB)),
        0x10_0000..0x4000_0000 => format!("{:.1} MiB", scaled(KIB * KIB)),
        _ => format!("{:.1} GiB", scaled(KIB * KIB * KIB)),
    }
}
