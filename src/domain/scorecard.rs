//! The strategic-partner scorecard: whether an account deserves the
//! investment a partnership takes (DOMAIN.md, point 3). The chapter's four
//! criteria — the client's business is large enough, the investment pays
//! off, the client innovates, and it can give something back — are judged
//! against the team's thresholds ([`TeamSettings`]), and the verdict says
//! why, criterion by criterion.
//!
//! An account may be assessed more than once; the newest assessment counts
//! ([`current`]), and the older ones stay as its history.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::domain::ids::typed_id;
use crate::domain::money::{amount_text, parse_amount};
use crate::domain::record::{fields, stamps};
use crate::domain::text::note;
use crate::domain::{
    AccountId, Day, DomainError, Draft, Edit, Record, Records, Stamp, TeamSettings,
};

typed_id!(
    /// Identifies one assessment of an account as a strategic partner.
    ScorecardId for Scorecard
);

/// One assessment of an account against the partner criteria. Figures
/// are yearly, in hundredths of the team's currency; `None` is "not
/// assessed", which fails its criterion as "missing".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Scorecard {
    /// The account assessed.
    pub account: AccountId,
    /// The day it was assessed.
    pub assessed_on: Day,
    /// What the client could buy from us in a year.
    pub annual_potential: Option<i64>,
    /// The margin a year of that business would bring.
    pub expected_margin: Option<i64>,
    /// What serving it as a partner costs a year (people, visits, programs).
    pub yearly_cost: Option<i64>,
    /// Whether the client innovates (`None`: not assessed).
    pub innovates: Option<bool>,
    /// It would be a reference for other clients.
    pub gives_reference: bool,
    /// It would develop products with us.
    pub gives_co_development: bool,
    /// It shares information about its market.
    pub gives_market_information: bool,
    /// It opens its network to us.
    pub gives_network_access: bool,
    /// Why, in the rep's words.
    pub note: String,
    /// Who assessed it.
    pub created: Stamp,
    /// Who changed it last.
    pub updated: Stamp,
    /// Tombstone.
    pub deleted: Option<Stamp>,
}

fields! {
    /// The fields of a scorecard a conflict can be settled on.
    ScorecardField {
        /// [`Scorecard::assessed_on`].
        AssessedOn = "assessed_on",
        /// [`Scorecard::annual_potential`].
        AnnualPotential = "annual_potential",
        /// [`Scorecard::expected_margin`].
        ExpectedMargin = "expected_margin",
        /// [`Scorecard::yearly_cost`].
        YearlyCost = "yearly_cost",
        /// [`Scorecard::innovates`].
        Innovates = "innovates",
        /// [`Scorecard::gives_reference`].
        GivesReference = "gives_reference",
        /// [`Scorecard::gives_co_development`].
        GivesCoDevelopment = "gives_co_development",
        /// [`Scorecard::gives_market_information`].
        GivesMarketInformation = "gives_market_information",
        /// [`Scorecard::gives_network_access`].
        GivesNetworkAccess = "gives_network_access",
        /// [`Scorecard::note`].
        Note = "note",
    }
}

/// The scorecard form, as typed (amounts as text; empty: not assessed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScorecardDraft {
    /// `YYYY-MM-DD`.
    pub assessed_on: String,
    /// Annual potential, as typed.
    pub annual_potential: String,
    /// Expected annual margin, as typed.
    pub expected_margin: String,
    /// Yearly cost of serving, as typed.
    pub yearly_cost: String,
    /// Innovates: yes, no, or not assessed.
    pub innovates: Option<bool>,
    /// Reference.
    pub gives_reference: bool,
    /// Co-development.
    pub gives_co_development: bool,
    /// Market information.
    pub gives_market_information: bool,
    /// Network access.
    pub gives_network_access: bool,
    /// Note.
    pub note: String,
}

impl Draft for ScorecardDraft {
    type Record = Scorecard;
}

/// The fields of a scorecard, cleaned.
struct Clean {
    assessed_on: Day,
    annual_potential: Option<i64>,
    expected_margin: Option<i64>,
    yearly_cost: Option<i64>,
    note: String,
}

