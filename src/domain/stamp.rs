//! Who did something, on which device, and when. Every record carries a
//! `created` and an `updated` stamp, and a deleted record a `deleted` one.

use autosurgeon::{Hydrate, Reconcile};
use chrono::{DateTime, Timelike, Utc};
use serde::{Deserialize, Serialize};

/// The rep at the keyboard and the device they use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    /// The rep's name as they typed it in the settings.
    pub name: String,
    /// This device's [`DeviceId`](crate::domain::DeviceId) as text: the id
    /// it also has in storage and to the relay.
    pub device: String,
}

/// A moment with its author.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Stamp {
    /// The rep's name.
    pub by: String,
    /// The device id as text (stamps written before the device had one
    /// id everywhere hold the hyphenated UUID it had then).
    pub device: String,
    /// Milliseconds since the Unix epoch, UTC. The stamp's key: a stamp of
    /// another moment is written as a new object rather than field by field
    /// over the old one, so two devices' concurrent edits keep two whole
    /// stamps (who and when for each side of a conflict).
    #[key]
    pub at: i64,
}

impl Stamp {
    /// A stamp for `author` at `now`.
    pub fn new(author: &Author, now: DateTime<Utc>) -> Self {
        Self {
            by: author.name.clone(),
            device: author.device.clone(),
            at: now.timestamp_millis(),
        }
    }

    /// The stamp of a record nobody wrote yet (one the schema's upgrade
    /// made): no rep, no device, the epoch.
    pub fn nobody() -> Self {
        Self {
            by: String::new(),
            device: String::new(),
            at: 0,
        }
    }

    /// The moment as a UTC date-time (the epoch when the stored value is out of range).
    pub fn time(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(self.at).unwrap_or_default()
    }

    /// The day of the moment, in UTC (the same on every device).
    pub fn day(&self) -> crate::domain::Day {
        crate::domain::Day(self.time().date_naive())
    }

    /// "2026-11-27 16:05" in the device's time zone (what a rep reads),
    /// without chrono's strftime machinery.
    pub fn local_text(&self) -> String {
        let offset = *chrono::Local::now().offset();
        let t = self.time().with_timezone(&offset);
        format!(
            "{} {:02}:{:02}",
            crate::domain::Day(t.date_naive()),
            t.hour(),
            t.minute()
        )
    }
}

/// Who is editing and when: passed to every command, so commands stay pure
/// (the browser's clock is read once, at the edge).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "EditWire", try_from = "EditWire")]
pub struct Edit {
    /// The rep and device.
    pub author: Author,
    /// Now, UTC.
    pub at: DateTime<Utc>,
    /// The rep's local calendar day.
    pub today: chrono::NaiveDate,
}

impl Edit {
    /// The stamp this edit leaves on the records it touches.
    pub fn stamp(&self) -> Stamp {
        Stamp::new(&self.author, self.at)
    }
}

/// [`Edit`] as it travels between the app's threads: milliseconds and a
/// [`Day`](crate::domain::Day), so chrono's text formatting stays out of the
/// shipped wasm.
#[derive(Serialize, Deserialize)]
struct EditWire {
    author: Author,
    at_ms: i64,
    today: crate::domain::Day,
}

impl From<Edit> for EditWire {
    fn from(edit: Edit) -> Self {
        Self {
            author: edit.author,
            at_ms: edit.at.timestamp_millis(),
            today: crate::domain::Day(edit.today),
        }
    }
}

impl TryFrom<EditWire> for Edit {
    type Error = &'static str;

    fn try_from(wire: EditWire) -> Result<Self, Self::Error> {
        Ok(Self {
            author: wire.author,
            at: DateTime::from_timestamp_millis(wire.at_ms).ok_or("time out of range")?,
            today: wire.today.0,
        })
    }
}
