//! The relationship's stage (DOMAIN.md, point 2): awareness → exploration →
//! expansion → commitment, or ended. An account's stage is not a field but
//! the end of its history: each move is a [`StageMove`] record saying who
//! moved it, when, why, and which moves it followed ([`StageMove::after`]).
//!
//! Two reps who move the same account while apart each write a move after
//! the same one; both stay in the history, and the account shows the two
//! stages as a conflict ([`StageNow::conflict`]) until someone picks, which
//! is one more move, after both.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::domain::ids::typed_id;
use crate::domain::record::{fields, stamps};
use crate::domain::sort::sort_by_key;
use crate::domain::text::required_note;
use crate::domain::{
    AccountId, Day, DomainError, Draft, Edit, Record, RecordKey, Records, Stamp, qualification_of,
};

typed_id!(
    /// Identifies one move of an account's relationship stage.
    StageMoveId for StageMove
);

/// Where the relationship with an account stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    Reconcile,
    Hydrate,
)]
pub enum Stage {
    /// The client has heard of us; nothing bought yet.
    Awareness,
    /// The client tries us: first orders, first promises, trust won or lost.
    Exploration,
    /// The client buys more and depends on us more.
    Expansion,
    /// Both sides commit to each other: for a few accounts, a strategic
    /// partnership.
    Commitment,
    /// The relationship ended ([`EndReason`]).
    Ended,
}

impl Stage {
    /// Every stage, in the order a relationship passes them.
    pub const ALL: [Stage; 5] = [
        Self::Awareness,
        Self::Exploration,
        Self::Expansion,
        Self::Commitment,
        Self::Ended,
    ];

    /// A stable lowercase name (test ids, CSS classes, exports).
    pub fn slug(self) -> &'static str {
        match self {
            Self::Awareness => "awareness",
            Self::Exploration => "exploration",
            Self::Expansion => "expansion",
            Self::Commitment => "commitment",
            Self::Ended => "ended",
        }
    }

    /// The stage named by its slug.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.slug() == slug)
    }
}

/// Why a relationship ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Reconcile, Hydrate)]
pub enum EndReason {
    /// The client went to a competitor or stopped buying.
    Lost,
    /// The client merged into another account.
    Merged,
    /// The client closed down.
    Closed,
}

impl EndReason {
    /// Every reason, in the order the form offers them.
    pub const ALL: [EndReason; 3] = [Self::Lost, Self::Merged, Self::Closed];

    /// A stable lowercase name.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Lost => "lost",
            Self::Merged => "merged",
            Self::Closed => "closed",
        }
    }

    /// The reason named by its slug.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.slug() == slug)
    }
}

/// One move of an account's stage, as stored. Moves are never deleted and
/// only their reason may be edited: they are the account's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct StageMove {
    /// The account moved.
    pub account: AccountId,
    /// The stage it moved to.
    pub to: Stage,
    /// Why it ended, when `to` is [`Stage::Ended`].
    pub ended: Option<EndReason>,
    /// Why, in the rep's words (required).
    pub reason: String,
    /// Moved to commitment as a strategic partner.
    pub partner: bool,
    /// Why, when the partner scorecard did not qualify the account: the
    /// recorded override ("" when none was needed).
    pub override_reason: String,
    /// The moves this one followed: the account's stage as the rep saw it
    /// (none for the first move; two or more when it settles a conflict).
    pub after: Vec<StageMoveId>,
    /// Who moved it, when.
    pub created: Stamp,
    /// Who changed its reason last.
    pub updated: Stamp,
    /// Never set (the history is kept whole).
    pub deleted: Option<Stamp>,
}

fields! {
    /// The fields of a stage move a conflict can be settled on.
    StageMoveField {
        /// [`StageMove::reason`].
        Reason = "reason",
    }
}

/// What the rep chooses to move an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageMoveDraft {
    /// The new stage.
    pub to: Stage,
    /// Why it ended (for [`Stage::Ended`]).
    pub ended: Option<EndReason>,
    /// Why.
    pub reason: String,
    /// As a strategic partner (for [`Stage::Commitment`]).
    pub partner: bool,
    /// Why, though the scorecard does not qualify it.
    pub override_reason: String,
    /// The moves the rep saw as the account's stage: [`StageNow::heads`].
    pub after: Vec<StageMoveId>,
}

impl Draft for StageMoveDraft {
    type Record = StageMove;
}

