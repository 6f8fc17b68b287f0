//! Staying in touch end to end (issue 15, part 2): cadences from the stage,
//! the account and the person, reset by every kind of touch, and the
//! "losing touch" list, each command checked on the page's path and run on
//! the worker's ([`harness::Rapport::run`]).

use rapport::document::{Command, Scope};
use rapport::domain::{
    Account, AccountDraft, AccountId, Cadence, CadenceFrom, Contact, ContactDraft, ContactId,
    DomainError, EndReason, Record, SettingsDraft, Stage, StageMoveDraft, TeamSettings, Touch,
    TouchDraft, TouchKind, TouchState,
};

mod harness;

use harness::{Rapport, day};

impl Rapport {
    /// Logs a touch of `kind` on `today`, with `contact` if given.
    fn touch(&mut self, account: AccountId, kind: TouchKind, today: &str, with: Option<ContactId>) {
        let draft = TouchDraft {
            kind,
            day: today.into(),
            contact: with,
            note: String::new(),
        };
        self.on_day(
            today,
            Command::create::<Touch>(rapport::domain::TouchId::random(), account, draft),
        )
        .unwrap();
    }

    fn state(&self, account: AccountId, today: &str) -> Option<TouchState> {
        self.model().in_touch(account, day(today)).map(|t| t.state)
    }

    fn account_cadence(&mut self, account: AccountId, days: &str) -> Result<(), DomainError> {
        let a: Account = self.ws.read(account).unwrap().expect("stored");
        let draft = AccountDraft {
            cadence_days: days.into(),
            ..a.draft()
        };
        self.on_day("2026-01-06", Command::edit::<Account>(account, draft))
    }

    fn contact_cadence(&mut self, contact: ContactId, days: &str) -> Result<(), DomainError> {
        let c: Contact = self.ws.read(contact).unwrap().expect("stored");
        let draft = ContactDraft {
            cadence_days: days.into(),
            ..c.draft()
        };
        self.on_day("2026-01-06", Command::edit::<Contact>(contact, draft))
    }
}

#[test]
fn every_kind_of_touch_resets_the_cadence() {
    for kind in TouchKind::ALL {
        let mut r = Rapport::new();
        // Added on 5 January, in awareness: a touch is due every 30 days,
        // so by 4 February.
        let a = r.account("ООО «Ромашка»");
        assert_eq!(
            r.state(a, "2026-03-01"),
            Some(TouchState::Overdue { days: 25 }),
            "{kind:?}"
        );
        r.touch(a, kind, "2026-03-01", None);
        assert_eq!(
            r.state(a, "2026-03-01"),
            Some(TouchState::Fine { days_left: 30 }),
            "{kind:?}"
        );
        let touch = r.model().in_touch(a, day("2026-03-01")).unwrap();
        assert_eq!(touch.last_touch, Some(day("2026-03-01")), "{kind:?}");
        assert_eq!(touch.due, day("2026-03-31"), "{kind:?}");
    }
}

#[test]
fn due_soon_and_overdue_at_their_boundaries_through_the_read_model() {
    let mut r = Rapport::new();
    let a = r.account("Хлебозавод № 3");
    r.touch(a, TouchKind::Call, "2026-02-01", None);
    // Due on 3 March (30 days after 1 February).
    assert_eq!(
        r.state(a, "2026-02-27"),
        Some(TouchState::Fine { days_left: 4 })
    );
    assert_eq!(
        r.state(a, "2026-02-28"),
        Some(TouchState::DueSoon { days_left: 3 })
    );
    assert_eq!(
        r.state(a, "2026-03-03"),
        Some(TouchState::DueSoon { days_left: 0 })
    );
    assert_eq!(
        r.state(a, "2026-03-04"),
        Some(TouchState::Overdue { days: 1 })
    );
}

#[test]
fn the_cadence_follows_the_stage_until_the_account_has_its_own() {
    let mut r = Rapport::new();
    let a = r.account("Мельница");
    let cadence = |r: &Rapport| r.model().cadence_of(a);
    assert_eq!(
        cadence(&r),
        Some(Cadence {
            days: 30,
            from: CadenceFrom::Stage(Stage::Awareness)
        })
    );
    r.move_to(a, Stage::Exploration, "2026-01-10").unwrap();
    assert_eq!(cadence(&r).map(|c| c.days), Some(14));
    r.touch(a, TouchKind::Visit, "2026-01-10", None);
    assert_eq!(
        r.state(a, "2026-01-25"),
        Some(TouchState::Overdue { days: 1 })
    );
    r.move_to(a, Stage::Expansion, "2026-01-25").unwrap();
    assert_eq!(cadence(&r).map(|c| c.days), Some(21));
    assert_eq!(
        r.state(a, "2026-01-25"),
        Some(TouchState::Fine { days_left: 6 })
    );
    // The team changes exploration's and expansion's cadence.
    let mut settings = TeamSettings::of(&r.model()).draft();
    settings.cadences[2] = "10".into();
    r.on_day(
        "2026-01-25",
        Command::edit::<TeamSettings>(TeamSettings::id(), settings),
    )
    .unwrap();
    assert_eq!(cadence(&r).map(|c| c.days), Some(10));
    // The account's own beats the stage's, and empty gives it back.
    r.account_cadence(a, "7").unwrap();
    assert_eq!(
        cadence(&r),
        Some(Cadence {
            days: 7,
            from: CadenceFrom::Account
        })
    );
    r.account_cadence(a, " ").unwrap();
    assert_eq!(cadence(&r).map(|c| c.days), Some(10));
    // Ended: nobody is expected to keep in touch.
    let mut ended = StageMoveDraft::to(Stage::Ended, &r.model().stage_of(a), "closed down");
    ended.ended = Some(EndReason::Closed);
    r.stage_move(a, ended, "2026-02-01").unwrap();
    assert_eq!(cadence(&r), None);
    assert_eq!(r.state(a, "2026-09-01"), None);
}

