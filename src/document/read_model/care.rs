//! The read model's answers about caring for the client: who is in touch,
//! who is losing touch, how healthy an account is and was (the rules are
//! in `domain/cadence.rs` and `domain/health.rs`).

use crate::document::read_model::{ReadModel, Scope};
use crate::domain::{
    Account, AccountId, AdoptionCheck, Cadence, Contact, ContactId, Day, DeliveryTally,
    EarlyWarning, Facts, Health, Kind, OpenRemarks, OpenWarnings, Order, Period, Promise,
    PromiseTally, RATE_DAYS, Remark, Seriousness, StageMove, StageNow, Status, StayInTouch,
    TeamSettings, Trend, last_check, last_touch,
};

/// An account, or a person there with a cadence of their own, overdue for
/// a touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LosingTouch {
    /// The account.
    pub account: AccountId,
    /// The person, when it is one with their own cadence.
    pub contact: Option<ContactId>,
    /// How overdue, and against which cadence.
    pub touch: StayInTouch,
}

impl ReadModel {
    /// The account's cadence (its own, else the team's for its stage; none
    /// once ended, or for an account that is gone).
    pub fn cadence_of(&self, account: AccountId) -> Option<Cadence> {
        let a = self.get::<Account>(account)?;
        let stage = self.stage_of(account).stage;
        Cadence::of_account(
            a.cadence_days,
            stage,
            TeamSettings::of(self).cadence_for(stage),
        )
    }

    /// Where the account stands with its cadence on `today`: its last touch
    /// is any live touch of any kind, with anybody there.
    pub fn in_touch(&self, account: AccountId, today: Day) -> Option<StayInTouch> {
        let a = self.get::<Account>(account)?;
        let cadence = self.cadence_of(account)?;
        let touches = self.timeline(account).into_iter().map(|(_, t)| t);
        Some(StayInTouch::on(
            today,
            cadence,
            last_touch(touches, today),
            a.created.day(),
        ))
    }

    /// Where a person stands with their cadence (their own, else their
    /// account's) on `today`: their last touch is one logged with them.
    pub fn contact_in_touch(&self, contact: ContactId, today: Day) -> Option<StayInTouch> {
        let c = self.get::<Contact>(contact)?;
        let cadence = Cadence::of_contact(c.cadence_days, self.cadence_of(c.account))?;
        let touches = self
            .timeline(c.account)
            .into_iter()
            .map(|(_, t)| t)
            .filter(|t| t.contact == Some(contact));
        Some(StayInTouch::on(
            today,
            cadence,
            last_touch(touches, today),
            c.created.day(),
        ))
    }

    /// The accounts `scope` takes in that are overdue for a touch on
    /// `today`, and their people with a cadence of their own who are:
    /// overdue longest first (then by account name). A rep's are the
    /// accounts they own.
    pub fn losing_touch(&self, scope: Scope<'_>, today: Day) -> Vec<LosingTouch> {
        let mut losing = Vec::new();
        for row in &self.rows {
            let in_scope = match scope {
                Scope::Account(id) => row.id == id,
                Scope::Rep(rep) => row.owner == rep,
                Scope::Team => true,
            };
            if !in_scope {
                continue;
            }
            let account = self.in_touch(row.id, today);
            losing.extend(
                account
                    .filter(|t| t.days_overdue() > 0)
                    .map(|touch| LosingTouch {
                        account: row.id,
                        contact: None,
                        touch,
                    }),
            );
            for (id, contact) in self.contacts_of(row.id) {
                if contact.cadence_days.is_none() {
                    continue;
                }
                if let Some(touch) = self
                    .contact_in_touch(id, today)
                    .filter(|t| t.days_overdue() > 0)
                {
                    losing.push(LosingTouch {
                        account: row.id,
                        contact: Some(id),
                        touch,
                    });
                }
            }
        }
        // Rows are in name order, and the sort is stable.
        losing.sort_by_key(|l| std::cmp::Reverse(l.touch.days_overdue()));
        losing
    }
}

impl ReadModel {
    /// What the account's health is judged on, as its records stood at the
    /// end of `day`: only what had happened by then counts (a promise
    /// closed later was open, a remark ended later was waiting).
    pub fn health_facts(&self, account: AccountId, day: Day) -> Option<Facts> {
        let a = self.get::<Account>(account)?;
        let moves = StageMove::table(&self.tables).of_account(account);
        let stage = StageNow::as_of(day, moves).stage;
        let touch = Cadence::of_account(
            a.cadence_days,
            stage,
            TeamSettings::of(self).cadence_for(stage),
        )
        .map(|cadence| {
            let touches = self.timeline(account).into_iter().map(|(_, t)| t);
            StayInTouch::on(day, cadence, last_touch(touches, day), a.created.day())
        });
        let period = Period::last(RATE_DAYS, day);
        let promises: Vec<Promise> = self
            .of_account::<Promise>(account)
            .into_iter()
            .filter(|(_, p)| p.made_on <= day)
            .map(|(_, p)| {
                let mut p = p.clone();
                if p.closed_on.is_some_and(|closed| closed > day) {
                    (p.outcome, p.closed_on) = (None, None);
                }
                p
            })
            .collect();
        let orders: Vec<Order> = self
            .of_account::<Order>(account)
            .into_iter()
            .filter(|(_, o)| o.ordered_on <= day)
            .map(|(_, o)| {
                let mut o = o.clone();
                if o.delivered_on.is_some_and(|delivered| delivered > day) {
                    o.delivered_on = None;
                }
                o
            })
            .collect();
        let mut remarks = OpenRemarks::default();
        for (_, r) in self.of_account::<Remark>(account) {
            if r.day > day {
                continue;
            }
            remarks.ever += 1;
            let open = r.ended_on.is_none_or(|ended| ended > day);
            if open && r.needs_action() {
                remarks.open += 1;
                remarks.oldest_days = remarks.oldest_days.max(day.days_since(r.day));
            }
        }
        let mut warnings = OpenWarnings::default();
        for (_, w) in self.of_account::<EarlyWarning>(account) {
            if w.day > day {
                continue;
            }
            warnings.ever += 1;
            if w.ended_on.is_none_or(|ended| ended > day) {
                warnings.open += 1;
                warnings.serious += usize::from(w.seriousness == Seriousness::High);
            }
        }
        let adoption = last_check(
            self.of_account::<AdoptionCheck>(account)
                .into_iter()
                .filter(|(_, c)| c.checked_on <= day),
        )
        .map(|(_, c)| (c.finding, c.checked_on));
        Some(Facts {
            touch,
            promises: PromiseTally::of(&promises, period, day),
            deliveries: DeliveryTally::of(&orders, period, day),
            remarks,
            adoption,
            warnings,
        })
    }

    /// The account's health on `today`, every factor with its level.
    pub fn health(&self, account: AccountId, today: Day) -> Option<Health> {
        self.health_facts(account, today).map(|f| Health::of(&f))
    }

    /// The account's status on `today` and the one before it, with the day
    /// it changed, worked out from the records' dates, back to the day the
    /// relationship is known from: the account's adding, or its first
    /// touch if the rep logged an earlier one (a client entered with its
    /// history).
    pub fn health_trend(&self, account: AccountId, today: Day) -> Option<Trend> {
        let added = self.get::<Account>(account)?.created.day();
        let first_touch = self.timeline(account).last().map(|(_, t)| t.day);
        let since = first_touch.map_or(added, |first| first.min(added));
        Some(Trend::of(today, since, |day| {
            self.health_facts(account, day)
                .map_or(Status::Healthy, |f| Health::of(&f).status)
        }))
    }
}
