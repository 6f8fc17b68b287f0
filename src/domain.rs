//! The domain: the nouns a sales rep and a sales manager use (accounts,
//! contacts, touches, stages, promises, orders, partner scorecards, joint
//! programs, cadences, remarks and early warnings, small details, adoption
//! checks, health), their typed ids, the rules that keep them sane, and
//! the commands that change them.
//!
//! Plain Rust only: no automerge calls, no web-sys. The document layer stores
//! these types; the UI shows them. Rules live here, once, checked against
//! [`Records`] (the records as they stand), so that native tests cover them
//! and the page and the document enforce the same limits.
//!
//! A kind of record is its own file here implementing [`Record`], plus its
//! name in the list in `kinds.rs` (see `docs/record-kinds.md`).

mod account;
mod adoption;
mod cadence;
mod command;
mod contact;
mod day;
mod detail;
mod early_warning;
mod error;
mod feedback;
mod health;
mod ids;
mod kinds;
mod money;
mod order;
mod program;
mod promise;
mod record;
mod remark;
mod scorecard;
mod settings;
mod stage;
mod stamp;
mod text;
mod touch;
mod track_record;

pub use account::{Account, AccountDraft, AccountField};
pub use adoption::{
    AdoptionCheck, AdoptionCheckDraft, AdoptionCheckField, AdoptionCheckId, Finding, FollowUp,
    checks_due, last_check,
};
pub use cadence::{
    Cadence, CadenceFrom, DUE_SOON_DAYS, MAX_CADENCE_DAYS, StayInTouch, TouchState, cadence_text,
    last_touch, parse_cadence,
};
pub use command::{Op, Planned};
pub use contact::{Contact, ContactDraft, ContactField};
pub use day::Day;
pub use detail::{
    Detail, DetailCategory, DetailDraft, DetailField, DetailId, MAX_WITHIN_DAYS, Upcoming,
    coming_up,
};
pub use early_warning::{
    EarlyWarning, EarlyWarningDraft, EarlyWarningField, EarlyWarningId, Seriousness, WarningEnd,
    WarningRole,
};
pub use error::DomainError;
pub use feedback::{FeedbackTally, OpenRemark};
pub use health::{
    CONCERNING_PERCENT, Factor, Facts, GOOD_PERCENT, Health, Level, OpenRemarks, OpenWarnings,
    RATE_DAYS, REMARK_POOR_DAYS, Status, TREND_DAYS, Trend,
};
pub use ids::{AccountId, ContactId, IdError, TouchId};
pub use kinds::{
    AnyRecord, Command, CommandVisitor, KeyVisitor, Kind, KindVisitor, NEWEST_SINCE, RecordKey,
    Tables, for_each_kind,
};
pub use money::{MAX_AMOUNT, amount_text, parse_amount, parse_currency};
pub use order::{Order, OrderDraft, OrderField, OrderId};
pub use program::{
    ActionStatus, Program, ProgramAction, ProgramActionDraft, ProgramActionField, ProgramActionId,
    ProgramDraft, ProgramField, ProgramId, ProgramsDue,
};
pub use promise::{Outcome, Promise, PromiseDraft, PromiseField, PromiseId, PromiseKind};
/// This device (one browser profile): the one id it has everywhere — in the
/// stamps of what its rep writes, in its storage and to the relay.
pub use rapport_protocol::DeviceId;
pub use record::{Draft, Field, Initial, Parent, Record, RecordId, Records, StampsMut, Table};
pub use remark::{
    Remark, RemarkDraft, RemarkEnd, RemarkField, RemarkId, Role, Sentiment, Severity, Topic,
};
pub use scorecard::{
    Criterion, Judged, Qualification, Scorecard, ScorecardDraft, ScorecardField, ScorecardId,
    Verdict, current as current_scorecard, qualification_of,
};
pub use settings::{SettingsDraft, SettingsField, SettingsId, TeamSettings};
pub use stage::{
    EndReason, Stage, StageMove, StageMoveDraft, StageMoveField, StageMoveId, StageNow,
    history as stage_history,
};
pub use stamp::{Author, Edit, Stamp};
pub(crate) use text::name_key;
pub use text::{MAX_NAME_CHARS, MAX_NOTE_CHARS, MAX_SHORT_CHARS, lowercase};
pub use touch::{Touch, TouchDraft, TouchField, TouchKind};
pub use track_record::{
    AT_RISK_DAYS, DeliveryState, DeliveryTally, LeadTimes, LeadWarning, Need,
    OWN_HISTORY_DELIVERIES, Period, PromiseTally, Ratio, TrackRecord, lead_warning,
};
