//! Errors of the document layer.

use crate::domain::DomainError;

/// A command or load on the workspace document failed. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The command broke a domain rule: show it next to the field.
    #[error(transparent)]
    Rule(#[from] DomainError),
    /// The bytes are not an Automerge document or change.
    #[error("not readable as workspace data: {0}")]
    Corrupt(#[from] automerge::AutomergeError),
    /// The bytes look like an Automerge change but are damaged.
    #[error("damaged change: {0}")]
    CorruptChange(automerge::LoadChangeError),
    /// The document is Automerge but not a Rapport workspace.
    #[error("not a rapport workspace: {0}")]
    NotAWorkspace(&'static str),
    /// The document read back from its own save holds other changes.
    #[error("the workspace read back from its own save differs from it")]
    SaveMismatch,
    /// Saved by a newer version of the app.
    #[error("saved with schema version {found}; this app reads up to {supported}")]
    NewerSchema { found: u64, supported: u64 },
    /// A record in the document does not have the shape this version expects.
    #[error("a stored record is unreadable: {0}")]
    Hydrate(#[from] autosurgeon::HydrateError),
    /// The workspace could not be opened for editing in this tab.
    #[error("the workspace is not open for editing in this tab")]
    NotOpen,
    /// Writing a record failed inside automerge.
    #[error("could not write the record: {0}")]
    Reconcile(#[from] autosurgeon::ReconcileError),
}

impl DocumentError {
    /// The domain rule this error is about, when it is one.
    pub fn rule(&self) -> Option<&DomainError> {
        match self {
            Self::Rule(rule) => Some(rule),
            _ => None,
        }
    }
}
