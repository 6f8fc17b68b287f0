//! The orders of one account and their deliveries (DOMAIN.md, point 7):
//! what, how much, ordered and promised days, and where the delivery
//! stands (late and at-risk ones flagged); the form that records an order
//! (the same lead-time warning as a delivery promise); and, per order not
//! yet ready to use, a row of stage dates to record as they happen.

use chrono::Local;
use leptos::prelude::*;

use crate::document::{Command, RecordKey};
use crate::domain::{
    AccountId, Day, DeliveryState, Field, LeadWarning, Order, OrderDraft, OrderField, OrderId,
    Promise, PromiseKind, Record, TeamSettings,
};
use crate::state::AppState;
use crate::ui::conflicts::Conflicts;
use crate::ui::reactive::{When, dynamic, keyed, redrawn};
use crate::ui::track_record::{LeadWarningBox, overridden_warning, show_refusal};
use crate::ui::words::{Key, label, t, words};

/// An order as the list shows it, with what its promise promised.
type Shown = (OrderId, Order, Option<String>);

/// The orders of one account, and the form to record one.
#[component]
pub fn Orders(
    /// The account that ordered.
    account: AccountId,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let adding = RwSignal::new(false);
    let today = Day(Local::now().date_naive());
    let orders = Memo::new(move |_| {
        state.model.with(|m| {
            m.orders_of(account)
                .into_iter()
                .map(|(id, o)| {
                    let promise = o
                        .promise
                        .and_then(|p| m.get::<Promise>(p))
                        .map(|p| p.what.clone());
                    (id, o.clone(), promise)
                })
                .collect::<Vec<Shown>>()
        })
    });
    view! {
        <section class="card orders" data-testid="orders">
            <div class="section-head">
                <h2>{t(Key::OrdersTitle)}</h2>
                <button data-testid="new-order" hidden=dynamic(move || adding.get()) on:click=move |_| adding.set(true)>
                    {t(Key::NewOrder)}
                </button>
            </div>
            <When when=move || adding.get()>
                <OrderForm account on_close=Callback::new(move |_| adding.set(false)) />
            </When>
            <ul class="ledger" data-testid="order-list">
                {keyed(move || orders.get(), |(id, o, p)| (*id, o.updated.at, p.clone()), move |item| view! { <OrderItem id=item.0 order=item.1 promise=item.2 today /> }.into_any())}
            </ul>
            <When when=move || orders.with(Vec::is_empty)>
                <p class="hint">{t(Key::NoOrdersYet)}</p>
            </When>
        </section>
    }
}

/// The CSS class and flag of a delivery state.
fn state_class(state: DeliveryState) -> &'static str {
    match state {
        DeliveryState::OnTime => "on-time",
        DeliveryState::Late(_) => "late",
        DeliveryState::AtRisk(_) => "at-risk",
        DeliveryState::Expected => "expected",
    }
}

/// One order: what, amount, days, delivery state, stage dates.
#[component]
fn OrderItem(
    /// The order's id.
    id: OrderId,
    /// The order.
    order: Order,
    /// What the promise it answers promised.
    promise: Option<String>,
    /// Today, for the delivery state.
    today: Day,
) -> impl IntoView {
    let recording = RwSignal::new(false);
    let delivery = DeliveryState::of(&order, today);
    let class = state_class(delivery);
    let stages = [
        (OrderField::AcceptedOn, order.accepted_on),
        (OrderField::ShippedOn, order.shipped_on),
        (OrderField::DeliveredOn, order.delivered_on),
        (OrderField::ReadyOn, order.ready_on),
    ]
    .into_iter()
    .filter_map(|(field, day)| day.map(|d| format!("{}: {d}", label::<Order>(field))))
    .collect::<Vec<_>>()
    .join(" · ");
    let overridden = order.overridden_warning.as_ref().map(overridden_warning);
    let answers = promise.map(|what| {
        view! { <p class="meta">{format!("{}: {what}", label::<Order>(OrderField::Promise))}</p> }
    });
    let open = order.ready_on.is_none();
    let record = if order.delivered_on.is_some() {
        Key::RecordReady
    } else {
        Key::RecordDelivery
    };
    view! {
        <li class=format!("order state-{class}") data-testid="order">
            <div class="promise-head">
                <strong class="what">{order.what.clone()}</strong>
                <span class="amount">{words().money(order.amount, &order.currency)}</span>
                <span class=format!("badge state-{class}") data-testid="order-state">
                    {words().delivery_state(delivery)}
                </span>
            </div>
            <p class="meta">
                {format!(
                    "{}: {} · {}: {}",
                    label::<Order>(OrderField::OrderedOn),
                    order.ordered_on,
                    label::<Order>(OrderField::PromisedOn),
                    order.promised_on,
                )}
            </p>
            <p class="meta stages" hidden=stages.is_empty()>{stages.clone()}</p>
            {answers}
            {overridden}
            <Conflicts record=RecordKey::Order(id) />
            {open
                .then(|| {
                    let order = order.clone();
                    view! {
                        <When
                            when=move || recording.get()
                            fallback=move || {
                                view! {
                                    <button data-testid="record-delivery" on:click=move |_| recording.set(true)>
                                        {t(record)}
                                    </button>
                                }
                            }
                        >
                            <StageDates
                                id
                                order=order.clone()
                                on_close=Callback::new(move |_| recording.set(false))
                            />
                        </When>
                    }
                })}
        </li>
    }
}

