//! The workspace worker (wasm32 only): a dedicated Web Worker running this
//! same wasm module. It owns the Automerge document, its IndexedDB chunk log
//! and the read-model cache, so loading a large workspace (seconds) or
//! merging a big batch never blocks the page.
//!
//! It handles one message at a time, in order: a command writes one change,
//! posts the read-model patch at once, then stores the change; the page is
//! told where the changes are after every batch of messages.

use automerge::{ActorId, ChangeHash};
use futures::StreamExt;
use futures::channel::mpsc;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use web_sys::{BroadcastChannel, DedicatedWorkerGlobalScope};

use std::collections::VecDeque;

use chrono::Utc;
use rapport_protocol::{
    ClientFrame, DeviceId, EnrolledDevice, PROTOCOL_VERSION, TeamKey, access_token, admin_hash,
    token_hash,
};

use crate::document::{ChangeBatch, Changed, ModelCache, Patch, ReadModel, RowsCache, Workspace};
use crate::state::ecdh::KeyPair;
use crate::state::messages::{DeviceView, FromWorker, SyncView, ToWorker, decode, encode};
use crate::state::sync_link::{self, LinkEvent, SyncLink};
use crate::state::{Notice, Refusal, SaveState};
use crate::storage::{BrowserStore, ChunkKind, ChunkLog, StorageError, pack, request_persistence};
use crate::sync::{Action, EngineState, Invite, Membership, SyncEngine, SyncEvent, SyncStatus};

/// Records per part when the whole model goes to the page.
const MODEL_PART: usize = 2_000;

/// Records per message when a change touched many (a sync, an import): the
/// page applies each message in its own task, and a record of a patch costs
/// it more than one of the model (rows re-sorted, the screen updated), so
/// parts are smaller.
const PATCH_PART: usize = 1_000;

/// The IndexedDB database and BroadcastChannel name of the workspace.
pub const WORKSPACE_DB: &str = "rapport-workspace";

/// What wakes the worker.
enum Input {
    /// A message from the page.
    Page(ToWorker),
    /// Another tab stored something: read and merge it.
    OtherTab,
    /// The tab that syncs says where sync stands.
    LeaderView(SyncView),
    /// A tab that just opened asks the syncing tab for its view.
    ViewAsked,
    /// Another tab of this device passes on what its page asked of the
    /// team (listing or removing devices), which only the syncing tab,
    /// holding the relay link, can do.
    Forwarded(ToWorker),
    /// The relay link: socket, timers, the sync lock.
    Link(LinkEvent),
}

/// What a new tab asks the other tabs on the channel (see [`Input::ViewAsked`]).
const VIEW_ASKED: &str = "view?";
/// A tab asks the syncing tab for the team's devices ([`Input::Forwarded`]).
const DEVICES_ASKED: &str = "devices?";
/// A tab asks the syncing tab to remove a device: this, then its id in hex.
const REMOVE_ASKED: &str = "remove:";
/// A tab asks the syncing tab to join a team in place of the one that
/// refused this device: this, then the invite's fragment.
const JOIN_ASKED: &str = "join:";

/// Keys of the team sync store.
/// This device's membership ([`Membership::encode`]).
const MEMBERSHIP: &str = "membership-v2";
/// Where the first sync client kept it, untagged ([`Membership::decode_v1`]).
const MEMBERSHIP_V1: &str = "membership";
/// This device's ECDH key pair for key rotations: `{ private, public }`, a
/// non-extractable WebCrypto private key and the raw public key.
const DEVICE_KEY: &str = "device-key";
/// The sync engine's state ([`EngineState::encode`]).
const ENGINE: &str = "engine-v2";
/// Where the first sync client kept it, untagged ([`EngineState::decode_v1`]).
const ENGINE_V1: &str = "engine";

