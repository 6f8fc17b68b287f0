//! How a relay is set up: where its data lives and every limit it enforces.
//!
//! Each limit is a field with a default chosen for an operator running the
//! relay on the internet; `docs/relay.md` lists them with their flags and
//! the error code a device gets when one refuses it. A limit of 0 means
//! "no limit" wherever a count or size is concerned.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
    /// Who may create teams. [`TeamCreation::Closed`] by default.
    pub team_creation: TeamCreation,
    /// The connection limits (sizes and times before and after `Hello`,
    /// connection counts).
    pub connections: ConnectionLimits,
    /// The per-team quotas and the free-space floor.
    pub quotas: Quotas,
    /// How long the chunks a snapshot covers are kept after it landed.
    /// Default 7 days; zero prunes them at once.
    pub snapshot_retention: Duration,
    /// The time the relay goes by for retention; the system clock unless a
    /// test sets another.
    pub clock: Clock,
}

/// Who may send `CreateTeam`.
#[derive(Clone, Default, PartialEq, Eq)]
pub enum TeamCreation {
    /// Nobody: the relay serves the teams it holds and creates no new ones.
    #[default]
    Closed,
    /// Anybody (local development, a relay on a private network).
    Open,
    /// Only a connection opened as `/sync?create=<secret>` with this secret.
    Secret(String),
}

impl fmt::Debug for TeamCreation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TeamCreation::Closed => f.write_str("Closed"),
            TeamCreation::Open => f.write_str("Open"),
            // Never the secret itself: configs end up in logs.
            TeamCreation::Secret(_) => f.write_str("Secret(..)"),
        }
    }
}

/// Limits on each connection and on how many there are.
#[derive(Clone, Debug)]
pub struct ConnectionLimits {
    /// The most bytes a connection may send after its upgrade until `Hello`
    /// succeeded (frames, their headers, pings). `CreateTeam` and `Hello`
    /// are about 100 bytes each. Default 4 KiB.
    pub before_hello_bytes: usize,
    /// How long after connecting `Hello` must have succeeded. Default 10 s.
    pub hello_timeout: Duration,
    /// How often the relay pings each WebSocket. Default 30 s.
    pub ping_interval: Duration,
    /// A WebSocket that sent nothing (no frame, no pong) for this long is
    /// closed. Default 90 s: three pings unanswered.
    pub idle_timeout: Duration,
    /// How long a client may take to send an HTTP request's headers
    /// (slowloris). Default 10 s.
    pub header_read_timeout: Duration,
    /// The most open connections in all. Default 1,000.
    pub max_total: usize,
    /// The most open connections from one IP address. Default 50 (an office
    /// behind one NAT address may have a few reps with several tabs).
    pub max_per_address: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            before_hello_bytes: 4 << 10,
            hello_timeout: Duration::from_secs(10),
            ping_interval: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(90),
            header_read_timeout: Duration::from_secs(10),
            max_total: 1000,
            max_per_address: 50,
        }
    }
}

/// What one team may use, and how full the disk may get.
#[derive(Clone, Debug)]
pub struct Quotas {
    /// The most sealed bytes a team may store (covered chunks kept for the
    /// retention window count too). Snapshots may go up to twice this, so
    /// a team at its quota can still compact. Default 1 GiB.
    pub team_bytes: u64,
    /// The most devices (not revoked) a team may have. Default 100.
    pub team_devices: u64,
    /// The most chunks a team may upload per minute, all its devices
    /// together. Default 3,000 (a burst of that many, then 50 a second).
    pub team_chunks_per_minute: u64,
    /// Uploads are refused while the data directory's filesystem has less
    /// than this many bytes free (plus the chunk's size). Default 256 MiB.
    pub min_free_bytes: u64,
}

impl Default for Quotas {
    fn default() -> Self {
        Quotas {
            team_bytes: 1 << 30,
            team_devices: 100,
            team_chunks_per_minute: 3000,
            min_free_bytes: 256 << 20,
        }
    }
}

impl Quotas {
    /// No quota and no floor: what [`crate::Session::new`] and
    /// [`crate::SqliteStore::open`] apply.
    pub fn unlimited() -> Quotas {
        Quotas {
            team_bytes: 0,
            team_devices: 0,
            team_chunks_per_minute: 0,
            min_free_bytes: 0,
        }
    }
}

/// The default [`Config::snapshot_retention`]: 7 days.
pub const DEFAULT_SNAPSHOT_RETENTION: Duration = Duration::from_secs(7 * 24 * 3600);

/// Wall-clock time in seconds since the Unix epoch, as the store records it.
/// [`Clock::system`] normally; [`Clock::manual`] lets a test move time on
/// by days without waiting.
#[derive(Clone)]
pub struct Clock(ClockSource);

#[derive(Clone)]
enum ClockSource {
    System,
    Manual(Arc<AtomicU64>),
}

impl Clock {
    /// The system's clock.
    pub fn system() -> Clock {
        Clock(ClockSource::System)
    }

    /// A clock that stands at `seconds` until [`Clock::advance`] moves it.
    pub fn manual(seconds: u64) -> Clock {
        Clock(ClockSource::Manual(Arc::new(AtomicU64::new(seconds))))
    }

    /// Seconds since the Unix epoch.
    pub fn now(&self) -> u64 {
        match &self.0 {
            ClockSource::System => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |since| since.as_secs()),
            ClockSource::Manual(seconds) => seconds.load(Ordering::SeqCst),
        }
    }

    /// Moves a manual clock on (and every clone of it); the system clock
    /// cannot be moved, so this does nothing to it.
    pub fn advance(&self, by: Duration) {
        if let ClockSource::Manual(seconds) = &self.0 {
            seconds.fetch_add(by.as_secs(), Ordering::SeqCst);
        }
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            ClockSource::System => f.write_str("Clock::system"),
            ClockSource::Manual(_) => write!(f, "Clock::manual({})", self.now()),
        }
    }
}

impl Config {
    /// Data in `data_dir`, no static files, and every default: the frame
    /// limit, the connection limits and quotas, 7 days' retention, and team
    /// creation closed.
    pub fn new(data_dir: impl Into<PathBuf>) -> Config {
        Config {
            data_dir: data_dir.into(),
            static_dir: None,
            max_frame_bytes: DEFAULT_MAX_FRAME_BYTES,
            team_creation: TeamCreation::Closed,
            connections: ConnectionLimits::default(),
            quotas: Quotas::default(),
            snapshot_retention: DEFAULT_SNAPSHOT_RETENTION,
            clock: Clock::system(),
        }
    }
}
