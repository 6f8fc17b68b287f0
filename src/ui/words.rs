//! Every word the rep reads, in one place, by typed key: the worker and the
//! engine send states and typed notices, never sentences, and this module
//! turns them into the rep's language. A second language is a second file
//! beside [`en`] implementing [`Language`]; the compiler then asks for every
//! key.
//!
//! Plain Rust (no browser), so it is tested natively; the components reach
//! it through [`words`], [`t`] and [`label`] (a form's field labels, the
//! same words the conflicts block names fields with).
//!
//! What stays out: data (names, notes, dates as `Day` prints them), test
//! ids, CSS classes and slugs, and the lowercase `why` inside a notice's
//! parentheses, which is an error's own context (habit 4), not a sentence.

mod en;

use chrono::FixedOffset;

use crate::document::DocumentError;
use crate::domain::{
    ActionStatus, Cadence, Day, DeliveryState, DetailCategory, DomainError, EndReason, Factor,
    Field, Finding, FollowUp, Judged, LeadWarning, Level, Need, Outcome, PromiseKind,
    Qualification, Ratio, Record, RemarkEnd, Role, Sentiment, Seriousness, Severity, Stage, Status,
    Topic, TouchKind, TouchState, Upcoming, WarningEnd, WarningRole,
};
use crate::state::messages::SyncState;
use crate::state::worker::ReportKind;
use crate::state::{Notice, SaveState};

pub use en::English;

