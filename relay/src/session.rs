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
    DevicePublicKey, Envelope, ErrorCode, PROTOCOL_VERSION, Proof, Sealed, Seq, ServerFrame,
    TeamId, TokenHash, admin_hash, hello_proof, token_hash,
};
use tracing::{debug, error, info};

use crate::limits::Limits;
use crate::page;
use crate::store::{Store, StoreError, size};

/// The protocol state of one connection: feed it each binary message with
/// [`Session::handle`] and carry out the returned [`Step`].
///
/// Public so that tests outside the relay (the app's deterministic network
/// simulation) can run the real protocol logic in memory, without sockets.
pub struct Session {
    store: Arc<dyn Store>,
    max_frame_bytes: usize,
    limits: Limits,
    state: State,
}

enum State {
    /// Nothing received yet.
    Fresh,
    /// `CreateTeam` succeeded; `Hello` must follow.
    Created,
    /// `Hello` named a device and its key; `Prove` must follow with
    /// `expected`, the proof only the holder of that key can compute.
    Challenged(Box<Claim>),
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

/// What a `Hello` claimed, kept until `Prove` shows it is true.
struct Claim {
    team: TeamId,
    device: DeviceId,
    token: AccessToken,
    public_key: DevicePublicKey,
    expected: Proof,
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
            limits: Limits::none(),
            state: State::Fresh,
        }
    }

    /// This session with `limits` (a relay's are in [`crate::Config`]).
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Session {
        self.limits = limits;
        self
    }

    /// Handles one binary message.
    pub fn handle(&mut self, bytes: &[u8]) -> Step {
        let joined = matches!(self.state, State::Joined { .. });
        let before_hello = self.limits.before_hello_bytes;
        if !joined && before_hello > 0 && bytes.len() > before_hello {
            return Step::refuse(
                ErrorCode::TooLarge,
                format!(
                    "a frame of {} bytes before Hello is over this relay's limit of {} bytes \
                     for the frames that open a connection",
                    bytes.len(),
                    before_hello
                ),
            );
        }
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
                    public_key,
                },
            ) => self.hello(version, team, device, token, public_key),
            (State::Challenged(_), ClientFrame::Prove { proof }) => self.prove(&proof),
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
            (&State::Joined { team, device }, ClientFrame::Fetch { after, limit }) => self.chunks(
                device,
                page::read(
                    self.store.as_ref(),
                    team,
                    after,
                    limit,
                    self.max_frame_bytes,
                ),
            ),
            (&State::Joined { team, device }, ClientFrame::FetchAll { after, limit }) => self
                .chunks(
                    device,
                    page::read_all(
                        self.store.as_ref(),
                        team,
                        after,
                        limit,
                        self.max_frame_bytes,
                    ),
                ),
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
            (&State::Joined { team, device }, ClientFrame::Enroll { card }) => {
                if card.len() > MAX_CARD_BYTES {
                    return Step::refuse(
                        ErrorCode::TooLarge,
                        format!("a device card may hold at most {MAX_CARD_BYTES} bytes"),
                    );
                }
                match self.store.set_card(team, device, &card) {
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
            (State::Challenged(_), frame) => Step::refuse(
                ErrorCode::Unauthorized,
                format!(
                    "{} after Hello: answer the challenge with Prove",
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

    /// A page of the log as `device` gets it. A device already holds what
    /// it uploaded: its own chunks are skipped (`next` still passes them),
    /// so a device that sent a snapshot never downloads it back.
    fn chunks(&self, device: DeviceId, page: Result<page::Page, StoreError>) -> Step {
        match page {
            Ok(mut page) => {
                page.items.retain(|chunk| chunk.device != device);
                Step::reply(ServerFrame::Chunks {
                    items: page.items,
                    more: page.more,
                    next: page.next,
                })
            }
            Err(error) => refusal(error),
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
        if let Some(reason) = self.limits.team_creation.refusal() {
            return Step::refuse(ErrorCode::TeamCreationClosed, reason);
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

    /// `Hello`: checks that the device id is its key's and challenges the
    /// device to prove it holds that key. Nothing about the team is
    /// answered before the proof.
    fn hello(
        &mut self,
        version: u16,
        team: TeamId,
        device: DeviceId,
        token: AccessToken,
        public_key: DevicePublicKey,
    ) -> Step {
        if let Some(refused) = check_version(version) {
            return refused;
        }
        if DeviceId::of_key(&public_key) != device {
            return Step::refuse(
                ErrorCode::Unauthorized,
                format!(
                    "device {device} is not the id of the key it sent: a device's id is \
                     derived from its public key"
                ),
            );
        }
        let Some((ephemeral, shared)) = challenge(&public_key) else {
            return Step::refuse(
                ErrorCode::BadFrame,
                "the public key is not a P-256 point (uncompressed, 65 bytes, on the curve)",
            );
        };
        let expected = hello_proof(&shared, team, device, &ephemeral);
        self.state = State::Challenged(Box::new(Claim {
            team,
            device,
            token,
            public_key,
            expected,
        }));
        Step::reply(ServerFrame::Challenge { ephemeral })
    }

    /// `Prove`: with the right proof, the `Hello` it answers goes ahead.
    fn prove(&mut self, proof: &Proof) -> Step {
        let State::Challenged(claim) = std::mem::replace(&mut self.state, State::Fresh) else {
            return Step::refuse(ErrorCode::Unauthorized, "Prove without a challenge");
        };
        if *proof != claim.expected {
            return Step::refuse(
                ErrorCode::Unauthorized,
                format!(
                    "device {} did not prove it holds the key its id is derived from",
                    claim.device
                ),
            );
        }
        let Claim {
            team,
            device,
            token,
            public_key,
            ..
        } = *claim;
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
        let joined = self
            .store
            .join(team, device)
            .and_then(|head| self.store.enroll(team, device, &public_key).map(|()| head));
        match joined {
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
        if let Some(refused) = self.check_upload_limits(team, sealed) {
            return refused;
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
            Err(StoreError::Conflict { .. }) => self.seq_taken(team, device, seq),
            Err(error) => refusal(error),
        }
    }

    /// The answer to an upload whose seq `device` already used for other
    /// bytes: the highest seq the relay holds of it, and its chunks from
    /// `seq` on, so that it can seal its upload again past them and get
    /// back what it wrote before (a restored backup; two engines). The
    /// connection stays open. Rare, so a scan of the team's log is fine.
    fn seq_taken(&mut self, team: TeamId, device: DeviceId, seq: Seq) -> Step {
        // Half a frame for the chunks: the rest of the frame is small.
        let mut room = self.max_frame_bytes / 2;
        let (mut highest, mut mine, mut after) = (seq, Vec::new(), Cursor::START);
        loop {
            let budget = crate::store::Budget {
                items: page::MAX_PAGE_ITEMS,
                bytes: self.max_frame_bytes,
            };
            let scan = match self.store.chunks_after(team, after, budget) {
                Ok(scan) => scan,
                Err(error) => return refusal(error),
            };
            after = scan.items.last().map_or(after, |chunk| chunk.cursor);
            for chunk in scan.items {
                if chunk.device != device {
                    continue;
                }
                highest = highest.max(chunk.seq);
                if chunk.seq >= seq && chunk.sealed.len() <= room {
                    room -= chunk.sealed.len();
                    mine.push(chunk);
                }
            }
            if scan.rest.is_none() {
                break;
            }
        }
        info!(%team, %device, %seq, %highest, "a device reused a seq; told it where to go on");
        Step::reply(ServerFrame::SeqTaken { seq, highest, mine })
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
        // Stored as sent and read back as a key at Rekey: a malformed one
        // would make that device's every Hello a storage failure.
        if envelopes.iter().any(|e| !e.admin.is_well_formed()) {
            return Step::refuse(
                ErrorCode::BadFrame,
                "an envelope's admin key is not an uncompressed P-256 point",
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

    /// The disk floor and the team's rate; the store checks the quotas.
    fn check_upload_limits(&self, team: TeamId, sealed: &Sealed) -> Option<Step> {
        if let Some(floor) = &self.limits.free_space
            && let Some(free) = floor.available()
        {
            let needed = floor
                .min_free
                .saturating_add(u64::try_from(sealed.ciphertext.len()).unwrap_or(u64::MAX));
            if free < needed {
                error!(
                    free,
                    floor = floor.min_free,
                    "refused an upload: the disk is nearly full"
                );
                return Some(Step::refuse(
                    ErrorCode::RelayFull,
                    format!(
                        "the relay's disk is nearly full ({} free; it keeps {} free), so it \
                         stored nothing; your device keeps the change and can retry once the \
                         relay's operator has freed space",
                        size(free),
                        size(floor.min_free)
                    ),
                ));
            }
        }
        if let Some(rate) = &self.limits.chunk_rate
            && !rate.take(team)
        {
            return Some(Step::refuse(
                ErrorCode::RateLimited,
                format!(
                    "team {team} uploaded more than the {} chunks a minute this relay allows; \
                     nothing was lost, reconnect in a minute to send the rest",
                    rate.limit()
                ),
            ));
        }
        None
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

/// The largest device card the relay keeps (a rep's name, sealed).
const MAX_CARD_BYTES: usize = 1024;

/// A fresh ephemeral key pair of the relay's: its public key (the
/// challenge) and its ECDH secret with `device_key`. `None` if the device's
/// key is not a point on P-256.
fn challenge(device_key: &DevicePublicKey) -> Option<(DevicePublicKey, [u8; 32])> {
    use p256::elliptic_curve::sec1::ToEncodedPoint;
    let device = p256::PublicKey::from_sec1_bytes(device_key.as_bytes()).ok()?;
    let secret = p256::ecdh::EphemeralSecret::random(&mut rand_core::OsRng);
    let public = secret.public_key().to_encoded_point(false);
    let shared = secret.diffie_hellman(&device);
    let ephemeral = DevicePublicKey::from_bytes(public.as_bytes())?;
    Some((ephemeral, (*shared.raw_secret_bytes()).into()))
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
        StoreError::TeamFull { .. } | StoreError::TooManyDevices { .. } => ErrorCode::QuotaExceeded,
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
    use crate::{SqliteStore, TestDevice};

    const TEAM: TeamId = TeamId::from_bytes([1; 16]);

    fn phone() -> TestDevice {
        TestDevice::from_seed(2)
    }
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
        hello_as(&phone(), &TeamKey::from_bytes([5; 32]))
    }

    /// Says `hello` and answers the challenge as `device`: the step after.
    fn join(session: &mut Session, device: &TestDevice, hello: ClientFrame) -> Step {
        let challenged = send(session, hello);
        let [ServerFrame::Challenge { ephemeral }] = &challenged.frames[..] else {
            return challenged;
        };
        let proof = device.prove(TEAM, ephemeral).unwrap();
        send(session, ClientFrame::Prove { proof })
    }

    fn join_phone(session: &mut Session) -> Step {
        join(session, &phone(), hello())
    }

    fn join_phone_with(session: &mut Session, hello: ClientFrame) -> Step {
        join(session, &phone(), hello)
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
        let welcome = join_phone(&mut session);
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
                device: phone().id(),
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

    /// A device that reuses a seq for other bytes (restored from an older
    /// backup) is told the highest seq it used and gets its own chunks from
    /// that seq on; nothing is stored and the connection stays open.
    #[test]
    fn a_taken_seq_says_where_the_device_stands() {
        let (_dir, mut session) = session();
        send(&mut session, create());
        join_phone(&mut session);
        for seq in 1..=4 {
            let upload = ClientFrame::Upload {
                seq: Seq(seq),
                kind: ChunkKind::Change,
                sealed: sealed(seq as u8),
            };
            send(&mut session, upload);
        }
        let reused = ClientFrame::Upload {
            seq: Seq(2),
            kind: ChunkKind::Change,
            sealed: sealed(9),
        };
        let step = send(&mut session, reused);
        assert!(!step.close);
        assert_eq!(step.effect, None);
        let [ServerFrame::SeqTaken { seq, highest, mine }] = step.frames.as_slice() else {
            panic!("{step:?}");
        };
        assert_eq!((*seq, *highest), (Seq(2), Seq(4)));
        let seqs: Vec<u64> = mine.iter().map(|chunk| chunk.seq.0).collect();
        assert_eq!(seqs, [2, 3, 4]);
        assert_eq!(
            mine[0].sealed,
            sealed(2),
            "the relay's bytes, not the reused ones"
        );
        // Past the highest, the device uploads again.
        let next = ClientFrame::Upload {
            seq: Seq(5),
            kind: ChunkKind::Change,
            sealed: sealed(9),
        };
        assert!(matches!(
            send(&mut session, next).frames.as_slice(),
            [ServerFrame::Ack { seq: Seq(5), .. }]
        ));
    }

    fn point(byte: u8) -> rapport_protocol::DevicePublicKey {
        let mut bytes = [byte; rapport_protocol::PUBLIC_KEY_LEN];
        bytes[0] = 0x04;
        rapport_protocol::DevicePublicKey::from_bytes(&bytes).unwrap()
    }

    fn hello_as(device: &TestDevice, key: &TeamKey) -> ClientFrame {
        ClientFrame::Hello {
            version: PROTOCOL_VERSION,
            team: TEAM,
            device: device.id(),
            token: access_token(key, TEAM),
            public_key: device.public_key(),
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
        let (laptop_key, lost_key) = (TestDevice::from_seed(3), TestDevice::from_seed(4));
        let (laptop_id, lost_id) = (laptop_key.id(), lost_key.id());
        send(&mut admin, create());
        join_phone(&mut admin);
        let connect = |device: &TestDevice| {
            let mut session = Session::new(store.clone(), 1024);
            let welcome = join(&mut session, device, hello_as(device, &old_key));
            assert!(matches!(welcome.frames[..], [ServerFrame::Welcome { .. }]));
            session
        };
        let mut laptop = connect(&laptop_key);
        let _lost = connect(&lost_key);
        // A card goes with the key; a newer one replaces it.
        for card in [sealed(1), sealed(2)] {
            let enroll = ClientFrame::Enroll { card };
            assert_eq!(send(&mut laptop, enroll).frames, [ServerFrame::Enrolled]);
        }

        let revoke = ClientFrame::Revoke {
            admin_secret: SECRET,
            device: lost_id,
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
            devices
                .iter()
                .map(|d| (d.device, d.public_key.clone(), d.card.clone()))
                .collect::<Vec<_>>(),
            [
                (phone().id(), phone().public_key(), None),
                (laptop_id, laptop_key.public_key(), Some(sealed(2)))
            ],
            "the devices that are not revoked, with the keys they proved and their cards"
        );

        let envelope = Envelope {
            device: laptop_id,
            ephemeral: point(7),
            admin: phone().public_key(),
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
        join_phone(&mut stale);
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
        let rekey = join(&mut back, &laptop_key, hello_as(&laptop_key, &old_key));
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
        let welcome = join(&mut back, &laptop_key, hello_as(&laptop_key, &new_key));
        assert!(
            matches!(&welcome.frames[..], [ServerFrame::Welcome { .. }, c] if *c == chain),
            "after a rotation the chain follows Welcome: {:?}",
            welcome.frames
        );
        assert_eq!(send(&mut back, ClientFrame::KeyChain).frames, [chain]);

        // The removed device, with the old token or as another device id,
        // gets no envelope and no entry.
        for device in [lost_key, TestDevice::from_seed(5)] {
            let mut outsider = Session::new(store.clone(), 1024);
            let refused = join(&mut outsider, &device, hello_as(&device, &old_key));
            assert_eq!(
                error_code(&refused),
                Some(ErrorCode::Unauthorized),
                "{device:?}"
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
            error_code(&join_phone(&mut session)),
            Some(ErrorCode::UnknownTeam)
        );

        send(&mut session, create());
        let mut again = Session::new(session.store.clone(), 1024);
        assert_eq!(
            error_code(&send(&mut again, create())),
            Some(ErrorCode::TeamExists)
        );

        let mut wrong = Session::new(session.store.clone(), 1024);
        let mut bad_token = hello();
        if let ClientFrame::Hello { token, .. } = &mut bad_token {
            *token = AccessToken::from_bytes([0; 32]);
        }
        assert_eq!(
            error_code(&join_phone_with(&mut wrong, bad_token)),
            Some(ErrorCode::Unauthorized)
        );

        let mut old = Session::new(session.store.clone(), 1024);
        let mut old_version = hello();
        if let ClientFrame::Hello { version, .. } = &mut old_version {
            *version = 0;
        }
        assert_eq!(
            error_code(&send(&mut old, old_version)),
            Some(ErrorCode::UnsupportedVersion)
        );

        let mut joined = Session::new(session.store.clone(), 1024);
        join_phone(&mut joined);
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
        join_phone(&mut admin);
        let guess = ClientFrame::Revoke {
            admin_secret: AdminSecret::from_bytes([0; 32]),
            device: phone().id(),
        };
        assert_eq!(
            error_code(&send(&mut admin, guess)),
            Some(ErrorCode::Unauthorized)
        );
    }

    #[test]
    fn limits_refuse_large_frames_before_hello_and_creation_without_the_right() {
        let (_dir, session) = session();
        let store = session.store.clone();
        let limits = Limits {
            before_hello_bytes: 150,
            team_creation: crate::CreationRight::SecretMissing,
            ..Limits::none()
        };
        let mut stranger = Session::new(store.clone(), 1024).with_limits(limits.clone());
        assert_eq!(
            error_code(&stranger.handle(&[0; 151])),
            Some(ErrorCode::TooLarge)
        );
        let mut creator = Session::new(store.clone(), 1024).with_limits(limits.clone());
        assert_eq!(
            error_code(&send(&mut creator, create())),
            Some(ErrorCode::TeamCreationClosed)
        );
        assert!(
            store.credentials(TEAM).unwrap().is_none(),
            "nothing created"
        );

        // With the right, the same frames pass; after Hello, frames up to
        // the session's own limit do.
        let allowed = Limits {
            team_creation: crate::CreationRight::Allowed,
            ..limits
        };
        let mut admin = Session::new(store, 1024).with_limits(allowed);
        assert!(!send(&mut admin, create()).close);
        assert!(!join_phone(&mut admin).close);
        let upload = ClientFrame::Upload {
            seq: Seq(1),
            kind: ChunkKind::Change,
            sealed: Sealed {
                nonce: [0; 24],
                ciphertext: vec![1; 500],
            },
        };
        assert!(matches!(
            send(&mut admin, upload).frames[..],
            [ServerFrame::Ack { .. }]
        ));
    }

    #[test]
    fn revoke_and_rotate_need_the_admin_secret_and_say_so() {
        let (_dir, mut session) = session();
        send(&mut session, create());
        join_phone(&mut session);
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

    /// A member who knows the team key and a colleague's public key (both
    /// easy to have) cannot be that colleague: not under the colleague's id
    /// with a key of their own, and not with the colleague's key without its
    /// private half. Nothing is answered about the team before the proof.
    #[test]
    fn a_device_id_is_its_keys_and_only_its_holder_can_use_it() {
        let (_dir, mut session) = session();
        send(&mut session, create());
        join_phone(&mut session);
        let store = session.store.clone();
        let colleague = TestDevice::from_seed(3);
        let squatter = TestDevice::from_seed(4);

        // The colleague's id with the squatter's key: refused at once.
        let mut claim = hello_as(&squatter, &TeamKey::from_bytes([5; 32]));
        if let ClientFrame::Hello { device, .. } = &mut claim {
            *device = colleague.id();
        }
        let mut attempt = Session::new(store.clone(), 1024);
        assert_eq!(
            error_code(&send(&mut attempt, claim)),
            Some(ErrorCode::Unauthorized)
        );

        // The colleague's id and key, but the squatter answers the challenge.
        let mut attempt = Session::new(store.clone(), 1024);
        let hello = hello_as(&colleague, &TeamKey::from_bytes([5; 32]));
        let challenged = send(&mut attempt, hello);
        assert!(
            matches!(&challenged.frames[..], [ServerFrame::Challenge { .. }]),
            "only a challenge before the proof: {:?}",
            challenged.frames
        );
        let [ServerFrame::Challenge { ephemeral }] = &challenged.frames[..] else {
            unreachable!()
        };
        let forged = squatter.prove(TEAM, ephemeral).unwrap();
        assert_eq!(
            error_code(&send(&mut attempt, ClientFrame::Prove { proof: forged })),
            Some(ErrorCode::Unauthorized)
        );
        // A proof of an earlier challenge does not answer a new one.
        let replayed = colleague.prove(TEAM, ephemeral).unwrap();
        let mut again = Session::new(store.clone(), 1024);
        send(
            &mut again,
            hello_as(&colleague, &TeamKey::from_bytes([5; 32])),
        );
        assert_eq!(
            error_code(&send(&mut again, ClientFrame::Prove { proof: replayed })),
            Some(ErrorCode::Unauthorized)
        );
        // Frames other than Prove wait for it.
        let mut early = Session::new(store.clone(), 1024);
        send(
            &mut early,
            hello_as(&colleague, &TeamKey::from_bytes([5; 32])),
        );
        let fetch = ClientFrame::Fetch {
            after: Cursor(0),
            limit: 1,
        };
        assert_eq!(
            error_code(&send(&mut early, fetch)),
            Some(ErrorCode::Unauthorized)
        );
        // None of it made the colleague a device of the team; the colleague
        // itself still joins.
        let devices = store.devices(TEAM).unwrap();
        assert_eq!(
            devices.iter().map(|d| d.device).collect::<Vec<_>>(),
            [phone().id()]
        );
        let mut real = Session::new(store, 1024);
        let welcome = join(
            &mut real,
            &colleague,
            hello_as(&colleague, &TeamKey::from_bytes([5; 32])),
        );
        assert!(matches!(welcome.frames[..], [ServerFrame::Welcome { .. }]));
    }

    #[test]
    fn a_key_that_is_not_a_point_is_refused() {
        let (_dir, mut session) = session();
        send(&mut session, create());
        let key = point(1);
        let hello = ClientFrame::Hello {
            version: PROTOCOL_VERSION,
            team: TEAM,
            device: DeviceId::of_key(&key),
            token: token(),
            public_key: key,
        };
        assert_eq!(
            error_code(&send(&mut session, hello)),
            Some(ErrorCode::BadFrame)
        );
    }
}
