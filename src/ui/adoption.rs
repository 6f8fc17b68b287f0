//! The adoption card of an account ("value comes from use", DOMAIN.md
//! point 8): the last finding first — uses it fully, partly or not at all,
//! what was checked and when, the follow-up and the next check, flagged
//! once due — then the earlier checks, and the form that records one.
//! Every rule is the domain's (`domain/adoption.rs`: the last check, the
//! checks due); the lists are the read model's.

use std::collections::HashSet;

use chrono::Local;
use leptos::prelude::*;

use crate::document::{Command, RecordKey};
use crate::domain::{
    AccountId, AdoptionCheck, AdoptionCheckDraft, AdoptionCheckField, AdoptionCheckId, Day,
    Finding, FollowUp, Order, checks_due,
};
use crate::state::AppState;
use crate::ui::conflicts::Conflicts;
use crate::ui::details::{form_end, pick};
use crate::ui::reactive::{When, dynamic, keyed, redrawn};
use crate::ui::words::{Key, label, t, words};

/// A check as the card shows it.
struct Shown {
    id: AdoptionCheckId,
    check: AdoptionCheck,
    /// What was checked: the order's "what", or the product.
    what: String,
    /// Its next check has come (and no later check of the same thing).
    due: bool,
}

/// The adoption checks of one account, and the form to record one.
#[component]
pub fn Adoption(
    /// The account checked.
    account: AccountId,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let adding = RwSignal::new(false);
    let today = Day(Local::now().date_naive());
    // One closure for the whole card (a few checks, redrawn together).
    let panel = redrawn(move || {
        let (last, earlier) = state.model.with(|m| {
            let checks = m.adoption_checks_of(account);
            let due: HashSet<AdoptionCheckId> = checks_due(checks.iter().copied(), today)
                .into_iter()
                .map(|(id, _)| id)
                .collect();
            let last = m.last_adoption(account).map(|(id, _)| id);
            let shown = checks.into_iter().map(|(id, c)| {
                let order = c.order.and_then(|o| m.get::<Order>(o));
                let what = match order {
                    Some(order) => order.what.clone(),
                    None if c.product.is_empty() => t(Key::DeletedOrder).to_owned(),
                    None => c.product.clone(),
                };
                Shown {
                    id,
                    check: c.clone(),
                    what,
                    due: due.contains(&id),
                }
            });
            let (last, earlier): (Vec<_>, Vec<_>) = shown.partition(|s| Some(s.id) == last);
            (last.into_iter().next(), earlier)
        });
        let head = match last {
            Some(last) => {
                let class = format!("last-finding {}", finding_class(&last));
                view! {
                    <div class=class data-testid="last-finding">
                        <p class="meta">{t(Key::LastFinding)}</p>
                        {check_view(last, today)}
                    </div>
                }
                .into_any()
            }
            None => view! { <p class="hint">{t(Key::NoChecksYet)}</p> }.into_any(),
        };
        let earlier = (!earlier.is_empty()).then(|| {
            view! {
                <h3 class="ledger-head">{t(Key::EarlierChecks)}</h3>
                <ul class="ledger" data-testid="earlier-checks">
                    {earlier
                        .into_iter()
                        .map(|s| {
                            let class = finding_class(&s);
                            view! {
                                <li class=class data-testid="check">
                                    {check_view(s, today)}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
        });
        view! {
            {head}
            {earlier}
        }
    });
    view! {
        <section class="card adoption" data-testid="adoption">
            <div class="section-head">
                <h2>{t(Key::AdoptionTitle)}</h2>
                <button data-testid="new-check" hidden=dynamic(move || adding.get()) on:click=move |_| adding.set(true)>
                    {t(Key::RecordCheck)}
                </button>
            </div>
            <When when=move || adding.get()>
                <CheckForm account on_close=Callback::new(move |_| adding.set(false)) />
            </When>
            {panel}
        </section>
    }
}

/// The CSS class of a check's finding.
fn finding_class(shown: &Shown) -> String {
    format!("finding-{}", shown.check.finding.slug())
}

/// One check: the finding, what was checked, when, the follow-up, the next
/// check (flagged once due) and the note.
fn check_view(shown: Shown, today: Day) -> impl IntoView + use<> {
    let Shown {
        id,
        check,
        what,
        due,
    } = shown;
    let next = check.next_check.map(|day| {
        format!(
            " · {}: {day}",
            label::<AdoptionCheck>(AdoptionCheckField::NextCheck)
        )
    });
    let flag = check.next_check.filter(|_| due).map(|day| {
        t(if day < today {
            Key::Overdue
        } else {
            Key::DueToday
        })
    });
    let (unflagged, no_note) = (flag.is_none(), check.note.is_empty());
    view! {
        <div class="promise-head">
            <span class=format!("badge finding finding-{}", check.finding.slug()) data-testid="finding">
                {words().finding(check.finding)}
            </span>
            <strong class="what">{what}</strong>
        </div>
        <p class="meta">
            {format!(
                "{}: {} · {}: {}",
                label::<AdoptionCheck>(AdoptionCheckField::CheckedOn),
                check.checked_on,
                label::<AdoptionCheck>(AdoptionCheckField::FollowUp),
                words().follow_up(check.follow_up),
            )}
            {next}
            " "
            <span class="badge overdue-flag" data-testid="check-overdue" hidden=unflagged>
                {flag}
            </span>
        </p>
        <p class="note" hidden=no_note>{check.note}</p>
        <Conflicts record=RecordKey::AdoptionCheck(id) />
    }
}

/// Records an adoption check: the day (today), the order or product, the
/// finding, the follow-up, the next check and a note.
#[component]
fn CheckForm(
    /// The account checked.
    account: AccountId,
    /// Called when saved or cancelled.
    on_close: Callback<()>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let checked_on = RwSignal::new(Day(Local::now().date_naive()).to_string());
    let order = RwSignal::new(String::new());
    let product = RwSignal::new(String::new());
    let finding = RwSignal::new(Finding::ALL[0].slug().to_owned());
    let follow_up = RwSignal::new(FollowUp::ALL[0].slug().to_owned());
    let next_check = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let orders = Memo::new(move |_| {
        state.model.with(|m| {
            m.orders_of(account)
                .into_iter()
                .map(|(id, o)| (id, format!("{} ({})", o.what, o.ordered_on)))
                .collect::<Vec<_>>()
        })
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = |value: RwSignal<String>| value.get_untracked();
        let draft = AdoptionCheckDraft {
            checked_on: checked_on.get_untracked(),
            order: order.with_untracked(|o| o.parse().ok()),
            product: product.get_untracked(),
            finding: Finding::ALL
                .into_iter()
                .find(|f| f.slug() == chosen(finding))
                .unwrap_or(Finding::Full),
            follow_up: FollowUp::ALL
                .into_iter()
                .find(|f| f.slug() == chosen(follow_up))
                .unwrap_or(FollowUp::Nothing),
            next_check: next_check.get_untracked(),
            note: note.get_untracked(),
        };
        match state.command(Command::create::<AdoptionCheck>(
            AdoptionCheckId::random(),
            account,
            draft,
        )) {
            Ok(()) => on_close.run(()),
            Err(e) => error.set(Some(words().refusal(&e))),
        }
    };
    let findings = Finding::ALL.map(|f| (f.slug(), words().finding(f))).into();
    let follow_ups = FollowUp::ALL
        .map(|f| (f.slug(), words().follow_up(f)))
        .into();
    let field = |f: AdoptionCheckField| label::<AdoptionCheck>(f);
    view! {
        <form class="form inline-form check-form" data-testid="check-form" on:submit=submit>
            <div class="row">
                <label>
                    {field(AdoptionCheckField::CheckedOn)}
                    <input data-testid="check-checked-on" type="date" bind:value=checked_on />
                </label>
                <label>
                    {field(AdoptionCheckField::NextCheck)}
                    <input data-testid="check-next" type="date" bind:value=next_check />
                </label>
            </div>
            <label>
                {field(AdoptionCheckField::Order)}
                <select data-testid="check-order" bind:value=order>
                    <option value="">{t(Key::AProduct)}</option>
                    {keyed(move || orders.get(), |(id, what)| (*id, what.clone()), move |o| view! { <option value=o.0.to_string()>{o.1}</option> }.into_any())}
                </select>
            </label>
            <label>
                {field(AdoptionCheckField::Product)}
                <input data-testid="check-product" type="text" placeholder=t(Key::ProductPlaceholder) bind:value=product />
            </label>
            <div class="row">
                <label>{field(AdoptionCheckField::Finding)} {pick("check-finding", findings, finding)}</label>
                <label>{field(AdoptionCheckField::FollowUp)} {pick("check-follow-up", follow_ups, follow_up)}</label>
            </div>
            <label>
                {field(AdoptionCheckField::Note)}
                <textarea data-testid="check-note" rows="2" placeholder=t(Key::CheckNotePlaceholder) bind:value=note></textarea>
            </label>
            {form_end(error, "save-check", Key::SaveCheck, on_close, ())}
        </form>
    }
}
