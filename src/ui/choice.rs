//! Pick-lists: [`Choice`], a `<select>` over a kind's choices by slug
//! (built from its `ALL` array), and [`PersonChoice`], the people of an
//! account. Only the picking lives here; what a pick means is the form's.

use leptos::prelude::*;

use crate::domain::AccountId;
use crate::state::AppState;
use crate::ui::reactive::redrawn;
use crate::ui::words::{Key, t};

/// The choice of `all` whose slug `picked` holds (the first when none
/// is: a `<select>` only ever holds one of them).
pub fn chosen<T: Copy>(all: &[T], slug_of: fn(T) -> &'static str, picked: RwSignal<String>) -> T {
    picked.with_untracked(|slug| {
        all.iter()
            .copied()
            .find(|c| slug_of(*c) == slug)
            .unwrap_or(all[0])
    })
}

/// A labelled `<select>` whose options are `(slug, words)` pairs.
#[component]
pub fn Choice(
    /// The field's label.
    label: String,
    /// The select's test id.
    testid: &'static str,
    /// The choices, in the order offered: their slugs and their words.
    options: Vec<(&'static str, &'static str)>,
    /// The slug picked.
    value: RwSignal<String>,
) -> impl IntoView {
    view! {
        <label>
            {label}
            <select data-testid=testid bind:value=value>
                {options
                    .into_iter()
                    .map(|(slug, words)| view! { <option value=slug>{words}</option> })
                    .collect_view()}
            </select>
        </label>
    }
}

/// A labelled `<select>` of the account's people; "" is nobody, offered as
/// "Pick a person…" (or, with nobody recorded, as the account itself).
#[component]
pub fn PersonChoice(
    /// The account whose people are offered.
    account: AccountId,
    /// The field's label.
    label: String,
    /// The select's test id.
    testid: &'static str,
    /// The contact id picked, as text ("" for nobody).
    value: RwSignal<String>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    // One closure for the options (read when the form opens, small).
    let options = redrawn(move || {
        let people = state.model.with(|m| {
            m.contacts_of(account)
                .into_iter()
                .map(|(id, c)| (id.to_string(), c.name.clone()))
                .collect::<Vec<_>>()
        });
        let none = t(if people.is_empty() {
            Key::NobodyRecorded
        } else {
            Key::PickAPerson
        });
        view! {
            <option value="">{none}</option>
            {people
                .into_iter()
                .map(|(id, name)| view! { <option value=id>{name}</option> })
                .collect_view()}
        }
    });
    view! {
        <label class="wide">
            {label}
            <select data-testid=testid bind:value=value>
                {options}
            </select>
        </label>
    }
}
