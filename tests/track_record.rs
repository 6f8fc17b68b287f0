//! The track record end to end (issue 14): promises, orders and their
//! deliveries, stage moves, the partner scorecard, the team's settings and
//! joint programs, each rule driven through [`Command`]s on a [`Workspace`]
//! (the worker's path) and checked on the [`ReadModel`] (the page's path).
//! Every command goes through [`Rapport::run`], which asserts that both
//! paths give the same answer and that a refused command writes nothing.
//!
//! The second half forks workspaces and merges them: concurrent outcomes,
//! concurrent stage moves, a delete against a close, settings edited apart.

use automerge::ActorId;
use rapport::document::{Command, RecordKey, Scope, Workspace};
use rapport::domain::{
    AccountId, ActionStatus, Criterion, Day, DeliveryState, DeliveryTally, DomainError, EndReason,
    LeadTimes, LeadWarning, Need, Order, OrderDraft, OrderId, Outcome, Period, Program,
    ProgramAction, ProgramActionDraft, ProgramActionId, ProgramDraft, ProgramId, Promise,
    PromiseDraft, PromiseId, PromiseKind, PromiseTally, Ratio, Scorecard, ScorecardDraft,
    ScorecardId, SettingsDraft, Stage, StageMove, StageMoveDraft, StageMoveId, TeamSettings,
    TouchDraft, TouchKind, TrackRecord, Verdict, qualification_of,
};

// --- the harness -------------------------------------------------------------

#[path = "support/harness.rs"]
mod harness;

use harness::{Rapport, day};

impl Rapport {
    /// A promise of `draft`, made on its `made_on` day.
    fn promise(
        &mut self,
        account: AccountId,
        draft: PromiseDraft,
    ) -> Result<PromiseId, DomainError> {
        let id = PromiseId::random();
        let today = draft.made_on.clone();
        self.on_day(&today, Command::create::<Promise>(id, account, draft))
            .map(|()| id)
    }

    /// Closes `id` as `outcome` on `closed`, with `note`.
    fn close(
        &mut self,
        id: PromiseId,
        outcome: Outcome,
        closed: &str,
        note: &str,
    ) -> Result<(), DomainError> {
        let mut draft = self.stored_promise(id).draft_of();
        draft.outcome = Some(outcome);
        draft.closed_on = closed.into();
        draft.outcome_note = note.into();
        self.on_day(closed, Command::edit::<Promise>(id, draft))
    }

    fn stored_promise(&self, id: PromiseId) -> Promise {
        self.ws.read(id).unwrap().expect("stored")
    }

    fn order(&mut self, account: AccountId, draft: OrderDraft) -> Result<OrderId, DomainError> {
        let id = OrderId::random();
        // On the latest day it names: every stage it has has happened.
        let today = [
            &draft.ordered_on,
            &draft.accepted_on,
            &draft.shipped_on,
            &draft.delivered_on,
            &draft.ready_on,
        ]
        .into_iter()
        .filter_map(|d| Day::parse(d))
        .max()
        .expect("an order day")
        .to_string();
        self.on_day(&today, Command::create::<Order>(id, account, draft))
            .map(|()| id)
    }

    /// A delivered order: ordered on `ordered`, delivered `lead` days later
    /// (promised on the day it came).
    fn delivered(&mut self, account: AccountId, ordered: &str, lead: i64) -> OrderId {
        let delivered = day(ordered).plus(lead).to_string();
        self.order(account, order(ordered, &delivered, &delivered))
            .unwrap()
    }

    fn move_to(
        &mut self,
        account: AccountId,
        to: Stage,
        today: &str,
    ) -> Result<StageMoveId, DomainError> {
        let now = self.model().stage_of(account);
        let draft = StageMoveDraft::to(to, &now, "the client asked for a second order");
        self.stage_move(account, draft, today)
    }

    fn stage_move(
        &mut self,
        account: AccountId,
        draft: StageMoveDraft,
        today: &str,
    ) -> Result<StageMoveId, DomainError> {
        let id = StageMoveId::random();
        self.on_day(today, Command::create::<StageMove>(id, account, draft))
            .map(|()| id)
    }

    fn scorecard(&mut self, account: AccountId, draft: ScorecardDraft) -> ScorecardId {
        let id = ScorecardId::random();
        self.on_day(
            "2026-11-20",
            Command::create::<Scorecard>(id, account, draft),
        )
        .unwrap();
        id
    }

    /// The account's track record on `today`, asserted the same on the
    /// page's model and on the document.
    fn track_record(&self, account: AccountId, today: &str) -> TrackRecord {
        let model = self.model();
        let page = model.track_record(account, day(today));
        let worker = TrackRecord::of(account, model.stage_of(account).stage, &self.ws, day(today));
        assert_eq!(page, worker, "the page and the worker count differently");
        page
    }
}

trait DraftOf {
    fn draft_of(&self) -> PromiseDraft;
}

impl DraftOf for Promise {
    fn draft_of(&self) -> PromiseDraft {
        rapport::domain::Record::draft(self)
    }
}

fn promise(kind: PromiseKind, made: &str, due: &str) -> PromiseDraft {
    PromiseDraft {
        to: None,
        made_by: "Анна".into(),
        made_on: made.into(),
        due: due.into(),
        kind,
        what: "call back with the price list".into(),
        outcome: None,
        closed_on: String::new(),
        outcome_note: String::new(),
        save_anyway: false,
    }
}

fn call_back(made: &str, due: &str) -> PromiseDraft {
    promise(PromiseKind::CallBack, made, due)
}

fn delivery(made: &str, due: &str) -> PromiseDraft {
    PromiseDraft {
        what: "20 pallets of flour".into(),
        ..promise(PromiseKind::Delivery, made, due)
    }
}

fn order(ordered: &str, promised: &str, delivered: &str) -> OrderDraft {
    OrderDraft {
        what: "20 pallets of flour".into(),
        amount: "80 000".into(),
        currency: "EUR".into(),
        ordered_on: ordered.into(),
        promised_on: promised.into(),
        delivered_on: delivered.into(),
        ..OrderDraft::default()
    }
}

/// A scorecard that meets every criterion at the default settings.
fn qualifying() -> ScorecardDraft {
    ScorecardDraft {
        assessed_on: "2026-11-20".into(),
        annual_potential: "300 000".into(),
        expected_margin: "60 000".into(),
        yearly_cost: "40 000".into(),
        innovates: Some(true),
        gives_reference: true,
        note: "new plant next spring".into(),
        ..ScorecardDraft::default()
    }
}