/// The fixed words of the screens, by key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// The rep-name field's label and placeholder.
    YourName,
    /// What the rep's name is for (the field's tooltip).
    YourNameHint,
    /// The prompt asking for the rep's name on a fresh device.
    NamePrompt,
    /// An example name in the prompt.
    NameExample,
    /// A save button.
    Save,
    /// The button offered with a notice that can be retried.
    TryAgain,
    /// The conflicts block's title.
    ConflictsTitle,
    /// What the conflicts block means.
    ConflictsHint,
    /// Keep one of a conflict's values.
    KeepThis,
    /// A conflict value with no known author.
    AuthorUnknown,
    /// An empty conflict value.
    EmptyValue,
    /// The author of a change made before the rep gave a name (stored with
    /// the record, so colleagues see it too).
    UnnamedRep,

    // The account list.
    /// The filter box's placeholder: what it searches.
    FilterPlaceholder,
    /// The filter box's accessible name.
    FilterAccounts,
    /// The button that opens the new-account form.
    NewAccountButton,
    /// An account row whose account has no touch yet.
    NoTouchesYet,
    /// The empty workspace's title.
    NoAccountsYet,
    /// What to do in an empty workspace, and that work stays on the device.
    EmptyWorkspaceHint,
    /// The demo size picker's accessible name.
    DemoSize,
    /// The button that loads the demo workspace.
    LoadDemo,

    // The team's track record (issue 14), under the account list.
    /// Its title.
    TeamRecordTitle,
    /// What it counts (the rates' rules in one line).
    TeamRecordHint,
    /// The period picker's accessible name.
    TeamRecordPeriod,
    /// Last 30 days.
    Last30Days,
    /// Last 90 days.
    Last90Days,
    /// Last 365 days.
    Last365Days,
    /// All time.
    AllTime,
    /// The column of who the row is about.
    WhoseRecord,
    /// The kept-rate column.
    TeamKeptRate,
    /// The exceeded-rate column.
    TeamExceededRate,
    /// The on-time delivery column.
    TeamOnTimeRate,
    /// The overdue-promises column.
    TeamOverduePromises,
    /// The team's row.
    WholeTeam,

    // The account form and page.
    /// The account form's title when editing.
    EditAccount,
    /// The account form's title when creating.
    NewAccount,
    /// The link to the account that already has the name typed.
    OpenIt,
    /// The submit button of a form editing a record.
    SaveChanges,
    /// The account form's submit button when creating.
    CreateAccount,
    /// Closes a form without saving.
    Cancel,
    /// The link back to the account list.
    BackToAccounts,
    /// An account page whose account is gone.
    AccountGone,
    /// Opens a record's edit form.
    Edit,
    /// The first step of deleting a record.
    Delete,
    /// Asks before deleting an account and everything under it.
    ConfirmDeleteAccount,
    /// Declines a delete.
    Keep,
    /// Confirms deleting a person.
    DeleteThisPerson,
    /// Confirms deleting a touch.
    DeleteThisTouch,

    // The app shell.
    /// A path the app has no screen for.
    PageMissing,
    /// The link from there to the account list.
    GoToAccounts,

    // A new version of the app (the update banner).
    /// Applies the new version.
    ReloadToUpdate,
    /// Why Reload did nothing: a form holds typed text not yet saved.
    SaveOrDiscardFirst,

    // Export and import.
    /// The export button.
    ExportWorkspace,
    /// The import file picker.
    ImportWorkspace,
    /// The export did not happen.
    ExportFailed,

    // The people at an account.
    /// The people block's title.
    People,
    /// The button that opens the add-person form.
    AddPersonButton,
    /// An account with nobody yet: whom to add.
    NoPeopleYet,
    /// Example roles in the role field.
    RolePlaceholder,
    /// Examples in a person's note field.
    ContactNotePlaceholder,
    /// The person form's submit button when editing.
    SavePerson,
    /// The person form's submit button when adding.
    AddPerson,

    // Touches.
    /// The timeline's title.
    Timeline,
    /// An empty timeline: what to log.
    NoTouchesHint,
    /// The person picker's choice for a touch with nobody in particular.
    WithTheAccount,
    /// Examples in a touch's note field.
    TouchNotePlaceholder,

    // Team sync.
    /// The team panel's title.
    TeamSync,
    /// The button that makes a team.
    StartTeam,
    /// Why a team's data is safe at the relay.
    TeamEncrypted,
    /// How to invite a colleague, and who may have the link.
    InviteHint,
    /// Shows the invite as a QR code.
    ShowQr,
    /// Hides it.
    HideQr,
    /// The QR code's accessible name.
    InviteQr,
    /// Before this device's code.
    ThisDeviceIs,
    /// The device list's title.
    DevicesInTeam,
    /// Marks this device in the device list.
    ThisDevice,
    /// Marks a removed device in the device list.
    DeviceRemoved,
    /// Removes a device from the team.
    RemoveDevice,
    /// What removing a device does and does not do.
    RemovingHint,
    /// Labels the relay operator's team creation code.
    CreationCode,
    /// Before this device's fingerprint.
    SecurityCode,
    /// What the fingerprint is for.
    SecurityCodeHint,
    /// Marks a device that joined and waits for the admin.
    WaitingApproval,
    /// Approves it.
    ApproveDevice,
    /// Removes a rep's every device.
    RemoveMember,
    /// The invite prompt's accessible name.
    JoinATeam,
    /// What joining the team of an invite means.
    Invited,
    /// Joins it.
    JoinTeam,
    /// Declines it.
    NotNow,

    // The relationship (issue 14).
    /// The relationship block's title.
    Relationship,
    /// Marks an account in commitment as a strategic partner.
    StrategicPartner,
    /// An account whose stage was never moved.
    StageNoMovesYet,
    /// Opens the stage move form.
    MoveStageButton,
    /// The move form's stage picker.
    StageTo,
    /// The move form's end-reason picker.
    StageEndReason,
    /// The move form's partner checkbox (for commitment).
    AsStrategicPartner,
    /// Examples in a move's reason field.
    StageReasonPlaceholder,
    /// The field that says why an account that does not qualify becomes a partner.
    OverrideReason,
    /// The move form's submit button.
    MoveStage,
    /// The move form's submit button once an override is asked for.
    MoveAnyway,
    /// Two reps moved the stage differently while apart.
    StageConflictTitle,
    /// What to do about it.
    StageConflictHint,
    /// The stage history's title.
    StageHistory,
    /// Before a recorded override reason.
    OverrideGiven,
    /// The checklist's title: what the stage needs to move on.
    StageNeeds,
    /// A met need (for screen readers).
    NeedMet,
    /// A need not met yet (for screen readers).
    NeedNotMet,
    /// The scorecard's title.
    ScorecardTitle,
    /// An account never assessed.
    ScorecardNotAssessed,
    /// Opens the scorecard form for a first assessment.
    AssessButton,
    /// Opens it on the newest assessment.
    EditAssessment,
    /// The scorecard form's submit button.
    SaveAssessment,
    /// The innovation picker's undecided choice.
    InnovatesUnknown,
    /// Yes.
    Yes,
    /// No.
    No,
    /// The give-back checkboxes' legend.
    GivesBack,
    /// Before who assessed the scorecard, and when.
    AssessedBy,
    /// The team settings' title.
    TeamCriteria,
    /// What the team settings do.
    TeamCriteriaHint,
    /// The team settings' submit button.
    SaveCriteria,
    /// Opens the owner picker.
    HandOver,
    /// The owner picker's submit button.
    HandOverTo,
    /// The account list's toggle: only the rep's own accounts.
    MineOnly,
    /// A row's chip when its stage is in conflict.
    StageConflictChip,
    /// The joint programs' title.
    JointPrograms,
    /// What joint programs are for, when there is none.
    JointProgramsHint,
    /// Opens the new-program form.
    AddProgramButton,
    /// Examples in a program's goal field.
    GoalPlaceholder,
    /// The program form's submit button.
    SaveProgram,
    /// Opens the new-action form.
    AddActionButton,
    /// The action form's submit button.
    SaveAction,
    /// A program with no action.
    NoActionsYet,
    /// Before a program's next follow-up day.
    FollowUpOn,
    /// Marks an open action past its due day.
    Overdue,
    /// Marks an action done.
    MarkDone,
    /// Drops an action.
    DropAction,
    /// Examples in an action's status note.
    StatusNotePlaceholder,
    /// Confirms a status change.
    ConfirmStatus,
    /// The owner picker's group of reps.
    OwnerRepGroup,
    /// The owner picker's group of the client's people.
    OwnerContactGroup,
    /// Before an action's due day.
    DueOn,
    /// "Mine only" is on and the rep owns none of the accounts shown.
    NoneOfYours,
    // The track record (issue 14).
    /// The glance panel's title.
    TrackRecordTitle,
    /// The kept rate's label.
    KeptRate,
    /// The exceeded rate's label.
    ExceededRate,
    /// The on-time delivery rate's label.
    OnTimeRate,
    /// How many promises are open.
    OpenPromises,
    /// How many open promises are past their due day.
    OverduePromises,
    /// How many orders are at risk (due soon or past due, not delivered).
    OrdersAtRisk,
    /// The relationship stage's label.
    StageLabel,
    /// How many of the stage's needs are met: `{met}` of `{all}`.
    NeedsMet,
    /// The promise ledger's title.
    PromisesTitle,
    /// Opens the new-promise form.
    NewPromise,
    /// The promise form's submit button.
    SavePromise,
    /// Resends a refused promise or order despite the lead-time warning.
    SaveAnyway,
    /// An account with no promise yet.
    NoPromisesYet,
    /// The heading over the closed promises.
    ClosedPromises,
    /// The person picker's empty choice when the account has people.
    PickAPerson,
    /// The person picker's only choice when the account has nobody.
    NobodyRecorded,
    /// Before the warning a promise or order was saved despite.
    SavedDespiteWarning,
    /// Opens the panel that closes a promise.
    RecordOutcome,
    /// Saves the outcome chosen (exceeded, broken: with the note).
    SaveOutcome,
    /// Before what more was done than promised.
    WhatMore,
    /// Before what happened to a broken promise.
    WhatHappened,
    /// Examples in the promise's "what" field.
    PromiseWhatPlaceholder,
    /// The orders block's title.
    OrdersTitle,
    /// Opens the new-order form.
    NewOrder,
    /// The order form's submit button.
    SaveOrder,
    /// An account with no order yet.
    NoOrdersYet,
    /// The promise picker's choice for an order answering no promise.
    NoPromise,
    /// Opens the row of stage dates of an order.
    RecordDelivery,
    /// Opens the stage dates of a delivered order not yet ready to use.
    RecordReady,
    /// Saves an order's stage dates.
    SaveDates,
    /// Examples in the order's "what" field.
    OrderWhatPlaceholder,

    // Staying in touch (issue 15).
    /// The glance tile of the account's cadence.
    InTouch,
    /// The losing-touch list's title.
    LosingTouchTitle,
    /// What the list holds.
    LosingTouchHint,
    /// Nobody is overdue.
    NobodyLosingTouch,
    /// Before the day of the last touch.
    LastTouch,
    /// No touch logged yet.
    NeverTouched,

    // Remarks and early warnings (issue 15).
    /// The remarks block's title.
    RemarksTitle,
    /// Opens the new-remark form.
    NewRemark,
    /// The remark form's submit button.
    SaveRemark,
    /// Examples in a remark's text field.
    RemarkTextPlaceholder,
    /// An account with no remark yet.
    NoRemarksYet,
    /// The heading over the ended remarks.
    EndedRemarks,
    /// Marks an open remark that may hurt loyalty and has no action yet.
    NeedsAction,
    /// Marks a complaint made in exploration.
    Chance,
    /// What that chance is.
    ChanceHint,
    /// Opens the action panel of a remark.
    ActOnIt,
    /// Opens the panel that resolves a remark.
    Resolve,
    /// Opens the panel that closes a remark without action.
    CloseWithoutAction,
    /// The note's label when resolving: what was done.
    WhatWasDone,
    /// The note's label when closing without action: why not.
    WhyNoAction,
    /// The early-warnings block's title.
    WarningsTitle,
    /// What early warnings are, when none is flagged.
    WarningsHint,
    /// Opens the new-warning form.
    NewWarning,
    /// The warning form's submit button.
    SaveWarning,
    /// Examples in a warning's "what was heard" field.
    HeardPlaceholder,
    /// The heading over the followed-up warnings.
    FollowedUp,
    /// Turns a warning into a complaint.
    TurnIntoComplaint,
    /// Opens the panel that closes a warning with a note.
    CloseWarning,
    /// The complaint was saved but the warning stays open: `{why}`.
    ComplaintSavedWarningOpen,

    // Account health (issue 15).
    /// The health panel's title.
    HealthTitle,
    /// What the health is, in one line (the rules).
    HealthHint,

    // Small details and adoption checks (issue 15).
    /// Opens the form that adds a small detail to a person.
    AddDetail,
    /// The detail form's submit button.
    SaveDetail,
    /// Examples in a detail's text field.
    DetailTextPlaceholder,
    /// Confirms deleting a small detail.
    DeleteThisDetail,
    /// Before the account's dates coming up, at the head of its people.
    ComingUp,
    /// The adoption card's title.
    AdoptionTitle,
    /// An account never checked: what checks are for.
    NoChecksYet,
    /// Opens the adoption check form.
    RecordCheck,
    /// The check form's submit button.
    SaveCheck,
    /// Above the account's last finding.
    LastFinding,
    /// The heading over the earlier checks.
    EarlierChecks,
    /// The order picker's choice for a check of a product, not an order.
    AProduct,
    /// Examples in the product field.
    ProductPlaceholder,
    /// Examples in a check's note field.
    CheckNotePlaceholder,
    /// What a check was about when its order was deleted since.
    DeletedOrder,
    /// Marks a check whose next check is today.
    DueToday,
}

