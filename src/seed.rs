//! Demo workspaces: realistic accounts, contacts and touches in Russian and
//! English, and each account's relationship — stage moves, promises and
//! how they ended, orders and their deliveries (some late), a scorecard for
//! the accounts that grow, a joint program for the partners — and its care:
//! small details, remarks and complaints, early warnings, adoption checks —
//! for demos, screenshots and benchmarks.
//!
//! Deterministic: the same seed and size give the same workspace, ids
//! included. Everything goes through the public commands, so demo data obeys
//! the same rules as a rep's own.

use std::collections::HashSet;

use automerge::ActorId;
use chrono::Duration;
use fastrand::Rng;

use crate::document::{DocumentError, Workspace};
use crate::domain::{
    AccountDraft, AccountId, ActionStatus, Author, ContactDraft, ContactId, Day, DeviceId, Edit,
    EndReason, OrderDraft, Outcome, ProgramActionDraft, ProgramDraft, PromiseDraft, PromiseKind,
    ScorecardDraft, Stage, StageMoveDraft, StageMoveId, TouchDraft, TouchKind,
};
use crate::domain::{
    AdoptionCheckDraft, DetailCategory, DetailDraft, EarlyWarningDraft, Finding, FollowUp,
    RemarkDraft, RemarkEnd, Role, Sentiment, Seriousness, Severity, Topic, WarningEnd, WarningRole,
};

/// How many records a demo workspace gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSize {
    /// Accounts.
    pub accounts: usize,
    /// Contacts per account.
    pub contacts_per_account: usize,
    /// Touches per account.
    pub touches_per_account: usize,
    /// Promises per account, on average.
    pub promises_per_account: usize,
    /// Orders per account, on average.
    pub orders_per_account: usize,
}

impl DemoSize {
    /// `accounts` accounts with the proportions of a real team: four
    /// contacts, twenty touches, three promises and two orders per account,
    /// one to three stage moves, a scorecard for the accounts that grow and
    /// a joint program for the partners.
    pub fn accounts(accounts: usize) -> Self {
        Self {
            accounts,
            contacts_per_account: 4,
            touches_per_account: 20,
            promises_per_account: 3,
            orders_per_account: 2,
        }
    }
}

/// Totals of what [`fill`] created.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seeded {
    /// Accounts created.
    pub accounts: usize,
    /// Contacts created.
    pub contacts: usize,
    /// Touches created.
    pub touches: usize,
    /// Promises created.
    pub promises: usize,
    /// Orders created.
    pub orders: usize,
    /// Stage moves created.
    pub stage_moves: usize,
    /// Scorecards created.
    pub scorecards: usize,
    /// Joint programs created.
    pub programs: usize,
    /// Program actions created.
    pub actions: usize,
    /// Small details of people created.
    pub details: usize,
    /// Remarks and complaints created.
    pub remarks: usize,
    /// Early warnings created.
    pub warnings: usize,
    /// Adoption checks created.
    pub checks: usize,
}

