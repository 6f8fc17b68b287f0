//! The workspace worker's core, natively: tabs of one device sharing an
//! in-memory "IndexedDB", their broadcasts delivered to each other, the
//! device's sync lock, and a relay made of the real
//! [`rapport_relay::Session`]s over a [`SqliteStore`], as in
//! `tests/network.rs`. Key rotations use real P-256 (the `p256` crate, where
//! the browser uses WebCrypto).
//!
//! Every event goes through one queue, in order, and each tab handles one
//! event to the end before the next, as the browser adapter does; the
//! random source is seeded, so a run replays exactly. The harness checks
//! the sync engine's contract on every frame as the core emits it: an
//! upload leaves only after the engine state holding it was stored, and
//! only with changes already saved on the device.

// Native only: the relay it runs in memory is a native crate.
#![cfg(not(target_arch = "wasm32"))]

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;
use std::sync::Arc;

use automerge::ActorId;
use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use futures::executor::block_on;
use p256::ecdh::diffie_hellman;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use rapport::document::ChangeBatch;
use rapport::document::{Command, ReadModel};
use rapport::domain::{
    Account, AccountDraft, AccountId, Author, Day, DomainError, Edit, Order, OrderDraft, OrderId,
    Promise, PromiseDraft, PromiseId, PromiseKind,
};
use rapport::state::messages::{FromWorker, SyncState, SyncView, ToWorker};
use rapport::state::worker::{
    Crypto, Effect, Event, Gzip, Host, LinkEvent, PERSISTS_AFTER, ReportKind, Storage, TabMessage,
    WorkerCore,
};
use rapport::state::{Notice, Refusal, SaveState};
use rapport::storage::{ChunkKind, StorageError, StoredChunk};
use rapport::sync::{EngineState, Membership};
use rapport::ui::words::words;
use rapport_protocol::{ClientFrame, Cursor, DeviceId, DevicePublicKey, ErrorCode, ServerFrame};
use rapport_relay::{
    CreationRight, DEFAULT_MAX_FRAME_BYTES, KeyStore, Limits, Session, SqliteStore, Store,
};

// --- one device's storage ----------------------------------------------------

/// What IndexedDB holds for one device (all its tabs share it).
#[derive(Default)]
struct Db {
    chunks: BTreeMap<u64, (ChunkKind, Vec<u8>)>,
    next_key: u64,
    set_aside: Vec<(u64, String)>,
    model: Option<Vec<u8>>,
    sync: BTreeMap<String, Vec<u8>>,
    device_key: Option<SecretKey>,
    /// Adding records fails as on a full disk (`IDBObjectStore.add`
    /// throwing `QuotaExceededError`); putting still works.
    full: bool,
}

impl Db {
    fn changes(&self) -> usize {
        self.chunks
            .values()
            .filter(|(kind, _)| *kind == ChunkKind::Change)
            .count()
    }

    fn engine(&self) -> Option<EngineState> {
        EngineState::decode(self.sync.get("engine-v2")?)
    }

    fn membership(&self) -> Option<Membership> {
        Membership::decode(self.sync.get("membership-v2")?)
    }

    /// The changes in an upload this device sealed.
    fn opened(
        &self,
        seq: rapport_protocol::Seq,
        kind: rapport_protocol::ChunkKind,
        sealed: &rapport_protocol::Sealed,
    ) -> Vec<Vec<u8>> {
        let m = self.membership().expect("a member uploads");
        let plain = std::iter::once(m.key())
            .chain(m.older_keys())
            .find_map(|key| rapport_protocol::open(&key, m.team, m.device, seq, kind, sealed).ok())
            .expect("this device's upload opens with its keys");
        ChangeBatch::decode(plain.as_bytes())
            .expect("a change batch")
            .into_changes()
    }

    /// Whether `change` is in a stored chunk.
    fn holds(&self, change: &[u8]) -> bool {
        let hash = automerge::Change::try_from(change).unwrap().hash();
        self.chunks.values().any(|(kind, bytes)| match kind {
            ChunkKind::Change => bytes == change,
            ChunkKind::Changes => ChangeBatch::decode(bytes)
                .is_some_and(|batch| batch.into_changes().iter().any(|c| c == change)),
            ChunkKind::Snapshot => {
                let mut ws = rapport::document::Workspace::new(ActorId::from([9; 16]));
                ws.apply(bytes).is_ok() && ws.has_change(&hash)
            }
        })
    }
}

/// One tab's platform: the device's storage, a seeded random source, a
/// clock, and the effects the core emitted, for the world to carry out.
struct TabHost {
    name: &'static str,
    db: Rc<RefCell<Db>>,
    effects: RefCell<Vec<Effect>>,
    rng: RefCell<fastrand::Rng>,
    now: Rc<Cell<DateTime<Utc>>>,
    online: Rc<Cell<bool>>,
}

impl Storage for TabHost {
    async fn open(&self) -> Result<(), StorageError> {
        Ok(())
    }

    async fn load_all(&self) -> Result<Vec<StoredChunk>, StorageError> {
        Ok(self
            .db
            .borrow()
            .chunks
            .iter()
            .map(|(&key, (kind, bytes))| StoredChunk {
                key,
                kind: *kind,
                bytes: bytes.clone(),
            })
            .collect())
    }

    async fn append_all<B: AsRef<[u8]>>(
        &self,
        chunks: &[(ChunkKind, B)],
    ) -> Result<Vec<u64>, StorageError> {
        let mut db = self.db.borrow_mut();
        if db.full {
            return Err(StorageError::QuotaExceeded);
        }
        let mut keys = Vec::new();
        for (kind, bytes) in chunks {
            db.next_key += 1;
            let key = db.next_key;
            db.chunks.insert(key, (*kind, bytes.as_ref().to_vec()));
            keys.push(key);
        }
        Ok(keys)
    }

    async fn compact(&self, snapshot: &[u8], replaced: &[u64]) -> Result<u64, StorageError> {
        let mut db = self.db.borrow_mut();
        if db.full {
            return Err(StorageError::QuotaExceeded);
        }
        db.next_key += 1;
        let key = db.next_key;
        db.chunks
            .insert(key, (ChunkKind::Snapshot, snapshot.to_vec()));
        for k in replaced {
            db.chunks.remove(k);
        }
        Ok(key)
    }

