//! The workspace worker's link to the team's relay (wasm32 only): the
//! WebSocket, the reconnect timer, and the lock that makes one tab per
//! device the one that syncs. The protocol itself is the sans-IO
//! [`SyncEngine`]; the worker carries out its actions.

use futures::channel::mpsc;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use web_sys::{BinaryType, MessageEvent, WebSocket};

use crate::state::ecdh::KeyPair;
use crate::sync::{Membership, SyncEngine, SyncStatus};

#[wasm_bindgen(inline_js = "
export function hold_lock(name, acquired) {
  if (!self.navigator || !navigator.locks) { acquired(); return; }
  navigator.locks.request(name, () => { acquired(); return new Promise(() => {}); });
}")]
extern "C" {
    /// Calls `acquired` once this context holds the Web Lock `name`, and
    /// holds it until the context ends (the tab closes). Without Web Locks,
    /// calls it at once.
    fn hold_lock(name: &str, acquired: &js_sys::Function);
}

/// What the socket and the timers tell the worker.
pub enum LinkEvent {
    /// This tab's worker now leads sync for the device.
    Leader,
    /// The socket opened.
    Open,
    /// A binary message arrived.
    Message(Vec<u8>),
    /// The socket closed or failed.
    Closed,
    /// Time to try connecting again.
    Reconnect,
    /// The browser went online or offline.
    Network(bool),
}

/// Asks for the sync lock; `LinkEvent::Leader` arrives once it is held.
pub fn lead(tx: mpsc::UnboundedSender<LinkEvent>) {
    let acquired = Closure::once_into_js(move || {
        let _ = tx.unbounded_send(LinkEvent::Leader);
    });
    hold_lock("rapport-sync", acquired.unchecked_ref());
}

/// Forwards the browser's online and offline events.
pub fn watch_network(tx: mpsc::UnboundedSender<LinkEvent>) {
    let scope = js_sys::global();
    for (event, online) in [("online", true), ("offline", false)] {
        let tx = tx.clone();
        let handler = Closure::<dyn Fn()>::new(move || {
            let _ = tx.unbounded_send(LinkEvent::Network(online));
        });
        if let Some(target) = scope.dyn_ref::<web_sys::EventTarget>() {
            let _ =
                target.add_event_listener_with_callback(event, handler.as_ref().unchecked_ref());
        }
        handler.forget();
    }
}

/// Whether the browser thinks it is online.
pub fn online() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"navigator".into())
        .and_then(|n| js_sys::Reflect::get(&n, &"onLine".into()))
        .map(|v| v.as_bool() != Some(false))
        .unwrap_or(true)
}

/// The relay's sync address: the app's own origin, `/sync`.
fn relay_url() -> Option<String> {
    let location = js_sys::Reflect::get(&js_sys::global(), &"location".into()).ok()?;
    let get = |key: &str| {
        js_sys::Reflect::get(&location, &key.into())
            .ok()
            .and_then(|v| v.as_string())
    };
    let scheme = if get("protocol")? == "https:" {
        "wss"
    } else {
        "ws"
    };
    Some(format!("{scheme}://{}/sync", get("host")?))
}

/// Sync with the team, while this tab leads it.
pub struct SyncLink {
    pub membership: Membership,
    pub engine: SyncEngine,
    pub status: SyncStatus,
    /// The team's devices, as the relay last listed them (admin only).
    pub devices: Vec<rapport_protocol::TeamDevice>,
    /// This device's ECDH key pair, for key rotations.
    pub device_key: Option<KeyPair>,
    /// The admin removed a device: the next `DeviceKeys` answer rotates
    /// the key.
    pub rotate_on_keys: bool,
    socket: Option<WebSocket>,
    /// The next reconnect waits this long (doubling to a minute).
    backoff_ms: i32,
    events: mpsc::UnboundedSender<LinkEvent>,
}

impl SyncLink {
    pub fn new(
        membership: Membership,
        engine: SyncEngine,
        status: SyncStatus,
        events: mpsc::UnboundedSender<LinkEvent>,
    ) -> Self {
        Self {
            membership,
            engine,
            status,
            devices: Vec::new(),
            device_key: None,
            rotate_on_keys: false,
            socket: None,
            backoff_ms: 1_000,
            events,
        }
    }

    /// Opens a socket to the relay unless one is open or opening.
    pub fn connect(&mut self) {
        if self.socket.is_some() {
            return;
        }
        let Some(url) = relay_url() else { return };
        let Ok(socket) = WebSocket::new(&url) else {
            return self.retry_later();
        };
        socket.set_binary_type(BinaryType::Arraybuffer);
        let tx = self.events.clone();
        let on_open = Closure::<dyn Fn()>::new(move || {
            let _ = tx.unbounded_send(LinkEvent::Open);
        });
        let tx = self.events.clone();
        let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            if let Ok(buffer) = event.data().dyn_into::<js_sys::ArrayBuffer>() {
                let _ = tx.unbounded_send(LinkEvent::Message(
                    js_sys::Uint8Array::new(&buffer).to_vec(),
                ));
            }
        });
        let tx = self.events.clone();
        let on_close = Closure::<dyn Fn()>::new(move || {
            let _ = tx.unbounded_send(LinkEvent::Closed);
        });
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        // The closures live as long as the page: a socket per reconnect is a
        // few hundred bytes.
        on_open.forget();
        on_message.forget();
        on_close.forget();
        self.socket = Some(socket);
    }

    /// The socket opened: the next failure waits a second again.
    pub fn opened(&mut self) {
        self.backoff_ms = 1_000;
    }

    /// The socket is gone; try again later if the browser is online.
    pub fn closed(&mut self) {
        self.close();
        if online() {
            self.retry_later();
        }
    }

    /// Closes the socket for good: nothing more comes from it.
    pub fn close(&mut self) {
        if let Some(socket) = self.socket.take() {
            socket.set_onopen(None);
            socket.set_onmessage(None);
            socket.set_onclose(None);
            let _ = socket.close();
        }
    }

    /// Sends one frame; false if there is no open socket.
    pub fn send(&self, bytes: &[u8]) -> bool {
        match &self.socket {
            Some(socket) if socket.ready_state() == WebSocket::OPEN => {
                socket.send_with_u8_array(bytes).is_ok()
            }
            _ => false,
        }
    }

    fn retry_later(&mut self) {
        let tx = self.events.clone();
        let fire = Closure::once_into_js(move || {
            let _ = tx.unbounded_send(LinkEvent::Reconnect);
        });
        let scope: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
        let _ = scope.set_timeout_with_callback_and_timeout_and_arguments_0(
            fire.unchecked_ref(),
            self.backoff_ms,
        );
        self.backoff_ms = (self.backoff_ms * 2).min(60_000);
    }
}
