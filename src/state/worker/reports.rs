//! [`Reports`]: when the sync engine's [`Action::Report`](crate::sync::Action::Report)s
//! stop being noise and become something the rep must be told.
//!
//! A report says something was refused or skipped ([`SyncError`]); none of
//! them loses local data. One alone is usually a passing thing — a relay
//! restored from a backup, one damaged chunk — so each is only logged. But
//! the same kind coming back connection after connection means sync is not
//! doing its job (the relay speaks another protocol version; a colleague
//! seals with a key this device does not hold; this device cannot follow a
//! key rotation), and the rep should hear of it.
//!
//! # The rule
//!
//! Each connection to the relay is a round. A kind of report **persists**
//! once it has been reported in [`PERSISTS_AFTER`] rounds in a row, and
//! stops persisting once a stretch of sync goes by without it: from one
//! moment sync settled (everything sent and fetched) to the next. A
//! connection that drops before settling neither extends nor breaks a run
//! (an outage says nothing about the data). Stretches between settles,
//! rather than the rounds themselves, break runs because some reports come
//! while a round settles (the engine refuses a snapshot then), after the
//! settle that would otherwise have cleared them.
//!
//! Rounds, not time: a tablet that is offline for a week must not count the
//! week against the relay, and a relay that answers every reconnect with
//! the same garbage is noticed within three reconnects (seconds, with the
//! link's backoff) rather than after some fixed hour.

use crate::sync::SyncError;

/// Rounds in a row a kind of report must come in before the rep is told.
pub const PERSISTS_AFTER: u32 = 3;

/// What kind of thing a [`SyncError`] reports; the same kind again is
/// the same trouble, whatever its details (which chunk, which cursor).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[repr(u8)]
pub enum ReportKind {
    /// The relay sent bytes that are not a frame.
    BadFrame,
    /// A chunk did not open with this device's team keys.
    Unopened,
    /// A chunk opened but holds nothing this version reads.
    Unreadable,
    /// The relay refused a frame.
    Refused,
    /// A snapshot this device offered covered more than it had applied.
    SnapshotAhead,
    /// This device could not take up a new team key.
    Rekey,
    /// The relay had lost part of its log.
    RelayBehind,
    /// The team's changes could not be stored or applied on this device.
    NotApplied,
    /// The relay served a colleague's changes with some of them missing.
    Withheld,
}

impl ReportKind {
    /// Every kind, in order.
    const ALL: [ReportKind; 9] = [
        Self::BadFrame,
        Self::Unopened,
        Self::Unreadable,
        Self::Refused,
        Self::SnapshotAhead,
        Self::Rekey,
        Self::RelayBehind,
        Self::NotApplied,
        Self::Withheld,
    ];

    /// The kind's bit in a [`Kinds`] set.
    fn bit(self) -> Kinds {
        1 << self as u8
    }

    /// The kind of `error`.
    pub fn of(error: &SyncError) -> ReportKind {
        match error {
            SyncError::BadFrame { .. } => Self::BadFrame,
            // An upload that no longer opens cannot go either.
            SyncError::Open { .. } | SyncError::Reseal { .. } => Self::Unopened,
            SyncError::Payload { .. } => Self::Unreadable,
            SyncError::Refused { .. } => Self::Refused,
            SyncError::SnapshotAhead { .. } => Self::SnapshotAhead,
            // A key refused as not the admin's, or a chain the key does not
            // prove, is trouble with the team key like one that does not open.
            SyncError::Rekey { .. }
            | SyncError::ForgedKey { .. }
            | SyncError::ChainMismatch { .. } => Self::Rekey,
            SyncError::NoDeviceKey => Self::Refused,
            SyncError::RelayBehind { .. } => Self::RelayBehind,
            SyncError::NotApplied { .. } => Self::NotApplied,
            SyncError::Withheld { .. } => Self::Withheld,
        }
    }
}

/// A set of [`ReportKind`]s, one bit each (a `BTreeSet` would cost the
/// shipped wasm its own copy of the B-tree code).
type Kinds = u16;

/// The reports of one team membership so far (see the module docs).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reports {
    /// Kinds reported on the current connection.
    this_round: Kinds,
    /// Kinds reported since sync last settled.
    since_settled: Kinds,
    /// Per kind: in how many rounds in a row it was reported.
    runs: [u32; ReportKind::ALL.len()],
}

impl Reports {
    /// A connection opened: a new round.
    pub fn connected(&mut self) {
        self.this_round = 0;
    }

