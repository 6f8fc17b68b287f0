//! [`WorkerCore`]: the workspace worker's state and its dispatch — one
//! [`Event`] at a time, in order, each handled to the end (its storage
//! writes committed, its effects emitted) before the next.
//!
//! What each event leads to lives with its concern: storage in
//! `storage_policy`, the other tabs in `tabs`, the team in `team`, the
//! sync indicator in `sync_view`. This file holds the start-up, commands,
//! imports and exports, and the read model the page mirrors.

use automerge::{ActorId, ChangeHash};

use crate::document::{Changed, Patch, ReadModel, Workspace};
use crate::domain::DeviceId;
use crate::state::messages::{FromWorker, SyncView, ToWorker};
use crate::state::worker::team::Team;
use crate::state::worker::{Effect, Host, TabMessage};
use crate::state::{Notice, Refusal, SaveState};
use crate::storage::ChunkLog;

/// Records per part when the whole model goes to the page.
const MODEL_PART: usize = 2_000;

/// Records per message when a change touched many (a sync, an import): the
/// page applies each message in its own task, and a record of a patch costs
/// it more than one of the model (rows re-sorted, the screen updated), so
/// parts are smaller.
const PATCH_PART: usize = 1_000;

/// What wakes the worker.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A message from this tab's page.
    Page(ToWorker),
    /// A message from another tab's worker.
    Tab(TabMessage),
    /// This tab now holds the device's sync lock (asked for by
    /// [`Effect::Lead`]).
    Leader,
    /// The browser went online (`true`) or offline.
    Network(bool),
    /// The relay link.
    Link(LinkEvent),
}

/// What the relay link reports (after [`Effect::Connect`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkEvent {
    /// The connection opened.
    Open,
    /// A binary message arrived.
    Message(Vec<u8>),
    /// The connection closed or failed.
    Closed,
    /// The connection could not even be started (try again later).
    Unreachable,
    /// Time to try connecting again (after [`Effect::RetryIn`]).
    Reconnect,
}

/// The workspace worker of one tab, over the platform `H`.
pub struct WorkerCore<H: Host> {
    pub(super) host: H,
    /// Team sync, once this tab leads it and the device is in a team.
    pub(super) team: Option<Team<H::KeyPair>>,
    /// This tab holds the sync lock.
    pub(super) leader: bool,
    pub(super) workspace: Workspace,
    /// The same model the page holds: what the cache is written from.
    pub(super) model: ReadModel,
    /// The store opened.
    pub(super) store: bool,
    pub(super) log: ChunkLog,
    /// Changes not yet stored, oldest first.
    pub(super) unsaved: Vec<Vec<u8>>,
    /// Page messages handled so far.
    handled: u64,
    /// Heads of the newest read-model cache in the store.
    pub(super) cached: Vec<ChangeHash>,
    /// Where sync stands, as the tab that syncs last said (other tabs show
    /// it too).
    pub(super) leader_view: Option<SyncView>,
    /// This device's id as its page keeps it: the id it joins a team under.
    pub(super) device: Option<DeviceId>,
}

impl<H: Host> WorkerCore<H> {
    /// A worker writing its changes as `actor`: each tab needs its own,
    /// since two tabs of one device write concurrently.
    pub fn new(host: H, actor: ActorId) -> Self {
        Self {
            host,
            team: None,
            leader: false,
            workspace: Workspace::new(actor),
            model: ReadModel::default(),
            store: false,
            log: ChunkLog::default(),
            unsaved: Vec::new(),
            handled: 0,
            cached: Vec::new(),
            leader_view: None,
            device: None,
        }
    }

    /// The platform this worker runs on.
    pub fn host(&self) -> &H {
        &self.host
    }

    /// Call once, first: asks the other tabs where sync stands (the one
    /// that syncs answers).
    pub fn announce(&self) {
        self.host.emit(Effect::Tabs(TabMessage::ViewAsked));
    }

