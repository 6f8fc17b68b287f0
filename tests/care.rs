//! Small details of contacts and adoption checks end to end (issue 15,
//! parts 1 and 4): "don't forget the small things" and "value comes from
//! use" (DOMAIN.md, points 5 and 8). Every rule is driven through
//! [`Command`]s on a [`Workspace`] (the worker's path) and checked on the
//! [`ReadModel`] (the page's path) by the shared harness; every query is
//! asked of both and must answer the same.
//!
//! The last part forks workspaces and merges them (a detail edited on one
//! device and deleted on the other), and loads the committed fixtures of
//! older schemas.

use automerge::ActorId;
use rapport::document::{Command, ReadModel, RecordKey, Workspace};
use rapport::domain::{
    AccountId, AdoptionCheck, AdoptionCheckDraft, AdoptionCheckId, ContactId, Day, Detail,
    DetailCategory, DetailDraft, DetailId, DomainError, Finding, FollowUp, MAX_NOTE_CHARS, Order,
    OrderDraft, OrderId, Record, Records, Upcoming, checks_due, coming_up, last_check,
};

mod harness;

use harness::{Rapport, day};

// --- the harness -------------------------------------------------------------

impl Rapport {
    /// A detail of `draft` about its contact, recorded on `today`.
    fn detail(
        &mut self,
        account: AccountId,
        draft: DetailDraft,
        today: &str,
    ) -> Result<DetailId, DomainError> {
        let id = DetailId::random();
        self.on_day(today, Command::create::<Detail>(id, account, draft))
            .map(|()| id)
    }

    /// A birthday (or any yearly date) of `contact` on `date`.
    fn birthday(&mut self, account: AccountId, contact: ContactId, date: &str) -> DetailId {
        self.detail(account, dated(contact, date, true), "2026-01-05")
            .unwrap()
    }

    /// An adoption check of `draft`, recorded on its `checked_on` day.
    fn check(
        &mut self,
        account: AccountId,
        draft: AdoptionCheckDraft,
    ) -> Result<AdoptionCheckId, DomainError> {
        self.check_as(AdoptionCheckId::random(), account, draft)
    }

    /// [`Rapport::check`] under a chosen id.
    fn check_as(
        &mut self,
        id: AdoptionCheckId,
        account: AccountId,
        draft: AdoptionCheckDraft,
    ) -> Result<AdoptionCheckId, DomainError> {
        let today = draft.checked_on.clone();
        self.on_day(&today, Command::create::<AdoptionCheck>(id, account, draft))
            .map(|()| id)
    }

    fn order(&mut self, account: AccountId, what: &str) -> OrderId {
        let id = OrderId::random();
        let draft = OrderDraft {
            what: what.into(),
            amount: "1 000".into(),
            currency: "EUR".into(),
            ordered_on: "2026-01-05".into(),
            promised_on: "2026-01-20".into(),
            delivered_on: "2026-01-05".into(),
            ..OrderDraft::default()
        };
        self.on_day("2026-01-05", Command::create::<Order>(id, account, draft))
            .unwrap();
        id
    }

    /// The dates coming up, asserted the same on the page's model and on
    /// the document.
    fn dates(
        &self,
        account: Option<AccountId>,
        today: &str,
        within: i64,
    ) -> Result<Vec<Upcoming>, DomainError> {
        let page = self.model().dates_coming_up(account, day(today), within);
        let worker = coming_up(&self.ws, account, day(today), within);
        assert_eq!(page, worker, "the page and the worker see other dates");
        page
    }

    /// The days and details coming up (see [`Rapport::dates`]).
    fn days(&self, account: Option<AccountId>, today: &str, within: i64) -> Vec<(Day, DetailId)> {
        self.dates(account, today, within)
            .unwrap()
            .into_iter()
            .map(|u| (u.day, u.detail))
            .collect()
    }

