//! Staying in touch, even when no deal is pending (DOMAIN.md, point 5):
//! every account, and every person there, has a cadence — how many days
//! may pass between touches — and is fine, due soon or overdue against it.
//!
//! ## The cadence
//!
//! An account's cadence is its own, when the rep set one; else the team's
//! for the stage the account is in ([`TeamSettings::cadence_for`]: by
//! default awareness every 30 days, exploration 14, expansion 21,
//! commitment 21). An ended account has none: nobody is expected to keep
//! in touch with it. A person's cadence is their own, else their account's.
//! A cadence is a whole number of days, 1 to [`MAX_CADENCE_DAYS`].
//!
//! ## Fine, due soon, overdue
//!
//! The last touch is the latest day of any live touch, whatever its kind
//! (a visit, a call, a thank-you with no deal pending): with anybody at
//! the account for the account, with that person for a person. Without
//! one, the day the account or person was added counts instead. The next
//! touch is due `cadence` days after it; on `today` the account or person
//! is
//! - **overdue** when today is after the due day, by the days since it;
//! - **due soon** when the due day is at most [`DUE_SOON_DAYS`] days away
//!   (the due day itself included);
//! - **fine** otherwise.
//!
//! ## Losing touch
//!
//! The "losing touch" list is the overdue ones, overdue longest first:
//! accounts, and the people who have a cadence of their own (the others
//! are kept in touch with through their account, so they are not listed
//! once per person).

use serde::{Deserialize, Serialize};

use crate::domain::settings::whole_number;
use crate::domain::{Day, DomainError, Stage, Touch};

/// A touch is due soon this many days before its due day.
pub const DUE_SOON_DAYS: i64 = 3;

/// The longest cadence: once a year.
pub const MAX_CADENCE_DAYS: i64 = 365;

/// Where a cadence comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CadenceFrom {
    /// The team's, for the account's stage.
    Stage(Stage),
    /// The account's own.
    Account,
    /// The person's own.
    Contact,
}

/// How many days may pass between touches, and why that many.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cadence {
    /// Days between touches.
    pub days: i64,
    /// Whose it is.
    pub from: CadenceFrom,
}

impl Cadence {
    /// An account's: its own `days` if set, else the team's `by_stage`
    /// for `stage`; none once the relationship ended.
    pub fn of_account(own: Option<i64>, stage: Stage, by_stage: Option<i64>) -> Option<Self> {
        if stage == Stage::Ended {
            return None;
        }
        match own {
            Some(days) => Some(Self {
                days,
                from: CadenceFrom::Account,
            }),
            None => by_stage.map(|days| Self {
                days,
                from: CadenceFrom::Stage(stage),
            }),
        }
    }

    /// A person's: their own `days` if set (and the account is not ended),
    /// else their account's.
    pub fn of_contact(own: Option<i64>, account: Option<Cadence>) -> Option<Self> {
        match (own, account) {
            (_, None) => None,
            (Some(days), Some(_)) => Some(Self {
                days,
                from: CadenceFrom::Contact,
            }),
            (None, account) => account,
        }
    }
}

/// A cadence as typed in a form: empty for none (the default applies),
/// else whole days, 1 to [`MAX_CADENCE_DAYS`].
pub fn parse_cadence(field: &'static str, raw: &str) -> Result<Option<i64>, DomainError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    whole_number(field, raw, 1, MAX_CADENCE_DAYS).map(Some)
}

/// A cadence field cleaned: trimmed, and refused unless empty or a
/// cadence ([`parse_cadence`]).
pub fn cadence_text(raw: &str) -> Result<String, DomainError> {
    parse_cadence("cadence_days", raw)?;
    Ok(raw.trim().to_owned())
}

/// Fine, due soon or overdue, with the days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TouchState {
    /// The next touch is more than [`DUE_SOON_DAYS`] days away.
    Fine {
        /// Days until it is due.
        days_left: i64,
    },
    /// The next touch is due within [`DUE_SOON_DAYS`] days.
    DueSoon {
        /// Days until it is due (0: today).
        days_left: i64,
    },
    /// The due day has passed.
    Overdue {
        /// Days since the due day.
        days: i64,
    },
}