    async fn set_aside(&self, key: u64, reason: &str) -> Result<(), StorageError> {
        let mut db = self.db.borrow_mut();
        db.chunks.remove(&key);
        db.set_aside.push((key, reason.to_owned()));
        Ok(())
    }

    async fn load_model(&self) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.db.borrow().model.clone())
    }

    async fn save_model(&self, _rows: &[u8], model: &[u8]) -> Result<(), StorageError> {
        self.db.borrow_mut().model = Some(model.to_vec());
        Ok(())
    }

    async fn load_sync(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.db.borrow().sync.get(key).cloned())
    }

    async fn save_sync(&self, key: &str, bytes: &[u8]) -> Result<(), StorageError> {
        self.db.borrow_mut().sync.insert(key.into(), bytes.to_vec());
        Ok(())
    }
}

impl Crypto for TabHost {
    type KeyPair = SecretKey;

    async fn generate(&self) -> Option<SecretKey> {
        loop {
            let mut bytes = [0u8; 32];
            self.random(&mut bytes);
            if let Ok(secret) = SecretKey::from_slice(&bytes) {
                return Some(secret);
            }
        }
    }

    fn public(&self, pair: &SecretKey) -> Option<DevicePublicKey> {
        DevicePublicKey::from_bytes(pair.public_key().to_encoded_point(false).as_bytes())
    }

    async fn shared(&self, pair: &SecretKey, other: &DevicePublicKey) -> Option<[u8; 32]> {
        let other = PublicKey::from_sec1_bytes(other.as_bytes()).ok()?;
        let shared = diffie_hellman(pair.to_nonzero_scalar(), other.as_affine());
        Some((*shared.raw_secret_bytes()).into())
    }

    async fn load_device_key(&self) -> Result<Option<SecretKey>, StorageError> {
        Ok(self.db.borrow().device_key.clone())
    }

    async fn save_device_key(&self, pair: &SecretKey) -> Result<(), StorageError> {
        self.db.borrow_mut().device_key = Some(pair.clone());
        Ok(())
    }
}

impl Gzip for TabHost {
    // Stored and sent uncompressed: every reader accepts both.
    async fn pack_or_keep(&self, bytes: Vec<u8>) -> Vec<u8> {
        bytes
    }

    async fn unpack(&self, bytes: Vec<u8>) -> Vec<u8> {
        bytes
    }
}

impl TabHost {
    /// The engine's contract, checked as the frame leaves (not when the
    /// world carries it out, after the event): an upload goes out only
    /// once the engine state holding it is stored, so a retry reuses the
    /// same bytes; and every change in it is saved on the device first.
    fn check_upload(&self, bytes: &[u8]) {
        let Ok(ClientFrame::Upload { seq, kind, sealed }) = ClientFrame::decode(bytes) else {
            return;
        };
        let name = self.name;
        let db = self.db.borrow();
        let stored = db.engine();
        assert!(
            stored.is_some_and(|s| s.pending.iter().any(|u| u.seq == seq)),
            "{name}: upload {seq} sent before the engine state holding it was stored",
        );
        if kind == rapport_protocol::ChunkKind::Change && !db.full {
            for change in db.opened(seq, kind, &sealed) {
                assert!(
                    db.holds(&change),
                    "{name}: a change went out before it was stored"
                );
            }
        }
    }
}

impl Host for TabHost {
    fn emit(&self, effect: Effect) {
        if let Effect::Send(bytes) = &effect {
            self.check_upload(bytes);
        }
        self.effects.borrow_mut().push(effect);
    }

    fn random(&self, bytes: &mut [u8]) -> bool {
        self.rng.borrow_mut().fill(bytes);
        true
    }

    fn now(&self) -> DateTime<Utc> {
        self.now.get()
    }

    fn online(&self) -> bool {
        self.online.get()
    }

    fn memory(&self) -> f64 {
        0.0
    }
}

// --- what a tab's page sees ----------------------------------------------------

/// The page's side, as `state/page.rs` keeps it.
#[derive(Default)]
struct Page {
    model: ReadModel,
    incoming: Option<ReadModel>,
    ready: bool,
    sent: u64,
    save: Option<(SaveState, u64)>,
    notices: Vec<Notice>,
    recovered: usize,
    sync: SyncView,
}

impl Page {
    fn receive(&mut self, message: FromWorker) {
        match message {
            FromWorker::Model { part, last } => {
                self.incoming
                    .get_or_insert_with(ReadModel::default)
                    .apply(part);
                if last && let Some(model) = self.incoming.take() {
                    self.model = model;
                }
            }
            FromWorker::Patch(patch) => self.model.apply(patch),
            FromWorker::Ready => self.ready = true,
            FromWorker::Save { state, handled } => self.save = Some((state, handled)),
            FromWorker::Notice(notice) => self.notices.push(notice),
            FromWorker::WritesRecovered => {
                self.recovered += 1;
                self.notices.retain(|n| !n.can_retry());
            }
            FromWorker::Sync(view) => self.sync = view,
            FromWorker::Imported { .. }
            | FromWorker::Exported { .. }
            | FromWorker::Probed { .. } => {}
        }
    }

    /// The save indicator, as the page shows it.
    fn save_state(&self) -> SaveState {
        match self.save {
            Some((SaveState::Saved, handled)) if handled < self.sent => SaveState::Saving,
            Some((state, _)) => state,
            None => SaveState::Loading,
        }
    }

    fn names(&self) -> Vec<String> {
        self.model
            .filter_accounts("")
            .iter()
            .map(|row| row.name.clone())
            .collect()
    }

    fn has(&self, name: &str) -> bool {
        self.names().iter().any(|n| n == name)
    }
}

// --- the world: tabs, devices, the relay -----------------------------------------

struct Conn {
    session: Session,
    /// The device the relay admitted this connection as.
    device: Option<DeviceId>,
    /// The newest head this connection was told of.
    told: Cursor,
}