    /// The account's last adoption check, the same on both paths.
    fn last(&self, account: AccountId) -> Option<AdoptionCheckId> {
        let page = self.model().last_adoption(account).map(|(id, _)| id);
        let worker =
            last_check(self.ws.live_of_account::<AdoptionCheck>(account)).map(|(id, _)| id);
        assert_eq!(
            page, worker,
            "the page and the worker see other last checks"
        );
        page
    }

    /// The checks due on `today`, the same on both paths.
    fn due(&self, today: &str) -> Vec<AdoptionCheckId> {
        let page: Vec<_> = self
            .model()
            .adoption_checks_due(day(today))
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        let of_live_accounts = self
            .ws
            .every::<AdoptionCheck>()
            .into_iter()
            .filter(|(_, c)| self.ws.live::<rapport::domain::Account>(c.account).is_ok());
        let worker: Vec<_> = checks_due(of_live_accounts, day(today))
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(page, worker, "the page and the worker see other checks due");
        page
    }
}

fn note(contact: ContactId, category: DetailCategory, text: &str) -> DetailDraft {
    DetailDraft {
        text: text.into(),
        ..DetailDraft::about(contact, category)
    }
}

fn dated(contact: ContactId, date: &str, yearly: bool) -> DetailDraft {
    DetailDraft {
        date: date.into(),
        yearly,
        ..note(contact, DetailCategory::ImportantDate, "birthday")
    }
}

fn checked(on: &str, product: &str) -> AdoptionCheckDraft {
    AdoptionCheckDraft {
        checked_on: on.into(),
        order: None,
        product: product.into(),
        finding: Finding::Partly,
        follow_up: FollowUp::Training,
        next_check: String::new(),
        note: String::new(),
    }
}

fn checked_next(on: &str, product: &str, next: &str) -> AdoptionCheckDraft {
    AdoptionCheckDraft {
        next_check: next.into(),
        ..checked(on, product)
    }
}

/// An account with one contact.
fn client(r: &mut Rapport, name: &str, person: &str) -> (AccountId, ContactId) {
    let a = r.account(name);
    let c = r.contact(a, person);
    (a, c)
}

// --- small details -----------------------------------------------------------

#[test]
fn an_empty_or_overlong_detail_is_refused_and_nothing_is_saved() {
    let mut r = Rapport::new();
    let (a, ivan) = client(&mut r, "Ромашка", "Иван");
    for blank in ["", "  \n\t "] {
        assert_eq!(
            r.detail(a, note(ivan, DetailCategory::Family, blank), "2026-03-01"),
            Err(DomainError::Empty { field: "text" })
        );
    }
    let long = "ж".repeat(MAX_NOTE_CHARS + 1);
    assert_eq!(
        r.detail(a, note(ivan, DetailCategory::Other, &long), "2026-03-01"),
        Err(DomainError::TooLong {
            field: "text",
            chars: MAX_NOTE_CHARS + 1,
            max: MAX_NOTE_CHARS
        })
    );
    let kept = r
        .detail(
            a,
            note(ivan, DetailCategory::HowToReach, "  не звонить до 10 \n"),
            "2026-03-01",
        )
        .unwrap();
    assert_eq!(
        r.model().get::<Detail>(kept).unwrap().text,
        "не звонить до 10"
    );
    // Emptied by an edit: refused as well, the old text stays.
    let emptied = note(ivan, DetailCategory::HowToReach, " ");
    assert_eq!(
        r.on_day("2026-03-02", Command::edit::<Detail>(kept, emptied)),
        Err(DomainError::Empty { field: "text" })
    );
    assert_eq!(r.model().details_of(a).len(), 1);
}