/// Entry point, called by `public/worker.js` once the module is
/// instantiated, with the messages that arrived before.
#[wasm_bindgen(js_name = workerMain)]
pub fn worker_main(early: js_sys::Array) {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let (tx, rx) = mpsc::unbounded();
    let from_page = tx.clone();
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            receive(&from_page, &event.data());
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    for data in early.iter() {
        receive(&tx, &data);
    }
    let channel = BroadcastChannel::new(WORKSPACE_DB).ok();
    if let Some(channel) = &channel {
        let other_tabs = tx.clone();
        let on_message =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                let data = event.data();
                let input = match data.dyn_ref::<js_sys::Uint8Array>() {
                    Some(bytes) => match decode::<SyncView>(&bytes.to_vec()) {
                        Some(view) => Input::LeaderView(view),
                        None => return,
                    },
                    None => match data.as_string() {
                        Some(text) if text == VIEW_ASKED => Input::ViewAsked,
                        Some(text) => match forwarded(&text) {
                            Some(message) => Input::Forwarded(message),
                            None => Input::OtherTab,
                        },
                        None => Input::OtherTab,
                    },
                };
                let _ = other_tabs.unbounded_send(input);
            });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        // If another tab syncs, it answers with where sync stands.
        let _ = channel.post_message(&VIEW_ASKED.into());
    }
    let (link_tx, mut link_rx) = mpsc::unbounded::<LinkEvent>();
    let links = tx.clone();
    wasm_bindgen_futures::spawn_local(async move {
        while let Some(event) = link_rx.next().await {
            let _ = links.unbounded_send(Input::Link(event));
        }
    });
    wasm_bindgen_futures::spawn_local(async move {
        let worker = WorkspaceWorker {
            link_tx,
            sync: None,
            leader: false,
            scope,
            // A fresh actor per tab: two tabs of one device write
            // concurrently, and automerge needs each writer to have its own.
            workspace: Workspace::new(ActorId::random()),
            model: ReadModel::default(),
            store: None,
            log: ChunkLog::default(),
            unsaved: Vec::new(),
            channel,
            handled: 0,
            leader_view: None,
            cached: Vec::new(),
        };
        worker.run(rx).await;
    });
}

/// Queues one message from the page; bytes that are not a message are
/// dropped (the page and worker are the same build, so that is a bug).
fn receive(tx: &mpsc::UnboundedSender<Input>, data: &wasm_bindgen::JsValue) {
    let Some(bytes) = data.dyn_ref::<js_sys::Uint8Array>() else {
        return;
    };
    if let Some(message) = decode::<ToWorker>(&bytes.to_vec()) {
        let _ = tx.unbounded_send(Input::Page(message));
    }
}

struct WorkspaceWorker {
    link_tx: mpsc::UnboundedSender<LinkEvent>,
    /// Team sync, once this tab leads it and the device is in a team.
    sync: Option<SyncLink>,
    /// This tab's worker holds the sync lock.
    leader: bool,
    scope: DedicatedWorkerGlobalScope,
    workspace: Workspace,
    /// The same model the page holds: what the cache is written from.
    model: ReadModel,
    store: Option<BrowserStore>,
    log: ChunkLog,
    /// Changes not yet stored, oldest first.
    unsaved: Vec<Vec<u8>>,
    channel: Option<BroadcastChannel>,
    /// Page messages handled so far.
    handled: u64,
    /// Heads of the newest read-model cache in IndexedDB.
    cached: Vec<ChangeHash>,
    /// Where sync stands, as the tab that syncs last said (other tabs show
    /// it too).
    leader_view: Option<SyncView>,
}

impl WorkspaceWorker {
    async fn run(mut self, mut inputs: mpsc::UnboundedReceiver<Input>) {
        while let Some(input) = inputs.next().await {
            self.handle(input).await;
            while let Ok(input) = inputs.try_recv() {
                self.handle(input).await;
            }
            let state = if self.unsaved.is_empty() && self.store.is_some() {
                SaveState::Saved
            } else {
                SaveState::Unsaved
            };
            self.post(FromWorker::Save {
                state,
                handled: self.handled,
            });
        }
    }

