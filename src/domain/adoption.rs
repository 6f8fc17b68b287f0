//! Adoption checks: "value comes from use" (DOMAIN.md, point 8). A client
//! who does not use what was bought fully does not get what was paid for,
//! so the rep checks: on a day, an order or a product, whether the client
//! uses it fully, partly or not at all, what follows (training, a support
//! visit, nothing) and when to check again.
//!
//! The account shows its last finding ([`last_check`]); the checks whose
//! next check has come are due ([`checks_due`]). Both take the checks of
//! live accounts, however the caller keeps them (the page's read model or
//! the document).

use std::borrow::Borrow;
use std::collections::HashMap;

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::domain::day::{happened_day, later_day};
use crate::domain::ids::typed_id;
use crate::domain::record::{fields, stamps};
use crate::domain::sort::sort_by_key;
use crate::domain::text::{name_key, note, short};
use crate::domain::{
    AccountId, Day, DomainError, Draft, Edit, Order, OrderId, Record, RecordKey, Records, Stamp,
};

typed_id!(
    /// Identifies an adoption check.
    AdoptionCheckId for AdoptionCheck
);

/// How much the client uses what was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Reconcile, Hydrate)]
pub enum Finding {
    /// Uses it fully.
    Full,
    /// Uses part of it.
    Partly,
    /// Does not use it.
    NotAtAll,
}

impl Finding {
    /// Every finding, in the order the form offers them.
    pub const ALL: [Finding; 3] = [Self::Full, Self::Partly, Self::NotAtAll];

    /// A stable lowercase name.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Partly => "partly",
            Self::NotAtAll => "not-at-all",
        }
    }

    /// The finding stored under its variant's name.
    pub fn from_stored(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| format!("{f:?}") == name)
    }
}

/// What the rep does about a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Reconcile, Hydrate)]
pub enum FollowUp {
    /// Train the client's people.
    Training,
    /// Send someone to help on site.
    SupportVisit,
    /// Nothing needed (named so, not `None`, not to read as a missing
    /// value).
    Nothing,
}

impl FollowUp {
    /// Every follow-up, in the order the form offers them.
    pub const ALL: [FollowUp; 3] = [Self::Training, Self::SupportVisit, Self::Nothing];

    /// A stable lowercase name.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Training => "training",
            Self::SupportVisit => "support-visit",
            Self::Nothing => "nothing",
        }
    }

    /// The follow-up stored under its variant's name.
    pub fn from_stored(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| format!("{f:?}") == name)
    }
}

/// An adoption check, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct AdoptionCheck {
    /// The account checked.
    pub account: AccountId,
    /// The day of the check.
    pub checked_on: Day,
    /// The order checked, if it was one.
    pub order: Option<OrderId>,
    /// The product checked (may be empty when an order is named).
    pub product: String,
    /// How much the client uses it.
    pub finding: Finding,
    /// What follows.
    pub follow_up: FollowUp,
    /// When to check again, after the check.
    pub next_check: Option<Day>,
    /// What the rep saw.
    pub note: String,
    /// Who recorded it.
    pub created: Stamp,
    /// Who changed it last.
    pub updated: Stamp,
    /// Tombstone.
    pub deleted: Option<Stamp>,
}

fields! {
    /// The fields of an adoption check a conflict can be settled on.
    AdoptionCheckField {
        /// [`AdoptionCheck::checked_on`].
        CheckedOn = "checked_on",
        /// [`AdoptionCheck::order`].
        Order = "order",
        /// [`AdoptionCheck::product`].
        Product = "product",
        /// [`AdoptionCheck::finding`].
        Finding = "finding",
        /// [`AdoptionCheck::follow_up`].
        FollowUp = "follow_up",
        /// [`AdoptionCheck::next_check`].
        NextCheck = "next_check",
        /// [`AdoptionCheck::note`].
        Note = "note",
    }
}

