//! Joint programs on the account page (DOMAIN.md, point 4): plans built
//! with the client, each with actions owned by a rep or by someone at the
//! client, due on a day, followed up until done or dropped.
//!
//! The rules (a goal, an owner, a note when dropping) are the domain's
//! (`domain::program`); this file shows its refusals inline.

use chrono::Local;
use leptos::prelude::*;

use crate::document::{Command, RecordKey};
use crate::domain::{
    AccountId, ActionStatus, ContactId, Day, Program, ProgramAction, ProgramActionDraft,
    ProgramActionField, ProgramActionId, ProgramDraft, ProgramField, ProgramId, Record as _,
};
use crate::state::AppState;
use crate::ui::conflicts::Conflicts;
use crate::ui::form_panel::{FormPanel, Input, refused};
use crate::ui::reactive::{When, dynamic, keyed};
use crate::ui::words::{Key, label, t, words};

fn today() -> Day {
    Day(Local::now().date_naive())
}

/// The joint programs of one account, with the form to add one.
#[component]
pub fn Programs(
    /// The account the programs are with.
    account: AccountId,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let programs = Memo::new(move |_| {
        state.model.with(|m| {
            m.programs_of(account)
                .into_iter()
                .map(|(id, p)| (id, p.clone()))
                .collect::<Vec<_>>()
        })
    });
    let adding = RwSignal::new(false);
    view! {
        <section class="card programs" data-testid="programs">
            <div class="section-head">
                <h2>{t(Key::JointPrograms)}</h2>
                <button data-testid="add-program" hidden=dynamic(move || adding.get()) on:click=move |_| adding.set(true)>
                    {t(Key::AddProgramButton)}
                </button>
            </div>
            <When when=move || adding.get()>
                <ProgramForm account on_close=Callback::new(move |_| adding.set(false)) />
            </When>
            <When when=move || programs.with(Vec::is_empty) && !adding.get()>
                <p class="hint">{t(Key::JointProgramsHint)}</p>
            </When>
            <ul class="program-list">
                {keyed(move || programs.get(), |(id, p)| (*id, p.updated.at), move |item| view! { <ProgramItem account id=item.0 program=item.1 /> }.into_any())}
            </ul>
        </section>
    }
}

/// One program: goal, how, next follow-up, and its actions.
#[component]
fn ProgramItem(
    /// The account.
    account: AccountId,
    /// The program's id.
    id: ProgramId,
    /// The program.
    program: Program,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let actions = Memo::new(move |_| {
        state.model.with(|m| {
            m.program_actions_of(account, id)
                .into_iter()
                .map(|(id, a)| (id, a.clone()))
                .collect::<Vec<_>>()
        })
    });
    let adding = RwSignal::new(false);
    let follow_up = program.follow_up.map(|day| {
        let late = day < today();
        view! {
            <p class="follow-up" class:overdue=late>
                {t(Key::FollowUpOn)} " " {day.to_string()}
            </p>
        }
    });
    view! {
        <li class="program" data-testid="program">
            <h3 data-testid="program-goal-text">{program.goal.clone()}</h3>
            <p class="note" hidden=program.note.is_empty()>{program.note.clone()}</p>
            {follow_up}
            <Conflicts record=RecordKey::Program(id) />
            <ul class="action-list">
                {keyed(move || actions.get(), |(id, a)| (*id, a.updated.at), move |item| view! { <ActionRow id=item.0 action=item.1 /> }.into_any())}
            </ul>
            <When when=move || actions.with(Vec::is_empty) && !adding.get()>
                <p class="hint">{t(Key::NoActionsYet)}</p>
            </When>
            <When
                when=move || adding.get()
                fallback=move || {
                    view! {
                        <button class="link add-action" data-testid="add-action" on:click=move |_| adding.set(true)>
                            {t(Key::AddActionButton)}
                        </button>
                    }
                }
            >
                <ActionForm account program=id on_close=Callback::new(move |_| adding.set(false)) />
            </When>
        </li>
    }
}

