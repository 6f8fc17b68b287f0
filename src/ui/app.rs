//! The app shell: header with the save indicator, notices, and the routes.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::ui::account_list::AccountList;
use crate::ui::account_page::AccountPage;
use crate::ui::status::{Header, NamePrompt, Notices};
use crate::ui::team::JoinPrompt;

/// The whole app. Starts the state (which loads the workspace from the
/// device) and shows the screens once it is loaded.
#[component]
pub fn App() -> impl IntoView {
    let state = crate::state::start();
    provide_context(state);
    view! {
        <Router>
            <Header />
            <Notices />
            <NamePrompt />
            <JoinPrompt />
            <main
                data-testid="app"
                data-ready=move || state.ready.get().to_string()
                data-loaded=move || state.loaded.get().to_string()
            >
                <Show when=move || state.ready.get()>
                    <Routes fallback=|| {
                        view! {
                            <p class="empty">
                                "This page does not exist. " <a href="/">"Go to accounts"</a>
                            </p>
                        }
                    }>
                        <Route path=path!("/") view=AccountList />
                        <Route path=path!("/accounts/:id") view=AccountPage />
                    </Routes>
                </Show>
            </main>
        </Router>
    }
}
