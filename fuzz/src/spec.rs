//! Frames built from a few fuzzer-chosen numbers, with the [`team`]'s real
//! credentials: random bytes almost never hold a valid token or admin
//! secret, so without these the fuzzer would stay stuck before `Hello`.
//!
//! Every choice is an index into a small set (of keys, devices, sizes), so
//! that frames of one run refer to each other: the device revoked is one
//! that joined, the key rotated to is one a later `Hello` can show.
//!
//! `Prove` depends on the connection: it answers the last `Challenge` that
//! connection got, so [`Spec::frame`] takes it.
//!
//! [`team`]: crate::team

use arbitrary::Arbitrary;
use rapport_protocol::{
    AdminSecret, ChainLink, ChunkKind, ClientFrame, Cursor, DeviceId, DevicePublicKey, Envelope,
    PROTOCOL_VERSION, Proof, Sealed, Seq, TeamId, admin_hash, token_hash,
};

use crate::team::{self, Challenge, DEVICES, Device, KEYS, OTHER_TEAM, SECRET, TEAM};

/// A client frame, described by small choices.
#[derive(Arbitrary, Clone, Debug)]
pub enum Spec {
    /// `Hello` as device `device % 4` showing the token of key `key % 4`
    /// (3: a wrong token) for team `team` (see [`team_of`]), naming the
    /// device's own public key; or, with `other_key: Some(n)`, the key
    /// [`public_key`]`(n)`, under the device's id when `n` is even (not
    /// that key's id: refused) and under that key's id when odd (not a
    /// P-256 point: refused).
    Hello {
        team: u8,
        device: u8,
        key: u8,
        other_key: Option<u8>,
    },
    /// `Prove` answering the connection's last `Challenge`: rightly
    /// (`wrong: None`), or wrongly (see [`Spec::frame`]).
    Prove { wrong: Option<u8> },
    /// `CreateTeam` of team `team` with key `key`'s token.
    CreateTeam { team: u8, key: u8, version: Version },
    /// `Upload` of a chunk of `len` bytes.
    Upload {
        seq: u8,
        snapshot: Option<u8>,
        len: u8,
        fill: u8,
    },
    /// `Fetch` after cursor `after`.
    Fetch { after: u8, limit: u16 },
    /// `FetchAll` after cursor `after`.
    FetchAll { after: u8, limit: u16 },
    /// `Revoke` device `device % 4`.
    Revoke { secret: bool, device: u8 },
    /// `Rotate` to key `key`'s token.
    Rotate { secret: bool, key: u8 },
    /// `ListDevices`.
    ListDevices { secret: bool },
    /// `Enroll` a card of `len * 5` bytes (over the relay's 1024 now and
    /// then).
    Enroll { len: u8, fill: u8 },
    /// `DeviceKeys`.
    DeviceKeys { secret: bool },
    /// `RotateKey` to key `key`, with an envelope for each listed device
    /// (device, ephemeral key, admin key).
    RotateKey {
        secret: bool,
        epoch: u8,
        key: u8,
        envelopes: Vec<(u8, u8, u8)>,
    },
    /// `KeyChain`.
    KeyChain,
}

/// The protocol version a frame states.
#[derive(Arbitrary, Clone, Copy, Debug)]
pub enum Version {
    /// [`PROTOCOL_VERSION`].
    Current,
    /// Any other number.
    Other(u16),
}

