//! A touch: one interaction with an account — a visit, a call, an email, a
//! message — with the rep's free-text note. The timeline of touches is what
//! "stay in touch" is measured by.

use autosurgeon::{Hydrate, Reconcile};
use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::domain::record::{fields, stamps};
use crate::domain::text::note;
use crate::domain::{
    AccountId, Contact, ContactId, Day, DomainError, Draft, Edit, Record, Records, Stamp, TouchId,
};

/// How the rep was in touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash, Reconcile, Hydrate)]
pub enum TouchKind {
    /// Met at the client's site (or the client at ours).
    Visit,
    /// Phone call.
    Call,
    /// Email.
    Email,
    /// Chat or text message.
    Message,
    /// A thank-you, or a word with no deal pending: staying in touch for
    /// its own sake (DOMAIN.md, point 5).
    ThankYou,
}

impl TouchKind {
    /// Every kind, in the order the touch form offers them.
    pub const ALL: [TouchKind; 5] = [
        Self::Visit,
        Self::Call,
        Self::Email,
        Self::Message,
        Self::ThankYou,
    ];

    /// A stable lowercase name (test ids, CSS classes, exports).
    pub fn slug(self) -> &'static str {
        match self {
            Self::Visit => "visit",
            Self::Call => "call",
            Self::Email => "email",
            Self::Message => "message",
            Self::ThankYou => "thank-you",
        }
    }

    /// The kind stored under its variant's name ("Visit"), as the document
    /// holds it.
    pub fn from_stored(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| format!("{kind:?}") == name)
    }
}

/// One interaction, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Touch {
    /// The account it was with.
    pub account: AccountId,
    /// The person, when the rep chose one.
    pub contact: Option<ContactId>,
    /// Visit, call, email or message.
    pub kind: TouchKind,
    /// The day it happened.
    pub day: Day,
    /// What was said and agreed. A plain string, not automerge `Text`: see
    /// `document::schema` for why.
    pub note: String,
    /// Who logged it.
    pub created: Stamp,
    /// Who changed it last.
    pub updated: Stamp,
    /// Tombstone, see [`crate::domain::Account::deleted`].
    pub deleted: Option<Stamp>,
}

fields! {
    /// The fields of a touch a conflict can be settled on.
    TouchField {
        /// [`Touch::kind`].
        Kind = "kind",
        /// [`Touch::day`].
        Day = "day",
        /// [`Touch::contact`].
        Contact = "contact",
        /// [`Touch::note`].
        Note = "note",
    }
}

impl Record for Touch {
    const COLLECTION: &'static str = "touches";
    const SINCE: u64 = 1;
    type Id = TouchId;
    type Parent = AccountId;
    type Draft = TouchDraft;
    type Field = TouchField;

    fn parent(&self) -> Option<AccountId> {
        Some(self.account)
    }

    stamps!();

    fn check_draft(draft: &TouchDraft, edit: &Edit) -> Result<(), DomainError> {
        draft.validated(edit.today).map(|_| ())
    }

    /// The person, if named, must be a live contact of this account.
    fn create(
        account: AccountId,
        draft: &TouchDraft,
        records: &impl Records,
        edit: &Edit,
    ) -> Result<Self, DomainError> {
        let (day, note) = draft.validated(edit.today)?;
        contact_at(draft.contact, account, records)?;
        Ok(Touch {
            account,
            contact: draft.contact,
            kind: draft.kind,
            day,
            note,
            created: edit.stamp(),
            updated: edit.stamp(),
            deleted: None,
        })
    }

    fn edited(
        &self,
        _: TouchId,
        draft: &TouchDraft,
        records: &impl Records,
        edit: &Edit,
    ) -> Result<Self, DomainError> {
        let (day, note) = draft.validated(edit.today)?;
        contact_at(draft.contact, self.account, records)?;
        Ok(Touch {
            contact: draft.contact,
            kind: draft.kind,
            day,
            note,
            ..self.clone()
        })
    }

