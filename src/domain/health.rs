//! An account's health: healthy, concerning or poor, with every reason
//! listed (DOMAIN.md, points 5 to 9). Rule-based, never a score: each
//! factor is judged on its own, and the status is the worst of them, so
//! two accounts with the same status can always say why.
//!
//! ## The factors and their thresholds
//!
//! | factor | good | concerning | poor | no data |
//! | --- | --- | --- | --- | --- |
//! | touch ([`StayInTouch`]) | fine or due soon | overdue by up to its cadence | overdue by more than its cadence (twice the cadence since the last touch) | ended: no cadence |
//! | promises: kept rate over the last [`RATE_DAYS`] days ([`PromiseTally`]) | at least [`GOOD_PERCENT`] % | at least [`CONCERNING_PERCENT`] % | below | no promise counted |
//! | deliveries: on-time rate over the last [`RATE_DAYS`] days ([`DeliveryTally`]) | at least [`GOOD_PERCENT`] % | at least [`CONCERNING_PERCENT`] % | below | no delivery counted |
//! | remarks waiting for an answer ([`OpenRemarks`]) | none open | open, the oldest at most [`REMARK_POOR_DAYS`] days | the oldest older than that | no remark ever |
//! | the last adoption check ([`Finding`]) | uses it fully | partly | not at all | never checked |
//! | early warnings not followed up | none open | open, none serious | a serious one open | none ever heard |
//!
//! ## The status
//!
//! **Poor** if any factor is poor; **healthy** only if every factor that
//! has data is good; **concerning** otherwise. Touch always has data for
//! an account being worked (it counts from the day the account was
//! added), so "healthy" is never said of an account nobody knows anything
//! about, except an ended one.
//!
//! ## The trend
//!
//! Every factor is computed from dated records (touch days, due and
//! closing days, delivery days, remark and check days), so the health of
//! any past day follows from the records as they stood then
//! ([`Trend`]): the previous status and the day it changed are worked out,
//! not stored, and every device agrees on them.

use serde::{Deserialize, Serialize};

use crate::domain::{Day, DeliveryTally, Finding, PromiseTally, Ratio, StayInTouch, TouchState};

/// The rates count the last this many days.
pub const RATE_DAYS: i64 = 90;

/// A rate at least this high is good.
pub const GOOD_PERCENT: u32 = 90;

/// A rate at least this high, and below [`GOOD_PERCENT`], is concerning.
pub const CONCERNING_PERCENT: u32 = 75;

/// An open remark older than this many days makes the remarks poor.
pub const REMARK_POOR_DAYS: i64 = 14;

/// How one factor stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Level {
    /// Good.
    Good,
    /// Worth a look.
    Concerning,
    /// Needs action.
    Poor,
    /// Nothing to judge by.
    NoData,
}

/// An account's health.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    /// Every factor with data is good.
    Healthy,
    /// Something is worth a look, nothing is poor.
    Concerning,
    /// At least one factor is poor.
    Poor,
}

/// What one factor was judged on: the facts behind its one-line reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Factor {
    /// Touch recency against the cadence (none: ended).
    Touch(Option<StayInTouch>),
    /// The kept rate over the last [`RATE_DAYS`] days.
    Promises(Option<Ratio>),
    /// The on-time delivery rate over the last [`RATE_DAYS`] days.
    Deliveries(Option<Ratio>),
    /// Remarks waiting for an answer.
    Remarks(OpenRemarks),
    /// The last adoption check: its finding and day.
    Adoption(Option<(Finding, Day)>),
    /// Early warnings not followed up.
    EarlyWarnings(OpenWarnings),
}

/// The remarks of an account as the health counts them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenRemarks {
    /// Remarks ever recorded (live ones).
    pub ever: usize,
    /// Those needing an action and not yet ended.
    pub open: usize,
    /// The age in days of the oldest open one.
    pub oldest_days: i64,
}

/// The early warnings of an account as the health counts them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenWarnings {
    /// Warnings ever heard (live ones).
    pub ever: usize,
    /// Those not followed up.
    pub open: usize,
    /// Of those, how many are serious.
    pub serious: usize,
}

fn rate_level(rate: Option<Ratio>) -> Level {
    match rate {
        None => Level::NoData,
        Some(r) if r.at_least(GOOD_PERCENT) => Level::Good,
        Some(r) if r.at_least(CONCERNING_PERCENT) => Level::Concerning,
        Some(_) => Level::Poor,
    }
}