    async fn handle(&mut self, input: Input) {
        let message = match input {
            Input::OtherTab => return self.refresh().await,
            Input::LeaderView(view) => {
                if self.sync.is_none() {
                    self.leader_view = Some(view);
                    self.post_sync().await;
                }
                return;
            }
            Input::ViewAsked => {
                if self.sync.is_some() {
                    self.post_sync().await;
                }
                return;
            }
            // Not this tab's page's message: not counted as handled for it.
            Input::Forwarded(message) if self.sync.is_some() => message,
            Input::Forwarded(_) => return,
            Input::Link(event) => return self.link_event(event).await,
            Input::Page(message) => {
                self.handled += 1;
                message
            }
        };
        match message {
            ToWorker::Start => self.start().await,
            ToWorker::Command { command, edit } => {
                let before = self.workspace.heads();
                match self.workspace.execute(&command, &edit) {
                    Ok(()) => {
                        self.changed_since(&before);
                        if let Some(change) = self.workspace.last_local_change() {
                            self.unsaved.push(change.clone());
                            self.store_changes().await;
                            self.upload(vec![change]).await;
                        }
                    }
                    Err(e) => self.notice(Notice::Refused(Refusal::of(&e))),
                }
            }
            ToWorker::Import { request, bytes } => {
                let bytes = pack::unpack(bytes).await;
                let before = self.workspace.heads();
                let result = match self.workspace.apply(&bytes) {
                    Ok(_) => Ok(match self.changed_since(&before) {
                        Changed::Records(keys) => keys.len(),
                        Changed::Everything => self.model.account_count(),
                    }),
                    Err(e) => Err(e.to_string()),
                };
                if result.is_ok() {
                    self.snapshot().await;
                    self.upload_snapshot().await;
                }
                self.post(FromWorker::Imported { request, result });
            }
            ToWorker::Export { request } => {
                let bytes = pack::pack_or_keep(self.workspace.save()).await;
                self.post(FromWorker::Exported { request, bytes });
            }
            ToWorker::Retry => self.store_changes().await,
            ToWorker::SaveCache => self.save_cache().await,
            ToWorker::CreateTeam => {
                let mut random = [0u8; 80];
                if getrandom::fill(&mut random).is_err() {
                    return self.notice(Notice::Refused(Refusal::NoRandomness));
                }
                let membership = Membership::create(random_device(), random);
                self.set_up_team(membership).await;
            }
            // Only the syncing tab can drop the link of a refused team.
            ToWorker::JoinTeam { fragment }
                if self.sync.is_none() && self.leader_view.as_ref().is_some_and(|v| v.refused) =>
            {
                self.forward(format!("{JOIN_ASKED}{fragment}"));
            }
            ToWorker::JoinTeam { fragment } => match Invite::parse(&fragment) {
                Ok(invite) => {
                    self.set_up_team(Membership::join(&invite, random_device()))
                        .await
                }
                Err(_) => self.notice(Notice::Refused(Refusal::BadInvite)),
            },
            ToWorker::ListDevices if self.sync.is_none() => self.forward(DEVICES_ASKED.into()),
            ToWorker::RevokeDevice { device } if self.sync.is_none() => {
                self.forward(format!("{REMOVE_ASKED}{}", DeviceId::from_bytes(device)));
            }
            ToWorker::ListDevices => {
                if let Some(link) = &self.sync
                    && let Some(admin) = &link.membership.admin
                {
                    let actions = link.engine.list_devices(admin);
                    self.run_actions(actions).await;
                }
            }
            ToWorker::RevokeDevice { device } => {
                let Some(link) = &self.sync else { return };
                let Some(admin) = &link.membership.admin else {
                    return self.notice(Notice::Refused(Refusal::NotAdmin));
                };
                // Removed, then the key rotated: the device is refused and
                // could not read anything new even with another's access.
                let mut actions = link.engine.revoke(admin, DeviceId::from_bytes(device));
                actions.extend(link.engine.device_keys(admin));
                if let Some(link) = self.sync.as_mut() {
                    link.rotate_on_keys = true;
                }
                self.run_actions(actions).await;
            }
            ToWorker::Probe { request } => {
                let memory = crate::bench_hooks::bench_memory_bytes();
                self.post(FromWorker::Probed { request, memory });
            }
        }
    }

    /// Opens the store and the workspace. The cached model goes to the page
    /// first, before the document loads (seconds, for a large team); then
    /// the records changed since the cache, or the whole model again if the
    /// cache does not fit the document.
    async fn start(&mut self) {
        match BrowserStore::open(WORKSPACE_DB).await {
            Ok(store) => self.store = Some(store),
            Err(e) => self.notice(Notice::StorageUnavailable(e.to_string())),
        }
        // The cached model goes straight to the page. The worker reads its
        // own copy only after the document has loaded: held during the
        // load, it would add to the peak of the worker's memory, which
        // never shrinks (about 50 MiB on an L team).
        let posted = self.cached_model().await.map(|cache| {
            let heads = cache.change_hashes();
            self.post_parts(cache.patch);
            heads
        });
        self.absorb_stored().await;
        let cache = self.cached_model().await.filter(|cache| {
            cache
                .change_hashes()
                .iter()
                .all(|h| self.workspace.has_change(h))
        });
        match cache {
            Some(cache) => {
                let heads = cache.change_hashes();
                self.model.apply(cache.patch);
                // Another tab may have written a newer cache meanwhile.
                if posted.as_ref() != Some(&heads) {
                    self.post_model();
                }
                self.cached = heads.clone();
                self.changed_since(&heads);
            }
            None => {
                self.model = ReadModel::from_doc(self.workspace.doc());
                self.post_model();
            }
        }
        self.post(FromWorker::Ready);
        let unreadable = self.model.unreadable();
        if unreadable > 0 {
            self.notice(Notice::Unreadable { count: unreadable });
        }
        self.save_cache().await;
        wasm_bindgen_futures::spawn_local(async {
            request_persistence().await;
        });
        self.post_sync().await;
        sync_link::watch_network(self.link_tx.clone());
        sync_link::lead(self.link_tx.clone());
    }

