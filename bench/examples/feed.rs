//! P3, second half (issue 3): the colleagues' devices that send a rep's
//! browser 10,000 changes through a real relay process, over WebSocket.
//! Driven by `bench/browser/p3sync.mjs`, which measures the browser.
//!
//!     cargo run --release -p rapport-bench --example feed -- \
//!         --relay ws://127.0.0.1:PORT/sync [--workspace M] [--changes 10000] \
//!         [--rounds live,coalesced]
//!
//! Device A starts a team on the relay as the app's worker does
//! (`CreateTeam`, then the engine's `Hello`), uploads the workspace
//! (`bench/tmp/<workspace>.automerge`) as a gzipped snapshot, and prints the
//! invite. Then, before the browser is even opened, every round's chunks
//! are sealed by the real `SyncEngine`, so nothing but sending is left for
//! the measured window:
//!
//! - `live`: device A, joined, one change per chunk (a colleague working
//!   live), sent as a burst: pipelined, acks read concurrently.
//! - `coalesced`: device C, which made its changes offline (its engine
//!   coalesces them up to 64 KiB per chunk) and now comes back: `Hello`,
//!   then exactly the uploads its engine sends after `Welcome`. (Its
//!   `Fetch` is left out: C's own catch-up is not what is measured, and it
//!   would load the shared cores while the browser is measured.)
//!
//! Each round is N changes made with the `Workspace` API on the workspace
//! as uploaded (each device its own actor, so the rounds are concurrent and
//! merge): 70 % touches logged, 10 % touches edited, 10 % contacts
//! added, 9 % contacts edited, 1 % account edits, spread over the accounts;
//! the last change creates the account "P3 marker <mode>", so the page can
//! tell when all arrived. The changes are deterministic (seeded ids, fixed
//! clock) and cached in `bench/tmp/` next to the workspace, keyed by its
//! bytes; only sealing (fresh team key) is done per run.
//!
//! Protocol on stdin/stdout (one line each):
//!   → `invite join=<team>.<key>` then `ready <mode>,<mode>`
//!   ← `go <round>`   → `uploaded <round> mode=<m> chunks=<n> bytes=<b> ms=<t>`
//!   ← `quit` (or end of input)

use std::path::{Path, PathBuf};
use std::time::Instant;

use automerge::ActorId;
use chrono::Duration;
use futures_util::{SinkExt, StreamExt};
use rapport::document::Workspace;
use rapport::domain::{
    AccountDraft, AccountId, Author, ContactDraft, ContactId, Edit, TouchDraft, TouchId, TouchKind,
};
use rapport::sync::{Action, EngineState, Membership, SyncEngine};
use rapport_bench::{SEED, generated_at};
use rapport_protocol::{
    ClientFrame, Cursor, PROTOCOL_VERSION, Seq, ServerFrame, access_token, admin_hash, token_hash,
};
use rapport_relay::TestDevice;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Device A (which starts the team) and device C: their key pairs, whose
/// ids they have.
fn device_a() -> TestDevice {
    TestDevice::from_seed(0xa1)
}

fn device_c() -> TestDevice {
    TestDevice::from_seed(0xc3)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Live,
    Coalesced,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Live => "live",
            Mode::Coalesced => "coalesced",
        }
    }
}

/// One prepared round: the frames to send and what they hold.
struct Round {
    mode: Mode,
    /// Upload frames, in the order the engine sends them.
    uploads: Vec<Vec<u8>>,
}

/// Unique nonces without a random source: a counter under a per-device
/// prefix (the team key is fresh each run, so they never repeat under it).
struct Nonces(u64);

impl Nonces {
    fn next(&mut self) -> [u8; 24] {
        self.0 += 1;
        let mut n = [0u8; 24];
        n[..8].copy_from_slice(&self.0.to_le_bytes());
        n
    }
}

struct Args {
    relay: String,
    workspace: String,
    changes: usize,
    rounds: Vec<Mode>,
}

