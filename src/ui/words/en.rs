//! English: the words the app shipped with.

use chrono::{Datelike, FixedOffset, Timelike};
use rapport_protocol::ErrorCode;

use crate::document::DocumentError;
use crate::domain::{
    ActionStatus, Cadence, CadenceFrom, Criterion, Day, DeliveryState, DetailCategory, DomainError,
    EndReason, Factor, Finding, FollowUp, Judged, LeadWarning, Level, Need, Outcome, PromiseKind,
    Qualification, RATE_DAYS, Ratio, RemarkEnd, Role, Sentiment, Seriousness, Severity, Stage,
    Status, Topic, TouchKind, TouchState, Upcoming, Verdict, WarningEnd,
};
use crate::state::messages::SyncState;
use crate::state::worker::ReportKind;
use crate::state::{Notice, Refusal, SaveState};
use crate::sync::{Problem, SyncPhase};
use crate::ui::words::{Key, Language};

/// English.
pub struct English;

impl Language for English {
    fn text(&self, key: Key) -> &'static str {
        match key {
            Key::YourName => "Your name",
            Key::YourNameHint => "Shown on every note and record you write",
            Key::NamePrompt => "Your name, shown to colleagues on everything you write: ",
            Key::NameExample => "e.g. Анна Соколова",
            Key::Save => "Save",
            Key::TryAgain => "Try again",
            Key::ConflictsTitle => "Changed on two devices",
            Key::ConflictsHint => {
                "These fields were changed on two devices while they were apart. Every value is kept until you keep one."
            }
            Key::KeepThis => "Keep this",
            Key::AuthorUnknown => "author unknown",
            Key::EmptyValue => "(empty)",
            Key::UnnamedRep => "Unnamed rep",
            Key::FilterPlaceholder => "Filter by company, city, industry or person",
            Key::FilterAccounts => "Filter accounts",
            Key::NewAccountButton => "+ New account",
            Key::NoTouchesYet => "no touches yet",
            Key::NoAccountsYet => "No accounts yet",
            Key::EmptyWorkspaceHint => {
                "Add your first client with “New account”. Everything you enter is saved on this device and works without a network."
            }
            Key::DemoSize => "Demo size",
            Key::LoadDemo => "Load a demo workspace",
            Key::TeamRecordTitle => "Track record: promises and deliveries",
            Key::TeamRecordHint => {
                "Promises count by their due date, orders by their promised delivery date. \
                 An open promise past its date counts as not kept; one not yet due is not counted."
            }
            Key::TeamRecordPeriod => "Period",
            Key::Last30Days => "Last 30 days",
            Key::Last90Days => "Last 90 days",
            Key::Last365Days => "Last 365 days",
            Key::AllTime => "All time",
            Key::WhoseRecord => "Rep",
            Key::TeamKeptRate => "Promises kept",
            Key::TeamExceededRate => "Exceeded",
            Key::TeamOnTimeRate => "Delivered on time",
            Key::TeamOverduePromises => "Overdue now",
            Key::WholeTeam => "Whole team",
            Key::EditAccount => "Edit account",
            Key::NewAccount => "New account",
            Key::OpenIt => "Open it",
            Key::SaveChanges => "Save changes",
            Key::CreateAccount => "Create account",
            Key::Cancel => "Cancel",
            Key::BackToAccounts => "← Accounts",
            Key::AccountGone => {
                "This account does not exist or was deleted (perhaps on another device)."
            }
            Key::Edit => "Edit",
            Key::Delete => "Delete",
            Key::ConfirmDeleteAccount => "Delete this account with its people and touches?",
            Key::Keep => "Keep",
            Key::DeleteThisPerson => "Delete this person",
            Key::DeleteThisTouch => "Delete this touch",
            Key::PageMissing => "This page does not exist.",
            Key::GoToAccounts => "Go to accounts",
            Key::ReloadToUpdate => "Reload",
            Key::SaveOrDiscardFirst => "Save or discard your changes first.",
            Key::ExportWorkspace => "Export workspace",
            Key::ImportWorkspace => "Import a workspace file",
            Key::ExportFailed => "The workspace could not be exported. Nothing was changed.",
            Key::People => "People",
            Key::AddPersonButton => "+ Add person",
            Key::NoPeopleYet => "No one yet. Add the buyer, and the engineers and users too.",
            Key::RolePlaceholder => "buyer, engineer, user…",
            Key::ContactNotePlaceholder => "no calls before 10, daughter's graduation in June…",
            Key::SavePerson => "Save person",
            Key::AddPerson => "Add person",
            Key::Timeline => "Timeline",
            Key::NoTouchesHint => "No touches yet. Log the first visit or call above.",
            Key::WithTheAccount => "— the account —",
            Key::TouchNotePlaceholder => "What was said, what was promised, what to remember",
            Key::TeamSync => "Team sync",
            Key::StartTeam => "Start a team",
            Key::TeamEncrypted => {
                "Your records go to your team encrypted: the relay that passes them on cannot read them."
            }
            Key::InviteHint => {
                "Invite a colleague: open this link on their tablet. Anyone with it can read the team's data, so send it only to them."
            }
            Key::ShowQr => "Show as a QR code to scan",
            Key::HideQr => "Hide the QR code",
            Key::InviteQr => "Invite link as a QR code",
            Key::ThisDeviceIs => "This device:",
            Key::DevicesInTeam => "Devices in the team",
            Key::ThisDevice => "this device",
            Key::DeviceRemoved => "removed: the relay refuses it",
            Key::RemoveDevice => "Remove from team",
            Key::RemovingHint => {
                "Removing a device also changes the team key: it can read nothing written from then on, while the approved devices get the new key by themselves. A device still waiting for approval does not: approve it first. What a removed device already holds stays on it. Invite links made before stop working; share the new one."
            }
            Key::CreationCode => "Team creation code (only if your relay's operator gave you one)",
            Key::SecurityCode => "Security code:",
            Key::SecurityCodeHint => {
                "When this device joins, your team's admin sees the same sixteen digits for it. Compare them together: if they differ, someone else is trying to join in this device's place."
            }
            Key::WaitingApproval => {
                "waiting for approval: compare its security code with the one on that tablet"
            }
            Key::ApproveDevice => "The codes match: approve",
            Key::RemoveMember => "Remove this rep and all their devices",
            Key::JoinATeam => "Join a team",
            Key::Invited => {
                "You were invited to a team. Join it to see your colleagues' accounts and share yours; everything already on this device stays."
            }
            Key::JoinTeam => "Join the team",
            Key::NotNow => "Not now",
            // The relationship (issue 14).
            Key::Relationship => "Relationship",
            Key::StrategicPartner => "Strategic partner",
            Key::StageNoMovesYet => {
                "Every account starts in awareness; its stage has not been moved yet."
            }
            Key::MoveStageButton => "Move the stage",
            Key::StageTo => "Move to",
            Key::StageEndReason => "Why it ended",
            Key::AsStrategicPartner => "As a strategic partner",
            Key::StageReasonPlaceholder => {
                "What happened: first order placed, a second plant supplied, a frame contract signed…"
            }
            Key::OverrideReason => "Why make it a strategic partner anyway",
            Key::MoveStage => "Move",
            Key::MoveAnyway => "Move anyway, with this reason",
            Key::StageConflictTitle => "The stage was moved differently on two devices",
            Key::StageConflictHint => {
                "Both moves are kept in the history. Keep the one that is right; the account then moves on from both."
            }
            Key::StageHistory => "How the relationship went",
            Key::OverrideGiven => "Made a partner though it did not qualify:",
            Key::StageNeeds => "To move on",
            Key::NeedMet => "met",
            Key::NeedNotMet => "not yet",
            Key::ScorecardTitle => "Strategic-partner scorecard",
            Key::ScorecardNotAssessed => {
                "Not assessed yet. Only accounts large enough, that innovate and give something back are worth a partnership."
            }
            Key::AssessButton => "Assess",
            Key::EditAssessment => "Edit the assessment",
            Key::SaveAssessment => "Save the assessment",
            Key::InnovatesUnknown => "Not known yet",
            Key::Yes => "Yes",
            Key::No => "No",
            Key::GivesBack => "What it would give back",
            Key::AssessedBy => "Assessed by",
            Key::TeamCriteria => "Team criteria: strategic partners, staying in touch",
            Key::TeamCriteriaHint => {
                "Every account’s scorecard is judged against these, and an account without a cadence of its own is kept in touch as often as its stage says. A change applies to the whole team once synced."
            }
            Key::SaveCriteria => "Save the criteria",
            Key::HandOver => "Hand over",
            Key::HandOverTo => "Hand over",
            Key::MineOnly => "Mine only",
            Key::StageConflictChip => "two stages",
            Key::JointPrograms => "Joint programs",
            Key::JointProgramsHint => {
                "Plans built with the client: a goal, actions with owners and due dates, and the follow-up."
            }
            Key::AddProgramButton => "Add a program",
            Key::GoalPlaceholder => "e.g. Cut their line changeover time by 20 %",
            Key::SaveProgram => "Add program",
            Key::AddActionButton => "Add an action",
            Key::SaveAction => "Add action",
            Key::NoActionsYet => "No actions yet.",
            Key::FollowUpOn => "Next follow-up:",
            Key::Overdue => "Overdue",
            Key::MarkDone => "Done",
            Key::DropAction => "Drop",
            Key::StatusNotePlaceholder => "What came of it (required when dropping)",
            Key::ConfirmStatus => "Confirm",
            Key::OwnerRepGroup => "Our reps",
            Key::OwnerContactGroup => "At the client",
            Key::DueOn => "due",
            Key::NoneOfYours => {
                "None of these accounts is yours. Press “Mine only” again to see the whole team’s."
            }

            // The track record (issue 14).
            Key::TrackRecordTitle => "Track record",
            Key::KeptRate => "Promises kept on time",
            Key::ExceededRate => "Promises exceeded",
            Key::OnTimeRate => "Delivered on time",
            Key::OpenPromises => "Open promises",
            Key::OverduePromises => "Overdue promises",
            Key::OrdersAtRisk => "Orders at risk",
            Key::StageLabel => "Stage",
            Key::NeedsMet => "{met} of {all} needs met",
            Key::PromisesTitle => "Promises",
            Key::NewPromise => "New promise",
            Key::SavePromise => "Save the promise",
            Key::SaveAnyway => "Save anyway",
            Key::NoPromisesYet => {
                "No promise recorded yet. Write down each one you make, with its day, and close it when it is kept."
            }
            Key::ClosedPromises => "Closed",
            Key::PickAPerson => "Pick a person…",
            Key::NobodyRecorded => "The account (nobody recorded yet)",
            Key::SavedDespiteWarning => "Saved despite the delivery-history warning:",
            Key::RecordOutcome => "How did it end?",
            Key::SaveOutcome => "Save the outcome",
            Key::WhatMore => "More than promised:",
            Key::WhatHappened => "What happened:",
            Key::PromiseWhatPlaceholder => {
                "Delivery of the spring order, a price list, a call back…"
            }
            Key::OrdersTitle => "Orders and deliveries",
            Key::NewOrder => "New order",
            Key::SaveOrder => "Save the order",
            Key::NoOrdersYet => "No order recorded yet.",
            Key::NoPromise => "None",
            Key::RecordDelivery => "Record delivery",
            Key::RecordReady => "Record when it was ready to use",
            Key::SaveDates => "Save the dates",
            Key::OrderWhatPlaceholder => "40 kg of flour, 2 ovens…",
            Key::InTouch => "In touch",
            Key::LosingTouchTitle => "Losing touch",
            Key::LosingTouchHint => {
                "Overdue for a touch, longest first. Any touch counts: a visit, a call, a thank-you with no deal pending."
            }
            Key::NobodyLosingTouch => "Nobody is overdue for a touch.",
            Key::LastTouch => "last touch",
            Key::NeverTouched => "never touched",

            // Remarks and early warnings (issue 15).
            Key::RemarksTitle => "Remarks and complaints",
            Key::NewRemark => "Record a remark",
            Key::SaveRemark => "Save the remark",
            Key::RemarkTextPlaceholder => "What the client said, in their words",
            Key::NoRemarksYet => {
                "No remark recorded yet. Log what the client says about delivery, product and service — praise too."
            }
            Key::EndedRemarks => "Ended",
            Key::NeedsAction => "Needs an action",
            Key::Chance => "A chance",
            Key::ChanceHint => {
                "A complaint in exploration: handled well, it moves the client towards expansion."
            }
            Key::ActOnIt => "Act on it",
            Key::Resolve => "Resolve",
            Key::CloseWithoutAction => "Close without action",
            Key::WhatWasDone => "What was done",
            Key::WhyNoAction => "Why nothing was done",
            Key::WarningsTitle => "Early warnings",
            Key::WarningsHint => {
                "No complaint does not mean satisfied. Record what users, technical and support staff let slip, and follow it up before it becomes a complaint."
            }
            Key::NewWarning => "Record a warning",
            Key::SaveWarning => "Save the warning",
            Key::HeardPlaceholder => "e.g. the operators avoid the new panel",
            Key::FollowedUp => "Followed up",
            Key::TurnIntoComplaint => "Turn into a complaint",
            Key::CloseWarning => "Close with a note",
            Key::ComplaintSavedWarningOpen => {
                "The complaint is saved, but the warning stays flagged: {why}"
            }
            Key::HealthTitle => "Health",
            Key::HealthHint => {
                "Poor if any factor is poor; healthy only if every factor with data is good."
            }
            // Small details and adoption checks (issue 15).
            Key::AddDetail => "+ Add a detail",
            Key::SaveDetail => "Save the detail",
            Key::DetailTextPlaceholder => "no calls before 10, tea not coffee, birthday…",
            Key::DeleteThisDetail => "Delete this detail",
            Key::ComingUp => "Coming up",
            Key::AdoptionTitle => "Adoption",
            Key::NoChecksYet => {
                "Not checked yet. Value comes from use: check that they use fully what they bought."
            }
            Key::RecordCheck => "Record a check",
            Key::SaveCheck => "Save the check",
            Key::LastFinding => "Last finding",
            Key::EarlierChecks => "Earlier checks",
            Key::AProduct => "A product (type it below)",
            Key::ProductPlaceholder => "the dosing software, the second oven…",
            Key::CheckNotePlaceholder => "Who uses it, what they skip, who needs help",
            Key::DeletedOrder => "a deleted order",
            Key::DueToday => "Due today",
        }
    }

    fn field(&self, collection: &str, field: &str) -> String {
        match (collection, field) {
            ("accounts", "name") => "Company name",
            ("accounts", "city") => "City",
            ("accounts", "industry") => "Industry",
            ("accounts", "note") => "Standing notes",
            ("contacts", "name") => "Name",
            ("contacts", "role") => "Role",
            ("contacts", "phone") => "Phone",
            ("contacts", "email") => "Email",
            ("contacts", "note") => "Small things to remember",
            ("touches", "kind") => "Kind of touch",
            ("touches", "day") => "Date",
            ("touches", "contact") => "With",
            ("touches", "note") => "Note",
            ("accounts", "owner") => "Owner",
            ("accounts", "cadence_days") => "In touch every (days; empty: the stage's)",
            ("contacts", "cadence_days") => "In touch every (days; empty: the account's)",
            ("team_settings", "cadence_awareness") => "Awareness: in touch every (days)",
            ("team_settings", "cadence_exploration") => "Exploration: in touch every (days)",
            ("team_settings", "cadence_expansion") => "Expansion: in touch every (days)",
            ("team_settings", "cadence_commitment") => "Commitment: in touch every (days)",
            ("team_settings", "currency") => "Currency",
            ("team_settings", "min_annual_potential") => "Minimum annual potential",
            ("team_settings", "min_payback_percent") => "Minimum payback, % of yearly cost",
            ("team_settings", "min_give_back") => "Things it must give back (of 4)",
            ("stage_moves", "reason") => "Why",
            ("scorecards", "assessed_on") => "Assessed on",
            ("scorecards", "annual_potential") => "Annual potential",
            ("scorecards", "expected_margin") => "Expected annual margin",
            ("scorecards", "yearly_cost") => "Yearly cost of serving it",
            ("scorecards", "innovates") => "The client innovates",
            ("scorecards", "gives_reference") => "Would be a reference",
            ("scorecards", "gives_co_development") => "Would develop products with us",
            ("scorecards", "gives_market_information") => "Shares market information",
            ("scorecards", "gives_network_access") => "Opens its network to us",
            ("scorecards", "note") => "Note",
            ("programs", "goal") => "Goal",
            ("programs", "note") => "How",
            ("programs", "follow_up") => "Next follow-up",
            ("program_actions", "what") => "Action",
            ("program_actions", "owner_rep") => "Owner (rep)",
            ("program_actions", "owner_contact") => "Owner (client)",
            ("program_actions", "due") => "Due",
            ("program_actions", "status") => "Status",
            ("program_actions", "status_note") => "Note",
            ("promises", "to") => "Promised to",
            ("promises", "made_by") => "Made by",
            ("promises", "made_on") => "Made on",
            ("promises", "due") => "Due",
            ("promises", "kind") => "Kind of promise",
            ("promises", "what") => "What was promised",
            ("promises", "outcome") => "Outcome",
            ("promises", "closed_on") => "Closed on",
            ("promises", "outcome_note") => "What more was done / what happened",
            ("orders", "what") => "What was ordered",
            ("orders", "amount") => "Amount",
            ("orders", "currency") => "Currency",
            ("orders", "ordered_on") => "Ordered on",
            ("orders", "promised_on") => "Promised delivery",
            ("orders", "promise") => "Answers the promise",
            ("orders", "accepted_on") => "Accepted",
            ("orders", "shipped_on") => "Shipped",
            ("orders", "delivered_on") => "Delivered",
            ("orders", "ready_on") => "Ready to use",
            ("remarks", "from") => "From",
            ("remarks", "role") => "Their role",
            ("remarks", "topic") => "About",
            ("remarks", "sentiment") => "How they felt",
            ("remarks", "severity") => "Remark or complaint",
            ("remarks", "text") => "What they said",
            ("remarks", "day") => "Date",
            ("remarks", "action") => "Action",
            ("remarks", "action_by") => "Action by",
            ("remarks", "action_due") => "Action due",
            ("remarks", "end") => "How it ended",
            ("remarks", "ended_on") => "Ended on",
            ("remarks", "end_note") => "What was done / why not",
            ("early_warnings", "from") => "Heard from",
            ("early_warnings", "role") => "Their role",
            ("early_warnings", "heard") => "What was heard",
            ("early_warnings", "seriousness") => "How serious",
            ("early_warnings", "day") => "Date",
            ("early_warnings", "end") => "Follow-up",
            ("early_warnings", "ended_on") => "Followed up on",
            ("early_warnings", "complaint") => "The complaint it became",
            ("early_warnings", "end_note") => "How it was settled",
            ("details", "contact") => "About",
            ("details", "category") => "Kind of detail",
            ("details", "text") => "Detail",
            ("details", "date") => "Date",
            ("details", "yearly") => "Every year",
            ("adoption_checks", "checked_on") => "Checked on",
            ("adoption_checks", "order") => "Order checked",
            ("adoption_checks", "product") => "Product checked",
            ("adoption_checks", "finding") => "Uses it",
            ("adoption_checks", "follow_up") => "Follow-up",
            ("adoption_checks", "next_check") => "Next check",
            ("adoption_checks", "note") => "Note",
            // A field of a newer version: its stored name beats nothing.
            (_, other) => return other.to_owned(),
        }
        .to_owned()
    }

    fn save_state(&self, state: SaveState) -> &'static str {
        match state {
            SaveState::Loading => "Opening…",
            SaveState::Saved => "Saved on this device",
            SaveState::Saving => "Saving…",
            SaveState::Unsaved => "Not saved — see the notice",
        }
    }

    fn notice(&self, notice: &Notice) -> String {
        match notice {
            Notice::QuotaExceeded { unsaved } => format!(
                "This device's storage is full. {} kept in this tab but not yet saved: keep the tab \
                 open, free some space (or clear other sites' data), then press “Try again”.",
                match unsaved {
                    1 => "Your last change is".to_owned(),
                    n => format!("Your last {n} changes are"),
                }
            ),
            Notice::StorageUnavailable(why) => format!(
                "This browser does not let Rapport store data ({why}). You can work, but changes \
                 will be lost when the tab closes. Leave private browsing or allow site storage."
            ),
            Notice::SetAside { count } => format!(
                "{} of stored data {} damaged and set aside (kept, not deleted). Everything else loaded.",
                plural(*count, "piece", "pieces"),
                if *count == 1 { "was" } else { "were" }
            ),
            Notice::Unreadable { count } => format!(
                "{} written by a newer version of Rapport {} hidden here. Update the app to see \
                 them; they are kept unchanged.",
                plural(*count, "record", "records"),
                if *count == 1 { "is" } else { "are" }
            ),
            Notice::WriteFailed(why) => format!(
                "A change could not be saved ({why}). It is kept in this tab; press “Try again”."
            ),
            Notice::WorkerFailed(why) => format!(
                "Rapport could not open the workspace for editing ({why}). You are looking at the \
                 last saved view; nothing is lost. Reload the page; if this stays, update the browser."
            ),
            Notice::Refused(refusal) => self.refused(refusal),
        }
    }

    fn refusal(&self, error: &DocumentError) -> String {
        match error.rule() {
            Some(rule) => self.rule(rule),
            None => format!("Could not save: {error}. Nothing was changed."),
        }
    }

    fn rule(&self, rule: &DomainError) -> String {
        match rule {
            DomainError::Empty { field } => format!("Please enter the {}.", self.thing(field)),
            DomainError::TooLong { field, chars, max } => format!(
                "The {field} is {} characters long; the limit is {}. Shorten it or split it in two.",
                self.number(*chars),
                self.number(*max)
            ),
            DomainError::DuplicateAccount { name, .. } => {
                format!("An account named “{name}” already exists.")
            }
            DomainError::DayOutOfRange {
                earliest, latest, ..
            } => format!("Pick a date between {earliest} and {latest}."),
            DomainError::NotADay(_) => "Pick a date.".into(),
            DomainError::Unknown(_) => {
                "This record no longer exists (it may have been deleted on another device).".into()
            }
            DomainError::IdTaken(_) => "This record was saved already.".into(),
            DomainError::ContactOfOtherAccount { .. } => {
                "That person works at another account; pick someone from this one.".into()
            }
            DomainError::NotAField { .. } => {
                "This version of Rapport cannot settle that field; update the app.".into()
            }
            DomainError::NotAValue { field, .. } => {
                format!("That is not a valid {}.", self.thing(field))
            }
            DomainError::NotAnAmount { field, value } => format!(
                "“{value}” is not an amount for the {}: type digits, with at most two decimals.",
                self.thing(field)
            ),
            DomainError::NegativeAmount { field } => {
                format!("The {} cannot be negative.", self.thing(field))
            }
            DomainError::AmountTooLarge { field, max } => format!(
                "The {} is too large; the limit is {}.",
                self.thing(field),
                self.number((*max / 100) as usize)
            ),
            DomainError::NotACurrency(code) => {
                format!("“{code}” is not a currency code: type three letters, such as EUR or RUB.")
            }
            DomainError::NumberOutOfRange {
                field, min, max, ..
            } => format!(
                "The {} must be a whole number from {min} to {max}.",
                self.thing(field)
            ),
            DomainError::Before {
                field,
                day,
                other,
                other_day,
            } => format!(
                "The {} ({day}) cannot be before the {} ({other_day}).",
                self.thing(field),
                self.thing(other)
            ),
            DomainError::NotAfter {
                field,
                day,
                other,
                other_day,
            } => format!(
                "The {} ({day}) must be after the {} ({other_day}).",
                self.thing(field),
                self.thing(other)
            ),
            DomainError::OfOtherAccount { .. } => {
                "That record belongs to another account; pick one from this account.".into()
            }
            DomainError::AlreadyClosed { closed } => format!(
                "This promise was already closed on {closed}; its outcome stays as recorded."
            ),
            DomainError::ExceededLate { due, closed } => format!(
                "It was due on {due} and kept on {closed}: that is kept late, not exceeded."
            ),
            DomainError::UnrealisticPromise(warning) => self.lead_warning(warning),
            DomainError::NotQualified(verdict) => format!(
                "{} To make it a strategic partner anyway, say why.",
                self.qualification(verdict)
            ),
            DomainError::SameStage(stage) => {
                format!(
                    "The account is already in {}.",
                    self.stage(*stage).to_lowercase()
                )
            }
            DomainError::HistoryKept(_) => {
                "This is kept as the account's history and cannot be deleted.".into()
            }
            DomainError::RemarkClosed { ended } => format!(
                "This remark was already closed on {ended}; its action and how it ended stay as recorded."
            ),
            DomainError::WarningFollowedUp { ended } => format!(
                "This warning was already followed up on {ended}; its follow-up stays as recorded."
            ),
            DomainError::NotAComplaint { .. } => {
                "That remark is not a complaint of this account; pick one of its complaints.".into()
            }
        }
    }

    fn sync_headline(&self, state: &SyncState, zone: FixedOffset) -> String {
        let phase = match state {
            SyncState::Unknown => return String::new(),
            SyncState::OtherTab => return "Synced by another tab".into(),
            SyncState::Trouble(_) => return "Sync needs attention".into(),
            SyncState::Phase(phase) => phase,
        };
        match phase {
            SyncPhase::NotSetUp => "On this device only".into(),
            SyncPhase::Offline => "Offline".into(),
            SyncPhase::Connecting => "Connecting…".into(),
            SyncPhase::Syncing => "Syncing…".into(),
            SyncPhase::UpToDate { since } => {
                let since = since.with_timezone(&zone);
                format!("Up to date · {:02}:{:02}", since.hour(), since.minute())
            }
            SyncPhase::Problem(_) => "Sync stopped".into(),
        }
    }

    fn sync_detail(&self, state: &SyncState, pending: usize) -> String {
        let waiting = match pending {
            0 => String::new(),
            1 => " 1 change is waiting to be sent.".into(),
            n => format!(" {n} changes are waiting to be sent."),
        };
        let phase = match state {
            SyncState::Unknown => return String::new(),
            SyncState::OtherTab => {
                return "Rapport is open in another tab, which syncs this device with the team. Your work here is saved and reaches it at once.".into();
            }
            SyncState::Trouble(kind) => {
                return format!("Your work is saved on this device. {}", self.trouble(*kind));
            }
            SyncState::Phase(phase) => phase,
        };
        match phase {
            SyncPhase::NotSetUp => {
                "Everything is saved on this device. Create or join a team to share it with colleagues.".into()
            }
            SyncPhase::Offline => format!(
                "Your work is saved on this device and will sync when you are online.{waiting}"
            ),
            SyncPhase::Connecting | SyncPhase::Syncing => {
                format!("Your work is saved on this device.{waiting}")
            }
            SyncPhase::UpToDate { .. } => {
                "Your colleagues have everything you wrote, and you have theirs.".into()
            }
            SyncPhase::Problem(problem) => {
                let what = match problem {
                    Problem::NotAdmitted => {
                        "The relay no longer admits this device. Ask your team's admin for a new invite."
                            .to_owned()
                    }
                    Problem::WrongKey => {
                        "This device's team key cannot read the team's data. Join again with a fresh invite."
                            .to_owned()
                    }
                    Problem::ForgedKey => {
                        "The relay offered a new team key that your team's admin did not make, so \
                         this device refused it and stopped syncing. Nothing was changed. Tell your \
                         team's admin."
                            .to_owned()
                    }
                    Problem::Limit(code) => limit(*code).to_owned(),
                    Problem::Relay(message) => format!(
                        "The relay reported a problem ({message}). Sync will retry; nothing is lost."
                    ),
                };
                format!("Your work is saved on this device.{waiting} {what}")
            }
        }
    }

    fn trouble(&self, kind: ReportKind) -> &'static str {
        match kind {
            ReportKind::BadFrame => {
                "The relay keeps sending data this version of Rapport cannot read. Update the app; if this stays, ask whoever runs the relay to update it."
            }
            ReportKind::Unopened => {
                "Some of your team's changes keep arriving sealed with a key this device does not hold; it asks for them again on every connection. Ask your team's admin for a fresh invite."
            }
            ReportKind::Unreadable => {
                "Some of your team's changes were written by a newer version of Rapport and are skipped here. Update the app to read them."
            }
            ReportKind::Refused => {
                "The relay keeps refusing what this device sends. Sync will retry; if this stays, ask whoever runs the relay."
            }
            ReportKind::SnapshotAhead => {
                "This device keeps failing to send the team a summary of the workspace. Your changes still go out one by one."
            }
            ReportKind::Rekey => {
                "This device cannot take up the team's new key. Ask your team's admin for a fresh invite."
            }
            ReportKind::RelayBehind => {
                "The relay keeps losing what it stored; this device sends it again. Ask whoever runs the relay to check its storage."
            }
            ReportKind::NotApplied => {
                "Your team's latest changes could not be saved on this device, so it keeps fetching them again. Free some space on the device (or let the browser keep this site's storage); nothing is lost."
            }
            ReportKind::Withheld => {
                "The relay keeps leaving out some of a colleague's changes. This device keeps asking for them; if this stays, ask whoever runs the relay."
            }
        }
    }

    fn number(&self, n: usize) -> String {
        let digits = n.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    }

    fn money(&self, hundredths: i64, currency: &str) -> String {
        let sign = if hundredths < 0 { "−" } else { "" };
        let whole = self.number((hundredths.unsigned_abs() / 100) as usize);
        let cents = match hundredths.unsigned_abs() % 100 {
            0 => String::new(),
            c => format!(".{c:02}"),
        };
        match currency {
            "EUR" => format!("{sign}€{whole}{cents}"),
            "USD" => format!("{sign}${whole}{cents}"),
            "GBP" => format!("{sign}£{whole}{cents}"),
            other => format!("{sign}{whole}{cents} {other}"),
        }
    }

    fn rate(&self, ratio: Option<Ratio>) -> String {
        match ratio {
            None => "no history yet".into(),
            Some(r) => format!("{} % ({} of {})", r.percent(), r.part, r.whole),
        }
    }

    fn stage(&self, stage: Stage) -> &'static str {
        match stage {
            Stage::Awareness => "Awareness",
            Stage::Exploration => "Exploration",
            Stage::Expansion => "Expansion",
            Stage::Commitment => "Commitment",
            Stage::Ended => "Ended",
        }
    }

    fn end_reason(&self, reason: EndReason) -> &'static str {
        match reason {
            EndReason::Lost => "Lost",
            EndReason::Merged => "Merged into another account",
            EndReason::Closed => "The client closed",
        }
    }

    fn promise_kind(&self, kind: PromiseKind) -> &'static str {
        match kind {
            PromiseKind::Delivery => "Delivery",
            PromiseKind::CallBack => "Call-back",
            PromiseKind::Sample => "Sample",
            PromiseKind::Information => "Information",
            PromiseKind::Visit => "Visit",
            PromiseKind::Other => "Other",
        }
    }

    fn outcome(&self, outcome: Outcome) -> &'static str {
        match outcome {
            Outcome::Kept => "Kept",
            Outcome::KeptLate => "Kept late",
            Outcome::Exceeded => "Exceeded",
            Outcome::Broken => "Broken",
        }
    }

    fn role(&self, role: Role) -> &'static str {
        match role {
            Role::Buyer => "Buyer",
            Role::User => "User",
            Role::Technical => "Technical staff",
            Role::Support => "Support staff",
            Role::Management => "Management",
        }
    }

    fn topic(&self, topic: Topic) -> &'static str {
        match topic {
            Topic::Delivery => "Delivery",
            Topic::Product => "Product",
            Topic::Service => "Service",
            Topic::Billing => "Billing",
            Topic::Rep => "The rep",
            Topic::Other => "Other",
        }
    }

    fn sentiment(&self, sentiment: Sentiment) -> &'static str {
        match sentiment {
            Sentiment::Positive => "Positive",
            Sentiment::Neutral => "Neutral",
            Sentiment::Negative => "Negative",
        }
    }

    fn severity(&self, severity: Severity) -> &'static str {
        match severity {
            Severity::Remark => "Remark",
            Severity::Complaint => "Complaint",
        }
    }

    fn remark_end(&self, end: RemarkEnd) -> &'static str {
        match end {
            RemarkEnd::Resolved => "Resolved",
            RemarkEnd::ClosedWithoutAction => "Closed without action",
        }
    }

    fn remark_age(&self, days: i64) -> String {
        match days {
            ..=0 => "open since today".into(),
            n => format!("open for {}", plural(n as usize, "day", "days")),
        }
    }

    fn seriousness(&self, seriousness: Seriousness) -> &'static str {
        match seriousness {
            Seriousness::Low => "A grumble",
            Seriousness::Medium => "Worth a call",
            Seriousness::High => "A complaint in the making",
        }
    }

    fn warning_end(&self, end: WarningEnd) -> &'static str {
        match end {
            WarningEnd::BecameComplaint => "Became a complaint",
            WarningEnd::Closed => "Closed",
        }
    }

    fn detail_category(&self, category: DetailCategory) -> &'static str {
        match category {
            DetailCategory::Family => "Family",
            DetailCategory::Preferences => "Preferences",
            DetailCategory::ImportantDate => "Important date",
            DetailCategory::Dislikes => "Dislikes",
            DetailCategory::HowToReach => "How to reach them",
            DetailCategory::Other => "Other",
        }
    }

    fn finding(&self, finding: Finding) -> &'static str {
        match finding {
            Finding::Full => "Uses it fully",
            Finding::Partly => "Uses it partly",
            Finding::NotAtAll => "Does not use it",
        }
    }

    fn follow_up(&self, follow_up: FollowUp) -> &'static str {
        match follow_up {
            FollowUp::Training => "Training",
            FollowUp::SupportVisit => "A support visit",
            FollowUp::Nothing => "None needed",
        }
    }

    fn in_days(&self, days: i64) -> String {
        match days {
            0 => "today".into(),
            1 => "tomorrow".into(),
            n => format!("in {}", plural(n.max(0) as usize, "day", "days")),
        }
    }

    fn detail_date(&self, day: Day, yearly: bool) -> String {
        if yearly {
            format!("{day}, every year")
        } else {
            day.to_string()
        }
    }

    fn date_coming_up(&self, name: &str, upcoming: &Upcoming) -> String {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let symbol = match upcoming.category {
            DetailCategory::ImportantDate => "🎂",
            _ => "📅",
        };
        let date = upcoming.day.0;
        format!(
            "{symbol} {name} — {} {} ({} {})",
            upcoming.text,
            self.in_days(upcoming.in_days),
            date.day(),
            MONTHS[date.month0() as usize]
        )
    }

    fn action_status(&self, status: ActionStatus) -> &'static str {
        match status {
            ActionStatus::Open => "Open",
            ActionStatus::Done => "Done",
            ActionStatus::Dropped => "Dropped",
        }
    }

    fn touch_state(&self, state: TouchState) -> String {
        match state {
            TouchState::Overdue { days } => {
                format!("Overdue by {}", plural(days as usize, "day", "days"))
            }
            TouchState::DueSoon { days_left: 0 } => "Due today".into(),
            TouchState::DueSoon { days_left } | TouchState::Fine { days_left } => {
                format!("Due in {}", plural(days_left as usize, "day", "days"))
            }
        }
    }

    fn cadence(&self, cadence: Cadence) -> String {
        let whose = match cadence.from {
            CadenceFrom::Stage(stage) => format!("{}'s", self.stage(stage).to_lowercase()),
            CadenceFrom::Account => "the account's own".into(),
            CadenceFrom::Contact => "their own".into(),
        };
        format!(
            "every {} ({whose})",
            plural(cadence.days as usize, "day", "days")
        )
    }

    fn health(&self, status: Status) -> &'static str {
        match status {
            Status::Healthy => "Healthy",
            Status::Concerning => "Concerning",
            Status::Poor => "Poor",
        }
    }

    fn level(&self, level: Level) -> &'static str {
        match level {
            Level::Good => "good",
            Level::Concerning => "concerning",
            Level::Poor => "poor",
            Level::NoData => "no data",
        }
    }

    fn factor(&self, factor: &Factor) -> String {
        let days = |n: i64| plural(n.max(0) as usize, "day", "days");
        match *factor {
            Factor::Touch(None) => "Touch: no cadence, the relationship ended".into(),
            Factor::Touch(Some(t)) => format!(
                "Touch: {}, {}",
                self.touch_state(t.state).to_lowercase(),
                self.cadence(t.cadence)
            ),
            Factor::Promises(None) => {
                format!("Promises: none counted in the last {}", days(RATE_DAYS))
            }
            Factor::Promises(rate) => format!(
                "Promises kept on time, last {}: {}",
                days(RATE_DAYS),
                self.rate(rate)
            ),
            Factor::Deliveries(None) => {
                format!("Deliveries: none counted in the last {}", days(RATE_DAYS))
            }
            Factor::Deliveries(rate) => format!(
                "Delivered on time, last {}: {}",
                days(RATE_DAYS),
                self.rate(rate)
            ),
            Factor::Remarks(r) if r.ever == 0 => "Remarks: none recorded".into(),
            Factor::Remarks(r) if r.open == 0 => "Remarks: none waiting for an answer".into(),
            Factor::Remarks(r) => format!(
                "Remarks: {} waiting for an answer, the oldest for {}",
                self.number(r.open),
                days(r.oldest_days)
            ),
            Factor::Adoption(None) => "Adoption: never checked".into(),
            Factor::Adoption(Some((finding, day))) => {
                let uses = match finding {
                    Finding::Full => "uses it fully",
                    Finding::Partly => "uses it partly",
                    Finding::NotAtAll => "does not use it",
                };
                format!("Adoption: {uses} (checked {day})")
            }
            Factor::EarlyWarnings(w) if w.ever == 0 => "Early warnings: none heard".into(),
            Factor::EarlyWarnings(w) if w.open == 0 => "Early warnings: all followed up".into(),
            Factor::EarlyWarnings(w) => format!(
                "Early warnings: {} not followed up, {} serious",
                self.number(w.open),
                self.number(w.serious)
            ),
        }
    }

    fn health_since(&self, previous: Option<(Status, Day)>) -> String {
        match previous {
            None => "no earlier status on record".into(),
            Some((before, day)) => {
                format!("since {day}; {} before", self.health(before).to_lowercase())
            }
        }
    }

    fn delivery_state(&self, state: DeliveryState) -> String {
        match state {
            DeliveryState::OnTime => "Delivered on time".into(),
            DeliveryState::Late(days) => {
                format!("Delivered {} late", plural(days as usize, "day", "days"))
            }
            DeliveryState::AtRisk(days) if days > 0 => {
                format!(
                    "At risk: {} past the promised date",
                    plural(days as usize, "day", "days")
                )
            }
            DeliveryState::AtRisk(0) => "At risk: promised for today".into(),
            DeliveryState::AtRisk(days) => format!(
                "At risk: promised in {}",
                plural(days.unsigned_abs() as usize, "day", "days")
            ),
            DeliveryState::Expected => "Expected".into(),
        }
    }

    fn lead_warning(&self, warning: &LeadWarning) -> String {
        let h = &warning.history;
        let whose = if h.of_team {
            "the team’s deliveries (this account has fewer than three)"
        } else {
            "this account’s deliveries"
        };
        format!(
            "A delivery in {} is faster than {whose} support: {} took typically {}, the slowest {}. \
             Promise less, do more — or save anyway if you are sure.",
            plural(warning.promised_days.max(0) as usize, "day", "days"),
            plural(h.deliveries as usize, "delivery", "deliveries"),
            plural(h.typical_days.max(0) as usize, "day", "days"),
            plural(h.slowest_days.max(0) as usize, "day", "days"),
        )
    }

    fn qualification(&self, verdict: &Qualification) -> String {
        if verdict.qualifies() {
            return "Qualifies as a strategic partner: all four criteria met.".into();
        }
        let failing: Vec<String> = verdict
            .failing()
            .map(|j| self.criterion(j, &verdict.currency))
            .collect();
        format!("Does not qualify: {}.", failing.join("; "))
    }

    fn criterion(&self, judged: &Judged, currency: &str) -> String {
        let money = |v: Option<i64>| v.map(|v| self.money(v, currency)).unwrap_or_default();
        match (judged.criterion, &judged.verdict) {
            (Criterion::LargeEnough, Verdict::Missing) => "annual potential not assessed".into(),
            (Criterion::LargeEnough, Verdict::Met) => format!(
                "business large enough ({} of {} needed)",
                money(judged.figure),
                money(judged.against)
            ),
            (Criterion::LargeEnough, Verdict::NotMet) => format!(
                "business below threshold ({} of {})",
                money(judged.figure),
                money(judged.against)
            ),
            (Criterion::PaysOff, Verdict::Missing) => "margin or yearly cost not assessed".into(),
            (Criterion::PaysOff, Verdict::Met) => format!(
                "the investment pays off (margin {}, {} needed)",
                money(judged.figure),
                money(judged.against)
            ),
            (Criterion::PaysOff, Verdict::NotMet) => format!(
                "the investment does not pay off (margin {} of {} needed)",
                money(judged.figure),
                money(judged.against)
            ),
            (Criterion::Innovates, Verdict::Missing) => "innovation not assessed".into(),
            (Criterion::Innovates, Verdict::Met) => "the client innovates".into(),
            (Criterion::Innovates, Verdict::NotMet) => "the client does not innovate".into(),
            (Criterion::GivesBack, Verdict::Missing) => "what it gives back not assessed".into(),
            (Criterion::GivesBack, verdict) => format!(
                "gives back {} of the {} needed{}",
                judged.figure.unwrap_or(0),
                judged.against.unwrap_or(0),
                if *verdict == Verdict::Met {
                    ""
                } else {
                    " (too few)"
                }
            ),
        }
    }

    fn need(&self, need: &Need) -> String {
        match need {
            Need::PersonRecorded { people } => match people {
                0 => "Someone at the account is recorded — nobody yet".into(),
                n => format!(
                    "Someone at the account is recorded — {}",
                    plural(*n, "person", "people")
                ),
            },
            Need::FirstTouch { touches } => match touches {
                0 => "A first conversation is logged — none yet".into(),
                n => format!(
                    "A first conversation is logged — {}",
                    plural(*n, "touch", "touches")
                ),
            },
            Need::FirstOrderOnTime { first } => match first {
                None => "The first order is delivered on time — not delivered yet".into(),
                Some(state) => format!(
                    "The first order is delivered on time — {}",
                    self.delivery_state(*state).to_lowercase()
                ),
            },
            Need::PromisesKept { tally, percent } => format!(
                "Promises kept, at least {percent} % — {}",
                self.rate(tally.kept_rate())
            ),
            Need::NoPromiseOverdue { overdue } => match overdue {
                0 => "No promise overdue".into(),
                n => format!(
                    "No promise overdue — {} overdue",
                    plural(*n, "promise", "promises")
                ),
            },
            Need::DeliveriesOnTime {
                tally,
                percent,
                deliveries,
            } => format!(
                "At least {} delivered, {percent} % on time — {} delivered, on time {}",
                plural(*deliveries, "order", "orders"),
                tally.delivered(),
                self.rate(tally.on_time_rate())
            ),
            Need::Qualifies { verdict } => self.qualification(verdict),
            Need::JointProgram { open_actions } => match open_actions {
                0 => "A joint program with open actions — none".into(),
                n => format!(
                    "A joint program with open actions — {}",
                    plural(*n, "open action", "open actions")
                ),
            },
            Need::NoActionOverdue { overdue } => match overdue {
                0 => "No program action overdue".into(),
                n => format!(
                    "No program action overdue — {} overdue",
                    plural(*n, "action", "actions")
                ),
            },
            Need::InTouch {
                last,
                within_days,
                today,
            } => match last {
                None => format!("In touch within {within_days} days — never"),
                Some(day) => format!(
                    "In touch within {within_days} days — last {}",
                    plural(
                        today.days_since(*day).max(0) as usize,
                        "day ago",
                        "days ago"
                    )
                ),
            },
        }
    }

    fn touch_kind(&self, kind: TouchKind) -> &'static str {
        match kind {
            TouchKind::Visit => "Visit",
            TouchKind::Call => "Call",
            TouchKind::Email => "Email",
            TouchKind::Message => "Message",
            TouchKind::ThankYou => "Thank\u{2011}you",
        }
    }

    fn log_touch(&self, kind: TouchKind) -> &'static str {
        match kind {
            TouchKind::Visit => "Log visit",
            TouchKind::Call => "Log call",
            TouchKind::Email => "Log email",
            TouchKind::Message => "Log message",
            TouchKind::ThankYou => "Log thank-you",
        }
    }

    fn accounts(&self, n: usize) -> String {
        format!(
            "{} {}",
            self.number(n),
            if n == 1 { "account" } else { "accounts" }
        )
    }

    fn accounts_shown(&self, shown: usize, total: usize) -> String {
        format!(
            "{} of {} — type to narrow",
            self.number(shown),
            self.accounts(total)
        )
    }

    fn last_touch(&self, day: Day) -> String {
        format!("last touch {day}")
    }

    fn no_account_matches(&self, query: &str) -> String {
        format!("No account matches “{query}”.")
    }

    fn record_stamps(
        &self,
        created_by: &str,
        created_on: Day,
        changed_by: &str,
        changed_at: &str,
    ) -> String {
        let (created_by, changed_by) = (self.rep(created_by), self.rep(changed_by));
        format!(
            "Created by {created_by} on {created_on}; last changed by {changed_by} on {changed_at}."
        )
    }

    fn touch_with(&self, name: &str) -> String {
        format!("with {name}")
    }

    fn touch_by(&self, name: &str) -> String {
        format!("by {}", self.rep(name))
    }

    fn update_ready(&self, build: &str) -> String {
        format!("A new version of Rapport (build {build}) is ready — reload to use it.")
    }

    fn imported(&self, file: &str, changed: usize) -> String {
        match changed {
            0 => format!("“{file}” holds nothing new: everything in it is already here."),
            n => format!(
                "Merged “{file}”: {} {} added or updated. Nothing was replaced.",
                self.number(n),
                if n == 1 { "record" } else { "records" }
            ),
        }
    }

    fn import_refused(&self, file: &str, why: &str) -> String {
        format!("“{file}” is not a Rapport workspace file ({why}). Nothing was changed.")
    }

    fn file_unreadable(&self, file: &str) -> String {
        format!("Could not read “{file}”. Nothing was changed.")
    }
}

