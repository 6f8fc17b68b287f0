//! The running app: the workspace and its read model in signals, the save
//! status, notices, and the one task that writes to storage.
//!
//! Commands run synchronously on the in-memory workspace (so the screen
//! updates at once, no spinner) and hand the change's bytes to the saver, a
//! single task that writes them to IndexedDB in order. Nothing here holds a
//! borrow across an `.await`.

mod save_state;
#[cfg(target_arch = "wasm32")]
mod saver;

pub use save_state::{Notice, SaveState};
#[cfg(target_arch = "wasm32")]
pub use saver::{AppState, start};