/// Where an account or person stands with their cadence on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StayInTouch {
    /// The cadence measured against.
    pub cadence: Cadence,
    /// The day of the last touch (none: never touched).
    pub last_touch: Option<Day>,
    /// The day the next touch is due.
    pub due: Day,
    /// Fine, due soon or overdue on the day asked.
    pub state: TouchState,
}

impl StayInTouch {
    /// On `today`, for a cadence, the last touch (if any) and the day the
    /// account or person was added (counted when never touched).
    pub fn on(today: Day, cadence: Cadence, last_touch: Option<Day>, added: Day) -> Self {
        let due = last_touch.unwrap_or(added).plus(cadence.days);
        let days_left = due.days_since(today);
        let state = if days_left < 0 {
            TouchState::Overdue { days: -days_left }
        } else if days_left <= DUE_SOON_DAYS {
            TouchState::DueSoon { days_left }
        } else {
            TouchState::Fine { days_left }
        };
        Self {
            cadence,
            last_touch,
            due,
            state,
        }
    }

    /// Days overdue (0 when not overdue).
    pub fn days_overdue(&self) -> i64 {
        match self.state {
            TouchState::Overdue { days } => days,
            _ => 0,
        }
    }
}

/// The latest day of the live touches given, on or before `today` (a day
/// after it is not yet a touch, when asked as of a day past).
pub fn last_touch<'a>(touches: impl IntoIterator<Item = &'a Touch>, today: Day) -> Option<Day> {
    touches
        .into_iter()
        .filter(|t| t.deleted.is_none() && t.day <= today)
        .map(|t| t.day)
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        Day::parse(s).expect("a day")
    }

    fn every(days: i64) -> Cadence {
        Cadence {
            days,
            from: CadenceFrom::Account,
        }
    }

    #[test]
    fn due_soon_and_overdue_at_their_boundaries() {
        let last = Some(day("2026-11-01"));
        let added = day("2026-01-01");
        let on = |today: &str| StayInTouch::on(day(today), every(14), last, added).state;
        // Due on 15 November.
        assert_eq!(on("2026-11-11"), TouchState::Fine { days_left: 4 });
        assert_eq!(on("2026-11-12"), TouchState::DueSoon { days_left: 3 });
        assert_eq!(on("2026-11-15"), TouchState::DueSoon { days_left: 0 });
        assert_eq!(on("2026-11-16"), TouchState::Overdue { days: 1 });
    }

    #[test]
    fn never_touched_counts_from_the_day_it_was_added() {
        let s = StayInTouch::on(day("2027-01-10"), every(14), None, day("2026-12-20"));
        assert_eq!(s.due, day("2027-01-03"));
        assert_eq!(s.state, TouchState::Overdue { days: 7 });
    }

    #[test]
    fn the_account_own_cadence_beats_the_stage_and_ended_has_none() {
        assert_eq!(
            Cadence::of_account(None, Stage::Exploration, Some(14)),
            Some(Cadence {
                days: 14,
                from: CadenceFrom::Stage(Stage::Exploration)
            })
        );
        assert_eq!(
            Cadence::of_account(Some(7), Stage::Exploration, Some(14)),
            Some(every(7))
        );
        assert_eq!(Cadence::of_account(Some(7), Stage::Ended, None), None);
        let account = Cadence::of_account(None, Stage::Commitment, Some(21));
        assert_eq!(Cadence::of_contact(None, account), account);
        assert_eq!(
            Cadence::of_contact(Some(5), account).map(|c| (c.days, c.from)),
            Some((5, CadenceFrom::Contact))
        );
        assert_eq!(Cadence::of_contact(Some(5), None), None);
    }

    #[test]
    fn a_cadence_of_0_or_of_10_years_is_refused() {
        assert_eq!(parse_cadence("cadence_days", " "), Ok(None));
        assert_eq!(parse_cadence("cadence_days", "1"), Ok(Some(1)));
        assert_eq!(parse_cadence("cadence_days", "365"), Ok(Some(365)));
        for bad in ["0", "3650", "-3"] {
            assert!(
                matches!(
                    parse_cadence("cadence_days", bad),
                    Err(DomainError::NumberOutOfRange { .. })
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            parse_cadence("cadence_days", "often"),
            Err(DomainError::NotAValue { .. })
        ));
    }
}
