//! [`BrowserStore`]: the chunk log in IndexedDB (wasm32 only).

use idb::{Database, DatabaseEvent, Factory, ObjectStoreParams, TransactionMode};
use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use crate::storage::{ChunkKind, StorageError, StoredChunk, pack};

/// 2 added the read-model cache store, 3 the team sync store.
const VERSION: u32 = 3;
const CHUNKS: &str = "chunks";
const SET_ASIDE: &str = "set_aside";
/// The read-model cache: the whole model under [`MODEL_KEY`], the account
/// rows alone under [`ROWS_KEY`], written together.
const MODEL: &str = "model";
const MODEL_KEY: &str = "current";
const ROWS_KEY: &str = "rows";
/// Team sync: this device's membership and the sync engine's state, each
/// under its own key.
const SYNC: &str = "sync";

/// The workspace's chunk store in one IndexedDB database.
#[derive(Debug)]
pub struct BrowserStore {
    db: Database,
}

impl BrowserStore {
    /// Opens (creating on first use) the database `name`.
    pub async fn open(name: &str) -> Result<Self, StorageError> {
        let factory = Factory::new().map_err(|e| StorageError::Unavailable(e.to_string()))?;
        let mut request = factory
            .open(name, Some(VERSION))
            .map_err(|e| StorageError::Unavailable(e.to_string()))?;
        request.on_upgrade_needed(|event| {
            let Ok(db) = event.database() else { return };
            for store in [CHUNKS, SET_ASIDE, MODEL, SYNC] {
                if !db.store_names().iter().any(|s| s == store) {
                    let mut params = ObjectStoreParams::new();
                    params.auto_increment(store == CHUNKS || store == SET_ASIDE);
                    let _ = db.create_object_store(store, params);
                }
            }
        });
        let db = request
            .await
            .map_err(|e| StorageError::Unavailable(e.to_string()))?;
        Ok(Self { db })
    }

    /// A transaction on the chunk store alone, and the store.
    fn chunks(
        &self,
        mode: TransactionMode,
    ) -> Result<(idb::Transaction, idb::ObjectStore), StorageError> {
        let tx = self.db.transaction(&[CHUNKS], mode).map_err(failed)?;
        let store = tx.object_store(CHUNKS).map_err(failed)?;
        Ok((tx, store))
    }

    /// Every chunk, in key order, gzipped snapshots unpacked.
    pub async fn load_all(&self) -> Result<Vec<StoredChunk>, StorageError> {
        let (_tx, store) = self.chunks(TransactionMode::ReadOnly)?;
        let keys = store
            .get_all_keys(None, None)
            .map_err(failed)?
            .await
            .map_err(failed)?;
        let values = store
            .get_all(None, None)
            .map_err(failed)?
            .await
            .map_err(failed)?;
        let mut chunks = Vec::with_capacity(keys.len());
        for (key, value) in keys.iter().zip(values.iter()) {
            let mut chunk = decode(key, value);
            chunk.bytes = pack::unpack(std::mem::take(&mut chunk.bytes)).await;
            chunks.push(chunk);
        }
        Ok(chunks)
    }

    /// Stores one chunk (a snapshot gzipped); the returned key is larger
    /// than every key before it. Resolves once the transaction has committed.
    pub async fn append(&self, kind: ChunkKind, bytes: &[u8]) -> Result<u64, StorageError> {
        let keys = self.append_all(&[(kind, bytes)]).await?;
        keys.first()
            .copied()
            .ok_or_else(|| StorageError::Failed("the store returned no key".into()))
    }

    /// Adds several chunks in one transaction (a page of the team's
    /// changes): their keys, in order. Snapshots are gzipped first.
    pub async fn append_all<B: AsRef<[u8]>>(
        &self,
        chunks: &[(ChunkKind, B)],
    ) -> Result<Vec<u64>, StorageError> {
        // Compressed before the transaction opens: an IndexedDB transaction
        // commits as soon as it has no request pending across an await.
        let mut encoded = Vec::with_capacity(chunks.len());
        for (kind, bytes) in chunks {
            let bytes = bytes.as_ref();
            encoded.push(if *kind == ChunkKind::Snapshot {
                encode(*kind, &pack::pack_or_keep(bytes.to_vec()).await)
            } else {
                encode(*kind, bytes)
            });
        }
        let (tx, store) = self.chunks(TransactionMode::ReadWrite)?;
        let mut keys = Vec::with_capacity(encoded.len());
        for record in &encoded {
            let key = store
                .add(record, None)
                .map_err(failed)?
                .await
                .map_err(failed)?;
            keys.push(
                key_of(&key)
                    .ok_or_else(|| StorageError::Failed("the store returned no key".into()))?,
            );
        }
        finish(tx).await?;
        Ok(keys)
    }

