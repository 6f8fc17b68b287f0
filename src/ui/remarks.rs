//! The feedback system of one account (DOMAIN.md, points 5 and 10): the
//! client's remarks and complaints, open ones first with their age, the
//! ones that need an action flagged, the action with who and when (and
//! whether it is overdue), and the complaint made in exploration marked as
//! the chance the chapter names; the ended ones after, with what was done
//! or why nothing was. The form records one; an open one gets its action
//! and ends resolved or closed without action. Every rule is the domain's
//! (`domain/remark.rs`): the page checks each command against its read
//! model with the same code the worker runs.

use chrono::Local;
use leptos::prelude::*;

use crate::document::{Command, RecordKey};
use crate::domain::{
    AccountId, Day, Record, Remark, RemarkDraft, RemarkEnd, RemarkField, RemarkId, Role, Sentiment,
    Severity, Topic,
};
use crate::state::AppState;
use crate::ui::choice::{Choice, PersonChoice, chosen};
use crate::ui::conflicts::Conflicts;
use crate::ui::form_panel::{FormPanel, Input, NewHead, refused};
use crate::ui::reactive::{When, dynamic, keyed, redrawn};
use crate::ui::words::{Key, label, t, words};

/// A remark as the list shows it: with the name of who made it, and
/// whether it is the chance of a complaint in exploration.
type Shown = (RemarkId, Remark, Option<String>, bool);

/// Today, as the forms' date fields start.
pub(crate) fn today_text() -> String {
    Day(Local::now().date_naive()).to_string()
}

/// The remarks and complaints of one account, and the form to record one.
#[component]
pub fn Remarks(
    /// The account the remarks came from.
    account: AccountId,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let adding = RwSignal::new(false);
    let today = Day(Local::now().date_naive());
    let remarks = Memo::new(move |_| {
        state.model.with(|m| {
            m.remarks_of(account)
                .into_iter()
                .map(|(id, r)| {
                    let from = r.from.and_then(|c| m.contact(c)).map(|c| c.name.clone());
                    (id, r.clone(), from, r.is_chance(m.as_ref()))
                })
                .collect::<Vec<Shown>>()
        })
    });
    // The open ones, or the ended ones (`remarks_of` sorts them so).
    let part = move |open: bool| {
        move || {
            remarks.with(|rs| {
                rs.iter()
                    .filter(|r| r.1.is_open() == open)
                    .cloned()
                    .collect::<Vec<_>>()
            })
        }
    };
    let list = move |open: bool, testid: &'static str| {
        view! {
            <ul class="ledger" data-testid=testid>
                {keyed(part(open), |r| (r.0, r.1.updated.at, r.2.clone(), r.3), move |item| view! { <RemarkItem id=item.0 remark=item.1 from=item.2 chance=item.3 today /> }.into_any())}
            </ul>
        }
    };
    view! {
        <section class="card remarks" data-testid="remarks">
            <NewHead title=Key::RemarksTitle button=Key::NewRemark testid="new-remark" adding />
            <When when=move || adding.get()>
                <RemarkForm account on_close=Callback::new(move |_| adding.set(false)) />
            </When>
            {list(true, "open-remarks")}
            <p class="hint" hidden=dynamic(move || !remarks.with(Vec::is_empty))>{t(Key::NoRemarksYet)}</p>
            <h3 class="ledger-head" hidden=dynamic(move || remarks.with(|rs| rs.iter().all(|r| r.1.is_open())))>
                {t(Key::EndedRemarks)}
            </h3>
            {list(false, "ended-remarks")}
        </section>
    }
}

/// Which panel of an open remark is open.
#[derive(Clone, Copy, PartialEq)]
enum Panel {
    /// Its action: what, by whom, by when.
    Act,
    /// Its end.
    End(RemarkEnd),
}

