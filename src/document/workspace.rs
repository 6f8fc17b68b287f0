//! [`Workspace`]: the team's document and the commands that change it.
//!
//! Every command validates first, then writes, then commits one Automerge
//! change; if anything fails after the first write, the pending operations
//! are rolled back, so no half-written record can ever be saved.

use automerge::transaction::CommitOptions;
use automerge::transaction::Transactable;
use automerge::{
    ActorId, AutoCommit, Change, ChangeHash, LoadChangeError, ObjId, ObjType, ROOT, ReadDoc, Value,
};
use std::collections::{BTreeSet, HashMap};

use automerge::{Prop, legacy};
use autosurgeon::{hydrate_prop, reconcile_prop};

use crate::document::conflict::field_conflicts;
use crate::document::read_model::Changed;
use crate::document::schema;
use crate::document::{DocumentError, FieldConflict, ReadModel};
use crate::domain::{
    AccountId, Command, Draft, Edit, Field, Kind, Op, Planned, Record, RecordId, RecordKey, Records,
};

/// One team workspace: an Automerge document with typed commands.
#[derive(Debug)]
pub struct Workspace {
    doc: AutoCommit,
    /// Where new record ids come from: the platform's randomness, or a seeded
    /// generator so that demo and benchmark workspaces are reproducible.
    ids: Option<fastrand::Rng>,
    /// Record objects and their stamps (by id text) → the record's collection
    /// and id: built on the first edit of an old record, then kept (an
    /// object never moves). Saves a walk of the op set per object in
    /// [`Workspace::changes_since`].
    records: Option<HashMap<String, Vec<String>>>,
    /// Changes from elsewhere applied since the document was loaded: how
    /// much memory automerge has left behind (see [`APPLY_BATCH`]).
    applied: usize,
    /// A read model kept beside the document, for a workspace that only
    /// writes (the generator's): see [`Workspace::keeping_model`].
    model: Option<ReadModel>,
}

/// How many changes go to automerge in one call. Automerge 0.12 leaves
/// memory behind in its op set with each call, more the more changes the
/// call carries, and each call walks the document. 10,000 changes applied
/// to the L workspace (natively, `bench/examples/memory.rs`) kept 1,057 MiB
/// and took 3.7 s in calls of 500; 584 MiB and 4.3 s in calls of 250;
/// 369 MiB and 9.5 s in calls of 100; calls of 50 took twice as long again.
/// Memory is what a tablet runs out of, so the smaller calls win.
const APPLY_BATCH: usize = 100;

/// After this many changes from elsewhere, [`Workspace::should_reload`]:
/// loading the document again from its own save gives back what automerge
/// kept (on L about 40 MiB per 1,000 changes) for the price of one load.
const RELOAD_AFTER: usize = 2_000;

impl Workspace {
    /// An empty workspace whose changes will be written by `actor`.
    pub fn new(actor: ActorId) -> Self {
        let mut doc = schema::genesis();
        // This version's upgrades on its own genesis cannot be refused.
        let _ = schema::upgrade(&mut doc);
        doc.set_actor(actor);
        Self {
            doc,
            ids: None,
            records: None,
            applied: 0,
            model: None,
        }
    }

    /// The actor this workspace's changes are written by.
    pub fn actor(&self) -> ActorId {
        self.doc.get_actor().clone()
    }

    /// Writes the following changes as `actor` (another device or tab).
    pub fn set_actor(&mut self, actor: ActorId) {
        self.doc.set_actor(actor);
    }

    /// One record as stored, tombstone included; `None` if there is none.
    pub fn read<I: RecordId>(&self, id: I) -> Result<Option<I::Record>, DocumentError> {
        self.record::<I::Record>(&id.to_string())
    }

    /// Makes every new record id from a generator seeded with `seed`.
    pub fn with_seeded_ids(mut self, seed: u64) -> Self {
        self.ids = Some(fastrand::Rng::with_seed(seed));
        self
    }

    fn next_id_bytes(&mut self) -> Option<[u8; 16]> {
        self.ids.as_mut().map(|rng| rng.u128(..).to_le_bytes())
    }