/// One language's words.
pub trait Language: Sync {
    /// The words for `key`.
    fn text(&self, key: Key) -> &'static str;

    /// The label of a record's field, as its form calls it (`collection`
    /// and `field` as stored: "accounts", "city").
    fn field(&self, collection: &str, field: &str) -> String;

    /// Where the rep's latest changes are (the save indicator).
    fn save_state(&self, state: SaveState) -> &'static str;

    /// The banner's sentence for `notice`: what happened, that nothing was
    /// lost (or what was), and what to do.
    fn notice(&self, notice: &Notice) -> String;

    /// One sentence for an inline error next to a form.
    fn refusal(&self, error: &DocumentError) -> String;

    /// The rule a command broke, as a sentence.
    fn rule(&self, rule: &DomainError) -> String;

    /// The short words on the sync indicator, with times in `zone` (the
    /// device's offset from UTC: what the rep's clock shows).
    fn sync_headline(&self, state: &SyncState, zone: FixedOffset) -> String;

    /// The sentence under it: what is safe (with `pending` changes not yet
    /// sent), and what to do if anything.
    fn sync_detail(&self, state: &SyncState, pending: usize) -> String;

    /// What to do about a kind of trouble that keeps coming back.
    fn trouble(&self, kind: ReportKind) -> &'static str;