    fn draft(&self) -> TouchDraft {
        TouchDraft {
            kind: self.kind,
            day: self.day.to_string(),
            contact: self.contact,
            note: self.note.clone(),
        }
    }

    fn set_field(
        draft: &mut TouchDraft,
        field: TouchField,
        value: &str,
    ) -> Result<(), DomainError> {
        let not_a = |field| DomainError::NotAValue {
            field,
            value: value.to_owned(),
        };
        match field {
            TouchField::Kind => {
                draft.kind = TouchKind::from_stored(value).ok_or_else(|| not_a("kind"))?
            }
            TouchField::Day => value.clone_into(&mut draft.day),
            TouchField::Contact => {
                draft.contact = match value {
                    "" => None,
                    id => Some(id.parse().map_err(|_| not_a("contact"))?),
                }
            }
            TouchField::Note => value.clone_into(&mut draft.note),
        }
        Ok(())
    }
}

/// Refuses a person who is not a live contact of `account`.
fn contact_at(
    contact: Option<ContactId>,
    account: AccountId,
    records: &impl Records,
) -> Result<(), DomainError> {
    if let Some(contact) = contact
        && records.live::<Contact>(contact)?.account != account
    {
        return Err(DomainError::ContactOfOtherAccount { contact, account });
    }
    Ok(())
}

/// What the rep enters in the touch form, before validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TouchDraft {
    /// Kind of touch.
    pub kind: TouchKind,
    /// The date as typed (`YYYY-MM-DD`).
    pub day: String,
    /// Optional person.
    pub contact: Option<ContactId>,
    /// The note.
    pub note: String,
}

/// How far back a touch may be dated: older history belongs in an import.
const YEARS_BACK: u32 = 10;

impl Draft for TouchDraft {
    type Record = Touch;
}

impl TouchDraft {
    /// The earliest and latest day a touch logged `today` may carry. One day
    /// ahead is allowed because a rep's "today" can be UTC's tomorrow.
    pub fn day_range(today: NaiveDate) -> (Day, Day) {
        let earliest = today
            .checked_sub_months(Months::new(12 * YEARS_BACK))
            .unwrap_or(NaiveDate::MIN);
        let latest = today.checked_add_days(Days::new(1)).unwrap_or(today);
        (Day(earliest), Day(latest))
    }

    /// The day and note cleaned, or the first rule broken.
    pub fn validated(&self, today: NaiveDate) -> Result<(Day, String), DomainError> {
        let day = Day::parse(&self.day).ok_or_else(|| DomainError::NotADay(self.day.clone()))?;
        let (earliest, latest) = Self::day_range(today);
        if day < earliest || day > latest {
            return Err(DomainError::DayOutOfRange {
                day,
                earliest,
                latest,
            });
        }
        Ok((day, note("note", &self.note)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(day: &str) -> TouchDraft {
        TouchDraft {
            kind: TouchKind::Visit,
            day: day.into(),
            contact: None,
            note: "  обсудили поставку  ".into(),
        }
    }

    #[test]
    fn a_touch_today_is_fine_and_its_note_is_trimmed() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        assert_eq!(
            draft("2026-11-27").validated(today),
            Ok((Day(today), "обсудили поставку".into()))
        );
    }

    #[test]
    fn dates_far_away_are_refused() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        assert!(matches!(
            draft("1900-01-01").validated(today),
            Err(DomainError::DayOutOfRange { .. })
        ));
        assert!(matches!(
            draft("2027-06-01").validated(today),
            Err(DomainError::DayOutOfRange { .. })
        ));
        assert!(draft("2016-12-01").validated(today).is_ok());
        assert!(draft("2026-11-28").validated(today).is_ok());
        assert_eq!(
            draft("27.11.2026").validated(today),
            Err(DomainError::NotADay("27.11.2026".into()))
        );
    }
}