/// One remark: what was said, by whom, about what; its action and how it
/// ended, or the buttons that act on it.
#[component]
fn RemarkItem(
    /// The remark's id.
    id: RemarkId,
    /// The remark.
    remark: Remark,
    /// The name of who made it.
    from: Option<String>,
    /// A complaint made in exploration.
    chance: bool,
    /// Today, for the age and the overdue flag.
    today: Day,
) -> impl IntoView {
    let panel = RwSignal::new(None::<Panel>);
    let open = remark.is_open();
    let overdue = remark.is_action_overdue(today);
    let needs = open && remark.needs_action() && !remark.has_action();
    let mut class = format!("remark severity-{}", remark.severity.slug());
    for (on, flag) in [
        (needs, " needs-action"),
        (overdue, " overdue"),
        (chance, " chance"),
    ] {
        if on {
            class.push_str(flag);
        }
    }
    if let Some(end) = remark.end {
        class.push_str(&format!(" end-{}", end.slug()));
    }
    let badge = |class: String, testid: &'static str, words: String| {
        view! { <span class=format!("badge {class}") data-testid=testid>{words}</span> }
    };
    let flags = [
        (
            needs,
            "overdue-flag",
            "remark-needs-action",
            t(Key::NeedsAction),
        ),
        (overdue, "overdue-flag", "remark-overdue", t(Key::Overdue)),
        (chance, "chance", "remark-chance", t(Key::Chance)),
    ]
    .into_iter()
    .filter(|f| f.0)
    .map(|(_, class, testid, words)| badge(class.to_owned(), testid, words.to_owned()))
    .collect_view();
    let field = |f| label::<Remark>(f);
    let meta = said_by(
        from.map(|name| (field(RemarkField::From), name)),
        (field(RemarkField::Role), words().role(remark.role)),
        (field(RemarkField::Day), remark.day),
    );
    let age = open.then(|| words().remark_age(remark.age(today)));
    let action = remark.action_due.map(|due| {
        let when = format!(
            "{}: {due} · {}: {}",
            field(RemarkField::ActionDue),
            field(RemarkField::ActionBy),
            remark.action_by,
        );
        view! {
            <div class="remark-action" data-testid="remark-action">
                <p>
                    <strong>{field(RemarkField::Action)} ": "</strong>
                    {remark.action.clone()}
                </p>
                <p class="meta">{when}</p>
            </div>
        }
    });
    let ended = remark.end.map(|end| {
        ended_line(
            format!("end-{}", end.slug()),
            "remark-end",
            words().remark_end(end),
            remark.ended_on,
            remark.end_note.clone(),
        )
    });
    let remark = StoredValue::new(remark);
    let buttons = move || {
        [
            (Key::ActOnIt, "act-on-remark", Panel::Act),
            (
                Key::Resolve,
                "resolve-remark",
                Panel::End(RemarkEnd::Resolved),
            ),
            (
                Key::CloseWithoutAction,
                "close-remark",
                Panel::End(RemarkEnd::ClosedWithoutAction),
            ),
        ]
        .into_iter()
        .map(|(key, testid, p)| {
            view! {
                <button type="button" data-testid=testid on:click=move |_| panel.set(Some(p))>
                    {t(key)}
                </button>
            }
        })
        .collect_view()
    };
    let panels = redrawn(move || {
        let close = Callback::new(move |_| panel.set(None));
        match panel.get() {
            None => view! { <div class="actions">{buttons()}</div> }.into_any(),
            Some(Panel::Act) => {
                view! { <ActPanel id remark=remark.get_value() on_close=close /> }.into_any()
            }
            Some(Panel::End(end)) => {
                view! { <EndPanel id remark=remark.get_value() end on_close=close /> }.into_any()
            }
        }
    });
    remark.with_value(|r| {
        view! {
            <li class=class data-testid="remark">
                <div class="promise-head">
                    {badge(format!("kind severity-{}", r.severity.slug()), "badge-severity", words().severity(r.severity).to_owned())}
                    {badge(format!("kind sentiment-{}", r.sentiment.slug()), "badge-sentiment", words().sentiment(r.sentiment).to_owned())}
                    {badge("kind".to_owned(), "badge-topic", words().topic(r.topic).to_owned())}
                    {flags}
                    <span class="due" data-testid="remark-age">{age}</span>
                </div>
                <p class="what">{r.text.clone()}</p>
                <p class="meta">{meta}</p>
                {(chance && open).then(|| view! { <p class="chance-hint">{t(Key::ChanceHint)}</p> })}
                {action}
                {ended}
                <Conflicts record=RecordKey::Remark(id) />
                {open.then_some(panels)}
            </li>
        }
    })
}

