//! A contact: a person at an account (a buyer, an engineer, a user of the
//! product — the chapter insists the rep talks to all of them).

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::domain::text::{note, required_name, short};
use crate::domain::{AccountId, DomainError, Stamp};

/// A person at a client company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Contact {
    /// The account the person works at.
    pub account: AccountId,
    /// Full name (required).
    pub name: String,
    /// Role or position ("chief engineer", "buyer").
    pub role: String,
    /// Phone number as the rep typed it.
    pub phone: String,
    /// Email address as the rep typed it.
    pub email: String,
    /// Small things to remember about this person.
    pub note: String,
    /// Who created the record.
    pub created: Stamp,
    /// Who changed it last.
    pub updated: Stamp,
    /// Tombstone, see [`crate::domain::Account::deleted`].
    pub deleted: Option<Stamp>,
}

impl Contact {
    /// Not deleted.
    pub fn is_live(&self) -> bool {
        self.deleted.is_none()
    }
}

/// What a rep fills in for a contact, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactDraft {
    /// Full name (required).
    pub name: String,
    /// Role or position.
    pub role: String,
    /// Phone.
    pub phone: String,
    /// Email.
    pub email: String,
    /// Small things to remember.
    pub note: String,
}

impl ContactDraft {
    /// The draft with every field cleaned, or the first rule it breaks.
    pub fn validated(&self) -> Result<ContactDraft, DomainError> {
        Ok(ContactDraft {
            name: required_name("name", &self.name)?,
            role: short("role", &self.role)?,
            phone: short("phone", &self.phone)?,
            email: short("email", &self.email)?,
            note: note("note", &self.note)?,
        })
    }

    /// The draft that edits `contact` as it is.
    pub fn of(contact: &Contact) -> Self {
        Self {
            name: contact.name.clone(),
            role: contact.role.clone(),
            phone: contact.phone.clone(),
            email: contact.email.clone(),
            note: contact.note.clone(),
        }
    }
}
