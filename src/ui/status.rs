//! The header (brand, rep's name, save indicator) and the notice banner.

use leptos::prelude::*;

use crate::state::AppState;
use crate::ui::reactive::{When, dynamic, redrawn};
use crate::ui::team::SyncBadge;
use crate::ui::words::{Key, t, words};

/// Top bar: the app's name, the rep's name on this device, and where the
/// latest changes are ("Saved on this device").
#[component]
pub fn Header() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <header class="topbar">
            <a class="brand" href="/">
                // Inline, not an <img>: it must draw with no network at all.
                <svg viewBox="0 0 64 64" width="28" height="28" aria-hidden="true">
                    <rect width="64" height="64" rx="14" fill="#ffffff" fill-opacity="0.15" />
                    <path
                        d="M18 46V18h15a9 9 0 0 1 0 18H18m15 0 11 10"
                        fill="none"
                        stroke="#ffffff"
                        stroke-width="6"
                        stroke-linecap="round"
                        stroke-linejoin="round"
                    />
                </svg>
                "Rapport"
            </a>
            <label class="rep-name">
                <span class="visually-hidden">{t(Key::YourName)}</span>
                <input
                    data-testid="rep-name"
                    type="text"
                    placeholder=t(Key::YourName)
                    title=t(Key::YourNameHint)
                    maxlength="80"
                    prop:value=dynamic(move || state.settings.with(|s| s.rep_name.clone()))
                    on:change=move |ev| state.set_rep_name(event_target_value(&ev))
                />
            </label>
            <SyncBadge />
            <span
                class="save-state"
                data-testid="save-state"
                data-state=dynamic(move || state.save.get().slug())
                role="status"
                aria-live="polite"
            >
                {redrawn(move || words().save_state(state.save.get()))}
            </span>
        </header>
    }
}

/// Storage notices, each with what happened and what to do.
#[component]
pub fn Notices() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <div class="notices" role="alert">
            {redrawn(move || {
                state
                    .notices
                    .get()
                    .into_iter()
                    .map(|notice| {
                        let retry = notice.can_retry();
                        view! {
                            <p class="notice" data-testid="notice">
                                {words().notice(&notice)}
                                <When when=move || retry>
                                    <button on:click=move |_| state.retry()>{t(Key::TryAgain)}</button>
                                </When>
                            </p>
                        }
                    })
                    .collect_view()
            })}
        </div>
    }
}

/// Asks for the rep's name until one is given: every record carries it, so
/// colleagues see who wrote each note.
#[component]
pub fn NamePrompt() -> impl IntoView {
    let state = expect_context::<AppState>();
    let name = RwSignal::new(String::new());
    let missing = move || state.settings.with(|s| s.rep_name.is_empty());
    view! {
        <When when=missing>
            <form
                class="name-prompt"
                on:submit=move |ev| {
                    ev.prevent_default();
                    state.set_rep_name(name.get_untracked());
                }
            >
                <label>
                    {t(Key::NamePrompt)}
                    <input data-testid="welcome-name" type="text" placeholder=t(Key::NameExample) bind:value=name />
                </label>
                <button type="submit" class="primary">{t(Key::Save)}</button>
            </form>
        </When>
    }
}
