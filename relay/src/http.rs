//! The relay's HTTP side: one task per TCP connection (with a header read
//! timeout), and the routes: health, the sync WebSocket, the app's files.

use std::net::SocketAddr;
use std::path::Path;
use std::pin::pin;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Query, Request, State, WebSocketUpgrade};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use rapport_protocol::ErrorCode;
use sha2::{Digest, Sha256};
use tokio::net::TcpStream;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};
use tracing::debug;

use crate::admission::Slot;
use crate::config::TeamCreation;
use crate::connection;
use crate::limits::CreationRight;
use crate::metered::{Meter, MeteredStream};
use crate::serve::Shared;

/// What the routes know of the TCP connection a request came on.
#[derive(Debug)]
pub(crate) struct Peer {
    /// When the relay accepted it; the `Hello` deadline counts from here.
    pub(crate) accepted: Instant,
    /// Its read budget, armed at the upgrade and lifted after `Hello`.
    pub(crate) meter: Arc<Meter>,
    /// Why it is over a connection cap, if it is: it gets this answer and
    /// nothing else.
    pub(crate) refusal: Option<String>,
}

/// Serves HTTP/1.1 on one accepted connection until it closes, the relay
/// stops, or the client takes longer than the header read timeout to send a
/// request's headers. A WebSocket upgrade takes the socket (and `slot`)
/// with it.
pub(crate) async fn serve_connection(
    stream: TcpStream,
    address: SocketAddr,
    slot: Slot,
    refusal: Option<String>,
    router: Router,
    shared: Arc<Shared>,
) {
    let _ = stream.set_nodelay(true);
    let meter = Arc::new(Meter::default());
    let peer = Arc::new(Peer {
        accepted: Instant::now(),
        meter: Arc::clone(&meter),
        refusal,
    });
    let io = TokioIo::new(MeteredStream::new(stream, meter, slot));
    let service = TowerToHyperService::new(router.map_request(move |mut request: Request<_>| {
        request.extensions_mut().insert(Arc::clone(&peer));
        request
    }));
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(shared.config.connections.header_read_timeout)
        // Request heads past this are refused (431), so a thousand clients
        // sending large headers slowly cost 64 MiB, not hyper's 400 KiB each.
        .max_buf_size(MAX_HEAD_BYTES)
        .serve_connection(io, service)
        .with_upgrades();
    let mut connection = pin!(connection);
    let mut stop = shared.stop.clone();
    tokio::select! {
        result = connection.as_mut() => {
            if let Err(error) = result {
                debug!(%address, %error, "http connection ended");
            }
            return;
        }
        _ = stop.wait_for(|stopping| *stopping) => connection.as_mut().graceful_shutdown(),
    }
    let _ = connection.await;
}

/// The most a connection's HTTP buffer holds (a browser's request head,
/// cookies included, is a few KiB).
const MAX_HEAD_BYTES: usize = 64 << 10;

/// `GET /health`, `GET /sync`, and the static app for everything else.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/sync", get(sync))
        .fallback(static_file)
        .layer(middleware::from_fn(refuse_over_cap))
        .with_state(shared)
}

/// A connection over a cap gets 503 for anything but `/sync` (which says so
/// in an `Error` frame, the only answer a browser's WebSocket can read).
async fn refuse_over_cap(request: Request, next: Next) -> Response {
    let refusal = request
        .extensions()
        .get::<Arc<Peer>>()
        .and_then(|peer| peer.refusal.clone());
    match refusal {
        Some(reason) if request.uri().path() != "/sync" => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONNECTION, "close"), (header::RETRY_AFTER, "60")],
            reason,
        )
            .into_response(),
        _ => next.run(request).await,
    }
}

async fn health() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"status":"ok"}"#,
    )
}

/// The query of `/sync`: `?create=SECRET` when the connection will create a
/// team on a relay that wants its operator's secret for that.
#[derive(Debug, serde::Deserialize)]
struct SyncQuery {
    create: Option<String>,
}

