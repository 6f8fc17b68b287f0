//! A contact: a person at an account (a buyer, an engineer, a user of the
//! product — the chapter insists the rep talks to all of them).

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::domain::record::{fields, stamps};
use crate::domain::text::{note, required_name, short};
use crate::domain::{
    AccountId, ContactId, DomainError, Draft, Edit, Record, Records, Stamp, cadence_text,
    parse_cadence,
};

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
    /// Days between touches the rep set for this person; none: their
    /// account's (`cadence.rs`).
    #[autosurgeon(missing = "Option::default")]
    pub cadence_days: Option<i64>,
    /// Who created the record.
    pub created: Stamp,
    /// Who changed it last.
    pub updated: Stamp,
    /// Tombstone, see [`crate::domain::Account::deleted`].
    pub deleted: Option<Stamp>,
}

fields! {
    /// The fields of a contact a conflict can be settled on (not its account:
    /// a person does not move between companies by a conflict).
    ContactField {
        /// [`Contact::name`].
        Name = "name",
        /// [`Contact::role`].
        Role = "role",
        /// [`Contact::phone`].
        Phone = "phone",
        /// [`Contact::email`].
        Email = "email",
        /// [`Contact::note`].
        Note = "note",
        /// [`Contact::cadence_days`].
        CadenceDays = "cadence_days",
    }
}

impl Record for Contact {
    const COLLECTION: &'static str = "contacts";
    const SINCE: u64 = 1;
    type Id = ContactId;
    type Parent = AccountId;
    type Draft = ContactDraft;
    type Field = ContactField;

    fn parent(&self) -> Option<AccountId> {
        Some(self.account)
    }

    stamps!();

    fn check_draft(draft: &ContactDraft, _: &Edit) -> Result<(), DomainError> {
        draft.validated().map(|_| ())
    }

    fn create(
        account: AccountId,
        draft: &ContactDraft,
        _: &impl Records,
        edit: &Edit,
    ) -> Result<Self, DomainError> {
        let draft = draft.validated()?;
        Ok(Contact {
            account,
            name: draft.name,
            role: draft.role,
            phone: draft.phone,
            email: draft.email,
            note: draft.note,
            cadence_days: parse_cadence("cadence_days", &draft.cadence_days)?,
            created: edit.stamp(),
            updated: edit.stamp(),
            deleted: None,
        })
    }

    fn edited(
        &self,
        _: ContactId,
        draft: &ContactDraft,
        _: &impl Records,
        _: &Edit,
    ) -> Result<Self, DomainError> {
        let draft = draft.validated()?;
        Ok(Contact {
            name: draft.name,
            role: draft.role,
            phone: draft.phone,
            email: draft.email,
            note: draft.note,
            cadence_days: parse_cadence("cadence_days", &draft.cadence_days)?,
            ..self.clone()
        })
    }

    fn draft(&self) -> ContactDraft {
        ContactDraft::of(self)
    }

    fn set_field(
        draft: &mut ContactDraft,
        field: ContactField,
        value: &str,
    ) -> Result<(), DomainError> {
        let slot = match field {
            ContactField::Name => &mut draft.name,
            ContactField::Role => &mut draft.role,
            ContactField::Phone => &mut draft.phone,
            ContactField::Email => &mut draft.email,
            ContactField::Note => &mut draft.note,
            ContactField::CadenceDays => &mut draft.cadence_days,
        };
        value.clone_into(slot);
        Ok(())
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
    /// Days between touches, as typed; empty: the account's.
    pub cadence_days: String,
}

impl Draft for ContactDraft {
    type Record = Contact;
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
            cadence_days: cadence_text(&self.cadence_days)?,
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
            cadence_days: contact
                .cadence_days
                .map(|d| d.to_string())
                .unwrap_or_default(),
        }
    }
}

/// The person a record names (`field`: to whom a promise was made, who
/// made a remark) must be a live contact of `account`; with nobody named,
/// the account must have nobody to name.
pub(crate) fn person_at(
    field: &'static str,
    person: Option<ContactId>,
    account: AccountId,
    records: &impl Records,
) -> Result<(), DomainError> {
    match person {
        Some(contact) if records.live::<Contact>(contact)?.account != account => {
            Err(DomainError::ContactOfOtherAccount { contact, account })
        }
        Some(_) => Ok(()),
        None if !records.live_of_account::<Contact>(account).is_empty() => {
            Err(DomainError::Empty { field })
        }
        None => Ok(()),
    }
}
