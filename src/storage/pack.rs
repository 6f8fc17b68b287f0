//! Gzip for whole-document snapshots, done by the browser's own
//! `CompressionStream`.
//!
//! Automerge can deflate its columns itself, but linking its compressor
//! costs about 17 KB of the shipped (gzipped) wasm, over a tenth of the
//! P4 budget's room. So the document layer saves uncompressed
//! ([`Workspace::save`](crate::document::Workspace::save)) and the browser
//! gzips what is kept or sent whole: snapshots in IndexedDB, snapshots
//! uploaded to the relay, and exported files. A gzipped snapshot is within
//! a few percent of automerge's own compression (S: 197 KB against 191 KB;
//! uncompressed it would be 1.2 MB).
//!
//! Reading accepts both: gzip is recognised by its magic bytes, anything
//! else is handed to automerge as it is (snapshots stored before this, and
//! files from other automerge tools). [`is_packed`] is plain Rust; the rest
//! is wasm32 only.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::*;

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen(inline_js = "
export function gzip(bytes, pack) {
  const transform = pack ? new CompressionStream('gzip') : new DecompressionStream('gzip');
  const stream = new Blob([bytes]).stream().pipeThrough(transform);
  return new Response(stream).arrayBuffer().then((buffer) => new Uint8Array(buffer));
}")]
extern "C" {
    /// Gzips (`pack`) or gunzips `bytes`; the promise rejects on bytes that
    /// are not gzip.
    #[wasm_bindgen(catch)]
    fn gzip(bytes: &[u8], pack: bool) -> Result<js_sys::Promise, JsValue>;
}

/// Whether `bytes` are gzip (RFC 1952's magic number).
pub fn is_packed(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// `bytes` gzipped, or `None` if this browser cannot compress.
#[cfg(target_arch = "wasm32")]
pub async fn pack(bytes: &[u8]) -> Option<Vec<u8>> {
    run(bytes, true).await
}

/// `bytes` as automerge reads them: gunzipped if they are gzip. Damaged
/// gzip comes back unchanged, so that loading it fails with automerge's own
/// reason (and the chunk is set aside, not lost).
#[cfg(target_arch = "wasm32")]
pub async fn unpack(bytes: Vec<u8>) -> Vec<u8> {
    if !is_packed(&bytes) {
        return bytes;
    }
    run(&bytes, false).await.unwrap_or(bytes)
}

/// `pack`, falling back to the bytes as they are: storing a snapshot
/// uncompressed is better than not storing it.
#[cfg(target_arch = "wasm32")]
pub async fn pack_or_keep(bytes: Vec<u8>) -> Vec<u8> {
    if is_packed(&bytes) {
        return bytes;
    }
    pack(&bytes).await.unwrap_or(bytes)
}

#[cfg(target_arch = "wasm32")]
async fn run(bytes: &[u8], pack: bool) -> Option<Vec<u8>> {
    let promise = gzip(bytes, pack).ok()?;
    let value = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    Some(value.dyn_into::<js_sys::Uint8Array>().ok()?.to_vec())
}