#[test]
fn a_person_with_their_own_cadence_is_kept_in_touch_with_in_person() {
    let mut r = Rapport::new();
    let a = r.account("Завод «Красный пролетарий»");
    let user = r.contact(a, "Мария Ивановна, оператор линии");
    let buyer = r.contact(a, "Пётр Сергеевич, закупки");
    r.contact_cadence(user, "7").unwrap();
    r.touch(a, TouchKind::Visit, "2026-02-01", Some(buyer));
    let person = |r: &Rapport, c: ContactId, today: &str| {
        r.model().contact_in_touch(c, day(today)).map(|t| t.state)
    };
    // The buyer follows the account (30 days); the user, every 7 days, was
    // added on 5 January and never spoken to: due on the 12th.
    assert_eq!(
        person(&r, buyer, "2026-02-10"),
        Some(TouchState::Fine { days_left: 21 })
    );
    assert_eq!(
        person(&r, user, "2026-02-10"),
        Some(TouchState::Overdue { days: 29 })
    );
    r.touch(a, TouchKind::ThankYou, "2026-02-10", Some(user));
    assert_eq!(
        person(&r, user, "2026-02-10"),
        Some(TouchState::Fine { days_left: 7 })
    );
    assert_eq!(
        r.model()
            .contact_in_touch(user, day("2026-02-10"))
            .unwrap()
            .cadence
            .from,
        CadenceFrom::Contact
    );
}

#[test]
fn losing_touch_lists_the_longest_overdue_first_for_the_rep_and_the_team() {
    let mut r = Rapport::new();
    let anna = r.account_of("Альфа", "Анна");
    let boris = r.account_of("Бета", "Борис");
    let fine = r.account_of("Гамма", "Анна");
    let engineer = r.contact(fine, "Главный инженер");
    r.contact_cadence(engineer, "10").unwrap();
    r.touch(anna, TouchKind::Email, "2026-03-01", None);
    r.touch(boris, TouchKind::Email, "2026-02-01", None);
    r.touch(fine, TouchKind::Visit, "2026-04-05", None);
    let today = day("2026-04-10");
    let listed = |r: &Rapport, scope| {
        r.model()
            .losing_touch(scope, today)
            .into_iter()
            .map(|l| (l.account, l.contact, l.touch.days_overdue()))
            .collect::<Vec<_>>()
    };
    // Бета: due 3 March, 38 days; the engineer: added 5 January, due on
    // the 15th, 85 days; Альфа: due 31 March, 10 days. Гамма is fine.
    assert_eq!(
        listed(&r, Scope::Team),
        [
            (fine, Some(engineer), 85),
            (boris, None, 38),
            (anna, None, 10)
        ]
    );
    assert_eq!(
        listed(&r, Scope::Rep("Анна")),
        [(fine, Some(engineer), 85), (anna, None, 10)]
    );
    // A thank-you call takes Альфа off the list.
    r.touch(anna, TouchKind::ThankYou, "2026-04-10", None);
    assert_eq!(listed(&r, Scope::Rep("Анна")), [(fine, Some(engineer), 85)]);
}

#[test]
fn a_cadence_of_0_or_of_10_years_is_refused_everywhere_it_is_typed() {
    let mut r = Rapport::new();
    let a = r.account("Альфа");
    let c = r.contact(a, "Иван");
    for bad in ["0", "3650", "часто"] {
        assert!(r.account_cadence(a, bad).is_err(), "{bad}");
        assert!(r.contact_cadence(c, bad).is_err(), "{bad}");
        let settings = SettingsDraft {
            cadences: ["30", bad, "21", "21"].map(String::from),
            ..TeamSettings::of(&r.model()).draft()
        };
        assert!(
            r.on_day(
                "2026-01-06",
                Command::edit::<TeamSettings>(TeamSettings::id(), settings)
            )
            .is_err(),
            "{bad}"
        );
    }
    assert!(matches!(
        r.account_cadence(a, "0"),
        Err(DomainError::NumberOutOfRange {
            field: "cadence_days",
            min: 1,
            max: 365,
            ..
        })
    ));
    let new = AccountDraft {
        name: "Бета".into(),
        cadence_days: "3650".into(),
        ..AccountDraft::default()
    };
    assert!(
        r.on_day(
            "2026-01-06",
            Command::create::<Account>(AccountId::random(), (), new)
        )
        .is_err()
    );
    assert_eq!(r.model().cadence_of(a).map(|c| c.days), Some(30));
    r.account_cadence(a, "365").unwrap();
    assert_eq!(r.model().cadence_of(a).map(|c| c.days), Some(365));
}
