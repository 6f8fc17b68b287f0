//! Runs a [`script`](crate::script) against the relay's real [`Session`]s
//! over a fresh SQLite store, and checks each [`Step`] they return.
//!
//! The properties, checked after every frame:
//!
//! - nothing panics (in the session, the page logic or the store);
//! - an `Error` frame is the last of its step, and the step closes; a step
//!   that closes ends with an `Error` saying why;
//! - the store never fails (`Internal`): whatever a device sends is either
//!   stored or refused as the device's fault;
//! - bytes that do not decode are refused as `BadFrame` or `TooLarge`;
//! - anything else is answered in kind (see [`answers`]): a `Challenge`
//!   for a `Hello`; a `Welcome` only for a `Prove` with the right proof; an
//!   `Ack` or a `SeqTaken` (which leaves the connection open) only for an
//!   `Upload`, with its seq; and so on;
//! - a `Hello` whose device is not the id of its key is refused
//!   (`Unauthorized` before joining), and so is a wrong proof: the
//!   connection closes without joining;
//! - an effect goes with the frame that announces it (`Landed` with an
//!   `Ack`, `Rotated` with `TokenRotated` or `KeyRotated`, …);
//! - every frame sent encodes and decodes back to itself;
//! - a `Chunks` page never holds the device's own chunks, and one that says
//!   `more` moves `next` past `after` (else a device would fetch forever).
//!
//! Between frames the harness does what the connection task and the hub
//! would: a step that closes ends its connection (the next frame on it
//! opens a new session), and a revocation or rotation closes the team's
//! other connections concerned.

use std::sync::Arc;

use rapport_protocol::{
    ClientFrame, DeviceId, ErrorCode, PROTOCOL_VERSION, Proof, ServerFrame, admin_hash, token_hash,
};
use rapport_relay::{Effect, Session, SqliteStore, Step, Store};

use crate::script::{self, CONNECTIONS};
use crate::script::Record;
use crate::team::{self, Challenge, KEYS, SECRET, TEAM};

/// The frame size limit the sessions run with: small, so that `TooLarge`
/// is reachable, yet above every frame a [`Spec`](crate::spec::Spec) builds.
pub const MAX_FRAME_BYTES: usize = 2048;

/// One connection: its session, the device it joined as, and the last
/// challenge it got.
struct Connection {
    session: Session,
    joined: Option<DeviceId>,
    challenge: Option<Challenge>,
}

impl Connection {
    fn new(store: &Arc<SqliteStore>) -> Connection {
        Connection {
            session: Session::new(store.clone(), MAX_FRAME_BYTES),
            joined: None,
            challenge: None,
        }
    }
}

/// What the harness knows of a connection before a frame: what [`check`]
/// judges the step by.
#[derive(Clone, Copy, Debug, Default)]
pub struct Before {
    /// The device the connection joined as, if it did.
    pub joined: Option<DeviceId>,
    /// The proof that answers its last challenge, if it got one.
    pub expected: Option<Proof>,
}

/// A relay with one team and a few connections to it.
pub struct Relay {
    store: Arc<SqliteStore>,
    connections: Vec<Connection>,
    /// Another connection to the store's file, to empty it.
    admin: rusqlite::Connection,
    // Dropped last: the store's files live here.
    _dir: tempfile::TempDir,
}

impl Relay {
    /// A fresh store (in `TMPDIR`, else on tmpfs where there is one: the
    /// store syncs every write, which a disk would make the fuzzer's
    /// bottleneck) holding
    /// [`TEAM`] under the first of [`KEYS`] and [`SECRET`].
    pub fn new() -> Relay {
        let mut builder = tempfile::Builder::new();
        builder.prefix("rapport-fuzz-");
        // libFuzzer ends the process with exit(), which skips the folder's
        // removal: scripts/fuzz.sh sets TMPDIR to a folder it removes.
        let shm = std::path::Path::new("/dev/shm");
        let dir = if std::env::var_os("TMPDIR").is_none() && shm.is_dir() {
            builder.tempdir_in(shm)
        } else {
            builder.tempdir()
        }
        .expect("a temporary folder");
        let path = dir.path().join("relay.sqlite3");
        let store = Arc::new(SqliteStore::open(&path).expect("a fresh store"));
        let admin = rusqlite::Connection::open(&path).expect("a second connection");
        // The bundled SQLite turns them on by default.
        admin
            .pragma_update(None, "foreign_keys", false)
            .expect("foreign keys off");
        let mut relay = Relay {
            store,
            connections: Vec::new(),
            admin,
            _dir: dir,
        };
        relay.reset();
        relay
    }

