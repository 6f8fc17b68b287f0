//! The track record: whether the client can believe the seller's word
//! (DOMAIN.md, point 6). The arithmetic of every rate is written here once
//! and used by the account page, the rep's and the team's figures alike.
//!
//! ## Which promises and orders a rate counts
//!
//! A period is a range of days, both ends included. A **promise** belongs
//! to the period its *due day* falls in; an **order** to the period its
//! *promised delivery day* falls in. Of those, a rate counts the ones whose
//! outcome is known *or overdue* on `today`:
//!
//! - **kept rate** = (kept + exceeded) ÷ (kept + kept late + exceeded +
//!   broken + open past their due day). An open promise that is not yet
//!   due is not counted: nothing is known about it yet. An overdue one is:
//!   leaving a promise open does not hide that it was not kept on time.
//! - **exceeded rate** = exceeded ÷ the same denominator.
//! - **on-time rate** = delivered on or before the promised day ÷
//!   (delivered + not delivered past the promised day).
//!
//! With nothing counted, a rate is `None` ("no history"), never 0 % or
//! 100 %.
//!
//! ## The unrealistic-promise warning
//!
//! A delivery promised in fewer days than the history's *typical* lead
//! time (the middle one of the deliveries' lead times, sorted; of an even
//! number, the later of the two middle ones) is warned about. The history
//! is the account's deliveries when it has at least
//! [`OWN_HISTORY_DELIVERIES`], else the team's; with no delivery at all,
//! nothing is warned. Exactly the typical lead time is not warned about.

use serde::{Deserialize, Serialize};

use crate::domain::sort::sort_by_key;
use crate::domain::{
    AccountId, Contact, Day, Order, Outcome, Program, ProgramAction, Promise, Qualification,
    Records, Stage, Touch, qualification_of,
};
use autosurgeon::{Hydrate, Reconcile};

/// An account's own history is used for the lead-time warning once it has
/// this many deliveries; before, the team's.
pub const OWN_HISTORY_DELIVERIES: usize = 3;

/// An undelivered order is at risk this many days before its promised day.
pub const AT_RISK_DAYS: i64 = 3;

/// A range of days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// The first day.
    pub from: Day,
    /// The last day.
    pub to: Day,
}

impl Period {
    /// Every day there is.
    pub fn all() -> Self {
        Self {
            from: Day(chrono::NaiveDate::MIN),
            to: Day(chrono::NaiveDate::MAX),
        }
    }

    /// The `days` days ending with `today`.
    pub fn last(days: i64, today: Day) -> Self {
        Self {
            from: today.plus(1 - days.max(1)),
            to: today,
        }
    }

    /// Whether `day` is in it.
    pub fn contains(self, day: Day) -> bool {
        self.from <= day && day <= self.to
    }
}

/// A share: `part` of `whole`, with `whole` > 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ratio {
    /// How many met it.
    pub part: usize,
    /// How many were counted.
    pub whole: usize,
}

impl Ratio {
    /// `part` of `whole`, or `None` when nothing was counted.
    pub fn of(part: usize, whole: usize) -> Option<Self> {
        (whole > 0).then_some(Self { part, whole })
    }

    /// In whole percent, rounded down (so 99.9 % is not shown as 100 %).
    pub fn percent(self) -> u32 {
        (self.part * 100 / self.whole) as u32
    }

    /// At least `percent` percent.
    pub fn at_least(self, percent: u32) -> bool {
        self.part * 100 >= percent as usize * self.whole
    }
}

/// Promises counted by how they ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromiseTally {
    /// Kept on time.
    pub kept: usize,
    /// Kept after the due day.
    pub kept_late: usize,
    /// Kept on time, and more done.
    pub exceeded: usize,
    /// Broken.
    pub broken: usize,
    /// Open, past the due day.
    pub overdue: usize,
    /// Open, not yet due (not in any rate).
    pub open: usize,
}

