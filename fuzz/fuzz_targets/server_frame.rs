//! `ServerFrame::decode` on any bytes (what a device reads from a relay it
//! cannot trust): no panic, and what decodes round-trips. See
//! `rapport_fuzz::round_trip`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rapport_fuzz::round_trip::server_frame(data));