    /// A workspace from saved bytes (a snapshot, or snapshot and changes
    /// concatenated), checking that it is a workspace this version can read.
    pub fn load(bytes: &[u8], actor: ActorId) -> Result<Self, DocumentError> {
        let mut doc = AutoCommit::load(bytes)?;
        schema::check(&doc)?;
        schema::check_genesis(&mut doc)?;
        // An upgrade that does not apply (only a hostile change under an
        // upgrade's actor could stop it) must not lock the rep out of the
        // workspace: the kinds it would add are refused, the rest works.
        let _ = schema::upgrade(&mut doc);
        doc.set_actor(actor);
        Ok(Self {
            doc,
            ids: None,
            records: None,
            applied: 0,
            model: None,
        })
    }

    /// Applies stored or received bytes — one change, or a whole saved
    /// document — on top of this one. Applying is idempotent: bytes already
    /// applied change nothing. Bytes that fail to parse or whose checksum is
    /// wrong are refused and change nothing.
    ///
    /// Not `load_incremental`: automerge's incremental load skips a damaged
    /// chunk with only a log line, and storage must know, to set it aside.
    ///
    /// Returns the hash of the change applied, `None` for a whole document.
    /// A change whose dependencies are missing is held back by automerge
    /// until they arrive; [`Workspace::has_change`] tells when it is in.
    pub fn apply(&mut self, bytes: &[u8]) -> Result<Option<ChangeHash>, DocumentError> {
        self.model = None;
        match Change::try_from(bytes) {
            Ok(change) => {
                let hash = change.hash();
                self.apply_changes(vec![change])?;
                Ok(Some(hash))
            }
            Err(LoadChangeError::WrongChunkType) => {
                let mut other = AutoCommit::load(bytes)?;
                // Checked before merging: a document with other top-level
                // maps would hide this workspace's records behind conflicts.
                schema::check(&other)?;
                schema::check_genesis(&mut other)?;
                let only_genesis = self.doc.get_heads() == schema::empty_heads()
                    && self.doc.get_missing_deps(&[]).is_empty();
                if only_genesis {
                    // Nothing here but the genesis and this version's
                    // upgrades, which every workspace gets, and no changes
                    // waiting for their dependencies: take the loaded
                    // document as is rather than replay all of it.
                    let _ = schema::upgrade(&mut other);
                    let actor = self.doc.get_actor().clone();
                    self.doc = other.with_actor(actor);
                    self.records = None;
                } else {
                    let changes = self.doc.get_changes_added(&mut other);
                    self.apply_changes(changes)?;
                }
                Ok(None)
            }
            Err(e) => Err(DocumentError::CorruptChange(e)),
        }
    }

    /// Applies several chunks (from the team, in order) as [`Workspace::apply`]
    /// would one by one, and returns each one's result. Consecutive changes
    /// go to automerge in one call: one at a time, each call costs a pass
    /// over the document (10,000 changes took two minutes on an M team).
    pub fn apply_all<B: AsRef<[u8]>>(
        &mut self,
        items: &[B],
    ) -> Vec<Result<Option<ChangeHash>, DocumentError>> {
        self.model = None;
        let mut results = Vec::with_capacity(items.len());
        let mut batch: Vec<(usize, Change)> = Vec::new();
        for item in items {
            let item = item.as_ref();
            match Change::try_from(item) {
                Ok(change) => {
                    results.push(Ok(Some(change.hash())));
                    batch.push((results.len() - 1, change));
                }
                Err(LoadChangeError::WrongChunkType) => {
                    self.apply_batch(&mut batch, &mut results);
                    results.push(self.apply(item));
                }
                Err(e) => results.push(Err(DocumentError::CorruptChange(e))),
            }
        }
        self.apply_batch(&mut batch, &mut results);
        results
    }

    fn apply_batch(
        &mut self,
        batch: &mut Vec<(usize, Change)>,
        results: &mut [Result<Option<ChangeHash>, DocumentError>],
    ) {
        if batch.is_empty() {
            return;
        }
        let changes: Vec<Change> = batch.iter().map(|(_, c)| c.clone()).collect();
        if self.apply_changes(changes).is_err() {
            // One of them is refused: again one by one, to say which (those
            // already in are skipped by automerge).
            for (i, change) in batch.iter() {
                if let Err(e) = self.apply_changes(vec![change.clone()]) {
                    results[*i] = Err(e.into());
                }
            }
        }
        batch.clear();
    }

