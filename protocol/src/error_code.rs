//! Why the relay refused something, as a stable code.

use serde::{Deserialize, Serialize};

/// The code in a `ServerFrame::Error`. The relay closes the connection after
/// every error, so a code also says whether reconnecting can help.
///
/// Append new codes at the end only: postcard encodes a variant as its
/// index, so inserting one would change what every later code means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ErrorCode {
    /// The bytes were not a valid frame, or the frame made no sense here
    /// (a second Hello, a snapshot covering cursors that do not exist yet).
    BadFrame,
    /// The frame was larger than the relay accepts.
    TooLarge,
    /// Wrong token or admin secret, or a frame before Hello.
    Unauthorized,
    /// This device was revoked by the team's admin.
    Revoked,
    /// The relay holds no team with this id.
    UnknownTeam,
    /// `CreateTeam` for an id the relay already holds.
    TeamExists,
    /// This device already uploaded this seq with different bytes.
    Conflict,
    /// The first frame's protocol version is not one this relay speaks.
    UnsupportedVersion,
    /// The relay failed on its side (storage); retrying later may work.
    Internal,
    /// The team reached a quota the relay's operator set: its stored bytes
    /// or its number of devices. Reconnecting does not help; a snapshot
    /// (once the relay's retention window has passed), removing devices,
    /// or the operator raising the quota does.
    QuotaExceeded,
    /// The team uploaded more chunks per minute than the relay allows.
    /// Reconnecting after a minute helps; nothing uploaded was lost.
    RateLimited,
    /// The relay's disk is nearly full, so it refused to store the upload
    /// rather than half-write it. Retrying later helps once the operator
    /// freed space; the device keeps the change meanwhile.
    RelayFull,
    /// `CreateTeam` on a relay that creates teams only with its operator's
    /// creation secret (which was missing or wrong), or not at all.
    /// Reconnecting does not help; ask the operator for the secret.
    TeamCreationClosed,
    /// The relay holds as many connections as its operator allows, in all
    /// or from this address. Reconnecting a little later helps.
    TooManyConnections,
    /// The connection sent no `Hello` in time, or nothing at all (not even
    /// an answer to the relay's pings) for too long. Reconnecting helps.
    TimedOut,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A code's number on the wire is its place in the enum: devices and
    /// relays of different versions must agree on it.
    #[test]
    fn codes_keep_their_numbers() {
        let codes = [
            (ErrorCode::BadFrame, 0),
            (ErrorCode::Internal, 8),
            (ErrorCode::QuotaExceeded, 9),
            (ErrorCode::RateLimited, 10),
            (ErrorCode::RelayFull, 11),
            (ErrorCode::TeamCreationClosed, 12),
            (ErrorCode::TooManyConnections, 13),
            (ErrorCode::TimedOut, 14),
        ];
        for (code, number) in codes {
            assert_eq!(crate::wire::encode(&code), [number], "{code:?}");
        }
    }
}
