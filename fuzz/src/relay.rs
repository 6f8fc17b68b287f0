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
//! - anything else is answered in kind (see [`answers`]): an `Ack` only for
//!   an `Upload`, with its seq; a `Welcome` only for a `Hello`; and so on;
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

use rapport_protocol::{ClientFrame, DeviceId, ErrorCode, ServerFrame, admin_hash, token_hash};
use rapport_relay::{Effect, Session, SqliteStore, Step, Store};

use crate::script::{self, CONNECTIONS};
use crate::team::{self, KEYS, SECRET, TEAM};

/// The frame size limit the sessions run with: small, so that `TooLarge`
/// is reachable, yet above every frame a [`Spec`](crate::spec::Spec) builds.
pub const MAX_FRAME_BYTES: usize = 2048;

/// One connection: its session, and the device it joined as.
struct Connection {
    session: Session,
    joined: Option<DeviceId>,
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
            .map(|_| Connection {
                session: fresh(&self.store),
                joined: None,
            })
            .collect();
    }

    /// Sends one message on `connection` and checks the step, panicking with
    /// the property it breaks.
    pub fn send(&mut self, connection: usize, bytes: &[u8]) -> Step {
        let request = ClientFrame::decode(bytes).ok();
        let joined = self.connections[connection].joined;
        let step = self.connections[connection].session.handle(bytes);
        check(request.as_ref(), joined, &step);
        self.carry_out(connection, &step);
        step
    }

    /// Closes `connection`; the next frame on it opens a new session.
    pub fn reconnect(&mut self, connection: usize) {
        self.connections[connection] = Connection {
            session: fresh(&self.store),
            joined: None,
        };
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

fn fresh(store: &Arc<SqliteStore>) -> Session {
    Session::new(store.clone(), MAX_FRAME_BYTES)
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
        match record.bytes() {
            Some(bytes) => {
                relay.send(record.connection(), &bytes);
            }
            None => relay.reconnect(record.connection()),
        }
    }
}

/// Checks one step against the frame that caused it (`None`: the bytes did
/// not decode) on a connection joined as `joined`.
pub fn check(request: Option<&ClientFrame>, joined: Option<DeviceId>, step: &Step) {
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
    if errors == 1 {
        assert!(
            step.effect.is_none(),
            "a refused {} has an effect: {step:?}",
            request.name()
        );
        return;
    }
    assert!(
        answers(request, &step.frames),
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
    if let (ClientFrame::Fetch { after, .. }, [ServerFrame::Chunks { items, more, next }]) =
        (request, &step.frames[..])
    {
        assert!(
            items.iter().all(|chunk| Some(chunk.device) != joined),
            "a page holds the fetching device's own chunks"
        );
        assert!(
            !*more || next > after,
            "a page says more but next {next} does not pass after {after}"
        );
    }
}

/// Whether `frames` is an answer to `request` that was not refused. The
/// one place to edit when a frame's answer changes (e.g. a handshake).
pub fn answers(request: &ClientFrame, frames: &[ServerFrame]) -> bool {
    use ClientFrame as C;
    use ServerFrame as S;
    match (request, frames) {
        (C::Hello { .. }, [S::Welcome { .. }] | [S::Welcome { .. }, S::KeyChain { .. }]) => true,
        (C::Hello { .. }, [S::Rekey { .. }]) => true,
        (C::CreateTeam { .. }, []) => true,
        (C::Upload { seq, .. }, [S::Ack { seq: acked, .. }]) => seq == acked,
        (C::Fetch { .. }, [S::Chunks { .. }]) => true,
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

    fn steps(relay: &mut Relay, data: &[u8]) -> Vec<String> {
        script::parse(data)
            .into_iter()
            .map(|record| match record.bytes() {
                Some(bytes) => format!("{:?}", relay.send(record.connection(), &bytes)),
                None => {
                    relay.reconnect(record.connection());
                    "reconnect".into()
                }
            })
            .collect()
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
