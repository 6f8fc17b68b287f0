//! Why the relay refused something, as a stable code.

use serde::{Deserialize, Serialize};

/// The code in a `ServerFrame::Error`. The relay closes the connection after
/// every error, so a code also says whether reconnecting can help.
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
}