const RU_ROOTS: &[&str] = &[
    "Северсталь",
    "Уралмаш",
    "Ромашка",
    "Волга",
    "Прогресс",
    "Техносила",
    "Агрокомплекс",
    "Сибирь",
    "Меридиан",
    "Русский хлеб",
    "Стройресурс",
    "Полимер",
    "Балтика",
    "Альфа-Трейд",
    "ЭнергоМаш",
    "Кристалл",
    "Горизонт",
    "Вектор",
    "Дельта",
    "Невский",
];
const RU_FORMS: &[&str] = &["ООО «{}»", "АО «{}»", "ТД «{}»", "Завод «{}»", "ПАО «{}»"];
const EN_ROOTS: &[&str] = &[
    "Northwind",
    "Blue Harbor",
    "Ironbridge",
    "Greenfield",
    "Summit",
    "Redwood",
    "Atlas",
    "Brightline",
    "Cobalt",
    "Harbourside",
    "Oakridge",
    "Pioneer",
    "Silverline",
    "Westgate",
    "Kestrel",
    "Lakeshore",
    "Granite",
    "Meridian",
    "Beacon",
    "Fairway",
];
const EN_FORMS: &[&str] = &[
    "{} Foods Ltd",
    "{} Engineering",
    "{} Logistics",
    "{} Retail plc",
    "{} Labs",
];
const RU_CITIES: &[&str] = &[
    "Москва",
    "Санкт-Петербург",
    "Казань",
    "Екатеринбург",
    "Новосибирск",
    "Нижний Новгород",
    "Самара",
    "Краснодар",
];
const EN_CITIES: &[&str] = &[
    "London",
    "Manchester",
    "Leeds",
    "Bristol",
    "Glasgow",
    "Hamburg",
];
const RU_INDUSTRIES: &[&str] = &[
    "Металлургия",
    "Пищевая промышленность",
    "Розничная торговля",
    "Машиностроение",
    "Строительство",
    "Логистика",
];
const EN_INDUSTRIES: &[&str] = &[
    "Food & drink",
    "Retail",
    "Engineering",
    "Logistics",
    "Healthcare",
];
const RU_FIRST: &[&str] = &[
    "Анна",
    "Иван",
    "Мария",
    "Сергей",
    "Ольга",
    "Дмитрий",
    "Елена",
    "Алексей",
    "Наталья",
    "Павел",
];
const RU_LAST: &[&str] = &[
    "Иванов",
    "Петров",
    "Смирнов",
    "Кузнецов",
    "Соколов",
    "Попов",
    "Лебедев",
    "Морозов",
];
const EN_FIRST: &[&str] = &[
    "Alice", "James", "Priya", "Tom", "Sarah", "Daniel", "Emma", "Oliver",
];
const EN_LAST: &[&str] = &[
    "Smith", "Jones", "Patel", "Brown", "Taylor", "Wilson", "Clarke",
];
const RU_ROLES: &[&str] = &[
    "закупщик",
    "главный инженер",
    "директор",
    "технолог",
    "оператор линии",
];
const EN_ROLES: &[&str] = &[
    "buyer",
    "chief engineer",
    "managing director",
    "QA lead",
    "line operator",
];
const RU_NOTES: &[&str] = &[
    "Обсудили график поставок на квартал; просят подтвердить сроки до пятницы.",
    "Главный инженер доволен новой линией, но операторам нужно обучение.",
    "Поблагодарил за своевременную поставку. Спросили о скидке на объём.",
    "Жалоба на упаковку второй партии — обещал разобраться и перезвонить.",
    "Не звонить до 10 утра. У дочери закупщика в июне выпускной.",
    "Показал образцы; технолог возьмёт на испытания на две недели.",
];
const EN_NOTES: &[&str] = &[
    "Walked the line with the chief engineer; two operators still need training.",
    "Thank-you call after the delivery arrived early. They want next quarter's prices.",
    "Remark about late paperwork on the last order: promised a fix by Monday.",
    "Left samples with QA; follow up in two weeks.",
    "Buyer prefers email before 10am. Son starts university in September.",
    "Discussed a joint programme for the new plant opening next spring.",
];

/// The reps of a demo team, each on their own device.
const REPS: [&str; 5] = [
    "Анна Соколова",
    "Tom Clarke",
    "Дмитрий Морозов",
    "Priya Patel",
    "Елена Лебедева",
];