/// The adoption check form, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdoptionCheckDraft {
    /// `YYYY-MM-DD`.
    pub checked_on: String,
    /// The order checked.
    pub order: Option<OrderId>,
    /// The product checked (required without an order).
    pub product: String,
    /// How much the client uses it.
    pub finding: Finding,
    /// What follows.
    pub follow_up: FollowUp,
    /// `YYYY-MM-DD` or empty.
    pub next_check: String,
    /// Note.
    pub note: String,
}

impl Draft for AdoptionCheckDraft {
    type Record = AdoptionCheck;
}

/// A check's fields, cleaned.
struct Clean {
    checked_on: Day,
    product: String,
    next_check: Option<Day>,
    note: String,
}

impl AdoptionCheckDraft {
    fn validated(&self, edit: &Edit) -> Result<Clean, DomainError> {
        let checked_on = happened_day(&self.checked_on, edit.today)?;
        let product = short("product", &self.product)?;
        if product.is_empty() && self.order.is_none() {
            return Err(DomainError::Empty { field: "product" });
        }
        let next_check = match self.next_check.trim() {
            "" => None,
            raw => Some(later_day("next_check", raw, "checked_on", checked_on)?),
        };
        let note = note("note", &self.note)?;
        Ok(Clean {
            checked_on,
            product,
            next_check,
            note,
        })
    }
}

impl Record for AdoptionCheck {
    const COLLECTION: &'static str = "adoption_checks";
    const SINCE: u64 = 3;
    type Id = AdoptionCheckId;
    type Parent = AccountId;
    type Draft = AdoptionCheckDraft;
    type Field = AdoptionCheckField;

    fn parent(&self) -> Option<AccountId> {
        Some(self.account)
    }

    stamps!();

    fn check_draft(draft: &AdoptionCheckDraft, edit: &Edit) -> Result<(), DomainError> {
        draft.validated(edit).map(|_| ())
    }

    /// The order, if named, must be a live order of `account`.
    fn create(
        account: AccountId,
        draft: &AdoptionCheckDraft,
        records: &impl Records,
        edit: &Edit,
    ) -> Result<Self, DomainError> {
        let clean = draft.validated(edit)?;
        order_at(draft.order, account, records)?;
        Ok(Self::made(account, draft, clean, edit))
    }

    fn edited(
        &self,
        _: AdoptionCheckId,
        draft: &AdoptionCheckDraft,
        records: &impl Records,
        edit: &Edit,
    ) -> Result<Self, DomainError> {
        let clean = draft.validated(edit)?;
        // An order deleted since the check was recorded stays named: the
        // check happened. Only a newly named order must be live.
        if draft.order != self.order {
            order_at(draft.order, self.account, records)?;
        }
        Ok(AdoptionCheck {
            created: self.created.clone(),
            ..Self::made(self.account, draft, clean, edit)
        })
    }

    fn draft(&self) -> AdoptionCheckDraft {
        AdoptionCheckDraft {
            checked_on: self.checked_on.to_string(),
            order: self.order,
            product: self.product.clone(),
            finding: self.finding,
            follow_up: self.follow_up,
            next_check: self.next_check.map(|d| d.to_string()).unwrap_or_default(),
            note: self.note.clone(),
        }
    }

    fn set_field(
        draft: &mut AdoptionCheckDraft,
        field: AdoptionCheckField,
        value: &str,
    ) -> Result<(), DomainError> {
        let not_a = |field| DomainError::NotAValue {
            field,
            value: value.to_owned(),
        };
        match field {
            AdoptionCheckField::CheckedOn => value.clone_into(&mut draft.checked_on),
            AdoptionCheckField::Order => {
                draft.order = match value {
                    "" => None,
                    id => Some(id.parse().map_err(|_| not_a("order"))?),
                }
            }
            AdoptionCheckField::Product => value.clone_into(&mut draft.product),
            AdoptionCheckField::Finding => {
                draft.finding = Finding::from_stored(value).ok_or_else(|| not_a("finding"))?
            }
            AdoptionCheckField::FollowUp => {
                draft.follow_up = FollowUp::from_stored(value).ok_or_else(|| not_a("follow_up"))?
            }
            AdoptionCheckField::NextCheck => value.clone_into(&mut draft.next_check),
            AdoptionCheckField::Note => value.clone_into(&mut draft.note),
        }
        Ok(())
    }
}

