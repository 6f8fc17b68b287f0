//! Postcard encoding shared by both frame types.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::ProtocolError;

pub(crate) fn encode<T: Serialize>(frame: &T) -> Vec<u8> {
    // Postcard fails only on sequences of unknown length or custom
    // serializer errors; frames have neither.
    postcard::to_allocvec(frame).expect("frames always encode")
}

/// Decodes one whole frame; stray bytes after it are an error.
pub(crate) fn decode<T: DeserializeOwned>(
    bytes: &[u8],
    what: &'static str,
) -> Result<T, ProtocolError> {
    let (frame, rest) = postcard::take_from_bytes(bytes)
        .map_err(|source| ProtocolError::Decode { what, source })?;
    if rest.is_empty() {
        Ok(frame)
    } else {
        Err(ProtocolError::TrailingBytes {
            what,
            extra: rest.len(),
        })
    }
}
