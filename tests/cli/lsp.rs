//! `saleslog lsp`, driven over stdio with real JSON-RPC messages
//! (`Content-Length` framing), as an editor does.

use crate::harness::{saleslog_path, Journal, TODAY};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

/// Long enough for a loaded machine; a test that waits this long has failed.
const PATIENCE: Duration = Duration::from_secs(60);

pub struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for something else.
    stash: Vec<Value>,
    pub root: PathBuf,
}

/// One framed message from `r`; None at the end.
fn read_frame(r: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

impl Client {
    /// `saleslog --today TODAY lsp` started in the journal folder.
    pub fn start(journal: &Journal) -> Client {
        Client::start_with(journal, &[])
    }

    pub fn start_with(journal: &Journal, args: &[&str]) -> Client {
        let root = journal.path().canonicalize().unwrap();
        let mut child = crate::harness::saleslog_process()
            .args(["--today", TODAY, "lsp"])
            .args(args)
            .current_dir(&root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn saleslog lsp");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(v) = read_frame(&mut r) {
                if tx.send(v).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take();
        Client { child, stdin, rx, next_id: 0, stash: Vec::new(), root }
    }

    /// Start and initialize (with the journal as the workspace folder).
    pub fn initialized(journal: &Journal) -> Client {
        let mut c = Client::start(journal);
        let root = uri(&c.root);
        let r = c.request(
            "initialize",
            json!({"processId": null, "rootUri": root, "capabilities": {},
                   "workspaceFolders": [{"uri": root, "name": "journal"}]}),
        );
        assert!(r["result"]["capabilities"].is_object(), "{r}");
        c.notify("initialized", json!({}));
        c
    }

    pub fn uri(&self, rel: &str) -> String {
        uri(&self.root.join(rel))
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    pub fn send(&mut self, v: &Value) {
        let body = v.to_string();
        self.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    }

    pub fn recv(&mut self) -> Value {
        match self.rx.recv_timeout(PATIENCE) {
            Ok(v) => v,
            Err(RecvTimeoutError::Timeout) => panic!("no message from the server"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        }
    }

    /// The response to a request with this id.
    pub fn response(&mut self, id: &Value) -> Value {
        loop {
            let v = self.recv();
            if v.get("id") == Some(id) && v.get("method").is_none() {
                return v;
            }
            self.stash.push(v);
        }
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = json!(self.next_id);
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.response(&id)
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The next diagnostics published for `uri` (one already received
    /// first, oldest first).
    pub fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let is_for =
            |v: &Value| v["method"] == "textDocument/publishDiagnostics" && v["params"]["uri"].as_str() == Some(uri);
        if let Some(i) = self.stash.iter().position(is_for) {
            let v = self.stash.remove(i);
            return v["params"]["diagnostics"].as_array().unwrap().clone();
        }
        loop {
            let v = self.recv();
            if is_for(&v) {
                return v["params"]["diagnostics"].as_array().unwrap().clone();
            }
            self.stash.push(v);
        }
    }

    /// Diagnostics for `uri` until `done` says they are the expected ones.
    pub fn diagnostics_until(&mut self, uri: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        loop {
            let d = self.diagnostics(uri);
            if done(&d) {
                return d;
            }
        }
    }

    pub fn open(&mut self, rel: &str, text: &str) -> String {
        let uri = self.uri(rel);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
        );
        uri
    }

    pub fn at(&mut self, method: &str, uri: &str, pos: (u32, u32)) -> Value {
        let r = self
            .request(method, json!({"textDocument": {"uri": uri}, "position": {"line": pos.0, "character": pos.1}}));
        assert!(r.get("error").is_none(), "{method}: {r}");
        r["result"].clone()
    }

    /// `shutdown` then `exit`: the exit code.
    pub fn shutdown(mut self) -> i32 {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        self.notify("exit", Value::Null);
        self.wait()
    }

    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Wait for the process to end: its exit code.
    pub fn wait(&mut self) -> i32 {
        let start = std::time::Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(start.elapsed() < PATIENCE, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The (line, UTF-16 column) just after the first `needle` in `text`.
pub fn after(text: &str, needle: &str) -> (u32, u32) {
    let at = text.find(needle).unwrap_or_else(|| panic!("`{needle}` not in the text")) + needle.len();
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..line_start].matches('\n').count() as u32;
    (line, text[line_start..at].encode_utf16().count() as u32)
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics.iter().map(|d| d["code"].as_str().unwrap().to_string()).collect()
}

fn labels(completion: &Value) -> Vec<String> {
    completion["items"].as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap().to_string()).collect()
}

/// Items in the order an editor shows them (by sortText).
fn sorted_items(completion: &Value) -> Vec<Value> {
    let mut items = completion["items"].as_array().unwrap().clone();
    items.sort_by_key(|i| i["sortText"].as_str().unwrap_or("").to_string());
    items
}

const EARLIER: &str = "---
date: 2026-11-20
activity:
  calls: 12
  emails: 3
deals:
  - name: Acme Corp
    stage: proposal
    amount: 48000
    close: 2026-12-20
    next: Pricing review with CFO
commitments:
  - id: acme-pricing
    what: Send revised pricing
    to: Jane Doe (Acme)
    due: 2026-11-25
  - id: old-promise
    what: Old promise
    to: Bob
    due: 2026-11-21
    done: 2026-11-21
---
- [ ] Send the case study to Bob 📅 2026-11-30
";

fn journal() -> Journal {
    Journal::new().file("saleslog.yaml", "activities: [calls, emails, meetings]\n").file("2026/2026-11-20.md", EARLIER)
}

/// Every file and folder of the journal with its bytes (a folder's are
/// none), to show nothing was written, created or removed.
fn snapshot(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<_> = walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let bytes = if e.file_type().is_file() { std::fs::read(e.path()).unwrap() } else { Vec::new() };
            (e.path().to_path_buf(), bytes)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn diagnostics_of_the_unsaved_text_have_checks_codes_hints_and_utf16_ranges() {
    let j = journal();
    let mut c = Client::initialized(&j);
    let text = "---\nmood: 9\nactivty:\n  calls: 3\n---\n- [ ] Call Bob 📅 2026-02-30\n";
    let uri = c.open("2026/2026-11-27.md", text);
    let d = c.diagnostics(&uri);
    assert_eq!(codes(&d), vec!["out-of-range", "likely-typo", "invalid-date"], "{d:?}");
    assert!(d.iter().all(|d| d["source"] == "saleslog"));
    assert_eq!(d[0]["severity"], 1);
    assert_eq!(d[0]["range"]["start"], json!({"line": 1, "character": 6}));
    assert!(d[0]["message"].as_str().unwrap().contains("hint: use a number from 1 to 5"), "{}", d[0]["message"]);
    // A likely typo is an error (issue 17): its value would be lost.
    assert_eq!(d[1]["severity"], 1);
    assert!(d[1]["message"].as_str().unwrap().contains("did you mean `activity`?"));
    // The bad date comes after 📅, two UTF-16 code units.
    let (line, character) = after(text, "📅 ");
    assert_eq!(d[2]["range"]["start"], json!({"line": line, "character": character}));
    assert_eq!(d[2]["range"]["end"], json!({"line": line, "character": character + 10}));

    // An incremental change (the date, in UTF-16 units) republishes.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{
            "range": {"start": {"line": line, "character": character},
                      "end": {"line": line, "character": character + 10}},
            "text": "2026-11-30"}]}),
    );
    let d = c.diagnostics(&uri);
    assert_eq!(codes(&d), vec!["out-of-range", "likely-typo"]);
    // A full-text change too.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": "---\nmood: 4\n---\n"}]}),
    );
    assert_eq!(c.diagnostics(&uri), Vec::<Value>::new());
    assert_eq!(c.shutdown(), 0);
}

