//! Frames the relay sends to a device.

use serde::{Deserialize, Serialize};

use crate::{
    ChainLink, ChunkKind, Cursor, DeviceId, DevicePublicKey, Envelope, ErrorCode, ProtocolError,
    Sealed, Seq, wire,
};

/// A chunk as the relay stores and serves it: its place in the team's log,
/// its address, and the still-sealed bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredChunk {
    /// Its place in the team's log.
    pub cursor: Cursor,
    /// The device that uploaded it.
    pub device: DeviceId,
    /// That device's seq for it.
    pub seq: Seq,
    /// Change or snapshot.
    pub kind: ChunkKind,
    /// The chunk; open it with (team, `device`, `seq`, `kind`).
    pub sealed: Sealed,
}

/// One device of a team, as the relay knows it: no name, no key, only what
/// it needs to admit or refuse it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamDevice {
    /// The device.
    pub device: DeviceId,
    /// Refused from now on.
    pub revoked: bool,
    /// How many of its chunks the relay holds (snapshots prune the rest).
    pub chunks: u64,
}

/// A device of the team that is not revoked, as the relay lists it for the
/// admin to approve: the admin pins the key after comparing fingerprints,
/// and never seals a new team key to a key the relay listed alone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolledDevice {
    /// The device.
    pub device: DeviceId,
    /// Its public key (the device proved it holds the private half).
    pub public_key: DevicePublicKey,
    /// Its card (the rep's name), sealed under the team key, if it sent one.
    pub card: Option<Sealed>,
}

/// A frame from the relay. Each is one binary WebSocket message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServerFrame {
    /// `Hello` succeeded.
    Welcome {
        /// The team's newest cursor.
        head: Cursor,
        /// What the newest snapshot covers, if the team has one: a device
        /// whose position is below it receives that snapshot first.
        snapshot: Option<Cursor>,
    },
    /// An upload is durable on the relay (its transaction committed).
    Ack {
        /// The seq that was uploaded.
        seq: Seq,
        /// Where it sits in the team's log (the original place, for a retry).
        cursor: Cursor,
    },
    /// An answer to `Fetch`.
    ///
    /// When the device is behind the newest snapshot, that snapshot comes
    /// first and the chunks after what it covers follow in cursor order;
    /// otherwise the chunks after `after` in cursor order.
    Chunks {
        /// The chunks.
        items: Vec<StoredChunk>,
        /// Whether more chunks may follow: fetch again after `next`.
        more: bool,
        /// Where the next `Fetch` should start (its `after`). Not always the
        /// last item's cursor: a snapshot served first sits out of order.
        next: Cursor,
    },
    /// A chunk landed from another device of the team; fetch to get it.
    Notify {
        /// The team's newest cursor.
        head: Cursor,
    },
    /// `Revoke` is done: that device is refused from now on.
    DeviceRevoked {
        /// The revoked device.
        device: DeviceId,
    },
    /// `Rotate` is done: only the new token is accepted from now on.
    TokenRotated,
    /// The answer to `ListDevices`: every device that ever joined the team,
    /// in the order they first joined.
    Devices {
        /// The devices.
        devices: Vec<TeamDevice>,
    },
    /// A refusal. It is always the last frame: the relay closes the
    /// connection after it.
    Error {
        /// Why, as a stable code.
        code: ErrorCode,
        /// Why, in words for logs and for the person fixing it.
        message: String,
    },
    /// `Enroll` is done (or the same key was already enrolled).
    Enrolled,
    /// The answer to `DeviceKeys`.
    DeviceKeys {
        /// The devices that are not revoked and have enrolled a key.
        devices: Vec<EnrolledDevice>,
    },
    /// `RotateKey` is done: `epoch` is the team's key from now on.
    KeyRotated {
        /// The new epoch.
        epoch: u32,
    },
    /// The answer to `KeyChain`.
    KeyChain {
        /// The team's current epoch (0 before any rotation).
        epoch: u32,
        /// One link per rotation, oldest first.
        links: Vec<ChainLink>,
    },
    /// The answer to a `Hello` with the token of an earlier key, from a
    /// device the new key was sealed to: open the envelope, then send
    /// `Hello` again, on this same connection, with the new key's token.
    Rekey {
        /// The team's current epoch.
        epoch: u32,
        /// The current key, sealed to this device.
        envelope: Envelope,
    },
    /// The answer to `Hello`: prove that you hold the private key of the
    /// public key you named, with `Prove`.
    Challenge {
        /// A fresh ephemeral P-256 public key of the relay's.
        ephemeral: DevicePublicKey,
    },
    /// The answer to an `Upload` whose seq this device already used for
    /// other bytes (it was restored from an older backup, or two engines
    /// ran for it): nothing was stored, and the connection stays open.
    /// Seal the upload again after `highest`, and apply `mine`.
    SeqTaken {
        /// The upload's seq.
        seq: Seq,
        /// The highest seq of this device the relay holds.
        highest: Seq,
        /// This device's own chunks from `seq` on, as the relay holds them
        /// (in cursor order, as many as fit one frame): what it wrote
        /// before the state it runs on now, which the relay never sends it
        /// in `Chunks`.
        mine: Vec<StoredChunk>,
    },
}

