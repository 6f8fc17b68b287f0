//! The feedback system end to end (issue 15, parts 3 and 5): remarks with
//! their action and end, the feedback figures per account, rep and team,
//! the complaint in exploration that is a chance, and early warnings until
//! followed up. Every command goes through [`Rapport::run`]
//! (`harness/mod.rs`): checked on the page's read model, run on the
//! document, the same answer asserted from both and nothing written when
//! refused. Every figure is asserted the same from both too.
//!
//! The last part forks workspaces: a remark ended differently on two
//! devices apart, settled by a resolution; and the fixtures of earlier
//! schemas, which load with the new collections empty.

mod harness;

use automerge::ActorId;
use harness::{Rapport, day};
use rapport::document::{Command, RecordKey, Scope, Workspace};
use rapport::domain::{
    Account, AccountId, DomainError, EarlyWarning, EarlyWarningDraft, EarlyWarningId,
    FeedbackTally, MAX_NOTE_CHARS, OpenRemark, Period, Ratio, Record, Remark, RemarkDraft,
    RemarkEnd, RemarkId, Role, Sentiment, Seriousness, Severity, Stage, Topic, WarningEnd,
    WarningRole,
};

// --- what these tests add to the harness ------------------------------------

impl Rapport {
    /// A remark of `draft`, recorded on its day.
    fn remark(&mut self, account: AccountId, draft: RemarkDraft) -> Result<RemarkId, DomainError> {
        let id = RemarkId::random();
        let today = draft.day.clone();
        self.on_day(&today, Command::create::<Remark>(id, account, draft))
            .map(|()| id)
    }

    fn stored_remark(&self, id: RemarkId) -> Remark {
        self.ws.read(id).unwrap().expect("stored")
    }

    /// Changes remark `id` as `change` says, on `today`.
    fn edit_remark(
        &mut self,
        id: RemarkId,
        today: &str,
        change: impl FnOnce(&mut RemarkDraft),
    ) -> Result<(), DomainError> {
        let mut draft = self.stored_remark(id).draft();
        change(&mut draft);
        self.on_day(today, Command::edit::<Remark>(id, draft))
    }

    /// Records an action on `id`: Anna does `what` by `due` (on the
    /// remark's last day: its end's, or its own).
    fn act(&mut self, id: RemarkId, what: &str, due: &str) -> Result<(), DomainError> {
        let stored = self.stored_remark(id);
        let today = stored.ended_on.unwrap_or(stored.day).to_string();
        self.edit_remark(id, &today, |d| {
            d.action = what.into();
            d.action_by = "Анна".into();
            d.action_due = due.into();
        })
    }

    /// Ends `id` as `end` on `ended`, with `note`.
    fn end(
        &mut self,
        id: RemarkId,
        end: RemarkEnd,
        ended: &str,
        note: &str,
    ) -> Result<(), DomainError> {
        self.edit_remark(id, ended, |d| {
            d.end = Some(end);
            d.ended_on = ended.into();
            d.end_note = note.into();
        })
    }

    /// A complaint made on `made`, acted on at once and resolved `days`
    /// days later.
    fn resolved_after(&mut self, account: AccountId, made: &str, days: i64) -> RemarkId {
        let id = self.remark(account, complaint(made)).unwrap();
        self.act(id, "replace the pallets", made).unwrap();
        let ended = day(made).plus(days).to_string();
        self.end(id, RemarkEnd::Resolved, &ended, "replaced")
            .unwrap();
        id
    }

    fn warning(
        &mut self,
        account: AccountId,
        draft: EarlyWarningDraft,
    ) -> Result<EarlyWarningId, DomainError> {
        let id = EarlyWarningId::random();
        let today = draft.day.clone();
        self.on_day(&today, Command::create::<EarlyWarning>(id, account, draft))
            .map(|()| id)
    }

    /// Follows up warning `id` as `change` says, on `today`.
    fn follow_up(
        &mut self,
        id: EarlyWarningId,
        today: &str,
        change: impl FnOnce(&mut EarlyWarningDraft),
    ) -> Result<(), DomainError> {
        let stored: EarlyWarning = self.ws.read(id).unwrap().expect("stored");
        let mut draft = stored.draft();
        change(&mut draft);
        self.on_day(today, Command::edit::<EarlyWarning>(id, draft))
    }

    /// The feedback figures of `scope` over all time on `today`, asserted
    /// the same from the page's read model and from the document.
    fn feedback(&self, scope: Scope<'_>, today: &str) -> FeedbackTally {
        let page = self.model().feedback(scope, Period::all(), day(today));
        let worker = FeedbackTally::among(
            &self.ws,
            |id, account| scope.takes_in(id, account),
            Period::all(),
            day(today),
        );
        assert_eq!(page, worker, "the page and the worker count differently");
        page
    }

