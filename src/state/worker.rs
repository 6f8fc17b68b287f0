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

use crate::document::{Changed, ModelCache, Patch, ReadModel, RowsCache, Workspace};
use crate::seed::{self, DemoSize};
use crate::state::messages::{FromWorker, ToWorker, decode, encode};
use crate::state::{Notice, SaveState};
use crate::storage::{BrowserStore, ChunkKind, ChunkLog, StorageError, request_persistence};

/// Records per part when the whole model goes to the page.
const MODEL_PART: usize = 2_000;

/// The IndexedDB database and BroadcastChannel name of the workspace.
pub const WORKSPACE_DB: &str = "rapport-workspace";

/// What wakes the worker.
enum Input {
    /// A message from the page.
    Page(ToWorker),
    /// Another tab stored something: read and merge it.
    OtherTab,
}

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
        let on_message = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |_| {
            let _ = other_tabs.unbounded_send(Input::OtherTab);
        });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
    }
    wasm_bindgen_futures::spawn_local(async move {
        let worker = WorkspaceWorker {
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
            Input::Page(message) => message,
        };
        self.handled += 1;
        match message {
            ToWorker::Start => self.start().await,
            ToWorker::Command { command, edit } => {
                let before = self.workspace.heads();
                match self.workspace.execute(&command, &edit) {
                    Ok(()) => {
                        self.changed_since(&before);
                        if let Some(change) = self.workspace.last_local_change() {
                            self.unsaved.push(change);
                        }
                        self.store_changes().await;
                    }
                    Err(e) => self.notice(Notice::Refused(e.to_string())),
                }
            }
            ToWorker::Seed {
                accounts,
                seed,
                edit,
            } => {
                let before = self.workspace.heads();
                let filled = seed::fill(
                    &mut self.workspace,
                    DemoSize::accounts(accounts),
                    seed,
                    &edit,
                );
                self.changed_since(&before);
                match filled {
                    Ok(_) => self.snapshot().await,
                    Err(e) => self.notice(Notice::Refused(e.to_string())),
                }
            }
            ToWorker::Import { request, bytes } => {
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
                }
                self.post(FromWorker::Imported { request, result });
            }
            ToWorker::Export { request } => {
                let bytes = self.workspace.save();
                self.post(FromWorker::Exported { request, bytes });
            }
            ToWorker::Retry => self.store_changes().await,
            ToWorker::SaveCache => self.save_cache().await,
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
        let cache = match &self.store {
            Some(store) => store
                .load_model()
                .await
                .ok()
                .flatten()
                .and_then(|bytes| ModelCache::decode(&bytes)),
            None => None,
        };
        let cached_heads = cache.map(|cache| {
            let heads = cache.change_hashes();
            self.model.apply(cache.patch);
            self.post_model();
            heads
        });
        self.absorb_stored().await;
        match cached_heads {
            Some(heads) if heads.iter().all(|h| self.workspace.has_change(h)) => {
                self.cached = heads.clone();
                self.changed_since(&heads);
            }
            _ => {
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
    }

    /// Posts the whole model in parts small enough that the page applies
    /// each in a few milliseconds.
    fn post_model(&self) {
        let parts = self.model.to_patch().into_slices(MODEL_PART);
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
            self.model.apply(patch.clone());
            self.post(FromWorker::Patch(patch));
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

    /// Merges whatever other tabs stored.
    async fn refresh(&mut self) {
        let before = self.workspace.heads();
        self.absorb_stored().await;
        self.changed_since(&before);
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