#[test]
fn a_yearly_detail_needs_its_date_and_a_date_must_be_one() {
    let mut r = Rapport::new();
    let (a, ivan) = client(&mut r, "Ромашка", "Иван");
    assert_eq!(
        r.detail(a, dated(ivan, "", true), "2026-03-01"),
        Err(DomainError::Empty { field: "date" })
    );
    assert_eq!(
        r.detail(a, dated(ivan, "2026-02-30", false), "2026-03-01"),
        Err(DomainError::NotADay("2026-02-30".into()))
    );
    // A birthday long before the workspace's history is fine; two
    // centuries back is a typo.
    assert!(
        r.detail(a, dated(ivan, "1948-05-09", true), "2026-03-01")
            .is_ok()
    );
    assert!(matches!(
        r.detail(a, dated(ivan, "1826-02-28", true), "2026-03-01"),
        Err(DomainError::DayOutOfRange { .. })
    ));
    assert!(
        r.detail(a, dated(ivan, "1826-03-01", true), "2026-03-01")
            .is_ok()
    );
    // Without a date and not yearly: a plain detail.
    assert!(r.detail(a, dated(ivan, "", false), "2026-03-01").is_ok());
    assert_eq!(r.model().details_of_contact(ivan).len(), 3);
}

#[test]
fn a_detail_is_about_a_live_contact_of_its_own_account() {
    let mut r = Rapport::new();
    let (a, ivan) = client(&mut r, "Ромашка", "Иван");
    let (b, olga) = client(&mut r, "Лютик", "Ольга");
    assert_eq!(
        r.detail(
            a,
            note(olga, DetailCategory::Family, "two sons"),
            "2026-03-01"
        ),
        Err(DomainError::ContactOfOtherAccount {
            contact: olga,
            account: a
        })
    );
    let id = r
        .detail(
            a,
            note(ivan, DetailCategory::Family, "two sons"),
            "2026-03-01",
        )
        .unwrap();
    // Nor moved to another account's contact by an edit.
    assert_eq!(
        r.on_day(
            "2026-03-02",
            Command::edit::<Detail>(id, note(olga, DetailCategory::Family, "two sons"))
        ),
        Err(DomainError::ContactOfOtherAccount {
            contact: olga,
            account: a
        })
    );
    let nobody = ContactId::random();
    assert_eq!(
        r.detail(b, note(nobody, DetailCategory::Family, "?"), "2026-03-01"),
        Err(DomainError::Unknown(RecordKey::Contact(nobody)))
    );
    r.on_day(
        "2026-03-02",
        Command::delete::<rapport::domain::Contact>(olga),
    )
    .unwrap();
    assert_eq!(
        r.detail(
            b,
            note(olga, DetailCategory::Family, "a daughter"),
            "2026-03-03"
        ),
        Err(DomainError::Unknown(RecordKey::Contact(olga)))
    );
}

#[test]
fn a_deleted_contacts_details_are_hidden_cannot_be_edited_and_can_be_deleted() {
    let mut r = Rapport::new();
    let (a, ivan) = client(&mut r, "Ромашка", "Иван");
    let maria = r.contact(a, "Мария");
    let his = r.birthday(a, ivan, "1970-03-10");
    let hers = r.birthday(a, maria, "1985-03-12");
    assert_eq!(r.model().details_of(a).len(), 2);
    assert_eq!(r.days(Some(a), "2026-03-01", 30).len(), 2);
    r.on_day(
        "2026-03-02",
        Command::delete::<rapport::domain::Contact>(ivan),
    )
    .unwrap();
    let model = r.model();
    assert_eq!(
        model
            .details_of(a)
            .iter()
            .map(|(id, _)| *id)
            .collect::<Vec<_>>(),
        [hers]
    );
    assert!(model.details_of_contact(ivan).is_empty());
    assert_eq!(r.days(None, "2026-03-01", 30), [(day("2026-03-12"), hers)]);
    assert_eq!(
        r.on_day(
            "2026-03-03",
            Command::edit::<Detail>(his, dated(ivan, "1970-03-11", true))
        ),
        Err(DomainError::Unknown(RecordKey::Contact(ivan)))
    );
    // Moved to a live person of the account, it shows again; or deleted.
    r.on_day(
        "2026-03-03",
        Command::edit::<Detail>(his, dated(maria, "1970-03-11", true)),
    )
    .unwrap();
    assert_eq!(r.model().details_of_contact(maria).len(), 2);
    r.on_day("2026-03-04", Command::delete::<Detail>(his))
        .unwrap();
    assert_eq!(r.model().details_of_contact(maria).len(), 1);
    // A deleted account hides all of them, in the workspace's dates too.
    r.on_day("2026-03-04", Command::delete::<rapport::domain::Account>(a))
        .unwrap();
    assert!(r.model().details_of(a).is_empty());
    assert!(r.days(None, "2026-03-01", 30).is_empty());
}

