//! The seed corpus: a few valid inputs per target, so the fuzzer starts
//! from real frames instead of discovering postcard from scratch.
//!
//! `cargo run --example seeds` writes them to `corpus/<target>/`; they are
//! committed, and `scripts/fuzz.sh` copies them into a scratch corpus so
//! what the fuzzer adds stays out of git. Rerun it after a frame changes.
//!
//! Session seeds hold raw frames, except `Prove`: it answers the relay's
//! challenge, a fresh random key each time, so it is a spec record that
//! the harness turns into the right proof when it plays it.

use rapport_protocol::{
    ChainLink, ChunkKind, ClientFrame, Cursor, DeviceId, EnrolledDevice, Envelope, ErrorCode,
    Proof, Sealed, Seq, ServerFrame, StoredChunk, TeamDevice,
};

use crate::script;
use crate::spec::{Spec, Version, public_key};
use crate::team::{self, DEVICES, KEYS, OTHER_TEAM, TEAM};

/// A target's seeds, as (file name, bytes).
pub type Seeds = Vec<(&'static str, Vec<u8>)>;

/// Every target's seeds, by target name.
pub fn all() -> Vec<(&'static str, Seeds)> {
    vec![
        ("client_frame", client_frames()),
        ("server_frame", server_frames()),
        ("session", sessions()),
    ]
}

fn client_frames() -> Seeds {
    let specs = [
        ("hello", spec_hello(0, 0)),
        ("prove", Spec::Prove { wrong: Some(2) }),
        (
            "create_team",
            Spec::CreateTeam {
                team: 7,
                key: 0,
                version: Version::Current,
            },
        ),
        (
            "upload",
            Spec::Upload {
                seq: 1,
                snapshot: None,
                len: 40,
                fill: 1,
            },
        ),
        (
            "upload_snapshot",
            Spec::Upload {
                seq: 2,
                snapshot: Some(1),
                len: 40,
                fill: 2,
            },
        ),
        ("fetch", Spec::Fetch { after: 0, limit: 7 }),
        ("fetch_all", Spec::FetchAll { after: 0, limit: 7 }),
        (
            "revoke",
            Spec::Revoke {
                secret: true,
                device: 1,
            },
        ),
        (
            "rotate",
            Spec::Rotate {
                secret: true,
                key: 1,
            },
        ),
        ("list_devices", Spec::ListDevices { secret: true }),
        ("enroll", Spec::Enroll { len: 8, fill: 1 }),
        ("device_keys", Spec::DeviceKeys { secret: true }),
        ("rotate_key", rotate_key(1, 1)),
        ("key_chain", Spec::KeyChain),
    ];
    specs
        .into_iter()
        .map(|(name, spec)| (name, spec.frame(None).encode()))
        .collect()
}

fn server_frames() -> Seeds {
    let device = DEVICES[0].id;
    let sealed = |fill| Sealed {
        nonce: [fill; 24],
        ciphertext: vec![fill; 48],
    };
    let envelope = Envelope {
        device,
        ephemeral: public_key(1),
        admin: public_key(2),
        sealed: sealed(3),
    };
    let frames = [
        (
            "welcome",
            ServerFrame::Welcome {
                head: Cursor(9),
                snapshot: Some(Cursor(4)),
            },
        ),
        (
            "ack",
            ServerFrame::Ack {
                seq: Seq(3),
                cursor: Cursor(9),
            },
        ),
        (
            "chunks",
            ServerFrame::Chunks {
                items: vec![
                    chunk(5, device, 1, ChunkKind::Snapshot { covers: Cursor(4) }),
                    chunk(6, DEVICES[1].id, 2, ChunkKind::Change),
                ],
                more: true,
                next: Cursor(6),
            },
        ),
        ("notify", ServerFrame::Notify { head: Cursor(10) }),
        ("device_revoked", ServerFrame::DeviceRevoked { device }),
        ("token_rotated", ServerFrame::TokenRotated),
        (
            "devices",
            ServerFrame::Devices {
                devices: vec![TeamDevice {
                    device,
                    revoked: false,
                    chunks: 2,
                }],
            },
        ),
        (
            "error",
            ServerFrame::Error {
                code: ErrorCode::Conflict,
                message: "seq 3 differs".into(),
            },
        ),
        ("enrolled", ServerFrame::Enrolled),
        (
            "device_keys",
            ServerFrame::DeviceKeys {
                devices: vec![
                    EnrolledDevice {
                        device,
                        public_key: DEVICES[0].public_key.clone(),
                        card: Some(sealed(5)),
                    },
                    EnrolledDevice {
                        device: DEVICES[1].id,
                        public_key: DEVICES[1].public_key.clone(),
                        card: None,
                    },
                ],
            },
        ),
        ("key_rotated", ServerFrame::KeyRotated { epoch: 1 }),
        (
            "key_chain",
            ServerFrame::KeyChain {
                epoch: 1,
                links: vec![ChainLink {
                    epoch: 1,
                    sealed: sealed(4),
                }],
            },
        ),
        ("rekey", ServerFrame::Rekey { epoch: 1, envelope }),
        (
            "challenge",
            ServerFrame::Challenge {
                ephemeral: DEVICES[3].public_key.clone(),
            },
        ),
        (
            "seq_taken",
            ServerFrame::SeqTaken {
                seq: Seq(2),
                highest: Seq(3),
                mine: vec![
                    chunk(5, device, 2, ChunkKind::Change),
                    chunk(7, device, 3, ChunkKind::Change),
                ],
            },
        ),
        (
            "error_rate_limited",
            ServerFrame::Error {
                code: ErrorCode::RateLimited,
                message: "slow down".into(),
            },
        ),
    ];
    frames
        .into_iter()
        .map(|(name, frame)| (name, frame.encode()))
        .collect()
}

fn chunk(cursor: u64, device: DeviceId, seq: u64, kind: ChunkKind) -> StoredChunk {
    StoredChunk {
        cursor: Cursor(cursor),
        device,
        seq: Seq(seq),
        kind,
        sealed: Sealed {
            nonce: [7; 24],
            ciphertext: vec![8; 32],
        },
    }
}

fn sessions() -> Seeds {
    let frame = |spec: Spec| spec.frame(None);
    let upload = |seq, snapshot, fill| {
        frame(Spec::Upload {
            seq,
            snapshot,
            len: 32,
            fill,
        })
    };
    let fetch = frame(Spec::Fetch { after: 0, limit: 7 });
    let fetch_all = frame(Spec::FetchAll { after: 0, limit: 7 });
    let raw = |frames: &[(usize, ClientFrame)]| script::raw(frames);
    vec![
        (
            "upload_and_fetch",
            [
                join(0, 0, 0),
                join(1, 1, 0),
                raw(&[
                    (0, upload(1, None, 1)),
                    (0, upload(2, None, 2)),
                    (0, upload(2, None, 2)),
                    // The same seq, other bytes: SeqTaken, still open.
                    (0, upload(2, None, 9)),
                    (1, fetch.clone()),
                    (1, upload(1, Some(2), 1)),
                ]),
                join(2, 2, 0),
                raw(&[(2, fetch.clone()), (2, fetch_all)]),
            ]
            .concat(),
        ),
        (
            "admin",
            [
                join(0, 0, 0),
                join(1, 1, 0),
                raw(&[
                    (0, frame(Spec::ListDevices { secret: true })),
                    (
                        0,
                        frame(Spec::Revoke {
                            secret: true,
                            device: 1,
                        }),
                    ),
                    (
                        0,
                        frame(Spec::Rotate {
                            secret: true,
                            key: 1,
                        }),
                    ),
                ]),
                join(1, 1, 1),
                join(2, 2, 1),
            ]
            .concat(),
        ),
        (
            "key_rotation",
            [
                join(0, 0, 0),
                join(1, 1, 0),
                raw(&[
                    (0, frame(Spec::Enroll { len: 8, fill: 1 })),
                    (1, frame(Spec::Enroll { len: 9, fill: 2 })),
                    (0, frame(Spec::DeviceKeys { secret: true })),
                    (0, frame(rotate_key(1, 1))),
                ]),
                // The replaced key: Rekey, then the new one: Welcome.
                join(1, 1, 0),
                join(1, 1, 1),
                raw(&[(1, frame(Spec::KeyChain))]),
            ]
            .concat(),
        ),
        ("create_then_hello", {
            let create = Spec::CreateTeam {
                team: 7,
                key: 2,
                version: Version::Current,
            };
            let token = rapport_protocol::access_token(&KEYS[2], OTHER_TEAM);
            [
                raw(&[
                    (3, frame(create)),
                    (3, DEVICES[3].hello(OTHER_TEAM, token)),
                ]),
                prove(3, None),
                script::reconnect(3),
                raw(&[(3, DEVICES[3].hello(TEAM, team::token(&KEYS[0])))]),
                prove(3, None),
            ]
            .concat()
        }),
        (
            "refused_hellos",
            [
                // Another device's proof, then the right device's for the
                // other team: both refused, nobody joins.
                raw(&[(0, frame(spec_hello(0, 0)))]),
                prove(0, Some(0)),
                raw(&[(0, frame(spec_hello(0, 0)))]),
                prove(0, Some(1)),
                // A device id that is not its key's.
                raw(&[(
                    1,
                    team::hello(
                        TEAM,
                        DEVICES[1].id,
                        DEVICES[2].public_key.clone(),
                        team::token(&KEYS[0]),
                    ),
                )]),
                // A proof before any challenge.
                raw(&[(
                    2,
                    ClientFrame::Prove {
                        proof: Proof::from_bytes([2; 32]),
                    },
                )]),
                join(3, 3, 0),
            ]
            .concat(),
        ),
    ]
}

/// `Hello` on `connection` as device `device` with key `key`'s token, then
/// the right `Prove`.
fn join(connection: usize, device: u8, key: u8) -> Vec<u8> {
    let hello = spec_hello(device, key).frame(None);
    [script::raw(&[(connection, hello)]), prove(connection, None)].concat()
}

/// A `Prove` spec record on `connection` (its fields in `arbitrary`'s
/// format: an `Option` is a byte whose low bit says `Some`, then the value).
fn prove(connection: usize, wrong: Option<u8>) -> Vec<u8> {
    let fields = match wrong {
        None => vec![0],
        Some(n) => vec![1, n],
    };
    script::spec(connection, &Spec::Prove { wrong }, &fields)
}

fn spec_hello(device: u8, key: u8) -> Spec {
    Spec::Hello {
        team: 0,
        device,
        key,
        other_key: None,
    }
}

/// A rotation to key `key` at `epoch`, sealed to devices 0 and 1.
fn rotate_key(epoch: u8, key: u8) -> Spec {
    Spec::RotateKey {
        secret: true,
        epoch,
        key,
        envelopes: vec![(0, 1, 2), (1, 2, 2)],
    }
}

#[cfg(test)]
mod tests {
    use rapport_protocol::ClientFrame;

    use super::*;

    #[test]
    fn the_decoder_seeds_decode() {
        for (name, bytes) in client_frames() {
            assert!(ClientFrame::decode(&bytes).is_ok(), "{name}");
            crate::round_trip::client_frame(&bytes);
        }
        for (name, bytes) in server_frames() {
            assert!(ServerFrame::decode(&bytes).is_ok(), "{name}");
            crate::round_trip::server_frame(&bytes);
        }
    }

    /// The session seeds hold the properties, get past `Hello` and `Prove`,
    /// and hold raw frames but for `Prove`.
    #[test]
    fn the_session_seeds_run() {
        let mut answered = std::collections::BTreeSet::new();
        for (name, data) in sessions() {
            let records = script::parse(&data);
            assert!(
                records.iter().all(|r| matches!(
                    r,
                    script::Record::Raw(..)
                        | script::Record::Reconnect(_)
                        | script::Record::Spec(_, Spec::Prove { .. })
                )),
                "{name}: {records:?}"
            );
            let mut relay = crate::relay::Relay::new();
            let mut welcomed = 0;
            for record in records {
                if let Some(step) = relay.play(&record) {
                    for frame in &step.frames {
                        let kind = format!("{frame:?}");
                        let kind = kind.split([' ', '(']).next().unwrap_or_default();
                        answered.insert(kind.to_owned());
                    }
                    welcomed += step
                        .frames
                        .iter()
                        .filter(|f| matches!(f, ServerFrame::Welcome { .. }))
                        .count();
                }
            }
            assert!(welcomed >= 1, "{name}: no Hello got through");
        }
        for kind in [
            "Challenge",
            "Welcome",
            "Rekey",
            "KeyChain",
            "Ack",
            "SeqTaken",
            "Chunks",
            "Enrolled",
            "DeviceKeys",
            "KeyRotated",
            "Devices",
            "DeviceRevoked",
            "TokenRotated",
            "Error",
        ] {
            assert!(answered.contains(kind), "no seed gets {kind}: {answered:?}");
        }
    }

    /// The committed corpus is what this file generates.
    #[test]
    fn the_committed_seeds_are_current() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        for (target, seeds) in all() {
            for (name, bytes) in seeds {
                let path = root.join(target).join(name);
                let committed = std::fs::read(&path).unwrap_or_default();
                assert!(
                    committed == bytes,
                    "{} is stale: run `cargo run --example seeds` in fuzz/",
                    path.display()
                );
            }
        }
    }

    /// Random specs on every connection: the properties hold beyond the seeds.
    #[test]
    fn random_scripts_hold_the_properties() {
        let mut rng = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..200 {
            let data: Vec<u8> = (0..256)
                .map(|_| {
                    rng ^= rng << 13;
                    rng ^= rng >> 7;
                    rng ^= rng << 17;
                    rng as u8
                })
                .collect();
            crate::relay::run(&data);
        }
    }
}