    /// Hands `changes` to automerge [`APPLY_BATCH`] at a time, stopping at
    /// the first refusal.
    fn apply_changes(&mut self, changes: Vec<Change>) -> Result<(), automerge::AutomergeError> {
        self.applied += changes.len();
        let mut changes = changes.into_iter();
        let result = loop {
            let batch: Vec<Change> = changes.by_ref().take(APPLY_BATCH).collect();
            if batch.is_empty() {
                break Ok(());
            }
            if let Err(e) = self.doc.apply_changes(batch) {
                break Err(e);
            }
        };
        // Automerge 0.12 records every applied operation in the document's
        // patch log, even while the log is off, and never drops them (about
        // 22 MiB per 10,000 changes). Nothing here reads that log.
        self.doc.reset_diff_cursor();
        result
    }

    /// Whether enough has been applied since the document was loaded that
    /// [`Workspace::reload`] is worth its cost. Never while a change waits
    /// for its predecessors: a save leaves it out.
    pub fn should_reload(&mut self) -> bool {
        self.applied >= RELOAD_AFTER && self.nothing_waiting()
    }

    /// Loads the document again from `saved`, this workspace's own
    /// [`Workspace::save`] at its current heads, to give back the memory
    /// automerge keeps after applying changes. The old document is dropped
    /// first, so the load reuses its memory rather than adding to it.
    ///
    /// On an error the workspace holds only the genesis: the caller loads
    /// it again from storage.
    pub fn reload(&mut self, saved: &[u8]) -> Result<(), DocumentError> {
        self.model = None;
        let heads = self.doc.get_heads();
        let actor = self.doc.get_actor().clone();
        self.doc = schema::genesis().with_actor(actor.clone());
        self.applied = 0;
        let mut doc = AutoCommit::load(saved)?;
        if doc.get_heads() != heads {
            return Err(DocumentError::SaveMismatch);
        }
        self.doc = doc.with_actor(actor);
        Ok(())
    }

    /// The raw bytes of every change since `before` (to send them on).
    pub fn change_bytes_since(&mut self, before: &[ChangeHash]) -> Vec<Vec<u8>> {
        self.doc
            .get_changes(before)
            .into_iter()
            .map(|change| change.raw_bytes().to_vec())
            .collect()
    }

    /// The changes not covered by `heads` (raw hashes, as stored outside
    /// the document). Hashes this document lacks are skipped: what they
    /// would cover comes along, which is harmless to send twice.
    pub fn change_bytes_past(&mut self, heads: &[[u8; 32]]) -> Vec<Vec<u8>> {
        let known: Vec<ChangeHash> = heads
            .iter()
            .map(|bytes| ChangeHash(*bytes))
            .filter(|hash| self.doc.get_change_by_hash(hash).is_some())
            .collect();
        self.change_bytes_since(&known)
    }

    /// The heads as raw hashes, to store outside the document.
    pub fn head_bytes(&mut self) -> Vec<[u8; 32]> {
        self.doc
            .get_heads()
            .into_iter()
            .map(|hash| hash.0)
            .collect()
    }

    /// Whether no received change waits for predecessors that have not
    /// come yet (cheap, unlike asking about each change).
    pub fn nothing_waiting(&mut self) -> bool {
        self.doc.get_missing_deps(&[]).is_empty()
    }

    /// Whether the change is part of the document (not merely queued).
    pub fn has_change(&mut self, hash: &ChangeHash) -> bool {
        self.doc.get_change_by_hash(hash).is_some()
    }

    /// Merges every change of `other` into this workspace.
    pub fn merge(&mut self, other: &mut Workspace) -> Result<(), DocumentError> {
        self.model = None;
        let changes = self.doc.get_changes_added(&mut other.doc);
        self.apply_changes(changes)?;
        Ok(())
    }

    /// A copy that writes with another actor (another device or tab).
    pub fn fork(&mut self, actor: ActorId) -> Workspace {
        Workspace {
            doc: self.doc.fork().with_actor(actor),
            ids: None,
            records: None,
            applied: 0,
            model: None,
        }
    }

    /// The whole document: a snapshot, uncompressed. Storage and sync gzip
    /// it in the browser (`storage::pack`), which keeps automerge's own
    /// compressor out of the shipped wasm.
    pub fn save(&mut self) -> Vec<u8> {
        self.doc.save_nocompress()
    }

    /// The bytes of the last change this workspace's actor committed: what
    /// storage writes after each command.
    pub fn last_local_change(&mut self) -> Option<Vec<u8>> {
        self.doc
            .get_last_local_change()
            .map(|c| c.raw_bytes().to_vec())
    }

