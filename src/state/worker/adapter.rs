//! The browser side of the workspace worker (wasm32 only): turns the
//! worker's callbacks (page messages, the `BroadcastChannel`, the sync lock,
//! online/offline, the relay's WebSocket, timers) into [`Event`]s for the
//! [`WorkerCore`], and carries out its [`Effect`]s and [`Host`] calls with
//! IndexedDB, WebCrypto, `CompressionStream` and `postMessage`. It decides
//! nothing: everything it does is the core's say.

use std::cell::{OnceCell, RefCell};

use automerge::ActorId;
use chrono::{DateTime, Utc};
use futures::StreamExt;
use futures::channel::mpsc;
use rapport_protocol::DevicePublicKey;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use web_sys::{BroadcastChannel, DedicatedWorkerGlobalScope};

use crate::state::ecdh::KeyPair;
use crate::state::messages::{ToWorker, decode, encode};
use crate::state::sync_link::{self, Socket};
use crate::state::worker::{
    Crypto, Effect, Event, Gzip, Host, Storage, TabMessage, WORKSPACE_DB, WorkerCore,
};
use crate::storage::{
    BrowserStore, ChunkKind, StorageError, StoredChunk, pack, request_persistence,
};

/// This device's ECDH key pair for key rotations, in the team sync store:
/// `{ private, public }`, a non-extractable WebCrypto private key and the
/// raw public key.
const DEVICE_KEY: &str = "device-key";

/// Entry point, called by `public/worker.js` once the module is
/// instantiated, with the messages that arrived before.
#[wasm_bindgen(js_name = workerMain)]
pub fn worker_main(early: js_sys::Array) {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let (tx, mut rx) = mpsc::unbounded();
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
                // What this build cannot read is dropped (tabs.rs).
                let Ok(buffer) = event.data().dyn_into::<js_sys::ArrayBuffer>() else {
                    return;
                };
                if let Some(message) =
                    TabMessage::decode(&js_sys::Uint8Array::new(&buffer).to_vec())
                {
                    let _ = other_tabs.unbounded_send(Event::Tab(message));
                }
            });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
    }
    let host = BrowserHost {
        scope,
        channel,
        store: OnceCell::new(),
        socket: RefCell::default(),
        events: tx,
    };
    // A fresh actor per tab: two tabs of one device write concurrently,
    // and automerge needs each writer to have its own.
    let mut core = WorkerCore::new(host, ActorId::random());
    core.announce();
    wasm_bindgen_futures::spawn_local(async move {
        while let Some(event) = rx.next().await {
            core.handle(event).await;
            while let Ok(event) = rx.try_recv() {
                core.handle(event).await;
            }
            core.batch_done();
        }
    });
}

/// Queues one message from the page; bytes that are not a message are
/// dropped (the page and worker are the same build, so that is a bug).
fn receive(tx: &mpsc::UnboundedSender<Event>, data: &wasm_bindgen::JsValue) {
    let Some(bytes) = data.dyn_ref::<js_sys::Uint8Array>() else {
        return;
    };
    if let Some(message) = decode::<ToWorker>(&bytes.to_vec()) {
        let _ = tx.unbounded_send(Event::Page(message));
    }
}

/// The worker's browser: its scope, the tabs' channel, IndexedDB once open,
/// the relay's socket, and the queue its callbacks feed.
struct BrowserHost {
    scope: DedicatedWorkerGlobalScope,
    channel: Option<BroadcastChannel>,
    store: OnceCell<BrowserStore>,
    socket: RefCell<Socket>,
    events: mpsc::UnboundedSender<Event>,
}

impl BrowserHost {
    fn store(&self) -> Result<&BrowserStore, StorageError> {
        self.store
            .get()
            .ok_or_else(|| StorageError::Unavailable("the store is not open".into()))
    }
}

