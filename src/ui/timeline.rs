//! The account's touches, newest first.

use leptos::prelude::*;

use crate::document::Command;
use crate::domain::{AccountId, Touch, TouchId};
use crate::state::AppState;
use crate::ui::confirm_delete::ConfirmDelete;
use crate::ui::reactive::{When, keyed};
use crate::ui::touch_form::TouchForm;
use crate::ui::words::{Key, t, words};

/// The timeline of touches with one account.
#[component]
pub fn Timeline(
    /// The account whose touches are shown.
    account: AccountId,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let items = Memo::new(move |_| {
        state.model.with(|m| {
            m.timeline(account)
                .into_iter()
                .map(|(id, t)| {
                    let with = t.contact.and_then(|c| m.contact(c)).map(|c| c.name.clone());
                    (id, t.clone(), with)
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="card timeline">
            <h2>{t(Key::Timeline)}</h2>
            <ol data-testid="timeline">
                {keyed(move || items.get(), |(id, t, with)| (*id, t.updated.at, with.clone()), move |item| view! { <TimelineItem id=item.0 touch=item.1 with=item.2 /> }.into_any())}
            </ol>
            <When when=move || items.with(Vec::is_empty)>
                <p class="hint">{t(Key::NoTouchesHint)}</p>
            </When>
        </section>
    }
}

/// One touch on the timeline.
#[component]
fn TimelineItem(
    /// The touch's id.
    id: TouchId,
    /// The touch.
    touch: Touch,
    /// The person's name, when one was chosen.
    with: Option<String>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let editing = RwSignal::new(false);
    let account = touch.account;
    view! {
        <li class=format!("timeline-item kind-{}", touch.kind.slug()) data-testid="timeline-item">
            <When when=move || editing.get()>
                <TouchForm
                    account
                    editing=id
                    on_close=Callback::new(move |_| editing.set(false))
                />
            </When>
            <div class="when">
                <span class="kind-badge">{words().touch_kind(touch.kind)}</span>
                <time datetime=touch.day.to_string()>{touch.day.to_string()}</time>
                {with.map(|name| view! { <span class="with">{words().touch_with(&name)}</span> })}
                <span class="by">{words().touch_by(&touch.created.by)}</span>
            </div>
            <p class="note">{touch.note.clone()}</p>
            <div class="row-actions">
                <button class="link" data-testid="edit-touch" on:click=move |_| editing.set(true)>
                    {t(Key::Edit)}
                </button>
                <ConfirmDelete
                    confirm=Key::DeleteThisTouch
                    testid="delete-touch"
                    on_confirm=Callback::new(move |_| {
                        let _ = state.command(Command::delete::<Touch>(id));
                    })
                />
            </div>
        </li>
    }
}
