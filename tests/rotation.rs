//! Key rotation end to end, natively: real sync engines, the relay's real
//! session logic over SQLite, and real P-256 ECDH (the `p256` crate, where
//! the browser uses WebCrypto). The team's creator removes a lost tablet and
//! rotates the key: the remaining laptop gets the new key from its envelope
//! and reads on; a device that joins later by the new invite still reads
//! what was sealed before; the lost tablet gets nothing. A relay that lies
//! (plants a key of its own, replays an old envelope, misstates the key
//! chain) changes nothing, and a removed member's made-up device gets no
//! envelope.

#![cfg(not(target_arch = "wasm32"))]

use std::sync::Arc;

use rapport::sync::{Action, EngineState, SyncEngine, SyncError};
use rapport_protocol::{
    AdminSecret, ClientFrame, DeviceId, EnrolledDevice, Envelope, EnvelopeSecrets,
    PROTOCOL_VERSION, Rotation, ServerFrame, TeamId, TeamKey, access_token, admin_hash, open,
    seal_envelope, token_hash,
};
use rapport_relay::{DEFAULT_MAX_FRAME_BYTES, KeyStore, Session, SqliteStore, TestDevice};

const TEAM: TeamId = TeamId::from_bytes([1; 16]);
const SECRET: AdminSecret = AdminSecret::from_bytes([7; 32]);

fn old_key() -> TeamKey {
    TeamKey::from_bytes([11; 32])
}

fn new_key() -> TeamKey {
    TeamKey::from_bytes([22; 32])
}

/// The admin's device, whose id every member pinned from the invite.
fn admin_identity() -> TestDevice {
    TestDevice::from_seed(1)
}

fn nonce_from(counter: &mut u64) -> [u8; 24] {
    *counter += 1;
    let mut nonce = [0u8; 24];
    nonce[..8].copy_from_slice(&counter.to_le_bytes());
    nonce
}

/// One device: its engine, its connection's relay session, and what the
/// engine handed out.
struct Device {
    engine: SyncEngine,
    identity: TestDevice,
    session: Option<Session>,
    applied: Vec<Vec<u8>>,
    keys: Option<(u32, usize)>,
    device_keys: Vec<EnrolledDevice>,
    refused: bool,
    reports: Vec<SyncError>,
    nonce: u64,
}

impl Device {
    /// A device of the team holding `key`, which pinned the admin's device.
    fn new(identity: TestDevice, key: TeamKey) -> Device {
        let engine = SyncEngine::new(TEAM, identity.id(), key, EngineState::fresh())
            .with_public_key(identity.public_key())
            .with_admin(admin_identity().id());
        Device {
            engine,
            identity,
            session: None,
            applied: Vec::new(),
            keys: None,
            device_keys: Vec::new(),
            refused: false,
            reports: Vec::new(),
            nonce: 0,
        }
    }

    fn id(&self) -> DeviceId {
        self.identity.id()
    }

    fn nonce(&mut self) -> [u8; 24] {
        nonce_from(&mut self.nonce)
    }

    fn connect(&mut self, store: &Arc<SqliteStore>) {
        self.session = Some(Session::new(store.clone(), DEFAULT_MAX_FRAME_BYTES));
        self.refused = false;
        let actions = self.engine.connected();
        self.run(actions);
    }

    /// Hands the engine frames as a (lying) relay would send them, with no
    /// session behind.
    fn hear(&mut self, frame: ServerFrame) {
        let actions = self.engine.received(&frame.encode());
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
                    let secrets = EnvelopeSecrets {
                        ephemeral: self.identity.shared(&envelope.ephemeral).unwrap(),
                        admin: self.identity.shared(&envelope.admin).unwrap(),
                    };
                    queue.extend(self.engine.rekeyed(epoch, &envelope, &secrets));
                }
                Action::Prove { ephemeral } => {
                    let shared = self.identity.shared(&ephemeral).unwrap();
                    queue.extend(self.engine.prove(&ephemeral, &shared));
                }
                Action::DeviceKeys(devices) => self.device_keys = devices,
                // A refusal is what `refused` records.
                Action::Report(SyncError::Refused { .. }) => {}
                Action::Report(error) => self.reports.push(error),
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

    /// The newest upload waiting for the relay (or sent last), as sealed.
    fn last_upload(&self) -> &rapport::sync::PendingUpload {
        self.engine.state().pending.last().expect("an upload")
    }
}

/// A relay database with the team in it.
fn team_store() -> (tempfile::TempDir, Arc<SqliteStore>) {
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
    (dir, store)
}

