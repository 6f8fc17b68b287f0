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

mod care;

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::{BTreeSet, HashMap};

use automerge::{AutoCommit, ChangeHash, ObjId, ObjType, ROOT, ReadDoc, Value};
use serde::{Deserialize, Serialize};

pub use care::LosingTouch;

use crate::document::FieldConflict;
use crate::document::conflict::field_conflicts;
use crate::document::prefetch::Prefetched;
use crate::domain::sort::{sort_by, sort_by_cached_key, sort_by_key};
use chrono::Datelike;

use crate::domain::{
    Account, AccountId, ActionStatus, AdoptionCheck, AdoptionCheckId, AnyRecord, Contact,
    ContactId, Day, DeliveryTally, Detail, DetailId, DomainError, EarlyWarning, EarlyWarningId,
    FeedbackTally, KeyVisitor, Kind, KindVisitor, Order, OrderId, Period, Program, ProgramAction,
    ProgramActionId, ProgramId, ProgramsDue, Promise, PromiseId, PromiseTally, Record, RecordKey,
    Records, Remark, RemarkId, Seriousness, Stage, StageMove, StageMoveId, StageNow, Tables, Touch,
    TouchId, TrackRecord, Upcoming, checks_due, coming_up, for_each_kind, last_check, lowercase,
    name_key,
};

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
#[allow(
    clippy::large_enum_variant,
    reason = "a patch holds records nearly always; a box would cost an allocation each"
)]
pub enum Found {
    /// The record (live or a tombstone).
    Record(AnyRecord),
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
    /// The fields of records that two devices changed while apart, each
    /// with every value kept. An empty list clears a record's conflicts; a
    /// resetting patch lists only records that have some.
    pub conflicts: Vec<(RecordKey, Vec<FieldConflict>)>,
    /// Records in collections this version does not know (a newer version
    /// added them): kept untouched, counted so the rep can be told to
    /// update.
    pub newer: usize,
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
                let (found, record) = key.visit(Hydrating(doc));
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
            newer: newer_records(doc),
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
                newer: self.newer,
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
    struct Keys<'a>(&'a AutoCommit, BTreeSet<RecordKey>);
    impl KindVisitor for Keys<'_> {
        fn visit<K: Kind>(&mut self) {
            if let Some(obj) = collection_obj(self.0, K::COLLECTION) {
                let keys = self
                    .0
                    .keys(&obj)
                    .filter_map(|id| id.parse().ok().map(K::record_key));
                self.1.extend(keys);
            }
        }
    }
    let mut keys = Keys(doc, BTreeSet::new());
    for_each_kind(&mut keys);
    keys.1
}

/// How many records `doc` holds in collections this version does not know.
fn newer_records(doc: &AutoCommit) -> usize {
    doc.map_range(ROOT, ..)
        .filter(|item| !RecordKey::is_collection(&item.key))
        .filter(|item| matches!(item.value, automerge::ValueRef::Object(ObjType::Map)))
        .map(|item| doc.length(item.id()))
        .sum()
}

/// Reads one record of the document: found or why not, and its object.
struct Hydrating<'a>(&'a AutoCommit);

