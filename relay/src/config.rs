//! How a relay is set up.

use std::path::PathBuf;

/// The default largest frame a device may send: 32 MiB. A snapshot travels
/// as one frame, and the snapshot of a large team (L: 5,000 accounts and
/// 137,000 changes) is 9.3 MB gzipped; 8 MiB, the first default, refused it.
pub const DEFAULT_MAX_FRAME_BYTES: usize = 32 << 20;

/// Where a relay keeps its data and what it accepts.
#[derive(Clone, Debug)]
pub struct Config {
    /// Holds the SQLite database (`relay.sqlite3` and its WAL files);
    /// created if missing.
    pub data_dir: PathBuf,
    /// The built app (`dist/`) to serve next to the relay, if any. Paths
    /// without an extension that match no file get its `index.html`, so the
    /// app's client-side routes load on refresh.
    pub static_dir: Option<PathBuf>,
    /// The largest client frame accepted; bigger ones are refused with
    /// `TooLarge`. Also the rough size of one `Chunks` page.
    pub max_frame_bytes: usize,
}

impl Config {
    /// Data in `data_dir`, no static files, the default frame limit.
    pub fn new(data_dir: impl Into<PathBuf>) -> Config {
        Config {
            data_dir: data_dir.into(),
            static_dir: None,
            max_frame_bytes: DEFAULT_MAX_FRAME_BYTES,
        }
    }
}
