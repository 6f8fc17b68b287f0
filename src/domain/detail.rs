//! Small details of a contact: "don't forget the small things" (DOMAIN.md,
//! point 5). What a rep learns about a person — their family, what they
//! like and dislike, how to reach them ("no calls before 10"), the dates
//! that matter to them — kept so it can be shown before the next visit,
//! with the dates coming up ([`coming_up`]).
//!
//! A detail belongs to one contact and is grouped under the contact's
//! account. It is not deleted with its contact (two devices would race a
//! cascade: a detail added on one while the contact is deleted on the
//! other would survive it); instead, a detail of a deleted contact is not
//! shown and not counted anywhere, and cannot be edited until it names a
//! live contact again. This file holds the rules and the date arithmetic;
//! the screens' lists are in `document/read_model.rs`.

use autosurgeon::{Hydrate, Reconcile};
use chrono::Datelike;
use serde::{Deserialize, Serialize};

use crate::domain::day::remembered_day;
use crate::domain::ids::typed_id;
use crate::domain::record::{fields, stamps};
use crate::domain::sort::sort_by;
use crate::domain::text::required_note;
use crate::domain::{
    AccountId, Contact, ContactId, Day, DomainError, Draft, Edit, Record, Records, Stamp, lowercase,
};

typed_id!(
    /// Identifies a small detail of a contact.
    DetailId for Detail
);

/// What a detail is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Reconcile, Hydrate)]
pub enum DetailCategory {
    /// Family: a daughter starting school, a spouse's name.
    Family,
    /// What they like: tea not coffee, a football club.
    Preferences,
    /// A date that matters: a birthday, the company's anniversary.
    ImportantDate,
    /// What they dislike or would rather avoid.
    Dislikes,
    /// How to reach them: "no calls before 10", "email first".
    HowToReach,
    /// Anything else.
    Other,
}

impl DetailCategory {
    /// Every category, in the order the form offers them.
    pub const ALL: [DetailCategory; 6] = [
        Self::Family,
        Self::Preferences,
        Self::ImportantDate,
        Self::Dislikes,
        Self::HowToReach,
        Self::Other,
    ];

    /// A stable lowercase name (test ids, CSS classes, exports).
    pub fn slug(self) -> &'static str {
        match self {
            Self::Family => "family",
            Self::Preferences => "preferences",
            Self::ImportantDate => "important-date",
            Self::Dislikes => "dislikes",
            Self::HowToReach => "how-to-reach",
            Self::Other => "other",
        }
    }

    /// The category stored under its variant's name, as the document holds it.
    pub fn from_stored(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| format!("{c:?}") == name)
    }
}

/// A small detail of a contact, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Detail {
    /// The contact's account: what the detail is grouped under.
    pub account: AccountId,
    /// The person it is about.
    pub contact: ContactId,
    /// What it is about.
    pub category: DetailCategory,
    /// The detail, in the rep's words.
    pub text: String,
    /// A day it names (a birthday), which may be long past.
    pub date: Option<Day>,
    /// The date comes back every year (a birthday, an anniversary), rather
    /// than once (a wedding next June).
    pub yearly: bool,
    /// Who recorded it.
    pub created: Stamp,
    /// Who changed it last.
    pub updated: Stamp,
    /// Tombstone.
    pub deleted: Option<Stamp>,
}

fields! {
    /// The fields of a detail a conflict can be settled on.
    DetailField {
        /// [`Detail::contact`].
        Contact = "contact",
        /// [`Detail::category`].
        Category = "category",
        /// [`Detail::text`].
        Text = "text",
        /// [`Detail::date`].
        Date = "date",
        /// [`Detail::yearly`].
        Yearly = "yearly",
    }
}

/// The detail form, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetailDraft {
    /// The person it is about (the contact whose card the form is on).
    pub contact: ContactId,
    /// What it is about.
    pub category: DetailCategory,
    /// The detail (required).
    pub text: String,
    /// `YYYY-MM-DD` or empty.
    pub date: String,
    /// The date comes back every year.
    pub yearly: bool,
}

impl Draft for DetailDraft {
    type Record = Detail;
}

impl DetailDraft {
    /// An empty draft about `contact`.
    pub fn about(contact: ContactId, category: DetailCategory) -> Self {
        Self {
            contact,
            category,
            text: String::new(),
            date: String::new(),
            yearly: false,
        }
    }

    /// The text and the date cleaned, or the first rule they break: the
    /// text must not be blank, a date must be one, and a yearly detail
    /// needs its date.
    fn validated(&self, edit: &Edit) -> Result<(String, Option<Day>), DomainError> {
        let text = required_note("text", &self.text)?;
        let date = match self.date.trim() {
            "" if self.yearly => return Err(DomainError::Empty { field: "date" }),
            "" => None,
            raw => Some(remembered_day(raw, edit.today)?),
        };
        Ok((text, date))
    }
}

