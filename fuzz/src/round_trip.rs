//! The decoders' property: no panic, and whatever decodes round-trips.
//!
//! Round-tripping from the decoded frame (decode, encode, decode again)
//! rather than comparing bytes: postcard accepts non-canonical varints
//! (`0x80 0x00` for 0), so the same frame may arrive in several encodings,
//! and what matters is that both sides agree on the frame.

use rapport_protocol::{ClientFrame, ServerFrame};

/// `ClientFrame::decode` on any bytes.
pub fn client_frame(data: &[u8]) {
    if let Ok(frame) = ClientFrame::decode(data) {
        let again = ClientFrame::decode(&frame.encode())
            .unwrap_or_else(|error| panic!("a re-encoded {} fails: {error}", frame.name()));
        assert_eq!(again, frame, "a re-encoded {} differs", frame.name());
    }
}

/// `ServerFrame::decode` on any bytes.
pub fn server_frame(data: &[u8]) {
    if let Ok(frame) = ServerFrame::decode(data) {
        let again = ServerFrame::decode(&frame.encode())
            .unwrap_or_else(|error| panic!("a re-encoded {frame:?} fails: {error}"));
        assert_eq!(again, frame, "a re-encoded server frame differs");
    }
}