/// Fills `workspace` with a demo team's data of `size`, generated from `seed`.
///
/// Five reps on five devices write the records, each change under its own
/// device's actor, over the two years before `edit.today`; afterwards about
/// one touch in ten is edited (a line added to its note), one account in
/// twenty gets a new city, and one touch in fifty is deleted — so the
/// document carries a history of edits, not one change per record. Then
/// each account's relationship is written ([`relationship`]), most promises
/// created open and closed by a later edit. The workspace's own actor is
/// restored at the end.
pub fn fill(
    workspace: &mut Workspace,
    size: DemoSize,
    seed: u64,
    edit: &Edit,
) -> Result<Seeded, DocumentError> {
    let mut rng = Rng::with_seed(seed);
    let own_actor = workspace.actor();
    let devices: Vec<(Author, ActorId)> = REPS
        .iter()
        .map(|name| {
            let device = DeviceId::from_bytes(rng.u128(..).to_le_bytes());
            let author = Author {
                name: (*name).into(),
                device: device.to_string(),
            };
            (author, ActorId::from(rng.u128(..).to_le_bytes()))
        })
        .collect();
    let start = edit.at - Duration::days(730);
    // Who writes, and when: a rep on their device, on a day `days` after start.
    let by = |workspace: &mut Workspace, rng: &mut Rng, days: i64| -> Edit {
        let (author, actor) = &devices[rng.usize(..devices.len())];
        workspace.set_actor(actor.clone());
        let at = start + Duration::days(days) + Duration::minutes(rng.i64(0..600));
        Edit {
            author: author.clone(),
            at,
            today: at.date_naive(),
        }
    };
    let mut names = HashSet::new();
    let mut seeded = Seeded::default();
    let mut touches = Vec::new();
    let mut accounts = Vec::new();
    let mut people = Vec::new();
    for n in 0..size.accounts {
        let russian = rng.bool();
        let name = unique_name(&mut rng, russian, &mut names, n);
        let (cities, industries) = if russian {
            (RU_CITIES, RU_INDUSTRIES)
        } else {
            (EN_CITIES, EN_INDUSTRIES)
        };
        let opened = rng.i64(0..365);
        let e = by(workspace, &mut rng, opened);
        let account = workspace.create(
            &AccountDraft {
                owner: String::new(),
                name,
                city: pick(&mut rng, cities).into(),
                industry: pick(&mut rng, industries).into(),
                note: String::new(),
                cadence_days: String::new(),
            },
            &e,
        )?;
        accounts.push((account, russian));
        seeded.accounts += 1;
        let mut contacts = Vec::new();
        for _ in 0..size.contacts_per_account {
            let (first, last, roles) = if russian {
                (RU_FIRST, RU_LAST, RU_ROLES)
            } else {
                (EN_FIRST, EN_LAST, EN_ROLES)
            };
            let draft = ContactDraft {
                name: format!("{} {}", pick(&mut rng, first), pick(&mut rng, last)),
                role: pick(&mut rng, roles).into(),
                phone: format!(
                    "+7 9{:02} {:03}-{:02}-{:02}",
                    rng.u8(10..99),
                    rng.u16(100..999),
                    rng.u8(10..99),
                    rng.u8(10..99)
                ),
                email: String::new(),
                note: String::new(),
                cadence_days: String::new(),
            };
            let e = by(workspace, &mut rng, opened);
            contacts.push(workspace.create_in(account, &draft, &e)?);
            seeded.contacts += 1;
        }
        people.push((account, contacts.clone(), opened));
        for _ in 0..size.touches_per_account {
            let day = rng.i64(opened..730);
            let e = by(workspace, &mut rng, day);
            let notes = if russian { RU_NOTES } else { EN_NOTES };
            let draft = TouchDraft {
                kind: TouchKind::ALL[rng.usize(..TouchKind::ALL.len())],
                day: Day(e.today).to_string(),
                contact: (!contacts.is_empty() && rng.bool())
                    .then(|| contacts[rng.usize(..contacts.len())]),
                note: pick(&mut rng, notes).into(),
            };
            touches.push((workspace.create_in(account, &draft, &e)?, draft));
            seeded.touches += 1;
        }
    }
    // The history: later edits and deletes, by whoever is at hand.
    for (id, draft) in &touches {
        match rng.u8(0..100) {
            0..10 => {
                let e = by(workspace, &mut rng, 730);
                let mut draft = draft.clone();
                draft.note.push_str("\nUpdate: followed up as agreed.");
                workspace.edit(*id, &draft, &e)?;
            }
            10..12 => {
                let e = by(workspace, &mut rng, 730);
                workspace.delete(*id, &e)?;
                seeded.touches -= 1;
            }
            _ => {}
        }
    }
    for (id, russian) in &accounts {
        if rng.u8(0..20) == 0 {
            let e = by(workspace, &mut rng, 730);
            let Some(account) = workspace.read(*id)? else {
                continue;
            };
            let mut draft = AccountDraft::of(&account);
            draft.city = pick(&mut rng, if *russian { RU_CITIES } else { EN_CITIES }).into();
            workspace.edit(*id, &draft, &e)?;
        }
    }
    // The relationships: stages, orders, promises, scorecards, programs.
    // After the history above, so that adding them left the accounts,
    // contacts and touches of a seed as they were.
    for ((account, contacts, opened), (_, russian)) in people.iter().zip(&accounts) {
        care(
            workspace,
            &mut rng,
            &by,
            Story {
                account: *account,
                contacts,
                opened: *opened,
                size,
                start: Day(start.date_naive()),
            },
            *russian,
            &mut seeded,
        )?;
    }
    for (account, contacts, opened) in &people {
        relationship(
            workspace,
            &mut rng,
            &by,
            Story {
                account: *account,
                contacts,
                opened: *opened,
                size,
                start: Day(start.date_naive()),
            },
            &mut seeded,
        )?;
    }
    workspace.set_actor(own_actor);
    Ok(seeded)
}

