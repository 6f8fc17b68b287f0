//! The harness the end-to-end domain tests share (`track_record.rs`,
//! `feedback.rs`, `cadence.rs`, `care.rs`): a [`Workspace`] driven through [`Command`]s, each one
//! checked as the page does (on its [`ReadModel`]) and run as the worker
//! does (on the document), asserting that both give the same answer and
//! that a refused command writes nothing.

#![allow(dead_code, reason = "each test file uses part of the harness")]

use automerge::ActorId;
use chrono::{TimeZone, Utc};
use rapport::document::{Command, ReadModel, Workspace};
use rapport::domain::{
    AccountDraft, AccountId, Author, ContactDraft, ContactId, Day, DomainError, Edit, Stage,
    StageMove, StageMoveDraft, StageMoveId,
};

/// A day from its text.
pub fn day(text: &str) -> Day {
    Day::parse(text).expect("a test day")
}

/// `who` editing at 10:00 UTC on `today`, `minute` minutes later (so
/// records written one after another have distinct times).
pub fn on(today: &str, who: &str, minute: i64) -> Edit {
    let date = day(today).0;
    Edit {
        author: Author {
            name: who.into(),
            device: format!("{who}-tablet"),
        },
        at: Utc.from_utc_datetime(&date.and_hms_opt(10, 0, 0).unwrap())
            + chrono::Duration::minutes(minute),
        today: date,
    }
}

/// A workspace driven through commands, every one checked twice.
pub struct Rapport {
    pub ws: Workspace,
    pub minute: i64,
}

impl Rapport {
    pub fn new() -> Self {
        Self::on(Workspace::new(ActorId::from([1; 16])))
    }

    pub fn on(ws: Workspace) -> Self {
        Self { ws, minute: 0 }
    }

    /// "Анна" on `today`, a minute after the previous command.
    pub fn edit(&mut self, today: &str) -> Edit {
        self.edit_by(today, "Анна")
    }

    pub fn edit_by(&mut self, today: &str, who: &str) -> Edit {
        self.minute += 1;
        on(today, who, self.minute)
    }

    /// Runs `command` as the worker does, after checking it as the page
    /// does: both must give the same answer, and a refusal writes nothing.
    pub fn run(&mut self, command: Command, edit: &Edit) -> Result<(), DomainError> {
        let model = self.ws.read_model();
        let page = command.check(&model, edit);
        let before = self.ws.heads();
        let worker = self.ws.execute(&command, edit);
        let worker_rule = worker.as_ref().err().map(|e| {
            e.rule()
                .cloned()
                .unwrap_or_else(|| panic!("{command:?}: not a rule: {e}"))
        });
        assert_eq!(
            page.clone().err(),
            worker_rule,
            "{command:?}: the page and the worker disagree"
        );
        if page.is_err() {
            assert_eq!(self.ws.heads(), before, "{command:?}: refused but written");
        } else {
            assert_ne!(
                self.ws.heads(),
                before,
                "{command:?}: accepted, not written"
            );
        }
        page
    }

    /// Runs `command` as "Анна" on `today`.
    pub fn on_day(&mut self, today: &str, command: Command) -> Result<(), DomainError> {
        let edit = self.edit(today);
        self.run(command, &edit)
    }

    pub fn model(&self) -> ReadModel {
        self.ws.read_model()
    }

    pub fn account(&mut self, name: &str) -> AccountId {
        self.account_of(name, "")
    }

    pub fn account_of(&mut self, name: &str, owner: &str) -> AccountId {
        let id = AccountId::random();
        let draft = AccountDraft {
            name: name.into(),
            owner: owner.into(),
            ..AccountDraft::default()
        };
        self.on_day(
            "2026-01-05",
            Command::create::<rapport::domain::Account>(id, (), draft),
        )
        .unwrap();
        id
    }

    pub fn contact(&mut self, account: AccountId, name: &str) -> ContactId {
        let id = ContactId::random();
        let draft = ContactDraft {
            name: name.into(),
            ..ContactDraft::default()
        };
        self.on_day(
            "2026-01-05",
            Command::create::<rapport::domain::Contact>(id, account, draft),
        )
        .unwrap();
        id
    }

    /// Moves `account` to `to` on `today`, after the stage it is in.
    pub fn move_to(
        &mut self,
        account: AccountId,
        to: Stage,
        today: &str,
    ) -> Result<StageMoveId, DomainError> {
        let now = self.model().stage_of(account);
        let draft = StageMoveDraft::to(to, &now, "the client asked for a second order");
        self.stage_move(account, draft, today)
    }

    /// Records the stage move `draft` on `today`.
    pub fn stage_move(
        &mut self,
        account: AccountId,
        draft: StageMoveDraft,
        today: &str,
    ) -> Result<StageMoveId, DomainError> {
        let id = StageMoveId::random();
        self.on_day(today, Command::create::<StageMove>(id, account, draft))
            .map(|()| id)
    }
}
