//! One connection's protocol logic, without any I/O.
//!
//! A [`Session`] takes the bytes of one client frame and returns a [`Step`]:
//! the frames to send back, an [`Effect`] on the team's other connections,
//! and whether to close. The connection task does the I/O; this file decides
//! everything, so the rules (Hello first, token checks, what each error code
//! means) are tested by calling it directly.
//!
//! Every refusal is an `Error` frame followed by closing the connection: a
//! device that hits one has a bug or a stale key, and a fresh connection is
//! the simplest state to recover from.

use std::sync::Arc;

use rapport_protocol::{
    AccessToken, AdminHash, AdminSecret, ChainLink, ChunkKind, ClientFrame, Cursor, DeviceId,
    Envelope, ErrorCode, PROTOCOL_VERSION, Sealed, Seq, ServerFrame, TeamId, TokenHash, admin_hash,
    token_hash,
};
use tracing::{debug, error, info};

use crate::page;
use crate::store::{Store, StoreError};

/// The protocol state of one connection: feed it each binary message with
/// [`Session::handle`] and carry out the returned [`Step`].
///
/// Public so that tests outside the relay (the app's deterministic network
/// simulation) can run the real protocol logic in memory, without sockets.
pub struct Session {
    store: Arc<dyn Store>,
    max_frame_bytes: usize,
    state: State,
}

enum State {
    /// Nothing received yet.
    Fresh,
    /// `CreateTeam` succeeded; `Hello` must follow.
    Created,
    /// `Hello` succeeded: this connection is `device` of `team`.
    Joined { team: TeamId, device: DeviceId },
}

/// What the connection must do after one frame.
#[derive(Debug)]
pub struct Step {
    /// Frames to send back on this connection, in order.
    pub frames: Vec<ServerFrame>,
    /// What the team's other connections must learn, if anything.
    pub effect: Option<Effect>,
    /// Close the connection after sending `frames`.
    pub close: bool,
}

/// What other connections of the team must learn.
#[derive(Debug, PartialEq, Eq)]
pub enum Effect {
    /// This connection is now `device` of `team`, whose log stands at `head`.
    Joined {
        /// The team joined.
        team: TeamId,
        /// The device this connection is.
        device: DeviceId,
        /// The team's newest cursor at joining.
        head: Cursor,
    },
    /// A new chunk landed at `head`: notify the team's other devices.
    Landed {
        /// The cursor of the new chunk, now the team's newest.
        head: Cursor,
    },
    /// `device` was revoked: close its connections.
    Revoked {
        /// The revoked device.
        device: DeviceId,
    },
    /// The token was rotated: close the team's other connections.
    Rotated,
}

impl Step {
    fn reply(frame: ServerFrame) -> Step {
        Step {
            frames: vec![frame],
            effect: None,
            close: false,
        }
    }

    fn with(mut self, effect: Effect) -> Step {
        self.effect = Some(effect);
        self
    }

    /// An `Error` frame, then close.
    pub(crate) fn refuse(code: ErrorCode, message: impl Into<String>) -> Step {
        let message = message.into();
        info!(?code, %message, "refused a frame; closing the connection");
        Step {
            frames: vec![ServerFrame::Error { code, message }],
            effect: None,
            close: true,
        }
    }
}

impl Session {
    /// A fresh connection's session over `store`, refusing frames larger
    /// than `max_frame_bytes` (see [`crate::DEFAULT_MAX_FRAME_BYTES`]).
    pub fn new(store: Arc<dyn Store>, max_frame_bytes: usize) -> Session {
        Session {
            store,
            max_frame_bytes,
            state: State::Fresh,
        }
    }

