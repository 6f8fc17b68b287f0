//! A delete that asks once: "Delete" turns into "Delete this …" and "Keep",
//! so a stray tap on a tablet never removes a record.

use leptos::prelude::*;

/// The two-step delete button of a list row.
#[component]
pub fn ConfirmDelete(
    /// What the record is, for the confirm button ("Delete this person").
    what: &'static str,
    /// The test id of the first button; the confirm button gets `confirm-` before it.
    testid: &'static str,
    /// Runs when the rep confirms.
    on_confirm: Callback<()>,
) -> impl IntoView {
    let confirming = RwSignal::new(false);
    view! {
        <Show
            when=move || confirming.get()
            fallback=move || {
                view! {
                    <button class="link" data-testid=testid on:click=move |_| confirming.set(true)>
                        "Delete"
                    </button>
                }
            }
        >
            <button
                class="danger"
                data-testid=format!("confirm-{testid}")
                on:click=move |_| on_confirm.run(())
            >
                {format!("Delete this {what}")}
            </button>
            <button class="link" on:click=move |_| confirming.set(false)>
                "Keep"
            </button>
        </Show>
    }
}
