//! The workspace document: one Automerge document per team workspace, holding
//! every account, contact and touch, and the commands and queries on it.
//!
//! Depends on the domain only. Knows nothing of browsers: storage hands it
//! bytes, and the state layer calls its commands.

mod command;
mod conflict;
mod error;
mod prefetch;
mod read_model;
mod schema;
mod workspace;

pub use command::Command;
pub use conflict::{ConflictValue, FieldConflict};
pub use error::DocumentError;
pub use read_model::{
    AccountRow, Changed, Found, ModelCache, Patch, ReadModel, RecordKey, RowsCache,
};
pub use schema::SCHEMA_VERSION;
#[cfg(target_arch = "wasm32")]
pub(crate) use schema::genesis_heads;
pub use workspace::Workspace;