/// A lone CR is a line break to LSP (as to CommonMark and YAML): the
/// problem after it is on the editor's line, and an edit there lands there.
#[test]
fn a_lone_carriage_return_counts_as_a_line_as_the_editor_does() {
    let j = journal();
    let mut c = Client::initialized(&j);
    let uri = c.open("2026-11-27.md", "---\nmood: 3\n---\nfoo\rbar\n- [ ] x 📅 2026-13-01\n");
    let d = c.diagnostics(&uri);
    assert_eq!(codes(&d), vec!["invalid-date"]);
    // After 📅, two UTF-16 code units.
    assert_eq!(d[0]["range"]["start"], json!({"line": 5, "character": 11}));
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{
            "range": {"start": {"line": 5, "character": 16}, "end": {"line": 5, "character": 18}},
            "text": "12"}]}),
    );
    assert_eq!(c.diagnostics(&uri), Vec::<Value>::new());
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn journal_wide_diagnostics_follow_changes_in_other_notes_and_on_disk() {
    let j = journal();
    let mut c = Client::initialized(&j);
    let later = c.open("2026-11-27.md", "---\ncommitments:\n  - id: globex-demo\n    done: true\n---\n");
    let d = c.diagnostics(&later);
    assert_eq!(codes(&d), vec!["unknown-commitment"]);

    // Another open note, unsaved, makes the commitment: the error goes.
    let earlier_uri = c.uri("2026/2026-11-20.md");
    let made = EARLIER.replace("commitments:\n", "commitments:\n  - id: globex-demo\n    what: Demo for Globex\n");
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": earlier_uri, "languageId": "markdown", "version": 1, "text": made}}),
    );
    c.diagnostics_until(&later, |d| d.is_empty());
    // Closed unsaved: the file on disk counts again, and the error is back.
    c.notify("textDocument/didClose", json!({"textDocument": {"uri": earlier_uri}}));
    c.diagnostics_until(&later, |d| codes(d) == ["unknown-commitment"]);

    // A note written on disk by another program, announced by the client.
    j.write("2026-11-21.md", b"---\ncommitments:\n  - {id: globex-demo, what: Demo}\ndeals:\n  - name: Initech\n---\n");
    let disk_uri = c.uri("2026-11-21.md");
    c.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": disk_uri, "type": 1}]}));
    c.diagnostics_until(&later, |d| d.is_empty());
    // A deal's first mention without a stage, in an open note.
    let first = c.open("2026-11-21.md", "---\ndeals:\n  - name: Initech\n---\n");
    let d = c.diagnostics(&first);
    assert_eq!(codes(&d), vec!["deal-first-mention"]);
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn completion_offers_keys_stages_deals_commitments_activities_people_and_dates() {
    let j = journal();
    let mut c = Client::initialized(&j);
    let text = "---\ndate: 2026-11-27\nmo\nactivity:\n  ca\ndeals:\n  - id: \n    stage: \n  - name: \ncommitments:\n  - id: \n    to: \n---\n- [ ] Call Jane 📅\n";
    let uri = c.open("2026-11-27.md", text);

    let keys = c.at("textDocument/completion", &uri, after(text, "\nmo"));
    let keys = labels(&keys);
    assert!(keys.contains(&"mood".to_string()) && keys.contains(&"energy".to_string()), "{keys:?}");
    assert!(!keys.contains(&"date".to_string()), "a key already written is not offered again: {keys:?}");

    let stages = c.at("textDocument/completion", &uri, after(text, "stage: "));
    assert_eq!(labels(&stages), ["lead", "qualified", "proposal", "negotiation", "won", "lost"]);

    let ids = c.at("textDocument/completion", &uri, after(text, "  - id: "));
    let acme = &ids["items"][0];
    assert_eq!(acme["label"], "acme-corp");
    let detail = acme["detail"].as_str().unwrap();
    assert!(detail.contains("proposal") && detail.contains("48,000"), "{detail}");
    let names = c.at("textDocument/completion", &uri, after(text, "- name: "));
    assert_eq!(labels(&names), ["Acme Corp"]);

    let commitments = c.at("textDocument/completion", &uri, after(text, "commitments:\n  - id: "));
    let items = sorted_items(&commitments);
    let order: Vec<&str> = items.iter().map(|i| i["label"].as_str().unwrap()).collect();
    // Open ones first (overdue included), then kept ones.
    assert_eq!(&order[..2], ["acme-pricing", "2026-11-20-send-the-case-study-to-bob"], "{order:?}");
    assert_eq!(order.last(), Some(&"old-promise"));
    let detail = items[0]["detail"].as_str().unwrap();
    assert!(detail.contains("Send revised pricing") && detail.contains("Jane Doe") && detail.contains("2026-11-25"));
    assert!(detail.contains("overdue"), "{detail}");

    let activities = labels(&c.at("textDocument/completion", &uri, after(text, "\n  ca")));
    assert_eq!(&activities[..3], ["calls", "emails", "meetings"]);
    let people = labels(&c.at("textDocument/completion", &uri, after(text, "to: ")));
    assert_eq!(people, ["Bob", "Jane Doe (Acme)"]);

    let marker = c.at("textDocument/completion", &uri, after(text, "Jane 📅"));
    let items = sorted_items(&marker);
    assert!(labels(&marker).contains(&"📅 2026-11-28".to_string()), "{:?}", labels(&marker));
    // The marker typed so far is replaced (its range starts before 📅).
    let (line, end) = after(text, "Jane 📅");
    assert_eq!(items[0]["textEdit"]["range"]["start"], json!({"line": line, "character": end - 2}));
    assert_eq!(c.shutdown(), 0);
}