#[test]
fn a_contacts_details_are_listed_by_category_then_as_recorded() {
    let mut r = Rapport::new();
    let (a, ivan) = client(&mut r, "Ромашка", "Иван");
    let boris = r.contact(a, "Борис");
    let call = r
        .detail(
            a,
            note(ivan, DetailCategory::HowToReach, "no calls before 10"),
            "2026-03-01",
        )
        .unwrap();
    let tea = r
        .detail(
            a,
            note(ivan, DetailCategory::Preferences, "green tea"),
            "2026-03-01",
        )
        .unwrap();
    let sons = r
        .detail(
            a,
            note(ivan, DetailCategory::Family, "two sons"),
            "2026-03-01",
        )
        .unwrap();
    let cake = r
        .detail(
            a,
            note(ivan, DetailCategory::Preferences, "honey cake"),
            "2026-03-01",
        )
        .unwrap();
    let his = r
        .detail(
            a,
            note(boris, DetailCategory::Dislikes, "long meetings"),
            "2026-03-01",
        )
        .unwrap();
    let ids =
        |list: Vec<(DetailId, &Detail)>| list.into_iter().map(|(id, _)| id).collect::<Vec<_>>();
    let model = r.model();
    assert_eq!(ids(model.details_of_contact(ivan)), [sons, tea, cake, call]);
    // The account's: Борис before Иван, as the contacts are listed.
    assert_eq!(ids(model.details_of(a)), [his, sons, tea, cake, call]);
}

#[test]
fn dates_coming_up_cross_new_year_and_exactly_n_days_away_is_in() {
    let mut r = Rapport::new();
    let (a, ivan) = client(&mut r, "Ромашка", "Иван");
    let new_year = r.birthday(a, ivan, "1980-01-01");
    // 31 December: tomorrow is next year's 1 January.
    assert_eq!(
        r.days(Some(a), "2026-12-31", 1),
        [(day("2027-01-01"), new_year)]
    );
    assert!(r.days(Some(a), "2026-12-31", 0).is_empty());
    // Four days away: in within 4, out within 3.
    let upcoming = r.dates(Some(a), "2026-12-28", 4).unwrap();
    assert_eq!(
        (upcoming[0].day, upcoming[0].in_days),
        (day("2027-01-01"), 4)
    );
    assert!(r.days(Some(a), "2026-12-28", 3).is_empty());
    // On the day itself, within 0: today's is in.
    assert_eq!(
        r.days(Some(a), "2027-01-01", 0),
        [(day("2027-01-01"), new_year)]
    );
    // The day after: next year's, 364 days on (2027 has 365 days).
    assert_eq!(
        r.days(Some(a), "2027-01-02", 364),
        [(day("2028-01-01"), new_year)]
    );
    assert!(r.days(Some(a), "2027-01-02", 363).is_empty());
}

#[test]
fn the_29th_of_february_falls_on_the_28th_in_other_years() {
    let mut r = Rapport::new();
    let (a, ivan) = client(&mut r, "Ромашка", "Иван");
    let leap = r.birthday(a, ivan, "1996-02-29");
    // 2027 has no 29 February: the 28th, eight days after the 20th.
    assert_eq!(
        r.days(Some(a), "2027-02-20", 8),
        [(day("2027-02-28"), leap)]
    );
    assert!(r.days(Some(a), "2027-02-20", 7).is_empty());
    // 2028 has one: the 29th itself, not the 28th.
    assert_eq!(
        r.days(Some(a), "2028-02-20", 9),
        [(day("2028-02-29"), leap)]
    );
    assert!(r.days(Some(a), "2028-02-20", 8).is_empty());
    // From 1 March 2027 the next is 29 February 2028, 365 days on.
    assert_eq!(
        r.days(Some(a), "2027-03-01", 365),
        [(day("2028-02-29"), leap)]
    );
    assert!(r.days(Some(a), "2027-03-01", 364).is_empty());
}

