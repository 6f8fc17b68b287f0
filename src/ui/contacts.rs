//! The people at an account: list, add, edit, delete; each with their
//! small details, and the account's dates coming up at the head.

use leptos::prelude::*;

use crate::document::{Command, RecordKey};
use crate::domain::{AccountId, Contact, ContactDraft, ContactField, ContactId};
use crate::state::AppState;
use crate::ui::confirm_delete::ConfirmDelete;
use crate::ui::conflicts::Conflicts;
use crate::ui::details::{ComingUp, Details};
use crate::ui::reactive::{When, dynamic, keyed, redrawn};
use crate::ui::words::{Key, label, t, words};

/// The contacts of one account, with a form to add or edit one.
#[component]
pub fn Contacts(
    /// The account whose people are shown.
    account: AccountId,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    // `Some(None)`: adding; `Some(Some(id))`: editing that contact.
    let form = RwSignal::new(None::<Option<ContactId>>);
    let contacts = Memo::new(move |_| {
        state.model.with(|m| {
            m.contacts_of(account)
                .into_iter()
                .map(|(id, c)| (id, c.clone()))
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="card contacts">
            <div class="section-head">
                <h2>{t(Key::People)}</h2>
                <button data-testid="add-contact" on:click=move |_| form.set(Some(None))>
                    {t(Key::AddPersonButton)}
                </button>
            </div>
            <ComingUp account />
            {redrawn(move || {
                form.get()
                    .map(|editing| {
                        view! {
                            <ContactForm
                                account
                                editing
                                on_close=Callback::new(move |_| form.set(None))
                            />
                        }
                    })
            })}
            <ul class="contact-list" data-testid="contact-list">
                {keyed(move || contacts.get(), |(id, c)| (*id, c.updated.at), move |item| view! { <ContactRow id=item.0 contact=item.1 on_edit=Callback::new(move |id| form.set(Some(Some(id)))) /> }.into_any())}
            </ul>
            <When when=move || contacts.with(Vec::is_empty)>
                <p class="hint">{t(Key::NoPeopleYet)}</p>
            </When>
        </section>
    }
}

/// One person, with phone and email as tappable links.
#[component]
fn ContactRow(
    /// The contact's id.
    id: ContactId,
    /// The contact.
    contact: crate::domain::Contact,
    /// Opens the edit form.
    on_edit: Callback<ContactId>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let phone = contact.phone.clone();
    let email = contact.email.clone();
    view! {
        <li class="contact-row" data-testid="contact-row">
            <div class="who">
                <strong>{contact.name.clone()}</strong>
                <span class="meta">{contact.role.clone()}</span>
            </div>
            <div class="reach">
                <When when={
                    let phone = phone.clone();
                    move || !phone.is_empty()
                }>
                    <a href=format!("tel:{}", phone.replace(' ', ""))>{phone.clone()}</a>
                </When>
                <When when={
                    let email = email.clone();
                    move || !email.is_empty()
                }>
                    <a href=format!("mailto:{email}")>{email.clone()}</a>
                </When>
            </div>
            <p class="note" hidden=contact.note.is_empty()>{contact.note.clone()}</p>
            <Conflicts record=RecordKey::Contact(id) />
            <div class="row-actions">
                <button class="link" data-testid="edit-contact" on:click=move |_| on_edit.run(id)>
                    {t(Key::Edit)}
                </button>
                <ConfirmDelete
                    confirm=Key::DeleteThisPerson
                    testid="delete-contact"
                    on_confirm=Callback::new(move |_| {
                        let _ = state.command(Command::delete::<Contact>(id));
                    })
                />
            </div>
            <Details contact=id account=contact.account />
        </li>
    }
}

/// Add or edit a person.
#[component]
fn ContactForm(
    /// The account the person works at.
    account: AccountId,
    /// The contact being edited, or `None` to add one.
    editing: Option<ContactId>,
    /// Called when saved or cancelled.
    on_close: Callback<()>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let start = editing
        .and_then(|id| {
            state
                .model
                .with_untracked(|m| m.contact(id).map(ContactDraft::of))
        })
        .unwrap_or_default();
    let name = RwSignal::new(start.name);
    let role = RwSignal::new(start.role);
    let phone = RwSignal::new(start.phone);
    let email = RwSignal::new(start.email);
    let note = RwSignal::new(start.note);
    let cadence = RwSignal::new(start.cadence_days);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let draft = ContactDraft {
            name: name.get_untracked(),
            role: role.get_untracked(),
            phone: phone.get_untracked(),
            email: email.get_untracked(),
            note: note.get_untracked(),
            cadence_days: cadence.get_untracked(),
        };
        let result = state.command(match editing {
            Some(id) => Command::edit::<Contact>(id, draft),
            None => Command::create::<Contact>(ContactId::random(), account, draft),
        });
        match result {
            Ok(()) => on_close.run(()),
            Err(e) => error.set(Some(words().refusal(&e))),
        }
    };
    view! {
        <form class="form inline-form" on:submit=submit>
            <div class="row">
                <label>{label::<Contact>(ContactField::Name)} <input data-testid="contact-name" type="text" autofocus bind:value=name /></label>
                <label>{label::<Contact>(ContactField::Role)} <input data-testid="contact-role" type="text" placeholder=t(Key::RolePlaceholder) bind:value=role /></label>
            </div>
            <div class="row">
                <label>{label::<Contact>(ContactField::Phone)} <input data-testid="contact-phone" type="tel" bind:value=phone /></label>
                <label>{label::<Contact>(ContactField::Email)} <input data-testid="contact-email" type="email" bind:value=email /></label>
            </div>
            <label>
                {label::<Contact>(ContactField::Note)}
                <input data-testid="contact-note" type="text" placeholder=t(Key::ContactNotePlaceholder) bind:value=note />
            </label>
            <label>
                {label::<Contact>(ContactField::CadenceDays)}
                <input data-testid="contact-cadence" type="text" inputmode="numeric" bind:value=cadence />
            </label>
            <p class="form-error" data-testid="form-error" role="alert" hidden=dynamic(move || error.get().is_none())>
                {redrawn(move || error.get())}
            </p>
            <div class="actions">
                <button type="submit" class="primary" data-testid="save-contact">
                    {t(if editing.is_some() { Key::SavePerson } else { Key::AddPerson })}
                </button>
                <button type="button" on:click=move |_| on_close.run(())>{t(Key::Cancel)}</button>
            </div>
        </form>
    }
}
