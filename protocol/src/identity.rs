//! A device's identity: its id is derived from its public key, it proves it
//! holds the private half when it says `Hello`, and people compare a short
//! [`Fingerprint`] of it when a device joins.
//!
//! Each device has one P-256 key pair (WebCrypto ECDH in the browser, the
//! private half non-extractable). Because the [`DeviceId`] is a hash of the
//! public key ([`DeviceId::of_key`]), nobody can claim a colleague's id with
//! a key of their own, and the relay refuses an id that is not its key's.
//! Possession is proven by ECDH: the relay answers `Hello` with a fresh
//! ephemeral public key, and the device answers with [`hello_proof`] of the
//! secret only the two of them can compute.
//!
//! A device's *card* (the rep's name, for the admin who approves it) is
//! sealed under the team key with [`seal_card`], bound to the device, so
//! the relay can neither read it nor move it to another device.

use core::fmt;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use sha2::{Digest, Sha256};

use crate::{DeviceId, DevicePublicKey, Proof, Sealed, TeamId, TeamKey};

/// Hash label of a device id.
const ID_LABEL: &[u8] = b"rapport device id v1";
/// Hash label of a fingerprint.
const FINGERPRINT_LABEL: &[u8] = b"rapport fingerprint v1";
/// HKDF `info` prefix of a `Hello` proof.
const PROOF_INFO: &[u8] = b"rapport hello proof v1";
/// Associated-data label of a device card.
const CARD_AD: &[u8; 16] = b"rapport-card-v1\0";

impl DeviceId {
    /// The id of the device holding `key`'s private half: the first 16 bytes
    /// of SHA-256("rapport device id v1" ‖ key).
    pub fn of_key(key: &DevicePublicKey) -> DeviceId {
        let digest = Sha256::new()
            .chain_update(ID_LABEL)
            .chain_update(key.as_bytes())
            .finalize();
        let mut id = [0u8; 16];
        id.copy_from_slice(&digest[..16]);
        DeviceId::from_bytes(id)
    }
}

/// Sixteen digits derived from a device's public key and its team, shown as
/// four groups (`4821 0937 5512 6604`) on the joining tablet and on the
/// admin's, so that two people can see they are looking at the same device.
///
/// 16 decimal digits are about 53 bits: a relay that wanted to slip its own
/// key in under a device's fingerprint would have to find a key matching it
/// while the two people look, which takes on the order of 2^53 key
/// generations.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(u64);

/// How many digits a fingerprint has.
const FINGERPRINT_DIGITS: u32 = 16;

impl Fingerprint {
    /// The fingerprint of `key` in `team`.
    pub fn of(team: TeamId, key: &DevicePublicKey) -> Fingerprint {
        let digest = Sha256::new()
            .chain_update(FINGERPRINT_LABEL)
            .chain_update(team.as_bytes())
            .chain_update(key.as_bytes())
            .finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        // The modulo's bias over 2^64 is below 2^-10 per value: harmless here.
        Fingerprint(u64::from_be_bytes(first) % 10u64.pow(FINGERPRINT_DIGITS))
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = format!("{:016}", self.0);
        let groups: Vec<&str> = (0..4).map(|i| &digits[i * 4..i * 4 + 4]).collect();
        f.write_str(&groups.join(" "))
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

/// What a device answers the relay's `Challenge` with:
/// HKDF-SHA256(ikm = the ECDH secret of the device's private key and the
/// challenge's ephemeral key, salt = team, info = label ‖ device ‖ ephemeral).
/// The relay computes the same from its ephemeral private key and the
/// device's public key, and compares.
pub fn hello_proof(
    shared: &[u8; 32],
    team: TeamId,
    device: DeviceId,
    ephemeral: &DevicePublicKey,
) -> Proof {
    let hkdf = Hkdf::<Sha256>::new(Some(team.as_bytes()), shared);
    let mut proof = [0u8; 32];
    hkdf.expand_multi_info(
        &[PROOF_INFO, device.as_bytes(), ephemeral.as_bytes()],
        &mut proof,
    )
    .expect("32 bytes is a valid HKDF-SHA256 output length");
    Proof::from_bytes(proof)
}

/// Seals `card` (the device's card: its rep's name, UTF-8) for the team.
pub fn seal_card(
    key: &TeamKey,
    team: TeamId,
    device: DeviceId,
    card: &str,
    nonce: [u8; 24],
) -> Sealed {
    let ciphertext = cipher(key)
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: card.as_bytes(),
                aad: &card_ad(team, device),
            },
        )
        .expect("a card is far below XChaCha20-Poly1305's length limit");
    Sealed { nonce, ciphertext }
}