impl ScorecardDraft {
    fn validated(&self, edit: &Edit) -> Result<Clean, DomainError> {
        let assessed_on = crate::domain::day::happened_day(&self.assessed_on, edit.today)?;
        let optional = |field, raw: &str| match raw.trim() {
            "" => Ok(None),
            typed => parse_amount(field, typed).map(Some),
        };
        Ok(Clean {
            assessed_on,
            annual_potential: optional("annual_potential", &self.annual_potential)?,
            expected_margin: optional("expected_margin", &self.expected_margin)?,
            yearly_cost: optional("yearly_cost", &self.yearly_cost)?,
            note: note("note", &self.note)?,
        })
    }
}

impl Record for Scorecard {
    const COLLECTION: &'static str = "scorecards";
    const SINCE: u64 = 2;
    type Id = ScorecardId;
    type Parent = AccountId;
    type Draft = ScorecardDraft;
    type Field = ScorecardField;

    fn parent(&self) -> Option<AccountId> {
        Some(self.account)
    }

    stamps!();

    fn check_draft(draft: &ScorecardDraft, edit: &Edit) -> Result<(), DomainError> {
        draft.validated(edit).map(|_| ())
    }

    fn create(
        account: AccountId,
        draft: &ScorecardDraft,
        _: &impl Records,
        edit: &Edit,
    ) -> Result<Self, DomainError> {
        let clean = draft.validated(edit)?;
        Ok(Scorecard {
            account,
            assessed_on: clean.assessed_on,
            annual_potential: clean.annual_potential,
            expected_margin: clean.expected_margin,
            yearly_cost: clean.yearly_cost,
            innovates: draft.innovates,
            gives_reference: draft.gives_reference,
            gives_co_development: draft.gives_co_development,
            gives_market_information: draft.gives_market_information,
            gives_network_access: draft.gives_network_access,
            note: clean.note,
            created: edit.stamp(),
            updated: edit.stamp(),
            deleted: None,
        })
    }

    fn edited(
        &self,
        _: ScorecardId,
        draft: &ScorecardDraft,
        records: &impl Records,
        edit: &Edit,
    ) -> Result<Self, DomainError> {
        let new = Self::create(self.account, draft, records, edit)?;
        Ok(Scorecard {
            created: self.created.clone(),
            updated: self.updated.clone(),
            deleted: self.deleted.clone(),
            ..new
        })
    }

    fn draft(&self) -> ScorecardDraft {
        let text = |amount: Option<i64>| amount.map(amount_text).unwrap_or_default();
        ScorecardDraft {
            assessed_on: self.assessed_on.to_string(),
            annual_potential: text(self.annual_potential),
            expected_margin: text(self.expected_margin),
            yearly_cost: text(self.yearly_cost),
            innovates: self.innovates,
            gives_reference: self.gives_reference,
            gives_co_development: self.gives_co_development,
            gives_market_information: self.gives_market_information,
            gives_network_access: self.gives_network_access,
            note: self.note.clone(),
        }
    }

    fn set_field(
        draft: &mut ScorecardDraft,
        field: ScorecardField,
        value: &str,
    ) -> Result<(), DomainError> {
        let not_a = |field| DomainError::NotAValue {
            field,
            value: value.to_owned(),
        };
        // Amounts are stored in hundredths; the form holds the amount.
        let amount = |field| match value {
            "" => Ok(String::new()),
            v => v.parse::<i64>().map(amount_text).map_err(|_| not_a(field)),
        };
        let flag = |field| value.parse::<bool>().map_err(|_| not_a(field));
        match field {
            ScorecardField::AssessedOn => value.clone_into(&mut draft.assessed_on),
            ScorecardField::AnnualPotential => draft.annual_potential = amount("annual_potential")?,
            ScorecardField::ExpectedMargin => draft.expected_margin = amount("expected_margin")?,
            ScorecardField::YearlyCost => draft.yearly_cost = amount("yearly_cost")?,
            ScorecardField::Innovates => {
                draft.innovates = match value {
                    "" => None,
                    v => Some(v.parse().map_err(|_| not_a("innovates"))?),
                }
            }
            ScorecardField::GivesReference => draft.gives_reference = flag("gives_reference")?,
            ScorecardField::GivesCoDevelopment => {
                draft.gives_co_development = flag("gives_co_development")?
            }
            ScorecardField::GivesMarketInformation => {
                draft.gives_market_information = flag("gives_market_information")?
            }
            ScorecardField::GivesNetworkAccess => {
                draft.gives_network_access = flag("gives_network_access")?
            }
            ScorecardField::Note => value.clone_into(&mut draft.note),
        }
        Ok(())
    }
}