    /// Whether remark `id` is the chance, asked the same of both.
    fn is_chance(&self, id: RemarkId) -> bool {
        let model = self.model();
        let page = model.get::<Remark>(id).unwrap().is_chance(&model);
        assert_eq!(page, self.stored_remark(id).is_chance(&self.ws));
        page
    }
}

fn complaint(made: &str) -> RemarkDraft {
    RemarkDraft::heard(
        Role::User,
        Topic::Delivery,
        Sentiment::Negative,
        Severity::Complaint,
        "the pallets came wet",
        made,
    )
}

fn praise(made: &str) -> RemarkDraft {
    RemarkDraft::heard(
        Role::Buyer,
        Topic::Rep,
        Sentiment::Positive,
        Severity::Remark,
        "always on time",
        made,
    )
}

fn grumble(made: &str) -> EarlyWarningDraft {
    EarlyWarningDraft::heard(
        WarningRole::Technical,
        Seriousness::Medium,
        "the new valves leak after a week",
        made,
    )
}

fn ratio(part: usize, whole: usize) -> Option<Ratio> {
    Ratio::of(part, whole)
}

// --- remarks ----------------------------------------------------------------

#[test]
fn an_empty_remark_or_one_from_nobody_at_an_account_with_people_is_refused() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    let mut blank = complaint("2026-11-10");
    blank.text = " \n\t ".into();
    assert_eq!(
        r.remark(a, blank),
        Err(DomainError::Empty { field: "text" })
    );
    let mut pasted = complaint("2026-11-10");
    pasted.text = "ж".repeat(MAX_NOTE_CHARS + 1);
    assert_eq!(
        r.remark(a, pasted),
        Err(DomainError::TooLong {
            field: "text",
            chars: MAX_NOTE_CHARS + 1,
            max: MAX_NOTE_CHARS
        })
    );
    // Made tomorrow in the rep's zone is fine; later has not happened.
    let mut ahead = complaint("2026-11-12");
    ahead.day = "2026-11-13".into();
    assert!(matches!(
        r.on_day(
            "2026-11-11",
            Command::create::<Remark>(RemarkId::random(), a, ahead)
        ),
        Err(DomainError::DayOutOfRange { .. })
    ));
    // Nobody at the account yet: a remark from nobody is fine.
    r.remark(a, complaint("2026-11-10")).unwrap();
    // With people, it says who.
    let ivan = r.contact(a, "Иван Петров");
    assert_eq!(
        r.remark(a, complaint("2026-11-10")),
        Err(DomainError::Empty { field: "from" })
    );
    let b = r.account("Wolf & Sons");
    let tom = r.contact(b, "Tom");
    let mut elsewhere = complaint("2026-11-10");
    elsewhere.from = Some(tom);
    assert_eq!(
        r.remark(a, elsewhere),
        Err(DomainError::ContactOfOtherAccount {
            contact: tom,
            account: a
        })
    );
    let mut from_ivan = complaint("2026-11-10");
    from_ivan.from = Some(ivan);
    let id = r.remark(a, from_ivan).unwrap();
    let stored = r.stored_remark(id);
    assert_eq!(
        (stored.from, stored.text.as_str()),
        (Some(ivan), "the pallets came wet")
    );
    assert!(stored.is_open() && stored.needs_action() && !stored.has_action());
    assert_eq!(r.model().remarks_of(a).len(), 2);
    assert!(r.model().remarks_of(b).is_empty());
}

#[test]
fn an_action_is_what_by_whom_and_when_not_before_the_remark() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    let id = r.remark(a, complaint("2026-11-10")).unwrap();
    assert_eq!(
        r.edit_remark(id, "2026-11-10", |d| d.action = "send a technician".into()),
        Err(DomainError::Empty { field: "action_by" })
    );
    assert_eq!(
        r.act(id, "send a technician", "2026-11-09"),
        Err(DomainError::Before {
            field: "action_due",
            day: day("2026-11-09"),
            other: "day",
            other_day: day("2026-11-10"),
        })
    );
    assert!(!r.stored_remark(id).has_action(), "nothing written");
    r.act(id, "send a technician", "2026-11-14").unwrap();
    let stored = r.stored_remark(id);
    assert_eq!(
        (
            stored.action.as_str(),
            stored.action_by.as_str(),
            stored.action_due
        ),
        ("send a technician", "Анна", Some(day("2026-11-14")))
    );
    assert!(!stored.is_action_overdue(day("2026-11-14")));
    assert!(stored.is_action_overdue(day("2026-11-15")));
    // While open, the action may change.
    r.act(id, "send a technician and a spare valve", "2026-11-16")
        .unwrap();
}

