//! The promise ledger: "promise less, do more" (DOMAIN.md, points 5 and 6).
//! Every promise a rep makes to a client — a delivery date, a call-back, a
//! sample — is recorded with its due date, and ends as kept, kept late,
//! exceeded or broken. An open promise past its date is overdue. The rates
//! built from the ledger are in `track_record.rs`.
//!
//! A delivery promise is checked against the real delivery history
//! ([`crate::domain::LeadTimes`]): one shorter than the history supports is
//! refused with the figures, unless the rep saves it anyway, which is
//! recorded on the promise.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::domain::contact::person_at;
use crate::domain::day::{happened_day, not_before, planned_day};
use crate::domain::ids::typed_id;
use crate::domain::record::{fields, stamps};
use crate::domain::text::{note, required_name, required_note};
use crate::domain::{
    AccountId, ContactId, Day, DomainError, Draft, Edit, LeadWarning, Record, Records, Stamp,
    lead_warning,
};

typed_id!(
    /// Identifies a promise made to a client.
    PromiseId for Promise
);

/// What was promised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Reconcile, Hydrate)]
pub enum PromiseKind {
    /// A delivery by a date: checked against the delivery history.
    Delivery,
    /// To call the client back.
    CallBack,
    /// To send a sample.
    Sample,
    /// To send information (a price list, a specification).
    Information,
    /// To visit.
    Visit,
    /// Anything else.
    Other,
}

impl PromiseKind {
    /// Every kind, in the order the form offers them.
    pub const ALL: [PromiseKind; 6] = [
        Self::Delivery,
        Self::CallBack,
        Self::Sample,
        Self::Information,
        Self::Visit,
        Self::Other,
    ];

    /// A stable lowercase name (test ids, CSS classes, exports).
    pub fn slug(self) -> &'static str {
        match self {
            Self::Delivery => "delivery",
            Self::CallBack => "call-back",
            Self::Sample => "sample",
            Self::Information => "information",
            Self::Visit => "visit",
            Self::Other => "other",
        }
    }

    /// The kind stored under its variant's name, as the document holds it.
    pub fn from_stored(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| format!("{k:?}") == name)
    }
}

/// How a promise ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Reconcile, Hydrate)]
pub enum Outcome {
    /// Kept, on or before the due date.
    Kept,
    /// Kept, after the due date.
    KeptLate,
    /// Kept on time, and more was done than promised.
    Exceeded,
    /// Not kept.
    Broken,
}

impl Outcome {
    /// Every outcome, in the order the form offers them.
    pub const ALL: [Outcome; 4] = [Self::Kept, Self::KeptLate, Self::Exceeded, Self::Broken];

    /// A stable lowercase name.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Kept => "kept",
            Self::KeptLate => "kept-late",
            Self::Exceeded => "exceeded",
            Self::Broken => "broken",
        }
    }

    /// The outcome stored under its variant's name.
    pub fn from_stored(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| format!("{o:?}") == name)
    }
}

/// A promise, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Promise {
    /// The account it was made to.
    pub account: AccountId,
    /// The person it was made to (required when the account has people).
    pub to: Option<ContactId>,
    /// The rep who made it.
    pub made_by: String,
    /// The day it was made.
    pub made_on: Day,
    /// The day it is due.
    pub due: Day,
    /// What kind of promise.
    pub kind: PromiseKind,
    /// What was promised.
    pub what: String,
    /// How it ended (none: open).
    pub outcome: Option<Outcome>,
    /// The day it was kept or broken.
    pub closed_on: Option<Day>,
    /// What more was done (exceeded), or what happened (broken).
    pub outcome_note: String,
    /// The unrealistic-promise warning the rep saw and saved anyway.
    pub overridden_warning: Option<LeadWarning>,
    /// Who recorded it.
    pub created: Stamp,
    /// Who changed it last.
    pub updated: Stamp,
    /// Tombstone.
    pub deleted: Option<Stamp>,
}

fields! {
    /// The fields of a promise a conflict can be settled on.
    PromiseField {
        /// [`Promise::to`].
        To = "to",
        /// [`Promise::made_by`].
        MadeBy = "made_by",
        /// [`Promise::made_on`].
        MadeOn = "made_on",
        /// [`Promise::due`].
        Due = "due",
        /// [`Promise::kind`].
        Kind = "kind",
        /// [`Promise::what`].
        What = "what",
        /// [`Promise::outcome`].
        Outcome = "outcome",
        /// [`Promise::closed_on`].
        ClosedOn = "closed_on",
        /// [`Promise::outcome_note`].
        OutcomeNote = "outcome_note",
    }
}

