//! The invite as a QR code on screen (drawn by [`crate::qr`]).

use leptos::prelude::*;

use crate::qr::qr_path;

/// The QR code of `text`, drawn black on white at any size (CSS sets it).
#[component]
pub fn QrImage(
    /// What the code holds.
    text: String,
    /// The image's accessible name.
    label: &'static str,
) -> impl IntoView {
    qr_path(&text).map(|(side, path)| {
        view! {
            <svg
                class="qr"
                data-testid="invite-qr"
                role="img"
                aria-label=label
                viewBox=format!("0 0 {side} {side}")
                shape-rendering="crispEdges"
            >
                <rect width="100%" height="100%" fill="#fff" />
                <path d=path fill="#000" />
            </svg>
        }
    })
}