struct Tab {
    name: &'static str,
    /// Tabs with the same device share `db` and the sync lock.
    device: usize,
    db: Rc<RefCell<Db>>,
    core: Option<WorkerCore<TabHost>>,
    page: Page,
    conn: Option<Conn>,
    /// Relay connections this tab opened.
    connections: usize,
    wants_lock: bool,
    leads: bool,
    /// Reconnect timers waiting.
    timers: Vec<u32>,
    logs: Vec<String>,
    /// The next connection gets a frame of garbage first, as from a
    /// broken proxy in front of the relay.
    garble: bool,
}

struct World {
    _dir: tempfile::TempDir,
    relay: Arc<SqliteStore>,
    relay_up: bool,
    /// The relay creates teams only with this code of its operator's.
    creation_code: Option<String>,
    tabs: Vec<Tab>,
    queue: VecDeque<(usize, Event)>,
    now: Rc<Cell<DateTime<Utc>>>,
    online: Rc<Cell<bool>>,
    devices: usize,
    steps: usize,
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let relay = Arc::new(SqliteStore::open(&dir.path().join("relay.sqlite3")).unwrap());
        World {
            _dir: dir,
            relay,
            relay_up: true,
            creation_code: None,
            tabs: Vec::new(),
            queue: VecDeque::new(),
            now: Rc::new(Cell::new(
                Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
            )),
            online: Rc::new(Cell::new(true)),
            devices: 0,
            steps: 0,
        }
    }

    /// Opens a tab on a new device, or on the device of tab `beside`, and
    /// lets it start.
    fn open_tab(&mut self, name: &'static str, beside: Option<usize>) -> usize {
        let (device, db) = match beside {
            Some(t) => (self.tabs[t].device, self.tabs[t].db.clone()),
            None => {
                self.devices += 1;
                (self.devices, Rc::default())
            }
        };
        let index = self.tabs.len();
        let host = TabHost {
            name,
            db: db.clone(),
            effects: RefCell::default(),
            rng: RefCell::new(fastrand::Rng::with_seed(0x5eed + index as u64)),
            now: self.now.clone(),
            online: self.online.clone(),
        };
        let core = WorkerCore::new(host, ActorId::from([index as u8 + 1; 16]));
        core.announce();
        self.tabs.push(Tab {
            name,
            device,
            db,
            core: Some(core),
            page: Page::default(),
            conn: None,
            connections: 0,
            wants_lock: false,
            leads: false,
            timers: Vec::new(),
            logs: Vec::new(),
            garble: false,
        });
        self.carry_out(index);
        let device = self.device_of(index);
        self.send(index, ToWorker::Start { device });
        self.run();
        index
    }

    /// The id the page of `tab` keeps for its device (tabs of one device
    /// share it).
    fn device_of(&self, tab: usize) -> DeviceId {
        DeviceId::from_bytes([self.tabs[tab].device as u8; 16])
    }

    /// The page of `tab` sends `message`.
    fn send(&mut self, tab: usize, message: ToWorker) {
        self.tabs[tab].page.sent += 1;
        self.queue.push_back((tab, Event::Page(message)));
    }

    /// The page of `tab` runs a command, and everything it leads to runs.
    fn command(&mut self, tab: usize, command: Command) {
        let edit = self.edit(tab);
        self.send(
            tab,
            ToWorker::Command {
                command: Box::new(command),
                edit,
            },
        );
        self.run();
    }

    fn create_account(&mut self, tab: usize, name: &str) -> AccountId {
        let id = AccountId::from_random_bytes([self.steps as u8 ^ 0x5a; 16]);
        self.steps += 1;
        let draft = AccountDraft {
            owner: String::new(),
            name: name.into(),
            city: "Lyon".into(),
            ..AccountDraft::default()
        };
        self.command(tab, Command::create::<Account>(id, (), draft));
        id
    }

    fn edit(&self, tab: usize) -> Edit {
        Edit {
            author: Author {
                name: format!("Rep of {}", self.tabs[tab].name),
                device: format!("device {}", self.tabs[tab].device),
            },
            at: self.now.get(),
            today: self.now.get().date_naive(),
        }
    }

    /// Handles queued events, in order, until none is left.
    fn run(&mut self) {
        self.run_while(|_| true);
    }

    /// Handles queued events of the tabs `which` picks, leaving the rest
    /// waiting (a tab whose worker is busy).
    fn run_while(&mut self, which: impl Fn(usize) -> bool) {
        let mut handled = 0;
        while let Some(at) = self.queue.iter().position(|(tab, _)| which(*tab)) {
            handled += 1;
            assert!(handled < 100_000, "events kept coming");
            let (tab, event) = self.queue.remove(at).unwrap();
            self.now.set(self.now.get() + Duration::seconds(1));
            let Some(core) = self.tabs[tab].core.as_mut() else {
                continue;
            };
            block_on(core.handle(event));
            self.carry_out(tab);
            // The adapter's batch ends when no event waits for the tab.
            if !self.queue.iter().any(|(t, _)| *t == tab) {
                if let Some(core) = &self.tabs[tab].core {
                    core.batch_done();
                }
                self.carry_out(tab);
            }
        }
    }

    /// Carries out what `tab`'s core emitted.
    fn carry_out(&mut self, tab: usize) {
        loop {
            let effects = match &self.tabs[tab].core {
                Some(core) => std::mem::take(&mut *core.host().effects.borrow_mut()),
                None => return,
            };
            if effects.is_empty() {
                return;
            }
            for effect in effects {
                self.effect(tab, effect);
            }
        }
    }

    fn effect(&mut self, tab: usize, effect: Effect) {
        match effect {
            Effect::Page(message) => self.tabs[tab].page.receive(message),
            Effect::Tabs(message) => self.broadcast(tab, &message.encode()),
            Effect::Lead => {
                self.tabs[tab].wants_lock = true;
                self.hand_lock(self.tabs[tab].device);
            }
            Effect::WatchNetwork | Effect::RequestPersistence => {}
            Effect::Connect | Effect::ConnectCreating { .. } => {
                if self.tabs[tab].conn.is_some() {
                    return;
                }
                let shown = match &effect {
                    Effect::ConnectCreating { code } => Some(code.clone()),
                    _ => None,
                };
                let team_creation = match (&self.creation_code, shown) {
                    (None, _) => CreationRight::Allowed,
                    (Some(_), None) => CreationRight::SecretMissing,
                    (Some(wanted), Some(code)) if *wanted == code => CreationRight::Allowed,
                    (Some(_), Some(_)) => CreationRight::SecretWrong,
                };
                let limits = Limits {
                    team_creation,
                    ..Limits::none()
                };
                if !self.relay_up {
                    // The socket fails to connect: it closes.
                    self.queue.push_back((tab, Event::Link(LinkEvent::Closed)));
                    return;
                }
                self.tabs[tab].connections += 1;
                self.tabs[tab].conn = Some(Conn {
                    session: Session::new(self.relay.clone(), DEFAULT_MAX_FRAME_BYTES)
                        .with_limits(limits),
                    device: None,
                    told: Cursor::START,
                });
                self.queue.push_back((tab, Event::Link(LinkEvent::Open)));
                if std::mem::take(&mut self.tabs[tab].garble) {
                    self.queue
                        .push_back((tab, Event::Link(LinkEvent::Message(vec![0xff, 0xff, 0xff]))));
                }
            }
            Effect::Send(bytes) => self.relay_handles(tab, &bytes),
            Effect::Close => self.tabs[tab].conn = None,
            Effect::RetryIn { ms } => self.tabs[tab].timers.push(ms),
            Effect::Log(line) => self.tabs[tab].logs.push(line),
        }
    }

    /// What `tab` posts on the BroadcastChannel reaches the device's other
    /// tabs as the adapter passes it on: read, or dropped if unreadable.
    fn broadcast(&mut self, tab: usize, bytes: &[u8]) {
        let Some(message) = TabMessage::decode(bytes) else {
            return;
        };
        for other in self.alive_beside(tab) {
            self.queue.push_back((other, Event::Tab(message.clone())));
        }
    }

    /// The relay handles one frame of `tab`'s connection.
    fn relay_handles(&mut self, tab: usize, bytes: &[u8]) {
        let Some(conn) = self.tabs[tab].conn.as_mut() else {
            return; // No open socket: dropped, as in the browser.
        };
        let step = conn.session.handle(bytes);
        for frame in &step.frames {
            self.queue
                .push_back((tab, Event::Link(LinkEvent::Message(frame.encode()))));
        }
        match step.effect {
            Some(rapport_relay::Effect::Joined { device, head, .. }) => {
                conn.device = Some(device);
                conn.told = head;
            }
            Some(rapport_relay::Effect::Landed { head }) => {
                for other in (0..self.tabs.len()).filter(|&t| t != tab) {
                    if let Some(c) = self.tabs[other].conn.as_mut()
                        && c.device.is_some()
                        && head > c.told
                    {
                        c.told = head;
                        let notify = ServerFrame::Notify { head }.encode();
                        self.queue
                            .push_back((other, Event::Link(LinkEvent::Message(notify))));
                    }
                }
            }
            Some(rapport_relay::Effect::Revoked { device }) => {
                let revoked = (0..self.tabs.len()).filter(|&t| {
                    self.tabs[t]
                        .conn
                        .as_ref()
                        .is_some_and(|c| c.device == Some(device))
                });
                let revoked: Vec<usize> = revoked.collect();
                for t in revoked {
                    self.refuse(t, ErrorCode::Revoked, "revoked");
                }
            }
            Some(rapport_relay::Effect::Rotated) => {
                let others: Vec<usize> = (0..self.tabs.len())
                    .filter(|&t| t != tab && self.tabs[t].conn.is_some())
                    .collect();
                for t in others {
                    self.refuse(t, ErrorCode::Unauthorized, "token rotated");
                }
            }
            None => {}
        }
        if step.close {
            self.tabs[tab].conn = None;
            self.queue.push_back((tab, Event::Link(LinkEvent::Closed)));
        }
    }

    /// The relay refuses a connection and closes it.
    fn refuse(&mut self, tab: usize, code: ErrorCode, message: &str) {
        let error = ServerFrame::Error {
            code,
            message: message.into(),
        };
        self.queue
            .push_back((tab, Event::Link(LinkEvent::Message(error.encode()))));
        self.tabs[tab].conn = None;
        self.queue.push_back((tab, Event::Link(LinkEvent::Closed)));
    }

    /// Gives the device's sync lock to its first tab asking, if no tab
    /// holds it.
    fn hand_lock(&mut self, device: usize) {
        let alive = |t: &Tab| t.device == device && t.core.is_some();
        if self.tabs.iter().any(|t| alive(t) && t.leads) {
            return;
        }
        if let Some(next) = self.tabs.iter().position(|t| alive(t) && t.wants_lock) {
            self.tabs[next].leads = true;
            self.queue.push_back((next, Event::Leader));
        }
    }

    /// The other open tabs of `tab`'s device.
    fn alive_beside(&self, tab: usize) -> Vec<usize> {
        (0..self.tabs.len())
            .filter(|&t| {
                t != tab
                    && self.tabs[t].device == self.tabs[tab].device
                    && self.tabs[t].core.is_some()
            })
            .collect()
    }

    /// The tab closes: whatever it had not handled yet is gone with it, its
    /// socket closes, and its lock passes on.
    fn close_tab(&mut self, tab: usize) {
        self.tabs[tab].core = None;
        self.tabs[tab].conn = None;
        self.tabs[tab].leads = false;
        self.queue.retain(|(t, _)| *t != tab);
        self.hand_lock(self.tabs[tab].device);
    }

    /// The relay goes away: every connection drops.
    fn relay_down(&mut self) {
        self.relay_up = false;
        for tab in 0..self.tabs.len() {
            if self.tabs[tab].conn.take().is_some() {
                self.queue.push_back((tab, Event::Link(LinkEvent::Closed)));
            }
        }
        self.run();
    }

    /// The relay is back; the reconnect timers fire.
    fn relay_back(&mut self) {
        self.relay_up = true;
        self.fire_timers();
    }

    fn fire_timers(&mut self) {
        for tab in 0..self.tabs.len() {
            if !std::mem::take(&mut self.tabs[tab].timers).is_empty() {
                self.queue
                    .push_back((tab, Event::Link(LinkEvent::Reconnect)));
            }
        }
        self.run();
    }

    fn page(&self, tab: usize) -> &Page {
        &self.tabs[tab].page
    }

    fn invite(&self, tab: usize) -> String {
        self.page(tab).sync.invite.clone().expect("an invite link")
    }
}