    /// Back to the state [`Relay::new`] makes: every row of every table
    /// deleted, the team created again, every connection new. Several
    /// times faster than a new file, and as deterministic (this
    /// connection has foreign keys off, so the order does not matter).
    pub fn reset(&mut self) {
        let tables: Vec<String> = self
            .admin
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
            .and_then(|mut statement| {
                statement
                    .query_map([], |row| row.get(0))?
                    .collect::<Result<_, _>>()
            })
            .expect("the store's tables");
        let wipe: String = tables
            .iter()
            .map(|table| format!("DELETE FROM \"{table}\";"))
            .collect();
        self.admin
            .execute_batch(&format!("BEGIN; {wipe} COMMIT;"))
            .expect("an empty store");
        self.store
            .create_team(
                TEAM,
                token_hash(&team::token(&KEYS[0])),
                admin_hash(&SECRET),
            )
            .expect("the team");
        self.connections = (0..CONNECTIONS)
            .map(|_| Connection::new(&self.store))
            .collect();
    }

    /// Plays one record: sends its frame (a `Prove` spec answering the
    /// connection's last challenge) and returns the checked step, or
    /// reconnects.
    pub fn play(&mut self, record: &Record) -> Option<Step> {
        let connection = record.connection();
        match record.bytes(self.connections[connection].challenge.as_ref()) {
            Some(bytes) => Some(self.send(connection, &bytes)),
            None => {
                self.reconnect(connection);
                None
            }
        }
    }

    /// Sends one message on `connection` and checks the step, panicking with
    /// the property it breaks.
    pub fn send(&mut self, connection: usize, bytes: &[u8]) -> Step {
        let request = ClientFrame::decode(bytes).ok();
        let before = Before {
            joined: self.connections[connection].joined,
            expected: self.connections[connection]
                .challenge
                .as_ref()
                .and_then(Challenge::proof),
        };
        let step = self.connections[connection].session.handle(bytes);
        check(request.as_ref(), before, &step);
        if let (
            Some(ClientFrame::Hello { team, device, .. }),
            [ServerFrame::Challenge { ephemeral }],
        ) = (&request, &step.frames[..])
        {
            self.connections[connection].challenge =
                Some(Challenge::new(*team, *device, ephemeral.clone()));
        }
        self.carry_out(connection, &step);
        step
    }

    /// Closes `connection`; the next frame on it opens a new session.
    pub fn reconnect(&mut self, connection: usize) {
        self.connections[connection] = Connection::new(&self.store);
    }

    fn carry_out(&mut self, connection: usize, step: &Step) {
        match step.effect {
            Some(Effect::Joined { device, .. }) => {
                self.connections[connection].joined = Some(device);
            }
            Some(Effect::Revoked { device }) => {
                for other in 0..CONNECTIONS {
                    if other != connection && self.connections[other].joined == Some(device) {
                        self.reconnect(other);
                    }
                }
            }
            Some(Effect::Rotated) => {
                for other in 0..CONNECTIONS {
                    if other != connection && self.connections[other].joined.is_some() {
                        self.reconnect(other);
                    }
                }
            }
            Some(Effect::Landed { .. }) | None => {}
        }
        if step.close {
            self.reconnect(connection);
        }
    }
}

impl Default for Relay {
    fn default() -> Self {
        Relay::new()
    }
}

thread_local! {
    /// The target's relay, reset before each input.
    static RELAY: std::cell::RefCell<Option<Relay>> = const { std::cell::RefCell::new(None) };
}

/// The `session` target: a fresh relay (the same one, reset), then every
/// record of `data`.
pub fn run(data: &[u8]) {
    RELAY.with_borrow_mut(|relay| {
        let relay = relay.get_or_insert_with(Relay::new);
        relay.reset();
        run_on(relay, data);
    });
}

/// Every record of `data` on `relay`.
pub fn run_on(relay: &mut Relay, data: &[u8]) {
    for record in script::parse(data) {
        relay.play(&record);
    }
}

