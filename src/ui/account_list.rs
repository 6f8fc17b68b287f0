//! The account list: instant filter, new-account form, demo seeder.

use leptos::prelude::*;

use crate::document::AccountRow;
use crate::domain::Stage;
use crate::state::AppState;
use crate::ui::account_form::AccountForm;
use crate::ui::backup::Backup;
use crate::ui::losing_touch::LosingTouch;
use crate::ui::reactive::{When, dynamic, redrawn};
use crate::ui::team::TeamPanel;
use crate::ui::team_record::TeamRecord;
use crate::ui::team_settings::TeamSettingsPanel;
use crate::ui::words::{Key, t, words};

/// Rows drawn at once; the filter narrows the rest.
const SHOWN: usize = 200;

/// Accounts shown to a rep: filter box on top, one row per account.
#[component]
pub fn AccountList() -> impl IntoView {
    let state = expect_context::<AppState>();
    let query = RwSignal::new(String::new());
    let creating = RwSignal::new(false);
    // "Mine": the accounts owned by the rep this device signs edits with.
    let mine = RwSignal::new(false);
    let matches = Memo::new(move |_| {
        let model = state.model.get();
        let me = mine
            .get()
            .then(|| state.settings.with(|s| s.rep_name.clone()));
        let rows = model.filter_accounts_of(&query.get(), me.as_deref());
        let total = rows.len();
        let shown: Vec<AccountRow> = rows.into_iter().take(SHOWN).cloned().collect();
        (shown, total)
    });
    let empty = move || state.model.with(|m| m.is_empty());

    view! {
        <section class="accounts">
            <div class="toolbar">
                <input
                    class="filter"
                    type="search"
                    data-testid="account-filter"
                    placeholder=t(Key::FilterPlaceholder)
                    aria-label=t(Key::FilterAccounts)
                    bind:value=query
                />
                <button
                    class="mine"
                    class:selected=dynamic(move || mine.get())
                    aria-pressed=dynamic(move || mine.get().to_string())
                    data-testid="mine-only"
                    on:click=move |_| mine.update(|m| *m = !*m)
                >
                    {t(Key::MineOnly)}
                </button>
                <button
                    class="primary"
                    data-testid="new-account"
                    on:click=move |_| creating.set(true)
                >
                    {t(Key::NewAccountButton)}
                </button>
            </div>
            <When when=move || creating.get()>
                <AccountForm editing=None on_close=Callback::new(move |_| creating.set(false)) />
            </When>
            <When when=move || empty() && !creating.get()>
                <EmptyWorkspace />
            </When>
            <When when=move || !empty()>
                <p class="count">
                    {redrawn(move || {
                        let (shown, total) = matches.get();
                        if shown.len() < total {
                            words().accounts_shown(shown.len(), total)
                        } else {
                            words().accounts(total)
                        }
                    })}
                </p>
            </When>
            <ul class="account-list" data-testid="account-list">
                <For each=move || matches.get().0 key=|row| row.clone() let:row>
                    <li>
                        <a
                            class="account-row"
                            data-testid="account-row"
                            href=format!("/accounts/{}", row.id)
                        >
                            <span class="name">
                                {row.name.clone()}
                                // Awareness is where every account starts: only a
                                // stage the relationship reached gets a chip.
                                {(row.stage != Stage::Awareness || row.stage_conflict)
                                    .then(|| {
                                        view! {
                                            <span
                                                class=format!("stage-chip stage-{}", row.stage.slug())
                                                class:conflict=row.stage_conflict
                                                data-testid="row-stage"
                                                data-stage=row.stage.slug()
                                            >
                                                {if row.stage_conflict {
                                                    t(Key::StageConflictChip)
                                                } else {
                                                    words().stage(row.stage)
                                                }}
                                            </span>
                                        }
                                    })}
                            </span>
                            <span class="meta">
                                {[row.city.clone(), row.industry.clone()]
                                    .into_iter()
                                    .filter(|s| !s.is_empty())
                                    .collect::<Vec<_>>()
                                    .join(" · ")}
                            </span>
                            <span class="last-touch">
                                {match row.last_touch {
                                    Some(day) => words().last_touch(day),
                                    None => t(Key::NoTouchesYet).to_owned(),
                                }}
                            </span>
                        </a>
                    </li>
                </For>
            </ul>
            <When when=move || !empty() && matches.get().1 == 0>
                <p class="empty">
                    {redrawn(move || {
                        if mine.get() && query.with(|q| q.trim().is_empty()) {
                            t(Key::NoneOfYours).to_owned()
                        } else {
                            query.with(|q| words().no_account_matches(q))
                        }
                    })}
                </p>
            </When>
            <When when=move || !empty()>
                <TeamRecord />
                <LosingTouch mine />
            </When>
            <TeamPanel />
            <TeamSettingsPanel />
            <Backup />
        </section>
    }
}

/// What an empty workspace offers: start, or look around with demo data.
#[component]
fn EmptyWorkspace() -> impl IntoView {
    let state = expect_context::<AppState>();
    let size = RwSignal::new("40".to_owned());
    view! {
        <div class="empty-workspace" data-testid="empty-workspace">
            <h2>{t(Key::NoAccountsYet)}</h2>
            <p>{t(Key::EmptyWorkspaceHint)}</p>
            <div class="seed">
                <label>
                    <span class="visually-hidden">{t(Key::DemoSize)}</span>
                    <select data-testid="seed-size" bind:value=size>
                        <option value="40">{words().accounts(40)}</option>
                        <option value="100">{words().accounts(100)}</option>
                    </select>
                </label>
                <button
                    data-testid="seed-demo"
                    on:click=move |_| {
                        let accounts = size.get_untracked().parse().unwrap_or(40);
                        state.seed_demo(accounts);
                    }
                >
                    {t(Key::LoadDemo)}
                </button>
            </div>
        </div>
    }
}
