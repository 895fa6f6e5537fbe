//! Criterion benchmarks of the pipeline's stages on a 10-year journal
//! (`../shared/tools/gen-journal --days 3650`, generated on first run into
//! the system temp folder): one note's parse, loading the journal, the
//! figures from memory, rendering every page, a full build, and the
//! incremental rebuild `watch` does after one note changed, and the
//! rescan that follows it.
//!
//! `cargo bench` (add `-- incremental` to run one). The whole-binary
//! comparison with the raw floor is `bench/bench.py`.

use criterion::{criterion_group, criterion_main, Criterion};
use saleslog::model::config::Config;
use saleslog::site::build::Builder;
use saleslog::site::workspace::Workspace;
use std::path::{Path, PathBuf};
use std::time::Duration;

const NOTE: &str = "---\ndate: 2026-11-27\nmood: 4\nenergy: 3\nactivity:\n  calls: 22\n  emails: 14\n  meetings: 2\n  proposals: 1\nwins: [\"Acme agreed to a pricing review\"]\ntags: [prospecting]\ndeals:\n  - name: \"Acme Corp\"\n    stage: proposal\n    amount: 48000\n    close: 2026-12-20\n    next: \"Pricing review with CFO\"\n    contact: \"Jane Doe\"\n    source: referral\ncommitments:\n  - id: acme-pricing\n    what: \"Send revised pricing\"\n    to: \"Jane Doe (Acme)\"\n    due: 2026-11-30\n---\n# Thursday 27 November 2026\n\nProspect account follow discovery budget timeline champion.\n\n## Calls\n- **Acme Corp**: pricing review booked.\n\n- [ ] Send the case study 📅 2026-12-01\n- [x] Call back Jane ✅ 2026-11-27\n";

fn journal() -> PathBuf {
    let dir = std::env::temp_dir().join("saleslog-bench").join("j3650");
    if !dir.exists() {
        let gen = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/gen-journal");
        let status = std::process::Command::new("python3")
            .arg(gen)
            .args(["--out", dir.to_str().unwrap(), "--days", "3650", "--seed", "1"])
            .status()
            .expect("run gen-journal");
        assert!(status.success());
    }
    dir
}

fn as_of() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
}

fn stages(c: &mut Criterion) {
    let config = Config::default();
    c.bench_function("parse one note", |b| b.iter(|| saleslog::model::note::parse("2026-11-27.md", NOTE, &config)));

    let dir = journal();
    let out = std::env::temp_dir().join("saleslog-bench").join("site3650");
    let mut group = c.benchmark_group("10-year journal");
    group.sample_size(10).measurement_time(Duration::from_secs(8));
    group.bench_function("load (discover + read + parse)", |b| b.iter(|| Workspace::load(&dir).unwrap()));
    let ws = Workspace::load(&dir).unwrap();
    group.bench_function("figures from memory", |b| b.iter(|| ws.figures(as_of())));
    let one_shot = Builder::new(&ws, &out).unwrap();
    group.bench_function("render every page", |b| b.iter(|| one_shot.render(&ws, as_of()).unwrap()));
    // A watch session's builder remembers its pages.
    let mut builder = Builder::for_watch(&ws, &out).unwrap();
    builder.build(&ws, as_of()).unwrap();
    group.bench_function("render every page again (watch)", |b| b.iter(|| builder.render(&ws, as_of()).unwrap()));
    group.bench_function("full build (output present)", |b| {
        b.iter(|| {
            let ws = Workspace::load(&dir).unwrap();
            Builder::new(&ws, &out).unwrap().build(&ws, as_of()).unwrap()
        })
    });

    // The incremental path of `watch`: one note changed on disk, the
    // watcher names it, it alone is re-read, the figures recomputed, the
    // pages whose inputs changed rendered, those whose bytes changed
    // written. Two saves: a sentence added to the body (the note's page
    // changes), and the day's calls changed (its page, its week, its
    // year's notes index, the dashboard and the activity page change).
    let mut ws = ws;
    let note = std::path::absolute(&ws.sources.values().next_back().unwrap().path).unwrap();
    let original = std::fs::read_to_string(&note).unwrap();
    let calls = original.find("calls: ").expect("the note has calls") + "calls: ".len();
    let digits = original[calls..].find(|c: char| !c.is_ascii_digit()).unwrap();
    type Save<'a> = Box<dyn Fn(u32) -> String + 'a>;
    let saves: [(&str, Save); 2] = [
        (
            "incremental rebuild (one note's text changed)",
            Box::new(|n| format!("{original}\nOne more line ({}).\n", n % 2)),
        ),
        (
            "incremental rebuild (one note's calls changed)",
            Box::new(|n| format!("{}{}{}", &original[..calls], 9000 + n % 2, &original[calls + digits..])),
        ),
    ];
    for (name, save) in saves {
        let mut n = 0;
        group.bench_function(name, |b| {
            b.iter(|| {
                n += 1;
                std::fs::write(&note, save(n)).unwrap();
                // As `watch` does (the rescan that follows is not timed).
                ws.refresh_known(std::slice::from_ref(&note)).expect("a known note");
                builder.build(&ws, as_of()).unwrap()
            })
        });
    }
    std::fs::write(&note, original).unwrap();

    // The rescan `watch` runs after every partial rebuild (events are never
    // trusted alone), and every refresh of a member in a team session:
    // walk the folder, stat every note, re-read none.
    ws.refresh().unwrap();
    group.bench_function("rescan, nothing changed", |b| {
        b.iter(|| assert!(ws.refresh().unwrap().is_empty(), "nothing changed"))
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