/// A device whose tab `A` started a team (and leads its sync), a second tab
/// `A2` of the same device, and another device `B` that joined.
struct Team {
    world: World,
    a: usize,
    a2: usize,
    b: usize,
}

fn team() -> Team {
    let mut world = World::new();
    let a = world.open_tab("A", None);
    assert!(world.tabs[a].leads, "the first tab takes the sync lock");
    assert_eq!(world.page(a).sync.state.slug(), "not-set-up");
    world.send(
        a,
        ToWorker::CreateTeam {
            member: "Анна".into(),
            code: String::new(),
        },
    );
    world.run();
    assert_eq!(world.page(a).sync.state.slug(), "up-to-date");
    let a2 = world.open_tab("A2", Some(a));
    assert!(!world.tabs[a2].leads);
    let b = world.open_tab("B", None);
    let invite = world.invite(a);
    world.send(
        b,
        ToWorker::JoinTeam {
            fragment: invite,
            member: "Борис".into(),
        },
    );
    world.run();
    assert_eq!(world.page(b).sync.state.slug(), "up-to-date");
    // One id per device, its key's: the one its pages stamp records with
    // is the one it has in the team, in every tab.
    for tab in [a, a2, b] {
        let membership = world.tabs[tab].db.borrow().membership().unwrap();
        let key = world.tabs[tab].db.borrow().device_key.clone().unwrap();
        let point = key.public_key().to_encoded_point(false);
        let public = DevicePublicKey::from_bytes(point.as_bytes()).unwrap();
        assert_eq!(membership.device, DeviceId::of_key(&public), "tab {tab}");
        assert_ne!(
            membership.device,
            world.device_of(tab),
            "not the page's first id"
        );
        assert_eq!(
            world.page(tab).sync.this_device,
            Some(membership.device),
            "tab {tab}"
        );
    }
    Team { world, a, a2, b }
}