fn ratio(part: usize, whole: usize) -> Option<Ratio> {
    Ratio::of(part, whole)
}

// --- promises and their rates ------------------------------------------------

#[test]
fn no_history_gives_no_rate_and_no_warning() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    let record = r.track_record(a, "2026-11-27");
    assert_eq!(record.promises, PromiseTally::default());
    assert_eq!(record.promises.kept_rate(), None);
    assert_eq!(record.deliveries.on_time_rate(), None);
    let (promises, deliveries) = r
        .model()
        .rates(Scope::Team, Period::all(), day("2026-11-27"));
    assert_eq!(
        (promises.kept_rate(), deliveries.on_time_rate()),
        (None, None)
    );
    // No delivery anywhere: a next-day delivery is not warned about.
    let p = r.promise(a, delivery("2026-11-27", "2026-11-28")).unwrap();
    assert_eq!(r.stored_promise(p).overridden_warning, None);
    // Not yet due: still nothing counted.
    assert_eq!(r.track_record(a, "2026-11-27").promises.kept_rate(), None);
}

#[test]
fn promises_all_broken_are_a_kept_rate_of_zero_not_no_history() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    for due in ["2026-11-02", "2026-11-09", "2026-11-16"] {
        let p = r.promise(a, call_back("2026-11-01", due)).unwrap();
        // Broken needs to say what happened.
        assert_eq!(
            r.close(p, Outcome::Broken, due, "  "),
            Err(DomainError::Empty {
                field: "outcome_note"
            })
        );
        r.close(p, Outcome::Broken, due, "the buyer was away")
            .unwrap();
    }
    let tally = r.track_record(a, "2026-11-27").promises;
    assert_eq!((tally.broken, tally.counted()), (3, 3));
    assert_eq!(tally.kept_rate(), ratio(0, 3));
    assert_eq!(tally.kept_rate().unwrap().percent(), 0);
}

#[test]
fn kept_on_the_due_day_is_kept_and_a_day_late_is_kept_late() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    let on_time = r.promise(a, call_back("2026-11-02", "2026-11-10")).unwrap();
    let late = r.promise(a, call_back("2026-11-02", "2026-11-10")).unwrap();
    r.close(on_time, Outcome::Kept, "2026-11-10", "").unwrap();
    // The rep says "kept"; the day says it was late.
    r.close(late, Outcome::Kept, "2026-11-11", "").unwrap();
    assert_eq!(r.stored_promise(on_time).outcome, Some(Outcome::Kept));
    assert_eq!(r.stored_promise(late).outcome, Some(Outcome::KeptLate));
    // And "kept late" on time is just kept.
    let early = r.promise(a, call_back("2026-11-02", "2026-11-10")).unwrap();
    r.close(early, Outcome::KeptLate, "2026-11-09", "").unwrap();
    assert_eq!(r.stored_promise(early).outcome, Some(Outcome::Kept));
    let tally = r.track_record(a, "2026-11-27").promises;
    assert_eq!((tally.kept, tally.kept_late), (2, 1));
    assert_eq!(tally.kept_rate(), ratio(2, 3));
    assert_eq!(tally.kept_rate().unwrap().percent(), 66, "rounded down");
}

#[test]
fn dates_across_months_and_years_count_whole_days() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    // Made on 30 December, due on 2 January.
    let kept = r.promise(a, call_back("2026-12-30", "2027-01-02")).unwrap();
    let late = r.promise(a, call_back("2026-12-30", "2027-01-02")).unwrap();
    r.close(kept, Outcome::Kept, "2027-01-02", "").unwrap();
    r.close(late, Outcome::Kept, "2027-01-03", "").unwrap();
    assert_eq!(r.stored_promise(kept).outcome, Some(Outcome::Kept));
    assert_eq!(r.stored_promise(late).outcome, Some(Outcome::KeptLate));
    // Due before made, across the year: refused, naming both days.
    assert_eq!(
        r.promise(a, call_back("2027-01-02", "2026-12-30")),
        Err(DomainError::Before {
            field: "due",
            day: day("2026-12-30"),
            other: "made_on",
            other_day: day("2027-01-02"),
        })
    );
    // A delivery from 28 February to 1 March of a leap year is two days;
    // with a delivery of three days behind the team, it is warned about.
    let b = r.account("Wolf & Sons");
    r.delivered(b, "2027-12-30", 3); // 30 Dec → 2 Jan
    assert_eq!(
        r.promise(a, delivery("2028-02-28", "2028-03-01"))
            .map(|_| ())
            .map_err(|e| match e {
                DomainError::UnrealisticPromise(w) => (w.promised_days, w.history.typical_days),
                other => panic!("{other:?}"),
            }),
        Err((2, 3))
    );
    r.promise(a, delivery("2028-02-28", "2028-03-02")).unwrap();
    // A period that ends on 1 January counts the promises due that day.
    let (new_year, _) = r.model().rates(
        Scope::Team,
        Period {
            from: day("2027-01-01"),
            to: day("2027-01-02"),
        },
        day("2027-01-05"),
    );
    assert_eq!(new_year.counted(), 2);
    let (december, _) = r.model().rates(
        Scope::Team,
        Period::last(31, day("2026-12-31")),
        day("2027-01-05"),
    );
    assert_eq!(december.counted(), 0);
}

#[test]
fn overdue_open_promises_count_and_not_yet_due_ones_do_not() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    let kept = r.promise(a, call_back("2026-11-02", "2026-11-10")).unwrap();
    r.close(kept, Outcome::Kept, "2026-11-10", "").unwrap();
    r.promise(a, call_back("2026-11-02", "2026-11-20")).unwrap(); // overdue on the 27th
    r.promise(a, call_back("2026-11-02", "2026-11-27")).unwrap(); // due today
    r.promise(a, call_back("2026-11-02", "2026-12-05")).unwrap(); // not yet due
    let tally = r.track_record(a, "2026-11-27").promises;
    assert_eq!((tally.kept, tally.overdue, tally.open), (1, 1, 2));
    assert_eq!(tally.kept_rate(), ratio(1, 2));
    // A day later, the one due today is overdue too.
    let tally = r.track_record(a, "2026-11-28").promises;
    assert_eq!((tally.overdue, tally.open), (2, 1));
    assert_eq!(tally.kept_rate(), ratio(1, 3));
    // The promises list: open first by due day, then the closed ones.
    let listed: Vec<Option<Outcome>> = r
        .model()
        .promises_of(a)
        .into_iter()
        .map(|(_, p)| p.outcome)
        .collect();
    assert_eq!(listed, [None, None, None, Some(Outcome::Kept)]);
}