/// Opens a device's card with one of the team's keys; `None` if it does not
/// open (another key, another device, altered) or is not text.
pub fn open_card(key: &TeamKey, team: TeamId, device: DeviceId, sealed: &Sealed) -> Option<String> {
    let plain = cipher(key)
        .decrypt(
            &XNonce::from(sealed.nonce),
            Payload {
                msg: &sealed.ciphertext,
                aad: &card_ad(team, device),
            },
        )
        .ok()?;
    String::from_utf8(plain).ok()
}

fn cipher(key: &TeamKey) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(&Key::from(*key.as_bytes()))
}

fn card_ad(team: TeamId, device: DeviceId) -> Vec<u8> {
    [&CARD_AD[..], team.as_bytes(), device.as_bytes()].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEAM: TeamId = TeamId::from_bytes([1; 16]);

    fn key(fill: u8) -> DevicePublicKey {
        let mut bytes = [fill; crate::PUBLIC_KEY_LEN];
        bytes[0] = 0x04;
        DevicePublicKey::from_bytes(&bytes).unwrap()
    }

    #[test]
    fn the_id_is_the_keys() {
        assert_eq!(DeviceId::of_key(&key(3)), DeviceId::of_key(&key(3)));
        assert_ne!(DeviceId::of_key(&key(3)), DeviceId::of_key(&key(4)));
        // SHA-256("rapport device id v1" ‖ 0x04 ‖ 64 × 0x03), first 16 bytes (by
        // Python's hashlib):
        // pinned so that the derivation never changes under stored teams.
        assert_eq!(
            DeviceId::of_key(&key(3)).to_string(),
            "286c2ecf7170d8ef69ceed994048bd7c"
        );
    }

    #[test]
    fn a_fingerprint_is_four_groups_of_four_digits_per_team() {
        let shown = Fingerprint::of(TEAM, &key(3)).to_string();
        assert_eq!(shown.len(), 19, "{shown}");
        assert!(
            shown
                .split(' ')
                .all(|g| g.len() == 4 && g.bytes().all(|b| b.is_ascii_digit()))
        );
        assert_ne!(
            Fingerprint::of(TEAM, &key(3)),
            Fingerprint::of(TEAM, &key(4))
        );
        let other_team = TeamId::from_bytes([2; 16]);
        assert_ne!(
            Fingerprint::of(TEAM, &key(3)),
            Fingerprint::of(other_team, &key(3))
        );
    }

    #[test]
    fn a_proof_is_bound_to_secret_device_and_challenge() {
        let device = DeviceId::of_key(&key(3));
        let proof = hello_proof(&[9; 32], TEAM, device, &key(5));
        assert_eq!(proof, hello_proof(&[9; 32], TEAM, device, &key(5)));
        assert_ne!(proof, hello_proof(&[8; 32], TEAM, device, &key(5)));
        assert_ne!(proof, hello_proof(&[9; 32], TEAM, device, &key(6)));
        assert_ne!(
            proof,
            hello_proof(&[9; 32], TEAM, DeviceId::of_key(&key(4)), &key(5))
        );
    }

    #[test]
    fn a_card_opens_for_its_device_only() {
        let team_key = TeamKey::from_bytes([7; 32]);
        let device = DeviceId::of_key(&key(3));
        let sealed = seal_card(
            &team_key,
            TEAM,
            device,
            "Анастасия Константинопольская",
            [2; 24],
        );
        assert_eq!(
            open_card(&team_key, TEAM, device, &sealed).as_deref(),
            Some("Анастасия Константинопольская")
        );
        assert!(open_card(&team_key, TEAM, DeviceId::of_key(&key(4)), &sealed).is_none());
        assert!(open_card(&TeamKey::from_bytes([8; 32]), TEAM, device, &sealed).is_none());
    }
}
