//! The feedback system (DOMAIN.md, points 5, 9 and 10): a client's remark
//! on the seller's service — who made it (with their role at the client),
//! what about, whether it was positive, neutral or negative, and whether
//! it was a remark or a complaint. A remark that may hurt loyalty (a
//! negative one, or any complaint: [`Remark::needs_action`]) gets an
//! action (what, by whom, by when) and ends *resolved* (saying what was
//! done) or *closed without action* (saying why). The rates built from the
//! remarks are in `feedback.rs`; the signals heard before a complaint, in
//! `early_warning.rs`.
//!
//! Once a remark has ended, its action and its end stay as recorded: an
//! edit that changes them is refused ([`DomainError::RemarkClosed`]). Two
//! devices that end the same remark differently while apart leave a
//! conflict on the end's fields, which a resolution settles
//! ([`Record::resolved`] lets it through).

use crate::domain::contact::person_at;
use crate::domain::day::{happened_day, not_before, planned_day};
use crate::domain::ids::typed_id;
use crate::domain::record::{choices, fields, kept_id, stamps};
use crate::domain::text::{note, required_name, required_note};
use crate::domain::{
    AccountId, ContactId, Day, DomainError, Draft, Edit, Record, Records, Stage, StageMove,
    StageNow, Stamp,
};
use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

typed_id!(
    /// Identifies a client's remark.
    RemarkId for Remark
);

choices! {
    /// The role at the client of the person who spoke. The chapter's point
    /// 9: dissatisfaction is heard first from users, technical and support
    /// staff, not from the buyer.
    Role {
        /// Buys from us.
        Buyer = "buyer",
        /// Uses the product.
        User = "user",
        /// Technical staff (engineers, IT).
        Technical = "technical",
        /// Support or service staff.
        Support = "support",
        /// The client's management.
        Management = "management",
    }
}

choices! {
    /// What a remark is about.
    Topic {
        /// The delivery (late, incomplete, damaged).
        Delivery = "delivery",
        /// The product itself.
        Product = "product",
        /// The service around it (answers, training, repairs).
        Service = "service",
        /// Invoices and payment.
        Billing = "billing",
        /// The rep.
        Rep = "rep",
        /// Anything else.
        Other = "other",
    }
}

choices! {
    /// How the client felt.
    Sentiment {
        /// Pleased.
        Positive = "positive",
        /// Neither.
        Neutral = "neutral",
        /// Displeased.
        Negative = "negative",
    }
}

choices! {
    /// How strongly it was said.
    Severity {
        /// A remark in passing.
        Remark = "remark",
        /// A complaint (a claim): always needs an action.
        Complaint = "complaint",
    }
}

choices! {
    /// How a remark ended.
    RemarkEnd {
        /// Something was done about it (the note says what).
        Resolved = "resolved",
        /// Nothing was done (the note says why).
        ClosedWithoutAction = "closed-without-action",
    }
}

/// A client's remark, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Remark {
    /// The account it came from.
    pub account: AccountId,
    /// The person who made it (required when the account has people).
    pub from: Option<ContactId>,
    /// Their role at the client.
    pub role: Role,
    /// What it is about.
    pub topic: Topic,
    /// Positive, neutral or negative.
    pub sentiment: Sentiment,
    /// A remark or a complaint.
    pub severity: Severity,
    /// What the client said.
    pub text: String,
    /// The day it was made.
    pub day: Day,
    /// The action taken on it ("" when none is recorded yet).
    pub action: String,
    /// Who acts: a rep's name, or anyone named in text ("" when no action).
    pub action_by: String,
    /// The day the action is due (none when no action).
    pub action_due: Option<Day>,
    /// How it ended (none: open).
    pub end: Option<RemarkEnd>,
    /// The day it ended.
    pub ended_on: Option<Day>,
    /// What was done (resolved), or why nothing was (closed without action).
    pub end_note: String,
    /// Who recorded it.
    pub created: Stamp,
    /// Who changed it last.
    pub updated: Stamp,
    /// Tombstone.
    pub deleted: Option<Stamp>,
}

