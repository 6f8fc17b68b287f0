//! What the save indicator and the notice banner show.

use serde::{Deserialize, Serialize};

use crate::domain::DomainError;

/// Where the rep's latest changes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SaveState {
    /// Loading the workspace from the device.
    Loading,
    /// Every change is stored on this device.
    Saved,
    /// Changes are being written (milliseconds, normally).
    Saving,
    /// Some changes could not be stored and live only in this tab.
    Unsaved,
}

impl SaveState {
    /// The `data-state` attribute value.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Loading => "loading",
            Self::Saved => "saved",
            Self::Saving => "saving",
            Self::Unsaved => "error",
        }
    }
}

/// Something the rep should be told: what happened, that nothing was lost
/// (or what was), and what to do. Typed, never a sentence: the UI's words
/// module (`ui::words`) says it in the rep's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Notice {
    /// The device refused to store more.
    QuotaExceeded { unsaved: usize },
    /// IndexedDB could not be opened at all.
    StorageUnavailable(String),
    /// Damaged stored pieces were set aside at start-up.
    SetAside { count: usize },
    /// Records written by a newer version are hidden.
    Unreadable { count: usize },
    /// A write failed for another reason.
    WriteFailed(String),
    /// The workspace worker did not start: the page shows the saved read
    /// model but cannot change anything.
    WorkerFailed(String),
    /// Something the rep asked for was not done.
    Refused(Refusal),
}

/// Why something the rep asked for was not done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    /// A command the page let through broke a rule on the document (another
    /// tab or device changed the record in between).
    Rule(DomainError),
    /// A command could not be written for a reason that is no rule (the
    /// technical detail, for a bug report).
    Unwritten(String),
    /// The browser gave no randomness for a team key.
    NoRandomness,
    /// Team sync needs storage on this device, and there is none.
    NeedsStorage,
    /// This device is in a team already.
    AlreadyInTeam,
    /// Only the device that started the team may remove devices.
    NotAdmin,
    /// The invite link is not one.
    BadInvite,
    /// A change from the team could not be read (the technical detail).
    TeamChangeUnreadable(String),
    /// The demo workspace could not be loaded (the technical detail).
    NoDemo(String),
}

impl Refusal {
    /// Why the document refused a command.
    pub fn of(error: &crate::document::DocumentError) -> Self {
        match error.rule() {
            Some(rule) => Self::Rule(rule.clone()),
            None => Self::Unwritten(error.to_string()),
        }
    }
}

impl Notice {
    /// Whether the notice offers “Try again”.
    pub fn can_retry(&self) -> bool {
        matches!(self, Self::QuotaExceeded { .. } | Self::WriteFailed(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_failed_writes_offer_to_try_again() {
        assert!(Notice::QuotaExceeded { unsaved: 1 }.can_retry());
        assert!(Notice::WriteFailed("x".into()).can_retry());
        assert!(!Notice::SetAside { count: 1 }.can_retry());
        assert!(!Notice::Refused(Refusal::NotAdmin).can_retry());
    }
}