    /// The engine reported `error` on the current round. Returns whether
    /// this made its kind persist (so it is worth saying once, loudly).
    pub fn report(&mut self, error: &SyncError) -> bool {
        let kind = ReportKind::of(error);
        self.since_settled |= kind.bit();
        if self.this_round & kind.bit() != 0 {
            return false;
        }
        self.this_round |= kind.bit();
        let run = &mut self.runs[kind as usize];
        *run += 1;
        *run == PERSISTS_AFTER
    }

    /// Sync settled: kinds not reported since it last did are behind us.
    pub fn settled(&mut self) {
        let since = std::mem::take(&mut self.since_settled);
        for kind in ReportKind::ALL {
            if since & kind.bit() == 0 {
                self.runs[kind as usize] = 0;
            }
        }
    }

    /// The kind of trouble to show the rep, if one persists (the first, in
    /// the order of [`ReportKind`]).
    pub fn persisting(&self) -> Option<ReportKind> {
        ReportKind::ALL
            .into_iter()
            .find(|&kind| self.runs[kind as usize] >= PERSISTS_AFTER)
    }
}

#[cfg(test)]
mod tests {
    use rapport_protocol::{Cursor, DeviceId, Seq};

    use super::*;

    fn bad_frame() -> SyncError {
        SyncError::BadFrame {
            reason: "unexpected end".into(),
        }
    }

    fn unopened(cursor: u64) -> SyncError {
        SyncError::Open {
            cursor: Cursor(cursor),
            device: DeviceId::from_bytes([3; 16]),
            seq: Seq(cursor),
        }
    }

    #[test]
    fn a_kind_persists_after_three_rounds_in_a_row() {
        let mut reports = Reports::default();
        for round in 1..=PERSISTS_AFTER {
            reports.connected();
            // Reported twice in one round: still one round.
            let first = reports.report(&bad_frame());
            assert!(!reports.report(&bad_frame()));
            assert_eq!(first, round == PERSISTS_AFTER, "round {round}");
        }
        assert_eq!(reports.persisting(), Some(ReportKind::BadFrame));
        // Coming again in the fourth round does not announce it again.
        reports.connected();
        assert!(!reports.report(&bad_frame()));
        assert_eq!(reports.persisting(), Some(ReportKind::BadFrame));
    }

    #[test]
    fn a_round_that_settles_without_it_breaks_the_run() {
        let mut reports = Reports::default();
        for cursor in 1..PERSISTS_AFTER {
            reports.connected();
            reports.report(&unopened(u64::from(cursor)));
            reports.settled();
        }
        reports.connected();
        reports.settled();
        reports.connected();
        assert!(!reports.report(&unopened(9)), "the run started again");
        assert_eq!(reports.persisting(), None);
    }

    #[test]
    fn a_round_cut_short_neither_extends_nor_breaks_the_run() {
        let mut reports = Reports::default();
        for _ in 1..PERSISTS_AFTER {
            reports.connected();
            reports.report(&bad_frame());
            reports.settled();
        }
        // Two connections drop before settling, with no report.
        reports.connected();
        reports.connected();
        assert_eq!(reports.persisting(), None);
        reports.connected();
        assert!(reports.report(&bad_frame()));
        reports.settled();
        // Then a clean stretch clears it.
        reports.connected();
        reports.settled();
        assert_eq!(reports.persisting(), None);
    }

    #[test]
    fn a_report_that_comes_as_sync_settles_counts_for_its_round() {
        let mut reports = Reports::default();
        for round in 1..=PERSISTS_AFTER {
            reports.connected();
            reports.settled();
            let persists = reports.report(&SyncError::SnapshotAhead {
                covers: Cursor(9),
                cursor: Cursor(4),
            });
            assert_eq!(persists, round == PERSISTS_AFTER, "round {round}");
        }
        assert_eq!(reports.persisting(), Some(ReportKind::SnapshotAhead));
        // It came after the last settle: the next stretch must pass without
        // it before it is behind us.
        reports.connected();
        reports.settled();
        assert_eq!(reports.persisting(), Some(ReportKind::SnapshotAhead));
        reports.settled();
        assert_eq!(reports.persisting(), None);
    }

    #[test]
    fn every_kind_has_its_own_bit() {
        for (i, kind) in ReportKind::ALL.into_iter().enumerate() {
            assert_eq!(kind as usize, i);
        }
        let bits = ReportKind::ALL.map(ReportKind::bit);
        assert_eq!(bits.iter().fold(0, |all, bit| all | bit).count_ones(), 9);
    }

    #[test]
    fn kinds_are_counted_apart() {
        let mut reports = Reports::default();
        for round in 0..PERSISTS_AFTER {
            reports.connected();
            reports.report(&unopened(u64::from(round)));
            if round % 2 == 0 {
                reports.report(&bad_frame());
            }
            reports.settled();
        }
        assert_eq!(reports.persisting(), Some(ReportKind::Unopened));
    }
}
