//! `saleslog team …` (SPEC §10): a team is many journals through the same
//! engine, so each member's row must equal that member's own report; the
//! team's counts and totals are hand-computed here.

use crate::harness::*;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

const CONFIG: &str = "name: Ann Lee\ngoals:\n  daily: {calls: 10}\nquota: {amount: 100000, period: quarter}\n";

/// A team of two reps (one journal inside the team folder, one beside it)
/// with a `team.yaml` and a team quota.
fn team() -> Journal {
    Journal::new()
        .file("team.yaml", "name: East\nmembers:\n  - {name: Ann Lee, journal: ann}\n  - {journal: ../bob}\nquota: {amount: 100000, period: quarter}\n")
        .file("ann/saleslog.yaml", CONFIG)
        .file(
            "ann/2026-11-24.md",
            "---\nmood: 4\nactivity: {calls: 12}\nhelp: [\"Need pricing help on Acme\"]\ndeals:\n  - {name: Acme, stage: proposal, amount: 10000, close: 2026-12-15, next: Call}\n  - {name: Far Out, stage: lead, amount: 5000, close: 2027-02-01, next: Intro}\n  - {name: Won One, stage: won, amount: 20000}\n---\n",
        )
        .file("ann/2026-11-10.md", "---\nmood: 3\nactivity: {calls: 8}\nhelp: [\"too old for the queue\"]\n---\n")
        .file("ann/2026-11-26.md", "---\nmood: 5\nactivity: {calls: 10}\nhelp: [\"Join my Initech call?\", \"Review my forecast\"]\n---\n")
}

/// The second member lives beside the team folder (`../bob`).
fn with_bob(team: &Journal) -> tempfile::TempDir {
    let _ = team;
    let bob = tempfile::tempdir().unwrap();
    std::fs::write(bob.path().join("saleslog.yaml"), "name: Bob Ray\n").unwrap();
    std::fs::write(
        bob.path().join("2026-11-25.md"),
        "---\nmood: 2\ndeals:\n  - {name: Big, stage: negotiation, amount: 30000, close: 2026-12-01}\n---\n",
    )
    .unwrap();
    bob
}

/// `team.yaml` pointing at `bob` wherever it was made.
fn team_with(bob: &Path) -> Journal {
    let t = team();
    let yaml = format!(
        "name: East\nmembers:\n  - {{name: Ann Lee, journal: ann}}\n  - {{journal: {}}}\nquota: {{amount: 100000, period: quarter}}\n",
        bob.display()
    );
    t.file("team.yaml", &yaml)
}

fn json_of(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", run.stdout, run.stderr))
}

fn own_report(dir: &Path, today: &str) -> Value {
    let run = saleslog().args(["--today", today, "report", "--format", "json"]).arg(dir).output().unwrap();
    serde_json::from_slice(&run.stdout).unwrap()
}