    /// Handles one binary message.
    pub fn handle(&mut self, bytes: &[u8]) -> Step {
        if bytes.len() > self.max_frame_bytes {
            return Step::refuse(
                ErrorCode::TooLarge,
                format!(
                    "a frame of {} bytes is over this relay's limit of {} bytes; \
                     upload a snapshot in place of very large changes",
                    bytes.len(),
                    self.max_frame_bytes
                ),
            );
        }
        let frame = match ClientFrame::decode(bytes) {
            Ok(frame) => frame,
            Err(error) => return Step::refuse(ErrorCode::BadFrame, error.to_string()),
        };
        match (&self.state, frame) {
            (
                State::Fresh | State::Created,
                ClientFrame::Hello {
                    version,
                    team,
                    device,
                    token,
                },
            ) => self.hello(version, team, device, token),
            (
                State::Fresh,
                ClientFrame::CreateTeam {
                    version,
                    team,
                    token_hash,
                    admin_hash,
                },
            ) => self.create_team(version, team, token_hash, admin_hash),
            (&State::Joined { team, device }, ClientFrame::Upload { seq, kind, sealed }) => {
                self.upload(team, device, seq, kind, &sealed)
            }
            (&State::Joined { team, device }, ClientFrame::Fetch { after, limit }) => {
                match page::read(
                    self.store.as_ref(),
                    team,
                    after,
                    limit,
                    self.max_frame_bytes,
                ) {
                    // A device already holds what it uploaded: its own
                    // chunks are skipped (`next` still passes them), so a
                    // device that sent a snapshot never downloads it back.
                    Ok(mut page) => Step::reply(ServerFrame::Chunks {
                        items: {
                            page.items.retain(|chunk| chunk.device != device);
                            page.items
                        },
                        more: page.more,
                        next: page.next,
                    }),
                    Err(error) => refusal(error),
                }
            }
            (
                &State::Joined { team, .. },
                ClientFrame::Revoke {
                    admin_secret,
                    device,
                },
            ) => self.revoke(team, &admin_secret, device),
            (&State::Joined { team, .. }, ClientFrame::ListDevices { admin_secret }) => {
                if let Some(refused) = self.check_admin(team, &admin_secret) {
                    return refused;
                }
                match self.store.devices(team) {
                    Ok(devices) => Step::reply(ServerFrame::Devices { devices }),
                    Err(error) => refusal(error),
                }
            }
            (
                &State::Joined { team, .. },
                ClientFrame::Rotate {
                    admin_secret,
                    new_token_hash,
                },
            ) => self.rotate(team, &admin_secret, new_token_hash),
            (&State::Joined { team, device }, ClientFrame::Enroll { public_key }) => {
                if !public_key.is_well_formed() {
                    return Step::refuse(
                        ErrorCode::BadFrame,
                        "a public key must be an uncompressed P-256 point of 65 bytes",
                    );
                }
                match self.store.enroll(team, device, &public_key) {
                    Ok(()) => Step::reply(ServerFrame::Enrolled),
                    Err(error) => refusal(error),
                }
            }
            (&State::Joined { team, .. }, ClientFrame::DeviceKeys { admin_secret }) => {
                if let Some(refused) = self.check_admin(team, &admin_secret) {
                    return refused;
                }
                match self.store.device_keys(team) {
                    Ok(devices) => Step::reply(ServerFrame::DeviceKeys { devices }),
                    Err(error) => refusal(error),
                }
            }
            (
                &State::Joined { team, .. },
                ClientFrame::RotateKey {
                    admin_secret,
                    epoch,
                    new_token_hash,
                    envelopes,
                    link,
                },
            ) => self.rotate_key(
                team,
                &admin_secret,
                epoch,
                new_token_hash,
                &envelopes,
                &link,
            ),
            (&State::Joined { team, .. }, ClientFrame::KeyChain) => {
                match self.store.key_chain(team) {
                    Ok((epoch, links)) => Step::reply(ServerFrame::KeyChain { epoch, links }),
                    Err(error) => refusal(error),
                }
            }
            (&State::Joined { team, device }, frame) => Step::refuse(
                ErrorCode::BadFrame,
                format!(
                    "{} after Hello: this connection is already device {device} of team {team}",
                    frame.name()
                ),
            ),
            (State::Created, frame) => Step::refuse(
                ErrorCode::Unauthorized,
                format!("{} after CreateTeam: send Hello next", frame.name()),
            ),
            (State::Fresh, frame) => Step::refuse(
                ErrorCode::Unauthorized,
                format!(
                    "{} before Hello: a connection must open with Hello",
                    frame.name()
                ),
            ),
        }
    }

