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
        // Links are not followed at all, even to a page inside: no check
        // of where one leads can race a link swapped in after it.
        std::os::unix::fs::symlink(s.out.join("index.html"), s.out.join("inside.html")).unwrap();
        std::os::unix::fs::symlink(s.out.join("notes"), s.out.join("notes-link")).unwrap();
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
        #[cfg(unix)]
        "/inside.html",
        #[cfg(unix)]
        "/notes-link/2026/11/2026-11-27.html",
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
        let mut events = Events::open(port, page);
        events.wait_for(": connected");
        events
    }

    /// Send the request of [`Events::connect`] without waiting for an answer.
    fn open(port: u16, page: &str) -> Events {
        let path = page
            .find("/__saleslog/events")
            .map(|at| page[at..].split('"').next().unwrap().to_string())
            .unwrap_or_else(|| "/__saleslog/events".to_string());
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
        stream.write_all(format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").as_bytes()).unwrap();
        Events { stream, seen: String::new() }
    }

    fn wait_for(&mut self, what: &str) {
        self.try_wait_for(what).unwrap_or_else(|e| panic!("{e}"));
        assert!(self.seen.contains("text/event-stream"), "{}", self.seen);
    }

    fn try_wait_for(&mut self, what: &str) -> Result<(), String> {
        let deadline = Instant::now() + LONG;
        let mut buf = [0u8; 4096];
        while !self.seen.contains(what) {
            if Instant::now() > deadline {
                return Err(format!("no {what:?} on the reload channel: {:?}", self.seen));
            }
            match self.stream.read(&mut buf) {
                Ok(0) => return Err(format!("the reload channel closed: {:?}", self.seen)),
                Ok(n) => self.seen.push_str(&String::from_utf8_lossy(&buf[..n])),
                Err(_) => {} // timeout: look again
            }
        }
        Ok(())
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

// Under load and under abuse (issue 11, item 10). Every loop below is
// bounded in count, every wait by a generous deadline, and all traffic
// stays on loopback. No test measures a time: each asserts an outcome
// (every client got its answer, the connection was cut).

/// A connection for keep-alive requests, read response by response.
struct KeepAlive {
    reader: std::io::BufReader<TcpStream>,
}

impl KeepAlive {
    fn connect(port: u16) -> KeepAlive {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream.set_read_timeout(Some(LONG)).unwrap();
        KeepAlive { reader: std::io::BufReader::new(stream) }
    }

    fn send(&mut self, port: u16, path: &str) {
        let raw = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n");
        self.reader.get_mut().write_all(raw.as_bytes()).expect("send a request");
    }

    /// The next response's status and body (by its Content-Length).
    fn receive(&mut self) -> Result<(u16, String), String> {
        use std::io::BufRead;
        let mut status_line = String::new();
        self.reader.read_line(&mut status_line).map_err(|e| format!("no response: {e}"))?;
        let status = status_line.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or(format!("{status_line:?}"))?;
        let mut length = 0;
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).map_err(|e| format!("headers cut: {e}"))?;
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().map_err(|_| format!("{line:?}"))?;
                }
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).map_err(|e| format!("body cut: {e}"))?;
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    }
}

/// A browser opens six connections to a server at once and keeps them
/// alive; every request on every one of them is answered.
#[test]
fn six_keep_alive_connections_at_once_are_all_answered() {
    let s = Served::sample();
    for trial in 0..4 {
        let mut conns: Vec<KeepAlive> = (0..6).map(|_| KeepAlive::connect(s.port)).collect();
        for (round, path) in ["/", "/style.css", "/notes.html"].iter().enumerate() {
            for c in &mut conns {
                c.send(s.port, path);
            }
            for (i, c) in conns.iter_mut().enumerate() {
                let (status, _) = c
                    .receive()
                    .unwrap_or_else(|e| panic!("trial {trial}, connection {i}, request {round} ({path}): {e}"));
                assert_eq!(status, 200, "trial {trial}, connection {i}, {path}");
            }
        }
    }
}

/// Hundreds of clients at once, as many browser tabs would be: each keeps
/// its connection alive between page requests while hundreds of reload
/// channels are open. Every page is served, and every channel gets the
/// reload of the next save.
#[test]
fn hundreds_of_clients_and_reload_channels_all_get_their_answer() {
    const CLIENTS: usize = 300;
    let s = Served::sample();
    let page = s.get("/").body;
    let mut tabs: Vec<KeepAlive> = (0..CLIENTS).map(|_| KeepAlive::connect(s.port)).collect();
    let mut channels = Vec::new();
    for (round, path) in ["/notes.html", "/style.css", "/"].iter().enumerate() {
        for tab in &mut tabs {
            tab.send(s.port, path);
        }
        // More reload channels open while the requests are in flight.
        channels.extend((0..CLIENTS / 3).map(|_| Events::open(s.port, &page)));
        for (i, tab) in tabs.iter_mut().enumerate() {
            let answer = tab.receive().unwrap_or_else(|e| panic!("client {i}, request {round} ({path}): {e}"));
            assert_eq!(answer.0, 200, "client {i}, {path}");
        }
    }
    for channel in &mut channels {
        channel.wait_for(": connected");
    }
    let note = s.journal.join("2026/11/2026-11-27.md");
    let text = fs::read_to_string(&note).unwrap().replace("calls: 21", "calls: 7421");
    fs::write(&note, text).unwrap();
    for (i, channel) in channels.iter_mut().enumerate() {
        channel.try_wait_for("data: reload\n\n").unwrap_or_else(|e| panic!("reload channel {i}: {e}"));
    }
    // The tabs' connections are still alive and answered.
    for tab in tabs.iter_mut().take(10) {
        tab.send(s.port, "/");
        assert_eq!(tab.receive().map(|a| a.0), Ok(200));
    }
}