/// Who said it, their role and the day, as a remark's or a warning's meta
/// line: each a label and its value.
pub(crate) fn said_by(
    from: Option<(String, String)>,
    role: (String, &str),
    day: (String, Day),
) -> String {
    let mut parts = vec![format!("{}: {}", day.0, day.1)];
    parts.extend(from.map(|(l, name)| format!("{l}: {name}")));
    parts.push(format!("{}: {}", role.0, role.1));
    parts.join(" · ")
}

/// How a remark ended or a warning was followed up: a badge, the day and
/// the note.
pub(crate) fn ended_line(
    class: String,
    testid: &'static str,
    words: &'static str,
    day: Option<Day>,
    note: String,
) -> impl IntoView + use<> {
    let day = day.map(|d| d.to_string()).unwrap_or_default();
    view! {
        <p class="outcome">
            <span class=format!("badge {class}") data-testid=testid>{words}</span>
            " "
            <time datetime=day.clone()>{day.clone()}</time>
            " "
            {note}
        </p>
    }
}

/// Sends `draft` as the edit of remark `id`: the refusal's sentence, if
/// any.
fn send_edit(state: AppState, id: RemarkId, draft: RemarkDraft) -> Option<String> {
    refused(state.command(Command::edit::<Remark>(id, draft)))
}

/// The action on an open remark: what, by whom (the rep, to start with),
/// by when.
#[component]
fn ActPanel(
    /// The remark's id.
    id: RemarkId,
    /// The remark as it stands.
    remark: Remark,
    /// Called when saved or cancelled.
    on_close: Callback<()>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let draft = remark.draft();
    let by = if draft.action_by.is_empty() {
        state.settings.get_untracked().rep_name
    } else {
        draft.action_by.clone()
    };
    let what = RwSignal::new(draft.action.clone());
    let by = RwSignal::new(by);
    let due = RwSignal::new(draft.action_due.clone());
    let draft = StoredValue::new(draft);
    let on_save = Callback::new(move |()| {
        let mut draft = draft.get_value();
        draft.action = what.get_untracked();
        draft.action_by = by.get_untracked();
        draft.action_due = due.get_untracked();
        send_edit(state, id, draft)
    });
    let inputs = vec![
        Input::new(
            label::<Remark>(RemarkField::Action),
            "action-what",
            "note",
            what,
        ),
        Input::new(
            label::<Remark>(RemarkField::ActionBy),
            "action-by",
            "text",
            by,
        ),
        Input::new(
            label::<Remark>(RemarkField::ActionDue),
            "action-due",
            "date",
            due,
        ),
    ];
    view! { <FormPanel class="form close-panel" name="action" inputs save=Key::Save on_save on_close /> }
}

/// How an open remark ends: the day (today, to start with) and what was
/// done, or why nothing was.
#[component]
fn EndPanel(
    /// The remark's id.
    id: RemarkId,
    /// The remark as it stands.
    remark: Remark,
    /// Resolved or closed without action.
    end: RemarkEnd,
    /// Called when saved or cancelled.
    on_close: Callback<()>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let draft = StoredValue::new(remark.draft());
    let (day, note) = (RwSignal::new(today_text()), RwSignal::new(String::new()));
    let on_save = Callback::new(move |()| {
        let mut draft = draft.get_value();
        draft.end = Some(end);
        draft.ended_on = day.get_untracked();
        draft.end_note = note.get_untracked();
        send_edit(state, id, draft)
    });
    let why = match end {
        RemarkEnd::Resolved => Key::WhatWasDone,
        RemarkEnd::ClosedWithoutAction => Key::WhyNoAction,
    };
    let (note_label, day_label) = (t(why).to_owned(), label::<Remark>(RemarkField::EndedOn));
    view! { <NotePanel name="end" note_label day_label day note on_save on_close /> }
}