impl StageMoveDraft {
    /// A move of an account whose stage is `now` to `to`, for `reason`.
    pub fn to(to: Stage, now: &StageNow, reason: &str) -> Self {
        Self {
            to,
            ended: None,
            reason: reason.to_owned(),
            partner: false,
            override_reason: String::new(),
            after: now.heads.clone(),
        }
    }
}

impl Record for StageMove {
    const COLLECTION: &'static str = "stage_moves";
    const SINCE: u64 = 2;
    type Id = StageMoveId;
    type Parent = AccountId;
    type Draft = StageMoveDraft;
    type Field = StageMoveField;

    fn parent(&self) -> Option<AccountId> {
        Some(self.account)
    }

    stamps!();

    fn check_draft(draft: &StageMoveDraft, _: &Edit) -> Result<(), DomainError> {
        required_note("reason", &draft.reason)?;
        if draft.to == Stage::Ended && draft.ended.is_none() {
            return Err(DomainError::Empty { field: "ended" });
        }
        Ok(())
    }

    /// The moves it follows must be this account's; it must change the
    /// stage; a strategic partner's scorecard must qualify it, or the
    /// override say why.
    fn create(
        account: AccountId,
        draft: &StageMoveDraft,
        records: &impl Records,
        edit: &Edit,
    ) -> Result<Self, DomainError> {
        let reason = required_note("reason", &draft.reason)?;
        let moves = records.of_account::<StageMove>(account);
        for id in &draft.after {
            if !moves.iter().any(|(m, _)| m == id) {
                return Err(DomainError::Unknown(RecordKey::StageMove(*id)));
            }
        }
        let now = StageNow::of(moves.iter().map(|(id, m)| (*id, m.as_ref())));
        if !now.conflict && now.stage == draft.to {
            return Err(DomainError::SameStage(draft.to));
        }
        let partner = draft.partner && draft.to == Stage::Commitment;
        let mut override_reason = String::new();
        if partner {
            let verdict = qualification_of(account, records);
            if !verdict.qualifies() {
                override_reason = required_note("override_reason", &draft.override_reason)
                    .map_err(|_| DomainError::NotQualified(verdict))?;
            }
        }
        Ok(StageMove {
            account,
            to: draft.to,
            ended: draft.ended.filter(|_| draft.to == Stage::Ended),
            reason,
            partner,
            override_reason,
            after: draft.after.clone(),
            created: edit.stamp(),
            updated: edit.stamp(),
            deleted: None,
        })
    }

    /// Only the reason changes: where the account moved, and after what,
    /// is history.
    fn edited(
        &self,
        _: StageMoveId,
        draft: &StageMoveDraft,
        _: &impl Records,
        _: &Edit,
    ) -> Result<Self, DomainError> {
        Ok(StageMove {
            reason: required_note("reason", &draft.reason)?,
            ..self.clone()
        })
    }

    fn check_delete(&self, id: StageMoveId, _: &impl Records) -> Result<(), DomainError> {
        Err(DomainError::HistoryKept(RecordKey::StageMove(id)))
    }

    fn draft(&self) -> StageMoveDraft {
        StageMoveDraft {
            to: self.to,
            ended: self.ended,
            reason: self.reason.clone(),
            partner: self.partner,
            override_reason: self.override_reason.clone(),
            after: self.after.clone(),
        }
    }

    fn set_field(
        draft: &mut StageMoveDraft,
        field: StageMoveField,
        value: &str,
    ) -> Result<(), DomainError> {
        match field {
            StageMoveField::Reason => value.clone_into(&mut draft.reason),
        }
        Ok(())
    }
}

/// An account's stage as its history stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageNow {
    /// The stage: of the newest of the moves no other move followed
    /// (awareness when there are none).
    pub stage: Stage,
    /// A strategic partner (the newest move made it one).
    pub partner: bool,
    /// The moves no other move followed, newest first: what a new move
    /// follows.
    pub heads: Vec<StageMoveId>,
    /// Those moves disagree: two reps moved the account differently while
    /// apart, and someone must pick.
    pub conflict: bool,
}

