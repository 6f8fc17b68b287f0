//! P-256 ECDH through the browser's WebCrypto (wasm32 only), for key
//! rotation: a device's own key pair (the private key is generated
//! non-extractable, so its bytes never reach this code or any script), a
//! rotation's ephemeral pair, and the shared secrets the sync engine seals
//! new team keys with (`rapport_protocol::seal_envelope`).

use rapport_protocol::DevicePublicKey;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(inline_js = "
const P256 = { name: 'ECDH', namedCurve: 'P-256' };
export async function ecdh_generate() {
  const pair = await crypto.subtle.generateKey(P256, false, ['deriveBits']);
  const public_raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  return { private: pair.privateKey, public: public_raw };
}
export async function ecdh_derive(pair, public_raw) {
  const other = await crypto.subtle.importKey('raw', public_raw, P256, false, []);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'ECDH', public: other }, pair.private, 256));
}
export function ecdh_public(pair) {
  return pair && pair.public instanceof Uint8Array ? pair.public : null;
}")]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn ecdh_generate() -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    async fn ecdh_derive(pair: &JsValue, public_raw: &[u8]) -> Result<JsValue, JsValue>;
    fn ecdh_public(pair: &JsValue) -> Option<Vec<u8>>;
}

/// A P-256 key pair held by the browser: `{ private, public }`, storable in
/// IndexedDB as it is.
#[derive(Clone)]
pub struct KeyPair(JsValue);

impl KeyPair {
    /// A fresh pair; `None` if the browser has no WebCrypto (an insecure
    /// origin) or refuses.
    pub async fn generate() -> Option<KeyPair> {
        ecdh_generate().await.ok().map(KeyPair)
    }

    /// A pair read back from IndexedDB, as it was kept: a damaged value
    /// gives a pair with no [`public`](KeyPair::public) key whose
    /// [`shared`](KeyPair::shared) secrets all fail, which the worker
    /// treats as having no pair.
    pub fn from_stored(value: JsValue) -> KeyPair {
        KeyPair(value)
    }

    /// What to store in IndexedDB.
    pub fn stored(&self) -> &JsValue {
        &self.0
    }

    /// The public key, as devices exchange it.
    pub fn public(&self) -> Option<DevicePublicKey> {
        ecdh_public(&self.0).and_then(|raw| DevicePublicKey::from_bytes(&raw))
    }

    /// The shared secret with `other` (the x coordinate of the shared point);
    /// `None` if `other` is not a valid point.
    pub async fn shared(&self, other: &DevicePublicKey) -> Option<[u8; 32]> {
        let bits = ecdh_derive(&self.0, other.as_bytes()).await.ok()?;
        js_sys::Uint8Array::new(&bits).to_vec().try_into().ok()
    }
}