    fn create_team(
        &mut self,
        version: u16,
        team: TeamId,
        token_hash: TokenHash,
        admin_hash: AdminHash,
    ) -> Step {
        if let Some(refused) = check_version(version) {
            return refused;
        }
        match self.store.create_team(team, token_hash, admin_hash) {
            Ok(()) => {
                info!(%team, "team created");
                self.state = State::Created;
                Step {
                    frames: Vec::new(),
                    effect: None,
                    close: false,
                }
            }
            Err(error) => refusal(error),
        }
    }

    fn hello(&mut self, version: u16, team: TeamId, device: DeviceId, token: AccessToken) -> Step {
        if let Some(refused) = check_version(version) {
            return refused;
        }
        let credentials = match self.store.credentials(team) {
            Ok(Some(credentials)) => credentials,
            Ok(None) => return refusal(StoreError::UnknownTeam { team }),
            Err(error) => return refusal(error),
        };
        if token_hash(&token) != credentials.token_hash {
            // A token a rotation replaced, from a device the new key was
            // sealed to: it gets its envelope and may say Hello again.
            match self.store.rekey(team, device, token_hash(&token)) {
                Ok(Some((epoch, envelope))) => {
                    info!(%team, %device, epoch, "sent a device its new key");
                    return Step::reply(ServerFrame::Rekey { epoch, envelope });
                }
                Ok(None) => {}
                Err(error) => return refusal(error),
            }
            return Step::refuse(
                ErrorCode::Unauthorized,
                format!(
                    "the access token is wrong for team {team}: the team key may have been \
                     rotated; get the current key from a teammate"
                ),
            );
        }
        match self.store.join(team, device) {
            Ok(head) => {
                info!(%team, %device, head = %head.head, "device joined");
                self.state = State::Joined { team, device };
                let mut step = Step::reply(ServerFrame::Welcome {
                    head: head.head,
                    snapshot: head.snapshot,
                });
                // After a rotation, the chain comes at once, before any
                // chunk: a device that joined by the newest key needs the
                // older ones to read what was sealed before.
                match self.store.key_chain(team) {
                    Ok((0, _)) => {}
                    Ok((epoch, links)) => step.frames.push(ServerFrame::KeyChain { epoch, links }),
                    Err(error) => return refusal(error),
                }
                step.with(Effect::Joined {
                    team,
                    device,
                    head: head.head,
                })
            }
            Err(error) => refusal(error),
        }
    }

    fn upload(
        &mut self,
        team: TeamId,
        device: DeviceId,
        seq: Seq,
        kind: ChunkKind,
        sealed: &Sealed,
    ) -> Step {
        if seq.0 == 0 {
            return Step::refuse(
                ErrorCode::BadFrame,
                "seq 0 is not valid: a device counts from 1",
            );
        }
        // Stores keep seqs as signed 64-bit integers (SQLite's, PostgreSQL's).
        if seq.0 > i64::MAX as u64 {
            return Step::refuse(
                ErrorCode::BadFrame,
                format!("seq {seq} is past the largest a relay stores, 2^63 - 1"),
            );
        }
        match self.store.upload(team, device, seq, kind, sealed) {
            Ok(stored) => {
                debug!(%team, %device, %seq, cursor = %stored.cursor, bytes = sealed.len(),
                       fresh = stored.fresh, "chunk stored");
                let ack = Step::reply(ServerFrame::Ack {
                    seq,
                    cursor: stored.cursor,
                });
                if stored.fresh {
                    ack.with(Effect::Landed {
                        head: stored.cursor,
                    })
                } else {
                    ack
                }
            }
            Err(error) => refusal(error),
        }
    }

