//! The team's symmetric key: the one secret the relay never sees.

use core::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

/// 32 random bytes shared by a team's devices. Chunks are sealed with it and
/// the relay access token is derived from it.
///
/// It deliberately has no serde impls, so it cannot be put in a frame; the
/// app stores [`TeamKey::as_bytes`] on the device itself. The bytes are wiped
/// when the key is dropped, so copies do not linger in freed memory.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct TeamKey([u8; 32]);

impl TeamKey {
    /// Wraps 32 bytes, normally fresh random ones.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The raw key, for the device's own storage.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for TeamKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TeamKey(..)")
    }
}

/// Compares in constant time, like the access secrets.
impl PartialEq for TeamKey {
    fn eq(&self, other: &Self) -> bool {
        self.0
            .iter()
            .zip(other.0.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

impl Eq for TeamKey {}