#[test]
fn a_remark_needing_an_action_is_resolved_only_with_one_and_an_end_says_why() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    let id = r.remark(a, complaint("2026-11-10")).unwrap();
    assert_eq!(
        r.end(
            id,
            RemarkEnd::Resolved,
            "2026-11-12",
            "replaced the pallets"
        ),
        Err(DomainError::Empty { field: "action" })
    );
    assert_eq!(
        r.end(id, RemarkEnd::ClosedWithoutAction, "2026-11-12", " "),
        Err(DomainError::Empty { field: "end_note" })
    );
    assert_eq!(
        r.end(
            id,
            RemarkEnd::ClosedWithoutAction,
            "2026-11-09",
            "withdrawn"
        ),
        Err(DomainError::Before {
            field: "ended_on",
            day: day("2026-11-09"),
            other: "day",
            other_day: day("2026-11-10"),
        })
    );
    assert!(r.stored_remark(id).is_open());
    // Closed without action needs no action, only its reason.
    r.end(
        id,
        RemarkEnd::ClosedWithoutAction,
        "2026-11-12",
        "the client found the pallets were dry",
    )
    .unwrap();
    assert_eq!(r.stored_remark(id).days_to_resolve(), None);
    // A remark that needs nothing may be resolved without an action.
    let thanks = r.remark(a, praise("2026-11-10")).unwrap();
    r.end(thanks, RemarkEnd::Resolved, "2026-11-10", "thanked them")
        .unwrap();
    // And a negative remark (not a complaint) needs an action too.
    let mut negative = praise("2026-11-10");
    negative.sentiment = Sentiment::Negative;
    let id = r.remark(a, negative).unwrap();
    assert_eq!(
        r.end(id, RemarkEnd::Resolved, "2026-11-12", "called back"),
        Err(DomainError::Empty { field: "action" })
    );
    // Logged and handled at once, in one go: fine.
    let mut on_the_spot = complaint("2026-11-10");
    on_the_spot.action = "swap the pallets from the truck".into();
    on_the_spot.action_by = "Анна".into();
    on_the_spot.action_due = "2026-11-10".into();
    on_the_spot.end = Some(RemarkEnd::Resolved);
    on_the_spot.ended_on = "2026-11-10".into();
    on_the_spot.end_note = "swapped".into();
    let id = r.remark(a, on_the_spot).unwrap();
    assert_eq!(r.stored_remark(id).days_to_resolve(), Some(0));
}

#[test]
fn an_ended_remark_keeps_its_action_and_its_end() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    let id = r.remark(a, complaint("2026-11-10")).unwrap();
    r.act(id, "replace the pallets", "2026-11-11").unwrap();
    r.end(id, RemarkEnd::Resolved, "2026-11-12", "replaced")
        .unwrap();
    let closed = Err(DomainError::RemarkClosed {
        ended: day("2026-11-12"),
    });
    // An action on a closed remark.
    assert_eq!(r.act(id, "refund the freight", "2026-11-20"), closed);
    assert_eq!(
        r.edit_remark(id, "2026-11-20", |d| d.action_by = "Tom".into()),
        closed
    );
    // Ending it again, on another day, or reopening it.
    assert_eq!(
        r.end(id, RemarkEnd::ClosedWithoutAction, "2026-11-12", "no"),
        closed
    );
    assert_eq!(
        r.end(id, RemarkEnd::Resolved, "2026-11-13", "replaced"),
        closed
    );
    assert_eq!(
        r.edit_remark(id, "2026-11-20", |d| {
            d.end = None;
            d.ended_on = String::new();
        }),
        closed
    );
    let stored = r.stored_remark(id);
    assert_eq!(
        (stored.end, stored.action.as_str()),
        (Some(RemarkEnd::Resolved), "replace the pallets")
    );
    // What the client said, and what was done, may still be corrected.
    r.edit_remark(id, "2026-11-20", |d| {
        d.text = "the pallets came wet, two of them torn".into();
        d.end_note = "replaced, and the driver briefed".into();
    })
    .unwrap();
    // A deleted remark is gone for everything.
    r.on_day("2026-11-20", Command::delete::<Remark>(id))
        .unwrap();
    assert_eq!(
        r.edit_remark(id, "2026-11-20", |d| d.text = "x".into()),
        Err(DomainError::Unknown(RecordKey::Remark(id)))
    );
}

// --- the figures ------------------------------------------------------------

