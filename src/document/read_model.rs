//! [`ReadModel`]: the records hydrated from the document, indexed for the
//! screens. Built once from the document, then kept current record by
//! record: a command or a merge names the records it touched
//! ([`Workspace::changes_since`](crate::document::Workspace::changes_since))
//! and only those are hydrated again. Never edited by hand (data flows one
//! way: document → read model → view).

use std::collections::{BTreeSet, HashMap};

use automerge::{AutoCommit, ObjId, ObjType, ROOT, ReadDoc, Value};
use autosurgeon::Hydrate;

use crate::document::prefetch::Prefetched;
use crate::document::schema::{ACCOUNTS, CONTACTS, TOUCHES};
use crate::domain::{Account, AccountId, Contact, ContactId, Day, Touch, TouchId};

/// Names one record of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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

/// One line of the account list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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
}

impl ReadModel {
    /// Hydrates every record of `doc`.
    pub fn from_doc(doc: &AutoCommit) -> Self {
        let mut model = ReadModel::default();
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
        model.update(doc, &Changed::Records(keys));
        model
    }

    /// Brings the model up to date after `changed` records changed in `doc`.
    pub fn update(&mut self, doc: &AutoCommit, changed: &Changed) {
        let keys = match changed {
            Changed::Everything => {
                *self = Self::from_doc(doc);
                return;
            }
            Changed::Records(keys) => keys,
        };
        let mut dirty = BTreeSet::new();
        for key in keys {
            self.unreadable.remove(key);
            match *key {
                RecordKey::Account(id) => {
                    let record = self.hydrate(doc, ACCOUNTS, *key, id);
                    set(&mut self.accounts, id, record);
                    dirty.insert(id);
                }
                RecordKey::Contact(id) => {
                    if let Some(old) = self.contacts.get(&id) {
                        dirty.insert(old.account);
                        self.member(old.account).0.remove(&id);
                    }
                    let record: Option<Contact> = self.hydrate(doc, CONTACTS, *key, id);
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
                    let record: Option<Touch> = self.hydrate(doc, TOUCHES, *key, id);
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
    }

    fn hydrate<T: Hydrate>(
        &mut self,
        doc: &AutoCommit,
        collection: &str,
        key: RecordKey,
        id: impl ToString,
    ) -> Option<T> {
        let obj = collection_obj(doc, collection)?;
        let record = match doc.get(&obj, id.to_string()) {
            Ok(Some((Value::Object(ObjType::Map), record))) => record,
            Ok(None) => return None,
            _ => {
                self.unreadable.insert(key);
                return None;
            }
        };
        match T::hydrate_map(&Prefetched::new(doc), &record) {
            Ok(record) => Some(record),
            Err(_) => {
                self.unreadable.insert(key);
                None
            }
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
        contacts.sort_by_cached_key(|c| (self.contacts[c].name.to_lowercase(), *c));
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
            search: search.to_lowercase(),
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

    /// Account rows whose name, city, industry or a contact's name contains
    /// every word of `query` (ignoring case), sorted by name.
    pub fn filter_accounts(&self, query: &str) -> Vec<&AccountRow> {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
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

fn row_order(row: &AccountRow) -> (String, AccountId) {
    (row.name.to_lowercase(), row.id)
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