impl Host for BrowserHost {
    fn emit(&self, effect: Effect) {
        match effect {
            Effect::Page(message) => {
                let bytes = js_sys::Uint8Array::from(encode(&message).as_slice());
                let transfer = js_sys::Array::of1(&bytes.buffer());
                // Posting fails only if the page is gone.
                let _ = self.scope.post_message_with_transfer(&bytes, &transfer);
            }
            Effect::Tabs(message) => {
                if let Some(channel) = &self.channel {
                    let bytes = js_sys::Uint8Array::from(message.encode().as_slice());
                    let _ = channel.post_message(&bytes.buffer());
                }
            }
            Effect::Lead => sync_link::lead(self.events.clone()),
            Effect::WatchNetwork => sync_link::watch_network(self.events.clone()),
            Effect::RequestPersistence => wasm_bindgen_futures::spawn_local(async {
                request_persistence().await;
            }),
            Effect::Connect => self.socket.borrow_mut().connect(&self.events, None),
            Effect::ConnectCreating { code } => {
                self.socket.borrow_mut().connect(&self.events, Some(&code));
            }
            Effect::Send(bytes) => {
                self.socket.borrow().send(&bytes);
            }
            Effect::Close => self.socket.borrow_mut().close(),
            Effect::RetryIn { ms } => sync_link::retry_in(ms, self.events.clone()),
            Effect::Log(line) => web_sys::console::warn_1(&line.into()),
        }
    }

    fn random(&self, bytes: &mut [u8]) -> bool {
        getrandom::fill(bytes).is_ok()
    }

    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn online(&self) -> bool {
        sync_link::online()
    }

    fn memory(&self) -> f64 {
        crate::bench_hooks::bench_memory_bytes()
    }
}

impl Storage for BrowserHost {
    async fn open(&self) -> Result<(), StorageError> {
        let store = BrowserStore::open(WORKSPACE_DB).await?;
        let _ = self.store.set(store);
        Ok(())
    }

    async fn load_all(&self) -> Result<Vec<StoredChunk>, StorageError> {
        self.store()?.load_all().await
    }

    async fn append_all<B: AsRef<[u8]>>(
        &self,
        chunks: &[(ChunkKind, B)],
    ) -> Result<Vec<u64>, StorageError> {
        self.store()?.append_all(chunks).await
    }

    async fn compact(&self, snapshot: &[u8], replaced: &[u64]) -> Result<u64, StorageError> {
        self.store()?.compact(snapshot, replaced).await
    }

    async fn set_aside(&self, key: u64, reason: &str) -> Result<(), StorageError> {
        self.store()?.set_aside(key, reason).await
    }

    async fn load_model(&self) -> Result<Option<Vec<u8>>, StorageError> {
        self.store()?.load_model().await
    }

    async fn save_model(&self, rows: &[u8], model: &[u8]) -> Result<(), StorageError> {
        self.store()?.save_model(rows, model).await
    }

    async fn load_sync(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        self.store()?.load_sync(key).await
    }

    async fn save_sync(&self, key: &str, bytes: &[u8]) -> Result<(), StorageError> {
        self.store()?.save_sync(key, bytes).await
    }
}

impl Crypto for BrowserHost {
    type KeyPair = KeyPair;

    async fn generate(&self) -> Option<KeyPair> {
        KeyPair::generate().await
    }

    fn public(&self, pair: &KeyPair) -> Option<DevicePublicKey> {
        pair.public()
    }

    async fn shared(&self, pair: &KeyPair, other: &DevicePublicKey) -> Option<[u8; 32]> {
        pair.shared(other).await
    }

    async fn load_device_key(&self) -> Result<Option<KeyPair>, StorageError> {
        let value = self.store()?.load_sync_value(DEVICE_KEY).await?;
        Ok(value.map(KeyPair::from_stored))
    }

    async fn save_device_key(&self, pair: &KeyPair) -> Result<(), StorageError> {
        self.store()?
            .save_sync_value(DEVICE_KEY, pair.stored())
            .await
    }
}

impl Gzip for BrowserHost {
    async fn pack_or_keep(&self, bytes: Vec<u8>) -> Vec<u8> {
        pack::pack_or_keep(bytes).await
    }

    async fn unpack(&self, bytes: Vec<u8>) -> Vec<u8> {
        pack::unpack(bytes).await
    }
}