// --- the tests -------------------------------------------------------------------

#[test]
fn a_command_is_stored_and_reaches_the_team_through_the_tab_that_syncs() {
    let Team {
        mut world,
        a,
        a2,
        b,
    } = team();
    // The second tab shows where sync stands as the first tab says it.
    let view = &world.page(a2).sync;
    assert_eq!(
        (view.state.slug(), view.leader, view.admin),
        ("up-to-date", false, true)
    );
    assert_eq!(view.device, world.page(a).sync.device);

    world.create_account(a, "Boulangerie Martin");
    assert_eq!(world.tabs[a].db.borrow().changes(), 1);
    assert_eq!(world.page(a).save_state(), SaveState::Saved);
    assert!(
        world.page(b).has("Boulangerie Martin"),
        "on the other device"
    );
    assert!(
        world.page(a2).has("Boulangerie Martin"),
        "in the second tab"
    );

    // The second tab does not sync: its command is stored, the first tab
    // reads it from the store and sends it on.
    world.create_account(a2, "Fromagerie Roux");
    assert_eq!(world.tabs[a2].db.borrow().changes(), 2);
    assert_eq!(world.page(a2).save_state(), SaveState::Saved);
    assert!(world.page(a).has("Fromagerie Roux"));
    assert!(
        world.page(b).has("Fromagerie Roux"),
        "through the first tab"
    );
    assert_eq!(
        world.tabs[a2].connections, 0,
        "one relay connection a device"
    );
    assert_eq!(world.tabs[a].connections, 1);

    // The team's changes reach both tabs of the device: the syncing tab
    // stores them, the other reads them from the store.
    world.create_account(b, "Cave Lambert");
    for tab in [a, a2] {
        assert!(
            world.page(tab).has("Cave Lambert"),
            "{}",
            world.tabs[tab].name
        );
    }
    let kinds: Vec<ChunkKind> = world.tabs[a]
        .db
        .borrow()
        .chunks
        .values()
        .map(|(kind, _)| *kind)
        .collect();
    assert_eq!(
        kinds,
        [ChunkKind::Change; 3],
        "each stored once, by one tab"
    );
    for tab in [a, a2, b] {
        assert!(
            world.tabs[tab].logs.is_empty(),
            "{:?}",
            world.tabs[tab].logs
        );
        assert_eq!(world.page(tab).notices, []);
    }
}

#[test]
fn a_tab_that_does_not_sync_passes_device_management_to_the_one_that_does() {
    let Team {
        mut world,
        a,
        a2,
        b,
    } = team();
    let old_invite = world.invite(a2);
    world.send(a2, ToWorker::ListDevices);
    world.run();
    let devices = world.page(a2).sync.devices.clone();
    let codes: Vec<&str> = devices.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            world.page(a).sync.device.as_str(),
            world.page(b).sync.device.as_str()
        ],
        "the team's devices, listed in the tab that asked"
    );
    assert!(devices[0].this && !devices[1].this && !devices[1].revoked);
    assert!(devices[0].approved, "the admin's own device is pinned");
    // B joined by the invite and waits: the admin's tablet shows B's rep
    // and the same security code B's own tablet shows.
    assert!(!devices[1].approved);
    assert_eq!(devices[1].member, "Борис");
    assert_eq!(devices[1].fingerprint, world.page(b).sync.fingerprint);
    assert_eq!(
        devices[1].fingerprint.len(),
        19,
        "four groups of four digits"
    );
    assert_ne!(devices[0].fingerprint, devices[1].fingerprint);
    assert_eq!(world.tabs[a2].connections, 0);
    world.send(
        a2,
        ToWorker::ApproveDevice {
            device: devices[1].id,
        },
    );
    world.run();
    let devices = world.page(a2).sync.devices.clone();
    assert!(
        devices[1].approved,
        "approved, from the tab that does not sync"
    );
    let roster = world.tabs[a].db.borrow().membership().unwrap().roster;
    assert_eq!(roster.len(), 2, "and kept in the admin's own list");

    // The second tab removes B: the syncing tab revokes it and rotates
    // the team key, sealing the new one to the devices that remain.
    world.send(
        a2,
        ToWorker::RevokeDevice {
            device: devices[1].id,
        },
    );
    world.run();
    assert!(world.page(a2).sync.devices[1].revoked, "B shows as removed");
    assert_eq!(world.page(b).sync.state.slug(), "problem");
    assert!(world.page(b).sync.refused);
    let sync = &world.page(b).sync;
    assert!(
        words()
            .sync_detail(&sync.state, sync.pending)
            .contains("no longer admits")
    );
    let membership = world.tabs[a].db.borrow().membership().unwrap();
    assert_eq!(membership.epoch, 1, "the key was rotated");
    assert_ne!(
        world.invite(a2),
        old_invite,
        "a new invite link in both tabs"
    );
    assert_eq!(world.invite(a2), world.invite(a));

    // What A writes now does not reach B, which stays refused.
    world.create_account(a2, "Written after B was removed");
    world.fire_timers();
    assert!(!world.page(b).has("Written after B was removed"));
    assert_eq!(world.page(b).sync.state.slug(), "problem");
    // A fresh invite lets B join again, as a new device.
    let fresh = world.invite(a);
    world.send(
        b,
        ToWorker::JoinTeam {
            fragment: fresh,
            member: "Борис".into(),
        },
    );
    world.run();
    assert_eq!(world.page(b).sync.state.slug(), "up-to-date");
    assert!(world.page(b).has("Written after B was removed"));
    // As a new device: a new key and id, which its page takes up for its
    // stamps.
    let rejoined = world.tabs[b].db.borrow().membership().unwrap().device;
    assert_ne!(rejoined, DeviceId::from_bytes(devices[1].id));
    assert_eq!(world.page(b).sync.this_device, Some(rejoined));
}

