//! Key rotation end to end, natively: real sync engines, the relay's real
//! session logic over SQLite, and real P-256 ECDH (the `p256` crate, where
//! the browser uses WebCrypto). The team's creator removes a lost tablet and
//! rotates the key: the remaining laptop gets the new key from its envelope
//! and reads on; a device that joins later by the new invite still reads
//! what was sealed before; the lost tablet gets nothing.

#![cfg(not(target_arch = "wasm32"))]

use std::sync::Arc;

use p256::ecdh::diffie_hellman;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use rapport::sync::{Action, EngineState, SyncEngine, SyncError};
use rapport_protocol::{
    AdminSecret, ClientFrame, DeviceId, DevicePublicKey, EnrolledDevice, PROTOCOL_VERSION,
    ServerFrame, TeamId, TeamKey, access_token, admin_hash, token_hash,
};
use rapport_relay::{DEFAULT_MAX_FRAME_BYTES, KeyStore, Session, SqliteStore};

const TEAM: TeamId = TeamId::from_bytes([1; 16]);
const ADMIN: DeviceId = DeviceId::from_bytes([0xa0; 16]);
const LAPTOP: DeviceId = DeviceId::from_bytes([0xb0; 16]);
const LOST: DeviceId = DeviceId::from_bytes([0xc0; 16]);
const LATER: DeviceId = DeviceId::from_bytes([0xd0; 16]);
const SECRET: AdminSecret = AdminSecret::from_bytes([7; 32]);

fn old_key() -> TeamKey {
    TeamKey::from_bytes([11; 32])
}

fn new_key() -> TeamKey {
    TeamKey::from_bytes([22; 32])
}

/// A P-256 key pair from fixed bytes (tests need no randomness).
fn pair(byte: u8) -> (SecretKey, DevicePublicKey) {
    let secret = SecretKey::from_slice(&[byte; 32]).expect("a valid scalar");
    let point = secret.public_key().to_encoded_point(false);
    (
        secret,
        DevicePublicKey::from_bytes(point.as_bytes()).unwrap(),
    )
}

/// What WebCrypto's `deriveBits({name: "ECDH", public}, private, 256)`
/// gives: the shared point's x coordinate.
fn ecdh(secret: &SecretKey, public: &DevicePublicKey) -> [u8; 32] {
    let public = PublicKey::from_sec1_bytes(public.as_bytes()).expect("a point on the curve");
    let shared = diffie_hellman(secret.to_nonzero_scalar(), public.as_affine());
    (*shared.raw_secret_bytes()).into()
}

/// One device: its engine, its connection's relay session, and what the
/// engine handed out.
struct Device {
    engine: SyncEngine,
    secret: Option<SecretKey>,
    session: Option<Session>,
    applied: Vec<Vec<u8>>,
    keys: Option<(u32, usize)>,
    device_keys: Vec<EnrolledDevice>,
    refused: bool,
    nonce: u64,
}

impl Device {
    fn new(device: DeviceId, key: TeamKey, secret: Option<SecretKey>) -> Device {
        let mut engine = SyncEngine::new(TEAM, device, key, EngineState::fresh());
        if let Some(secret) = &secret {
            let point = secret.public_key().to_encoded_point(false);
            engine = engine.with_public_key(DevicePublicKey::from_bytes(point.as_bytes()).unwrap());
        }
        Device {
            engine,
            secret,
            session: None,
            applied: Vec::new(),
            keys: None,
            device_keys: Vec::new(),
            refused: false,
            nonce: 0,
        }
    }

    fn nonce(&mut self) -> [u8; 24] {
        self.nonce += 1;
        let mut nonce = [0u8; 24];
        nonce[..8].copy_from_slice(&self.nonce.to_le_bytes());
        nonce
    }

    fn connect(&mut self, store: &Arc<SqliteStore>) {
        self.session = Some(Session::new(store.clone(), DEFAULT_MAX_FRAME_BYTES));
        self.refused = false;
        let actions = self.engine.connected();
        self.run(actions);
    }