fn args() -> Args {
    let mut args = Args {
        relay: String::new(),
        workspace: "M".into(),
        changes: 10_000,
        rounds: vec![Mode::Live, Mode::Coalesced],
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--relay" => args.relay = value,
            "--workspace" => args.workspace = value,
            "--changes" => args.changes = value.parse().expect("--changes N"),
            "--rounds" => {
                args.rounds = value
                    .split(',')
                    .map(|m| match m {
                        "live" => Mode::Live,
                        "coalesced" => Mode::Coalesced,
                        other => panic!("unknown round {other:?} (live, coalesced)"),
                    })
                    .collect();
            }
            other => panic!("unknown option {other}"),
        }
    }
    assert!(!args.relay.is_empty(), "--relay ws://HOST:PORT/sync");
    assert!(args.changes >= 1, "--changes at least 1");
    args
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args = args();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let path = root
        .join("tmp")
        .join(format!("{}.automerge", args.workspace));
    let history = std::fs::read(&path).unwrap_or_else(|_| {
        panic!(
            "no {}: generate it first (cargo run --release -p rapport-bench -- {} --generate-only)",
            path.display(),
            args.workspace
        )
    });
    let started = Instant::now();

    // --- Device A starts the team and uploads the workspace. -------------
    let a_id = device_a();
    let membership = Membership::create(&a_id.public_key(), "Feed A", random_80());
    let key = membership.key();
    let team = membership.team;
    let mut a_ws = Workspace::load(&history, ActorId::from([0xa1; 16])).expect("it loads");
    let mut a = SyncEngine::new(team, a_id.id(), key.clone(), EngineState::fresh())
        .with_public_key(a_id.public_key());
    let mut a_nonces = Nonces(0xa1 << 40);
    let (mut socket, _) = tokio_tungstenite::connect_async(args.relay.as_str())
        .await
        .expect("the relay accepts a WebSocket");
    let secret = membership
        .admin
        .expect("the creator holds the admin secret");
    let create = ClientFrame::CreateTeam {
        version: PROTOCOL_VERSION,
        team,
        token_hash: token_hash(&access_token(&key, team)),
        admin_hash: admin_hash(&secret),
    };
    send(&mut socket, create.encode()).await;
    let hello = a.connected();
    run(&mut socket, &mut a, &a_id, hello).await;
    // Welcome, then the (empty) first page: settled.
    while !a.is_joined() || !a.is_idle() {
        let frame = recv(&mut socket).await;
        let actions = a.received(&frame);
        run(&mut socket, &mut a, &a_id, actions).await;
    }
    let document = gzip(&a_ws.save());
    let snapshot_bytes = document.len();
    let covers = a.state().cursor;
    let actions = a.snapshot(document, covers, a_nonces.next());
    run(&mut socket, &mut a, &a_id, actions).await;
    while !a.is_idle() {
        let frame = recv(&mut socket).await;
        let actions = a.received(&frame);
        run(&mut socket, &mut a, &a_id, actions).await;
    }
    eprintln!(
        "feed: team created, {} snapshot uploaded ({snapshot_bytes} bytes gzipped) in {:.1} s",
        args.workspace,
        started.elapsed().as_secs_f64()
    );
    let invite = membership.invite().expect("the creator pins itself");
    println!("invite {}", invite.fragment());

    // --- Every round's chunks, sealed now. -------------------------------
    let c_id = device_c();
    let mut c = SyncEngine::new(team, c_id.id(), key.clone(), EngineState::fresh())
        .with_public_key(c_id.public_key());
    let mut c_nonces = Nonces(0xc3 << 40);
    let mut rounds = Vec::new();
    for mode in args.rounds.iter().copied() {
        let changes = changes_of(&root, &args.workspace, &history, mode, args.changes);
        let sealed = Instant::now();
        let uploads = match mode {
            Mode::Live => {
                let mut uploads = Vec::with_capacity(changes.len());
                for change in changes {
                    let mut seq = None;
                    for action in a.local_changes(vec![change], a_nonces.next()) {
                        if let Action::Send(bytes) = action {
                            if let Ok(ClientFrame::Upload { seq: s, .. }) =
                                ClientFrame::decode(&bytes)
                            {
                                seq = Some(s);
                            }
                            uploads.push(bytes);
                        }
                    }
                    // Acknowledged at once, so the engine's pending list (and
                    // the state it clones per change) stays short, as it does
                    // for a live rep; the relay's real Acks are awaited when
                    // the round is sent.
                    let seq = seq.expect("a joined engine sends each change at once");
                    a.received(
                        &ServerFrame::Ack {
                            seq,
                            cursor: Cursor(0),
                        }
                        .encode(),
                    );
                }
                uploads
            }
            Mode::Coalesced => {
                // Not connected: the engine coalesces each change into its
                // open tail while that stays within 64 KiB. Handing it the
                // changes in the groups it would form one by one gives the
                // same chunks without re-sealing the tail per change.
                let before = c.state().pending.len();
                let groups = coalesce(changes);
                let count = groups.len();
                for group in groups {
                    for action in c.local_changes(group, c_nonces.next()) {
                        assert!(!matches!(action, Action::Send(_)), "offline: nothing sent");
                    }
                }
                let pending = &c.state().pending[before..];
                assert_eq!(pending.len(), count, "one chunk per group");
                pending
                    .iter()
                    .map(|u| {
                        ClientFrame::Upload {
                            seq: u.seq,
                            kind: u.kind,
                            sealed: u.sealed.clone(),
                        }
                        .encode()
                    })
                    .collect()
            }
        };
        let bytes: usize = uploads.iter().map(Vec::len).sum();
        eprintln!(
            "feed: {} round sealed: {} changes in {} chunks, {bytes} bytes, in {:.1} s",
            mode.name(),
            args.changes,
            uploads.len(),
            sealed.elapsed().as_secs_f64()
        );
        rounds.push(Round { mode, uploads });
    }
    let names: Vec<&str> = rounds.iter().map(|r| r.mode.name()).collect();
    println!("ready {}", names.join(","));

    // --- Send a round when told. -----------------------------------------
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    let mut c_socket: Option<Socket> = None;
    while let Ok(Some(line)) = lines.next_line().await {
        let line = line.trim();
        if line == "quit" {
            break;
        }
        let Some(r) = line
            .strip_prefix("go ")
            .and_then(|n| n.parse::<usize>().ok())
        else {
            eprintln!("feed: ignoring {line:?}");
            continue;
        };
        let round = rounds.get_mut(r).expect("a prepared round");
        let uploads = std::mem::take(&mut round.uploads);
        let (chunks, bytes) = (uploads.len(), uploads.iter().map(Vec::len).sum::<usize>());
        let start = Instant::now();
        match round.mode {
            Mode::Live => send_all(&mut socket, uploads).await,
            Mode::Coalesced => {
                let s = match &mut c_socket {
                    Some(s) => s,
                    None => {
                        let (mut s, _) = tokio_tungstenite::connect_async(args.relay.as_str())
                            .await
                            .expect("the relay accepts a WebSocket");
                        // The engine's Hello, then its Welcome.
                        let hello = c.connected();
                        run(&mut s, &mut c, &c_id, hello).await;
                        let challenge = recv(&mut s).await;
                        let answer = c.received(&challenge);
                        run(&mut s, &mut c, &c_id, answer).await;
                        let welcome = recv(&mut s).await;
                        assert!(
                            matches!(
                                ServerFrame::decode(&welcome),
                                Ok(ServerFrame::Welcome { .. })
                            ),
                            "the relay welcomes device C"
                        );
                        c_socket.insert(s)
                    }
                };
                send_all(s, uploads).await;
            }
        }
        println!(
            "uploaded {r} mode={} chunks={chunks} bytes={bytes} ms={:.0}",
            round.mode.name(),
            start.elapsed().as_secs_f64() * 1e3
        );
    }
    let _ = socket.close(None).await;
    if let Some(mut s) = c_socket {
        let _ = s.close(None).await;
    }
}

