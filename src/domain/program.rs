//! Joint strategic programs (DOMAIN.md, point 4): plans a rep builds
//! together with a partner client — a goal, the actions that reach it, each
//! with an owner on either side and a due day — whose execution the rep
//! follows up.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::domain::day::calendar_day;
use crate::domain::ids::typed_id;
use crate::domain::record::{fields, stamps};
use crate::domain::sort::sort_by_key;
use crate::domain::text::{note, required_name, required_note, short};
use crate::domain::{
    AccountId, Contact, ContactId, Day, DomainError, Draft, Edit, Record, RecordKey, Records, Stamp,
};

typed_id!(
    /// Identifies a joint strategic program.
    ProgramId for Program
);
typed_id!(
    /// Identifies one action of a joint program.
    ProgramActionId for ProgramAction
);

/// A joint program, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Program {
    /// The partner account.
    pub account: AccountId,
    /// What the two companies set out to reach.
    pub goal: String,
    /// How, in the rep's words.
    pub note: String,
    /// The next day the rep and the client review it together.
    pub follow_up: Option<Day>,
    /// Who started it.
    pub created: Stamp,
    /// Who changed it last.
    pub updated: Stamp,
    /// Tombstone.
    pub deleted: Option<Stamp>,
}

fields! {
    /// The fields of a program a conflict can be settled on.
    ProgramField {
        /// [`Program::goal`].
        Goal = "goal",
        /// [`Program::note`].
        Note = "note",
        /// [`Program::follow_up`].
        FollowUp = "follow_up",
    }
}

/// The program form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramDraft {
    /// Goal (required).
    pub goal: String,
    /// Note.
    pub note: String,
    /// Next follow-up, `YYYY-MM-DD` or empty.
    pub follow_up: String,
}

impl Draft for ProgramDraft {
    type Record = Program;
}

impl ProgramDraft {
    fn validated(&self, edit: &Edit) -> Result<(String, String, Option<Day>), DomainError> {
        let goal = required_name("goal", &self.goal)?;
        let note = note("note", &self.note)?;
        let follow_up = match self.follow_up.trim() {
            "" => None,
            raw => Some(calendar_day(raw, edit.today)?),
        };
        Ok((goal, note, follow_up))
    }
}

impl Record for Program {
    const COLLECTION: &'static str = "programs";
    const SINCE: u64 = 2;
    type Id = ProgramId;
    type Parent = AccountId;
    type Draft = ProgramDraft;
    type Field = ProgramField;

    fn parent(&self) -> Option<AccountId> {
        Some(self.account)
    }

    stamps!();

    fn check_draft(draft: &ProgramDraft, edit: &Edit) -> Result<(), DomainError> {
        draft.validated(edit).map(|_| ())
    }

    fn create(
        account: AccountId,
        draft: &ProgramDraft,
        _: &impl Records,
        edit: &Edit,
    ) -> Result<Self, DomainError> {
        let (goal, note, follow_up) = draft.validated(edit)?;
        Ok(Program {
            account,
            goal,
            note,
            follow_up,
            created: edit.stamp(),
            updated: edit.stamp(),
            deleted: None,
        })
    }

    fn edited(
        &self,
        _: ProgramId,
        draft: &ProgramDraft,
        _: &impl Records,
        edit: &Edit,
    ) -> Result<Self, DomainError> {
        let (goal, note, follow_up) = draft.validated(edit)?;
        Ok(Program {
            goal,
            note,
            follow_up,
            ..self.clone()
        })
    }

    fn draft(&self) -> ProgramDraft {
        ProgramDraft {
            goal: self.goal.clone(),
            note: self.note.clone(),
            follow_up: self.follow_up.map(|d| d.to_string()).unwrap_or_default(),
        }
    }

    fn set_field(
        draft: &mut ProgramDraft,
        field: ProgramField,
        value: &str,
    ) -> Result<(), DomainError> {
        let slot = match field {
            ProgramField::Goal => &mut draft.goal,
            ProgramField::Note => &mut draft.note,
            ProgramField::FollowUp => &mut draft.follow_up,
        };
        value.clone_into(slot);
        Ok(())
    }
}

