//! [`AppState`]: the page's side of the app (wasm32 only). It holds the read
//! model and the save state in signals, checks commands against the model,
//! and talks to the workspace worker.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use chrono::{Local, Utc};
use futures::channel::oneshot;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::document::{Command, DocumentError, ReadModel, RowsCache};
use crate::domain::{Author, Edit};
use crate::state::messages::{FromWorker, SyncView, ToWorker, decode, encode};
use crate::state::worker::WORKSPACE_DB;
use crate::state::{Notice, Refusal, SaveState};
use crate::storage::BrowserStore;
use crate::storage::settings::DeviceSettings;

/// The bootstrap script of the workspace worker (copied from `public/`).
const WORKER_SCRIPT: &str = "/public/worker.js";

/// Requests waiting for the worker's answer.
type Waiting = Rc<RefCell<HashMap<u32, oneshot::Sender<FromWorker>>>>;

/// The link to the worker.
struct Link {
    worker: Option<web_sys::Worker>,
    /// Page messages sent so far (the worker reports how many it handled).
    sent: Cell<u64>,
    next_request: Cell<u32>,
    waiting: Waiting,
    /// The worker did not start: nothing can be changed in this tab.
    failed: Cell<bool>,
    /// The whole model while its parts arrive.
    incoming: RefCell<Option<ReadModel>>,
}

/// Handles to everything the UI reads and the commands it calls. `Copy`, so
/// components and closures take it freely.
#[derive(Clone, Copy)]
pub struct AppState {
    link: StoredValue<Rc<Link>, LocalStorage>,
    /// Every live record, as the worker last reported it.
    pub model: RwSignal<Arc<ReadModel>>,
    /// Where the latest changes are.
    pub save: RwSignal<SaveState>,
    /// Storage problems to show.
    pub notices: RwSignal<Vec<Notice>>,
    /// True once the first screen can be drawn (from the cache or the document).
    pub ready: RwSignal<bool>,
    /// True once the worker has the document open (commands run at once).
    pub loaded: RwSignal<bool>,
    /// True once the model holds every record, not only the account rows
    /// drawn first from the cache.
    pub complete: RwSignal<bool>,
    /// This device's settings.
    pub settings: RwSignal<DeviceSettings>,
    /// Where team sync stands.
    pub sync: RwSignal<SyncView>,
    /// An invite link's fragment this page was opened with, until the rep
    /// joins or declines.
    pub invite: RwSignal<Option<String>>,
}

impl AppState {
    /// True while a change is only in this tab's memory (being saved, or
    /// its save failed): closing or reloading the tab now would lose it.
    pub fn has_unsaved_changes(&self) -> bool {
        !self.link.get_value().failed.get()
            && matches!(
                self.save.get_untracked(),
                SaveState::Saving | SaveState::Unsaved
            )
    }

    /// Checks `command` against the read model and, if it breaks no rule,
    /// hands it to the worker: the screen updates as soon as the worker has
    /// written it (milliseconds). On a broken rule nothing is sent.
    pub fn command(&self, command: Command) -> Result<(), DocumentError> {
        if self.link.get_value().failed.get() {
            return Err(DocumentError::NotOpen);
        }
        let edit = self.edit();
        self.model
            .with_untracked(|m| command.check(m.as_ref(), &edit))
            .map_err(DocumentError::from)?;
        self.save.set(SaveState::Saving);
        self.send(ToWorker::Command {
            command: Box::new(command),
            edit,
        });
        Ok(())
    }

    /// Fills an empty workspace with a demo team's data: the demo file the
    /// build ships (`demo/demo-<accounts>.automerge`, 40 or 100 accounts),
    /// imported like any workspace file.
    pub fn seed_demo(&self, accounts: usize) {
        let state = *self;
        let size = if accounts <= 40 { 40 } else { 100 };
        self.save.set(SaveState::Saving);
        wasm_bindgen_futures::spawn_local(async move {
            let result = match fetch_bytes(&format!("/demo/demo-{size}.automerge")).await {
                Some(bytes) => state.import(bytes).await.map(|_| ()),
                None => Err("the demo file could not be downloaded".into()),
            };
            if let Err(e) = result {
                state.notice(Notice::Refused(Refusal::NoDemo(e.to_string())));
            }
        });
    }

