//! The team's settings, kept in the workspace document so every rep's
//! device judges accounts by the same thresholds: the strategic-partner
//! scorecard's figures and the currency they are in, and how often each
//! stage's accounts are to be in touch (`cadence.rs`).
//!
//! There is one record, made by the schema's upgrade change under
//! [`TeamSettings::ID_TEXT`] with the first defaults; every field also has
//! a default in code, so a field added later reads as its default in a
//! workspace whose team never set it.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::domain::ids::typed_id;
use crate::domain::money::{amount_text, parse_amount, parse_currency};
use crate::domain::record::{fields, stamps};
use crate::domain::{
    DomainError, Draft, Edit, Initial, MAX_CADENCE_DAYS, Record, Records, Stage, Stamp,
};

typed_id!(
    /// Identifies the team's settings (there is one: [`TeamSettings::ID`]).
    SettingsId for TeamSettings
);

/// Thresholds a team judges its accounts by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct TeamSettings {
    /// The currency of the thresholds and of every scorecard's figures.
    #[autosurgeon(missing = "default_currency")]
    pub currency: String,
    /// A strategic partner's business must be at least this large: its
    /// annual potential, in hundredths of [`TeamSettings::currency`].
    #[autosurgeon(missing = "default_min_potential")]
    pub min_annual_potential: i64,
    /// The expected annual margin must be at least this share of the
    /// yearly cost of serving the account, in percent (100: it pays for
    /// itself).
    #[autosurgeon(missing = "default_payback")]
    pub min_payback_percent: i64,
    /// How many of the four things a client can give back (reference,
    /// co-development, market information, access to its network) a
    /// partner must offer.
    #[autosurgeon(missing = "default_give_back")]
    pub min_give_back: i64,
    /// Days between touches for an account in awareness.
    #[autosurgeon(missing = "default_cadence_awareness")]
    pub cadence_awareness: i64,
    /// Days between touches in exploration.
    #[autosurgeon(missing = "default_cadence_exploration")]
    pub cadence_exploration: i64,
    /// Days between touches in expansion.
    #[autosurgeon(missing = "default_cadence_expansion")]
    pub cadence_expansion: i64,
    /// Days between touches in commitment.
    #[autosurgeon(missing = "default_cadence_commitment")]
    pub cadence_commitment: i64,
    /// Who set them first (nobody: the upgrade made the record).
    #[autosurgeon(missing = "Stamp::nobody")]
    pub created: Stamp,
    /// Who changed them last.
    #[autosurgeon(missing = "Stamp::nobody")]
    pub updated: Stamp,
    /// Never set: the settings cannot be deleted.
    #[autosurgeon(missing = "Option::default")]
    pub deleted: Option<Stamp>,
}

fn default_currency() -> String {
    "EUR".into()
}
fn default_min_potential() -> i64 {
    250_000 * 100
}
fn default_payback() -> i64 {
    100
}
fn default_give_back() -> i64 {
    1
}
fn default_cadence_awareness() -> i64 {
    30
}
fn default_cadence_exploration() -> i64 {
    14
}
fn default_cadence_expansion() -> i64 {
    21
}
fn default_cadence_commitment() -> i64 {
    21
}

impl Default for TeamSettings {
    fn default() -> Self {
        Self {
            currency: default_currency(),
            min_annual_potential: default_min_potential(),
            min_payback_percent: default_payback(),
            min_give_back: default_give_back(),
            cadence_awareness: default_cadence_awareness(),
            cadence_exploration: default_cadence_exploration(),
            cadence_expansion: default_cadence_expansion(),
            cadence_commitment: default_cadence_commitment(),
            created: Stamp::nobody(),
            updated: Stamp::nobody(),
            deleted: None,
        }
    }
}

impl TeamSettings {
    /// The id of the team's one settings record.
    pub const ID_TEXT: &'static str = "00000000-0000-4000-8000-000000000001";

    /// The id of the team's one settings record.
    pub fn id() -> SettingsId {
        Self::ID_TEXT.parse().expect("the settings id is a UUID")
    }

    /// The team's settings as they stand (the defaults if unreadable).
    pub fn of(records: &impl Records) -> Self {
        records
            .stored::<TeamSettings>(Self::id())
            .map(|s| s.into_owned())
            .unwrap_or_default()
    }

