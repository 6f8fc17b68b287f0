//! `ClientFrame::decode` on any bytes: no panic, and what decodes
//! round-trips. See `rapport_fuzz::round_trip`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rapport_fuzz::round_trip::client_frame(data));