    /// The whole workspace as an Automerge file: what "Export" downloads.
    pub async fn export(&self) -> Option<Vec<u8>> {
        let request = self.request_id();
        match self.ask(request, ToWorker::Export { request }).await? {
            FromWorker::Exported { bytes, .. } => Some(bytes),
            _ => None,
        }
    }

    /// Merges an exported workspace file into this one (never replacing
    /// anything). Returns how many records changed, or why nothing did.
    pub async fn import(&self, bytes: Vec<u8>) -> Result<usize, String> {
        let request = self.request_id();
        self.save.set(SaveState::Saving);
        match self.ask(request, ToWorker::Import { request, bytes }).await {
            Some(FromWorker::Imported { result, .. }) => result,
            _ => Err("the workspace worker is not running".into()),
        }
    }

    /// Bytes of wasm memory the worker holds (for the benchmarks).
    pub async fn worker_memory(&self) -> Option<f64> {
        let request = self.request_id();
        match self.ask(request, ToWorker::Probe { request }).await? {
            FromWorker::Probed { memory, .. } => Some(memory),
            _ => None,
        }
    }

    /// Makes a new team with this device in it.
    pub fn create_team(&self, code: String) {
        let member = self.settings.with_untracked(|s| s.rep_name.clone());
        let code = code.trim().to_owned();
        self.send(ToWorker::CreateTeam { member, code });
    }

    /// Asks for the team's devices again (shown to the team's creator).
    pub fn list_devices(&self) {
        self.send(ToWorker::ListDevices);
    }

    /// Removes a device from the team: the relay refuses it from now on
    /// (only the team's creator can).
    pub fn revoke_device(&self, device: [u8; 16]) {
        self.send(ToWorker::RevokeDevice { device });
    }

    /// Approves a device that joined, once its fingerprint was compared
    /// with the one its tablet shows (only the team's creator can).
    pub fn approve_device(&self, device: [u8; 16]) {
        self.send(ToWorker::ApproveDevice { device });
    }

    /// Removes a rep's devices from the team (only the team's creator can).
    pub fn remove_member(&self, member: String) {
        self.send(ToWorker::RemoveMember { member });
    }

