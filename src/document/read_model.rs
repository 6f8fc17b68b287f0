//! [`ReadModel`]: the records hydrated from the document, indexed for the
//! screens. Built once from the document, then kept current record by
//! record: a command or a merge names the records it touched
//! ([`Workspace::changes_since`](crate::document::Workspace::changes_since))
//! and only those are hydrated again, as a [`Patch`]. Never edited by hand
//! (data flows one way: document → patch → read model → view).
//!
//! A patch is plain data: the workspace worker reads it from the document
//! and posts it to the page, whose read model applies it without automerge.
//! [`ModelCache`] is the whole model saved with the heads it reflects, so the
//! first screen can be drawn before the document is loaded.

use std::collections::{BTreeSet, HashMap};

use automerge::{AutoCommit, ChangeHash, ObjId, ObjType, ROOT, ReadDoc, Value};
use autosurgeon::Hydrate;
use serde::{Deserialize, Serialize};

use crate::document::FieldConflict;
use crate::document::conflict::field_conflicts;
use crate::document::prefetch::Prefetched;
use crate::document::schema::{ACCOUNTS, CONTACTS, TOUCHES};
use crate::domain::{Account, AccountId, Contact, ContactId, Day, Touch, TouchId, lowercase};

/// Names one record of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RecordKey {
    /// An account.
    Account(AccountId),
    /// A contact.
    Contact(ContactId),
    /// A touch.
    Touch(TouchId),
}

/// What a change to the document touched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    /// These records, and nothing else.
    Records(BTreeSet<RecordKey>),
    /// Something structural (a collection replaced): rebuild everything.
    Everything,
}

/// One record as the document holds it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Found {
    /// An account (live or a tombstone).
    Account(Account),
    /// A contact.
    Contact(Contact),
    /// A touch.
    Touch(Touch),
    /// Not in the document.
    Missing,
    /// In the document, but not in a shape this version reads.
    Unreadable,
}

/// Records read from the document after a change: what the read model must
/// take over.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Patch {
    /// Start from an empty model (the patch then holds every record).
    pub reset: bool,
    /// Each changed record as it is now.
    pub records: Vec<(RecordKey, Found)>,
    /// The fields of accounts and contacts that two devices changed while
    /// apart, each with every value kept. An empty list clears a record's
    /// conflicts; a resetting patch lists only records that have some.
    pub conflicts: Vec<(RecordKey, Vec<FieldConflict>)>,
}

impl Patch {
    /// Reads the `changed` records of `doc`.
    pub fn read(doc: &AutoCommit, changed: &Changed) -> Self {
        let (reset, keys) = match changed {
            Changed::Everything => (true, all_keys(doc)),
            Changed::Records(keys) => (false, keys.clone()),
        };
        let mut conflicts = Vec::new();
        let records = keys
            .into_iter()
            .map(|key| {
                let (found, record) = match key {
                    RecordKey::Account(id) => hydrate(doc, ACCOUNTS, id, Found::Account),
                    RecordKey::Contact(id) => hydrate(doc, CONTACTS, id, Found::Contact),
                    RecordKey::Touch(id) => (hydrate(doc, TOUCHES, id, Found::Touch).0, None),
                };
                if let Some(record) = record {
                    let fields = field_conflicts(doc, &record).unwrap_or_default();
                    if !(reset && fields.is_empty()) {
                        conflicts.push((key, fields));
                    }
                }
                (key, found)
            })
            .collect();
        Patch {
            reset,
            records,
            conflicts,
        }
    }

    /// Nothing to apply.
    pub fn is_empty(&self) -> bool {
        !self.reset && self.records.is_empty()
    }

    /// The same patch as several of at most `size` records each, applied
    /// one after another (only the first resets), so that no single step
    /// takes long.
    pub fn into_slices(self, size: usize) -> Vec<Patch> {
        let mut slices = Vec::new();
        let mut records = self.records.into_iter().peekable();
        let mut reset = self.reset;
        loop {
            let slice: Vec<_> = records.by_ref().take(size.max(1)).collect();
            if slice.is_empty() && !slices.is_empty() {
                break;
            }
            slices.push(Patch {
                reset,
                records: slice,
                conflicts: Vec::new(),
            });
            reset = false;
            if records.peek().is_none() {
                break;
            }
        }
        // After the reset, whichever slice: conflicts do not depend on the
        // records' order.
        if let Some(last) = slices.last_mut() {
            last.conflicts = self.conflicts;
        }
        slices
    }
}

/// The key of every record in `doc`.
fn all_keys(doc: &AutoCommit) -> BTreeSet<RecordKey> {
    let mut keys = BTreeSet::new();
    for (collection, kind) in [
        (ACCOUNTS, RecordKind::Account),
        (CONTACTS, RecordKind::Contact),
        (TOUCHES, RecordKind::Touch),
    ] {
        if let Some(obj) = collection_obj(doc, collection) {
            keys.extend(doc.keys(&obj).filter_map(|k| kind.key(&k)));
        }
    }
    keys
}