#[test]
fn exceeded_after_the_due_day_is_refused() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    let p = r.promise(a, call_back("2026-11-02", "2026-11-10")).unwrap();
    assert_eq!(
        r.close(p, Outcome::Exceeded, "2026-11-11", "brought samples too"),
        Err(DomainError::ExceededLate {
            due: day("2026-11-10"),
            closed: day("2026-11-11"),
        })
    );
    assert_eq!(r.stored_promise(p).outcome, None);
    // On the due day it is exceeded, and counts as kept.
    r.close(p, Outcome::Exceeded, "2026-11-10", "brought samples too")
        .unwrap();
    let tally = r.track_record(a, "2026-11-27").promises;
    assert_eq!(tally.kept_rate(), ratio(1, 1));
    assert_eq!(tally.exceeded_rate(), ratio(1, 1));
}

#[test]
fn an_outcome_is_recorded_once() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    let p = r.promise(a, call_back("2026-11-02", "2026-11-10")).unwrap();
    r.close(p, Outcome::Kept, "2026-11-09", "").unwrap();
    let closed = Err(DomainError::AlreadyClosed {
        closed: day("2026-11-09"),
    });
    assert_eq!(
        r.close(p, Outcome::Broken, "2026-11-12", "changed my mind"),
        closed
    );
    // Nor another closing day, nor reopening it.
    assert_eq!(r.close(p, Outcome::Kept, "2026-11-10", ""), closed);
    let mut reopen = r.stored_promise(p).draft_of();
    reopen.outcome = None;
    reopen.closed_on = String::new();
    assert_eq!(
        r.on_day("2026-11-12", Command::edit::<Promise>(p, reopen)),
        closed
    );
    assert_eq!(r.stored_promise(p).outcome, Some(Outcome::Kept));
    // What was promised can still be corrected.
    let mut wording = r.stored_promise(p).draft_of();
    wording.what = "call back with the new price list".into();
    r.on_day("2026-11-12", Command::edit::<Promise>(p, wording))
        .unwrap();
}

#[test]
fn an_empty_what_and_an_empty_reason_are_refused() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    let mut blank = call_back("2026-11-02", "2026-11-10");
    blank.what = " \n ".into();
    assert_eq!(
        r.promise(a, blank),
        Err(DomainError::Empty { field: "what" })
    );
    let mut nobody = call_back("2026-11-02", "2026-11-10");
    nobody.made_by = String::new();
    assert_eq!(
        r.promise(a, nobody),
        Err(DomainError::Empty { field: "made_by" })
    );
    let now = r.model().stage_of(a);
    assert_eq!(
        r.stage_move(
            a,
            StageMoveDraft::to(Stage::Exploration, &now, "  "),
            "2026-11-27"
        ),
        Err(DomainError::Empty { field: "reason" })
    );
    // An account with people: the promise says to whom.
    let ivan = r.contact(a, "Иван Петров");
    assert_eq!(
        r.promise(a, call_back("2026-11-02", "2026-11-10")),
        Err(DomainError::Empty { field: "to" })
    );
    let b = r.account("Wolf & Sons");
    let tom = r.contact(b, "Tom");
    let mut elsewhere = call_back("2026-11-02", "2026-11-10");
    elsewhere.to = Some(tom);
    assert_eq!(
        r.promise(a, elsewhere),
        Err(DomainError::ContactOfOtherAccount {
            contact: tom,
            account: a
        })
    );
    let mut to_ivan = call_back("2026-11-02", "2026-11-10");
    to_ivan.to = Some(ivan);
    r.promise(a, to_ivan).unwrap();
    assert!(r.model().promises_of(b).is_empty());
}

// --- the lead-time warning ---------------------------------------------------

#[test]
fn a_team_with_one_delivery_judges_by_it_and_the_boundary_is_not_warned() {
    let mut r = Rapport::new();
    let old = r.account("Ромашка");
    r.delivered(old, "2026-10-01", 10);
    let new = r.account("Wolf & Sons");
    let history = LeadTimes {
        deliveries: 1,
        typical_days: 10,
        slowest_days: 10,
        of_team: true,
    };
    let warning = LeadWarning {
        promised_days: 9,
        history: history.clone(),
    };
    // Exactly the typical lead time: no warning.
    let exact = r
        .promise(new, delivery("2026-11-20", "2026-11-30"))
        .unwrap();
    assert_eq!(r.stored_promise(exact).overridden_warning, None);
    // One day less: refused with the figures, and nothing written.
    assert_eq!(
        r.promise(new, delivery("2026-11-20", "2026-11-29")),
        Err(DomainError::UnrealisticPromise(warning.clone()))
    );
    // Another kind of promise is not a delivery.
    r.promise(new, call_back("2026-11-20", "2026-11-21"))
        .unwrap();
    // Saved anyway: the warning the rep saw is kept on the promise.
    let mut anyway = delivery("2026-11-20", "2026-11-29");
    anyway.save_anyway = true;
    let p = r.promise(new, anyway).unwrap();
    assert_eq!(
        r.stored_promise(p).overridden_warning,
        Some(warning.clone())
    );
    // And it stays when the promise is closed.
    r.close(p, Outcome::Kept, "2026-11-27", "").unwrap();
    assert_eq!(r.stored_promise(p).overridden_warning, Some(warning));
    // An order promised as fast is held to the same history.
    assert_eq!(
        r.order(new, order("2026-11-20", "2026-11-29", ""))
            .map(|_| ()),
        Err(DomainError::UnrealisticPromise(LeadWarning {
            promised_days: 9,
            history
        }))
    );
    r.order(new, order("2026-11-20", "2026-11-30", "")).unwrap();
}

