//! Orders and their deliveries (DOMAIN.md, point 7): the client's first
//! expectation is a timely delivery, ready to use. An order carries the
//! promised delivery date and the dates of its stages — accepted, shipped,
//! delivered, ready to use — so the app can flag late and at-risk orders
//! and count the on-time rate (`track_record.rs`).

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::domain::day::{happened_day, not_before, planned_day};
use crate::domain::ids::typed_id;
use crate::domain::money::{amount_text, parse_amount, parse_currency};
use crate::domain::record::{fields, stamps};
use crate::domain::text::required_name;
use crate::domain::{
    AccountId, Day, DomainError, Draft, Edit, LeadWarning, Promise, PromiseId, Record, Records,
    Stamp, lead_warning,
};

typed_id!(
    /// Identifies an order.
    OrderId for Order
);

/// An order, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Order {
    /// The account that ordered.
    pub account: AccountId,
    /// What was ordered.
    pub what: String,
    /// How much, in hundredths of `currency`.
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// The day it was ordered.
    pub ordered_on: Day,
    /// The delivery day promised to the client.
    pub promised_on: Day,
    /// The promise it answers, if one was recorded.
    pub promise: Option<PromiseId>,
    /// The day we accepted it.
    pub accepted_on: Option<Day>,
    /// The day it was shipped.
    pub shipped_on: Option<Day>,
    /// The day it reached the client.
    pub delivered_on: Option<Day>,
    /// The day the client could use it (installed, trained).
    pub ready_on: Option<Day>,
    /// The unrealistic-promise warning the rep saw and saved anyway.
    pub overridden_warning: Option<LeadWarning>,
    /// Who recorded it.
    pub created: Stamp,
    /// Who changed it last.
    pub updated: Stamp,
    /// Tombstone.
    pub deleted: Option<Stamp>,
}

fields! {
    /// The fields of an order a conflict can be settled on.
    OrderField {
        /// [`Order::what`].
        What = "what",
        /// [`Order::amount`].
        Amount = "amount",
        /// [`Order::currency`].
        Currency = "currency",
        /// [`Order::ordered_on`].
        OrderedOn = "ordered_on",
        /// [`Order::promised_on`].
        PromisedOn = "promised_on",
        /// [`Order::promise`].
        Promise = "promise",
        /// [`Order::accepted_on`].
        AcceptedOn = "accepted_on",
        /// [`Order::shipped_on`].
        ShippedOn = "shipped_on",
        /// [`Order::delivered_on`].
        DeliveredOn = "delivered_on",
        /// [`Order::ready_on`].
        ReadyOn = "ready_on",
    }
}

/// The order form, as typed (dates `YYYY-MM-DD`, empty: not yet).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDraft {
    /// What.
    pub what: String,
    /// Amount, as typed.
    pub amount: String,
    /// Currency code.
    pub currency: String,
    /// Ordered on.
    pub ordered_on: String,
    /// Promised delivery.
    pub promised_on: String,
    /// The promise it answers.
    pub promise: Option<PromiseId>,
    /// Accepted on.
    pub accepted_on: String,
    /// Shipped on.
    pub shipped_on: String,
    /// Delivered on.
    pub delivered_on: String,
    /// Ready to use on.
    pub ready_on: String,
    /// The rep saw the unrealistic-promise warning and saves anyway.
    pub save_anyway: bool,
}

impl Draft for OrderDraft {
    type Record = Order;
}

/// An order's fields, cleaned.
struct Clean {
    what: String,
    amount: i64,
    currency: String,
    ordered_on: Day,
    promised_on: Day,
    stages: [Option<Day>; 4],
}

/// The stage dates' field names, in the order an order passes them.
const STAGES: [&str; 4] = ["accepted_on", "shipped_on", "delivered_on", "ready_on"];

impl OrderDraft {
    fn validated(&self, edit: &Edit) -> Result<Clean, DomainError> {
        let what = required_name("what", &self.what)?;
        let amount = parse_amount("amount", &self.amount)?;
        let currency = parse_currency(&self.currency)?;
        let ordered_on = happened_day(&self.ordered_on, edit.today)?;
        let promised_on = planned_day("promised_on", &self.promised_on, "ordered_on", ordered_on)?;
        let typed = [
            &self.accepted_on,
            &self.shipped_on,
            &self.delivered_on,
            &self.ready_on,
        ];
        let mut stages = [None; 4];
        // Each stage happened, not before the order, not before the stage
        // before it.
        let mut previous = ("ordered_on", ordered_on);
        for (i, raw) in typed.into_iter().enumerate() {
            if raw.trim().is_empty() {
                continue;
            }
            let day = happened_day(raw, edit.today)?;
            not_before(STAGES[i], day, previous.0, previous.1)?;
            previous = (STAGES[i], day);
            stages[i] = Some(day);
        }
        Ok(Clean {
            what,
            amount,
            currency,
            ordered_on,
            promised_on,
            stages,
        })
    }
}

impl Record for Order {
    const COLLECTION: &'static str = "orders";
    const SINCE: u64 = 2;
    type Id = OrderId;
    type Parent = AccountId;
    type Draft = OrderDraft;
    type Field = OrderField;

