//! Early warnings (DOMAIN.md, point 9): "no complaints does not mean
//! satisfied". Dissatisfaction starts long before the client's management
//! hears of it; a rep who talks to the client's users, technical and
//! support staff hears it first. A warning records who said it, what was
//! heard and how serious it sounds; it stays flagged on the account
//! ([`EarlyWarning::is_open`]) until it is followed up: turned into a
//! complaint (a [`Remark`] of the same account, which then gets its action
//! and its end) or closed with a note.
//!
//! Only the client's users, technical and support staff are heard this
//! way, so a warning's role is a [`WarningRole`], not any [`Role`]: a
//! buyer's or a manager's dissatisfaction is said to the rep's face, and
//! is logged as a remark. The type makes the rule hold without a check,
//! and a stored role of another kind (a damaged or hostile record) does
//! not hydrate at all.

use crate::domain::contact::person_at;
use crate::domain::day::{happened_day, not_before};
use crate::domain::ids::typed_id;
use crate::domain::record::{choices, fields, kept_id, stamps};
use crate::domain::text::{note, required_note};
use crate::domain::{
    AccountId, ContactId, Day, DomainError, Draft, Edit, Record, Records, Remark, RemarkDraft,
    RemarkId, Role, Sentiment, Severity, Stamp, Topic,
};
use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

typed_id!(
    /// Identifies an early warning of dissatisfaction.
    EarlyWarningId for EarlyWarning
);

choices! {
    /// Who at the client a warning was heard from: the people who see
    /// trouble first (stored under the same names as their [`Role`]).
    WarningRole {
        /// Uses the product.
        User = "user",
        /// Technical staff.
        Technical = "technical",
        /// Support or service staff.
        Support = "support",
    }
}

impl From<WarningRole> for Role {
    fn from(role: WarningRole) -> Self {
        match role {
            WarningRole::User => Role::User,
            WarningRole::Technical => Role::Technical,
            WarningRole::Support => Role::Support,
        }
    }
}

choices! {
    /// How serious what was heard sounds.
    Seriousness {
        /// A grumble.
        Low = "low",
        /// Worth a call this week.
        Medium = "medium",
        /// A complaint in the making.
        High = "high",
    }
}

choices! {
    /// How a warning was followed up.
    WarningEnd {
        /// It became a complaint ([`EarlyWarning::complaint`]).
        BecameComplaint = "became-complaint",
        /// Closed (the note says how it was settled).
        Closed = "closed",
    }
}

/// An early warning, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct EarlyWarning {
    /// The account it was heard at.
    pub account: AccountId,
    /// Who said it (required when the account has people).
    pub from: Option<ContactId>,
    /// Their role at the client.
    pub role: WarningRole,
    /// What was heard.
    pub heard: String,
    /// How serious it sounds.
    pub seriousness: Seriousness,
    /// The day it was heard.
    pub day: Day,
    /// How it was followed up (none: flagged).
    pub end: Option<WarningEnd>,
    /// The day it was followed up.
    pub ended_on: Option<Day>,
    /// The complaint it became.
    pub complaint: Option<RemarkId>,
    /// How it was settled (required when closed).
    pub end_note: String,
    /// Who recorded it.
    pub created: Stamp,
    /// Who changed it last.
    pub updated: Stamp,
    /// Tombstone.
    pub deleted: Option<Stamp>,
}

fields! {
    /// The fields of an early warning a conflict can be settled on.
    EarlyWarningField {
        /// [`EarlyWarning::from`].
        From = "from",
        /// [`EarlyWarning::role`].
        Role = "role",
        /// [`EarlyWarning::heard`].
        Heard = "heard",
        /// [`EarlyWarning::seriousness`].
        Seriousness = "seriousness",
        /// [`EarlyWarning::day`].
        Day = "day",
        /// [`EarlyWarning::end`].
        End = "end",
        /// [`EarlyWarning::ended_on`].
        EndedOn = "ended_on",
        /// [`EarlyWarning::complaint`].
        Complaint = "complaint",
        /// [`EarlyWarning::end_note`].
        EndNote = "end_note",
    }
}