#[test]
fn no_remarks_needing_an_action_is_no_share_and_no_median_not_zero() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    let tally = r.feedback(Scope::Team, "2026-11-27");
    assert_eq!(tally, FeedbackTally::default());
    assert_eq!(
        (tally.acted_on_share(), tally.median_days_to_resolve()),
        (None, None)
    );
    // Praise and a neutral remark ask nothing: still no share.
    r.remark(a, praise("2026-11-10")).unwrap();
    let mut neutral = praise("2026-11-11");
    neutral.sentiment = Sentiment::Neutral;
    r.remark(a, neutral).unwrap();
    let tally = r.feedback(Scope::Account(a), "2026-11-27");
    assert_eq!((tally.remarks, tally.needing_action), (2, 0));
    assert_eq!(tally.acted_on_share(), None);
    assert!(tally.open.is_empty(), "they do not wait for anything");
    // One complaint, not acted on: a share of 0, not "no remarks".
    r.remark(a, complaint("2026-11-12")).unwrap();
    let tally = r.feedback(Scope::Account(a), "2026-11-27");
    assert_eq!(tally.acted_on_share(), ratio(0, 1));
    assert_eq!(tally.acted_on_share().unwrap().percent(), 0);
    assert_eq!(tally.median_days_to_resolve(), None);
}

#[test]
fn one_resolved_remark_is_its_own_median() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    r.resolved_after(a, "2026-11-10", 3);
    let tally = r.feedback(Scope::Account(a), "2026-11-27");
    assert_eq!(tally.median_days_to_resolve(), Some(3));
    assert_eq!(tally.acted_on_share(), ratio(1, 1));
    assert_eq!((tally.resolved, tally.resolve_days.clone()), (1, vec![3]));
}

#[test]
fn an_even_count_takes_the_later_middle_and_closed_without_action_is_not_acted_on() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    for days in [9, 1, 5, 2] {
        r.resolved_after(a, "2026-11-02", days);
    }
    let withdrawn = r.remark(a, complaint("2026-11-03")).unwrap();
    r.end(
        withdrawn,
        RemarkEnd::ClosedWithoutAction,
        "2026-11-04",
        "withdrawn",
    )
    .unwrap();
    // An action recorded, not yet resolved: acted on, and open.
    let pending = r.remark(a, complaint("2026-11-20")).unwrap();
    r.act(pending, "send a technician", "2026-11-30").unwrap();
    r.remark(a, praise("2026-11-05")).unwrap();
    let tally = r.feedback(Scope::Account(a), "2026-11-27");
    assert_eq!(tally.resolve_days, [1, 2, 5, 9]);
    assert_eq!(
        tally.median_days_to_resolve(),
        Some(5),
        "of 2 and 5, the later"
    );
    assert_eq!(
        (
            tally.remarks,
            tally.needing_action,
            tally.resolved,
            tally.closed_without_action
        ),
        (7, 6, 4, 1)
    );
    assert_eq!(tally.acted_on_share(), ratio(5, 6));
    assert_eq!(
        tally.open,
        [OpenRemark {
            id: pending,
            account: a,
            age_days: 7,
            has_action: true
        }]
    );
    // A fifth resolution (odd again): the middle one.
    r.resolved_after(a, "2026-11-02", 4);
    let tally = r.feedback(Scope::Account(a), "2026-11-27");
    assert_eq!(tally.median_days_to_resolve(), Some(4));
}

#[test]
fn open_remarks_age_oldest_first() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    let newer = r.remark(a, complaint("2026-11-20")).unwrap();
    let older = r.remark(a, complaint("2026-10-30")).unwrap();
    let today = r.remark(a, complaint("2026-11-27")).unwrap();
    let ages = |r: &Rapport, on: &str| -> Vec<(RemarkId, i64)> {
        r.feedback(Scope::Team, on)
            .open
            .iter()
            .map(|o| (o.id, o.age_days))
            .collect()
    };
    // Across a month's end: whole days.
    assert_eq!(
        ages(&r, "2026-11-27"),
        [(older, 28), (newer, 7), (today, 0)]
    );
    assert_eq!(
        ages(&r, "2026-12-01"),
        [(older, 32), (newer, 11), (today, 4)]
    );
    // The remarks list: open ones first, oldest first.
    let listed: Vec<RemarkId> = r.model().remarks_of(a).iter().map(|(id, _)| *id).collect();
    assert_eq!(listed, [older, newer, today]);
    r.act(older, "visit", "2026-11-28").unwrap();
    r.end(older, RemarkEnd::Resolved, "2026-11-27", "visited")
        .unwrap();
    assert_eq!(ages(&r, "2026-11-27"), [(newer, 7), (today, 0)]);
    let listed: Vec<RemarkId> = r.model().remarks_of(a).iter().map(|(id, _)| *id).collect();
    assert_eq!(listed, [newer, today, older], "the ended one last");
}