#[test]
fn an_account_with_three_deliveries_is_judged_by_its_own() {
    let mut r = Rapport::new();
    let slow = r.account("Ромашка");
    for n in 0..5 {
        r.delivered(slow, &format!("2026-0{}-01", n + 1), 30);
    }
    let a = r.account("Wolf & Sons");
    r.delivered(a, "2026-09-01", 9);
    r.delivered(a, "2026-09-02", 5);
    // Two of its own: the team's history (30, 30, 30, 30, 30, 9, 5 → 30).
    match r.promise(a, delivery("2026-11-20", "2026-11-27")) {
        Err(DomainError::UnrealisticPromise(w)) => {
            assert_eq!((w.history.of_team, w.history.typical_days), (true, 30));
            assert_eq!((w.history.deliveries, w.history.slowest_days), (7, 30));
        }
        other => panic!("{other:?}"),
    }
    r.delivered(a, "2026-09-03", 7);
    // Three: its own (5, 7, 9 → typical 7).
    r.promise(a, delivery("2026-11-20", "2026-11-27")).unwrap();
    assert_eq!(
        r.promise(a, delivery("2026-11-20", "2026-11-26")),
        Err(DomainError::UnrealisticPromise(LeadWarning {
            promised_days: 6,
            history: LeadTimes {
                deliveries: 3,
                typical_days: 7,
                slowest_days: 9,
                of_team: false,
            }
        }))
    );
    // Four (5, 7, 9, 12): of the two middle ones, the later.
    r.delivered(a, "2026-09-04", 12);
    assert_eq!(
        LeadTimes::for_account(a, &r.model()).map(|h| h.typical_days),
        Some(9)
    );
    assert_eq!(
        LeadTimes::for_account(a, &r.model()),
        LeadTimes::for_account(a, &r.ws)
    );
}

// --- orders -------------------------------------------------------------------

#[test]
fn order_stage_dates_out_of_order_or_before_the_order_are_refused() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    let before = |field, d: &str, other, o: &str| {
        Err(DomainError::Before {
            field,
            day: day(d),
            other,
            other_day: day(o),
        })
    };
    let mut early = order("2026-11-10", "2026-11-20", "");
    early.accepted_on = "2026-11-09".into();
    assert_eq!(
        r.order(a, early).map(|_| ()),
        before("accepted_on", "2026-11-09", "ordered_on", "2026-11-10")
    );
    let mut swapped = order("2026-11-10", "2026-11-20", "");
    swapped.accepted_on = "2026-11-12".into();
    swapped.shipped_on = "2026-11-11".into();
    assert_eq!(
        r.order(a, swapped).map(|_| ()),
        before("shipped_on", "2026-11-11", "accepted_on", "2026-11-12")
    );
    // A stage skipped: the next one is held to the last one given.
    let mut skipped = order("2026-11-10", "2026-11-20", "2026-11-11");
    skipped.accepted_on = "2026-11-12".into();
    assert_eq!(
        r.order(a, skipped).map(|_| ()),
        before("delivered_on", "2026-11-11", "accepted_on", "2026-11-12")
    );
    let mut unready = order("2026-11-10", "2026-11-20", "2026-11-15");
    unready.ready_on = "2026-11-14".into();
    assert_eq!(
        r.order(a, unready).map(|_| ()),
        before("ready_on", "2026-11-14", "delivered_on", "2026-11-15")
    );
    assert_eq!(
        r.order(a, order("2026-11-10", "2026-11-09", ""))
            .map(|_| ()),
        before("promised_on", "2026-11-09", "ordered_on", "2026-11-10")
    );
    // Delivered in the future: it has not happened.
    assert!(matches!(
        r.on_day(
            "2026-11-27",
            Command::create::<Order>(
                OrderId::random(),
                a,
                order("2026-11-10", "2026-11-20", "2026-12-20")
            )
        ),
        Err(DomainError::DayOutOfRange { .. })
    ));
    // In order, every stage on the same day: fine, and on time.
    let mut same_day = order("2026-11-10", "2026-11-20", "2026-11-10");
    same_day.accepted_on = "2026-11-10".into();
    same_day.shipped_on = "2026-11-10".into();
    same_day.ready_on = "2026-11-10".into();
    let o = r.order(a, same_day).unwrap();
    assert_eq!(
        DeliveryState::of(r.model().get::<Order>(o).unwrap(), day("2026-11-27")),
        DeliveryState::OnTime
    );
    assert_eq!(r.model().orders_of(a).len(), 1);
}

#[test]
fn amounts_must_be_non_negative_numbers() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    for (typed, rule) in [
        ("-5", DomainError::NegativeAmount { field: "amount" }),
        (
            "abc",
            DomainError::NotAnAmount {
                field: "amount",
                value: "abc".into(),
            },
        ),
        (
            "12,345",
            DomainError::NotAnAmount {
                field: "amount",
                value: "12,345".into(),
            },
        ),
        (
            "",
            DomainError::NotAnAmount {
                field: "amount",
                value: String::new(),
            },
        ),
    ] {
        let mut draft = order("2026-11-10", "2026-11-20", "2026-11-18");
        draft.amount = typed.into();
        assert_eq!(r.order(a, draft).map(|_| ()), Err(rule), "{typed:?}");
    }
    let mut draft = order("2026-11-10", "2026-11-20", "2026-11-18");
    draft.amount = "1 250,50".into();
    let o = r.order(a, draft).unwrap();
    assert_eq!(r.model().get::<Order>(o).unwrap().amount, 125_050);
    // Scorecard figures are amounts too.
    let mut card = qualifying();
    card.annual_potential = "-1".into();
    assert_eq!(
        r.on_day(
            "2026-11-20",
            Command::create::<Scorecard>(ScorecardId::random(), a, card)
        ),
        Err(DomainError::NegativeAmount {
            field: "annual_potential"
        })
    );
}

#[test]
fn on_time_rate_counts_late_and_overdue_deliveries() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    r.order(a, order("2026-11-01", "2026-11-10", "2026-11-10"))
        .unwrap(); // on time
    r.order(a, order("2026-11-01", "2026-11-10", "2026-11-11"))
        .unwrap(); // late
    r.order(a, order("2026-11-01", "2026-11-20", "")).unwrap(); // overdue on the 27th
    r.order(a, order("2026-11-01", "2026-11-29", "")).unwrap(); // at risk
    r.order(a, order("2026-11-01", "2026-12-20", "")).unwrap(); // expected
    let tally = r.track_record(a, "2026-11-27").deliveries;
    assert_eq!(
        tally,
        DeliveryTally {
            on_time: 1,
            late: 1,
            overdue: 1,
            at_risk: 1,
            expected: 1,
        }
    );
    assert_eq!(tally.on_time_rate(), ratio(1, 3));
}

// --- stages, the scorecard and the settings -----------------------------------

