//! A delete that asks once: "Delete" turns into "Delete this …" and "Keep",
//! so a stray tap on a tablet never removes a record.

use leptos::prelude::*;

use crate::ui::reactive::When;
use crate::ui::words::{Key, t};

/// The two-step delete button of a list row.
#[component]
pub fn ConfirmDelete(
    /// The confirm button's words ([`Key::DeleteThisPerson`]).
    confirm: Key,
    /// The test id of the first button; the confirm button gets `confirm-` before it.
    testid: &'static str,
    /// Runs when the rep confirms.
    on_confirm: Callback<()>,
) -> impl IntoView {
    let confirming = RwSignal::new(false);
    view! {
        <When
            when=move || confirming.get()
            fallback=move || {
                view! {
                    <button class="link" data-testid=testid on:click=move |_| confirming.set(true)>
                        {t(Key::Delete)}
                    </button>
                }
            }
        >
            <button
                class="danger"
                data-testid=format!("confirm-{testid}")
                on:click=move |_| on_confirm.run(())
            >
                {t(confirm)}
            </button>
            <button class="link" on:click=move |_| confirming.set(false)>
                {t(Key::Keep)}
            </button>
        </When>
    }
}
