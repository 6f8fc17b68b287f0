//! The strategic-partner scorecard on the account page (DOMAIN.md, point
//! 3): the verdict in one sentence, one line per criterion with its figures,
//! and the form that makes the first assessment or edits the newest.
//!
//! The verdict is the domain's ([`qualification_of`]), judged against the
//! team's settings: the same one the stage move checks.

use chrono::Local;
use leptos::prelude::*;

use crate::document::{Command, RecordKey};
use crate::domain::{
    AccountId, Day, Scorecard, ScorecardDraft, ScorecardField, ScorecardId, TeamSettings, Verdict,
    current_scorecard, qualification_of,
};
use crate::state::AppState;
use crate::ui::conflicts::Conflicts;
use crate::ui::reactive::{When, dynamic, redrawn};
use crate::ui::words::{Key, label, t, words};

/// The newest live assessment of `account`, with its id.
fn newest(state: AppState, account: AccountId) -> Option<(ScorecardId, Scorecard)> {
    state.model.with_untracked(|m| {
        let cards = m.of_account::<Scorecard>(account);
        current_scorecard(cards).map(|(id, c)| (id, c.clone()))
    })
}

/// The scorecard block of one account.
#[component]
pub fn ScorecardPanel(
    /// The account assessed.
    account: AccountId,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let verdict = Memo::new(move |_| state.model.with(|m| qualification_of(account, m.as_ref())));
    let card = Memo::new(move |_| {
        state.model.with(|m| {
            let cards = m.of_account::<Scorecard>(account);
            current_scorecard(cards).map(|(id, c)| (id, c.clone()))
        })
    });
    let editing = RwSignal::new(false);
    view! {
        <section class="card scorecard" data-testid="scorecard">
            <div class="section-head">
                <h2>{t(Key::ScorecardTitle)}</h2>
                <button
                    data-testid="edit-scorecard"
                    hidden=dynamic(move || editing.get())
                    on:click=move |_| editing.set(true)
                >
                    {redrawn(move || t(if card.with(Option::is_some) { Key::EditAssessment } else { Key::AssessButton }))}
                </button>
            </div>
            {redrawn(move || {
                let v = verdict.get();
                match card.get() {
                    None => view! { <p class="hint">{t(Key::ScorecardNotAssessed)}</p> }.into_any(),
                    Some((id, c)) => {
                        let lines = v
                            .criteria
                            .iter()
                            .map(|j| {
                                let met = j.verdict == Verdict::Met;
                                view! {
                                    <li class:met=met data-testid="criterion" data-met=met.to_string()>
                                        <span class="mark" aria-hidden="true">{if met { "✓" } else { "✗" }}</span>
                                        <span>{words().criterion(j, &v.currency)}</span>
                                    </li>
                                }
                            })
                            .collect_view();
                        view! {
                            <p
                                class="verdict"
                                class:met=v.qualifies()
                                class:not-met=!v.qualifies()
                                data-testid="scorecard-verdict"
                            >
                                {words().qualification(&v)}
                            </p>
                            <ul class="criteria">{lines}</ul>
                            <p class="stamp">
                                {format!(
                                    "{} {}, {} · {}",
                                    t(Key::AssessedBy),
                                    words().rep(&c.updated.by),
                                    c.assessed_on,
                                    c.note,
                                )
                                    .trim_end_matches([' ', '·'])
                                    .to_owned()}
                            </p>
                            <Conflicts record=RecordKey::Scorecard(id) />
                        }
                            .into_any()
                    }
                }
            })}
            <When when=move || editing.get()>
                <ScorecardForm account on_close=Callback::new(move |_| editing.set(false)) />
            </When>
        </section>
    }
}

