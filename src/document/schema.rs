//! The shape of the workspace document, and the genesis change every copy of
//! a workspace starts from.
//!
//! ```text
//! ROOT
//! ├── schema_version: u64          (1, written by the genesis, never raised)
//! ├── accounts: { <AccountId>: Account }
//! ├── contacts: { <ContactId>: Contact }
//! ├── touches:  { <TouchId>: Touch }
//! └── …: a map per later kind, each made by its version's upgrade change
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
//!
//! **The schema grows by upgrade changes.** A collection added by version
//! `n` (a kind whose [`Record::SINCE`] is `n`) is made by the *upgrade
//! change* of `n`: written by a fixed actor (all zeros but `n` in the last
//! eight bytes), at time 0, on top of the genesis alone. It depends only on
//! the genesis and on the code, so every device that upgrades makes it
//! byte-identical, with the same hash, whenever and wherever it does: two
//! devices that upgrade separately while apart merge into one map, with
//! nobody's records hidden behind a conflict. A workspace gets the upgrade
//! changes it lacks when it is made or loaded.
//!
//! The root's `schema_version` stays at 1: versions before this scheme
//! refuse a document whose number is higher, and an upgrade must not lock
//! them out. A device on an older version keeps reading and writing every
//! kind it knows; the collections it does not know it leaves untouched
//! and counts ([`Patch::newer`](crate::document::Patch::newer)), so the
//! rep is told that an update is needed to see them.

use std::sync::OnceLock;

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{
    ActorId, AutoCommit, Change, ChangeHash, ObjType, ROOT, ReadDoc, ScalarValue, Value,
};

use crate::document::DocumentError;
#[cfg(doc)]
use crate::domain::Record;
use crate::domain::sort::sort_by_key;
use crate::domain::{Kind, KindVisitor, for_each_kind};

/// The newest schema this version writes and reads: the highest
/// [`Record::SINCE`] of its kinds.
pub const SCHEMA_VERSION: u64 = crate::domain::NEWEST_SINCE;

/// The collections the genesis makes (schema 1). Never changed: every
/// workspace ever made starts from exactly these.
const GENESIS_COLLECTIONS: [&str; 3] = ["accounts", "contacts", "touches"];
const VERSION_KEY: &str = "schema_version";
/// What the genesis writes under [`VERSION_KEY`], forever: the genesis must
/// stay the same change on every device, whatever this version's schema.
const GENESIS_VERSION: u64 = 1;

