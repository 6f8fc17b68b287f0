//! Why a command was refused. Messages are lowercase and carry the facts; the
//! UI turns them into the rep's words (and language).

use crate::domain::{
    AccountId, ContactId, Day, LeadWarning, Qualification, RecordKey, RemarkId, Stage,
};

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
    /// An amount that is not digits with at most two decimals.
    #[error("{value:?} is not an amount of {field}")]
    NotAnAmount { field: &'static str, value: String },
    /// A negative amount.
    #[error("{field} must not be negative")]
    NegativeAmount { field: &'static str },
    /// An amount above [`crate::domain::MAX_AMOUNT`].
    #[error("{field} is larger than {max} hundredths")]
    AmountTooLarge { field: &'static str, max: i64 },
    /// Not a three-letter currency code.
    #[error("{0:?} is not a currency code")]
    NotACurrency(String),
    /// A whole number outside its range.
    #[error("{field} is {value}; it must be {min}..={max}")]
    NumberOutOfRange {
        field: &'static str,
        value: i64,
        min: i64,
        max: i64,
    },
    /// A day before the day it must follow (due before made, delivered
    /// before ordered).
    #[error("{field} {day} is before {other} {other_day}")]
    Before {
        field: &'static str,
        day: Day,
        other: &'static str,
        other_day: Day,
    },
    /// A day that must come strictly after another (the next adoption
    /// check after the check) is on it or before it.
    #[error("{field} {day} is not after {other} {other_day}")]
    NotAfter {
        field: &'static str,
        day: Day,
        other: &'static str,
        other_day: Day,
    },
    /// A record named by another (the order an adoption check checked)
    /// belongs to another account.
    #[error("{record} is not at account {account}")]
    OfOtherAccount {
        record: RecordKey,
        account: AccountId,
    },
    /// A promise already kept or broken was given another outcome.
    #[error("the promise was already closed on {closed}")]
    AlreadyClosed { closed: Day },
    /// "Exceeded" for a promise kept after its due day.
    #[error("kept on {closed}, after the due day {due}: it was kept late")]
    ExceededLate { due: Day, closed: Day },
    /// A delivery promised faster than the history supports, and the rep
    /// did not choose to save it anyway.
    #[error("a delivery in {} days is faster than the typical {}", .0.promised_days, .0.history.typical_days)]
    UnrealisticPromise(LeadWarning),
    /// Commitment as a strategic partner with a scorecard that does not
    /// qualify, and no override reason.
    #[error("the account does not qualify as a strategic partner")]
    NotQualified(Qualification),
    /// A stage move to the stage the account is in.
    #[error("the account is already in {0:?}")]
    SameStage(Stage),
    /// A record that is history (a stage move, the team's settings) may
    /// not be deleted.
    #[error("{0} is kept as history and cannot be deleted")]
    HistoryKept(RecordKey),
    /// A remark that has ended was given another action or another end.
    #[error("the remark was already closed on {ended}")]
    RemarkClosed { ended: Day },
    /// An early warning already followed up was followed up again.
    #[error("the warning was already followed up on {ended}")]
    WarningFollowedUp { ended: Day },
    /// A warning said to have become a remark that is not a complaint of
    /// the warning's account.
    #[error("remark {remark} is not a complaint at account {account}")]
    NotAComplaint {
        remark: RemarkId,
        account: AccountId,
    },
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
    NotAnAmount(String, String),
    NegativeAmount(String),
    AmountTooLarge(String, i64),
    NotACurrency(String),
    NumberOutOfRange(String, i64, i64, i64),
    Before(String, Day, String, Day),
    AlreadyClosed(Day),
    ExceededLate(Day, Day),
    UnrealisticPromise(LeadWarning),
    NotQualified(Qualification),
    SameStage(Stage),
    HistoryKept(RecordKey),
    RemarkClosed(Day),
    WarningFollowedUp(Day),
    NotAComplaint(RemarkId, AccountId),
    NotAfter(String, Day, String, Day),
    OfOtherAccount(RecordKey, AccountId),
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
            Self::NotAnAmount { field, value } => Wire::NotAnAmount(field.into(), value),
            Self::NegativeAmount { field } => Wire::NegativeAmount(field.into()),
            Self::AmountTooLarge { field, max } => Wire::AmountTooLarge(field.into(), max),
            Self::NotACurrency(text) => Wire::NotACurrency(text),
            Self::NumberOutOfRange {
                field,
                value,
                min,
                max,
            } => Wire::NumberOutOfRange(field.into(), value, min, max),
            Self::Before {
                field,
                day,
                other,
                other_day,
            } => Wire::Before(field.into(), day, other.into(), other_day),
            Self::AlreadyClosed { closed } => Wire::AlreadyClosed(closed),
            Self::ExceededLate { due, closed } => Wire::ExceededLate(due, closed),
            Self::UnrealisticPromise(warning) => Wire::UnrealisticPromise(warning),
            Self::NotQualified(verdict) => Wire::NotQualified(verdict),
            Self::SameStage(stage) => Wire::SameStage(stage),
            Self::HistoryKept(key) => Wire::HistoryKept(key),
            Self::RemarkClosed { ended } => Wire::RemarkClosed(ended),
            Self::WarningFollowedUp { ended } => Wire::WarningFollowedUp(ended),
            Self::NotAComplaint { remark, account } => Wire::NotAComplaint(remark, account),
            Self::NotAfter {
                field,
                day,
                other,
                other_day,
            } => Wire::NotAfter(field.into(), day, other.into(), other_day),
            Self::OfOtherAccount { record, account } => Wire::OfOtherAccount(record, account),
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
            Wire::NotAnAmount(field, value) => Self::NotAnAmount {
                field: known(&field),
                value,
            },
            Wire::NegativeAmount(field) => Self::NegativeAmount {
                field: known(&field),
            },
            Wire::AmountTooLarge(field, max) => Self::AmountTooLarge {
                field: known(&field),
                max,
            },
            Wire::NotACurrency(text) => Self::NotACurrency(text),
            Wire::NumberOutOfRange(field, value, min, max) => Self::NumberOutOfRange {
                field: known(&field),
                value,
                min,
                max,
            },
            Wire::Before(field, day, other, other_day) => Self::Before {
                field: known(&field),
                day,
                other: known(&other),
                other_day,
            },
            Wire::AlreadyClosed(closed) => Self::AlreadyClosed { closed },
            Wire::ExceededLate(due, closed) => Self::ExceededLate { due, closed },
            Wire::UnrealisticPromise(warning) => Self::UnrealisticPromise(warning),
            Wire::NotQualified(verdict) => Self::NotQualified(verdict),
            Wire::SameStage(stage) => Self::SameStage(stage),
            Wire::HistoryKept(key) => Self::HistoryKept(key),
            Wire::RemarkClosed(ended) => Self::RemarkClosed { ended },
            Wire::WarningFollowedUp(ended) => Self::WarningFollowedUp { ended },
            Wire::NotAComplaint(remark, account) => Self::NotAComplaint { remark, account },
            Wire::NotAfter(field, day, other, other_day) => Self::NotAfter {
                field: known(&field),
                day,
                other: known(&other),
                other_day,
            },
            Wire::OfOtherAccount(record, account) => Self::OfOtherAccount { record, account },
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
            DomainError::RemarkClosed {
                ended: Day::parse("2026-11-12").unwrap(),
            },
            DomainError::WarningFollowedUp {
                ended: Day::parse("2026-11-13").unwrap(),
            },
            DomainError::NotAComplaint {
                remark: RemarkId::random(),
                account: AccountId::random(),
            },
            DomainError::Empty { field: "end_note" },
            DomainError::NotAfter {
                field: "next_check",
                day: Day::parse("2026-03-01").unwrap(),
                other: "checked_on",
                other_day: Day::parse("2026-03-01").unwrap(),
            },
            DomainError::OfOtherAccount {
                record: RecordKey::Touch(TouchId::random()),
                account: AccountId::random(),
            },
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