impl Factor {
    /// The factor's level, by the rules in the module doc.
    pub fn level(&self) -> Level {
        match *self {
            Factor::Touch(None) => Level::NoData,
            Factor::Touch(Some(touch)) => match touch.state {
                TouchState::Fine { .. } | TouchState::DueSoon { .. } => Level::Good,
                TouchState::Overdue { days } if days <= touch.cadence.days => Level::Concerning,
                TouchState::Overdue { .. } => Level::Poor,
            },
            Factor::Promises(rate) | Factor::Deliveries(rate) => rate_level(rate),
            Factor::Remarks(r) if r.ever == 0 => Level::NoData,
            Factor::Remarks(r) if r.open == 0 => Level::Good,
            Factor::Remarks(r) if r.oldest_days <= REMARK_POOR_DAYS => Level::Concerning,
            Factor::Remarks(_) => Level::Poor,
            Factor::Adoption(None) => Level::NoData,
            Factor::Adoption(Some((Finding::Full, _))) => Level::Good,
            Factor::Adoption(Some((Finding::Partly, _))) => Level::Concerning,
            Factor::Adoption(Some((Finding::NotAtAll, _))) => Level::Poor,
            Factor::EarlyWarnings(w) if w.ever == 0 => Level::NoData,
            Factor::EarlyWarnings(w) if w.open == 0 => Level::Good,
            Factor::EarlyWarnings(w) if w.serious == 0 => Level::Concerning,
            Factor::EarlyWarnings(_) => Level::Poor,
        }
    }
}

/// The facts an account's health is judged on, as they stood on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// Where it stands with its cadence.
    pub touch: Option<StayInTouch>,
    /// Its promises due in the last [`RATE_DAYS`] days.
    pub promises: PromiseTally,
    /// Its orders promised in the last [`RATE_DAYS`] days.
    pub deliveries: DeliveryTally,
    /// Its remarks.
    pub remarks: OpenRemarks,
    /// Its last adoption check.
    pub adoption: Option<(Finding, Day)>,
    /// Its early warnings.
    pub warnings: OpenWarnings,
}

/// An account's health: the status and every factor with its level, in
/// the order of the module doc's table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// Healthy, concerning or poor.
    pub status: Status,
    /// Each factor, with its level.
    pub factors: Vec<(Factor, Level)>,
}

impl Health {
    /// The health `facts` give, by the rules in the module doc.
    pub fn of(facts: &Facts) -> Self {
        let factors: Vec<(Factor, Level)> = [
            Factor::Touch(facts.touch),
            Factor::Promises(facts.promises.kept_rate()),
            Factor::Deliveries(facts.deliveries.on_time_rate()),
            Factor::Remarks(facts.remarks),
            Factor::Adoption(facts.adoption),
            Factor::EarlyWarnings(facts.warnings),
        ]
        .into_iter()
        .map(|f| (f, f.level()))
        .collect();
        let levels = || factors.iter().map(|(_, level)| *level);
        let status = if levels().any(|l| l == Level::Poor) {
            Status::Poor
        } else if levels().all(|l| matches!(l, Level::Good | Level::NoData)) {
            Status::Healthy
        } else {
            Status::Concerning
        };
        Self { status, factors }
    }
}

/// How far back [`Trend`] looks for the previous status.
pub const TREND_DAYS: i64 = 365;

/// The status now, and the one before it with the day it changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trend {
    /// The status on the day asked.
    pub now: Status,
    /// The status before, and the first day of the current one; none when
    /// it has not changed in [`TREND_DAYS`] days.
    pub previous: Option<(Status, Day)>,
}

impl Trend {
    /// The trend on `today`, from `status_on` (the status of any day),
    /// looking back no further than `since` (the day the account was
    /// added) nor [`TREND_DAYS`].
    pub fn of(today: Day, since: Day, status_on: impl Fn(Day) -> Status) -> Self {
        let now = status_on(today);
        let back = today.days_since(since).clamp(0, TREND_DAYS);
        let previous = (1..=back).find_map(|back| {
            let day = today.plus(-back);
            let then = status_on(day);
            (then != now).then(|| (then, day.plus(1)))
        });
        Self { now, previous }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Cadence, CadenceFrom};

    fn day(s: &str) -> Day {
        Day::parse(s).expect("a day")
    }

    fn touch(state: TouchState) -> Option<StayInTouch> {
        Some(StayInTouch {
            cadence: Cadence {
                days: 14,
                from: CadenceFrom::Account,
            },
            last_touch: None,
            due: day("2026-11-01"),
            state,
        })
    }

    /// Facts with every factor good.
    fn good() -> Facts {
        Facts {
            touch: touch(TouchState::Fine { days_left: 5 }),
            promises: PromiseTally {
                kept: 9,
                broken: 1,
                ..PromiseTally::default()
            },
            deliveries: DeliveryTally {
                on_time: 1,
                ..DeliveryTally::default()
            },
            remarks: OpenRemarks {
                ever: 2,
                open: 0,
                oldest_days: 0,
            },
            adoption: Some((Finding::Full, day("2026-10-01"))),
            warnings: OpenWarnings {
                ever: 1,
                open: 0,
                serious: 0,
            },
        }
    }