impl KeyVisitor for Hydrating<'_> {
    type Output = (Found, Option<ObjId>);

    fn visit<K: Kind>(self, id: K::Id) -> Self::Output {
        let doc = self.0;
        let Some(obj) = collection_obj(doc, K::COLLECTION) else {
            return (Found::Missing, None);
        };
        match doc.get(&obj, id.to_string()) {
            // A fresh cache per record: it never holds more than one record.
            Ok(Some((Value::Object(ObjType::Map), record))) => {
                let found = K::hydrate_map(&Prefetched::new(doc), &record)
                    .map(|r| Found::Record(r.any()))
                    .unwrap_or(Found::Unreadable);
                (found, Some(record))
            }
            Ok(None) => (Found::Missing, None),
            _ => (Found::Unreadable, None),
        }
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
    /// The form this version writes and reads (2: patches carry conflicts;
    /// 3: records of any kind, and the count of records of newer kinds;
    /// 4: the kinds of schema 2, accounts' owners, rows with owner and stage;
    /// 5: the kinds of schema 3, accounts' and people's cadences).
    pub const FORMAT: u32 = 5;

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
    /// The rep who owns it ([`Account::owner`]).
    pub owner: String,
    /// Its relationship stage.
    pub stage: Stage,
    /// Two reps moved its stage differently while apart.
    pub stage_conflict: bool,
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
    /// Every hydrated record, tombstones included, by kind.
    tables: Tables,
    // Derived, live records only.
    views: HashMap<AccountId, AccountView>,
    /// Live account rows sorted by name.
    rows: Vec<AccountRow>,
    /// Records this version could not read (written by a newer version, or
    /// damaged). They stay in the document untouched.
    unreadable: BTreeSet<RecordKey>,
    /// Records in collections a newer version added ([`Patch::newer`]).
    newer: usize,
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
        self.newer = patch.newer;
        let mut dirty = BTreeSet::new();
        for (key, found) in patch.records {
            self.unreadable.remove(&key);
            let record = match found {
                Found::Record(record) => Some(record),
                Found::Unreadable => {
                    self.unreadable.insert(key);
                    None
                }
                Found::Missing => None,
            };
            let accounts = key.visit(Taking {
                tables: &mut self.tables,
                record,
            });
            dirty.extend(accounts.into_iter().flatten());
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
        struct Every<'a>(&'a Tables, Vec<(RecordKey, Found)>);
        impl KindVisitor for Every<'_> {
            fn visit<K: Kind>(&mut self) {
                let table = K::table(self.0);
                self.1.reserve(table.len());
                let records = table
                    .iter()
                    .map(|(id, r)| (K::record_key(id), Found::Record(r.clone().any())));
                self.1.extend(records);
            }
        }
        let mut every = Every(&self.tables, Vec::new());
        for_each_kind(&mut every);
        let mut records = every.1;
        records.extend(self.unreadable.iter().map(|k| (*k, Found::Unreadable)));
        Patch {
            reset: true,
            records,
            conflicts: self
                .conflicts
                .iter()
                .map(|(k, f)| (*k, f.clone()))
                .collect(),
            newer: self.newer,
        }
    }

    /// Recomputes one account's view and row from the records.
    fn reindex(&mut self, id: AccountId) {
        if let Ok(i) = self.row_position(id) {
            self.rows.remove(i);
        }
        let Some(account) = self.get::<Account>(id) else {
            self.views.remove(&id);
            return;
        };
        let contact_table = Contact::table(&self.tables);
        let touch_table = Touch::table(&self.tables);
        let mut contacts: Vec<(ContactId, &Contact)> = contact_table
            .of_account(id)
            .filter(|(_, c)| c.is_live())
            .collect();
        sort_by_cached_key(&mut contacts, |(c, contact)| (lowercase(&contact.name), *c));
        let mut touches: Vec<(TouchId, &Touch)> = touch_table
            .of_account(id)
            .filter(|(_, t)| t.is_live())
            .collect();
        // Newest first; same day: the later logged first.
        sort_by(&mut touches, |(a, ta), (b, tb)| {
            (tb.day, tb.created.at, *b).cmp(&(ta.day, ta.created.at, *a))
        });
        let mut search = format!("{}\n{}\n{}", account.name, account.city, account.industry);
        for (_, c) in &contacts {
            search.push('\n');
            search.push_str(&c.name);
        }
        let stage = StageNow::of(StageMove::table(&self.tables).of_account(id));
        let row = AccountRow {
            id,
            name: account.name.clone(),
            city: account.city.clone(),
            industry: account.industry.clone(),
            last_touch: touches.first().map(|(_, t)| t.day),
            contacts: contacts.len(),
            owner: account.owner().to_owned(),
            stage: stage.stage,
            stage_conflict: stage.conflict,
            search: lowercase(&search),
        };
        let view = AccountView {
            contacts: contacts.into_iter().map(|(id, _)| id).collect(),
            touches: touches.into_iter().map(|(id, _)| id).collect(),
        };
        let at = self
            .rows
            .partition_point(|r| row_order(r) < row_order(&row));
        self.rows.insert(at, row);
        self.views.insert(id, view);
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

    /// Records this version could not read: damaged, or written by a newer
    /// version (in a shape, or a collection, this one does not know).
    pub fn unreadable(&self) -> usize {
        self.unreadable.len() + self.newer
    }

    /// A live record of any kind (its account live too), by id.
    pub fn get<K: Kind>(&self, id: K::Id) -> Option<&K> {
        match self.live::<K>(id) {
            Ok(Cow::Borrowed(record)) => Some(record),
            _ => None,
        }
    }

    /// The live records of kind `K` grouped under a live account, by id.
    pub fn of_account<K: Kind>(&self, account: AccountId) -> Vec<(K::Id, &K)> {
        if self.get::<Account>(account).is_none() {
            return Vec::new();
        }
        K::table(&self.tables)
            .of_account(account)
            .filter(|(_, r)| r.is_live())
            .collect()
    }

    /// A live account.
    pub fn account(&self, id: AccountId) -> Option<&Account> {
        self.get(id)
    }

    /// A live contact of a live account.
    pub fn contact(&self, id: ContactId) -> Option<&Contact> {
        self.get(id)
    }

    /// A live touch of a live account.
    pub fn touch(&self, id: TouchId) -> Option<&Touch> {
        self.get(id)
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

    /// Every record of kind `K` grouped under `account`, tombstones
    /// included ([`Records::of_account`]).
    pub fn of_account_all<K: Kind>(&self, account: AccountId) -> Vec<(K::Id, Cow<'_, K>)> {
        K::table(&self.tables)
            .of_account(account)
            .map(|(id, r)| (id, Cow::Borrowed(r)))
            .collect()
    }

    /// Like [`ReadModel::filter_accounts`], of the accounts `owner` owns
    /// only ("mine"), when given.
    pub fn filter_accounts_of(&self, query: &str, owner: Option<&str>) -> Vec<&AccountRow> {
        let mut rows = self.filter_accounts(query);
        if let Some(owner) = owner {
            rows.retain(|r| r.owner == owner);
        }
        rows
    }

    /// The reps an account can be handed to: every owner and every rep who
    /// signed a record, sorted, without blanks.
    pub fn reps(&self) -> Vec<String> {
        let mut reps: BTreeSet<String> = self.rows.iter().map(|r| r.owner.clone()).collect();
        for (_, account) in Account::table(&self.tables).iter() {
            reps.insert(account.created.by.clone());
            reps.insert(account.updated.by.clone());
        }
        for (_, touch) in Touch::table(&self.tables).iter() {
            reps.insert(touch.created.by.clone());
        }
        reps.retain(|r| !r.trim().is_empty());
        reps.into_iter().collect()
    }

    /// [`ReadModel::reps`] and `me` (who may have signed nothing yet), as
    /// the pickers of an owner offer them.
    pub fn reps_and(&self, me: &str) -> Vec<String> {
        let mut reps = self.reps();
        if !me.trim().is_empty() && !reps.iter().any(|r| r == me) {
            reps.push(me.to_owned());
            sort_by(&mut reps, String::cmp);
        }
        reps
    }

    /// The account's stage as its history stands.
    pub fn stage_of(&self, account: AccountId) -> StageNow {
        StageNow::of(StageMove::table(&self.tables).of_account(account))
    }

    /// The account's stage moves, oldest first.
    pub fn stage_history(&self, account: AccountId) -> Vec<(StageMoveId, &StageMove)> {
        crate::domain::stage_history(StageMove::table(&self.tables).of_account(account))
    }

    /// The account's track record on `today`: promise and delivery
    /// tallies, and what its stage needs.
    pub fn track_record(&self, account: AccountId, today: Day) -> TrackRecord {
        TrackRecord::of(account, self.stage_of(account).stage, self, today)
    }

    /// The account's live promises: open ones first by due day, then the
    /// closed ones, latest closed first.
    pub fn promises_of(&self, account: AccountId) -> Vec<(PromiseId, &Promise)> {
        let mut promises = self.of_account::<Promise>(account);
        sort_by_key(&mut promises, |(id, p)| match p.closed_on {
            None => (0, p.due.0.num_days_from_ce(), *id),
            Some(closed) => (1, -closed.0.num_days_from_ce(), *id),
        });
        promises
    }

    /// The live joint programs of a live account, oldest first.
    pub fn programs_of(&self, account: AccountId) -> Vec<(ProgramId, &Program)> {
        let mut programs = self.of_account::<Program>(account);
        sort_by_key(&mut programs, |(id, p)| (p.created.at, *id));
        programs
    }

    /// The live actions of `program` (of the live `account`): open ones
    /// first, soonest due first.
    pub fn program_actions_of(
        &self,
        account: AccountId,
        program: ProgramId,
    ) -> Vec<(ProgramActionId, &ProgramAction)> {
        let mut actions = self.of_account::<ProgramAction>(account);
        actions.retain(|(_, a)| a.program == program);
        sort_by_key(&mut actions, |(id, a)| {
            (a.status != ActionStatus::Open, a.due, *id)
        });
        actions
    }

    /// The account's live orders, newest ordered first.
    pub fn orders_of(&self, account: AccountId) -> Vec<(OrderId, &Order)> {
        let mut orders = self.of_account::<Order>(account);
        sort_by_key(&mut orders, |(id, o)| {
            std::cmp::Reverse((o.ordered_on, o.created.at, *id))
        });
        orders
    }

    /// The promise and delivery tallies of the live promises and orders of
    /// live accounts `scope` takes in, due (promised) in `period`.
    pub fn rates(
        &self,
        scope: Scope<'_>,
        period: Period,
        today: Day,
    ) -> (PromiseTally, DeliveryTally) {
        let in_scope_account = |account: AccountId| match scope {
            Scope::Account(id) => account == id,
            Scope::Rep(_) | Scope::Team => self.get::<Account>(account).is_some(),
        };
        let promises = Promise::table(&self.tables)
            .iter()
            .map(|(_, p)| p)
            .filter(|p| in_scope_account(p.account))
            .filter(|p| match scope {
                Scope::Rep(rep) => p.made_by == rep,
                _ => true,
            });
        let orders = Order::table(&self.tables)
            .iter()
            .map(|(_, o)| o)
            .filter(|o| in_scope_account(o.account))
            .filter(|o| match scope {
                Scope::Rep(rep) => self
                    .get::<Account>(o.account)
                    .is_some_and(|a| a.owner() == rep),
                _ => true,
            });
        (
            PromiseTally::of(promises, period, today),
            DeliveryTally::of(orders, period, today),
        )
    }

    /// The feedback figures of the live remarks of live accounts `scope`
    /// takes in, made in `period`, on `today` (`domain::feedback`). A rep's
    /// remarks are those of the accounts they own.
    pub fn feedback(&self, scope: Scope<'_>, period: Period, today: Day) -> FeedbackTally {
        FeedbackTally::among(
            self,
            |id, account| scope.takes_in(id, account),
            period,
            today,
        )
    }

    /// The account's live remarks: open ones first, oldest first, then the
    /// ended ones, latest ended first.
    pub fn remarks_of(&self, account: AccountId) -> Vec<(RemarkId, &Remark)> {
        let mut remarks = self.of_account::<Remark>(account);
        sort_by_key(&mut remarks, |(id, r)| match r.ended_on {
            None => (0, r.day.0.num_days_from_ce(), *id),
            Some(ended) => (1, -ended.0.num_days_from_ce(), *id),
        });
        remarks
    }

    /// The account's live early warnings: the flagged ones first (most
    /// serious first, then oldest), then the followed-up ones, latest
    /// first.
    pub fn early_warnings_of(&self, account: AccountId) -> Vec<(EarlyWarningId, &EarlyWarning)> {
        let mut warnings = self.of_account::<EarlyWarning>(account);
        sort_by_key(&mut warnings, |(id, w)| warning_order(*id, w));
        warnings
    }

    /// Every flagged early warning of every live account, most serious
    /// first, then oldest: what the Today screen lists.
    pub fn open_early_warnings(&self) -> Vec<(EarlyWarningId, &EarlyWarning)> {
        let mut warnings: Vec<_> = EarlyWarning::table(&self.tables)
            .iter()
            .filter(|(_, w)| w.is_open() && w.is_live())
            .filter(|(_, w)| self.get::<Account>(w.account).is_some())
            .collect();
        sort_by_key(&mut warnings, |(id, w)| warning_order(*id, w));
        warnings
    }

    /// The program actions and follow-ups due on `day` (or before, still
    /// open) across live accounts: what the Today screen lists.
    pub fn programs_due(&self, day: Day) -> ProgramsDue<'_> {
        let live_account = |a: AccountId| self.get::<Account>(a).is_some();
        ProgramsDue::on(
            day,
            Program::table(&self.tables)
                .iter()
                .filter(|(_, p)| live_account(p.account)),
            ProgramAction::table(&self.tables)
                .iter()
                .filter(|(_, a)| live_account(a.account)),
        )
    }

    /// The small details of a live account's live contacts: by contact
    /// (as [`ReadModel::contacts_of`] lists them), then by category in the
    /// form's order, then oldest recorded first. A deleted contact's
    /// details are not shown (they stay stored, see `domain/detail.rs`).
    pub fn details_of(&self, account: AccountId) -> Vec<(DetailId, &Detail)> {
        let contacts: HashMap<ContactId, usize> = self
            .contacts_of(account)
            .into_iter()
            .enumerate()
            .map(|(place, (id, _))| (id, place))
            .collect();
        let mut details: Vec<(usize, DetailId, &Detail)> = self
            .of_account::<Detail>(account)
            .into_iter()
            .filter_map(|(id, d)| Some((*contacts.get(&d.contact)?, id, d)))
            .collect();
        sort_by_key(&mut details, |(place, id, d)| {
            let category = crate::domain::DetailCategory::ALL
                .iter()
                .position(|c| *c == d.category);
            (*place, category, d.created.at, *id)
        });
        details.into_iter().map(|(_, id, d)| (id, d)).collect()
    }

    /// The small details of one live contact, in the order of
    /// [`ReadModel::details_of`].
    pub fn details_of_contact(&self, contact: ContactId) -> Vec<(DetailId, &Detail)> {
        let Some(account) = self.contact(contact).map(|c| c.account) else {
            return Vec::new();
        };
        let mut details = self.details_of(account);
        details.retain(|(_, d)| d.contact == contact);
        details
    }

    /// The dates of small details falling from `today` to `within_days`
    /// days after it, across the live accounts (the Today screen) or of
    /// one (the pre-visit brief): [`coming_up`].
    pub fn dates_coming_up(
        &self,
        account: Option<AccountId>,
        today: Day,
        within_days: i64,
    ) -> Result<Vec<Upcoming>, DomainError> {
        coming_up(self, account, today, within_days)
    }

    /// The account's latest live adoption check, whose finding the account
    /// shows: [`last_check`].
    pub fn last_adoption(&self, account: AccountId) -> Option<(AdoptionCheckId, &AdoptionCheck)> {
        last_check(self.of_account::<AdoptionCheck>(account))
    }

    /// The account's live adoption checks, latest first.
    pub fn adoption_checks_of(&self, account: AccountId) -> Vec<(AdoptionCheckId, &AdoptionCheck)> {
        let mut checks = self.of_account::<AdoptionCheck>(account);
        sort_by_key(&mut checks, |(id, c)| std::cmp::Reverse(c.recency(*id)));
        checks
    }

    /// The adoption checks of live accounts whose next check has come on
    /// `today`, with no later check of the same thing: [`checks_due`].
    pub fn adoption_checks_due(&self, today: Day) -> Vec<(AdoptionCheckId, &AdoptionCheck)> {
        let live_account = |a: AccountId| self.get::<Account>(a).is_some();
        checks_due(
            AdoptionCheck::table(&self.tables)
                .iter()
                .filter(|(_, c)| live_account(c.account)),
            today,
        )
    }

    /// The live contacts of an account, by name.
    pub fn contacts_of(&self, account: AccountId) -> Vec<(ContactId, &Contact)> {
        let contacts = Contact::table(&self.tables);
        self.views
            .get(&account)
            .map(|v| {
                v.contacts
                    .iter()
                    .filter_map(|id| Some((*id, contacts.get(*id)?)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The live touches of an account, newest first.
    pub fn timeline(&self, account: AccountId) -> Vec<(TouchId, &Touch)> {
        let touches = Touch::table(&self.tables);
        self.views
            .get(&account)
            .map(|v| {
                v.touches
                    .iter()
                    .filter_map(|id| Some((*id, touches.get(*id)?)))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Whose promises, orders and remarks a rate counts. A rep's promises are
/// those they made; a rep's orders and remarks, those of the accounts they
/// own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// One account's.
    Account(AccountId),
    /// One rep's, by name.
    Rep(&'a str),
    /// The whole team's.
    Team,
}

impl Scope<'_> {
    /// Whether the records of `account` (stored under `id`) are the
    /// scope's, when the scope is of accounts (orders, remarks).
    pub fn takes_in(self, id: AccountId, account: &Account) -> bool {
        match self {
            Scope::Account(scoped) => scoped == id,
            Scope::Rep(rep) => account.owner() == rep,
            Scope::Team => true,
        }
    }
}

/// Where an early warning sorts: flagged first, most serious first, then
/// oldest; then the followed-up ones, latest first.
fn warning_order(
    id: EarlyWarningId,
    w: &EarlyWarning,
) -> (bool, Reverse<Seriousness>, i32, EarlyWarningId) {
    match w.ended_on {
        None => (
            false,
            Reverse(w.seriousness),
            w.day.0.num_days_from_ce(),
            id,
        ),
        Some(ended) => (
            true,
            Reverse(Seriousness::Low),
            -ended.0.num_days_from_ce(),
            id,
        ),
    }
}

/// The page checks commands against its read model: the records as they
/// stand, as far as this tab knows.
impl Records for ReadModel {
    fn stored<K: Kind>(&self, id: K::Id) -> Option<Cow<'_, K>> {
        K::table(&self.tables).get(id).map(Cow::Borrowed)
    }

    fn of_account<K: Kind>(&self, account: AccountId) -> Vec<(K::Id, Cow<'_, K>)> {
        self.of_account_all(account)
    }

    fn every<K: Kind>(&self) -> Vec<(K::Id, Cow<'_, K>)> {
        K::table(&self.tables)
            .iter()
            .map(|(id, r)| (id, Cow::Borrowed(r)))
            .collect()
    }

    fn taken(&self, key: RecordKey) -> bool {
        struct Taken<'a>(&'a Tables);
        impl KeyVisitor for Taken<'_> {
            type Output = bool;
            fn visit<K: Kind>(self, id: K::Id) -> bool {
                K::table(self.0).get(id).is_some()
            }
        }
        self.unreadable.contains(&key) || key.visit(Taken(&self.tables))
    }

    fn account_named(&self, name: &str, except: Option<AccountId>) -> Option<AccountId> {
        let wanted = name_key(name);
        self.rows
            .iter()
            .find(|row| Some(row.id) != except && name_key(&row.name) == wanted)
            .map(|row| row.id)
    }
}

/// Puts one record of a patch into its table; gives the accounts to reindex.
struct Taking<'a> {
    tables: &'a mut Tables,
    record: Option<AnyRecord>,
}

impl KeyVisitor for Taking<'_> {
    type Output = [Option<AccountId>; 2];

    fn visit<K: Kind>(self, id: K::Id) -> Self::Output {
        // A record of another kind than its key says (a damaged cache) is
        // not taken.
        let record = self.record.and_then(K::from_any);
        K::table_mut(self.tables).set(id, record)
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

fn collection_obj(doc: &AutoCommit, collection: &str) -> Option<ObjId> {
    match doc.get(ROOT, collection) {
        Ok(Some((Value::Object(ObjType::Map), obj))) => Some(obj),
        _ => None,
    }
}