#[test]
fn figures_per_account_per_rep_and_for_the_team() {
    let mut r = Rapport::new();
    let annas = r.account_of("Ромашка", "Анна");
    let toms = r.account_of("Wolf & Sons", "Tom");
    r.resolved_after(annas, "2026-11-02", 2);
    r.remark(annas, complaint("2026-11-03")).unwrap();
    r.resolved_after(toms, "2026-11-02", 6);
    r.resolved_after(toms, "2026-10-02", 10);
    let today = "2026-11-27";
    let anna = r.feedback(Scope::Rep("Анна"), today);
    assert_eq!(
        (anna.acted_on_share(), anna.median_days_to_resolve()),
        (ratio(1, 2), Some(2))
    );
    let tom = r.feedback(Scope::Rep("Tom"), today);
    assert_eq!(
        (tom.acted_on_share(), tom.median_days_to_resolve()),
        (ratio(2, 2), Some(10))
    );
    let team = r.feedback(Scope::Team, today);
    assert_eq!(
        (team.acted_on_share(), team.resolve_days.clone()),
        (ratio(3, 4), vec![2, 6, 10])
    );
    assert_eq!(r.feedback(Scope::Account(toms), today), tom);
    assert_eq!(
        r.feedback(Scope::Rep("Nobody"), today).acted_on_share(),
        None
    );
    // A period counts the remarks made in it.
    let november = Period {
        from: day("2026-11-01"),
        to: day("2026-11-30"),
    };
    let model = r.model();
    let tally = model.feedback(Scope::Rep("Tom"), november, day(today));
    assert_eq!((tally.needing_action, tally.resolve_days), (1, vec![6]));
    // Handed over, the account's remarks follow it to its new owner.
    let mut handed = rapport::domain::AccountDraft::of(r.model().account(toms).unwrap());
    handed.owner = "Анна".into();
    r.on_day(today, Command::edit::<Account>(toms, handed))
        .unwrap();
    assert_eq!(
        r.feedback(Scope::Rep("Анна"), today).acted_on_share(),
        ratio(3, 4)
    );
    // A deleted account's remarks leave the figures.
    r.on_day(today, Command::delete::<Account>(toms)).unwrap();
    assert_eq!(r.feedback(Scope::Team, today).acted_on_share(), ratio(1, 2));
    assert_eq!(
        r.feedback(Scope::Account(toms), today),
        FeedbackTally::default()
    );
}

// --- the chance ---------------------------------------------------------------

#[test]
fn a_complaint_made_in_exploration_is_the_chance_and_stays_one() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    let in_awareness = r.remark(a, complaint("2026-11-01")).unwrap();
    r.move_to(a, Stage::Exploration, "2026-11-02").unwrap();
    // Made the day the account moved: the move counts (the end of the day).
    let that_day = r.remark(a, complaint("2026-11-02")).unwrap();
    let chance = r.remark(a, complaint("2026-11-10")).unwrap();
    let mut grumbled = praise("2026-11-10");
    grumbled.sentiment = Sentiment::Negative;
    let not_a_complaint = r.remark(a, grumbled).unwrap();
    assert!(!r.is_chance(in_awareness));
    assert!(r.is_chance(that_day));
    assert!(r.is_chance(chance));
    assert!(
        !r.is_chance(not_a_complaint),
        "a negative remark is not a complaint"
    );
    // Handled well, the account moves on; the complaint was the chance.
    r.act(chance, "replace the pallets", "2026-11-11").unwrap();
    r.end(chance, RemarkEnd::Resolved, "2026-11-11", "replaced")
        .unwrap();
    r.move_to(a, Stage::Expansion, "2026-11-20").unwrap();
    assert!(r.is_chance(chance));
    let in_expansion = r.remark(a, complaint("2026-11-21")).unwrap();
    assert!(!r.is_chance(in_expansion));
}

// --- early warnings -------------------------------------------------------------

