//! Rapport's relay: where a team's devices meet to exchange sealed chunks.
//!
//! The relay stores and forwards **opaque** chunks. Devices seal every
//! chunk with the team key ([`rapport_protocol::seal`]) before uploading;
//! the relay never receives that key, so it can order, store, prune and
//! serve chunks but never read them. What it does know: team and device ids,
//! each device's seq, chunk sizes and kinds, and SHA-256 hashes of the
//! team's access token and admin secret.
//!
//! # Pieces
//!
//! - [`serve()`] runs the relay on a listener until a shutdown future resolves:
//!   `GET /health`, `GET /sync` (the WebSocket protocol of
//!   [`rapport_protocol::ClientFrame`] / [`rapport_protocol::ServerFrame`]),
//!   and optionally the built app's static files.
//! - [`Session`] is the protocol logic without I/O: Hello first, token and
//!   admin checks, and which error code each fault gets. `serve` wraps one
//!   per connection; tests may drive it directly, with an in-memory network.
//! - [`Store`] is the storage contract and [`SqliteStore`] its durable
//!   SQLite implementation; [`serve_with_store`] takes any other.
//!
//! # Limits
//!
//! A relay faces the internet, so everything a stranger can make it spend
//! is capped, each cap a field of [`Config`] (and a flag of the binary, all
//! listed in `docs/relay.md`): the bytes a connection may send before
//! `Hello` (enforced on the socket, below the WebSocket layer), the `Hello`
//! deadline, pings and the idle timeout, the HTTP header read timeout,
//! connections in all and per address, per-team quotas of bytes, devices
//! and chunks per minute, a free-space floor, and who may create a team
//! ([`TeamCreation`]; nobody by default). Each refusal has its own
//! [`rapport_protocol::ErrorCode`]. What a snapshot covers is pruned only
//! after [`Config::snapshot_retention`], because the relay cannot check a
//! snapshot it cannot read.
//!
//! # Running it
//!
//! ```text
//! rapport-relay --listen 127.0.0.1:8080 --data-dir ./relay-data --static-dir dist \
//!               --create-secret-file ./create-secret
//! ```
//!
//! ```no_run
//! # async fn run() -> Result<(), rapport_relay::RelayError> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
//! let config = rapport_relay::Config::new("./relay-data");
//! rapport_relay::serve(listener, config, std::future::pending()).await
//! # }
//! ```

mod admission;
mod config;
mod connection;
mod error;
mod http;
mod hub;
mod limits;
mod metered;
mod page;
mod serve;
mod session;
mod store;
mod test_device;

pub use config::{
    Clock, Config, ConnectionLimits, DEFAULT_MAX_FRAME_BYTES, DEFAULT_SNAPSHOT_RETENTION, Quotas,
    TeamCreation,
};
pub use error::RelayError;
pub use limits::{ChunkRate, CreationRight, FreeSpaceFloor, Limits};
pub use serve::{DATABASE_FILE, serve, serve_with_store};
pub use session::{Effect, Session, Step};
pub use store::{
    Budget, Credentials, KeyStore, Scan, SqliteStore, Store, StoreError, StoreLimits, Stored,
    TeamHead,
};
pub use test_device::TestDevice;
