//! Frames a device sends to the relay.

use serde::{Deserialize, Serialize};

use crate::{
    AccessToken, AdminHash, AdminSecret, ChainLink, ChunkKind, Cursor, DeviceId, DevicePublicKey,
    Envelope, Proof, ProtocolError, Sealed, Seq, TeamId, TokenHash, wire,
};

/// The protocol version a device states in its first frame.
///
/// Version 2: device ids derived from keys, `Hello` answered by a
/// `Challenge` that `Prove` answers, envelopes authenticated by the admin.
pub const PROTOCOL_VERSION: u16 = 2;

/// A frame from a device. Each is one binary WebSocket message.
///
/// A connection opens with `Hello` (or with `CreateTeam` followed by
/// `Hello`), which the relay answers with a `Challenge`; the device answers
/// it with `Prove`. Every other frame is refused until then.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientFrame {
    /// Says which device of which team this is. The relay checks that
    /// `device` is [`DeviceId::of_key`] of `public_key` and answers with a
    /// `Challenge`; after `Prove`, it hashes `token`, compares it with the
    /// team's stored hash, records the device and its key if new, and
    /// answers `Welcome`.
    Hello {
        /// [`PROTOCOL_VERSION`] of the sender.
        version: u16,
        /// The team to join.
        team: TeamId,
        /// This device: the id of `public_key`.
        device: DeviceId,
        /// [`access_token`](crate::access_token) of the team key.
        token: AccessToken,
        /// This device's P-256 public key.
        public_key: DevicePublicKey,
    },
    /// Registers a new team; allowed only as the first frame, and only if the
    /// relay has no team with this id. It has no answer of its own: send
    /// `Hello` right after it, and its `Welcome` confirms both.
    CreateTeam {
        /// [`PROTOCOL_VERSION`] of the sender.
        version: u16,
        /// The new team's id, random.
        team: TeamId,
        /// [`token_hash`](crate::token_hash) of the team's access token.
        token_hash: TokenHash,
        /// [`admin_hash`](crate::admin_hash) of a random admin secret that
        /// the creator keeps.
        admin_hash: AdminHash,
    },
    /// Stores a sealed chunk; answered by `Ack` once it is durable.
    /// Retrying with the same seq and bytes is safe and returns the same
    /// cursor; the same seq with different bytes is answered by `SeqTaken`.
    Upload {
        /// This device's counter for the chunk, from 1.
        seq: Seq,
        /// Change or snapshot; it must match the kind it was sealed as.
        kind: ChunkKind,
        /// The chunk.
        sealed: Sealed,
    },
    /// Asks for chunks after `after`; answered by `Chunks`.
    Fetch {
        /// The `next` of the previous `Chunks`, or [`Cursor::START`].
        after: Cursor,
        /// At most this many chunks (the relay may send fewer).
        limit: u32,
    },
    /// Revokes a device of the team: it is disconnected and refused from
    /// now on. Answered by `DeviceRevoked`.
    Revoke {
        /// The team's admin secret.
        admin_secret: AdminSecret,
        /// The device to refuse.
        device: DeviceId,
    },
    /// Replaces the team's access token hash (after a new team key); every
    /// other connection of the team is closed. Answered by `TokenRotated`.
    Rotate {
        /// The team's admin secret.
        admin_secret: AdminSecret,
        /// Hash of the new access token.
        new_token_hash: TokenHash,
    },
    /// Asks which devices the team has (to pick one to revoke). Answered by
    /// `Devices`.
    ListDevices {
        /// The team's admin secret.
        admin_secret: AdminSecret,
    },
    /// Gives the relay this device's card for the team's admin (the rep's
    /// name, sealed under the team key with [`seal_card`](crate::seal_card));
    /// answered by `Enrolled`. A newer card replaces the older.
    Enroll {
        /// The sealed card.
        card: Sealed,
    },
    /// Asks for the public keys of the team's devices that are not revoked
    /// (to seal a new key to each). Answered by `DeviceKeys`.
    DeviceKeys {
        /// The team's admin secret.
        admin_secret: AdminSecret,
    },
    /// Replaces the team key: from now on only `new_token_hash` is admitted,
    /// a device showing an older token of a device with an envelope gets it
    /// (`Rekey`), and every other connection of the team is closed.
    /// Answered by `KeyRotated`.
    RotateKey {
        /// The team's admin secret.
        admin_secret: AdminSecret,
        /// The new key's epoch: the team's current epoch plus one.
        epoch: u32,
        /// Hash of the new key's access token.
        new_token_hash: TokenHash,
        /// The new key, sealed to each remaining device.
        envelopes: Vec<Envelope>,
        /// The previous key, sealed under the new one.
        link: ChainLink,
    },
    /// Asks for the team's key chain (to read chunks sealed before the
    /// newest rotation). Answered by `KeyChain`.
    KeyChain,
    /// Answers the relay's `Challenge`: [`hello_proof`](crate::hello_proof)
    /// of the ECDH secret of this device's private key and the challenge's
    /// ephemeral key.
    Prove {
        /// The proof.
        proof: Proof,
    },
    /// Like `Fetch`, but in plain cursor order without serving the newest
    /// snapshot first: it returns the chunks a snapshot covers too, for as
    /// long as the relay keeps them (its retention window). For a device
    /// that cannot read the newest snapshot and rebuilds from the changes
    /// under it. Answered by `Chunks`, whose `next` continues the same way.
    FetchAll {
        /// The `next` of the previous `Chunks`, or [`Cursor::START`].
        after: Cursor,
        /// At most this many chunks (the relay may send fewer).
        limit: u32,
    },
}