    /// The current heads: equal heads mean equal documents.
    pub fn heads(&mut self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    /// Which records changed between `before` and now (a command, a merge,
    /// applied chunks): what the read model must hydrate again.
    ///
    /// Reads only the new changes' operations, so the cost follows what is
    /// new, not the size of the workspace (automerge's `diff` walks the whole
    /// document: ~30 ms per call on a 2,500-record workspace).
    pub fn changes_since(&mut self, before: &[ChangeHash]) -> Changed {
        let decoded: Vec<legacy::Change> = self
            .doc
            .get_changes(before)
            .iter()
            .map(|change| change.decode())
            .collect();
        // Where each object made in these changes was put (parent and key):
        // a record's path is then known without asking the document, which
        // costs a walk of the op set per object.
        let mut made: HashMap<legacy::ObjectId, (legacy::ObjectId, String)> = HashMap::new();
        for change in &decoded {
            for (i, op) in change.operations.iter().enumerate() {
                if let (legacy::OpType::Make(_), legacy::Key::Map(key)) = (&op.action, &op.key) {
                    let counter = change.start_op.get() + i as u64;
                    let id = legacy::ObjectId::Id(legacy::OpId(counter, change.actor_id.clone()));
                    made.insert(id, (op.obj.clone(), key.to_string()));
                }
            }
        }
        let mut keys = BTreeSet::new();
        let mut paths: HashMap<legacy::ObjectId, Option<Vec<String>>> = HashMap::new();
        for change in &decoded {
            for op in &change.operations {
                let legacy::Key::Map(key) = &op.key else {
                    continue;
                };
                if op.obj == legacy::ObjectId::Root {
                    if RecordKey::is_collection(key) {
                        return Changed::Everything;
                    }
                    continue;
                }
                let Some(path) = path_of(&self.doc, &mut self.records, &op.obj, &made, &mut paths)
                else {
                    continue;
                };
                let record = match path.as_slice() {
                    // A record put into its collection: the op's key is its id.
                    [collection] => RecordKey::parse(collection, key),
                    // A field of a record, or deeper.
                    [collection, id, ..] => RecordKey::parse(collection, id),
                    _ => None,
                };
                keys.extend(record);
            }
        }
        Changed::Records(keys)
    }

    /// The schema version the document claims.
    pub fn schema_version(&self) -> Result<u64, DocumentError> {
        schema::version_of(&self.doc)
    }

    /// Every record, hydrated for display.
    pub fn read_model(&self) -> ReadModel {
        ReadModel::from_doc(&self.doc)
    }

    /// The underlying document, for read-only use by tests and benchmarks.
    pub fn doc(&self) -> &AutoCommit {
        &self.doc
    }

    // --- commands ---------------------------------------------------------

    /// Runs `command` on the document: planned against the document as it
    /// stands (the same rules the page checked), then written as one
    /// change; or nothing is written and the error says why.
    pub fn execute(&mut self, command: &Command, edit: &Edit) -> Result<(), DocumentError> {
        struct Run<'a>(&'a mut Workspace, &'a Edit);
        impl crate::domain::CommandVisitor for Run<'_> {
            type Output = Result<(), DocumentError>;
            fn visit<K: Kind>(self, op: &Op<K>) -> Self::Output {
                self.0.run(op, self.1)
            }
        }
        command.visit(Run(self, edit))
    }

    /// Runs one operation: plan, then write. Planned against the document,
    /// or against the model kept beside it ([`Workspace::keeping_model`]).
    pub fn run<K: Kind>(&mut self, op: &Op<K>, edit: &Edit) -> Result<(), DocumentError> {
        let Some(mut model) = self.model.take() else {
            let planned = op.plan(self, edit)?;
            return self.write(planned, edit);
        };
        let before = self.heads();
        let written = op
            .plan(&model, edit)
            .map_err(DocumentError::from)
            .and_then(|planned| self.write(planned, edit));
        let changed = self.changes_since(&before);
        model.update(&self.doc, &changed);
        self.model = Some(model);
        written
    }

