//! The protocol layer's one error type.

use crate::{DeviceId, Seq, TeamId};

/// What can go wrong parsing ids, decoding frames, or opening chunks.
#[derive(Debug, thiserror::Error)]
pub enum ProtocolError {
    /// Text that should have been a hex id was not.
    #[error("'{input}' is not a {what} id: expected 32 hex digits")]
    BadId {
        /// "team" or "device".
        what: &'static str,
        /// The text as given.
        input: String,
    },

    /// The chunk's tag did not verify under this key and address.
    #[error(
        "chunk {seq} of device {device} in team {team} did not open: it was sealed \
         with another team key, or altered or moved on the way"
    )]
    Open {
        /// The team it was opened as.
        team: TeamId,
        /// The device it was opened as.
        device: DeviceId,
        /// The seq it was opened as.
        seq: Seq,
    },

    /// A key envelope or chain link did not open: not sealed for this
    /// device or key, or altered.
    #[error("the {what} of key epoch {epoch} did not open")]
    Rekey {
        /// "key envelope" or "key chain link".
        what: &'static str,
        /// The rotation it belongs to.
        epoch: u32,
    },

    /// Bytes that should have been a frame were not.
    #[error("could not decode a {what}: {source}")]
    Decode {
        /// "client frame" or "server frame".
        what: &'static str,
        /// Postcard's reason.
        source: postcard::Error,
    },

    /// A frame decoded but was followed by more bytes; two frames glued
    /// together or a corrupted length would otherwise pass silently.
    #[error("a {what} had {extra} stray bytes after its end")]
    TrailingBytes {
        /// "client frame" or "server frame".
        what: &'static str,
        /// How many bytes were left over.
        extra: usize,
    },
}
