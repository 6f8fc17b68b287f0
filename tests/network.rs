//! A deterministic in-memory network: several devices, each with its own
//! workspace and [`SyncEngine`], and one relay made of the real
//! [`rapport_relay::Session`]s over a [`SqliteStore`] in a temporary
//! directory. No sockets, no threads, no clock: a seeded generator decides
//! every step, so a failing seed replays exactly.
//!
//! Each case runs a random sequence of steps: edits on random devices
//! (creates, edits, deletes; two devices editing the same field while
//! apart), devices going offline and online, frames delivered in any order
//! across connections (each connection stays in order, like TCP), devices
//! disconnected mid-upload (some in-flight frames reach the relay, the rest
//! are lost, and the device retries them), app restarts from the persisted
//! [`EngineState`] (sometimes between a `Persist` and the `Send` after it),
//! relay restarts, and snapshot uploads. Then everyone goes online and the
//! network runs until nothing is in flight, and every device must hold the
//! same document: same heads, same read model, every change any device made.
//! No device may report anything, and no persisted cursor may go back.
//!
//! A *hostile relay* mode wraps the session's answers: it withholds seqs of
//! one device, replays frames a device already received, and answers a
//! fetch as if its log were shorter or with a page it served before. Those
//! cases check that each is noticed (withheld seqs are reported) or harmless
//! (nothing moves back, nothing pending is dropped), and that the devices
//! converge once it stops. Further cases: pages that cannot be stored or
//! applied (the cursor waits, they come again), a device restored from an
//! older backup (its seqs are taken: it seals again, nothing is lost), and a
//! chunk that does not open (no snapshot while it is missing).
//!
//! ```text
//! cargo test -p rapport --test network                                # default cases
//! RAPPORT_SIM_CASES=10000 cargo test --release -p rapport --test network
//! RAPPORT_SIM_SEED=1234 cargo test -p rapport --test network          # replay one seed
//! ```

// Native only: the relay it runs in memory is a native crate.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeSet, VecDeque};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use automerge::{ActorId, Change, ChangeHash};
use chrono::{DateTime, Duration, TimeZone, Utc};
use rapport::document::Workspace;
use rapport::domain::{
    AccountDraft, AccountId, ActionStatus, AdoptionCheck, AdoptionCheckDraft, AdoptionCheckId,
    Author, ContactDraft, ContactId, Day, Detail, DetailCategory, DetailDraft, DetailId,
    EarlyWarning, EarlyWarningDraft, EarlyWarningId, Edit, EndReason, Finding, FollowUp, Order,
    OrderDraft, OrderId, Outcome, Program, ProgramAction, ProgramActionDraft, ProgramActionId,
    ProgramDraft, ProgramId, Promise, PromiseDraft, PromiseId, PromiseKind, Record, Remark,
    RemarkDraft, RemarkEnd, RemarkId, Role, ScorecardDraft, Sentiment, Seriousness, Severity,
    Stage, StageMoveDraft, TeamSettings, Topic, TouchDraft, TouchId, TouchKind, WarningEnd,
    WarningRole,
};
use rapport::sync::{Action, EngineState, SyncEngine, SyncError};
use rapport_protocol::{
    AdminSecret, ChunkKind, ClientFrame, Cursor, DeviceId, PROTOCOL_VERSION, Sealed, Seq,
    ServerFrame, TeamId, TeamKey, access_token, admin_hash, token_hash,
};
use rapport_relay::{DEFAULT_MAX_FRAME_BYTES, Effect, Session, SqliteStore, TestDevice};

const TEAM: TeamId = TeamId::from_bytes([0x7e; 16]);
const KEY: [u8; 32] = [0x42; 32];
/// Cases per run unless `RAPPORT_SIM_CASES` says otherwise.
const DEFAULT_CASES: u64 = 24;

#[test]
fn devices_converge_whatever_the_network_does() {
    if let Some(seed) = env_u64("RAPPORT_SIM_SEED") {
        eprintln!("seed {seed}: {:?}", run_case(seed));
        return;
    }
    let cases = env_u64("RAPPORT_SIM_CASES").unwrap_or(DEFAULT_CASES);
    let first = env_u64("RAPPORT_SIM_FIRST_SEED").unwrap_or(0);
    let started = Instant::now();
    let mut total = Stats::default();
    for seed in first..first + cases {
        total += run_case(seed);
    }
    eprintln!(
        "network simulation: {cases} cases (seeds {first}..{}) in {:.1} s: {total:?}",
        first + cases,
        started.elapsed().as_secs_f64()
    );
    // The cases did write the relationship's records, not only accounts.
    if cases >= DEFAULT_CASES {
        assert!(total.relationship_records > cases as usize, "{total:?}");
        assert!(total.settings_edited > 0, "{total:?}");
        assert!(total.feedback_records > 0, "{total:?}");
        // Fewer than those: a detail needs a contact the device sees.
        assert!(total.care_records > cases as usize / 2, "{total:?}");
    }
}

fn env_u64(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    Some(
        text.parse()
            .unwrap_or_else(|_| panic!("{name}={text:?} is not a number")),
    )
}

/// Prints how to replay a case if it panics.
struct ReplayHint(u64);

impl Drop for ReplayHint {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "\nnetwork simulation failed for seed {seed}; replay it with\n  \
                 RAPPORT_SIM_SEED={seed} cargo test -p rapport --test network\n",
                seed = self.0
            );
        }
    }
}

fn run_case(seed: u64) -> Stats {
    let _hint = ReplayHint(seed);
    let mut sim = Sim::new(seed);
    let steps = sim.rng.usize(80..400);
    for _ in 0..steps {
        sim.step();
    }
    sim.settle();
    sim.check();
    sim.stats.changes = sim.made.len();
    let model = sim.devices[0].ws.read_model();
    for (key, _) in model.to_patch().records {
        use rapport::document::RecordKey as Key;
        match key {
            Key::Account(_) | Key::Contact(_) | Key::Touch(_) | Key::TeamSettings(_) => {}
            Key::Detail(_) | Key::AdoptionCheck(_) => sim.stats.care_records += 1,
            Key::Remark(_) | Key::EarlyWarning(_) => {
                sim.stats.feedback_records += 1;
                sim.stats.relationship_records += 1;
            }
            _ => sim.stats.relationship_records += 1,
        }
    }
    sim.stats.settings_edited = usize::from(TeamSettings::of(&model).updated.at != 0);
    sim.stats
}

/// What the cases exercised, so a run shows it did more than nothing.
#[derive(Debug, Default)]
struct Stats {
    /// A hostile relay was on for part of the case.
    hostile: bool,
    apply_failures: usize,
    reseals: usize,
    changes: usize,
    uploads: usize,
    retries: usize,
    snapshots: usize,
    conflicts: usize,
    cut_mid_upload: usize,
    app_restarts: usize,
    relay_restarts: usize,
    /// Records of the schema-2 and schema-3 kinds (promises, orders, stage
    /// moves, scorecards, programs, actions, remarks, early warnings) the
    /// devices converged on.
    relationship_records: usize,
    /// Remarks and early warnings among them.
    feedback_records: usize,
    /// Cases whose team settings were edited.
    settings_edited: usize,
    /// Records of the schema-3 kinds (details, adoption checks) the
    /// devices converged on.
    care_records: usize,
}

impl std::ops::AddAssign for Stats {
    fn add_assign(&mut self, other: Stats) {
        self.hostile |= other.hostile;
        self.apply_failures += other.apply_failures;
        self.reseals += other.reseals;
        self.changes += other.changes;
        self.uploads += other.uploads;
        self.retries += other.retries;
        self.snapshots += other.snapshots;
        self.conflicts += other.conflicts;
        self.cut_mid_upload += other.cut_mid_upload;
        self.app_restarts += other.app_restarts;
        self.relay_restarts += other.relay_restarts;
        self.relationship_records += other.relationship_records;
        self.feedback_records += other.feedback_records;
        self.settings_edited += other.settings_edited;
        self.care_records += other.care_records;
    }
}