fields! {
    /// The fields of a remark a conflict can be settled on.
    RemarkField {
        /// [`Remark::from`].
        From = "from",
        /// [`Remark::role`].
        Role = "role",
        /// [`Remark::topic`].
        Topic = "topic",
        /// [`Remark::sentiment`].
        Sentiment = "sentiment",
        /// [`Remark::severity`].
        Severity = "severity",
        /// [`Remark::text`].
        Text = "text",
        /// [`Remark::day`].
        Day = "day",
        /// [`Remark::action`].
        Action = "action",
        /// [`Remark::action_by`].
        ActionBy = "action_by",
        /// [`Remark::action_due`].
        ActionDue = "action_due",
        /// [`Remark::end`].
        End = "end",
        /// [`Remark::ended_on`].
        EndedOn = "ended_on",
        /// [`Remark::end_note`].
        EndNote = "end_note",
    }
}

/// The remark form, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemarkDraft {
    /// From whom.
    pub from: Option<ContactId>,
    /// Their role.
    pub role: Role,
    /// About what.
    pub topic: Topic,
    /// How the client felt.
    pub sentiment: Sentiment,
    /// Remark or complaint.
    pub severity: Severity,
    /// What was said (required).
    pub text: String,
    /// `YYYY-MM-DD`.
    pub day: String,
    /// The action: what will be done ("" with the two below: none yet).
    pub action: String,
    /// By whom.
    pub action_by: String,
    /// `YYYY-MM-DD`, by when.
    pub action_due: String,
    /// How it ended, when the rep ends it.
    pub end: Option<RemarkEnd>,
    /// `YYYY-MM-DD`, when ended.
    pub ended_on: String,
    /// What was done, or why nothing was.
    pub end_note: String,
}

impl Draft for RemarkDraft {
    type Record = Remark;
}

impl RemarkDraft {
    /// A remark heard on `day` (`YYYY-MM-DD`), open, with no action yet.
    pub fn heard(
        role: Role,
        topic: Topic,
        sentiment: Sentiment,
        severity: Severity,
        text: &str,
        day: &str,
    ) -> Self {
        Self {
            from: None,
            role,
            topic,
            sentiment,
            severity,
            text: text.to_owned(),
            day: day.to_owned(),
            action: String::new(),
            action_by: String::new(),
            action_due: String::new(),
            end: None,
            ended_on: String::new(),
            end_note: String::new(),
        }
    }
}

/// A remark's action, cleaned: what, by whom, by when.
#[derive(PartialEq)]
struct Action {
    what: String,
    by: String,
    due: Day,
}

/// A remark's fields, cleaned.
struct Clean {
    text: String,
    day: Day,
    action: Option<Action>,
    end: Option<RemarkEnd>,
    ended_on: Option<Day>,
    end_note: String,
}

impl RemarkDraft {
    fn validated(&self, edit: &Edit) -> Result<Clean, DomainError> {
        self.cleaned(edit, true)
    }

    /// The fields cleaned; with `strict`, an end must have its note, and a
    /// remark that needs an action is resolved only with one recorded. A
    /// resolution is not strict: when two devices ended a remark
    /// differently, the end and its note are two conflicts, settled one
    /// after the other, and keeping one end must not wait for its note.
    fn cleaned(&self, edit: &Edit, strict: bool) -> Result<Clean, DomainError> {
        let text = required_note("text", &self.text)?;
        let day = happened_day(&self.day, edit.today)?;
        let action = self.action(day)?;
        let (end, ended_on, end_note) = match self.end {
            None => (None, None, String::new()),
            Some(end) => {
                let ended = happened_day(&self.ended_on, edit.today)?;
                not_before("ended_on", ended, "day", day)?;
                let end_note = if strict {
                    required_note("end_note", &self.end_note)?
                } else {
                    note("end_note", &self.end_note)?
                };
                let needs = needs_action(self.sentiment, self.severity);
                if strict && end == RemarkEnd::Resolved && needs && action.is_none() {
                    return Err(DomainError::Empty { field: "action" });
                }
                (Some(end), Some(ended), end_note)
            }
        };
        Ok(Clean {
            text,
            day,
            action,
            end,
            ended_on,
            end_note,
        })
    }

