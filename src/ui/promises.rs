//! The promise ledger of one account ("promise less, do more"): open
//! promises by due day, overdue ones flagged; closed ones with how they
//! ended; the form that records a new one (refused with the delivery
//! history when a delivery is promised faster than it supports, unless the
//! rep saves anyway); and the buttons that close one. Every rule is the
//! domain's (`domain/promise.rs`): the page checks the command against its
//! read model with the same code the worker runs.

use chrono::Local;
use leptos::prelude::*;

use crate::document::{Command, RecordKey};
use crate::domain::{
    AccountId, Day, LeadWarning, MAX_NOTE_CHARS, Outcome, Promise, PromiseDraft, PromiseField,
    PromiseId, PromiseKind, Record,
};
use crate::state::AppState;
use crate::ui::conflicts::Conflicts;
use crate::ui::reactive::{When, dynamic, keyed, redrawn};
use crate::ui::track_record::{LeadWarningBox, overridden_warning, show_refusal};
use crate::ui::words::{Key, label, t, words};

/// A promise as the list shows it, with the name of the person it was
/// made to.
type Shown = (PromiseId, Promise, Option<String>);

/// The promises made to one account, and the form to record one.
#[component]
pub fn Promises(
    /// The account the promises were made to.
    account: AccountId,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let adding = RwSignal::new(false);
    let today = Day(Local::now().date_naive());
    let promises = Memo::new(move |_| {
        state.model.with(|m| {
            m.promises_of(account)
                .into_iter()
                .map(|(id, p)| {
                    let to = p.to.and_then(|c| m.contact(c)).map(|c| c.name.clone());
                    (id, p.clone(), to)
                })
                .collect::<Vec<Shown>>()
        })
    });
    let open = move || {
        promises.with(|ps| {
            ps.iter()
                .filter(|(_, p, _)| p.outcome.is_none())
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let closed = move || {
        promises.with(|ps| {
            ps.iter()
                .filter(|(_, p, _)| p.outcome.is_some())
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let key = |(id, p, to): &Shown| (*id, p.updated.at, to.clone());
    view! {
        <section class="card promises" data-testid="promises">
            <div class="section-head">
                <h2>{t(Key::PromisesTitle)}</h2>
                <button
                    data-testid="new-promise"
                    hidden=dynamic(move || adding.get())
                    on:click=move |_| adding.set(true)
                >
                    {t(Key::NewPromise)}
                </button>
            </div>
            <When when=move || adding.get()>
                <PromiseForm account on_close=Callback::new(move |_| adding.set(false)) />
            </When>
            <ul class="ledger" data-testid="open-promises">
                {keyed(open, key, move |item| view! { <PromiseItem id=item.0 promise=item.1 to=item.2 today /> }.into_any())}
            </ul>
            <When when=move || promises.with(Vec::is_empty)>
                <p class="hint">{t(Key::NoPromisesYet)}</p>
            </When>
            <When when=move || promises.with(|ps| ps.iter().any(|(_, p, _)| p.outcome.is_some()))>
                <h3 class="ledger-head">{t(Key::ClosedPromises)}</h3>
            </When>
            <ul class="ledger closed" data-testid="closed-promises">
                {keyed(closed, key, move |item| view! { <PromiseItem id=item.0 promise=item.1 to=item.2 today /> }.into_any())}
            </ul>
        </section>
    }
}

/// One promise: what, to whom, when due; how it ended, or the buttons
/// that close it.
#[component]
fn PromiseItem(
    /// The promise's id.
    id: PromiseId,
    /// The promise.
    promise: Promise,
    /// The name of the person it was made to.
    to: Option<String>,
    /// Today, for the overdue flag.
    today: Day,
) -> impl IntoView {
    let closing = RwSignal::new(false);
    let overdue = promise.is_overdue(today);
    let class = match promise.outcome {
        None if overdue => "promise overdue".to_owned(),
        None => "promise".to_owned(),
        Some(o) => format!("promise outcome-{}", o.slug()),
    };
    let meta = [
        Some(format!(
            "{}: {}",
            label::<Promise>(PromiseField::MadeOn),
            promise.made_on
        )),
        to.map(|name| format!("{}: {name}", label::<Promise>(PromiseField::To))),
        Some(format!(
            "{}: {}",
            label::<Promise>(PromiseField::MadeBy),
            words().rep(&promise.made_by)
        )),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let ended = promise.outcome.map(|outcome| {
        let closed = promise.closed_on.map(|d| d.to_string()).unwrap_or_default();
        let note = (!promise.outcome_note.is_empty()).then(|| {
            let before = match outcome {
                Outcome::Exceeded => t(Key::WhatMore),
                _ => t(Key::WhatHappened),
            };
            view! {
                <p class="outcome-note">
                    <strong>{before}</strong>
                    " "
                    {promise.outcome_note.clone()}
                </p>
            }
        });
        view! {
            <p class="outcome">
                <span class=format!("badge outcome-{}", outcome.slug()) data-testid="promise-outcome">
                    {words().outcome(outcome)}
                </span>
                " "
                <time datetime=closed.clone()>{closed.clone()}</time>
            </p>
            {note}
        }
    });
    let overridden = promise.overridden_warning.as_ref().map(overridden_warning);
    let is_open = promise.outcome.is_none();
    let due = promise.due.to_string();
    view! {
        <li class=class data-testid="promise">
            <div class="promise-head">
                <span class="badge kind">{words().promise_kind(promise.kind)}</span>
                <strong class="what">{promise.what.clone()}</strong>
                <span class="due">
                    {label::<Promise>(PromiseField::Due)}
                    ": "
                    <time datetime=due.clone()>{due.clone()}</time>
                </span>
                {(is_open && overdue)
                    .then(|| {
                        view! {
                            <span class="badge overdue-flag" data-testid="promise-overdue">
                                {t(Key::Overdue)}
                            </span>
                        }
                    })}
            </div>
            <p class="meta">{meta}</p>
            {ended}
            {overridden}
            <Conflicts record=RecordKey::Promise(id) />
            {is_open
                .then(|| {
                    let promise = promise.clone();
                    view! {
                        <When
                            when=move || closing.get()
                            fallback=move || {
                                view! {
                                    <button
                                        class="close-promise"
                                        data-testid="record-outcome"
                                        on:click=move |_| closing.set(true)
                                    >
                                        {t(Key::RecordOutcome)}
                                    </button>
                                }
                            }
                        >
                            <ClosePromise
                                id
                                promise=promise.clone()
                                on_close=Callback::new(move |_| closing.set(false))
                            />
                        </When>
                    }
                })}
        </li>
    }
}

/// How an open promise ended: the day (today), then Kept / Kept late
/// (saved at once; the day decides which) or Exceeded / Broken (which ask
/// what more was done, or what happened).
#[component]
fn ClosePromise(
    /// The promise's id.
    id: PromiseId,
    /// The promise as it stands.
    promise: Promise,
    /// Called when saved or cancelled.
    on_close: Callback<()>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let day = RwSignal::new(Day(Local::now().date_naive()).to_string());
    let note = RwSignal::new(String::new());
    let asking = RwSignal::new(None::<Outcome>);
    let error = RwSignal::new(None::<String>);
    let chars = Memo::new(move |_| note.with(|n| n.chars().count()));
    let promise = StoredValue::new(promise);
    let save = move |outcome: Outcome| {
        let mut draft = promise.with_value(Promise::draft);
        draft.outcome = Some(outcome);
        draft.closed_on = day.get_untracked();
        draft.outcome_note = note.get_untracked();
        match state.command(Command::edit::<Promise>(id, draft)) {
            Ok(()) => on_close.run(()),
            Err(e) => error.set(Some(words().refusal(&e))),
        }
    };
    view! {
        <div class="close-panel form" data-testid="close-promise">
            <div class="row">
                <label>
                    {label::<Promise>(PromiseField::ClosedOn)}
                    <input data-testid="closed-on" type="date" bind:value=day />
                </label>
            </div>
            <div class="outcomes" role="group" aria-label={label::<Promise>(PromiseField::Outcome)}>
                {Outcome::ALL
                    .into_iter()
                    .map(|o| {
                        view! {
                            <button
                                type="button"
                                class=format!("outcome-button outcome-{}", o.slug())
                                class:selected=move || asking.get() == Some(o)
                                data-testid=format!("outcome-{}", o.slug())
                                on:click=move |_| match o {
                                    Outcome::Kept | Outcome::KeptLate => save(o),
                                    Outcome::Exceeded | Outcome::Broken => asking.set(Some(o)),
                                }
                            >
                                {words().outcome(o)}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            {redrawn(move || {
                asking
                    .get()
                    .map(|o| {
                        view! {
                            <label>
                                {t(if o == Outcome::Exceeded { Key::WhatMore } else { Key::WhatHappened })}
                                <textarea data-testid="outcome-note" rows="2" bind:value=note></textarea>
                            </label>
                            <p class="counter" class:over=dynamic(move || { chars.get() > MAX_NOTE_CHARS })>
                                {redrawn(move || format!("{} / {}", words().number(chars.get()), words().number(MAX_NOTE_CHARS)))}
                            </p>
                        }
                    })
            })}
            <p class="form-error" data-testid="form-error" role="alert" hidden=dynamic(move || error.get().is_none())>
                {redrawn(move || error.get())}
            </p>
            <div class="actions">
                {redrawn(move || {
                    asking
                        .get()
                        .map(|o| {
                            view! {
                                <button type="button" class="primary" data-testid="save-outcome" on:click=move |_| save(o)>
                                    {t(Key::SaveOutcome)}
                                </button>
                            }
                        })
                })}
                <button type="button" on:click=move |_| on_close.run(())>{t(Key::Cancel)}</button>
            </div>
        </div>
    }
}

/// Records a new promise: kind, what, to whom, by whom, made on, due.
#[component]
fn PromiseForm(
    /// The account the promise is made to.
    account: AccountId,
    /// Called when saved or cancelled.
    on_close: Callback<()>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let today = Day(Local::now().date_naive()).to_string();
    let kind = RwSignal::new(PromiseKind::Delivery);
    let what = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let made_by = RwSignal::new(state.settings.get_untracked().rep_name);
    let made_on = RwSignal::new(today);
    let due = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let warning = RwSignal::new(None::<LeadWarning>);
    let people = Memo::new(move |_| {
        state.model.with(|m| {
            m.contacts_of(account)
                .into_iter()
                .map(|(id, c)| (id, c.name.clone()))
                .collect::<Vec<_>>()
        })
    });
    let send = move |save_anyway: bool| {
        let draft = PromiseDraft {
            to: to.with_untracked(|c| c.parse().ok()),
            made_by: made_by.get_untracked(),
            made_on: made_on.get_untracked(),
            due: due.get_untracked(),
            kind: kind.get_untracked(),
            what: what.get_untracked(),
            outcome: None,
            closed_on: String::new(),
            outcome_note: String::new(),
            save_anyway,
        };
        match state.command(Command::create::<Promise>(
            PromiseId::random(),
            account,
            draft,
        )) {
            Ok(()) => on_close.run(()),
            Err(e) => show_refusal(&e, warning, error),
        }
    };
    // A warning is about the lead time it was given for: a changed day or
    // kind must be checked again before "Save anyway" is offered.
    Effect::watch(
        move || (kind.get(), made_on.get(), due.get()),
        move |_, _, _| warning.set(None),
        false,
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send(false);
    };
    view! {
        <form class="form inline-form promise-form" data-testid="promise-form" on:submit=submit>
            <div class="kinds promise-kinds" role="radiogroup" aria-label={label::<Promise>(PromiseField::Kind)}>
                {PromiseKind::ALL
                    .into_iter()
                    .map(|k| {
                        view! {
                            <button
                                type="button"
                                role="radio"
                                class="kind"
                                class:selected=move || kind.get() == k
                                aria-checked=dynamic(move || (kind.get() == k).to_string())
                                data-testid=format!("promise-kind-{}", k.slug())
                                on:click=move |_| kind.set(k)
                            >
                                {words().promise_kind(k)}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <label>
                {label::<Promise>(PromiseField::What)}
                <input
                    data-testid="promise-what"
                    type="text"
                    placeholder=t(Key::PromiseWhatPlaceholder)
                    bind:value=what
                />
            </label>
            <label>
                {label::<Promise>(PromiseField::To)}
                <select data-testid="promise-to" bind:value=to>
                    {redrawn(move || {
                        let none = if people.with(Vec::is_empty) {
                            Key::NobodyRecorded
                        } else {
                            Key::PickAPerson
                        };
                        view! { <option value="">{t(none)}</option> }
                    })}
                    {keyed(move || people.get(), |(id, name)| (*id, name.clone()), move |person| view! { <option value=person.0.to_string()>{person.1}</option> }.into_any())}
                </select>
            </label>
            <div class="row">
                <label>
                    {label::<Promise>(PromiseField::MadeOn)}
                    <input data-testid="promise-made-on" type="date" bind:value=made_on />
                </label>
                <label>
                    {label::<Promise>(PromiseField::Due)}
                    <input data-testid="promise-due" type="date" bind:value=due />
                </label>
            </div>
            <label>
                {label::<Promise>(PromiseField::MadeBy)}
                <input data-testid="promise-made-by" type="text" bind:value=made_by />
            </label>
            <p class="form-error" data-testid="form-error" role="alert" hidden=dynamic(move || error.get().is_none())>
                {redrawn(move || error.get())}
            </p>
            <LeadWarningBox warning on_save_anyway=Callback::new(move |_| send(true)) />
            <div class="actions">
                <button type="submit" class="primary" data-testid="save-promise">
                    {t(Key::SavePromise)}
                </button>
                <button type="button" on:click=move |_| on_close.run(())>{t(Key::Cancel)}</button>
            </div>
        </form>
    }
}
