//! P2: what a device that comes back with 1, 100 and 10,000 new changes
//! costs on the wire, on a long history (L: 137k changes), through Rapport's
//! relay protocol — side by side with automerge's own sync protocol on the
//! same documents, in the same run.
//!
//!     cargo run --release -p rapport-bench --example reconnect -- L
//!
//! Rapport: the real `SyncEngine` of two devices and the relay's real
//! `Session` over `SqliteStore`, in memory (no sockets). Bytes are whole
//! WebSocket messages (frames) both ways, for the device that comes back and
//! for a colleague's device that receives its changes.
//!
//! Automerge: `generate_sync_message`/`receive_sync_message` between two
//! documents until both are quiet, once with fresh sync states (a peer that
//! keeps no state per device, as a relay serving many devices would) and
//! once with states persisted from an earlier sync (the best case).

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use automerge::sync::{State, SyncDoc};
use automerge::{ActorId, AutoCommit};
use rapport::document::Workspace;
use rapport::domain::{TouchDraft, TouchKind};
use rapport::sync::{Action, EngineState, SyncEngine};
use rapport_bench::generated_at;
use rapport_protocol::{
    AdminSecret, ClientFrame, PROTOCOL_VERSION, TeamId, TeamKey, access_token, admin_hash,
    token_hash,
};
use rapport_relay::{DEFAULT_MAX_FRAME_BYTES, Effect, Session, SqliteStore, TestDevice};

const TEAM: TeamId = TeamId::from_bytes([0x7e; 16]);
const KEY: [u8; 32] = [0x42; 32];

/// One device: its workspace, engine, and connection (if any).
struct Device {
    identity: TestDevice,
    ws: Workspace,
    engine: SyncEngine,
    session: Option<Session>,
    up: VecDeque<Vec<u8>>,
    down: VecDeque<Vec<u8>>,
    sent: usize,
    received: usize,
    nonce: u64,
}

impl Device {
    fn new(ws: Workspace, id: u8) -> Device {
        let identity = TestDevice::from_seed(id);
        let engine = SyncEngine::new(
            TEAM,
            identity.id(),
            TeamKey::from_bytes(KEY),
            EngineState::default(),
        )
        .with_public_key(identity.public_key());
        Device {
            identity,
            ws,
            engine,
            session: None,
            up: VecDeque::new(),
            down: VecDeque::new(),
            sent: 0,
            received: 0,
            nonce: u64::from(id) << 40,
        }
    }

    fn nonce(&mut self) -> [u8; 24] {
        self.nonce += 1;
        let mut n = [0u8; 24];
        n[..8].copy_from_slice(&self.nonce.to_le_bytes());
        n
    }

    fn run(&mut self, actions: Vec<Action>) {
        let mut queue: std::collections::VecDeque<Action> = actions.into();
        while let Some(action) = queue.pop_front() {
            match action {
                Action::Send(bytes) => self.up.push_back(bytes),
                Action::Apply { page, items } => {
                    for result in self.ws.apply_all(&items) {
                        result.expect("every chunk applies");
                    }
                    queue.extend(self.engine.applied(page));
                }
                Action::Report(e) => panic!("engine reported {e}"),
                Action::Persist(_)
                | Action::Status(_)
                | Action::Settled
                | Action::Devices(_)
                | Action::Keys { .. }
                | Action::DeviceKeys(_) => {}
                Action::Unwrap { .. } | Action::Reseal { .. } => {
                    panic!("no key rotation or reused seq in this bench")
                }
                Action::Prove { ephemeral } => {
                    let shared = self.identity.shared(&ephemeral).expect("a point");
                    let more = self.engine.prove(&ephemeral, &shared);
                    self.run(more);
                }
            }
        }
    }

    fn connect(&mut self, store: &Arc<SqliteStore>) {
        self.session = Some(Session::new(store.clone(), DEFAULT_MAX_FRAME_BYTES));
        let actions = self.engine.connected();
        self.run(actions);
    }

    fn disconnect(&mut self) {
        self.session = None;
        self.up.clear();
        self.down.clear();
        let actions = self.engine.disconnected();
        self.run(actions);
    }
}

/// Delivers frames both ways until every connection is quiet; a chunk that
/// lands notifies the other connected devices.
fn settle(devices: &mut [Device]) {
    loop {
        let mut moved = false;
        for n in 0..devices.len() {
            while let Some(bytes) = devices[n].up.pop_front() {
                moved = true;
                devices[n].sent += bytes.len();
                let step = devices[n]
                    .session
                    .as_mut()
                    .expect("connected")
                    .handle(&bytes);
                for frame in &step.frames {
                    devices[n].down.push_back(frame.encode());
                }
                if let Some(Effect::Landed { head }) = step.effect {
                    for (m, other) in devices.iter_mut().enumerate() {
                        if m != n && other.session.is_some() {
                            other
                                .down
                                .push_back(rapport_protocol::ServerFrame::Notify { head }.encode());
                        }
                    }
                }
            }
            while let Some(bytes) = devices[n].down.pop_front() {
                moved = true;
                devices[n].received += bytes.len();
                let actions = devices[n].engine.received(&bytes);
                devices[n].run(actions);
            }
        }
        if !moved {
            return;
        }
    }
}

