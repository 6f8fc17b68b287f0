//! What every kind of record has in common: the [`Record`] trait a kind
//! implements in its own file, and [`Records`], the records as they stand,
//! which the rules of every kind are checked against — by the page on its
//! read model and by the worker on the document, with the same code.
//!
//! A kind is declared once: its file implements [`Record`] (collection,
//! id, draft, fields, parent account, rules) and names itself in the list
//! in `kinds.rs`; everything generic (commands, the document, the read
//! model, patches, the cache, conflicts) follows from that. The recipe is
//! in `docs/record-kinds.md`.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::fmt::{Debug, Display};
use std::hash::Hash;
use std::str::FromStr;

use autosurgeon::{Hydrate, Reconcile};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::domain::{Account, AccountId, DomainError, Edit, Kind, RecordKey, Stamp};

/// A typed record id (`AccountId`, `TouchId`, …): a UUID, stored as its
/// hyphenated text, travelling as its 128-bit number.
pub trait RecordId:
    Copy
    + Eq
    + Hash
    + Ord
    + Debug
    + Display
    + FromStr
    + Serialize
    + DeserializeOwned
    + Hydrate
    + Reconcile
    + 'static
{
    /// The kind of record this id names.
    type Record: Kind<Id = Self>;

    /// A new random id.
    fn random() -> Self;

    /// An id from caller-supplied random bytes (deterministic demo data).
    fn from_random_bytes(bytes: [u8; 16]) -> Self;

    /// The UUID it wraps (for indexes shared by every kind).
    fn uuid(self) -> uuid::Uuid;

    /// The id wrapping `uuid`.
    fn from_uuid(uuid: uuid::Uuid) -> Self;
}

/// Where a record hangs: `()` for a record of its own (an account), the
/// [`AccountId`] for a record grouped under an account. Grouping every
/// record under its account is what lets the workspace later be split into
/// parts loaded separately (`docs/design/workspace-parts.md`).
pub trait Parent: Copy + Debug + Eq + Serialize + DeserializeOwned + 'static {
    /// The account, if the record belongs to one.
    fn account(self) -> Option<AccountId>;
}

impl Parent for () {
    fn account(self) -> Option<AccountId> {
        None
    }
}

impl Parent for AccountId {
    fn account(self) -> Option<AccountId> {
        Some(self)
    }
}

/// The fields of a kind that a rep may settle when two devices changed them
/// while apart: a typed enum per kind, so a resolution can only name a
/// field the kind has and its draft validates.
pub trait Field: Copy + Debug + Eq + Serialize + DeserializeOwned + 'static {
    /// Every field, in the order the form shows them.
    const ALL: &'static [Self];

    /// The field's key in the record's map in the document.
    fn name(self) -> &'static str;

    /// The field stored under `name`, if it is one of these.
    fn named(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|f| f.name() == name)
    }
}

/// A field's value as a schema's upgrade change writes it
/// ([`Record::SINGLETON`]): what the field's `Reconcile` writes for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Initial {
    /// A string.
    Text(&'static str),
    /// A signed integer.
    Int(i64),
    /// Nothing (an `Option` that is `None`).
    Null,
}

/// The stamps every record carries, to be set by the generic commands.
pub struct StampsMut<'a> {
    /// Who changed it last.
    pub updated: &'a mut Stamp,
    /// Set when deleted (a tombstone that travels to the team).
    pub deleted: &'a mut Option<Stamp>,
}

/// What a rep fills in for one kind of record: names the kind, so that
/// `Workspace::create(&draft, …)` knows what it makes.
pub trait Draft: Clone + Debug + Eq + Serialize + DeserializeOwned + 'static {
    /// The kind this draft creates and edits.
    type Record: Kind<Draft = Self>;
}

