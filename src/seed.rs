//! Demo workspaces: realistic accounts, contacts and touches in Russian and
//! English, for demos, screenshots and benchmarks.
//!
//! Deterministic: the same seed and size give the same workspace, ids
//! included. Everything goes through the public commands, so demo data obeys
//! the same rules as a rep's own.

use std::collections::HashSet;

use chrono::{Duration, NaiveDate};
use fastrand::Rng;

use crate::document::{DocumentError, Workspace};
use crate::domain::{AccountDraft, Author, ContactDraft, Edit, TouchDraft, TouchKind};

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

/// Fills `workspace` with a demo team's data of `size`, generated from `seed`.
/// Touches are spread over the two years before `edit.today`.
pub fn fill(
    workspace: &mut Workspace,
    size: DemoSize,
    seed: u64,
    edit: &Edit,
) -> Result<Seeded, DocumentError> {
    let mut rng = Rng::with_seed(seed);
    let reps = [
        Author {
            name: "Анна Соколова".into(),
            device: edit.author.device.clone(),
        },
        Author {
            name: "Tom Clarke".into(),
            device: edit.author.device.clone(),
        },
        edit.author.clone(),
    ];
    let mut names = HashSet::new();
    let mut seeded = Seeded::default();
    for n in 0..size.accounts {
        let russian = rng.bool();
        let name = unique_name(&mut rng, russian, &mut names, n);
        let by = Edit {
            author: reps[rng.usize(..reps.len())].clone(),
            ..edit.clone()
        };
        let (cities, industries) = if russian {
            (RU_CITIES, RU_INDUSTRIES)
        } else {
            (EN_CITIES, EN_INDUSTRIES)
        };
        let account = workspace.create_account(
            &AccountDraft {
                name,
                city: pick(&mut rng, cities).into(),
                industry: pick(&mut rng, industries).into(),
                note: String::new(),
            },
            &by,
        )?;
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
            contacts.push(workspace.add_contact(account, &draft, &by)?);
            seeded.contacts += 1;
        }
        for _ in 0..size.touches_per_account {
            let days_ago = rng.i64(0..730);
            let day: NaiveDate = edit.today - Duration::days(days_ago);
            let notes = if russian { RU_NOTES } else { EN_NOTES };
            let draft = TouchDraft {
                kind: TouchKind::ALL[rng.usize(..TouchKind::ALL.len())],
                day: day.format("%Y-%m-%d").to_string(),
                contact: (!contacts.is_empty() && rng.bool())
                    .then(|| contacts[rng.usize(..contacts.len())]),
                note: pick(&mut rng, notes).into(),
            };
            workspace.log_touch(account, &draft, &by)?;
            seeded.touches += 1;
        }
    }
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
