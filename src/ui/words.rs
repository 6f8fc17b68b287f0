//! Every word the rep reads, in one place, by typed key: the worker and the
//! engine send states and typed notices, never sentences, and this module
//! turns them into the rep's language. A second language is a second file
//! beside [`en`] implementing [`Language`]; the compiler then asks for every
//! key.
//!
//! Plain Rust (no browser), so it is tested natively; the components reach
//! it through [`words`] and [`t`].

mod en;

use chrono::FixedOffset;

use crate::document::DocumentError;
use crate::domain::DomainError;
use crate::state::{Notice, SaveState};
use crate::sync::SyncStatus;

pub use en::English;

/// The fixed words of the screens, by key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// The rep-name field's label and placeholder.
    YourName,
    /// What the rep's name is for (the field's tooltip).
    YourNameHint,
    /// The prompt asking for the rep's name on a fresh device.
    NamePrompt,
    /// An example name in the prompt.
    NameExample,
    /// A save button.
    Save,
    /// The button offered with a notice that can be retried.
    TryAgain,
    /// The conflicts block's title.
    ConflictsTitle,
    /// What the conflicts block means.
    ConflictsHint,
    /// Keep one of a conflict's values.
    KeepThis,
    /// A conflict value with no known author.
    AuthorUnknown,
    /// An empty conflict value.
    EmptyValue,
}

/// One language's words.
pub trait Language: Sync {
    /// The words for `key`.
    fn text(&self, key: Key) -> &'static str;

    /// The label of a record's field, as its form calls it (`collection`
    /// and `field` as stored: "accounts", "city").
    fn field(&self, collection: &str, field: &str) -> String;

    /// Where the rep's latest changes are (the save indicator).
    fn save_state(&self, state: SaveState) -> &'static str;

    /// The banner's sentence for `notice`: what happened, that nothing was
    /// lost (or what was), and what to do.
    fn notice(&self, notice: &Notice) -> String;

    /// One sentence for an inline error next to a form.
    fn refusal(&self, error: &DocumentError) -> String;

    /// The rule a command broke, as a sentence.
    fn rule(&self, rule: &DomainError) -> String;

    /// The short words on the sync indicator, with times in `zone` (the
    /// device's offset from UTC: what the rep's clock shows).
    fn sync_headline(&self, status: &SyncStatus, zone: FixedOffset) -> String;

    /// The sentence under it: what is safe, and what to do if anything.
    fn sync_detail(&self, status: &SyncStatus) -> String;

    /// The sync indicator while another tab of this device syncs.
    fn other_tab_headline(&self) -> &'static str;

    /// The sentence under it.
    fn other_tab_detail(&self) -> &'static str;

    /// A count as the rep reads numbers: 1000000 → "1,000,000".
    fn number(&self, n: usize) -> String;
}

/// The language the rep reads (English until the Russian file is added).
pub fn words() -> &'static dyn Language {
    &English
}

/// The fixed words for `key`.
pub fn t(key: Key) -> &'static str {
    words().text(key)
}