/// The promise form, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromiseDraft {
    /// To whom.
    pub to: Option<ContactId>,
    /// By whom (the rep's name).
    pub made_by: String,
    /// `YYYY-MM-DD`.
    pub made_on: String,
    /// `YYYY-MM-DD`.
    pub due: String,
    /// Kind.
    pub kind: PromiseKind,
    /// What.
    pub what: String,
    /// How it ended, when the rep closes it.
    pub outcome: Option<Outcome>,
    /// `YYYY-MM-DD`, when closed.
    pub closed_on: String,
    /// What more was done, or what happened.
    pub outcome_note: String,
    /// The rep saw the unrealistic-promise warning and saves anyway.
    pub save_anyway: bool,
}

impl Draft for PromiseDraft {
    type Record = Promise;
}

/// A promise's fields, cleaned.
struct Clean {
    made_by: String,
    made_on: Day,
    due: Day,
    what: String,
    outcome: Option<Outcome>,
    closed_on: Option<Day>,
    outcome_note: String,
}

impl PromiseDraft {
    fn validated(&self, edit: &Edit) -> Result<Clean, DomainError> {
        self.cleaned(edit, true)
    }

    /// The fields cleaned; with `strict`, an exceeded or broken promise
    /// must say what more was done or what happened. A resolution is not
    /// strict: when two devices closed a promise differently, the outcome
    /// and its note are two conflicts, settled one after the other, and
    /// keeping "broken" must not wait for the note.
    fn cleaned(&self, edit: &Edit, strict: bool) -> Result<Clean, DomainError> {
        let what = required_name("what", &self.what)?;
        let made_by = required_name("made_by", &self.made_by)?;
        let made_on = happened_day(&self.made_on, edit.today)?;
        let due = planned_day("due", &self.due, "made_on", made_on)?;
        let (outcome, closed_on, outcome_note) = match self.outcome {
            None => (None, None, String::new()),
            Some(outcome) => {
                let closed = happened_day(&self.closed_on, edit.today)?;
                not_before("closed_on", closed, "made_on", made_on)?;
                let outcome = match outcome {
                    Outcome::Kept | Outcome::KeptLate if closed > due => Outcome::KeptLate,
                    Outcome::Kept | Outcome::KeptLate => Outcome::Kept,
                    Outcome::Exceeded if closed > due => {
                        return Err(DomainError::ExceededLate { due, closed });
                    }
                    other => other,
                };
                let text = match outcome {
                    Outcome::Exceeded | Outcome::Broken if strict => {
                        required_note("outcome_note", &self.outcome_note)?
                    }
                    _ => note("outcome_note", &self.outcome_note)?,
                };
                (Some(outcome), Some(closed), text)
            }
        };
        Ok(Clean {
            made_by,
            made_on,
            due,
            what,
            outcome,
            closed_on,
            outcome_note,
        })
    }
}

impl Record for Promise {
    const COLLECTION: &'static str = "promises";
    const SINCE: u64 = 2;
    type Id = PromiseId;
    type Parent = AccountId;
    type Draft = PromiseDraft;
    type Field = PromiseField;

    fn parent(&self) -> Option<AccountId> {
        Some(self.account)
    }

    stamps!();

    fn check_draft(draft: &PromiseDraft, edit: &Edit) -> Result<(), DomainError> {
        draft.validated(edit).map(|_| ())
    }

    fn create(
        account: AccountId,
        draft: &PromiseDraft,
        records: &impl Records,
        edit: &Edit,
    ) -> Result<Self, DomainError> {
        let clean = draft.validated(edit)?;
        person_at("to", draft.to, account, records)?;
        let overridden_warning = checked_lead(draft, &clean, account, records)?;
        Ok(Promise {
            account,
            to: draft.to,
            made_by: clean.made_by,
            made_on: clean.made_on,
            due: clean.due,
            kind: draft.kind,
            what: clean.what,
            outcome: clean.outcome,
            closed_on: clean.closed_on,
            outcome_note: clean.outcome_note,
            overridden_warning,
            created: edit.stamp(),
            updated: edit.stamp(),
            deleted: None,
        })
    }