impl English {
    /// A field named in a sentence ("the due date").
    fn thing(&self, field: &str) -> &'static str {
        match field {
            "what" => "description",
            "made_by" => "rep who made it",
            "made_on" => "date it was made",
            "due" => "due date",
            "to" => "person it was made to",
            "closed_on" => "date it was closed",
            "outcome_note" => "note on the outcome",
            "amount" => "amount",
            "ordered_on" => "order date",
            "promised_on" => "promised delivery date",
            "accepted_on" => "date accepted",
            "shipped_on" => "date shipped",
            "delivered_on" => "delivery date",
            "ready_on" => "date ready to use",
            "text" => "text",
            "date" => "date",
            "contact" => "person",
            "category" => "kind of detail",
            "yearly" => "“every year” choice",
            "within_days" => "number of days ahead",
            "checked_on" => "check date",
            "next_check" => "next check date",
            "product" => "product checked (or pick the order)",
            "order" => "order",
            "finding" => "finding",
            "follow_up" => "follow-up",
            "reason" => "reason",
            "override_reason" => "reason for the override",
            "ended" => "reason the relationship ended",
            "goal" => "goal",
            "owner" => "owner",
            "status_note" => "note",
            "annual_potential" => "annual potential",
            "expected_margin" => "expected annual margin",
            "yearly_cost" => "yearly cost of serving",
            "min_annual_potential" => "minimum annual potential",
            "min_payback_percent" => "minimum payback",
            "min_give_back" => "number of give-backs",
            "cadence_days" => "days between touches",
            "cadence_awareness" => "days between touches in awareness",
            "cadence_exploration" => "days between touches in exploration",
            "cadence_expansion" => "days between touches in expansion",
            "cadence_commitment" => "days between touches in commitment",
            "name" => "name",
            "note" => "note",
            "kind" => "kind",
            "from" => "person who said it",
            "day" => "date",
            "action" => "action taken",
            "action_by" => "person who acts",
            "action_due" => "action's due date",
            "ended_on" => "date it ended",
            "end_note" => "note on how it ended",
            "heard" => "what was heard",
            "complaint" => "complaint it became",
            _ => "value",
        }
    }

    /// Why something the rep asked for was not done.
    fn refused(&self, refusal: &Refusal) -> String {
        match refusal {
            Refusal::Rule(rule) => format!(
                "A change was not made: {} The record may have changed on another device or tab.",
                self.rule(rule)
            ),
            Refusal::Unwritten(why) => {
                format!("A change was not made ({why}). Nothing was changed; try again.")
            }
            Refusal::NoRandomness => {
                "This browser gave no randomness for a team key, so no team was made. Update the browser and try again.".into()
            }
            Refusal::NeedsStorage => {
                "Team sync needs storage on this device. Leave private browsing or allow site storage, then try again.".into()
            }
            Refusal::AlreadyInTeam => "This device already syncs with a team.".into(),
            Refusal::NotAdmin => {
                "Only the device that started the team can remove devices.".into()
            }
            Refusal::BadInvite => {
                "That invite link is not complete. Ask a colleague for the link again, or scan its code.".into()
            }
            Refusal::TeamChangeUnreadable(why) => format!(
                "A change from the team could not be read ({why}). Everything else was applied; nothing of yours is lost."
            ),
            Refusal::NoDemo(why) => format!("The demo workspace could not be loaded ({why})."),
        }
    }
}

