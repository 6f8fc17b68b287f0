//! The relay's HTTP routes: health, the sync WebSocket, the app's files.

use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State, WebSocketUpgrade};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use crate::connection;
use crate::serve::Shared;

/// `GET /health`, `GET /sync`, and the static app for everything else.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/sync", get(sync))
        .fallback(static_file)
        .with_state(shared)
}

async fn health() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"status":"ok"}"#,
    )
}

async fn sync(State(shared): State<Arc<Shared>>, upgrade: WebSocketUpgrade) -> Response {
    // The transport itself stops anything past twice the limit before
    // buffering it; between the limit and that, the session reads the frame
    // and answers `TooLarge` cleanly.
    let transport_limit = shared.config.max_frame_bytes.saturating_mul(2);
    upgrade
        .max_message_size(transport_limit)
        .max_frame_size(transport_limit)
        .on_upgrade(move |socket| connection::run(socket, shared))
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