    /// Refuses a second outcome: once kept or broken, a promise stays so
    /// (a conflict between two outcomes is settled by a resolution).
    fn edited(
        &self,
        _: PromiseId,
        draft: &PromiseDraft,
        records: &impl Records,
        edit: &Edit,
    ) -> Result<Self, DomainError> {
        let edited = self.with(draft, draft.validated(edit)?, records)?;
        if let Some(closed) = self.closed_on
            && (edited.outcome, edited.closed_on) != (self.outcome, self.closed_on)
        {
            return Err(DomainError::AlreadyClosed { closed });
        }
        Ok(edited)
    }

    fn resolved(
        &self,
        _: PromiseId,
        draft: &PromiseDraft,
        records: &impl Records,
        edit: &Edit,
    ) -> Result<Self, DomainError> {
        self.with(draft, draft.cleaned(edit, false)?, records)
    }

    fn draft(&self) -> PromiseDraft {
        PromiseDraft {
            to: self.to,
            made_by: self.made_by.clone(),
            made_on: self.made_on.to_string(),
            due: self.due.to_string(),
            kind: self.kind,
            what: self.what.clone(),
            outcome: self.outcome,
            closed_on: self.closed_on.map(|d| d.to_string()).unwrap_or_default(),
            outcome_note: self.outcome_note.clone(),
            save_anyway: false,
        }
    }

    fn set_field(
        draft: &mut PromiseDraft,
        field: PromiseField,
        value: &str,
    ) -> Result<(), DomainError> {
        let not_a = |field| DomainError::NotAValue {
            field,
            value: value.to_owned(),
        };
        match field {
            PromiseField::To => {
                draft.to = match value {
                    "" => None,
                    id => Some(id.parse().map_err(|_| not_a("to"))?),
                }
            }
            PromiseField::MadeBy => value.clone_into(&mut draft.made_by),
            PromiseField::MadeOn => value.clone_into(&mut draft.made_on),
            PromiseField::Due => value.clone_into(&mut draft.due),
            PromiseField::Kind => {
                draft.kind = PromiseKind::from_stored(value).ok_or_else(|| not_a("kind"))?
            }
            PromiseField::What => value.clone_into(&mut draft.what),
            PromiseField::Outcome => {
                draft.outcome = match value {
                    "" => None,
                    v => Some(Outcome::from_stored(v).ok_or_else(|| not_a("outcome"))?),
                }
            }
            PromiseField::ClosedOn => value.clone_into(&mut draft.closed_on),
            PromiseField::OutcomeNote => value.clone_into(&mut draft.outcome_note),
        }
        Ok(())
    }
}

/// The warning a delivery promise's lead time earns against the history,
/// refused unless the rep saves anyway; what is recorded if they do.
fn checked_lead(
    draft: &PromiseDraft,
    clean: &Clean,
    account: AccountId,
    records: &impl Records,
) -> Result<Option<LeadWarning>, DomainError> {
    if draft.kind != PromiseKind::Delivery {
        return Ok(None);
    }
    match lead_warning(clean.due.days_since(clean.made_on), account, records) {
        Some(warning) if !draft.save_anyway => Err(DomainError::UnrealisticPromise(warning)),
        warning => Ok(warning),
    }
}

impl Promise {
    /// This promise with `draft`'s values (`clean`: its fields cleaned).
    fn with(
        &self,
        draft: &PromiseDraft,
        clean: Clean,
        records: &impl Records,
    ) -> Result<Self, DomainError> {
        person_at("to", draft.to, self.account, records)?;
        // The warning is asked again only when the promised lead time
        // changes; an override already recorded stays.
        let same_lead =
            (clean.made_on, clean.due, draft.kind) == (self.made_on, self.due, self.kind);
        let overridden_warning = if same_lead {
            self.overridden_warning.clone()
        } else {
            checked_lead(draft, &clean, self.account, records)?
        };
        Ok(Promise {
            to: draft.to,
            made_by: clean.made_by,
            made_on: clean.made_on,
            due: clean.due,
            kind: draft.kind,
            what: clean.what,
            outcome: clean.outcome,
            closed_on: clean.closed_on,
            outcome_note: clean.outcome_note,
            overridden_warning,
            ..self.clone()
        })
    }

    /// Open and past its due day on `today`.
    pub fn is_overdue(&self, today: Day) -> bool {
        self.outcome.is_none() && self.due < today
    }
}