    /// The action, all three parts or none: a due day not before the
    /// remark's `day`.
    fn action(&self, day: Day) -> Result<Option<Action>, DomainError> {
        let parts = [&self.action, &self.action_by, &self.action_due];
        if parts.iter().all(|p| p.trim().is_empty()) {
            return Ok(None);
        }
        let what = required_name("action", &self.action)?;
        let by = required_name("action_by", &self.action_by)?;
        if self.action_due.trim().is_empty() {
            return Err(DomainError::Empty {
                field: "action_due",
            });
        }
        let due = planned_day("action_due", &self.action_due, "day", day)?;
        Ok(Some(Action { what, by, due }))
    }
}

/// Whether a remark of this sentiment and severity may hurt loyalty: a
/// negative one, or any complaint.
fn needs_action(sentiment: Sentiment, severity: Severity) -> bool {
    sentiment == Sentiment::Negative || severity == Severity::Complaint
}

impl Record for Remark {
    const COLLECTION: &'static str = "remarks";
    const SINCE: u64 = 3;
    type Id = RemarkId;
    type Parent = AccountId;
    type Draft = RemarkDraft;
    type Field = RemarkField;

    fn parent(&self) -> Option<AccountId> {
        Some(self.account)
    }

    stamps!();

    fn check_draft(draft: &RemarkDraft, edit: &Edit) -> Result<(), DomainError> {
        draft.validated(edit).map(|_| ())
    }

    fn create(
        account: AccountId,
        draft: &RemarkDraft,
        records: &impl Records,
        edit: &Edit,
    ) -> Result<Self, DomainError> {
        let clean = draft.validated(edit)?;
        person_at("from", draft.from, account, records)?;
        Ok(Remark::build(account, draft, clean, edit.stamp()))
    }

    /// Refuses a new action or a second end once the remark has ended (a
    /// conflict between two ends is settled by a resolution). What the
    /// client said, and the end's note, may still be corrected.
    fn edited(
        &self,
        _: RemarkId,
        draft: &RemarkDraft,
        records: &impl Records,
        edit: &Edit,
    ) -> Result<Self, DomainError> {
        let edited = self.with(draft, draft.validated(edit)?, records)?;
        if let Some(ended) = self.ended_on {
            let settled = |r: &Remark| {
                (
                    r.end,
                    r.ended_on,
                    r.action.clone(),
                    r.action_by.clone(),
                    r.action_due,
                )
            };
            if settled(&edited) != settled(self) {
                return Err(DomainError::RemarkClosed { ended });
            }
        }
        Ok(edited)
    }

    fn resolved(
        &self,
        _: RemarkId,
        draft: &RemarkDraft,
        records: &impl Records,
        edit: &Edit,
    ) -> Result<Self, DomainError> {
        self.with(draft, draft.cleaned(edit, false)?, records)
    }

    fn draft(&self) -> RemarkDraft {
        let day = |d: Option<Day>| d.map(|d| d.to_string()).unwrap_or_default();
        RemarkDraft {
            from: self.from,
            role: self.role,
            topic: self.topic,
            sentiment: self.sentiment,
            severity: self.severity,
            text: self.text.clone(),
            day: self.day.to_string(),
            action: self.action.clone(),
            action_by: self.action_by.clone(),
            action_due: day(self.action_due),
            end: self.end,
            ended_on: day(self.ended_on),
            end_note: self.end_note.clone(),
        }
    }

    fn set_field(
        draft: &mut RemarkDraft,
        field: RemarkField,
        value: &str,
    ) -> Result<(), DomainError> {
        match field {
            RemarkField::From => draft.from = kept_id("from", value)?,
            RemarkField::Role => draft.role = Role::kept("role", value)?,
            RemarkField::Topic => draft.topic = Topic::kept("topic", value)?,
            RemarkField::Sentiment => draft.sentiment = Sentiment::kept("sentiment", value)?,
            RemarkField::Severity => draft.severity = Severity::kept("severity", value)?,
            RemarkField::End => draft.end = RemarkEnd::kept_optional("end", value)?,
            RemarkField::Text => value.clone_into(&mut draft.text),
            RemarkField::Day => value.clone_into(&mut draft.day),
            RemarkField::Action => value.clone_into(&mut draft.action),
            RemarkField::ActionBy => value.clone_into(&mut draft.action_by),
            RemarkField::ActionDue => value.clone_into(&mut draft.action_due),
            RemarkField::EndedOn => value.clone_into(&mut draft.ended_on),
            RemarkField::EndNote => value.clone_into(&mut draft.end_note),
        }
        Ok(())
    }
}

