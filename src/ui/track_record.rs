//! The account's track record at a glance ("promise less, do more",
//! DOMAIN.md points 5–7): the kept and exceeded rates, the on-time delivery
//! rate, open and overdue promises, orders at risk, and the stage with how
//! many of its needs are met. The figures come from
//! [`ReadModel::track_record`](crate::document::ReadModel::track_record);
//! nothing is counted here. The full stage panel with its checklist lives
//! elsewhere; this shows only its summary.
//!
//! Also here: [`LeadWarningBox`], the unrealistic-promise warning a promise
//! or an order form shows when its command is refused, with "Save anyway",
//! and [`overridden_warning`], the one a saved record was saved despite.

use chrono::Local;
use leptos::prelude::*;

use crate::document::DocumentError;
use crate::domain::{AccountId, Day, DomainError, LeadWarning, Ratio, Stage, TouchState};
use crate::state::AppState;
use crate::ui::reactive::redrawn;
use crate::ui::words::{Key, t, words};

/// One figure of the glance panel.
struct Tile {
    /// Its test id.
    testid: &'static str,
    /// What it counts.
    label: Key,
    /// The figure, in words.
    value: String,
    /// `tile`, with `none-yet` (no history: muted) or `flag` (needs the
    /// rep: red).
    class: &'static str,
}

impl Tile {
    /// A rate; muted while there is no history.
    fn rate(testid: &'static str, label: Key, ratio: Option<Ratio>) -> Self {
        let class = if ratio.is_none() {
            "tile none-yet"
        } else {
            "tile"
        };
        let value = words().rate(ratio);
        Self {
            testid,
            label,
            value,
            class,
        }
    }

    /// A count; `flag`ged red when not zero.
    fn count(testid: &'static str, label: Key, n: usize, flag: bool) -> Self {
        let class = if flag && n > 0 { "tile flag" } else { "tile" };
        let value = words().number(n);
        Self {
            testid,
            label,
            value,
            class,
        }
    }
}

/// The glance panel near the head of the account page: promises on the
/// first row, deliveries and the stage on the second.
#[component]
pub fn TrackRecordGlance(
    /// The account whose record is shown.
    account: AccountId,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let today = Day(Local::now().date_naive());
    // One closure for the whole panel (a few figures, redrawn together):
    // cheaper in the shipped wasm than a reactive node per figure.
    let panel = redrawn(move || {
        let (record, stage, touch) = state.model.with(|m| {
            let stage = m.stage_of(account).stage;
            (
                m.track_record(account, today),
                stage,
                m.in_touch(account, today),
            )
        });
        let (p, d) = (record.promises, record.deliveries);
        let tiles = [
            Tile::rate("glance-kept", Key::KeptRate, p.kept_rate()),
            Tile::rate("glance-exceeded", Key::ExceededRate, p.exceeded_rate()),
            Tile::count("glance-open", Key::OpenPromises, p.open + p.overdue, false),
            Tile::count("glance-overdue", Key::OverduePromises, p.overdue, true),
            Tile::rate("glance-on-time", Key::OnTimeRate, d.on_time_rate()),
            Tile::count(
                "glance-at-risk",
                Key::OrdersAtRisk,
                d.at_risk + d.overdue,
                true,
            ),
        ];
        let needs = (stage != Stage::Ended && !record.needs.is_empty()).then(|| {
            let met = record.needs.iter().filter(|n| n.met()).count();
            t(Key::NeedsMet)
                .replace("{met}", &words().number(met))
                .replace("{all}", &words().number(record.needs.len()))
        });
        view! {
            {tiles
                .into_iter()
                .map(|tile| {
                    view! {
                        <div class=tile.class data-testid=tile.testid>
                            <dt>{t(tile.label)}</dt>
                            <dd>{tile.value}</dd>
                        </div>
                    }
                })
                .collect_view()}
            {touch
                .map(|touch| {
                    let overdue = matches!(touch.state, TouchState::Overdue { .. });
                    view! {
                        <div class=if overdue { "tile flag" } else { "tile" } data-testid="glance-in-touch">
                            <dt>{t(Key::InTouch)}</dt>
                            <dd>
                                {words().touch_state(touch.state)}
                                <span class="cadence">{words().cadence(touch.cadence)}</span>
                            </dd>
                        </div>
                    }
                })}
            <div class="tile stage-tile" data-testid="glance-stage">
                <dt>{t(Key::StageLabel)}</dt>
                <dd>
                    {words().stage(stage)}
                    <span class="needs" data-testid="glance-needs">{needs}</span>
                </dd>
            </div>
        }
    });
    view! {
        <section class="card glance" data-testid="track-record" aria-label=t(Key::TrackRecordTitle)>
            <h2>{t(Key::TrackRecordTitle)}</h2>
            <dl class="tiles">{panel}</dl>
        </section>
    }
}

/// A refused promise or order, sorted for its form: the lead-time warning
/// (which "Save anyway" can pass) or a sentence for any other rule.
pub(crate) fn show_refusal(
    error: &DocumentError,
    warning: RwSignal<Option<LeadWarning>>,
    sentence: RwSignal<Option<String>>,
) {
    match error.rule() {
        Some(DomainError::UnrealisticPromise(w)) => {
            warning.set(Some(w.clone()));
            sentence.set(None);
        }
        _ => {
            warning.set(None);
            sentence.set(Some(words().refusal(error)));
        }
    }
}

/// The unrealistic-promise warning with the history behind it, and the
/// button that saves anyway (recorded on the promise or order).
#[component]
pub fn LeadWarningBox(
    /// The warning the last attempt was refused with, if any.
    warning: RwSignal<Option<LeadWarning>>,
    /// Resends the form with `save_anyway` set.
    on_save_anyway: Callback<()>,
) -> impl IntoView {
    move || {
        warning.get().map(|w| {
            view! {
                <div class="lead-warning" data-testid="lead-warning" role="alert">
                    <p>{words().lead_warning(&w)}</p>
                    <button
                        type="button"
                        class="warn"
                        data-testid="save-anyway"
                        on:click=move |_| on_save_anyway.run(())
                    >
                        {t(Key::SaveAnyway)}
                    </button>
                </div>
            }
        })
    }
}

/// The warning a promise or order was saved despite, as its row shows it.
pub fn overridden_warning(warning: &LeadWarning) -> impl IntoView + use<> {
    view! {
        <p class="overridden" data-testid="overridden-warning">
            <strong>{t(Key::SavedDespiteWarning)}</strong>
            " "
            {words().lead_warning(warning)}
        </p>
    }
}
