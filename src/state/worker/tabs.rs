//! [`TabMessage`]: what the workspace workers of one device's tabs say to
//! each other over the `BroadcastChannel`, and how a tab that does not sync
//! passes the team's business on to the one that does.
//!
//! One tab per device leads sync (it holds a Web Lock and the relay link);
//! every tab writes the same IndexedDB. So the tabs tell each other when
//! they stored something (the leader seals and uploads it), the leader
//! tells the others where sync stands, and a tab whose page asks for the
//! team's devices, a removal or a rejoin hands the request to the leader.
//!
//! # On the wire
//!
//! A message is one `ArrayBuffer`: a format byte ([`TABS_FORMAT`]), then
//! the postcard encoding of the message. A reader drops what it cannot
//! read, whole: a format byte it does not know, a variant it does not know
//! (added at the end by a newer build), or bytes that do not decode. Tabs of
//! two builds run side by side while an update reaches each tab in turn, so
//! the rule for changing this enum is: **add variants only at the end**;
//! changing what an existing variant carries (including [`SyncView`])
//! needs a new format byte, so that an older tab ignores it rather than
//! misreading it. The builds before this one posted strings and raw
//! `SyncView` bytes as `Uint8Array`s: an `ArrayBuffer` is neither, so they
//! take it for "another tab stored something" and merely read the store
//! again, which is harmless.

use serde::{Deserialize, Serialize};

use crate::state::messages::{SyncView, ToWorker};
use crate::state::worker::{Effect, Host, WorkerCore};

/// The format byte every message starts with.
///
/// Format 2: joining carries the rep's name; approving and removing a
/// member are passed on too.
pub const TABS_FORMAT: u8 = 2;

/// From one tab's workspace worker to the device's other tabs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TabMessage {
    /// This tab stored something: read the store and merge it (the leader
    /// also sends this device's new changes on).
    Stored,
    /// A tab just opened: the leader, if there is one, answers with
    /// [`TabMessage::View`].
    ViewAsked,
    /// The leader says where sync stands (the others show it as theirs).
    View(SyncView),
    /// Passed on to the leader: ask the relay for the team's devices.
    ListDevices,
    /// Passed on to the leader: remove this device from the team.
    RevokeDevice {
        /// The device id.
        device: [u8; 16],
    },
    /// Passed on to the leader: join the team of this invite fragment in
    /// place of the one that refused this device.
    JoinTeam {
        /// The invite link's fragment.
        fragment: String,
        /// The rep's name for the device's card.
        member: String,
    },
    /// Passed on to the leader: approve this device.
    ApproveDevice {
        /// The device id.
        device: [u8; 16],
    },
    /// Passed on to the leader: remove this rep's devices.
    RemoveMember {
        /// The rep's name.
        member: String,
    },
}

impl TabMessage {
    /// The bytes to post.
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = vec![TABS_FORMAT];
        // Encoding plain data to a Vec cannot fail.
        bytes.extend(postcard::to_allocvec(self).unwrap_or_default());
        bytes
    }

    /// The message in `bytes`, if this build reads it (see the module docs).
    pub fn decode(bytes: &[u8]) -> Option<TabMessage> {
        match bytes.split_first() {
            Some((&TABS_FORMAT, body)) => match postcard::take_from_bytes(body) {
                // Trailing bytes mean a shape this build does not know.
                Ok((message, [])) => Some(message),
                _ => None,
            },
            _ => None,
        }
    }

    /// The page request a non-leading tab passed on, as the leader's own
    /// page would have sent it; `None` for the tabs' own business.
    pub fn forwarded(self) -> Option<ToWorker> {
        match self {
            Self::ListDevices => Some(ToWorker::ListDevices),
            Self::RevokeDevice { device } => Some(ToWorker::RevokeDevice { device }),
            Self::JoinTeam { fragment, member } => Some(ToWorker::JoinTeam { fragment, member }),
            Self::ApproveDevice { device } => Some(ToWorker::ApproveDevice { device }),
            Self::RemoveMember { member } => Some(ToWorker::RemoveMember { member }),
            Self::Stored | Self::ViewAsked | Self::View(_) => None,
        }
    }
}

