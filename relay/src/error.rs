//! The relay server's one error type.

use std::io;
use std::path::PathBuf;

use crate::StoreError;

/// Why [`serve`](crate::serve()) could not start or stopped with a failure.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    /// The data directory could not be created.
    #[error("could not create the data directory {path}: {source}")]
    DataDir {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },

    /// The store could not be opened.
    #[error("could not open the relay's storage: {0}")]
    Store(#[from] StoreError),

    /// The listener's address could not be read.
    #[error("could not read the listening address: {0}")]
    Address(#[source] io::Error),

    /// The HTTP server failed.
    #[error("the http server failed: {0}")]
    Serve(#[source] io::Error),
}