/// The early-warning form, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlyWarningDraft {
    /// From whom.
    pub from: Option<ContactId>,
    /// Their role.
    pub role: WarningRole,
    /// What was heard (required).
    pub heard: String,
    /// How serious.
    pub seriousness: Seriousness,
    /// `YYYY-MM-DD`.
    pub day: String,
    /// How it was followed up, when it is.
    pub end: Option<WarningEnd>,
    /// `YYYY-MM-DD`, when followed up.
    pub ended_on: String,
    /// The complaint it became (for [`WarningEnd::BecameComplaint`]).
    pub complaint: Option<RemarkId>,
    /// How it was settled.
    pub end_note: String,
}

impl Draft for EarlyWarningDraft {
    type Record = EarlyWarning;
}

impl EarlyWarningDraft {
    /// A warning heard on `day` (`YYYY-MM-DD`), flagged.
    pub fn heard(role: WarningRole, seriousness: Seriousness, heard: &str, day: &str) -> Self {
        Self {
            from: None,
            role,
            heard: heard.to_owned(),
            seriousness,
            day: day.to_owned(),
            end: None,
            ended_on: String::new(),
            complaint: None,
            end_note: String::new(),
        }
    }
}

/// A warning's fields, cleaned.
struct Clean {
    heard: String,
    day: Day,
    end: Option<WarningEnd>,
    ended_on: Option<Day>,
    complaint: Option<RemarkId>,
    end_note: String,
}

impl EarlyWarningDraft {
    /// The fields cleaned; with `strict`, a closed warning must say how it
    /// was settled and one that became a complaint must name it. A
    /// resolution is not strict (see `RemarkDraft::cleaned`).
    fn cleaned(&self, edit: &Edit, strict: bool) -> Result<Clean, DomainError> {
        let heard = required_note("heard", &self.heard)?;
        let day = happened_day(&self.day, edit.today)?;
        let (end, ended_on, complaint, end_note) = match self.end {
            None => (None, None, None, String::new()),
            Some(end) => {
                let ended = happened_day(&self.ended_on, edit.today)?;
                not_before("ended_on", ended, "day", day)?;
                let end_note = match end {
                    WarningEnd::Closed if strict => required_note("end_note", &self.end_note)?,
                    _ => note("end_note", &self.end_note)?,
                };
                let complaint = match end {
                    WarningEnd::BecameComplaint => self.complaint,
                    WarningEnd::Closed => None,
                };
                if strict && end == WarningEnd::BecameComplaint && complaint.is_none() {
                    return Err(DomainError::Empty { field: "complaint" });
                }
                (Some(end), Some(ended), complaint, end_note)
            }
        };
        Ok(Clean {
            heard,
            day,
            end,
            ended_on,
            complaint,
            end_note,
        })
    }
}

impl Record for EarlyWarning {
    const COLLECTION: &'static str = "early_warnings";
    const SINCE: u64 = 3;
    type Id = EarlyWarningId;
    type Parent = AccountId;
    type Draft = EarlyWarningDraft;
    type Field = EarlyWarningField;

    fn parent(&self) -> Option<AccountId> {
        Some(self.account)
    }

    stamps!();

    fn check_draft(draft: &EarlyWarningDraft, edit: &Edit) -> Result<(), DomainError> {
        draft.cleaned(edit, true).map(|_| ())
    }

    fn create(
        account: AccountId,
        draft: &EarlyWarningDraft,
        records: &impl Records,
        edit: &Edit,
    ) -> Result<Self, DomainError> {
        let clean = draft.cleaned(edit, true)?;
        EarlyWarning::checked(account, draft, clean, records, edit.stamp())
    }

    /// Refuses a second follow-up: once closed or turned into a complaint,
    /// a warning stays so. What was heard may still be corrected.
    fn edited(
        &self,
        _: EarlyWarningId,
        draft: &EarlyWarningDraft,
        records: &impl Records,
        edit: &Edit,
    ) -> Result<Self, DomainError> {
        let edited = self.with(draft, draft.cleaned(edit, true)?, records)?;
        if let Some(ended) = self.ended_on
            && (edited.end, edited.ended_on, edited.complaint)
                != (self.end, self.ended_on, self.complaint)
        {
            return Err(DomainError::WarningFollowedUp { ended });
        }
        Ok(edited)
    }

