//! `saleslog serve` end to end in real headless Chromium: open the served
//! dashboard, change a note on disk, and see the page reload by itself and
//! show the new figure.
//!
//! Chromium is driven through chromedriver (Debian's `chromium-driver`)
//! over the W3C WebDriver protocol, spoken here by hand: a few JSON
//! requests over a TCP socket, no client library. Without chromium and
//! chromedriver the test fails under CI (`CI` set) and is skipped, with a
//! notice, elsewhere.

use crate::harness::*;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const LONG: Duration = Duration::from_secs(60);

/// Chromium and chromedriver, or `None` (after saying why) when the test
/// may be skipped.
pub fn tools() -> Option<(PathBuf, PathBuf)> {
    let browser = find_chromium();
    let driver = find_in_path(&["chromedriver"]);
    match (browser, driver) {
        (Some(b), Some(d)) => Some((b, d)),
        (b, d) => {
            let missing = [(b.is_none(), "chromium"), (d.is_none(), "chromium-driver")]
                .iter()
                .filter(|(gone, _)| *gone)
                .map(|(_, name)| *name)
                .collect::<Vec<_>>()
                .join(" and ");
            skip(&format!("{missing} not installed"), "apt-get install chromium chromium-driver");
            None
        }
    }
}

/// One HTTP exchange with chromedriver: `method path` with an optional JSON
/// body; the JSON `value` of the answer.
fn webdriver(port: u16, method: &str, path: &str, body: Option<&Value>) -> Value {
    try_webdriver(port, method, path, body).unwrap_or_else(|e| panic!("{e}"))
}

/// [`webdriver`], with a WebDriver error as `Err` (a script run while the
/// page reloads may fail).
fn try_webdriver(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to chromedriver");
    stream.set_read_timeout(Some(LONG)).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).unwrap();
    let mut length = None;
    let mut chunked = false;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').unwrap_or((line, ""));
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse::<usize>().ok(),
            "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
            _ => {}
        }
    }
    let mut bytes = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).unwrap();
            let size = usize::from_str_radix(size.trim().split(';').next().unwrap(), 16).unwrap();
            if size == 0 {
                break;
            }
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).unwrap();
            bytes.extend_from_slice(&chunk[..size]);
        }
    } else if let Some(n) = length {
        bytes.resize(n, 0);
        reader.read_exact(&mut bytes).unwrap();
    } else {
        reader.read_to_end(&mut bytes).unwrap();
    }
    let answer: Value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{method} {path}: not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
    if !status_line.contains(" 200 ") {
        return Err(format!("{method} {path}: {} {answer}", status_line.trim_end()));
    }
    Ok(answer["value"].clone())
}

/// chromedriver and one headless Chromium session, both ended on drop.
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub fn start(chromium: &Path, chromedriver: &Path) -> Browser {
        Browser::start_with(chromium, chromedriver, &[], None)
    }

    /// A browser whose window is `width`×`height` CSS pixels (a phone's, a laptop's).
    pub fn sized(chromium: &Path, chromedriver: &Path, width: u32, height: u32) -> Browser {
        // Headless windows have a minimum width; device metrics set the
        // viewport exactly, as a phone's.
        let metrics = json!({"deviceMetrics": {"width": width, "height": height, "pixelRatio": 1.0}});
        Browser::start_with(chromium, chromedriver, &[format!("--window-size={width},{height}")], Some(metrics))
    }

    fn start_with(chromium: &Path, chromedriver: &Path, extra: &[String], metrics: Option<Value>) -> Browser {
        let mut driver = Command::new(chromedriver)
            .arg("--port=0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        // "ChromeDriver was started successfully on port 44931."
        let mut out = BufReader::new(driver.stdout.take().unwrap());
        let port = loop {
            let mut line = String::new();
            if out.read_line(&mut line).unwrap() == 0 {
                let _ = driver.kill();
                panic!("chromedriver exited without saying its port");
            }
            if let Some(rest) = line.trim_end().strip_suffix('.').and_then(|l| l.split(" on port ").nth(1)) {
                if let Ok(port) = rest.parse::<u16>() {
                    if port != 0 {
                        break port;
                    }
                }
            }
        };
        // Keep draining its output so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in out.lines() {});
        let profile = tempfile::tempdir().unwrap();
        let mut capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": CHROMIUM_ARGS
                    .iter()
                    .map(|a| a.to_string())
                    .chain([format!("--user-data-dir={}", profile.path().display())])
                    .chain(extra.iter().cloned())
                    .collect::<Vec<_>>(),
            },
        }}});
        if let Some(metrics) = metrics {
            capabilities["capabilities"]["alwaysMatch"]["goog:chromeOptions"]["mobileEmulation"] = metrics;
        }
        let mut browser = Browser { driver, port, session: String::new(), _profile: profile };
        let session = webdriver(port, "POST", "/session", Some(&capabilities));
        browser.session = session["sessionId"].as_str().expect("a session id").to_string();
        browser
    }

    pub fn open(&self, url: &str) {
        webdriver(self.port, "POST", &format!("/session/{}/url", self.session), Some(&json!({ "url": url })));
    }

    pub fn run(&self, script: &str) -> Value {
        self.try_run(script).unwrap_or_else(|e| panic!("{e}"))
    }

    pub fn try_run(&self, script: &str) -> Result<Value, String> {
        try_webdriver(
            self.port,
            "POST",
            &format!("/session/{}/execute/sync", self.session),
            Some(&json!({ "script": script, "args": [] })),
        )
    }
}

impl Browser {
    /// The visible part of the page as PNG bytes.
    pub fn screenshot(&self) -> Vec<u8> {
        let b64 = webdriver(self.port, "GET", &format!("/session/{}/screenshot", self.session), None);
        base64_decode(b64.as_str().expect("a base64 screenshot"))
    }
}

