//! Why a command was refused. Messages are lowercase and carry the facts; the
//! UI turns them into the rep's words (and language).

use crate::domain::{AccountId, ContactId, Day, RecordKey};

/// A command that broke a rule. Nothing was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A required field is empty or only whitespace.
    #[error("{field} must not be empty")]
    Empty { field: &'static str },
    /// A field is longer than its limit.
    #[error("{field} is {chars} characters long; the limit is {max}")]
    TooLong {
        field: &'static str,
        chars: usize,
        max: usize,
    },
    /// Another live account already has this name.
    #[error("an account named {name:?} already exists")]
    DuplicateAccount { name: String, existing: AccountId },
    /// A touch date outside the range a touch can have happened in.
    #[error("{day} is outside {earliest}..={latest}")]
    DayOutOfRange {
        day: Day,
        earliest: Day,
        latest: Day,
    },
    /// The date field did not hold a date.
    #[error("{0:?} is not a date")]
    NotADay(String),
    /// No live record with this key (or its account was deleted).
    #[error("no live record {0}")]
    Unknown(RecordKey),
    /// The contact belongs to another account.
    #[error("contact {contact} is not at account {account}")]
    ContactOfOtherAccount {
        contact: ContactId,
        account: AccountId,
    },
    /// A conflict resolution named a field the kind does not let a rep
    /// settle (a field of another kind, the record's account, its stamps).
    #[error("{collection} have no field {field:?} that a conflict can be settled on")]
    NotAField {
        collection: &'static str,
        field: String,
    },
    /// A value that is not one of the field's choices.
    #[error("{value:?} is not a valid {field}")]
    NotAValue { field: &'static str, value: String },
    /// A new record's id is already in use (a command sent twice).
    #[error("a record {0} already exists")]
    IdTaken(RecordKey),
}