    /// Days between touches for an account in `stage` (none once ended).
    pub fn cadence_for(&self, stage: Stage) -> Option<i64> {
        match stage {
            Stage::Awareness => Some(self.cadence_awareness),
            Stage::Exploration => Some(self.cadence_exploration),
            Stage::Expansion => Some(self.cadence_expansion),
            Stage::Commitment => Some(self.cadence_commitment),
            Stage::Ended => None,
        }
    }
}

/// Most a payback share may demand: 100 times the cost.
const MAX_PAYBACK_PERCENT: i64 = 10_000;

fields! {
    /// The settings a conflict can be settled on.
    SettingsField {
        /// [`TeamSettings::currency`].
        Currency = "currency",
        /// [`TeamSettings::min_annual_potential`].
        MinAnnualPotential = "min_annual_potential",
        /// [`TeamSettings::min_payback_percent`].
        MinPaybackPercent = "min_payback_percent",
        /// [`TeamSettings::min_give_back`].
        MinGiveBack = "min_give_back",
        /// [`TeamSettings::cadence_awareness`].
        CadenceAwareness = "cadence_awareness",
        /// [`TeamSettings::cadence_exploration`].
        CadenceExploration = "cadence_exploration",
        /// [`TeamSettings::cadence_expansion`].
        CadenceExpansion = "cadence_expansion",
        /// [`TeamSettings::cadence_commitment`].
        CadenceCommitment = "cadence_commitment",
    }
}

/// The settings form, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsDraft {
    /// Currency code.
    pub currency: String,
    /// Minimum annual potential, as typed.
    pub min_annual_potential: String,
    /// Minimum payback, percent, as typed.
    pub min_payback_percent: String,
    /// How many give-backs, as typed.
    pub min_give_back: String,
    /// Days between touches per stage, as typed: awareness, exploration,
    /// expansion, commitment.
    pub cadences: [String; 4],
}

impl Draft for SettingsDraft {
    type Record = TeamSettings;
}

impl SettingsDraft {
    /// The stored names of the cadences, in [`SettingsDraft::cadences`]' order.
    const CADENCES: [&'static str; 4] = [
        "cadence_awareness",
        "cadence_exploration",
        "cadence_expansion",
        "cadence_commitment",
    ];

    /// `settings` with the draft's values, or the first rule broken.
    fn validated(&self, settings: &TeamSettings) -> Result<TeamSettings, DomainError> {
        let currency = parse_currency(&self.currency)?;
        let potential = parse_amount("min_annual_potential", &self.min_annual_potential)?;
        let payback = whole_number(
            "min_payback_percent",
            &self.min_payback_percent,
            0,
            MAX_PAYBACK_PERCENT,
        )?;
        let give_back = whole_number("min_give_back", &self.min_give_back, 0, 4)?;
        let mut cadences = [0; 4];
        for ((days, field), raw) in cadences.iter_mut().zip(Self::CADENCES).zip(&self.cadences) {
            *days = whole_number(field, raw, 1, MAX_CADENCE_DAYS)?;
        }
        let [awareness, exploration, expansion, commitment] = cadences;
        Ok(TeamSettings {
            currency,
            min_annual_potential: potential,
            min_payback_percent: payback,
            min_give_back: give_back,
            cadence_awareness: awareness,
            cadence_exploration: exploration,
            cadence_expansion: expansion,
            cadence_commitment: commitment,
            ..settings.clone()
        })
    }
}

/// A whole number typed in a form, within `min..=max`.
pub(crate) fn whole_number(
    field: &'static str,
    raw: &str,
    min: i64,
    max: i64,
) -> Result<i64, DomainError> {
    let value: i64 = raw.trim().parse().map_err(|_| DomainError::NotAValue {
        field,
        value: raw.trim().to_owned(),
    })?;
    if value < min || value > max {
        return Err(DomainError::NumberOutOfRange {
            field,
            value,
            min,
            max,
        });
    }
    Ok(value)
}

