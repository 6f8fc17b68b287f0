//! An account's health end to end (issue 15, part 6): built from the
//! records the rep keeps — touches, promises, remarks, adoption checks,
//! early warnings — through the commands the page and the worker run
//! ([`harness::Rapport::run`]), and its trend worked out from their dates.

use rapport::document::Command;
use rapport::domain::{
    AccountId, AdoptionCheck, AdoptionCheckDraft, AdoptionCheckId, EarlyWarning, EarlyWarningDraft,
    EarlyWarningId, Factor, Finding, FollowUp, Level, Promise, PromiseDraft, PromiseId,
    PromiseKind, Record, Remark, RemarkDraft, RemarkEnd, RemarkId, Role, Sentiment, Seriousness,
    Severity, Status, Topic, Touch, TouchDraft, TouchId, TouchKind, WarningEnd, WarningRole,
};

mod harness;

use harness::{Rapport, day};

impl Rapport {
    fn visit(&mut self, account: AccountId, today: &str) {
        let draft = TouchDraft {
            kind: TouchKind::Visit,
            day: today.into(),
            contact: None,
            note: String::new(),
        };
        self.on_day(
            today,
            Command::create::<Touch>(TouchId::random(), account, draft),
        )
        .unwrap();
    }

    fn status(&self, account: AccountId, today: &str) -> Status {
        self.model().health(account, day(today)).unwrap().status
    }

    /// The factors that are not good, with their levels.
    fn not_good(&self, account: AccountId, today: &str) -> Vec<(&'static str, Level)> {
        self.model()
            .health(account, day(today))
            .unwrap()
            .factors
            .into_iter()
            .filter(|(_, l)| !matches!(l, Level::Good | Level::NoData))
            .map(|(f, l)| {
                let name = match f {
                    Factor::Touch(_) => "touch",
                    Factor::Promises(_) => "promises",
                    Factor::Deliveries(_) => "deliveries",
                    Factor::Remarks(_) => "remarks",
                    Factor::Adoption(_) => "adoption",
                    Factor::EarlyWarnings(_) => "warnings",
                };
                (name, l)
            })
            .collect()
    }
}

#[test]
fn health_and_its_reasons_follow_the_records() {
    let mut r = Rapport::new();
    // Added on 5 January, in awareness (in touch every 30 days).
    let a = r.account("ООО «Ромашка»");
    r.visit(a, "2026-03-01");
    assert_eq!(r.status(a, "2026-03-10"), Status::Healthy);
    assert!(r.not_good(a, "2026-03-10").is_empty());

    // A complaint, not yet acted on: concerning while young, poor once
    // older than two weeks.
    let complaint = RemarkId::random();
    let draft = RemarkDraft::heard(
        Role::User,
        Topic::Delivery,
        Sentiment::Negative,
        Severity::Complaint,
        "the second lot came without certificates",
        "2026-03-05",
    );
    r.on_day("2026-03-05", Command::create::<Remark>(complaint, a, draft))
        .unwrap();
    assert_eq!(
        r.not_good(a, "2026-03-10"),
        [("remarks", Level::Concerning)]
    );
    assert_eq!(r.status(a, "2026-03-10"), Status::Concerning);
    assert_eq!(r.status(a, "2026-03-20"), Status::Poor);

    // Acted on and resolved: good again.
    let mut resolved = r.model().get::<Remark>(complaint).unwrap().draft();
    resolved.action = "send the certificates by courier".into();
    resolved.action_by = "Анна".into();
    resolved.action_due = "2026-03-12".into();
    resolved.end = Some(RemarkEnd::Resolved);
    resolved.ended_on = "2026-03-12".into();
    resolved.end_note = "certificates delivered, apologised".into();
    r.on_day("2026-03-12", Command::edit::<Remark>(complaint, resolved))
        .unwrap();
    assert_eq!(r.status(a, "2026-03-20"), Status::Healthy);

    // An adoption check "partly": concerning, with adoption the reason.
    let check = AdoptionCheckDraft {
        checked_on: "2026-03-21".into(),
        order: None,
        product: "the dosing line".into(),
        finding: Finding::Partly,
        follow_up: FollowUp::Training,
        next_check: "2026-04-21".into(),
        note: String::new(),
    };
    r.on_day(
        "2026-03-21",
        Command::create::<AdoptionCheck>(AdoptionCheckId::random(), a, check),
    )
    .unwrap();
    assert_eq!(
        r.not_good(a, "2026-03-21"),
        [("adoption", Level::Concerning)]
    );

    // A serious early warning: poor, whatever else is good.
    let warning = EarlyWarningId::random();
    let heard = EarlyWarningDraft::heard(
        WarningRole::Technical,
        Seriousness::High,
        "the engineers say the panel freezes",
        "2026-03-22",
    );
    r.on_day(
        "2026-03-22",
        Command::create::<EarlyWarning>(warning, a, heard),
    )
    .unwrap();
    assert_eq!(r.status(a, "2026-03-22"), Status::Poor);
    assert_eq!(
        r.not_good(a, "2026-03-22"),
        [("adoption", Level::Concerning), ("warnings", Level::Poor)]
    );
    let mut closed = r.model().get::<EarlyWarning>(warning).unwrap().draft();
    closed.end = Some(WarningEnd::Closed);
    closed.ended_on = "2026-03-24".into();
    closed.end_note = "firmware updated on site".into();
    r.on_day("2026-03-24", Command::edit::<EarlyWarning>(warning, closed))
        .unwrap();
    assert_eq!(r.status(a, "2026-03-24"), Status::Concerning);

    // A broken promise: kept rate 0 % of 1, poor.
    let promise = PromiseId::random();
    let draft = PromiseDraft {
        to: None,
        made_by: "Анна".into(),
        made_on: "2026-03-24".into(),
        due: "2026-03-26".into(),
        kind: PromiseKind::CallBack,
        what: "call back about the price".into(),
        outcome: None,
        closed_on: String::new(),
        outcome_note: String::new(),
        save_anyway: false,
    };
    r.on_day("2026-03-24", Command::create::<Promise>(promise, a, draft))
        .unwrap();
    // Not yet due: not counted.
    assert_eq!(r.status(a, "2026-03-25"), Status::Concerning);
    // Overdue and open: counted as not kept.
    assert_eq!(
        r.not_good(a, "2026-03-27"),
        [("promises", Level::Poor), ("adoption", Level::Concerning)]
    );
}

