//! [`EngineState`]: what a device's sync engine must keep across restarts.

use rapport_protocol::{ChunkKind, Cursor, Sealed, Seq};
use serde::{Deserialize, Serialize};

/// Everything the [`SyncEngine`](crate::sync::SyncEngine) needs to resume
/// where it stopped: the app stores it (IndexedDB) whenever the engine emits
/// [`Action::Persist`](crate::sync::Action::Persist), and passes it back to
/// [`SyncEngine::new`](crate::sync::SyncEngine::new) on the next start.
///
/// Serde-serializable; fields added later must get `#[serde(default)]` so
/// states saved by this version keep loading.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineState {
    /// Every chunk of the team's log at or before this cursor has been
    /// handed to the app to apply (or is inside a snapshot that was).
    pub cursor: Cursor,
    /// The seq the next upload of this device gets. Starts at 1.
    pub next_seq: Seq,
    /// Sealed uploads the relay has not acknowledged yet, in seq order. They
    /// are re-sent with the same seq and the same bytes after a reconnect,
    /// so the relay recognises a retry of a chunk it already stored.
    pub pending: Vec<PendingUpload>,
    /// Change chunks in the log after the newest snapshot this device knows
    /// of: once this reaches the engine's threshold, a snapshot is due.
    pub since_snapshot: u32,
}

impl EngineState {
    /// The state of a device that has never synced.
    pub fn fresh() -> EngineState {
        EngineState {
            cursor: Cursor::START,
            next_seq: Seq::FIRST,
            pending: Vec::new(),
            since_snapshot: 0,
        }
    }
}

impl Default for EngineState {
    fn default() -> Self {
        EngineState::fresh()
    }
}

/// One sealed upload waiting for the relay's `Ack`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingUpload {
    /// This device's seq for it.
    pub seq: Seq,
    /// Change or snapshot (as sealed).
    pub kind: ChunkKind,
    /// The bytes exactly as first sent.
    pub sealed: Sealed,
}