#[test]
fn when_the_syncing_tab_closes_another_takes_over_and_sends_what_it_had_not() {
    let Team {
        mut world,
        a,
        a2,
        b,
    } = team();
    // The relay is unreachable: A seals its change and keeps it pending.
    world.relay_down();
    world.create_account(a, "Sealed while the relay was away");
    let pending = world.tabs[a].db.borrow().engine().unwrap().pending.len();
    assert_eq!(pending, 1);
    assert_eq!(world.page(a2).sync.state.slug(), "connecting");

    // A's worker is busy when the second tab stores a change, and the tab
    // closes before it ever reads (and seals) it.
    let edit = world.edit(a2);
    world.send(
        a2,
        ToWorker::Command {
            command: Box::new(Command::create::<Account>(
                AccountId::from_random_bytes([0xa2; 16]),
                (),
                AccountDraft {
                    owner: String::new(),
                    name: "Stored while the first tab was busy".into(),
                    ..AccountDraft::default()
                },
            )),
            edit,
        },
    );
    world.run_while(|tab| tab == a2);
    assert!(
        world
            .queue
            .iter()
            .any(|(t, e)| *t == a && *e == Event::Tab(TabMessage::Stored)),
        "A was told, but has not read it"
    );
    world.close_tab(a);
    world.relay_back();
    world.run();

    assert!(world.tabs[a2].leads, "the second tab took over");
    assert_eq!(world.tabs[a2].connections, 1);
    assert_eq!(world.page(a2).sync.state.slug(), "up-to-date");
    assert_eq!(world.page(a2).sync.pending, 0);
    for name in [
        "Sealed while the relay was away",
        "Stored while the first tab was busy",
    ] {
        assert!(world.page(b).has(name), "B lacks {name:?}");
    }
    assert!(
        world.tabs[a2]
            .db
            .borrow()
            .engine()
            .unwrap()
            .pending
            .is_empty()
    );
    // And B's changes reach the tab that took over.
    world.create_account(b, "Written by B after the takeover");
    assert!(world.page(a2).has("Written by B after the takeover"));
}

#[test]
fn a_full_disk_keeps_the_change_unsaved_and_says_so_until_a_retry_stores_it() {
    let mut world = World::new();
    let a = world.open_tab("A", None);
    world.tabs[a].db.borrow_mut().full = true;
    world.create_account(a, "Cave Lambert");
    assert!(
        world.page(a).has("Cave Lambert"),
        "shown in the tab at once"
    );
    assert_eq!(world.page(a).save_state(), SaveState::Unsaved);
    assert_eq!(
        world.page(a).notices,
        [Notice::QuotaExceeded { unsaved: 1 }]
    );
    world.create_account(a, "Domaine Roux");
    assert_eq!(
        world.page(a).notices.last(),
        Some(&Notice::QuotaExceeded { unsaved: 2 })
    );
    assert_eq!(world.tabs[a].db.borrow().chunks.len(), 0, "nothing stored");
    // Still full: "Try again" keeps both.
    world.send(a, ToWorker::Retry);
    world.run();
    assert_eq!(world.page(a).save_state(), SaveState::Unsaved);
    assert_eq!(world.page(a).recovered, 0);

    world.tabs[a].db.borrow_mut().full = false;
    world.send(a, ToWorker::Retry);
    world.run();
    assert_eq!(world.page(a).save_state(), SaveState::Saved);
    assert_eq!(world.page(a).recovered, 1);
    assert_eq!(world.page(a).notices, [], "the notices offering a retry go");
    assert_eq!(world.tabs[a].db.borrow().changes(), 2);

    // What is stored is the record: a new tab reads both from it.
    world.close_tab(a);
    let again = world.open_tab("A again", Some(a));
    assert_eq!(world.page(again).names(), ["Cave Lambert", "Domaine Roux"]);
}

