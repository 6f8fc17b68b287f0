//! What the save indicator and the notice banner show.

/// Where the rep's latest changes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
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
}

impl Notice {
    /// The sentence shown in the banner.
    pub fn message(&self) -> String {
        match self {
            Self::QuotaExceeded { unsaved } => format!(
                "This device's storage is full. Your last {unsaved} change(s) are kept in this tab \
                 but not yet saved: keep the tab open, free some space (or close other sites' data), \
                 then press “Try again”."
            ),
            Self::StorageUnavailable(why) => format!(
                "This browser does not let Rapport store data ({why}). You can work, but changes \
                 will be lost when the tab closes. Leave private browsing or allow site storage."
            ),
            Self::SetAside { count } => format!(
                "{count} damaged piece(s) of stored data were set aside (kept, not deleted). \
                 Everything else loaded."
            ),
            Self::Unreadable { count } => format!(
                "{count} record(s) were written by a newer version of Rapport and are hidden here. \
                 Update the app to see them; they are kept unchanged."
            ),
            Self::WriteFailed(why) => format!(
                "A change could not be saved ({why}). It is kept in this tab; press “Try again”."
            ),
        }
    }

    /// Whether the notice offers “Try again”.
    pub fn can_retry(&self) -> bool {
        matches!(self, Self::QuotaExceeded { .. } | Self::WriteFailed(_))
    }
}
