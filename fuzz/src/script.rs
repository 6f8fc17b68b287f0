//! The `session` target's input: records, each one frame on one of
//! [`CONNECTIONS`] connections to the relay.
//!
//! A record is a tag byte, then for frames a little-endian `u16` length and
//! that many bytes (fewer if the input ends first: every input parses).
//! The tag's low two bits pick the connection; the rest, modulo 3, what to
//! do:
//!
//! - 0, [`Record::Raw`]: send the bytes as they are;
//! - 1, [`Record::Spec`]: build a frame from a [`Spec`] read from the bytes
//!   with `arbitrary`, and send its encoding;
//! - 2, [`Record::Reconnect`]: close the connection and open a new one
//!   (no length, no bytes).
//!
//! Raw records are what the committed seeds hold (valid frames, which the
//! fuzzer then mutates); spec records let it reach the admin and key frames
//! whose secrets it could never guess.

use arbitrary::{Arbitrary, Unstructured};
use rapport_protocol::ClientFrame;

use crate::spec::Spec;
use crate::team::Challenge;

/// How many connections a script drives at once.
pub const CONNECTIONS: usize = 4;

/// One step of a script.
#[derive(Clone, Debug)]
pub enum Record {
    /// These bytes, as one binary message on connection `.0`.
    Raw(usize, Vec<u8>),
    /// This frame, encoded, on connection `.0`.
    Spec(usize, Spec),
    /// Connection `.0` closes; the next frame on it opens a new one.
    Reconnect(usize),
}

impl Record {
    /// The connection the record is for.
    pub fn connection(&self) -> usize {
        match *self {
            Record::Raw(c, _) | Record::Spec(c, _) | Record::Reconnect(c) => c,
        }
    }

    /// The bytes to send, if any, on a connection whose last `Challenge`
    /// was `challenge` (what a `Prove` spec answers).
    pub fn bytes(&self, challenge: Option<&Challenge>) -> Option<Vec<u8>> {
        match self {
            Record::Raw(_, bytes) => Some(bytes.clone()),
            Record::Spec(_, spec) => Some(spec.frame(challenge).encode()),
            Record::Reconnect(_) => None,
        }
    }
}

/// The records of an input.
pub fn parse(mut data: &[u8]) -> Vec<Record> {
    let mut records = Vec::new();
    while let Some((&tag, rest)) = data.split_first() {
        let connection = usize::from(tag) % CONNECTIONS;
        let what = (tag >> 2) % 3;
        if what == 2 {
            records.push(Record::Reconnect(connection));
            data = rest;
            continue;
        }
        let (len, rest) = match rest {
            [lo, hi, rest @ ..] => (usize::from(u16::from_le_bytes([*lo, *hi])), rest),
            _ => (0, &[][..]),
        };
        let (bytes, rest) = rest.split_at(len.min(rest.len()));
        data = rest;
        records.push(if what == 0 {
            Record::Raw(connection, bytes.to_vec())
        } else {
            match Spec::arbitrary_take_rest(Unstructured::new(bytes)) {
                Ok(spec) => Record::Spec(connection, spec),
                // Too few bytes for any spec: send them raw instead.
                Err(_) => Record::Raw(connection, bytes.to_vec()),
            }
        });
    }
    records
}

/// The input holding `frames`, each raw on its connection: how seeds are
/// written.
pub fn raw(frames: &[(usize, ClientFrame)]) -> Vec<u8> {
    let mut data = Vec::new();
    for (connection, frame) in frames {
        let bytes = frame.encode();
        let len = u16::try_from(bytes.len()).expect("a seed frame under 64 KiB");
        data.push(u8::try_from(connection % CONNECTIONS).expect("under 4"));
        data.extend(len.to_le_bytes());
        data.extend(bytes);
    }
    data
}

/// A spec record for `connection` whose bytes are `arbitrary`'s input for
/// `spec`: how seeds hold a `Prove`, which depends on the relay's random
/// challenge and so has no fixed encoding. The bytes are the variant's
/// tag (a `u32`, little-endian: the variant is `tag * variants >> 32`)
/// then `fields`, those of `spec`'s fields in `arbitrary`'s format; the
/// tag is searched for, and the result checked to parse back to `spec`.
pub fn spec(connection: usize, spec: &Spec, fields: &[u8]) -> Vec<u8> {
    let wanted = format!("{spec:?}");
    let bytes = (0..=u8::MAX)
        .map(|top| {
            let mut bytes = u32::from(top).wrapping_shl(24).to_le_bytes().to_vec();
            bytes.extend(fields);
            bytes
        })
        .find(|bytes| {
            Spec::arbitrary_take_rest(Unstructured::new(bytes))
                .is_ok_and(|parsed| format!("{parsed:?}") == wanted)
        })
        .unwrap_or_else(|| panic!("no arbitrary input gives {wanted} with fields {fields:?}"));
    let len = u16::try_from(bytes.len()).expect("a spec under 64 KiB");
    let mut data = vec![u8::try_from(connection % CONNECTIONS).expect("under 4") | (1 << 2)];
    data.extend(len.to_le_bytes());
    data.extend(bytes);
    data
}

/// A reconnect record for `connection`, to splice between [`raw`] parts.
pub fn reconnect(connection: usize) -> Vec<u8> {
    vec![u8::try_from(connection % CONNECTIONS).expect("under 4") | (2 << 2)]
}
