//! [`Host`]: what the worker core asks of the platform it runs on — the
//! IndexedDB chunk store, WebCrypto, gzip, the clock — and [`Effect`]: what
//! it tells the platform to do without waiting for an answer.
//!
//! The browser adapter (`adapter.rs`) implements [`Host`] over IndexedDB,
//! WebCrypto, `CompressionStream`, `postMessage`, the `BroadcastChannel` and
//! the relay's WebSocket; `tests/worker.rs` implements it in memory, with
//! real P-256, so that two tabs and a relay run natively. Nothing here
//! touches web-sys.

use chrono::{DateTime, Utc};
use rapport_protocol::DevicePublicKey;

use crate::state::messages::FromWorker;
use crate::state::worker::TabMessage;
use crate::storage::{ChunkKind, StorageError, StoredChunk};

/// Something the core tells the platform to do. Effects are carried out at
/// once, in the order emitted, and nothing comes back from them except, for
/// the relay link, later [`Event::Link`](crate::state::worker::Event::Link)s.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Post this message to this tab's page.
    Page(FromWorker),
    /// Broadcast this message to the workspace workers of the device's other
    /// tabs (not to this one).
    Tabs(TabMessage),
    /// Ask for the device's sync lock; [`Event::Leader`](crate::state::worker::Event::Leader)
    /// arrives once this tab holds it (it holds it until the tab closes).
    Lead,
    /// Report the browser's online and offline changes as
    /// [`Event::Network`](crate::state::worker::Event::Network).
    WatchNetwork,
    /// Ask the browser to keep this site's storage under pressure.
    RequestPersistence,
    /// Open a connection to the relay unless one is open or opening; it
    /// reports [`LinkEvent::Open`](crate::state::worker::LinkEvent::Open),
    /// then `Message`s, then `Closed` (or `Unreachable` if it cannot even
    /// start).
    Connect,
    /// As `Connect`, showing the relay operator's team creation code in the
    /// address (`/sync?create=…`): for a device whose team the relay has
    /// not created yet, on a relay that creates teams only with it.
    ConnectCreating {
        /// The operator's code, as the rep typed it.
        code: String,
    },
    /// Send one frame on the relay connection if it is open; dropped
    /// otherwise (pending uploads go again on the next connection).
    Send(Vec<u8>),
    /// Close the relay connection for good: nothing more comes from it.
    Close,
    /// Report [`LinkEvent::Reconnect`](crate::state::worker::LinkEvent::Reconnect)
    /// after this many milliseconds.
    RetryIn {
        /// The wait.
        ms: u32,
    },
    /// Write a warning to the developer's log (the browser console). Never
    /// an error: what the rep must know goes to the page.
    Log(String),
}

/// The IndexedDB chunk store of the workspace, shared by the device's tabs
/// (see [`crate::storage`] for its design). Every method resolves once the
/// store has committed, or fails without having changed anything.
#[allow(
    async_fn_in_trait,
    reason = "the worker is single-threaded: its futures never cross threads, so no Send bound is wanted"
)]
pub trait Storage {
    /// Opens (creating on first use) the store. Until this succeeds, the
    /// core calls nothing else here.
    async fn open(&self) -> Result<(), StorageError>;
    /// Every chunk, in key order, gzipped snapshots unpacked.
    async fn load_all(&self) -> Result<Vec<StoredChunk>, StorageError>;
    /// Adds chunks in one transaction; their keys, larger than any before.
    async fn append_all<B: AsRef<[u8]>>(
        &self,
        chunks: &[(ChunkKind, B)],
    ) -> Result<Vec<u64>, StorageError>;
    /// Adds `snapshot` and deletes `replaced` in one atomic transaction.
    async fn compact(&self, snapshot: &[u8], replaced: &[u64]) -> Result<u64, StorageError>;
    /// Moves a chunk aside with the reason (kept, no longer loaded).
    async fn set_aside(&self, key: u64, reason: &str) -> Result<(), StorageError>;
    /// The saved whole read model, if any.
    async fn load_model(&self) -> Result<Option<Vec<u8>>, StorageError>;
    /// Replaces the read-model cache (rows and whole model together).
    async fn save_model(&self, rows: &[u8], model: &[u8]) -> Result<(), StorageError>;
    /// The team sync value under `key`, if any.
    async fn load_sync(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError>;
    /// Stores a team sync value under `key`.
    async fn save_sync(&self, key: &str, bytes: &[u8]) -> Result<(), StorageError>;
}

/// P-256 ECDH for key rotations. In the browser the private keys are
/// non-extractable WebCrypto keys: the core only ever holds handles.
#[allow(
    async_fn_in_trait,
    reason = "the worker is single-threaded: its futures never cross threads, so no Send bound is wanted"
)]
pub trait Crypto {
    /// A key pair held by the platform.
    type KeyPair: Clone;
    /// A fresh key pair; `None` if the platform cannot make one.
    async fn generate(&self) -> Option<Self::KeyPair>;
    /// The pair's public key, as devices exchange it.
    fn public(&self, pair: &Self::KeyPair) -> Option<DevicePublicKey>;
    /// The shared secret of `pair` and `other` (the shared point's x
    /// coordinate); `None` if `other` is not a valid point.
    async fn shared(&self, pair: &Self::KeyPair, other: &DevicePublicKey) -> Option<[u8; 32]>;
    /// This device's own pair, kept beside the team sync values, as it was
    /// kept: a damaged value gives a pair with no public key, which the
    /// core treats as having none.
    async fn load_device_key(&self) -> Result<Option<Self::KeyPair>, StorageError>;
    /// Keeps this device's own pair.
    async fn save_device_key(&self, pair: &Self::KeyPair) -> Result<(), StorageError>;
}

/// Gzip for whole documents (snapshots stored, uploaded and exported). Both
/// directions accept what they cannot change and hand it back as it is.
#[allow(
    async_fn_in_trait,
    reason = "the worker is single-threaded: its futures never cross threads, so no Send bound is wanted"
)]
pub trait Gzip {
    /// `bytes` gzipped, or as they are if they are gzip already or the
    /// platform cannot compress.
    async fn pack_or_keep(&self, bytes: Vec<u8>) -> Vec<u8>;
    /// `bytes` gunzipped if they are gzip (see
    /// [`is_packed`](crate::storage::pack::is_packed)); unchanged otherwise.
    async fn unpack(&self, bytes: Vec<u8>) -> Vec<u8>;
}

/// Everything the core needs from its platform.
pub trait Host: Storage + Crypto + Gzip {
    /// Carries out `effect` now.
    fn emit(&self, effect: Effect);
    /// Fills `bytes` from the platform's secure random source; false if it
    /// has none (then nothing that needs secrecy goes ahead).
    fn random(&self, bytes: &mut [u8]) -> bool;
    /// The time now.
    fn now(&self) -> DateTime<Utc>;
    /// Whether the platform believes it is online.
    fn online(&self) -> bool;
    /// Bytes of memory this worker holds (for the benchmarks' probe).
    fn memory(&self) -> f64;
}