/// Checks one step against the frame that caused it (`None`: the bytes did
/// not decode) on a connection in the state `before`.
pub fn check(request: Option<&ClientFrame>, before: Before, step: &Step) {
    let errors = step
        .frames
        .iter()
        .filter(|frame| matches!(frame, ServerFrame::Error { .. }))
        .count();
    let ends_in_error = matches!(step.frames.last(), Some(ServerFrame::Error { .. }));
    assert!(
        errors == 0 || (errors == 1 && ends_in_error && step.close),
        "an Error frame must be the step's last and close it: {step:?}"
    );
    assert!(
        !step.close || ends_in_error,
        "a step closed without an Error saying why: {step:?}"
    );
    // The store is healthy, so `Internal` means a frame reached it in a
    // form it cannot keep: the frame should have been refused as bad.
    assert!(
        !step.frames.iter().any(|frame| matches!(
            frame,
            ServerFrame::Error {
                code: ErrorCode::Internal,
                ..
            }
        )),
        "a frame made the relay's storage fail: {request:?} {step:?}"
    );
    for frame in &step.frames {
        assert!(
            ServerFrame::decode(&frame.encode()).is_ok_and(|again| again == *frame),
            "a frame the relay sends does not decode back: {frame:?}"
        );
    }

    let Some(request) = request else {
        assert!(
            matches!(
                step.frames[..],
                [ServerFrame::Error {
                    code: ErrorCode::BadFrame | ErrorCode::TooLarge,
                    ..
                }]
            ),
            "bytes that do not decode must be refused as BadFrame or TooLarge: {step:?}"
        );
        assert!(step.effect.is_none(), "{step:?}");
        return;
    };
    let refused = |code: ErrorCode| {
        matches!(step.frames[..], [ServerFrame::Error { code: got, .. }] if got == code)
    };
    match request {
        ClientFrame::Hello {
            version,
            device,
            public_key,
            ..
        } if DeviceId::of_key(public_key) != *device => assert!(
            errors == 1
                && (before.joined.is_some()
                    || *version != PROTOCOL_VERSION
                    || refused(ErrorCode::Unauthorized)),
            "a Hello whose device is not its key's id must be refused as Unauthorized: {step:?}"
        ),
        ClientFrame::Prove { proof } if before.expected != Some(*proof) => assert!(
            errors == 1 && (before.joined.is_some() || refused(ErrorCode::Unauthorized)),
            "a wrong proof must be refused as Unauthorized: {step:?}"
        ),
        _ => {}
    }
    if errors == 1 {
        assert!(
            step.effect.is_none(),
            "a refused {} has an effect: {step:?}",
            request.name()
        );
        return;
    }
    assert!(
        answers(request, before.expected, &step.frames),
        "{} answered with {:?}",
        request.name(),
        step.frames
    );
    assert!(
        effect_fits(step),
        "effect {:?} with {:?}",
        step.effect,
        step.frames
    );
    match (request, &step.frames[..]) {
        (
            ClientFrame::Fetch { after, .. } | ClientFrame::FetchAll { after, .. },
            [ServerFrame::Chunks { items, more, next }],
        ) => {
            assert!(
                items.iter().all(|chunk| Some(chunk.device) != before.joined),
                "a page holds the fetching device's own chunks"
            );
            assert!(
                !*more || next > after,
                "a page says more but next {next} does not pass after {after}"
            );
        }
        (ClientFrame::Upload { .. }, [ServerFrame::SeqTaken { seq, highest, mine }]) => {
            assert!(!step.close, "SeqTaken closed the connection: {step:?}");
            assert!(highest >= seq, "SeqTaken: highest {highest} under seq {seq}");
            assert!(
                mine.iter()
                    .all(|chunk| Some(chunk.device) == before.joined && chunk.seq >= *seq),
                "SeqTaken holds chunks not the device's, or before the seq: {step:?}"
            );
        }
        _ => {}
    }
}

/// Whether `frames` is an answer to `request` that was not refused, on a
/// connection whose last challenge `expected` answers. The one place to
/// edit when a frame's answer changes (e.g. a handshake).
pub fn answers(request: &ClientFrame, expected: Option<Proof>, frames: &[ServerFrame]) -> bool {
    use ClientFrame as C;
    use ServerFrame as S;
    match (request, frames) {
        (C::Hello { .. }, [S::Challenge { .. }]) => true,
        (
            C::Prove { proof },
            [S::Welcome { .. }] | [S::Welcome { .. }, S::KeyChain { .. }] | [S::Rekey { .. }],
        ) => expected == Some(*proof),
        (C::CreateTeam { .. }, []) => true,
        (C::Upload { seq, .. }, [S::Ack { seq: acked, .. }]) => seq == acked,
        (C::Upload { seq, .. }, [S::SeqTaken { seq: taken, .. }]) => seq == taken,
        (C::Fetch { .. } | C::FetchAll { .. }, [S::Chunks { .. }]) => true,
        (C::Revoke { device, .. }, [S::DeviceRevoked { device: revoked }]) => device == revoked,
        (C::Rotate { .. }, [S::TokenRotated]) => true,
        (C::ListDevices { .. }, [S::Devices { .. }]) => true,
        (C::Enroll { .. }, [S::Enrolled]) => true,
        (C::DeviceKeys { .. }, [S::DeviceKeys { .. }]) => true,
        (C::RotateKey { epoch, .. }, [S::KeyRotated { epoch: rotated }]) => epoch == rotated,
        (C::KeyChain, [S::KeyChain { .. }]) => true,
        _ => false,
    }
}