    /// Adds `snapshot` (gzipped) and deletes `replaced` in one atomic
    /// transaction.
    pub async fn compact(&self, snapshot: &[u8], replaced: &[u64]) -> Result<u64, StorageError> {
        // Compressed before the transaction opens: an IndexedDB transaction
        // commits as soon as it has no request pending across an await.
        let snapshot = pack::pack_or_keep(snapshot.to_vec()).await;
        let snapshot = &snapshot[..];
        let (tx, store) = self.chunks(TransactionMode::ReadWrite)?;
        let key = store
            .add(&encode(ChunkKind::Snapshot, snapshot), None)
            .map_err(failed)?
            .await
            .map_err(failed)?;
        for k in replaced {
            store
                .delete(JsValue::from_f64(*k as f64))
                .map_err(failed)?
                .await
                .map_err(failed)?;
        }
        finish(tx).await?;
        key_of(&key).ok_or_else(|| StorageError::Failed("the store returned no key".into()))
    }

    /// Moves a chunk to the `set_aside` store with the reason, in one
    /// transaction: it is kept for later recovery, and no longer loaded.
    pub async fn set_aside(&self, key: u64, reason: &str) -> Result<(), StorageError> {
        let tx = self
            .db
            .transaction(&[CHUNKS, SET_ASIDE], TransactionMode::ReadWrite)
            .map_err(failed)?;
        let chunks = tx.object_store(CHUNKS).map_err(failed)?;
        let aside = tx.object_store(SET_ASIDE).map_err(failed)?;
        let js_key = JsValue::from_f64(key as f64);
        if let Some(value) = chunks
            .get(js_key.clone())
            .map_err(failed)?
            .await
            .map_err(failed)?
        {
            let _ = Reflect::set(&value, &"reason".into(), &reason.into());
            let _ = Reflect::set(&value, &"original_key".into(), &js_key);
            aside
                .add(&value, None)
                .map_err(failed)?
                .await
                .map_err(failed)?;
            chunks
                .delete(js_key)
                .map_err(failed)?
                .await
                .map_err(failed)?;
        }
        finish(tx).await
    }

    /// The saved whole read model, if there is one.
    pub async fn load_model(&self) -> Result<Option<Vec<u8>>, StorageError> {
        self.get_bytes(MODEL, MODEL_KEY).await
    }

    /// The saved account rows, if there are any.
    pub async fn load_rows(&self) -> Result<Option<Vec<u8>>, StorageError> {
        self.get_bytes(MODEL, ROWS_KEY).await
    }

    /// Replaces the read-model cache (rows and whole model, in one
    /// transaction). It is only ever a copy of what the chunks hold, so
    /// losing it costs time, never data.
    pub async fn save_model(&self, rows: &[u8], model: &[u8]) -> Result<(), StorageError> {
        let tx = self
            .db
            .transaction(&[MODEL], TransactionMode::ReadWrite)
            .map_err(failed)?;
        let store = tx.object_store(MODEL).map_err(failed)?;
        for (key, bytes) in [(ROWS_KEY, rows), (MODEL_KEY, model)] {
            store
                .put(&Uint8Array::from(bytes), Some(&JsValue::from_str(key)))
                .map_err(failed)?
                .await
                .map_err(failed)?;
        }
        finish(tx).await
    }

    /// The team sync value stored under `key`, if any.
    pub async fn load_sync(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        self.get_bytes(SYNC, key).await
    }

    /// Stores a team sync value under `key`; resolves once committed.
    pub async fn save_sync(&self, key: &str, bytes: &[u8]) -> Result<(), StorageError> {
        self.put_bytes(SYNC, key, bytes).await
    }

