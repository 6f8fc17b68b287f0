//! Fields two devices changed while apart. Automerge keeps every value; the
//! page shows them all, with who wrote each and when, until a rep keeps
//! one. Nothing is picked behind anyone's back.

use leptos::prelude::*;

use crate::document::{Command, ConflictValue, RecordKey};
use crate::state::AppState;
use crate::ui::words::{Key, t, words};

/// The conflicts of one record, if it has any.
#[component]
pub fn Conflicts(
    /// The record whose fields are shown.
    record: RecordKey,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    // One closure for the whole block (rare, small): cheaper in the shipped
    // wasm than a memo, a <Show> and a component per value.
    move || {
        let conflicts = state.model.with(|m| m.conflicts(record).to_vec());
        (!conflicts.is_empty()).then(|| {
            let fields = conflicts
                .into_iter()
                .map(|conflict| {
                    let choices = conflict
                        .values
                        .into_iter()
                        .map(|value| choice(state, record, conflict.field.clone(), value))
                        .collect_view();
                    view! {
                        <div class="conflict" data-testid="conflict">
                            <h3>{words().field(record.collection(), &conflict.field)}</h3>
                            <ul>{choices}</ul>
                        </div>
                    }
                })
                .collect_view();
            view! {
                <section class="conflicts card" data-testid="conflicts" aria-label=t(Key::ConflictsTitle)>
                    <h2>{t(Key::ConflictsTitle)}</h2>
                    <p class="hint">{t(Key::ConflictsHint)}</p>
                    {fields}
                </section>
            }
        })
    }
}

/// One of the kept values, its author, and the button that keeps it.
fn choice(
    state: AppState,
    record: RecordKey,
    field: String,
    value: ConflictValue,
) -> impl IntoView {
    let by = value.by.as_ref().map_or_else(
        || t(Key::AuthorUnknown).to_string(),
        |stamp| format!("{}, {}", words().rep(&stamp.by), stamp.local_text()),
    );
    let shown = if value.value.is_empty() {
        t(Key::EmptyValue).to_string()
    } else {
        value.value.clone()
    };
    // A field this version cannot settle (written by a newer one) is
    // shown without the button.
    let keep = Command::resolve(record, &field, value.value)
        .ok()
        .map(|command| {
            view! {
                <button data-testid="keep-value" on:click=move |_| {
                    let _ = state.command(command.clone());
                }>{t(Key::KeepThis)}</button>
            }
        });
    view! {
        <li data-testid="conflict-value">
            <span class="conflict-text">{shown}</span>
            <span class="conflict-by">{by}</span>
            {keep}
        </li>
    }
}
