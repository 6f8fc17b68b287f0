//! Where the workspace lives on the device.
//!
//! IndexedDB is the store of record (localStorage is capped near 5 MiB and
//! Chromium writes it to disk only every few seconds). The workspace is kept
//! as a log of chunks in one object store:
//!
//! - each local change is written at once as its own `change` chunk; a page
//!   of the team's changes is written as one `changes` chunk (a
//!   [`ChangeBatch`](crate::document::ChangeBatch)), in one transaction;
//! - when the changes outgrow the snapshots (or, once sync has settled,
//!   pass 500 change records), they are compacted: one IndexedDB
//!   transaction adds a `snapshot` chunk (the whole document) and
//!   deletes exactly the chunks that snapshot was built from. IndexedDB
//!   transactions are atomic, so a crash at any moment leaves either the old
//!   chunks or the new snapshot — a loadable state either way. After 2,000
//!   or more changes from the team, the worker also loads its document
//!   again from that snapshot, which gives back the memory automerge keeps
//!   after applying changes (`Workspace::reload`);
//! - start-up applies every chunk; a chunk that does not parse is moved to
//!   the `set_aside` store (kept, not deleted) and the rest loads.
//!
//! Nothing is ever overwritten: another tab's chunks are merged, and a
//! compaction deletes only chunks already folded into its snapshot.
//!
//! [`ChunkLog`] is the browser-free bookkeeping (what is applied, when to
//! compact), tested natively; `browser` is the IndexedDB adapter.
//! Snapshots are stored gzipped by the browser (`pack`).
//! [`settings`] keeps the small per-device settings in localStorage.

#[cfg(target_arch = "wasm32")]
mod browser;
mod chunk_log;
mod error;
pub mod pack;
pub mod settings;

#[cfg(target_arch = "wasm32")]
pub use browser::{BrowserStore, request_persistence};
pub use chunk_log::{ChunkKind, ChunkLog, Damaged, StoredChunk};
pub use error::StorageError;
