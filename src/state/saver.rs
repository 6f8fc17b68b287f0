//! [`AppState`] and the saver task (wasm32 only).

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use automerge::ActorId;
use chrono::{Local, Utc};
use futures::StreamExt;
use futures::channel::mpsc;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::BroadcastChannel;

use crate::document::{Changed, DocumentError, ReadModel, Workspace};
use crate::domain::{Author, Edit};
use crate::seed::{self, DemoSize};
use crate::state::{Notice, SaveState};
use crate::storage::settings::DeviceSettings;
use crate::storage::{BrowserStore, ChunkKind, ChunkLog, StorageError, request_persistence};

/// The IndexedDB database and BroadcastChannel name of the workspace.
const WORKSPACE_DB: &str = "rapport-workspace";

/// What the saver is asked to do, in order.
enum Job {
    /// Store one local change.
    Change(Vec<u8>),
    /// Another tab stored something: read and merge it.
    Refresh,
    /// Store the whole document as a snapshot (after bulk changes).
    Snapshot,
    /// Try the unsaved changes again.
    Retry,
}

/// Handles to everything the UI reads and the commands it calls. `Copy`, so
/// components and closures take it freely.
#[derive(Clone, Copy)]
pub struct AppState {
    workspace: StoredValue<Rc<RefCell<Workspace>>, LocalStorage>,
    jobs: StoredValue<mpsc::UnboundedSender<Job>, LocalStorage>,
    /// Every live record, rebuilt after each change.
    pub model: RwSignal<Arc<ReadModel>>,
    /// Where the latest changes are.
    pub save: RwSignal<SaveState>,
    /// Storage problems to show.
    pub notices: RwSignal<Vec<Notice>>,
    /// True once the workspace is loaded from the device.
    pub ready: RwSignal<bool>,
    /// This device's settings.
    pub settings: RwSignal<DeviceSettings>,
}

impl AppState {
    /// Runs a command on the workspace. On success the screen updates at once
    /// and the change is queued for storage; on failure nothing changed.
    pub fn run<T>(
        &self,
        command: impl FnOnce(&mut Workspace, &Edit) -> Result<T, DocumentError>,
    ) -> Result<T, DocumentError> {
        let edit = self.edit();
        let workspace = self.workspace.get_value();
        let (result, change, changed) = {
            let mut ws = workspace.borrow_mut();
            let before = ws.heads();
            let result = command(&mut ws, &edit);
            let change = result.is_ok().then(|| ws.last_local_change()).flatten();
            let changed = change.as_ref().map(|_| ws.changes_since(&before));
            (result, change, changed)
        };
        if let (Some(change), Some(changed)) = (change, changed) {
            self.update_model(&workspace.borrow(), &changed);
            self.save.set(SaveState::Saving);
            self.send(Job::Change(change));
        }
        result
    }

    /// Fills an empty workspace with a demo team's data.
    pub fn seed_demo(&self, accounts: usize) -> Result<(), DocumentError> {
        let edit = self.edit();
        let workspace = self.workspace.get_value();
        let model = {
            let mut ws = workspace.borrow_mut();
            let seed = js_sys::Date::now() as u64;
            seed::fill(&mut ws, DemoSize::accounts(accounts), seed, &edit)?;
            ws.read_model()
        };
        self.model.set(Arc::new(model));
        self.save.set(SaveState::Saving);
        self.send(Job::Snapshot);
        Ok(())
    }

    /// Re-reads the changed records into the read model.
    fn update_model(&self, workspace: &Workspace, changed: &Changed) {
        self.model
            .update(|model| Arc::make_mut(model).update(workspace.doc(), changed));
    }

    /// The whole workspace as an Automerge file: what "Export" downloads.
    pub fn export(&self) -> Vec<u8> {
        self.workspace.get_value().borrow_mut().save()
    }

    /// Merges an exported workspace file into this one (never replacing
    /// anything) and stores the result. Returns how many records changed.
    pub fn import(&self, bytes: &[u8]) -> Result<usize, DocumentError> {
        let workspace = self.workspace.get_value();
        let changed = {
            let mut ws = workspace.borrow_mut();
            let before = ws.heads();
            ws.apply(bytes)?;
            ws.changes_since(&before)
        };
        let count = match &changed {
            Changed::Records(keys) => keys.len(),
            Changed::Everything => self.model.with_untracked(|m| m.account_count()),
        };
        self.update_model(&workspace.borrow(), &changed);
        self.save.set(SaveState::Saving);
        self.send(Job::Snapshot);
        Ok(count)
    }