    /// This workspace with a read model kept beside the document: commands
    /// are planned against it, as the worker plans them, and it is updated
    /// after each write. A rule that reads an account's history then reads
    /// the model's tables instead of hydrating every record of the kind
    /// from the document (the generator writes tens of thousands of
    /// orders). Anything merged from elsewhere drops the model.
    pub fn keeping_model(mut self) -> Self {
        self.model = Some(ReadModel::from_doc(&self.doc));
        self
    }

    /// Runs `command` planned against `model`, a read model of this very
    /// document (the worker's, updated after every change it writes or
    /// merges), then writes it. The same rules as [`Workspace::execute`],
    /// and the same code the page checks with: the rules that read an
    /// account's history (its stage moves, contacts, the team's deliveries)
    /// find it in the model's tables instead of hydrating every record of
    /// the kind, and the shipped wasm carries the rules once.
    pub fn execute_in(
        &mut self,
        command: &Command,
        edit: &Edit,
        model: &ReadModel,
    ) -> Result<(), DocumentError> {
        struct Run<'a>(&'a mut Workspace, &'a Edit, &'a ReadModel);
        impl crate::domain::CommandVisitor for Run<'_> {
            type Output = Result<(), DocumentError>;
            fn visit<K: Kind>(self, op: &Op<K>) -> Self::Output {
                let planned = op.plan(self.2, self.1)?;
                self.0.write(planned, self.1)
            }
        }
        command.visit(Run(self, edit, model))
    }

    /// Creates a record of a kind of its own (an account) under a new id.
    pub fn create<D: Draft>(
        &mut self,
        draft: &D,
        edit: &Edit,
    ) -> Result<<D::Record as Record>::Id, DocumentError>
    where
        D::Record: Record<Parent = (), Draft = D>,
    {
        self.create_under::<D::Record>((), draft, edit)
    }

    /// Creates a record grouped under a live account, under a new id.
    pub fn create_in<D: Draft>(
        &mut self,
        account: AccountId,
        draft: &D,
        edit: &Edit,
    ) -> Result<<D::Record as Record>::Id, DocumentError>
    where
        D::Record: Record<Parent = AccountId, Draft = D>,
    {
        self.create_under::<D::Record>(account, draft, edit)
    }

    fn create_under<K: Kind>(
        &mut self,
        parent: K::Parent,
        draft: &K::Draft,
        edit: &Edit,
    ) -> Result<K::Id, DocumentError> {
        // Checked before an id is drawn, so a refused command leaves a
        // seeded id generator where it was (demo and bench workspaces stay
        // reproducible); the command checks everything again.
        K::check_draft(draft, edit)?;
        let id = self
            .next_id_bytes()
            .map_or_else(K::Id::random, K::Id::from_random_bytes);
        self.run::<K>(
            &Op::Create {
                id,
                parent,
                draft: draft.clone(),
            },
            edit,
        )?;
        Ok(id)
    }

    /// Changes a live record's fields (only the fields that differ are
    /// written, so a colleague's edit of another field survives the merge).
    pub fn edit<I: RecordId>(
        &mut self,
        id: I,
        draft: &<I::Record as Record>::Draft,
        edit: &Edit,
    ) -> Result<(), DocumentError> {
        self.run(
            &Op::<I::Record>::Edit {
                id,
                draft: draft.clone(),
            },
            edit,
        )
    }

    /// Deletes a live record, leaving a tombstone. An account's records
    /// stay in the document but are hidden with it.
    pub fn delete<I: RecordId>(&mut self, id: I, edit: &Edit) -> Result<(), DocumentError> {
        self.run(&Op::<I::Record>::Delete { id }, edit)
    }

    // --- conflicts --------------------------------------------------------

    /// The fields of a record that two devices changed while apart: each
    /// value Automerge kept, with who wrote it and when (from the `updated`
    /// stamp written in the same change). Empty when there is no conflict.
    pub fn conflicts(&self, key: RecordKey) -> Result<Vec<FieldConflict>, DocumentError> {
        match self.record_obj(key)? {
            Some(record) => field_conflicts(&self.doc, &record),
            None => Ok(Vec::new()),
        }
    }

    /// Settles a conflict by keeping `value` in the field stored under
    /// `field`: it goes through the kind's rules like a form's value, and
    /// supersedes every concurrent one.
    pub fn resolve(
        &mut self,
        key: RecordKey,
        field: &str,
        value: &str,
        edit: &Edit,
    ) -> Result<(), DocumentError> {
        let command = Command::resolve(key, field, value.to_owned())?;
        self.execute(&command, edit)
    }

    fn record_obj(&self, key: RecordKey) -> Result<Option<ObjId>, DocumentError> {
        let obj = self.collection(key.collection())?;
        Ok(match self.doc.get(&obj, key.id_text())? {
            Some((Value::Object(ObjType::Map), record)) => Some(record),
            _ => None,
        })
    }

    // --- helpers ----------------------------------------------------------

    fn collection(&self, key: &'static str) -> Result<ObjId, DocumentError> {
        match self.doc.get(ROOT, key)? {
            Some((Value::Object(ObjType::Map), id)) => Ok(id),
            _ => Err(DocumentError::NotAWorkspace(
                "a record collection is missing",
            )),
        }
    }

    fn record<K: Record>(&self, id: &str) -> Result<Option<K>, DocumentError> {
        let obj = self.collection(K::COLLECTION)?;
        if self.doc.get(&obj, id)?.is_none() {
            return Ok(None);
        }
        Ok(hydrate_prop::<_, Option<K>, _, _>(&self.doc, &obj, id)?)
    }

    /// The live account (other than `except`) whose name matches `name`
    /// ignoring case and spacing. Reads only the name and tombstone fields.
    fn live_account_named(
        &self,
        name: &str,
        except: Option<AccountId>,
    ) -> Result<Option<AccountId>, DocumentError> {
        let wanted = crate::domain::name_key(name);
        let accounts = self.collection(crate::domain::Account::COLLECTION)?;
        for key in self.doc.keys(&accounts) {
            let Some((Value::Object(ObjType::Map), record)) = self.doc.get(&accounts, &key)? else {
                continue;
            };
            let deleted = !matches!(
                self.doc.get(&record, "deleted")?,
                None | Some((Value::Scalar(_), _))
            );
            if deleted {
                continue;
            }
            let Some((Value::Scalar(stored), _)) = self.doc.get(&record, "name")? else {
                continue;
            };
            let Some(stored) = stored.as_str() else {
                continue;
            };
            if crate::domain::name_key(stored) == wanted {
                let Ok(id) = key.parse::<AccountId>() else {
                    continue;
                };
                if Some(id) != except {
                    return Ok(Some(id));
                }
            }
        }
        Ok(None)
    }

    /// Writes one planned record and commits, or rolls back every pending
    /// operation.
    fn write<K: Kind>(&mut self, planned: Planned<K>, edit: &Edit) -> Result<(), DocumentError> {
        let id = planned.id.to_string();
        let written = self.collection(K::COLLECTION).and_then(|obj| {
            if let Some(field) = planned.force
                && let Some((Value::Object(ObjType::Map), record)) = self.doc.get(&obj, &id)?
            {
                // Deleting the key removes every concurrent value; the
                // reconcile below then writes the kept one, whether or not
                // it was the value shown.
                self.doc.delete(&record, field.name())?;
            }
            Ok(reconcile_prop(
                &mut self.doc,
                &obj,
                id.as_str(),
                &planned.record,
            )?)
        });
        match written {
            Ok(()) => {
                self.doc.commit_with(
                    CommitOptions::default()
                        .with_message(format!("{} {}", planned.verb, K::COLLECTION))
                        .with_time(edit.at.timestamp()),
                );
                Ok(())
            }
            Err(e) => {
                self.doc.rollback();
                Err(e)
            }
        }
    }
}