    /// The read-model cache stored in IndexedDB, if there is one this
    /// version reads.
    async fn cached_model(&self) -> Option<ModelCache> {
        let bytes = self.store.as_ref()?.load_model().await.ok().flatten()?;
        ModelCache::decode(&bytes)
    }

    /// Posts the whole model in parts small enough that the page applies
    /// each in a few milliseconds.
    fn post_model(&self) {
        self.post_parts(self.model.to_patch());
    }

    /// Posts a resetting `patch` (a whole model) in parts.
    fn post_parts(&self, patch: Patch) {
        let parts = patch.into_slices(MODEL_PART);
        let count = parts.len();
        for (i, part) in parts.into_iter().enumerate() {
            self.post(FromWorker::Model {
                part,
                last: i + 1 == count,
            });
        }
    }

    /// Reads the records changed since `before` into the model and posts
    /// them to the page.
    fn changed_since(&mut self, before: &[ChangeHash]) -> Changed {
        let changed = self.workspace.changes_since(before);
        if changed != Changed::Records(Default::default()) {
            let patch = Patch::read(self.workspace.doc(), &changed);
            let hidden = self.model.unreadable();
            self.model.apply(patch.clone());
            // Records of a kind a newer version added arrived: the rep
            // needs an update to see them (the page keeps one such notice).
            if self.model.unreadable() > hidden {
                self.notice(Notice::Unreadable {
                    count: self.model.unreadable(),
                });
            }
            for part in patch.into_slices(PATCH_PART) {
                self.post(FromWorker::Patch(part));
            }
        }
        changed
    }

    /// Stores every unsaved change in order; false if one failed.
    async fn flush(&mut self) -> bool {
        let Some(store) = &self.store else {
            return false;
        };
        let mut stored = false;
        while let Some(bytes) = self.unsaved.first() {
            match store.append(ChunkKind::Change, bytes).await {
                Ok(key) => {
                    self.log.record(key, ChunkKind::Change, bytes.len());
                    self.unsaved.remove(0);
                    stored = true;
                }
                Err(e) => {
                    self.report(e);
                    return false;
                }
            }
        }
        self.post(FromWorker::WritesRecovered);
        if stored {
            self.tell_other_tabs();
        }
        true
    }

    /// Stores the unsaved changes, compacting when the log has grown.
    async fn store_changes(&mut self) {
        if self.flush().await && self.log.should_compact() {
            self.compact().await;
        }
    }

    /// Stores the whole document at once (after bulk changes).
    async fn snapshot(&mut self) {
        if self.flush().await {
            self.compact().await;
        }
    }

    /// Replaces every applied chunk by one snapshot, atomically, then
    /// refreshes the read-model cache.
    async fn compact(&mut self) {
        let Some(store) = &self.store else { return };
        let replaced = self.log.keys();
        let snapshot = self.workspace.save();
        match store.compact(&snapshot, &replaced).await {
            Ok(key) => {
                self.log.compacted(key, snapshot.len(), &replaced);
                self.tell_other_tabs();
            }
            Err(e) => return self.report(e),
        }
        // Give back what automerge kept from applying the team's changes.
        if self.workspace.should_reload() && self.workspace.reload(&snapshot).is_err() {
            // Not expected. Everything is stored: read all of it again.
            drop(snapshot);
            self.log = ChunkLog::default();
            self.absorb_stored().await;
        }
        self.save_cache().await;
    }

    /// Writes the read-model cache if the document moved since the last one.
    async fn save_cache(&mut self) {
        let heads = self.workspace.heads();
        if heads == self.cached {
            return;
        }
        let Some(store) = &self.store else { return };
        let rows = RowsCache::of(&self.model, &heads).encode();
        let model = ModelCache::of(&self.model, &heads).encode();
        // A cache that cannot be written only costs the next start time.
        if store.save_model(&rows, &model).await.is_ok() {
            self.cached = heads;
        }
    }

    /// Applies every stored chunk not applied yet; sets damaged ones aside.
    async fn absorb_stored(&mut self) {
        let Some(store) = &self.store else { return };
        let chunks = match store.load_all().await {
            Ok(chunks) => chunks,
            Err(e) => return self.report(e),
        };
        let present: Vec<u64> = chunks.iter().map(|c| c.key).collect();
        let damaged = self.log.absorb(&mut self.workspace, chunks);
        self.log.forget_missing(&present);
        if !damaged.is_empty() {
            for d in &damaged {
                if let Err(e) = store.set_aside(d.key, &d.reason).await {
                    return self.report(e);
                }
            }
            self.notice(Notice::SetAside {
                count: damaged.len(),
            });
        }
    }