    /// Tries to store unsaved changes again.
    pub fn retry(&self) {
        self.send(Job::Retry);
    }

    /// Changes the rep's name on this device.
    pub fn set_rep_name(&self, name: String) {
        self.settings.update(|s| {
            s.rep_name = name.trim().to_owned();
            s.save();
        });
    }

    fn edit(&self) -> Edit {
        let settings = self.settings.get_untracked();
        let name = if settings.rep_name.is_empty() {
            "Unnamed rep".to_owned()
        } else {
            settings.rep_name
        };
        Edit {
            author: Author {
                name,
                device: settings.device_id,
            },
            at: Utc::now(),
            today: Local::now().date_naive(),
        }
    }

    fn send(&self, job: Job) {
        // The saver lives as long as the page; a closed channel means the
        // page is going away.
        let _ = self.jobs.get_value().unbounded_send(job);
    }

    fn notice(&self, notice: Notice) {
        self.notices.update(|list| {
            list.retain(|n| std::mem::discriminant(n) != std::mem::discriminant(&notice));
            list.push(notice);
        });
    }

    fn clear_write_notices(&self) {
        self.notices.update(|list| list.retain(|n| !n.can_retry()));
    }
}

/// Creates the app state and starts loading the workspace from the device.
pub fn start() -> AppState {
    let settings = DeviceSettings::load_or_create();
    // A fresh actor per tab: two tabs of one device write concurrently, and
    // automerge needs each writer to have its own actor.
    let workspace = Rc::new(RefCell::new(Workspace::new(ActorId::random())));
    let (tx, rx) = mpsc::unbounded();
    let state = AppState {
        workspace: StoredValue::new_local(workspace.clone()),
        jobs: StoredValue::new_local(tx),
        model: RwSignal::new(Arc::new(ReadModel::default())),
        save: RwSignal::new(SaveState::Loading),
        notices: RwSignal::new(Vec::new()),
        ready: RwSignal::new(false),
        settings: RwSignal::new(settings),
    };
    wasm_bindgen_futures::spawn_local(async move {
        let saver = Saver::open(state, workspace).await;
        saver.run(rx).await;
    });
    state
}

/// The only writer to IndexedDB in this tab.
struct Saver {
    state: AppState,
    workspace: Rc<RefCell<Workspace>>,
    store: Option<BrowserStore>,
    log: ChunkLog,
    /// Changes not yet stored, oldest first.
    unsaved: Vec<Vec<u8>>,
    channel: Option<BroadcastChannel>,
}