/// One direction-pair of an open connection: frames each way in order.
struct Conn {
    session: Session,
    /// Device → relay, not yet handled by the session.
    up: VecDeque<Vec<u8>>,
    /// Relay → device, not yet received.
    down: VecDeque<Vec<u8>>,
    /// The relay admitted it (its session returned `Effect::Joined`).
    joined: bool,
    /// The relay closes it once `down` is delivered.
    closing: bool,
}

struct Device {
    id: DeviceId,
    /// Its key pair: its id is the key's, and it answers the relay's
    /// challenge with it.
    identity: TestDevice,
    ws: Workspace,
    engine: SyncEngine,
    /// The last `Action::Persist`: what an app restart resumes from.
    saved: EngineState,
    conn: Option<Conn>,
    /// Local changes not yet handed to the engine (batched on purpose).
    unflushed: Vec<Vec<u8>>,
    author: Author,
    /// Seqs this device has sent an `Upload` of, to count retries.
    sent: BTreeSet<Seq>,
    /// `Chunks` and `Ack` frames it received, for a hostile relay to replay.
    heard: Vec<Vec<u8>>,
    /// The next this many pages fail to store (quota): nothing of them is
    /// applied, and the engine is told.
    failing: u32,
}

/// What a hostile relay does to the real session's answers, while on.
#[derive(Debug, Default, Clone)]
struct Hostile {
    /// Leaves these seqs of the first device out of every page.
    withhold: Option<(Seq, Seq)>,
    /// Sends frames a device already received again.
    replay: bool,
    /// Answers a `Fetch` as if the log were shorter, or with the page it
    /// served before.
    roll_back: bool,
}

impl Hostile {
    fn is_on(&self) -> bool {
        self.withhold.is_some() || self.replay || self.roll_back
    }
}

struct Sim {
    rng: fastrand::Rng,
    _dir: tempfile::TempDir,
    path: PathBuf,
    store: Option<Arc<SqliteStore>>,
    devices: Vec<Device>,
    snapshot_every: u32,
    /// Every change any device made: all must be everywhere at the end.
    made: BTreeSet<ChangeHash>,
    accounts: Vec<AccountId>,
    contacts: Vec<ContactId>,
    touches: Vec<TouchId>,
    promises: Vec<PromiseId>,
    orders: Vec<OrderId>,
    programs: Vec<ProgramId>,
    actions: Vec<ProgramActionId>,
    remarks: Vec<RemarkId>,
    warnings: Vec<EarlyWarningId>,
    details: Vec<DetailId>,
    checks: Vec<AdoptionCheckId>,
    now: DateTime<Utc>,
    nonces: u64,
    stats: Stats,
    hostile: Hostile,
    /// What the devices reported (only a hostile relay may make them).
    reported: Vec<SyncError>,
    /// Which reports a case expects (any other fails it).
    allow: fn(&SyncError) -> bool,
}

impl Sim {
    fn new(seed: u64) -> Sim {
        let mut rng = fastrand::Rng::with_seed(seed);
        // Shared memory when there is some: the relay fsyncs every upload,
        // and durability on power loss is not what this test is about.
        let dir = if std::path::Path::new("/dev/shm").is_dir() {
            tempfile::tempdir_in("/dev/shm")
        } else {
            tempfile::tempdir()
        }
        .unwrap();
        let path = dir.path().join("relay.sqlite3");
        let store = Arc::new(SqliteStore::open(&path).unwrap());
        create_team(&store);

        let snapshot_every = rng.u32(2..12);
        let page_limit = rng.u32(1..8);
        let count = rng.usize(5..=7);
        let first_seed = rng.u8(..);
        let devices = (0..count)
            .map(|n| {
                // Distinct seeds, so distinct ids (count is far below 256).
                let identity = TestDevice::from_seed(first_seed.wrapping_add(n as u8));
                let id = identity.id();
                let ws = Workspace::new(ActorId::from(id.as_bytes()))
                    .with_seeded_ids(seed.wrapping_mul(31).wrapping_add(n as u64));
                let engine =
                    SyncEngine::new(TEAM, id, TeamKey::from_bytes(KEY), EngineState::fresh())
                        .with_public_key(identity.public_key())
                        .with_snapshot_every(snapshot_every)
                        .with_page_limit(page_limit);
                Device {
                    id,
                    identity,
                    ws,
                    engine,
                    saved: EngineState::fresh(),
                    conn: None,
                    unflushed: Vec::new(),
                    author: Author {
                        name: format!("Rep {n}"),
                        device: format!("tablet {n}"),
                    },
                    sent: BTreeSet::new(),
                    heard: Vec::new(),
                    failing: 0,
                }
            })
            .collect();
        Sim {
            rng,
            _dir: dir,
            path,
            store: Some(store),
            devices,
            snapshot_every,
            made: BTreeSet::new(),
            accounts: Vec::new(),
            contacts: Vec::new(),
            touches: Vec::new(),
            promises: Vec::new(),
            orders: Vec::new(),
            programs: Vec::new(),
            actions: Vec::new(),
            remarks: Vec::new(),
            warnings: Vec::new(),
            details: Vec::new(),
            checks: Vec::new(),
            now: Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
            nonces: 0,
            stats: Stats::default(),
            hostile: Hostile::default(),
            reported: Vec::new(),
            allow: |_| false,
        }
    }

    fn nonce(&mut self) -> [u8; 24] {
        // Unique per case, as random nonces are in the app.
        self.nonces += 1;
        let mut nonce = [0; 24];
        nonce[..8].copy_from_slice(&self.nonces.to_le_bytes());
        nonce[8..].copy_from_slice(&self.rng.u128(..).to_le_bytes());
        nonce
    }

    fn step(&mut self) {
        self.now += Duration::minutes(1);
        let device = self.rng.usize(..self.devices.len());
        match self.rng.u32(..100) {
            0..30 => self.edit(device),
            30..34 => self.flush(device),
            34..62 => self.deliver_up(),
            62..88 => self.deliver_down(),
            88..91 => self.disconnect(device),
            91..95 => self.connect(device),
            95 | 96 => match self.rng.u32(..3) {
                0 => self.apart_on_the_same_field(),
                1 => self.apart_on_the_same_promise(),
                _ => self.apart_on_the_same_detail(),
            },
            97 => self.restart_app(device),
            98 => self.restart_relay(),
            _ => self.maybe_snapshot(device),
        }
    }

    // --- devices -----------------------------------------------------------

    /// Carries out a device's actions in order. With `crash`, the app may
    /// die right after a `Persist`, before the rest (a `Send`, say).
    fn run(&mut self, device: usize, actions: Vec<Action>, crash: bool) {
        let crash_at =
            (crash && self.rng.u32(..40) == 0).then(|| self.rng.usize(..actions.len().max(1)));
        let mut queue: VecDeque<Action> = actions.into();
        let mut at = 0;
        while let Some(action) = queue.pop_front() {
            at += 1;
            let dev = &mut self.devices[device];
            match action {
                Action::Send(bytes) => {
                    if let Ok(ClientFrame::Upload { seq, .. }) = ClientFrame::decode(&bytes) {
                        self.stats.uploads += 1;
                        self.stats.retries += usize::from(!dev.sent.insert(seq));
                    }
                    let conn = dev
                        .conn
                        .as_mut()
                        .expect("the engine sends only while connected");
                    conn.up.push_back(bytes);
                }
                Action::Apply { page, .. } if dev.failing > 0 => {
                    dev.failing -= 1;
                    self.stats.apply_failures += 1;
                    queue.extend(dev.engine.apply_failed(page, "quota exceeded"));
                }
                Action::Apply { page, items } => {
                    for result in dev.ws.apply_all(&items) {
                        result.expect("every chunk applies");
                    }
                    queue.extend(dev.engine.applied(page));
                }
                Action::Reseal { nonces } => {
                    self.stats.reseals += nonces;
                    let nonces: Vec<_> = (0..nonces).map(|_| self.nonce()).collect();
                    let mut nonces = nonces.into_iter();
                    let dev = &mut self.devices[device];
                    queue.extend(dev.engine.reseal(|| nonces.next().unwrap()));
                }
                Action::Persist(state) => {
                    assert!(
                        state.cursor >= dev.saved.cursor,
                        "device {device}: the cursor went back from {} to {}",
                        dev.saved.cursor,
                        state.cursor
                    );
                    dev.saved = state;
                    if crash_at.is_some_and(|crash_at| at > crash_at) {
                        self.restart_app(device);
                        return;
                    }
                }
                Action::Status(_)
                | Action::Settled
                | Action::Devices(_)
                | Action::Keys { .. }
                | Action::DeviceKeys(_) => {}
                Action::Unwrap { .. } => panic!("device {device}: no key rotation here"),
                Action::Prove { ephemeral } => {
                    let shared = dev
                        .identity
                        .shared(&ephemeral)
                        .expect("the relay's key is a point");
                    let more = dev.engine.prove(&ephemeral, &shared);
                    self.run(device, more, false);
                }
                Action::Report(error) if (self.allow)(&error) => self.reported.push(error),
                Action::Report(error) => panic!("device {device} reported: {error}"),
            }
        }
    }

