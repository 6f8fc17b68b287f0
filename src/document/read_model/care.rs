//! The read model's answers about caring for the client: who is in touch,
//! who is losing touch (`domain/cadence.rs` has the rules).

use crate::document::read_model::{ReadModel, Scope};
use crate::domain::{
    Account, AccountId, Cadence, Contact, ContactId, Day, StayInTouch, TeamSettings, last_touch,
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