impl Record for Detail {
    const COLLECTION: &'static str = "details";
    const SINCE: u64 = 3;
    type Id = DetailId;
    type Parent = AccountId;
    type Draft = DetailDraft;
    type Field = DetailField;

    fn parent(&self) -> Option<AccountId> {
        Some(self.account)
    }

    stamps!();

    fn check_draft(draft: &DetailDraft, edit: &Edit) -> Result<(), DomainError> {
        draft.validated(edit).map(|_| ())
    }

    /// The contact must be a live contact of `account`.
    fn create(
        account: AccountId,
        draft: &DetailDraft,
        records: &impl Records,
        edit: &Edit,
    ) -> Result<Self, DomainError> {
        let clean = draft.validated(edit)?;
        contact_at(draft.contact, account, records)?;
        Ok(Self::made(account, draft, clean, edit))
    }

    /// The contact, even unchanged, must still be live: a detail of a
    /// deleted person is not edited (it may be deleted, or moved to a live
    /// contact of the same account).
    fn edited(
        &self,
        _: DetailId,
        draft: &DetailDraft,
        records: &impl Records,
        edit: &Edit,
    ) -> Result<Self, DomainError> {
        let clean = draft.validated(edit)?;
        contact_at(draft.contact, self.account, records)?;
        Ok(Detail {
            created: self.created.clone(),
            ..Self::made(self.account, draft, clean, edit)
        })
    }

    fn draft(&self) -> DetailDraft {
        DetailDraft {
            contact: self.contact,
            category: self.category,
            text: self.text.clone(),
            date: self.date.map(|d| d.to_string()).unwrap_or_default(),
            yearly: self.yearly,
        }
    }

    fn set_field(
        draft: &mut DetailDraft,
        field: DetailField,
        value: &str,
    ) -> Result<(), DomainError> {
        let not_a = |field| DomainError::NotAValue {
            field,
            value: value.to_owned(),
        };
        match field {
            DetailField::Contact => draft.contact = value.parse().map_err(|_| not_a("contact"))?,
            DetailField::Category => {
                draft.category =
                    DetailCategory::from_stored(value).ok_or_else(|| not_a("category"))?
            }
            DetailField::Text => value.clone_into(&mut draft.text),
            DetailField::Date => value.clone_into(&mut draft.date),
            DetailField::Yearly => draft.yearly = value.parse().map_err(|_| not_a("yearly"))?,
        }
        Ok(())
    }
}

/// The contact must be a live contact of `account`.
fn contact_at(
    contact: ContactId,
    account: AccountId,
    records: &impl Records,
) -> Result<(), DomainError> {
    if records.live::<Contact>(contact)?.account != account {
        return Err(DomainError::ContactOfOtherAccount { contact, account });
    }
    Ok(())
}

impl Detail {
    /// A live detail of `account` with the draft's values (`clean`: its
    /// text and date cleaned), made by `edit`.
    fn made(
        account: AccountId,
        draft: &DetailDraft,
        (text, date): (String, Option<Day>),
        edit: &Edit,
    ) -> Self {
        Detail {
            account,
            contact: draft.contact,
            category: draft.category,
            text,
            date,
            yearly: draft.yearly,
            created: edit.stamp(),
            updated: edit.stamp(),
            deleted: None,
        }
    }

    /// The next day on or after `today` its date falls on: for a yearly
    /// date, its anniversary this year or, once past, next year (never
    /// before the date itself); for a date that comes once, the date if it
    /// has not passed. A 29 February date falls on 28 February in a year
    /// without one ([`Day::in_year`]). None without a date.
    pub fn next_on(&self, today: Day) -> Option<Day> {
        let date = self.date?;
        if date >= today {
            return Some(date);
        }
        if !self.yearly {
            return None;
        }
        let year = today.0.year();
        let this_year = date.in_year(year);
        Some(if this_year >= today {
            this_year
        } else {
            date.in_year(year + 1)
        })
    }
}

/// The longest look ahead for dates coming up: a year, leap day included.
pub const MAX_WITHIN_DAYS: i64 = 366;

/// A date of a detail that comes up soon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upcoming {
    /// The day it falls on.
    pub day: Day,
    /// How many days from today (0: today).
    pub in_days: i64,
    /// The detail.
    pub detail: DetailId,
    /// The person.
    pub contact: ContactId,
    /// Their account.
    pub account: AccountId,
    /// What it is about.
    pub category: DetailCategory,
    /// The detail's text.
    pub text: String,
}