/// Whether the step's effect goes with its frames.
fn effect_fits(step: &Step) -> bool {
    use ServerFrame as S;
    match (&step.effect, step.frames.first()) {
        (None, _) => true,
        (Some(Effect::Joined { head, .. }), Some(S::Welcome { head: welcome, .. })) => {
            head == welcome
        }
        (Some(Effect::Landed { head }), Some(S::Ack { cursor, .. })) => head == cursor,
        (Some(Effect::Revoked { device }), Some(S::DeviceRevoked { device: revoked })) => {
            device == revoked
        }
        (Some(Effect::Rotated), Some(S::TokenRotated | S::KeyRotated { .. })) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What each record's step was, the relay's random challenge keys
    /// left out (everything else is deterministic).
    fn steps(relay: &mut Relay, data: &[u8]) -> Vec<String> {
        script::parse(data)
            .into_iter()
            .map(|record| match relay.play(&record) {
                Some(step) => {
                    let frames: Vec<String> = step
                        .frames
                        .iter()
                        .map(|frame| match frame {
                            ServerFrame::Challenge { .. } => "Challenge".into(),
                            frame => format!("{frame:?}"),
                        })
                        .collect();
                    format!("{frames:?} {:?} {}", step.effect, step.close)
                }
                None => "reconnect".into(),
            })
            .collect()
    }

    fn step(frames: Vec<ServerFrame>, close: bool) -> Step {
        Step {
            frames,
            effect: None,
            close,
        }
    }

    fn welcome() -> ServerFrame {
        ServerFrame::Welcome {
            head: rapport_protocol::Cursor(0),
            snapshot: None,
        }
    }

    /// The checks bite: a relay that welcomed a wrong proof would fail.
    #[test]
    #[should_panic(expected = "a wrong proof must be refused")]
    fn a_welcome_for_a_wrong_proof_breaks_a_property() {
        let prove = ClientFrame::Prove {
            proof: Proof::from_bytes([1; 32]),
        };
        let before = Before {
            joined: None,
            expected: Some(Proof::from_bytes([2; 32])),
        };
        check(Some(&prove), before, &step(vec![welcome()], false));
    }

    /// And one that challenged a device named by another key's id.
    #[test]
    #[should_panic(expected = "not its key's id")]
    fn a_challenge_for_a_borrowed_key_breaks_a_property() {
        let devices = &*team::DEVICES;
        let hello = team::hello(
            TEAM,
            devices[0].id,
            devices[1].public_key.clone(),
            team::token(&KEYS[0]),
        );
        let challenge = ServerFrame::Challenge {
            ephemeral: devices[2].public_key.clone(),
        };
        check(Some(&hello), Before::default(), &step(vec![challenge], false));
    }

    /// The right proof may be welcomed.
    #[test]
    fn the_right_answers_hold_the_properties() {
        let proof = Proof::from_bytes([2; 32]);
        let before = Before {
            joined: None,
            expected: Some(proof),
        };
        check(
            Some(&ClientFrame::Prove { proof }),
            before,
            &step(vec![welcome()], false),
        );
    }

    /// A reset relay answers exactly as a new one: a crash found after
    /// many inputs replays alone.
    #[test]
    fn a_reset_relay_is_a_new_one() {
        let seeds: Vec<_> = crate::seeds::all()
            .into_iter()
            .find(|(target, _)| *target == "session")
            .unwrap()
            .1;
        let mut reused = Relay::new();
        for (name, data) in &seeds {
            for (_, other) in &seeds {
                run_on(&mut reused, other);
            }
            reused.reset();
            assert_eq!(
                steps(&mut reused, data),
                steps(&mut Relay::new(), data),
                "{name}"
            );
        }
    }
}
