//! Early warnings of one account (DOMAIN.md, point 9: no complaints does
//! not mean satisfied): what the client's users, technical and support
//! staff let slip — who, what was heard, how serious — flagged until it is
//! followed up: turned into a complaint (a remark of the account, which
//! then gets its action and its end) or closed with a note. Every rule is
//! the domain's (`domain/early_warning.rs`).

use leptos::prelude::*;

use crate::document::{Command, RecordKey};
use crate::domain::{
    AccountId, EarlyWarning, EarlyWarningDraft, EarlyWarningField, EarlyWarningId, Record, Remark,
    RemarkId, Seriousness, WarningEnd, WarningRole,
};
use crate::state::AppState;
use crate::ui::choice::{Choice, PersonChoice, chosen};
use crate::ui::conflicts::Conflicts;
use crate::ui::form_panel::{FormPanel, Input, NewHead, refused};
use crate::ui::reactive::{When, dynamic, keyed, redrawn};
use crate::ui::remarks::{NotePanel, ended_line, said_by, today_text};
use crate::ui::words::{Key, label, t, words};

/// A warning as the list shows it, with the name of who said it.
type Shown = (EarlyWarningId, EarlyWarning, Option<String>);

/// The early warnings of one account, and the form to record one.
#[component]
pub fn EarlyWarnings(
    /// The account they were heard at.
    account: AccountId,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let adding = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    // A warning turned into a complaint waits here until the complaint is
    // in the read model (the page checks a command against it), then ends
    // as having become that complaint.
    let pending = RwSignal::new(None::<(EarlyWarningId, RemarkId)>);
    Effect::new(move |_| {
        let Some((warning, complaint)) = pending.get() else {
            return;
        };
        let draft = state.model.with(|m| {
            m.get::<Remark>(complaint)
                .and(m.get::<EarlyWarning>(warning))
                .map(EarlyWarning::draft)
        });
        let Some(mut draft) = draft else {
            return;
        };
        pending.set(None);
        draft.end = Some(WarningEnd::BecameComplaint);
        draft.ended_on = today_text();
        draft.complaint = Some(complaint);
        if let Err(e) = state.command(Command::edit::<EarlyWarning>(warning, draft)) {
            let why = words().refusal(&e);
            error.set(Some(
                t(Key::ComplaintSavedWarningOpen).replace("{why}", &why),
            ));
        }
    });
    let warnings = Memo::new(move |_| {
        state.model.with(|m| {
            m.early_warnings_of(account)
                .into_iter()
                .map(|(id, w)| {
                    let from = w.from.and_then(|c| m.contact(c)).map(|c| c.name.clone());
                    (id, w.clone(), from)
                })
                .collect::<Vec<Shown>>()
        })
    });
    let list = move |open: bool, testid: &'static str| {
        let each = move || {
            warnings.with(|ws| {
                ws.iter()
                    .filter(|w| w.1.is_open() == open)
                    .cloned()
                    .collect::<Vec<_>>()
            })
        };
        view! {
            <ul class="ledger" data-testid=testid>
                {keyed(each, |w| (w.0, w.1.updated.at, w.2.clone()), move |item| view! { <WarningItem id=item.0 warning=item.1 from=item.2 pending error /> }.into_any())}
            </ul>
        }
    };
    let none_open = move || warnings.with(|ws| ws.iter().all(|w| !w.1.is_open()));
    view! {
        <section class="card early-warnings" data-testid="early-warnings">
            <NewHead title=Key::WarningsTitle button=Key::NewWarning testid="new-warning" adding />
            <When when=move || adding.get()>
                <WarningForm account on_close=Callback::new(move |_| adding.set(false)) />
            </When>
            <p class="form-error" data-testid="warning-error" role="alert" hidden=dynamic(move || error.get().is_none())>
                {redrawn(move || error.get())}
            </p>
            {list(true, "open-warnings")}
            <p class="hint" hidden=dynamic(move || !none_open())>{t(Key::WarningsHint)}</p>
            <h3 class="ledger-head" hidden=dynamic(move || warnings.with(|ws| ws.iter().all(|w| w.1.is_open())))>
                {t(Key::FollowedUp)}
            </h3>
            {list(false, "followed-up-warnings")}
        </section>
    }
}