/// The action's three fields as stored (empty when there is none).
fn unzip(action: Option<Action>) -> (String, String, Option<Day>) {
    match action {
        Some(Action { what, by, due }) => (what, by, Some(due)),
        None => (String::new(), String::new(), None),
    }
}

impl Remark {
    /// This remark with `draft`'s values (`clean`: its fields cleaned).
    fn with(
        &self,
        draft: &RemarkDraft,
        clean: Clean,
        records: &impl Records,
    ) -> Result<Self, DomainError> {
        person_at("from", draft.from, self.account, records)?;
        Ok(Remark {
            updated: self.updated.clone(),
            deleted: self.deleted.clone(),
            ..Remark::build(self.account, draft, clean, self.created.clone())
        })
    }

    /// A live remark of `account` from `draft`'s values (`clean`: its
    /// fields cleaned), written as `created`.
    fn build(account: AccountId, draft: &RemarkDraft, clean: Clean, created: Stamp) -> Self {
        let (action, action_by, action_due) = unzip(clean.action);
        Remark {
            account,
            from: draft.from,
            role: draft.role,
            topic: draft.topic,
            sentiment: draft.sentiment,
            severity: draft.severity,
            text: clean.text,
            day: clean.day,
            action,
            action_by,
            action_due,
            end: clean.end,
            ended_on: clean.ended_on,
            end_note: clean.end_note,
            updated: created.clone(),
            created,
            deleted: None,
        }
    }

    /// It may hurt loyalty: a negative remark, or any complaint. Such a
    /// remark needs an action and an end, and is what the feedback rates
    /// count.
    pub fn needs_action(&self) -> bool {
        needs_action(self.sentiment, self.severity)
    }

    /// An action is recorded.
    pub fn has_action(&self) -> bool {
        self.action_due.is_some()
    }

    /// Not ended yet.
    pub fn is_open(&self) -> bool {
        self.end.is_none()
    }

    /// Whole days since it was made, on `today`: how long an open remark
    /// has waited.
    pub fn age(&self, today: Day) -> i64 {
        today.days_since(self.day)
    }

    /// Whole days from the remark to its resolution, if it was resolved.
    pub fn days_to_resolve(&self) -> Option<i64> {
        match (self.end, self.ended_on) {
            (Some(RemarkEnd::Resolved), Some(ended)) => Some(ended.days_since(self.day)),
            _ => None,
        }
    }

    /// Open, with an action whose due day is before `today`.
    pub fn is_action_overdue(&self, today: Day) -> bool {
        self.is_open() && self.action_due.is_some_and(|due| due < today)
    }

    /// A complaint made while its account was in exploration: the chance
    /// the chapter names (DOMAIN.md, point 10) to prove the seller cares —
    /// handled well, it moves the client towards expansion. The stage is
    /// the account's history as it stood at the end of the remark's day
    /// ([`StageNow::as_of`]), so a complaint keeps being the chance it was
    /// after the account moves on.
    pub fn is_chance(&self, records: &impl Records) -> bool {
        if self.severity != Severity::Complaint {
            return false;
        }
        let moves = records.of_account::<StageMove>(self.account);
        let then = StageNow::as_of(self.day, moves.iter().map(|(id, m)| (*id, m.as_ref())));
        then.stage == Stage::Exploration
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone, Utc};

    fn edit(today: &str) -> Edit {
        let today = NaiveDate::parse_from_str(today, "%Y-%m-%d").unwrap();
        Edit {
            author: crate::domain::Author {
                name: "Анна".into(),
                device: "tablet".into(),
            },
            at: Utc.from_utc_datetime(&today.and_hms_opt(10, 0, 0).unwrap()),
            today,
        }
    }

