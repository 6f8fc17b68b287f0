//! What one connection's [`Session`](crate::Session) enforces beyond the
//! protocol: the size of frames before `Hello`, who may create a team, how
//! fast a team may upload, and how full the disk may get.
//!
//! Limits that need the stored rows (a team's bytes and devices) live in the
//! store instead, inside the transaction that would exceed them; limits on
//! sockets and time (connection counts, deadlines, pings) live in
//! `connection.rs` and `serve.rs`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use rapport_protocol::TeamId;

/// A session's limits; [`Limits::none`] is what [`crate::Session::new`] uses.
#[derive(Clone, Debug)]
pub struct Limits {
    /// The largest frame accepted until `Hello` succeeded (0: the session's
    /// `max_frame_bytes`).
    pub before_hello_bytes: usize,
    /// Whether this connection may send `CreateTeam`.
    pub team_creation: CreationRight,
    /// The uploads per minute each team may make, shared by all sessions.
    pub chunk_rate: Option<Arc<ChunkRate>>,
    /// Uploads are refused below this much free space.
    pub free_space: Option<FreeSpaceFloor>,
}

impl Limits {
    /// No limits at all: any frame size up to the session's limit, team
    /// creation open, no rate and no floor.
    pub fn none() -> Limits {
        Limits {
            before_hello_bytes: 0,
            team_creation: CreationRight::Allowed,
            chunk_rate: None,
            free_space: None,
        }
    }
}

/// Whether a connection may create a team, and if not, why (the refusal
/// says which, in words).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CreationRight {
    /// Creation is open, or the connection showed the operator's secret.
    Allowed,
    /// The relay creates no teams at all.
    Closed,
    /// The relay wants its operator's secret and the connection showed none.
    SecretMissing,
    /// The connection showed a secret, and it was not the operator's.
    SecretWrong,
}

impl CreationRight {
    /// Why `CreateTeam` was refused, for the person fixing it; `None` if it
    /// is allowed.
    pub(crate) fn refusal(self) -> Option<&'static str> {
        match self {
            CreationRight::Allowed => None,
            CreationRight::Closed => Some(
                "this relay does not create new teams; its operator can open team creation, \
                 or use a relay that holds your team",
            ),
            CreationRight::SecretMissing => Some(
                "this relay creates teams only with its operator's creation secret, and none \
                 was given; ask the relay's operator for it",
            ),
            CreationRight::SecretWrong => Some(
                "the team-creation secret given is not this relay's; ask the relay's operator \
                 for the current one",
            ),
        }
    }
}

/// A token bucket per team: `per_minute` chunks at once, refilled at
/// `per_minute` a minute. Lives in memory: a restart forgets it, which only
/// ever lets a team upload sooner.
#[derive(Debug)]
pub struct ChunkRate {
    per_minute: u64,
    buckets: Mutex<HashMap<TeamId, Bucket>>,
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Past this many teams in memory, buckets that refilled are forgotten.
const BUCKETS_KEPT: usize = 4096;

impl ChunkRate {
    /// `per_minute` chunks a minute per team.
    pub fn per_minute(per_minute: u64) -> ChunkRate {
        ChunkRate {
            per_minute,
            buckets: Mutex::default(),
        }
    }

    /// The limit, per minute.
    pub fn limit(&self) -> u64 {
        self.per_minute
    }

    /// Takes one chunk from `team`'s bucket; false if it is empty.
    pub fn take(&self, team: TeamId) -> bool {
        self.take_at(team, Instant::now())
    }

    #[expect(clippy::cast_precision_loss, reason = "a rate, not a count")]
    fn take_at(&self, team: TeamId, now: Instant) -> bool {
        let capacity = self.per_minute as f64;
        let refill = |bucket: &Bucket| {
            let seconds = now.saturating_duration_since(bucket.at).as_secs_f64();
            (bucket.tokens + seconds * capacity / 60.0).min(capacity)
        };
        // Nothing panics while the lock is held; a poisoned map is whole.
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        if buckets.len() > BUCKETS_KEPT {
            buckets.retain(|_, bucket| refill(bucket) < capacity);
        }
        let bucket = buckets.entry(team).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        let tokens = refill(bucket);
        let taken = tokens >= 1.0;
        *bucket = Bucket {
            tokens: if taken { tokens - 1.0 } else { tokens },
            at: now,
        };
        taken
    }
}

/// Uploads are refused while the filesystem holding `dir` has less than
/// `min_free` bytes free beyond the chunk.
#[derive(Clone, Debug)]
pub struct FreeSpaceFloor {
    /// A directory on the filesystem to watch (the data directory).
    pub dir: PathBuf,
    /// The bytes that must stay free.
    pub min_free: u64,
}

impl FreeSpaceFloor {
    /// The free bytes, if the system says (an error reads as "unknown",
    /// which lets the upload through rather than stopping a team's sync
    /// because a system call failed).
    pub fn available(&self) -> Option<u64> {
        available_space(&self.dir)
    }
}

#[cfg(unix)]
fn available_space(dir: &std::path::Path) -> Option<u64> {
    let stats = rustix::fs::statvfs(dir).ok()?;
    Some(stats.f_bavail.saturating_mul(stats.f_frsize))
}

#[cfg(not(unix))]
fn available_space(_dir: &std::path::Path) -> Option<u64> {
    None
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_team_gets_its_rate_and_no_more_and_others_are_unaffected() {
        let rate = ChunkRate::per_minute(3);
        let start = Instant::now();
        let team = TeamId::from_bytes([1; 16]);
        let other = TeamId::from_bytes([2; 16]);
        let taken: Vec<bool> = (0..4).map(|_| rate.take_at(team, start)).collect();
        assert_eq!(taken, [true, true, true, false]);
        assert!(rate.take_at(other, start));
        // A third of a minute refills one chunk of three.
        assert!(!rate.take_at(team, start + Duration::from_secs(10)));
        assert!(rate.take_at(team, start + Duration::from_secs(21)));
        assert!(!rate.take_at(team, start + Duration::from_secs(21)));
    }

    #[test]
    fn the_data_directory_has_some_free_space() {
        let dir = tempfile::tempdir().unwrap();
        let floor = FreeSpaceFloor {
            dir: dir.path().to_owned(),
            min_free: 0,
        };
        assert!(floor.available().is_some_and(|free| free > 0));
    }
}