#[test]
fn the_look_ahead_is_zero_to_366_days() {
    let mut r = Rapport::new();
    let (a, ivan) = client(&mut r, "Ромашка", "Иван");
    r.birthday(a, ivan, "1980-06-15");
    for within in [-1, 367, i64::MAX] {
        assert_eq!(
            r.dates(None, "2026-06-15", within),
            Err(DomainError::NumberOutOfRange {
                field: "within_days",
                value: within,
                min: 0,
                max: 366
            })
        );
    }
    assert_eq!(r.days(None, "2026-06-16", 366).len(), 1);
    assert_eq!(r.days(None, "2026-06-15", 0).len(), 1);
}

#[test]
fn dates_are_sorted_by_day_then_person_and_past_or_undated_ones_are_left_out() {
    let mut r = Rapport::new();
    let (a, ivan) = client(&mut r, "Ромашка", "Иван");
    let (b, anna) = client(&mut r, "Лютик", "анна");
    let boris = r.contact(a, "Борис");
    let ivans = r.birthday(a, ivan, "1970-04-10");
    let annas = r.birthday(b, anna, "1990-04-10");
    let boris_earlier = r.birthday(a, boris, "1981-04-09");
    // Once only: a wedding next week is in; last month's is not.
    let wedding = r
        .detail(a, dated(boris, "2026-04-12", false), "2026-04-01")
        .unwrap();
    r.detail(a, dated(ivan, "2026-03-12", false), "2026-04-01")
        .unwrap();
    r.detail(
        a,
        note(ivan, DetailCategory::Family, "no date"),
        "2026-04-01",
    )
    .unwrap();
    assert_eq!(
        r.days(None, "2026-04-05", 10),
        [
            (day("2026-04-09"), boris_earlier),
            // The same day: by the person's name, ignoring case.
            (day("2026-04-10"), annas),
            (day("2026-04-10"), ivans),
            (day("2026-04-12"), wedding),
        ]
    );
    assert_eq!(
        r.days(Some(b), "2026-04-05", 10),
        [(day("2026-04-10"), annas)]
    );
    let upcoming = r.dates(Some(b), "2026-04-05", 10).unwrap();
    assert_eq!(
        (
            upcoming[0].contact,
            upcoming[0].account,
            upcoming[0].in_days
        ),
        (anna, b, 5)
    );
}

// --- adoption checks ---------------------------------------------------------

#[test]
fn a_check_names_a_product_or_a_live_order_of_its_account() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    let b = r.account("Лютик");
    assert_eq!(
        r.check(a, checked("2026-03-01", "  ")),
        Err(DomainError::Empty { field: "product" })
    );
    let ovens = r.order(a, "2 ovens");
    let theirs = r.order(b, "a mixer");
    assert_eq!(
        r.check(
            a,
            AdoptionCheckDraft {
                order: Some(theirs),
                ..checked("2026-03-01", "")
            }
        ),
        Err(DomainError::OfOtherAccount {
            record: RecordKey::Order(theirs),
            account: a
        })
    );
    // An order alone is enough; an order and its product too.
    let alone = r
        .check(
            a,
            AdoptionCheckDraft {
                order: Some(ovens),
                ..checked("2026-03-01", "")
            },
        )
        .unwrap();
    r.check(
        a,
        AdoptionCheckDraft {
            order: Some(ovens),
            ..checked("2026-03-01", "the second oven")
        },
    )
    .unwrap();
    // A deleted order is not checked anew, but a check already naming it
    // can still be edited (it happened).
    r.on_day("2026-03-02", Command::delete::<Order>(ovens))
        .unwrap();
    assert_eq!(
        r.check(
            a,
            AdoptionCheckDraft {
                order: Some(ovens),
                ..checked("2026-03-02", "")
            }
        ),
        Err(DomainError::Unknown(RecordKey::Order(ovens)))
    );
    let mut draft = r.model().get::<AdoptionCheck>(alone).unwrap().draft();
    draft.note = "the bakers use one program only".into();
    r.on_day("2026-03-02", Command::edit::<AdoptionCheck>(alone, draft))
        .unwrap();
}

