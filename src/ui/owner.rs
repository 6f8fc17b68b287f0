//! Who owns an account, and handing it over to another rep: an edit of the
//! account whose draft names the new owner (`AccountDraft::owner`).

use leptos::prelude::*;

use crate::document::Command;
use crate::domain::{Account, AccountDraft, AccountId};
use crate::state::AppState;
use crate::ui::reactive::{When, dynamic, redrawn};
use crate::ui::words::{Key, t, words};

/// "Owner: Anna", and the hand-over picker.
#[component]
pub fn OwnerLine(
    /// The account.
    account: AccountId,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let owner = Memo::new(move |_| {
        state
            .model
            .with(|m| m.account(account).map(|a| a.owner().to_owned()))
            .unwrap_or_default()
    });
    let picking = RwSignal::new(false);
    let chosen = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    // The reps the account can go to: everyone who owns or signed
    // something, and this rep (who may have signed nothing yet). Read when
    // the picker opens, not at every change of the workspace.
    let reps = move || {
        let me = state.settings.with_untracked(|s| s.rep_name.clone());
        state.model.with_untracked(|m| m.reps_and(&me))
    };
    let open = move |_| {
        chosen.set(owner.get_untracked());
        error.set(None);
        picking.set(true);
    };
    let hand_over = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(draft) = state.model.with_untracked(|m| {
            m.account(account).map(|a| AccountDraft {
                owner: chosen.get_untracked(),
                ..AccountDraft::of(a)
            })
        }) else {
            return;
        };
        match state.command(Command::edit::<Account>(account, draft)) {
            Ok(()) => picking.set(false),
            Err(e) => error.set(Some(words().refusal(&e))),
        }
    };
    view! {
        <div class="owner-line" data-testid="owner-line">
            <When
                when=move || picking.get()
                fallback=move || {
                    view! {
                        <span>
                            {words().field("accounts", "owner")} ": "
                            <strong data-testid="account-owner">{redrawn(move || words().rep(&owner.get()))}</strong>
                        </span>
                        <button class="link" data-testid="hand-over" on:click=open>
                            {t(Key::HandOver)}
                        </button>
                    }
                }
            >
                <form class="hand-over" on:submit=hand_over>
                    <label>
                        <span class="visually-hidden">{words().field("accounts", "owner")}</span>
                        <select data-testid="owner-select" bind:value=chosen>
                            {reps()
                                .into_iter()
                                .map(|r| {
                                    let selected = r == chosen.get_untracked();
                                    view! { <option value=r.clone() selected=selected>{words().rep(&r)}</option> }
                                })
                                .collect_view()}
                        </select>
                    </label>
                    <button type="submit" class="primary" data-testid="save-owner">{t(Key::HandOverTo)}</button>
                    <button type="button" on:click=move |_| picking.set(false)>{t(Key::Cancel)}</button>
                    <p class="form-error" role="alert" hidden=dynamic(move || error.get().is_none())>
                        {redrawn(move || error.get())}
                    </p>
                </form>
            </When>
        </div>
    }
}
