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

// Between the app's threads a refusal travels as data, so the page can say
// it in the rep's words. Field and collection names are `&'static str` (the
// rules name them by literal); on the way back they are matched to the
// names this version's kinds use, and an unknown one reads as "field".
#[derive(serde::Serialize, serde::Deserialize)]
enum Wire {
    Empty(String),
    TooLong(String, usize, usize),
    DuplicateAccount(String, AccountId),
    DayOutOfRange(Day, Day, Day),
    NotADay(String),
    Unknown(RecordKey),
    ContactOfOtherAccount(ContactId, AccountId),
    NotAField(String, String),
    NotAValue(String, String),
    IdTaken(RecordKey),
}

impl serde::Serialize for DomainError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let wire = match self.clone() {
            Self::Empty { field } => Wire::Empty(field.into()),
            Self::TooLong { field, chars, max } => Wire::TooLong(field.into(), chars, max),
            Self::DuplicateAccount { name, existing } => Wire::DuplicateAccount(name, existing),
            Self::DayOutOfRange {
                day,
                earliest,
                latest,
            } => Wire::DayOutOfRange(day, earliest, latest),
            Self::NotADay(text) => Wire::NotADay(text),
            Self::Unknown(key) => Wire::Unknown(key),
            Self::ContactOfOtherAccount { contact, account } => {
                Wire::ContactOfOtherAccount(contact, account)
            }
            Self::NotAField { collection, field } => Wire::NotAField(collection.into(), field),
            Self::NotAValue { field, value } => Wire::NotAValue(field.into(), value),
            Self::IdTaken(key) => Wire::IdTaken(key),
        };
        wire.serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for DomainError {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Wire::deserialize(d)? {
            Wire::Empty(field) => Self::Empty {
                field: known(&field),
            },
            Wire::TooLong(field, chars, max) => Self::TooLong {
                field: known(&field),
                chars,
                max,
            },
            Wire::DuplicateAccount(name, existing) => Self::DuplicateAccount { name, existing },
            Wire::DayOutOfRange(day, earliest, latest) => Self::DayOutOfRange {
                day,
                earliest,
                latest,
            },
            Wire::NotADay(text) => Self::NotADay(text),
            Wire::Unknown(key) => Self::Unknown(key),
            Wire::ContactOfOtherAccount(contact, account) => {
                Self::ContactOfOtherAccount { contact, account }
            }
            Wire::NotAField(collection, field) => Self::NotAField {
                collection: known(&collection),
                field,
            },
            Wire::NotAValue(field, value) => Self::NotAValue {
                field: known(&field),
                value,
            },
            Wire::IdTaken(key) => Self::IdTaken(key),
        })
    }
}

/// The `'static` name this version uses for `name` (a field or collection
/// of one of its kinds), or "field".
fn known(name: &str) -> &'static str {
    use crate::domain::{Field, Kind, KindVisitor, for_each_kind};
    struct Find<'a>(&'a str, Option<&'static str>);
    impl KindVisitor for Find<'_> {
        fn visit<K: Kind>(&mut self) {
            if K::COLLECTION == self.0 {
                self.1 = Some(K::COLLECTION);
            }
            if let Some(field) = K::Field::named(self.0) {
                self.1 = Some(field.name());
            }
        }
    }
    let mut find = Find(name, None);
    for_each_kind(&mut find);
    find.1.unwrap_or("field")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::TouchId;

    #[test]
    fn a_refusal_travels_between_threads_unchanged() {
        let refusals = [
            DomainError::Empty { field: "name" },
            DomainError::TooLong {
                field: "note",
                chars: 20_001,
                max: 20_000,
            },
            DomainError::NotAField {
                collection: "contacts",
                field: "account".into(),
            },
            DomainError::NotAValue {
                field: "kind",
                value: "Teleport".into(),
            },
            DomainError::Unknown(RecordKey::Touch(TouchId::random())),
        ];
        for refusal in refusals {
            let bytes = postcard::to_allocvec(&refusal).unwrap();
            assert_eq!(
                postcard::from_bytes::<DomainError>(&bytes).unwrap(),
                refusal
            );
        }
    }
}
