//! `saleslog serve` over real HTTP: requests are written by hand on a TCP
//! socket, so paths reach the server exactly as an attacker would send
//! them. Issue 4's security list, the error overlay, and the reload channel.

use crate::harness::*;
use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const LONG: Duration = Duration::from_secs(30);

/// A journal, an output folder beside it, and a server over them.
struct Served {
    tmp: tempfile::TempDir,
    journal: PathBuf,
    out: PathBuf,
    server: Spawned,
    port: u16,
}

/// The port of a `serving DIR at http://HOST:PORT/ …` line.
fn port_of(line: &str) -> u16 {
    let url = &line[line.find("http://").expect("a URL")..];
    let host_port = url.trim_start_matches("http://").split('/').next().unwrap();
    host_port.rsplit(':').next().unwrap().parse().expect("a port")
}

impl Served {
    /// A copy of the sample journal, changed by `prepare`, served on a free
    /// port. Returns once the server listens (not necessarily built).
    fn start(prepare: impl FnOnce(&Path), extra: &[&str]) -> Served {
        let tmp = tempfile::tempdir().unwrap();
        let journal = tmp.path().join("journal");
        copy_journal(&sample_journal(), &journal);
        prepare(&journal);
        let out = tmp.path().join("out");
        let mut args = vec!["--today", TODAY, "serve", journal.to_str().unwrap(), "-o", out.to_str().unwrap()];
        args.extend_from_slice(extra);
        if !extra.contains(&"--port") {
            args.extend_from_slice(&["--port", "0"]);
        }
        let server = Spawned::start(&args);
        let port = port_of(&server.wait_for_line(|l| l.starts_with("serving "), LONG));
        Served { tmp, journal, out, server, port }
    }

    /// The sample journal served, its first build written.
    fn sample() -> Served {
        let s = Served::start(|_| {}, &[]);
        s.server.wait_for_line(is_rebuild_line, LONG);
        s
    }

    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn get(&self, path: &str) -> Response {
        request(self.port, &format!("GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", self.host()))
    }
}

#[derive(Debug)]
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Send `raw` as-is and read the whole response (the request asks the
/// server to close). Every response is checked for what must never be
/// there: a CORS opening.
fn request(port: u16, raw: &str) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(LONG)).unwrap();
    stream.write_all(raw.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes); // a reset after the response is fine
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no response to {raw:?}: {text:?}"));
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect::<Vec<_>>();
    let response = Response { status, headers, body: body.to_string() };
    assert!(response.header("Access-Control-Allow-Origin").is_none(), "CORS header in {response:?}");
    response
}

