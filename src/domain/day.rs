//! A calendar day (the day a touch happened), stored as `YYYY-MM-DD`.

use std::fmt;

use autosurgeon::reconcile::NoKey;
use autosurgeon::{Hydrate, HydrateError, Reconcile, Reconciler};
use chrono::{Datelike, NaiveDate};

use crate::domain::DomainError;

/// A calendar day without a time zone: the rep's own day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub NaiveDate);

impl Day {
    /// Parses the `YYYY-MM-DD` form an `<input type=date>` produces.
    ///
    /// By hand rather than with chrono's strftime parser, which would add
    /// kilobytes to the shipped wasm (the size budget is tight) and accepts
    /// looser forms such as `2026-2-3`.
    pub fn parse(s: &str) -> Option<Self> {
        let mut parts = s.trim().splitn(3, '-');
        let mut number = |digits: usize| {
            let part = parts.next()?;
            let well_formed = part.len() == digits && part.bytes().all(|b| b.is_ascii_digit());
            if well_formed {
                part.parse::<u32>().ok()
            } else {
                None
            }
        };
        let (year, month, day) = (number(4)?, number(2)?, number(2)?);
        NaiveDate::from_ymd_opt(year as i32, month, day).map(Day)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        write!(f, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
    }
}

// Between the app's threads and in the read-model cache a day travels as its
// number of days from 1 January of year 1, not as text.
impl serde::Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i32(self.0.num_days_from_ce())
    }
}

impl<'de> serde::Deserialize<'de> for Day {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let days = <i32 as serde::Deserialize>::deserialize(d)?;
        NaiveDate::from_num_days_from_ce_opt(days)
            .map(Day)
            .ok_or_else(|| serde::de::Error::custom("day out of range"))
    }
}

impl Reconcile for Day {
    type Key<'a> = NoKey;

    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        reconciler.str(self.to_string())
    }
}

impl Hydrate for Day {
    fn hydrate_string(s: &str) -> Result<Self, HydrateError> {
        Day::parse(s).ok_or_else(|| HydrateError::unexpected("a YYYY-MM-DD date", s.to_owned()))
    }
}

/// How far back a day that happened may be dated: older history belongs in
/// an import.
pub(crate) const YEARS_BACK: u32 = 10;
/// How far ahead a day planned from another may lie.
pub(crate) const YEARS_AHEAD: u32 = 5;

impl Day {
    /// The day `days` after this one (before, if negative), saturating.
    pub fn plus(self, days: i64) -> Day {
        let moved = if days >= 0 {
            self.0.checked_add_days(chrono::Days::new(days as u64))
        } else {
            self.0
                .checked_sub_days(chrono::Days::new(days.unsigned_abs()))
        };
        Day(moved.unwrap_or(self.0))
    }

    /// The same day of the same month in `year`: a birthday's or a
    /// founding day's anniversary. 29 February falls on 28 February in a
    /// year that has none (the day before 1 March, still in February, as
    /// most people born on it celebrate it). A year outside the calendar's
    /// range gives this day unchanged.
    pub fn in_year(self, year: i32) -> Day {
        let d = self.0;
        NaiveDate::from_ymd_opt(year, d.month(), d.day())
            .or_else(|| NaiveDate::from_ymd_opt(year, d.month(), d.day() - 1))
            .map_or(self, Day)
    }

    /// Whole days from `earlier` to this day (negative if it is later).
    pub fn days_since(self, earlier: Day) -> i64 {
        (self.0 - earlier.0).num_days()
    }
}

/// A day something happened, typed in a form: a date, no more than
/// [`YEARS_BACK`] years ago and at most tomorrow (a rep's "today" can be
/// UTC's tomorrow).
pub(crate) fn happened_day(raw: &str, today: NaiveDate) -> Result<Day, DomainError> {
    let day = Day::parse(raw).ok_or_else(|| DomainError::NotADay(raw.trim().to_owned()))?;
    let earliest = today
        .checked_sub_months(chrono::Months::new(12 * YEARS_BACK))
        .unwrap_or(NaiveDate::MIN);
    let latest = today
        .checked_add_days(chrono::Days::new(1))
        .unwrap_or(today);
    within(day, Day(earliest), Day(latest))
}

/// A day on the calendar a rep plans by (an action's due day, a follow-up):
/// from [`YEARS_BACK`] years ago to [`YEARS_AHEAD`] years ahead.
pub(crate) fn calendar_day(raw: &str, today: NaiveDate) -> Result<Day, DomainError> {
    day_around(raw, today, YEARS_BACK)
}

