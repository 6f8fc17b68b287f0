//! Sealing and opening chunks with the team key.
//!
//! XChaCha20-Poly1305: its 24-byte nonce is large enough to pick at random
//! for every chunk without tracking counters across a team's devices.
//! The chunk's address (team, device, seq) and kind are the associated data:
//! not secret, but authenticated, so the relay (or anyone) cannot move a
//! chunk to another team, device or seq, or relabel it, without it failing
//! to open.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};

use crate::{ChunkKind, DeviceId, Plain, ProtocolError, Sealed, Seq, TeamId, TeamKey};

/// First bytes of the associated data: names this use and its layout, so a
/// later layout (`v2`) can never be confused with this one.
const AD_LABEL: &[u8; 16] = b"rapport-chunk-v1";

/// Length of [`associated_data`]: label, team, device, seq, kind, covers.
const AD_LEN: usize = 16 + 16 + 16 + 8 + 1 + 8;

/// Seals `plaintext` as chunk `seq` of `device` in `team`.
///
/// `nonce` must be fresh random bytes: the caller supplies them so that this
/// crate needs no random source of its own on wasm32.
///
/// # Panics
///
/// Only if `plaintext` is longer than XChaCha20 can encrypt (256 GiB), which
/// no chunk reaches: the relay refuses frames far smaller than that.
pub fn seal(
    key: &TeamKey,
    team: TeamId,
    device: DeviceId,
    seq: Seq,
    kind: ChunkKind,
    plaintext: &Plain,
    nonce: [u8; 24],
) -> Sealed {
    let aad = associated_data(team, device, seq, kind);
    let ciphertext = cipher(key)
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: plaintext.as_bytes(),
                aad: &aad,
            },
        )
        .expect("a chunk is far below XChaCha20-Poly1305's length limit");
    Sealed { nonce, ciphertext }
}

/// Opens chunk `seq` of `device` in `team`, sealed as `kind`.
///
/// Fails when the key is not the team key, or when any byte of the chunk or
/// any part of its address or kind differs from what was sealed.
pub fn open(
    key: &TeamKey,
    team: TeamId,
    device: DeviceId,
    seq: Seq,
    kind: ChunkKind,
    sealed: &Sealed,
) -> Result<Plain, ProtocolError> {
    let aad = associated_data(team, device, seq, kind);
    cipher(key)
        .decrypt(
            &XNonce::from(sealed.nonce),
            Payload {
                msg: &sealed.ciphertext,
                aad: &aad,
            },
        )
        .map(Plain::new)
        .map_err(|_| ProtocolError::Open { team, device, seq })
}

fn cipher(key: &TeamKey) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(&Key::from(*key.as_bytes()))
}

/// The versioned, fixed-width encoding of a chunk's address and kind.
fn associated_data(team: TeamId, device: DeviceId, seq: Seq, kind: ChunkKind) -> [u8; AD_LEN] {
    let (kind_byte, covers) = match kind {
        ChunkKind::Change => (0u8, 0u64),
        ChunkKind::Snapshot { covers } => (1u8, covers.0),
    };
    let mut aad = [0u8; AD_LEN];
    let parts: [&[u8]; 6] = [
        AD_LABEL,
        team.as_bytes(),
        device.as_bytes(),
        &seq.0.to_be_bytes(),
        &[kind_byte],
        &covers.to_be_bytes(),
    ];
    let mut at = 0;
    for part in parts {
        aad[at..at + part.len()].copy_from_slice(part);
        at += part.len();
    }
    aad
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Cursor;

    const TEAM: TeamId = TeamId::from_bytes([1; 16]);
    const DEVICE: DeviceId = DeviceId::from_bytes([2; 16]);
    const SEQ: Seq = Seq(5);
    const KIND: ChunkKind = ChunkKind::Change;

    fn key() -> TeamKey {
        TeamKey::from_bytes([42; 32])
    }

    fn sealed() -> Sealed {
        let plain = Plain::new(b"acme corp: call back on tuesday".to_vec());
        seal(&key(), TEAM, DEVICE, SEQ, KIND, &plain, [7; 24])
    }

    #[test]
    fn round_trips() {
        let sealed = sealed();
        assert_eq!(sealed.ciphertext.len(), 31 + 16, "ciphertext plus tag");
        let opened = open(&key(), TEAM, DEVICE, SEQ, KIND, &sealed).unwrap();
        assert_eq!(opened.as_bytes(), b"acme corp: call back on tuesday");
    }

    #[test]
    fn wrong_key_fails() {
        let other = TeamKey::from_bytes([43; 32]);
        assert!(open(&other, TEAM, DEVICE, SEQ, KIND, &sealed()).is_err());
    }

    #[test]
    fn another_team_fails() {
        let other = TeamId::from_bytes([9; 16]);
        assert!(open(&key(), other, DEVICE, SEQ, KIND, &sealed()).is_err());
    }

    #[test]
    fn another_device_fails() {
        let other = DeviceId::from_bytes([9; 16]);
        assert!(open(&key(), TEAM, other, SEQ, KIND, &sealed()).is_err());
    }

    #[test]
    fn another_seq_fails() {
        assert!(open(&key(), TEAM, DEVICE, SEQ.next(), KIND, &sealed()).is_err());
    }

    #[test]
    fn another_kind_fails() {
        let snapshot = ChunkKind::Snapshot { covers: Cursor(0) };
        assert!(open(&key(), TEAM, DEVICE, SEQ, snapshot, &sealed()).is_err());

        let plain = Plain::new(b"whole document".to_vec());
        let covers_3 = ChunkKind::Snapshot { covers: Cursor(3) };
        let sealed = seal(&key(), TEAM, DEVICE, SEQ, covers_3, &plain, [1; 24]);
        let covers_4 = ChunkKind::Snapshot { covers: Cursor(4) };
        assert!(open(&key(), TEAM, DEVICE, SEQ, covers_4, &sealed).is_err());
        assert!(open(&key(), TEAM, DEVICE, SEQ, covers_3, &sealed).is_ok());
    }

    #[test]
    fn any_flipped_byte_fails() {
        let original = sealed();
        for at in 0..original.ciphertext.len() {
            let mut altered = original.clone();
            altered.ciphertext[at] ^= 0x01;
            assert!(
                open(&key(), TEAM, DEVICE, SEQ, KIND, &altered).is_err(),
                "byte {at}"
            );
        }
        for at in 0..original.nonce.len() {
            let mut altered = original.clone();
            altered.nonce[at] ^= 0x01;
            assert!(
                open(&key(), TEAM, DEVICE, SEQ, KIND, &altered).is_err(),
                "nonce byte {at}"
            );
        }
    }

    #[test]
    fn the_error_says_which_chunk() {
        let error = open(&key(), TEAM, DEVICE, SEQ.next(), KIND, &sealed()).unwrap_err();
        let message = error.to_string();
        assert!(message.starts_with("chunk 6 of device 0202"), "{message}");
    }
}
