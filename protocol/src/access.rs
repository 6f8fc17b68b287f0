//! Relay access: the token a device shows, and the admin secret.
//!
//! The relay must know a device belongs to a team without learning the team
//! key. Devices derive an [`AccessToken`] from the key; the relay stores only
//! its [`TokenHash`]. Revoking a device or rotating the token needs the
//! team's [`AdminSecret`], which the team's creator keeps; the relay stores
//! only its [`AdminHash`].

use core::fmt;

use hkdf::Hkdf;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{TeamId, TeamKey};

/// HKDF `info`: names what the derived bytes are for, so the same team key
/// can later feed other derivations without their outputs colliding.
const ACCESS_INFO: &[u8] = b"rapport relay access v1";

/// Declares a 32-byte secret or hash whose `Debug` never prints the bytes,
/// so a frame logged with `{:?}` cannot leak a token.
macro_rules! opaque_32 {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Serialize, Deserialize)]
        pub struct $name([u8; 32]);

        impl $name {
            /// Wraps 32 bytes.
            pub const fn from_bytes(bytes: [u8; 32]) -> Self {
                Self(bytes)
            }

            /// The raw bytes.
            pub const fn as_bytes(&self) -> &[u8; 32] {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(..)"))
            }
        }

        /// Compares in constant time, so response timing says nothing about
        /// how many leading bytes of a guess were right.
        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.0.iter().zip(other.0.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
            }
        }

        impl Eq for $name {}
    };
}

opaque_32!(
    /// What a device shows the relay in `Hello`: derived from the team key,
    /// so every device holding the key can compute it and nobody else can.
    AccessToken
);
opaque_32!(
    /// SHA-256 of an [`AccessToken`]: all the relay stores to check tokens.
    TokenHash
);
opaque_32!(
    /// 32 random bytes the team's creator keeps; needed to revoke a device or
    /// rotate the access token.
    AdminSecret
);
opaque_32!(
    /// SHA-256 of an [`AdminSecret`]: all the relay stores to check it.
    AdminHash
);
opaque_32!(
    /// A device's answer to the relay's challenge: proof that it holds the
    /// private key its id is derived from ([`hello_proof`](crate::hello_proof)).
    Proof
);

/// The relay access token of `team`:
/// HKDF-SHA256(ikm = team key, salt = team id, info = "rapport relay access v1").
///
/// Deterministic, so every device of the team derives the same token, and
/// different per team even if a key were ever reused.
pub fn access_token(key: &TeamKey, team: TeamId) -> AccessToken {
    let hkdf = Hkdf::<Sha256>::new(Some(team.as_bytes()), key.as_bytes());
    let mut token = [0u8; 32];
    // 32 bytes is far below HKDF-SHA256's 255 × 32 byte output limit.
    hkdf.expand(ACCESS_INFO, &mut token)
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    AccessToken(token)
}

/// SHA-256 of an access token: what `CreateTeam` and `Rotate` send and what
/// the relay compares `Hello` tokens against.
pub fn token_hash(token: &AccessToken) -> TokenHash {
    TokenHash(Sha256::digest(token.as_bytes()).into())
}

/// SHA-256 of the admin secret: what `CreateTeam` sends.
pub fn admin_hash(secret: &AdminSecret) -> AdminHash {
    AdminHash(Sha256::digest(secret.as_bytes()).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_is_deterministic_and_differs_per_team() {
        let key = TeamKey::from_bytes([3; 32]);
        let team_a = TeamId::from_bytes([1; 16]);
        let team_b = TeamId::from_bytes([2; 16]);
        assert_eq!(access_token(&key, team_a), access_token(&key, team_a));
        assert_ne!(access_token(&key, team_a), access_token(&key, team_b));
        let other_key = TeamKey::from_bytes([4; 32]);
        assert_ne!(access_token(&key, team_a), access_token(&other_key, team_a));
    }

    #[test]
    fn hashes_are_sha256() {
        // SHA-256 of 32 zero bytes, a published test vector.
        let expected = "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925";
        let hash = token_hash(&AccessToken::from_bytes([0; 32]));
        let hex: String = hash.as_bytes().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, expected);
        assert_eq!(
            admin_hash(&AdminSecret::from_bytes([0; 32])).as_bytes(),
            hash.as_bytes()
        );
    }

    #[test]
    fn debug_hides_the_bytes() {
        let token = AccessToken::from_bytes([0xee; 32]);
        assert_eq!(format!("{token:?}"), "AccessToken(..)");
    }
}