/// A date from `back` years before `today` to [`YEARS_AHEAD`] years after.
fn day_around(raw: &str, today: NaiveDate, back: u32) -> Result<Day, DomainError> {
    let day = Day::parse(raw).ok_or_else(|| DomainError::NotADay(raw.trim().to_owned()))?;
    let earliest = today
        .checked_sub_months(chrono::Months::new(12 * back))
        .unwrap_or(NaiveDate::MIN);
    let latest = today
        .checked_add_months(chrono::Months::new(12 * YEARS_AHEAD))
        .unwrap_or(NaiveDate::MAX);
    within(day, Day(earliest), Day(latest))
}

/// A day planned from `from` (a due date, a promised delivery), typed in
/// a form: a date from `from` to [`YEARS_AHEAD`] years after it. A day
/// before `from` is refused as before it, naming both fields.
pub(crate) fn planned_day(
    field: &'static str,
    raw: &str,
    after: &'static str,
    from: Day,
) -> Result<Day, DomainError> {
    let day = Day::parse(raw).ok_or_else(|| DomainError::NotADay(raw.trim().to_owned()))?;
    not_before(field, day, after, from)?;
    let latest = from
        .0
        .checked_add_months(chrono::Months::new(12 * YEARS_AHEAD))
        .unwrap_or(NaiveDate::MAX);
    within(day, from, Day(latest))
}

/// How far back a day a rep remembers about someone may lie (a birthday,
/// the year a company was founded): two centuries. Further back is a typo.
pub(crate) const REMEMBERED_YEARS_BACK: u32 = 200;

/// A day a rep remembers about a person or a company (a birthday, a
/// founding day): a date from [`REMEMBERED_YEARS_BACK`] years ago to
/// [`YEARS_AHEAD`] years ahead. Unlike a day that happened, it may lie
/// long before the workspace's history.
pub(crate) fn remembered_day(raw: &str, today: NaiveDate) -> Result<Day, DomainError> {
    day_around(raw, today, REMEMBERED_YEARS_BACK)
}

/// A day that must come strictly after `from` (of `after`): the next
/// check after a check. The same day, or one before it, is refused as not
/// after it, naming both fields; at most [`YEARS_AHEAD`] years after it.
pub(crate) fn later_day(
    field: &'static str,
    raw: &str,
    after: &'static str,
    from: Day,
) -> Result<Day, DomainError> {
    let day = Day::parse(raw).ok_or_else(|| DomainError::NotADay(raw.trim().to_owned()))?;
    if day <= from {
        return Err(DomainError::NotAfter {
            field,
            day,
            other: after,
            other_day: from,
        });
    }
    planned_day(field, raw, after, from)
}

/// Refuses `day` (of `field`) if it is before `from` (of `after`).
pub(crate) fn not_before(
    field: &'static str,
    day: Day,
    after: &'static str,
    from: Day,
) -> Result<(), DomainError> {
    if day < from {
        return Err(DomainError::Before {
            field,
            day,
            other: after,
            other_day: from,
        });
    }
    Ok(())
}

fn within(day: Day, earliest: Day, latest: Day) -> Result<Day, DomainError> {
    if day < earliest || day > latest {
        return Err(DomainError::DayOutOfRange {
            day,
            earliest,
            latest,
        });
    }
    Ok(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip_through_their_text_form() {
        let day = Day::parse(" 2026-02-03 ").unwrap();
        assert_eq!(day.0, NaiveDate::from_ymd_opt(2026, 2, 3).unwrap());
        assert_eq!(day.to_string(), "2026-02-03");
    }

    #[test]
    fn an_anniversary_keeps_month_and_day_and_29_february_falls_on_the_28th() {
        let born = Day::parse("2000-02-29").unwrap();
        assert_eq!(born.in_year(2028), Day::parse("2028-02-29").unwrap());
        assert_eq!(born.in_year(2027), Day::parse("2027-02-28").unwrap());
        let new_year = Day::parse("1990-12-31").unwrap();
        assert_eq!(new_year.in_year(2026), Day::parse("2026-12-31").unwrap());
    }

    #[test]
    fn a_later_day_must_be_strictly_after() {
        let from = Day::parse("2026-03-10").unwrap();
        assert!(matches!(
            later_day("next", "2026-03-10", "on", from),
            Err(DomainError::NotAfter { .. })
        ));
        assert!(matches!(
            later_day("next", "2026-03-09", "on", from),
            Err(DomainError::NotAfter { .. })
        ));
        assert_eq!(
            later_day("next", "2026-03-11", "on", from),
            Ok(Day::parse("2026-03-11").unwrap())
        );
    }

    #[test]
    fn anything_else_is_not_a_day() {
        for bad in [
            "2026-2-3",
            "2026-02-30",
            "26-02-03",
            "2026-02-03x",
            "",
            "2026/02/03",
            "+026-02-03",
        ] {
            assert_eq!(Day::parse(bad), None, "{bad:?}");
        }
    }
}
