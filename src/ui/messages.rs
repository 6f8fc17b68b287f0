//! The rep's words for refused commands: what is wrong and how to fix it.

use crate::document::DocumentError;
use crate::domain::DomainError;

/// One sentence for an inline error next to the form.
pub fn describe(error: &DocumentError) -> String {
    let Some(rule) = error.rule() else {
        return format!("Could not save: {error}. Nothing was changed.");
    };
    match rule {
        DomainError::Empty { field } => format!("Please enter a {field}."),
        DomainError::TooLong { field, chars, max } => format!(
            "The {field} is {} characters long; the limit is {}. Shorten it or split it in two.",
            group(*chars),
            group(*max)
        ),
        DomainError::DuplicateAccount { name, .. } => {
            format!("An account named “{name}” already exists.")
        }
        DomainError::DayOutOfRange {
            earliest, latest, ..
        } => {
            format!("Pick a date between {earliest} and {latest}.")
        }
        DomainError::NotADay(_) => "Pick a date.".into(),
        DomainError::Unknown(_) => {
            "This record no longer exists (it may have been deleted on another device).".into()
        }
        DomainError::IdTaken(_) => "This record was saved already.".into(),
        DomainError::ContactOfOtherAccount { .. } => {
            "That person works at another account; pick someone from this one.".into()
        }
        DomainError::NotAField { .. } => {
            "This version of Rapport cannot settle that field; update the app.".into()
        }
        DomainError::NotAValue { field, .. } => format!("That is not a valid {field}."),
    }
}

/// 1000000 → "1,000,000".
pub fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