    fn connect(&mut self, device: usize) {
        if self.devices[device].conn.is_some() {
            return;
        }
        let store = self.store.clone().expect("the relay is up");
        self.devices[device].conn = Some(Conn {
            session: Session::new(store, DEFAULT_MAX_FRAME_BYTES),
            up: VecDeque::new(),
            down: VecDeque::new(),
            joined: false,
            closing: false,
        });
        let actions = self.devices[device].engine.connected();
        self.run(device, actions, false);
    }

    /// Drops the connection. Some of the frames in flight towards the relay
    /// may still reach it (a device cut off mid-upload); the rest, and all
    /// frames towards the device, are lost.
    fn disconnect(&mut self, device: usize) {
        let Some(mut conn) = self.devices[device].conn.take() else {
            return;
        };
        let reach = self.rng.usize(..=conn.up.len());
        if conn.up.iter().any(|bytes| is_upload(bytes)) {
            self.stats.cut_mid_upload += 1;
        }
        for bytes in conn.up.drain(..).take(reach) {
            let step = conn.session.handle(&bytes);
            if let Some(Effect::Landed { head }) = step.effect {
                self.notify_others(device, head);
            }
            if step.close {
                break;
            }
        }
        let actions = self.devices[device].engine.disconnected();
        self.run(device, actions, false);
    }

    /// The app restarts: its engine resumes from the last persisted state.
    fn restart_app(&mut self, device: usize) {
        self.stats.app_restarts += 1;
        self.disconnect(device);
        let dev = &mut self.devices[device];
        dev.engine = SyncEngine::new(TEAM, dev.id, TeamKey::from_bytes(KEY), dev.saved.clone())
            .with_public_key(dev.identity.public_key())
            .with_snapshot_every(self.snapshot_every)
            .with_page_limit(self.rng.u32(1..8));
    }

    fn flush(&mut self, device: usize) {
        let changes = std::mem::take(&mut self.devices[device].unflushed);
        let nonce = self.nonce();
        let actions = self.devices[device].engine.local_changes(changes, nonce);
        self.run(device, actions, true);
    }

    fn maybe_snapshot(&mut self, device: usize) {
        // A relay that withholds chunks and prunes under a snapshot of a
        // device that never saw them loses them: that is what the relay's
        // retention is for, not this test.
        if self.hostile.withhold.is_some() {
            return;
        }
        let dev = &mut self.devices[device];
        let complete = dev.ws.nothing_waiting();
        let Some(covers) = dev.engine.snapshot_due(complete) else {
            return;
        };
        let document = dev.ws.save();
        self.stats.snapshots += 1;
        let nonce = self.nonce();
        let actions = self.devices[device]
            .engine
            .snapshot(document, covers, nonce);
        self.run(device, actions, true);
    }

    // --- the relay -----------------------------------------------------------

    /// The relay handles the next frame of a random connection.
    fn deliver_up(&mut self) {
        let ready: Vec<usize> = (0..self.devices.len())
            .filter(|&n| {
                self.devices[n]
                    .conn
                    .as_ref()
                    .is_some_and(|c| !c.up.is_empty() && !c.closing)
            })
            .collect();
        let Some(&device) = pick(&mut self.rng, &ready) else {
            return;
        };
        let conn = self.devices[device].conn.as_mut().unwrap();
        let bytes = conn.up.pop_front().unwrap();
        let step = conn.session.handle(&bytes);
        let frames = self.tamper(device, &bytes, step.frames.clone());
        let conn = self.devices[device].conn.as_mut().unwrap();
        conn.down.extend(frames.iter().map(ServerFrame::encode));
        if step.close {
            conn.closing = true;
            conn.up.clear();
        }
        match step.effect {
            Some(Effect::Joined { .. }) => conn.joined = true,
            Some(Effect::Landed { head }) => self.notify_others(device, head),
            _ => {}
        }
    }

    fn notify_others(&mut self, from: usize, head: rapport_protocol::Cursor) {
        for (n, dev) in self.devices.iter_mut().enumerate() {
            if let Some(conn) = dev.conn.as_mut().filter(|c| c.joined && n != from) {
                conn.down.push_back(ServerFrame::Notify { head }.encode());
            }
        }
    }

    /// A random device receives the next frame of its connection.
    fn deliver_down(&mut self) {
        let ready: Vec<usize> = (0..self.devices.len())
            .filter(|&n| {
                self.devices[n]
                    .conn
                    .as_ref()
                    .is_some_and(|c| !c.down.is_empty() || c.closing)
            })
            .collect();
        let Some(&device) = pick(&mut self.rng, &ready) else {
            return;
        };
        let conn = self.devices[device].conn.as_mut().unwrap();
        let Some(bytes) = conn.down.pop_front() else {
            // The relay closed the connection after its last frame.
            self.devices[device].conn = None;
            let actions = self.devices[device].engine.disconnected();
            self.run(device, actions, false);
            return;
        };
        if matches!(
            ServerFrame::decode(&bytes),
            Ok(ServerFrame::Chunks { .. } | ServerFrame::Ack { .. })
        ) {
            self.devices[device].heard.push(bytes.clone());
        }
        let actions = self.devices[device].engine.received(&bytes);
        self.run(device, actions, true);
        if self.hostile.replay && self.rng.u32(..3) == 0 {
            self.replay(device);
        }
        if self.rng.bool() {
            self.maybe_snapshot(device);
        }
    }

    /// A hostile relay sends a device a frame it received before: no cursor
    /// goes back and no upload is dropped that the relay did not take.
    fn replay(&mut self, device: usize) {
        let dev = &mut self.devices[device];
        let Some(bytes) = pick(&mut self.rng, &dev.heard).cloned() else {
            return;
        };
        let before = dev.engine.state().clone();
        let actions = dev.engine.received(&bytes);
        let acked = match ServerFrame::decode(&bytes) {
            Ok(ServerFrame::Ack { seq, .. }) => Some(seq),
            _ => None,
        };
        let after = self.devices[device].engine.state();
        assert!(
            after.cursor >= before.cursor,
            "device {device}: a replay moved the cursor back"
        );
        let kept = before.pending.iter().filter(|u| Some(u.seq) != acked);
        assert!(
            kept.into_iter().all(|u| after.pending.contains(u)),
            "device {device}: a replay dropped an upload the relay did not acknowledge"
        );
        self.run(device, actions, false);
    }