    fn resolved(
        &self,
        _: EarlyWarningId,
        draft: &EarlyWarningDraft,
        records: &impl Records,
        edit: &Edit,
    ) -> Result<Self, DomainError> {
        self.with(draft, draft.cleaned(edit, false)?, records)
    }

    fn draft(&self) -> EarlyWarningDraft {
        EarlyWarningDraft {
            from: self.from,
            role: self.role,
            heard: self.heard.clone(),
            seriousness: self.seriousness,
            day: self.day.to_string(),
            end: self.end,
            ended_on: self.ended_on.map(|d| d.to_string()).unwrap_or_default(),
            complaint: self.complaint,
            end_note: self.end_note.clone(),
        }
    }

    fn set_field(
        draft: &mut EarlyWarningDraft,
        field: EarlyWarningField,
        value: &str,
    ) -> Result<(), DomainError> {
        match field {
            EarlyWarningField::From => draft.from = kept_id("from", value)?,
            EarlyWarningField::Role => draft.role = WarningRole::kept("role", value)?,
            EarlyWarningField::Seriousness => {
                draft.seriousness = Seriousness::kept("seriousness", value)?
            }
            EarlyWarningField::End => draft.end = WarningEnd::kept_optional("end", value)?,
            EarlyWarningField::Complaint => draft.complaint = kept_id("complaint", value)?,
            EarlyWarningField::Heard => value.clone_into(&mut draft.heard),
            EarlyWarningField::Day => value.clone_into(&mut draft.day),
            EarlyWarningField::EndedOn => value.clone_into(&mut draft.ended_on),
            EarlyWarningField::EndNote => value.clone_into(&mut draft.end_note),
        }
        Ok(())
    }
}

impl EarlyWarning {
    /// This warning with `draft`'s values (`clean`: its fields cleaned).
    fn with(
        &self,
        draft: &EarlyWarningDraft,
        clean: Clean,
        records: &impl Records,
    ) -> Result<Self, DomainError> {
        let checked = Self::checked(self.account, draft, clean, records, self.created.clone())?;
        Ok(EarlyWarning {
            updated: self.updated.clone(),
            deleted: self.deleted.clone(),
            ..checked
        })
    }

    /// A live warning of `account` from `draft`'s values (`clean`: its
    /// fields cleaned), written as `created`; its person and the complaint
    /// it became checked against `records`.
    fn checked(
        account: AccountId,
        draft: &EarlyWarningDraft,
        clean: Clean,
        records: &impl Records,
        created: Stamp,
    ) -> Result<Self, DomainError> {
        person_at("from", draft.from, account, records)?;
        if let Some(remark) = clean.complaint {
            let complaint = records.live::<Remark>(remark)?;
            if complaint.account != account || complaint.severity != Severity::Complaint {
                return Err(DomainError::NotAComplaint { remark, account });
            }
        }
        Ok(EarlyWarning {
            account,
            from: draft.from,
            role: draft.role,
            heard: clean.heard,
            seriousness: draft.seriousness,
            day: clean.day,
            end: clean.end,
            ended_on: clean.ended_on,
            complaint: clean.complaint,
            end_note: clean.end_note,
            updated: created.clone(),
            created,
            deleted: None,
        })
    }

    /// Still flagged on its account: not yet followed up.
    pub fn is_open(&self) -> bool {
        self.end.is_none()
    }

    /// The complaint this warning becomes, as the form starts it on
    /// `today` (`YYYY-MM-DD`): from the same person, a negative complaint
    /// in what was heard. Create it, then end the warning as
    /// [`WarningEnd::BecameComplaint`] naming it.
    pub fn complaint_draft(&self, today: &str) -> RemarkDraft {
        RemarkDraft {
            from: self.from,
            ..RemarkDraft::heard(
                self.role.into(),
                Topic::Other,
                Sentiment::Negative,
                Severity::Complaint,
                &self.heard,
                today,
            )
        }
    }
}
