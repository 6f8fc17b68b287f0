//! The small details of a person ("don't forget the small things",
//! DOMAIN.md point 5): what a rep learns about them — family, likes and
//! dislikes, how to reach them, the dates that matter — listed in their row
//! on the account page, with the dates coming up flagged, and the account's
//! dates coming up at the head of its people, to read before the next
//! visit. Every rule is the domain's (`domain/detail.rs`); the lists are the
//! read model's.
//!
//! Also here, for the adoption card too: [`pick`], a `<select>` over an
//! enum's slugs, and [`form_end`], the error line and buttons of a form.

use chrono::Local;
use leptos::prelude::*;

use crate::document::{Command, RecordKey};
use crate::domain::{
    AccountId, ContactId, Day, Detail, DetailCategory, DetailDraft, DetailField, DetailId, Record,
};
use crate::state::AppState;
use crate::ui::confirm_delete::ConfirmDelete;
use crate::ui::conflicts::Conflicts;
use crate::ui::reactive::{dynamic, keyed, redrawn};
use crate::ui::words::{Key, label, t, words};

/// How many days ahead a date counts as coming up: two weeks, time to
/// plan a call or a card.
const COMING_UP_DAYS: i64 = 14;

/// The small details of one person, and the form that adds or edits one.
#[component]
pub fn Details(
    /// The person they are about.
    contact: ContactId,
    /// Their account (a new detail is grouped under it).
    account: AccountId,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let today = Day(Local::now().date_naive());
    // `Some(None)`: adding; `Some(Some(id))`: editing that detail.
    let form = RwSignal::new(None::<Option<DetailId>>);
    let details = Memo::new(move |_| {
        state.model.with(|m| {
            m.details_of_contact(contact)
                .into_iter()
                .map(|(id, d)| (id, d.clone()))
                .collect::<Vec<_>>()
        })
    });
    let on_edit = Callback::new(move |id| form.set(Some(Some(id))));
    view! {
        <ul class="details" data-testid="details">
            {keyed(move || details.get(), |(id, d)| (*id, d.updated.at), move |item| view! { <DetailItem id=item.0 detail=item.1 today on_edit /> }.into_any())}
        </ul>
        {redrawn(move || match form.get() {
            Some(editing) => {
                view! {
                    <DetailForm contact account editing on_close=Callback::new(move |_| form.set(None)) />
                }
                    .into_any()
            }
            None => {
                view! {
                    <button class="link add-detail" data-testid="add-detail" on:click=move |_| form.set(Some(None))>
                        {t(Key::AddDetail)}
                    </button>
                }
                    .into_any()
            }
        })}
    }
}

/// One detail: its kind and text (Edit beside them), then its date,
/// flagged while coming up. Delete is in the edit form: one tap target a row in the
/// narrow side column, and a delete still asks once.
#[component]
fn DetailItem(
    /// The detail's id.
    id: DetailId,
    /// The detail.
    detail: Detail,
    /// Today, for the coming-up flag.
    today: Day,
    /// Opens the edit form.
    on_edit: Callback<DetailId>,
) -> impl IntoView {
    let soon = detail
        .next_on(today)
        .map(|day| day.days_since(today))
        .filter(|days| *days <= COMING_UP_DAYS)
        .map(|days| words().in_days(days));
    let date = detail
        .date
        .map(|day| words().detail_date(day, detail.yearly));
    let (undated, far) = (date.is_none(), soon.is_none());
    view! {
        <li class=format!("detail category-{}", detail.category.slug()) data-testid="detail">
            <span class="what">
                <span class="badge kind">{words().detail_category(detail.category)}</span>
                " "
                {detail.text}
            </span>
            <button class="link" data-testid="edit-detail" on:click=move |_| on_edit.run(id)>
                {t(Key::Edit)}
            </button>
            <span class="dated meta" hidden=undated>
                {date}
                " "
                <span class="badge coming-up-flag" data-testid="detail-coming-up" hidden=far>
                    {soon}
                </span>
            </span>
            <Conflicts record=RecordKey::Detail(id) />
        </li>
    }
}

