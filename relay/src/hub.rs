//! The live connections of each team, for pushes between them.
//!
//! Each joined connection holds a [`Membership`] with a `watch` channel of
//! its [`Signal`]. A `watch` keeps only the latest value, which is what a
//! push needs: a device told "head is 12" does not also need "head was 11",
//! so a slow device costs one value, never a growing queue.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use rapport_protocol::{Cursor, DeviceId, TeamId};
use tokio::sync::watch;

/// Every team's live connections.
#[derive(Default)]
pub(crate) struct Hub {
    teams: Mutex<HashMap<TeamId, Vec<Member>>>,
    next_id: AtomicU64,
}

struct Member {
    id: u64,
    device: DeviceId,
    signal: watch::Sender<Signal>,
}

/// The latest news for one connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Signal {
    /// The team's newest cursor as far as pushes go.
    pub(crate) head: Cursor,
    /// Set when the connection must close.
    pub(crate) ended: Option<Ending>,
}

/// Why another connection's action ends this one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ending {
    /// This device was revoked.
    Revoked,
    /// The team's token was rotated; this connection used the old one.
    Rotated,
}

/// One connection's place in the hub; leaving the hub is dropping it.
pub(crate) struct Membership {
    hub: Arc<Hub>,
    team: TeamId,
    id: u64,
    pub(crate) signal: watch::Receiver<Signal>,
}

impl Hub {
    /// Adds a connection of `device` to `team`, whose log stands at `head`.
    pub(crate) fn join(
        self: &Arc<Self>,
        team: TeamId,
        device: DeviceId,
        head: Cursor,
    ) -> Membership {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (sender, receiver) = watch::channel(Signal { head, ended: None });
        self.with_team(team, |members| {
            members.push(Member {
                id,
                device,
                signal: sender,
            })
        });
        Membership {
            hub: Arc::clone(self),
            team,
            id,
            signal: receiver,
        }
    }

    fn with_team<T>(&self, team: TeamId, f: impl FnOnce(&mut Vec<Member>) -> T) -> T {
        // Nothing panics while holding the lock, and a member list is valid
        // at every step, so a poisoned lock is still usable.
        let mut teams = self.teams.lock().unwrap_or_else(PoisonError::into_inner);
        let members = teams.entry(team).or_default();
        let result = f(members);
        if members.is_empty() {
            teams.remove(&team);
        }
        result
    }
}

impl Membership {
    /// Tells the team's other connections that a chunk landed at `head`.
    pub(crate) fn landed(&self, head: Cursor) {
        self.hub.with_team(self.team, |members| {
            for member in members.iter().filter(|member| member.id != self.id) {
                member.signal.send_if_modified(|signal| {
                    let newer = head > signal.head;
                    signal.head = signal.head.max(head);
                    newer
                });
            }
        });
    }

    /// Ends every connection of `device` in this team, this one included if
    /// a device revoked itself.
    pub(crate) fn revoked(&self, device: DeviceId) {
        self.end_where(Ending::Revoked, |member| member.device == device);
    }

    /// Ends the team's other connections: they proved the old token.
    pub(crate) fn rotated(&self) {
        self.end_where(Ending::Rotated, |member| member.id != self.id);
    }

    fn end_where(&self, ending: Ending, which: impl Fn(&Member) -> bool) {
        self.hub.with_team(self.team, |members| {
            for member in members.iter().filter(|member| which(member)) {
                member
                    .signal
                    .send_modify(|signal| signal.ended = Some(ending));
            }
        });
    }
}

impl Drop for Membership {
    fn drop(&mut self) {
        self.hub.with_team(self.team, |members| {
            members.retain(|member| member.id != self.id)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEAM: TeamId = TeamId::from_bytes([1; 16]);
    const PHONE: DeviceId = DeviceId::from_bytes([2; 16]);
    const LAPTOP: DeviceId = DeviceId::from_bytes([3; 16]);

    #[test]
    fn pushes_reach_the_others_only() {
        let hub = Arc::new(Hub::default());
        let mut phone = hub.join(TEAM, PHONE, Cursor(3));
        let mut laptop = hub.join(TEAM, LAPTOP, Cursor(3));
        let mut stranger = hub.join(TeamId::from_bytes([9; 16]), LAPTOP, Cursor(0));

        phone.landed(Cursor(4));
        assert!(laptop.signal.has_changed().unwrap());
        assert_eq!(laptop.signal.borrow_and_update().head, Cursor(4));
        assert!(!phone.signal.has_changed().unwrap());
        assert!(!stranger.signal.has_changed().unwrap());

        phone.revoked(LAPTOP);
        assert_eq!(
            laptop.signal.borrow_and_update().ended,
            Some(Ending::Revoked)
        );
        laptop.rotated();
        assert_eq!(
            phone.signal.borrow_and_update().ended,
            Some(Ending::Rotated)
        );
        assert!(!stranger.signal.has_changed().unwrap());
        drop(stranger.signal.borrow_and_update());
    }

    #[test]
    fn leaving_removes_the_team_when_empty() {
        let hub = Arc::new(Hub::default());
        let phone = hub.join(TEAM, PHONE, Cursor(0));
        drop(phone);
        assert!(hub.teams.lock().unwrap().is_empty());
    }
}
