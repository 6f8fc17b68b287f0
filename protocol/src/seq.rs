//! A device's own upload counter.

use core::fmt;

use serde::{Deserialize, Serialize};

/// The position of a chunk among one device's uploads: 1 for its first,
/// then 2, 3, … The relay keys idempotency on (team, device, seq), so a
/// device retrying an upload after a lost Ack must reuse the same seq.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Seq(pub u64);

impl Seq {
    /// A device's first upload.
    pub const FIRST: Seq = Seq(1);

    /// The seq after this one.
    #[must_use]
    pub const fn next(self) -> Seq {
        Seq(self.0 + 1)
    }
}

impl fmt::Display for Seq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
