//! The account's track record at a glance ("promise less, do more",
//! DOMAIN.md points 5–7): the kept and exceeded rates, the on-time delivery
//! rate, open and overdue promises, orders at risk, and the stage with how
//! many of its needs are met. The figures come from
//! [`ReadModel::track_record`](crate::document::ReadModel::track_record);
//! nothing is counted here. The full stage panel with its checklist lives
//! elsewhere; this shows only its summary.
//!
//! Also here: [`LeadWarningBox`], the unrealistic-promise warning a promise
//! or an order form shows when its command is refused, with "Save anyway".

use chrono::Local;
use leptos::prelude::*;

use crate::document::DocumentError;
use crate::domain::{AccountId, Day, DomainError, LeadWarning, Ratio, Stage, TrackRecord};
use crate::state::AppState;
use crate::ui::words::{Key, t, words};

/// The glance panel near the head of the account page.
#[component]
pub fn TrackRecordGlance(
    /// The account whose record is shown.
    account: AccountId,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let today = Day(Local::now().date_naive());
    let record = Memo::new(move |_| {
        state.model.with(|m| {
            let stage = m.stage_of(account).stage;
            (m.track_record(account, today), stage)
        })
    });
    let rate = |ratio: fn(&TrackRecord) -> Option<Ratio>| {
        move || record.with(|(r, _)| words().rate(ratio(r)))
    };
    let none_yet =
        |ratio: fn(&TrackRecord) -> Option<Ratio>| move || record.with(|(r, _)| ratio(r).is_none());
    let count = |n: fn(&TrackRecord) -> usize| move || record.with(|(r, _)| words().number(n(r)));
    let flagged = |n: fn(&TrackRecord) -> usize| move || record.with(|(r, _)| n(r) > 0);
    let kept = |r: &TrackRecord| r.promises.kept_rate();
    let exceeded = |r: &TrackRecord| r.promises.exceeded_rate();
    let on_time = |r: &TrackRecord| r.deliveries.on_time_rate();
    let open = |r: &TrackRecord| r.promises.open + r.promises.overdue;
    let overdue = |r: &TrackRecord| r.promises.overdue;
    let at_risk = |r: &TrackRecord| r.deliveries.at_risk + r.deliveries.overdue;
    let needs = move || {
        record.with(|(r, stage)| {
            (*stage != Stage::Ended && !r.needs.is_empty()).then(|| {
                let met = r.needs.iter().filter(|n| n.met()).count();
                t(Key::NeedsMet)
                    .replace("{met}", &words().number(met))
                    .replace("{all}", &words().number(r.needs.len()))
            })
        })
    };
    view! {
        <section class="card glance" data-testid="track-record" aria-label=t(Key::TrackRecordTitle)>
            <h2>{t(Key::TrackRecordTitle)}</h2>
            <dl class="tiles">
                <div class="tile" class:none-yet=none_yet(kept) data-testid="glance-kept">
                    <dt>{t(Key::KeptRate)}</dt>
                    <dd>{rate(kept)}</dd>
                </div>
                <div class="tile" class:none-yet=none_yet(exceeded) data-testid="glance-exceeded">
                    <dt>{t(Key::ExceededRate)}</dt>
                    <dd>{rate(exceeded)}</dd>
                </div>
                <div class="tile" data-testid="glance-open">
                    <dt>{t(Key::OpenPromises)}</dt>
                    <dd>{count(open)}</dd>
                </div>
                <div class="tile" class:flag=flagged(overdue) data-testid="glance-overdue">
                    <dt>{t(Key::OverduePromises)}</dt>
                    <dd>{count(overdue)}</dd>
                </div>
                <div class="tile" class:none-yet=none_yet(on_time) data-testid="glance-on-time">
                    <dt>{t(Key::OnTimeRate)}</dt>
                    <dd>{rate(on_time)}</dd>
                </div>
                <div class="tile" class:flag=flagged(at_risk) data-testid="glance-at-risk">
                    <dt>{t(Key::OrdersAtRisk)}</dt>
                    <dd>{count(at_risk)}</dd>
                </div>
                <div class="tile stage-tile" data-testid="glance-stage">
                    <dt>{t(Key::StageLabel)}</dt>
                    <dd>
                        {move || record.with(|(_, stage)| words().stage(*stage))}
                        <span class="needs" data-testid="glance-needs">{needs}</span>
                    </dd>
                </div>
            </dl>
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
