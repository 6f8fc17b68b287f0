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

use crate::domain::{DeliveryTally, PromiseTally, Ratio, StayInTouch, TouchState};

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