/// The admin rotates to `key`, sealing to `devices` (its own list).
fn rotate(admin: &mut Device, key: TeamKey, devices: &[&TestDevice]) {
    let ephemeral = TestDevice::from_seed(200);
    let sealed_to: Vec<(DeviceId, EnvelopeSecrets)> = devices
        .iter()
        .map(|d| {
            let secrets = EnvelopeSecrets {
                ephemeral: ephemeral.shared(&d.public_key()).unwrap(),
                admin: admin.identity.shared(&d.public_key()).unwrap(),
            };
            (d.id(), secrets)
        })
        .collect();
    let mut nonces = 100u64;
    let actions =
        admin
            .engine
            .rotate_key(&SECRET, key, &ephemeral.public_key(), &sealed_to, || {
                nonce_from(&mut nonces)
            });
    admin.run(actions);
}

/// An envelope a lying relay makes: the new key sealed to the device's
/// public key (which the relay holds), "from" an admin key of `from`, with
/// `admin_secret` standing in for the ECDH secret it cannot compute.
fn forged_envelope(
    device: &TestDevice,
    from: &TestDevice,
    admin_secret: [u8; 32],
    epoch: u32,
    key: &TeamKey,
) -> Envelope {
    let ephemeral = TestDevice::from_seed(201);
    let secrets = EnvelopeSecrets {
        ephemeral: ephemeral.shared(&device.public_key()).unwrap(),
        admin: admin_secret,
    };
    let rotation = Rotation {
        team: TEAM,
        epoch,
        ephemeral: &ephemeral.public_key(),
        admin: &from.public_key(),
    };
    seal_envelope(&secrets, &rotation, device.id(), key, [3; 24])
}

#[test]
fn a_removed_device_reads_nothing_new_and_the_others_read_everything() {
    let (_dir, store) = team_store();
    let mut admin = Device::new(admin_identity(), old_key());
    let mut laptop = Device::new(TestDevice::from_seed(2), old_key());
    let mut lost = Device::new(TestDevice::from_seed(3), old_key());
    for device in [&mut admin, &mut laptop, &mut lost] {
        device.connect(&store);
        assert!(!device.refused);
    }
    admin.write(b"before the rotation");
    assert_eq!(
        store.device_keys(TEAM).unwrap().len(),
        3,
        "every device's key is known from its Hello"
    );

    // The tablet is lost: the admin removes it and rotates the key, sealing
    // to the devices it keeps in its own list.
    let revoke = admin.engine.revoke(&SECRET, lost.id());
    admin.run(revoke);
    let laptop_identity = laptop.identity.clone();
    rotate(&mut admin, new_key(), &[&laptop_identity]);
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
    assert!(laptop.reports.is_empty(), "{:?}", laptop.reports);
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
    let mut later = Device::new(TestDevice::from_seed(4), new_key());
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
    let mut impostor = Device::new(TestDevice::from_seed(5), old_key());
    impostor.connect(&store);
    assert!(impostor.refused && impostor.applied.is_empty());
}

/// The attack that worked before: a lying relay answers with a `Rekey` of
/// its own key sealed to the device's enrolled public key. Now the device
/// refuses it (whether it names the relay's own "admin" key or the real
/// admin's, whose private half it lacks), reports it, and its next upload
/// is still sealed with the team's key, which the relay does not have.
#[test]
fn a_lying_relay_cannot_plant_a_team_key() {
    let relay_key = TeamKey::from_bytes([66; 32]);
    let relay_identity = TestDevice::from_seed(66);
    let laptop_identity = TestDevice::from_seed(2);
    let planted = [
        // Sealed properly, but by the relay's own device key.
        forged_envelope(
            &laptop_identity,
            &relay_identity,
            relay_identity
                .shared(&laptop_identity.public_key())
                .unwrap(),
            1,
            &relay_key,
        ),
        // Naming the admin's key, with a secret the relay had to guess.
        forged_envelope(&laptop_identity, &admin_identity(), [0; 32], 1, &relay_key),
    ];
    for envelope in planted {
        let mut laptop = Device::new(laptop_identity.clone(), old_key());
        laptop.hear(ServerFrame::Rekey { epoch: 1, envelope });
        assert_eq!(laptop.keys, None, "no key was adopted");
        assert!(
            matches!(laptop.reports[..], [SyncError::ForgedKey { epoch: 1, .. }]),
            "{:?}",
            laptop.reports
        );
        laptop.write(b"a note about the client");
        let upload = laptop.last_upload();
        let sealed_for = |key: &TeamKey| {
            open(
                key,
                TEAM,
                laptop.id(),
                upload.seq,
                upload.kind,
                &upload.sealed,
            )
            .is_ok()
        };
        assert!(!sealed_for(&relay_key), "the relay cannot read it");
        assert!(sealed_for(&old_key()), "the team can");
    }
}

