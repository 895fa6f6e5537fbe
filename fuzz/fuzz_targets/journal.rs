//! A small journal of fuzzed notes through the model and every figure.
//! See `fuzz/src/lib.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| saleslog_fuzz::check_journal(data));
