//! The running app, split over two threads of one wasm module:
//!
//! - the page (`AppState`) draws the read model it holds in signals. It
//!   checks each command against that model, so a form answers at once, and
//!   hands the command to the worker. On start it draws the first screen
//!   from the read-model cache in IndexedDB, without waiting for the
//!   document.
//! - the workspace worker (`worker`) owns the Automerge document and
//!   IndexedDB: it loads the document (seconds for a large team, off the
//!   page's thread), runs commands, stores each change, merges other tabs'
//!   changes, saves the read-model cache, and posts read-model patches back.
//!   Its behaviour is a core without I/O, tested natively; a thin wasm
//!   adapter connects it to the browser.
//!
//! [`messages`] is what they say to each other.

pub mod app_update;
#[cfg(target_arch = "wasm32")]
mod ecdh;
pub mod messages;
#[cfg(target_arch = "wasm32")]
mod page;
mod save_state;
mod screen;
#[cfg(target_arch = "wasm32")]
mod sync_link;
pub mod worker;

#[cfg(target_arch = "wasm32")]
pub use page::{AppState, current, start};
pub use save_state::{Notice, Refusal, SaveState};
pub use screen::Screen;