/// A genuine old envelope replayed after the device moved on, a key chain
/// that claims a lower epoch (to make the old envelope look new), or one
/// that claims a higher epoch its key does not prove: each is refused or
/// ignored, and the device keeps the key it holds.
#[test]
fn replayed_envelopes_and_lying_chains_change_nothing() {
    let (_dir, store) = team_store();
    let mut admin = Device::new(admin_identity(), old_key());
    let mut laptop = Device::new(TestDevice::from_seed(2), old_key());
    admin.connect(&store);
    laptop.connect(&store);
    let laptop_identity = laptop.identity.clone();
    rotate(&mut admin, new_key(), &[&laptop_identity]);
    laptop.connect(&store);
    assert_eq!(laptop.keys, Some((1, 2)));
    let old_envelope = store
        .rekey(
            TEAM,
            laptop.id(),
            token_hash(&access_token(&old_key(), TEAM)),
        )
        .unwrap()
        .expect("the envelope of epoch 1")
        .1;

    laptop.hear(ServerFrame::Rekey {
        epoch: 1,
        envelope: old_envelope.clone(),
    });
    assert!(matches!(
        laptop.reports[..],
        [SyncError::ForgedKey { epoch: 1, .. }]
    ));
    laptop.reports.clear();
    laptop.hear(ServerFrame::KeyChain {
        epoch: 0,
        links: Vec::new(),
    });
    assert!(matches!(
        laptop.reports[..],
        [SyncError::ChainMismatch {
            claimed: 0,
            held: 1
        }]
    ));
    laptop.hear(ServerFrame::Rekey {
        epoch: 1,
        envelope: old_envelope,
    });
    laptop.reports.clear();
    let (_, links) = store.key_chain(TEAM).unwrap();
    laptop.hear(ServerFrame::KeyChain { epoch: 7, links });
    assert!(matches!(
        laptop.reports[..],
        [SyncError::ChainMismatch {
            claimed: 7,
            held: 1
        }]
    ));
    assert_eq!(laptop.keys, Some((1, 2)), "still the key of epoch 1");
    laptop.session = None;
    let offline = laptop.engine.disconnected();
    laptop.run(offline);
    laptop.write(b"still sealed with the new key");
    let upload = laptop.last_upload();
    assert!(
        open(
            &new_key(),
            TEAM,
            laptop.id(),
            upload.seq,
            upload.kind,
            &upload.sealed
        )
        .is_ok()
    );
}

/// A member with a second device made up under an id of its own: after the
/// admin removes the member, the rotation is sealed only to the devices the
/// admin approved, so the made-up device gets no envelope (the relay's list
/// had it, with a key it proved) and reads nothing written after.
#[test]
fn a_removed_member_with_a_made_up_device_reads_nothing_after() {
    let (_dir, store) = team_store();
    let mut admin = Device::new(admin_identity(), old_key());
    let mut laptop = Device::new(TestDevice::from_seed(2), old_key());
    let mut member = Device::new(TestDevice::from_seed(3), old_key());
    let mut made_up = Device::new(TestDevice::from_seed(4), old_key());
    for device in [&mut admin, &mut laptop, &mut member, &mut made_up] {
        device.connect(&store);
    }
    let listed: Vec<DeviceId> = store
        .device_keys(TEAM)
        .unwrap()
        .iter()
        .map(|d| d.device)
        .collect();
    assert!(
        listed.contains(&made_up.id()),
        "the relay lists it: it proved its key"
    );

    let revoke = admin.engine.revoke(&SECRET, member.id());
    admin.run(revoke);
    let laptop_identity = laptop.identity.clone();
    rotate(&mut admin, new_key(), &[&laptop_identity]);
    admin.write(b"written after the member left");

    made_up.connect(&store);
    assert!(made_up.refused, "its old token is no longer admitted");
    assert_eq!(made_up.keys, None, "and it had no envelope");
    assert!(
        store
            .rekey(
                TEAM,
                made_up.id(),
                token_hash(&access_token(&old_key(), TEAM))
            )
            .unwrap()
            .is_none()
    );
    laptop.connect(&store);
    assert!(
        laptop
            .applied
            .contains(&b"written after the member left".to_vec())
    );
}