    /// What a hostile relay makes of the session's answer to `up`.
    fn tamper(
        &mut self,
        device: usize,
        up: &[u8],
        mut frames: Vec<ServerFrame>,
    ) -> Vec<ServerFrame> {
        if !self.hostile.is_on() {
            return frames;
        }
        let Ok(ClientFrame::Fetch { after, .. }) = ClientFrame::decode(up) else {
            return frames;
        };
        if self.hostile.roll_back && self.rng.u32(..3) == 0 {
            let served = self.devices[device]
                .heard
                .iter()
                .rev()
                .find(|bytes| matches!(ServerFrame::decode(bytes), Ok(ServerFrame::Chunks { .. })))
                .map(|bytes| ServerFrame::decode(bytes).unwrap());
            let shorter = ServerFrame::Chunks {
                items: Vec::new(),
                more: false,
                next: Cursor(after.0 / 2),
            };
            return vec![match served {
                Some(page) if self.rng.bool() => page,
                _ => shorter,
            }];
        }
        if let Some((first, last)) = self.hostile.withhold {
            let target = self.devices[0].id;
            for frame in &mut frames {
                if let ServerFrame::Chunks { items, .. } = frame {
                    items.retain(|c| !(c.device == target && (first..=last).contains(&c.seq)));
                }
            }
        }
        frames
    }

    /// Every session goes (its device sees the connection drop), then the
    /// store is opened again from the same file.
    fn restart_relay(&mut self) {
        self.stats.relay_restarts += 1;
        for device in 0..self.devices.len() {
            self.disconnect(device);
        }
        self.store = None;
        self.store = Some(Arc::new(SqliteStore::open(&self.path).unwrap()));
    }

    // --- edits ---------------------------------------------------------------

    fn edit_now(&self, device: usize) -> Edit {
        Edit {
            author: self.devices[device].author.clone(),
            at: self.now,
            today: self.now.date_naive(),
        }
    }

    /// Records the change the last command made, if it made one.
    fn made_change(&mut self, device: usize, heads_before: &[ChangeHash]) {
        let dev = &mut self.devices[device];
        if dev.ws.heads() == heads_before {
            return;
        }
        let bytes = dev
            .ws
            .last_local_change()
            .expect("a command commits a change");
        self.made
            .insert(Change::try_from(&bytes[..]).unwrap().hash());
        dev.unflushed.push(bytes);
        if self.rng.bool() {
            self.flush(device);
        }
    }

    fn edit(&mut self, device: usize) {
        let edit = self.edit_now(device);
        let before = self.devices[device].ws.heads();
        let word = WORDS[self.rng.usize(..WORDS.len())];
        let account = pick(&mut self.rng, &self.accounts).copied();
        let contact = pick(&mut self.rng, &self.contacts).copied();
        let touch = pick(&mut self.rng, &self.touches).copied();
        let ws = &mut self.devices[device].ws;
        // Refused commands (a record this device has not seen, or one
        // already deleted, a name taken) change nothing, as in the app.
        match self.rng.u32(..20) {
            0..=3 => {
                let draft = AccountDraft {
                    owner: String::new(),
                    name: format!("{word} {}", self.rng.u32(..40)),
                    city: CITIES[self.rng.usize(..CITIES.len())].into(),
                    ..AccountDraft::default()
                };
                if let Ok(id) = ws.create(&draft, &edit) {
                    self.accounts.push(id);
                }
            }
            4 => {
                if let Some(id) = account
                    && let Some(current) = ws.read_model().account(id).cloned()
                {
                    let mut draft = AccountDraft::of(&current);
                    match self.rng.u32(..3) {
                        0 => draft.city = CITIES[self.rng.usize(..CITIES.len())].into(),
                        1 => draft.industry = word.into(),
                        _ => draft.note = format!("{} {word}", draft.note),
                    }
                    let _ = ws.edit(id, &draft, &edit);
                }
            }
            5 => {
                if let Some(id) = account.filter(|_| self.rng.u32(..3) == 0) {
                    let _ = ws.delete(id, &edit);
                }
            }
            6 => {
                if let Some(id) = account {
                    let draft = ContactDraft {
                        name: format!("{word} Petrova"),
                        role: "buyer".into(),
                        ..ContactDraft::default()
                    };
                    if let Ok(id) = ws.create_in(id, &draft, &edit) {
                        self.contacts.push(id);
                    }
                }
            }
            7 => {
                if let Some(id) = contact
                    && let Some(current) = ws.read_model().contact(id).cloned()
                {
                    let mut draft = ContactDraft::of(&current);
                    draft.phone = format!("+7 900 {:07}", self.rng.u32(..10_000_000));
                    let _ = ws.edit(id, &draft, &edit);
                }
            }
            8 => {
                if let Some(id) = contact.filter(|_| self.rng.bool()) {
                    let _ = ws.delete(id, &edit);
                }
            }
            9 | 10 => {
                if let Some(id) = account {
                    let draft = touch_draft(&mut self.rng, edit.today, word);
                    if let Ok(id) = ws.create_in(id, &draft, &edit) {
                        self.touches.push(id);
                    }
                }
            }
            11 => {
                if let Some(id) = touch {
                    if self.rng.bool() {
                        let draft = touch_draft(&mut self.rng, edit.today, word);
                        let _ = ws.edit(id, &draft, &edit);
                    } else {
                        let _ = ws.delete(id, &edit);
                    }
                }
            }
            12 | 13 => self.care(device, &edit, word),
            _ => self.relationship(device, &edit, word, account),
        }
        self.made_change(device, &before);
    }

    /// An edit of the care records (schema 3): contacts' small details
    /// recorded, edited or deleted, and adoption checks. New ones go to an
    /// account this device sees (they would rarely find one otherwise:
    /// they need a contact, or an order).
    fn care(&mut self, device: usize, edit: &Edit, word: &str) {
        let today = Day(edit.today);
        let ws = &mut self.devices[device].ws;
        let model = ws.read_model();
        let rng = &mut self.rng;
        let rows = model.filter_accounts("");
        let account = pick(rng, &rows).map(|row| row.id);
        match rng.u32(..4) {
            0 => {
                let people: Vec<_> = rows.iter().flat_map(|r| model.contacts_of(r.id)).collect();
                let Some(&(contact, person)) = pick(rng, &people) else {
                    return;
                };
                let a = person.account;
                let category = DetailCategory::ALL[rng.usize(..DetailCategory::ALL.len())];
                let yearly = rng.bool();
                let draft = DetailDraft {
                    text: format!("likes {word}"),
                    date: if yearly || rng.bool() {
                        today.plus(-rng.i64(0..20_000)).to_string()
                    } else {
                        String::new()
                    },
                    yearly,
                    ..DetailDraft::about(contact, category)
                };
                if let Ok(id) = ws.create_in(a, &draft, edit) {
                    self.details.push(id);
                }
            }
            1 => {
                let Some(&id) = pick(rng, &self.details) else {
                    return;
                };
                let Some(detail) = model.get::<Detail>(id) else {
                    return;
                };
                if rng.u32(..4) == 0 {
                    let _ = ws.delete(id, edit);
                    return;
                }
                let mut draft = detail.draft();
                draft.text = format!("{} {word}", draft.text);
                let _ = ws.edit(id, &draft, edit);
            }
            2 => {
                let Some(a) = account else { return };
                let order = model.orders_of(a).first().map(|(id, _)| *id);
                let draft = AdoptionCheckDraft {
                    checked_on: today.to_string(),
                    order: order.filter(|_| rng.bool()),
                    product: format!("{word} line"),
                    finding: Finding::ALL[rng.usize(..Finding::ALL.len())],
                    follow_up: FollowUp::ALL[rng.usize(..FollowUp::ALL.len())],
                    next_check: today.plus(rng.i64(-2..60)).to_string(),
                    note: String::new(),
                };
                if let Ok(id) = ws.create_in(a, &draft, edit) {
                    self.checks.push(id);
                }
            }
            _ => {
                let Some(&id) = pick(rng, &self.checks) else {
                    return;
                };
                let Some(check) = model.get::<AdoptionCheck>(id) else {
                    return;
                };
                if rng.u32(..4) == 0 {
                    let _ = ws.delete(id, edit);
                    return;
                }
                let mut draft = check.draft();
                draft.finding = Finding::ALL[rng.usize(..Finding::ALL.len())];
                let _ = ws.edit(id, &draft, edit);
            }
        }
    }