impl PromiseTally {
    /// The promises of `promises` due in `period`, as they stand on `today`.
    pub fn of<'a>(
        promises: impl IntoIterator<Item = &'a Promise>,
        period: Period,
        today: Day,
    ) -> Self {
        let mut tally = Self::default();
        for p in promises {
            if !p.is_live() || !period.contains(p.due) {
                continue;
            }
            match p.outcome {
                Some(Outcome::Kept) => tally.kept += 1,
                Some(Outcome::KeptLate) => tally.kept_late += 1,
                Some(Outcome::Exceeded) => tally.exceeded += 1,
                Some(Outcome::Broken) => tally.broken += 1,
                None if p.is_overdue(today) => tally.overdue += 1,
                None => tally.open += 1,
            }
        }
        tally
    }

    /// The promises a rate counts: closed, or open and overdue.
    pub fn counted(&self) -> usize {
        self.kept + self.kept_late + self.exceeded + self.broken + self.overdue
    }

    /// Kept on time (exceeded included) of those counted.
    pub fn kept_rate(&self) -> Option<Ratio> {
        Ratio::of(self.kept + self.exceeded, self.counted())
    }

    /// Exceeded of those counted.
    pub fn exceeded_rate(&self) -> Option<Ratio> {
        Ratio::of(self.exceeded, self.counted())
    }
}

/// Where an order's delivery stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryState {
    /// Delivered on or before the promised day.
    OnTime,
    /// Delivered this many days after the promised day.
    Late(i64),
    /// Not delivered, and the promised day is this many days ago (0: today
    /// is the day) or at most [`AT_RISK_DAYS`] ahead (negative).
    AtRisk(i64),
    /// Not delivered, the promised day still further off.
    Expected,
}

impl DeliveryState {
    /// Where `order` stands on `today`.
    pub fn of(order: &Order, today: Day) -> Self {
        match order.delivered_on {
            Some(day) if day <= order.promised_on => Self::OnTime,
            Some(day) => Self::Late(day.days_since(order.promised_on)),
            None if today.days_since(order.promised_on) >= -AT_RISK_DAYS => {
                Self::AtRisk(today.days_since(order.promised_on))
            }
            None => Self::Expected,
        }
    }
}

/// Orders counted by how their delivery went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryTally {
    /// Delivered on time.
    pub on_time: usize,
    /// Delivered late.
    pub late: usize,
    /// Not delivered, past the promised day.
    pub overdue: usize,
    /// Not delivered, the promised day today or within [`AT_RISK_DAYS`].
    pub at_risk: usize,
    /// Not delivered, not yet near.
    pub expected: usize,
}

impl DeliveryTally {
    /// The orders of `orders` promised in `period`, as they stand on `today`.
    pub fn of<'a>(orders: impl IntoIterator<Item = &'a Order>, period: Period, today: Day) -> Self {
        let mut tally = Self::default();
        for order in orders {
            if !order.is_live() || !period.contains(order.promised_on) {
                continue;
            }
            match DeliveryState::of(order, today) {
                DeliveryState::OnTime => tally.on_time += 1,
                DeliveryState::Late(_) => tally.late += 1,
                DeliveryState::AtRisk(days) if days > 0 => tally.overdue += 1,
                DeliveryState::AtRisk(_) => tally.at_risk += 1,
                DeliveryState::Expected => tally.expected += 1,
            }
        }
        tally
    }

    /// Delivered, or not delivered past the promised day.
    pub fn counted(&self) -> usize {
        self.on_time + self.late + self.overdue
    }

    /// On time of those counted.
    pub fn on_time_rate(&self) -> Option<Ratio> {
        Ratio::of(self.on_time, self.counted())
    }

    /// Delivered so far.
    pub fn delivered(&self) -> usize {
        self.on_time + self.late
    }
}

use crate::domain::Record as _;

/// The lead times of real deliveries: how long orders took to arrive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct LeadTimes {
    /// How many deliveries.
    pub deliveries: i64,
    /// The typical lead time in days (see the module doc).
    pub typical_days: i64,
    /// The slowest.
    pub slowest_days: i64,
    /// The team's history (the account had too few deliveries of its own).
    pub of_team: bool,
}