/// "1 piece", "3 pieces".
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What a limit of the relay's operator means for the rep (after "Your work
/// is saved on this device.").
fn limit(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::QuotaExceeded => {
            "Your team has used all the space or devices this relay gives it. Nothing is lost; ask your team's admin to contact the relay's operator."
        }
        ErrorCode::RateLimited => {
            "Your team sent a great deal at once; syncing resumes in a minute by itself."
        }
        ErrorCode::RelayFull => {
            "The relay is out of disk space. Your changes wait here and go up once its operator frees some."
        }
        ErrorCode::TeamCreationClosed => {
            "This relay starts new teams only for its operator. Ask the operator, or join a colleague's team by an invite link."
        }
        ErrorCode::TooManyConnections => "The relay is busy; sync tries again shortly by itself.",
        ErrorCode::TimedOut => {
            "The connection to the relay was too slow; sync tries again by itself."
        }
        _ => "The relay refused; sync tries again by itself.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::RecordKey;

    /// Each limit of the relay's operator is said in its own words, and a
    /// planted key in words that say nothing changed.
    #[test]
    fn the_relays_limits_and_a_refused_key_are_said_in_words() {
        let say = |problem: Problem| {
            English.sync_detail(&SyncState::Phase(SyncPhase::Problem(problem)), 0)
        };
        let codes = [
            ErrorCode::QuotaExceeded,
            ErrorCode::RateLimited,
            ErrorCode::RelayFull,
            ErrorCode::TeamCreationClosed,
            ErrorCode::TooManyConnections,
            ErrorCode::TimedOut,
        ];
        let said: Vec<String> = codes
            .iter()
            .map(|&code| say(Problem::Limit(code)))
            .collect();
        for (code, words) in codes.iter().zip(&said) {
            assert!(
                words.starts_with("Your work is saved on this device."),
                "{code:?}: {words}"
            );
            assert!(
                !words.contains("Limit") && !words.contains(&format!("{code:?}")),
                "{words}"
            );
        }
        let distinct: std::collections::BTreeSet<&String> = said.iter().collect();
        assert_eq!(distinct.len(), codes.len(), "one message per limit");
        assert!(say(Problem::ForgedKey).contains("Nothing was changed"));
    }
    use crate::sync::{SyncEvent, SyncStatus};
    use chrono::{DateTime, TimeZone, Utc};

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 27, h, 0, 0).unwrap()
    }

    fn run(events: impl IntoIterator<Item = SyncEvent>) -> SyncStatus {
        events
            .into_iter()
            .fold(SyncStatus::default(), SyncStatus::on)
    }

    #[test]
    fn the_update_banner_names_the_build_and_how_to_use_it() {
        let en = English;
        assert_eq!(
            en.update_ready("1702e4c4bf4b"),
            "A new version of Rapport (build 1702e4c4bf4b) is ready — reload to use it."
        );
        assert_eq!(
            en.text(Key::SaveOrDiscardFirst),
            "Save or discard your changes first."
        );
    }

    #[test]
    fn notices_say_what_happened_in_whole_sentences() {
        let en = English;
        assert!(
            en.notice(&Notice::QuotaExceeded { unsaved: 1 })
                .contains("Your last change is kept in this tab")
        );
        assert!(
            en.notice(&Notice::QuotaExceeded { unsaved: 3 })
                .contains("Your last 3 changes are kept")
        );
        assert!(
            en.notice(&Notice::SetAside { count: 1 })
                .starts_with("1 piece of stored data was damaged and set aside")
        );
        assert!(
            en.notice(&Notice::SetAside { count: 2 })
                .starts_with("2 pieces")
        );
    }

    /// Only a command refused by the document suggests another device or
    /// tab changed the record; a team's refusal says what it is about.
    #[test]
    fn refusals_get_their_own_words() {
        let en = English;
        let rule = en.notice(&Notice::Refused(Refusal::Rule(DomainError::Unknown(
            RecordKey::Account(crate::domain::AccountId::random()),
        ))));
        assert!(
            rule.contains("may have changed on another device or tab"),
            "{rule}"
        );
        assert!(rule.contains("no longer exists"), "{rule}");
        for refusal in [
            Refusal::AlreadyInTeam,
            Refusal::NotAdmin,
            Refusal::BadInvite,
            Refusal::NeedsStorage,
            Refusal::NoRandomness,
        ] {
            let text = en.notice(&Notice::Refused(refusal.clone()));
            assert!(
                !text.contains("another device or tab"),
                "{refusal:?}: {text}"
            );
            assert!(text.ends_with('.'), "{refusal:?}: a whole sentence: {text}");
        }
    }

    fn detail(status: &SyncStatus) -> String {
        English.sync_detail(&SyncState::Phase(status.phase.clone()), status.pending)
    }

    fn headline(status: &SyncStatus, zone: FixedOffset) -> String {
        English.sync_headline(&SyncState::Phase(status.phase.clone()), zone)
    }

    #[test]
    fn trouble_and_another_tab_are_said_too() {
        let en = English;
        let zone = FixedOffset::east_opt(0).unwrap();
        let trouble = SyncState::Trouble(ReportKind::Unopened);
        assert_eq!(en.sync_headline(&trouble, zone), "Sync needs attention");
        assert!(
            en.sync_detail(&trouble, 0)
                .starts_with("Your work is saved on this device. Some of")
        );
        assert_eq!(
            en.sync_headline(&SyncState::OtherTab, zone),
            "Synced by another tab"
        );
        assert_eq!(trouble.slug(), "problem");
        assert_eq!(SyncState::OtherTab.slug(), "other-tab");
    }

    #[test]
    fn the_sync_indicator_reassures_and_says_what_to_do() {
        let s = run([
            SyncEvent::LocalChange(1),
            SyncEvent::Connected,
            SyncEvent::Offline,
        ]);
        assert!(detail(&s).contains("saved on this device"));

        let s = run([
            SyncEvent::TeamJoined,
            SyncEvent::Connected,
            SyncEvent::LocalChange(1),
            SyncEvent::Uploaded(1),
            SyncEvent::Settled(at(10)),
        ]);
        assert_eq!(
            headline(&s, FixedOffset::east_opt(0).unwrap()),
            "Up to date · 10:00"
        );
        let moscow = FixedOffset::east_opt(3 * 3600).unwrap();
        assert_eq!(headline(&s, moscow), "Up to date · 13:00");

        let s = run([
            SyncEvent::TeamJoined,
            SyncEvent::Connected,
            SyncEvent::Settled(at(9)),
            SyncEvent::Offline,
            SyncEvent::LocalChange(1),
            SyncEvent::LocalChange(1),
        ]);
        assert_eq!(
            detail(&s),
            "Your work is saved on this device and will sync when you are online. 2 changes are waiting to be sent."
        );

        let s = run([
            SyncEvent::TeamJoined,
            SyncEvent::Connected,
            SyncEvent::Settled(at(8)),
        ])
        .on(SyncEvent::LocalChange(1));
        assert!(detail(&s).contains("1 change is waiting"));

        let s = run([
            SyncEvent::TeamJoined,
            SyncEvent::Connected,
            SyncEvent::Failed(Problem::NotAdmitted),
            SyncEvent::Offline,
        ]);
        let detail = detail(&s);
        assert!(detail.contains("Ask your team's admin for a new invite"));
        assert!(detail.starts_with("Your work is saved on this device."));
    }

    #[test]
    fn numbers_are_grouped_and_fields_named_as_the_forms_do() {
        let en = English;
        assert_eq!(en.number(1_000_000), "1,000,000");
        assert_eq!(en.number(999), "999");
        assert_eq!(en.field("accounts", "note"), "Standing notes");
        assert_eq!(en.field("contacts", "phone"), "Phone");
        assert_eq!(en.field("contacts", "later"), "later");
    }

    /// Every field a form shows is labelled, and the conflicts block (which
    /// names fields as stored) says the same.
    #[test]
    fn every_field_has_the_label_its_form_shows() {
        use crate::domain::{
            Account, AccountField, AdoptionCheck, Contact, ContactField, Detail, EarlyWarning,
            Field, Remark, Touch, TouchField,
        };
        use crate::ui::words::label;

        fn all<K: crate::domain::Record>() -> Vec<(String, &'static str)> {
            <K::Field as Field>::ALL
                .iter()
                .map(|f| (label::<K>(*f), f.name()))
                .collect()
        }
        for (label, stored) in all::<Account>()
            .into_iter()
            .chain(all::<Contact>())
            .chain(all::<Touch>())
            .chain(all::<Detail>())
            .chain(all::<AdoptionCheck>())
            .chain(all::<Remark>())
            .chain(all::<EarlyWarning>())
        {
            assert_ne!(label, stored, "{stored} has no label");
        }
        assert_eq!(label::<Account>(AccountField::Name), "Company name");
        assert_eq!(
            label::<Contact>(ContactField::Note),
            "Small things to remember"
        );
        assert_eq!(label::<Touch>(TouchField::Contact), "With");
    }

    #[test]
    fn health_factors_read_as_one_line_each() {
        use crate::domain::{OpenRemarks, StayInTouch};
        let day = |text| Day::parse(text).unwrap();
        let touch = StayInTouch {
            cadence: Cadence {
                days: 14,
                from: CadenceFrom::Stage(Stage::Exploration),
            },
            last_touch: Some(day("2026-11-01")),
            due: day("2026-11-15"),
            state: TouchState::Overdue { days: 9 },
        };
        assert_eq!(
            English.factor(&Factor::Touch(Some(touch))),
            "Touch: overdue by 9 days, every 14 days (exploration's)"
        );
        assert_eq!(
            English.factor(&Factor::Remarks(OpenRemarks {
                ever: 3,
                open: 2,
                oldest_days: 20
            })),
            "Remarks: 2 waiting for an answer, the oldest for 20 days"
        );
        assert_eq!(
            English.health_since(Some((Status::Healthy, day("2026-11-20")))),
            "since 2026-11-20; healthy before"
        );
    }

    #[test]
    fn touch_kinds_have_names_and_log_buttons() {
        let en = English;
        let names: Vec<_> = TouchKind::ALL.map(|k| en.touch_kind(k)).into();
        assert_eq!(
            names,
            ["Visit", "Call", "Email", "Message", "Thank\u{2011}you"]
        );
        let buttons: Vec<_> = TouchKind::ALL.map(|k| en.log_touch(k)).into();
        assert_eq!(
            buttons,
            [
                "Log visit",
                "Log call",
                "Log email",
                "Log message",
                "Log thank-you"
            ]
        );
    }

    #[test]
    fn account_counts_take_the_count_and_group_it() {
        let en = English;
        assert_eq!(en.accounts(0), "0 accounts");
        assert_eq!(en.accounts(1), "1 account");
        assert_eq!(en.accounts(2), "2 accounts");
        assert_eq!(en.accounts(40), "40 accounts");
        assert_eq!(en.accounts(12_345), "12,345 accounts");
        assert_eq!(
            en.accounts_shown(200, 1_000),
            "200 of 1,000 accounts — type to narrow"
        );
    }

    #[test]
    fn rows_and_stamps_name_the_day_and_the_people() {
        let en = English;
        let day = Day(chrono::NaiveDate::from_ymd_opt(2026, 3, 9).unwrap());
        assert_eq!(en.last_touch(day), "last touch 2026-03-09");
        assert_eq!(
            en.no_account_matches("Zyxwv"),
            "No account matches “Zyxwv”."
        );
        assert_eq!(
            en.record_stamps("Анна", day, "Борис", "2026-03-10 14:05"),
            "Created by Анна on 2026-03-09; last changed by Борис on 2026-03-10 14:05."
        );
        assert_eq!(en.touch_with("Claire Martin"), "with Claire Martin");
        assert_eq!(en.touch_by("Анна Соколова"), "by Анна Соколова");
    }

    #[test]
    fn import_results_count_records_and_name_the_file() {
        let en = English;
        let file = "rapport.automerge.gz";
        assert_eq!(
            en.imported(file, 0),
            "“rapport.automerge.gz” holds nothing new: everything in it is already here."
        );
        assert_eq!(
            en.imported(file, 1),
            "Merged “rapport.automerge.gz”: 1 record added or updated. Nothing was replaced."
        );
        assert_eq!(
            en.imported(file, 2_500),
            "Merged “rapport.automerge.gz”: 2,500 records added or updated. Nothing was replaced."
        );
        assert_eq!(
            en.import_refused("x.bin", "not an automerge document"),
            "“x.bin” is not a Rapport workspace file (not an automerge document). Nothing was changed."
        );
        assert_eq!(
            en.file_unreadable("x.bin"),
            "Could not read “x.bin”. Nothing was changed."
        );
    }

    #[test]
    fn a_rep_without_a_name_reads_as_unnamed() {
        let en = English;
        assert_eq!(en.touch_by(""), "by Unnamed rep");
        assert_eq!(en.touch_by("Анна"), "by Анна");
        assert!(
            en.record_stamps(
                "",
                crate::domain::Day::parse("2026-12-01").unwrap(),
                "Tom",
                "x"
            )
            .starts_with("Created by Unnamed rep on 2026-12-01; last changed by Tom")
        );
    }

    /// A missing field is named in words ("the person it was made to", not
    /// "a to"), and the needs summary fills both of its figures.
    #[test]
    fn the_track_record_words_read_whole() {
        assert_eq!(
            English.rule(&DomainError::Empty { field: "to" }),
            "Please enter the person it was made to."
        );
        assert_eq!(
            English.rule(&DomainError::Empty { field: "name" }),
            "Please enter the name."
        );
        let needs = English.text(Key::NeedsMet);
        assert!(needs.contains("{met}") && needs.contains("{all}"));
    }

    /// The dates coming up say who, what, how soon and the day; the
    /// enums of details and checks all have names.
    #[test]
    fn dates_coming_up_and_findings_read_whole() {
        let en = English;
        let upcoming = Upcoming {
            day: Day::parse("2026-12-12").unwrap(),
            in_days: 3,
            detail: crate::domain::DetailId::random(),
            contact: crate::domain::ContactId::random(),
            account: crate::domain::AccountId::random(),
            category: DetailCategory::ImportantDate,
            text: "birthday".into(),
        };
        assert_eq!(
            en.date_coming_up("Мария Ивановна", &upcoming),
            "🎂 Мария Ивановна — birthday in 3 days (12 Dec)"
        );
        assert_eq!(en.in_days(0), "today");
        assert_eq!(en.in_days(1), "tomorrow");
        assert_eq!(en.in_days(14), "in 14 days");
        assert_eq!(en.detail_date(upcoming.day, true), "2026-12-12, every year");
        assert_eq!(en.finding(Finding::Partly), "Uses it partly");
        let names = DetailCategory::ALL.map(|c| en.detail_category(c));
        assert_eq!(names[4], "How to reach them");
        assert_eq!(FollowUp::ALL.map(|f| en.follow_up(f))[0], "Training");
    }

    /// The refusals of small details and adoption checks name their
    /// fields as the forms do.
    #[test]
    fn the_details_and_adoption_words_read_whole() {
        let day = |text| Day::parse(text).unwrap();
        assert_eq!(
            English.rule(&DomainError::NotAfter {
                field: "next_check",
                day: day("2026-03-01"),
                other: "checked_on",
                other_day: day("2026-03-01"),
            }),
            "The next check date (2026-03-01) must be after the check date (2026-03-01)."
        );
        assert_eq!(
            English.rule(&DomainError::Empty { field: "text" }),
            "Please enter the text."
        );
        assert_eq!(
            English.rule(&DomainError::Empty { field: "date" }),
            "Please enter the date."
        );
        assert_eq!(
            English.rule(&DomainError::NumberOutOfRange {
                field: "within_days",
                value: 400,
                min: 0,
                max: 366,
            }),
            "The number of days ahead must be a whole number from 0 to 366."
        );
    }

    /// Every choice of the remark and warning forms has words of its own,
    /// and an open remark's age reads whole.
    #[test]
    fn the_feedback_choices_have_words() {
        use crate::domain::WarningRole;
        use std::collections::BTreeSet;
        let en = English;
        fn distinct<T: Copy>(all: &[T], say: impl Fn(T) -> &'static str) -> usize {
            all.iter().map(|c| say(*c)).collect::<BTreeSet<_>>().len()
        }
        assert_eq!(distinct(Role::ALL, |c| en.role(c)), Role::ALL.len());
        assert_eq!(distinct(Topic::ALL, |c| en.topic(c)), Topic::ALL.len());
        assert_eq!(distinct(Sentiment::ALL, |c| en.sentiment(c)), 3);
        assert_eq!(distinct(Severity::ALL, |c| en.severity(c)), 2);
        assert_eq!(distinct(RemarkEnd::ALL, |c| en.remark_end(c)), 2);
        assert_eq!(distinct(Seriousness::ALL, |c| en.seriousness(c)), 3);
        assert_eq!(distinct(WarningEnd::ALL, |c| en.warning_end(c)), 2);
        assert_eq!(en.warning_role(WarningRole::Technical), "Technical staff");
        assert_eq!(en.remark_age(0), "open since today");
        assert_eq!(en.remark_age(1), "open for 1 day");
        assert_eq!(en.remark_age(12), "open for 12 days");
        assert!(en.text(Key::ComplaintSavedWarningOpen).contains("{why}"));
        assert_eq!(
            English.rule(&DomainError::Empty { field: "action" }),
            "Please enter the action taken."
        );
    }
}