    /// A count as the rep reads numbers: 1000000 → "1,000,000".
    fn number(&self, n: usize) -> String;

    /// The name of a kind of touch ("Visit").
    fn touch_kind(&self, kind: TouchKind) -> &'static str;

    /// An amount in hundredths of `currency`: "€80,000", "1,250.50 RUB".
    fn money(&self, hundredths: i64, currency: &str) -> String;

    /// A share as a rate: "80 % (4 of 5)"; with nothing counted, "no history".
    fn rate(&self, ratio: Option<Ratio>) -> String;

    /// A relationship stage's name ("Exploration").
    fn stage(&self, stage: Stage) -> &'static str;

    /// Why a relationship ended ("Lost to a competitor").
    fn end_reason(&self, reason: EndReason) -> &'static str;

    /// A kind of promise ("Delivery").
    fn promise_kind(&self, kind: PromiseKind) -> &'static str;

    /// How a promise ended ("Kept late").
    fn outcome(&self, outcome: Outcome) -> &'static str;

    /// A speaker's role at the client ("Technical staff").
    fn role(&self, role: Role) -> &'static str;

    /// What a remark is about ("Billing").
    fn topic(&self, topic: Topic) -> &'static str;

    /// How the client felt ("Negative").
    fn sentiment(&self, sentiment: Sentiment) -> &'static str;