/// Where an action stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Reconcile, Hydrate)]
pub enum ActionStatus {
    /// To be done.
    Open,
    /// Done.
    Done,
    /// Dropped (the note says why).
    Dropped,
}

impl ActionStatus {
    /// Every status, in the order the form offers them.
    pub const ALL: [ActionStatus; 3] = [Self::Open, Self::Done, Self::Dropped];

    /// A stable lowercase name.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Done => "done",
            Self::Dropped => "dropped",
        }
    }

    /// The status stored under its variant's name.
    pub fn from_stored(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| format!("{s:?}") == name)
    }
}

/// One action of a joint program, as stored. Its owner is a rep (by name)
/// or one of the client's people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct ProgramAction {
    /// The program's account.
    pub account: AccountId,
    /// The program.
    pub program: ProgramId,
    /// What is to be done.
    pub what: String,
    /// The rep who owns it ("" when a client's person does).
    pub owner_rep: String,
    /// The client's person who owns it.
    pub owner_contact: Option<ContactId>,
    /// When it is due.
    pub due: Day,
    /// Open, done or dropped.
    pub status: ActionStatus,
    /// How it went, or why it was dropped.
    pub status_note: String,
    /// Who added it.
    pub created: Stamp,
    /// Who changed it last.
    pub updated: Stamp,
    /// Tombstone.
    pub deleted: Option<Stamp>,
}

fields! {
    /// The fields of a program action a conflict can be settled on.
    ProgramActionField {
        /// [`ProgramAction::what`].
        What = "what",
        /// [`ProgramAction::owner_rep`].
        OwnerRep = "owner_rep",
        /// [`ProgramAction::owner_contact`].
        OwnerContact = "owner_contact",
        /// [`ProgramAction::due`].
        Due = "due",
        /// [`ProgramAction::status`].
        Status = "status",
        /// [`ProgramAction::status_note`].
        StatusNote = "status_note",
    }
}

/// The action form, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramActionDraft {
    /// The program it belongs to.
    pub program: ProgramId,
    /// What.
    pub what: String,
    /// Owning rep's name (when no contact owns it).
    pub owner_rep: String,
    /// Owning client person.
    pub owner_contact: Option<ContactId>,
    /// Due, `YYYY-MM-DD`.
    pub due: String,
    /// Status.
    pub status: ActionStatus,
    /// Note (required when dropped).
    pub status_note: String,
}

impl Draft for ProgramActionDraft {
    type Record = ProgramAction;
}

impl ProgramActionDraft {
    fn validated(&self, edit: &Edit) -> Result<(String, String, Day, String), DomainError> {
        let what = required_name("what", &self.what)?;
        let owner_rep = match self.owner_contact {
            Some(_) => String::new(),
            None => required_name("owner", &self.owner_rep)?,
        };
        let owner_rep = short("owner", &owner_rep)?;
        let due = calendar_day(&self.due, edit.today)?;
        let status_note = match self.status {
            ActionStatus::Dropped => required_note("status_note", &self.status_note)?,
            _ => note("status_note", &self.status_note)?,
        };
        Ok((what, owner_rep, due, status_note))
    }
}

/// The program must be a live program of the action's account, and a
/// client owner a live person of it.
fn check_links(
    draft: &ProgramActionDraft,
    account: AccountId,
    records: &impl Records,
) -> Result<(), DomainError> {
    if records.live::<Program>(draft.program)?.account != account {
        return Err(DomainError::Unknown(RecordKey::Program(draft.program)));
    }
    if let Some(contact) = draft.owner_contact
        && records.live::<Contact>(contact)?.account != account
    {
        return Err(DomainError::ContactOfOtherAccount { contact, account });
    }
    Ok(())
}

impl Record for ProgramAction {
    const COLLECTION: &'static str = "program_actions";
    const SINCE: u64 = 2;
    type Id = ProgramActionId;
    type Parent = AccountId;
    type Draft = ProgramActionDraft;
    type Field = ProgramActionField;

    fn parent(&self) -> Option<AccountId> {
        Some(self.account)
    }

    stamps!();

    fn check_draft(draft: &ProgramActionDraft, edit: &Edit) -> Result<(), DomainError> {
        draft.validated(edit).map(|_| ())
    }

