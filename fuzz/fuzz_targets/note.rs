//! One note file's bytes through decoding, front matter, YAML, values and
//! body tasks; the same text as a configuration. See `fuzz/src/lib.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| saleslog_fuzz::check_note(data));