/// The same completions inside flow mappings, the style `new` writes its
/// carried-forward updates in (`- {id: acme-corp, stage: }`); keys already
/// in the mapping are not offered again.
#[test]
fn completion_works_inside_flow_mappings() {
    let j = journal();
    let mut c = Client::initialized(&j);
    let text = "---\nactivity: {calls: 3, me}\ndeals:\n  - {id: acme-corp, stage: }\n  - {name: }\n  - {id: globex, st}\ncommitments:\n  - {id: }\n  - {what: \"Call, then write\", to: }\n---\n";
    let uri = c.open("2026-11-27.md", text);
    let stages = c.at("textDocument/completion", &uri, after(text, "stage: "));
    assert_eq!(labels(&stages), ["lead", "qualified", "proposal", "negotiation", "won", "lost"]);
    assert_eq!(labels(&c.at("textDocument/completion", &uri, after(text, "{name: "))), ["Acme Corp"]);
    let keys = labels(&c.at("textDocument/completion", &uri, after(text, "globex, st")));
    assert!(keys.contains(&"stage".to_string()) && !keys.contains(&"id".to_string()), "{keys:?}");
    let ids = labels(&c.at("textDocument/completion", &uri, after(text, "commitments:\n  - {id: ")));
    assert_eq!(ids.first().map(String::as_str), Some("acme-pricing"), "{ids:?}");
    assert_eq!(
        labels(&c.at("textDocument/completion", &uri, after(text, "write\", to: "))),
        ["Bob", "Jane Doe (Acme)"]
    );
    let activities = labels(&c.at("textDocument/completion", &uri, after(text, "calls: 3, me")));
    assert!(activities.contains(&"meetings".to_string()), "{activities:?}");
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn hover_shows_a_deal_or_commitment_as_of_today() {
    let j = journal();
    let mut c = Client::initialized(&j);
    let text = "---\ndeals:\n  - id: acme-corp\n    amount: 50000\ncommitments:\n  - id: acme-pricing\n    done: 2026-11-30\n---\n- [ ] Send the case study to Bob 📅 2026-11-30\n";
    let uri = c.open("2026-11-27.md", text);
    let deal = c.at("textDocument/hover", &uri, after(text, "id: acme"));
    let deal = deal["contents"]["value"].as_str().unwrap().to_string();
    for part in ["Acme Corp", "proposal", "$50,000", "2026-12-20", "Pricing review with CFO"] {
        assert!(deal.contains(part), "`{part}` not in {deal}");
    }
    let promise = c.at("textDocument/hover", &uri, after(text, "id: acme-pri"));
    let promise = promise["contents"]["value"].as_str().unwrap().to_string();
    // Done on the 30th is after today: as of today it is overdue.
    for part in ["Send revised pricing", "overdue", "2026-11-25", "Jane Doe (Acme)"] {
        assert!(promise.contains(part), "`{part}` not in {promise}");
    }
    let task = c.at("textDocument/hover", &uri, after(text, "- [ ] Send"));
    assert!(task["contents"]["value"].as_str().unwrap().contains("open"), "{task}");
    assert_eq!(c.at("textDocument/hover", &uri, (0, 1)), Value::Null);
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn definition_goes_to_the_note_that_made_it() {
    let j = journal();
    let mut c = Client::initialized(&j);
    let text = "---\ndeals:\n  - id: acme-corp\n    stage: negotiation\ncommitments:\n  - id: acme-pricing\n    done: true\n---\n";
    let uri = c.open("2026-11-27.md", text);
    let made = c.uri("2026/2026-11-20.md");
    let deal = c.at("textDocument/definition", &uri, after(text, "id: ac"));
    assert_eq!(deal["uri"], made.as_str());
    assert_eq!(deal["range"]["start"], json!({"line": 6, "character": 4}));
    let promise = c.at("textDocument/definition", &uri, after(text, "- id: acme-p"));
    assert_eq!(promise["uri"], made.as_str());
    assert_eq!(promise["range"]["start"], json!({"line": 12, "character": 4}));
    assert_eq!(c.at("textDocument/definition", &uri, (0, 0)), Value::Null);
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn document_symbols_are_the_notes_deals_and_commitments() {
    let j = journal();
    let mut c = Client::initialized(&j);
    let uri = c.open("2026/2026-11-20.md", EARLIER);
    let r = c.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
    let names: Vec<&str> = r["result"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Acme Corp", "Send revised pricing", "Old promise", "Send the case study to Bob"]);
    assert_eq!(r["result"][0]["range"]["start"]["line"], 6);
    assert_eq!(r["result"][0]["range"]["end"]["line"], 10);
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn a_did_you_mean_is_a_quick_fix() {
    let j = journal();
    let mut c = Client::initialized(&j);
    let text = "---\nactivty:\n  calls: 3\ndeals:\n  - id: acme-corp\n    stage: Proposal\n---\n";
    let uri = c.open("2026-11-27.md", text);
    let d = c.diagnostics(&uri);
    assert_eq!(codes(&d), vec!["likely-typo", "unknown-stage"]);
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": d[0]["range"], "context": {"diagnostics": d}}),
    );
    let actions = r["result"].as_array().unwrap();
    let titles: Vec<&str> = actions.iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["replace `activty` with `activity`", "replace `Proposal` with `proposal`"]);
    let edit = &actions[1]["edit"]["changes"][uri.as_str()][0];
    assert_eq!(edit["newText"], "proposal");
    assert_eq!(edit["range"], json!({"start": {"line": 5, "character": 11}, "end": {"line": 5, "character": 19}}));
    // Without the client's diagnostics, the server's own are used.
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 1, "character": 2}, "end": {"line": 1, "character": 2}},
               "context": {"diagnostics": []}}),
    );
    assert_eq!(r["result"][0]["title"], "replace `activty` with `activity`");
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn bad_messages_and_unknown_methods_get_errors_and_the_server_goes_on() {
    let j = journal();
    let mut c = Client::start(&j);
    // Before initialize: an error, not an answer.
    let r = c.request("textDocument/hover", json!({}));
    assert_eq!(r["error"]["code"], -32002);
    let root = uri(&c.root);
    let r = c.request("initialize", json!({"capabilities": {}, "rootUri": root}));
    assert!(r["result"]["capabilities"]["hoverProvider"].as_bool().unwrap());

    let body = "{not json";
    c.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    let r = c.response(&Value::Null);
    assert_eq!(r["error"]["code"], -32700, "{r}");
    c.send(&json!({"jsonrpc": "2.0", "id": 99}));
    assert_eq!(c.response(&json!(99))["error"]["code"], -32600);
    // A batch (LSP has none), a frame without Content-Length, a bad length.
    c.send(&json!([{"jsonrpc": "2.0", "id": 100, "method": "shutdown"}]));
    assert_eq!(c.response(&Value::Null)["error"]["code"], -32600);
    c.send_raw(b"Content-Type: application/vscode-jsonrpc\r\n\r\n");
    assert_eq!(c.response(&Value::Null)["error"]["code"], -32700);
    c.send_raw(b"Content-Length: many\r\n\r\n");
    assert_eq!(c.response(&Value::Null)["error"]["code"], -32700);
    let r = c.request("saleslog/no-such-method", json!({}));
    assert_eq!(r["error"]["code"], -32601);
    let r = c.request("textDocument/hover", json!({"textDocument": 5}));
    assert_eq!(r["error"]["code"], -32602);
    // An unknown notification needs no answer; the next request is answered.
    c.notify("saleslog/whatever", json!({}));
    let uri = c.open("2026-11-27.md", "---\ndeals:\n  - id: acme-corp\n---\n");
    let hover = c.at("textDocument/hover", &uri, (2, 9));
    assert!(hover["contents"]["value"].as_str().unwrap().contains("Acme Corp"));
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn the_server_ends_when_the_client_goes_away() {
    let j = journal();
    let mut c = Client::initialized(&j);
    c.close_stdin();
    // Without `shutdown` first, LSP's exit code is 1.
    assert_eq!(c.wait(), 1);
    let mut c = Client::initialized(&j);
    c.notify("exit", Value::Null);
    assert_eq!(c.wait(), 1);
    // Gone in the middle of a message, with a document open and a request
    // answered: the cut-off frame is the end, not a wait for more.
    let mut c = Client::initialized(&j);
    let uri = c.open("2026-11-27.md", "---\nmood: 9\n---\n");
    c.diagnostics(&uri);
    c.send_raw(b"Content-Length: 500\r\n\r\n{\"jsonrpc\": \"2.0\", \"id\": 5, \"meth");
    c.close_stdin();
    assert_eq!(c.wait(), 1);
}

#[test]
fn the_server_never_writes_a_note() {
    let j = journal();
    let before = snapshot(j.path());
    let mut c = Client::initialized(&j);
    let uri = c.open("2026/2026-11-20.md", EARLIER);
    c.diagnostics(&uri);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": "---\nmood: 1\n---\n"}]}),
    );
    c.notify("textDocument/didSave", json!({"textDocument": {"uri": uri}}));
    c.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": uri, "type": 2}]}));
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 9, "character": 0}},
               "context": {"diagnostics": []}}),
    );
    assert!(r.get("error").is_none());
    c.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));
    // A new note, never saved: edited, completed, fixed, closed, and still
    // not on disk.
    let text = "---\nactivty:\n  calls: 3\n---\n";
    let new = c.open("2026/2026-11-26.md", text);
    assert_eq!(codes(&c.diagnostics(&new)), ["likely-typo"]);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": new, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 0}}, "text": "mood: 3\n"}]}),
    );
    c.at("textDocument/completion", &new, (1, 3));
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": new}, "range": {"start": {"line": 1, "character": 2}, "end": {"line": 1, "character": 2}},
               "context": {"diagnostics": []}}),
    );
    assert_eq!(r["result"][0]["title"], "replace `activty` with `activity`", "{r}");
    c.notify("textDocument/didClose", json!({"textDocument": {"uri": new}}));
    assert_eq!(c.shutdown(), 0);
    assert_eq!(snapshot(j.path()), before);
}