/// Standard base64, as WebDriver sends screenshots (no crate for one use).
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for v in text.bytes().filter_map(value) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let session = format!("/session/{}", self.session);
            let port = self.port;
            // Ending the session closes Chromium; don't let a hung driver hang the test.
            let ended = std::thread::spawn(move || try_webdriver(port, "DELETE", &session, None));
            let deadline = Instant::now() + Duration::from_secs(10);
            while !ended.is_finished() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// What the page shows: whether our marker survived, and the activity box.
const LOOK: &str = "var box = document.getElementById('box-activity'); \
     return {marker: typeof window.__marker, activity: box ? box.innerText : '', title: document.title};";

#[test]
fn a_saved_note_reloads_the_open_dashboard() {
    let Some((chromium, chromedriver)) = tools() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let journal = tmp.path().join("journal");
    copy_journal(&sample_journal(), &journal);
    let out = tmp.path().join("out");
    let server = Spawned::start(&[
        "--today",
        TODAY,
        "serve",
        journal.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--port",
        "0",
    ]);
    let serving = server.wait_for_line(|l| l.starts_with("serving "), LONG);
    let url = serving[serving.find("http://").unwrap()..].split_whitespace().next().unwrap().to_string();
    server.wait_for_line(is_rebuild_line, LONG);

    let browser = Browser::start(&chromium, &chromedriver);
    browser.open(&url);
    let before = browser.run(LOOK);
    let activity = before["activity"].as_str().unwrap().to_string();
    assert!(activity.contains("calls"), "the dashboard's activity box: {before}");
    assert!(!activity.contains("589"), "{activity}");
    browser.run("window.__marker = 1; return 1;");

    // Save the note like an editor: a new file renamed over the old one.
    // Its 521 calls make the week's calls 589 (from 89).
    let note = journal.join("2026/11/2026-11-27.md");
    let text = std::fs::read_to_string(&note).unwrap();
    assert!(text.contains("calls: 21"));
    let tmp_note = note.with_file_name(".2026-11-27.md.tmp");
    std::fs::write(&tmp_note, text.replace("calls: 21", "calls: 521")).unwrap();
    std::fs::rename(&tmp_note, &note).unwrap();

    let deadline = Instant::now() + LONG;
    let after = loop {
        // A reload in progress can make a script call fail; look again.
        let now = browser.try_run(LOOK).unwrap_or(Value::Null);
        if now["marker"] == "undefined" && now["activity"].as_str().is_some_and(|a| a.contains("589")) {
            break now;
        }
        assert!(
            Instant::now() < deadline,
            "the page did not reload with the new figure; it shows {now}; server said:\n{}",
            server.lines().join("\n")
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(after["marker"], "undefined", "the page was patched, not reloaded");
}

/// The activity box and the overlay, as the page shows them.
const LOOK_OVERLAY: &str = "var box = document.getElementById('box-activity'); \
     var o = document.getElementById('saleslog-overlay'); \
     return {activity: box ? box.innerText : '', overlay: o ? o.innerText : null, \
             overlay_height: o ? o.getBoundingClientRect().height : 0, screen: window.innerHeight};";

#[test]
fn a_note_saved_with_broken_yaml_keeps_the_figures_and_the_overlay_says_so() {
    let Some((chromium, chromedriver)) = tools() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let journal = tmp.path().join("journal");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-journal"), &journal);
    let out = tmp.path().join("out");
    let server = Spawned::start(&[
        "--today",
        TODAY,
        "serve",
        journal.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--port",
        "0",
    ]);
    let serving = server.wait_for_line(|l| l.starts_with("serving "), LONG);
    let url = serving[serving.find("http://").unwrap()..].split_whitespace().next().unwrap().to_string();
    server.wait_for_line(is_rebuild_line, LONG);
    let browser = Browser::sized(&chromium, &chromedriver, 390, 844);
    browser.open(&url);
    let before = browser.run(LOOK_OVERLAY);
    let activity = before["activity"].as_str().unwrap().to_string();
    assert!(activity.contains("89 / 100"), "{before}");
    assert!(before["overlay"].is_null(), "{before}");

    let note = journal.join("2026/11/2026-11-27.md");
    let good = std::fs::read_to_string(&note).unwrap();
    let broken = good.replacen("mood:", "mood: [", 1);
    assert_ne!(broken, good);
    let wait_for = |what: &str, pred: &dyn Fn(&Value) -> bool| -> Value {
        let deadline = Instant::now() + LONG;
        loop {
            let now = browser.try_run(LOOK_OVERLAY).unwrap_or(Value::Null);
            if pred(&now) {
                return now;
            }
            assert!(
                Instant::now() < deadline,
                "{what}: the page shows {now}; server said:\n{}",
                server.lines().join("\n")
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    std::fs::write(&note, &broken).unwrap();
    let during = wait_for("the overlay after a broken save", &|v| {
        v["overlay"]
            .as_str()
            .is_some_and(|o| o.contains("2026-11-27.md: front matter does not parse; its last good version is shown"))
    });
    assert_eq!(during["activity"], before["activity"], "the figures stay the same");
    let (height, screen) = (during["overlay_height"].as_f64().unwrap(), during["screen"].as_f64().unwrap());
    assert!(height <= screen * 0.4 + 1.0, "the overlay covers {height} of {screen}px");
    // Fixed: the overlay goes, the figures are the note's.
    std::fs::write(&note, &good).unwrap();
    let after = wait_for("the page after the fix", &|v| {
        v["overlay"].is_null() && v["activity"].as_str().is_some_and(|a| a.contains("89 / 100"))
    });
    assert_eq!(after["activity"], before["activity"]);
}
