//! The account's health near the head of its page: healthy, concerning or
//! poor, since when and what it was before, and every factor with its
//! level and one-line reason. The rules are the domain's
//! (`domain/health.rs`); the facts and the trend come from
//! [`ReadModel::health`](crate::document::ReadModel::health) and
//! [`ReadModel::health_trend`](crate::document::ReadModel::health_trend).

use chrono::Local;
use leptos::prelude::*;

use crate::domain::{AccountId, Day, Level, Status};
use crate::state::AppState;
use crate::ui::reactive::redrawn;
use crate::ui::words::{Key, t, words};

/// A stable lowercase name of a level (CSS classes).
fn level_slug(level: Level) -> &'static str {
    match level {
        Level::Good => "good",
        Level::Concerning => "concerning",
        Level::Poor => "poor",
        Level::NoData => "no-data",
    }
}

/// The health panel.
#[component]
pub fn HealthPanel(
    /// The account whose health is shown.
    account: AccountId,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let today = Day(Local::now().date_naive());
    // One closure for the whole panel, redrawn together when the account's
    // records change.
    let panel = redrawn(move || {
        let (health, trend) = state
            .model
            .with(|m| (m.health(account, today), m.health_trend(account, today)));
        let (health, trend) = (health?, trend?);
        let status = match health.status {
            Status::Healthy => "healthy",
            Status::Concerning => "concerning",
            Status::Poor => "poor",
        };
        Some(view! {
            <div class="section-head">
                <h2>{t(Key::HealthTitle)}</h2>
                <span class=format!("badge health-{status}") data-testid="health-status">
                    {words().health(health.status)}
                </span>
                <span class="meta" data-testid="health-since">{words().health_since(trend.previous)}</span>
            </div>
            <ul class="factors">
                {health
                    .factors
                    .iter()
                    .map(|(factor, level)| {
                        view! {
                            <li class=format!("factor level-{}", level_slug(*level)) data-testid="health-factor">
                                <span class="badge">{words().level(*level)}</span>
                                " "
                                {words().factor(factor)}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <p class="hint">{t(Key::HealthHint)}</p>
        })
    });
    view! { <section class="card health" data-testid="health">{panel}</section> }
}
