//! Logging a touch in few taps: kind, date (today), person, note.

use chrono::Local;
use leptos::prelude::*;

use crate::document::Command;
use crate::domain::{
    AccountId, ContactId, Day, MAX_NOTE_CHARS, Touch, TouchDraft, TouchField, TouchId, TouchKind,
};
use crate::state::AppState;
use crate::ui::reactive::{dynamic, keyed, redrawn};
use crate::ui::words::{Key, label, t, words};

/// The touch form: at the top of an account page to log a new touch, or in
/// the timeline to edit one.
#[component]
pub fn TouchForm(
    /// The account the touch is with.
    account: AccountId,
    /// The touch being edited, or `None` to log a new one.
    #[prop(optional)]
    editing: Option<TouchId>,
    /// Called after an edit is saved or cancelled.
    #[prop(optional)]
    on_close: Option<Callback<()>>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let today = Day(Local::now().date_naive()).to_string();
    let start = editing.and_then(|id| {
        state.model.with_untracked(|m| {
            m.timeline(account)
                .into_iter()
                .find(|(t, _)| *t == id)
                .map(|(_, t)| (t.kind, t.day.to_string(), t.contact, t.note.clone()))
        })
    });
    let (start_kind, start_day, start_contact, start_note) =
        start.unwrap_or((TouchKind::Visit, today, None, String::new()));
    let kind = RwSignal::new(start_kind);
    let day = RwSignal::new(start_day);
    let contact = RwSignal::new(start_contact.map(|c| c.to_string()).unwrap_or_default());
    let note = RwSignal::new(start_note);
    let error = RwSignal::new(None::<String>);
    let people = Memo::new(move |_| {
        state.model.with(|m| {
            m.contacts_of(account)
                .into_iter()
                .map(|(id, c)| (id, c.name.clone()))
                .collect::<Vec<_>>()
        })
    });
    let chars = Memo::new(move |_| note.with(|n| n.chars().count()));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let draft = TouchDraft {
            kind: kind.get_untracked(),
            day: day.get_untracked(),
            contact: contact.with_untracked(|c| c.parse::<ContactId>().ok()),
            note: note.get_untracked(),
        };
        let result = state.command(match editing {
            Some(id) => Command::edit::<Touch>(id, draft),
            None => Command::create::<Touch>(TouchId::random(), account, draft),
        });
        match result {
            Ok(()) => {
                error.set(None);
                match on_close {
                    Some(close) => close.run(()),
                    None => note.set(String::new()),
                }
            }
            Err(e) => error.set(Some(words().refusal(&e))),
        }
    };

    view! {
        <form
            class=if editing.is_some() { "form touch-form editing" } else { "card form touch-form" }
            data-testid=if editing.is_some() { "edit-touch-form" } else { "touch-form" }
            on:submit=submit
        >
            <div class="kinds" role="radiogroup" aria-label={label::<Touch>(TouchField::Kind)}>
                {TouchKind::ALL
                    .into_iter()
                    .map(|k| {
                        view! {
                            <button
                                type="button"
                                role="radio"
                                class="kind"
                                class:selected=move || kind.get() == k
                                aria-checked=dynamic(move || (kind.get() == k).to_string())
                                data-testid=format!("touch-kind-{}", k.slug())
                                on:click=move |_| kind.set(k)
                            >
                                {words().touch_kind(k)}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <div class="row">
                <label>
                    {label::<Touch>(TouchField::Day)}
                    <input data-testid="touch-date" type="date" bind:value=day />
                </label>
                <label>
                    {label::<Touch>(TouchField::Contact)}
                    <select data-testid="touch-contact" bind:value=contact>
                        <option value="">{t(Key::WithTheAccount)}</option>
                        {keyed(move || people.get(), |(id, name)| (*id, name.clone()), move |person| view! { <option value=person.0.to_string()>{person.1}</option> }.into_any())}
                    </select>
                </label>
            </div>
            <label>
                {label::<Touch>(TouchField::Note)}
                <textarea
                    data-testid="touch-note"
                    rows="4"
                    placeholder=t(Key::TouchNotePlaceholder)
                    bind:value=note
                ></textarea>
            </label>
            <p class="counter" class:over=dynamic(move || { chars.get() > MAX_NOTE_CHARS })>
                {redrawn(move || format!("{} / {}", words().number(chars.get()), words().number(MAX_NOTE_CHARS)))}
            </p>
            <p class="form-error" data-testid="form-error" role="alert" hidden=dynamic(move || error.get().is_none())>
                {redrawn(move || error.get())}
            </p>
            <div class="actions">
                <button
                    type="submit"
                    class="primary"
                    data-testid=if editing.is_some() { "save-touch" } else { "log-touch" }
                >
                    {redrawn(move || {
                        if editing.is_some() {
                            t(Key::SaveChanges)
                        } else {
                            words().log_touch(kind.get())
                        }
                    })}
                </button>
                {on_close
                    .map(|close| {
                        view! {
                            <button type="button" on:click=move |_| close.run(())>
                                {t(Key::Cancel)}
                            </button>
                        }
                    })}
            </div>
        </form>
    }
}