/// One of the chapter's four criteria for a strategic partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Criterion {
    /// The client's business is large enough: annual potential against the
    /// team's threshold.
    LargeEnough,
    /// The investment pays off: expected annual margin against the yearly
    /// cost of serving it.
    PaysOff,
    /// The client innovates.
    Innovates,
    /// It can give something back (reference, co-development, market
    /// information, access to its network).
    GivesBack,
}

/// How one criterion came out, with the figures behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// Met.
    Met,
    /// Not met.
    NotMet,
    /// Not assessed: the figure or answer is missing (fails the criterion).
    Missing,
}

/// One criterion judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Judged {
    /// Which.
    pub criterion: Criterion,
    /// How it came out.
    pub verdict: Verdict,
    /// The account's figure: potential or margin (hundredths), or how many
    /// things it gives back.
    pub figure: Option<i64>,
    /// What it is held against: the threshold, the yearly cost × payback
    /// share, or how many give-backs are needed.
    pub against: Option<i64>,
}

/// The scorecard's verdict: each criterion, met or not, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Qualification {
    /// The four criteria, in the chapter's order.
    pub criteria: Vec<Judged>,
    /// The currency of the figures.
    pub currency: String,
}

impl Qualification {
    /// A strategic partner: all four criteria met.
    pub fn qualifies(&self) -> bool {
        self.criteria.iter().all(|c| c.verdict == Verdict::Met)
    }

    /// The criteria not met (or not assessed), in order.
    pub fn failing(&self) -> impl Iterator<Item = &Judged> {
        self.criteria.iter().filter(|c| c.verdict != Verdict::Met)
    }

    /// The verdict of no assessment at all: every criterion missing.
    pub fn unassessed(settings: &TeamSettings) -> Self {
        Self::of(None, settings)
    }

    /// Judges `card` (none: not assessed) against the team's `settings`.
    pub fn of(card: Option<&Scorecard>, settings: &TeamSettings) -> Self {
        let verdict = |met: Option<bool>| match met {
            None => Verdict::Missing,
            Some(true) => Verdict::Met,
            Some(false) => Verdict::NotMet,
        };
        let potential = card.and_then(|c| c.annual_potential);
        let margin = card.and_then(|c| c.expected_margin);
        let cost = card.and_then(|c| c.yearly_cost);
        // Margin × 100 against cost × percent, in i128: no overflow at any
        // allowed amount.
        let needed_margin = cost.map(|cost| {
            (i128::from(cost) * i128::from(settings.min_payback_percent) / 100)
                .min(i128::from(i64::MAX)) as i64
        });
        let pays_off = margin.zip(needed_margin).map(|(m, needed)| m >= needed);
        let gives_back = card.map(|c| {
            [
                c.gives_reference,
                c.gives_co_development,
                c.gives_market_information,
                c.gives_network_access,
            ]
            .into_iter()
            .filter(|g| *g)
            .count() as i64
        });
        Self {
            criteria: vec![
                Judged {
                    criterion: Criterion::LargeEnough,
                    verdict: verdict(potential.map(|p| p >= settings.min_annual_potential)),
                    figure: potential,
                    against: Some(settings.min_annual_potential),
                },
                Judged {
                    criterion: Criterion::PaysOff,
                    verdict: verdict(pays_off),
                    figure: margin,
                    against: needed_margin,
                },
                Judged {
                    criterion: Criterion::Innovates,
                    verdict: verdict(card.and_then(|c| c.innovates)),
                    figure: None,
                    against: None,
                },
                Judged {
                    criterion: Criterion::GivesBack,
                    verdict: verdict(gives_back.map(|g| g >= settings.min_give_back)),
                    figure: gives_back,
                    against: Some(settings.min_give_back),
                },
            ],
            currency: settings.currency.clone(),
        }
    }
}

/// The assessment that counts among `cards`: the newest live one (by the
/// day assessed, then when it was written, then id, so every device picks
/// the same).
pub fn current<'a>(
    cards: impl IntoIterator<Item = (ScorecardId, &'a Scorecard)>,
) -> Option<(ScorecardId, &'a Scorecard)> {
    cards
        .into_iter()
        .filter(|(_, c)| c.is_live())
        .max_by_key(|(id, c)| (c.assessed_on, c.created.at, *id))
}