impl LeadTimes {
    /// The lead times of `orders`' deliveries, if any was delivered.
    pub fn of<'a>(orders: impl IntoIterator<Item = &'a Order>, of_team: bool) -> Option<Self> {
        let mut days: Vec<i64> = orders
            .into_iter()
            .filter(|o| o.is_live())
            .filter_map(Order::lead_days)
            .collect();
        if days.is_empty() {
            return None;
        }
        sort_by_key(&mut days, |d| *d);
        Some(Self {
            deliveries: days.len() as i64,
            typical_days: days[days.len() / 2],
            slowest_days: days[days.len() - 1],
            of_team,
        })
    }

    /// The history a promise to `account` is judged by: its own deliveries
    /// if it has [`OWN_HISTORY_DELIVERIES`], else the team's.
    pub fn for_account(account: AccountId, records: &impl Records) -> Option<Self> {
        let own = records.live_of_account::<Order>(account);
        let delivered = own.iter().filter(|(_, o)| o.delivered_on.is_some()).count();
        if delivered >= OWN_HISTORY_DELIVERIES {
            return Self::of(own.iter().map(|(_, o)| o.as_ref()), false);
        }
        let team = records.every::<Order>();
        Self::of(team.iter().map(|(_, o)| o.as_ref()), true)
    }
}

/// A delivery promised in fewer days than the history supports, with the
/// history behind the warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct LeadWarning {
    /// The lead time promised, in days.
    pub promised_days: i64,
    /// The history it was judged by.
    pub history: LeadTimes,
}

/// The warning a delivery promised `promised_days` ahead to `account` earns,
/// if any (see the module doc).
pub fn lead_warning(
    promised_days: i64,
    account: AccountId,
    records: &impl Records,
) -> Option<LeadWarning> {
    let history = LeadTimes::for_account(account, records)?;
    (promised_days < history.typical_days).then_some(LeadWarning {
        promised_days,
        history,
    })
}

/// Kept rate at which exploration has shown the seller keeps its word.
pub const KEPT_TO_EXPAND: u32 = 80;
/// Kept and on-time rates a partner-to-be keeps up.
pub const KEPT_TO_COMMIT: u32 = 90;
/// Deliveries an account needs behind it before commitment.
pub const DELIVERIES_TO_COMMIT: usize = 3;
/// A committed account hears from its rep at least this often.
pub const COMMITTED_TOUCH_DAYS: i64 = 30;

/// One thing an account needs to move on from its stage, with the figures
/// that say whether it has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Need {
    /// Someone at the account is recorded.
    PersonRecorded {
        /// How many.
        people: usize,
    },
    /// A first conversation is logged.
    FirstTouch {
        /// Touches logged.
        touches: usize,
    },
    /// The first order was delivered on time (how it went, if delivered).
    FirstOrderOnTime {
        /// The first order's delivery, if it has one.
        first: Option<DeliveryState>,
    },
    /// Promises are kept: the kept rate at least `percent`.
    PromisesKept {
        /// The account's promises.
        tally: PromiseTally,
        /// The rate needed.
        percent: u32,
    },
    /// No promise is overdue.
    NoPromiseOverdue {
        /// How many are.
        overdue: usize,
    },
    /// Deliveries are on time: at least `deliveries` counted, the on-time
    /// rate at least `percent`.
    DeliveriesOnTime {
        /// The account's orders.
        tally: DeliveryTally,
        /// The rate needed.
        percent: u32,
        /// Deliveries needed.
        deliveries: usize,
    },
    /// The strategic-partner scorecard qualifies the account.
    Qualifies {
        /// The verdict.
        verdict: Qualification,
    },
    /// A joint program with open actions runs.
    JointProgram {
        /// Open actions of its programs.
        open_actions: usize,
    },
    /// No program action is overdue.
    NoActionOverdue {
        /// How many are.
        overdue: usize,
    },
    /// The rep was in touch within `within_days`.
    InTouch {
        /// The latest touch.
        last: Option<Day>,
        /// How recent it must be.
        within_days: i64,
        /// Today.
        today: Day,
    },
}