    /// Joins the team of the invite this page was opened with, or declines
    /// it; either way the key leaves the address bar.
    pub fn answer_invite(&self, join: bool) {
        if let Some(fragment) = self.invite.get_untracked() {
            if join {
                let member = self.settings.with_untracked(|s| s.rep_name.clone());
                self.send(ToWorker::JoinTeam { fragment, member });
            }
            self.invite.set(None);
            if let Some(window) = web_sys::window()
                && let Ok(history) = window.history()
            {
                let path = window.location().pathname().unwrap_or_else(|_| "/".into());
                let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&path));
            }
        }
    }

    /// Tries to store unsaved changes again.
    pub fn retry(&self) {
        self.send(ToWorker::Retry);
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
        Edit {
            author: Author {
                // Empty until the rep gives a name: the screens say
                // "Unnamed rep" in the reader's language (`ui::words`).
                name: settings.rep_name,
                device: settings.device_id.to_string(),
            },
            at: Utc::now(),
            today: Local::now().date_naive(),
        }
    }

    fn request_id(&self) -> u32 {
        let link = self.link.get_value();
        let id = link.next_request.get();
        link.next_request.set(id.wrapping_add(1));
        id
    }

    /// Sends `message` and waits for the answer to `request`.
    async fn ask(&self, request: u32, message: ToWorker) -> Option<FromWorker> {
        let (tx, rx) = oneshot::channel();
        self.link
            .get_value()
            .waiting
            .borrow_mut()
            .insert(request, tx);
        self.send(message);
        rx.await.ok()
    }

    fn send(&self, message: ToWorker) {
        let link = self.link.get_value();
        let Some(worker) = &link.worker else {
            return self.notice(Notice::WorkerFailed(
                "this browser has no module workers".into(),
            ));
        };
        link.sent.set(link.sent.get() + 1);
        let bytes = js_sys::Uint8Array::from(encode(&message).as_slice());
        let transfer = js_sys::Array::of1(&bytes.buffer());
        if worker
            .post_message_with_transfer(&bytes, &transfer)
            .is_err()
        {
            self.notice(Notice::WriteFailed("the workspace worker is gone".into()));
        }
    }

    fn notice(&self, notice: Notice) {
        if matches!(notice, Notice::WorkerFailed(_)) {
            // Nothing can be changed without the worker: say so in the
            // badge, and refuse commands (so nothing is left unsaved).
            self.link.get_value().failed.set(true);
            self.save.set(SaveState::Unsaved);
        }
        self.notices.update(|list| {
            list.retain(|n| std::mem::discriminant(n) != std::mem::discriminant(&notice));
            list.push(notice);
        });
    }

    /// Handles one message from the worker.
    fn receive(&self, message: FromWorker) {
        match message {
            FromWorker::Model { part, last } => {
                let link = self.link.get_value();
                let mut incoming = link.incoming.borrow_mut();
                incoming.get_or_insert_with(ReadModel::default).apply(part);
                if last && let Some(model) = incoming.take() {
                    self.model.set(Arc::new(model));
                    self.complete.set(true);
                    self.ready.set(true);
                }
            }
            FromWorker::Patch(patch) => {
                if !patch.is_empty() {
                    self.model.update(|m| Arc::make_mut(m).apply(patch));
                }
            }
            FromWorker::Ready => {
                self.ready.set(true);
                self.loaded.set(true);
                if let Some(accounts) = demo_flag()
                    && self.model.with_untracked(|m| m.is_empty())
                {
                    self.seed_demo(accounts);
                }
            }
            FromWorker::Save { state, handled } => {
                let sent = self.link.get_value().sent.get();
                self.save
                    .set(if handled < sent && state == SaveState::Saved {
                        SaveState::Saving
                    } else {
                        state
                    });
            }
            FromWorker::Notice(notice) => self.notice(notice),
            FromWorker::WritesRecovered => {
                self.notices.update(|list| list.retain(|n| !n.can_retry()));
            }
            FromWorker::Sync(view) => {
                // The id this device has in its team is the one its stamps
                // carry: adopted when it differs (a membership made before
                // the device had one id, or a device that joined again).
                if let Some(device) = view.this_device
                    && self.settings.with_untracked(|s| s.device_id != device)
                {
                    self.settings.update(|s| {
                        s.device_id = device;
                        s.save();
                    });
                }
                self.sync.set(view)
            }
            answer @ (FromWorker::Imported { .. }
            | FromWorker::Exported { .. }
            | FromWorker::Probed { .. }) => {
                let waiting = answer.answers().and_then(|request| {
                    self.link.get_value().waiting.borrow_mut().remove(&request)
                });
                if let Some(tx) = waiting {
                    let _ = tx.send(answer);
                }
            }
        }
    }
}

thread_local! {
    /// The page's state, for the benchmark hooks.
    static CURRENT: Cell<Option<AppState>> = const { Cell::new(None) };
}

/// The running page's state, if the app has started.
pub fn current() -> Option<AppState> {
    CURRENT.with(Cell::get)
}