    /// An edit of the relationship's records (schemas 2 and 3): promises
    /// made, closed or deleted, orders and their deliveries, stage moves,
    /// scorecards, joint programs and their actions, the team's settings,
    /// remarks and early warnings.
    fn relationship(&mut self, device: usize, edit: &Edit, word: &str, account: Option<AccountId>) {
        if self.rng.u32(..4) == 0 {
            return self.feedback(device, edit, word, account);
        }
        let today = Day(edit.today);
        let ws = &mut self.devices[device].ws;
        let model = ws.read_model();
        let rng = &mut self.rng;
        match rng.u32(..10) {
            0 | 1 => {
                let Some(a) = account else { return };
                let draft = PromiseDraft {
                    to: model.contacts_of(a).first().map(|(id, _)| *id),
                    made_by: edit.author.name.clone(),
                    made_on: today.to_string(),
                    due: today.plus(rng.i64(0..20)).to_string(),
                    kind: PromiseKind::ALL[rng.usize(..PromiseKind::ALL.len())],
                    what: format!("{word} by then"),
                    outcome: None,
                    closed_on: String::new(),
                    outcome_note: String::new(),
                    save_anyway: rng.bool(),
                };
                if let Ok(id) = ws.create_in(a, &draft, edit) {
                    self.promises.push(id);
                }
            }
            2 | 3 => {
                let Some(&id) = pick(rng, &self.promises) else {
                    return;
                };
                let Some(promise) = model.get::<Promise>(id) else {
                    return;
                };
                if rng.u32(..6) == 0 {
                    let _ = ws.delete(id, edit);
                    return;
                }
                let mut draft = promise.draft();
                draft.outcome = Some(Outcome::ALL[rng.usize(..Outcome::ALL.len())]);
                draft.closed_on = today.to_string();
                draft.outcome_note = format!("{word} happened");
                let _ = ws.edit(id, &draft, edit);
            }
            4 => {
                let Some(a) = account else { return };
                let ordered = today.plus(-rng.i64(0..30));
                let delivered = rng
                    .bool()
                    .then(|| ordered.plus(rng.i64(0..=today.days_since(ordered))));
                let draft = OrderDraft {
                    what: format!("{word} pallets"),
                    amount: format!("{},{:02}", rng.u32(..100_000), rng.u8(..100)),
                    currency: "EUR".into(),
                    ordered_on: ordered.to_string(),
                    promised_on: ordered.plus(rng.i64(0..15)).to_string(),
                    delivered_on: delivered.map(|d| d.to_string()).unwrap_or_default(),
                    save_anyway: rng.bool(),
                    ..OrderDraft::default()
                };
                if let Ok(id) = ws.create_in(a, &draft, edit) {
                    self.orders.push(id);
                }
            }
            5 => {
                let Some(&id) = pick(rng, &self.orders) else {
                    return;
                };
                let Some(order) = model.get::<Order>(id) else {
                    return;
                };
                let mut draft = order.draft();
                draft.delivered_on = today.to_string();
                let _ = ws.edit(id, &draft, edit);
            }
            6 => {
                let Some(a) = account else { return };
                let to = Stage::ALL[rng.usize(..Stage::ALL.len())];
                let mut draft = StageMoveDraft::to(to, &model.stage_of(a), word);
                draft.ended = (to == Stage::Ended).then_some(EndReason::Lost);
                draft.partner = rng.bool();
                if rng.bool() {
                    draft.override_reason = format!("{word} matters");
                }
                let _ = ws.create_in(a, &draft, edit);
            }
            7 => {
                let Some(a) = account else { return };
                let amount = |rng: &mut fastrand::Rng| match rng.u32(..4) {
                    0 => String::new(),
                    _ => (rng.u32(..500) * 1_000).to_string(),
                };
                let draft = ScorecardDraft {
                    assessed_on: today.to_string(),
                    annual_potential: amount(rng),
                    expected_margin: amount(rng),
                    yearly_cost: amount(rng),
                    innovates: [None, Some(true), Some(false)][rng.usize(..3)],
                    gives_reference: rng.bool(),
                    gives_market_information: rng.bool(),
                    note: word.into(),
                    ..ScorecardDraft::default()
                };
                let _ = ws.create_in(a, &draft, edit);
            }
            8 => match (rng.u32(..3), account) {
                (0, Some(a)) => {
                    let draft = ProgramDraft {
                        goal: format!("grow {word} together"),
                        note: String::new(),
                        follow_up: today.plus(rng.i64(0..30)).to_string(),
                    };
                    if let Ok(id) = ws.create_in(a, &draft, edit) {
                        self.programs.push(id);
                    }
                }
                (1, _) => {
                    let Some(&program) = pick(rng, &self.programs) else {
                        return;
                    };
                    let Some(a) = model.get::<Program>(program).map(|p| p.account) else {
                        return;
                    };
                    let draft = ProgramActionDraft {
                        program,
                        what: format!("{word} training"),
                        owner_rep: edit.author.name.clone(),
                        owner_contact: None,
                        due: today.plus(rng.i64(-5..10)).to_string(),
                        status: ActionStatus::Open,
                        status_note: String::new(),
                    };
                    if let Ok(id) = ws.create_in(a, &draft, edit) {
                        self.actions.push(id);
                    }
                }
                _ => {
                    let Some(&id) = pick(rng, &self.actions) else {
                        return;
                    };
                    let Some(action) = model.get::<ProgramAction>(id) else {
                        return;
                    };
                    let mut draft = action.draft();
                    draft.status = [ActionStatus::Done, ActionStatus::Dropped][rng.usize(..2)];
                    draft.status_note = format!("{word} done");
                    let _ = ws.edit(id, &draft, edit);
                }
            },
            _ => {
                let mut draft = TeamSettings::of(&model).draft();
                match rng.u32(..4) {
                    0 => draft.currency = ["EUR", "RUB", "GBP"][rng.usize(..3)].into(),
                    1 => draft.min_annual_potential = (rng.u32(..500) * 1_000).to_string(),
                    2 => draft.min_payback_percent = rng.u32(50..200).to_string(),
                    _ => draft.min_give_back = rng.u32(..=4).to_string(),
                }
                let _ = ws.edit(TeamSettings::id(), &draft, edit);
            }
        }
    }