/// What the engine's offline coalescing does (`COALESCE_BYTES` in
/// src/sync/engine.rs): a change joins the open chunk while the chunk's
/// changes stay within 64 KiB.
const COALESCE_BYTES: usize = 64 * 1024;

fn coalesce(changes: Vec<Vec<u8>>) -> Vec<Vec<Vec<u8>>> {
    let mut groups: Vec<Vec<Vec<u8>>> = Vec::new();
    let mut size = 0;
    for change in changes {
        match groups.last_mut() {
            Some(group) if size + change.len() <= COALESCE_BYTES => {
                size += change.len();
                group.push(change);
            }
            _ => {
                size = change.len();
                groups.push(vec![change]);
            }
        }
    }
    groups
}

/// The `n` changes of a round of `mode`, from the cache in `bench/tmp/` or
/// made now (and cached). Keyed by the workspace's bytes: its heads are the
/// changes' dependencies.
fn changes_of(root: &Path, name: &str, history: &[u8], mode: Mode, n: usize) -> Vec<Vec<u8>> {
    let path = root.join("tmp").join(format!(
        "p3-{name}-{:016x}-{}-{n}.changes",
        fnv1a(history),
        mode.name()
    ));
    if let Ok(bytes) = std::fs::read(&path) {
        let changes = rapport_bench::split_changes(&bytes);
        if changes.len() == n {
            eprintln!("feed: {} changes from {}", mode.name(), path.display());
            return changes;
        }
    }
    let made = Instant::now();
    let (actor, rep, seed) = match mode {
        Mode::Live => ([0xa1; 16], "Анна", SEED + 1),
        Mode::Coalesced => ([0xc3; 16], "Борис", SEED + 2),
    };
    let mut ws = Workspace::load(history, ActorId::from(actor))
        .expect("it loads")
        .with_seeded_ids(seed);
    let model = ws.read_model();
    let accounts: Vec<AccountId> = model.filter_accounts("").iter().map(|r| r.id).collect();
    // Contacts as uploaded, to edit their phones: device A edits the
    // even ones, device C the odd ones, so their edits do not conflict.
    let parity = usize::from(mode == Mode::Coalesced);
    let contacts: Vec<(ContactId, ContactDraft)> = accounts
        .iter()
        .flat_map(|a| model.contacts_of(*a))
        .enumerate()
        .filter(|(k, _)| k % 2 == parity)
        .map(|(_, (id, c))| {
            let draft = ContactDraft {
                name: c.name.clone(),
                role: c.role.clone(),
                phone: c.phone.clone(),
                email: c.email.clone(),
                note: c.note.clone(),
                cadence_days: String::new(),
            };
            (id, draft)
        })
        .collect();
    drop(model);
    let mut logged: Vec<(TouchId, AccountId)> = Vec::new();
    let mut changes = Vec::with_capacity(n);
    for i in 0..n {
        let edit = Edit {
            author: Author {
                name: rep.into(),
                device: format!("feed-{}", mode.name()),
            },
            at: generated_at().at + Duration::seconds(i as i64 + 3600),
            today: generated_at().today,
        };
        // A stride coprime with the account count spreads the changes.
        let account = accounts[(i * 7919 + seed as usize) % accounts.len()];
        let touch = |note: String| TouchDraft {
            kind: TouchKind::ALL[i % 4],
            day: "2026-11-27".into(),
            contact: None,
            note,
        };
        if i + 1 == n {
            let draft = AccountDraft {
                owner: String::new(),
                name: format!("P3 marker {}", mode.name()),
                city: "Казань".into(),
                ..AccountDraft::default()
            };
            ws.create(&draft, &edit).expect("a new name");
        } else if i % 10 <= 6 {
            let note = format!("{rep}, визит {i}: обсудили поставку к праздникам.");
            let id = ws.create_in(account, &touch(note), &edit).expect("a touch");
            logged.push((id, account));
        } else if i % 10 == 7 {
            // A touch logged a little earlier, its note completed.
            let (id, _) = logged[logged.len() - 1 - (i / 10) % logged.len().min(50)];
            let note = format!("{rep}, визит {i}: обсудили поставку; ждут предложение к пятнице.");
            ws.edit(id, &touch(note), &edit).expect("a live touch");
        } else if i % 10 == 8 {
            let draft = ContactDraft {
                name: format!("Контакт {}-{i}", mode.name()),
                role: "закупки".into(),
                phone: format!("+7 900 {:03} {:04}", i % 1000, i % 10_000),
                ..ContactDraft::default()
            };
            ws.create_in(account, &draft, &edit).expect("a contact");
        } else if i % 100 == 9 {
            // Account edits check every name for duplicates (~40 ms on M
            // natively), so they are the rare kind. Device A edits notes,
            // device C cities: different fields merge without conflicts.
            let old = ws.read(account).expect("readable").expect("live");
            let mut draft = AccountDraft {
                owner: String::new(),
                name: old.name,
                city: old.city,
                industry: old.industry,
                note: old.note,
                cadence_days: String::new(),
            };
            match mode {
                Mode::Live => draft.note = format!("Обновлено {i}: ждут предложение к пятнице."),
                Mode::Coalesced => draft.city = format!("Город {i}"),
            }
            ws.edit(account, &draft, &edit).expect("an edit");
        } else {
            let (id, old) = &contacts[(i * 7919) % contacts.len()];
            let draft = ContactDraft {
                phone: format!("+7 901 {:03} {:04}", i % 1000, i % 10_000),
                ..old.clone()
            };
            ws.edit(*id, &draft, &edit).expect("a contact edit");
        }
        changes.push(ws.last_local_change().expect("a change"));
    }
    let mut out = Vec::with_capacity(changes.iter().map(|c| c.len() + 4).sum());
    for change in &changes {
        out.extend_from_slice(&(change.len() as u32).to_le_bytes());
        out.extend_from_slice(change);
    }
    std::fs::write(&path, out).expect("bench/tmp is writable");
    eprintln!(
        "feed: {n} {} changes made in {:.1} s, cached in {}",
        mode.name(),
        made.elapsed().as_secs_f64(),
        path.display()
    );
    changes
}

