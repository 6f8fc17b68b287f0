//! Whether a chunk is one change or a whole snapshot.

use serde::{Deserialize, Serialize};

use crate::Cursor;

/// What a sealed chunk holds. The relay cannot look inside, so the uploader
/// says; the kind is bound into the seal, so a relay that relabels a chunk
/// makes it fail to open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ChunkKind {
    /// Changes made on the uploading device since its previous chunk.
    Change,
    /// The uploader's whole document, which includes every chunk at or
    /// before `covers`. The relay then drops those chunks and serves this
    /// snapshot first to devices that are behind it.
    Snapshot {
        /// The last cursor the uploader had applied when it saved.
        covers: Cursor,
    },
}
