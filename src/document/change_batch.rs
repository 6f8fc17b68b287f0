//! [`ChangeBatch`]: several Automerge changes as one value — what a sealed
//! change chunk holds once opened (sync) and what a page of the team's
//! changes is stored as (storage). Here, below both, so neither imports the
//! other.
//!
//! - A **change** chunk's plaintext is a postcard-encoded [`ChangeBatch`]:
//!   a version tag, then the raw bytes of each Automerge change in it. The
//!   changes stay separate (not concatenated) because
//!   [`Workspace::apply`](crate::document::Workspace::apply) takes one change
//!   or one whole document at a time.
//! - A **snapshot** chunk's plaintext is the whole document exactly as
//!   [`Workspace::save`](crate::document::Workspace::save) wrote it; the
//!   Automerge format carries its own magic bytes and version.
//!
//! Nothing here touches keys, storage or the network: sealing happens in
//! the sync engine.

use serde::{Deserialize, Serialize};

/// The plaintext of one change chunk. Postcard encodes the variant as its
/// index, so the first byte is the payload version; later formats may only
/// be appended as new variants.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeBatch {
    /// Version 1: raw Automerge change bytes, oldest first.
    V1(Vec<Vec<u8>>),
}

impl ChangeBatch {
    /// The bytes to seal.
    pub fn encode(&self) -> Vec<u8> {
        // Postcard fails only on sequences of unknown length; a Vec has one.
        postcard::to_allocvec(self).expect("a change batch always encodes")
    }

    /// The bytes to seal for a batch of `changes`, without copying them
    /// into a [`ChangeBatch`] first; the same bytes as
    /// `ChangeBatch::V1(changes.to_vec()).encode()`.
    pub fn encode_changes(changes: &[Vec<u8>]) -> Vec<u8> {
        /// [`ChangeBatch`] borrowed: serializes identically.
        #[derive(Serialize)]
        enum Borrowed<'a> {
            V1(&'a [Vec<u8>]),
        }
        postcard::to_allocvec(&Borrowed::V1(changes)).expect("a change batch always encodes")
    }

    /// Reads the plaintext of an opened change chunk; `None` if it is not a
    /// batch this version understands (damaged, or written by a newer app).
    pub fn decode(bytes: &[u8]) -> Option<ChangeBatch> {
        match postcard::take_from_bytes(bytes) {
            Ok((batch, [])) => Some(batch),
            _ => None,
        }
    }

    /// The changes, oldest first.
    pub fn into_changes(self) -> Vec<Vec<u8>> {
        match self {
            ChangeBatch::V1(changes) => changes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_starts_with_its_version() {
        let batch = ChangeBatch::V1(vec![b"one".to_vec(), b"two".to_vec()]);
        let bytes = batch.encode();
        assert_eq!(bytes[0], 0, "the variant index is the version tag");
        assert_eq!(ChangeBatch::decode(&bytes), Some(batch.clone()));
        assert_eq!(ChangeBatch::encode_changes(&batch.into_changes()), bytes);
    }

    #[test]
    fn garbage_and_trailing_bytes_are_refused() {
        assert_eq!(ChangeBatch::decode(&[7, 1, 2]), None);
        let mut bytes = ChangeBatch::V1(vec![]).encode();
        bytes.push(0);
        assert_eq!(ChangeBatch::decode(&bytes), None);
    }
}