    /// Merges whatever other tabs stored. The tab that syncs sends their
    /// changes on: they were made on this device.
    async fn refresh(&mut self) {
        let before = self.workspace.heads();
        self.absorb_stored().await;
        self.changed_since(&before);
        if self.leader {
            if self.sync.is_none() {
                self.start_sync().await;
            } else {
                let changes = self.workspace.change_bytes_since(&before);
                self.upload(changes).await;
            }
        }
    }

    // --- team sync ------------------------------------------------------

    /// Stores a new membership and starts syncing (if this tab leads).
    async fn set_up_team(&mut self, membership: Membership) {
        let Some(store) = &self.store else {
            return self.notice(Notice::Refused(Refusal::NeedsStorage));
        };
        if load_membership(store).await.is_some() {
            // A device the team no longer takes may join again by a fresh
            // invite, as a new device (the relay refuses its old id).
            match self.sync.as_mut() {
                Some(link) if link.status.refused() => {
                    link.close();
                    self.sync = None;
                }
                _ => {
                    return self.notice(Notice::Refused(Refusal::AlreadyInTeam));
                }
            }
        }
        if let Err(e) = store.save_sync(MEMBERSHIP, &membership.encode()).await {
            return self.report(e);
        }
        let _ = store
            .save_sync(ENGINE, &EngineState::fresh().encode())
            .await;
        self.tell_other_tabs();
        if self.leader {
            self.start_sync().await;
            // What this device wrote before joining goes to the team too.
            if self.workspace.heads() != crate::document::empty_heads() {
                self.upload_snapshot().await;
            }
        } else {
            self.post_sync().await;
        }
    }

    /// Reads this device's membership and, if there is one, connects.
    async fn start_sync(&mut self) {
        let Some(store) = &self.store else { return };
        let Some(membership) = load_membership(store).await else {
            return self.post_sync().await;
        };
        let state = load_stored(
            store,
            ENGINE,
            EngineState::decode,
            ENGINE_V1,
            EngineState::decode_v1,
        )
        .await
        .unwrap_or_else(EngineState::fresh);
        // This device's key pair for rotations: made once, kept in
        // IndexedDB (the private half cannot be read out of the browser).
        let device_key = match store.load_sync_value(DEVICE_KEY).await.ok().flatten() {
            Some(stored) => KeyPair::from_stored(stored),
            None => match KeyPair::generate().await {
                Some(pair) => store
                    .save_sync_value(DEVICE_KEY, pair.stored())
                    .await
                    .ok()
                    .map(|()| pair),
                None => None,
            },
        };
        let mut engine =
            SyncEngine::new(membership.team, membership.device, membership.key(), state)
                .with_key_ring(membership.epoch, membership.older_keys());
        if let Some(public) = device_key.as_ref().and_then(KeyPair::public) {
            engine = engine.with_public_key(public);
        }
        let mut status = SyncStatus::default().on(SyncEvent::TeamJoined);
        let waiting = engine.waiting_changes();
        if waiting > 0 {
            status = status.on(SyncEvent::LocalChange(waiting));
        }
        if !sync_link::online() {
            status = status.on(SyncEvent::Offline);
        }
        // Changes another tab stored that no leader sealed (it closed first),
        // or that a crash kept from being sealed: they go up now.
        let unsealed = engine
            .state()
            .synced_heads
            .as_deref()
            .map(|heads| self.workspace.change_bytes_past(heads))
            .unwrap_or_default();
        let mut link = SyncLink::new(membership, engine, status, self.link_tx.clone());
        link.device_key = device_key;
        link.connect();
        self.sync = Some(link);
        self.upload(unsealed).await;
        self.post_sync().await;
    }

    async fn link_event(&mut self, event: LinkEvent) {
        if let LinkEvent::Leader = event {
            self.leader = true;
            // Read what other tabs stored first: the takeover must see it.
            return self.refresh().await;
        }
        let Some(link) = self.sync.as_mut() else {
            return;
        };
        let actions = match event {
            LinkEvent::Leader => return,
            LinkEvent::Open => {
                link.opened();
                if !link.membership.registered {
                    let m = &link.membership;
                    if let Some(admin) = &m.admin {
                        let create = ClientFrame::CreateTeam {
                            version: PROTOCOL_VERSION,
                            team: m.team,
                            token_hash: token_hash(&access_token(&m.key(), m.team)),
                            admin_hash: admin_hash(admin),
                        };
                        link.send(&create.encode());
                    }
                }
                link.engine.connected()
            }
            LinkEvent::Message(bytes) => link.engine.received(&bytes),
            LinkEvent::Closed => {
                link.status = link.status.clone().on(SyncEvent::Disconnected);
                link.closed();
                link.engine.disconnected()
            }
            LinkEvent::Reconnect => {
                link.connect();
                Vec::new()
            }
            LinkEvent::Network(online) => {
                let event = if online {
                    SyncEvent::Online
                } else {
                    SyncEvent::Offline
                };
                link.status = link.status.clone().on(event);
                if online {
                    link.connect();
                }
                Vec::new()
            }
        };
        self.run_actions(actions).await;
    }