#[test]
fn the_next_check_must_come_after_the_check() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    for next in ["2026-03-10", "2026-03-09", "2025-12-31"] {
        assert_eq!(
            r.check(a, checked_next("2026-03-10", "ovens", next)),
            Err(DomainError::NotAfter {
                field: "next_check",
                day: day(next),
                other: "checked_on",
                other_day: day("2026-03-10")
            })
        );
    }
    assert!(
        r.check(a, checked_next("2026-03-10", "ovens", "2026-03-11"))
            .is_ok()
    );
    // No more than five years on.
    assert!(matches!(
        r.check(a, checked_next("2026-03-10", "ovens", "2031-03-11")),
        Err(DomainError::DayOutOfRange { .. })
    ));
    assert_eq!(
        r.check(a, checked_next("2026-03-10", "ovens", "next spring")),
        Err(DomainError::NotADay("next spring".into()))
    );
    // A check that has not happened yet (two days ahead) is refused.
    let edit = r.edit("2026-03-10");
    let id = AdoptionCheckId::random();
    assert!(matches!(
        r.run(
            Command::create::<AdoptionCheck>(id, a, checked("2026-03-12", "ovens")),
            &edit
        ),
        Err(DomainError::DayOutOfRange { .. })
    ));
    // A check moved later by an edit: its next check must follow it still.
    let moved = r
        .check(a, checked_next("2026-03-01", "mixers", "2026-03-05"))
        .unwrap();
    assert!(matches!(
        r.on_day(
            "2026-03-10",
            Command::edit::<AdoptionCheck>(
                moved,
                checked_next("2026-03-06", "mixers", "2026-03-05")
            )
        ),
        Err(DomainError::NotAfter { .. })
    ));
    assert_eq!(r.model().adoption_checks_of(a).len(), 2);
}

#[test]
fn the_last_finding_is_the_latest_check_and_the_same_day_the_later_recorded() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    assert_eq!(r.last(a), None);
    // The ids sort against the order the checks are recorded in, so only
    // the time recorded can pick the same day's last.
    let high = AdoptionCheckId::from_random_bytes([0xff; 16]);
    let low = AdoptionCheckId::from_random_bytes([0; 16]);
    let march = r
        .check_as(
            high,
            a,
            AdoptionCheckDraft {
                finding: Finding::NotAtAll,
                ..checked("2026-03-10", "ovens")
            },
        )
        .unwrap();
    // Recorded later, but of an earlier day: not the last.
    r.check(
        a,
        AdoptionCheckDraft {
            finding: Finding::Full,
            ..checked("2026-03-01", "mixers")
        },
    )
    .unwrap();
    assert_eq!(r.last(a), Some(march));
    // The same day, recorded after: the last.
    let same_day = r
        .check_as(
            low,
            a,
            AdoptionCheckDraft {
                finding: Finding::Partly,
                ..checked("2026-03-10", "mixers")
            },
        )
        .unwrap();
    assert_eq!(r.last(a), Some(same_day));
    assert_eq!(
        r.model().last_adoption(a).unwrap().1.finding,
        Finding::Partly
    );
    let ids: Vec<_> = r
        .model()
        .adoption_checks_of(a)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(ids[..2], [same_day, march]);
    r.on_day("2026-03-11", Command::delete::<AdoptionCheck>(same_day))
        .unwrap();
    assert_eq!(r.last(a), Some(march));
    // Another account's checks are not this one's.
    let b = r.account("Лютик");
    assert_eq!(r.last(b), None);
}