    /// Carries out actions; frames go to the relay session at once and its
    /// answers come straight back.
    fn run(&mut self, actions: Vec<Action>) {
        let mut queue: std::collections::VecDeque<Action> = actions.into();
        while let Some(action) = queue.pop_front() {
            match action {
                Action::Send(bytes) => {
                    let Some(session) = self.session.as_mut() else {
                        continue;
                    };
                    let step = session.handle(&bytes);
                    if step.close {
                        self.session = None;
                    }
                    for frame in step.frames {
                        if matches!(frame, ServerFrame::Error { .. }) {
                            self.refused = true;
                        }
                        queue.extend(self.engine.received(&frame.encode()));
                    }
                }
                Action::Apply { page, items } => {
                    self.applied.extend(items);
                    queue.extend(self.engine.applied(page));
                }
                Action::Keys { epoch, keys } => self.keys = Some((epoch, keys.len())),
                Action::Unwrap { epoch, envelope } => {
                    let secret = self
                        .secret
                        .as_ref()
                        .expect("only enrolled devices get envelopes");
                    let shared = ecdh(secret, &envelope.ephemeral);
                    queue.extend(self.engine.rekeyed(epoch, &envelope, &shared));
                }
                Action::DeviceKeys(devices) => self.device_keys = devices,
                // A refusal is what `refused` records; anything else is a bug.
                Action::Report(SyncError::Refused { .. }) => {}
                Action::Report(error) => panic!("engine reported: {error}"),
                Action::Persist(_)
                | Action::Status(_)
                | Action::Settled
                | Action::Devices(_)
                | Action::Reseal { .. } => {}
            }
        }
    }

    fn write(&mut self, change: &[u8]) {
        let nonce = self.nonce();
        let actions = self.engine.local_changes(vec![change.to_vec()], nonce);
        self.run(actions);
    }
}

#[test]
fn a_removed_device_reads_nothing_new_and_the_others_read_everything() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(&dir.path().join("relay.sqlite3")).unwrap());
    let created = Session::new(store.clone(), DEFAULT_MAX_FRAME_BYTES).handle(
        &ClientFrame::CreateTeam {
            version: PROTOCOL_VERSION,
            team: TEAM,
            token_hash: token_hash(&access_token(&old_key(), TEAM)),
            admin_hash: admin_hash(&SECRET),
        }
        .encode(),
    );
    assert!(!created.close);

    let mut admin = Device::new(ADMIN, old_key(), Some(pair(1).0));
    let mut laptop = Device::new(LAPTOP, old_key(), Some(pair(2).0));
    let mut lost = Device::new(LOST, old_key(), Some(pair(3).0));
    for device in [&mut admin, &mut laptop, &mut lost] {
        device.connect(&store);
        assert!(!device.refused);
    }
    admin.write(b"before the rotation");
    assert_eq!(
        store.device_keys(TEAM).unwrap().len(),
        3,
        "every device enrolled its key at Welcome"
    );

    // The tablet is lost: the admin removes it and rotates the key.
    let revoke = admin.engine.revoke(&SECRET, LOST);
    admin.run(revoke);
    let ask = admin.engine.device_keys(&SECRET);
    admin.run(ask);
    assert_eq!(
        admin
            .device_keys
            .iter()
            .map(|d| d.device)
            .collect::<Vec<_>>(),
        [ADMIN, LAPTOP],
        "the lost tablet gets no envelope"
    );
    let (ephemeral, ephemeral_public) = pair(9);
    let shared: Vec<(DeviceId, [u8; 32])> = admin
        .device_keys
        .iter()
        .map(|d| (d.device, ecdh(&ephemeral, &d.public_key)))
        .collect();
    let mut nonces = 100u64;
    let rotate = admin
        .engine
        .rotate_key(&SECRET, new_key(), &ephemeral_public, &shared, || {
            nonces += 1;
            let mut nonce = [0u8; 24];
            nonce[..8].copy_from_slice(&nonces.to_le_bytes());
            nonce
        });
    admin.run(rotate);
    assert_eq!(
        admin.keys,
        Some((1, 2)),
        "the admin seals with the new key now"
    );
    admin.write(b"after the rotation");

    // The laptop comes back with the old token: it opens its envelope,
    // says Hello with the new key, and reads both changes.
    laptop.connect(&store);
    assert!(!laptop.refused, "the laptop was admitted");
    assert_eq!(laptop.keys, Some((1, 2)));
    assert_eq!(
        laptop.applied,
        [
            b"before the rotation".to_vec(),
            b"after the rotation".to_vec()
        ]
    );
    laptop.write(b"from the laptop, new key");

    // A device that joins later by the new invite holds only the new key;
    // the chain gives it the old one, so it reads everything.
    let mut later = Device::new(LATER, new_key(), None);
    later.connect(&store);
    assert!(!later.refused);
    assert_eq!(later.keys, Some((1, 2)), "the old key came from the chain");
    assert_eq!(
        later.applied,
        [
            b"before the rotation".to_vec(),
            b"after the rotation".to_vec(),
            b"from the laptop, new key".to_vec()
        ]
    );

    // The lost tablet, with the old key, is refused, under its own id and
    // under a made-up one, and so gets nothing sealed after the rotation.
    lost.connect(&store);
    assert!(lost.refused);
    assert!(
        lost.applied
            .iter()
            .all(|c| c.as_slice() != b"after the rotation")
    );
    let mut impostor = Device::new(DeviceId::from_bytes([0xee; 16]), old_key(), None);
    impostor.connect(&store);
    assert!(impostor.refused && impostor.applied.is_empty());
}
