//! Starting and stopping a relay, and accepting its connections.
//!
//! `serve` runs its own accept loop rather than `axum::serve`, for two
//! limits that axum 0.8 does not offer: every connection is counted
//! against the connection caps before a byte of it is read, and hyper gets
//! a timer, without which its header read timeout (slowloris) is off.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tracing::{info, warn};

use crate::admission::{Admission, Connections};
use crate::hub::Hub;
use crate::limits::{ChunkRate, CreationRight, FreeSpaceFloor, Limits};
use crate::store::StoreLimits;
use crate::{Config, RelayError, SqliteStore, Store, http};

/// The database file inside [`Config::data_dir`].
pub const DATABASE_FILE: &str = "relay.sqlite3";

/// How long `serve` waits, after shutdown, for open connections to close.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// How long to wait after `accept` failed (out of file descriptors, say)
/// before trying again, rather than spinning.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// How often the store prunes, in teams that went quiet, what snapshots
/// cover once their retention window passed (uploads prune their own team).
const SWEEP_INTERVAL: Duration = Duration::from_secs(3600);

/// What every connection shares.
pub(crate) struct Shared {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) hub: Arc<Hub>,
    pub(crate) config: Config,
    /// Each session's limits but for the team-creation right, which depends
    /// on the connection.
    pub(crate) limits: Limits,
    /// Becomes true when the relay shuts down.
    pub(crate) stop: watch::Receiver<bool>,
    /// Never sent on: `serve` waits until every clone (one per live
    /// connection, via `Arc<Shared>`) is dropped.
    _alive: mpsc::Sender<()>,
}

/// Runs a relay on `listener` with a [`SqliteStore`] in `config.data_dir`,
/// until `shutdown` resolves. Tests pass a listener on `127.0.0.1:0`.
pub async fn serve(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), RelayError> {
    std::fs::create_dir_all(&config.data_dir).map_err(|source| RelayError::DataDir {
        path: config.data_dir.clone(),
        source,
    })?;
    let limits = StoreLimits {
        team_bytes: config.quotas.team_bytes,
        team_devices: config.quotas.team_devices,
        retention: config.snapshot_retention,
        clock: config.clock.clone(),
    };
    let store = SqliteStore::open_with(&config.data_dir.join(DATABASE_FILE), limits)?;
    serve_with_store(listener, config, Arc::new(store), shutdown).await
}

/// [`serve`] with any [`Store`], for other databases. The store enforces
/// the per-team byte and device quotas itself; the other limits in
/// `config` apply whatever the store.
pub async fn serve_with_store(
    listener: TcpListener,
    config: Config,
    store: Arc<dyn Store>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), RelayError> {
    let address = listener.local_addr().map_err(RelayError::Address)?;
    let (stop_sender, stop) = watch::channel(false);
    let (alive, mut all_closed) = mpsc::channel(1);
    let connections = Connections::new(
        config.connections.max_total,
        config.connections.max_per_address,
    );
    let shared = Arc::new(Shared {
        store,
        hub: Arc::default(),
        limits: session_limits(&config),
        config,
        stop,
        _alive: alive,
    });
    info!("relay listening on http://{address}");
    tokio::spawn(sweep(Arc::clone(&shared.store), shared.stop.clone()));

    let router = http::router(Arc::clone(&shared));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    warn!(%error, "could not accept a connection");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let (slot, refusal) = match connections.admit(peer.ip()) {
            Admission::Admitted(slot) => (slot, None),
            Admission::Refused(slot, reason) => {
                info!(%peer, %reason, "refused a connection");
                (slot, Some(reason))
            }
            Admission::Dropped => continue,
        };
        tokio::spawn(http::serve_connection(
            stream,
            peer,
            slot,
            refusal,
            router.clone(),
            Arc::clone(&shared),
        ));
    }

    info!("relay shutting down");
    drop(listener);
    // Every connection task watches this and closes (HTTP ones gracefully).
    let _ = stop_sender.send(true);
    drop(router);
    drop(shared);
    if tokio::time::timeout(DRAIN_TIMEOUT, all_closed.recv())
        .await
        .is_err()
    {
        warn!("some connections were still open {DRAIN_TIMEOUT:?} after shutdown");
    }
    Ok(())
}

/// The limits every session gets from `config`.
fn session_limits(config: &Config) -> Limits {
    let quotas = &config.quotas;
    Limits {
        before_hello_bytes: config.connections.before_hello_bytes,
        team_creation: CreationRight::Closed,
        chunk_rate: (quotas.team_chunks_per_minute > 0)
            .then(|| Arc::new(ChunkRate::per_minute(quotas.team_chunks_per_minute))),
        free_space: (quotas.min_free_bytes > 0).then(|| FreeSpaceFloor {
            dir: config.data_dir.clone(),
            min_free: quotas.min_free_bytes,
        }),
    }
}

/// Sweeps the store every [`SWEEP_INTERVAL`] until the relay stops.
async fn sweep(store: Arc<dyn Store>, mut stop: watch::Receiver<bool>) {
    let mut ticks = tokio::time::interval(SWEEP_INTERVAL);
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = stop.wait_for(|stopping| *stopping) => return,
        }
        let store = Arc::clone(&store);
        match tokio::task::spawn_blocking(move || store.sweep()).await {
            Ok(Ok(0)) => {}
            Ok(Ok(pruned)) => info!(pruned, "pruned chunks past their snapshot's retention"),
            Ok(Err(error)) => warn!(%error, "could not prune past the retention window"),
            Err(_) => warn!("the retention sweep failed"),
        }
    }
}
