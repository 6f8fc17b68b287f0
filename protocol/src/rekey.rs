//! Key rotation: a new team key that removed devices never learn.
//!
//! Every device enrolls a public key with the relay (P-256, the 65-byte
//! uncompressed SEC1 point: WebCrypto's `raw` export). When the team's
//! creator rotates, it makes a new [`TeamKey`] and seals it, for each device
//! still in the team, to that device's public key: an [`Envelope`]. ECDH
//! between a fresh ephemeral key pair and the device's key gives a shared
//! secret that only the device can compute again; HKDF turns it into the
//! key that seals the new team key. A removed device gets no envelope, and
//! the relay refuses its old token, so it reads nothing written after.
//!
//! Each rotation also leaves a [`ChainLink`]: the previous key sealed under
//! the new one, so a device that joins later by the new invite can still
//! read chunks sealed before the rotation.
//!
//! ECDH itself is the caller's (WebCrypto in the browser, the `p256` crate
//! natively): this crate takes the shared secret's bytes and does the rest,
//! so both sides derive and seal identically.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::{DeviceId, ProtocolError, Sealed, TeamId, TeamKey};

/// Bytes of an uncompressed P-256 public key (`0x04`, x, y).
pub const PUBLIC_KEY_LEN: usize = 65;

/// HKDF `info` prefix of an envelope's wrapping key.
const ENVELOPE_INFO: &[u8] = b"rapport key envelope v1";
/// Associated-data label of an envelope.
const ENVELOPE_AD: &[u8; 16] = b"rapport-envl-v1\0";
/// Associated-data label of a chain link.
const LINK_AD: &[u8; 16] = b"rapport-link-v1\0";

/// A device's public key for key rotation: an uncompressed P-256 point.
/// Only its length and form are checked here; whether it is on the curve is
/// the ECDH implementation's to refuse.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevicePublicKey(#[serde(with = "serde_bytes")] Vec<u8>);

impl DevicePublicKey {
    /// Wraps the 65 bytes of an uncompressed point; `None` for anything else.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        (bytes.len() == PUBLIC_KEY_LEN && bytes[0] == 0x04).then(|| Self(bytes.to_vec()))
    }

    /// The raw bytes (for WebCrypto's `importKey("raw", …)`).
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Whether the bytes have the form of an uncompressed point (a frame
    /// from the network may hold anything).
    pub fn is_well_formed(&self) -> bool {
        self.0.len() == PUBLIC_KEY_LEN && self.0[0] == 0x04
    }
}

impl core::fmt::Debug for DevicePublicKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "DevicePublicKey({} bytes)", self.0.len())
    }
}

/// A new team key sealed to one device's public key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// The device that can open it.
    pub device: DeviceId,
    /// The rotation's ephemeral public key, for the device's ECDH.
    pub ephemeral: DevicePublicKey,
    /// The new key, sealed.
    pub sealed: Sealed,
}

/// The key of `epoch - 1` sealed under the key of `epoch`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainLink {
    /// The epoch whose key seals this link.
    pub epoch: u32,
    /// The previous key, sealed.
    pub sealed: Sealed,
}

/// Seals `new_key` of `epoch` for `device`, given the ECDH shared secret
/// (the x coordinate: WebCrypto's `deriveBits(…, 256)`) of the ephemeral
/// private key and the device's public key. `nonce` must be fresh.
pub fn seal_envelope(
    shared: &[u8; 32],
    team: TeamId,
    device: DeviceId,
    ephemeral: &DevicePublicKey,
    epoch: u32,
    new_key: &TeamKey,
    nonce: [u8; 24],
) -> Envelope {
    let sealed = seal_key(
        &envelope_key(shared, team, ephemeral),
        &envelope_ad(team, device, epoch),
        new_key,
        nonce,
    );
    Envelope {
        device,
        ephemeral: ephemeral.clone(),
        sealed,
    }
}

/// Opens an envelope of `epoch` with the shared secret of this device's
/// private key and the envelope's ephemeral key.
pub fn open_envelope(
    shared: &[u8; 32],
    team: TeamId,
    epoch: u32,
    envelope: &Envelope,
) -> Result<TeamKey, ProtocolError> {
    open_key(
        &envelope_key(shared, team, &envelope.ephemeral),
        &envelope_ad(team, envelope.device, epoch),
        &envelope.sealed,
    )
    .ok_or(ProtocolError::Rekey {
        what: "key envelope",
        epoch,
    })
}

/// Seals `previous` (the key of `epoch - 1`) under `key` of `epoch`.
pub fn seal_link(
    key: &TeamKey,
    team: TeamId,
    epoch: u32,
    previous: &TeamKey,
    nonce: [u8; 24],
) -> ChainLink {
    ChainLink {
        epoch,
        sealed: seal_key(key.as_bytes(), &link_ad(team, epoch), previous, nonce),
    }
}

