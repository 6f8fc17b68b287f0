//! The workspace worker's link to the team's relay (wasm32 only): the
//! WebSocket, the reconnect timer, the browser's online state, and the lock
//! that makes one tab per device the one that syncs. When to connect, how
//! long to wait and what to send are the worker core's decisions
//! (`worker/team.rs`); this only carries them out and reports back.

use futures::channel::mpsc;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use web_sys::{BinaryType, MessageEvent, WebSocket};

use crate::state::worker::{Event, LinkEvent};

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

/// Asks for the sync lock; `Event::Leader` arrives once it is held.
pub fn lead(tx: mpsc::UnboundedSender<Event>) {
    let acquired = Closure::once_into_js(move || {
        let _ = tx.unbounded_send(Event::Leader);
    });
    hold_lock("rapport-sync", acquired.unchecked_ref());
}

/// Forwards the browser's online and offline events.
pub fn watch_network(tx: mpsc::UnboundedSender<Event>) {
    let scope = js_sys::global();
    for (event, online) in [("online", true), ("offline", false)] {
        let tx = tx.clone();
        let handler = Closure::<dyn Fn()>::new(move || {
            let _ = tx.unbounded_send(Event::Network(online));
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

/// `LinkEvent::Reconnect` after `ms` milliseconds.
pub fn retry_in(ms: u32, tx: mpsc::UnboundedSender<Event>) {
    let fire = Closure::once_into_js(move || {
        let _ = tx.unbounded_send(Event::Link(LinkEvent::Reconnect));
    });
    let scope: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
    let _ = scope.set_timeout_with_callback_and_timeout_and_arguments_0(
        fire.unchecked_ref(),
        i32::try_from(ms).unwrap_or(i32::MAX),
    );
}

/// The relay's sync address: the app's own origin, `/sync`, with the
/// operator's team creation code if one is given.
fn relay_url(create: Option<&str>) -> Option<String> {
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
    let query = create
        .map(|code| {
            format!(
                "?create={}",
                String::from(js_sys::encode_uri_component(code))
            )
        })
        .unwrap_or_default();
    Some(format!("{scheme}://{}/sync{query}", get("host")?))
}

/// The WebSocket to the relay, while there is one.
#[derive(Default)]
pub struct Socket {
    socket: Option<WebSocket>,
}

impl Socket {
    /// Opens a socket to the relay unless one is open or opening; reports
    /// `Unreachable` if it cannot even be started.
    pub fn connect(&mut self, events: &mpsc::UnboundedSender<Event>, create: Option<&str>) {
        if self.socket.is_some() {
            return;
        }
        let Some(url) = relay_url(create) else { return };
        let Ok(socket) = WebSocket::new(&url) else {
            let _ = events.unbounded_send(Event::Link(LinkEvent::Unreachable));
            return;
        };
        socket.set_binary_type(BinaryType::Arraybuffer);
        let tx = events.clone();
        let on_open = Closure::<dyn Fn()>::new(move || {
            let _ = tx.unbounded_send(Event::Link(LinkEvent::Open));
        });
        let tx = events.clone();
        let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            if let Ok(buffer) = event.data().dyn_into::<js_sys::ArrayBuffer>() {
                let _ = tx.unbounded_send(Event::Link(LinkEvent::Message(
                    js_sys::Uint8Array::new(&buffer).to_vec(),
                )));
            }
        });
        let tx = events.clone();
        let on_close = Closure::<dyn Fn()>::new(move || {
            let _ = tx.unbounded_send(Event::Link(LinkEvent::Closed));
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
}
