//! Starting and stopping a relay.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tracing::{info, warn};

use crate::hub::Hub;
use crate::{Config, RelayError, SqliteStore, Store, http};

/// The database file inside [`Config::data_dir`].
pub const DATABASE_FILE: &str = "relay.sqlite3";

/// How long `serve` waits, after shutdown, for open connections to close.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// What every connection shares.
pub(crate) struct Shared {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) hub: Arc<Hub>,
    pub(crate) config: Config,
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
    let store = SqliteStore::open(&config.data_dir.join(DATABASE_FILE))?;
    serve_with_store(listener, config, Arc::new(store), shutdown).await
}

/// [`serve`] with any [`Store`], for other databases.
pub async fn serve_with_store(
    listener: TcpListener,
    config: Config,
    store: Arc<dyn Store>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), RelayError> {
    let address = listener.local_addr().map_err(RelayError::Address)?;
    let (stop_sender, stop) = watch::channel(false);
    let (alive, mut all_closed) = mpsc::channel(1);
    let shared = Arc::new(Shared {
        store,
        hub: Arc::default(),
        config,
        stop,
        _alive: alive,
    });
    info!("relay listening on http://{address}");

    axum::serve(listener, http::router(shared))
        .with_graceful_shutdown(async move {
            shutdown.await;
            info!("relay shutting down");
            // Upgraded WebSocket connections are outside axum's graceful
            // shutdown; this tells them to close.
            let _ = stop_sender.send(true);
        })
        .await
        .map_err(RelayError::Serve)?;

    if tokio::time::timeout(DRAIN_TIMEOUT, all_closed.recv())
        .await
        .is_err()
    {
        warn!("some connections were still open {DRAIN_TIMEOUT:?} after shutdown");
    }
    Ok(())
}
