//! One account: its details, its track record at a glance, people, the
//! touch form, its promises and orders, and the timeline.

use leptos::prelude::*;

use crate::document::Command;
use crate::document::RecordKey;
use crate::domain::{Account, AccountId, Day};
use crate::state::Screen;
use crate::state::{AppState, SaveState};
use crate::ui::account_form::AccountForm;
use crate::ui::adoption::Adoption;
use crate::ui::conflicts::Conflicts;
use crate::ui::contacts::Contacts;
use crate::ui::early_warnings::EarlyWarnings;
use crate::ui::health::HealthPanel;
use crate::ui::orders::Orders;
use crate::ui::owner::OwnerLine;
use crate::ui::programs::Programs;
use crate::ui::promises::Promises;
use crate::ui::reactive::{When, dynamic, redrawn};
use crate::ui::remarks::Remarks;
use crate::ui::scorecard::ScorecardPanel;
use crate::ui::screen::use_here;
use crate::ui::stage::StagePanel;
use crate::ui::timeline::Timeline;
use crate::ui::touch_form::TouchForm;
use crate::ui::track_record::TrackRecordGlance;
use crate::ui::words::{Key, t, words};

/// The account page at `/accounts/<id>`.
#[component]
pub fn AccountPage(
    /// The account shown.
    id: AccountId,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let exists = move || state.model.with(|m| m.account(id).is_some());
    view! {
        <a class="back" data-testid="back-to-accounts" href="/">{t(Key::BackToAccounts)}</a>
        <When
            when=exists
            fallback=move || {
                // A new account is on its way from the workspace worker
                // (milliseconds), or the records are still arriving after
                // the first screen: say nothing rather than "does not exist".
                let writing = state.save.get() == SaveState::Saving || !state.complete.get();
                view! {
                    <p class="empty" hidden=writing>
                        {t(Key::AccountGone)}
                    </p>
                }
            }
        >
            <AccountDetails id />
        </When>
    }
}

/// Everything about one live account.
#[component]
fn AccountDetails(
    /// The account shown.
    id: AccountId,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let here = use_here();
    let account = Memo::new(move |_| state.model.with(|m| m.account(id).cloned()));
    let editing = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let delete = move |_| {
        if state.command(Command::delete::<Account>(id)).is_ok() {
            here.open(Screen::Accounts);
        }
    };
    view! {
        <article class="account-page">
            <header class="account-head">
                <div>
                    <h1 data-testid="account-title">
                        {redrawn(move || account.get().map(|a| a.name).unwrap_or_default())}
                    </h1>
                    <p class="meta">
                        {redrawn(move || {
                            account
                                .get()
                                .map(|a| {
                                    [a.city, a.industry]
                                        .into_iter()
                                        .filter(|s| !s.is_empty())
                                        .collect::<Vec<_>>()
                                        .join(" · ")
                                })
                        })}
                    </p>
                    <p class="standing-note">{redrawn(move || account.get().map(|a| a.note))}</p>
                </div>
                <div class="head-actions">
                    <button data-testid="edit-account" on:click=move |_| editing.set(true)>
                        {t(Key::Edit)}
                    </button>
                    <When
                        when=move || confirming.get()
                        fallback=move || {
                            view! {
                                <button data-testid="delete-account" on:click=move |_| confirming.set(true)>
                                    {t(Key::Delete)}
                                </button>
                            }
                        }
                    >
                        <span class="confirm">
                            {t(Key::ConfirmDeleteAccount)}
                            <button class="danger" data-testid="confirm-delete" on:click=delete>
                                {t(Key::Delete)}
                            </button>
                            <button on:click=move |_| confirming.set(false)>{t(Key::Keep)}</button>
                        </span>
                    </When>
                </div>
            </header>
            <Conflicts record=RecordKey::Account(id) />
            <TrackRecordGlance account=id />
            <HealthPanel account=id />
            <When when=move || editing.get()>
                <AccountForm editing=Some(id) on_close=Callback::new(move |_| editing.set(false)) />
            </When>
            // The relationship (issue 14): owner, stage, scorecard, and the
            // joint programs, first for a strategic partner.
            {
                let partner = Memo::new(move |_| state.model.with(|m| m.stage_of(id).partner));
                view! {
                    <div class="relationship" data-partner=dynamic(move || partner.get().to_string())>
                        <OwnerLine account=id />
                        <When when=move || partner.get()>
                            <Programs account=id />
                        </When>
                        <div class="relationship-grid">
                            <StagePanel account=id />
                            <div>
                                <ScorecardPanel account=id />
                                <When when=move || !partner.get()>
                                    <Programs account=id />
                                </When>
                            </div>
                        </div>
                    </div>
                }
            }
            <div class="columns">
                <div class="main-column">
                    <TouchForm account=id />
                    <Promises account=id />
                    <Orders account=id />
                    <Remarks account=id />
                    <EarlyWarnings account=id />
                    <Timeline account=id />
                </div>
                <aside class="side-column">
                    <Contacts account=id />
                    <Adoption account=id />
                    <p class="stamp">
                        {redrawn(move || {
                            account
                                .get()
                                .map(|a| {
                                    words().record_stamps(
                                        &a.created.by,
                                        Day(a.created.time().date_naive()),
                                        &a.updated.by,
                                        &a.updated.local_text(),
                                    )
                                })
                        })}
                    </p>
                </aside>
            </div>
        </article>
    }
}