/// The dates of live details of live contacts that fall from `today` to
/// `within_days` days after it (both ends included), of one account or,
/// with `None`, of the whole workspace; sorted by day, then by the
/// contact's name. `within_days` is 0 (today only) to
/// [`MAX_WITHIN_DAYS`].
pub fn coming_up(
    records: &impl Records,
    account: Option<AccountId>,
    today: Day,
    within_days: i64,
) -> Result<Vec<Upcoming>, DomainError> {
    if !(0..=MAX_WITHIN_DAYS).contains(&within_days) {
        return Err(DomainError::NumberOutOfRange {
            field: "within_days",
            value: within_days,
            min: 0,
            max: MAX_WITHIN_DAYS,
        });
    }
    let details = match account {
        Some(account) => records.live_of_account::<Detail>(account),
        None => records.every::<Detail>(),
    };
    let last = today.plus(within_days);
    let mut upcoming: Vec<(String, Upcoming)> = details
        .into_iter()
        .filter(|(_, detail)| detail.is_live())
        .filter_map(|(id, detail)| {
            let day = detail.next_on(today).filter(|d| *d <= last)?;
            // A live contact of the detail's account: its account live too.
            let contact = records
                .live::<Contact>(detail.contact)
                .ok()
                .filter(|c| c.account == detail.account)?;
            let upcoming = Upcoming {
                day,
                in_days: day.days_since(today),
                detail: id,
                contact: detail.contact,
                account: detail.account,
                category: detail.category,
                text: detail.text.clone(),
            };
            Some((lowercase(&contact.name), upcoming))
        })
        .collect();
    sort_by(&mut upcoming, |(a_name, a), (b_name, b)| {
        (a.day, a_name, a.contact, a.detail).cmp(&(b.day, b_name, b.contact, b.detail))
    });
    Ok(upcoming.into_iter().map(|(_, u)| u).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Day {
        Day::parse(text).unwrap()
    }

    fn dated(date: &str, yearly: bool) -> Detail {
        let stamp = Stamp::nobody();
        Detail {
            account: AccountId::random(),
            contact: ContactId::random(),
            category: DetailCategory::ImportantDate,
            text: "birthday".into(),
            date: Some(day(date)),
            yearly,
            created: stamp.clone(),
            updated: stamp,
            deleted: None,
        }
    }

    #[test]
    fn a_yearly_date_comes_back_this_year_or_next() {
        let birthday = dated("1980-06-15", true);
        assert_eq!(birthday.next_on(day("2026-06-01")), Some(day("2026-06-15")));
        assert_eq!(birthday.next_on(day("2026-06-15")), Some(day("2026-06-15")));
        assert_eq!(birthday.next_on(day("2026-06-16")), Some(day("2027-06-15")));
    }

    #[test]
    fn a_yearly_date_crosses_new_year() {
        let new_year = dated("1975-01-01", true);
        assert_eq!(new_year.next_on(day("2026-12-31")), Some(day("2027-01-01")));
        let eve = dated("1975-12-31", true);
        assert_eq!(eve.next_on(day("2027-01-01")), Some(day("2027-12-31")));
    }

    #[test]
    fn the_29th_of_february_falls_on_the_28th_in_other_years() {
        let leap = dated("1996-02-29", true);
        assert_eq!(leap.next_on(day("2027-02-01")), Some(day("2027-02-28")));
        assert_eq!(leap.next_on(day("2027-02-28")), Some(day("2027-02-28")));
        assert_eq!(leap.next_on(day("2027-03-01")), Some(day("2028-02-29")));
        assert_eq!(leap.next_on(day("2028-02-29")), Some(day("2028-02-29")));
    }

    #[test]
    fn a_date_that_comes_once_is_next_only_until_it_passes() {
        let wedding = dated("2026-09-05", false);
        assert_eq!(wedding.next_on(day("2026-09-05")), Some(day("2026-09-05")));
        assert_eq!(wedding.next_on(day("2026-09-06")), None);
        // A yearly date set in the future starts then, not before.
        let opening = dated("2027-03-01", true);
        assert_eq!(opening.next_on(day("2026-03-02")), Some(day("2027-03-01")));
        let mut undated = dated("2026-01-01", true);
        undated.date = None;
        assert_eq!(undated.next_on(day("2026-01-01")), None);
    }

    #[test]
    fn categories_round_trip_through_their_stored_names() {
        for category in DetailCategory::ALL {
            assert_eq!(
                DetailCategory::from_stored(&format!("{category:?}")),
                Some(category)
            );
        }
        assert_eq!(DetailCategory::from_stored("Gossip"), None);
    }
}