    fn revoke(&mut self, team: TeamId, secret: &AdminSecret, device: DeviceId) -> Step {
        if let Some(refused) = self.check_admin(team, secret) {
            return refused;
        }
        match self.store.revoke(team, device) {
            Ok(()) => {
                info!(%team, %device, "device revoked");
                Step::reply(ServerFrame::DeviceRevoked { device }).with(Effect::Revoked { device })
            }
            Err(error) => refusal(error),
        }
    }

    fn rotate(&mut self, team: TeamId, secret: &AdminSecret, new_token_hash: TokenHash) -> Step {
        if let Some(refused) = self.check_admin(team, secret) {
            return refused;
        }
        match self.store.rotate(team, new_token_hash) {
            Ok(()) => {
                info!(%team, "access token rotated");
                Step::reply(ServerFrame::TokenRotated).with(Effect::Rotated)
            }
            Err(error) => refusal(error),
        }
    }

    fn rotate_key(
        &mut self,
        team: TeamId,
        secret: &AdminSecret,
        epoch: u32,
        new_token_hash: TokenHash,
        envelopes: &[Envelope],
        link: &ChainLink,
    ) -> Step {
        if let Some(refused) = self.check_admin(team, secret) {
            return refused;
        }
        if envelopes.iter().any(|e| !e.ephemeral.is_well_formed()) {
            return Step::refuse(
                ErrorCode::BadFrame,
                "an envelope's ephemeral key is not an uncompressed P-256 point",
            );
        }
        match self
            .store
            .rotate_key(team, epoch, new_token_hash, envelopes, link)
        {
            Ok(()) => {
                info!(%team, epoch, devices = envelopes.len(), "team key rotated");
                Step::reply(ServerFrame::KeyRotated { epoch }).with(Effect::Rotated)
            }
            Err(error) => refusal(error),
        }
    }

    fn check_admin(&self, team: TeamId, secret: &AdminSecret) -> Option<Step> {
        match self.store.credentials(team) {
            Ok(Some(credentials)) if admin_hash(secret) == credentials.admin_hash => None,
            Ok(Some(_)) => Some(Step::refuse(
                ErrorCode::Unauthorized,
                format!(
                    "the admin secret is wrong for team {team}; only the team's creator holds it"
                ),
            )),
            Ok(None) => Some(refusal(StoreError::UnknownTeam { team })),
            Err(error) => Some(refusal(error)),
        }
    }
}

fn check_version(version: u16) -> Option<Step> {
    (version != PROTOCOL_VERSION).then(|| {
        Step::refuse(
            ErrorCode::UnsupportedVersion,
            format!(
                "this relay speaks protocol version {PROTOCOL_VERSION} and the device sent \
                 version {version}; update the app or the relay so they match"
            ),
        )
    })
}

/// The error frame for a store error. Database failures get a generic
/// message: their details (paths, SQL) are for the relay's log, not devices.
fn refusal(error: StoreError) -> Step {
    let code = match &error {
        StoreError::TeamExists { .. } => ErrorCode::TeamExists,
        StoreError::UnknownTeam { .. } => ErrorCode::UnknownTeam,
        StoreError::Revoked { .. } => ErrorCode::Revoked,
        StoreError::Conflict { .. } => ErrorCode::Conflict,
        StoreError::CoversAhead { .. } | StoreError::StaleEpoch { .. } => ErrorCode::BadFrame,
        StoreError::KeyTaken { .. } => ErrorCode::Conflict,
        StoreError::Sqlite { .. } | StoreError::NoWal { .. } | StoreError::Damaged { .. } => {
            error!(%error, "storage failed");
            return Step::refuse(
                ErrorCode::Internal,
                "the relay could not use its storage; nothing was changed, try again later",
            );
        }
    };
    Step::refuse(code, error.to_string())
}