#[test]
fn the_trend_is_worked_out_from_the_records_dates() {
    let mut r = Rapport::new();
    let a = r.account("Хлебозавод № 3");
    r.visit(a, "2026-03-01");
    let heard = EarlyWarningDraft::heard(
        WarningRole::User,
        Seriousness::Medium,
        "the operators avoid the new panel",
        "2026-03-10",
    );
    r.on_day(
        "2026-03-10",
        Command::create::<EarlyWarning>(EarlyWarningId::random(), a, heard),
    )
    .unwrap();
    let trend = r.model().health_trend(a, day("2026-03-15")).unwrap();
    assert_eq!(trend.now, Status::Concerning);
    assert_eq!(trend.previous, Some((Status::Healthy, day("2026-03-10"))));
    // Untouched since 1 March, every 30 days: due on 31 March, overdue
    // from 1 April (concerning, as the warning is); poor from 1 May, more
    // than a whole cadence overdue.
    let trend = r.model().health_trend(a, day("2026-05-05")).unwrap();
    assert_eq!(trend.now, Status::Poor);
    assert_eq!(
        trend.previous,
        Some((Status::Concerning, day("2026-05-01")))
    );
    // Added today with nothing before: no previous status is made up.
    let young = r.account("Мельница");
    let trend = r.model().health_trend(young, day("2026-01-05")).unwrap();
    assert_eq!(trend.previous, None);
    // Entered with its history (a visit on 1 December, before it was
    // added): the trend reaches back to it. Due on 31 December, overdue
    // on 5 January until the thank-you that day.
    let visit = TouchDraft {
        kind: TouchKind::Visit,
        day: "2025-12-01".into(),
        contact: None,
        note: String::new(),
    };
    r.on_day(
        "2026-01-05",
        Command::create::<Touch>(TouchId::random(), young, visit),
    )
    .unwrap();
    assert_eq!(r.status(young, "2026-01-05"), Status::Concerning);
    let thanks = TouchDraft {
        kind: TouchKind::ThankYou,
        day: "2026-01-05".into(),
        contact: None,
        note: String::new(),
    };
    r.on_day(
        "2026-01-05",
        Command::create::<Touch>(TouchId::random(), young, thanks),
    )
    .unwrap();
    let trend = r.model().health_trend(young, day("2026-01-05")).unwrap();
    assert_eq!(trend.now, Status::Healthy);
    assert_eq!(
        trend.previous,
        Some((Status::Concerning, day("2026-01-05")))
    );
}
