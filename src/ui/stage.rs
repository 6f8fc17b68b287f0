//! The relationship's stage on the account page (DOMAIN.md, point 2): where
//! it stands and who moved it, the move form (with the strategic-partner
//! override when the scorecard does not qualify the account), two apart
//! moves to settle, what the stage needs to move on, and the history.
//!
//! Every rule (a reason is required, the stage must change, a partner must
//! qualify or say why) is the domain's (`domain::stage`): this file only
//! shows the refusal it returns.

use chrono::Local;
use leptos::prelude::*;

use crate::document::{Command, DocumentError};
use crate::domain::{
    AccountId, Day, DomainError, EndReason, Qualification, Stage, StageMove, StageMoveDraft,
    StageMoveField, StageMoveId, StageNow,
};
use crate::state::AppState;
use crate::ui::reactive::{When, dynamic, keyed, redrawn};
use crate::ui::words::{Key, label, t, words};

/// The stage a relationship usually moves to next.
fn next(stage: Stage) -> Stage {
    match stage {
        Stage::Awareness => Stage::Exploration,
        Stage::Exploration => Stage::Expansion,
        Stage::Expansion | Stage::Ended => Stage::Commitment,
        Stage::Commitment => Stage::Ended,
    }
}

/// "Commitment · Strategic partner", or just the stage's name.
fn stage_words(stage: Stage, partner: bool, ended: Option<EndReason>) -> String {
    let mut text = words().stage(stage).to_owned();
    if partner {
        text.push_str(" · ");
        text.push_str(t(Key::StrategicPartner));
    }
    if let Some(reason) = ended {
        text.push_str(" · ");
        text.push_str(words().end_reason(reason));
    }
    text
}

/// "Anna, 2026-12-01 14:05": who made a move and when.
fn by_when(m: &StageMove) -> String {
    format!("{}, {}", words().rep(&m.created.by), m.created.local_text())
}

/// The stage panel of one account.
#[component]
pub fn StagePanel(
    /// The account whose relationship is shown.
    account: AccountId,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let now = Memo::new(move |_| state.model.with(|m| m.stage_of(account)));
    let history = Memo::new(move |_| {
        state.model.with(|m| {
            m.stage_history(account)
                .into_iter()
                .map(|(id, m)| (id, m.clone()))
                .collect::<Vec<_>>()
        })
    });
    let latest = move || {
        let heads = now.with(|n| n.heads.clone());
        history.with(|h| {
            h.iter()
                .rev()
                .find(|(id, _)| heads.first() == Some(id))
                .map(|(_, m)| m.clone())
        })
    };
    let moving = RwSignal::new(false);
    view! {
        <section class="card stage-panel" data-testid="stage-panel">
            <div class="section-head">
                <h2>{t(Key::Relationship)}</h2>
                <button
                    data-testid="move-stage"
                    hidden=dynamic(move || moving.get())
                    on:click=move |_| moving.set(true)
                >
                    {t(Key::MoveStageButton)}
                </button>
            </div>
            <p class="stage-now">
                <span
                    class=dynamic(move || format!("stage-chip stage-{}", now.with(|n| n.stage.slug())))
                    data-testid="stage-now"
                    data-stage=dynamic(move || now.with(|n| n.stage.slug()))
                >
                    {redrawn(move || {
                        let ended = latest().and_then(|m| m.ended);
                        now.with(|n| stage_words(n.stage, n.partner, ended))
                    })}
                </span>
                <span class="stage-by">
                    {redrawn(move || match latest() {
                        Some(m) => format!("{} — {}", by_when(&m), m.reason),
                        None => t(Key::StageNoMovesYet).to_owned(),
                    })}
                </span>
            </p>
            <When when=move || now.with(|n| n.conflict)>
                <StageConflict account now history />
            </When>
            <When when=move || moving.get()>
                <MoveForm account now on_close=Callback::new(move |_| moving.set(false)) />
            </When>
            <Needs account />
            <When when=move || history.with(|h| !h.is_empty())>
                <details class="stage-history" data-testid="stage-history">
                    <summary>{t(Key::StageHistory)}</summary>
                    <ol>
                        // Newest first, like the timeline: the latest move
                        // is what the rep wants to read.
                        {keyed(move || history.get().into_iter().rev(), |(id, m)| (*id, m.updated.at), move |item| view! { <HistoryItem item /> }.into_any())}
                    </ol>
                </details>
            </When>
        </section>
    }
}