fn touch(ws: &mut Workspace, account: rapport::domain::AccountId, i: usize) -> Vec<u8> {
    let draft = TouchDraft {
        kind: TouchKind::Visit,
        day: "2026-11-27".into(),
        contact: None,
        note: format!("Визит {i}: обсудили поставку к праздникам."),
    };
    ws.create_in(account, &draft, &generated_at())
        .expect("valid touch");
    ws.last_local_change().expect("a change")
}

struct Row {
    new: usize,
    ours_back: usize,
    ours_peer: usize,
    ours_ms: f64,
    am_fresh: usize,
    am_fresh_rounds: usize,
    am_fresh_ms: f64,
    am_kept: usize,
    am_kept_ms: f64,
}

fn main() {
    let name = std::env::args().nth(1).unwrap_or_else(|| "M".into());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("tmp").join(format!("{name}.automerge"));
    let history = std::fs::read(&path).unwrap_or_else(|_| {
        panic!(
            "no {}: generate it first (cargo run --release -p rapport-bench -- {name} --generate-only)",
            path.display()
        )
    });
    let base = AutoCommit::load(&history).expect("the history loads");
    let changes = base.clone().get_changes(&[]).len();
    eprintln!("{name}: {} bytes, {changes} changes", history.len());

    let mut rows = Vec::new();
    for new in [1usize, 100, 10_000] {
        // --- Rapport: relay + two devices that share the history. -------------
        let dir = tempfile::tempdir().expect("a temp dir");
        let store = Arc::new(SqliteStore::open(&dir.path().join("relay.sqlite3")).unwrap());
        create_team(&store);
        let mut devices = vec![
            Device::new(Workspace::load(&history, ActorId::random()).unwrap(), 1),
            Device::new(Workspace::load(&history, ActorId::random()).unwrap(), 2),
        ];
        // Device 1 uploads the history as a snapshot; both catch up.
        devices[0].connect(&store);
        let nonce = devices[0].nonce();
        let covers = devices[0].engine.state().cursor;
        let actions = devices[0].engine.snapshot(history.clone(), covers, nonce);
        devices[0].run(actions);
        devices[1].connect(&store);
        settle(&mut devices);
        devices[1].disconnect();

        // Device 2 works apart, then comes back.
        let account = devices[1].ws.read_model().filter_accounts("")[0].id;
        let mut fresh_changes = Vec::with_capacity(new);
        for i in 0..new {
            let change = touch(&mut devices[1].ws, account, i);
            fresh_changes.push(change.clone());
            let nonce = devices[1].nonce();
            let actions = devices[1].engine.local_changes(vec![change], nonce);
            devices[1].run(actions);
        }
        for d in devices.iter_mut() {
            d.sent = 0;
            d.received = 0;
        }
        let start = Instant::now();
        devices[1].connect(&store);
        settle(&mut devices);
        let ours_ms = start.elapsed().as_secs_f64() * 1e3;
        assert_eq!(
            devices[0].ws.heads(),
            devices[1].ws.heads(),
            "both devices hold the same document"
        );
        let ours_back = devices[1].sent + devices[1].received;
        let ours_peer = devices[0].sent + devices[0].received;

        // --- Automerge's sync protocol on the same documents. ----------------
        let mut a = base.clone();
        let mut b = base.clone();
        // Kept states: an earlier sync of the shared history, persisted.
        let (mut sa, mut sb) = (State::new(), State::new());
        sync_until_quiet(&mut a, &mut b, &mut sa, &mut sb);
        let mut sa = State::decode(&sa.encode()).unwrap();
        let mut sb = State::decode(&sb.encode()).unwrap();
        let parsed: Vec<automerge::Change> = fresh_changes
            .iter()
            .map(|c| automerge::Change::from_bytes(c.clone()).unwrap())
            .collect();
        b.apply_changes(parsed).unwrap();
        let mut a2 = a.clone();
        let mut b2 = b.clone();
        let start = Instant::now();
        let (am_kept, _) = sync_until_quiet(&mut a, &mut b, &mut sa, &mut sb);
        let am_kept_ms = start.elapsed().as_secs_f64() * 1e3;
        assert_eq!(a.get_heads(), b.get_heads());
        let (mut fa, mut fb) = (State::new(), State::new());
        let start = Instant::now();
        let (am_fresh, am_fresh_rounds) = sync_until_quiet(&mut a2, &mut b2, &mut fa, &mut fb);
        let am_fresh_ms = start.elapsed().as_secs_f64() * 1e3;
        assert_eq!(a2.get_heads(), b2.get_heads());

        eprintln!(
            "{new} new: rapport {ours_back} B (device back) + {ours_peer} B (colleague) in {ours_ms:.1} ms; automerge fresh {am_fresh} B in {am_fresh_rounds} messages, {am_fresh_ms:.1} ms; kept {am_kept} B, {am_kept_ms:.1} ms"
        );
        rows.push(Row {
            new,
            ours_back,
            ours_peer,
            ours_ms,
            am_fresh,
            am_fresh_rounds,
            am_fresh_ms,
            am_kept,
            am_kept_ms,
        });
    }

    let mut out = format!(
        "# P2 reconnect: bytes on the wire\n\nHistory: {name} ({} bytes saved, {changes} changes). Machine: {}. Date: {}. Commit: {}. Release build, one run each.\n\n\
         Rapport = the device that comes back (all frames both ways) and, separately, a colleague's live device receiving the same changes; real `SyncEngine` and relay `Session` over `SqliteStore`, in memory. \
         Automerge = `generate_sync_message`/`receive_sync_message` until both peers are quiet, with fresh sync states (a peer that keeps no per-device state) and with states kept from an earlier sync.\n\n\
         | new changes | Rapport, device back | Rapport, colleague | Rapport time | automerge, fresh states | messages | time | ÷ Rapport | automerge, kept states | time |\n|---|---|---|---|---|---|---|---|---|---|\n",
        history.len(),
        machine(),
        now(),
        commit()
    );
    for r in &rows {
        out.push_str(&format!(
            "| {} | {} B | {} B | {:.1} ms | {} B | {} | {:.1} ms | {:.0}× | {} B | {:.1} ms |\n",
            r.new,
            r.ours_back,
            r.ours_peer,
            r.ours_ms,
            r.am_fresh,
            r.am_fresh_rounds,
            r.am_fresh_ms,
            r.am_fresh as f64 / r.ours_back as f64,
            r.am_kept,
            r.am_kept_ms
        ));
    }
    let one = &rows[0];
    out.push_str(&format!(
        "\nBudget (1 new change): ≤ 2 KB — {} B, {}; ≤ 1/100 of automerge's bytes (fresh states) — {:.4}, {}.\n",
        one.ours_back,
        if one.ours_back <= 2048 { "met" } else { "NOT met" },
        one.ours_back as f64 / one.am_fresh as f64,
        if one.ours_back * 100 <= one.am_fresh { "met" } else { "NOT met" },
    ));
    let results = root.join("results").join("reconnect.md");
    std::fs::write(&results, &out).expect("bench/results is writable");
    print!("{out}");
}