    /// Hands this device's new changes to the relay (if it syncs).
    async fn upload(&mut self, changes: Vec<Vec<u8>>) {
        let Some(link) = self.sync.as_mut() else {
            return;
        };
        if changes.is_empty() {
            return;
        }
        let Some(nonce) = nonce() else { return };
        let actions = link.engine.local_changes(changes, nonce);
        self.run_actions(actions).await;
    }

    /// Sends the whole document as a snapshot (after bulk changes: a demo,
    /// an import, joining with data of one's own).
    async fn upload_snapshot(&mut self) {
        let Some(link) = self.sync.as_mut() else {
            return;
        };
        let Some(nonce) = nonce() else { return };
        let covers = link.engine.state().cursor;
        let document = pack::pack_or_keep(self.workspace.save()).await;
        let Some(link) = self.sync.as_mut() else {
            return;
        };
        let actions = link.engine.snapshot(document, covers, nonce);
        self.run_actions(actions).await;
    }

    /// Carries out the engine's actions in order.
    async fn run_actions(&mut self, actions: Vec<Action>) {
        let mut queue: VecDeque<Action> = actions.into();
        while let Some(action) = queue.pop_front() {
            match action {
                Action::Send(bytes) => {
                    if let Some(link) = &self.sync {
                        // Unsent frames are not lost: pending uploads go
                        // again on the next connection.
                        link.send(&bytes);
                    }
                }
                Action::Apply(items) => self.apply_remote(items).await,
                Action::Persist(mut state) => {
                    // Everything in the document now is sealed, sent or
                    // received: this tab seals other tabs' changes as they
                    // are stored, and applied what it received before this.
                    state.synced_heads = Some(self.workspace.head_bytes());
                    if let Some(store) = &self.store
                        && let Err(e) = store.save_sync(ENGINE, &state.encode()).await
                    {
                        self.report(e);
                    }
                }
                Action::Status(event) => self.sync_event(event).await,
                Action::Devices(devices) => {
                    if let Some(link) = self.sync.as_mut() {
                        link.devices = devices;
                    }
                }
                Action::Settled => {
                    self.sync_event(SyncEvent::Settled(Utc::now())).await;
                    // Caught up: now fold what came into one snapshot.
                    if self.log.should_compact() {
                        self.compact().await;
                    }

                    let due = self.sync.as_ref().and_then(|l| l.engine.snapshot_due());
                    if let (Some(covers), Some(nonce)) = (due, nonce()) {
                        let document = pack::pack_or_keep(self.workspace.save()).await;
                        if let Some(link) = self.sync.as_mut() {
                            queue.extend(link.engine.snapshot(document, covers, nonce));
                        }
                    }
                }
                Action::Keys { epoch, keys } => {
                    if let Some(link) = self.sync.as_mut() {
                        link.membership.set_keys(epoch, &keys);
                        let bytes = link.membership.encode();
                        if let Some(store) = &self.store
                            && let Err(e) = store.save_sync(MEMBERSHIP, &bytes).await
                        {
                            self.report(e);
                        }
                    }
                }
                Action::Unwrap { epoch, envelope } => {
                    let pair = self.sync.as_ref().and_then(|l| l.device_key.clone());
                    let shared = match pair {
                        Some(pair) => pair.shared(&envelope.ephemeral).await,
                        None => None,
                    };
                    if let (Some(shared), Some(link)) = (shared, self.sync.as_mut()) {
                        queue.extend(link.engine.rekeyed(epoch, &envelope, &shared));
                    }
                }
                Action::DeviceKeys(devices) => {
                    if let Some(more) = self.rotate_key(devices).await {
                        queue.extend(more);
                    }
                }
                Action::Report(_) => {}
            }
        }
        self.post_sync().await;
    }

