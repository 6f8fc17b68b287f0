//! When the worker writes what to the device's store: each local change at
//! once as its own chunk (in order; the first failure stops the rest and
//! says so), a page of the team's changes as one record, compaction into
//! one snapshot when the log outgrows it (never while a change waits for
//! its predecessors), damaged chunks set aside, and the read-model cache
//! rewritten after compactions and when the page is hidden.
//!
//! A failed write loses nothing: the change stays in `unsaved` and in the
//! document, the page is told (`Notice::QuotaExceeded` or
//! `Notice::WriteFailed`, both offering "Try again"), and the save state
//! stays `Unsaved` until a retry stores it. A cache that cannot be written
//! only costs the next start time: the chunks are the record.

use std::borrow::Cow;

use automerge::ChangeHash;

use crate::document::ChangeBatch;
use crate::document::{ModelCache, RowsCache};
use crate::state::Notice;
use crate::state::messages::FromWorker;
use crate::state::worker::{Host, WorkerCore};
use crate::storage::pack::is_packed;
use crate::storage::{ChunkKind, ChunkLog, StorageError};

impl<H: Host> WorkerCore<H> {
    /// Stores every unsaved change in order; false if one failed.
    pub(super) async fn flush(&mut self) -> bool {
        if !self.store {
            return false;
        }
        let mut stored = false;
        while let Some(bytes) = self.unsaved.first() {
            let len = bytes.len();
            match self.host.append_all(&[(ChunkKind::Change, bytes)]).await {
                Ok(keys) if !keys.is_empty() => {
                    self.log.record(keys[0], ChunkKind::Change, len);
                    self.unsaved.remove(0);
                    stored = true;
                }
                Ok(_) => {
                    self.report(StorageError::Failed("the store returned no key".into()));
                    return false;
                }
                Err(e) => {
                    self.report(e);
                    return false;
                }
            }
        }
        self.post(FromWorker::WritesRecovered);
        if stored {
            self.tell_other_tabs();
        }
        true
    }

    /// Stores the unsaved changes, compacting when the log has grown.
    pub(super) async fn store_changes(&mut self) {
        if self.flush().await && self.log.should_compact() {
            self.compact().await;
        }
    }

    /// Stores the whole document at once (after bulk changes).
    pub(super) async fn snapshot(&mut self) {
        if self.flush().await {
            self.compact().await;
        }
    }

    /// Replaces every applied chunk by one snapshot, atomically, then
    /// refreshes the read-model cache.
    pub(super) async fn compact(&mut self) {
        if !self.store {
            return;
        }
        let replaced = self.log.keys();
        let snapshot = self.workspace.save();
        match self.host.compact(&snapshot, &replaced).await {
            Ok(key) => {
                self.log.compacted(key, snapshot.len(), &replaced);
                self.tell_other_tabs();
            }
            Err(e) => return self.report(e),
        }
        // Give back what automerge kept from applying the team's changes.
        if self.workspace.should_reload() && self.workspace.reload(&snapshot).is_err() {
            // Not expected. Everything is stored: read all of it again.
            drop(snapshot);
            self.log = ChunkLog::default();
            self.absorb_stored().await;
        }
        self.save_cache().await;
    }

    /// Writes the read-model cache if the document moved since the last one.
    pub(super) async fn save_cache(&mut self) {
        let heads = self.workspace.heads();
        if heads == self.cached || !self.store {
            return;
        }
        let rows = RowsCache::of(&self.model, &heads).encode();
        let model = ModelCache::of(&self.model, &heads).encode();
        // A cache that cannot be written only costs the next start time.
        if self.host.save_model(&rows, &model).await.is_ok() {
            self.cached = heads;
        }
    }

    /// The read-model cache in the store, if there is one this version
    /// reads.
    pub(super) async fn cached_model(&self) -> Option<ModelCache> {
        if !self.store {
            return None;
        }
        let bytes = self.host.load_model().await.ok().flatten()?;
        ModelCache::decode(&bytes)
    }