#[test]
fn the_worker_checks_a_delivery_promise_against_the_deliveries_the_team_synced() {
    let Team {
        mut world, a, b, ..
    } = team();
    let account = world.create_account(b, "Завод «Прогресс»");
    let today = Day(world.now.get().date_naive());
    let day = |days: i64| today.plus(days).to_string();
    // Boris records a delivery that took 14 days; it reaches Anna's device.
    let order = OrderDraft {
        what: "Насосы, 12 шт.".into(),
        amount: "18 400".into(),
        currency: "EUR".into(),
        ordered_on: day(-20),
        promised_on: day(-6),
        delivered_on: day(-6),
        ..OrderDraft::default()
    };
    world.command(
        b,
        Command::create::<Order>(OrderId::random(), account, order),
    );
    assert_eq!(world.page(a).model.orders_of(account).len(), 1);
    let changes = world.tabs[a].db.borrow().changes();

    // A three-day delivery: Anna's page warns, with the team's history.
    let promise = PromiseDraft {
        to: None,
        made_by: "Анна".into(),
        made_on: day(0),
        due: day(3),
        kind: PromiseKind::Delivery,
        what: "Поставка к понедельнику".into(),
        outcome: None,
        closed_on: String::new(),
        outcome_note: String::new(),
        save_anyway: false,
    };
    let id = PromiseId::from_random_bytes([0x3d; 16]);
    let command = Command::create::<Promise>(id, account, promise.clone());
    let warned = |e: &DomainError| {
        matches!(e, DomainError::UnrealisticPromise(w)
            if (w.promised_days, w.history.deliveries, w.history.typical_days, w.history.of_team)
                == (3, 1, 14, true))
    };
    let refusal = command
        .check(&world.page(a).model, &world.edit(a))
        .unwrap_err();
    assert!(warned(&refusal), "{refusal:?}");
    // Sent without the page's check (a page that had not seen the
    // delivery yet), the worker refuses it from its own history of the
    // team's deliveries, and stores nothing.
    world.command(a, command);
    let [Notice::Refused(Refusal::Rule(rule))] = world.page(a).notices.as_slice() else {
        panic!("{:?}", world.page(a).notices);
    };
    assert!(warned(rule), "{rule:?}");
    assert_eq!(world.tabs[a].db.borrow().changes(), changes);
    // Saved anyway: the override is recorded and reaches the team.
    let anyway = PromiseDraft {
        save_anyway: true,
        ..promise
    };
    world.command(a, Command::create::<Promise>(id, account, anyway));
    assert_eq!(world.tabs[a].db.borrow().changes(), changes + 1);
    let seen = world.page(b).model.get::<Promise>(id).cloned().unwrap();
    assert_eq!(
        seen.overridden_warning.map(|w| w.history.typical_days),
        Some(14)
    );
}

#[test]
fn a_change_the_document_refuses_is_a_notice_and_nothing_is_stored() {
    let mut world = World::new();
    let a = world.open_tab("A", None);
    let a2 = world.open_tab("A2", Some(a));
    world.create_account(a, "Acme");
    assert!(world.page(a2).has("Acme"));
    // Both tabs' pages let "Acme" through before either saw the other's.
    let draft = AccountDraft {
        owner: String::new(),
        name: "acme ".into(),
        ..AccountDraft::default()
    };
    let id = AccountId::from_random_bytes([0xac; 16]);
    world.command(a2, Command::create::<Account>(id, (), draft));
    let [Notice::Refused(Refusal::Rule(DomainError::DuplicateAccount { name, .. }))] =
        world.page(a2).notices.as_slice()
    else {
        panic!("{:?}", world.page(a2).notices);
    };
    assert_eq!(name, "acme");
    // An edit of an account the document does not hold.
    let missing = AccountId::from_random_bytes([0xee; 16]);
    world.command(
        a,
        Command::edit::<Account>(
            missing,
            AccountDraft {
                owner: String::new(),
                name: "Ghost".into(),
                ..AccountDraft::default()
            },
        ),
    );
    assert!(matches!(
        world.page(a).notices.as_slice(),
        [Notice::Refused(_)]
    ));
    assert_eq!(world.tabs[a].db.borrow().changes(), 1);
    assert_eq!(world.page(a).names(), ["Acme"]);
    assert_eq!(world.page(a2).save_state(), SaveState::Saved);
}

#[test]
fn the_same_report_connection_after_connection_is_shown_and_a_clean_stretch_clears_it() {
    let Team {
        mut world, a, a2, ..
    } = team();
    for round in 1..=PERSISTS_AFTER {
        world.tabs[a].garble = true;
        world.relay_down();
        world.relay_back();
        let shown = world.page(a).sync.state.slug() == "problem";
        assert_eq!(shown, round == PERSISTS_AFTER, "round {round}");
    }
    assert_eq!(
        world.tabs[a].logs.len(),
        PERSISTS_AFTER as usize,
        "each logged"
    );
    assert!(
        world.tabs[a].logs[0].contains("cannot read"),
        "{:?}",
        world.tabs[a].logs
    );
    for tab in [a, a2] {
        let view = &world.page(tab).sync;
        let zone = FixedOffset::east_opt(0).unwrap();
        assert_eq!(
            words().sync_headline(&view.state, zone),
            "Sync needs attention"
        );
        let detail = words().sync_detail(&view.state, view.pending);
        assert!(detail.contains("cannot read"), "{detail}");
        assert!(!view.refused, "the invite still works");
    }
    // Sync itself went on: a change still goes through.
    world.create_account(a, "Written while the proxy garbled");
    assert_eq!(world.page(a).sync.state.slug(), "up-to-date");
    // Cleared: a clean stretch between two settles passed in the
    // command's round trip... which is why the slug is back. Another
    // clean connection keeps it so.
    world.relay_down();
    world.relay_back();
    assert_eq!(world.page(a).sync.state.slug(), "up-to-date");
    assert_eq!(world.page(a2).sync.state.slug(), "up-to-date");
}

#[test]
fn what_a_tab_of_another_build_says_is_ignored_not_misread() {
    let Team {
        mut world, a, a2, ..
    } = team();
    let before = world.page(a2).sync.clone();
    assert!(!before.refused);
    // A newer build's view, in a format this build does not read, says the
    // team refused this device; and the builds before typed messages posted
    // strings.
    let view = TabMessage::View(SyncView {
        state: SyncState::Trouble(ReportKind::Rekey),
        refused: true,
        ..before.clone()
    });
    let mut newer = view.encode();
    newer[0] += 1;
    world.broadcast(a, &newer);
    world.broadcast(a, b"stored");
    world.broadcast(a, b"view?");
    world.run();
    assert_eq!(world.page(a2).sync, before);
    // The same view in this build's format is taken up, so the test above
    // would have seen it.
    world.broadcast(a, &view.encode());
    world.run();
    assert!(world.page(a2).sync.refused);
}

