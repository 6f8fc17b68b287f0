//! [`ReadModel`]: the records hydrated from the document, indexed for the
//! screens. Rebuilt from the document; never edited by hand (data flows one
//! way: document → read model → view).

use std::collections::{BTreeMap, HashMap};

use automerge::{ObjType, ROOT, ReadDoc, Value};
use autosurgeon::{Hydrate, hydrate_prop};

use crate::document::schema::{ACCOUNTS, CONTACTS, TOUCHES};
use crate::domain::{Account, AccountId, Contact, ContactId, Day, Touch, TouchId};

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

/// Every live record of a workspace, ready to show.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadModel {
    accounts: BTreeMap<AccountId, Account>,
    contacts: BTreeMap<ContactId, Contact>,
    touches: BTreeMap<TouchId, Touch>,
    /// Account rows sorted by name.
    rows: Vec<AccountRow>,
    contacts_by_account: HashMap<AccountId, Vec<ContactId>>,
    touches_by_account: HashMap<AccountId, Vec<TouchId>>,
    /// Records this version could not read (written by a newer version, or
    /// damaged). They stay in the document untouched.
    pub unreadable: usize,
}

impl ReadModel {
    /// Hydrates every record of `doc`. A record that does not hydrate is
    /// counted in `unreadable` and skipped; the rest still show.
    pub fn from_doc(doc: &automerge::AutoCommit) -> Self {
        let mut model = ReadModel::default();
        model.accounts = hydrate_all(doc, ACCOUNTS, &mut model.unreadable);
        model.contacts = hydrate_all(doc, CONTACTS, &mut model.unreadable);
        model.touches = hydrate_all(doc, TOUCHES, &mut model.unreadable);
        // Hide records whose account is gone, so the indexes hold live data only.
        let accounts = &model.accounts;
        model
            .contacts
            .retain(|_, c| c.is_live() && accounts.get(&c.account).is_some_and(Account::is_live));
        model
            .touches
            .retain(|_, t| t.is_live() && accounts.get(&t.account).is_some_and(Account::is_live));
        model.accounts.retain(|_, a| a.is_live());
        model.index();
        model
    }

    fn index(&mut self) {
        for (id, c) in &self.contacts {
            self.contacts_by_account
                .entry(c.account)
                .or_default()
                .push(*id);
        }
        for list in self.contacts_by_account.values_mut() {
            list.sort_by_cached_key(|id| self.contacts[id].name.to_lowercase());
        }
        for (id, t) in &self.touches {
            self.touches_by_account
                .entry(t.account)
                .or_default()
                .push(*id);
        }
        for list in self.touches_by_account.values_mut() {
            // Newest first; same day: the later logged first.
            list.sort_by(|a, b| {
                let (a, b) = (&self.touches[a], &self.touches[b]);
                (b.day, b.created.at).cmp(&(a.day, a.created.at))
            });
        }
        self.rows = self
            .accounts
            .iter()
            .map(|(id, a)| {
                let contacts = self
                    .contacts_by_account
                    .get(id)
                    .map_or(&[][..], Vec::as_slice);
                let mut search = format!("{}\n{}\n{}", a.name, a.city, a.industry);
                for c in contacts {
                    search.push('\n');
                    search.push_str(&self.contacts[c].name);
                }
                AccountRow {
                    id: *id,
                    name: a.name.clone(),
                    city: a.city.clone(),
                    industry: a.industry.clone(),
                    last_touch: self
                        .touches_by_account
                        .get(id)
                        .and_then(|t| t.first())
                        .map(|t| self.touches[t].day),
                    contacts: contacts.len(),
                    search: search.to_lowercase(),
                }
            })
            .collect();
        self.rows
            .sort_by_cached_key(|r| (r.name.to_lowercase(), r.id));
    }

    /// No live accounts.
    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty()
    }

    /// Number of live accounts.
    pub fn account_count(&self) -> usize {
        self.accounts.len()
    }

    /// Number of live touches.
    pub fn touch_count(&self) -> usize {
        self.touches.len()
    }

    /// A live account.
    pub fn account(&self, id: AccountId) -> Option<&Account> {
        self.accounts.get(&id)
    }

    /// A live contact.
    pub fn contact(&self, id: ContactId) -> Option<&Contact> {
        self.contacts.get(&id)
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
        self.contacts_by_account
            .get(&account)
            .map(|ids| ids.iter().map(|id| (*id, &self.contacts[id])).collect())
            .unwrap_or_default()
    }

    /// The live touches of an account, newest first.
    pub fn timeline(&self, account: AccountId) -> Vec<(TouchId, &Touch)> {
        self.touches_by_account
            .get(&account)
            .map(|ids| ids.iter().map(|id| (*id, &self.touches[id])).collect())
            .unwrap_or_default()
    }
}

/// Hydrates every record of one collection, counting the ones that fail.
fn hydrate_all<K, T>(
    doc: &automerge::AutoCommit,
    collection: &str,
    unreadable: &mut usize,
) -> BTreeMap<K, T>
where
    K: std::str::FromStr + Ord,
    T: Hydrate,
{
    let Ok(Some((Value::Object(ObjType::Map), obj))) = doc.get(ROOT, collection) else {
        return BTreeMap::new();
    };
    let mut records = BTreeMap::new();
    for key in doc.keys(&obj) {
        match (
            key.parse::<K>(),
            hydrate_prop::<_, T, _, _>(doc, &obj, key.as_str()),
        ) {
            (Ok(id), Ok(record)) => {
                records.insert(id, record);
            }
            _ => *unreadable += 1,
        }
    }
    records
}