#[test]
fn an_early_warning_is_flagged_until_followed_up_once() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    let b = r.account("Wolf & Sons");
    let mut blank = grumble("2026-11-10");
    blank.heard = "  ".into();
    assert_eq!(
        r.warning(a, blank),
        Err(DomainError::Empty { field: "heard" })
    );
    let petr = r.contact(a, "Пётр, инженер");
    assert_eq!(
        r.warning(a, grumble("2026-11-10")),
        Err(DomainError::Empty { field: "from" })
    );
    let from_petr = |made: &str, seriousness| EarlyWarningDraft {
        from: Some(petr),
        seriousness,
        ..grumble(made)
    };
    let medium = r
        .warning(a, from_petr("2026-11-10", Seriousness::Medium))
        .unwrap();
    let high = r
        .warning(a, from_petr("2026-11-12", Seriousness::High))
        .unwrap();
    let old_low = r
        .warning(a, from_petr("2026-11-01", Seriousness::Low))
        .unwrap();
    let elsewhere = r.warning(b, grumble("2026-11-11")).unwrap();
    let flagged = |r: &Rapport| -> Vec<EarlyWarningId> {
        r.model()
            .open_early_warnings()
            .iter()
            .map(|(id, _)| *id)
            .collect()
    };
    assert_eq!(
        flagged(&r),
        [high, medium, elsewhere, old_low],
        "most serious first, then oldest"
    );
    // Closed needs its note; then it is no longer flagged.
    assert_eq!(
        r.follow_up(medium, "2026-11-14", |d| {
            d.end = Some(WarningEnd::Closed);
            d.ended_on = "2026-11-14".into();
        }),
        Err(DomainError::Empty { field: "end_note" })
    );
    r.follow_up(medium, "2026-11-14", |d| {
        d.end = Some(WarningEnd::Closed);
        d.ended_on = "2026-11-14".into();
        d.end_note = "a seal was missing; fitted on site".into();
    })
    .unwrap();
    assert_eq!(flagged(&r), [high, elsewhere, old_low]);
    let of_a: Vec<EarlyWarningId> = r
        .model()
        .early_warnings_of(a)
        .iter()
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(of_a, [high, old_low, medium], "the followed-up one last");
    // Once followed up, it stays so; what was heard may be corrected.
    let again = Err(DomainError::WarningFollowedUp {
        ended: day("2026-11-14"),
    });
    assert_eq!(
        r.follow_up(medium, "2026-11-15", |d| d.ended_on = "2026-11-15".into()),
        again
    );
    assert_eq!(r.follow_up(medium, "2026-11-15", |d| d.end = None), again);
    r.follow_up(medium, "2026-11-15", |d| {
        d.heard = "the new valves leak after a week of use".into()
    })
    .unwrap();
    // A deleted account's warnings are not flagged.
    r.on_day("2026-11-15", Command::delete::<Account>(b))
        .unwrap();
    assert_eq!(flagged(&r), [high, old_low]);
}

#[test]
fn a_warning_turned_into_a_complaint_names_a_complaint_of_its_account() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    let b = r.account("Wolf & Sons");
    let w = r.warning(a, grumble("2026-11-10")).unwrap();
    let become_ = |complaint: Option<RemarkId>| {
        move |d: &mut EarlyWarningDraft| {
            d.end = Some(WarningEnd::BecameComplaint);
            d.ended_on = "2026-11-12".into();
            d.complaint = complaint;
        }
    };
    assert_eq!(
        r.follow_up(w, "2026-11-12", become_(None)),
        Err(DomainError::Empty { field: "complaint" })
    );
    let theirs = r.remark(b, complaint("2026-11-12")).unwrap();
    assert_eq!(
        r.follow_up(w, "2026-11-12", become_(Some(theirs))),
        Err(DomainError::NotAComplaint {
            remark: theirs,
            account: a
        })
    );
    let mut only_a_remark = complaint("2026-11-12");
    only_a_remark.severity = Severity::Remark;
    let remark = r.remark(a, only_a_remark).unwrap();
    assert_eq!(
        r.follow_up(w, "2026-11-12", become_(Some(remark))),
        Err(DomainError::NotAComplaint { remark, account: a })
    );
    let gone = r.remark(a, complaint("2026-11-12")).unwrap();
    r.on_day("2026-11-12", Command::delete::<Remark>(gone))
        .unwrap();
    assert_eq!(
        r.follow_up(w, "2026-11-12", become_(Some(gone))),
        Err(DomainError::Unknown(RecordKey::Remark(gone)))
    );
    // The complaint as the warning starts it: same person and role, what
    // was heard.
    let stored: EarlyWarning = r.ws.read(w).unwrap().unwrap();
    let draft = stored.complaint_draft("2026-11-12");
    assert_eq!(
        (draft.role, draft.severity, draft.text.as_str(), draft.from),
        (
            Role::Technical,
            Severity::Complaint,
            "the new valves leak after a week",
            None
        )
    );
    let complaint = r.remark(a, draft).unwrap();
    r.follow_up(w, "2026-11-12", become_(Some(complaint)))
        .unwrap();
    let model = r.model();
    let ended = model.get::<EarlyWarning>(w).unwrap();
    assert_eq!(
        (ended.end, ended.complaint, ended.is_open()),
        (Some(WarningEnd::BecameComplaint), Some(complaint), false)
    );
    assert!(model.open_early_warnings().is_empty());
    let open = r.feedback(Scope::Account(a), "2026-11-12").open;
    assert!(
        open.iter().any(|o| o.id == complaint && !o.has_action),
        "the complaint now waits for its action: {open:?}"
    );
}