    /// An edit of the feedback system's records (schema 3): remarks made,
    /// acted on, ended or deleted; early warnings heard, closed or turned
    /// into a complaint.
    fn feedback(&mut self, device: usize, edit: &Edit, word: &str, account: Option<AccountId>) {
        let today = Day(edit.today);
        let ws = &mut self.devices[device].ws;
        let model = ws.read_model();
        let rng = &mut self.rng;
        let from = |a: AccountId| model.contacts_of(a).first().map(|(id, _)| *id);
        match rng.u32(..5) {
            0 => {
                let Some(a) = account else { return };
                let draft = RemarkDraft {
                    from: from(a),
                    ..RemarkDraft::heard(
                        Role::ALL[rng.usize(..Role::ALL.len())],
                        Topic::ALL[rng.usize(..Topic::ALL.len())],
                        Sentiment::ALL[rng.usize(..Sentiment::ALL.len())],
                        Severity::ALL[rng.usize(..Severity::ALL.len())],
                        &format!("{word} was late"),
                        &today.plus(-rng.i64(0..10)).to_string(),
                    )
                };
                if let Ok(id) = ws.create_in(a, &draft, edit) {
                    self.remarks.push(id);
                }
            }
            1 | 2 => {
                let Some(&id) = pick(rng, &self.remarks) else {
                    return;
                };
                let Some(remark) = model.get::<Remark>(id) else {
                    return;
                };
                let mut draft = remark.draft();
                match rng.u32(..4) {
                    0 => {
                        let _ = ws.delete(id, edit);
                        return;
                    }
                    1 => {
                        draft.action = format!("call about {word}");
                        draft.action_by = edit.author.name.clone();
                        draft.action_due = today.plus(rng.i64(0..10)).to_string();
                    }
                    _ => {
                        draft.end = Some(RemarkEnd::ALL[rng.usize(..RemarkEnd::ALL.len())]);
                        draft.ended_on = today.to_string();
                        draft.end_note = format!("{word} sorted");
                    }
                }
                let _ = ws.edit(id, &draft, edit);
            }
            3 => {
                let Some(a) = account else { return };
                let draft = EarlyWarningDraft {
                    from: from(a),
                    ..EarlyWarningDraft::heard(
                        WarningRole::ALL[rng.usize(..WarningRole::ALL.len())],
                        Seriousness::ALL[rng.usize(..Seriousness::ALL.len())],
                        &format!("{word} grumbles"),
                        &today.to_string(),
                    )
                };
                if let Ok(id) = ws.create_in(a, &draft, edit) {
                    self.warnings.push(id);
                }
            }
            _ => {
                let Some(&id) = pick(rng, &self.warnings) else {
                    return;
                };
                let Some(warning) = model.get::<EarlyWarning>(id) else {
                    return;
                };
                let mut draft = warning.draft();
                draft.ended_on = today.to_string();
                // A complaint of its account, if one is known here.
                let complaint = model
                    .remarks_of(warning.account)
                    .into_iter()
                    .find(|(_, r)| r.severity == Severity::Complaint)
                    .map(|(id, _)| id);
                match complaint {
                    Some(c) if rng.bool() => {
                        draft.end = Some(WarningEnd::BecameComplaint);
                        draft.complaint = Some(c);
                    }
                    _ => {
                        draft.end = Some(WarningEnd::Closed);
                        draft.end_note = format!("{word} settled");
                    }
                }
                let _ = ws.edit(id, &draft, edit);
            }
        }
    }

    /// Two devices, cut off from the relay, each change the workspace as
    /// `change` says (`second`: the other device's change).
    fn apart(&mut self, change: impl Fn(&mut Workspace, &Edit, bool)) {
        let a = self.rng.usize(..self.devices.len());
        let b = (a + 1 + self.rng.usize(..self.devices.len() - 1)) % self.devices.len();
        for (device, second) in [(a, false), (b, true)] {
            self.disconnect(device);
            let edit = self.edit_now(device);
            let before = self.devices[device].ws.heads();
            change(&mut self.devices[device].ws, &edit, second);
            self.made_change(device, &before);
        }
    }

    /// Two devices, cut off from the relay, close the same promise
    /// differently (or one closes it while the other deletes it); or end
    /// the same remark differently.
    fn apart_on_the_same_promise(&mut self) {
        if self.rng.bool() {
            return self.apart_on_the_same_remark();
        }
        let Some(&id) = pick(&mut self.rng, &self.promises) else {
            return;
        };
        let delete = self.rng.u32(..4) == 0;
        self.apart(|ws, edit, second| {
            let Some(promise) = ws.read_model().get::<Promise>(id).cloned() else {
                return;
            };
            if delete && second {
                let _ = ws.delete(id, edit);
            } else {
                let mut draft = promise.draft();
                draft.outcome = Some(if second {
                    Outcome::Broken
                } else {
                    Outcome::Kept
                });
                draft.closed_on = Day(edit.today).to_string();
                draft.outcome_note = "apart".into();
                let _ = ws.edit(id, &draft, edit);
            }
        });
    }

    /// Two devices, cut off from the relay, end the same remark
    /// differently: closed without action on one, resolved (with an
    /// action) on the other.
    fn apart_on_the_same_remark(&mut self) {
        let Some(&id) = pick(&mut self.rng, &self.remarks) else {
            return;
        };
        self.apart(|ws, edit, second| {
            let Some(remark) = ws.read_model().get::<Remark>(id).cloned() else {
                return;
            };
            let mut draft = remark.draft();
            draft.ended_on = Day(edit.today).to_string();
            draft.end_note = format!("apart {second}");
            if second {
                draft.end = Some(RemarkEnd::Resolved);
                draft.action = "apart".into();
                draft.action_by = edit.author.name.clone();
                draft.action_due = Day(edit.today).to_string();
            } else {
                draft.end = Some(RemarkEnd::ClosedWithoutAction);
            }
            let _ = ws.edit(id, &draft, edit);
        });
    }

    /// Two devices, cut off from the relay, change the same detail: one
    /// edits it, the other edits it too or deletes it.
    fn apart_on_the_same_detail(&mut self) {
        let Some(&id) = pick(&mut self.rng, &self.details) else {
            return;
        };
        let delete = self.rng.bool();
        self.apart(|ws, edit, second| {
            let Some(detail) = ws.read_model().get::<Detail>(id).cloned() else {
                return;
            };
            if delete && second {
                let _ = ws.delete(id, edit);
            } else {
                let mut draft = detail.draft();
                draft.text = format!("prefers {}", if second { "coffee" } else { "tea" });
                let _ = ws.edit(id, &draft, edit);
            }
        });
    }

    /// Two devices, cut off from the relay, change the same field of the
    /// same account to different values.
    fn apart_on_the_same_field(&mut self) {
        let Some(&id) = pick(&mut self.rng, &self.accounts) else {
            return;
        };
        self.apart(|ws, edit, second| {
            if let Some(current) = ws.read_model().account(id).cloned() {
                let mut draft = AccountDraft::of(&current);
                draft.city = if second { "Tula" } else { "Tver" }.into();
                let _ = ws.edit(id, &draft, edit);
            }
        });
    }

    // --- the end -------------------------------------------------------------

    /// Everyone online, every local change handed over, and the network run
    /// until no frame is in flight.
    fn settle(&mut self) {
        for device in 0..self.devices.len() {
            self.flush(device);
        }
        for round in 0.. {
            assert!(round < 200, "the network never went quiet");
            for device in 0..self.devices.len() {
                self.connect(device);
            }
            // The worker's timer: a page that failed is fetched again.
            for device in 0..self.devices.len() {
                let actions = self.devices[device].engine.retry();
                self.run(device, actions, false);
            }
            let mut steps = 0;
            while self.in_flight() {
                steps += 1;
                assert!(steps < 200_000, "frames kept flowing");
                if self.rng.bool() {
                    self.deliver_up();
                } else {
                    self.deliver_down();
                }
            }
            if self
                .devices
                .iter()
                .all(|d| d.conn.is_some() && d.engine.is_idle() && d.unflushed.is_empty())
            {
                return;
            }
            // A device still waiting on a quiet network (a hostile relay
            // ate the answer to its fetch) gives up and connects again.
            for device in 0..self.devices.len() {
                if !self.devices[device].engine.is_idle() {
                    self.disconnect(device);
                }
            }
        }
    }

    fn in_flight(&self) -> bool {
        self.devices.iter().any(|d| {
            d.conn
                .as_ref()
                .is_some_and(|c| !c.up.is_empty() || !c.down.is_empty() || c.closing)
        })
    }

