//! An account: a client company the team sells to.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::domain::text::{note, required_name, short};
use crate::domain::{DomainError, Stamp};

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
    /// Who created the record, on which device, when.
    pub created: Stamp,
    /// Who changed it last.
    pub updated: Stamp,
    /// Set when deleted: the record stays as a tombstone so the delete can
    /// travel to the team's other devices.
    pub deleted: Option<Stamp>,
}

impl Account {
    /// Not deleted.
    pub fn is_live(&self) -> bool {
        self.deleted.is_none()
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
}

impl AccountDraft {
    /// The draft with every field cleaned, or the first rule it breaks.
    pub fn validated(&self) -> Result<AccountDraft, DomainError> {
        Ok(AccountDraft {
            name: required_name("name", &self.name)?,
            city: short("city", &self.city)?,
            industry: short("industry", &self.industry)?,
            note: note("note", &self.note)?,
        })
    }

    /// The draft that edits `account` as it is.
    pub fn of(account: &Account) -> Self {
        Self {
            name: account.name.clone(),
            city: account.city.clone(),
            industry: account.industry.clone(),
            note: account.note.clone(),
        }
    }
}