// --- merges -------------------------------------------------------------------

#[test]
fn a_remark_ended_differently_apart_shows_both_ends_until_resolved() {
    let mut base = Rapport::new();
    let a = base.account("Ромашка");
    let id = base.remark(a, complaint("2026-11-10")).unwrap();
    base.act(id, "replace the pallets", "2026-11-12").unwrap();
    let mut anna = Rapport::on(base.ws.fork(ActorId::from([2; 16])));
    let mut tom = Rapport::on(base.ws.fork(ActorId::from([3; 16])));
    anna.minute = 10;
    tom.minute = 20;
    anna.end(id, RemarkEnd::Resolved, "2026-11-12", "replaced")
        .unwrap();
    let mut draft = tom.stored_remark(id).draft();
    draft.end = Some(RemarkEnd::ClosedWithoutAction);
    draft.ended_on = "2026-11-13".into();
    draft.end_note = "the client withdrew it".into();
    let e = tom.edit_by("2026-11-13", "Tom");
    tom.run(Command::edit::<Remark>(id, draft), &e).unwrap();
    anna.ws.merge(&mut tom.ws).unwrap();
    tom.ws.merge(&mut anna.ws).unwrap();
    assert_eq!(anna.model(), tom.model());

    let key = RecordKey::Remark(id);
    let model = anna.model();
    let conflicts = model.conflicts(key);
    assert_eq!(conflicts, anna.ws.conflicts(key).unwrap().as_slice());
    let values = |field: &str| -> Vec<(String, String)> {
        let conflict = conflicts
            .iter()
            .find(|c| c.field == field)
            .unwrap_or_else(|| panic!("no {field} conflict in {conflicts:?}"));
        let mut values: Vec<_> = conflict
            .values
            .iter()
            .map(|v| (v.value.clone(), v.by.as_ref().unwrap().by.clone()))
            .collect();
        values.sort();
        values
    };
    let pair = |anna: &str, tom: &str| {
        let mut both = vec![
            (anna.to_owned(), "Анна".to_owned()),
            (tom.to_owned(), "Tom".to_owned()),
        ];
        both.sort();
        both
    };
    assert_eq!(values("end"), pair("Resolved", "ClosedWithoutAction"));
    assert_eq!(values("ended_on"), pair("2026-11-12", "2026-11-13"));
    assert_eq!(
        values("end_note"),
        pair("replaced", "the client withdrew it")
    );
    assert!(
        conflicts.iter().all(|c| !c.field.starts_with("action")),
        "the action was written before the fork: {conflicts:?}"
    );
    // An edit may not end it a third way: it is closed.
    let shown = model.get::<Remark>(id).unwrap().clone();
    assert_eq!(
        anna.end(id, RemarkEnd::ClosedWithoutAction, "2026-11-27", "no"),
        Err(DomainError::RemarkClosed {
            ended: shown.ended_on.unwrap()
        })
    );
    // Settled field by field on the values not shown (an edit to them
    // would be refused: the remark is closed), through both paths.
    let (end, ended_on, end_note) = match shown.end {
        Some(RemarkEnd::Resolved) => (
            RemarkEnd::ClosedWithoutAction,
            "2026-11-13",
            "the client withdrew it",
        ),
        _ => (RemarkEnd::Resolved, "2026-11-12", "replaced"),
    };
    for (field, value) in [
        ("end", format!("{end:?}")),
        ("ended_on", ended_on.to_owned()),
        ("end_note", end_note.to_owned()),
    ] {
        let e = anna.edit("2026-11-27");
        anna.run(Command::resolve(key, field, value).unwrap(), &e)
            .unwrap();
    }
    let settled = anna.model();
    assert!(
        settled.conflicts(key).is_empty(),
        "{:?}",
        settled.conflicts(key)
    );
    let kept = settled.get::<Remark>(id).unwrap();
    assert_eq!(
        (kept.end, kept.ended_on, kept.end_note.as_str()),
        (Some(end), Some(day(ended_on)), end_note)
    );
    tom.ws.merge(&mut anna.ws).unwrap();
    assert_eq!(tom.model(), anna.model());
    assert!(tom.ws.conflicts(key).unwrap().is_empty());
    let tally = anna.feedback(Scope::Team, "2026-11-27");
    let resolved = usize::from(end == RemarkEnd::Resolved);
    assert_eq!(
        (
            tally.resolved,
            tally.closed_without_action,
            tally.acted_on_share()
        ),
        (resolved, 1 - resolved, ratio(1, 1))
    );
    // A value nobody wrote is still held to the rules.
    let e = anna.edit("2026-11-27");
    assert!(matches!(
        anna.run(
            Command::resolve(key, "end", "Forgotten".into()).unwrap(),
            &e
        ),
        Err(DomainError::NotAValue { .. })
    ));
}