/// Clients that send request after request and never read the answers
/// (more of them than tiny_http had threads) hold up no one else.
#[test]
fn clients_that_pipeline_and_never_read_delay_no_one() {
    let s = Served::sample();
    let burst = format!("GET /notes.html HTTP/1.1\r\nHost: {}\r\n\r\n", s.host()).repeat(100);
    let hogs: Vec<TcpStream> = (0..8)
        .map(|_| {
            let mut c = TcpStream::connect(("127.0.0.1", s.port)).expect("connect");
            // Send until the kernel's buffers are full; never read.
            c.set_nonblocking(true).unwrap();
            for _ in 0..2000 {
                if c.write_all(burst.as_bytes()).is_err() {
                    break;
                }
            }
            c
        })
        .collect();
    for i in 0..5 {
        let r = s.get("/");
        assert_eq!(r.status, 200, "request {i} beside the hogs: {r:?}");
    }
    let mut other = KeepAlive::connect(s.port);
    other.send(s.port, "/style.css");
    assert_eq!(other.receive().map(|r| r.0), Ok(200));
    drop(hogs);
}

/// The resident memory of process `pid` in KiB (Linux).
fn rss_kib(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// One header line that never ends is cut off (431, then the connection
/// closes) instead of growing the server's memory byte for byte.
#[test]
fn an_endless_header_line_is_cut_off() {
    const SEND: usize = 64 << 20;
    let s = Served::sample();
    let before = rss_kib(s.server.id());
    let mut c = TcpStream::connect(("127.0.0.1", s.port)).expect("connect");
    c.set_write_timeout(Some(LONG)).unwrap();
    c.set_read_timeout(Some(LONG)).unwrap();
    c.write_all(format!("GET / HTTP/1.1\r\nHost: {}\r\nX-Endless: ", s.host()).as_bytes()).unwrap();
    let chunk = vec![b'a'; 64 << 10];
    let mut sent = 0;
    while sent < SEND {
        match c.write(&chunk) {
            Ok(n) => sent += n,
            Err(_) => break,
        }
    }
    assert!(sent < SEND, "the server took {sent} bytes of one header line");
    let mut answer = Vec::new();
    let _ = c.read_to_end(&mut answer); // a reset is fine too
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 431"), "{answer:?}");
    if let (Some(before), Some(after)) = (before, rss_kib(s.server.id())) {
        assert!(after < before + 16 * 1024, "the server grew from {before} KiB to {after} KiB");
    }
    assert_eq!(s.get("/").status, 200, "the server still serves");
}

/// Too many header lines get 431.
#[test]
fn too_many_headers_are_refused() {
    let s = Served::sample();
    let headers: String = (0..500).map(|i| format!("X-Header-{i}: {i}\r\n")).collect();
    let r = request(s.port, &format!("GET / HTTP/1.1\r\nHost: {}\r\n{headers}Connection: close\r\n\r\n", s.host()));
    assert_eq!(r.status, 431, "{:?}", &r.body[..r.body.len().min(200)]);
    // A browser's ordinary request, cookies and all, is fine.
    let cookie = format!("Cookie: {}\r\n", "session=abcdef0123456789; ".repeat(100));
    let r = request(s.port, &format!("GET / HTTP/1.1\r\nHost: {}\r\n{cookie}Connection: close\r\n\r\n", s.host()));
    assert_eq!(r.status, 200);
}

/// Slowloris: hundreds of connections sending their headers a byte at a
/// time do not keep a normal request from being served.
#[test]
fn slow_headers_on_hundreds_of_connections_do_not_stop_a_request() {
    let s = Served::sample();
    let start = format!("GET / HTTP/1.1\r\nHost: {}\r\nX-Slow: ", s.host());
    let mut slow: Vec<TcpStream> = (0..500)
        .map(|_| {
            let mut c = TcpStream::connect(("127.0.0.1", s.port)).expect("connect");
            c.write_all(&start.as_bytes()[..5]).unwrap();
            c
        })
        .collect();
    for round in 0..3 {
        for c in &mut slow {
            let _ = c.write_all(b"a");
        }
        let r = s.get("/");
        assert_eq!(r.status, 200, "round {round}: {r:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}
