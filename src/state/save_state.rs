//! What the save indicator and the notice banner show.

use serde::{Deserialize, Serialize};

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

    /// The words the rep reads.
    pub fn label(self) -> &'static str {
        match self {
            Self::Loading => "Opening…",
            Self::Saved => "Saved on this device",
            Self::Saving => "Saving…",
            Self::Unsaved => "Not saved — see the notice",
        }
    }
}

/// A message about storage the rep should read: what happened, that nothing
/// was lost (or what was), and what to do.
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
    /// A command the page let through was refused by the document (another
    /// tab or device changed it in between).
    Refused(String),
}

impl Notice {
    /// The sentence shown in the banner.
    pub fn message(&self) -> String {
        match self {
            Self::QuotaExceeded { unsaved } => format!(
                "This device's storage is full. {} kept in this tab but not yet saved: keep the tab \
                 open, free some space (or clear other sites' data), then press “Try again”.",
                match unsaved {
                    1 => "Your last change is".to_owned(),
                    n => format!("Your last {n} changes are"),
                }
            ),
            Self::StorageUnavailable(why) => format!(
                "This browser does not let Rapport store data ({why}). You can work, but changes \
                 will be lost when the tab closes. Leave private browsing or allow site storage."
            ),
            Self::SetAside { count } => format!(
                "{} of stored data {} damaged and set aside (kept, not deleted). Everything else loaded.",
                plural(*count, "piece", "pieces"),
                if *count == 1 { "was" } else { "were" }
            ),
            Self::Unreadable { count } => format!(
                "{} written by a newer version of Rapport {} hidden here. Update the app to see \
                 them; they are kept unchanged.",
                plural(*count, "record", "records"),
                if *count == 1 { "is" } else { "are" }
            ),
            Self::WriteFailed(why) => format!(
                "A change could not be saved ({why}). It is kept in this tab; press “Try again”."
            ),
            Self::WorkerFailed(why) => format!(
                "Rapport could not open the workspace for editing ({why}). You are looking at the \
                 last saved view; nothing is lost. Reload the page; if this stays, update the browser."
            ),
            Self::Refused(why) => format!(
                "A change was not made: {why}. The record may have changed on another device or tab."
            ),
        }
    }

    /// Whether the notice offers “Try again”.
    pub fn can_retry(&self) -> bool {
        matches!(self, Self::QuotaExceeded { .. } | Self::WriteFailed(_))
    }
}

/// "1 piece", "3 pieces".
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_say_what_happened_in_whole_sentences() {
        assert!(
            Notice::QuotaExceeded { unsaved: 1 }
                .message()
                .contains("Your last change is kept in this tab")
        );
        assert!(
            Notice::QuotaExceeded { unsaved: 3 }
                .message()
                .contains("Your last 3 changes are kept")
        );
        assert!(
            Notice::SetAside { count: 1 }
                .message()
                .starts_with("1 piece of stored data was damaged and set aside")
        );
        assert!(
            Notice::SetAside { count: 2 }
                .message()
                .starts_with("2 pieces")
        );
        assert!(Notice::QuotaExceeded { unsaved: 1 }.can_retry());
        assert!(!Notice::SetAside { count: 1 }.can_retry());
    }
}
