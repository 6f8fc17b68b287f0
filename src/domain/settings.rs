//! The team's settings, kept in the workspace document so every rep's
//! device judges accounts by the same thresholds: the strategic-partner
//! scorecard's figures, and the currency they are in.
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
use crate::domain::{DomainError, Draft, Edit, Initial, Record, Records, Stamp};

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

impl Default for TeamSettings {
    fn default() -> Self {
        Self {
            currency: default_currency(),
            min_annual_potential: default_min_potential(),
            min_payback_percent: default_payback(),
            min_give_back: default_give_back(),
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
}

impl Draft for SettingsDraft {
    type Record = TeamSettings;
}

impl SettingsDraft {
    /// The settings' values, or the first rule broken.
    fn validated(&self) -> Result<(String, i64, i64, i64), DomainError> {
        let currency = parse_currency(&self.currency)?;
        let potential = parse_amount("min_annual_potential", &self.min_annual_potential)?;
        let payback = whole_number(
            "min_payback_percent",
            &self.min_payback_percent,
            0,
            MAX_PAYBACK_PERCENT,
        )?;
        let give_back = whole_number("min_give_back", &self.min_give_back, 0, 4)?;
        Ok((currency, potential, payback, give_back))
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
        draft.validated().map(|_| ())
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
        let (currency, min_annual_potential, min_payback_percent, min_give_back) =
            draft.validated()?;
        Ok(Self {
            currency,
            min_annual_potential,
            min_payback_percent,
            min_give_back,
            ..self.clone()
        })
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
        assert_eq!(draft().validated(), Ok(("EUR".into(), 25_000_000, 100, 1)));
    }

    #[test]
    fn out_of_range_settings_are_refused() {
        let mut d = draft();
        d.min_give_back = "5".into();
        assert!(matches!(
            d.validated(),
            Err(DomainError::NumberOutOfRange {
                field: "min_give_back",
                ..
            })
        ));
        let mut d = draft();
        d.min_payback_percent = "lots".into();
        assert!(matches!(d.validated(), Err(DomainError::NotAValue { .. })));
        let mut d = draft();
        d.min_annual_potential = "-1".into();
        assert!(matches!(
            d.validated(),
            Err(DomainError::NegativeAmount { .. })
        ));
    }
}