/// The record stored under `id` in `collection`, or why there is none.
fn hydrate<T: Hydrate>(
    doc: &AutoCommit,
    collection: &str,
    id: impl ToString,
    found: fn(T) -> Found,
) -> (Found, Option<ObjId>) {
    let Some(obj) = collection_obj(doc, collection) else {
        return (Found::Missing, None);
    };
    match doc.get(&obj, id.to_string()) {
        // A fresh cache per record: it never holds more than one record.
        Ok(Some((Value::Object(ObjType::Map), record))) => {
            let found = T::hydrate_map(&Prefetched::new(doc), &record)
                .map(found)
                .unwrap_or(Found::Unreadable);
            (found, Some(record))
        }
        Ok(None) => (Found::Missing, None),
        _ => (Found::Unreadable, None),
    }
}

/// The account list saved with the document heads it reflects: all the page
/// decodes before drawing the first screen (a few hundred kilobytes for a
/// large team, where the whole model is many megabytes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowsCache {
    /// See [`ModelCache::format`].
    pub format: u32,
    /// The heads of the document the rows were read from.
    pub heads: Vec<[u8; 32]>,
    /// The live account rows, sorted.
    pub rows: Vec<AccountRow>,
}

impl RowsCache {
    /// The rows of `model`, read at `heads`.
    pub fn of(model: &ReadModel, heads: &[ChangeHash]) -> Self {
        Self {
            format: ModelCache::FORMAT,
            heads: heads.iter().map(|h| h.0).collect(),
            rows: model.rows.clone(),
        }
    }

    /// The bytes stored in IndexedDB.
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).unwrap_or_default()
    }

    /// The rows in `bytes`, if they are a form this version reads.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        postcard::from_bytes::<Self>(bytes)
            .ok()
            .filter(|cache| cache.format == ModelCache::FORMAT)
    }
}

/// The read model saved with the document heads it reflects: what the
/// worker hands the page while it loads the document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelCache {
    /// Bumped when the cached form changes; another value is ignored.
    pub format: u32,
    /// The heads of the document the records were read from.
    pub heads: Vec<[u8; 32]>,
    /// Every record, as one resetting patch.
    pub patch: Patch,
}

impl ModelCache {
    /// The form this version writes and reads (2: patches carry conflicts).
    pub const FORMAT: u32 = 2;

    /// The cache of `model`, read at `heads`.
    pub fn of(model: &ReadModel, heads: &[ChangeHash]) -> Self {
        Self {
            format: Self::FORMAT,
            heads: heads.iter().map(|h| h.0).collect(),
            patch: model.to_patch(),
        }
    }

    /// The bytes stored in IndexedDB.
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).unwrap_or_default()
    }

    /// The cache in `bytes`, if they are one this version reads.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        postcard::from_bytes::<Self>(bytes)
            .ok()
            .filter(|cache| cache.format == Self::FORMAT)
    }

    /// The heads as automerge hashes.
    pub fn change_hashes(&self) -> Vec<ChangeHash> {
        self.heads.iter().map(|h| ChangeHash(*h)).collect()
    }
}

/// One line of the account list.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AccountRow {
    /// The account.
    pub id: AccountId,
    /// Its name.
    pub name: String,
    /// Its city.
    pub city: String,
    /// Its industry.
    pub industry: String,
    /// Day of the latest live touch.
    pub last_touch: Option<Day>,
    /// Live contacts.
    pub contacts: usize,
    /// Lowercased name, city, industry and contact names: what the filter matches.
    search: String,
}

/// The live contacts and touches of one live account, sorted for display.
#[derive(Debug, Clone, Default, PartialEq)]
struct AccountView {
    contacts: Vec<ContactId>,
    touches: Vec<TouchId>,
}

/// Every record of a workspace, ready to show.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadModel {
    // Every hydrated record, tombstones included.
    accounts: HashMap<AccountId, Account>,
    contacts: HashMap<ContactId, Contact>,
    touches: HashMap<TouchId, Touch>,
    /// Which contacts and touches name each account, live or not.
    members: HashMap<AccountId, (BTreeSet<ContactId>, BTreeSet<TouchId>)>,
    // Derived, live records only.
    views: HashMap<AccountId, AccountView>,
    /// Live account rows sorted by name.
    rows: Vec<AccountRow>,
    /// Records this version could not read (written by a newer version, or
    /// damaged). They stay in the document untouched.
    unreadable: BTreeSet<RecordKey>,
    /// Fields with concurrent values, by record (only records that have some).
    conflicts: HashMap<RecordKey, Vec<FieldConflict>>,
}

