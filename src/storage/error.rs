//! Errors of the storage layer.

/// Storing or reading the workspace on the device failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    /// The browser refused to store more (disk full or site quota reached).
    #[error("the device's storage quota is exhausted")]
    QuotaExceeded,
    /// IndexedDB cannot be used (blocked by settings or a private window).
    #[error("browser storage is unavailable: {0}")]
    Unavailable(String),
    /// Any other IndexedDB failure, with the browser's message.
    #[error("browser storage failed: {0}")]
    Failed(String),
}