/// The day the generator writes for: 730 days after the start is today.
const TODAY: i64 = 730;

/// One account's relationship, for [`relationship`].
struct Story<'a> {
    account: AccountId,
    contacts: &'a [ContactId],
    opened: i64,
    size: DemoSize,
    /// The day 0 of the generator's days.
    start: Day,
}

/// Writes the care of one account: its people's small details (birthdays
/// every year, how to reach them), remarks and complaints (most of those
/// that need it acted on, most of those resolved), an early warning now
/// and then, adoption checks, and for some accounts a cadence of their own.
/// Before the relationships, so an account's stage history is as it was.
fn care(
    workspace: &mut Workspace,
    rng: &mut Rng,
    by: &impl Fn(&mut Workspace, &mut Rng, i64) -> Edit,
    story: Story<'_>,
    russian: bool,
    seeded: &mut Seeded,
) -> Result<(), DocumentError> {
    let Story {
        account,
        contacts,
        opened,
        start,
        ..
    } = story;
    let on = |days: i64| start.plus(days).to_string();
    let words = |ru: &'static str, en: &'static str| if russian { ru } else { en };
    for &contact in contacts {
        if rng.bool() {
            let e = by(workspace, rng, opened);
            let born = Day::parse("1960-01-01")
                .expect("a day")
                .plus(rng.i64(0..13_000));
            let draft = DetailDraft {
                text: words("день рождения", "birthday").into(),
                date: born.to_string(),
                yearly: true,
                ..DetailDraft::about(contact, DetailCategory::ImportantDate)
            };
            workspace.create_in(account, &draft, &e)?;
            seeded.details += 1;
        }
        if rng.u8(0..3) == 0 {
            let e = by(workspace, rng, opened);
            let draft = DetailDraft {
                text: words("не звонить до 10", "no calls before 10").into(),
                ..DetailDraft::about(contact, DetailCategory::HowToReach)
            };
            workspace.create_in(account, &draft, &e)?;
            seeded.details += 1;
        }
    }
    if rng.u8(0..10) == 0 {
        let e = by(workspace, rng, opened);
        let Some(a) = workspace.read(account)? else {
            return Ok(());
        };
        let mut draft = AccountDraft::of(&a);
        draft.cadence_days = rng.i64(7..30).to_string();
        workspace.edit(account, &draft, &e)?;
    }
    for _ in 0..rng.usize(0..=2) {
        let day = rng.i64(opened..=TODAY);
        let e = by(workspace, rng, day);
        let severity = if rng.u8(0..4) == 0 {
            Severity::Complaint
        } else {
            Severity::Remark
        };
        let sentiment = Sentiment::ALL[rng.usize(..Sentiment::ALL.len())];
        let mut draft = RemarkDraft {
            from: contacts.first().copied(),
            ..RemarkDraft::heard(
                Role::ALL[rng.usize(..Role::ALL.len())],
                Topic::ALL[rng.usize(..Topic::ALL.len())],
                sentiment,
                severity,
                words("сроки поставки сорваны", "the delivery came late"),
                &on(day),
            )
        };
        let needs = severity == Severity::Complaint || sentiment == Sentiment::Negative;
        let ended = day + rng.i64(1..20);
        if needs && rng.u8(0..10) < 7 && ended <= TODAY {
            draft.action = words("выехать на объект", "visit the site").into();
            draft.action_by = e.author.name.clone();
            draft.action_due = on(ended);
            if rng.u8(0..10) < 8 {
                draft.end = Some(RemarkEnd::Resolved);
                draft.ended_on = on(ended);
                draft.end_note = words("заменили партию", "replaced the lot").into();
            }
        }
        let e = by(
            workspace,
            rng,
            if draft.end.is_some() { ended } else { day },
        );
        workspace.create_in(account, &draft, &e)?;
        seeded.remarks += 1;
    }
    if rng.u8(0..5) == 0 {
        let day = rng.i64(opened..=TODAY);
        let heard = EarlyWarningDraft::heard(
            WarningRole::ALL[rng.usize(..WarningRole::ALL.len())],
            Seriousness::ALL[rng.usize(..Seriousness::ALL.len())],
            words(
                "операторы обходят новую панель",
                "the operators avoid the new panel",
            ),
            &on(day),
        );
        let mut draft = EarlyWarningDraft {
            from: contacts.last().copied(),
            ..heard
        };
        let closed = day + rng.i64(1..10);
        if rng.bool() && closed <= TODAY {
            draft.end = Some(WarningEnd::Closed);
            draft.ended_on = on(closed);
            draft.end_note = words("провели обучение", "trained them").into();
        }
        let e = by(
            workspace,
            rng,
            if draft.end.is_some() { closed } else { day },
        );
        workspace.create_in(account, &draft, &e)?;
        seeded.warnings += 1;
    }
    if rng.u8(0..3) == 0 {
        let day = rng.i64(opened..=TODAY);
        let e = by(workspace, rng, day);
        let draft = AdoptionCheckDraft {
            checked_on: on(day),
            order: None,
            product: words("линия дозирования", "the dosing line").into(),
            finding: Finding::ALL[rng.usize(..Finding::ALL.len())],
            follow_up: FollowUp::ALL[rng.usize(..FollowUp::ALL.len())],
            next_check: on(day + rng.i64(30..90)),
            note: String::new(),
        };
        workspace.create_in(account, &draft, &e)?;
        seeded.checks += 1;
    }
    Ok(())
}