#[test]
fn a_check_is_due_on_its_next_check_until_a_later_check_of_the_same_thing() {
    let mut r = Rapport::new();
    let a = r.account("Ромашка");
    let ovens = r
        .check(a, checked_next("2026-03-01", "Ovens", "2026-03-10"))
        .unwrap();
    let mixers = r
        .check(a, checked_next("2026-03-01", "mixers", "2026-03-08"))
        .unwrap();
    assert_eq!(r.due("2026-03-07"), []);
    assert_eq!(r.due("2026-03-08"), [mixers]);
    // On its day (the boundary) and after, oldest first.
    assert_eq!(r.due("2026-03-10"), [mixers, ovens]);
    // A later check of the same product (by name, ignoring case and
    // spacing), with no next check: ovens are no longer due.
    r.check(
        a,
        AdoptionCheckDraft {
            finding: Finding::Full,
            follow_up: FollowUp::Nothing,
            ..checked("2026-03-11", " ovens ")
        },
    )
    .unwrap();
    assert_eq!(r.due("2026-03-11"), [mixers]);
    // A later check of an order supersedes that order's, not the products'.
    let order = r.order(a, "2 ovens");
    let first = r
        .check(
            a,
            AdoptionCheckDraft {
                order: Some(order),
                ..checked_next("2026-03-02", "", "2026-03-05")
            },
        )
        .unwrap();
    assert_eq!(r.due("2026-03-11"), [first, mixers]);
    let again = r
        .check(
            a,
            AdoptionCheckDraft {
                order: Some(order),
                ..checked_next("2026-03-11", "", "2026-04-11")
            },
        )
        .unwrap();
    assert_eq!(r.due("2026-03-11"), [mixers]);
    assert_eq!(r.due("2026-04-11"), [mixers, again]);
    // A deleted account's checks are not due.
    r.on_day("2026-04-11", Command::delete::<rapport::domain::Account>(a))
        .unwrap();
    assert_eq!(r.due("2026-04-11"), []);
}

// --- devices apart and old documents -----------------------------------------

#[test]
fn a_detail_edited_on_one_device_and_deleted_on_the_other_is_deleted_on_both() {
    let mut base = Rapport::new();
    let (a, ivan) = client(&mut base, "Ромашка", "Иван");
    let id = base.birthday(a, ivan, "1970-03-10");
    let mut anna = Rapport::on(base.ws.fork(ActorId::from([2; 16])));
    let mut tom = Rapport::on(base.ws.fork(ActorId::from([3; 16])));
    anna.on_day(
        "2026-03-01",
        Command::edit::<Detail>(
            id,
            DetailDraft {
                text: "birthday: likes red roses".into(),
                ..dated(ivan, "1970-03-11", true)
            },
        ),
    )
    .unwrap();
    tom.on_day("2026-03-01", Command::delete::<Detail>(id))
        .unwrap();
    anna.ws.merge(&mut tom.ws).unwrap();
    tom.ws.merge(&mut anna.ws).unwrap();
    for r in [&anna, &tom] {
        let model: ReadModel = r.model();
        assert_eq!(model.get::<Detail>(id), None);
        assert!(model.details_of(a).is_empty());
        assert!(r.days(None, "2026-03-01", 30).is_empty());
        let stored = r.ws.read(id).unwrap().expect("the tombstone is stored");
        assert!(stored.deleted.is_some());
        // Nothing more can be done to it on either device.
        let edit = harness::on("2026-03-02", "Анна", 0);
        assert_eq!(
            Command::delete::<Detail>(id).check(&model, &edit),
            Err(DomainError::Unknown(RecordKey::Detail(id)))
        );
    }
    assert!(anna.model() == tom.model());
}