/// One action: what, whose, due, where it stands; done or dropped with a note.
#[component]
fn ActionRow(
    /// The action's id.
    id: ProgramActionId,
    /// The action.
    action: ProgramAction,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let owner = match action.owner_contact {
        Some(contact) => state
            .model
            .with_untracked(|m| m.contact(contact).map(|c| c.name.clone()))
            .unwrap_or_default(),
        None => words().rep(&action.owner_rep),
    };
    let open = action.status == ActionStatus::Open;
    let overdue = open && action.due < today();
    // The status being set, until confirmed with its note.
    let closing = RwSignal::new(None::<ActionStatus>);
    let note = RwSignal::new(String::new());
    let draft = StoredValue::new(action.draft());
    let confirm = Callback::new(move |()| {
        let status = closing.get_untracked()?;
        let draft = ProgramActionDraft {
            status,
            status_note: note.get_untracked(),
            ..draft.get_value()
        };
        refused(state.command(Command::edit::<ProgramAction>(id, draft)))
    });
    view! {
        <li
            class=format!("action status-{}", action.status.slug())
            class:overdue=overdue
            data-testid="action"
            data-status=action.status.slug()
        >
            <div class="action-what">
                <strong>{action.what.clone()}</strong>
                <span class="meta">
                    {format!("{owner} · {} {}", t(Key::DueOn), action.due)}
                </span>
            </div>
            <div class="action-state">
                <span class="status-chip" data-testid="action-status">
                    {words().action_status(action.status)}
                </span>
                <span class="overdue-flag" data-testid="action-overdue" hidden=!overdue>
                    {t(Key::Overdue)}
                </span>
            </div>
            <p class="note" hidden=action.status_note.is_empty()>{action.status_note.clone()}</p>
            <Conflicts record=RecordKey::ProgramAction(id) />
            <When when=move || open && closing.get().is_none()>
                <div class="row-actions">
                    <button data-testid="action-done" on:click=move |_| closing.set(Some(ActionStatus::Done))>
                        {t(Key::MarkDone)}
                    </button>
                    <button data-testid="action-drop" on:click=move |_| closing.set(Some(ActionStatus::Dropped))>
                        {t(Key::DropAction)}
                    </button>
                </div>
            </When>
            <When when=move || closing.get().is_some()>
                <FormPanel
                    class="form status-form"
                    name="action-status"
                    inputs=vec![
                        Input::new(
                            format!(
                                "{} — {}",
                                closing.get_untracked().map(|s| words().action_status(s)).unwrap_or_default(),
                                label::<ProgramAction>(ProgramActionField::StatusNote),
                            ),
                            "action-status-note",
                            "text",
                            note,
                        )
                        .hint(Key::StatusNotePlaceholder),
                    ]
                    save=Key::ConfirmStatus
                    on_save=confirm
                    on_close=Callback::new(move |()| closing.set(None))
                />
            </When>
        </li>
    }
}

/// Add a program: goal, how, next follow-up.
#[component]
fn ProgramForm(
    /// The account.
    account: AccountId,
    /// Called when saved or cancelled.
    on_close: Callback<()>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let goal = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let follow_up = RwSignal::new(String::new());
    let on_save = Callback::new(move |()| {
        let draft = ProgramDraft {
            goal: goal.get_untracked(),
            note: note.get_untracked(),
            follow_up: follow_up.get_untracked(),
        };
        refused(state.command(Command::create::<Program>(
            ProgramId::random(),
            account,
            draft,
        )))
    });
    let inputs = vec![
        Input::new(
            label::<Program>(ProgramField::Goal),
            "program-goal",
            "text",
            goal,
        )
        .hint(Key::GoalPlaceholder),
        Input::new(
            label::<Program>(ProgramField::Note),
            "program-note",
            "text",
            note,
        ),
        Input::new(
            label::<Program>(ProgramField::FollowUp),
            "program-follow-up",
            "date",
            follow_up,
        ),
    ];
    view! { <FormPanel class="form inline-form" name="program" inputs save=Key::SaveProgram on_save on_close /> }
}

/// Add an action to a program: what, who (a rep, or someone at the
/// client), due.
#[component]
fn ActionForm(
    /// The account.
    account: AccountId,
    /// The program the action belongs to.
    program: ProgramId,
    /// Called when saved or cancelled.
    on_close: Callback<()>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let me = state.settings.with_untracked(|s| s.rep_name.clone());
    // Owners as the picker offers them: `rep:<name>` or `contact:<id>`.
    let (reps, people) = state.model.with_untracked(|m| {
        let reps = m.reps_and(&me);
        let people: Vec<(ContactId, String)> = m
            .contacts_of(account)
            .into_iter()
            .map(|(id, c)| (id, c.name.clone()))
            .collect();
        (reps, people)
    });
    let what = RwSignal::new(String::new());
    let owner = RwSignal::new(format!("rep:{me}"));
    let due = RwSignal::new(today().plus(7).to_string());
    let on_save = Callback::new(move |()| {
        let chosen = owner.get_untracked();
        let (owner_rep, owner_contact) = match chosen.split_once(':') {
            Some(("contact", id)) => (String::new(), id.parse::<ContactId>().ok()),
            Some((_, name)) => (name.to_owned(), None),
            None => (String::new(), None),
        };
        let draft = ProgramActionDraft {
            program,
            what: what.get_untracked(),
            owner_rep,
            owner_contact,
            due: due.get_untracked(),
            status: ActionStatus::Open,
            status_note: String::new(),
        };
        refused(state.command(Command::create::<ProgramAction>(
            ProgramActionId::random(),
            account,
            draft,
        )))
    });
    let inputs = vec![
        Input::new(
            label::<ProgramAction>(ProgramActionField::What),
            "program-action-what",
            "text",
            what,
        ),
        Input::new(
            label::<ProgramAction>(ProgramActionField::Due),
            "program-action-due",
            "date",
            due,
        ),
    ];
    view! {
        <FormPanel class="form inline-form action-form" name="program-action" inputs save=Key::SaveAction on_save on_close>
            <label class="wide">
                {words().field("accounts", "owner")}
                <select data-testid="program-action-owner" bind:value=owner>
                    <optgroup label=t(Key::OwnerRepGroup)>
                        {reps
                            .into_iter()
                            .map(|r| view! { <option value=format!("rep:{r}")>{words().rep(&r)}</option> })
                            .collect_view()}
                    </optgroup>
                    <optgroup label=t(Key::OwnerContactGroup)>
                        {people
                            .into_iter()
                            .map(|(id, name)| view! { <option value=format!("contact:{id}")>{name}</option> })
                            .collect_view()}
                    </optgroup>
                </select>
            </label>
        </FormPanel>
    }
}