#[test]
fn each_member_is_exactly_its_own_report_and_history_steps_back_a_week_at_a_time() {
    let bob = with_bob(&Journal::new());
    let t = team_with(bob.path());
    let run = t.run(&["team", "report", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = json_of(&run);
    assert_eq!(v["as_of"], TODAY);
    assert_eq!(v["team"], "East");
    let members = v["members"].as_array().unwrap();
    assert_eq!(members.len(), 2);
    assert_eq!(members[0]["name"], "Ann Lee");
    assert_eq!(members[0]["journal"], "ann");
    // No name in team.yaml: the member's configured name.
    assert_eq!(members[1]["name"], "Bob Ray");
    assert_eq!(members[1]["error"], Value::Null);
    assert_eq!(members[0]["report"], own_report(&t.join("ann"), TODAY));
    assert_eq!(members[1]["report"], own_report(bob.path(), TODAY));
    assert_eq!(members[0]["boxes"], members[0]["report"]["boxes"]);
    let history = members[0]["history"].as_array().unwrap();
    assert_eq!(history.len(), 12);
    let dates: Vec<&str> = history.iter().map(|h| h["as_of"].as_str().unwrap()).collect();
    assert_eq!(dates[..3], ["2026-11-27", "2026-11-20", "2026-11-13"]);
    assert_eq!(dates[11], "2026-09-11");
    assert_eq!(history[0]["boxes"], members[0]["boxes"]);
    assert_eq!(history[1]["boxes"], own_report(&t.join("ann"), "2026-11-20")["boxes"]);
    assert_eq!(history[2]["boxes"], own_report(&t.join("ann"), "2026-11-13")["boxes"]);
}

#[test]
fn totals_and_counts_are_the_members_added_up() {
    let bob = with_bob(&Journal::new());
    let t = team_with(bob.path());
    let v = json_of(&t.run(&["team", "report", "--format", "json"]));
    let totals = &v["totals"];
    // Open: Acme 10k (proposal 0.5), Far Out 5k (lead 0.1), Big 30k (negotiation 0.75).
    assert_eq!(totals["open_amount"], 45000);
    assert_eq!(totals["weighted"], 5000 + 500 + 22500);
    // Won One was won on 24 Nov, inside Q4: 20k of the team's 100k.
    assert_eq!(totals["quota"], 100000);
    assert_eq!(totals["period_start"], "2026-10-01");
    assert_eq!(totals["period_end"], "2026-12-31");
    assert_eq!(totals["won_in_period"], 20000);
    assert_eq!(totals["remaining"], 80000);
    // Closing by 31 Dec: Acme 10k and Big 30k (Far Out closes in February).
    assert_eq!(totals["coverage"], 0.5);
    // Asks of [14 Nov, 27 Nov]: one on the 24th, two on the 26th; the 10th is out.
    assert_eq!(totals["asks"], 3);
    // Bob's Big slipped? No: it closes 1 Dec. Nothing is stale yet; Bob's deal has no next step.
    assert_eq!(totals["slipped"], 0);
    assert_eq!(totals["no_next_step"], 1);
    let sum = |area: &str| {
        let c = &v["boxes"][area];
        ["green", "amber", "red", "na"].iter().map(|k| c[k].as_u64().unwrap()).sum::<u64>()
    };
    for area in ["activity", "attitude", "commitments", "data", "pipeline"] {
        assert_eq!(sum(area), 2, "{area}");
    }
    // Bob has no goals: activity na; Ann met 10 calls a day.
    assert_eq!(v["boxes"]["activity"]["na"], 1);
    // Bob's mood 2 is below red_below 2.5.
    assert_eq!(v["boxes"]["attitude"]["red"], 1);
    let keys: Vec<&str> = [
        "open_amount",
        "weighted",
        "won_in_period",
        "quota",
        "period_start",
        "period_end",
        "remaining",
        "coverage",
        "stale",
        "slipped",
        "no_next_step",
        "asks",
    ]
    .to_vec();
    let run = t.run(&["team", "report", "--format", "json"]);
    // The totals are the last object: each key's last occurrence is theirs.
    let at = |k: &str| run.stdout.rfind(&format!("\"{k}\": ")).unwrap();
    assert!(keys.windows(2).all(|w| at(w[0]) < at(w[1])), "totals keys in the SPEC's order");
}

#[test]
fn without_team_yaml_the_members_are_the_subfolders_with_a_configuration() {
    let t = Journal::new()
        .file("zed/saleslog.yaml", "name: Zed Alpha\n")
        .file("amy/saleslog.yaml", "currency: EUR\n")
        .file("amy/2026-11-26.md", "---\nmood: 4\n---\n")
        .file("notes-only/2026-11-26.md", "---\nmood: 4\n---\n")
        .file("_archive/saleslog.yaml", "name: Old\n")
        .file("cat/saleslog.yaml", "name: Cat Stone\ngoals: {daily: {calls: ten}}\n")
        .file("dots/saleslog.yaml", "name: \"...\"\n");
    let v = json_of(&t.run(&["team", "report", "--format", "json"]));
    let names: Vec<&str> = v["members"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
    // Folder-name order; named by `name:` (also when another key of the
    // configuration is wrong), else (or when it has no letter or digit)
    // the folder.
    assert_eq!(names, ["amy", "Cat Stone", "dots", "Zed Alpha"]);
    assert!(v["members"][1]["error"].is_string());
    assert_eq!(v["members"][0]["journal"], "amy");
    assert_eq!(v["totals"]["quota"], Value::Null);
    assert_eq!(v["totals"]["coverage"], Value::Null);
    assert_eq!(v["totals"]["won_in_period"], Value::Null);
    let name = t.path().file_name().unwrap().to_str().unwrap();
    assert_eq!(v["team"], name, "the folder's name without team.yaml");
}

#[test]
fn a_broken_member_is_a_row_with_its_error_and_the_others_still_count() {
    let t = Journal::new()
        .file(
            "team.yaml",
            "members:\n  - {name: Good, journal: good}\n  - {name: Gone, journal: nowhere}\n  - {name: Broken, journal: broken}\n",
        )
        .file("good/2026-11-26.md", "---\nmood: 4\ndeals:\n  - {name: A, stage: lead, amount: 1000}\n---\n")
        .file("broken/saleslog.yaml", "goals:\n  daily: {calls: lots}\n");
    let run = t.run(&["team", "report", "--format", "json"]);
    assert_eq!(run.code, 1, "a member that cannot be read is exit 1");
    let v = json_of(&run);
    let m = v["members"].as_array().unwrap();
    assert_eq!(m.len(), 3);
    assert_eq!(m[0]["error"], Value::Null);
    assert!(m[1]["error"].as_str().unwrap().contains("`nowhere` not found"), "{}", m[1]["error"]);
    let broken = m[2]["error"].as_str().unwrap();
    assert!(broken.contains("broken/saleslog.yaml has 1 problem") && broken.contains("line 2"), "{broken}");
    for bad in &m[1..] {
        assert_eq!(bad["boxes"], Value::Null);
        assert_eq!(bad["report"], Value::Null);
        assert_eq!(bad["history"], Value::Array(vec![]));
    }
    assert_eq!(
        v["boxes"]["pipeline"]["green"].as_u64().unwrap() + v["boxes"]["pipeline"]["amber"].as_u64().unwrap(),
        1
    );
    assert_eq!(v["totals"]["open_amount"], 1000);
    // The text table names the errors; check locates the broken configuration.
    let text = t.run(&["team", "report"]);
    assert_eq!(text.code, 1);
    assert!(
        text.stdout.contains("Gone") && text.stdout.contains("error: journal folder `nowhere` not found"),
        "{}",
        text.stdout
    );
    let check = t.run(&["team", "check", "--format", "json"]);
    assert_eq!(check.code, 1);
    let found = located(&check);
    assert!(found.contains(&("broken/saleslog.yaml".into(), 2, 18, "config-invalid".into())), "{found:?}");
    assert!(found.iter().any(|(f, l, _, c)| f == "team.yaml" && *l == 3 && c == "config-invalid"), "{found:?}");
}

#[test]
fn two_members_with_one_slug_and_a_mistyped_team_yaml_stop_with_exit_2() {
    let same = Journal::new()
        .file("team.yaml", "members:\n  - {name: Sam Lee, journal: a}\n  - {name: sam-lee, journal: b}\n")
        .file("a/saleslog.yaml", "")
        .file("b/saleslog.yaml", "");
    let run = same.run(&["team", "report"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("team.yaml:3:5") || run.stderr.contains("team.yaml"), "{}", run.stderr);
    assert!(run.stderr.contains("same slug `sam-lee`"), "{}", run.stderr);
    let typo = Journal::new().file("team.yaml", "name: X\nmembrs:\n  - {journal: a}\n");
    let run = typo.run(&["team", "report"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unknown key `membrs`") && run.stderr.contains("did you mean `members`?"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("team.yaml has 1 problem;"), "{}", run.stderr);
    assert!(run.stderr.contains("2 | membrs:"), "the line is quoted: {}", run.stderr);
    let run = typo.run(&["team", "check", "--format", "json"]);
    assert_eq!(run.code, 2);
    assert_eq!(located(&run), vec![("team.yaml".into(), 2, 1, "config-unknown-key".into())]);
}

/// Without a team.yaml, two members named alike are pointed at where the
/// second gets its name (a team.yaml that does not exist is no place).
#[test]
fn two_members_named_alike_without_a_team_yaml_are_shown_at_the_name() {
    let same = Journal::new()
        .file("a/saleslog.yaml", "name: X\n")
        .file("b/saleslog.yaml", "# Bea's journal\nname: x\n")
        .note("a/2026-11-26", "mood: 3")
        .note("b/2026-11-26", "mood: 3");
    let run = same.run(&["team", "check", "--format", "json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(located(&run), vec![("b/saleslog.yaml".into(), 2, 1, "config-invalid".into())]);
    let run = same.run(&["team", "report"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--> b/saleslog.yaml:2:1") && run.stderr.contains("2 | name: x"), "{}", run.stderr);
}

/// A member reached through a link to its folder (a team folder of links
/// to clones) is read as its own report reads it: no "not followed"
/// warning for the journal itself, so its Data box is the same.
#[cfg(unix)]
#[test]
fn a_member_linked_into_the_team_folder_is_read_through_the_link() {
    let t = Journal::new()
        .file("team.yaml", "members:\n  - {name: Sam, journal: sam}\n  - {name: Sam Direct, journal: clones/sam}\n")
        .note("clones/sam/2026-11-26", "mood: 4\nactivity: {calls: 3}");
    std::os::unix::fs::symlink(t.join("clones/sam"), t.join("sam")).unwrap();
    let v = json_of(&t.run(&["team", "report", "--format", "json"]));
    let members = v["members"].as_array().unwrap();
    assert_eq!(members[0]["report"]["data"]["warnings"], 0, "{}", members[0]["report"]["data"]);
    assert_eq!(members[0]["report"], members[1]["report"]);
    let run = Run::from(saleslog().args(["--today", TODAY, "check"]).arg(t.join("sam")).output().unwrap());
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(!format!("{}{}", run.stdout, run.stderr).contains("not followed"), "{}", run.stdout);
}

/// A name in team.yaml with no letter or digit has no slug for its
/// member's pages and Parquet partition: a team.yaml error, as two names
/// with one slug are (SPEC §10).
#[test]
fn a_member_name_without_a_slug_is_a_team_yaml_error() {
    let t = Journal::new()
        .file("team.yaml", "members:\n  - {name: \"!!!\", journal: a}\n  - {name: Bea, journal: b}\n")
        .file("a/saleslog.yaml", "")
        .file("b/saleslog.yaml", "");
    let run = t.run(&["team", "report", "--format", "json"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("team.yaml:2:5") && run.stderr.contains("no letter a-z or digit"), "{}", run.stderr);
    // Letters outside a-z make no slug either, and the message says which
    // letters count.
    let t = Journal::new().file("team.yaml", "members:\n  - {name: 日本語, journal: a}\n").file("a/saleslog.yaml", "");
    let run = t.run(&["team", "report", "--format", "json"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("`日本語` has no letter a-z or digit"), "{}", run.stderr);
    assert!(run.stderr.contains("e.g. `Kenji 日本語`"), "{}", run.stderr);
}

#[test]
fn check_prefixes_each_problem_with_its_member() {
    let bob = with_bob(&Journal::new());
    let t = team_with(bob.path()).file("ann/2026-11-20.md", "---\nmood: 9\n---\n");
    let run = t.run(&["team", "check"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("--> ann/2026-11-20.md:2:7"), "{}", run.stdout);
    assert!(run.stdout.contains("2 members: 5 notes checked: 1 error, 0 warnings"), "{}", run.stdout);
}

#[test]
fn the_text_report_is_a_table_of_members_and_boxes() {
    let bob = with_bob(&Journal::new());
    let t = team_with(bob.path());
    let run = t.run(&["team", "report"]);
    assert_eq!(run.code, 0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("East — saleslog team as of 2026-11-27 (2 members)"), "{}", run.stdout);
    assert!(lines[2].starts_with("member") && lines[2].contains("commitments"), "{}", run.stdout);
    // Ann: 22 calls of the 40 four workdays expect (the 27th has no note yet).
    assert!(lines[3].starts_with("Ann Lee") && lines[3].contains("✗ 55%"), "{}", run.stdout);
    assert!(lines[4].starts_with("Bob Ray") && lines[4].contains("✗ 2.0 / 5"), "{}", run.stdout);
    assert!(run.stdout.contains("team quota $100,000, $80,000 to go, coverage 0.5×"), "{}", run.stdout);
    assert!(run.stdout.contains("3 coaching asks in the last 14 days"), "{}", run.stdout);
    assert!(lines.iter().all(|l| l.chars().count() <= 90), "fits a terminal:\n{}", run.stdout);
}

/// Every `href` of a page, relative to it, must name a file of the site.
fn assert_links_resolve(site: &Path, page: &str) {
    let html = std::fs::read_to_string(site.join(page)).unwrap();
    let dir = site.join(page).parent().unwrap().to_path_buf();
    for href in html.split("href=\"").skip(1).map(|s| &s[..s.find('"').unwrap()]) {
        let path = href.split(['#', '?']).next().unwrap();
        if path.is_empty() || path.starts_with("http") {
            continue;
        }
        let target = dir.join(path);
        assert!(target.is_file(), "{page} links to {href}, which is not in the site");
    }
}

#[test]
fn build_writes_the_team_pages_and_every_members_own_site() {
    let bob = with_bob(&Journal::new());
    let t = team_with(bob.path()).file("ann/2026-11-25.md", "---\nwins: [\"<script>alert(1)</script>\"]\n---\n");
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let run = t.run(&["team", "build", "-o", site.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for page in [
        "index.html",
        "coaching.html",
        "pipeline.html",
        "one-to-one/ann-lee.html",
        "one-to-one/bob-ray.html",
        "members/ann-lee/index.html",
        "members/bob-ray/pipeline.html",
        "style.css",
        "team.css",
    ] {
        assert!(site.join(page).is_file(), "{page} missing");
    }
    for page in
        ["index.html", "coaching.html", "pipeline.html", "one-to-one/ann-lee.html", "members/ann-lee/index.html"]
    {
        assert_links_resolve(&site, page);
    }
    let grid = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(grid.contains("href=\"members/ann-lee/activity.html\""), "a cell links to the member's page");
    let member = std::fs::read_to_string(site.join("members/ann-lee/index.html")).unwrap();
    assert!(member.contains("href=\"../../index.html\">← East</a>"), "a member's pages link back to the team");
    // ... and that link is styled by the member's own stylesheet (team.css is the team pages').
    let css =
        member.split("rel=\"stylesheet\" href=\"").nth(1).and_then(|r| r.split('"').next()).expect("a stylesheet");
    let css = std::fs::read_to_string(site.join("members/ann-lee").join(css)).unwrap();
    assert!(css.contains(".team-link {"), "the ← team link is styled in the member's pages");
    let one = std::fs::read_to_string(site.join("one-to-one/ann-lee.html")).unwrap();
    assert!(one.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !one.contains("<script>alert"), "escaped");
    let queue = std::fs::read_to_string(site.join("coaching.html")).unwrap();
    let first = queue.find("Need pricing help on Acme").unwrap();
    let later = queue.find("Join my Initech call?").unwrap();
    assert!(first < later, "oldest first");
    assert!(!queue.contains("too old for the queue"));
    // The team's own folder never gets a page; the members' journals are untouched.
    assert!(!t.join("ann/_site").exists());
    assert!(!bob.path().join("_site").exists());
}

#[test]
fn the_team_output_may_not_be_a_members_journal() {
    let t = team();
    let bob = with_bob(&t);
    let t = team_with(bob.path());
    let run = t.run(&["team", "build", "-o", t.join("ann").to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("journal"), "{}", run.stderr);
}

#[test]
fn team_pages_snapshot() {
    let bob = with_bob(&Journal::new());
    let t = team_with(bob.path());
    let out = tempfile::tempdir().unwrap();
    let run = t.run(&["team", "build", "-o", out.path().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let bob_path = bob.path().display().to_string();
    for page in ["index.html", "coaching.html", "pipeline.html", "one-to-one/bob-ray.html"] {
        let html = std::fs::read_to_string(out.path().join(page)).unwrap().replace(&bob_path, "[bob]");
        insta::assert_snapshot!(format!("team_{}", page.replace(['/', '.'], "_")), html);
    }
}

fn duckdb_available() -> bool {
    std::process::Command::new("python3").args(["-c", "import duckdb"]).output().is_ok_and(|o| o.status.success())
}

#[test]
fn parquet_tables_read_back_with_duckdb_as_one_table() {
    let bob = with_bob(&Journal::new());
    let t = team_with(bob.path());
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("warehouse");
    let run = t.run(&["team", "export", "--format", "parquet", "-o", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for table in ["deals", "commitments", "notes", "activity"] {
        for member in ["ann-lee", "bob-ray"] {
            assert!(dir.join(format!("{table}/member={member}/part-0.parquet")).is_file(), "{table} {member}");
        }
    }
    if !duckdb_available() {
        crate::harness::skip("python3 has no duckdb module", "python3 -m pip install duckdb");
        return;
    }
    let report = json_of(&t.run(&["team", "report", "--format", "json"]));
    let script = r#"
import duckdb, json, sys
d = sys.argv[1]
q = lambda s: duckdb.sql(s.replace("T", d)).fetchall()
out = {
  "deals": q("select count(*) from read_parquet('T/deals/*/*.parquet', hive_partitioning = true)")[0][0],
  "open_amount": q("select sum(amount) from read_parquet('T/deals/*/*.parquet', hive_partitioning = true) where status = 'open'")[0][0],
  "by_member": dict(q("select member, count(*) from read_parquet('T/deals/*/*.parquet', hive_partitioning = true) group by member")),
  "notes": q("select count(*) from read_parquet('T/notes/*/*.parquet', hive_partitioning = true)")[0][0],
  "calls": q("select sum(count) from read_parquet('T/activity/*/*.parquet', hive_partitioning = true) where activity = 'calls'")[0][0],
  "close_type": q("select typeof(close) from read_parquet('T/deals/*/*.parquet', hive_partitioning = true) limit 1")[0][0],
}
print(json.dumps(out))
"#;
    let o = std::process::Command::new("python3").args(["-c", script]).arg(&dir).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let got: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(got["deals"], 4);
    assert_eq!(got["open_amount"].as_f64().unwrap(), report["totals"]["open_amount"].as_f64().unwrap());
    assert_eq!(got["by_member"]["ann-lee"], 3);
    assert_eq!(got["by_member"]["bob-ray"], 1);
    assert_eq!(got["notes"], 4); // Ann 3, Bob 1
    assert_eq!(got["calls"], 30);
    assert_eq!(got["close_type"], "DATE");
}

#[test]
fn parquet_export_writes_only_into_its_own_folder() {
    let t = team();
    let bob = with_bob(&t);
    let t = team_with(bob.path());
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join("mine.txt"), "keep").unwrap();
    let run = t.run(&["team", "export", "--format", "parquet", "-o", out.path().to_str().unwrap()]);
    assert_eq!(run.code, 2, "a folder that is not saleslog's is refused");
    assert!(run.stderr.contains("not empty and was not made by `saleslog team export`"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(out.path().join("mine.txt")).unwrap(), "keep");
    // A second export into its own folder replaces its files, and removes
    // the partition of a member who left.
    let dir = out.path().join("w");
    assert_eq!(t.run(&["team", "export", "--format", "parquet", "-o", dir.to_str().unwrap()]).code, 0);
    let ann_only = t.file("team.yaml", "members:\n  - {name: Ann Lee, journal: ann}\n");
    let run = ann_only.run(&["team", "export", "--format", "parquet", "-o", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!dir.join("deals/member=bob-ray/part-0.parquet").exists());
    assert!(dir.join("deals/member=ann-lee/part-0.parquet").is_file());
}

/// Regression (security probe, A): lines added by hand to the export's
/// marker (`..`, an absolute path, a file through a linked folder) made
/// the next export delete those files outside its folder.
#[cfg(unix)]
#[test]
fn parquet_export_never_deletes_what_a_hand_edited_marker_lists() {
    let bob = with_bob(&Journal::new());
    let t = team_with(bob.path());
    let out = tempfile::tempdir().unwrap();
    let (dir, victim) = (out.path().join("w"), out.path().join("victim"));
    assert_eq!(t.run(&["team", "export", "--format", "parquet", "-o", dir.to_str().unwrap()]).code, 0);
    std::fs::create_dir(&victim).unwrap();
    for f in ["a.txt", "b.txt", "c.txt"] {
        std::fs::write(victim.join(f), f).unwrap();
    }
    std::os::unix::fs::symlink(&victim, dir.join("vl")).unwrap();
    let mut marker = std::fs::read_to_string(dir.join(".saleslog-export")).unwrap();
    marker.push_str(&format!("../victim/a.txt\n{}\nvl/c.txt\n", victim.join("b.txt").display()));
    std::fs::write(dir.join(".saleslog-export"), marker).unwrap();
    let run = t.run(&["team", "export", "--format", "parquet", "-o", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("removed"), "{}", run.stderr);
    for f in ["a.txt", "b.txt", "c.txt"] {
        assert_eq!(std::fs::read_to_string(victim.join(f)).unwrap(), f, "{f} kept");
    }
    let marker = std::fs::read_to_string(dir.join(".saleslog-export")).unwrap();
    assert!(!marker.contains(".txt"), "the edited lines are dropped: {marker}");
}

/// Regression (security probe, B): a member's partition folder replaced by
/// a link to a user's folder holding a `part-0.parquet`; once the member
/// left the team, the next export deleted the user's file. While the
/// member is in the team, the export refuses to write through the link.
#[cfg(unix)]
#[test]
fn parquet_export_never_deletes_nor_writes_through_a_linked_partition_folder() {
    let bob = with_bob(&Journal::new());
    let t = team_with(bob.path());
    let out = tempfile::tempdir().unwrap();
    let (dir, victim) = (out.path().join("w"), out.path().join("victim"));
    assert_eq!(t.run(&["team", "export", "--format", "parquet", "-o", dir.to_str().unwrap()]).code, 0);
    std::fs::create_dir(&victim).unwrap();
    std::fs::write(victim.join("part-0.parquet"), "MINE").unwrap();
    std::fs::remove_dir_all(dir.join("deals/member=bob-ray")).unwrap();
    std::os::unix::fs::symlink(&victim, dir.join("deals/member=bob-ray")).unwrap();
    let run = t.run(&["team", "export", "--format", "parquet", "-o", dir.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("member=bob-ray is a link"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(victim.join("part-0.parquet")).unwrap(), "MINE");
    let ann_only = t.file("team.yaml", "members:\n  - {name: Ann Lee, journal: ann}\n");
    let run = ann_only.run(&["team", "export", "--format", "parquet", "-o", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(victim.join("part-0.parquet")).unwrap(), "MINE");
    assert!(run.stderr.contains("3 stale partition files removed"), "{}", run.stderr);
    assert!(run.stderr.contains("kept ") && run.stderr.contains("member=bob-ray/part-0.parquet"), "{}", run.stderr);
    assert!(!dir.join("notes/member=bob-ray").exists());
    let marker = std::fs::read_to_string(dir.join(".saleslog-export")).unwrap();
    assert!(!marker.contains("bob-ray"), "{marker}");
}

/// A marker from before hashes were recorded (bare paths) is still read:
/// its files are replaced, and a stale one is kept (saleslog cannot tell
/// it still holds what it wrote) and no longer listed.
#[test]
fn parquet_export_reads_a_marker_without_hashes() {
    let bob = with_bob(&Journal::new());
    let t = team_with(bob.path());
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("w");
    assert_eq!(t.run(&["team", "export", "--format", "parquet", "-o", dir.to_str().unwrap()]).code, 0);
    let marker = std::fs::read_to_string(dir.join(".saleslog-export")).unwrap();
    assert!(marker.lines().any(|l| l.ends_with(" deals/member=ann-lee/part-0.parquet")), "{marker}");
    let old: String = marker
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{}\n", l.rsplit(' ').next().unwrap()))
        .collect();
    std::fs::write(dir.join(".saleslog-export"), format!("# saleslog team export\n{old}")).unwrap();
    let ann_only = t.file("team.yaml", "members:\n  - {name: Ann Lee, journal: ann}\n");
    let run = ann_only.run(&["team", "export", "--format", "parquet", "-o", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr.matches("kept ").count(), 4, "{}", run.stderr);
    assert!(dir.join("deals/member=bob-ray/part-0.parquet").is_file());
    let marker = std::fs::read_to_string(dir.join(".saleslog-export")).unwrap();
    assert!(!marker.contains("bob-ray"), "{marker}");
    assert_eq!(marker.lines().filter(|l| !l.starts_with('#')).count(), 4, "{marker}");
}

/// `saleslog team serve TEAM -o SITE` on a free port, as of [`TODAY`].
fn serve_team(team: &Path, site: &Path) -> Spawned {
    Spawned::start(&[
        "--today",
        TODAY,
        "team",
        "serve",
        team.to_str().unwrap(),
        "-o",
        site.to_str().unwrap(),
        "--port",
        "0",
    ])
}

/// The team of [`team_with`] and Bob (outside the team folder), served,
/// once its first build is written.
struct Served {
    bob: tempfile::TempDir,
    team: Journal,
    out: tempfile::TempDir,
    site: std::path::PathBuf,
    _server: Spawned,
}

impl Served {
    fn start(long: Duration) -> Served {
        let bob = with_bob(&Journal::new());
        let team = team_with(bob.path());
        let out = tempfile::tempdir().unwrap();
        let site = out.path().join("site");
        let server = serve_team(team.path(), &site);
        server.wait_for_line(|l| l.starts_with("serving the team"), long);
        server.wait_for_line(is_rebuild_line, long);
        Served { bob, team, out, site, _server: server }
    }

    /// A page of the site as it is now ("" while it is missing).
    fn page(&self, rel: &str) -> String {
        std::fs::read_to_string(self.site.join(rel)).unwrap_or_default()
    }
}

#[test]
fn serve_rebuilds_a_members_pages_and_the_grid_after_a_save() {
    let long = Duration::from_secs(30);
    let served = Served::start(long);
    let (bob, t) = (&served.bob, &served.team);
    let grid = || served.page("index.html");
    assert!(grid().contains("2.0 / 5"), "Bob's mood before");
    // Bob's journal is outside the team folder: it is watched too.
    std::fs::write(bob.path().join("2026-11-27.md"), "---\nmood: 5\n---\n").unwrap();
    assert!(eventually(long, || grid().contains("3.5 / 5")), "the grid shows Bob's new 7-day mood");
    // The pages of one rebuild are renamed into place side by side: the
    // grid may land a moment before Bob's dashboard.
    let dashboard = || served.page("members/bob-ray/index.html");
    assert!(eventually(long, || dashboard().contains("3.5")), "Bob's own dashboard was rebuilt");
    // A member inside the team folder, and the coaching queue.
    std::fs::write(t.join("ann/2026-11-27.md"), "---\nhelp: [\"A brand new ask\"]\n---\n").unwrap();
    let queue = || served.page("coaching.html");
    assert!(eventually(long, || queue().contains("A brand new ask")));
}

/// A save is read by the note its events name, and the rescan owed for
/// that member comes once the folders are quiet: a change no event names
/// (written through a hard link from outside the journal, just after a
/// save) still reaches the member's pages.
#[cfg(unix)]
#[test]
fn serve_finds_what_a_members_events_missed_once_the_folders_are_quiet() {
    let long = Duration::from_secs(30);
    let served = Served::start(long);
    let bob = &served.bob;
    let note = |day: &str| served.page(&format!("members/bob-ray/notes/2026-11-{day}.html"));
    let unseen = bob.path().join("2026-11-26.md");
    std::fs::write(&unseen, "---\nmood: 4\n---\nFirst text.\n").unwrap();
    assert!(eventually(long, || note("26").contains("First text")), "a new note");
    let link = served.out.path().join("outside.md");
    std::fs::hard_link(&unseen, &link).unwrap();
    // A save as editors make it: built at once from its event.
    let temp = bob.path().join(".2026-11-25.md.tmp");
    std::fs::write(&temp, "---\nmood: 3\n---\nA save, read by name.\n").unwrap();
    std::fs::rename(&temp, bob.path().join("2026-11-25.md")).unwrap();
    assert!(eventually(long, || note("25").contains("read by name")), "the save");
    std::fs::write(&link, "---\nmood: 4\n---\nWritten through a link just after a save.\n").unwrap();
    assert!(eventually(long, || note("26").contains("through a link")), "the owed rescan found what no event named");
}

/// A member's journal outside the team folder removed and cloned again (or
/// replaced by another folder): `team serve` watches the new folder, its
/// pages come back, and a save in it reaches the site.
#[test]
fn serve_watches_a_members_journal_removed_and_cloned_again() {
    let long = Duration::from_secs(30);
    let served = Served::start(long);
    let bob = &served.bob;
    let dashboard = || served.page("members/bob-ray/index.html");
    assert!(dashboard().contains("2.0"), "Bob's mood before");

    let away = served.out.path().join("bob-away");
    std::fs::rename(bob.path(), &away).unwrap();
    std::fs::create_dir(bob.path()).unwrap();
    std::fs::write(bob.path().join("saleslog.yaml"), "name: Bob Ray\n").unwrap();
    std::fs::write(bob.path().join("2026-11-25.md"), "---\nmood: 4\n---\n").unwrap();
    assert!(eventually(long, || dashboard().contains("4.0")), "the new clone's pages");
    std::fs::write(bob.path().join("2026-11-26.md"), "---\nmood: 1\n---\n").unwrap();
    assert!(eventually(long, || dashboard().contains("2.5")), "a save in the new clone reaches the site");
    // The old folder, moved away, is no longer Bob's journal.
    std::fs::write(away.join("2026-11-27.md"), "---\nmood: 5\n---\n").unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    assert!(!dashboard().contains("3.3") && dashboard().contains("2.5"));
}

/// `team serve` watches a member written `../ext` (SPEC §10's own example
/// is `../clones/sam`) where its files really are, and reads a member's
/// `saleslog.yaml` inside the team folder as that member's configuration:
/// each change reaches the site without any note being saved.
#[test]
fn serve_sees_a_member_beside_the_team_folder_and_a_members_configuration() {
    let outer = tempfile::tempdir().unwrap();
    let team = outer.path().join("team");
    let write = |rel: &str, text: &str| {
        let path = outer.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "team/team.yaml",
        "name: East\nmembers:\n  - {name: Ann Lee, journal: ann}\n  - {name: Ext Rep, journal: ../ext}\n",
    );
    write("team/ann/saleslog.yaml", "name: Ann Lee\n");
    write("team/ann/2026-11-26.md", "---\nmood: 4\nactivity: {calls: 3}\n---\n");
    write("ext/2026-11-26.md", "---\nmood: 3\n---\n");
    let site = outer.path().join("site");
    let server = serve_team(&team, &site);
    let long = Duration::from_secs(30);
    server.wait_for_line(|l| l.starts_with("serving the team"), long);
    server.wait_for_line(is_rebuild_line, long);
    let read = |rel: &str| std::fs::read_to_string(site.join(rel)).unwrap_or_default();
    assert!(!read("coaching.html").contains("An ask from beside"));
    write("ext/2026-11-27.md", "---\nhelp: [\"An ask from beside\"]\n---\n");
    assert!(eventually(long, || read("coaching.html").contains("An ask from beside")), "the ../ext member is watched");
    assert!(!read("members/ann-lee/activity.html").contains("7 calls a workday"));
    write("team/ann/saleslog.yaml", "name: Ann Lee\ngoals:\n  daily: {calls: 7}\n");
    assert!(
        eventually(long, || read("members/ann-lee/activity.html").contains("7 calls a workday")),
        "Ann's configuration is read again"
    );
    // A member added to team.yaml while serving, beside the team folder:
    // watched from then on.
    write("late/2026-11-26.md", "---\nmood: 3\n---\n");
    write(
        "team/team.yaml",
        "name: East\nmembers:\n  - {name: Ann Lee, journal: ann}\n  - {name: Ext Rep, journal: ../ext}\n  - {name: Late Rep, journal: ../late}\n",
    );
    assert!(eventually(long, || read("index.html").contains("Late Rep")), "the new member is in the grid");
    write("late/2026-11-27.md", "---\nhelp: [\"An ask from the new member\"]\n---\n");
    assert!(
        eventually(long, || read("coaching.html").contains("An ask from the new member")),
        "the new member's journal is watched"
    );
}

/// SPEC §10 `team serve` in a real browser (Chromium through chromedriver,
/// the harness of `browser_live`): the open team page reloads itself after
/// a member's save and shows the member's new figure.
#[test]
fn serve_reloads_the_open_team_page_in_a_browser_after_a_members_save() {
    use crate::browser_live::{tools, Browser, LONG};
    let Some((chromium, chromedriver)) = tools() else { return };
    let bob = with_bob(&Journal::new());
    let t = team_with(bob.path());
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let server = serve_team(t.path(), &site);
    let serving = server.wait_for_line(|l| l.starts_with("serving the team"), LONG);
    let url = serving[serving.find("http://").unwrap()..].split_whitespace().next().unwrap().to_string();
    server.wait_for_line(is_rebuild_line, LONG);
    let look = "var g = document.querySelector('.team-grid'); \
                return {marker: typeof window.__marker, grid: g ? g.innerText : ''};";
    let browser = Browser::start(&chromium, &chromedriver);
    browser.open(&url);
    let before = browser.run(look);
    assert!(before["grid"].as_str().is_some_and(|g| g.contains("2.0 / 5")), "Bob's mood before: {before}");
    browser.run("window.__marker = 1; return 1;");
    // Bob saves today's note like an editor: a new file renamed over it.
    let tmp_note = bob.path().join(".2026-11-27.md.tmp");
    std::fs::write(&tmp_note, "---\nmood: 5\n---\n").unwrap();
    std::fs::rename(&tmp_note, bob.path().join("2026-11-27.md")).unwrap();
    let deadline = std::time::Instant::now() + LONG;
    loop {
        let now = browser.try_run(look).unwrap_or(Value::Null);
        if now["marker"] == "undefined" && now["grid"].as_str().is_some_and(|g| g.contains("3.5 / 5")) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the team page did not reload with Bob's new mood; it shows {now}; server said:\n{}",
            server.lines().join("\n")
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `team build` exits as `build` does: 1 when a member's notes have
/// errors (the site is written all the same), 0 when they have none.
#[test]
fn team_build_exits_1_when_a_members_notes_have_errors() {
    let t = Journal::new()
        .file("team.yaml", "members:\n  - {name: Ann, journal: ann}\n  - {name: Bob, journal: bob}\n")
        .note("ann/2026-11-26", "mood: 4")
        .note("bob/2026-11-26", "mood: 9");
    let out = t.join("site");
    let run = t.run(&["team", "build", "-o", out.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(out.join("index.html").is_file() && out.join("members/bob/index.html").is_file());
    t.write("bob/2026-11-26.md", b"---\nmood: 3\n---\n");
    assert_eq!(t.run(&["team", "build", "-o", out.to_str().unwrap()]).code, 0);
}

/// A folder with no member (a journal given for its team, by mistake) is
/// said on stderr; the report is still the empty team's.
#[test]
fn a_team_of_no_one_is_said() {
    let j = Journal::new().note("2026-11-26", "mood: 4");
    let run = j.run(&["team", "report", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("warning: no members in"), "{}", run.stderr);
    assert_eq!(json_of(&run)["members"], serde_json::json!([]));
}

/// `team export -o` inside a member's journal is refused: saleslog only
/// reads the journals, as `team build` refuses such a folder too.
#[test]
fn team_export_never_writes_into_a_members_journal() {
    let t =
        Journal::new().file("team.yaml", "members:\n  - {name: Ann, journal: ann}\n").note("ann/2026-11-26", "mood: 4");
    let inside = t.join("ann/tables");
    let run = t.run(&["team", "export", "--format", "parquet", "-o", inside.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("inside Ann's journal"), "{}", run.stderr);
    assert!(!inside.exists());
    let outside = t.join("tables");
    assert_eq!(t.run(&["team", "export", "--format", "parquet", "-o", outside.to_str().unwrap()]).code, 0);
}

/// One journal listed under two names is said on stderr: every team count
/// would take it twice.
#[test]
fn one_journal_under_two_names_is_said() {
    let t = Journal::new()
        .file("team.yaml", "members:\n  - {name: Alex, journal: alex}\n  - {name: Alex Again, journal: ./alex/}\n")
        .note("alex/2026-11-26", "mood: 4");
    let run = t.run(&["team", "report"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("members Alex and Alex Again are the same journal folder"), "{}", run.stderr);
}
