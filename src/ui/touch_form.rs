//! Logging a touch in few taps: kind, date (today), person, note.

use chrono::Local;
use leptos::prelude::*;

use crate::domain::{AccountId, ContactId, MAX_NOTE_CHARS, TouchDraft, TouchKind};
use crate::state::AppState;
use crate::ui::messages::{describe, group};

/// The rep's words for a kind of touch.
pub fn kind_label(kind: TouchKind) -> &'static str {
    match kind {
        TouchKind::Visit => "Visit",
        TouchKind::Call => "Call",
        TouchKind::Email => "Email",
        TouchKind::Message => "Message",
    }
}

/// The touch form at the top of an account page.
#[component]
pub fn TouchForm(
    /// The account the touch is with.
    account: AccountId,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let today = || Local::now().date_naive().format("%Y-%m-%d").to_string();
    let kind = RwSignal::new(TouchKind::Visit);
    let day = RwSignal::new(today());
    let contact = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
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
        match state.run(|ws, e| ws.log_touch(account, &draft, e)) {
            Ok(_) => {
                note.set(String::new());
                error.set(None);
            }
            Err(e) => error.set(Some(describe(&e))),
        }
    };

    view! {
        <form class="card form touch-form" data-testid="touch-form" on:submit=submit>
            <div class="kinds" role="radiogroup" aria-label="Kind of touch">
                {TouchKind::ALL
                    .into_iter()
                    .map(|k| {
                        view! {
                            <button
                                type="button"
                                role="radio"
                                class="kind"
                                class:selected=move || kind.get() == k
                                aria-checked=move || (kind.get() == k).to_string()
                                data-testid=format!("touch-kind-{}", k.slug())
                                on:click=move |_| kind.set(k)
                            >
                                {kind_label(k)}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <div class="row">
                <label>
                    "Date" <input data-testid="touch-date" type="date" bind:value=day />
                </label>
                <label>
                    "With"
                    <select data-testid="touch-contact" bind:value=contact>
                        <option value="">"— the account —"</option>
                        <For each=move || people.get() key=|(id, name)| (*id, name.clone()) let:person>
                            <option value=person.0.to_string()>{person.1}</option>
                        </For>
                    </select>
                </label>
            </div>
            <label>
                "Note"
                <textarea
                    data-testid="touch-note"
                    rows="4"
                    placeholder="What was said, what was promised, what to remember"
                    bind:value=note
                ></textarea>
            </label>
            <p class="counter" class:over=move || { chars.get() > MAX_NOTE_CHARS }>
                {move || format!("{} / {}", group(chars.get()), group(MAX_NOTE_CHARS))}
            </p>
            <p class="form-error" data-testid="form-error" role="alert" hidden=move || error.get().is_none()>
                {move || error.get()}
            </p>
            <div class="actions">
                <button type="submit" class="primary" data-testid="log-touch">
                    {move || format!("Log {}", kind_label(kind.get()).to_lowercase())}
                </button>
            </div>
        </form>
    }
}
