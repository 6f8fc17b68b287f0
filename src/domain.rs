//! The domain: the nouns a sales rep and a sales manager use (accounts,
//! contacts, touches), their typed ids, and the rules that keep them sane.
//!
//! Plain Rust only: no automerge calls, no web-sys. The document layer stores
//! these types; the UI shows them. Rules live here so that native tests cover
//! them and every screen enforces the same limits.

mod account;
mod contact;
mod day;
mod error;
mod ids;
mod stamp;
mod text;
mod touch;

pub use account::{Account, AccountDraft};
pub use contact::{Contact, ContactDraft};
pub use day::Day;
pub use error::DomainError;
pub use ids::{AccountId, ContactId, DeviceId, IdError, TouchId};
pub use stamp::{Author, Edit, Stamp};
pub(crate) use text::name_key;
pub use text::{MAX_NAME_CHARS, MAX_NOTE_CHARS, MAX_SHORT_CHARS, lowercase};
pub use touch::{Touch, TouchDraft, TouchKind};
