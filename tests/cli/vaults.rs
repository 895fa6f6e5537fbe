//! SPEC §11: an Obsidian vault or a Logseq graph read as it is. Each
//! fixture is written twice — as a plain saleslog journal and as a vault
//! with the same content in the vault's own syntax (headings, callouts,
//! embeds, links, a templates folder, attachments, people pages) — and
//! both must give the same report, the same commitments (ids, status,
//! dates, counterparts) and the same check codes. The vault's files must be
//! byte-identical after every command.

use crate::harness::*;
use serde_json::Value;

/// A journal from `(path, text)` pairs.
fn journal(files: &[(&str, &str)]) -> Journal {
    let j = Journal::new();
    for (rel, text) in files {
        j.write(rel, text.as_bytes());
    }
    j
}

/// The commitments of `export --format json`, without where each was
/// written (the paths and origin differ between the twins by design).
fn commitments(j: &Journal) -> Vec<Value> {
    let run = j.run(&["export", "--format", "json", "--what", "commitments"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    let mut out: Vec<Value> = v["commitments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let mut c = c.clone();
            for k in ["made_in", "origin", "updated_in"] {
                c.as_object_mut().unwrap().remove(k);
            }
            c
        })
        .collect();
    out.sort_by_key(|c| c["id"].as_str().unwrap_or_default().to_string());
    out
}

/// `check --format json`: the codes and severities, sorted, and the exit code.
fn check(j: &Journal) -> (Vec<(String, String)>, i32, Vec<Value>) {
    let run = j.run(&["check", "--format", "json"]);
    let v: Vec<Value> = serde_json::from_str(&run.stdout).unwrap_or_else(|_| panic!("{}\n{}", run.stdout, run.stderr));
    let mut codes: Vec<(String, String)> =
        v.iter().map(|d| (d["code"].as_str().unwrap().into(), d["severity"].as_str().unwrap().into())).collect();
    codes.sort();
    (codes, run.code, v)
}

/// The twins give the same figures, commitments and check codes, and no
/// command but `init`/`new` changes a byte of the vault. Returns the vault's
/// diagnostics (file, line, column, code) for the caller's own asserts.
fn same(plain: &Journal, vault: &Journal) -> Vec<(String, u64, u64, String)> {
    let before = tree(vault.path());
    let report = vault.report_json();
    assert_eq!(report, plain.report_json(), "report --format json differs");
    assert!(report["notes"].as_u64().unwrap() > 0, "the vault has notes");
    assert_eq!(commitments(vault), commitments(plain), "commitments differ");
    let (codes, code, diagnostics) = check(vault);
    let (plain_codes, plain_code, _) = check(plain);
    assert_eq!((codes, code), (plain_codes, plain_code), "check codes differ");
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let run = vault.run(&["build", "-o", site.to_str().unwrap()]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    assert!(site.join("index.html").is_file());
    assert_eq!(tree(vault.path()), before, "a command changed the vault");
    diagnostics
        .iter()
        .map(|d| {
            let file = d["file"].as_str().unwrap().to_string();
            assert!(vault.join(&file).is_file(), "{file} is a file of the vault");
            (file, d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap(), d["code"].as_str().unwrap().to_string())
        })
        .collect()
}

const CONFIG: &str = "activities: [calls, emails, meetings]\ngoals:\n  daily: {calls: 20}\n";

fn config(dialect: &str) -> String {
    format!("dialect: {dialect}\n{CONFIG}")
}

/// Obsidian out of the box: no daily-notes.json, notes at the vault root
/// named YYYY-MM-DD, whole-line fields, Tasks emoji, people pages,
/// templates, attachments.
#[test]
fn obsidian_default_daily_notes() {
    let plain = journal(&[
        ("saleslog.yaml", CONFIG),
        (
            "2026-11-25.md",
            "---\nmood: 4\nenergy: 3\nactivity:\n  calls: 22\n  emails: 9\nwins: Acme asked for pricing\ncommitments:\n  - what: \"Send pricing to [[Acme]]\"\n    to: Acme\n    due: 2026-11-30\n---\n# Wednesday\n\n- [x] Call back Jane ✅ 2026-11-25\n",
        ),
        (
            "2026-11-26.md",
            "---\nmood: 3\nactivity:\n  calls: 18\n  meetings: 2\nhelp: Legal review of the MSA\ncommitments:\n  - what: \"Send the deck to [[Bob Smith]]\"\n    to: Bob Smith\n    due: 2026-11-28\n---\n- [ ] Book the QBR 📅 2026-12-04\n",
        ),
    ]);
    let vault = journal(&[
        ("saleslog.yaml", &config("obsidian")),
        (".obsidian/app.json", "{\"attachmentFolderPath\": \"attachments\"}\n"),
        (".obsidian/workspace.json", "{\"main\": {}}\n"),
        (
            "2026-11-25.md",
            "# Wednesday\n\nmood:: 4\nenergy:: 3\n\n## Activity\n- calls:: 22\n- emails:: 9\n\n> [!success] Wins\n> wins:: Acme asked for pricing\n\n![[pricing-sheet.png]]\n\n## Tasks\n- [ ] Send pricing to [[Acme]] ⏫ 📅 2026-11-30\n- [x] Call back Jane ✅ 2026-11-25\n",
        ),
        (
            "2026-11-26.md",
            "Mood:: 3\n**Calls**:: 18\nmeetings:: 2\nhelp:: Legal review of the MSA\n\n- [ ] Send the deck to [[Bob Smith]] 📅 2026-11-28 ^deck\n- [ ] Book the QBR ➕ 2026-11-26 📅 2026-12-04\n\n```dataview\nTASK FROM \"\" WHERE !completed\n- [ ] not a task\n```\n",
        ),
        ("Bob Smith.md", "---\naliases: [Bob]\n---\n# Bob Smith\nVP Sales at [[Acme]]. calls:: 99\n- [ ] not a daily note's task\n"),
        ("Acme.md", "# Acme\n[[Bob Smith]]\n"),
        ("Templates/Daily.md", "# {{date}}\n\nmood:: \ncalls:: \n- [ ] \n"),
        ("attachments/pricing-sheet.png", "\u{89}PNG fake bytes"),
        ("Meetings/2026-11-26 Acme discovery.md", "# Acme discovery\n- [ ] Follow up\n"),
    ]);
    let found = same(&plain, &vault);
    assert!(found.iter().all(|d| !d.0.contains("Bob") && !d.0.contains("Templates")), "{found:?}");
    let c = commitments(&vault);
    let deck = c.iter().find(|c| c["id"] == "2026-11-26-send-the-deck-to-bob-smith").unwrap();
    assert_eq!((deck["to"].as_str(), deck["due"].as_str()), (Some("Bob Smith"), Some("2026-11-28")));
    let pricing = c.iter().find(|c| c["id"] == "2026-11-25-send-pricing-to-acme").unwrap();
    assert_eq!(pricing["to"], "Acme");
}

/// daily-notes.json with a folder and `DD.MM.YYYY`; bracketed inline
/// fields, Dataview task fields, dropped tasks (`- [-]`, ❌).
#[test]
fn obsidian_daily_folder_and_dataview_forms() {
    let plain = journal(&[
        ("saleslog.yaml", CONFIG),
        (
            "2026-11-24.md",
            "---\nmood: 2\nenergy: 4\nactivity:\n  calls: 25\ncommitments:\n  - what: Old pilot idea\n    dropped: true\n  - what: Drop the webinar\n    dropped: 2026-11-26\n    due: 2026-11-25\n---\n- [ ] Pricing for Beta 📅 2026-11-27\n- [x] Demo to Gamma ✅ 2026-11-24\n",
        ),
        ("2026-11-26.md", "---\nmood: 5\nactivity:\n  calls: 21\n  emails: 4\ntags: [q4, renewal]\n---\n"),
    ]);
    let vault = journal(&[
        ("saleslog.yaml", &config("obsidian")),
        (
            ".obsidian/daily-notes.json",
            "{\n  \"folder\": \"Daily\",\n  \"format\": \"DD.MM.YYYY\",\n  \"template\": \"Templates/Daily\"\n}",
        ),
        (
            "Daily/24.11.2026.md",
            "# Monday\nA rough start [mood:: 2] but rested (energy:: 3 ) — no, [[Energy|energy]] was fine.\n",
        ),
        ("Templates/Daily.md", "[mood:: ] (energy:: )\n"),
        ("Daily/26.11.2026.md", "---\ntags:\n  - q4\n  - renewal\n---\n[mood:: 5] [calls:: 21] (emails:: 4)\n"),
        ("Daily/2026-11-25.md", "not in the daily format: not a note\n"),
        ("Weekly/2026-W48.md", "# Week 48\ncalls:: 100\n"),
    ]);
    // Energy was 4: the vault's first page says so once.
    vault.write(
        "Daily/24.11.2026.md",
        "# Monday\nA rough start [mood:: 2] but rested (energy:: 4).\n\n- calls:: 25\n\n> [!todo]\n> - [ ] Pricing for Beta [due:: 2026-11-27]\n> - [x] Demo to Gamma [completion:: 2026-11-24]\n\n- [-] Old pilot idea\n- [ ] Drop the webinar 📅 2026-11-25 ❌ 2026-11-26\n".as_bytes(),
    );
    same(&plain, &vault);
}

/// Periodic Notes with `YYYY/MM/YYYY-MM-DD` in a folder; Obsidian
/// properties (lists, dates, checkboxes) with deals in the front matter,
/// and both front matter and inline fields in one note.
#[test]
fn obsidian_periodic_notes_with_deals_in_properties() {
    let deals = "deals:\n  - name: Acme Corp\n    stage: proposal\n    amount: 48000\n    close: 2026-12-20\n    next: Pricing review\n";
    let plain = journal(&[
        ("saleslog.yaml", &format!("{CONFIG}quota: {{amount: 300000, period: quarter}}\n")),
        ("2026-11-23.md", &format!("---\n{deals}mood: 4\nactivity:\n  calls: 20\n---\n")),
        (
            "2026-11-27.md",
            "---\ndeals:\n  - id: acme-corp\n    stage: negotiation\nmood: 4\noff: false\nactivity:\n  calls: 12\n  meetings: 1\nwins:\n  - Acme to negotiation\n  - Referral from Jane\n---\n",
        ),
        ("2026-11-20.md", "---\noff: PTO\n---\n"),
    ]);
    let vault = journal(&[
        ("saleslog.yaml", &format!("dialect: obsidian\n{CONFIG}quota: {{amount: 300000, period: quarter}}\n")),
        (".obsidian/daily-notes.json", "{\"folder\": \"Elsewhere\", \"format\": \"YYYY-MM-DD\"}"),
        (".obsidian/community-plugins.json", "[\"periodic-notes\", \"dataview\", \"obsidian-tasks-plugin\"]"),
        (
            ".obsidian/plugins/periodic-notes/data.json",
            "{\"daily\": {\"enabled\": true, \"folder\": \"Journal\", \"format\": \"YYYY/MM/YYYY-MM-DD\", \"template\": \"\"}, \"weekly\": {\"enabled\": true, \"folder\": \"Journal\", \"format\": \"gggg-[W]ww\"}}",
        ),
        ("Journal/2026/11/2026-11-23.md", &format!("---\n{deals}---\nmood:: 4\ncalls:: 20\n")),
        (
            "Journal/2026/11/2026-11-27.md",
            "---\ndeals:\n  - id: acme-corp\n    stage: negotiation\noff: false\nactivity:\n  calls: 12\n---\nmood:: 4\nmeetings:: 1\nwins:: Acme to negotiation\nwins:: Referral from Jane\n",
        ),
        ("Journal/2026/11/2026-11-20.md", "off:: PTO\n"),
        ("Journal/2026-W48.md", "# Week 48\n"),
        ("Elsewhere/2026-11-24.md", "calls:: 50\n"),
        ("Excalidraw/Drawing 2026-11-27.excalidraw.md", "---\nexcalidraw-plugin: parsed\n---\n"),
    ]);
    same(&plain, &vault);
    assert_eq!(vault.report_json()["pipeline"]["open_deals"], 1);
}

/// English month and day names in the format, `activity.` fields, Tasks'
/// recurrence, priorities, ids and dependencies, aliased links, and the
/// problems a vault can have, located in the vault's own text.
#[test]
fn obsidian_named_dates_and_located_problems() {
    let plain = journal(&[
        ("saleslog.yaml", CONFIG),
        (
            "2026-11-26.md",
            "---\nmood: high\nmod: 4\nweather: sunny\nactivity:\n  calls: 3\n  demos: 1\ncommitments:\n  - what: \"Weekly report to [[Dana Lee|Dana]]\"\n    to: Dana Lee\n    due: 2026-11-30\n---\n- [ ] Review contract 📅 2026-02-30\n- [x] Sent the NDA\n",
        ),
    ]);
    let vault = journal(&[
        ("saleslog.yaml", &config("obsidian")),
        (".obsidian/daily-notes.json", "{\"folder\": \"\", \"format\": \"dddd, MMMM Do YYYY\"}"),
        (
            "Thursday, November 26th 2026.md",
            "mood:: high\nmod:: 4\nweather:: sunny\nactivity.calls:: 3\nactivity.demos:: 1\n\n- [ ] Weekly report to [[Dana Lee|Dana]] 🔁 every week on Monday 🔼 🆔 rep1 ⛔ a1, b2 📅 2026-11-30\n- [ ] Review contract 📅 2026-02-30\n- [x] Sent the NDA\n",
        ),
        ("Friday, November 26th 2026.md", "calls:: 9\n"),
        ("Dana Lee.md", "# Dana Lee\n"),
    ]);
    let found = same(&plain, &vault);
    let file = "Thursday, November 26th 2026.md";
    let at = |code: &str| found.iter().find(|d| d.3 == code).map(|d| (d.0.as_str(), d.1, d.2));
    assert_eq!(at("wrong-type"), Some((file, 1, 8)), "{found:?}");
    assert_eq!(at("likely-typo"), Some((file, 2, 1)));
    assert_eq!(at("unknown-key"), Some((file, 3, 1)));
    assert_eq!(at("unknown-activity"), Some((file, 5, 1)));
    assert_eq!(at("invalid-date"), Some((file, 8, 25)));
    assert_eq!(at("task-done-without-date"), Some((file, 9, 3)));
    let run = vault.run(&["check"]);
    assert!(
        run.stderr.contains("did you mean `mood`?") || run.stdout.contains("did you mean `mood`?"),
        "{}",
        run.stderr
    );
}

/// A settings file saleslog cannot use stops the run, located in it.
#[test]
fn obsidian_bad_daily_format_is_located() {
    let vault = journal(&[
        ("saleslog.yaml", "dialect: obsidian\n"),
        (".obsidian/daily-notes.json", "{\n  \"format\": \"YYYY-MM-DD HH:mm\"\n}\n"),
        ("2026-11-26.md", "mood:: 4\n"),
    ]);
    let run = vault.run(&["check"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains(".obsidian/daily-notes.json:2:25"), "{}", run.stderr);
    assert!(run.stderr.contains("an hour"), "{}", run.stderr);
    let run = Journal::new().file("saleslog.yaml", "dialect: obsidain\n").run(&["check"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("did you mean `obsidian`?"), "{}", run.stderr);
}

/// Logseq out of the box: `journals/yyyy_MM_dd.md`, page properties, task
/// markers, DEADLINE, pages/, logseq/bak/ and assets/ that are not notes.
#[test]
fn logseq_default_graph() {
    let plain = journal(&[
        ("saleslog.yaml", CONFIG),
        (
            "2026-11-25.md",
            "---\nmood: 4\nactivity:\n  calls: 22\ntags: [prospecting, Acme Corp]\ncommitments:\n  - what: \"Send deck to [[Bob]]\"\n    to: Bob\n    due: 2026-12-01\n  - what: Old idea\n    dropped: true\n---\n- [x] Call Ann ✅ 2026-11-25\n- [ ] Book the QBR\n",
        ),
        ("2026-11-26.md", "---\nenergy: 2\nactivity:\n  emails: 7\n---\n"),
    ]);
    let vault = journal(&[
        ("saleslog.yaml", &config("logseq")),
        ("logseq/config.edn", "{:meta/version 1\n :preferred-format :markdown\n :journal/page-title-format \"MMM do, yyyy\"}\n"),
        ("logseq/custom.css", ""),
        ("logseq/bak/journals/2026_11_25/2026-11-25T10_00_00.000Z.Desktop.md", "calls:: 1\n"),
        (
            "journals/2026_11_25.md",
            "mood:: 4\ncalls:: 22\ntags:: prospecting, [[Acme Corp]]\n\n- Called [[Acme Corp]] about the renewal\n  id:: 6571a2b3-0000-4000-8000-000000000000\n- TODO Send deck to [[Bob]]\n  DEADLINE: <2026-12-01 Tue>\n- DONE Call Ann\n- CANCELED Old idea\n- LATER Book the QBR\n  collapsed:: true\n\t- a child note ![image](../assets/shot.png)\n",
        ),
        ("journals/2026_11_26.md", "energy:: 2\nemails:: 7\n"),
        ("pages/Bob.md", "title:: Bob\n- TODO not a journal task\n"),
        ("pages/contents.md", "- \n"),
        ("assets/shot.png", "fake"),
    ]);
    same(&plain, &vault);
}

/// `:journal/file-name-format`, a first block of properties, nested
/// blocks, LATER/NOW/DOING, SCHEDULED with repeaters (not due dates),
/// priorities, and a bad DEADLINE located.
#[test]
fn logseq_custom_format_nested_blocks() {
    let plain = journal(&[
        ("saleslog.yaml", CONFIG),
        (
            "2026-11-24.md",
            "---\nenergy: 3\nwins: Beta signed the pilot\ncommitments:\n  - what: \"Review contract with [[Legal]]\"\n    to: Legal\n    due: 2026-11-30\n---\n- [ ] Weekly pipeline review\n- [ ] Prep Gamma demo 📅 2026-02-30\n",
        ),
    ]);
    let vault = journal(&[
        ("saleslog.yaml", &config("logseq")),
        (
            "logseq/config.edn",
            "{:meta/version 1\n ;; :journal/file-name-format \"yyyy_MM_dd\"\n :journal/file-name-format \"yyyy-MM-dd\"\n :journals-directory \"journals\"}\n",
        ),
        (
            "journals/2026-11-24.md",
            "- energy:: 3\n  wins:: Beta signed the pilot\n- Meetings\n\t- NOW [#A] Review contract with [[Legal]]\n\t  DEADLINE: <2026-11-30 Mon>\n\t  :LOGBOOK:\n\t  CLOCK: [2026-11-24 Tue 09:00]--[2026-11-24 Tue 09:30] =>  00:30:00\n\t  :END:\n\t- DOING Weekly pipeline review\n\t  SCHEDULED: <2026-11-30 Mon .+1w>\n\t\t- LATER Prep Gamma demo\n\t\t  DEADLINE: <2026-02-30 Mon>\n- ```\n  TODO inside code\n  ```\n",
        ),
        ("journals/2026_11_25.md", "calls:: 50\n"),
    ]);
    let found = same(&plain, &vault);
    assert_eq!(found, vec![("journals/2026-11-24.md".to_string(), 12, 16, "invalid-date".to_string())]);
}

/// Deals in YAML front matter at the top of a journal page (Logseq reads
/// it as page properties), properties with and without front matter.
#[test]
fn logseq_deals_in_front_matter() {
    let plain = journal(&[
        ("saleslog.yaml", CONFIG),
        (
            "2026-11-20.md",
            "---\ndeals:\n  - name: Delta Inc\n    stage: qualified\n    amount: 12000\n    next: Discovery call\nmood: 3\n---\n",
        ),
        ("2026-11-27.md", "---\ndeals:\n  - id: delta-inc\n    stage: won\nmood: 5\nhelp: Intro to Delta's CFO\n---\n- [x] Send the contract ✅ 2026-11-27\n"),
    ]);
    let vault = journal(&[
        ("saleslog.yaml", &config("logseq")),
        ("logseq/config.edn", "{}\n"),
        (
            "journals/2026_11_20.md",
            "---\ndeals:\n  - name: Delta Inc\n    stage: qualified\n    amount: 12000\n    next: Discovery call\n---\nmood:: 3\n\n- First call with [[Delta Inc]]\n",
        ),
        (
            "journals/2026_11_27.md",
            "---\ndeals:\n  - id: delta-inc\n    stage: won\n---\n- mood:: 5\n  help:: Intro to Delta's CFO\n- DONE Send the contract\n",
        ),
        ("pages/Delta Inc.md", "type:: company\n"),
    ]);
    same(&plain, &vault);
    assert_eq!(vault.report_json()["pipeline"]["open_deals"], 0);
}

/// `init` in a vault writes `dialect:` and changes no file of the vault;
/// `new` writes today's daily note where the vault's settings put it.
#[test]
fn init_and_new_in_a_vault_change_no_existing_file() {
    for (dialect, files, note) in [
        (
            "obsidian",
            vec![
                (".obsidian/daily-notes.json", "{\"folder\": \"Daily\", \"format\": \"DD.MM.YYYY\"}"),
                ("Daily/26.11.2026.md", "calls:: 3\n"),
                ("People/Bob.md", "# Bob\n"),
            ],
            "Daily/27.11.2026.md",
        ),
        (
            "logseq",
            vec![
                ("logseq/config.edn", "{:journal/file-name-format \"yyyy-MM-dd\"}\n"),
                ("journals/2026-11-26.md", "calls:: 3\n"),
                ("pages/Bob.md", "- Bob\n"),
            ],
            "journals/2026-11-27.md",
        ),
    ] {
        let vault = journal(&files);
        let before = tree(vault.path());
        let run = saleslog().args(["--today", TODAY, "init"]).arg(vault.path()).output().unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        let after = tree(vault.path());
        for (rel, bytes) in &before {
            assert_eq!(after.get(rel), Some(bytes), "{dialect}: init changed {rel}");
        }
        let config = vault.read("saleslog.yaml");
        assert!(config.contains(&format!("dialect: {dialect}")), "{config}");
        let new: Vec<&String> = after.keys().filter(|k| !before.contains_key(*k)).collect();
        let mut names: Vec<&str> = new.iter().map(|s| s.as_str()).collect();
        names.sort();
        let mut want = vec![".gitignore", "saleslog.yaml", note];
        want.sort();
        assert_eq!(names, want, "{dialect}");
        // The note `new` wrote is a daily note of the vault.
        let v = vault.report_json();
        assert_eq!(v["notes"], 2, "{dialect}");
        let run = vault.run(&["check", "--format", "json"]);
        assert_eq!(run.code, 0, "{dialect}: {}", run.stdout);
    }
    // A folder that is neither stays a plain journal.
    let plain = Journal::new();
    saleslog().args(["--today", TODAY, "init"]).arg(plain.path()).output().unwrap();
    assert!(!plain.read("saleslog.yaml").contains("dialect:"));
}

/// The language server reads a vault's daily note in its dialect (the one
/// pipeline): an unsaved `mood:: 9` is `out-of-range` at the value, and a
/// people page is no note, so it gets no diagnostics at all.
#[test]
fn the_language_server_reads_a_vault() {
    let vault = journal(&[
        ("saleslog.yaml", &config("obsidian")),
        (".obsidian/daily-notes.json", "{\"folder\": \"Daily\"}"),
        ("Daily/2026-11-26.md", "calls:: 3\n"),
    ]);
    let before = tree(vault.path());
    let mut c = crate::lsp::Client::initialized(&vault);
    let uri = c.open("Daily/2026-11-27.md", "mood:: 9\nclals:: 3\n- [ ] Call [[Bob]] 📅 2026-02-30\n");
    let d = c.diagnostics(&uri);
    let mut codes: Vec<&str> = d.iter().map(|d| d["code"].as_str().unwrap()).collect();
    codes.sort();
    assert_eq!(codes, ["invalid-date", "out-of-range", "unknown-key"], "{d:?}");
    let range = d.iter().find(|d| d["code"] == "out-of-range").unwrap();
    assert_eq!(range["range"]["start"], serde_json::json!({"line": 0, "character": 7}));
    let uri = c.open("People/Bob.md", "mood:: 9\n");
    assert_eq!(c.diagnostics(&uri), Vec::<Value>::new());
    assert_eq!(c.shutdown(), 0);
    assert_eq!(tree(vault.path()), before);
}

/// Hover and definition find a task where the vault's reading does: an
/// Obsidian `[/]` or numbered task, one in a callout, a Logseq `TODO`
/// block (the line is never read a second time by the server's own rule).
#[test]
fn the_language_server_finds_a_vaults_tasks_where_its_dialect_writes_them() {
    let obsidian = journal(&[("saleslog.yaml", &config("obsidian")), ("2026-11-26.md", "calls:: 3\n")]);
    let mut c = crate::lsp::Client::initialized(&obsidian);
    let text = "calls:: 2\n- [/] Half done\n1. [ ] Numbered one\n> - [ ] In a callout\n";
    let uri = c.open("2026-11-27.md", text);
    for line in 1..=3 {
        let hover = c.at("textDocument/hover", &uri, (line, 8));
        assert!(hover["contents"]["value"].as_str().is_some_and(|v| v.contains("open")), "line {line}: {hover}");
        let definition = c.at("textDocument/definition", &uri, (line, 8));
        assert_eq!(definition["range"]["start"]["line"], line, "line {line}: {definition}");
    }
    assert_eq!(c.shutdown(), 0);
    let logseq = journal(&[("saleslog.yaml", &config("logseq")), ("journals/2026_11_26.md", "calls:: 3\n")]);
    let mut c = crate::lsp::Client::initialized(&logseq);
    let text = "calls:: 2\n\n- TODO Send the deck\n- DONE Call Ann\n";
    let uri = c.open("journals/2026_11_27.md", text);
    let hover = c.at("textDocument/hover", &uri, (2, 10));
    assert!(hover["contents"]["value"].as_str().is_some_and(|v| v.contains("Send the deck")), "{hover}");
    let definition = c.at("textDocument/definition", &uri, (3, 9));
    assert_eq!(definition["range"]["start"]["line"], 3, "{definition}");
    assert_eq!(c.shutdown(), 0);
}

/// A symlinked folder in the vault is said only where daily notes may be:
/// elsewhere it hides no note.
#[cfg(unix)]
#[test]
fn walking_problems_are_said_only_where_daily_notes_may_be() {
    let vault = journal(&[
        ("saleslog.yaml", &config("obsidian")),
        (".obsidian/daily-notes.json", "{\"folder\": \"Daily\"}"),
        ("Daily/2026-11-26.md", "calls:: 3\n"),
        ("elsewhere/2026-11-20.md", "calls:: 3\n"),
    ]);
    std::os::unix::fs::symlink(vault.join("elsewhere"), vault.join("Archive")).unwrap();
    std::os::unix::fs::symlink(vault.join("elsewhere"), vault.join("Daily/2025")).unwrap();
    let (_, _, diagnostics) = check(&vault);
    let files: Vec<&str> = diagnostics.iter().map(|d| d["file"].as_str().unwrap()).collect();
    assert_eq!(files, ["Daily/2025"], "{diagnostics:?}");
}

/// A vault without a daily note where its settings say says where it looked.
#[test]
fn no_daily_notes_says_where_they_were_looked_for() {
    let vault = journal(&[
        ("saleslog.yaml", "dialect: obsidian\n"),
        (".obsidian/daily-notes.json", "{\"folder\": \"Daily\", \"format\": \"DD.MM.YYYY\"}"),
        ("2026-11-26.md", "calls:: 3\n"),
    ]);
    let run = vault.run(&["check"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stderr.contains("no daily notes found")
            && run.stderr.contains("Daily/DD.MM.YYYY.md, as .obsidian/daily-notes.json says"),
        "{}",
        run.stderr
    );
}

/// A daily-notes folder, a file-name format or a Logseq journals folder
/// that starts with `_` (sorted first in the file list, a common habit):
/// the vault's settings say where its notes are, so §1's rule for private
/// `_` folders gives way. Other `_` folders stay unread.
#[test]
fn daily_notes_in_a_folder_or_with_a_name_starting_with_an_underscore() {
    let plain = journal(&[
        ("saleslog.yaml", CONFIG),
        ("2026-11-26.md", "---\nmood: 4\nactivity:\n  calls: 21\n---\n"),
        ("2026-11-27.md", "---\nmood: 2\n---\n"),
    ]);
    let folder = journal(&[
        ("saleslog.yaml", &config("obsidian")),
        (".obsidian/daily-notes.json", "{\"folder\": \"_Daily\", \"format\": \"YYYY-MM-DD\"}"),
        ("_Daily/2026-11-26.md", "mood:: 4\ncalls:: 21\n"),
        ("_Daily/2026-11-27.md", "mood:: 2\n"),
        ("_Archive/2026-11-25.md", "mood:: 5\n"),
    ]);
    same(&plain, &folder);
    let name = journal(&[
        ("saleslog.yaml", &config("obsidian")),
        (".obsidian/daily-notes.json", "{\"folder\": \"Daily\", \"format\": \"[_]YYYY-MM-DD\"}"),
        ("Daily/_2026-11-26.md", "mood:: 4\ncalls:: 21\n"),
        ("Daily/_2026-11-27.md", "mood:: 2\n"),
    ]);
    same(&plain, &name);
    let graph = journal(&[
        ("saleslog.yaml", &config("logseq")),
        ("logseq/config.edn", "{:meta/version 1\n :journals-directory \"_journals\"}\n"),
        ("_journals/2026_11_26.md", "mood:: 4\ncalls:: 21\n"),
        ("_journals/2026_11_27.md", "mood:: 2\n"),
    ]);
    same(&plain, &graph);
}
