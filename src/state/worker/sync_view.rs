//! The sync view: what the indicator and the team panel of this tab's page
//! show, built from the team sync this tab leads, from what the leading tab
//! last said, or from the membership in storage.
//!
//! The leader also broadcasts its view, so every tab of the device shows
//! the same state (with `leader: false` in the others).

use rapport_protocol::{DeviceId, Fingerprint};

use crate::state::messages::{DeviceView, FromWorker, SyncState, SyncView};
use crate::state::worker::team::{Team, load_membership};
use crate::state::worker::{Effect, Host, TabMessage, WorkerCore};
use crate::sync::{SyncPhase, SyncStatus};

impl<H: Host> WorkerCore<H> {
    /// Tells the page where sync stands (and, if this tab leads, the other
    /// tabs too).
    pub(super) async fn post_sync(&self) {
        let view = match &self.team {
            Some(team) => leader_view(team),
            // What the syncing tab last said, as it said it (the same team,
            // the same device); this tab passes device management on to it.
            None if self.leader_view.is_some() => SyncView {
                leader: false,
                ..self.leader_view.clone().unwrap_or_default()
            },
            None => {
                let member = if self.store {
                    load_membership(&self.host).await
                } else {
                    None
                };
                match member {
                    Some(m) => SyncView {
                        state: SyncState::OtherTab,
                        pending: 0,
                        invite: m.invite().map(|invite| invite.fragment()),
                        this_device: Some(m.device),
                        leader: false,
                        device: device_code(&m.device),
                        ..SyncView::default()
                    },
                    None => {
                        let status = SyncStatus::default();
                        SyncView {
                            state: SyncState::Phase(status.phase),
                            pending: 0,
                            invite: None,
                            leader: self.leader,
                            ..SyncView::default()
                        }
                    }
                }
            }
        };
        if self.team.is_some() {
            self.host.emit(Effect::Tabs(TabMessage::View(view.clone())));
        }
        self.post(FromWorker::Sync(view));
    }
}

/// The view of the team sync this tab leads.
pub(super) fn leader_view<K>(team: &Team<K>) -> SyncView {
    let status = &team.status;
    let mut view = SyncView {
        state: SyncState::Phase(status.phase.clone()),
        pending: status.pending,
        // A refused device's link would admit nobody.
        invite: team
            .membership
            .invite()
            .filter(|_| !status.refused())
            .map(|invite| invite.fragment()),
        refused: status.refused(),
        leader: true,
        device: device_code(&team.membership.device),
        admin: team.membership.admin.is_some(),
        this_device: Some(team.membership.device),
        fingerprint: team
            .public_key
            .as_ref()
            .map(|key| Fingerprint::of(team.membership.team, key).to_string())
            .unwrap_or_default(),
        devices: admin_devices(team),
    };
    // A problem the status already shows says what to do; trouble that
    // keeps coming back while sync otherwise runs is said here.
    if let Some(kind) = team.reports.persisting()
        && !matches!(status.phase, SyncPhase::Problem(_))
    {
        view.state = SyncState::Trouble(kind);
    }
    view
}

/// The admin's list: the devices it pinned (this one first), then those
/// waiting for approval. Only the admin has either.
fn admin_devices<K>(team: &Team<K>) -> Vec<DeviceView> {
    let membership = &team.membership;
    let pinned = membership.roster.iter().map(|d| DeviceView {
        id: *d.device.as_bytes(),
        code: device_code(&d.device),
        revoked: d.removed,
        this: d.device == membership.device,
        member: d.member.clone(),
        fingerprint: Fingerprint::of(membership.team, &d.public_key).to_string(),
        approved: true,
    });
    let waiting = team.candidates.iter().map(|c| DeviceView {
        id: *c.device.device.as_bytes(),
        code: device_code(&c.device.device),
        revoked: false,
        this: false,
        member: c.member.clone(),
        fingerprint: Fingerprint::of(membership.team, &c.device.public_key).to_string(),
        approved: false,
    });
    pinned.chain(waiting).collect()
}

/// A device's short code, as the team panel shows it ("4f2a-91c3").
pub(super) fn device_code(device: &DeviceId) -> String {
    let b = device.as_bytes();
    format!("{:02x}{:02x}-{:02x}{:02x}", b[0], b[1], b[2], b[3])
}
