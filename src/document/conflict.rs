//! A field two devices changed while apart: Automerge keeps every concurrent
//! value, and the app shows them all until a rep picks one.

use crate::domain::Stamp;

/// One field with several concurrent values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldConflict {
    /// The field's name in the record ("city", "note", …).
    pub field: String,
    /// Every value kept, the one shown by default first.
    pub values: Vec<ConflictValue>,
}

/// One of the concurrent values and who wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictValue {
    /// The value as text.
    pub value: String,
    /// The rep, device and time of the change that wrote it, when known.
    pub by: Option<Stamp>,
}
