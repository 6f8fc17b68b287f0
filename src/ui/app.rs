//! The app shell: header with the save indicator, notices, and the routes.

use leptos::prelude::*;

use crate::state::Screen;
use crate::ui::account_list::AccountList;
use crate::ui::account_page::AccountPage;
use crate::ui::reactive::{When, dynamic, redrawn};
use crate::ui::screen::provide_screen;
use crate::ui::status::{Header, NamePrompt, Notices};
use crate::ui::team::JoinPrompt;
use crate::ui::update_banner::UpdateBanner;
use crate::ui::words::{Key, t};

/// The whole app. Starts the state (which loads the workspace from the
/// device) and shows the screens once it is loaded.
#[component]
pub fn App() -> impl IntoView {
    let state = crate::state::start();
    provide_context(state);
    let here = provide_screen();
    view! {
            <Header />
            <Notices />
            <UpdateBanner />
            <NamePrompt />
            <JoinPrompt />
            <main
                data-testid="app"
                data-ready=dynamic(move || state.ready.get().to_string())
                data-loaded=dynamic(move || state.loaded.get().to_string())
            >
                <When when=move || state.ready.get()>
                    {redrawn(move || match here.get() {
                        Screen::Accounts => view! { <AccountList /> }.into_any(),
                        Screen::Account(id) => view! { <AccountPage id /> }.into_any(),
                        Screen::Missing => {
                            view! {
                                <p class="empty">
                                    {t(Key::PageMissing)} " " <a href="/">{t(Key::GoToAccounts)}</a>
                                </p>
                            }
                                .into_any()
                        }
                    })}
                </When>
            </main>
    }
}