/// The dates of an order's stages, as they happen: accepted, shipped,
/// delivered, ready to use (empty: not yet).
#[component]
fn StageDates(
    /// The order's id.
    id: OrderId,
    /// The order as it stands.
    order: Order,
    /// Called when saved or cancelled.
    on_close: Callback<()>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let start = order.draft();
    let order = StoredValue::new(order);
    let accepted = RwSignal::new(start.accepted_on);
    let shipped = RwSignal::new(start.shipped_on);
    let delivered = RwSignal::new(start.delivered_on);
    let ready = RwSignal::new(start.ready_on);
    let error = RwSignal::new(None::<String>);
    let save = move |_| {
        let mut draft = order.with_value(Order::draft);
        draft.accepted_on = accepted.get_untracked();
        draft.shipped_on = shipped.get_untracked();
        draft.delivered_on = delivered.get_untracked();
        draft.ready_on = ready.get_untracked();
        match state.command(Command::edit::<Order>(id, draft)) {
            Ok(()) => on_close.run(()),
            Err(e) => error.set(Some(words().refusal(&e))),
        }
    };
    let field = |field: OrderField, value: RwSignal<String>| {
        view! {
            <label>
                {label::<Order>(field)}
                <input data-testid=format!("stage-{}", field.name()) type="date" bind:value=value />
            </label>
        }
    };
    view! {
        <div class="form stage-dates" data-testid="stage-dates">
            <div class="date-grid">
                {field(OrderField::AcceptedOn, accepted)}
                {field(OrderField::ShippedOn, shipped)}
                {field(OrderField::DeliveredOn, delivered)}
                {field(OrderField::ReadyOn, ready)}
            </div>
            <p class="form-error" data-testid="form-error" role="alert" hidden=dynamic(move || error.get().is_none())>
                {redrawn(move || error.get())}
            </p>
            <div class="actions">
                <button type="button" class="primary" data-testid="save-dates" on:click=save>
                    {t(Key::SaveDates)}
                </button>
                <button type="button" on:click=move |_| on_close.run(())>{t(Key::Cancel)}</button>
            </div>
        </div>
    }
}

/// Records a new order: what, amount and currency, ordered and promised
/// days, and the delivery promise it answers.
#[component]
fn OrderForm(
    /// The account that ordered.
    account: AccountId,
    /// Called when saved or cancelled.
    on_close: Callback<()>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let currency_default = state
        .model
        .with_untracked(|m| TeamSettings::of(m.as_ref()).currency);
    let what = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let currency = RwSignal::new(currency_default);
    let ordered_on = RwSignal::new(Day(Local::now().date_naive()).to_string());
    let promised_on = RwSignal::new(String::new());
    let promise = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let warning = RwSignal::new(None::<LeadWarning>);
    let open_deliveries = Memo::new(move |_| {
        state.model.with(|m| {
            m.promises_of(account)
                .into_iter()
                .filter(|(_, p)| p.outcome.is_none() && p.kind == PromiseKind::Delivery)
                .map(|(id, p)| (id, format!("{} ({})", p.what, p.due)))
                .collect::<Vec<_>>()
        })
    });
    let send = move |save_anyway: bool| {
        let draft = OrderDraft {
            what: what.get_untracked(),
            amount: amount.get_untracked(),
            currency: currency.get_untracked(),
            ordered_on: ordered_on.get_untracked(),
            promised_on: promised_on.get_untracked(),
            promise: promise.with_untracked(|p| p.parse().ok()),
            save_anyway,
            ..OrderDraft::default()
        };
        match state.command(Command::create::<Order>(OrderId::random(), account, draft)) {
            Ok(()) => on_close.run(()),
            Err(e) => show_refusal(&e, warning, error),
        }
    };
    Effect::watch(
        move || (ordered_on.get(), promised_on.get()),
        move |_, _, _| warning.set(None),
        false,
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send(false);
    };
    view! {
        <form class="form inline-form order-form" data-testid="order-form" on:submit=submit>
            <label>
                {label::<Order>(OrderField::What)}
                <input data-testid="order-what" type="text" placeholder=t(Key::OrderWhatPlaceholder) bind:value=what />
            </label>
            <div class="row">
                <label class="grow">
                    {label::<Order>(OrderField::Amount)}
                    <input data-testid="order-amount" type="text" inputmode="decimal" bind:value=amount />
                </label>
                <label class="narrow">
                    {label::<Order>(OrderField::Currency)}
                    <input data-testid="order-currency" type="text" maxlength="3" bind:value=currency />
                </label>
            </div>
            <div class="row">
                <label>
                    {label::<Order>(OrderField::OrderedOn)}
                    <input data-testid="order-ordered-on" type="date" bind:value=ordered_on />
                </label>
                <label>
                    {label::<Order>(OrderField::PromisedOn)}
                    <input data-testid="order-promised-on" type="date" bind:value=promised_on />
                </label>
            </div>
            <label>
                {label::<Order>(OrderField::Promise)}
                <select data-testid="order-promise" bind:value=promise>
                    <option value="">{t(Key::NoPromise)}</option>
                    {keyed(move || open_deliveries.get(), |(id, what)| (*id, what.clone()), move |p| view! { <option value=p.0.to_string()>{p.1}</option> }.into_any())}
                </select>
            </label>
            <p class="form-error" data-testid="form-error" role="alert" hidden=dynamic(move || error.get().is_none())>
                {redrawn(move || error.get())}
            </p>
            <LeadWarningBox warning on_save_anyway=Callback::new(move |_| send(true)) />
            <div class="actions">
                <button type="submit" class="primary" data-testid="save-order">
                    {t(Key::SaveOrder)}
                </button>
                <button type="button" on:click=move |_| on_close.run(())>{t(Key::Cancel)}</button>
            </div>
        </form>
    }
}
