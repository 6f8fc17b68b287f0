//! [`SyncStatus`]: the always-visible, never-blocking sync indicator as a
//! pure state machine. Its words reassure: the data is saved on the device
//! whatever the network does.

use chrono::{DateTime, Utc};

/// What went wrong, and so what the rep should do.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Problem {
    /// The relay refused this device (revoked, or the team key changed).
    NotAdmitted,
    /// The relay answered with an error it could not recover from.
    Relay(String),
    /// The relay's data could not be decrypted with this device's key.
    WrongKey,
    /// The relay offered a team key that does not come from the team's
    /// admin: refused, and sync stops until someone looks.
    ForgedKey,
    /// The relay refused for one of its operator's limits (quota, rate,
    /// disk, connections, time, team creation): the code says which.
    Limit(rapport_protocol::ErrorCode),
}

/// Where sync stands.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SyncPhase {
    /// This device is not part of a team: everything stays on it.
    NotSetUp,
    /// No network.
    Offline,
    /// Reaching the relay.
    Connecting,
    /// Sending or receiving changes.
    Syncing,
    /// Everything local is on the relay, and everything on the relay is here.
    UpToDate {
        /// When it last settled.
        #[serde(with = "millis")]
        since: DateTime<Utc>,
    },
    /// Sync stopped for a reason the rep must act on.
    Problem(Problem),
}

/// Something that happened to the network, the relay or the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncEvent {
    /// The device joined or created a team.
    TeamJoined,
    /// The browser went online.
    Online,
    /// The browser went offline (or the connection dropped).
    Offline,
    /// The connection to the relay is open and admitted.
    Connected,
    /// The connection to the relay dropped while the browser is online: it
    /// will be tried again.
    Disconnected,
    /// `n` changes were made on this device and are not yet on the relay
    /// (or, at start, this many still wait from before).
    LocalChange(usize),
    /// The relay acknowledged `n` local changes.
    Uploaded(usize),
    /// Changes are being exchanged.
    Exchanging,
    /// Nothing left to send or receive, at this moment.
    Settled(DateTime<Utc>),
    /// A problem the rep must act on.
    Failed(Problem),
}

/// The indicator's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncStatus {
    /// Where sync stands.
    pub phase: SyncPhase,
    /// Local changes not yet on the relay.
    pub pending: usize,
    /// When this device was last fully in sync.
    pub last_synced: Option<DateTime<Utc>>,
    online: bool,
}

impl Default for SyncStatus {
    fn default() -> Self {
        Self {
            phase: SyncPhase::NotSetUp,
            pending: 0,
            last_synced: None,
            online: true,
        }
    }
}

impl SyncStatus {
    /// The state after `event`.
    pub fn on(mut self, event: SyncEvent) -> Self {
        use SyncPhase as P;
        let team = self.phase != P::NotSetUp;
        match event {
            SyncEvent::TeamJoined => {
                self.phase = if self.online {
                    P::Connecting
                } else {
                    P::Offline
                };
            }
            SyncEvent::Online => {
                self.online = true;
                if self.phase == P::Offline {
                    self.phase = P::Connecting;
                }
            }
            SyncEvent::Offline => {
                self.online = false;
                if team && !matches!(self.phase, P::Problem(_)) {
                    self.phase = P::Offline;
                }
            }
            SyncEvent::Connected if team && self.online => self.phase = P::Syncing,
            SyncEvent::Disconnected
                if team && self.online && !matches!(self.phase, P::Problem(_)) =>
            {
                self.phase = P::Connecting;
            }
            SyncEvent::LocalChange(n) => {
                self.pending += n;
                if let P::UpToDate { .. } = self.phase {
                    self.phase = P::Syncing;
                }
            }
            SyncEvent::Uploaded(n) => self.pending = self.pending.saturating_sub(n),
            SyncEvent::Exchanging if team && self.online => self.phase = P::Syncing,
            SyncEvent::Settled(at) if team && self.online && self.pending == 0 => {
                self.phase = P::UpToDate { since: at };
                self.last_synced = Some(at);
            }
            SyncEvent::Failed(problem) if team => self.phase = P::Problem(problem),
            _ => {}
        }
        self
    }

    /// Whether the team no longer takes this device: removed, or its key
    /// is out of date. Its invite link is then worthless, and a fresh
    /// invite may replace its membership.
    pub fn refused(&self) -> bool {
        matches!(
            self.phase,
            SyncPhase::Problem(Problem::NotAdmitted | Problem::WrongKey)
        )
    }

    /// A stable name of the phase, for styling and tests.
    pub fn slug(&self) -> &'static str {
        self.phase.slug()
    }
}