/// Adds a detail to a person, or edits one.
#[component]
fn DetailForm(
    /// The person it is about.
    contact: ContactId,
    /// Their account.
    account: AccountId,
    /// The detail being edited, or `None` to add one.
    editing: Option<DetailId>,
    /// Called when saved or cancelled.
    on_close: Callback<()>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let start = editing
        .and_then(|id| {
            state
                .model
                .with_untracked(|m| m.get::<Detail>(id).map(Detail::draft))
        })
        .unwrap_or_else(|| DetailDraft::about(contact, DetailCategory::ALL[0]));
    let about = start.contact;
    let category = RwSignal::new(start.category.slug().to_owned());
    let text = RwSignal::new(start.text);
    let date = RwSignal::new(start.date);
    let yearly = RwSignal::new(start.yearly);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let draft = DetailDraft {
            contact: about,
            category: category.with_untracked(|slug| {
                DetailCategory::ALL
                    .into_iter()
                    .find(|c| c.slug() == slug)
                    .unwrap_or(DetailCategory::Other)
            }),
            text: text.get_untracked(),
            date: date.get_untracked(),
            yearly: yearly.get_untracked(),
        };
        let result = state.command(match editing {
            Some(id) => Command::edit::<Detail>(id, draft),
            None => Command::create::<Detail>(DetailId::random(), account, draft),
        });
        match result {
            Ok(()) => on_close.run(()),
            Err(e) => error.set(Some(words().refusal(&e))),
        }
    };
    let delete = editing.map(|id| {
        view! {
            <ConfirmDelete
                confirm=Key::DeleteThisDetail
                testid="delete-detail"
                on_confirm=Callback::new(move |_| {
                    match state.command(Command::delete::<Detail>(id)) {
                        Ok(()) => on_close.run(()),
                        Err(e) => error.set(Some(words().refusal(&e))),
                    }
                })
            />
        }
    });
    let categories = DetailCategory::ALL
        .map(|c| (c.slug(), words().detail_category(c)))
        .into();
    view! {
        <form class="form inline-form detail-form" data-testid="detail-form" on:submit=submit>
            <div class="row">
                <label>
                    {label::<Detail>(DetailField::Category)}
                    {pick("detail-category", categories, category)}
                </label>
                <label>
                    {label::<Detail>(DetailField::Date)}
                    <input data-testid="detail-date" type="date" bind:value=date />
                </label>
            </div>
            <label>
                {label::<Detail>(DetailField::Text)}
                <input
                    data-testid="detail-text"
                    type="text"
                    autofocus
                    placeholder=t(Key::DetailTextPlaceholder)
                    bind:value=text
                />
            </label>
            <label class="check">
                <input data-testid="detail-yearly" type="checkbox" bind:checked=yearly />
                {label::<Detail>(DetailField::Yearly)}
            </label>
            {form_end(error, "save-detail", Key::SaveDetail, on_close, delete)}
        </form>
    }
}

/// The account's dates coming up within two weeks, soonest first, as one
/// line each at the head of its people; nothing while there is none.
#[component]
pub fn ComingUp(
    /// The account whose people's dates are shown.
    account: AccountId,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let today = Day(Local::now().date_naive());
    // One closure for the whole line: it is redrawn together.
    move || {
        let lines = state.model.with(|m| {
            m.dates_coming_up(Some(account), today, COMING_UP_DAYS)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|u| Some(words().date_coming_up(&m.contact(u.contact)?.name, &u)))
                .collect::<Vec<_>>()
        });
        (!lines.is_empty()).then(|| {
            view! {
                <div class="coming-up" data-testid="coming-up">
                    <strong>{t(Key::ComingUp)}</strong>
                    <ul>
                        {lines
                            .into_iter()
                            .map(|line| view! { <li data-testid="coming-up-item">{line}</li> })
                            .collect_view()}
                    </ul>
                </div>
            }
        })
    }
}

/// A `<select>` over an enum's `ALL`, as `(slug, name)` pairs, bound to the
/// chosen slug in `value`. Not generic, so one copy serves every enum.
pub(crate) fn pick(
    testid: &'static str,
    choices: Vec<(&'static str, &'static str)>,
    value: RwSignal<String>,
) -> impl IntoView + use<> {
    let start = value.get_untracked();
    view! {
        <select data-testid=testid bind:value=value>
            {choices
                .into_iter()
                .map(|(slug, name)| view! { <option value=slug selected=slug == start>{name}</option> })
                .collect_view()}
        </select>
    }
}

/// The end of a form: its refusal, if any, then the save button (of test
/// id `testid`, saying `save`), Cancel and `more` (a delete).
pub(crate) fn form_end(
    error: RwSignal<Option<String>>,
    testid: &'static str,
    save: Key,
    on_close: Callback<()>,
    more: impl IntoView + 'static,
) -> impl IntoView {
    view! {
        <p class="form-error" data-testid="form-error" role="alert" hidden=dynamic(move || error.get().is_none())>
            {redrawn(move || error.get())}
        </p>
        <div class="actions">
            <button type="submit" class="primary" data-testid=testid>
                {t(save)}
            </button>
            <button type="button" on:click=move |_| on_close.run(())>{t(Key::Cancel)}</button>
            {more}
        </div>
    }
}
