//! The relay's order of a team's chunks.

use core::fmt;

use serde::{Deserialize, Serialize};

/// A position in a team's log on the relay: every stored chunk gets the next
/// cursor (1, 2, 3, …). [`Cursor::START`] is "before the first chunk", the
/// `after` of a device that has fetched nothing yet.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct Cursor(pub u64);

impl Cursor {
    /// Before the first chunk.
    pub const START: Cursor = Cursor(0);
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