    fn check(&mut self) {
        let heads: Vec<Vec<ChangeHash>> = self
            .devices
            .iter_mut()
            .map(|d| {
                let mut heads = d.ws.heads();
                heads.sort();
                heads
            })
            .collect();
        for (n, dev) in self.devices.iter_mut().enumerate() {
            let missing = self.made.iter().filter(|h| !dev.ws.has_change(h)).count();
            assert_eq!(
                missing,
                0,
                "device {n} lacks {missing} of {} changes",
                self.made.len()
            );
            assert!(
                dev.saved.pending.is_empty(),
                "device {n} still has uploads pending"
            );
            assert_eq!(
                heads[n], heads[0],
                "device {n} has other heads than device 0"
            );
        }
        let model = self.devices[0].ws.read_model();
        let keys = self
            .accounts
            .iter()
            .map(|id| rapport::document::RecordKey::Account(*id));
        let promises = self
            .promises
            .iter()
            .map(|id| rapport::document::RecordKey::Promise(*id));
        let remarks = self
            .remarks
            .iter()
            .map(|id| rapport::document::RecordKey::Remark(*id));
        for key in keys.chain(promises).chain(remarks) {
            let conflicts = self.devices[0].ws.conflicts(key).unwrap_or_default();
            self.stats.conflicts += conflicts.len();
        }
        for (n, dev) in self.devices.iter().enumerate().skip(1) {
            assert!(
                dev.ws.read_model() == model,
                "device {n} reads differently from device 0"
            );
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

fn touch_draft(rng: &mut fastrand::Rng, today: chrono::NaiveDate, word: &str) -> TouchDraft {
    let kinds = [
        TouchKind::Visit,
        TouchKind::Call,
        TouchKind::Email,
        TouchKind::Message,
    ];
    TouchDraft {
        kind: kinds[rng.usize(..kinds.len())],
        day: (today - Duration::days(rng.i64(0..30))).to_string(),
        contact: None,
        note: format!("talked about {word}"),
    }
}

fn is_upload(bytes: &[u8]) -> bool {
    matches!(ClientFrame::decode(bytes), Ok(ClientFrame::Upload { .. }))
}

fn pick<'a, T>(rng: &mut fastrand::Rng, items: &'a [T]) -> Option<&'a T> {
    (!items.is_empty()).then(|| &items[rng.usize(..items.len())])
}

const WORDS: &[&str] = &[
    "Northwind",
    "Ромашка",
    "Acme",
    "Severstal",
    "Globex",
    "pricing",
    "delivery",
    "Initech",
];
const CITIES: &[&str] = &["Kazan", "Leeds", "Lyon", "Perm", "Казань", "Porto"];

// --- a relay that lies, and devices that fail ---------------------------------

/// Runs a case with a hostile relay for its first part, then an honest one:
/// every device must converge and every hole be filled.
fn run_hostile_case(seed: u64, hostile: Hostile) -> Sim {
    let _hint = ReplayHint(seed);
    let mut sim = Sim::new(seed);
    sim.hostile = hostile;
    sim.stats.hostile = true;
    sim.allow = |error| matches!(error, SyncError::Withheld { .. });
    for _ in 0..150 {
        sim.step();
    }
    // The first device writes past the seqs a relay may withhold, and
    // everyone reads it while the relay still lies.
    sim.quiet();
    for n in 0..6 {
        sim.write_account(0, n);
        sim.quiet();
    }
    sim.hostile = Hostile::default();
    if std::env::var("RAPPORT_SIM_DEBUG").is_ok() {
        for (n, d) in sim.devices.iter().enumerate() {
            eprintln!(
                "device {n} {} seen {:?} holes {:?}",
                d.id,
                d.engine.state().seen,
                d.engine.state().holes
            );
        }
        eprintln!("reported {:?}", sim.reported);
    }
    // Holes are looked for again on each connection.
    for device in 0..sim.devices.len() {
        sim.disconnect(device);
    }
    sim.settle();
    sim.check();
    for (n, dev) in sim.devices.iter().enumerate() {
        assert!(
            dev.engine.state().holes.is_empty(),
            "device {n} still misses {:?}",
            dev.engine.state().holes
        );
    }
    sim
}

impl Sim {
    /// `device` creates an account and hands the change to its engine.
    fn write_account(&mut self, device: usize, n: usize) {
        let edit = self.edit_now(device);
        let before = self.devices[device].ws.heads();
        let draft = AccountDraft {
            owner: String::new(),
            name: format!("Written {n} by {device}"),
            city: "Kazan".into(),
            ..AccountDraft::default()
        };
        let id = self.devices[device].ws.create(&draft, &edit).unwrap();
        self.accounts.push(id);
        self.made_change(device, &before);
        self.flush(device);
    }

    /// A device outside the simulation (a member's other tablet, say)
    /// uploads `sealed` as its seq 1, straight to the relay, proving its
    /// key; the simulated devices are told of it.
    fn upload_as(&mut self, device: &TestDevice, kind: ChunkKind, sealed: Sealed) {
        let store = self.store.clone().expect("the relay is up");
        let mut session = Session::new(store, DEFAULT_MAX_FRAME_BYTES);
        let hello = ClientFrame::Hello {
            version: PROTOCOL_VERSION,
            team: TEAM,
            device: device.id(),
            token: access_token(&TeamKey::from_bytes(KEY), TEAM),
            public_key: device.public_key(),
        };
        let challenged = session.handle(&hello.encode());
        let [ServerFrame::Challenge { ephemeral }] = &challenged.frames[..] else {
            panic!("Hello is answered by a challenge: {:?}", challenged.frames);
        };
        let proof = device.prove(TEAM, ephemeral).expect("a point");
        let upload = ClientFrame::Upload {
            seq: Seq(1),
            kind,
            sealed,
        };
        for frame in [ClientFrame::Prove { proof }, upload] {
            let step = session.handle(&frame.encode());
            if let Some(Effect::Landed { head }) = step.effect {
                self.notify_others(usize::MAX, head);
            }
        }
    }

    /// Everyone connected, and the network run until nothing is in flight.
    fn quiet(&mut self) {
        for device in 0..self.devices.len() {
            self.connect(device);
        }
        self.drain();
    }

