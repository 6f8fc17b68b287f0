//! An account: a client company the team sells to.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::domain::record::{fields, stamps};
use crate::domain::text::{note, required_name, short};
use crate::domain::{
    AccountId, DomainError, Draft, Edit, Record, Records, Stamp, cadence_text, parse_cadence,
};

/// A client company, as stored in the workspace document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Account {
    /// The company's name, unique (ignoring case and spacing) among live accounts.
    pub name: String,
    /// Where the rep visits it.
    pub city: String,
    /// What the company does.
    pub industry: String,
    /// Standing notes about the account (not a visit note).
    pub note: String,
    /// The rep who owns the account, by the name their devices sign with;
    /// empty in accounts made before owners existed, which belong to the
    /// rep who created them ([`Account::owner`]).
    #[autosurgeon(missing = "String::new")]
    pub owner: String,
    /// Days between touches the rep set for this account; none: the
    /// team's for its stage (`cadence.rs`).
    #[autosurgeon(missing = "Option::default")]
    pub cadence_days: Option<i64>,
    /// Who created the record, on which device, when.
    pub created: Stamp,
    /// Who changed it last.
    pub updated: Stamp,
    /// Set when deleted: the record stays as a tombstone so the delete can
    /// travel to the team's other devices.
    pub deleted: Option<Stamp>,
}

fields! {
    /// The fields of an account a conflict can be settled on.
    AccountField {
        /// [`Account::name`].
        Name = "name",
        /// [`Account::city`].
        City = "city",
        /// [`Account::industry`].
        Industry = "industry",
        /// [`Account::note`].
        Note = "note",
        /// [`Account::owner`].
        Owner = "owner",
        /// [`Account::cadence_days`].
        CadenceDays = "cadence_days",
    }
}

impl Record for Account {
    const COLLECTION: &'static str = "accounts";
    const SINCE: u64 = 1;
    type Id = AccountId;
    type Parent = ();
    type Draft = AccountDraft;
    type Field = AccountField;

    fn parent(&self) -> Option<AccountId> {
        None
    }

    fn as_account(id: AccountId) -> Option<AccountId> {
        Some(id)
    }

    stamps!();

    fn check_draft(draft: &AccountDraft, _: &Edit) -> Result<(), DomainError> {
        draft.validated().map(|_| ())
    }

    /// Refuses a name a live account already has.
    fn create(
        (): (),
        draft: &AccountDraft,
        records: &impl Records,
        edit: &Edit,
    ) -> Result<Self, DomainError> {
        let draft = draft.validated()?;
        unique(&draft.name, None, records)?;
        let owner = match draft.owner.as_str() {
            "" => short("owner", &edit.author.name)?,
            owner => owner.to_owned(),
        };
        Ok(Account {
            name: draft.name,
            city: draft.city,
            industry: draft.industry,
            note: draft.note,
            owner,
            cadence_days: parse_cadence("cadence_days", &draft.cadence_days)?,
            created: edit.stamp(),
            updated: edit.stamp(),
            deleted: None,
        })
    }

    fn edited(
        &self,
        id: AccountId,
        draft: &AccountDraft,
        records: &impl Records,
        _: &Edit,
    ) -> Result<Self, DomainError> {
        let draft = draft.validated()?;
        unique(&draft.name, Some(id), records)?;
        Ok(Account {
            name: draft.name,
            city: draft.city,
            industry: draft.industry,
            note: draft.note,
            // The owner it shows (for an account made before owners
            // existed, its creator) is no change: nothing is written, so
            // two devices editing other fields apart do not both write it.
            owner: match draft.owner.as_str() {
                owner if owner.is_empty() || owner == self.owner() => self.owner.clone(),
                owner => owner.to_owned(),
            },
            cadence_days: parse_cadence("cadence_days", &draft.cadence_days)?,
            ..self.clone()
        })
    }

    fn draft(&self) -> AccountDraft {
        AccountDraft::of(self)
    }

    fn set_field(
        draft: &mut AccountDraft,
        field: AccountField,
        value: &str,
    ) -> Result<(), DomainError> {
        let slot = match field {
            AccountField::Name => &mut draft.name,
            AccountField::City => &mut draft.city,
            AccountField::Industry => &mut draft.industry,
            AccountField::Note => &mut draft.note,
            AccountField::Owner => &mut draft.owner,
            AccountField::CadenceDays => &mut draft.cadence_days,
        };
        value.clone_into(slot);
        Ok(())
    }
}

impl Account {
    /// The rep who owns it: its owner, or for an account made before
    /// owners existed, the rep who created it.
    pub fn owner(&self) -> &str {
        if self.owner.is_empty() {
            &self.created.by
        } else {
            &self.owner
        }
    }
}

/// Refuses `name` if a live account other than `except` has it.
fn unique(
    name: &str,
    except: Option<AccountId>,
    records: &impl Records,
) -> Result<(), DomainError> {
    match records.account_named(name, except) {
        Some(existing) => Err(DomainError::DuplicateAccount {
            name: name.to_owned(),
            existing,
        }),
        None => Ok(()),
    }
}

/// What a rep fills in to create or edit an account, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountDraft {
    /// Company name (required).
    pub name: String,
    /// City.
    pub city: String,
    /// Industry.
    pub industry: String,
    /// Standing notes.
    pub note: String,
    /// The owning rep's name; empty: the creator on a new account, the
    /// owner unchanged on an edit.
    pub owner: String,
    /// Days between touches, as typed; empty: the team's for the stage.
    pub cadence_days: String,
}

impl Draft for AccountDraft {
    type Record = Account;
}

impl AccountDraft {
    /// The draft with every field cleaned, or the first rule it breaks.
    pub fn validated(&self) -> Result<AccountDraft, DomainError> {
        Ok(AccountDraft {
            name: required_name("name", &self.name)?,
            city: short("city", &self.city)?,
            industry: short("industry", &self.industry)?,
            note: note("note", &self.note)?,
            owner: short("owner", &self.owner)?,
            cadence_days: cadence_text(&self.cadence_days)?,
        })
    }

    /// The draft that edits `account` as it is.
    pub fn of(account: &Account) -> Self {
        Self {
            name: account.name.clone(),
            city: account.city.clone(),
            industry: account.industry.clone(),
            note: account.note.clone(),
            owner: account.owner().to_owned(),
            cadence_days: account
                .cadence_days
                .map(|d| d.to_string())
                .unwrap_or_default(),
        }
    }
}