impl StageNow {
    /// The stage `moves` (an account's, tombstones included) lead to.
    pub fn of<'a>(moves: impl IntoIterator<Item = (StageMoveId, &'a StageMove)>) -> Self {
        let moves: Vec<(StageMoveId, &StageMove)> =
            moves.into_iter().filter(|(_, m)| m.is_live()).collect();
        let mut heads: Vec<(StageMoveId, &StageMove)> = moves
            .iter()
            .filter(|(id, _)| !moves.iter().any(|(_, m)| m.after.contains(id)))
            .copied()
            .collect();
        sort_by_key(&mut heads, |(id, m)| std::cmp::Reverse((m.created.at, *id)));
        let newest = heads.first().map(|(_, m)| *m);
        let conflict = heads.iter().any(|(_, m)| {
            (m.to, m.ended, m.partner) != (heads[0].1.to, heads[0].1.ended, heads[0].1.partner)
        });
        Self {
            stage: newest.map_or(Stage::Awareness, |m| m.to),
            partner: newest.is_some_and(|m| m.partner),
            heads: heads.into_iter().map(|(id, _)| id).collect(),
            conflict,
        }
    }

    /// The stage `moves` led to as the history stood at the end of `day`:
    /// the moves written later are left out. A move's day is the UTC day
    /// of its `created` stamp (a stamp carries no time zone), so a move
    /// written near midnight may fall on the neighbouring day.
    pub fn as_of<'a>(
        day: Day,
        moves: impl IntoIterator<Item = (StageMoveId, &'a StageMove)>,
    ) -> Self {
        Self::of(
            moves
                .into_iter()
                .filter(|(_, m)| Day(m.created.time().date_naive()) <= day),
        )
    }
}

/// An account's moves, oldest first (by when they were written, then id):
/// its stage history as the account page lists it.
pub fn history<'a>(
    moves: impl IntoIterator<Item = (StageMoveId, &'a StageMove)>,
) -> Vec<(StageMoveId, &'a StageMove)> {
    let mut moves: Vec<_> = moves.into_iter().filter(|(_, m)| m.is_live()).collect();
    sort_by_key(&mut moves, |(id, m)| (m.created.at, *id));
    moves
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moved(to: Stage, after: &[StageMoveId], at: i64) -> StageMove {
        StageMove {
            account: AccountId::from_random_bytes([1; 16]),
            to,
            ended: None,
            reason: "r".into(),
            partner: false,
            override_reason: String::new(),
            after: after.to_vec(),
            created: Stamp {
                at,
                ..Stamp::nobody()
            },
            updated: Stamp::nobody(),
            deleted: None,
        }
    }

    #[test]
    fn no_history_is_awareness_with_nothing_to_follow() {
        let now = StageNow::of([]);
        assert_eq!(now.stage, Stage::Awareness);
        assert!(now.heads.is_empty() && !now.conflict);
    }

    #[test]
    fn a_chain_of_moves_ends_at_its_last() {
        let (a, b) = (StageMoveId::random(), StageMoveId::random());
        let first = moved(Stage::Exploration, &[], 1);
        let second = moved(Stage::Expansion, &[a], 2);
        let now = StageNow::of([(a, &first), (b, &second)]);
        assert_eq!(
            (now.stage, now.heads.clone(), now.conflict),
            (Stage::Expansion, vec![b], false)
        );
    }

    #[test]
    fn two_moves_after_the_same_one_are_a_conflict_until_one_follows_both() {
        let (a, b, c, d) = (
            StageMoveId::random(),
            StageMoveId::random(),
            StageMoveId::random(),
            StageMoveId::random(),
        );
        let first = moved(Stage::Exploration, &[], 1);
        let anna = moved(Stage::Expansion, &[a], 5);
        let boris = moved(Stage::Ended, &[a], 3);
        let now = StageNow::of([(a, &first), (b, &anna), (c, &boris)]);
        assert!(now.conflict);
        assert_eq!(now.heads, vec![b, c], "newest first");
        let pick = moved(Stage::Ended, &[b, c], 9);
        let now = StageNow::of([(a, &first), (b, &anna), (c, &boris), (d, &pick)]);
        assert_eq!((now.stage, now.conflict), (Stage::Ended, false));
        assert_eq!(
            history([(d, &pick), (a, &first), (b, &anna), (c, &boris)]).len(),
            4
        );
    }

    #[test]
    fn two_moves_to_the_same_stage_apart_agree() {
        let (a, b, c) = (
            StageMoveId::random(),
            StageMoveId::random(),
            StageMoveId::random(),
        );
        let first = moved(Stage::Exploration, &[], 1);
        let now = StageNow::of([
            (a, &first),
            (b, &moved(Stage::Expansion, &[a], 2)),
            (c, &moved(Stage::Expansion, &[a], 3)),
        ]);
        assert_eq!(
            (now.stage, now.conflict, now.heads.len()),
            (Stage::Expansion, false, 2)
        );
    }
}