impl ReadModel {
    /// Hydrates every record of `doc`.
    pub fn from_doc(doc: &AutoCommit) -> Self {
        let mut model = ReadModel::default();
        model.apply(Patch::read(doc, &Changed::Everything));
        model
    }

    /// Brings the model up to date after `changed` records changed in `doc`.
    pub fn update(&mut self, doc: &AutoCommit, changed: &Changed) {
        self.apply(Patch::read(doc, changed));
    }

    /// Takes over the records of `patch`.
    pub fn apply(&mut self, patch: Patch) {
        if patch.reset {
            *self = Self::default();
        }
        let mut dirty = BTreeSet::new();
        for (key, found) in patch.records {
            self.unreadable.remove(&key);
            if found == Found::Unreadable {
                self.unreadable.insert(key);
            }
            match key {
                RecordKey::Account(id) => {
                    let record = match found {
                        Found::Account(a) => Some(a),
                        _ => None,
                    };
                    set(&mut self.accounts, id, record);
                    dirty.insert(id);
                }
                RecordKey::Contact(id) => {
                    if let Some(old) = self.contacts.get(&id) {
                        dirty.insert(old.account);
                        self.member(old.account).0.remove(&id);
                    }
                    let record = match found {
                        Found::Contact(c) => Some(c),
                        _ => None,
                    };
                    if let Some(new) = &record {
                        dirty.insert(new.account);
                        self.member(new.account).0.insert(id);
                    }
                    set(&mut self.contacts, id, record);
                }
                RecordKey::Touch(id) => {
                    if let Some(old) = self.touches.get(&id) {
                        dirty.insert(old.account);
                        self.member(old.account).1.remove(&id);
                    }
                    let record = match found {
                        Found::Touch(t) => Some(t),
                        _ => None,
                    };
                    if let Some(new) = &record {
                        dirty.insert(new.account);
                        self.member(new.account).1.insert(id);
                    }
                    set(&mut self.touches, id, record);
                }
            }
        }
        for account in dirty {
            self.reindex(account);
        }
        for (key, fields) in patch.conflicts {
            set(
                &mut self.conflicts,
                key,
                Some(fields).filter(|f| !f.is_empty()),
            );
        }
    }

    /// The fields of `key` that hold concurrent values (none for most).
    pub fn conflicts(&self, key: RecordKey) -> &[FieldConflict] {
        self.conflicts.get(&key).map_or(&[], Vec::as_slice)
    }

    /// A model holding only account rows (the first screen, drawn before the
    /// records arrive).
    pub fn preview(rows: Vec<AccountRow>) -> Self {
        Self {
            rows,
            ..Self::default()
        }
    }

    /// Every record as one resetting patch: the model's saved form.
    pub fn to_patch(&self) -> Patch {
        let mut records: Vec<(RecordKey, Found)> = Vec::with_capacity(
            self.accounts.len() + self.contacts.len() + self.touches.len() + self.unreadable.len(),
        );
        records.extend(
            self.accounts
                .iter()
                .map(|(id, a)| (RecordKey::Account(*id), Found::Account(a.clone()))),
        );
        records.extend(
            self.contacts
                .iter()
                .map(|(id, c)| (RecordKey::Contact(*id), Found::Contact(c.clone()))),
        );
        records.extend(
            self.touches
                .iter()
                .map(|(id, t)| (RecordKey::Touch(*id), Found::Touch(t.clone()))),
        );
        records.extend(self.unreadable.iter().map(|k| (*k, Found::Unreadable)));
        Patch {
            reset: true,
            records,
            conflicts: self
                .conflicts
                .iter()
                .map(|(k, f)| (*k, f.clone()))
                .collect(),
        }
    }

    fn member(&mut self, account: AccountId) -> &mut (BTreeSet<ContactId>, BTreeSet<TouchId>) {
        self.members.entry(account).or_default()
    }