impl Need {
    /// Whether the account has it.
    pub fn met(&self) -> bool {
        match self {
            Need::PersonRecorded { people } => *people > 0,
            Need::FirstTouch { touches } => *touches > 0,
            Need::FirstOrderOnTime { first } => *first == Some(DeliveryState::OnTime),
            Need::PromisesKept { tally, percent } => {
                tally.kept_rate().is_some_and(|r| r.at_least(*percent))
            }
            Need::NoPromiseOverdue { overdue } | Need::NoActionOverdue { overdue } => *overdue == 0,
            Need::DeliveriesOnTime {
                tally,
                percent,
                deliveries,
            } => {
                tally.delivered() >= *deliveries
                    && tally.on_time_rate().is_some_and(|r| r.at_least(*percent))
            }
            Need::Qualifies { verdict } => verdict.qualifies(),
            Need::JointProgram { open_actions } => *open_actions > 0,
            Need::InTouch {
                last,
                within_days,
                today,
            } => last.is_some_and(|d| today.days_since(d) <= *within_days),
        }
    }
}

/// An account's track record at a glance: what the account page shows
/// ("trust" in the chapter), and what its stage needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackRecord {
    /// Its promises, over all time.
    pub promises: PromiseTally,
    /// Its orders, over all time.
    pub deliveries: DeliveryTally,
    /// What its stage needs to move on, in order.
    pub needs: Vec<Need>,
}

impl TrackRecord {
    /// `account`'s track record as the records stand on `today`, its stage
    /// being `stage`.
    pub fn of(account: AccountId, stage: Stage, records: &impl Records, today: Day) -> Self {
        let promises = records.live_of_account::<Promise>(account);
        let orders = records.live_of_account::<Order>(account);
        let promise_tally = PromiseTally::of(
            promises.iter().map(|(_, p)| p.as_ref()),
            Period::all(),
            today,
        );
        let delivery_tally =
            DeliveryTally::of(orders.iter().map(|(_, o)| o.as_ref()), Period::all(), today);
        let needs = match stage {
            Stage::Awareness => vec![
                Need::PersonRecorded {
                    people: records.live_of_account::<Contact>(account).len(),
                },
                Need::FirstTouch {
                    touches: records.live_of_account::<Touch>(account).len(),
                },
            ],
            Stage::Exploration => {
                let first = orders
                    .iter()
                    .min_by_key(|(id, o)| (o.ordered_on, o.created.at, *id))
                    .map(|(_, o)| DeliveryState::of(o, today))
                    .filter(|s| matches!(s, DeliveryState::OnTime | DeliveryState::Late(_)));
                vec![
                    Need::FirstOrderOnTime { first },
                    Need::PromisesKept {
                        tally: promise_tally,
                        percent: KEPT_TO_EXPAND,
                    },
                    Need::NoPromiseOverdue {
                        overdue: promise_tally.overdue,
                    },
                ]
            }
            Stage::Expansion => vec![
                Need::DeliveriesOnTime {
                    tally: delivery_tally,
                    percent: KEPT_TO_COMMIT,
                    deliveries: DELIVERIES_TO_COMMIT,
                },
                Need::PromisesKept {
                    tally: promise_tally,
                    percent: KEPT_TO_COMMIT,
                },
                Need::Qualifies {
                    verdict: qualification_of(account, records),
                },
            ],
            Stage::Commitment => {
                let actions = records.live_of_account::<ProgramAction>(account);
                let live_program = |a: &ProgramAction| records.live::<Program>(a.program).is_ok();
                let open: Vec<_> = actions
                    .iter()
                    .filter(|(_, a)| a.is_open() && live_program(a))
                    .collect();
                let last = records
                    .live_of_account::<Touch>(account)
                    .iter()
                    .map(|(_, t)| t.day)
                    .max();
                vec![
                    Need::JointProgram {
                        open_actions: open.len(),
                    },
                    Need::NoActionOverdue {
                        overdue: open.iter().filter(|(_, a)| a.due < today).count(),
                    },
                    Need::InTouch {
                        last,
                        within_days: COMMITTED_TOUCH_DAYS,
                        today,
                    },
                ]
            }
            Stage::Ended => Vec::new(),
        };
        Self {
            promises: promise_tally,
            deliveries: delivery_tally,
            needs,
        }
    }
}
