//! Team sync, as far as the app's own logic goes: the sync status a rep sees
//! and the engine that speaks the relay protocol. Both are sans-IO: events
//! in, state or actions out, so every transition is unit-tested; the
//! WebSocket and IndexedDB adapters plug in at the edge.
//!
//! - [`SyncStatus`]: the indicator's state machine.
//! - [`SyncEngine`]: one device's half of the relay protocol (seal, upload,
//!   retry, fetch, open), with [`EngineState`] to persist between runs.
//! - [`Membership`] and [`Invite`]: this device's team, and the invite link.

mod engine;
mod engine_state;
mod error;
mod status;
mod team;

pub use engine::{Action, DEFAULT_PAGE_LIMIT, DEFAULT_SNAPSHOT_EVERY, PageId, SyncEngine};
pub use engine_state::{EngineState, Hole, Missing, PendingUpload, Seen};
pub use error::SyncError;
pub use status::{Problem, SyncEvent, SyncPhase, SyncStatus};
pub use team::{BadInvite, Invite, Membership, PinnedDevice};
