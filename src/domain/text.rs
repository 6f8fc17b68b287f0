//! Limits on what a rep can type, and the cleaning every field gets.
//!
//! Limits count characters, not bytes, so Russian text gets the same room as
//! English. A visit note of 20,000 characters is about ten printed pages: far
//! more than a rep writes after a visit, and small enough that a pasted
//! megabyte cannot bloat the document every device must carry.

use crate::domain::DomainError;

/// Longest name of an account or contact.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest short field (city, industry, role, phone, email).
pub const MAX_SHORT_CHARS: usize = 200;
/// Longest free-text note.
pub const MAX_NOTE_CHARS: usize = 20_000;

/// A required name: trimmed, not empty, not too long.
pub(crate) fn required_name(field: &'static str, raw: &str) -> Result<String, DomainError> {
    let name = single_line(raw);
    if name.is_empty() {
        return Err(DomainError::Empty { field });
    }
    within(field, name, MAX_NAME_CHARS)
}

/// An optional one-line field: trimmed, may be empty, not too long.
pub(crate) fn short(field: &'static str, raw: &str) -> Result<String, DomainError> {
    within(field, single_line(raw), MAX_SHORT_CHARS)
}

/// A free-text note: keeps its line breaks, trims the ends, not too long.
pub(crate) fn note(field: &'static str, raw: &str) -> Result<String, DomainError> {
    within(field, raw.trim().to_owned(), MAX_NOTE_CHARS)
}

/// A required free-text field (a reason, what was done): a note that must
/// not be blank.
pub(crate) fn required_note(field: &'static str, raw: &str) -> Result<String, DomainError> {
    let text = note(field, raw)?;
    if text.is_empty() {
        return Err(DomainError::Empty { field });
    }
    Ok(text)
}

/// The key two names are compared by: case and spacing do not make a new account.
pub(crate) fn name_key(name: &str) -> String {
    lowercase(&single_line(name))
}

/// `text` in lower case, by Unicode's full mappings (Cyrillic, Greek's
/// final sigma, …): how names are compared and the filter matches.
///
/// In the browser the JavaScript engine's `toLowerCase` does it (the same
/// mappings), so the wasm carries no Unicode case tables of its own: they
/// cost 10 KB of the gzipped app. Elsewhere, the standard library's.
pub fn lowercase(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::JsString::from(text).to_lower_case().into()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        text.to_lowercase()
    }
}

/// Collapses runs of whitespace (including pasted line breaks and tabs) to one space.
fn single_line(raw: &str) -> String {
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn within(field: &'static str, value: String, max: usize) -> Result<String, DomainError> {
    let chars = value.chars().count();
    if chars > max {
        return Err(DomainError::TooLong { field, chars, max });
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_must_not_be_blank() {
        assert_eq!(
            required_name("name", "  ООО  Ромашка \n"),
            Ok("ООО Ромашка".into())
        );
        assert_eq!(
            required_name("name", " \t\n "),
            Err(DomainError::Empty { field: "name" })
        );
    }

    #[test]
    fn limits_count_characters_not_bytes() {
        let cyrillic = "ж".repeat(MAX_NAME_CHARS);
        assert!(required_name("name", &cyrillic).is_ok());
        assert_eq!(
            required_name("name", &format!("{cyrillic}ж")),
            Err(DomainError::TooLong {
                field: "name",
                chars: MAX_NAME_CHARS + 1,
                max: MAX_NAME_CHARS
            })
        );
    }

    #[test]
    fn a_pasted_megabyte_is_refused_with_its_size() {
        let pasted = "x".repeat(1_000_000);
        assert_eq!(
            note("note", &pasted),
            Err(DomainError::TooLong {
                field: "note",
                chars: 1_000_000,
                max: MAX_NOTE_CHARS
            })
        );
    }

    #[test]
    fn notes_keep_their_line_breaks() {
        assert_eq!(note("note", "\n a\nb \n"), Ok("a\nb".into()));
    }
}