    fn levels(facts: &Facts) -> Vec<Level> {
        Health::of(facts).factors.iter().map(|(_, l)| *l).collect()
    }

    #[test]
    fn every_factor_good_is_healthy() {
        let h = Health::of(&good());
        assert_eq!(h.status, Status::Healthy);
        assert_eq!(levels(&good()), [Level::Good; 6]);
    }

    #[test]
    fn touch_overdue_is_concerning_up_to_its_cadence_then_poor() {
        let level = |state| Factor::Touch(touch(state)).level();
        assert_eq!(level(TouchState::DueSoon { days_left: 0 }), Level::Good);
        assert_eq!(level(TouchState::Overdue { days: 1 }), Level::Concerning);
        assert_eq!(level(TouchState::Overdue { days: 14 }), Level::Concerning);
        assert_eq!(level(TouchState::Overdue { days: 15 }), Level::Poor);
        assert_eq!(Factor::Touch(None).level(), Level::NoData);
    }

    #[test]
    fn rates_at_their_thresholds() {
        let level = |part, whole| Factor::Promises(Ratio::of(part, whole)).level();
        assert_eq!(level(9, 10), Level::Good);
        assert_eq!(level(89, 100), Level::Concerning);
        assert_eq!(level(3, 4), Level::Concerning);
        assert_eq!(level(74, 100), Level::Poor);
        assert_eq!(level(0, 1), Level::Poor);
        assert_eq!(level(0, 0), Level::NoData);
        assert_eq!(Factor::Deliveries(Ratio::of(1, 2)).level(), Level::Poor);
    }

    #[test]
    fn remarks_warnings_and_adoption_by_their_rules() {
        let remarks = |ever, open, oldest_days| {
            Factor::Remarks(OpenRemarks {
                ever,
                open,
                oldest_days,
            })
            .level()
        };
        assert_eq!(remarks(0, 0, 0), Level::NoData);
        assert_eq!(remarks(3, 0, 0), Level::Good);
        assert_eq!(remarks(3, 1, REMARK_POOR_DAYS), Level::Concerning);
        assert_eq!(remarks(3, 1, REMARK_POOR_DAYS + 1), Level::Poor);
        let warnings = |ever, open, serious| {
            Factor::EarlyWarnings(OpenWarnings {
                ever,
                open,
                serious,
            })
            .level()
        };
        assert_eq!(warnings(0, 0, 0), Level::NoData);
        assert_eq!(warnings(2, 0, 0), Level::Good);
        assert_eq!(warnings(2, 1, 0), Level::Concerning);
        assert_eq!(warnings(2, 2, 1), Level::Poor);
        let adoption = |f| Factor::Adoption(Some((f, day("2026-11-01")))).level();
        assert_eq!(adoption(Finding::Full), Level::Good);
        assert_eq!(adoption(Finding::Partly), Level::Concerning);
        assert_eq!(adoption(Finding::NotAtAll), Level::Poor);
        assert_eq!(Factor::Adoption(None).level(), Level::NoData);
    }

    #[test]
    fn the_worst_factor_decides_and_no_data_is_not_held_against_it() {
        // One concerning factor among good ones: concerning.
        let mut f = good();
        f.adoption = Some((Finding::Partly, day("2026-10-01")));
        assert_eq!(Health::of(&f).status, Status::Concerning);
        // One poor among concerning and good: poor.
        f.warnings.open = 1;
        f.warnings.serious = 1;
        assert_eq!(Health::of(&f).status, Status::Poor);
        // No data anywhere but touch, which is good: healthy.
        let f = Facts {
            touch: touch(TouchState::Fine { days_left: 3 }),
            promises: PromiseTally::default(),
            deliveries: DeliveryTally::default(),
            remarks: OpenRemarks::default(),
            adoption: None,
            warnings: OpenWarnings::default(),
        };
        assert_eq!(Health::of(&f).status, Status::Healthy);
        assert_eq!(
            levels(&f),
            [
                Level::Good,
                Level::NoData,
                Level::NoData,
                Level::NoData,
                Level::NoData,
                Level::NoData
            ]
        );
    }

    #[test]
    fn the_trend_finds_the_last_change_within_the_accounts_life() {
        let today = day("2026-12-01");
        let changed = day("2026-11-20");
        let status = |d: Day| {
            if d >= changed {
                Status::Poor
            } else {
                Status::Healthy
            }
        };
        assert_eq!(
            Trend::of(today, day("2026-01-01"), status),
            Trend {
                now: Status::Poor,
                previous: Some((Status::Healthy, changed))
            }
        );
        // Added after the change: nothing before it to compare with.
        assert_eq!(Trend::of(today, day("2026-11-25"), status).previous, None);
    }
}
