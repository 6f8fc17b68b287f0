//! The team's criteria: for a strategic partner (currency, minimum annual
//! potential, payback, give-backs needed) and for staying in touch (the
//! days between touches in each stage). One record every workspace has
//! (`domain::settings`), edited, never created. Under the account list,
//! beside team sync, where the manager sets up the team.

use leptos::prelude::*;

use crate::document::{Command, RecordKey};
use crate::domain::{Record as _, SettingsDraft, SettingsField, TeamSettings};
use crate::state::AppState;
use crate::ui::conflicts::Conflicts;
use crate::ui::reactive::{dynamic, redrawn};
use crate::ui::words::{Key, label, t, words};

/// The criteria every scorecard is judged against, and their form.
#[component]
pub fn TeamSettingsPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let settings = Memo::new(move |_| state.model.with(|m| TeamSettings::of(m.as_ref())));
    let summary = redrawn(move || {
        settings.with(|s| {
            format!(
                "{} · {} % · {} / 4 · {}",
                words().money(s.min_annual_potential, &s.currency),
                s.min_payback_percent,
                s.min_give_back,
                s.draft().cadences.join(" / "),
            )
        })
    });
    let start = settings.get_untracked().draft();
    let currency = RwSignal::new(start.currency);
    let potential = RwSignal::new(start.min_annual_potential);
    let payback = RwSignal::new(start.min_payback_percent);
    let give_back = RwSignal::new(start.min_give_back);
    let cadences = start.cadences.map(RwSignal::new);
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    // The form opens on the settings as they stand (a colleague's synced
    // change included), not as they were when the page was drawn.
    let reset = move || {
        let d = settings.get_untracked().draft();
        currency.set(d.currency);
        potential.set(d.min_annual_potential);
        payback.set(d.min_payback_percent);
        give_back.set(d.min_give_back);
        for (signal, days) in cadences.into_iter().zip(d.cadences) {
            signal.set(days);
        }
        error.set(None);
        saved.set(false);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let draft = SettingsDraft {
            currency: currency.get_untracked(),
            min_annual_potential: potential.get_untracked(),
            min_payback_percent: payback.get_untracked(),
            min_give_back: give_back.get_untracked(),
            cadences: cadences.map(|c| c.get_untracked()),
        };
        match state.command(Command::edit::<TeamSettings>(TeamSettings::id(), draft)) {
            Ok(()) => {
                error.set(None);
                saved.set(true);
            }
            Err(e) => {
                saved.set(false);
                error.set(Some(words().refusal(&e)));
            }
        }
    };
    view! {
        <details
            class="card team-settings"
            data-testid="team-settings"
            on:toggle=move |_| reset()
        >
            <summary>
                <span class="title">{t(Key::TeamCriteria)}</span>
                <span class="meta" data-testid="team-settings-summary">{summary}</span>
            </summary>
            <p class="hint">{t(Key::TeamCriteriaHint)}</p>
            <Conflicts record=RecordKey::TeamSettings(TeamSettings::id()) />
            <form class="form" on:submit=submit>
                <div class="row">
                    <label class="narrow">
                        {label::<TeamSettings>(SettingsField::Currency)}
                        <input
                            data-testid="settings-currency"
                            type="text"
                            maxlength="3"
                            autocapitalize="characters"
                            bind:value=currency
                        />
                    </label>
                    <label>
                        {label::<TeamSettings>(SettingsField::MinAnnualPotential)}
                        <input
                            data-testid="settings-potential"
                            type="text"
                            inputmode="decimal"
                            bind:value=potential
                        />
                    </label>
                </div>
                <div class="row">
                    <label>
                        {label::<TeamSettings>(SettingsField::MinPaybackPercent)}
                        <input
                            data-testid="settings-payback"
                            type="text"
                            inputmode="numeric"
                            bind:value=payback
                        />
                    </label>
                    <label>
                        {label::<TeamSettings>(SettingsField::MinGiveBack)}
                        <input
                            data-testid="settings-give-back"
                            type="text"
                            inputmode="numeric"
                            bind:value=give_back
                        />
                    </label>
                </div>
                <div class="row cadences">
                    {[
                        (SettingsField::CadenceAwareness, "settings-cadence-awareness"),
                        (SettingsField::CadenceExploration, "settings-cadence-exploration"),
                        (SettingsField::CadenceExpansion, "settings-cadence-expansion"),
                        (SettingsField::CadenceCommitment, "settings-cadence-commitment"),
                    ]
                        .into_iter()
                        .zip(cadences)
                        .map(|((field, testid), days)| {
                            view! {
                                <label>
                                    {label::<TeamSettings>(field)}
                                    <input data-testid=testid type="text" inputmode="numeric" bind:value=days />
                                </label>
                            }
                        })
                        .collect_view()}
                </div>
                <p class="form-error" data-testid="form-error" role="alert" hidden=dynamic(move || error.get().is_none())>
                    {redrawn(move || error.get())}
                </p>
                <div class="actions">
                    <button type="submit" class="primary" data-testid="save-settings">
                        {t(Key::SaveCriteria)}
                    </button>
                    <span class="saved" hidden=dynamic(move || !saved.get())>
                        {words().save_state(crate::state::SaveState::Saved)}
                    </span>
                </div>
            </form>
        </details>
    }
}