#[test]
fn a_scorecard_with_one_criterion_missing_does_not_qualify() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    let mut card = qualifying();
    card.innovates = None;
    r.scorecard(a, card);
    let verdict = qualification_of(a, &r.model());
    assert_eq!(verdict, qualification_of(a, &r.ws));
    let verdicts: Vec<(Criterion, Verdict)> = verdict
        .criteria
        .iter()
        .map(|j| (j.criterion, j.verdict.clone()))
        .collect();
    assert_eq!(
        verdicts,
        [
            (Criterion::LargeEnough, Verdict::Met),
            (Criterion::PaysOff, Verdict::Met),
            (Criterion::Innovates, Verdict::Missing),
            (Criterion::GivesBack, Verdict::Met),
        ]
    );
    assert!(!verdict.qualifies());
    assert_eq!(verdict.failing().count(), 1);
    // A newer assessment that answers it counts instead.
    let mut answered = qualifying();
    answered.assessed_on = "2026-11-21".into();
    let id = ScorecardId::random();
    r.on_day("2026-11-21", Command::create::<Scorecard>(id, a, answered))
        .unwrap();
    assert!(qualification_of(a, &r.model()).qualifies());
}

#[test]
fn a_partner_that_does_not_qualify_needs_a_recorded_override() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    let mut card = qualifying();
    card.annual_potential = "1 000".into();
    r.scorecard(a, card);
    r.move_to(a, Stage::Exploration, "2026-11-21").unwrap();
    r.move_to(a, Stage::Expansion, "2026-11-22").unwrap();
    let now = r.model().stage_of(a);
    let mut partner = StageMoveDraft::to(Stage::Commitment, &now, "they sign a 3-year plan");
    partner.partner = true;
    let verdict = qualification_of(a, &r.model());
    assert!(!verdict.qualifies());
    assert_eq!(
        r.stage_move(a, partner.clone(), "2026-11-27"),
        Err(DomainError::NotQualified(verdict))
    );
    assert_eq!(r.model().stage_of(a).stage, Stage::Expansion);
    partner.override_reason = "their new plant doubles the volume next year".into();
    let m = r.stage_move(a, partner, "2026-11-27").unwrap();
    let model = r.model();
    let now = model.stage_of(a);
    assert_eq!(
        (now.stage, now.partner, now.conflict),
        (Stage::Commitment, true, false)
    );
    let history = model.stage_history(a);
    assert_eq!(history.len(), 3);
    assert_eq!(history[2].0, m);
    assert_eq!(
        history[2].1.override_reason,
        "their new plant doubles the volume next year"
    );
    // A qualifying account needs none, and none is stored.
    let b = r.account("Wolf & Sons");
    r.scorecard(b, qualifying());
    let now = r.model().stage_of(b);
    let mut partner = StageMoveDraft::to(Stage::Commitment, &now, "a partner");
    partner.partner = true;
    partner.override_reason = "not needed".into();
    let m = r.stage_move(b, partner, "2026-11-27").unwrap();
    assert_eq!(r.model().get::<StageMove>(m).unwrap().override_reason, "");
}

#[test]
fn a_move_to_the_stage_the_account_is_in_is_refused() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    assert_eq!(
        r.move_to(a, Stage::Awareness, "2026-11-27"),
        Err(DomainError::SameStage(Stage::Awareness))
    );
    r.move_to(a, Stage::Exploration, "2026-11-27").unwrap();
    assert_eq!(
        r.move_to(a, Stage::Exploration, "2026-11-27"),
        Err(DomainError::SameStage(Stage::Exploration))
    );
    // Ended needs its reason.
    let now = r.model().stage_of(a);
    assert_eq!(
        r.stage_move(
            a,
            StageMoveDraft::to(Stage::Ended, &now, "went elsewhere"),
            "2026-11-27"
        ),
        Err(DomainError::Empty { field: "ended" })
    );
    let mut ended = StageMoveDraft::to(Stage::Ended, &now, "went elsewhere");
    ended.ended = Some(EndReason::Lost);
    r.stage_move(a, ended, "2026-11-27").unwrap();
    // A move after another account's move is unknown here.
    let b = r.account("Wolf & Sons");
    let theirs = r.move_to(b, Stage::Exploration, "2026-11-27").unwrap();
    let mut foreign = StageMoveDraft::to(Stage::Expansion, &r.model().stage_of(a), "x");
    foreign.after = vec![theirs];
    assert_eq!(
        r.stage_move(a, foreign, "2026-11-27"),
        Err(DomainError::Unknown(RecordKey::StageMove(theirs)))
    );
}

#[test]
fn stage_moves_are_history_and_cannot_be_deleted() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    let m = r.move_to(a, Stage::Exploration, "2026-11-27").unwrap();
    assert_eq!(
        r.on_day("2026-11-27", Command::delete::<StageMove>(m)),
        Err(DomainError::HistoryKept(RecordKey::StageMove(m)))
    );
    // Only the reason may be corrected; the stage stays.
    let mut draft = rapport::domain::Record::draft(r.model().get::<StageMove>(m).unwrap());
    draft.reason = "first trial order".into();
    draft.to = Stage::Commitment;
    r.on_day("2026-11-27", Command::edit::<StageMove>(m, draft))
        .unwrap();
    let stored = r.model().get::<StageMove>(m).unwrap().clone();
    assert_eq!(
        (stored.to, stored.reason.as_str()),
        (Stage::Exploration, "first trial order")
    );
}

#[test]
fn team_settings_are_edited_never_created_or_deleted() {
    let mut r = Rapport::new();
    let settings = TeamSettings::id();
    let draft = rapport::domain::Record::draft(&TeamSettings::of(&r.model()));
    for id in [settings, rapport::domain::SettingsId::random()] {
        assert_eq!(
            r.on_day(
                "2026-11-27",
                Command::create::<TeamSettings>(id, (), draft.clone())
            ),
            Err(DomainError::IdTaken(RecordKey::TeamSettings(settings)))
        );
    }
    assert_eq!(
        r.on_day("2026-11-27", Command::delete::<TeamSettings>(settings)),
        Err(DomainError::HistoryKept(RecordKey::TeamSettings(settings)))
    );
    // An account that is not large enough by the defaults...
    let a = r.account("Ромашка");
    let mut card = qualifying();
    card.annual_potential = "100 000".into();
    r.scorecard(a, card);
    assert!(!qualification_of(a, &r.model()).qualifies());
    // ...is, once the team lowers its threshold.
    let lower = SettingsDraft {
        min_annual_potential: "100 000".into(),
        ..draft.clone()
    };
    r.on_day("2026-11-27", Command::edit::<TeamSettings>(settings, lower))
        .unwrap();
    assert_eq!(
        TeamSettings::of(&r.model()).min_annual_potential,
        10_000_000
    );
    assert!(qualification_of(a, &r.model()).qualifies());
    assert!(qualification_of(a, &r.ws).qualifies());
    // Give-backs: at most four.
    let too_many = SettingsDraft {
        min_give_back: "5".into(),
        ..draft
    };
    assert!(matches!(
        r.on_day(
            "2026-11-27",
            Command::edit::<TeamSettings>(settings, too_many)
        ),
        Err(DomainError::NumberOutOfRange { .. })
    ));
}