#[test]
fn a_warning_followed_up_differently_apart_is_settled_by_a_resolution() {
    let mut base = Rapport::new();
    let a = base.account("Ромашка");
    let w = base.warning(a, grumble("2026-11-10")).unwrap();
    let c = base.remark(a, complaint("2026-11-11")).unwrap();
    let mut anna = Rapport::on(base.ws.fork(ActorId::from([2; 16])));
    let mut tom = Rapport::on(base.ws.fork(ActorId::from([3; 16])));
    anna.minute = 10;
    tom.minute = 20;
    anna.follow_up(w, "2026-11-12", |d| {
        d.end = Some(WarningEnd::BecameComplaint);
        d.ended_on = "2026-11-12".into();
        d.complaint = Some(c);
    })
    .unwrap();
    tom.follow_up(w, "2026-11-12", |d| {
        d.end = Some(WarningEnd::Closed);
        d.ended_on = "2026-11-12".into();
        d.end_note = "fixed by their own staff".into();
    })
    .unwrap();
    anna.ws.merge(&mut tom.ws).unwrap();
    let key = RecordKey::EarlyWarning(w);
    let fields: Vec<String> = anna
        .model()
        .conflicts(key)
        .iter()
        .map(|c| c.field.clone())
        .collect();
    assert!(fields.contains(&"end".to_owned()), "{fields:?}");
    assert!(
        anna.model().open_early_warnings().is_empty(),
        "followed up either way"
    );
    // Kept: the end not shown, which an edit could not choose.
    let shown = anna.model().get::<EarlyWarning>(w).unwrap().end;
    let other = match shown {
        Some(WarningEnd::Closed) => WarningEnd::BecameComplaint,
        _ => WarningEnd::Closed,
    };
    assert_eq!(
        anna.follow_up(w, "2026-11-27", |d| {
            d.end = Some(other);
            d.end_note = "either".into();
            d.complaint = Some(c);
        }),
        Err(DomainError::WarningFollowedUp {
            ended: day("2026-11-12")
        })
    );
    let e = anna.edit("2026-11-27");
    anna.run(
        Command::resolve(key, "end", format!("{other:?}")).unwrap(),
        &e,
    )
    .unwrap();
    let kept = anna.model().get::<EarlyWarning>(w).unwrap().clone();
    assert_eq!(kept.end, Some(other));
    assert_eq!(
        kept.complaint,
        (other == WarningEnd::BecameComplaint).then_some(c),
        "a closed warning names no complaint"
    );
    assert!(
        anna.model().conflicts(key).iter().all(|c| c.field != "end"),
        "{:?}",
        anna.model().conflicts(key)
    );
}

// --- older documents ----------------------------------------------------------

#[test]
fn workspaces_saved_before_remarks_load_with_none_and_take_them() {
    for fixture in [
        "tests/fixtures/workspace-v1.automerge",
        "tests/fixtures/workspace-v2.automerge",
    ] {
        let bytes = std::fs::read(fixture).expect("the fixture is committed");
        let ws = Workspace::load(&bytes, ActorId::from([9; 16])).unwrap();
        let mut r = Rapport::on(ws);
        let model = r.model();
        assert_eq!(model.unreadable(), 0, "{fixture}");
        assert!(model.open_early_warnings().is_empty(), "{fixture}");
        let a = model.filter_accounts("")[0].id;
        assert!(model.remarks_of(a).is_empty(), "{fixture}");
        assert_eq!(
            r.feedback(Scope::Team, "2026-11-27"),
            FeedbackTally::default()
        );
        // The account has people: the remark names one.
        let ivan = model.contacts_of(a)[0].0;
        let id = r
            .remark(
                a,
                RemarkDraft {
                    from: Some(ivan),
                    ..complaint("2026-11-20")
                },
            )
            .unwrap();
        r.warning(
            a,
            EarlyWarningDraft {
                from: Some(ivan),
                ..grumble("2026-11-20")
            },
        )
        .unwrap();
        let saved = r.ws.save();
        let again = Workspace::load(&saved, ActorId::from([10; 16])).unwrap();
        assert_eq!(again.read_model(), r.model(), "{fixture}");
        assert_eq!(again.read_model().remarks_of(a)[0].0, id);
    }
}
