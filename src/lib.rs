//! Rapport: a local-first CRM for field sales reps.
//!
//! A rep's accounts, contacts and touches live in one Automerge document per
//! team workspace, stored in the browser; the app never waits for a network.
//!
//! # Layers
//!
//! ```text
//!   ui        Leptos components: thin, call state's commands, show its signals
//!    │
//!   state     the running app: the page (read model in signals, commands
//!             checked at once) and the workspace worker (document, storage)
//!    │
//!   storage   IndexedDB chunks & snapshots, device settings, tab-to-tab sync
//!   sync      team sync: status state machine and relay protocol engine (sans-IO)
//!    │
//!   document  the Automerge workspace document: commands, queries, schema
//!    │
//!   domain    accounts, contacts, touches, typed ids, rules — plain Rust
//! ```
//!
//! Each layer may use the layers below it and never the ones above. `domain`
//! and `document` are plain Rust with no web-sys, covered by native tests;
//! `storage`, `state` and `ui` reach the browser only through `wasm32` code.
//! [`seed`] makes realistic demo workspaces on top of `document`.

#[cfg(target_arch = "wasm32")]
pub mod bench_hooks;
pub mod document;
pub mod domain;
pub mod qr;
pub mod seed;
pub mod state;
pub mod storage;
pub mod sync;
pub mod ui;