/// One move in the history.
#[component]
fn HistoryItem(
    /// The move and its id.
    item: (StageMoveId, StageMove),
) -> impl IntoView {
    let (_, m) = item;
    let overridden = (!m.override_reason.is_empty()).then(|| {
        view! {
            <p class="stage-override" data-testid="stage-override">
                <strong>{t(Key::OverrideGiven)}</strong>
                " "
                {m.override_reason.clone()}
            </p>
        }
    });
    view! {
        <li class=format!("stage-move stage-{}", m.to.slug()) data-testid="stage-history-item">
            <div class="when">
                <span class="kind-badge">{stage_words(m.to, m.partner, m.ended)}</span>
                <span>{by_when(&m)}</span>
            </div>
            <p class="note">{m.reason.clone()}</p>
            {overridden}
        </li>
    }
}

/// The move form: stage, reason, end reason or partner, and the override
/// reason once the domain refuses a partner who does not qualify.
#[component]
fn MoveForm(
    /// The account moved.
    account: AccountId,
    /// Its stage as the rep sees it.
    now: Memo<StageNow>,
    /// Called when moved or cancelled.
    on_close: Callback<()>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    // `None`: the stage after the current one.
    let chosen = RwSignal::new(None::<Stage>);
    let to = move || chosen.get().unwrap_or_else(|| next(now.with(|n| n.stage)));
    let ended = RwSignal::new(EndReason::Lost.slug().to_owned());
    let partner = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let override_reason = RwSignal::new(String::new());
    // Set when the domain refused the partner: its verdict and the rule.
    let refused = RwSignal::new(None::<(Qualification, String)>);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let stage = to();
        let draft = StageMoveDraft {
            ended: (stage == Stage::Ended)
                .then(|| EndReason::from_slug(&ended.get_untracked()))
                .flatten(),
            partner: stage == Stage::Commitment && partner.get_untracked(),
            override_reason: override_reason.get_untracked(),
            ..now.with_untracked(|n| StageMoveDraft::to(stage, n, &reason.get_untracked()))
        };
        match state.command(Command::create::<StageMove>(
            StageMoveId::random(),
            account,
            draft,
        )) {
            Ok(()) => on_close.run(()),
            Err(e) => match e.rule() {
                Some(DomainError::NotQualified(verdict)) => {
                    error.set(None);
                    refused.set(Some((verdict.clone(), words().refusal(&e))));
                }
                _ => error.set(Some(words().refusal(&e))),
            },
        }
    };
    let options = redrawn(move || {
        let n = now.get();
        Stage::ALL
            .into_iter()
            .filter(|s| n.conflict || *s != n.stage)
            .map(|s| {
                view! {
                    <option value=s.slug() selected=move || to() == s>
                        {words().stage(s)}
                    </option>
                }
            })
            .collect_view()
    });
    view! {
        <form class="form inline-form move-form" data-testid="move-form" on:submit=submit>
            <div class="row">
                <label>
                    {t(Key::StageTo)}
                    <select
                        data-testid="stage-to"
                        prop:value=dynamic(move || to().slug())
                        on:change=move |ev| {
                            chosen.set(Stage::from_slug(&event_target_value(&ev)));
                            refused.set(None);
                        }
                    >
                        {options}
                    </select>
                </label>
                <When when=move || to() == Stage::Ended>
                    <label>
                        {t(Key::StageEndReason)}
                        <select data-testid="stage-ended" bind:value=ended>
                            {EndReason::ALL
                                .into_iter()
                                .map(|r| view! { <option value=r.slug()>{words().end_reason(r)}</option> })
                                .collect_view()}
                        </select>
                    </label>
                </When>
            </div>
            <When when=move || to() == Stage::Commitment>
                <label class="check">
                    <input
                        type="checkbox"
                        data-testid="stage-partner"
                        prop:checked=dynamic(move || partner.get())
                        on:change=move |ev| {
                            partner.set(event_target_checked(&ev));
                            refused.set(None);
                        }
                    />
                    {t(Key::AsStrategicPartner)}
                </label>
            </When>
            <label>
                {label::<StageMove>(StageMoveField::Reason)}
                <textarea
                    data-testid="stage-reason"
                    rows="2"
                    placeholder=t(Key::StageReasonPlaceholder)
                    bind:value=reason
                ></textarea>
            </label>
            {redrawn(move || {
                refused
                    .get()
                    .map(|(verdict, rule)| {
                        view! {
                            <div class="verdict not-met" data-testid="stage-verdict" role="alert">
                                <p>{rule}</p>
                                <ul class="criteria">
                                    {verdict
                                        .failing()
                                        .map(|j| view! { <li>{words().criterion(j, &verdict.currency)}</li> })
                                        .collect_view()}
                                </ul>
                            </div>
                            <label>
                                {t(Key::OverrideReason)}
                                <textarea
                                    data-testid="stage-override-reason"
                                    rows="2"
                                    bind:value=override_reason
                                ></textarea>
                            </label>
                        }
                    })
            })}
            <p class="form-error" data-testid="form-error" role="alert" hidden=dynamic(move || error.get().is_none())>
                {redrawn(move || error.get())}
            </p>
            <div class="actions">
                <button type="submit" class="primary" data-testid="save-stage">
                    {redrawn(move || t(if refused.with(Option::is_some) { Key::MoveAnyway } else { Key::MoveStage }))}
                </button>
                <button type="button" on:click=move |_| on_close.run(())>{t(Key::Cancel)}</button>
            </div>
        </form>
    }
}