#[cfg(test)]
mod tests {
    use rapport_protocol::{TeamKey, access_token};

    use super::*;
    use crate::SqliteStore;

    const TEAM: TeamId = TeamId::from_bytes([1; 16]);
    const PHONE: DeviceId = DeviceId::from_bytes([2; 16]);
    const SECRET: AdminSecret = AdminSecret::from_bytes([6; 32]);

    fn token() -> AccessToken {
        access_token(&TeamKey::from_bytes([5; 32]), TEAM)
    }

    fn session() -> (tempfile::TempDir, Session) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("relay.sqlite3")).unwrap();
        (dir, Session::new(Arc::new(store), 1024))
    }

    fn send(session: &mut Session, frame: ClientFrame) -> Step {
        session.handle(&frame.encode())
    }

    fn create() -> ClientFrame {
        ClientFrame::CreateTeam {
            version: PROTOCOL_VERSION,
            team: TEAM,
            token_hash: token_hash(&token()),
            admin_hash: admin_hash(&SECRET),
        }
    }

    fn hello() -> ClientFrame {
        ClientFrame::Hello {
            version: PROTOCOL_VERSION,
            team: TEAM,
            device: PHONE,
            token: token(),
        }
    }

    fn error_code(step: &Step) -> Option<ErrorCode> {
        assert!(step.close, "errors close the connection");
        match step.frames.as_slice() {
            [ServerFrame::Error { code, .. }] => Some(*code),
            _ => None,
        }
    }

    #[test]
    fn create_then_hello_then_upload() {
        let (_dir, mut session) = session();
        let created = send(&mut session, create());
        assert!(created.frames.is_empty() && !created.close);
        let welcome = send(&mut session, hello());
        assert_eq!(
            welcome.frames,
            [ServerFrame::Welcome {
                head: Cursor(0),
                snapshot: None
            }]
        );
        assert_eq!(
            welcome.effect,
            Some(Effect::Joined {
                team: TEAM,
                device: PHONE,
                head: Cursor(0)
            })
        );

        let sealed = Sealed {
            nonce: [0; 24],
            ciphertext: vec![1; 20],
        };
        let upload = ClientFrame::Upload {
            seq: Seq(1),
            kind: ChunkKind::Change,
            sealed,
        };
        let ack = send(&mut session, upload.clone());
        assert_eq!(
            ack.frames,
            [ServerFrame::Ack {
                seq: Seq(1),
                cursor: Cursor(1)
            }]
        );
        assert_eq!(ack.effect, Some(Effect::Landed { head: Cursor(1) }));
        let retry = send(&mut session, upload);
        assert_eq!(
            retry.frames,
            [ServerFrame::Ack {
                seq: Seq(1),
                cursor: Cursor(1)
            }]
        );
        assert_eq!(retry.effect, None, "a retry lands nothing new");
    }

    fn point(byte: u8) -> rapport_protocol::DevicePublicKey {
        let mut bytes = [byte; rapport_protocol::PUBLIC_KEY_LEN];
        bytes[0] = 0x04;
        rapport_protocol::DevicePublicKey::from_bytes(&bytes).unwrap()
    }

    fn hello_as(device: DeviceId, key: &TeamKey) -> ClientFrame {
        ClientFrame::Hello {
            version: PROTOCOL_VERSION,
            team: TEAM,
            device,
            token: access_token(key, TEAM),
        }
    }

    fn sealed(byte: u8) -> Sealed {
        Sealed {
            nonce: [byte; 24],
            ciphertext: vec![byte; 48],
        }
    }

    /// The relay side of a key rotation: it stores and hands out only what
    /// devices sealed, admits the new token, sends each remaining device its
    /// envelope when it shows the old token, and refuses a removed one.
    #[test]
    fn a_key_rotation_reaches_the_remaining_devices_and_not_the_removed_one() {
        let (_dir, mut admin) = session();
        let store = admin.store.clone();
        let old_key = TeamKey::from_bytes([5; 32]);
        let new_key = TeamKey::from_bytes([55; 32]);
        const LAPTOP: DeviceId = DeviceId::from_bytes([3; 16]);
        const LOST: DeviceId = DeviceId::from_bytes([4; 16]);
        send(&mut admin, create());
        send(&mut admin, hello());
        let connect = |device| {
            let mut session = Session::new(store.clone(), 1024);
            let welcome = send(&mut session, hello_as(device, &old_key));
            assert!(matches!(welcome.frames[..], [ServerFrame::Welcome { .. }]));
            session
        };
        let mut laptop = connect(LAPTOP);
        let mut lost = connect(LOST);
        for (session, key) in [(&mut laptop, point(1)), (&mut lost, point(2))] {
            let enroll = ClientFrame::Enroll { public_key: key };
            assert_eq!(send(session, enroll).frames, [ServerFrame::Enrolled]);
        }
        // Enrolling the same key again is fine; another key is refused.
        let again = ClientFrame::Enroll {
            public_key: point(1),
        };
        assert_eq!(send(&mut laptop, again).frames, [ServerFrame::Enrolled]);
        let swap = ClientFrame::Enroll {
            public_key: point(9),
        };
        assert_eq!(
            error_code(&send(&mut laptop, swap)),
            Some(ErrorCode::Conflict)
        );

        let revoke = ClientFrame::Revoke {
            admin_secret: SECRET,
            device: LOST,
        };
        send(&mut admin, revoke);
        let keys = send(
            &mut admin,
            ClientFrame::DeviceKeys {
                admin_secret: SECRET,
            },
        );
        let ServerFrame::DeviceKeys { devices } = &keys.frames[0] else {
            panic!("{:?}", keys.frames)
        };
        assert_eq!(
            devices.iter().map(|d| d.device).collect::<Vec<_>>(),
            [LAPTOP],
            "only devices that are not revoked and have a key"
        );

        let envelope = Envelope {
            device: LAPTOP,
            ephemeral: point(7),
            sealed: sealed(8),
        };
        let rotate = |epoch| ClientFrame::RotateKey {
            admin_secret: SECRET,
            epoch,
            new_token_hash: token_hash(&access_token(&new_key, TEAM)),
            envelopes: vec![envelope.clone()],
            link: ChainLink {
                epoch,
                sealed: sealed(9),
            },
        };
        let mut stale = Session::new(store.clone(), 1024);
        send(&mut stale, hello());
        assert_eq!(
            error_code(&send(&mut stale, rotate(2))),
            Some(ErrorCode::BadFrame)
        );
        let rotated = send(&mut admin, rotate(1));
        assert_eq!(rotated.frames, [ServerFrame::KeyRotated { epoch: 1 }]);
        assert_eq!(rotated.effect, Some(Effect::Rotated));

        // The laptop comes back with the old token: its envelope, and the
        // connection stays open for a Hello with the new key.
        let mut back = Session::new(store.clone(), 1024);
        let rekey = send(&mut back, hello_as(LAPTOP, &old_key));
        assert_eq!(
            rekey.frames,
            [ServerFrame::Rekey {
                epoch: 1,
                envelope: envelope.clone()
            }]
        );
        assert!(!rekey.close);
        let chain = ServerFrame::KeyChain {
            epoch: 1,
            links: vec![ChainLink {
                epoch: 1,
                sealed: sealed(9),
            }],
        };
        let welcome = send(&mut back, hello_as(LAPTOP, &new_key));
        assert!(
            matches!(&welcome.frames[..], [ServerFrame::Welcome { .. }, c] if *c == chain),
            "after a rotation the chain follows Welcome: {:?}",
            welcome.frames
        );
        assert_eq!(send(&mut back, ClientFrame::KeyChain).frames, [chain]);

        // The removed device, with the old token or as another device id,
        // gets no envelope and no entry.
        for device in [LOST, DeviceId::from_bytes([5; 16])] {
            let mut outsider = Session::new(store.clone(), 1024);
            let refused = send(&mut outsider, hello_as(device, &old_key));
            assert_eq!(
                error_code(&refused),
                Some(ErrorCode::Unauthorized),
                "{device}"
            );
        }
    }

    #[test]
    fn frames_before_hello_are_unauthorized() {
        let (_dir, mut session) = session();
        let fetch = ClientFrame::Fetch {
            after: Cursor(0),
            limit: 10,
        };
        assert_eq!(
            error_code(&send(&mut session, fetch)),
            Some(ErrorCode::Unauthorized)
        );
    }

    #[test]
    fn each_fault_has_its_code() {
        let (_dir, mut session) = session();
        assert_eq!(
            error_code(&session.handle(&[0xff; 3])),
            Some(ErrorCode::BadFrame)
        );
        assert_eq!(
            error_code(&session.handle(&[0; 2000])),
            Some(ErrorCode::TooLarge)
        );
        assert_eq!(
            error_code(&send(&mut session, hello())),
            Some(ErrorCode::UnknownTeam)
        );

        send(&mut session, create());
        let mut again = Session::new(session.store.clone(), 1024);
        assert_eq!(
            error_code(&send(&mut again, create())),
            Some(ErrorCode::TeamExists)
        );

        let mut wrong = Session::new(session.store.clone(), 1024);
        let bad_token = ClientFrame::Hello {
            version: PROTOCOL_VERSION,
            team: TEAM,
            device: PHONE,
            token: AccessToken::from_bytes([0; 32]),
        };
        assert_eq!(
            error_code(&send(&mut wrong, bad_token)),
            Some(ErrorCode::Unauthorized)
        );

        let mut old = Session::new(session.store.clone(), 1024);
        let old_version = ClientFrame::Hello {
            version: 0,
            team: TEAM,
            device: PHONE,
            token: token(),
        };
        assert_eq!(
            error_code(&send(&mut old, old_version)),
            Some(ErrorCode::UnsupportedVersion)
        );

        let mut joined = Session::new(session.store.clone(), 1024);
        send(&mut joined, hello());
        let zero = ClientFrame::Upload {
            seq: Seq(0),
            kind: ChunkKind::Change,
            sealed: Sealed {
                nonce: [0; 24],
                ciphertext: vec![],
            },
        };
        assert_eq!(
            error_code(&send(&mut joined, zero)),
            Some(ErrorCode::BadFrame)
        );

        let mut admin = Session::new(session.store.clone(), 1024);
        send(&mut admin, hello());
        let guess = ClientFrame::Revoke {
            admin_secret: AdminSecret::from_bytes([0; 32]),
            device: PHONE,
        };
        assert_eq!(
            error_code(&send(&mut admin, guess)),
            Some(ErrorCode::Unauthorized)
        );
    }

    #[test]
    fn revoke_and_rotate_need_the_admin_secret_and_say_so() {
        let (_dir, mut session) = session();
        send(&mut session, create());
        send(&mut session, hello());
        let laptop = DeviceId::from_bytes([3; 16]);
        let revoked = send(
            &mut session,
            ClientFrame::Revoke {
                admin_secret: SECRET,
                device: laptop,
            },
        );
        assert_eq!(
            revoked.frames,
            [ServerFrame::DeviceRevoked { device: laptop }]
        );
        assert_eq!(revoked.effect, Some(Effect::Revoked { device: laptop }));

        let new_hash = TokenHash::from_bytes([7; 32]);
        let rotate = ClientFrame::Rotate {
            admin_secret: SECRET,
            new_token_hash: new_hash,
        };
        let rotated = send(&mut session, rotate);
        assert_eq!(rotated.frames, [ServerFrame::TokenRotated]);
        assert_eq!(rotated.effect, Some(Effect::Rotated));
    }
}
