//! What the page and the workspace worker say to each other. Plain data,
//! postcard-encoded into one `Uint8Array` per message (its buffer is
//! transferred, not copied).
//!
//! The page owns the screen and the read model it draws; the worker owns the
//! Automerge document and IndexedDB. The page sends commands, the worker
//! answers with patches of the read model and the save state.

use serde::{Deserialize, Serialize};

use crate::document::{Command, Patch};
use crate::domain::DeviceId;
use crate::domain::Edit;
use crate::state::worker::ReportKind;
use crate::state::{Notice, SaveState};
use crate::sync::SyncPhase;

/// From the page to the worker. The worker handles them one at a time, in
/// the order sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ToWorker {
    /// First message: open the workspace.
    Start {
        /// This device's id as the page keeps it (the settings): the id it
        /// joins a team under, so its records' stamps and the relay name
        /// it alike.
        device: DeviceId,
    },
    /// Run a command (the page checked it already).
    Command { command: Box<Command>, edit: Edit },
    /// Merge an exported workspace file; answered by `Imported`.
    Import { request: u32, bytes: Vec<u8> },
    /// The whole workspace as a file; answered by `Exported`.
    Export { request: u32 },
    /// Store the unsaved changes again.
    Retry,
    /// The page is being hidden: save the read-model cache now.
    SaveCache,
    /// How much memory the worker holds; answered by `Probed`.
    Probe { request: u32 },
    /// Make a new team with this device in it, and start syncing; `member`
    /// is the rep's name, which the device's card tells the admin.
    /// `code`: the relay operator's team creation code, if the rep has one
    /// (empty otherwise).
    CreateTeam { member: String, code: String },
    /// Join the team of an invite link's fragment, and start syncing.
    JoinTeam { fragment: String, member: String },
    /// Ask the relay for the team's devices (the team's creator only).
    ListDevices,
    /// Remove a device from the team (the relay refuses it from now on,
    /// and the team key changes).
    RevokeDevice { device: [u8; 16] },
    /// Approve a device that joined, after comparing its fingerprint with
    /// the one its tablet shows (the team's creator only).
    ApproveDevice { device: [u8; 16] },
    /// Remove a rep from the team: every device of theirs.
    RemoveMember { member: String },
}

/// What the sync indicator and the team panel show: states, never words
/// (the page says them in the rep's language, `ui::words`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncView {
    /// Where sync stands.
    pub state: SyncState,
    /// Local changes not yet on the relay.
    pub pending: usize,
    /// The invite link's fragment, once this device is in a team.
    pub invite: Option<String>,
    /// Whether this tab's worker runs sync (one tab per device does).
    pub leader: bool,
    /// This device's short code, as the team's devices list shows it.
    pub device: String,
    /// This device's fingerprint in its team ("4821 0937 5512 6604"): the
    /// admin's tablet shows the same digits for it when it joins.
    pub fingerprint: String,
    /// Whether this device started the team (and may remove devices).
    pub admin: bool,
    /// The team's devices (for the admin).
    pub devices: Vec<DeviceView>,
    /// The team no longer takes this device (removed, or its key out of
    /// date): a fresh invite may replace its membership.
    pub refused: bool,
    /// The id this device has in its team: the page stamps records with it
    /// too (a device that joined again is a new device, with a new id).
    pub this_device: Option<DeviceId>,
}

/// Where sync stands, as the indicator shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SyncState {
    /// Not known yet (the worker has not said): the indicator is hidden.
    #[default]
    Unknown,
    /// The team sync of this device, where it stands.
    Phase(SyncPhase),
    /// Another tab of this device syncs it.
    OtherTab,
    /// Sync runs, but the same trouble keeps coming back.
    Trouble(ReportKind),
}

impl SyncState {
    /// `not-set-up`, `offline`, `connecting`, `syncing`, `up-to-date`,
    /// `problem` or `other-tab`: the indicator's `data-state` (empty while
    /// unknown).
    pub fn slug(&self) -> &'static str {
        match self {
            Self::Unknown => "",
            Self::Phase(phase) => phase.slug(),
            Self::OtherTab => "other-tab",
            Self::Trouble(_) => "problem",
        }
    }
}

/// One device of the team in the admin's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceView {
    /// The device id.
    pub id: [u8; 16],
    /// Its short code.
    pub code: String,
    /// Removed: refused by the relay and given no new key.
    pub revoked: bool,
    /// This device.
    pub this: bool,
    /// The rep it belongs to (its card), empty if it sent none.
    pub member: String,
    /// Its fingerprint, to compare with the one its tablet shows.
    pub fingerprint: String,
    /// Approved by the admin: new keys are sealed to it. A device the admin
    /// has not approved yet waits for a comparison of fingerprints.
    pub approved: bool,
}

/// From the worker to the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    /// Part of the whole model, sent at start (from the cache, else from
    /// the document): the page gathers the parts aside and shows them once
    /// `last` arrives, so its account list never empties meanwhile.
    Model { part: Patch, last: bool },
    /// Records changed: apply to the page's read model.
    Patch(Patch),
    /// The workspace is open (the first patch came before this).
    Ready,
    /// Where the changes are, after handling the first `handled` messages.
    Save { state: SaveState, handled: u64 },
    /// Something to tell the rep.
    Notice(Notice),
    /// Storage works again: drop the notices that offered "Try again".
    WritesRecovered,
    /// The answer to `Import`: records changed, or why nothing was.
    Imported {
        request: u32,
        result: Result<usize, String>,
    },
    /// The answer to `Export`.
    Exported { request: u32, bytes: Vec<u8> },
    /// The answer to `Probe`: bytes of wasm memory in the worker.
    Probed { request: u32, memory: f64 },
    /// Where team sync stands.
    Sync(SyncView),
}

impl FromWorker {
    /// The request this message answers, if it is an answer.
    pub fn answers(&self) -> Option<u32> {
        match self {
            Self::Imported { request, .. }
            | Self::Exported { request, .. }
            | Self::Probed { request, .. } => Some(*request),
            _ => None,
        }
    }
}

/// The bytes of a message.
pub fn encode<T: Serialize>(message: &T) -> Vec<u8> {
    // Encoding plain data to a Vec cannot fail.
    postcard::to_allocvec(message).unwrap_or_default()
}

/// The message in `bytes`, if they hold one.
pub fn decode<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Option<T> {
    postcard::from_bytes(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Found, RecordKey};
    use crate::domain::{Account, AccountDraft, AccountId, Author};

    #[test]
    fn messages_round_trip() {
        let edit = Edit {
            author: Author {
                name: "Анна".into(),
                device: "d".into(),
            },
            at: chrono::DateTime::from_timestamp_millis(1_790_000_000_123).unwrap(),
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
        };
        let to = ToWorker::Command {
            command: Box::new(Command::create::<Account>(
                AccountId::random(),
                (),
                AccountDraft {
                    owner: String::new(),
                    name: "ООО «Ромашка»".into(),
                    ..AccountDraft::default()
                },
            )),
            edit,
        };
        assert_eq!(decode::<ToWorker>(&encode(&to)), Some(to));
        let from = FromWorker::Patch(Patch {
            reset: false,
            records: vec![(RecordKey::Account(AccountId::random()), Found::Missing)],
            conflicts: Vec::new(),
            newer: 0,
        });
        assert_eq!(decode::<FromWorker>(&encode(&from)), Some(from));
        assert_eq!(decode::<FromWorker>(b"\xff\xff garbage"), None);
    }
}