#[test]
fn each_stage_lists_what_it_needs_met_or_not() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    let today = "2026-11-27";
    let met = |r: &Rapport| -> Vec<bool> {
        r.track_record(a, today)
            .needs
            .iter()
            .map(Need::met)
            .collect()
    };
    // Awareness: someone recorded, a first touch.
    assert_eq!(met(&r), [false, false]);
    let ivan = r.contact(a, "Иван Петров");
    assert_eq!(met(&r), [true, false]);
    let touch = TouchDraft {
        kind: TouchKind::Visit,
        day: "2026-11-01".into(),
        contact: Some(ivan),
        note: "first visit".into(),
    };
    r.on_day(
        today,
        Command::create::<rapport::domain::Touch>(rapport::domain::TouchId::random(), a, touch),
    )
    .unwrap();
    assert_eq!(met(&r), [true, true]);

    // Exploration: the first order on time, promises kept (80 %), none overdue.
    r.move_to(a, Stage::Exploration, "2026-11-02").unwrap();
    assert_eq!(met(&r), [false, false, true]);
    r.order(a, order("2026-11-02", "2026-11-09", "2026-11-09"))
        .unwrap();
    let mut to_ivan = call_back("2026-11-02", "2026-11-10");
    to_ivan.to = Some(ivan);
    let kept = r.promise(a, to_ivan.clone()).unwrap();
    r.close(kept, Outcome::Kept, "2026-11-10", "").unwrap();
    assert_eq!(met(&r), [true, true, true]);
    to_ivan.due = "2026-11-20".into();
    let open = r.promise(a, to_ivan.clone()).unwrap(); // overdue: 1 of 2 kept
    assert_eq!(met(&r), [true, false, false]);
    r.close(open, Outcome::Kept, "2026-11-27", "").unwrap(); // kept late: 50 %
    assert_eq!(met(&r), [true, false, true]);

    // Expansion: three deliveries at 90 % on time, promises at 90 %, qualifies.
    let b = r.account("Wolf & Sons");
    r.move_to(b, Stage::Expansion, "2026-11-02").unwrap();
    let met_b = |r: &Rapport| -> Vec<bool> {
        r.track_record(b, today)
            .needs
            .iter()
            .map(Need::met)
            .collect()
    };
    assert_eq!(met_b(&r), [false, false, false]);
    for d in ["2026-11-03", "2026-11-04", "2026-11-05"] {
        r.order(b, order("2026-11-02", d, d)).unwrap();
    }
    let p = r.promise(b, call_back("2026-11-02", "2026-11-10")).unwrap();
    r.close(p, Outcome::Kept, "2026-11-10", "").unwrap();
    r.scorecard(b, qualifying());
    assert_eq!(met_b(&r), [true, true, true]);
    match &r.track_record(b, today).needs[0] {
        Need::DeliveriesOnTime {
            deliveries,
            percent,
            ..
        } => assert_eq!((*deliveries, *percent), (3, 90)),
        other => panic!("{other:?}"),
    }

    // Commitment: a joint program with open actions, none overdue, in touch
    // within 30 days.
    r.move_to(b, Stage::Commitment, "2026-11-20").unwrap();
    assert_eq!(met_b(&r), [false, true, false]);
    let program = ProgramId::random();
    r.on_day(
        today,
        Command::create::<Program>(
            program,
            b,
            ProgramDraft {
                goal: "open the new plant together".into(),
                ..ProgramDraft::default()
            },
        ),
    )
    .unwrap();
    let action = action(program, "2026-11-26");
    r.on_day(
        today,
        Command::create::<ProgramAction>(ProgramActionId::random(), b, action),
    )
    .unwrap();
    let touch = TouchDraft {
        kind: TouchKind::Call,
        day: "2026-10-28".into(), // 30 days before: just in time
        contact: None,
        note: "thank-you call".into(),
    };
    r.on_day(
        today,
        Command::create::<rapport::domain::Touch>(rapport::domain::TouchId::random(), b, touch),
    )
    .unwrap();
    assert_eq!(met_b(&r), [true, false, true]);
    assert_eq!(
        r.track_record(b, "2026-11-28")
            .needs
            .iter()
            .map(Need::met)
            .collect::<Vec<_>>(),
        [true, false, false],
        "31 days after the touch"
    );

    // Ended: nothing more.
    let now = r.model().stage_of(b);
    let mut ended = StageMoveDraft::to(Stage::Ended, &now, "merged into a group");
    ended.ended = Some(EndReason::Merged);
    r.stage_move(b, ended, today).unwrap();
    assert!(r.track_record(b, today).needs.is_empty());
}

fn action(program: ProgramId, due: &str) -> ProgramActionDraft {
    ProgramActionDraft {
        program,
        what: "train the line operators".into(),
        owner_rep: "Анна".into(),
        owner_contact: None,
        due: due.into(),
        status: ActionStatus::Open,
        status_note: String::new(),
    }
}