    fn parent(&self) -> Option<AccountId> {
        Some(self.account)
    }

    stamps!();

    fn check_draft(draft: &OrderDraft, edit: &Edit) -> Result<(), DomainError> {
        draft.validated(edit).map(|_| ())
    }

    fn create(
        account: AccountId,
        draft: &OrderDraft,
        records: &impl Records,
        edit: &Edit,
    ) -> Result<Self, DomainError> {
        let clean = draft.validated(edit)?;
        promise_at(draft.promise, account, records)?;
        let overridden_warning = checked_lead(draft, &clean, account, records)?;
        let [accepted_on, shipped_on, delivered_on, ready_on] = clean.stages;
        Ok(Order {
            account,
            what: clean.what,
            amount: clean.amount,
            currency: clean.currency,
            ordered_on: clean.ordered_on,
            promised_on: clean.promised_on,
            promise: draft.promise,
            accepted_on,
            shipped_on,
            delivered_on,
            ready_on,
            overridden_warning,
            created: edit.stamp(),
            updated: edit.stamp(),
            deleted: None,
        })
    }

    fn edited(
        &self,
        _: OrderId,
        draft: &OrderDraft,
        records: &impl Records,
        edit: &Edit,
    ) -> Result<Self, DomainError> {
        let clean = draft.validated(edit)?;
        promise_at(draft.promise, self.account, records)?;
        let same_lead =
            (clean.ordered_on, clean.promised_on) == (self.ordered_on, self.promised_on);
        let overridden_warning = if same_lead {
            self.overridden_warning.clone()
        } else {
            checked_lead(draft, &clean, self.account, records)?
        };
        let [accepted_on, shipped_on, delivered_on, ready_on] = clean.stages;
        Ok(Order {
            what: clean.what,
            amount: clean.amount,
            currency: clean.currency,
            ordered_on: clean.ordered_on,
            promised_on: clean.promised_on,
            promise: draft.promise,
            accepted_on,
            shipped_on,
            delivered_on,
            ready_on,
            overridden_warning,
            ..self.clone()
        })
    }

    fn draft(&self) -> OrderDraft {
        let day = |d: Option<Day>| d.map(|d| d.to_string()).unwrap_or_default();
        OrderDraft {
            what: self.what.clone(),
            amount: amount_text(self.amount),
            currency: self.currency.clone(),
            ordered_on: self.ordered_on.to_string(),
            promised_on: self.promised_on.to_string(),
            promise: self.promise,
            accepted_on: day(self.accepted_on),
            shipped_on: day(self.shipped_on),
            delivered_on: day(self.delivered_on),
            ready_on: day(self.ready_on),
            save_anyway: false,
        }
    }

    fn set_field(
        draft: &mut OrderDraft,
        field: OrderField,
        value: &str,
    ) -> Result<(), DomainError> {
        let not_a = |field| DomainError::NotAValue {
            field,
            value: value.to_owned(),
        };
        match field {
            OrderField::What => value.clone_into(&mut draft.what),
            // Stored in hundredths; the form holds the amount.
            OrderField::Amount => {
                draft.amount = amount_text(value.parse().map_err(|_| not_a("amount"))?)
            }
            OrderField::Currency => value.clone_into(&mut draft.currency),
            OrderField::OrderedOn => value.clone_into(&mut draft.ordered_on),
            OrderField::PromisedOn => value.clone_into(&mut draft.promised_on),
            OrderField::Promise => {
                draft.promise = match value {
                    "" => None,
                    id => Some(id.parse().map_err(|_| not_a("promise"))?),
                }
            }
            OrderField::AcceptedOn => value.clone_into(&mut draft.accepted_on),
            OrderField::ShippedOn => value.clone_into(&mut draft.shipped_on),
            OrderField::DeliveredOn => value.clone_into(&mut draft.delivered_on),
            OrderField::ReadyOn => value.clone_into(&mut draft.ready_on),
        }
        Ok(())
    }
}

/// The promise an order answers must be a live promise of its account.
fn promise_at(
    promise: Option<PromiseId>,
    account: AccountId,
    records: &impl Records,
) -> Result<(), DomainError> {
    if let Some(promise) = promise
        && records.live::<Promise>(promise)?.account != account
    {
        return Err(DomainError::Unknown(crate::domain::RecordKey::Promise(
            promise,
        )));
    }
    Ok(())
}

/// The warning an order's promised lead time earns against the history.
fn checked_lead(
    draft: &OrderDraft,
    clean: &Clean,
    account: AccountId,
    records: &impl Records,
) -> Result<Option<LeadWarning>, DomainError> {
    // An order recorded after it was delivered has nothing to warn about.
    if clean.stages[2].is_some() {
        return Ok(None);
    }
    let lead = clean.promised_on.days_since(clean.ordered_on);
    match lead_warning(lead, account, records) {
        Some(warning) if !draft.save_anyway => Err(DomainError::UnrealisticPromise(warning)),
        warning => Ok(warning),
    }
}

impl Order {
    /// Days from order to delivery, once delivered: its lead time.
    pub fn lead_days(&self) -> Option<i64> {
        self.delivered_on.map(|d| d.days_since(self.ordered_on))
    }
}
