//! The relay's `Session`s over a fresh SQLite store, driven by a script of
//! frames on a few connections; see `rapport_fuzz::relay` for what each
//! step is checked against and `rapport_fuzz::script` for the input format.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rapport_fuzz::relay::run(data));