    /// Recomputes one account's view and row from the records.
    fn reindex(&mut self, id: AccountId) {
        if let Ok(i) = self.row_position(id) {
            self.rows.remove(i);
        }
        let Some(account) = self.accounts.get(&id).filter(|a| a.is_live()) else {
            self.views.remove(&id);
            return;
        };
        let (contact_ids, touch_ids) = self.members.get(&id).cloned().unwrap_or_default();
        let mut contacts: Vec<ContactId> = contact_ids
            .into_iter()
            .filter(|c| self.contacts[c].is_live())
            .collect();
        contacts.sort_by_cached_key(|c| (lowercase(&self.contacts[c].name), *c));
        let mut touches: Vec<TouchId> = touch_ids
            .into_iter()
            .filter(|t| self.touches[t].is_live())
            .collect();
        // Newest first; same day: the later logged first.
        touches.sort_by(|a, b| {
            let (ta, tb) = (&self.touches[a], &self.touches[b]);
            (tb.day, tb.created.at, *b).cmp(&(ta.day, ta.created.at, *a))
        });
        let mut search = format!("{}\n{}\n{}", account.name, account.city, account.industry);
        for c in &contacts {
            search.push('\n');
            search.push_str(&self.contacts[c].name);
        }
        let row = AccountRow {
            id,
            name: account.name.clone(),
            city: account.city.clone(),
            industry: account.industry.clone(),
            last_touch: touches.first().map(|t| self.touches[t].day),
            contacts: contacts.len(),
            search: lowercase(&search),
        };
        let at = self
            .rows
            .partition_point(|r| row_order(r) < row_order(&row));
        self.rows.insert(at, row);
        self.views.insert(id, AccountView { contacts, touches });
    }

    fn row_position(&self, id: AccountId) -> Result<usize, ()> {
        self.rows.iter().position(|r| r.id == id).ok_or(())
    }

    /// No live accounts.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Number of live accounts.
    pub fn account_count(&self) -> usize {
        self.rows.len()
    }

    /// Number of live touches (of live accounts).
    pub fn touch_count(&self) -> usize {
        self.views.values().map(|v| v.touches.len()).sum()
    }

    /// Records this version could not read.
    pub fn unreadable(&self) -> usize {
        self.unreadable.len()
    }

    /// A live account.
    pub fn account(&self, id: AccountId) -> Option<&Account> {
        self.accounts.get(&id).filter(|a| a.is_live())
    }

    /// A live contact of a live account.
    pub fn contact(&self, id: ContactId) -> Option<&Contact> {
        self.contacts
            .get(&id)
            .filter(|c| c.is_live() && self.account(c.account).is_some())
    }

    /// A live touch of a live account.
    pub fn touch(&self, id: TouchId) -> Option<&Touch> {
        self.touches
            .get(&id)
            .filter(|t| t.is_live() && self.account(t.account).is_some())
    }

    /// Account rows whose name, city, industry or a contact's name contains
    /// every word of `query` (ignoring case), sorted by name.
    pub fn filter_accounts(&self, query: &str) -> Vec<&AccountRow> {
        let words: Vec<String> = query.split_whitespace().map(lowercase).collect();
        self.rows
            .iter()
            .filter(|r| words.iter().all(|w| r.search.contains(w.as_str())))
            .collect()
    }

    /// The live contacts of an account, by name.
    pub fn contacts_of(&self, account: AccountId) -> Vec<(ContactId, &Contact)> {
        self.views
            .get(&account)
            .map(|v| {
                v.contacts
                    .iter()
                    .map(|id| (*id, &self.contacts[id]))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The live touches of an account, newest first.
    pub fn timeline(&self, account: AccountId) -> Vec<(TouchId, &Touch)> {
        self.views
            .get(&account)
            .map(|v| {
                v.touches
                    .iter()
                    .map(|id| (*id, &self.touches[id]))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Where a row sorts: by lower-case name, then id. The name in lower case
/// is the first line of `search` (names are one line), so sorting reads it
/// from there instead of lower-casing names at every comparison (in the
/// browser that is a call into JavaScript each time).
fn row_order(row: &AccountRow) -> (&str, AccountId) {
    (row.search.split('\n').next().unwrap_or_default(), row.id)
}

fn set<K: std::hash::Hash + Eq, V>(map: &mut HashMap<K, V>, key: K, value: Option<V>) {
    match value {
        Some(v) => {
            map.insert(key, v);
        }
        None => {
            map.remove(&key);
        }
    }
}

/// The kind of record a collection holds.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RecordKind {
    Account,
    Contact,
    Touch,
}

impl RecordKind {
    /// The kind of the records in `collection`, if it is one.
    pub(crate) fn of_collection(collection: &str) -> Option<Self> {
        match collection {
            ACCOUNTS => Some(Self::Account),
            CONTACTS => Some(Self::Contact),
            TOUCHES => Some(Self::Touch),
            _ => None,
        }
    }

    /// The key of the record stored under `id`, if `id` is a record id.
    pub(crate) fn key(self, id: &str) -> Option<RecordKey> {
        Some(match self {
            Self::Account => RecordKey::Account(id.parse().ok()?),
            Self::Contact => RecordKey::Contact(id.parse().ok()?),
            Self::Touch => RecordKey::Touch(id.parse().ok()?),
        })
    }
}

fn collection_obj(doc: &AutoCommit, collection: &str) -> Option<ObjId> {
    match doc.get(ROOT, collection) {
        Ok(Some((Value::Object(ObjType::Map), obj))) => Some(obj),
        _ => None,
    }
}