    fn complaint() -> RemarkDraft {
        RemarkDraft::heard(
            Role::User,
            Topic::Delivery,
            Sentiment::Negative,
            Severity::Complaint,
            "the pallets came wet",
            "2026-11-10",
        )
    }

    fn check(draft: &RemarkDraft) -> Result<(), DomainError> {
        Remark::check_draft(draft, &edit("2026-11-27"))
    }

    #[test]
    fn an_action_is_all_three_parts_or_none() {
        assert_eq!(check(&complaint()), Ok(()));
        let mut half = complaint();
        half.action = "send a technician".into();
        assert_eq!(check(&half), Err(DomainError::Empty { field: "action_by" }));
        half.action_by = "Анна".into();
        assert_eq!(
            check(&half),
            Err(DomainError::Empty {
                field: "action_due"
            })
        );
        half.action_due = "2026-11-09".into();
        assert_eq!(
            check(&half),
            Err(DomainError::Before {
                field: "action_due",
                day: Day::parse("2026-11-09").unwrap(),
                other: "day",
                other_day: Day::parse("2026-11-10").unwrap(),
            })
        );
        // The remark's own day is a due day; so is one after today.
        half.action_due = "2026-11-10".into();
        assert_eq!(check(&half), Ok(()));
        half.action_due = "2026-12-10".into();
        assert_eq!(check(&half), Ok(()));
        // Blanks are no action at all.
        let mut blank = complaint();
        blank.action = "  ".into();
        blank.action_by = "\n".into();
        assert_eq!(check(&blank), Ok(()));
    }

    #[test]
    fn which_remarks_need_an_action() {
        let needs = |sentiment, severity| needs_action(sentiment, severity);
        assert!(needs(Sentiment::Negative, Severity::Remark));
        assert!(needs(Sentiment::Positive, Severity::Complaint));
        assert!(needs(Sentiment::Neutral, Severity::Complaint));
        assert!(!needs(Sentiment::Neutral, Severity::Remark));
        assert!(!needs(Sentiment::Positive, Severity::Remark));
    }

    #[test]
    fn an_end_says_what_was_done_or_why_not() {
        let mut ended = complaint();
        ended.end = Some(RemarkEnd::ClosedWithoutAction);
        ended.ended_on = "2026-11-12".into();
        assert_eq!(check(&ended), Err(DomainError::Empty { field: "end_note" }));
        ended.end_note = "the client withdrew it".into();
        assert_eq!(check(&ended), Ok(()));
        // Resolved needs the action behind it.
        ended.end = Some(RemarkEnd::Resolved);
        assert_eq!(check(&ended), Err(DomainError::Empty { field: "action" }));
        // Not a day that has not come, nor one before the remark.
        ended.end = Some(RemarkEnd::ClosedWithoutAction);
        ended.ended_on = "2026-11-29".into();
        assert!(matches!(
            check(&ended),
            Err(DomainError::DayOutOfRange { .. })
        ));
        ended.ended_on = "2026-11-09".into();
        assert!(matches!(check(&ended), Err(DomainError::Before { .. })));
        // A remark that needs no action may be resolved without one.
        let mut praise = RemarkDraft::heard(
            Role::Buyer,
            Topic::Rep,
            Sentiment::Positive,
            Severity::Remark,
            "always on time",
            "2026-11-10",
        );
        praise.end = Some(RemarkEnd::Resolved);
        praise.ended_on = "2026-11-10".into();
        praise.end_note = "thanked them".into();
        assert_eq!(check(&praise), Ok(()));
    }

    #[test]
    fn every_choice_is_read_back_from_its_stored_name() {
        for role in Role::ALL {
            assert_eq!(Role::from_stored(&format!("{role:?}")), Some(*role));
        }
        for end in RemarkEnd::ALL {
            assert_eq!(RemarkEnd::from_stored(&format!("{end:?}")), Some(*end));
        }
        assert_eq!(Topic::from_stored("delivery"), None, "by name, not slug");
    }
}
