//! "Losing touch" under the account list: the accounts, and the people
//! with a cadence of their own, overdue for a touch, longest first — the
//! rep's own while "Mine only" is on, else the team's. Drawn only while
//! open, so a large workspace's list pays nothing for it. The rules are
//! the domain's (`domain/cadence.rs`), the list the read model's.

use chrono::Local;
use leptos::prelude::*;

use crate::document::Scope;
use crate::domain::Day;
use crate::state::AppState;
use crate::ui::reactive::{When, dynamic, keyed};
use crate::ui::words::{Key, t, words};

/// At most this many are listed.
const SHOWN: usize = 50;

/// One line: where it links, who, and how overdue, as text. Keyed whole.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Line {
    href: String,
    who: String,
    overdue: String,
    detail: String,
}

/// The collapsible losing-touch list.
#[component]
pub fn LosingTouch(
    /// "Mine only" is on: the rep's own accounts.
    mine: RwSignal<bool>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let open = RwSignal::new(false);
    let lines = Memo::new(move |_| {
        if !open.get() {
            return Vec::new();
        }
        let today = Day(Local::now().date_naive());
        let me = state.settings.with(|s| s.rep_name.clone());
        state.model.with(|m| {
            let scope = if mine.get() {
                Scope::Rep(&me)
            } else {
                Scope::Team
            };
            m.losing_touch(scope, today)
                .into_iter()
                .take(SHOWN)
                .filter_map(|l| {
                    let account = m.account(l.account)?;
                    let who = match l.contact.and_then(|c| m.contact(c)) {
                        Some(person) => format!("{} · {}", account.name, person.name),
                        None => account.name.clone(),
                    };
                    let last = l
                        .touch
                        .last_touch
                        .map_or(t(Key::NeverTouched).to_owned(), |d| {
                            format!("{} {d}", t(Key::LastTouch))
                        });
                    Some(Line {
                        href: format!("/accounts/{}", l.account),
                        who,
                        overdue: words().touch_state(l.touch.state),
                        detail: format!("{} · {last}", words().cadence(l.touch.cadence)),
                    })
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="team-record losing-touch" data-testid="losing-touch">
            <button
                class="disclosure"
                data-testid="losing-touch-toggle"
                aria-expanded=dynamic(move || open.get().to_string())
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {t(Key::LosingTouchTitle)}
            </button>
            <When when=move || open.get()>
                <p class="hint">{t(Key::LosingTouchHint)}</p>
                <ul class="ledger">
                    {keyed(move || lines.get(), |line| line.clone(), move |line| view! { <li data-testid="losing-touch-row">
                            <a href=line.href>{line.who}</a>
                            " "
                            <span class="badge overdue-flag">{line.overdue}</span>
                            <p class="meta">{line.detail}</p>
                        </li> }.into_any())}
                </ul>
                <When when=move || lines.with(Vec::is_empty)>
                    <p class="hint">{t(Key::NobodyLosingTouch)}</p>
                </When>
            </When>
        </section>
    }
}