/// Writes one account's relationship: its stage moves (exploration, then
/// for some expansion, and for a few commitment as a partner or an end),
/// its orders (most delivered, some late, the newest perhaps still on the
/// way), its promises (most closed: kept, some late, exceeded or broken;
/// some overdue), a scorecard when it grows, and a joint program with
/// actions for a partner. Every date is on or before today, and the order
/// of the writes is the order of the days, as a rep would have written them.
fn relationship(
    workspace: &mut Workspace,
    rng: &mut Rng,
    by: &impl Fn(&mut Workspace, &mut Rng, i64) -> Edit,
    story: Story<'_>,
    seeded: &mut Seeded,
) -> Result<(), DocumentError> {
    let Story {
        account,
        contacts,
        opened,
        size,
        start,
    } = story;
    let on = |days: i64| start.plus(days);
    let explored = (opened + rng.i64(0..60)).min(TODAY);
    let mut moves: Vec<StageMoveId> = Vec::new();
    let mut stage = |workspace: &mut Workspace, rng: &mut Rng, to, day, reason: &str| {
        let e = by(workspace, rng, day);
        let draft = StageMoveDraft {
            to,
            ended: (to == Stage::Ended).then_some(EndReason::Lost),
            reason: reason.into(),
            partner: to == Stage::Commitment,
            override_reason: String::new(),
            after: moves.last().copied().into_iter().collect(),
        };
        let made = workspace.create_in(account, &draft, &e).or_else(|_| {
            // A partner the scorecard does not qualify: the rep says why.
            let draft = StageMoveDraft {
                override_reason: "strategic for the region despite the figures".into(),
                ..draft.clone()
            };
            workspace.create_in(account, &draft, &e)
        })?;
        moves.push(made);
        Ok::<_, DocumentError>(())
    };
    stage(
        workspace,
        rng,
        Stage::Exploration,
        explored,
        "first trial order",
    )?;
    let grows = rng.u8(0..100) < 60;
    let expanded = explored + rng.i64(30..200);
    let mut partner = None;
    if grows && expanded < TODAY {
        stage(
            workspace,
            rng,
            Stage::Expansion,
            expanded,
            "second line ordered",
        )?;
        // Assessed as a partner a little later.
        let assessed = (expanded + rng.i64(5..40)).min(TODAY);
        let e = by(workspace, rng, assessed);
        let thousand =
            |rng: &mut Rng, range: std::ops::Range<i64>| format!("{}", rng.i64(range) * 1_000);
        let card = ScorecardDraft {
            assessed_on: on(assessed).to_string(),
            annual_potential: thousand(rng, 50..600),
            expected_margin: thousand(rng, 10..120),
            yearly_cost: thousand(rng, 10..80),
            innovates: [None, Some(true), Some(false)][rng.usize(..3)],
            gives_reference: rng.bool(),
            gives_co_development: rng.u8(0..4) == 0,
            gives_market_information: rng.bool(),
            gives_network_access: rng.u8(0..4) == 0,
            note: String::new(),
        };
        workspace.create_in(account, &card, &e)?;
        seeded.scorecards += 1;
        let later = assessed + rng.i64(20..120);
        match rng.u8(0..100) {
            0..25 if later < TODAY => {
                stage(
                    workspace,
                    rng,
                    Stage::Commitment,
                    later,
                    "three-year plan signed",
                )?;
                partner = Some(later);
            }
            25..35 if later < TODAY => {
                stage(workspace, rng, Stage::Ended, later, "went to a competitor")?
            }
            _ => {}
        }
    }
    seeded.stage_moves += moves.len();

    // Orders, oldest first: most arrive on time, one in five late.
    let orders = rng.usize(0..=size.orders_per_account * 2);
    for _ in 0..orders {
        let ordered = rng.i64(explored..=TODAY);
        let lead = rng.i64(3..21);
        let promised = ordered + lead;
        let arrived = if rng.u8(0..5) == 0 {
            promised + rng.i64(1..8)
        } else {
            ordered + rng.i64(2..=lead)
        };
        let mut draft = OrderDraft {
            what: ["20 pallets", "spare parts", "line upgrade", "consumables"][rng.usize(..4)]
                .into(),
            amount: format!("{}", rng.u32(500..90_000)),
            currency: "EUR".into(),
            ordered_on: on(ordered).to_string(),
            promised_on: on(promised).to_string(),
            accepted_on: on(ordered).to_string(),
            ..OrderDraft::default()
        };
        let written = if arrived <= TODAY {
            draft.shipped_on = on(arrived - 1).max(on(ordered)).to_string();
            draft.delivered_on = on(arrived).to_string();
            draft.ready_on = on((arrived + rng.i64(0..3)).min(TODAY)).to_string();
            (arrived + 2).min(TODAY)
        } else {
            // Still on the way: written when ordered, the warning (if the
            // history says it is fast) seen and saved anyway.
            draft.save_anyway = true;
            ordered
        };
        let e = by(workspace, rng, written);
        workspace.create_in(account, &draft, &e)?;
        seeded.orders += 1;
    }

    // Promises: most closed, some kept late, exceeded or broken.
    let promises = rng.usize(0..=size.promises_per_account * 2);
    for _ in 0..promises {
        let made = rng.i64(opened..=TODAY);
        let due = made + rng.i64(1..30);
        let kind = match rng.u8(0..8) {
            0 => PromiseKind::Delivery,
            n => PromiseKind::ALL[1 + usize::from(n) % (PromiseKind::ALL.len() - 1)],
        };
        let mut draft = PromiseDraft {
            to: (!contacts.is_empty()).then(|| contacts[rng.usize(..contacts.len())]),
            made_by: String::new(),
            made_on: on(made).to_string(),
            due: on(due).to_string(),
            kind,
            what: match kind {
                PromiseKind::Delivery => "delivery of the trial batch",
                PromiseKind::CallBack => "call back about the discount",
                PromiseKind::Sample => "samples for the lab",
                PromiseKind::Information => "the updated price list",
                PromiseKind::Visit => "a visit with the engineer",
                PromiseKind::Other => "introduce our logistics lead",
            }
            .into(),
            outcome: None,
            closed_on: String::new(),
            outcome_note: String::new(),
            save_anyway: true,
        };
        let e = by(workspace, rng, made);
        draft.made_by = e.author.name.clone();
        let closed = match rng.u8(0..100) {
            0..55 => Some((Outcome::Kept, made + rng.i64(0..=due - made))),
            55..67 => Some((Outcome::KeptLate, due + rng.i64(1..6))),
            67..75 => Some((Outcome::Exceeded, due)),
            75..87 => Some((Outcome::Broken, due + rng.i64(0..4))),
            _ => None,
        }
        .filter(|(_, day)| *day <= TODAY);
        let id = workspace.create_in(account, &draft, &e)?;
        seeded.promises += 1;
        if let Some((outcome, day)) = closed {
            draft.outcome = Some(outcome);
            draft.closed_on = on(day).to_string();
            draft.outcome_note = match outcome {
                Outcome::Exceeded => "delivered a day early, installation included".into(),
                Outcome::Broken => "the supplier let us down; apologised in person".into(),
                _ => String::new(),
            };
            let e = by(workspace, rng, day);
            workspace.edit(id, &draft, &e)?;
        }
    }

    // A partner's joint program: actions on either side, some done, some
    // overdue.
    if let Some(committed) = partner {
        let e = by(workspace, rng, committed);
        let follow_up = on(committed + rng.i64(30..120));
        let program = workspace.create_in(
            account,
            &ProgramDraft {
                goal: "open the new plant together".into(),
                note: "quarterly review with their chief engineer".into(),
                follow_up: follow_up.to_string(),
            },
            &e,
        )?;
        seeded.programs += 1;
        for (n, what) in [
            "train the line operators",
            "joint trade-fair stand",
            "usage check",
        ]
        .into_iter()
        .enumerate()
        {
            let due = committed + 14 * (n as i64 + 1) + rng.i64(0..14);
            let done = due < TODAY && rng.bool();
            let owner_contact =
                (!contacts.is_empty() && rng.bool()).then(|| contacts[rng.usize(..contacts.len())]);
            let draft = ProgramActionDraft {
                program,
                what: what.into(),
                owner_rep: if owner_contact.is_some() {
                    String::new()
                } else {
                    e.author.name.clone()
                },
                owner_contact,
                due: on(due).to_string(),
                status: if done {
                    ActionStatus::Done
                } else {
                    ActionStatus::Open
                },
                status_note: String::new(),
            };
            workspace.create_in(account, &draft, &e)?;
            seeded.actions += 1;
        }
    }
    Ok(())
}

fn pick<'a>(rng: &mut Rng, from: &[&'a str]) -> &'a str {
    from[rng.usize(..from.len())]
}

/// A company name no other demo account has.
fn unique_name(rng: &mut Rng, russian: bool, taken: &mut HashSet<String>, n: usize) -> String {
    let (roots, forms) = if russian {
        (RU_ROOTS, RU_FORMS)
    } else {
        (EN_ROOTS, EN_FORMS)
    };
    let mut name = pick(rng, forms).replace("{}", pick(rng, roots));
    if taken.contains(&name.to_lowercase()) {
        name = if russian {
            format!("{name}, филиал {n}")
        } else {
            format!("{name}, branch {n}")
        };
    }
    taken.insert(name.to_lowercase());
    name
}