/// Opens a chain link with the key of its epoch: the key before it.
pub fn open_link(key: &TeamKey, team: TeamId, link: &ChainLink) -> Result<TeamKey, ProtocolError> {
    open_key(key.as_bytes(), &link_ad(team, link.epoch), &link.sealed).ok_or(ProtocolError::Rekey {
        what: "key chain link",
        epoch: link.epoch,
    })
}

/// HKDF-SHA256(ikm = shared secret, salt = team id, info = label ‖
/// ephemeral public key): binds the wrapping key to this rotation's
/// ephemeral key, so two rotations never share one.
fn envelope_key(shared: &[u8; 32], team: TeamId, ephemeral: &DevicePublicKey) -> [u8; 32] {
    let hkdf = Hkdf::<Sha256>::new(Some(team.as_bytes()), shared);
    let mut key = [0u8; 32];
    hkdf.expand_multi_info(&[ENVELOPE_INFO, ephemeral.as_bytes()], &mut key)
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    key
}

fn envelope_ad(team: TeamId, device: DeviceId, epoch: u32) -> Vec<u8> {
    [
        &ENVELOPE_AD[..],
        team.as_bytes(),
        device.as_bytes(),
        &epoch.to_be_bytes(),
    ]
    .concat()
}

fn link_ad(team: TeamId, epoch: u32) -> Vec<u8> {
    [&LINK_AD[..], team.as_bytes(), &epoch.to_be_bytes()].concat()
}

fn seal_key(wrap: &[u8; 32], aad: &[u8], key: &TeamKey, nonce: [u8; 24]) -> Sealed {
    let ciphertext = XChaCha20Poly1305::new(&Key::from(*wrap))
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: key.as_bytes(),
                aad,
            },
        )
        .expect("32 bytes are far below XChaCha20-Poly1305's length limit");
    Sealed { nonce, ciphertext }
}

fn open_key(wrap: &[u8; 32], aad: &[u8], sealed: &Sealed) -> Option<TeamKey> {
    let plain = XChaCha20Poly1305::new(&Key::from(*wrap))
        .decrypt(
            &XNonce::from(sealed.nonce),
            Payload {
                msg: &sealed.ciphertext,
                aad,
            },
        )
        .ok()?;
    let bytes: [u8; 32] = plain.as_slice().try_into().ok()?;
    Some(TeamKey::from_bytes(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEAM: TeamId = TeamId::from_bytes([1; 16]);
    const PHONE: DeviceId = DeviceId::from_bytes([2; 16]);

    fn ephemeral() -> DevicePublicKey {
        let mut bytes = [7u8; PUBLIC_KEY_LEN];
        bytes[0] = 0x04;
        DevicePublicKey::from_bytes(&bytes).unwrap()
    }

    #[test]
    fn an_envelope_opens_with_the_same_secret_only() {
        let new_key = TeamKey::from_bytes([9; 32]);
        let envelope = seal_envelope(&[5; 32], TEAM, PHONE, &ephemeral(), 3, &new_key, [1; 24]);
        let opened = open_envelope(&[5; 32], TEAM, 3, &envelope).unwrap();
        assert_eq!(opened.as_bytes(), new_key.as_bytes());
        assert!(
            open_envelope(&[6; 32], TEAM, 3, &envelope).is_err(),
            "other secret"
        );
        assert!(
            open_envelope(&[5; 32], TEAM, 4, &envelope).is_err(),
            "other epoch"
        );
        let mut moved = envelope.clone();
        moved.device = DeviceId::from_bytes([3; 16]);
        assert!(
            open_envelope(&[5; 32], TEAM, 3, &moved).is_err(),
            "other device"
        );
        let other_team = TeamId::from_bytes([8; 16]);
        assert!(open_envelope(&[5; 32], other_team, 3, &envelope).is_err());
    }

    #[test]
    fn a_chain_link_gives_the_previous_key_to_holders_of_the_new_one() {
        let old = TeamKey::from_bytes([1; 32]);
        let new = TeamKey::from_bytes([2; 32]);
        let link = seal_link(&new, TEAM, 1, &old, [3; 24]);
        assert_eq!(
            open_link(&new, TEAM, &link).unwrap().as_bytes(),
            old.as_bytes()
        );
        assert!(open_link(&old, TEAM, &link).is_err());
        let relabelled = ChainLink { epoch: 2, ..link };
        assert!(open_link(&new, TEAM, &relabelled).is_err());
    }

    #[test]
    fn public_keys_must_be_uncompressed_points() {
        assert!(DevicePublicKey::from_bytes(&[4; 65]).is_some());
        assert!(DevicePublicKey::from_bytes(&[2; 65]).is_none());
        assert!(DevicePublicKey::from_bytes(&[4; 33]).is_none());
    }
}