/// One warning: what was heard, from whom, how serious; how it was
/// followed up, or the buttons that follow it up.
#[component]
fn WarningItem(
    /// The warning's id.
    id: EarlyWarningId,
    /// The warning.
    warning: EarlyWarning,
    /// The name of who said it.
    from: Option<String>,
    /// Where a warning turned into a complaint waits to be ended.
    pending: RwSignal<Option<(EarlyWarningId, RemarkId)>>,
    /// The card's error line.
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let closing = RwSignal::new(false);
    let open = warning.is_open();
    let class = match warning.end {
        None => format!("warning flagged seriousness-{}", warning.seriousness.slug()),
        Some(end) => format!("warning end-{}", end.slug()),
    };
    let field = |f| label::<EarlyWarning>(f);
    let meta = said_by(
        from.map(|name| (field(EarlyWarningField::From), name)),
        (
            field(EarlyWarningField::Role),
            words().warning_role(warning.role),
        ),
        (field(EarlyWarningField::Day), warning.day),
    );
    let ended = warning.end.map(|end| {
        ended_line(
            format!("end-{}", end.slug()),
            "warning-end",
            words().warning_end(end),
            warning.ended_on,
            warning.end_note.clone(),
        )
    });
    let warning = StoredValue::new(warning);
    let to_complaint = move |_| {
        let complaint = RemarkId::random();
        let (account, draft) =
            warning.with_value(|w| (w.account, w.complaint_draft(&today_text())));
        match state.command(Command::create::<Remark>(complaint, account, draft)) {
            Ok(()) => {
                error.set(None);
                pending.set(Some((id, complaint)));
            }
            Err(e) => error.set(Some(words().refusal(&e))),
        }
    };
    let (day, note) = (RwSignal::new(today_text()), RwSignal::new(String::new()));
    let close = Callback::new(move |()| {
        let mut draft: EarlyWarningDraft = warning.with_value(EarlyWarning::draft);
        draft.end = Some(WarningEnd::Closed);
        draft.ended_on = day.get_untracked();
        draft.end_note = note.get_untracked();
        refused(state.command(Command::edit::<EarlyWarning>(id, draft)))
    });
    let panels = redrawn(move || {
        if closing.get() {
            view! {
                <NotePanel
                    name="close"
                    note_label=field(EarlyWarningField::EndNote)
                    day_label=field(EarlyWarningField::EndedOn)
                    day
                    note
                    on_save=close
                    on_close=Callback::new(move |_| closing.set(false))
                />
            }
            .into_any()
        } else {
            view! {
                <div class="actions">
                    <button type="button" data-testid="to-complaint" on:click=to_complaint>
                        {t(Key::TurnIntoComplaint)}
                    </button>
                    <button type="button" data-testid="close-warning" on:click=move |_| closing.set(true)>
                        {t(Key::CloseWarning)}
                    </button>
                </div>
            }
            .into_any()
        }
    });
    warning.with_value(|w| {
        view! {
            <li class=class data-testid="warning">
                <div class="promise-head">
                    <span class=if open { format!("badge seriousness-{}", w.seriousness.slug()) } else { "badge kind".into() } data-testid="badge-seriousness">
                        {words().seriousness(w.seriousness)}
                    </span>
                </div>
                <p class="what">{w.heard.clone()}</p>
                <p class="meta">{meta}</p>
                {ended}
                <Conflicts record=RecordKey::EarlyWarning(id) />
                {open.then_some(panels)}
            </li>
        }
    })
}

/// Records a warning: from whom, their role, how serious, what was heard,
/// the day (today, to start with).
#[component]
fn WarningForm(
    /// The account it was heard at.
    account: AccountId,
    /// Called when saved or cancelled.
    on_close: Callback<()>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let from = RwSignal::new(String::new());
    let role = RwSignal::new(WarningRole::User.slug().to_owned());
    let seriousness = RwSignal::new(Seriousness::Medium.slug().to_owned());
    let (heard, day) = (RwSignal::new(String::new()), RwSignal::new(today_text()));
    let on_save = Callback::new(move |()| {
        let draft = EarlyWarningDraft {
            from: from.with_untracked(|c| c.parse().ok()),
            ..EarlyWarningDraft::heard(
                chosen(WarningRole::ALL, WarningRole::slug, role),
                chosen(Seriousness::ALL, Seriousness::slug, seriousness),
                &heard.get_untracked(),
                &day.get_untracked(),
            )
        };
        refused(state.command(Command::create::<EarlyWarning>(
            EarlyWarningId::random(),
            account,
            draft,
        )))
    });
    let field = |f| label::<EarlyWarning>(f);
    let inputs = vec![
        Input::new(
            field(EarlyWarningField::Heard),
            "warning-heard",
            "note",
            heard,
        )
        .hint(Key::HeardPlaceholder),
        Input::new(field(EarlyWarningField::Day), "warning-day", "date", day),
    ];
    view! {
        <FormPanel class="form inline-form feedback-form" name="warning" inputs save=Key::SaveWarning on_save on_close>
            <div class="row">
                <PersonChoice account label=field(EarlyWarningField::From) testid="warning-from" value=from />
                <Choice label=field(EarlyWarningField::Role) testid="warning-role" options=WarningRole::ALL.iter().map(|c| (c.slug(), words().warning_role(*c))).collect() value=role />
                <Choice label=field(EarlyWarningField::Seriousness) testid="warning-seriousness" options=Seriousness::ALL.iter().map(|c| (c.slug(), words().seriousness(*c))).collect() value=seriousness />
            </div>
        </FormPanel>
    }
}