impl Record for TeamSettings {
    const COLLECTION: &'static str = "team_settings";
    const SINCE: u64 = 2;
    const SINGLETON: Option<(&'static str, &'static [(&'static str, Initial)])> = Some((
        Self::ID_TEXT,
        &[
            ("currency", Initial::Text("EUR")),
            ("min_annual_potential", Initial::Int(250_000 * 100)),
            ("min_payback_percent", Initial::Int(100)),
            ("min_give_back", Initial::Int(1)),
            ("deleted", Initial::Null),
        ],
    ));
    type Id = SettingsId;
    type Parent = ();
    type Draft = SettingsDraft;
    type Field = SettingsField;

    fn parent(&self) -> Option<crate::domain::AccountId> {
        None
    }

    stamps!();

    fn check_draft(draft: &SettingsDraft, _: &Edit) -> Result<(), DomainError> {
        draft.validated(&TeamSettings::default()).map(|_| ())
    }

    /// Never: the upgrade made the one record, so its id is always taken.
    fn create((): (), _: &SettingsDraft, _: &impl Records, _: &Edit) -> Result<Self, DomainError> {
        Err(DomainError::IdTaken(
            crate::domain::RecordKey::TeamSettings(Self::id()),
        ))
    }

    fn edited(
        &self,
        _: SettingsId,
        draft: &SettingsDraft,
        _: &impl Records,
        _: &Edit,
    ) -> Result<Self, DomainError> {
        draft.validated(self)
    }

    fn check_delete(&self, id: SettingsId, _: &impl Records) -> Result<(), DomainError> {
        Err(DomainError::HistoryKept(
            crate::domain::RecordKey::TeamSettings(id),
        ))
    }

    fn draft(&self) -> SettingsDraft {
        SettingsDraft {
            currency: self.currency.clone(),
            min_annual_potential: amount_text(self.min_annual_potential),
            min_payback_percent: self.min_payback_percent.to_string(),
            min_give_back: self.min_give_back.to_string(),
            cadences: [
                self.cadence_awareness,
                self.cadence_exploration,
                self.cadence_expansion,
                self.cadence_commitment,
            ]
            .map(|days| days.to_string()),
        }
    }

    fn set_field(
        draft: &mut SettingsDraft,
        field: SettingsField,
        value: &str,
    ) -> Result<(), DomainError> {
        match field {
            SettingsField::Currency => value.clone_into(&mut draft.currency),
            // Stored as hundredths; the form holds the amount.
            SettingsField::MinAnnualPotential => {
                draft.min_annual_potential =
                    amount_text(value.parse().map_err(|_| DomainError::NotAValue {
                        field: "min_annual_potential",
                        value: value.to_owned(),
                    })?)
            }
            SettingsField::MinPaybackPercent => value.clone_into(&mut draft.min_payback_percent),
            SettingsField::MinGiveBack => value.clone_into(&mut draft.min_give_back),
            SettingsField::CadenceAwareness => value.clone_into(&mut draft.cadences[0]),
            SettingsField::CadenceExploration => value.clone_into(&mut draft.cadences[1]),
            SettingsField::CadenceExpansion => value.clone_into(&mut draft.cadences[2]),
            SettingsField::CadenceCommitment => value.clone_into(&mut draft.cadences[3]),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> SettingsDraft {
        TeamSettings::default().draft()
    }

    #[test]
    fn the_defaults_read_back_through_the_form() {
        assert_eq!(
            draft().validated(&TeamSettings::default()),
            Ok(TeamSettings::default())
        );
    }

    #[test]
    fn out_of_range_settings_are_refused() {
        let mut d = draft();
        d.min_give_back = "5".into();
        assert!(matches!(
            d.validated(&TeamSettings::default()),
            Err(DomainError::NumberOutOfRange {
                field: "min_give_back",
                ..
            })
        ));
        let mut d = draft();
        d.min_payback_percent = "lots".into();
        assert!(matches!(
            d.validated(&TeamSettings::default()),
            Err(DomainError::NotAValue { .. })
        ));
        let mut d = draft();
        d.min_annual_potential = "-1".into();
        assert!(matches!(
            d.validated(&TeamSettings::default()),
            Err(DomainError::NegativeAmount { .. })
        ));
        for bad in ["0", "3650"] {
            let mut d = draft();
            d.cadences[1] = bad.into();
            assert!(matches!(
                d.validated(&TeamSettings::default()),
                Err(DomainError::NumberOutOfRange {
                    field: "cadence_exploration",
                    ..
                })
            ));
        }
    }
}