impl ClientFrame {
    /// The bytes of one binary WebSocket message.
    pub fn encode(&self) -> Vec<u8> {
        wire::encode(self)
    }

    /// Decodes one binary WebSocket message.
    pub fn decode(bytes: &[u8]) -> Result<Self, ProtocolError> {
        wire::decode(bytes, "client frame")
    }

    /// The variant's name, for log lines and error messages that must not
    /// print the frame's contents.
    pub fn name(&self) -> &'static str {
        match self {
            ClientFrame::Hello { .. } => "Hello",
            ClientFrame::CreateTeam { .. } => "CreateTeam",
            ClientFrame::Upload { .. } => "Upload",
            ClientFrame::Fetch { .. } => "Fetch",
            ClientFrame::Revoke { .. } => "Revoke",
            ClientFrame::Rotate { .. } => "Rotate",
            ClientFrame::ListDevices { .. } => "ListDevices",
            ClientFrame::Enroll { .. } => "Enroll",
            ClientFrame::DeviceKeys { .. } => "DeviceKeys",
            ClientFrame::RotateKey { .. } => "RotateKey",
            ClientFrame::KeyChain => "KeyChain",
            ClientFrame::Prove { .. } => "Prove",
            ClientFrame::FetchAll { .. } => "FetchAll",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{TeamKey, access_token, admin_hash, token_hash};

    fn public_key() -> DevicePublicKey {
        let mut bytes = [3u8; crate::PUBLIC_KEY_LEN];
        bytes[0] = 0x04;
        DevicePublicKey::from_bytes(&bytes).unwrap()
    }

    #[test]
    fn every_frame_round_trips() {
        let team = TeamId::from_bytes([1; 16]);
        let device = DeviceId::from_bytes([2; 16]);
        let token = access_token(&TeamKey::from_bytes([3; 32]), team);
        let secret = AdminSecret::from_bytes([4; 32]);
        let frames = [
            ClientFrame::Hello {
                version: PROTOCOL_VERSION,
                team,
                device,
                token,
                public_key: public_key(),
            },
            ClientFrame::CreateTeam {
                version: PROTOCOL_VERSION,
                team,
                token_hash: token_hash(&token),
                admin_hash: admin_hash(&secret),
            },
            ClientFrame::Upload {
                seq: Seq(300),
                kind: ChunkKind::Snapshot {
                    covers: Cursor(299),
                },
                sealed: Sealed {
                    nonce: [5; 24],
                    ciphertext: vec![6; 1000],
                },
            },
            ClientFrame::Fetch {
                after: Cursor(10),
                limit: 100,
            },
            ClientFrame::Revoke {
                admin_secret: secret,
                device,
            },
            ClientFrame::Rotate {
                admin_secret: secret,
                new_token_hash: token_hash(&token),
            },
            ClientFrame::ListDevices {
                admin_secret: secret,
            },
            ClientFrame::Enroll {
                card: Sealed {
                    nonce: [2; 24],
                    ciphertext: vec![3; 30],
                },
            },
            ClientFrame::DeviceKeys {
                admin_secret: secret,
            },
            ClientFrame::RotateKey {
                admin_secret: secret,
                epoch: 1,
                new_token_hash: token_hash(&token),
                envelopes: vec![Envelope {
                    device,
                    ephemeral: public_key(),
                    admin: public_key(),
                    sealed: Sealed {
                        nonce: [7; 24],
                        ciphertext: vec![8; 48],
                    },
                }],
                link: ChainLink {
                    epoch: 1,
                    sealed: Sealed {
                        nonce: [9; 24],
                        ciphertext: vec![10; 48],
                    },
                },
            },
            ClientFrame::KeyChain,
            ClientFrame::Prove {
                proof: Proof::from_bytes([11; 32]),
            },
            ClientFrame::FetchAll {
                after: Cursor(3),
                limit: 50,
            },
        ];
        for frame in frames {
            assert_eq!(
                ClientFrame::decode(&frame.encode()).unwrap(),
                frame,
                "{}",
                frame.name()
            );
        }
    }

    #[test]
    fn garbage_and_trailing_bytes_are_refused() {
        assert!(ClientFrame::decode(&[0xff, 0xff, 0xff]).is_err());
        assert!(ClientFrame::decode(&[]).is_err());
        let mut bytes = ClientFrame::Fetch {
            after: Cursor(1),
            limit: 1,
        }
        .encode();
        bytes.push(0);
        let error = ClientFrame::decode(&bytes).unwrap_err();
        assert_eq!(
            error.to_string(),
            "a client frame had 1 stray bytes after its end"
        );
    }

    #[test]
    fn an_upload_costs_little_more_than_its_chunk() {
        let sealed = Sealed {
            nonce: [0; 24],
            ciphertext: vec![0; 200],
        };
        let frame = ClientFrame::Upload {
            seq: Seq(1),
            kind: ChunkKind::Change,
            sealed,
        };
        assert!(frame.encode().len() <= 200 + 24 + 6);
    }

    #[test]
    fn debug_never_prints_the_token() {
        let frame = ClientFrame::Hello {
            version: PROTOCOL_VERSION,
            team: TeamId::from_bytes([1; 16]),
            device: DeviceId::from_bytes([2; 16]),
            token: AccessToken::from_bytes([0xab; 32]),
            public_key: public_key(),
        };
        assert!(
            !format!("{frame:?}").contains("171"),
            "0xab printed as a number"
        );
        assert!(format!("{frame:?}").contains("AccessToken(..)"));
    }
}