#[test]
fn the_journal_is_the_command_lines_folder_when_given() {
    let j = journal();
    let elsewhere = Journal::new();
    let dir = j.path().canonicalize().unwrap();
    let mut c = Client::start_with(&elsewhere, &[dir.to_str().unwrap()]);
    // The client's folder is elsewhere; the journal named wins.
    let r = c.request("initialize", json!({"capabilities": {}, "rootUri": uri(&c.root)}));
    assert!(r.get("result").is_some());
    c.root = dir;
    let uri = c.open("2026-11-27.md", "---\ncommitments:\n  - id: acme-pricing\n    done: true\n---\n");
    assert_eq!(c.diagnostics(&uri), Vec::<Value>::new());
    let hover = c.at("textDocument/hover", &uri, (2, 9));
    assert!(hover["contents"]["value"].as_str().unwrap().contains("Send revised pricing"));
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn lsp_is_in_the_completions_and_the_man_pages() {
    let bash = crate::harness::saleslog().args(["completions", "bash"]).output().unwrap();
    assert!(String::from_utf8_lossy(&bash.stdout).contains("lsp"));
    let dir = tempfile::tempdir().unwrap();
    let man = crate::harness::saleslog().args(["man", "-o", dir.path().to_str().unwrap()]).output().unwrap();
    assert!(man.status.success());
    let page = std::fs::read_to_string(dir.path().join("saleslog-lsp.1")).unwrap();
    assert!(page.contains("docs/editors.md"), "{page}");
}

/// What a real editor driving the server (tests/editors/) wrote to $OUT,
/// given the note, the journal and the binary in its environment.
fn run_editor(mut command: Command, root: &Path, note: &Path) -> Value {
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("result.json");
    let run = command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("XDG_STATE_HOME", home.path())
        .env("XDG_CACHE_HOME", home.path())
        .env("TZ", "UTC")
        .env("SALESLOG", saleslog_path())
        .env("TODAY", TODAY)
        .env("JOURNAL", root)
        .env("NOTE", note)
        .env("OUT", &out)
        .current_dir(root)
        .stdin(Stdio::null())
        .output()
        .expect("run the editor");
    let result = std::fs::read_to_string(&out).unwrap_or_else(|_| {
        panic!(
            "the editor wrote no result: {}\n{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        )
    });
    serde_json::from_str(&result).unwrap()
}

/// The note both editor tests open: a mood out of range and an invalid
/// date after an emoji (so its UTF-16 column differs from the byte and
/// character columns), and a deal whose stage is left to complete.
const EDITOR_NOTE: &str = "---\nmood: 9\ndeals:\n  - id: acme-corp\n    stage: \n---\n- [ ] Call Bob 📅 2026-02-30\n";

/// Neovim (Debian's, headless) as the client: tests/editors/nvim.lua.
#[test]
fn neovim_shows_the_diagnostics_and_answers() {
    let Some(nvim) = crate::harness::find_in_path(&["nvim"]) else {
        crate::harness::skip("neovim is not installed", "apt-get install neovim");
        return;
    };
    let text = EDITOR_NOTE;
    let j = journal().file("2026-11-27.md", text);
    let before = snapshot(j.path());
    let root = j.path().canonicalize().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/editors/nvim.lua");
    let mut nvim = Command::new(nvim);
    nvim.args(["--headless", "--clean", "-i", "NONE", "-c"]).arg(format!("luafile {}", script.display()));
    let r = run_editor(nvim, &root, &root.join("2026-11-27.md"));
    assert_eq!(r["waited"], true, "{r}");
    let opened: Vec<&str> = r["opened"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(opened, ["out-of-range", "invalid-date"], "{r}");
    // Neovim turns the UTF-16 column back into the byte column it uses.
    let date_line = text.lines().nth(6).unwrap();
    let byte_col = date_line.find("2026-02-30").unwrap();
    assert_eq!(r["opened"][1]["lnum"], 6);
    assert_eq!(r["opened"][1]["col"], byte_col, "{r}");
    assert_eq!(r["fixed_waited"], true, "{r}");
    assert_eq!(r["edited"][0]["code"], "invalid-date");
    assert!(r["hover"].as_str().unwrap().contains("Acme Corp"), "{r}");
    assert_eq!(r["stages"][0], "lead", "{r}");
    assert_eq!(snapshot(j.path()), before, "neither Neovim nor the server saved the note");
}

/// Emacs (Debian's, in batch mode) with eglot as the client:
/// tests/editors/emacs.el.
#[test]
fn emacs_with_eglot_shows_the_diagnostics_and_answers() {
    let Some(emacs) = crate::harness::find_in_path(&["emacs"]) else {
        crate::harness::skip("emacs is not installed", "apt-get install emacs-nox elpa-eglot");
        return;
    };
    let eglot = Command::new(&emacs)
        .args(["--batch", "--eval", "(progn (package-initialize) (require 'eglot))"])
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success());
    if !eglot {
        crate::harness::skip("emacs has no eglot (Emacs 29+ has it built in)", "apt-get install elpa-eglot");
        return;
    }
    let j = journal().file("2026-11-27.md", EDITOR_NOTE);
    let before = snapshot(j.path());
    let root = j.path().canonicalize().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/editors/emacs.el");
    let mut command = Command::new(emacs);
    command.arg("--batch").arg("-l").arg(&script);
    let r = run_editor(command, &root, &root.join("2026-11-27.md"));
    assert_eq!(r["started"], true, "{r}");
    assert_eq!(r["waited"], true, "{r}");
    let opened: Vec<&str> = r["opened"].as_array().unwrap().iter().map(|d| d["text"].as_str().unwrap()).collect();
    assert_eq!(opened.len(), 2, "{r}");
    assert!(opened[0].contains("mood"), "{r}");
    assert!(opened[1].contains("2026-02-30"), "{r}");
    // eglot turns the UTF-16 column back into Emacs's character column.
    let date_line = EDITOR_NOTE.lines().nth(6).unwrap();
    let char_col = date_line[..date_line.find("2026-02-30").unwrap()].chars().count();
    assert_eq!(r["opened"][1]["line"], 6, "{r}");
    assert_eq!(r["opened"][1]["col"], char_col, "{r}");
    assert_eq!(r["fixed_waited"], true, "{r}");
    assert!(r["edited"][0]["text"].as_str().unwrap().contains("2026-02-30"), "{r}");
    assert!(r["hover"].as_str().unwrap().contains("Acme Corp"), "{r}");
    assert_eq!(r["stages"][0], "lead", "{r}");
    assert_eq!(r["stopped"], true, "{r}");
    assert_eq!(snapshot(j.path()), before, "neither Emacs nor the server wrote in the journal");
}