impl Saver {
    /// Opens the store, loads the workspace, and wires the other tabs.
    async fn open(state: AppState, workspace: Rc<RefCell<Workspace>>) -> Saver {
        let store = match BrowserStore::open(WORKSPACE_DB).await {
            Ok(store) => Some(store),
            Err(e) => {
                state.notice(Notice::StorageUnavailable(e.to_string()));
                None
            }
        };
        let mut saver = Saver {
            state,
            workspace,
            store,
            log: ChunkLog::default(),
            unsaved: Vec::new(),
            channel: BroadcastChannel::new(WORKSPACE_DB).ok(),
        };
        saver.refresh().await;
        state.ready.set(true);
        state.save.set(if saver.store.is_some() {
            SaveState::Saved
        } else {
            SaveState::Unsaved
        });
        if let Some(channel) = &saver.channel {
            let on_message =
                Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |_| state.send(Job::Refresh));
            channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            on_message.forget();
        }
        // Closing the tab while a change is only in memory would lose it:
        // ask the browser to confirm ("Leave site? Changes may not be saved").
        if let Some(window) = web_sys::window() {
            let guard = Closure::<dyn Fn(web_sys::BeforeUnloadEvent)>::new(
                move |event: web_sys::BeforeUnloadEvent| {
                    if matches!(
                        state.save.get_untracked(),
                        SaveState::Saving | SaveState::Unsaved
                    ) {
                        event.prevent_default();
                        event.set_return_value("");
                    }
                },
            );
            let _ = window
                .add_event_listener_with_callback("beforeunload", guard.as_ref().unchecked_ref());
            guard.forget();
        }
        wasm_bindgen_futures::spawn_local(async {
            request_persistence().await;
        });
        if let Some(accounts) = demo_flag()
            && state.model.get_untracked().is_empty()
            && let Err(e) = state.seed_demo(accounts)
        {
            state.notice(Notice::WriteFailed(e.to_string()));
        }
        saver
    }

    async fn run(mut self, mut jobs: mpsc::UnboundedReceiver<Job>) {
        while let Some(job) = jobs.next().await {
            self.handle(job).await;
            while let Ok(job) = jobs.try_recv() {
                self.handle(job).await;
            }
            self.state
                .save
                .set(if self.unsaved.is_empty() && self.store.is_some() {
                    SaveState::Saved
                } else {
                    SaveState::Unsaved
                });
        }
    }

    async fn handle(&mut self, job: Job) {
        match job {
            Job::Change(bytes) => {
                self.unsaved.push(bytes);
                if self.flush().await {
                    self.compact_if_due().await;
                }
            }
            Job::Retry => {
                if self.flush().await {
                    self.compact_if_due().await;
                }
            }
            Job::Snapshot => {
                if self.flush().await {
                    self.compact().await;
                }
            }
            Job::Refresh => self.refresh().await,
        }
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
        self.state.clear_write_notices();
        if stored {
            self.tell_other_tabs();
        }
        true
    }

    async fn compact_if_due(&mut self) {
        if self.log.should_compact() {
            self.compact().await;
        }
    }

    /// Replaces every applied chunk by one snapshot, atomically.
    async fn compact(&mut self) {
        let Some(store) = &self.store else { return };
        let replaced = self.log.keys();
        let snapshot = self.workspace.borrow_mut().save();
        match store.compact(&snapshot, &replaced).await {
            Ok(key) => {
                self.log.compacted(key, snapshot.len(), &replaced);
                self.tell_other_tabs();
            }
            Err(e) => self.report(e),
        }
    }

    /// Merges whatever other tabs stored; sets damaged chunks aside.
    async fn refresh(&mut self) {
        let Some(store) = &self.store else { return };
        let chunks = match store.load_all().await {
            Ok(chunks) => chunks,
            Err(e) => return self.report(e),
        };
        let present: Vec<u64> = chunks.iter().map(|c| c.key).collect();
        let first_load = !self.state.ready.get_untracked();
        let (damaged, changed) = {
            let mut ws = self.workspace.borrow_mut();
            let before = ws.heads();
            let damaged = self.log.absorb(&mut ws, chunks);
            let changed = if first_load {
                Changed::Everything
            } else {
                ws.changes_since(&before)
            };
            (damaged, changed)
        };
        self.log.forget_missing(&present);
        if !damaged.is_empty() {
            for d in &damaged {
                if let Err(e) = store.set_aside(d.key, &d.reason).await {
                    self.report(e);
                }
            }
            self.state.notice(Notice::SetAside {
                count: damaged.len(),
            });
        }
        if changed != Changed::Records(Default::default()) {
            self.state.update_model(&self.workspace.borrow(), &changed);
            let unreadable = self.state.model.with_untracked(|m| m.unreadable());
            if unreadable > 0 {
                self.state.notice(Notice::Unreadable { count: unreadable });
            }
        }
    }

    fn report(&self, error: StorageError) {
        self.state.save.set(SaveState::Unsaved);
        match error {
            StorageError::QuotaExceeded => self.state.notice(Notice::QuotaExceeded {
                unsaved: self.unsaved.len(),
            }),
            other => self.state.notice(Notice::WriteFailed(other.to_string())),
        }
    }

    fn tell_other_tabs(&self) {
        if let Some(channel) = &self.channel {
            let _ = channel.post_message(&"stored".into());
        }
    }
}

/// The largest demo the page seeds: seeding runs on the main thread, one
/// Automerge change per record (about 0.6 ms per record natively, measured
/// on a 200-account demo; wasm is slower), so 500 accounts (12,500 records)
/// already takes many seconds. Larger workspaces are for the benchmarks.
const MAX_DEMO_ACCOUNTS: usize = 500;

/// `?demo=<accounts>` in the page URL asks for a demo workspace.
fn demo_flag() -> Option<usize> {
    let search = web_sys::window()?.location().search().ok()?;
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("demo="))
        .and_then(|n| n.parse::<usize>().ok())
        .map(|n| n.clamp(1, MAX_DEMO_ACCOUNTS))
}