impl<H: Host> WorkerCore<H> {
    /// Handles what another tab said; returns the page request it passed
    /// on, if this tab is the one to carry it out.
    pub(super) async fn heard(&mut self, message: TabMessage) -> Option<ToWorker> {
        match message {
            TabMessage::Stored => self.refresh().await,
            TabMessage::View(view) if self.team.is_none() => {
                self.leader_view = Some(view);
                self.post_sync().await;
            }
            TabMessage::ViewAsked if self.team.is_some() => self.post_sync().await,
            // Not this tab's page's message: not counted as handled for it.
            request if self.team.is_some() => return request.forwarded(),
            _ => {}
        }
        None
    }

    /// Passes a request on to the syncing tab.
    pub(super) fn forward(&self, request: TabMessage) {
        self.host.emit(Effect::Tabs(request));
    }

    /// Tells the other tabs this one stored something.
    pub(super) fn tell_other_tabs(&self) {
        self.host.emit(Effect::Tabs(TabMessage::Stored));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::messages::SyncState;

    fn all() -> Vec<TabMessage> {
        vec![
            TabMessage::Stored,
            TabMessage::ViewAsked,
            TabMessage::View(SyncView {
                state: SyncState::Phase(crate::sync::SyncPhase::UpToDate {
                    since: chrono::DateTime::from_timestamp_millis(1_790_000_000_000).unwrap(),
                }),
                invite: Some("join=ab.cd".into()),
                leader: true,
                ..SyncView::default()
            }),
            TabMessage::ListDevices,
            TabMessage::RevokeDevice { device: [7; 16] },
            TabMessage::ApproveDevice { device: [8; 16] },
            TabMessage::RemoveMember {
                member: "Ольга".into(),
            },
            TabMessage::JoinTeam {
                member: "Ольга".into(),
                fragment: "join=ab.cd".into(),
            },
        ]
    }

    #[test]
    fn every_message_round_trips_with_its_format_byte() {
        for message in all() {
            let bytes = message.encode();
            assert_eq!(bytes[0], TABS_FORMAT);
            assert_eq!(TabMessage::decode(&bytes), Some(message));
        }
    }

    #[test]
    fn what_this_build_cannot_read_is_dropped_not_misread() {
        for message in all() {
            let mut bytes = message.encode();
            // Another format.
            bytes[0] = TABS_FORMAT + 1;
            assert_eq!(TabMessage::decode(&bytes), None, "{message:?}");
            // A variant carrying more than this build knows of.
            let mut longer = message.encode();
            longer.push(0);
            assert_eq!(TabMessage::decode(&longer), None, "{message:?}");
        }
        // A variant added at the end by a newer build.
        assert_eq!(TabMessage::decode(&[TABS_FORMAT, 200]), None);
        // What the string-posting builds sent, and nothing at all.
        assert_eq!(TabMessage::decode(b"stored"), None);
        assert_eq!(TabMessage::decode(b"view?"), None);
        assert_eq!(TabMessage::decode(&[]), None);
    }

    #[test]
    fn only_requests_for_the_leader_are_forwarded() {
        let forwarded: Vec<_> = all()
            .into_iter()
            .filter_map(TabMessage::forwarded)
            .collect();
        assert_eq!(
            forwarded,
            [
                ToWorker::ListDevices,
                ToWorker::RevokeDevice { device: [7; 16] },
                ToWorker::ApproveDevice { device: [8; 16] },
                ToWorker::RemoveMember {
                    member: "Ольга".into(),
                },
                ToWorker::JoinTeam {
                    member: "Ольга".into(),
                    fragment: "join=ab.cd".into()
                },
            ]
        );
    }
}