    /// Seals a new team key to each of `devices` (the team's remaining
    /// ones), if this device asked for them to rotate the key.
    async fn rotate_key(&mut self, devices: Vec<EnrolledDevice>) -> Option<Vec<Action>> {
        let link = self.sync.as_mut()?;
        if !std::mem::take(&mut link.rotate_on_keys) {
            return None;
        }
        let admin = link.membership.admin?;
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).ok()?;
        let ephemeral = KeyPair::generate().await?;
        let ephemeral_public = ephemeral.public()?;
        let mut shared = Vec::with_capacity(devices.len());
        for device in &devices {
            // A device whose enrolled key is not a valid point gets no
            // envelope; it will need a new invite.
            if let Some(secret) = ephemeral.shared(&device.public_key).await {
                shared.push((device.device, secret));
            }
        }
        // One nonce per envelope and one for the chain link, drawn up front
        // so that no seal goes ahead with a guessable one.
        let nonces: Vec<[u8; 24]> = (0..=shared.len()).map(|_| nonce()).collect::<Option<_>>()?;
        let mut nonces = nonces.into_iter();
        let link = self.sync.as_mut()?;
        Some(link.engine.rotate_key(
            &admin,
            TeamKey::from_bytes(key),
            &ephemeral_public,
            &shared,
            || nonces.next().unwrap_or_default(),
        ))
    }

    async fn sync_event(&mut self, event: SyncEvent) {
        let Some(link) = self.sync.as_mut() else {
            return;
        };
        if event == SyncEvent::Connected && !link.membership.registered {
            link.membership.registered = true;
            let bytes = link.membership.encode();
            if let Some(store) = &self.store {
                let _ = store.save_sync(MEMBERSHIP, &bytes).await;
            }
        }
        let Some(link) = self.sync.as_mut() else {
            return;
        };
        link.status = link.status.clone().on(event);
    }

    /// Applies changes from the team, stores them on the device, and shows them.
    async fn apply_remote(&mut self, items: Vec<Vec<u8>>) {
        let before = self.workspace.heads();
        // Snapshots travel gzipped; automerge reads them unpacked. Changes
        // are read in place (no copy).
        let mut readable: Vec<std::borrow::Cow<[u8]>> = Vec::with_capacity(items.len());
        for item in &items {
            readable.push(if pack::is_packed(item) {
                pack::unpack(item.clone()).await.into()
            } else {
                item.as_slice().into()
            });
        }
        let results = self.workspace.apply_all(&readable);
        drop(readable);
        // The page's changes go into one record, in one transaction
        // (IndexedDB spends about a millisecond a record). No compaction
        // here: while the device catches up, compacting after each page
        // re-saved the whole workspace again and again (seconds a page on a
        // large team). It waits until sync has settled, or for the log to
        // outweigh the snapshot, which bounds the work to a constant times
        // the document's size.
        let mut records: Vec<(ChunkKind, Vec<u8>)> = Vec::new();
        let mut changes = Vec::new();
        for (item, result) in items.into_iter().zip(results) {
            match result {
                Ok(Some(_)) => changes.push(item),
                Ok(None) => records.push((ChunkKind::Snapshot, item)),
                Err(e) => self.notice(Notice::Refused(Refusal::TeamChangeUnreadable(
                    e.to_string(),
                ))),
            }
        }
        match changes.len() {
            0 => {}
            1 => records.extend(changes.into_iter().map(|c| (ChunkKind::Change, c))),
            _ => records.push((ChunkKind::Changes, ChangeBatch::encode_changes(&changes))),
        }
        if let Some(store) = &self.store
            && !records.is_empty()
        {
            match store.append_all(&records).await {
                Ok(keys) => {
                    // A change still waiting for its predecessors is not in
                    // the document yet, so no compaction may drop it: while
                    // any waits, the page stays out of the log (it is
                    // applied again, harmlessly, when this tab next reads
                    // the store).
                    if self.workspace.nothing_waiting() {
                        for (key, (kind, bytes)) in keys.into_iter().zip(&records) {
                            self.log.record(key, *kind, bytes.len());
                        }
                    }
                    self.tell_other_tabs();
                    if self.log.outgrown() {
                        self.compact().await;
                    }
                }
                Err(e) => self.report(e),
            }
        }
        self.changed_since(&before);
    }

    /// Tells the page where sync stands.
    async fn post_sync(&self) {
        let view = match &self.sync {
            Some(link) => SyncView {
                slug: link.status.slug().into(),
                headline: link.status.headline(local_offset()),
                detail: link.status.detail(),
                pending: link.status.pending,
                // A refused device's link would admit nobody.
                invite: (!link.status.refused()).then(|| link.membership.invite().fragment()),
                refused: link.status.refused(),
                leader: true,
                device: device_code(&link.membership.device),
                admin: link.membership.admin.is_some(),
                devices: link
                    .devices
                    .iter()
                    .map(|d| DeviceView {
                        id: *d.device.as_bytes(),
                        code: device_code(&d.device),
                        revoked: d.revoked,
                        this: d.device == link.membership.device,
                    })
                    .collect(),
            },
            // What the syncing tab last said, as it said it (the same team,
            // the same device); this tab passes device management on to it.
            None if self.leader_view.is_some() => SyncView {
                leader: false,
                ..self.leader_view.clone().unwrap_or_default()
            },
            None => {
                let status = SyncStatus::default();
                let member = match &self.store {
                    Some(store) => load_membership(store).await,
                    None => None,
                };
                match member {
                    Some(m) => SyncView {
                        slug: "other-tab".into(),
                        headline: "Synced by another tab".into(),
                        detail: "Rapport is open in another tab, which syncs this device with the team. Your work here is saved and reaches it at once.".into(),
                        pending: 0,
                        invite: Some(m.invite().fragment()),
                        leader: false,
                        device: device_code(&m.device),
                        ..SyncView::default()
                    },
                    None => SyncView {
                        slug: status.slug().into(),
                        headline: status.headline(local_offset()),
                        detail: status.detail(),
                        pending: 0,
                        invite: None,
                        leader: self.leader,
                        ..SyncView::default()
                    },
                }
            }
        };
        if self.sync.is_some()
            && let Some(channel) = &self.channel
        {
            let bytes = js_sys::Uint8Array::from(encode(&view).as_slice());
            let _ = channel.post_message(&bytes);
        }
        self.post(FromWorker::Sync(view));
    }

    /// Passes a request on to the syncing tab (see [`Input::Forwarded`]).
    fn forward(&self, text: String) {
        if let Some(channel) = &self.channel {
            let _ = channel.post_message(&text.into());
        }
    }

    fn report(&self, error: StorageError) {
        self.notice(match error {
            StorageError::QuotaExceeded => Notice::QuotaExceeded {
                unsaved: self.unsaved.len(),
            },
            other => Notice::WriteFailed(other.to_string()),
        });
    }

    fn notice(&self, notice: Notice) {
        self.post(FromWorker::Notice(notice));
    }

    fn tell_other_tabs(&self) {
        if let Some(channel) = &self.channel {
            let _ = channel.post_message(&"stored".into());
        }
    }

    /// Posts a message to the page, transferring its buffer.
    fn post(&self, message: FromWorker) {
        let bytes = js_sys::Uint8Array::from(encode(&message).as_slice());
        let transfer = js_sys::Array::of1(&bytes.buffer());
        // Posting fails only if the page is gone.
        let _ = self.scope.post_message_with_transfer(&bytes, &transfer);
    }
}

