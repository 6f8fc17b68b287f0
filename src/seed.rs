//! Demo workspaces: realistic accounts, contacts and touches in Russian and
//! English, for demos, screenshots and benchmarks.
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
    AccountDraft, Author, ContactDraft, Day, DeviceId, Edit, TouchDraft, TouchKind,
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
}

impl DemoSize {
    /// `accounts` accounts with the proportions of a real team: four contacts
    /// and twenty touches per account.
    pub fn accounts(accounts: usize) -> Self {
        Self {
            accounts,
            contacts_per_account: 4,
            touches_per_account: 20,
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
/// document carries a history of edits, not one change per record. The
/// workspace's own actor is restored at the end.
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
            };
            let e = by(workspace, &mut rng, opened);
            contacts.push(workspace.create_in(account, &draft, &e)?);
            seeded.contacts += 1;
        }
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
    workspace.set_actor(own_actor);
    Ok(seeded)
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