    /// A remark or a complaint.
    fn severity(&self, severity: Severity) -> &'static str;

    /// How a remark ended ("Closed without action").
    fn remark_end(&self, end: RemarkEnd) -> &'static str;

    /// How an open remark has waited: "open for 3 days".
    fn remark_age(&self, days: i64) -> String;

    /// How serious an early warning sounds ("High").
    fn seriousness(&self, seriousness: Seriousness) -> &'static str;

    /// A warning's role, in the words of the same role of a remark.
    fn warning_role(&self, role: WarningRole) -> &'static str {
        self.role(role.into())
    }

    /// How a warning was followed up ("Became a complaint").
    fn warning_end(&self, end: WarningEnd) -> &'static str;
    /// What a small detail is about ("How to reach them").
    fn detail_category(&self, category: DetailCategory) -> &'static str;

    /// How much the client uses what was checked ("Uses it partly").
    fn finding(&self, finding: Finding) -> &'static str;

    /// What follows an adoption check ("Training").
    fn follow_up(&self, follow_up: FollowUp) -> &'static str;

    /// How far off a day is, `days` from today: "today", "in 3 days".
    fn in_days(&self, days: i64) -> String;

    /// A detail's date, and whether it comes back: "1980-12-12, every year".
    fn detail_date(&self, day: Day, yearly: bool) -> String;

    /// A date coming up of the person named `name`: "🎂 Мария — birthday
    /// in 3 days (12 Dec)".
    fn date_coming_up(&self, name: &str, upcoming: &Upcoming) -> String;

    /// A program action's status ("Done").
    fn action_status(&self, status: ActionStatus) -> &'static str;

    /// Where an order's delivery stands ("Late by 2 days").
    fn delivery_state(&self, state: DeliveryState) -> String;

    /// Fine, due soon or overdue, in a few words ("Overdue by 9 days").
    fn touch_state(&self, state: TouchState) -> String;

    /// How often and whose cadence: "every 14 days (exploration's)".
    fn cadence(&self, cadence: Cadence) -> String;

    /// An account's health: "Healthy", "Concerning", "Poor".
    fn health(&self, status: Status) -> &'static str;

    /// A factor's level: "good", "concerning", "poor", "no data".
    fn level(&self, level: Level) -> &'static str;

    /// One factor of the health with its reason, in one line.
    fn factor(&self, factor: &Factor) -> String;

    /// Since when the status holds, and what it was before: "since
    /// 2026-03-10; healthy before". `None`: unchanged for the whole trend.
    fn health_since(&self, previous: Option<(Status, Day)>) -> String;

    /// The unrealistic-promise warning with the history behind it.
    fn lead_warning(&self, warning: &LeadWarning) -> String;

    /// The scorecard's verdict in one sentence: "Qualifies: all four
    /// criteria met." or "Does not qualify: business below threshold
    /// (€80,000 of €250,000)."
    fn qualification(&self, verdict: &Qualification) -> String;

    /// One criterion of the scorecard, met or not, with its figures.
    fn criterion(&self, judged: &Judged, currency: &str) -> String;

    /// One thing a stage needs, with the figures that say whether it is met.
    fn need(&self, need: &Need) -> String;

    /// The button that logs a touch of `kind` ("Log visit").
    fn log_touch(&self, kind: TouchKind) -> &'static str;

    /// How many accounts there are: "1 account", "1,000 accounts".
    fn accounts(&self, n: usize) -> String;

    /// How many accounts are drawn of how many match, when the list is
    /// cut short.
    fn accounts_shown(&self, shown: usize, total: usize) -> String;

    /// When an account was last touched.
    fn last_touch(&self, day: Day) -> String;

    /// The filter matches nothing.
    fn no_account_matches(&self, query: &str) -> String;

    /// Who created a record and when, who changed it last and when.
    fn record_stamps(
        &self,
        created_by: &str,
        created_on: Day,
        changed_by: &str,
        changed_at: &str,
    ) -> String;

    /// The person a touch was with.
    fn touch_with(&self, name: &str) -> String;

    /// Who logged a touch.
    fn touch_by(&self, name: &str) -> String;

    /// A new version of the app is on the device, `build` its id.
    fn update_ready(&self, build: &str) -> String;

    /// A rep's name as a stamp holds it: an empty one (the rep had not
    /// given a name yet) reads as [`Key::UnnamedRep`].
    fn rep(&self, name: &str) -> String {
        if name.trim().is_empty() {
            self.text(Key::UnnamedRep).to_owned()
        } else {
            name.to_owned()
        }
    }

    /// The workspace file named `file` was merged; `changed` records were
    /// added or updated.
    fn imported(&self, file: &str, changed: usize) -> String;

    /// The file named `file` is not a workspace (`why`, in the document's
    /// words).
    fn import_refused(&self, file: &str, why: &str) -> String;

    /// The browser could not read the file named `file`.
    fn file_unreadable(&self, file: &str) -> String;
}

/// The language the rep reads (English until the Russian file is added).
pub fn words() -> &'static dyn Language {
    &English
}

/// The fixed words for `key`.
pub fn t(key: Key) -> &'static str {
    words().text(key)
}

/// The label of a field of `K`, the same in its form and in the conflicts
/// block (which names fields as stored, through [`Language::field`]).
pub fn label<K: Record>(field: K::Field) -> String {
    words().field(K::COLLECTION, field.name())
}
