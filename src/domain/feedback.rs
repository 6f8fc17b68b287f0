//! The feedback system's figures (DOMAIN.md, point 5: "every remark that
//! may hurt loyalty gets an action and a resolution"): whether remarks are
//! acted on, and how fast they are resolved — per account, per rep and for
//! the team. The arithmetic is written here once.
//!
//! ## Which remarks the figures count
//!
//! A period is a range of days, both ends included; a **remark** belongs
//! to the period its *day* (when the client made it) falls in. Deleted
//! remarks, and the remarks of deleted accounts, are not counted. Of those,
//! the figures count only the remarks that **need an action**
//! ([`Remark::needs_action`]: negative, or a complaint); a positive or
//! neutral remark is logged and kept, but asks nothing of anyone.
//!
//! - **acted-on share** = remarks with an action recorded ÷ remarks that
//!   need one. Every remark that needs an action counts, open or ended, the
//!   day it is logged included: the share says what has been done, and a
//!   remark closed without action is not acted on. With no remark needing
//!   an action, the share is `None` ("no remarks"), never 0 % or 100 %.
//! - **median days to resolve**, of the remarks that need an action and
//!   ended *resolved*: the days from the remark to its end, sorted, the
//!   middle one; of an even number, the later of the two middle ones (the
//!   slower: whole days, never a half, and the same rule as the typical
//!   lead time in `track_record.rs`). One resolved remark: its days. None
//!   resolved: `None`.
//! - **open** remarks (that need an action, not yet ended), each with its
//!   age on `today` (days since the remark), oldest first: what waits.
//!
//! "Per rep" means the remarks of the accounts the rep owns
//! ([`Account::owner`]): a remark is about the seller, made to whoever
//! visits, and answered by the account's owner.
//!
//! ## The chance
//!
//! A complaint made while the account was in exploration is the chance the
//! chapter names (point 10): [`Remark::is_chance`]. [`FeedbackTally`]
//! does not count chances (the stage history is not in the remarks); the
//! account page asks each complaint.

use serde::{Deserialize, Serialize};

use crate::domain::sort::sort_by_key;
use crate::domain::{
    Account, AccountId, Day, Period, Ratio, Record, Records, Remark, RemarkEnd, RemarkId,
};

/// An open remark that needs an action, and how long it has waited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenRemark {
    /// The remark.
    pub id: RemarkId,
    /// Its account.
    pub account: AccountId,
    /// Days since it was made.
    pub age_days: i64,
    /// An action is recorded (it may still be waiting for its end).
    pub has_action: bool,
}

/// The remarks of a scope counted as the module doc says.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackTally {
    /// Remarks in the period, whatever their sentiment.
    pub remarks: usize,
    /// Of those, the ones that need an action.
    pub needing_action: usize,
    /// Of those, the ones with an action recorded.
    pub acted_on: usize,
    /// Of those needing an action, the ones resolved.
    pub resolved: usize,
    /// Of those needing an action, the ones closed without action.
    pub closed_without_action: usize,
    /// Days to resolve each resolved one, sorted.
    pub resolve_days: Vec<i64>,
    /// The open ones, oldest first.
    pub open: Vec<OpenRemark>,
}

impl FeedbackTally {
    /// The live remarks of `remarks` made in `period`, as they stand on
    /// `today` (the caller leaves out the remarks of deleted accounts).
    pub fn of<'a>(
        remarks: impl IntoIterator<Item = (RemarkId, &'a Remark)>,
        period: Period,
        today: Day,
    ) -> Self {
        let mut tally = Self::default();
        for (id, remark) in remarks {
            if !remark.is_live() || !period.contains(remark.day) {
                continue;
            }
            tally.remarks += 1;
            if !remark.needs_action() {
                continue;
            }
            tally.needing_action += 1;
            tally.acted_on += usize::from(remark.has_action());
            match remark.end {
                Some(RemarkEnd::Resolved) => tally.resolved += 1,
                Some(RemarkEnd::ClosedWithoutAction) => tally.closed_without_action += 1,
                None => tally.open.push(OpenRemark {
                    id,
                    account: remark.account,
                    age_days: remark.age(today),
                    has_action: remark.has_action(),
                }),
            }
            tally.resolve_days.extend(remark.days_to_resolve());
        }
        sort_by_key(&mut tally.resolve_days, |d| *d);
        sort_by_key(&mut tally.open, |o| (std::cmp::Reverse(o.age_days), o.id));
        tally
    }

    /// The remarks of the live accounts `in_scope` takes in, from
    /// `records` (the page's read model or the document), made in
    /// `period`, as they stand on `today`.
    pub fn among(
        records: &impl Records,
        in_scope: impl Fn(AccountId, &Account) -> bool,
        period: Period,
        today: Day,
    ) -> Self {
        let remarks = records.every::<Remark>();
        let kept = remarks.iter().filter(|(_, r)| {
            records
                .live::<Account>(r.account)
                .is_ok_and(|a| in_scope(r.account, a.as_ref()))
        });
        Self::of(kept.map(|(id, r)| (*id, r.as_ref())), period, today)
    }

    /// Acted on, of the remarks that need an action.
    pub fn acted_on_share(&self) -> Option<Ratio> {
        Ratio::of(self.acted_on, self.needing_action)
    }

    /// The median days from a remark to its resolution (see the module
    /// doc), `None` with none resolved.
    pub fn median_days_to_resolve(&self) -> Option<i64> {
        self.resolve_days.get(self.resolve_days.len() / 2).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_an_even_count_is_the_later_middle_one() {
        let median = |days: &[i64]| {
            FeedbackTally {
                resolve_days: days.to_vec(),
                ..FeedbackTally::default()
            }
            .median_days_to_resolve()
        };
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[4]), Some(4));
        assert_eq!(median(&[1, 9]), Some(9));
        assert_eq!(median(&[1, 2, 9]), Some(2));
        assert_eq!(median(&[0, 1, 3, 30]), Some(3));
    }
}