#[test]
fn pages_are_served_with_their_content_types() {
    let s = Served::sample();
    let index = s.get("/");
    assert_eq!(index.status, 200);
    assert_eq!(index.header("Content-Type"), Some("text/html; charset=utf-8"));
    assert!(index.body.contains("<title>"), "{}", index.body);
    assert!(index.body.contains("/__saleslog/events"), "the reload script is injected");
    assert_eq!(s.get("/index.html").status, 200);
    assert_eq!(s.get("/notes/2026/11/2026-11-27.html").status, 200);
    let css = s.get("/style.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("Content-Type"), Some("text/css; charset=utf-8"));
    assert!(!css.body.contains("EventSource"), "only HTML gets the script");
    assert_eq!(css.header("X-Content-Type-Options"), Some("nosniff"));
    // On disk the pages are exactly what `build` writes: no script.
    assert!(!fs::read_to_string(s.out.join("index.html")).unwrap().contains("__saleslog"));
}

#[test]
fn traversal_and_symlinks_out_are_404() {
    let s = Served::sample();
    fs::write(s.tmp.path().join("secret.txt"), "TOP SECRET").unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(s.tmp.path().join("secret.txt"), s.out.join("leak.html")).unwrap();
        std::os::unix::fs::symlink(s.tmp.path(), s.out.join("leakdir")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", s.out.join("passwd.html")).unwrap();
    }
    for path in [
        "/../../etc/passwd",
        "/../secret.txt",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2e%2e/secret.txt",
        "/.%2e/secret.txt",
        "/.%252e/secret.txt",
        "/.%252e/.%252e/etc/passwd",
        "/..%5csecret.txt",
        "/..%5c..%5cetc%5cpasswd",
        "/notes/..%2f..%2fsecret.txt",
        "//etc/passwd",
        "///etc/passwd",
        "/etc/passwd",
        "/../journal/2026/11/2026-11-27.md",
        "/%00",
        "/leak.html",
        "/leakdir/secret.txt",
        "/passwd.html",
    ] {
        let r = s.get(path);
        assert_eq!(r.status, 404, "{path}: {r:?}");
        assert!(!r.body.contains("TOP SECRET") && !r.body.contains("root:"), "{path} leaked: {}", r.body);
    }
}

#[test]
fn no_directory_listings() {
    let s = Served::sample();
    for path in ["/notes/", "/notes", "/notes/2026/11/", "/deals/", "/weeks"] {
        let r = s.get(path);
        assert_eq!(r.status, 404, "{path}: {r:?}");
        assert!(!r.body.contains(".html"), "{path} lists files: {}", r.body);
    }
}

#[test]
fn a_foreign_host_header_is_400_on_pages_and_the_reload_channel() {
    let s = Served::sample();
    let port = s.port;
    for path in ["/", "/index.html", "/__saleslog/events"] {
        for host in ["evil.example", &format!("evil.example:{port}"), "localhost:1", "127.0.0.2"] {
            let r = request(port, &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"));
            assert_eq!(r.status, 400, "{path} with Host {host}: {r:?}");
        }
        // HTTP/1.0 without a Host header at all.
        let r = request(port, &format!("GET {path} HTTP/1.0\r\n\r\n"));
        assert_eq!(r.status, 400, "{path} without Host: {r:?}");
    }
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}"), format!("LOCALHOST:{port}")] {
        let r = request(port, &format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"));
        assert_eq!(r.status, 200, "Host {host}: {r:?}");
    }
}

#[test]
fn only_get_and_head() {
    let s = Served::sample();
    let before = tree(&s.out);
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        let r = request(
            s.port,
            &format!(
                "{method} /index.html HTTP/1.1\r\nHost: {}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi",
                s.host()
            ),
        );
        assert_eq!(r.status, 405, "{method}: {r:?}");
        assert_eq!(r.header("Allow"), Some("GET, HEAD"));
    }
    let head = request(s.port, &format!("HEAD / HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", s.host()));
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty(), "HEAD has no body");
    assert_eq!(tree(&s.out), before, "a request changed the output");
}

#[test]
fn a_busy_port_gives_the_next_free_one_and_says_so() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let busy = taken.local_addr().unwrap().port();
    let s = Served::start(|_| {}, &["--port", &busy.to_string()]);
    s.server.wait_for_line(|l| l.contains(&format!("port {busy} is busy")), LONG);
    assert_ne!(s.port, busy);
    s.server.wait_for_line(is_rebuild_line, LONG);
    assert_eq!(s.get("/").status, 200);
}

