//! The workspace worker: a dedicated Web Worker running this same wasm
//! module. It owns the Automerge document, its IndexedDB chunk log and the
//! read-model cache, so loading a large workspace (seconds) or merging a big
//! batch never blocks the page; the tab holding the device's sync lock also
//! runs team sync.
//!
//! # A core without I/O, and a thin adapter
//!
//! [`WorkerCore`] is the whole of the worker's behaviour, with no web-sys
//! in it: it compiles and is tested natively (`tests/worker.rs` runs two
//! tabs of one device and a second device against the real relay
//! `Session`). It takes one [`Event`] at a time — a page message, another
//! tab's [`TabMessage`], the sync lock, the network, the relay link — and
//! handles it to the end before the next. The wasm adapter (`adapter.rs`,
//! wasm32 only) turns browser callbacks into events and carries out
//! effects; it decides nothing.
//!
//! The core meets its platform in two ways (`host.rs`):
//!
//! - **[`Effect`]s** for what it never waits on: posting to the page,
//!   broadcasting to the other tabs, connecting, sending on and closing the
//!   relay link, timers, log lines. They are plain data, emitted in order;
//!   a test asserts on them as it would on the engine's actions.
//! - **Awaited calls** on [`Storage`], [`Crypto`] and [`Gzip`] for what
//!   it must know the result of before it goes on: whether a change was
//!   stored (a quota failure stops the flush there, keeps the change
//!   unsaved and says so; the key of the chunk goes into the chunk log
//!   before the next write), the ECDH secret that opens a new team key.
//!
//! Why not results as events too (`Event::Appended { keys }`)? The worker
//! already handles one event at a time, to the end: a command is written,
//! stored, then sealed, and a page message that arrives meanwhile waits.
//! With results as events, every `await` would become a state of its own
//! and every other event would need queueing while one is pending, which
//! is the same ordering written far less plainly. As awaited calls, each
//! step reads top to bottom in one function; the order of writes against
//! effects stays observable (the test platform records both in one
//! journal), and failures are `Result`s the test platform injects. The
//! futures are single-threaded: the in-memory platform resolves each at
//! once, so a native test drives the core with `block_on`.
//!
//! # Files
//!
//! - `dispatch.rs`: [`WorkerCore`], [`Event`], start-up, commands, imports.
//! - `storage_policy.rs`: flush, compaction, the cache, damaged chunks.
//! - `tabs.rs`: [`TabMessage`] (typed, versioned) and the other tabs.
//! - `team.rs`: the team lifecycle and the sync engine's actions.
//! - `sync_view.rs`: what the sync indicator shows.
//! - `reports.rs`: when the engine's reports are shown to the rep.
//! - `host.rs`: [`Host`] and [`Effect`], the seam to the platform.
//! - `adapter.rs` (wasm32): IndexedDB, WebCrypto, `postMessage`,
//!   `BroadcastChannel`, the relay's WebSocket.

#[cfg(target_arch = "wasm32")]
mod adapter;
mod dispatch;
mod host;
mod reports;
mod storage_policy;
mod sync_view;
mod tabs;
mod team;

#[cfg(target_arch = "wasm32")]
pub use adapter::worker_main;
pub use dispatch::{Event, LinkEvent, WorkerCore};
pub use host::{Crypto, Effect, Gzip, Host, Storage};
pub use reports::{PERSISTS_AFTER, ReportKind, Reports};
pub use tabs::{TABS_FORMAT, TabMessage};

/// The IndexedDB database and BroadcastChannel name of the workspace.
pub const WORKSPACE_DB: &str = "rapport-workspace";