/// Creates the app state, draws from the read-model cache if there is one,
/// and starts the workspace worker.
pub fn start() -> AppState {
    let settings = DeviceSettings::load_or_create();
    let worker = spawn_worker();
    let state = AppState {
        link: StoredValue::new_local(Rc::new(Link {
            worker,
            sent: Cell::new(0),
            next_request: Cell::new(0),
            waiting: Rc::default(),
            failed: Cell::new(false),
            incoming: RefCell::new(None),
        })),
        model: RwSignal::new(Arc::new(ReadModel::default())),
        save: RwSignal::new(SaveState::Loading),
        notices: RwSignal::new(Vec::new()),
        ready: RwSignal::new(false),
        loaded: RwSignal::new(false),
        complete: RwSignal::new(false),
        settings: RwSignal::new(settings),
        sync: RwSignal::new(SyncView::default()),
        invite: RwSignal::new(invite_in_url()),
    };
    CURRENT.with(|c| c.set(Some(state)));
    if let Some(worker) = &state.link.get_value().worker {
        let on_message =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                let data = event.data();
                match data.dyn_ref::<js_sys::Uint8Array>() {
                    Some(bytes) => {
                        if let Some(message) = decode::<FromWorker>(&bytes.to_vec()) {
                            state.receive(message);
                        }
                    }
                    // The bootstrap script reports a failed start as text.
                    None => state.notice(Notice::WorkerFailed(format!(
                        "the workspace worker failed: {}",
                        js_sys::JSON::stringify(&data)
                            .ok()
                            .and_then(|s| s.as_string())
                            .unwrap_or_default()
                    ))),
                }
            });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        let on_error = Closure::<dyn Fn(web_sys::Event)>::new(move |_| {
            state.notice(Notice::WorkerFailed(
                "the workspace worker did not load".into(),
            ));
        });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
    }
    wasm_bindgen_futures::spawn_local(async move {
        // The account list from the cache first; only then does the worker
        // start reading the rest, so the first screen shares the device
        // with nothing.
        if let Some(cache) = read_rows().await {
            state.model.set(Arc::new(ReadModel::preview(cache.rows)));
            state.ready.set(true);
        }
        state.send(ToWorker::Start {
            device: state.settings.get_untracked().device_id,
        });
    });
    guard_unsaved_changes(state);
    state
}

/// The cached account rows in IndexedDB, if there are readable ones.
async fn read_rows() -> Option<RowsCache> {
    let store = BrowserStore::open(WORKSPACE_DB).await.ok()?;
    let bytes = store.load_rows().await.ok()??;
    RowsCache::decode(&bytes)
}

/// Starts the worker and hands it this page's wasm module and JS glue, so
/// it runs the same build without downloading or compiling it again.
fn spawn_worker() -> Option<web_sys::Worker> {
    let document = web_sys::window()?.document()?;
    let glue = document
        .query_selector("link[rel=modulepreload]")
        .ok()??
        .get_attribute("href")?;
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    let worker = web_sys::Worker::new_with_options(WORKER_SCRIPT, &options).ok()?;
    let init = js_sys::Object::new();
    js_sys::Reflect::set(&init, &"glue".into(), &JsValue::from_str(&glue)).ok()?;
    js_sys::Reflect::set(&init, &"module".into(), &wasm_bindgen::module()).ok()?;
    worker.post_message(&init).ok()?;
    Some(worker)
}

/// Asks the browser to confirm closing the tab while a change is only in
/// memory ("Leave site? Changes may not be saved"), and saves the read-model
/// cache when the page is hidden.
fn guard_unsaved_changes(state: AppState) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let guard = Closure::<dyn Fn(web_sys::BeforeUnloadEvent)>::new(
        move |event: web_sys::BeforeUnloadEvent| {
            if state.has_unsaved_changes() {
                event.prevent_default();
                event.set_return_value("");
            }
        },
    );
    let _ = window.add_event_listener_with_callback("beforeunload", guard.as_ref().unchecked_ref());
    guard.forget();
    let hidden = Closure::<dyn Fn()>::new(move || {
        let hidden = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.hidden());
        if hidden {
            state.send(ToWorker::SaveCache);
        }
    });
    let _ = window
        .add_event_listener_with_callback("visibilitychange", hidden.as_ref().unchecked_ref());
    hidden.forget();
}

/// `?demo=<accounts>` in the page URL asks for a demo workspace (40, or 100
/// for more than 40).
pub fn demo_flag() -> Option<usize> {
    let search = web_sys::window()?.location().search().ok()?;
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("demo="))
        .and_then(|n| n.parse::<usize>().ok())
}

/// The bytes at `url` on this origin, if it answers 200.
async fn fetch_bytes(url: &str) -> Option<Vec<u8>> {
    let window = web_sys::window()?;
    let response: web_sys::Response =
        wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(url))
            .await
            .ok()?
            .dyn_into()
            .ok()?;
    if !response.ok() {
        return None;
    }
    let buffer = wasm_bindgen_futures::JsFuture::from(response.array_buffer().ok()?)
        .await
        .ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// The invite in this page's address (`#join=…`), if it was opened with one.
fn invite_in_url() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    hash.contains("join=")
        .then(|| hash.trim_start_matches('#').to_owned())
}