/// The request another tab passed on, if `text` is one.
fn forwarded(text: &str) -> Option<ToWorker> {
    if text == DEVICES_ASKED {
        return Some(ToWorker::ListDevices);
    }
    if let Some(fragment) = text.strip_prefix(JOIN_ASKED) {
        return Some(ToWorker::JoinTeam {
            fragment: fragment.into(),
        });
    }
    let device: DeviceId = text.strip_prefix(REMOVE_ASKED)?.parse().ok()?;
    Some(ToWorker::RevokeDevice {
        device: *device.as_bytes(),
    })
}

/// This device's membership, in whichever form it was stored.
async fn load_membership(store: &BrowserStore) -> Option<Membership> {
    load_stored(
        store,
        MEMBERSHIP,
        Membership::decode,
        MEMBERSHIP_V1,
        Membership::decode_v1,
    )
    .await
}

/// A team sync value stored under `key`, or, if there is none, in the first
/// sync client's form under `old_key`.
async fn load_stored<T>(
    store: &BrowserStore,
    key: &str,
    decode: fn(&[u8]) -> Option<T>,
    old_key: &str,
    decode_old: fn(&[u8]) -> Option<T>,
) -> Option<T> {
    match store.load_sync(key).await.ok().flatten() {
        Some(bytes) => decode(&bytes),
        None => decode_old(&store.load_sync(old_key).await.ok().flatten()?),
    }
}

/// A new random id for this device on the relay.
/// A device's short code, as the team panel shows it ("4f2a-91c3").
fn device_code(device: &DeviceId) -> String {
    let b = device.as_bytes();
    format!("{:02x}{:02x}-{:02x}{:02x}", b[0], b[1], b[2], b[3])
}

fn random_device() -> DeviceId {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        bytes = fastrand::u128(..).to_le_bytes();
    }
    DeviceId::from_bytes(bytes)
}

/// 24 fresh random bytes for sealing one chunk; none if the platform has
/// no random source (then nothing is sealed: a guessable nonce could repeat).
fn nonce() -> Option<[u8; 24]> {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).ok().map(|()| bytes)
}

/// The device's offset from UTC now (the browser's time zone).
fn local_offset() -> chrono::FixedOffset {
    *chrono::Local::now().offset()
}