/// Two moves made apart: each with a button that keeps it, as one more
/// move after both.
#[component]
fn StageConflict(
    /// The account.
    account: AccountId,
    /// Its stage, in conflict.
    now: Memo<StageNow>,
    /// Its moves.
    history: Memo<Vec<(StageMoveId, StageMove)>>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let error = RwSignal::new(None::<String>);
    let heads = move || {
        let heads = now.with(|n| n.heads.clone());
        history.with(|h| {
            h.iter()
                .filter(|(id, _)| heads.contains(id))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let keep = move |kept: StageMove| {
        let draft = StageMoveDraft {
            ended: kept.ended,
            partner: kept.partner,
            override_reason: kept.override_reason.clone(),
            ..now.with_untracked(|n| StageMoveDraft::to(kept.to, n, &kept.reason))
        };
        let result: Result<(), DocumentError> = state.command(Command::create::<StageMove>(
            StageMoveId::random(),
            account,
            draft,
        ));
        error.set(result.err().map(|e| words().refusal(&e)));
    };
    view! {
        <div class="conflicts stage-conflict" data-testid="stage-conflict">
            <h3>{t(Key::StageConflictTitle)}</h3>
            <p class="hint">{t(Key::StageConflictHint)}</p>
            <ul>
                {redrawn(move || {
                    heads()
                        .into_iter()
                        .map(|(_, m)| {
                            let kept = m.clone();
                            view! {
                                <li data-testid="stage-conflict-move">
                                    <span class="conflict-text">{stage_words(m.to, m.partner, m.ended)}</span>
                                    <span class="conflict-by">{format!("{} — {}", by_when(&m), m.reason)}</span>
                                    <button data-testid="keep-stage" on:click=move |_| keep(kept.clone())>
                                        {t(Key::KeepThis)}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                })}
            </ul>
            <p class="form-error" role="alert" hidden=dynamic(move || error.get().is_none())>
                {redrawn(move || error.get())}
            </p>
        </div>
    }
}

/// What the account's stage needs to move on, met or not.
#[component]
fn Needs(
    /// The account.
    account: AccountId,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let needs = Memo::new(move |_| {
        let today = Day(Local::now().date_naive());
        state
            .model
            .with(|m| m.track_record(account, today).needs)
            .into_iter()
            .map(|need| (need.met(), words().need(&need)))
            .collect::<Vec<_>>()
    });
    view! {
        <div class="needs" data-testid="stage-needs">
            <h3>{t(Key::StageNeeds)}</h3>
            <ul>
                {redrawn(move || {
                    needs
                        .get()
                        .into_iter()
                        .map(|(met, text)| {
                            view! {
                                <li class:met=met data-testid="stage-need" data-met=met.to_string()>
                                    <span class="mark" aria-hidden="true">{if met { "✓" } else { "○" }}</span>
                                    <span class="visually-hidden">{t(if met { Key::NeedMet } else { Key::NeedNotMet })}</span>
                                    <span>{text}</span>
                                </li>
                            }
                        })
                        .collect_view()
                })}
            </ul>
        </div>
    }
}
