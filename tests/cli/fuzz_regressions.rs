//! Inputs the fuzzers found (or that pin what they check), run through the
//! same checks as `fuzz/` so `cargo test` keeps them fixed without a
//! nightly toolchain.
//!
//! `tests/fixtures/fuzz-regressions/note-*.md` are single note files (the
//! `note` target); `journal-*` are a first byte (the as-of date) followed by
//! up to four notes separated by `\0` (the `journal` target). Name a new one
//! after the problem it pins.

#[allow(dead_code)]
#[path = "../../fuzz/src/lib.rs"]
mod checks;

use std::path::Path;

fn inputs(prefix: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz-regressions");
    let mut found: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    found.sort();
    assert!(!found.is_empty(), "no {prefix}* regression inputs");
    found
}

/// Run each input, naming the one that fails.
fn run_all(prefix: &str, check: fn(&[u8])) {
    for (name, bytes) in inputs(prefix) {
        if let Err(e) = std::panic::catch_unwind(|| check(&bytes)) {
            let message =
                e.downcast_ref::<String>().cloned().or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()));
            panic!("fuzz regression {name}: {}", message.unwrap_or_default());
        }
    }
}

#[test]
fn note_inputs_found_by_fuzzing_stay_fixed() {
    run_all("note-", checks::check_note);
}

#[test]
fn journal_inputs_found_by_fuzzing_stay_fixed() {
    run_all("journal-", checks::check_journal);
}

#[test]
fn the_sample_journal_passes_the_fuzz_checks() {
    let sample = crate::harness::Journal::sample();
    let mut notes: Vec<Vec<u8>> = walkdir::WalkDir::new(sample.path())
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".md"))
        .map(|e| std::fs::read(e.path()).unwrap())
        .collect();
    for note in &notes {
        checks::check_note(note);
    }
    // Four consecutive notes at a time, as the `journal` target reads them.
    notes.truncate(40);
    for (i, window) in notes.windows(4).enumerate() {
        let mut input = vec![i as u8];
        input.extend(window.join(&0u8));
        checks::check_journal(&input);
    }
}