/// The rules see the document itself: what the worker checks a command
/// against before writing it.
impl Records for Workspace {
    fn stored<K: Kind>(&self, id: K::Id) -> Option<std::borrow::Cow<'_, K>> {
        self.record::<K>(&id.to_string())
            .ok()
            .flatten()
            .map(std::borrow::Cow::Owned)
    }

    fn taken(&self, key: RecordKey) -> bool {
        // A collection that cannot be read takes nothing new either.
        self.collection(key.collection())
            .and_then(|obj| Ok(self.doc.get(&obj, key.id_text())?.is_some()))
            .unwrap_or(true)
    }

    fn account_named(&self, name: &str, except: Option<AccountId>) -> Option<AccountId> {
        self.live_account_named(name, except).ok().flatten()
    }

    /// Reads each record's `account` field first and hydrates only the
    /// account's own.
    fn of_account<K: Kind>(&self, account: AccountId) -> Vec<(K::Id, std::borrow::Cow<'_, K>)> {
        let wanted = account.to_string();
        self.records_where::<K>(|record| {
            matches!(
                self.doc.get(record, "account"),
                Ok(Some((Value::Scalar(s), _))) if s.as_str() == Some(wanted.as_str())
            )
        })
    }

    fn every<K: Kind>(&self) -> Vec<(K::Id, std::borrow::Cow<'_, K>)> {
        self.records_where::<K>(|_| true)
    }
}