    /// A team sync value that is not bytes (a WebCrypto key pair: the
    /// browser stores the non-extractable private key as it is).
    pub async fn load_sync_value(&self, key: &str) -> Result<Option<JsValue>, StorageError> {
        self.get_value(SYNC, key).await
    }

    /// Stores a team sync value that is not bytes; resolves once committed.
    pub async fn save_sync_value(&self, key: &str, value: &JsValue) -> Result<(), StorageError> {
        self.put_value(SYNC, key, value).await
    }

    async fn get_bytes(&self, store: &str, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self
            .get_value(store, key)
            .await?
            .and_then(|v| v.dyn_into::<Uint8Array>().ok())
            .map(|b| b.to_vec()))
    }

    async fn get_value(&self, store: &str, key: &str) -> Result<Option<JsValue>, StorageError> {
        let tx = self
            .db
            .transaction(&[store], TransactionMode::ReadOnly)
            .map_err(failed)?;
        tx.object_store(store)
            .map_err(failed)?
            .get(JsValue::from_str(key))
            .map_err(failed)?
            .await
            .map_err(failed)
    }

    async fn put_bytes(&self, store: &str, key: &str, bytes: &[u8]) -> Result<(), StorageError> {
        self.put_value(store, key, &Uint8Array::from(bytes)).await
    }

    async fn put_value(&self, store: &str, key: &str, value: &JsValue) -> Result<(), StorageError> {
        let tx = self
            .db
            .transaction(&[store], TransactionMode::ReadWrite)
            .map_err(failed)?;
        tx.object_store(store)
            .map_err(failed)?
            .put(value, Some(&JsValue::from_str(key)))
            .map_err(failed)?
            .await
            .map_err(failed)?;
        finish(tx).await
    }

    /// How many chunks have been set aside.
    pub async fn set_aside_count(&self) -> Result<u32, StorageError> {
        let tx = self
            .db
            .transaction(&[SET_ASIDE], TransactionMode::ReadOnly)
            .map_err(failed)?;
        let store = tx.object_store(SET_ASIDE).map_err(failed)?;
        store.count(None).map_err(failed)?.await.map_err(failed)
    }
}

/// Asks the browser to keep this site's storage under storage pressure.
/// Returns whether it agreed.
pub async fn request_persistence() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let Ok(promise) = window.navigator().storage().persist() else {
        return false;
    };
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map(|v| v.as_bool() == Some(true))
        .unwrap_or(false)
}

async fn finish(tx: idb::Transaction) -> Result<(), StorageError> {
    let result = tx.commit().map_err(failed)?.await.map_err(failed)?;
    if result.is_committed() {
        Ok(())
    } else {
        Err(StorageError::Failed("the transaction was aborted".into()))
    }
}

fn encode(kind: ChunkKind, bytes: &[u8]) -> JsValue {
    let record = Object::new();
    let _ = Reflect::set(&record, &"kind".into(), &kind.as_str().into());
    let _ = Reflect::set(&record, &"bytes".into(), &Uint8Array::from(bytes));
    let _ = Reflect::set(&record, &"saved_at".into(), &js_sys::Date::now().into());
    record.into()
}

/// A stored record as a chunk. A record of the wrong shape becomes a chunk
/// whose bytes fail to apply, so it is set aside like any damaged chunk.
fn decode(key: &JsValue, value: &JsValue) -> StoredChunk {
    let kind = Reflect::get(value, &"kind".into())
        .ok()
        .and_then(|k| k.as_string())
        .and_then(|k| ChunkKind::parse(&k))
        .unwrap_or(ChunkKind::Change);
    let bytes = Reflect::get(value, &"bytes".into())
        .ok()
        .and_then(|b| b.dyn_into::<Uint8Array>().ok())
        .map(|b| b.to_vec())
        .unwrap_or_default();
    StoredChunk {
        key: key_of(key).unwrap_or(0),
        kind,
        bytes,
    }
}

fn key_of(key: &JsValue) -> Option<u64> {
    key.as_f64().map(|k| k as u64)
}

/// Maps an IndexedDB failure, recognising a full disk.
fn failed(e: idb::Error) -> StorageError {
    let text = e.to_string();
    if text.contains("QuotaExceeded") || text.contains("quota") {
        StorageError::QuotaExceeded
    } else {
        StorageError::Failed(text)
    }
}
