//! The raw floor of issue 6: the least work any journal-to-pages tool must
//! do — read each note, split its front matter, parse the YAML, render the
//! markdown, render one tera page, write it — with nothing else (no model,
//! no figures, no aggregate pages). `bench/bench.py` times saleslog against
//! it so the ratio, not a machine-dependent number, is what we track.
//!
//! Usage: `cargo run --release --example floor -- JOURNAL OUT [THREADS]`

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

const PAGE: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>{{ title }}</title></head>\
<body><main><h1>{{ title }}</h1><dl>{% for k in keys %}<dt>{{ k }}</dt>{% endfor %}</dl>{{ body | safe }}</main></body></html>";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (journal, out) = (PathBuf::from(&args[1]), PathBuf::from(&args[2]));
    let threads: usize = args.get(3).and_then(|t| t.parse().ok()).unwrap_or(2);
    let files: Vec<PathBuf> = walkdir::WalkDir::new(&journal)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    let mut tera = tera::Tera::default();
    tera.add_raw_template("page.html", PAGE).expect("template");
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = files.get(i) else { break };
                page(&tera, &journal, &out, path);
            });
        }
    });
    println!("{} pages", files.len());
}

fn page(tera: &tera::Tera, journal: &Path, out: &Path, path: &Path) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let (yaml, body) = match text.strip_prefix("---\n").and_then(|rest| rest.split_once("\n---\n")) {
        Some((yaml, body)) => (yaml, body),
        None => ("", text.as_str()),
    };
    let value: serde_json::Value = serde_saphyr::from_str(yaml).unwrap_or(serde_json::Value::Null);
    let keys: Vec<String> = value.as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default();
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(body));
    let rel = path.strip_prefix(journal).unwrap_or(path);
    let mut context = tera::Context::new();
    context.insert("title", &rel.display().to_string());
    context.insert("keys", &keys);
    context.insert("body", &html);
    let page = tera.render("page.html", &context).expect("render");
    let target = out.join(rel).with_extension("html");
    std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
    std::fs::write(target, page).expect("write");
}