#[test]
fn binding_beyond_loopback_warns() {
    let s = Served::start(|_| {}, &["--bind", "0.0.0.0"]);
    let warning = s.server.wait_for_line(|l| l.starts_with("warning:"), LONG);
    assert!(warning.contains("0.0.0.0"), "{warning}");
    s.server.wait_for_line(is_rebuild_line, LONG);
    assert_eq!(s.get("/").status, 200);
    // Reached by one of the machine's addresses, as a phone on the network
    // would (and by the printed URL); names other than localhost stay out.
    let port = s.port;
    for host in [format!("192.0.2.7:{port}"), format!("0.0.0.0:{port}"), format!("[::1]:{port}")] {
        let r = request(port, &format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"));
        assert_eq!(r.status, 200, "Host {host}");
    }
    for host in [format!("evil.example:{port}"), "192.0.2.7:1".to_string()] {
        let r = request(port, &format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"));
        assert_eq!(r.status, 400, "Host {host}");
    }
}

#[test]
fn loopback_by_default() {
    let s = Served::sample();
    let line = s.server.wait_for_line(|l| l.starts_with("serving "), LONG);
    assert!(line.contains("http://127.0.0.1:"), "{line}");
    assert!(!s.server.lines().iter().any(|l| l.starts_with("warning:")));
}

#[test]
fn the_error_overlay_escapes_file_names() {
    let evil = "<img src=x onerror=alert(1)>";
    let s = Served::start(
        |j| fs::write(j.join(format!("2026/11/{evil}.md")), "---\ndate: 2026-11-26\nmood: banana\n---\nHi.\n").unwrap(),
        &[],
    );
    s.server.wait_for_line(is_rebuild_line, LONG);
    for page in ["/", "/data.html", "/notes.html"] {
        let r = s.get(page);
        assert_eq!(r.status, 200, "{page}");
        assert!(r.body.contains("saleslog-overlay"), "{page} has no overlay");
        assert!(r.body.contains("&lt;img src=x onerror=alert(1)&gt;.md"), "{page}: the file name is not shown");
        assert!(!r.body.contains("<img src=x"), "{page} lets the file name through as HTML");
    }
}

/// A broken template override on the very first build: the server starts
/// anyway, shows the error, and recovers by itself once the file is fixed.
#[test]
fn a_broken_template_on_the_first_build_is_shown_then_recovered() {
    let s = Served::start(
        |j| {
            fs::create_dir_all(j.join("templates")).unwrap();
            fs::write(j.join("templates/index.html"), "{% if %}broken{% endif").unwrap();
        },
        &[],
    );
    let failed = s.server.wait_for_line(|l| l.contains("keeping the last good pages"), LONG);
    assert!(failed.contains("index.html"), "{failed}");
    let r = s.get("/");
    assert!(r.status >= 500 || r.status == 200, "{r:?}");
    assert!(r.body.contains("saleslog-overlay"), "the error is not shown: {r:?}");
    assert!(r.body.contains("index.html"), "the overlay does not name the template: {}", r.body);
    assert!(r.body.contains("/__saleslog/events"), "the error page cannot reload itself");

    let mut events = Events::connect(s.port, &r.body);
    let mark = s.server.mark();
    let fixed = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/index.html");
    fs::copy(fixed, s.journal.join("templates/index.html")).unwrap();
    s.server.wait_for_line_after(mark, is_rebuild_line, LONG);
    events.wait_for_reload();
    let r = s.get("/");
    assert_eq!(r.status, 200);
    assert!(!r.body.contains("saleslog-overlay"), "still shows the error: {}", r.body);
    assert!(r.body.contains("box-activity") || r.body.contains("Dashboard"), "{}", r.body);
}

/// A connection to the reload channel.
struct Events {
    stream: TcpStream,
    seen: String,
}

impl Events {
    /// Connect as the script in `page` does (with its `since`), or plainly.
    fn connect(port: u16, page: &str) -> Events {
        let path = page
            .find("/__saleslog/events")
            .map(|at| page[at..].split('"').next().unwrap().to_string())
            .unwrap_or_else(|| "/__saleslog/events".to_string());
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
        stream.write_all(format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").as_bytes()).unwrap();
        let mut events = Events { stream, seen: String::new() };
        events.wait_for(": connected");
        assert!(events.seen.contains("text/event-stream"), "{}", events.seen);
        events
    }

    fn wait_for(&mut self, what: &str) {
        let deadline = Instant::now() + LONG;
        let mut buf = [0u8; 4096];
        while !self.seen.contains(what) {
            assert!(Instant::now() < deadline, "no {what:?} on the reload channel: {:?}", self.seen);
            match self.stream.read(&mut buf) {
                Ok(0) => panic!("the reload channel closed: {:?}", self.seen),
                Ok(n) => self.seen.push_str(&String::from_utf8_lossy(&buf[..n])),
                Err(_) => {} // timeout: look again
            }
        }
    }

    fn wait_for_reload(&mut self) {
        self.wait_for("data: reload\n\n");
    }
}

/// The reload is sent only once the rebuild is written: a GET right after
/// it sees the new content.
#[test]
fn a_save_sends_reload_after_the_pages_are_written() {
    let s = Served::sample();
    let page = "/notes/2026/11/2026-11-27.html";
    let before = s.get(page);
    assert!(!before.body.contains("7401"));
    let mut events = Events::connect(s.port, "");
    let note = s.journal.join("2026/11/2026-11-27.md");
    let text = fs::read_to_string(&note).unwrap().replace("calls: 21", "calls: 7401");
    let tmp = note.with_file_name(".2026-11-27.md.tmp");
    fs::write(&tmp, text).unwrap();
    fs::rename(&tmp, &note).unwrap();
    events.wait_for_reload();
    let after = s.get(page);
    assert!(after.body.contains("7401"), "reloaded before the page was written");
}

/// A page served just before a build finishes, whose script connects just
/// after it, still reloads: it says which build it shows.
#[test]
fn a_page_that_missed_a_build_reloads_at_once() {
    let s = Served::sample();
    let stale = s.get("/").body;
    let mark = s.server.mark();
    let note = s.journal.join("2026/11/2026-11-27.md");
    let text = fs::read_to_string(&note).unwrap().replace("calls: 21", "calls: 7411");
    fs::write(&note, text).unwrap();
    s.server.wait_for_line_after(mark, is_rebuild_line, LONG);
    let mut events = Events::connect(s.port, &stale);
    events.wait_for_reload();
    // A current page waits for the next build instead.
    let fresh = s.get("/").body;
    let mut events = Events::connect(s.port, &fresh);
    std::thread::sleep(Duration::from_millis(500));
    let mut buf = [0u8; 256];
    let n = events.stream.read(&mut buf).unwrap_or(0);
    assert!(!String::from_utf8_lossy(&buf[..n]).contains("reload"), "a current page was told to reload");
}

/// A broken `saleslog.yaml` mid-session: the last good pages stay, every
/// page shows where the problem is, and fixing the file recovers by itself.
#[test]
fn a_broken_configuration_keeps_the_last_pages_and_recovers() {
    let s = Served::sample();
    let config = s.journal.join("saleslog.yaml");
    let good = fs::read_to_string(&config).unwrap();
    let pages = tree(&s.out);

    let mark = s.server.mark();
    fs::write(
        &config,
        good.replace("quota: {amount: 300000, period: quarter}", "quota: {amount: lots, period: quarter}"),
    )
    .unwrap();
    let line = s.server.wait_for_line_after(mark, |l| l.contains("keeping the last good pages"), LONG);
    assert!(line.contains("saleslog.yaml"), "{line}");
    assert_eq!(tree(&s.out), pages, "the last good pages must stay");
    let r = s.get("/");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("saleslog-overlay"), "no overlay: {}", r.body);
    assert!(r.body.contains("saleslog.yaml:"), "the overlay does not locate the problem: {}", r.body);

    let mut events = Events::connect(s.port, &r.body);
    let mark = s.server.mark();
    fs::write(&config, good.replace("name: Alex Rivera", "name: Alex Q. Rivera")).unwrap();
    s.server.wait_for_line_after(mark, is_rebuild_line, LONG);
    events.wait_for_reload();
    let r = s.get("/");
    assert!(!r.body.contains("saleslog-overlay"), "still shows the error");
    assert!(r.body.contains("Alex Q. Rivera"), "the fixed configuration is not used");
}