    /// Handles one event to the end.
    pub async fn handle(&mut self, event: Event) {
        let message = match event {
            Event::Page(message) => {
                self.handled += 1;
                message
            }
            Event::Tab(message) => match self.heard(message).await {
                Some(message) => message,
                None => return,
            },
            Event::Leader => {
                self.leader = true;
                // Read what other tabs stored first: the takeover must see it.
                return self.refresh().await;
            }
            Event::Network(online) => return self.network(online).await,
            Event::Link(event) => return self.link_event(event).await,
        };
        self.request(message).await;
    }

    /// Call when no event is waiting: tells the page where its changes are.
    pub fn batch_done(&self) {
        let state = if self.unsaved.is_empty() && self.store {
            SaveState::Saved
        } else {
            SaveState::Unsaved
        };
        self.post(FromWorker::Save {
            state,
            handled: self.handled,
        });
    }

    /// Does what a page asked (this tab's, or another's through the tabs).
    async fn request(&mut self, message: ToWorker) {
        let leads = self.team.is_some();
        match message {
            ToWorker::Start { device } => {
                self.device = Some(device);
                self.start().await
            }
            ToWorker::Command { command, edit } => {
                let before = self.workspace.heads();
                match self.workspace.execute_in(&command, &edit, &self.model) {
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
                let bytes = self.host.unpack(bytes).await;
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
                let bytes = self.host.pack_or_keep(self.workspace.save()).await;
                self.post(FromWorker::Exported { request, bytes });
            }
            ToWorker::Retry => self.store_changes().await,
            ToWorker::SaveCache => self.save_cache().await,
            ToWorker::CreateTeam { member, code } => self.create_team(&member, &code).await,
            // Only the syncing tab can drop the link of a refused team.
            ToWorker::JoinTeam { fragment, member }
                if !leads && self.leader_view.as_ref().is_some_and(|v| v.refused) =>
            {
                self.forward(TabMessage::JoinTeam { fragment, member });
            }
            ToWorker::JoinTeam { fragment, member } => self.join_team(&fragment, &member).await,
            ToWorker::ListDevices if !leads => self.forward(TabMessage::ListDevices),
            ToWorker::RevokeDevice { device } if !leads => {
                self.forward(TabMessage::RevokeDevice { device });
            }
            ToWorker::ApproveDevice { device } if !leads => {
                self.forward(TabMessage::ApproveDevice { device });
            }
            ToWorker::RemoveMember { member } if !leads => {
                self.forward(TabMessage::RemoveMember { member });
            }
            ToWorker::ListDevices => self.list_devices().await,
            ToWorker::RevokeDevice { device } => self.revoke_device(device).await,
            ToWorker::ApproveDevice { device } => self.approve_device(device).await,
            ToWorker::RemoveMember { member } => self.remove_member(&member).await,
            ToWorker::Probe { request } => {
                let memory = self.host.memory();
                self.post(FromWorker::Probed { request, memory });
            }
        }
    }

    /// Opens the store and the workspace. The cached model goes to the page
    /// first, before the document loads (seconds, for a large team); then
    /// the records changed since the cache, or the whole model again if the
    /// cache does not fit the document.
    async fn start(&mut self) {
        match self.host.open().await {
            Ok(()) => self.store = true,
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
        let cache = match self.cached_model().await {
            Some(cache) if self.fits(&cache.change_hashes()) => Some(cache),
            _ => None,
        };
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
        self.host.emit(Effect::RequestPersistence);
        self.post_sync().await;
        self.host.emit(Effect::WatchNetwork);
        self.host.emit(Effect::Lead);
    }

    /// Merges whatever other tabs stored. The tab that syncs sends their
    /// changes on: they were made on this device.
    pub(super) async fn refresh(&mut self) {
        let before = self.workspace.heads();
        self.absorb_stored().await;
        self.changed_since(&before);
        if self.leader {
            if self.team.is_none() {
                self.start_sync().await;
            } else {
                let changes = self.workspace.change_bytes_since(&before);
                self.upload(changes).await;
            }
        }
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
    pub(super) fn changed_since(&mut self, before: &[ChangeHash]) -> Changed {
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

    /// Posts a message to the page.
    pub(super) fn post(&self, message: FromWorker) {
        self.host.emit(Effect::Page(message));
    }

    /// Tells the rep something.
    pub(super) fn notice(&self, notice: Notice) {
        self.post(FromWorker::Notice(notice));
    }
}
