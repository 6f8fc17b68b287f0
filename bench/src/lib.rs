//! Team-sized workspaces for benchmarks: a deterministic generator for the
//! three sizes a real team reaches, and the clock they are generated at.
//!
//! Sits beside the app in the workspace; the app never depends on it.

use automerge::ActorId;
use chrono::{NaiveDate, TimeZone, Utc};
use rapport::document::Workspace;
use rapport::domain::{Author, Edit};
use rapport::seed::{self, DemoSize, Seeded};

/// How big a team's workspace is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// 100 accounts, 400 contacts, 2,000 touches (and per account about
    /// three promises, two orders, one to three stage moves: `seed.rs`).
    S,
    /// 1,000 accounts, 4,000 contacts, 20,000 touches, and their relationships.
    M,
    /// 5,000 accounts, 20,000 contacts, 100,000 touches, and their
    /// relationships: 20 reps, four years.
    L,
}

impl Scale {
    /// Every scale, smallest first.
    pub const ALL: [Scale; 3] = [Scale::S, Scale::M, Scale::L];

    /// Accounts at this scale (four contacts and twenty touches each).
    pub fn accounts(self) -> usize {
        match self {
            Scale::S => 100,
            Scale::M => 1_000,
            Scale::L => 5_000,
        }
    }

    /// "S", "M" or "L".
    pub fn name(self) -> &'static str {
        match self {
            Scale::S => "S",
            Scale::M => "M",
            Scale::L => "L",
        }
    }

    /// Parses "S", "M" or "L".
    pub fn parse(s: &str) -> Option<Scale> {
        Scale::ALL
            .into_iter()
            .find(|x| x.name().eq_ignore_ascii_case(s))
    }
}

/// The seed every benchmark workspace is generated from.
pub const SEED: u64 = 20_261_127;

/// The fixed moment the workspaces are generated at, so the same seed gives
/// byte-identical documents on any day.
pub fn generated_at() -> Edit {
    Edit {
        author: Author {
            name: "Generator".into(),
            device: "bench".into(),
        },
        at: Utc.with_ymd_and_hms(2026, 11, 27, 10, 0, 0).unwrap(),
        today: NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
    }
}

/// Generates the workspace of `scale`: same scale, same document.
pub fn team(scale: Scale) -> (Workspace, Seeded) {
    let mut workspace = Workspace::new(ActorId::from([0xbe; 16]))
        .with_seeded_ids(SEED)
        .keeping_model();
    let seeded = seed::fill(
        &mut workspace,
        DemoSize::accounts(scale.accounts()),
        SEED,
        &generated_at(),
    )
    .expect("the generator obeys the domain rules");
    (workspace, seeded)
}

/// The changes in a round cached by the `feed` example (`bench/tmp/p3-*.changes`):
/// each change's length as a little-endian `u32`, then its bytes.
pub fn split_changes(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut changes = Vec::new();
    let mut rest = bytes;
    while let Some((len, tail)) = rest.split_first_chunk::<4>() {
        let len = u32::from_le_bytes(*len) as usize;
        let Some(change) = tail.get(..len) else { break };
        changes.push(change.to_vec());
        rest = &tail[len..];
    }
    changes
}

#[cfg(test)]
mod tests {
    #[test]
    fn split_changes_reads_what_feed_writes_and_stops_at_a_cut_one() {
        let mut bytes = Vec::new();
        for change in [&b"one"[..], b"", b"three"] {
            bytes.extend((change.len() as u32).to_le_bytes());
            bytes.extend(change);
        }
        assert_eq!(
            super::split_changes(&bytes),
            vec![b"one".to_vec(), Vec::new(), b"three".to_vec()]
        );
        bytes.extend(9u32.to_le_bytes());
        bytes.extend(b"cut");
        assert_eq!(super::split_changes(&bytes).len(), 3);
    }
}
