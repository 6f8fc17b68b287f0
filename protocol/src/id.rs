//! Team and device ids: 16 bytes each, written as 32 hex digits.
//!
//! A team's creator picks the [`TeamId`] from random bytes the caller
//! supplies; a [`DeviceId`] is derived from the device's public key
//! ([`DeviceId::of_key`], in `identity.rs`), so nobody can claim another's.

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ProtocolError;

/// Declares a 16-byte id with hex `Display`/`FromStr`; the two ids differ only
/// in name, and separate types keep a device id from being passed as a team's.
macro_rules! hex_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub struct $name([u8; 16]);

        impl $name {
            /// Wraps 16 bytes, normally fresh random ones.
            pub const fn from_bytes(bytes: [u8; 16]) -> Self {
                Self(bytes)
            }

            /// The raw bytes, as stored and as bound into associated data.
            pub const fn as_bytes(&self) -> &[u8; 16] {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self)
            }
        }

        impl FromStr for $name {
            type Err = ProtocolError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                parse_hex(text)
                    .map(Self)
                    .ok_or_else(|| ProtocolError::BadId { what: $what, input: text.into() })
            }
        }
    };
}

hex_id!(
    /// A team: the set of devices that share one [`TeamKey`](crate::TeamKey)
    /// and one ordered log on the relay.
    TeamId,
    "team"
);

hex_id!(
    /// One device (one browser profile) of a team. Chunks are addressed by
    /// (team, device, [`Seq`](crate::Seq)).
    DeviceId,
    "device"
);

/// Parses exactly 32 hex digits (either case).
fn parse_hex(text: &str) -> Option<[u8; 16]> {
    let digits = text.as_bytes();
    if digits.len() != 32 {
        return None;
    }
    let mut bytes = [0u8; 16];
    for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
        let high = char::from(pair[0]).to_digit(16)?;
        let low = char::from(pair[1]).to_digit(16)?;
        *byte = u8::try_from(high << 4 | low).ok()?;
    }
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips() {
        let team = TeamId::from_bytes([0xab; 16]);
        let text = team.to_string();
        assert_eq!(text, "ab".repeat(16));
        assert_eq!(text.parse::<TeamId>().unwrap(), team);
        assert_eq!(text.to_uppercase().parse::<TeamId>().unwrap(), team);
    }

    #[test]
    fn bad_hex_names_the_id() {
        let error = "xyz".parse::<DeviceId>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "'xyz' is not a device id: expected 32 hex digits"
        );
        assert!("g".repeat(32).parse::<TeamId>().is_err());
    }
}
