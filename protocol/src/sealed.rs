//! Ciphertext: what travels and what the relay stores.

use core::fmt;

use serde::{Deserialize, Serialize};

/// A sealed chunk: the 24-byte XChaCha20 nonce and the ciphertext with its
/// 16-byte Poly1305 tag at the end. Without the team key it is opaque.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sealed {
    /// Chosen at random by the sealing device; never reused with one key.
    pub nonce: [u8; 24],
    /// Ciphertext followed by the tag.
    #[serde(with = "serde_bytes")]
    pub ciphertext: Vec<u8>,
}

impl Sealed {
    /// Bytes this chunk takes on the wire and on disk, near enough for limits.
    pub fn len(&self) -> usize {
        self.nonce.len() + self.ciphertext.len()
    }

    /// Whether there is no ciphertext at all (never true for a real seal).
    pub fn is_empty(&self) -> bool {
        self.ciphertext.is_empty()
    }
}

/// Shows sizes only: ciphertext is harmless but noisy, and logs stay small.
impl fmt::Debug for Sealed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sealed({} bytes)", self.ciphertext.len())
    }
}