/// The verdict on `account` as the records stand: its newest assessment
/// against the team's settings.
pub fn qualification_of(account: AccountId, records: &impl Records) -> Qualification {
    let cards = records.live_of_account::<Scorecard>(account);
    let card = current(cards.iter().map(|(id, c)| (*id, c.as_ref())));
    Qualification::of(card.map(|(_, c)| c), &TeamSettings::of(records))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card() -> Scorecard {
        let stamp = Stamp::nobody();
        Scorecard {
            account: AccountId::random(),
            assessed_on: Day::parse("2026-11-30").unwrap(),
            annual_potential: Some(300_000 * 100),
            expected_margin: Some(60_000 * 100),
            yearly_cost: Some(40_000 * 100),
            innovates: Some(true),
            gives_reference: true,
            gives_co_development: false,
            gives_market_information: false,
            gives_network_access: false,
            note: String::new(),
            created: stamp.clone(),
            updated: stamp,
            deleted: None,
        }
    }

    fn verdicts(q: &Qualification) -> Vec<Verdict> {
        q.criteria.iter().map(|c| c.verdict.clone()).collect()
    }

    #[test]
    fn all_four_met_qualifies() {
        let q = Qualification::of(Some(&card()), &TeamSettings::default());
        assert!(q.qualifies(), "{q:?}");
        assert_eq!(q.failing().count(), 0);
    }

    #[test]
    fn a_business_below_the_threshold_fails_with_its_figures() {
        let mut c = card();
        c.annual_potential = Some(80_000 * 100);
        let q = Qualification::of(Some(&c), &TeamSettings::default());
        assert!(!q.qualifies());
        let failing: Vec<_> = q.failing().collect();
        assert_eq!(failing.len(), 1);
        assert_eq!(failing[0].criterion, Criterion::LargeEnough);
        assert_eq!(failing[0].figure, Some(80_000 * 100));
        assert_eq!(failing[0].against, Some(250_000 * 100));
        // Exactly at the threshold is large enough.
        c.annual_potential = Some(250_000 * 100);
        assert!(Qualification::of(Some(&c), &TeamSettings::default()).qualifies());
    }

    #[test]
    fn one_criterion_missing_fails_as_missing_not_as_not_met() {
        let mut c = card();
        c.innovates = None;
        let q = Qualification::of(Some(&c), &TeamSettings::default());
        assert_eq!(
            verdicts(&q),
            [Verdict::Met, Verdict::Met, Verdict::Missing, Verdict::Met]
        );
        assert!(!q.qualifies());
        let mut c = card();
        c.yearly_cost = None;
        let q = Qualification::of(Some(&c), &TeamSettings::default());
        assert_eq!(q.criteria[1].verdict, Verdict::Missing);
    }

    #[test]
    fn the_payback_share_and_give_backs_follow_the_team_settings() {
        let settings = TeamSettings {
            min_payback_percent: 200,
            min_give_back: 2,
            ..TeamSettings::default()
        };
        let q = Qualification::of(Some(&card()), &settings);
        assert_eq!(
            verdicts(&q),
            [Verdict::Met, Verdict::NotMet, Verdict::Met, Verdict::NotMet]
        );
        assert_eq!(q.criteria[1].against, Some(80_000 * 100));
        assert_eq!(q.criteria[3].figure, Some(1));
    }

    #[test]
    fn no_assessment_is_every_criterion_missing() {
        let q = Qualification::unassessed(&TeamSettings::default());
        assert!(q.criteria.iter().all(|c| c.verdict == Verdict::Missing));
    }

    #[test]
    fn the_newest_assessment_counts() {
        let old = card();
        let mut new = card();
        new.assessed_on = Day::parse("2026-12-01").unwrap();
        let (a, b) = (ScorecardId::random(), ScorecardId::random());
        assert_eq!(current([(a, &old), (b, &new)]).map(|(id, _)| id), Some(b));
        new.deleted = Some(Stamp::nobody());
        assert_eq!(current([(a, &old), (b, &new)]).map(|(id, _)| id), Some(a));
    }
}