impl Workspace {
    /// The records of kind `K` whose map `pick` accepts, hydrated; any this
    /// version cannot read are left out, as the read model leaves them.
    fn records_where<K: Kind>(
        &self,
        pick: impl Fn(&ObjId) -> bool,
    ) -> Vec<(K::Id, std::borrow::Cow<'_, K>)> {
        let Ok(collection) = self.collection(K::COLLECTION) else {
            return Vec::new();
        };
        let mut found = Vec::new();
        for key in self.doc.keys(&collection) {
            let Ok(Some((Value::Object(ObjType::Map), record))) = self.doc.get(&collection, &key)
            else {
                continue;
            };
            if !pick(&record) {
                continue;
            }
            let (Ok(id), Ok(Some(r))) = (
                key.parse::<K::Id>(),
                hydrate_prop::<_, Option<K>, _, _>(&self.doc, &collection, key.as_str()),
            ) else {
                continue;
            };
            found.push((id, std::borrow::Cow::Owned(r)));
        }
        found
    }
}

/// Where objects made in a batch of changes were put: parent and key.
type Made = HashMap<legacy::ObjectId, (legacy::ObjectId, String)>;

/// The first two map keys on the way from the root to `obj` (collection and
/// record id): from the objects `made` in the changes at hand, else from the
/// record index, else from the document. Cached in `paths`.
fn path_of(
    doc: &AutoCommit,
    records: &mut Option<HashMap<String, Vec<String>>>,
    obj: &legacy::ObjectId,
    made: &Made,
    paths: &mut HashMap<legacy::ObjectId, Option<Vec<String>>>,
) -> Option<Vec<String>> {
    if let Some(path) = paths.get(obj) {
        return path.clone();
    }
    let path = match made.get(obj) {
        Some((legacy::ObjectId::Root, key)) => Some(vec![key.clone()]),
        Some((parent, key)) => path_of(doc, records, parent, made, paths).map(|mut path| {
            path.push(key.clone());
            path.truncate(2);
            path
        }),
        None => {
            let text = obj.to_string();
            let index = records.get_or_insert_with(|| record_index(doc));
            match index.get(&text) {
                Some(path) => Some(path.clone()),
                None => {
                    let path = doc_path(doc, &text);
                    if let Some(found @ [_, _]) = path.as_deref() {
                        index.insert(text, found.to_vec());
                    }
                    path
                }
            }
        }
    };
    paths.insert(obj.clone(), path.clone());
    path
}

/// Every record object of `doc`, and every object in a record (its stamps)
/// → the record's collection and id.
fn record_index(doc: &AutoCommit) -> HashMap<String, Vec<String>> {
    let mut index = HashMap::new();
    for (collection, _) in schema::collections() {
        let Ok(Some((Value::Object(ObjType::Map), obj))) = doc.get(ROOT, *collection) else {
            continue;
        };
        for item in doc.map_range(&obj, ..) {
            if !matches!(item.value, automerge::ValueRef::Object(_)) {
                continue;
            }
            let record = item.id();
            let path = vec![collection.to_string(), item.key.into_owned()];
            // The record's own objects (its stamps) belong to it too.
            for field in doc.map_range(&record, ..) {
                if matches!(field.value, automerge::ValueRef::Object(_)) {
                    index.insert(field.id().to_string(), path.clone());
                }
            }
            index.insert(record.to_string(), path);
        }
    }
    index
}

/// The first two map keys on the way to the object `text` names, asking the
/// document (a walk of the op set).
fn doc_path(doc: &AutoCommit, text: &str) -> Option<Vec<String>> {
    let id = doc.import_obj(text).ok()?;
    let parents = doc.parents(&id).ok()?;
    let mut path: Vec<String> = parents
        .path()
        .into_iter()
        .map(|(_, prop)| match prop {
            Prop::Map(key) => key,
            Prop::Seq(index) => index.to_string(),
        })
        .collect();
    path.truncate(2);
    Some(path)
}