    /// Applies every stored chunk not applied yet; sets damaged ones aside.
    pub(super) async fn absorb_stored(&mut self) {
        if !self.store {
            return;
        }
        let chunks = match self.host.load_all().await {
            Ok(chunks) => chunks,
            Err(e) => return self.report(e),
        };
        let present: Vec<u64> = chunks.iter().map(|c| c.key).collect();
        let damaged = self.log.absorb(&mut self.workspace, chunks);
        self.log.forget_missing(&present);
        if !damaged.is_empty() {
            for d in &damaged {
                if let Err(e) = self.host.set_aside(d.key, &d.reason).await {
                    return self.report(e);
                }
            }
            self.notice(Notice::SetAside {
                count: damaged.len(),
            });
        }
    }

    /// Applies changes from the team, stores them on the device, and shows
    /// them. An error if one did not apply or the store refused them: then
    /// nothing of the page is stored, and the sync engine fetches it again
    /// later (what did apply is in the document and applies again as
    /// nothing new).
    pub(super) async fn apply_remote(&mut self, items: Vec<Vec<u8>>) -> Result<(), String> {
        let before = self.workspace.heads();
        // Snapshots travel gzipped; automerge reads them unpacked. Changes
        // are read in place (no copy).
        let mut readable: Vec<Cow<[u8]>> = Vec::with_capacity(items.len());
        for item in &items {
            readable.push(if is_packed(item) {
                self.host.unpack(item.clone()).await.into()
            } else {
                item.as_slice().into()
            });
        }
        let results = self.workspace.apply_all(&readable);
        drop(readable);
        // The page's changes go into one record, in one transaction
        // (IndexedDB spends about a millisecond a record). No compaction
        // here: while the device catches up, compacting after each page
        // re-saved the whole workspace again and again (seconds a page on a
        // large team). It waits until sync has settled, or for the log to
        // outweigh the snapshot, which bounds the work to a constant times
        // the document's size.
        let mut records: Vec<(ChunkKind, Vec<u8>)> = Vec::new();
        let mut changes = Vec::new();
        let mut failed = None;
        for (item, result) in items.into_iter().zip(results) {
            match result {
                Ok(Some(_)) => changes.push(item),
                Ok(None) => records.push((ChunkKind::Snapshot, item)),
                Err(e) => failed = Some(e.to_string()),
            }
        }
        if let Some(reason) = failed {
            self.changed_since(&before);
            return Err(reason);
        }
        match changes.len() {
            0 => {}
            1 => records.extend(changes.into_iter().map(|c| (ChunkKind::Change, c))),
            _ => records.push((ChunkKind::Changes, ChangeBatch::encode_changes(&changes))),
        }
        if self.store && !records.is_empty() {
            match self.host.append_all(&records).await {
                Ok(keys) => {
                    // A change still waiting for its predecessors is not in
                    // the document yet, so no compaction may drop it: while
                    // any waits, the page stays out of the log (it is
                    // applied again, harmlessly, when this tab next reads
                    // the store).
                    if self.workspace.nothing_waiting() {
                        for (key, (kind, bytes)) in keys.into_iter().zip(&records) {
                            self.log.record(key, *kind, bytes.len());
                        }
                    }
                    self.tell_other_tabs();
                    if self.log.outgrown() {
                        self.compact().await;
                    }
                }
                Err(e) => {
                    let reason = e.to_string();
                    self.report(e);
                    self.changed_since(&before);
                    return Err(reason);
                }
            }
        }
        self.changed_since(&before);
        Ok(())
    }

    /// Tells the rep a write failed, and how many changes wait.
    pub(super) fn report(&self, error: StorageError) {
        self.notice(match error {
            StorageError::QuotaExceeded => Notice::QuotaExceeded {
                unsaved: self.unsaved.len(),
            },
            other => Notice::WriteFailed(other.to_string()),
        });
    }

    /// Whether the cache's heads are all in the document.
    pub(super) fn fits(&mut self, heads: &[ChangeHash]) -> bool {
        heads.iter().all(|h| self.workspace.has_change(h))
    }
}