impl ServerFrame {
    /// The bytes of one binary WebSocket message.
    pub fn encode(&self) -> Vec<u8> {
        wire::encode(self)
    }

    /// Decodes one binary WebSocket message.
    pub fn decode(bytes: &[u8]) -> Result<Self, ProtocolError> {
        wire::decode(bytes, "server frame")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_frame_round_trips() {
        let chunk = StoredChunk {
            cursor: Cursor(7),
            device: DeviceId::from_bytes([2; 16]),
            seq: Seq(3),
            kind: ChunkKind::Change,
            sealed: Sealed {
                nonce: [1; 24],
                ciphertext: vec![9; 40],
            },
        };
        let mut point = [5u8; crate::PUBLIC_KEY_LEN];
        point[0] = 0x04;
        let public_key = DevicePublicKey::from_bytes(&point).unwrap();
        let sealed = Sealed {
            nonce: [4; 24],
            ciphertext: vec![6; 48],
        };
        let frames = [
            ServerFrame::Welcome {
                head: Cursor(7),
                snapshot: Some(Cursor(5)),
            },
            ServerFrame::Ack {
                seq: Seq(3),
                cursor: Cursor(7),
            },
            ServerFrame::Chunks {
                items: vec![chunk],
                more: false,
                next: Cursor(7),
            },
            ServerFrame::Notify { head: Cursor(8) },
            ServerFrame::DeviceRevoked {
                device: DeviceId::from_bytes([2; 16]),
            },
            ServerFrame::TokenRotated,
            ServerFrame::Devices {
                devices: vec![TeamDevice {
                    device: DeviceId::from_bytes([2; 16]),
                    revoked: true,
                    chunks: 12,
                }],
            },
            ServerFrame::Error {
                code: ErrorCode::Conflict,
                message: "seq 3 differs".into(),
            },
            ServerFrame::Enrolled,
            ServerFrame::DeviceKeys {
                devices: vec![EnrolledDevice {
                    device: DeviceId::from_bytes([2; 16]),
                    public_key: public_key.clone(),
                    card: Some(sealed.clone()),
                }],
            },
            ServerFrame::KeyRotated { epoch: 2 },
            ServerFrame::KeyChain {
                epoch: 2,
                links: vec![ChainLink {
                    epoch: 1,
                    sealed: sealed.clone(),
                }],
            },
            ServerFrame::Rekey {
                epoch: 2,
                envelope: Envelope {
                    device: DeviceId::from_bytes([2; 16]),
                    ephemeral: public_key.clone(),
                    admin: public_key.clone(),
                    sealed,
                },
            },
            ServerFrame::Challenge {
                ephemeral: public_key,
            },
            ServerFrame::SeqTaken {
                seq: Seq(3),
                highest: Seq(9),
                mine: vec![],
            },
        ];
        for frame in frames {
            assert_eq!(ServerFrame::decode(&frame.encode()).unwrap(), frame);
        }
    }
}
