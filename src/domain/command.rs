//! [`Op`]: creating, editing, deleting a record of any kind, or settling a
//! conflict on one of its fields — and [`Op::plan`], the one place these
//! are checked. The page plans a command against its read model, so a form
//! answers at once; the worker plans it again against the document (another
//! tab or device may have changed it in between) and writes the result. Both
//! run the same code over [`Records`], so they cannot drift apart.
//!
//! The page picks new records' ids, so it can open a new account before the
//! worker has written it.

use serde::{Deserialize, Serialize};

use crate::domain::{
    Account, Command, CommandVisitor, DomainError, Edit, Field, Kind, Parent, Record, Records,
};

/// One edit of one record of kind `K`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "")]
pub enum Op<K: Record> {
    /// A new record under an id the page chose.
    Create {
        /// The new record's id (refused if anything is stored under it).
        id: K::Id,
        /// The account it belongs to (`()` for an account).
        parent: K::Parent,
        /// What the rep filled in.
        draft: K::Draft,
    },
    /// New values for a live record's fields.
    Edit {
        /// The record.
        id: K::Id,
        /// Its fields as the rep left them.
        draft: K::Draft,
    },
    /// Delete a live record (a tombstone that travels to the team).
    Delete {
        /// The record.
        id: K::Id,
    },
    /// Keep `value`, one of the values two devices wrote to `field` while
    /// apart; it supersedes the others. It goes through the same rules as
    /// the form.
    Resolve {
        /// The record.
        id: K::Id,
        /// The field.
        field: K::Field,
        /// The value kept, as the document shows it.
        value: String,
    },
}

/// What a planned command writes: the record as it will stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned<K: Record> {
    /// The record written.
    pub id: K::Id,
    /// Its new state, stamps set.
    pub record: K,
    /// A field to write even if its winning value is unchanged (a
    /// resolution must supersede every concurrent value).
    pub force: Option<K::Field>,
    /// What it does, for the change's message ("create", "edit", …).
    pub verb: &'static str,
}

impl<K: Kind> Op<K> {
    /// The record this operation writes, or the first rule it breaks
    /// against `records`. A draft's own field rules are checked first, so
    /// a form hears about its fields before anything else; the kind's
    /// `create` and `edited` clean the fields again as they build the
    /// record (a few string passes, for one order of errors everywhere).
    pub fn plan(&self, records: &impl Records, edit: &Edit) -> Result<Planned<K>, DomainError> {
        match self {
            Op::Create { id, parent, draft } => {
                K::check_draft(draft, edit)?;
                if let Some(account) = parent.account() {
                    records.live::<Account>(account)?;
                }
                if records.taken(K::record_key(*id)) {
                    return Err(DomainError::IdTaken(K::record_key(*id)));
                }
                let record = K::create(*parent, draft, records, edit)?;
                Ok(Planned {
                    id: *id,
                    record,
                    force: None,
                    verb: "create",
                })
            }
            Op::Edit { id, draft } => {
                K::check_draft(draft, edit)?;
                let old = records.live::<K>(*id)?;
                let record = stamped(old.edited(*id, draft, records, edit)?, edit, false);
                Ok(Planned {
                    id: *id,
                    record,
                    force: None,
                    verb: "edit",
                })
            }
            Op::Delete { id } => {
                let old = records.live::<K>(*id)?;
                old.check_delete(*id, records)?;
                let record = stamped(old.into_owned(), edit, true);
                Ok(Planned {
                    id: *id,
                    record,
                    force: None,
                    verb: "delete",
                })
            }
            Op::Resolve { id, field, value } => {
                let old = records.live::<K>(*id)?;
                let mut draft = old.draft();
                K::set_field(&mut draft, *field, value)?;
                // The kind's `resolved` checks the draft (by default, as an
                // edit does); a kind may check less while other fields of
                // the same record are still in conflict.
                let record = stamped(old.resolved(*id, &draft, records, edit)?, edit, false);
                Ok(Planned {
                    id: *id,
                    record,
                    force: Some(*field),
                    verb: "resolve",
                })
            }
        }
    }
}

/// `record` stamped as changed (and deleted) by `edit`.
fn stamped<K: Record>(mut record: K, edit: &Edit, delete: bool) -> K {
    let stamps = record.stamps_mut();
    *stamps.updated = edit.stamp();
    if delete {
        *stamps.deleted = Some(edit.stamp());
    }
    record
}

impl Command {
    /// A new record of `draft`'s kind under `id`, grouped under `parent`.
    pub fn create<K: Kind>(id: K::Id, parent: K::Parent, draft: K::Draft) -> Self {
        K::command(Op::Create { id, parent, draft })
    }

    /// New values for the record `id`.
    pub fn edit<K: Kind>(id: K::Id, draft: K::Draft) -> Self {
        K::command(Op::Edit { id, draft })
    }

    /// Deletes the record `id`.
    pub fn delete<K: Kind>(id: K::Id) -> Self {
        K::command(Op::Delete { id })
    }

    /// Keeps `value` in the field stored under `field` of the record `key`,
    /// or refuses a field the kind does not let a rep settle (a field of
    /// another kind, the record's account, its stamps).
    pub fn resolve(
        key: crate::domain::RecordKey,
        field: &str,
        value: String,
    ) -> Result<Self, DomainError> {
        struct Resolve<'a>(&'a str, String);
        impl crate::domain::KeyVisitor for Resolve<'_> {
            type Output = Result<Command, DomainError>;
            fn visit<K: Kind>(self, id: K::Id) -> Self::Output {
                let field = K::Field::named(self.0).ok_or_else(|| DomainError::NotAField {
                    collection: K::COLLECTION,
                    field: self.0.to_owned(),
                })?;
                Ok(K::command(Op::Resolve {
                    id,
                    field,
                    value: self.1,
                }))
            }
        }
        key.visit(Resolve(field, value))
    }

    /// The rule this command breaks against `records`, if any: exactly
    /// what running it on the document would say.
    pub fn check(&self, records: &impl Records, edit: &Edit) -> Result<(), DomainError> {
        struct Check<'a, R>(&'a R, &'a Edit);
        impl<R: Records> CommandVisitor for Check<'_, R> {
            type Output = Result<(), DomainError>;
            fn visit<K: Kind>(self, op: &Op<K>) -> Self::Output {
                op.plan(self.0, self.1).map(|_| ())
            }
        }
        self.visit(Check(records, edit))
    }
}
