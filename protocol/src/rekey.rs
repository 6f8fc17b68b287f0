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
//! An envelope is also *authenticated by the admin*: its wrapping key comes
//! from two ECDH secrets, the ephemeral one and the static one of the
//! admin's device key and the device's ([`EnvelopeSecrets`]). Only the
//! admin's device and the receiving device can compute the second, so a
//! relay (which knows every device's public key and could seal anything to
//! it) or a removed member (who knows the old team key) cannot make an
//! envelope that opens. Each member pinned the admin's device id at join
//! (the invite carries it) and checks [`Envelope::admin`] against it.
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
const ENVELOPE_INFO: &[u8] = b"rapport key envelope v2";
/// Associated-data label of an envelope.
const ENVELOPE_AD: &[u8; 16] = b"rapport-envl-v2\0";
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

/// A new team key sealed to one device's public key by the team's admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// The device that can open it.
    pub device: DeviceId,
    /// The rotation's ephemeral public key, for the device's ECDH.
    pub ephemeral: DevicePublicKey,
    /// The admin's device key that sealed it: the device checks that its id
    /// is the admin's it pinned, then does ECDH with it too.
    pub admin: DevicePublicKey,
    /// The new key, sealed.
    pub sealed: Sealed,
}

/// The two ECDH secrets an envelope's wrapping key comes from (each the
/// shared point's x coordinate: WebCrypto's `deriveBits(…, 256)`).
pub struct EnvelopeSecrets {
    /// Of the rotation's ephemeral key and the device's key.
    pub ephemeral: [u8; 32],
    /// Of the admin's device key and the device's key: what proves the
    /// envelope comes from the admin.
    pub admin: [u8; 32],
}

/// What one rotation's envelopes share.
pub struct Rotation<'a> {
    /// The team.
    pub team: TeamId,
    /// The new key's epoch.
    pub epoch: u32,
    /// The rotation's ephemeral public key.
    pub ephemeral: &'a DevicePublicKey,
    /// The admin's device key.
    pub admin: &'a DevicePublicKey,
}

/// The key of `epoch - 1` sealed under the key of `epoch`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainLink {
    /// The epoch whose key seals this link.
    pub epoch: u32,
    /// The previous key, sealed.
    pub sealed: Sealed,
}

/// Seals `new_key` for `device`, from the admin's device, given the two
/// ECDH secrets with the device's public key. `nonce` must be fresh.
pub fn seal_envelope(
    secrets: &EnvelopeSecrets,
    rotation: &Rotation<'_>,
    device: DeviceId,
    new_key: &TeamKey,
    nonce: [u8; 24],
) -> Envelope {
    let sealed = seal_key(
        &envelope_key(secrets, rotation.team, rotation.ephemeral, rotation.admin),
        &envelope_ad(rotation.team, device, rotation.epoch, rotation.admin),
        new_key,
        nonce,
    );
    Envelope {
        device,
        ephemeral: rotation.ephemeral.clone(),
        admin: rotation.admin.clone(),
        sealed,
    }
}

/// Opens an envelope of `epoch` with the two ECDH secrets of this device's
/// private key and the envelope's ephemeral and admin keys. Fails unless
/// it was sealed for this device, this epoch, by the holder of the admin
/// key's private half. Whether that admin key is the team admin's is the
/// caller's to check (against the id it pinned).
pub fn open_envelope(
    secrets: &EnvelopeSecrets,
    team: TeamId,
    epoch: u32,
    envelope: &Envelope,
) -> Result<TeamKey, ProtocolError> {
    open_key(
        &envelope_key(secrets, team, &envelope.ephemeral, &envelope.admin),
        &envelope_ad(team, envelope.device, epoch, &envelope.admin),
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

/// HKDF-SHA256(ikm = ephemeral secret ‖ admin secret, salt = team id,
/// info = label ‖ ephemeral public key ‖ admin public key): binds the
/// wrapping key to this rotation's ephemeral key, so two rotations never
/// share one, and to the admin's key, which only its holder can use.
fn envelope_key(
    secrets: &EnvelopeSecrets,
    team: TeamId,
    ephemeral: &DevicePublicKey,
    admin: &DevicePublicKey,
) -> [u8; 32] {
    let ikm = [secrets.ephemeral, secrets.admin].concat();
    let hkdf = Hkdf::<Sha256>::new(Some(team.as_bytes()), &ikm);
    let mut key = [0u8; 32];
    hkdf.expand_multi_info(
        &[ENVELOPE_INFO, ephemeral.as_bytes(), admin.as_bytes()],
        &mut key,
    )
    .expect("32 bytes is a valid HKDF-SHA256 output length");
    key
}

fn envelope_ad(team: TeamId, device: DeviceId, epoch: u32, admin: &DevicePublicKey) -> Vec<u8> {
    [
        &ENVELOPE_AD[..],
        team.as_bytes(),
        device.as_bytes(),
        &epoch.to_be_bytes(),
        DeviceId::of_key(admin).as_bytes(),
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

    fn point(fill: u8) -> DevicePublicKey {
        let mut bytes = [fill; PUBLIC_KEY_LEN];
        bytes[0] = 0x04;
        DevicePublicKey::from_bytes(&bytes).unwrap()
    }

    fn secrets(ephemeral: u8, admin: u8) -> EnvelopeSecrets {
        EnvelopeSecrets {
            ephemeral: [ephemeral; 32],
            admin: [admin; 32],
        }
    }

    #[test]
    fn an_envelope_opens_with_the_same_secrets_only() {
        let new_key = TeamKey::from_bytes([9; 32]);
        let (eph, admin) = (ephemeral(), point(8));
        let rotation = Rotation {
            team: TEAM,
            epoch: 3,
            ephemeral: &eph,
            admin: &admin,
        };
        let envelope = seal_envelope(&secrets(5, 6), &rotation, PHONE, &new_key, [1; 24]);
        let opened = open_envelope(&secrets(5, 6), TEAM, 3, &envelope).unwrap();
        assert_eq!(opened.as_bytes(), new_key.as_bytes());
        assert!(
            open_envelope(&secrets(4, 6), TEAM, 3, &envelope).is_err(),
            "other ephemeral secret"
        );
        assert!(
            open_envelope(&secrets(5, 7), TEAM, 3, &envelope).is_err(),
            "without the admin's secret (a relay sealing to the device's public key)"
        );
        assert!(
            open_envelope(&secrets(5, 6), TEAM, 4, &envelope).is_err(),
            "other epoch"
        );
        let mut moved = envelope.clone();
        moved.device = DeviceId::from_bytes([3; 16]);
        assert!(
            open_envelope(&secrets(5, 6), TEAM, 3, &moved).is_err(),
            "other device"
        );
        let mut other_admin = envelope.clone();
        other_admin.admin = point(10);
        assert!(
            open_envelope(&secrets(5, 6), TEAM, 3, &other_admin).is_err(),
            "another admin key named"
        );
        let other_team = TeamId::from_bytes([8; 16]);
        assert!(open_envelope(&secrets(5, 6), other_team, 3, &envelope).is_err());
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
