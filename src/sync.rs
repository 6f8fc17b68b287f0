//! Team sync, as far as the app's own logic goes: the sync status a rep sees.
//! The transport (the relay connection) plugs in later; this layer stays
//! sans-IO: events in, state out, so every transition is unit-tested.

mod status;

pub use status::{Problem, SyncEvent, SyncPhase, SyncStatus};