#[test]
fn a_detail_changed_on_two_devices_apart_is_settled_through_the_same_rules() {
    let mut base = Rapport::new();
    let (a, ivan) = client(&mut base, "Ромашка", "Иван");
    let id = base.birthday(a, ivan, "1970-03-10");
    let mut anna = Rapport::on(base.ws.fork(ActorId::from([2; 16])));
    let mut tom = Rapport::on(base.ws.fork(ActorId::from([3; 16])));
    let once = |text: &str| DetailDraft {
        text: text.into(),
        ..dated(ivan, "1970-03-10", false)
    };
    anna.on_day(
        "2026-03-01",
        Command::edit::<Detail>(id, once("wedding day")),
    )
    .unwrap();
    tom.on_day("2026-03-01", Command::edit::<Detail>(id, once("name day")))
        .unwrap();
    anna.ws.merge(&mut tom.ws).unwrap();
    let key = RecordKey::Detail(id);
    let conflicts = anna.model().conflicts(key).to_vec();
    assert_eq!(
        conflicts
            .iter()
            .map(|c| c.field.as_str())
            .collect::<Vec<_>>(),
        ["text"]
    );
    // A kept value goes through the form's rules: not blank, and a
    // yearly detail keeps its date.
    let e = anna.edit("2026-03-02");
    assert_eq!(
        anna.run(Command::resolve(key, "text", " ".into()).unwrap(), &e),
        Err(DomainError::Empty { field: "text" })
    );
    let e = anna.edit("2026-03-02");
    assert_eq!(
        anna.run(Command::resolve(key, "yearly", "maybe".into()).unwrap(), &e),
        Err(DomainError::NotAValue {
            field: "yearly",
            value: "maybe".into()
        })
    );
    let e = anna.edit("2026-03-02");
    anna.run(
        Command::resolve(key, "text", "name day".into()).unwrap(),
        &e,
    )
    .unwrap();
    assert!(anna.model().conflicts(key).is_empty());
    assert_eq!(anna.model().get::<Detail>(id).unwrap().text, "name day");
}

#[test]
fn a_detail_added_while_its_contact_is_deleted_elsewhere_is_hidden_after_the_merge() {
    let mut base = Rapport::new();
    let (a, ivan) = client(&mut base, "Ромашка", "Иван");
    let mut anna = Rapport::on(base.ws.fork(ActorId::from([2; 16])));
    let mut tom = Rapport::on(base.ws.fork(ActorId::from([3; 16])));
    let id = anna.birthday(a, ivan, "1970-03-10");
    tom.on_day(
        "2026-03-01",
        Command::delete::<rapport::domain::Contact>(ivan),
    )
    .unwrap();
    anna.ws.merge(&mut tom.ws).unwrap();
    tom.ws.merge(&mut anna.ws).unwrap();
    for r in [&anna, &tom] {
        assert!(r.model().details_of(a).is_empty());
        assert!(r.days(Some(a), "2026-03-01", 30).is_empty());
        // The detail itself is kept (live, of a deleted person): it can
        // still be deleted.
        assert!(r.model().get::<Detail>(id).is_some());
    }
    tom.on_day("2026-03-02", Command::delete::<Detail>(id))
        .unwrap();
}

#[test]
fn documents_of_older_schemas_load_and_take_details_and_checks() {
    for fixture in [
        "tests/fixtures/workspace-v1.automerge",
        "tests/fixtures/workspace-v2.automerge",
    ] {
        let bytes = std::fs::read(fixture).expect("the fixture is committed");
        let ws = Workspace::load(&bytes, ActorId::from([7; 16])).unwrap();
        assert_eq!(ws.read_model().unreadable(), 0, "{fixture}");
        let mut r = Rapport::on(ws);
        let a = r.model().filter_accounts("")[0].id;
        let ivan = r.model().contacts_of(a)[0].0;
        let detail = r
            .detail(
                a,
                note(ivan, DetailCategory::HowToReach, "не звонить до 10"),
                "2026-12-01",
            )
            .unwrap();
        let check = r
            .check(a, checked_next("2026-12-01", "печи", "2027-01-15"))
            .unwrap();
        let model = r.model();
        assert_eq!(model.details_of_contact(ivan)[0].0, detail, "{fixture}");
        assert_eq!(r.last(a), Some(check), "{fixture}");
        assert_eq!(r.due("2027-01-15"), [check], "{fixture}");
        // Saved and loaded again, as this version writes it.
        let again = Workspace::load(&r.ws.save(), ActorId::from([8; 16])).unwrap();
        assert!(again.read_model() == model, "{fixture}");
    }
}
