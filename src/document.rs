//! The workspace document: one Automerge document per team workspace, holding
//! every record of every kind, and the commands and queries on it.
//!
//! Depends on the domain only. Knows nothing of browsers: storage hands it
//! bytes, and the state layer calls its commands. Generic over the record
//! kinds the domain lists: nothing here names a kind but where a query of
//! the screens needs one.

mod change_batch;
mod conflict;
mod error;
mod prefetch;
mod read_model;
mod schema;
mod workspace;

pub use crate::domain::{Command, RecordKey};
pub use change_batch::ChangeBatch;
pub use conflict::{ConflictValue, FieldConflict};
pub use error::DocumentError;
pub use read_model::{
    AccountRow, Changed, Found, LosingTouch, ModelCache, Patch, ReadModel, RowsCache, Scope,
};
pub(crate) use schema::empty_heads;
pub use schema::{SCHEMA_VERSION, upgrade_change, upgrades_of};
pub use workspace::Workspace;