impl Spec {
    /// The frame this describes, on a connection whose last `Challenge`
    /// was `challenge`.
    ///
    /// A wrong `Prove` (`wrong: Some(n)`) is, by `n % 3`: the proof another
    /// device would give; the right device's proof for the other team; 32
    /// bytes of `n`. Without a challenge, every `Prove` is the last kind.
    pub fn frame(&self, challenge: Option<&Challenge>) -> ClientFrame {
        match *self {
            Spec::Hello {
                team,
                device,
                key,
                other_key,
            } => {
                let (team, device, token) = (team_of(team), device_of(device), token_of(key));
                match other_key {
                    None => device.hello(team, token),
                    Some(n) => {
                        let key = public_key(n);
                        let id = if n % 2 == 0 {
                            device.id
                        } else {
                            DeviceId::of_key(&key)
                        };
                        team::hello(team, id, key, token)
                    }
                }
            }
            Spec::Prove { wrong } => ClientFrame::Prove {
                proof: prove(challenge, wrong),
            },
            Spec::CreateTeam { team, key, version } => ClientFrame::CreateTeam {
                version: match version {
                    Version::Current => PROTOCOL_VERSION,
                    Version::Other(n) => n,
                },
                team: team_of(team),
                token_hash: token_hash(&token_of(key)),
                admin_hash: admin_hash(&SECRET),
            },
            Spec::Upload {
                seq,
                snapshot,
                len,
                fill,
            } => ClientFrame::Upload {
                // Mostly small seqs that collide, now and then 0 or huge.
                seq: Seq(match seq {
                    0xff => u64::MAX,
                    n => u64::from(n % 16),
                }),
                kind: match snapshot {
                    None => ChunkKind::Change,
                    Some(covers) => ChunkKind::Snapshot {
                        covers: Cursor(u64::from(covers % 32)),
                    },
                },
                sealed: sealed(len, fill),
            },
            Spec::Fetch { after, limit } => ClientFrame::Fetch {
                after: cursor_of(after),
                limit: limit_of(limit),
            },
            Spec::FetchAll { after, limit } => ClientFrame::FetchAll {
                after: cursor_of(after),
                limit: limit_of(limit),
            },
            Spec::Revoke { secret, device } => ClientFrame::Revoke {
                admin_secret: secret_of(secret),
                device: device_of(device).id,
            },
            Spec::Rotate { secret, key } => ClientFrame::Rotate {
                admin_secret: secret_of(secret),
                new_token_hash: token_hash(&token_of(key)),
            },
            Spec::ListDevices { secret } => ClientFrame::ListDevices {
                admin_secret: secret_of(secret),
            },
            Spec::Enroll { len, fill } => ClientFrame::Enroll {
                card: Sealed {
                    nonce: [fill; 24],
                    ciphertext: vec![fill; usize::from(len) * 5],
                },
            },
            Spec::DeviceKeys { secret } => ClientFrame::DeviceKeys {
                admin_secret: secret_of(secret),
            },
            Spec::RotateKey {
                secret,
                epoch,
                key,
                ref envelopes,
            } => ClientFrame::RotateKey {
                admin_secret: secret_of(secret),
                epoch: u32::from(epoch % 4),
                new_token_hash: token_hash(&token_of(key)),
                envelopes: envelopes
                    .iter()
                    .take(8)
                    .map(|&(device, ephemeral, admin)| Envelope {
                        device: device_of(device).id,
                        ephemeral: public_key(ephemeral),
                        admin: public_key(admin),
                        sealed: sealed(48, ephemeral),
                    })
                    .collect(),
                link: ChainLink {
                    epoch: u32::from(epoch % 4),
                    sealed: sealed(48, key),
                },
            },
            Spec::KeyChain => ClientFrame::KeyChain,
        }
    }
}

/// Mostly the run's team; 1 in 8 another one.
fn team_of(n: u8) -> TeamId {
    if n % 8 == 7 { OTHER_TEAM } else { TEAM }
}

fn device_of(n: u8) -> &'static Device {
    &DEVICES[usize::from(n) % DEVICES.len()]
}

/// Mostly small cursors, now and then one past what a store keeps.
fn cursor_of(n: u8) -> Cursor {
    Cursor(match n {
        0xff => u64::MAX,
        n => u64::from(n % 32),
    })
}

/// Mostly small limits (0 included), now and then the largest.
fn limit_of(n: u16) -> u32 {
    match n {
        0xffff => u32::MAX,
        n => u32::from(n % 8),
    }
}

/// The proof of a `Prove` spec (see [`Spec::frame`]).
fn prove(challenge: Option<&Challenge>, wrong: Option<u8>) -> Proof {
    let garbage = Proof::from_bytes([wrong.unwrap_or(0); 32]);
    let Some(challenge) = challenge else {
        return garbage;
    };
    let proof = match wrong {
        None => challenge.proof(),
        Some(n) if n % 3 == 0 => {
            // Another device of the set, proving for the same challenge.
            DEVICES
                .iter()
                .position(|device| device.id == challenge.device)
                .and_then(|at| {
                    let other = &DEVICES[(at + 1 + usize::from(n) % 3) % DEVICES.len()];
                    other.prove(challenge.team, &challenge.ephemeral)
                })
        }
        Some(n) if n % 3 == 1 => team::proof(
            if challenge.team == TEAM { OTHER_TEAM } else { TEAM },
            challenge.device,
            &challenge.ephemeral,
        ),
        Some(_) => None,
    };
    proof.unwrap_or(garbage)
}

/// The token of one of [`KEYS`], or (1 in 4) one no key gives.
fn token_of(n: u8) -> rapport_protocol::AccessToken {
    match KEYS.get(usize::from(n % 4)) {
        Some(key) => team::token(key),
        None => rapport_protocol::AccessToken::from_bytes([n; 32]),
    }
}

fn secret_of(right: bool) -> AdminSecret {
    if right {
        SECRET
    } else {
        AdminSecret::from_bytes([0; 32])
    }
}

fn sealed(len: u8, fill: u8) -> Sealed {
    Sealed {
        nonce: [fill; 24],
        ciphertext: vec![fill; usize::from(len)],
    }
}

/// A public key: well formed for most `n` (one of a few points, so the
/// same key is enrolled twice now and then), malformed when `n % 8 == 7`.
/// A malformed one cannot be built by [`DevicePublicKey::from_bytes`], so
/// it is decoded, as it would arrive from the network.
pub fn public_key(n: u8) -> DevicePublicKey {
    if n % 8 == 7 {
        let mut encoded = vec![3, 0x04];
        encoded.extend([n; 2]);
        return postcard::from_bytes(&encoded).expect("a 3-byte key decodes");
    }
    let mut point = [n % 4; rapport_protocol::PUBLIC_KEY_LEN];
    point[0] = 0x04;
    DevicePublicKey::from_bytes(&point).expect("65 bytes starting with 4")
}
