//! Where an incremental rebuild's time goes: the newest note of a journal
//! is saved again and again with a new number of calls (as `watch` sees a
//! save), and each stage of the rebuild is timed on its own, then the whole
//! build (render and write) of a watch session's builder.
//!
//! ```text
//! cargo run --release --example stages -- JOURNAL OUTPUT [YYYY-MM-DD]
//! ```
//!
//! A profiling aid, not a benchmark (`cargo bench` and `bench/` are): the
//! stages run on one thread one after the other, so their sum is not the
//! build's time.

use saleslog::analyse::{self, Days};
use saleslog::model::diagnostic::Tally;
use saleslog::render::{Links, Renderer, Site};
use saleslog::site::build::Builder;
use saleslog::site::workspace::Workspace;
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(out)) = (args.next(), args.next()) else {
        eprintln!("usage: stages JOURNAL OUTPUT [YYYY-MM-DD]");
        std::process::exit(2);
    };
    let as_of = args.next().map_or(chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(), |d| d.parse().unwrap());
    let mut ws = Workspace::load(&PathBuf::from(dir)).unwrap();
    let mut builder = Builder::for_watch(&ws, &PathBuf::from(out)).unwrap();
    builder.build(&ws, as_of).unwrap();
    let renderer = Renderer::builtin().unwrap().memoizing();
    renderer.render_site(&ws, as_of).unwrap();

    let note = std::path::absolute(&ws.sources.values().next_back().unwrap().path).unwrap();
    let original = std::fs::read_to_string(&note).unwrap();
    let names = ["re-read the note", "fold + problems", "days", "figures", "site", "render", "build (watch)"];
    let mut total = [0f64; 7];
    let runs = 40;
    for run in 0..runs {
        let text = match original.find("calls: ") {
            Some(at) => {
                let end = at + 7 + original[at + 7..].find(|c: char| !c.is_ascii_digit()).unwrap_or(0);
                format!("{}calls: {}{}", &original[..at], 9000 + run, &original[end..])
            }
            None => format!("{original}\nSaved again ({run}).\n"),
        };
        std::fs::write(&note, text).unwrap();
        let mut lap = Instant::now();
        let mut time = |stage: usize| {
            total[stage] += lap.elapsed().as_secs_f64();
            lap = Instant::now();
        };
        ws.refresh_known(std::slice::from_ref(&note)).expect("a known note");
        time(0);
        let (journal, diagnostics) = ws.journal_and_diagnostics(as_of);
        let journal = std::sync::Arc::new(journal);
        let all = ws.notes();
        time(1);
        let days = Days::new(&journal, &ws.config);
        time(2);
        let figures = analyse::analyse_days(&journal, &ws.config, Tally::of(&diagnostics), &days);
        time(3);
        let site =
            Site::new(&ws.config, &journal, &all, &figures, &days, &diagnostics, Links::of(&all, &journal), None);
        time(4);
        renderer.render(&site).unwrap();
        time(5);
        drop(site);
        builder.build(&ws, as_of).unwrap();
        time(6);
    }
    std::fs::write(&note, original).unwrap();
    for (name, t) in names.iter().zip(total) {
        println!("{name:18} {:7.2} ms", t * 1000.0 / f64::from(runs));
    }
}