/// FNV-1a, 64 bits: names the cache after the workspace's bytes.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Sends every frame without waiting, reading the relay's answers at the
/// same time; returns once each upload is acknowledged.
async fn send_all(socket: &mut Socket, frames: Vec<Vec<u8>>) {
    let mut expected: std::collections::HashSet<Seq> = frames
        .iter()
        .filter_map(|f| match ClientFrame::decode(f) {
            Ok(ClientFrame::Upload { seq, .. }) => Some(seq),
            _ => None,
        })
        .collect();
    let (mut sink, mut stream) = socket.split();
    let sending = async move {
        for frame in frames {
            sink.feed(Message::binary(frame))
                .await
                .expect("the relay reads");
        }
        sink.flush().await.expect("the relay reads");
    };
    let acks = async {
        while !expected.is_empty() {
            match stream.next().await {
                Some(Ok(Message::Binary(bytes))) => match ServerFrame::decode(&bytes) {
                    Ok(ServerFrame::Ack { seq, .. }) => {
                        expected.remove(&seq);
                    }
                    Ok(ServerFrame::Error { code, message }) => {
                        panic!("the relay refused an upload: {code:?} {message}")
                    }
                    _ => {}
                },
                Some(Ok(_)) => {}
                other => panic!("the relay connection ended: {other:?}"),
            }
        }
    };
    tokio::join!(sending, acks);
}