    /// The network run until nothing is in flight, with no one connecting.
    fn drain(&mut self) {
        let mut steps = 0;
        while self.in_flight() {
            steps += 1;
            assert!(steps < 200_000, "frames kept flowing");
            if self.rng.bool() {
                self.deliver_up();
            } else {
                self.deliver_down();
            }
        }
    }
}

#[test]
fn a_relay_withholding_a_colleagues_chunks_is_noticed_and_heals_when_it_stops() {
    for seed in 0..4 {
        let hostile = Hostile {
            withhold: Some((Seq(2), Seq(3))),
            ..Hostile::default()
        };
        let sim = run_hostile_case(seed, hostile);
        let target = sim.devices[0].id;
        assert!(
            sim.reported.iter().any(|error| matches!(
                error,
                SyncError::Withheld { device, first, .. } if *device == target && *first <= Seq(3)
            )),
            "seed {seed}: nobody noticed the withheld seqs: {:?}",
            sim.reported
        );
    }
}

#[test]
fn replayed_frames_apply_nothing_and_move_nothing() {
    for seed in 10..14 {
        let sim = run_hostile_case(
            seed,
            Hostile {
                replay: true,
                ..Hostile::default()
            },
        );
        assert!(sim.reported.is_empty(), "{:?}", sim.reported);
    }
}

#[test]
fn a_relay_rolling_back_its_log_moves_no_cursor_back_and_loses_nothing() {
    // The cursor check is in `Sim::run`: every persisted cursor is at or
    // past the one before.
    for seed in 20..24 {
        let sim = run_hostile_case(
            seed,
            Hostile {
                roll_back: true,
                replay: true,
                ..Hostile::default()
            },
        );
        assert!(sim.reported.is_empty(), "{:?}", sim.reported);
    }
}

/// A device whose store is full during its catch-up (or whose document
/// refuses a change: the engine is told the same way) does not move its
/// cursor: nothing of the failed pages is applied, and they come again once
/// it retries, and apply.
#[test]
fn a_page_that_could_not_be_stored_comes_again() {
    let _hint = ReplayHint(30);
    let mut sim = Sim::new(30);
    sim.allow = |error| matches!(error, SyncError::NotApplied { .. });
    for n in 0..8 {
        sim.write_account(1, n);
    }
    sim.quiet();
    // The last device was away; its first pages fail to store.
    let last = sim.devices.len() - 1;
    sim.disconnect(last);
    for n in 8..16 {
        sim.write_account(1, n);
    }
    sim.drain();
    let before = sim.devices[last].engine.state().cursor;
    sim.devices[last].failing = 3;
    sim.connect(last);
    sim.quiet();
    assert_eq!(
        sim.devices[last].engine.state().cursor,
        before,
        "the failed page moved the cursor"
    );
    assert!(sim.devices[last].engine.is_stalled());
    sim.settle();
    sim.check();
    assert_eq!(sim.stats.apply_failures, 3);
    assert_eq!(
        sim.reported.len(),
        3,
        "each failure is reported: {:?}",
        sim.reported
    );
}

/// A device restored from an older backup reuses seqs the relay holds with
/// other bytes: it moves past them, seals its uploads again, and gets back
/// what it had written after the backup. Nothing is lost.
#[test]
fn a_device_restored_from_an_old_backup_reseals_and_loses_nothing() {
    let mut reseals = 0;
    for seed in 40..44 {
        let _hint = ReplayHint(seed);
        let mut sim = Sim::new(seed);
        for n in 0..3 {
            sim.write_account(0, n);
        }
        sim.settle();
        let backup = sim.devices[0].saved.clone();
        let document = sim.devices[0].ws.save();
        // Written after the backup, and on the relay.
        for n in 3..7 {
            sim.write_account(0, n);
        }
        sim.settle();
        assert!(sim.devices[0].saved.next_seq > backup.next_seq);
        // The backup comes back (in a new tab: a new actor).
        sim.disconnect(0);
        let dev = &mut sim.devices[0];
        dev.ws = Workspace::load(&document, ActorId::from([0xb0, seed as u8].as_slice())).unwrap();
        dev.saved = backup.clone();
        dev.engine = SyncEngine::new(TEAM, dev.id, TeamKey::from_bytes(KEY), backup)
            .with_public_key(dev.identity.public_key())
            .with_snapshot_every(sim.snapshot_every);
        for n in 7..10 {
            sim.write_account(0, n);
        }
        sim.settle();
        sim.check();
        reseals += sim.stats.reseals;
        let saved = &sim.devices[0].saved;
        assert!(saved.pending.is_empty());
    }
    // Some seeds had the reused seqs pruned under a snapshot, so the relay
    // took them as new; the others must have found them taken.
    assert!(reseals > 0, "no seq was ever found taken");
}

/// A chunk sealed with a key this device does not hold yet is a hole: no
/// snapshot is offered while it is open (it would claim to hold that
/// change), and once the key comes it is read again and applied.
#[test]
fn no_snapshot_while_a_chunk_did_not_open_and_it_opens_once_the_key_comes() {
    use rapport_protocol::{Plain, seal};
    let _hint = ReplayHint(50);
    let mut sim = Sim::new(50);
    sim.allow = |error| matches!(error, SyncError::Open { .. });
    sim.quiet();
    // A member's device seals one change with a key the others lack.
    let other_key = TeamKey::from_bytes([0x43; 32]);
    let rogue_identity = TestDevice::from_seed(0x99);
    let rogue = rogue_identity.id();
    let mut ws = Workspace::new(ActorId::from([0x99u8; 16].as_slice()));
    let draft = AccountDraft {
        owner: String::new(),
        name: "Sealed apart".into(),
        ..AccountDraft::default()
    };
    let edit = sim.edit_now(0);
    ws.create(&draft, &edit).unwrap();
    let change = ws.last_local_change().unwrap();
    let hash = Change::try_from(&change[..]).unwrap().hash();
    let plain = Plain::new(rapport::document::ChangeBatch::encode_changes(&[change]));
    let sealed = seal(
        &other_key,
        TEAM,
        rogue,
        Seq(1),
        ChunkKind::Change,
        &plain,
        [9; 24],
    );
    sim.upload_as(&rogue_identity, ChunkKind::Change, sealed);
    // Plenty of changes after it: a snapshot would be due many times over.
    for n in 0..30 {
        sim.write_account(2, n);
        sim.quiet();
    }
    assert_eq!(sim.stats.snapshots, 0, "a snapshot was offered over a hole");
    for (n, dev) in sim.devices.iter_mut().enumerate() {
        assert_eq!(dev.engine.snapshot_due(true), None, "device {n}");
        assert!(!dev.ws.has_change(&hash));
    }
    assert!(
        sim.reported
            .iter()
            .any(|e| matches!(e, SyncError::Open { device, .. } if *device == rogue))
    );

    // Device 1 gets the key (through the key chain, say) and connects again.
    sim.disconnect(1);
    let dev = &mut sim.devices[1];
    dev.engine = SyncEngine::new(TEAM, dev.id, TeamKey::from_bytes(KEY), dev.saved.clone())
        .with_public_key(dev.identity.public_key())
        .with_key_ring(0, vec![other_key])
        .with_snapshot_every(sim.snapshot_every);
    sim.quiet();
    let dev = &mut sim.devices[1];
    assert!(dev.ws.has_change(&hash), "the chunk was not read again");
    assert!(dev.engine.state().holes.is_empty());
    assert!(dev.engine.snapshot_due(dev.ws.nothing_waiting()).is_some());
}

/// A member (or a buggy device) uploads a garbage snapshot that claims to
/// cover the whole log. The relay keeps what it covers for its retention
/// window, so a tablet that joins afterwards, which is served that snapshot
/// first and cannot read it, reads the log again in order (`FetchAll`) and
/// gets every change; the devices that had everything already offer a
/// readable snapshot of their own, so the log is whole again.
#[test]
fn a_garbage_snapshot_loses_nothing_and_a_readable_one_replaces_it() {
    use rapport_protocol::{Plain, seal};
    let _hint = ReplayHint(41);
    let mut sim = Sim::new(41);
    sim.allow = |error| matches!(error, SyncError::Open { .. });
    for n in 0..12 {
        sim.write_account(n % 3, n);
    }
    sim.settle();
    let snapshots_before = sim.stats.snapshots;

    let rogue = TestDevice::from_seed(0xee);
    // Everyone has read everything: the log ends where they stand.
    let head = sim.devices[0].engine.state().cursor;
    let garbage = seal(
        &TeamKey::from_bytes([0x66; 32]),
        TEAM,
        rogue.id(),
        Seq(1),
        ChunkKind::Snapshot { covers: head },
        &Plain::new(vec![0xde; 300]),
        [4; 24],
    );
    sim.upload_as(&rogue, ChunkKind::Snapshot { covers: head }, garbage);

    // A new tablet joins now, while the others are away: the relay serves
    // it the garbage first.
    for device in 0..sim.devices.len() {
        sim.disconnect(device);
    }
    let last = sim.devices.len() - 1;
    let identity = TestDevice::from_seed(0xfe);
    let id = identity.id();
    let dev = &mut sim.devices[last];
    dev.ws = Workspace::new(ActorId::from(id.as_bytes())).with_seeded_ids(4141);
    dev.engine = SyncEngine::new(TEAM, id, TeamKey::from_bytes(KEY), EngineState::fresh())
        .with_public_key(identity.public_key())
        .with_snapshot_every(sim.snapshot_every);
    dev.id = id;
    dev.identity = identity;
    dev.saved = EngineState::fresh();
    dev.sent.clear();
    sim.connect(last);
    sim.drain();
    // It saw the garbage, and the hole it left is read again in order on
    // the next connection: then it holds everything the others wrote.
    assert!(
        sim.devices[last]
            .engine
            .state()
            .holes
            .iter()
            .any(|hole| hole.device == rogue.id()),
        "the unreadable snapshot is a hole"
    );
    sim.disconnect(last);
    sim.connect(last);
    sim.drain();
    let theirs = sim.devices[0].ws.heads();
    assert!(
        theirs.iter().all(|h| sim.devices[last].ws.has_change(h)),
        "the new tablet got every change from the chunks under the garbage"
    );
    sim.settle();
    sim.check();
    let fresh = &sim.devices[last];
    assert!(
        fresh.engine.state().holes.is_empty(),
        "{:?}",
        fresh.engine.state().holes
    );
    assert!(
        sim.reported
            .iter()
            .any(|e| matches!(e, SyncError::Open { device, .. } if *device == rogue.id())),
        "the garbage was noticed"
    );
    assert!(
        sim.stats.snapshots > snapshots_before,
        "a device that had everything offered a readable snapshot"
    );
}