/// One kind of record of the workspace document.
pub trait Record:
    Clone + Debug + Eq + Serialize + DeserializeOwned + Hydrate + Reconcile + 'static
{
    /// The map at the document's root that holds every record of this kind
    /// by id. Never renamed.
    const COLLECTION: &'static str;
    /// The schema version that added the collection (1: the genesis). A
    /// later one is made in existing workspaces by that version's upgrade
    /// change (`document::schema`).
    const SINCE: u64;

    /// Its typed id.
    type Id: RecordId<Record = Self>;
    /// What it hangs under.
    type Parent: Parent;
    /// What a rep fills in to create or edit it.
    type Draft: Draft<Record = Self>;
    /// The fields a conflict can be settled on.
    type Field: Field;

    /// The account it is grouped under (none for an account itself).
    fn parent(&self) -> Option<AccountId>;

    /// The account a record of this kind *is*, if the kind is accounts:
    /// its changes re-read that account's row.
    fn as_account(_id: Self::Id) -> Option<AccountId> {
        None
    }

    /// The tombstone, if deleted.
    fn deleted(&self) -> Option<&Stamp>;

    /// Its stamps, for the generic commands to set.
    fn stamps_mut(&mut self) -> StampsMut<'_>;

    /// The one record of this kind, for a kind that has exactly one in a
    /// workspace (the team's settings): its id and its fields as the
    /// schema's upgrade change writes them. Made by the upgrade, it is the
    /// same object on every device, with every field already present, so
    /// two devices that change it while apart merge field by field, as any
    /// record does. These values are part of the upgrade change's bytes:
    /// never changed, whatever the kind's defaults become.
    const SINGLETON: Option<(&'static str, &'static [(&'static str, Initial)])> = None;

    /// The first rule the draft's own fields break (empty, too long, not a
    /// date…), before anything else is looked at.
    fn check_draft(draft: &Self::Draft, edit: &Edit) -> Result<(), DomainError>;

    /// A new record from `draft` under `parent` (known to be live), or the
    /// first rule it breaks against `records`.
    fn create(
        parent: Self::Parent,
        draft: &Self::Draft,
        records: &impl Records,
        edit: &Edit,
    ) -> Result<Self, DomainError>;

    /// This record (live, stored under `id`) with the draft's values, or
    /// the first rule they break against `records`. The stamps are set by
    /// the caller.
    fn edited(
        &self,
        id: Self::Id,
        draft: &Self::Draft,
        records: &impl Records,
        edit: &Edit,
    ) -> Result<Self, DomainError>;

    /// This record with a value of a conflict kept: by default the same
    /// rules as an edit. A kind whose edits refuse to change something once
    /// set (a promise's outcome) lets a resolution through here, because
    /// settling a conflict picks one of the values already written.
    fn resolved(
        &self,
        id: Self::Id,
        draft: &Self::Draft,
        records: &impl Records,
        edit: &Edit,
    ) -> Result<Self, DomainError> {
        self.edited(id, draft, records, edit)
    }

    /// Why this record may not be deleted, if it may not (the stage
    /// history is kept whole).
    fn check_delete(&self, _id: Self::Id, _records: &impl Records) -> Result<(), DomainError> {
        Ok(())
    }

    /// The draft that edits this record as it is.
    fn draft(&self) -> Self::Draft;

    /// Puts `value` (as the document shows it: text) into the draft's
    /// `field`, or says why it cannot be one: how a conflict's kept value
    /// goes through the same rules as the form.
    fn set_field(
        draft: &mut Self::Draft,
        field: Self::Field,
        value: &str,
    ) -> Result<(), DomainError>;

    /// Not deleted (its account may still be).
    fn is_live(&self) -> bool {
        self.deleted().is_none()
    }
}

/// The records as they stand, wherever they are kept: the page's read
/// model, or the document itself. Every rule is checked against this, so
/// the page's instant answer and the document's are the same answer.
pub trait Records {
    /// The record stored under `id`, tombstones included; `None` if there
    /// is none this version can read.
    fn stored<K: Kind>(&self, id: K::Id) -> Option<Cow<'_, K>>;

    /// Whether anything at all is stored under `key` (readable or not): a
    /// new record must never be written over it.
    fn taken(&self, key: RecordKey) -> bool;

    /// The live account other than `except` whose name matches `name`
    /// ignoring case and spacing.
    fn account_named(&self, name: &str, except: Option<AccountId>) -> Option<AccountId>;

    /// Every record of kind `K` grouped under `account`, tombstones
    /// included, in no order: what a rule about an account's history (its
    /// stage moves, its deliveries) is checked against.
    fn of_account<K: Kind>(&self, account: AccountId) -> Vec<(K::Id, Cow<'_, K>)>;

    /// Every record of kind `K`, tombstones included, in no order: the
    /// team's history (its deliveries, for the lead-time warning).
    fn every<K: Kind>(&self) -> Vec<(K::Id, Cow<'_, K>)>;

    /// The live records of kind `K` of a live `account`.
    fn live_of_account<K: Kind>(&self, account: AccountId) -> Vec<(K::Id, Cow<'_, K>)> {
        if !self.stored::<Account>(account).is_some_and(|a| a.is_live()) {
            return Vec::new();
        }
        let mut live = self.of_account::<K>(account);
        live.retain(|(_, r)| r.is_live());
        live
    }

    /// The record under `id` if it is live: not deleted, and its account,
    /// if it has one, not deleted either (a deleted account hides its
    /// records, and nothing may change them).
    fn live<K: Kind>(&self, id: K::Id) -> Result<Cow<'_, K>, DomainError> {
        let unknown = || DomainError::Unknown(K::record_key(id));
        let record = self.stored::<K>(id).ok_or_else(unknown)?;
        if !record.is_live() {
            return Err(unknown());
        }
        if let Some(account) = record.parent()
            && !self.stored::<Account>(account).is_some_and(|a| a.is_live())
        {
            return Err(unknown());
        }
        Ok(record)
    }
}

/// Every record of one kind in memory, tombstones included, with the
/// records of each account: the read model's storage.
#[derive(Debug, Clone, PartialEq)]
pub struct Table<K: Record> {
    records: HashMap<K::Id, K>,
    /// The ids of each account's records, as plain UUIDs: one index type
    /// for every kind, so its code is in the wasm once, not once per kind.
    by_account: HashMap<AccountId, BTreeSet<uuid::Uuid>>,
}

impl<K: Record> Default for Table<K> {
    fn default() -> Self {
        Self {
            records: HashMap::new(),
            by_account: HashMap::new(),
        }
    }
}

/// Moves `id` in the index from the `old` account's records to the `new`
/// one's. Not generic: one copy for every kind.
fn reindex(
    by_account: &mut HashMap<AccountId, BTreeSet<uuid::Uuid>>,
    id: uuid::Uuid,
    old: Option<AccountId>,
    new: Option<AccountId>,
) {
    if let Some(old) = old
        && let Some(ids) = by_account.get_mut(&old)
    {
        ids.remove(&id);
        if ids.is_empty() {
            by_account.remove(&old);
        }
    }
    if let Some(new) = new {
        by_account.entry(new).or_default().insert(id);
    }
}

impl<K: Record> Table<K> {
    /// The record under `id`, tombstones included.
    pub fn get(&self, id: K::Id) -> Option<&K> {
        self.records.get(&id)
    }

    /// Puts (or, with `None`, removes) the record under `id`; returns the
    /// accounts whose records changed (the old and the new parent).
    pub fn set(&mut self, id: K::Id, record: Option<K>) -> [Option<AccountId>; 2] {
        let old = self.records.get(&id).and_then(K::parent);
        let new = record.as_ref().and_then(K::parent);
        reindex(&mut self.by_account, id.uuid(), old, new);
        match record {
            Some(record) => self.records.insert(id, record),
            None => self.records.remove(&id),
        };
        [old.or(K::as_account(id)), new]
    }

    /// The records (tombstones included) grouped under `account`, by id.
    pub fn of_account(&self, account: AccountId) -> impl Iterator<Item = (K::Id, &K)> {
        self.by_account
            .get(&account)
            .into_iter()
            .flatten()
            .map(|uuid| {
                let id = K::Id::from_uuid(*uuid);
                (id, &self.records[&id])
            })
    }

    /// Every record, tombstones included, in no order.
    pub fn iter(&self) -> impl Iterator<Item = (K::Id, &K)> {
        self.records.iter().map(|(id, r)| (*id, r))
    }

    /// How many records, tombstones included.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// No records at all.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

/// Declares a kind's [`Field`] enum from its variants and their keys in the
/// document: `fields!(/// … AccountField { /// … Name = "name", … })`.
macro_rules! fields {
    (
        $(#[$doc:meta])* $name:ident {
            $($(#[$vdoc:meta])* $variant:ident = $key:literal),+ $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl crate::domain::Field for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];

            fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $key,)+
                }
            }
        }
    };
}
pub(crate) use fields;

/// The two [`Record`] methods over the stamps every record carries in its
/// `updated` and `deleted` fields; used inside a kind's `impl Record`.
macro_rules! stamps {
    () => {
        fn deleted(&self) -> Option<&crate::domain::Stamp> {
            self.deleted.as_ref()
        }

        fn stamps_mut(&mut self) -> crate::domain::StampsMut<'_> {
            crate::domain::StampsMut {
                updated: &mut self.updated,
                deleted: &mut self.deleted,
            }
        }
    };
}
pub(crate) use stamps;

/// Declares the choices of a field a rep picks from (a remark's topic, a
/// warning's seriousness), each with its slug: the enum, stored in the
/// document under its variant's name, with `ALL` in the order the form
/// offers them, `slug` and `from_stored`.
/// `choices!(/// … Topic { /// … Delivery = "delivery", … })`.
macro_rules! choices {
    (
        $(#[$doc:meta])* $name:ident {
            $($(#[$vdoc:meta])* $variant:ident = $slug:literal),+ $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            PartialOrd,
            Ord,
            Hash,
            serde::Serialize,
            serde::Deserialize,
            autosurgeon::Reconcile,
            autosurgeon::Hydrate,
        )]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            /// Every choice, in the order the form offers them.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// A stable lowercase name (test ids, CSS classes, exports).
            pub fn slug(self) -> &'static str {
                match self {
                    $(Self::$variant => $slug,)+
                }
            }

            /// The choice stored under its variant's name, as the document
            /// holds it.
            pub fn from_stored(name: &str) -> Option<Self> {
                match name {
                    $(stringify!($variant) => Some(Self::$variant),)+
                    _ => None,
                }
            }

            /// The choice stored as `value` (a conflict's kept value), or
            /// why `field` cannot hold it.
            #[allow(dead_code, reason = "not every kind keeps every choice optional or not")]
            pub(crate) fn kept(
                field: &'static str,
                value: &str,
            ) -> Result<Self, crate::domain::DomainError> {
                Self::from_stored(value).ok_or_else(|| crate::domain::DomainError::NotAValue {
                    field,
                    value: value.to_owned(),
                })
            }

            /// Like `kept`, for a field that may hold none: "" is none.
            #[allow(dead_code, reason = "not every kind keeps every choice optional or not")]
            pub(crate) fn kept_optional(
                field: &'static str,
                value: &str,
            ) -> Result<Option<Self>, crate::domain::DomainError> {
                match value {
                    "" => Ok(None),
                    v => Self::kept(field, v).map(Some),
                }
            }
        }
    };
}
pub(crate) use choices;

/// The record id stored as `value` in an optional `field` (a conflict's
/// kept value): "" is none.
pub(crate) fn kept_id<I: FromStr>(
    field: &'static str,
    value: &str,
) -> Result<Option<I>, DomainError> {
    match value {
        "" => Ok(None),
        id => id.parse().map(Some).map_err(|_| DomainError::NotAValue {
            field,
            value: value.to_owned(),
        }),
    }
}