async fn sync(
    State(shared): State<Arc<Shared>>,
    // Only `serve` builds the router, and it always says who the peer is.
    Extension(peer): Extension<Arc<Peer>>,
    Query(query): Query<SyncQuery>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let right = creation_right(&shared.config.team_creation, query.create.as_deref());
    let limits = &shared.config.connections;
    // From the upgrade on, until Hello, a few KiB at most.
    peer.meter.arm(limits.before_hello_bytes);
    // The transport itself stops anything past twice the limit before
    // buffering it; between the limit and that, the session reads the frame
    // and answers `TooLarge` cleanly.
    let transport_limit = shared.config.max_frame_bytes.saturating_mul(2);
    let upgrade = upgrade
        .max_message_size(transport_limit)
        .max_frame_size(transport_limit)
        // The buffer is allocated up front for every connection; frames
        // larger than it still arrive whole.
        .read_buffer_size(READ_BUFFER_BYTES);
    if let Some(reason) = peer.refusal.clone() {
        return upgrade.on_upgrade(move |socket| {
            connection::refuse(socket, ErrorCode::TooManyConnections, reason)
        });
    }
    upgrade.on_upgrade(move |socket| connection::run(socket, shared, peer, right))
}

/// Each WebSocket's read buffer (tungstenite's default is 128 KiB, which
/// costs 128 MiB for a thousand idle connections).
const READ_BUFFER_BYTES: usize = 16 << 10;

/// Whether a connection that showed `given` may create a team.
fn creation_right(creation: &TeamCreation, given: Option<&str>) -> CreationRight {
    match (creation, given) {
        (TeamCreation::Open, _) => CreationRight::Allowed,
        (TeamCreation::Closed, _) => CreationRight::Closed,
        (TeamCreation::Secret(_), None) => CreationRight::SecretMissing,
        (TeamCreation::Secret(secret), Some(given)) if same_secret(secret, given) => {
            CreationRight::Allowed
        }
        (TeamCreation::Secret(_), Some(_)) => CreationRight::SecretWrong,
    }
}

/// Compares the SHA-256 of both in constant time, so neither the timing nor
/// the length of a guess tells how close it was.
fn same_secret(secret: &str, given: &str) -> bool {
    let secret = Sha256::digest(secret.as_bytes());
    let given = Sha256::digest(given.as_bytes());
    secret
        .iter()
        .zip(given.iter())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0
}

/// The app's service worker: the browser asks for it on every start to learn
/// of a new build, so no HTTP cache may answer for it (`no-cache`: always
/// revalidated). Everything else the app needs it caches itself.
const SERVICE_WORKER: &str = "/sw.js";

/// Serves `static_dir`, with `index.html` for extension-less paths that
/// match no file (the app's own routes, like `/accounts/42`). A missing
/// `app.js` stays a 404 rather than becoming HTML.
async fn static_file(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let Some(dir) = &shared.config.static_dir else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let app_route = Path::new(request.uri().path()).extension().is_none();
    let service_worker = request.uri().path() == SERVICE_WORKER;
    // The release build ships `.gz` files beside the wasm and JS (made with
    // zopfli): served to every browser that accepts gzip.
    let Ok(mut response) = ServeDir::new(dir)
        .precompressed_gzip()
        .oneshot(request)
        .await;
    if service_worker && response.status() == StatusCode::OK {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-cache"),
        );
    }
    if response.status() != StatusCode::NOT_FOUND || !app_route {
        return response.into_response();
    }
    let Ok(index) = ServeFile::new(dir.join("index.html"))
        .oneshot(Request::new(Body::empty()))
        .await;
    index.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_operators_secret_opens_team_creation() {
        let secret = TeamCreation::Secret("s3cret-words".into());
        assert_eq!(
            creation_right(&secret, Some("s3cret-words")),
            CreationRight::Allowed
        );
        assert_eq!(
            creation_right(&secret, Some("s3cret-word")),
            CreationRight::SecretWrong
        );
        assert_eq!(creation_right(&secret, None), CreationRight::SecretMissing);
        assert_eq!(
            creation_right(&TeamCreation::Closed, Some("s3cret-words")),
            CreationRight::Closed
        );
        assert_eq!(
            creation_right(&TeamCreation::Open, None),
            CreationRight::Allowed
        );
    }
}