#[test]
fn rates_per_rep_and_for_the_team() {
    let mut r = Rapport::new();
    let annas = r.account_of("Ромашка", "Анна");
    let toms = r.account_of("Wolf & Sons", "Tom");
    let by = |r: &mut Rapport, account, who: &str, outcome: Option<Outcome>| {
        let mut draft = call_back("2026-11-02", "2026-11-10");
        draft.made_by = who.into();
        let p = r.promise(account, draft).unwrap();
        if let Some(outcome) = outcome {
            r.close(p, outcome, "2026-11-10", "what happened").unwrap();
        }
    };
    by(&mut r, annas, "Анна", Some(Outcome::Kept));
    by(&mut r, annas, "Анна", Some(Outcome::Kept));
    by(&mut r, annas, "Анна", Some(Outcome::Broken));
    // Anna's promise at Tom's account is hers.
    by(&mut r, toms, "Анна", Some(Outcome::Exceeded));
    by(&mut r, toms, "Tom", Some(Outcome::Broken));
    by(&mut r, toms, "Tom", None); // overdue
    r.order(annas, order("2026-11-01", "2026-11-05", "2026-11-05"))
        .unwrap();
    r.order(toms, order("2026-11-01", "2026-11-05", "2026-11-08"))
        .unwrap();
    let model = r.model();
    let today = day("2026-11-27");
    let rates = |scope| model.rates(scope, Period::all(), today);
    let (anna, anna_orders) = rates(Scope::Rep("Анна"));
    assert_eq!(
        (anna.kept_rate(), anna.exceeded_rate()),
        (ratio(3, 4), ratio(1, 4))
    );
    assert_eq!(
        anna_orders.on_time_rate(),
        ratio(1, 1),
        "orders of the accounts she owns"
    );
    let (tom, tom_orders) = rates(Scope::Rep("Tom"));
    assert_eq!((tom.kept_rate(), tom.overdue), (ratio(0, 2), 1));
    assert_eq!(tom_orders.on_time_rate(), ratio(0, 1));
    let (team, team_orders) = rates(Scope::Team);
    assert_eq!(team.kept_rate(), ratio(3, 6));
    assert_eq!(team_orders.on_time_rate(), ratio(1, 2));
    let (one, _) = rates(Scope::Account(toms));
    assert_eq!(one, model.track_record(toms, today).promises);
    assert_eq!(rates(Scope::Rep("Nobody")).0.kept_rate(), None);
    // A deleted account's promises leave the team's figures.
    r.on_day(
        "2026-11-27",
        Command::delete::<rapport::domain::Account>(toms),
    )
    .unwrap();
    let (team, _) = r.model().rates(Scope::Team, Period::all(), today);
    assert_eq!(team.kept_rate(), ratio(2, 3));
}

#[test]
fn programs_due_lists_open_actions_on_or_before_the_day() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    let program = |r: &mut Rapport, follow_up: &str| {
        let id = ProgramId::random();
        let draft = ProgramDraft {
            goal: "joint launch".into(),
            note: String::new(),
            follow_up: follow_up.into(),
        };
        r.on_day("2026-11-01", Command::create::<Program>(id, a, draft))
            .unwrap();
        id
    };
    let add = |r: &mut Rapport, program, due: &str, status| {
        let id = ProgramActionId::random();
        let mut draft = action(program, due);
        draft.status = status;
        r.on_day("2026-11-01", Command::create::<ProgramAction>(id, a, draft))
            .unwrap();
        id
    };
    let live = program(&mut r, "2026-11-27");
    let overdue = add(&mut r, live, "2026-11-20", ActionStatus::Open);
    let today = add(&mut r, live, "2026-11-27", ActionStatus::Open);
    add(&mut r, live, "2026-11-28", ActionStatus::Open);
    add(&mut r, live, "2026-11-19", ActionStatus::Done);
    let gone = program(&mut r, "2026-11-02");
    add(&mut r, gone, "2026-11-18", ActionStatus::Open);
    r.on_day("2026-11-26", Command::delete::<Program>(gone))
        .unwrap();
    // A dropped action says why.
    let mut dropped = action(live, "2026-11-10");
    dropped.status = ActionStatus::Dropped;
    assert_eq!(
        r.on_day(
            "2026-11-01",
            Command::create::<ProgramAction>(ProgramActionId::random(), a, dropped)
        ),
        Err(DomainError::Empty {
            field: "status_note"
        })
    );
    // An action of a deleted program cannot be added.
    assert_eq!(
        r.on_day(
            "2026-11-27",
            Command::create::<ProgramAction>(
                ProgramActionId::random(),
                a,
                action(gone, "2026-11-30")
            )
        ),
        Err(DomainError::Unknown(RecordKey::Program(gone)))
    );
    let model = r.model();
    let due = model.programs_due(day("2026-11-27"));
    let actions: Vec<ProgramActionId> = due.actions.iter().map(|(id, _)| *id).collect();
    assert_eq!(actions, [overdue, today], "oldest first");
    let follow_ups: Vec<ProgramId> = due.follow_ups.iter().map(|(id, _)| *id).collect();
    assert_eq!(follow_ups, [live]);
    assert!(model.programs_due(day("2026-11-19")).actions.is_empty());
    assert!(model.programs_due(day("2026-11-19")).follow_ups.is_empty());
}

// --- merges -------------------------------------------------------------------

/// A workspace with one account and one open promise, forked to two devices.
fn forked_promise() -> (Rapport, Rapport, AccountId, PromiseId) {
    let mut base = Rapport::new();
    let a = base.account("Ромашка");
    let p = base
        .promise(a, call_back("2026-11-02", "2026-11-10"))
        .unwrap();
    let anna = Rapport::on(base.ws.fork(ActorId::from([2; 16])));
    let tom = Rapport::on(base.ws.fork(ActorId::from([3; 16])));
    (anna, tom, a, p)
}

#[test]
fn a_promise_closed_differently_apart_keeps_both_outcomes_until_resolved() {
    let (mut anna, mut tom, a, p) = forked_promise();
    anna.close(p, Outcome::Kept, "2026-11-10", "").unwrap();
    tom.minute = 30;
    let mut draft = tom.stored_promise(p).draft_of();
    draft.outcome = Some(Outcome::Broken);
    draft.closed_on = "2026-11-12".into();
    draft.outcome_note = "the truck broke down".into();
    let e = tom.edit_by("2026-11-12", "Tom");
    tom.run(Command::edit::<Promise>(p, draft), &e).unwrap();
    anna.ws.merge(&mut tom.ws).unwrap();
    tom.ws.merge(&mut anna.ws).unwrap();
    assert_eq!(anna.model(), tom.model());

    let key = RecordKey::Promise(p);
    let model = anna.model();
    let conflicts = model.conflicts(key);
    assert_eq!(conflicts, anna.ws.conflicts(key).unwrap().as_slice());
    let outcome = conflicts
        .iter()
        .find(|c| c.field == "outcome")
        .unwrap_or_else(|| panic!("no outcome conflict in {conflicts:?}"));
    let mut values: Vec<(String, String)> = outcome
        .values
        .iter()
        .map(|v| (v.value.clone(), v.by.as_ref().unwrap().by.clone()))
        .collect();
    values.sort();
    assert_eq!(
        values,
        [
            ("Broken".to_owned(), "Tom".to_owned()),
            ("Kept".to_owned(), "Анна".to_owned())
        ]
    );
    // The promise is closed, yet the conflict can be settled: on the value
    // Anna recorded, through the page's check and the worker alike.
    let shown = model.get::<Promise>(p).unwrap().clone();
    // An edit may not change the outcome shown: the promise is closed.
    let other = match shown.outcome {
        Some(Outcome::Kept) => Outcome::Broken,
        _ => Outcome::Kept,
    };
    assert_eq!(
        anna.close(p, other, "2026-11-27", "the other one"),
        Err(DomainError::AlreadyClosed {
            closed: shown.closed_on.unwrap()
        })
    );
    // The day first (a kept promise closed after its due day would be kept
    // late), then the outcome.
    let e = anna.edit("2026-11-27");
    anna.run(
        Command::resolve(key, "closed_on", "2026-11-10".into()).unwrap(),
        &e,
    )
    .unwrap();
    let resolve = Command::resolve(key, "outcome", "Kept".into()).unwrap();
    let e = anna.edit("2026-11-27");
    anna.run(resolve, &e).unwrap();
    let after = anna.model();
    assert!(after.conflicts(key).iter().all(|c| c.field != "outcome"));
    assert_eq!(
        after.get::<Promise>(p).unwrap().outcome,
        Some(Outcome::Kept)
    );
    tom.ws.merge(&mut anna.ws).unwrap();
    assert_eq!(
        tom.model().get::<Promise>(p).unwrap().outcome,
        Some(Outcome::Kept)
    );
    assert!(
        tom.ws
            .conflicts(key)
            .unwrap()
            .iter()
            .all(|c| c.field != "outcome")
    );
    // A value nobody wrote is still held to the rules.
    let bogus = Command::resolve(key, "outcome", "Maybe".into()).unwrap();
    let e = anna.edit("2026-11-27");
    assert!(matches!(
        anna.run(bogus, &e),
        Err(DomainError::NotAValue { .. })
    ));
    assert_eq!(after.track_record(a, day("2026-11-27")).promises.kept, 1);
}