/// The relay lists a device of its own (a key it made, under that key's id,
/// as if it had joined), and one whose key is not its id's. The admin's
/// tablet shows the first as waiting, with a security code nobody's tablet
/// shows, and drops the second; when the admin then removes a rep, the new
/// key is sealed to the approved devices only: the relay's device gets no
/// envelope, nor does any device of the removed rep.
#[test]
fn the_admin_seals_new_keys_to_the_devices_it_approved_never_to_the_relays_list() {
    let Team {
        mut world,
        a,
        a2: _,
        b,
    } = team();
    let team_id = world.tabs[a].db.borrow().membership().unwrap().team;
    let relays_own = rapport_relay::TestDevice::from_seed(77);
    let relay = world.relay.clone();
    relay.join(team_id, relays_own.id()).unwrap();
    relay
        .enroll(team_id, relays_own.id(), &relays_own.public_key())
        .unwrap();
    let mismatched = DeviceId::from_bytes([0x55; 16]);
    relay.join(team_id, mismatched).unwrap();
    relay
        .enroll(team_id, mismatched, &relays_own.public_key())
        .unwrap();

    world.send(a, ToWorker::ListDevices);
    world.run();
    let devices = world.page(a).sync.devices.clone();
    let by_id = |id: DeviceId| devices.iter().find(|d| d.id == *id.as_bytes());
    let foreign = by_id(relays_own.id()).expect("shown, to be compared and refused");
    assert!(!foreign.approved && foreign.member.is_empty());
    assert_ne!(foreign.fingerprint, world.page(b).sync.fingerprint);
    assert!(
        by_id(mismatched).is_none(),
        "a key that is not its id's is dropped"
    );

    // B is approved; then the admin removes the rep Борис (B's devices).
    let b_id = world.tabs[b].db.borrow().membership().unwrap().device;
    world.send(
        a,
        ToWorker::ApproveDevice {
            device: *b_id.as_bytes(),
        },
    );
    world.run();
    assert!(
        world
            .page(a)
            .sync
            .devices
            .iter()
            .any(|d| d.id == *b_id.as_bytes() && d.approved)
    );
    world.send(
        a,
        ToWorker::RemoveMember {
            member: "Борис".into(),
        },
    );
    world.run();
    let membership = world.tabs[a].db.borrow().membership().unwrap();
    assert_eq!(membership.epoch, 1, "the key was rotated once");
    assert!(
        membership
            .roster
            .iter()
            .any(|d| d.device == b_id && d.removed)
    );
    let old_token = rapport_protocol::token_hash(&rapport_protocol::access_token(
        &membership.older_keys()[0],
        team_id,
    ));
    for outsider in [relays_own.id(), b_id] {
        assert!(
            relay.rekey(team_id, outsider, old_token).unwrap().is_none(),
            "no envelope for {outsider}"
        );
    }
    assert_eq!(world.page(b).sync.state.slug(), "problem", "B is refused");
}

#[test]
fn team_changes_that_cannot_be_stored_are_fetched_again_and_shown_if_they_keep_failing() {
    let Team {
        mut world, a, b, ..
    } = team();
    let cursor = |world: &World| world.tabs[b].db.borrow().engine().unwrap().cursor;
    let before = cursor(&world);
    world.tabs[b].db.borrow_mut().full = true;
    world.create_account(a, "Cave Lambert");
    assert_eq!(cursor(&world), before, "the cursor waits for the store");
    assert_eq!(world.tabs[b].db.borrow().changes(), 0);
    assert!(
        world
            .page(b)
            .notices
            .contains(&Notice::QuotaExceeded { unsaved: 0 }),
        "{:?}",
        world.page(b).notices
    );
    // The worker fetches it again after a wait, each time a round; the
    // third in a row tells the rep.
    for round in 2..=PERSISTS_AFTER {
        assert_ne!(world.page(b).sync.state.slug(), "problem", "round {round}");
        assert!(!world.tabs[b].timers.is_empty(), "a retry is planned");
        world.fire_timers();
        assert_eq!(cursor(&world), before);
    }
    let view = &world.page(b).sync;
    assert_eq!(view.state.slug(), "problem");
    let detail = words().sync_detail(&view.state, view.pending);
    assert!(detail.contains("could not be saved"), "{detail}");

    // Space again: the next retry stores and applies it, and the cursor moves.
    world.tabs[b].db.borrow_mut().full = false;
    world.fire_timers();
    assert!(cursor(&world) > before);
    assert_eq!(world.tabs[b].db.borrow().changes(), 1, "stored once");
    assert!(world.page(b).has("Cave Lambert"));
    world.create_account(a, "Domaine Roux");
    assert!(world.page(b).has("Domaine Roux"));
    assert_eq!(world.page(b).sync.state.slug(), "up-to-date");
}

/// A relay that creates teams only with its operator's code: starting a
/// team without it is refused in words and leaves nothing half made; with
/// it, the team is created, and the code is not kept once it did its work.
#[test]
fn a_team_is_created_on_a_closed_relay_only_with_its_operators_code() {
    let mut world = World::new();
    world.creation_code = Some("operator-code-2026".into());
    let a = world.open_tab("A", None);
    world.send(
        a,
        ToWorker::CreateTeam {
            member: "Анна".into(),
            code: String::new(),
        },
    );
    world.run();
    let sync = world.page(a).sync.clone();
    assert_eq!(sync.state.slug(), "problem");
    assert!(
        words()
            .sync_detail(&sync.state, sync.pending)
            .contains("operator"),
        "{:?}",
        sync.state
    );
    let team = world.tabs[a].db.borrow().membership().unwrap().team;
    assert!(
        world.relay.credentials(team).unwrap().is_none(),
        "nothing created"
    );

    world.send(
        a,
        ToWorker::CreateTeam {
            member: "Анна".into(),
            code: "operator-code-2026".into(),
        },
    );
    world.run();
    assert_eq!(world.page(a).sync.state.slug(), "up-to-date");
    let membership = world.tabs[a].db.borrow().membership().unwrap();
    assert!(membership.registered);
    assert!(membership.creation_code.is_empty(), "the code is not kept");
    assert!(world.relay.credentials(membership.team).unwrap().is_some());
}