/// The four criteria: amounts in the team's currency, innovation, what the
/// client would give back, a note and the day assessed.
#[component]
fn ScorecardForm(
    /// The account assessed.
    account: AccountId,
    /// Called when saved or cancelled.
    on_close: Callback<()>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let currency = state
        .model
        .with_untracked(|m| TeamSettings::of(m.as_ref()).currency);
    let start = newest(state, account).map(|(_, c)| {
        use crate::domain::Record as _;
        c.draft()
    });
    let start = start.unwrap_or_else(|| ScorecardDraft {
        assessed_on: Day(Local::now().date_naive()).to_string(),
        ..ScorecardDraft::default()
    });
    let assessed_on = RwSignal::new(start.assessed_on);
    let potential = RwSignal::new(start.annual_potential);
    let margin = RwSignal::new(start.expected_margin);
    let cost = RwSignal::new(start.yearly_cost);
    let innovates = RwSignal::new(match start.innovates {
        None => String::new(),
        Some(b) => b.to_string(),
    });
    let reference = RwSignal::new(start.gives_reference);
    let co_development = RwSignal::new(start.gives_co_development);
    let market = RwSignal::new(start.gives_market_information);
    let network = RwSignal::new(start.gives_network_access);
    let note = RwSignal::new(start.note);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let draft = ScorecardDraft {
            assessed_on: assessed_on.get_untracked(),
            annual_potential: potential.get_untracked(),
            expected_margin: margin.get_untracked(),
            yearly_cost: cost.get_untracked(),
            innovates: innovates.with_untracked(|i| i.parse().ok()),
            gives_reference: reference.get_untracked(),
            gives_co_development: co_development.get_untracked(),
            gives_market_information: market.get_untracked(),
            gives_network_access: network.get_untracked(),
            note: note.get_untracked(),
        };
        // The newest assessment is edited; the first one is created.
        let command = match newest(state, account) {
            Some((id, _)) => Command::edit::<Scorecard>(id, draft),
            None => Command::create::<Scorecard>(ScorecardId::random(), account, draft),
        };
        match state.command(command) {
            Ok(()) => on_close.run(()),
            Err(e) => error.set(Some(words().refusal(&e))),
        }
    };
    let amount = move |field: ScorecardField, testid: &'static str, value: RwSignal<String>| {
        view! {
            <label>
                {format!("{} ({currency})", label::<Scorecard>(field))}
                <input data-testid=testid type="text" inputmode="decimal" bind:value=value />
            </label>
        }
    };
    let gives = |field: ScorecardField, testid: &'static str, value: RwSignal<bool>| {
        view! {
            <label class="check">
                <input type="checkbox" data-testid=testid bind:checked=value />
                {label::<Scorecard>(field)}
            </label>
        }
    };
    view! {
        <form class="form inline-form scorecard-form" data-testid="scorecard-form" on:submit=submit>
            <div class="row">
                {amount(ScorecardField::AnnualPotential, "scorecard-potential", potential)}
                {amount(ScorecardField::ExpectedMargin, "scorecard-margin", margin)}
            </div>
            <div class="row">
                {amount(ScorecardField::YearlyCost, "scorecard-cost", cost)}
                <label>
                    {label::<Scorecard>(ScorecardField::Innovates)}
                    <select data-testid="scorecard-innovates" bind:value=innovates>
                        <option value="">{t(Key::InnovatesUnknown)}</option>
                        <option value="true">{t(Key::Yes)}</option>
                        <option value="false">{t(Key::No)}</option>
                    </select>
                </label>
            </div>
            <fieldset class="gives">
                <legend>{t(Key::GivesBack)}</legend>
                {gives(ScorecardField::GivesReference, "gives-reference", reference)}
                {gives(ScorecardField::GivesCoDevelopment, "gives-co-development", co_development)}
                {gives(ScorecardField::GivesMarketInformation, "gives-market-information", market)}
                {gives(ScorecardField::GivesNetworkAccess, "gives-network-access", network)}
            </fieldset>
            <div class="row">
                <label class="wide">
                    {label::<Scorecard>(ScorecardField::Note)}
                    <input data-testid="scorecard-note" type="text" bind:value=note />
                </label>
                <label class="narrow">
                    {label::<Scorecard>(ScorecardField::AssessedOn)}
                    <input data-testid="scorecard-date" type="date" bind:value=assessed_on />
                </label>
            </div>
            <p class="form-error" data-testid="form-error" role="alert" hidden=dynamic(move || error.get().is_none())>
                {redrawn(move || error.get())}
            </p>
            <div class="actions">
                <button type="submit" class="primary" data-testid="save-scorecard">
                    {t(Key::SaveAssessment)}
                </button>
                <button type="button" on:click=move |_| on_close.run(())>{t(Key::Cancel)}</button>
            </div>
        </form>
    }
}