    fn create(
        account: AccountId,
        draft: &ProgramActionDraft,
        records: &impl Records,
        edit: &Edit,
    ) -> Result<Self, DomainError> {
        let (what, owner_rep, due, status_note) = draft.validated(edit)?;
        check_links(draft, account, records)?;
        Ok(ProgramAction {
            account,
            program: draft.program,
            what,
            owner_rep,
            owner_contact: draft.owner_contact,
            due,
            status: draft.status,
            status_note,
            created: edit.stamp(),
            updated: edit.stamp(),
            deleted: None,
        })
    }

    /// An action stays in its program.
    fn edited(
        &self,
        _: ProgramActionId,
        draft: &ProgramActionDraft,
        records: &impl Records,
        edit: &Edit,
    ) -> Result<Self, DomainError> {
        let (what, owner_rep, due, status_note) = draft.validated(edit)?;
        let draft = ProgramActionDraft {
            program: self.program,
            ..draft.clone()
        };
        check_links(&draft, self.account, records)?;
        Ok(ProgramAction {
            what,
            owner_rep,
            owner_contact: draft.owner_contact,
            due,
            status: draft.status,
            status_note,
            ..self.clone()
        })
    }

    fn draft(&self) -> ProgramActionDraft {
        ProgramActionDraft {
            program: self.program,
            what: self.what.clone(),
            owner_rep: self.owner_rep.clone(),
            owner_contact: self.owner_contact,
            due: self.due.to_string(),
            status: self.status,
            status_note: self.status_note.clone(),
        }
    }

    fn set_field(
        draft: &mut ProgramActionDraft,
        field: ProgramActionField,
        value: &str,
    ) -> Result<(), DomainError> {
        let not_a = |field| DomainError::NotAValue {
            field,
            value: value.to_owned(),
        };
        match field {
            ProgramActionField::What => value.clone_into(&mut draft.what),
            ProgramActionField::OwnerRep => value.clone_into(&mut draft.owner_rep),
            ProgramActionField::OwnerContact => {
                draft.owner_contact = match value {
                    "" => None,
                    id => Some(id.parse().map_err(|_| not_a("owner_contact"))?),
                }
            }
            ProgramActionField::Due => value.clone_into(&mut draft.due),
            ProgramActionField::Status => {
                draft.status = ActionStatus::from_stored(value).ok_or_else(|| not_a("status"))?
            }
            ProgramActionField::StatusNote => value.clone_into(&mut draft.status_note),
        }
        Ok(())
    }
}

impl ProgramAction {
    /// Still to be done.
    pub fn is_open(&self) -> bool {
        self.status == ActionStatus::Open
    }
}

/// What a rep has to follow up on `day`: open actions due that day or
/// before, and programs whose follow-up day has come; oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramsDue<'a> {
    /// Open actions due on or before the day, by due day.
    pub actions: Vec<(ProgramActionId, &'a ProgramAction)>,
    /// Programs whose follow-up is on or before the day, by follow-up day.
    pub follow_ups: Vec<(ProgramId, &'a Program)>,
}

impl<'a> ProgramsDue<'a> {
    /// Of `programs` and `actions` (live ones of live accounts), what is
    /// due on `day`. An action of a deleted program is not due.
    pub fn on(
        day: Day,
        programs: impl IntoIterator<Item = (ProgramId, &'a Program)>,
        actions: impl IntoIterator<Item = (ProgramActionId, &'a ProgramAction)>,
    ) -> Self {
        let programs: Vec<(ProgramId, &Program)> =
            programs.into_iter().filter(|(_, p)| p.is_live()).collect();
        let live: std::collections::HashSet<ProgramId> =
            programs.iter().map(|(id, _)| *id).collect();
        let mut actions: Vec<_> = actions
            .into_iter()
            .filter(|(_, a)| a.is_live() && a.is_open() && a.due <= day)
            .filter(|(_, a)| live.contains(&a.program))
            .collect();
        sort_by_key(&mut actions, |(id, a)| (a.due, *id));
        let mut follow_ups: Vec<_> = programs
            .into_iter()
            .filter(|(_, p)| p.follow_up.is_some_and(|f| f <= day))
            .collect();
        sort_by_key(&mut follow_ups, |(id, p)| (p.follow_up, *id));
        Self {
            actions,
            follow_ups,
        }
    }
}
