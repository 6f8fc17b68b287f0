//! Create or edit an account.

use leptos::prelude::*;

use crate::document::Command;
use crate::domain::{Account, AccountDraft, AccountField, AccountId, DomainError};
use crate::state::AppState;
use crate::state::Screen;
use crate::ui::reactive::{dynamic, redrawn};
use crate::ui::screen::use_here;
use crate::ui::words::{Key, label, t, words};

/// The account form. `editing` is the account being edited, or `None` to
/// create one (then the app opens the new account's page).
#[component]
pub fn AccountForm(
    /// The account to edit, or `None` for a new one.
    editing: Option<AccountId>,
    /// Called when the form is saved or cancelled.
    on_close: Callback<()>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let here = use_here();
    let start = editing
        .and_then(|id| {
            state
                .model
                .with_untracked(|m| m.account(id).map(AccountDraft::of))
        })
        .unwrap_or_default();
    let name = RwSignal::new(start.name);
    let city = RwSignal::new(start.city);
    let industry = RwSignal::new(start.industry);
    let note = RwSignal::new(start.note);
    let cadence = RwSignal::new(start.cadence_days);
    let error = RwSignal::new(None::<String>);
    let existing = RwSignal::new(None::<AccountId>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let draft = AccountDraft {
            owner: String::new(),
            name: name.get_untracked(),
            city: city.get_untracked(),
            industry: industry.get_untracked(),
            note: note.get_untracked(),
            cadence_days: cadence.get_untracked(),
        };
        let result = match editing {
            Some(id) => state
                .command(Command::edit::<Account>(id, draft))
                .map(|()| id),
            None => {
                let id = AccountId::random();
                state
                    .command(Command::create::<Account>(id, (), draft))
                    .map(|()| id)
            }
        };
        match result {
            Ok(id) => {
                on_close.run(());
                if editing.is_none() {
                    here.open(Screen::Account(id));
                }
            }
            Err(e) => {
                existing.set(match e.rule() {
                    Some(DomainError::DuplicateAccount { existing, .. }) => Some(*existing),
                    _ => None,
                });
                error.set(Some(words().refusal(&e)));
            }
        }
    };

    view! {
        <form class="card form" on:submit=submit>
            <h2>{t(if editing.is_some() { Key::EditAccount } else { Key::NewAccount })}</h2>
            <label>
                {label::<Account>(AccountField::Name)}
                <input
                    data-testid="account-name"
                    type="text"
                    aria-required="true"
                    autofocus
                    bind:value=name
                />
            </label>
            <div class="row">
                <label>
                    {label::<Account>(AccountField::City)}
                    <input data-testid="account-city" type="text" bind:value=city />
                </label>
                <label>
                    {label::<Account>(AccountField::Industry)}
                    <input data-testid="account-industry" type="text" bind:value=industry />
                </label>
            </div>
            <label>
                {label::<Account>(AccountField::Note)}
                <textarea
                    data-testid="account-note"
                    rows="2"
                    bind:value=note
                ></textarea>
            </label>
            <label>
                {label::<Account>(AccountField::CadenceDays)}
                <input data-testid="account-cadence" type="text" inputmode="numeric" bind:value=cadence />
            </label>
            <p class="form-error" data-testid="form-error" role="alert" hidden=dynamic(move || error.get().is_none())>
                {redrawn(move || error.get())}
                {redrawn(move || {
                    existing
                        .get()
                        .map(|id| view! { " " <a href=format!("/accounts/{id}")>{t(Key::OpenIt)}</a> })
                })}
            </p>
            <div class="actions">
                <button type="submit" class="primary" data-testid="save-account">
                    {t(if editing.is_some() { Key::SaveChanges } else { Key::CreateAccount })}
                </button>
                <button type="button" on:click=move |_| on_close.run(())>
                    {t(Key::Cancel)}
                </button>
            </div>
        </form>
    }
}
