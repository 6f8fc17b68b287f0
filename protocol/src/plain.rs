//! Plaintext chunk bytes: what only the team's devices may see.

use core::fmt;

/// Bytes before sealing or after opening (an automerge change or snapshot).
///
/// It has no serde impls on purpose: a frame cannot carry a `Plain`, so
/// plaintext cannot reach the relay by a slip. Its `Debug` shows only the
/// length, so it cannot reach a log line either.
#[derive(Clone, PartialEq, Eq)]
pub struct Plain(Vec<u8>);

impl Plain {
    /// Wraps plaintext bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// The plaintext.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Gives the bytes back.
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }
}

impl fmt::Debug for Plain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Plain({} bytes)", self.0.len())
    }
}
