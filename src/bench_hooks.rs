//! Hooks the browser benchmarks (`bench/browser/`) call from JavaScript
//! through Trunk's `window.wasmBindings`: a bare Automerge load of the same
//! bytes in the same page (the yardstick of P1) and the wasm memory size (P5).
//! wasm32 only; a few hundred bytes of the shipped wasm.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::wasm_bindgen;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// Milliseconds a bare `AutoCommit::load` of `bytes` takes; -1 if they do not load.
#[wasm_bindgen(js_name = benchBareLoad)]
pub fn bench_bare_load(bytes: &[u8]) -> f64 {
    let start = now_ms();
    match automerge::AutoCommit::load(bytes) {
        Ok(doc) => {
            let took = now_ms() - start;
            drop(doc);
            took
        }
        Err(_) => -1.0,
    }
}

/// Bytes of linear memory the workspace worker's instance holds; -1 before
/// the app started.
#[wasm_bindgen(js_name = benchWorkerMemory)]
pub async fn bench_worker_memory() -> f64 {
    match crate::state::current() {
        Some(state) => state.worker_memory().await.unwrap_or(-1.0),
        None => -1.0,
    }
}

/// Bytes of linear memory the wasm module holds now.
#[wasm_bindgen(js_name = benchMemoryBytes)]
pub fn bench_memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64
}
