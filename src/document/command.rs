//! [`Command`]: one edit of the workspace as a value, so the page can check
//! it against its read model at once and hand it to the workspace worker,
//! which runs it on the document.
//!
//! The page picks new records' ids, so it can open a new account before the
//! worker has written it. The worker checks everything again: another tab or
//! device may have changed the document in between.

use serde::{Deserialize, Serialize};

use crate::document::{DocumentError, ReadModel, RecordKey, Workspace};
use crate::domain::{
    AccountDraft, AccountId, ContactDraft, ContactId, DomainError, Edit, TouchDraft, TouchId,
    name_key,
};

/// An edit of the workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    /// A new account.
    CreateAccount { id: AccountId, draft: AccountDraft },
    /// New values for an account's fields.
    EditAccount { id: AccountId, draft: AccountDraft },
    /// Delete an account (a tombstone).
    DeleteAccount { id: AccountId },
    /// A new person at an account.
    AddContact {
        id: ContactId,
        account: AccountId,
        draft: ContactDraft,
    },
    /// New values for a person's fields.
    EditContact { id: ContactId, draft: ContactDraft },
    /// Delete a person.
    DeleteContact { id: ContactId },
    /// A new touch with an account.
    LogTouch {
        id: TouchId,
        account: AccountId,
        draft: TouchDraft,
    },
    /// New values for a touch.
    EditTouch { id: TouchId, draft: TouchDraft },
    /// Delete a touch.
    DeleteTouch { id: TouchId },
    /// Keep `value`, one of the values two devices wrote to a text field of
    /// an account or contact while apart; it supersedes the others.
    ResolveConflict {
        key: RecordKey,
        field: String,
        value: String,
    },
}

impl Command {
    /// The rule this command breaks against `model`, if any: the same rules
    /// [`Workspace::execute`] enforces, checked on the page without the
    /// document so a form can answer at once.
    pub fn check(&self, model: &ReadModel, edit: &Edit) -> Result<(), DomainError> {
        let account_named = |name: &str, except: Option<AccountId>| {
            let wanted = name_key(name);
            model
                .filter_accounts("")
                .into_iter()
                .find(|row| Some(row.id) != except && name_key(&row.name) == wanted)
                .map(|row| row.id)
        };
        let live_account = |id: AccountId| {
            model
                .account(id)
                .map(|_| ())
                .ok_or(DomainError::UnknownAccount(id))
        };
        let contact_at = |contact: Option<ContactId>, account: AccountId| match contact {
            None => Ok(()),
            Some(c) => match model.contact(c) {
                None => Err(DomainError::UnknownContact(c)),
                Some(found) if found.account != account => {
                    Err(DomainError::ContactOfOtherAccount {
                        contact: c,
                        account,
                    })
                }
                Some(_) => Ok(()),
            },
        };
        match self {
            Self::CreateAccount { id, draft } | Self::EditAccount { id, draft } => {
                let draft = draft.validated()?;
                let editing = matches!(self, Self::EditAccount { .. });
                if editing {
                    live_account(*id)?;
                }
                match account_named(&draft.name, editing.then_some(*id)) {
                    Some(existing) => Err(DomainError::DuplicateAccount {
                        name: draft.name,
                        existing,
                    }),
                    None => Ok(()),
                }
            }
            Self::DeleteAccount { id } => live_account(*id),
            Self::AddContact { account, draft, .. } => {
                draft.validated()?;
                live_account(*account)
            }
            Self::EditContact { id, draft } => {
                draft.validated()?;
                model
                    .contact(*id)
                    .map(|_| ())
                    .ok_or(DomainError::UnknownContact(*id))
            }
            Self::DeleteContact { id } => model
                .contact(*id)
                .map(|_| ())
                .ok_or(DomainError::UnknownContact(*id)),
            Self::LogTouch { account, draft, .. } => {
                draft.validated(edit.today)?;
                live_account(*account)?;
                contact_at(draft.contact, *account)
            }
            Self::EditTouch { id, draft } => {
                draft.validated(edit.today)?;
                let account = model.touch(*id).ok_or(DomainError::UnknownTouch(*id))?;
                contact_at(draft.contact, account.account)
            }
            Self::DeleteTouch { id } => model
                .touch(*id)
                .map(|_| ())
                .ok_or(DomainError::UnknownTouch(*id)),
            Self::ResolveConflict { key, .. } => match *key {
                RecordKey::Account(id) => live_account(id),
                RecordKey::Contact(id) => model
                    .contact(id)
                    .map(|_| ())
                    .ok_or(DomainError::UnknownContact(id)),
                RecordKey::Touch(id) => Err(DomainError::UnknownTouch(id)),
            },
        }
    }
}

impl Workspace {
    /// Runs `command` on the document: validate, then write one change, or
    /// write nothing and say why.
    pub fn execute(&mut self, command: &Command, edit: &Edit) -> Result<(), DocumentError> {
        match command {
            Command::CreateAccount { id, draft } => self.create_account_as(*id, draft, edit),
            Command::EditAccount { id, draft } => self.edit_account(*id, draft, edit),
            Command::DeleteAccount { id } => self.delete_account(*id, edit),
            Command::AddContact { id, account, draft } => {
                self.add_contact_as(*id, *account, draft, edit)
            }
            Command::EditContact { id, draft } => self.edit_contact(*id, draft, edit),
            Command::DeleteContact { id } => self.delete_contact(*id, edit),
            Command::LogTouch { id, account, draft } => {
                self.log_touch_as(*id, *account, draft, edit)
            }
            Command::EditTouch { id, draft } => self.edit_touch(*id, draft, edit),
            Command::DeleteTouch { id } => self.delete_touch(*id, edit),
            Command::ResolveConflict { key, field, value } => {
                self.resolve(*key, field, value, edit)
            }
        }
    }
}