/// Every collection this version knows, with the version that added it.
pub(crate) fn collections() -> &'static [(&'static str, u64)] {
    static ALL: OnceLock<Vec<(&'static str, u64)>> = OnceLock::new();
    ALL.get_or_init(|| {
        struct Collections(Vec<(&'static str, u64)>);
        impl KindVisitor for Collections {
            fn visit<K: Kind>(&mut self) {
                self.0.push((K::COLLECTION, K::SINCE));
            }
        }
        let mut all = Collections(Vec::new());
        for_each_kind(&mut all);
        all.0
    })
}

/// The one record a collection holds from the start, for a kind that has
/// one ([`Record::SINGLETON`]: the team's settings), by collection: its id
/// and its fields.
type Singleton = (
    &'static str,
    &'static [(&'static str, crate::domain::Initial)],
);

fn singleton_of(collection: &str) -> Option<Singleton> {
    static ALL: OnceLock<Vec<(&'static str, Singleton)>> = OnceLock::new();
    ALL.get_or_init(|| {
        struct Singletons(Vec<(&'static str, Singleton)>);
        impl KindVisitor for Singletons {
            fn visit<K: Kind>(&mut self) {
                if let Some(singleton) = K::SINGLETON {
                    self.0.push((K::COLLECTION, singleton));
                }
            }
        }
        let mut all = Singletons(Vec::new());
        for_each_kind(&mut all);
        all.0
    })
    .iter()
    .find(|(name, _)| *name == collection)
    .map(|(_, singleton)| *singleton)
}

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
    for key in GENESIS_COLLECTIONS {
        doc.put_object(ROOT, key, ObjType::Map)
            .expect("putting a map on a fresh root cannot fail");
    }
    doc.put(ROOT, VERSION_KEY, GENESIS_VERSION)
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
pub(crate) fn genesis_heads() -> &'static [ChangeHash] {
    static HEADS: OnceLock<Vec<ChangeHash>> = OnceLock::new();
    HEADS.get_or_init(|| genesis().get_heads())
}

/// The upgrade change of schema `version` making `collections`: the same
/// bytes on every device (see the module doc). A collection of a kind with
/// a [`Record::SINGLETON`] is made holding that record, its fields set, so
/// every device edits the same object and the same keys.
pub fn upgrade_change(version: u64, collections: &[&str]) -> Change {
    let mut actor = GENESIS_ACTOR;
    actor[8..].copy_from_slice(&version.to_be_bytes());
    let mut doc = genesis().with_actor(ActorId::from(actor));
    for key in collections {
        let collection = doc
            .put_object(ROOT, *key, ObjType::Map)
            .expect("putting a map on the root cannot fail");
        if let Some((id, fields)) = singleton_of(key) {
            let record = doc
                .put_object(&collection, id, ObjType::Map)
                .expect("putting a map in a fresh map cannot fail");
            for (field, value) in fields {
                let value = match *value {
                    crate::domain::Initial::Text(text) => ScalarValue::Str(text.into()),
                    crate::domain::Initial::Int(n) => ScalarValue::Int(n),
                    crate::domain::Initial::Null => ScalarValue::Null,
                };
                doc.put(&record, *field, value)
                    .expect("putting a scalar in a fresh map cannot fail");
            }
        }
    }
    doc.commit_with(
        CommitOptions::default()
            .with_message(format!("schema {version}"))
            .with_time(0),
    );
    doc.get_last_local_change()
        .expect("the upgrade was just committed")
        .clone()
}

/// The upgrade changes from `known` (collections with the version that
/// added them), oldest version first; none for schema 1.
pub fn upgrades_of(known: &[(&str, u64)]) -> Vec<Change> {
    let mut versions: Vec<u64> = known.iter().map(|(_, v)| *v).filter(|v| *v > 1).collect();
    sort_by_key(&mut versions, |v| *v);
    versions.dedup();
    versions
        .into_iter()
        .map(|version| {
            let names: Vec<&str> = known
                .iter()
                .filter(|(_, v)| *v == version)
                .map(|(name, _)| *name)
                .collect();
            upgrade_change(version, &names)
        })
        .collect()
}

/// This version's upgrade changes, made once.
fn upgrades() -> &'static [Change] {
    static UPGRADES: OnceLock<Vec<Change>> = OnceLock::new();
    UPGRADES.get_or_init(|| upgrades_of(collections()))
}

/// Gives `doc` the upgrade changes of `upgrades` it lacks. Applied as
/// changes, so the document's own actor writes nothing.
pub(crate) fn upgrade_with(doc: &mut AutoCommit, upgrades: &[Change]) -> Result<(), DocumentError> {
    let missing: Vec<Change> = upgrades
        .iter()
        .filter(|change| doc.get_change_by_hash(&change.hash()).is_none())
        .cloned()
        .collect();
    if !missing.is_empty() {
        doc.apply_changes(missing)?;
    }
    Ok(())
}

/// Gives `doc` this version's upgrade changes it lacks.
pub(crate) fn upgrade(doc: &mut AutoCommit) -> Result<(), DocumentError> {
    upgrade_with(doc, upgrades())
}

/// The heads of a workspace with nothing in it yet: the genesis and this
/// version's upgrades.
pub(crate) fn empty_heads() -> &'static [ChangeHash] {
    static HEADS: OnceLock<Vec<ChangeHash>> = OnceLock::new();
    HEADS.get_or_init(|| {
        let mut doc = genesis();
        // This version's own upgrades always apply to its own genesis.
        let _ = upgrade(&mut doc);
        doc.get_heads()
    })
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
    for key in GENESIS_COLLECTIONS {
        if !matches!(doc.get(ROOT, key)?, Some((Value::Object(ObjType::Map), _))) {
            return Err(DocumentError::NotAWorkspace(
                "a record collection is missing",
            ));
        }
    }
    Ok(version)
}

/// The schema a document is at: the newest of its genesis and of the
/// collections this version knows that it holds (each came in by its
/// version's upgrade change).
pub(crate) fn version_of(doc: &AutoCommit) -> Result<u64, DocumentError> {
    let mut version = check(doc)?;
    for (name, since) in collections() {
        if matches!(
            doc.get(ROOT, *name)?,
            Some((Value::Object(ObjType::Map), _))
        ) {
            version = version.max(*since);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_version_is_that_of_the_newest_kind() {
        let newest = collections().iter().map(|(_, since)| *since).max();
        assert_eq!(newest, Some(SCHEMA_VERSION));
        for name in GENESIS_COLLECTIONS {
            assert!(collections().contains(&(name, 1)), "{name} is schema 1");
        }
    }

    #[test]
    fn a_fresh_workspace_holds_the_genesis_and_this_versions_upgrades() {
        let mut doc = genesis();
        upgrade(&mut doc).unwrap();
        assert_eq!(doc.get_heads(), empty_heads());
        for (name, _) in collections() {
            assert!(matches!(
                doc.get(ROOT, *name).unwrap(),
                Some((Value::Object(ObjType::Map), _))
            ));
        }
    }
}