#[test]
fn concurrent_stage_moves_are_a_conflict_until_a_move_follows_both() {
    let mut base = Rapport::new();
    let a = base.account("Ромашка");
    base.move_to(a, Stage::Exploration, "2026-11-02").unwrap();
    let mut anna = Rapport::on(base.ws.fork(ActorId::from([2; 16])));
    let mut tom = Rapport::on(base.ws.fork(ActorId::from([3; 16])));
    tom.minute = 10;
    anna.minute = 20;
    let by_anna = anna.move_to(a, Stage::Expansion, "2026-11-20").unwrap();
    let now = tom.model().stage_of(a);
    let mut lost = StageMoveDraft::to(Stage::Ended, &now, "went to a competitor");
    lost.ended = Some(EndReason::Lost);
    let e = tom.edit_by("2026-11-20", "Tom");
    let by_tom = StageMoveId::random();
    tom.run(Command::create::<StageMove>(by_tom, a, lost), &e)
        .unwrap();
    anna.ws.merge(&mut tom.ws).unwrap();
    tom.ws.merge(&mut anna.ws).unwrap();
    let model = anna.model();
    assert_eq!(model, tom.model());
    let now = model.stage_of(a);
    assert!(now.conflict);
    assert_eq!(now.heads, [by_anna, by_tom], "newest first");
    assert_eq!(now.stage, Stage::Expansion, "the newest shows");
    assert_eq!(model.stage_history(a).len(), 3);
    let row = model
        .filter_accounts("")
        .into_iter()
        .find(|r| r.id == a)
        .unwrap();
    assert!(row.stage_conflict);
    // A conflict is not "the same stage": picking the one shown is a move.
    let pick = anna.move_to(a, Stage::Expansion, "2026-11-27").unwrap();
    let model = anna.model();
    let now = model.stage_of(a);
    assert_eq!(
        (now.stage, now.conflict, now.heads.clone()),
        (Stage::Expansion, false, vec![pick])
    );
    let mut after = model.get::<StageMove>(pick).unwrap().after.clone();
    after.sort();
    let mut both = vec![by_anna, by_tom];
    both.sort();
    assert_eq!(after, both);
    assert_eq!(model.stage_history(a).len(), 4);
    tom.ws.merge(&mut anna.ws).unwrap();
    assert_eq!(tom.model().stage_of(a), now);
}

#[test]
fn a_promise_deleted_on_one_device_and_closed_on_another_stays_deleted() {
    let (mut anna, mut tom, a, p) = forked_promise();
    anna.on_day("2026-11-09", Command::delete::<Promise>(p))
        .unwrap();
    tom.close(p, Outcome::Kept, "2026-11-10", "").unwrap();
    anna.ws.merge(&mut tom.ws).unwrap();
    tom.ws.merge(&mut anna.ws).unwrap();
    for side in [&anna, &tom] {
        let model = side.model();
        assert_eq!(model.get::<Promise>(p), None);
        assert!(model.promises_of(a).is_empty());
        assert_eq!(
            model.track_record(a, day("2026-11-27")).promises.counted(),
            0
        );
        let stored = side.stored_promise(p);
        assert!(stored.deleted.is_some());
        assert_eq!(stored.outcome, Some(Outcome::Kept));
    }
    // And nothing more can be done to it.
    let e = anna.edit("2026-11-27");
    assert_eq!(
        anna.run(
            Command::resolve(RecordKey::Promise(p), "what", "x".into()).unwrap(),
            &e
        ),
        Err(DomainError::Unknown(RecordKey::Promise(p)))
    );
}

#[test]
fn settings_edited_apart_merge_field_by_field() {
    let mut base = Rapport::new();
    let mut anna = Rapport::on(Workspace::load(&base.ws.save(), ActorId::from([2; 16])).unwrap());
    // Tom's device never saw Anna's: it starts from its own genesis.
    let mut tom = Rapport::on(Workspace::new(ActorId::from([3; 16])));
    let settings = TeamSettings::id();
    let draft = rapport::domain::Record::draft(&TeamSettings::default());
    anna.on_day(
        "2026-11-27",
        Command::edit::<TeamSettings>(
            settings,
            SettingsDraft {
                currency: "rub".into(),
                ..draft.clone()
            },
        ),
    )
    .unwrap();
    let e = tom.edit_by("2026-11-27", "Tom");
    tom.run(
        Command::edit::<TeamSettings>(
            settings,
            SettingsDraft {
                min_give_back: "2".into(),
                ..draft
            },
        ),
        &e,
    )
    .unwrap();
    anna.ws.merge(&mut tom.ws).unwrap();
    tom.ws.merge(&mut anna.ws).unwrap();
    for side in [&anna, &tom] {
        let merged = TeamSettings::of(&side.model());
        assert_eq!((merged.currency.as_str(), merged.min_give_back), ("RUB", 2));
        assert_eq!(merged.min_payback_percent, 100);
        assert!(
            side.model()
                .conflicts(RecordKey::TeamSettings(settings))
                .is_empty()
        );
    }
}