/// The order checked, if named, must be a live order of `account`.
fn order_at(
    order: Option<OrderId>,
    account: AccountId,
    records: &impl Records,
) -> Result<(), DomainError> {
    if let Some(order) = order
        && records.live::<Order>(order)?.account != account
    {
        return Err(DomainError::OfOtherAccount {
            record: RecordKey::Order(order),
            account,
        });
    }
    Ok(())
}

/// What a check is about, for "a later check of the same thing": its
/// order if it names one, else its product by name (ignoring case and
/// spacing).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Subject {
    Order(OrderId),
    Product(String),
}

impl AdoptionCheck {
    /// A live check of `account` with the draft's values (`clean`: its
    /// fields cleaned), made by `edit`.
    fn made(account: AccountId, draft: &AdoptionCheckDraft, clean: Clean, edit: &Edit) -> Self {
        AdoptionCheck {
            account,
            checked_on: clean.checked_on,
            order: draft.order,
            product: clean.product,
            finding: draft.finding,
            follow_up: draft.follow_up,
            next_check: clean.next_check,
            note: clean.note,
            created: edit.stamp(),
            updated: edit.stamp(),
            deleted: None,
        }
    }

    fn subject(&self) -> Subject {
        match self.order {
            Some(order) => Subject::Order(order),
            None => Subject::Product(name_key(&self.product)),
        }
    }

    /// Where a check stands among others: by its day, then (the same day)
    /// by when it was recorded, then by id, so "the latest" is one check
    /// on every device.
    pub fn recency(&self, id: AdoptionCheckId) -> (Day, i64, AdoptionCheckId) {
        (self.checked_on, self.created.at, id)
    }
}

/// The latest live check of `checks` (an account's): the latest by day;
/// the same day, the one recorded last. Its finding is the account's last
/// finding.
pub fn last_check<C: Borrow<AdoptionCheck>>(
    checks: impl IntoIterator<Item = (AdoptionCheckId, C)>,
) -> Option<(AdoptionCheckId, C)> {
    checks
        .into_iter()
        .filter(|(_, c)| c.borrow().is_live())
        .max_by_key(|(id, c)| c.borrow().recency(*id))
}

/// The live checks of `checks` (of live accounts) due on `today`: for each
/// account and each thing checked (an order, or a product by name), the
/// latest check, if its next check is on or before `today`. A later check
/// of the same thing takes over, with its own next check or none. Sorted
/// by next check, oldest first.
pub fn checks_due<C: Borrow<AdoptionCheck>>(
    checks: impl IntoIterator<Item = (AdoptionCheckId, C)>,
    today: Day,
) -> Vec<(AdoptionCheckId, C)> {
    let mut latest: HashMap<(AccountId, Subject), (AdoptionCheckId, C)> = HashMap::new();
    for (id, check) in checks {
        let c = check.borrow();
        if !c.is_live() {
            continue;
        }
        let key = (c.account, c.subject());
        let later = latest
            .get(&key)
            .is_none_or(|(other, o)| c.recency(id) > o.borrow().recency(*other));
        if later {
            latest.insert(key, (id, check));
        }
    }
    let mut due: Vec<_> = latest
        .into_values()
        .filter(|(_, c)| c.borrow().next_check.is_some_and(|next| next <= today))
        .collect();
    sort_by_key(&mut due, |(id, c)| (c.borrow().next_check, *id));
    due
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_and_follow_ups_round_trip_through_their_stored_names() {
        for finding in Finding::ALL {
            assert_eq!(Finding::from_stored(&format!("{finding:?}")), Some(finding));
        }
        for follow_up in FollowUp::ALL {
            assert_eq!(
                FollowUp::from_stored(&format!("{follow_up:?}")),
                Some(follow_up)
            );
        }
        assert_eq!(FollowUp::from_stored("None"), None);
    }
}