impl SyncPhase {
    /// A stable name of the phase, for styling and tests (the indicator's
    /// `data-state`).
    pub fn slug(&self) -> &'static str {
        match self {
            SyncPhase::NotSetUp => "not-set-up",
            SyncPhase::Offline => "offline",
            SyncPhase::Connecting => "connecting",
            SyncPhase::Syncing => "syncing",
            SyncPhase::UpToDate { .. } => "up-to-date",
            SyncPhase::Problem(_) => "problem",
        }
    }
}

/// A moment as milliseconds since the epoch between the app's threads
/// (chrono's own serde would bring its text formatting into the wasm).
mod millis {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(at.timestamp_millis())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let ms = i64::deserialize(d)?;
        DateTime::from_timestamp_millis(ms)
            .ok_or_else(|| serde::de::Error::custom("time out of range"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 27, h, 0, 0).unwrap()
    }

    fn run(events: impl IntoIterator<Item = SyncEvent>) -> SyncStatus {
        events
            .into_iter()
            .fold(SyncStatus::default(), SyncStatus::on)
    }

    #[test]
    fn a_device_without_a_team_only_counts_its_changes() {
        let s = run([
            SyncEvent::LocalChange(1),
            SyncEvent::Connected,
            SyncEvent::Offline,
        ]);
        assert_eq!(s.phase, SyncPhase::NotSetUp);
    }

    #[test]
    fn the_happy_path_ends_up_to_date_since_the_last_settle() {
        let s = run([
            SyncEvent::TeamJoined,
            SyncEvent::Connected,
            SyncEvent::LocalChange(1),
            SyncEvent::Uploaded(1),
            SyncEvent::Settled(at(10)),
        ]);
        assert_eq!(s.phase, SyncPhase::UpToDate { since: at(10) });
        assert_eq!(s.pending, 0);
    }

    #[test]
    fn offline_work_is_counted_and_reassured_then_flushed_on_return() {
        let s = run([
            SyncEvent::TeamJoined,
            SyncEvent::Connected,
            SyncEvent::Settled(at(9)),
            SyncEvent::Offline,
            SyncEvent::LocalChange(1),
            SyncEvent::LocalChange(1),
        ]);
        assert_eq!(s.phase, SyncPhase::Offline);
        assert_eq!(s.pending, 2);
        assert_eq!(s.last_synced, Some(at(9)));
        // Back online: connecting, then syncing; not up to date while changes wait.
        let s = s.on(SyncEvent::Online);
        assert_eq!(s.phase, SyncPhase::Connecting);
        let s = s.on(SyncEvent::Connected).on(SyncEvent::Settled(at(11)));
        assert_eq!(s.phase, SyncPhase::Syncing, "two changes still pending");
        let s = s.on(SyncEvent::Uploaded(2)).on(SyncEvent::Settled(at(11)));
        assert_eq!(s.phase, SyncPhase::UpToDate { since: at(11) });
    }

    #[test]
    fn a_local_change_while_up_to_date_means_syncing_again() {
        let s = run([
            SyncEvent::TeamJoined,
            SyncEvent::Connected,
            SyncEvent::Settled(at(8)),
        ])
        .on(SyncEvent::LocalChange(1));
        assert_eq!(s.phase, SyncPhase::Syncing);
        assert_eq!(s.pending, 1);
    }

    #[test]
    fn a_problem_says_what_to_do_and_survives_going_offline() {
        let s = run([
            SyncEvent::TeamJoined,
            SyncEvent::Connected,
            SyncEvent::Failed(Problem::NotAdmitted),
            SyncEvent::Offline,
        ]);
        assert_eq!(s.phase, SyncPhase::Problem(Problem::NotAdmitted));
    }

    #[test]
    fn joining_a_team_while_offline_waits_offline() {
        let s = run([SyncEvent::Offline, SyncEvent::TeamJoined]);
        assert_eq!(s.phase, SyncPhase::Offline);
        assert_eq!(s.on(SyncEvent::Online).phase, SyncPhase::Connecting);
    }

    #[test]
    fn a_dropped_connection_is_tried_again_and_says_so() {
        let at = chrono::DateTime::from_timestamp(1_790_000_000, 0).unwrap();
        let s = SyncStatus::default()
            .on(SyncEvent::TeamJoined)
            .on(SyncEvent::Connected)
            .on(SyncEvent::Settled(at))
            .on(SyncEvent::Disconnected);
        assert_eq!(s.phase, SyncPhase::Connecting);
        assert_eq!(s.slug(), "connecting");
        let problem = s
            .on(SyncEvent::Failed(Problem::NotAdmitted))
            .on(SyncEvent::Disconnected);
        assert_eq!(problem.slug(), "problem");
    }
}
