//! Export the workspace to a file and import one: work is never trapped on
//! one device, even with no relay at hand. The file is the Automerge
//! document itself (an open, documented format), gzipped (`gunzip` gives
//! the plain `.automerge` file back); importing merges it, never replacing
//! anything, and takes either form.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::domain::Day;
use crate::state::AppState;
use crate::ui::reactive::{dynamic, redrawn};
use crate::ui::words::{Key, t, words};

/// The export button and the import file picker.
#[component]
pub fn Backup() -> impl IntoView {
    let state = expect_context::<AppState>();
    let result = RwSignal::new(None::<String>);
    let export = move |_| {
        let name = format!(
            "rapport-workspace-{}.automerge.gz",
            Day(chrono::Local::now().date_naive())
        );
        wasm_bindgen_futures::spawn_local(async move {
            let refused = match state.export().await {
                Some(bytes) => download(&name, &bytes).is_err(),
                None => true,
            };
            if refused {
                result.set(Some(t(Key::ExportFailed).to_owned()));
            }
        });
    };
    let import = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        input.set_value("");
        wasm_bindgen_futures::spawn_local(async move {
            let message = match JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => {
                    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                    match state.import(bytes).await {
                        Ok(n) => words().imported(&file.name(), n),
                        Err(e) => words().import_refused(&file.name(), &e),
                    }
                }
                Err(_) => words().file_unreadable(&file.name()),
            };
            result.set(Some(message));
        });
    };
    view! {
        <section class="backup">
            <button data-testid="export-workspace" on:click=export>
                {t(Key::ExportWorkspace)}
            </button>
            <label class="file-button">
                {t(Key::ImportWorkspace)}
                <input
                    data-testid="import-workspace"
                    type="file"
                    accept=".automerge,.gz,application/gzip,application/octet-stream"
                    on:change=import
                />
            </label>
            <p class="import-result" data-testid="import-result" role="status" hidden=dynamic(move || result.get().is_none())>
                {redrawn(move || result.get())}
            </p>
        </section>
    }
}

/// Offers `bytes` to the rep as a file download named `name`.
fn download(name: &str, bytes: &[u8]) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/gzip");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or(JsValue::NULL)?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    link.set_href(&url);
    link.set_download(name);
    link.click();
    web_sys::Url::revoke_object_url(&url)
}