/// A note with its day, as a remark or a warning ends with.
#[component]
pub(crate) fn NotePanel(
    /// Names the test ids (see [`FormPanel`]).
    name: &'static str,
    /// The note's label.
    note_label: String,
    /// The day's label.
    day_label: String,
    /// The day.
    day: RwSignal<String>,
    /// The note.
    note: RwSignal<String>,
    /// Sends it (see [`FormPanel`]).
    on_save: Callback<(), Option<String>>,
    /// Called when saved or cancelled.
    on_close: Callback<()>,
) -> impl IntoView {
    let inputs = vec![
        Input::new(note_label, "end-note", "note", note),
        Input::new(day_label, "end-day", "date", day),
    ];
    view! { <FormPanel class="form close-panel" name inputs save=Key::Save on_save on_close /> }
}

/// Records a remark: from whom, their role, about what, how they felt,
/// remark or complaint, what was said, the day (today, to start with).
#[component]
fn RemarkForm(
    /// The account the remark came from.
    account: AccountId,
    /// Called when saved or cancelled.
    on_close: Callback<()>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let slug = |s: &'static str| RwSignal::new(s.to_owned());
    let from = RwSignal::new(String::new());
    let role = slug(Role::Buyer.slug());
    let topic = slug(Topic::Delivery.slug());
    let sentiment = slug(Sentiment::Neutral.slug());
    let severity = slug(Severity::Remark.slug());
    let (text, day) = (RwSignal::new(String::new()), RwSignal::new(today_text()));
    let on_save = Callback::new(move |()| {
        let draft = RemarkDraft {
            from: from.with_untracked(|c| c.parse().ok()),
            ..RemarkDraft::heard(
                chosen(Role::ALL, Role::slug, role),
                chosen(Topic::ALL, Topic::slug, topic),
                chosen(Sentiment::ALL, Sentiment::slug, sentiment),
                chosen(Severity::ALL, Severity::slug, severity),
                &text.get_untracked(),
                &day.get_untracked(),
            )
        };
        refused(state.command(Command::create::<Remark>(
            RemarkId::random(),
            account,
            draft,
        )))
    });
    let field = |f| label::<Remark>(f);
    let inputs = vec![
        Input::new(field(RemarkField::Text), "remark-text", "note", text)
            .hint(Key::RemarkTextPlaceholder),
        Input::new(field(RemarkField::Day), "remark-day", "date", day),
    ];
    view! {
        <FormPanel class="form inline-form feedback-form" name="remark" inputs save=Key::SaveRemark on_save on_close>
            <div class="row">
                <PersonChoice account label=field(RemarkField::From) testid="remark-from" value=from />
                <Choice label=field(RemarkField::Role) testid="remark-role" options=Role::ALL.iter().map(|c| (c.slug(), words().role(*c))).collect() value=role />
                <Choice label=field(RemarkField::Topic) testid="remark-topic" options=Topic::ALL.iter().map(|c| (c.slug(), words().topic(*c))).collect() value=topic />
                <Choice label=field(RemarkField::Sentiment) testid="remark-sentiment" options=Sentiment::ALL.iter().map(|c| (c.slug(), words().sentiment(*c))).collect() value=sentiment />
                <Choice label=field(RemarkField::Severity) testid="remark-severity" options=Severity::ALL.iter().map(|c| (c.slug(), words().severity(*c))).collect() value=severity />
            </div>
        </FormPanel>
    }
}
