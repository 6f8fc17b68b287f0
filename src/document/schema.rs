//! The shape of the workspace document, and the genesis change every copy of
//! a workspace starts from.
//!
//! ```text
//! ROOT
//! ├── schema_version: u64
//! ├── accounts: { <AccountId>: Account }
//! ├── contacts: { <ContactId>: Contact }
//! └── touches:  { <TouchId>: Touch }
//! ```
//!
//! Records are maps keyed by their id, and each field is its own map key, so
//! two reps editing different fields of one account merge cleanly; the same
//! field edited on two devices keeps both values as an Automerge conflict.
//!
//! **Free text is stored as plain strings, not Automerge `Text`.** `Text`
//! records every keystroke as its own operation with its own id; a team's
//! hundred thousand visit notes would then carry tens of millions of
//! operations, and loading such documents is what makes Automerge apps slow
//! (automerge issues #1244, #705). A note is written by one rep at a time, so
//! character-level merging buys nothing: a concurrent edit of the same note
//! becomes a visible conflict with both versions kept, which is what a rep
//! wants for a note anyway.
//!
//! New fields are added with defaults, never renamed or re-typed; documents
//! saved by earlier versions are kept in `tests/fixtures/` and must load.

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, AutoCommit, ObjType, ROOT, ReadDoc, ScalarValue, Value};

use crate::document::DocumentError;

/// The schema this version writes and reads.
pub const SCHEMA_VERSION: u64 = 1;

pub(crate) const ACCOUNTS: &str = "accounts";
pub(crate) const CONTACTS: &str = "contacts";
pub(crate) const TOUCHES: &str = "touches";
const VERSION_KEY: &str = "schema_version";

/// The actor that writes the genesis change: all zeros, so every device makes
/// the byte-identical change.
const GENESIS_ACTOR: [u8; 16] = [0; 16];

/// A new document holding only the genesis change.
///
/// If two devices (or two tabs) each created the top-level maps with their
/// own actor, the maps would conflict on merge and one device's records would
/// vanish from view. Made with a fixed actor and time, the genesis change has
/// the same hash everywhere, so merging deduplicates it instead.
pub(crate) fn genesis() -> AutoCommit {
    let mut doc = AutoCommit::new().with_actor(ActorId::from(GENESIS_ACTOR));
    for key in [ACCOUNTS, CONTACTS, TOUCHES] {
        doc.put_object(ROOT, key, ObjType::Map)
            .expect("putting a map on a fresh root cannot fail");
    }
    doc.put(ROOT, VERSION_KEY, SCHEMA_VERSION)
        .expect("putting a scalar on a fresh root cannot fail");
    doc.commit_with(
        CommitOptions::default()
            .with_message("genesis")
            .with_time(0),
    );
    doc
}

/// The heads of the genesis document, computed once: every saved document
/// and every apply of a snapshot is checked against them.
pub(crate) fn genesis_heads() -> &'static [automerge::ChangeHash] {
    static HEADS: std::sync::OnceLock<Vec<automerge::ChangeHash>> = std::sync::OnceLock::new();
    HEADS.get_or_init(|| genesis().get_heads())
}

/// The schema version the document claims, refusing documents this version
/// cannot read.
pub(crate) fn check(doc: &AutoCommit) -> Result<u64, DocumentError> {
    let version = match doc.get(ROOT, VERSION_KEY)? {
        Some((Value::Scalar(s), _)) => match s.as_ref() {
            ScalarValue::Uint(v) => *v,
            ScalarValue::Int(v) if *v >= 0 => *v as u64,
            _ => {
                return Err(DocumentError::NotAWorkspace(
                    "schema_version is not a number",
                ));
            }
        },
        _ => return Err(DocumentError::NotAWorkspace("no schema_version")),
    };
    if version > SCHEMA_VERSION {
        return Err(DocumentError::NewerSchema {
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    for key in [ACCOUNTS, CONTACTS, TOUCHES] {
        if !matches!(doc.get(ROOT, key)?, Some((Value::Object(ObjType::Map), _))) {
            return Err(DocumentError::NotAWorkspace(
                "a record collection is missing",
            ));
        }
    }
    Ok(version)
}

/// Refuses a document that does not grow from the shared genesis change: its
/// collections would be other objects than every device's, and merging it
/// would hide one side's records.
pub(crate) fn check_genesis(doc: &mut AutoCommit) -> Result<(), DocumentError> {
    if genesis_heads()
        .iter()
        .all(|h| doc.get_change_by_hash(h).is_some())
    {
        Ok(())
    } else {
        Err(DocumentError::NotAWorkspace(
            "it does not start from the Rapport genesis",
        ))
    }
}