/// Carries out the frames among the engine's actions.
/// Sends what the engine asks to, and answers the relay's challenge as
/// `identity`.
async fn run(
    socket: &mut Socket,
    engine: &mut SyncEngine,
    identity: &TestDevice,
    actions: Vec<Action>,
) {
    let mut queue: std::collections::VecDeque<Action> = actions.into();
    while let Some(action) = queue.pop_front() {
        match action {
            Action::Send(bytes) => send(socket, bytes).await,
            Action::Prove { ephemeral } => {
                let shared = identity
                    .shared(&ephemeral)
                    .expect("the relay's key is a point");
                queue.extend(engine.prove(&ephemeral, &shared));
            }
            Action::Report(e) => panic!("the engine reported {e}"),
            _ => {}
        }
    }
}

async fn send(socket: &mut Socket, bytes: Vec<u8>) {
    socket
        .send(Message::binary(bytes))
        .await
        .expect("the relay reads");
}

async fn recv(socket: &mut Socket) -> Vec<u8> {
    loop {
        match socket.next().await {
            Some(Ok(Message::Binary(bytes))) => return bytes.to_vec(),
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
            other => panic!("the relay connection ended: {other:?}"),
        }
    }
}

/// Gzip, as the app's `CompressionStream` packs snapshots.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("in memory");
    encoder.finish().expect("in memory")
}

/// 80 bytes for a team id, key and admin secret: unique per run (the relay
/// is fresh each run; this is a benchmark, not a team to keep).
fn random_80() -> [u8; 80] {
    let mut state = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
        ^ u64::from(std::process::id()) << 32;
    let mut out = [0u8; 80];
    for chunk in out.chunks_mut(8) {
        // splitmix64
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        chunk.copy_from_slice(&(z ^ (z >> 31)).to_le_bytes()[..chunk.len()]);
    }
    out
}