/// Exchanges sync messages until neither side has anything to say; returns
/// the bytes sent both ways and the number of messages.
fn sync_until_quiet(
    a: &mut AutoCommit,
    b: &mut AutoCommit,
    sa: &mut State,
    sb: &mut State,
) -> (usize, usize) {
    let (mut bytes, mut messages) = (0, 0);
    loop {
        let mut quiet = true;
        if let Some(m) = b.sync().generate_sync_message(sb) {
            let enc = m.encode();
            bytes += enc.len();
            messages += 1;
            a.sync()
                .receive_sync_message(sa, automerge::sync::Message::decode(&enc).unwrap())
                .unwrap();
            quiet = false;
        }
        if let Some(m) = a.sync().generate_sync_message(sa) {
            let enc = m.encode();
            bytes += enc.len();
            messages += 1;
            b.sync()
                .receive_sync_message(sb, automerge::sync::Message::decode(&enc).unwrap())
                .unwrap();
            quiet = false;
        }
        if quiet {
            return (bytes, messages);
        }
    }
}

fn create_team(store: &Arc<SqliteStore>) {
    let secret = AdminSecret::from_bytes([1; 32]);
    let token = access_token(&TeamKey::from_bytes(KEY), TEAM);
    let mut session = Session::new(store.clone(), DEFAULT_MAX_FRAME_BYTES);
    let created = session.handle(
        &ClientFrame::CreateTeam {
            version: PROTOCOL_VERSION,
            team: TEAM,
            token_hash: token_hash(&token),
            admin_hash: admin_hash(&secret),
        }
        .encode(),
    );
    assert!(!created.close, "{created:?}");
}

fn machine() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string()
}

fn commit() -> String {
    std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}
