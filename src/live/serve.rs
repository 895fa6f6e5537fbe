//! `saleslog serve`: a local HTTP server of the output folder whose pages
//! reload themselves after every rebuild.
//!
//! Safe by default, because a sales journal is confidential: it binds to
//! 127.0.0.1, answers only GET and HEAD, only for files inside the output
//! folder (no traversal, no symlinks out, no directory listings), and only to
//! requests whose `Host` is the loopback name it serves (so a web page
//! elsewhere cannot read the reports through DNS rebinding). Reloads travel
//! over server-sent events; the one-line script that listens for them, and
//! the error overlay, are injected into HTML as it is served, so the files on
//! disk stay identical to a plain `build`.

use crate::error::{Error, Result};
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tiny_http::{Header, Method, Request, Response, Server};

/// The path of the reload channel.
pub const EVENTS_PATH: &str = "/__saleslog/events";

/// Listens for reloads. The page says which build it shows (`since`), so a
/// build that finishes between serving the page and the script connecting
/// still reloads it.
fn reload_script(generation: u64) -> String {
    format!(
        "<script>(function(){{var s=new EventSource(\"{EVENTS_PATH}?since={generation}\");s.onmessage=function(){{location.reload()}};}})();</script>"
    )
}

/// What the server shows about the latest build.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildStatus {
    /// Counts up with every finished build.
    pub generation: u64,
    /// Problems to overlay on every page (already formatted, one per line,
    /// `file:line: message`); empty when the build is clean.
    pub problems: Vec<String>,
    /// The build failed as a whole (configuration or template): the pages
    /// served are the last good ones.
    pub failed: bool,
}

/// Shared between the watcher, which publishes builds, and the server.
#[derive(Default)]
pub struct Live {
    status: Mutex<BuildStatus>,
    clients: Mutex<Vec<Box<dyn Write + Send>>>,
}

impl Live {
    pub fn new() -> Arc<Live> {
        Arc::new(Live::default())
    }

    pub fn status(&self) -> BuildStatus {
        self.status.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Record a finished build (its pages are fully written) and tell every
    /// open page to reload.
    pub fn publish(&self, problems: Vec<String>, failed: bool) {
        {
            let mut status = self.status.lock().unwrap_or_else(|e| e.into_inner());
            status.generation += 1;
            status.problems = problems;
            status.failed = failed;
        }
        self.broadcast("data: reload\n\n");
    }

    /// Send an SSE frame to every client, forgetting those that left.
    fn broadcast(&self, frame: &str) {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients.retain_mut(|w| w.write_all(frame.as_bytes()).and_then(|_| w.flush()).is_ok());
    }

    pub fn client_count(&self) -> usize {
        self.clients.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

/// A running server.
pub struct Running {
    pub addr: SocketAddr,
    server: Arc<Server>,
}

impl Running {
    pub fn url(&self) -> String {
        match self.addr.ip() {
            IpAddr::V6(ip) => format!("http://[{ip}]:{}/", self.addr.port()),
            IpAddr::V4(ip) => format!("http://{ip}:{}/", self.addr.port()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

/// Serve `root` on `bind:port`, or the next free port up to 10 above it.
pub fn start(root: &Path, bind: IpAddr, port: u16, live: Arc<Live>) -> Result<Running> {
    let root = root.canonicalize().map_err(|e| Error::io(root, e))?;
    let mut last_error = String::new();
    let last = if port == 0 { 0 } else { port.saturating_add(10) };
    for candidate in port..=last {
        match Server::http(SocketAddr::new(bind, candidate)) {
            Ok(server) => {
                // The port actually bound (port 0 asks the system for one).
                let addr = server.server_addr().to_ip().unwrap_or(SocketAddr::new(bind, candidate));
                let server = Arc::new(server);
                for _ in 0..4 {
                    let (server, root, live) = (server.clone(), root.clone(), live.clone());
                    std::thread::spawn(move || {
                        while let Ok(request) = server.recv() {
                            handle(request, &root, &live, addr);
                        }
                    });
                }
                let heartbeat = live.clone();
                std::thread::spawn(move || loop {
                    std::thread::sleep(Duration::from_secs(15));
                    heartbeat.broadcast(": keep-alive\n\n");
                });
                return Ok(Running { addr, server });
            }
            Err(e) => last_error = e.to_string(),
        }
    }
    Err(Error::Usage(format!(
        "cannot listen on {bind} ports {port}..{}: {last_error}; choose another with --port",
        port.saturating_add(10)
    )))
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

fn handle(request: Request, root: &Path, live: &Live, addr: SocketAddr) {
    let host = request.headers().iter().find(|h| h.field.equiv("Host")).map(|h| h.value.as_str().to_string());
    if !host_allowed(host.as_deref(), addr) {
        let _ = request.respond(Response::from_string("400 bad Host header\n").with_status_code(400));
        return;
    }
    let method = request.method().clone();
    if method != Method::Get && method != Method::Head {
        let _ = request.respond(
            Response::from_string("405 method not allowed\n")
                .with_status_code(405)
                .with_header(header("Allow", "GET, HEAD")),
        );
        return;
    }
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("/").to_string();
    if path == EVENTS_PATH {
        let since = url
            .split_once('?')
            .and_then(|(_, query)| query.split('&').find_map(|kv| kv.strip_prefix("since=")))
            .and_then(|n| n.parse::<u64>().ok());
        let mut writer = request.into_writer();
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n: connected\n\n";
        if writer.write_all(head.as_bytes()).and_then(|_| writer.flush()).is_err() {
            return;
        }
        // Under the clients lock, so a build published meanwhile either
        // finds this client or is seen here.
        let mut clients = live.clients.lock().unwrap_or_else(|e| e.into_inner());
        if since.is_some_and(|n| n != live.status().generation) {
            let _ = writer.write_all(b"data: reload\n\n").and_then(|_| writer.flush());
        } else {
            clients.push(writer);
        }
        return;
    }
    let Some(file) = resolve(root, &path) else {
        let status = live.status();
        let page = path.ends_with('/') || path.ends_with(".html");
        let no_reports = !root.join("index.html").is_file();
        if page && no_reports && (status.failed || status.generation == 0) {
            // No page yet (the first build failed, or is still running):
            // say so, with the overlay, and reload when a build lands.
            let _ = request.respond(placeholder(&status));
        } else {
            let _ = request.respond(not_found());
        }
        return;
    };
    let Ok(bytes) = std::fs::read(&file) else {
        let _ = request.respond(not_found());
        return;
    };
    let content_type = content_type(&file);
    let bytes = if content_type.starts_with("text/html") {
        inject(&String::from_utf8_lossy(&bytes), &live.status()).into_bytes()
    } else {
        bytes
    };
    let response = Response::from_data(bytes)
        .with_header(header("Content-Type", content_type))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"));
    let _ = request.respond(response);
}

/// The page served where there is none yet: 503, the reason, the overlay
/// and the reload script.
fn placeholder(status: &BuildStatus) -> Response<std::io::Cursor<Vec<u8>>> {
    let what =
        if status.generation == 0 { "The reports are being built…" } else { "No reports yet: the build failed." };
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>saleslog</title></head><body><h1>{what}</h1><p>This page reloads by itself when a build succeeds.</p></body></html>"
    );
    Response::from_string(inject(&html, status))
        .with_status_code(503)
        .with_header(header("Content-Type", "text/html; charset=utf-8"))
        .with_header(header("Cache-Control", "no-store"))
}

fn not_found() -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_string("404 not found\n")
        .with_status_code(404)
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
}

/// Whether a `Host` header names this server on a loopback name.
pub fn host_allowed(host: Option<&str>, addr: SocketAddr) -> bool {
    let Some(host) = host else { return false };
    let port = addr.port();
    let mut allowed = vec![format!("localhost:{port}"), format!("127.0.0.1:{port}"), format!("[::1]:{port}")];
    if !addr.ip().is_loopback() && !addr.ip().is_unspecified() {
        // Serving on a LAN address the user asked for with --bind.
        allowed.push(match addr.ip() {
            IpAddr::V6(ip) => format!("[{ip}]:{port}"),
            IpAddr::V4(ip) => format!("{ip}:{port}"),
        });
    }
    let host = host.trim().to_ascii_lowercase();
    if allowed.contains(&host) {
        return true;
    }
    // Listening on every address (`--bind 0.0.0.0`): the machine is reached
    // by whichever of its addresses the client knows, so any IP literal with
    // the port is fine. DNS rebinding needs a name, never an IP literal.
    addr.ip().is_unspecified()
        && host
            .rsplit_once(':')
            .is_some_and(|(ip, p)| p == port.to_string() && ip.trim_matches(['[', ']']).parse::<IpAddr>().is_ok())
}

/// Map a request path to a file inside `root` (canonical), or `None`:
/// percent-decoded once; `..`, backslashes, NULs and absolute paths are
/// refused; a folder serves its `index.html`; the final file must still be
/// inside `root` once symlinks are resolved.
pub fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    if decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let rel = decoded.trim_start_matches('/');
    let mut path = root.to_path_buf();
    for component in Path::new(rel).components() {
        match component {
            Component::Normal(c) => path.push(c),
            Component::CurDir => {}
            _ => return None,
        }
    }
    let mut path = path.canonicalize().ok()?;
    if path.is_dir() {
        path = path.join("index.html").canonicalize().ok()?;
    }
    (path.starts_with(root) && path.is_file()).then_some(path)
}

/// `%XX` decoding of a URL path; `None` for malformed escapes or bytes that
/// are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The served form of a page: the reload script, and the overlay when the
/// latest build has problems.
pub fn inject(html: &str, status: &BuildStatus) -> String {
    let mut extra = reload_script(status.generation);
    if !status.problems.is_empty() {
        let title = if status.failed {
            "The last rebuild failed; these pages are from the last good build"
        } else {
            "The journal has errors; everything valid is shown"
        };
        // A close button, and a height that leaves a phone's page readable.
        extra.push_str("<div id=\"saleslog-overlay\" role=\"alert\" style=\"position:fixed;left:.5rem;right:.5rem;bottom:.5rem;z-index:99;max-height:min(40vh,14rem);overflow:auto;background:#2b0f0f;color:#ffe3e3;border:2px solid #e5484d;border-radius:8px;padding:.6rem 2.4rem .6rem .9rem;font:13px/1.4 ui-monospace,monospace;box-shadow:0 8px 24px rgba(0,0,0,.4)\"><button type=\"button\" aria-label=\"Close\" onclick=\"this.parentNode.remove()\" style=\"position:absolute;top:.3rem;right:.4rem;background:none;border:0;color:inherit;font:20px/1 sans-serif;cursor:pointer\">×</button><strong>");
        extra.push_str(title);
        extra.push_str("</strong><ul style=\"margin:.5rem 0 0;padding-left:1.2rem\">");
        for p in status.problems.iter().take(50) {
            extra.push_str("<li style=\"white-space:pre-wrap\">");
            extra.push_str(&escape(p));
            extra.push_str("</li>");
        }
        extra.push_str("</ul></div>");
    }
    match html.rfind("</body>") {
        Some(at) => format!("{}{extra}{}", &html[..at], &html[at..]),
        None => format!("{html}{extra}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overlay_can_be_closed_and_leaves_a_phone_readable() {
        let status = BuildStatus { generation: 1, problems: vec!["a.md:1:1: bad".into()], failed: false };
        let html = inject("<html><body><p>x</p></body></html>", &status);
        assert!(html.contains("aria-label=\"Close\" onclick=\"this.parentNode.remove()\""), "{html}");
        assert!(html.contains("max-height:min(40vh,14rem)"), "{html}");
        assert!(html.contains("a.md:1:1: bad"));
    }

    #[test]
    fn traversal_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("out");
        std::fs::create_dir_all(root.join("notes")).unwrap();
        std::fs::write(root.join("index.html"), "x").unwrap();
        std::fs::write(root.join("notes/a b.html"), "x").unwrap();
        std::fs::write(dir.path().join("secret.md"), "x").unwrap();
        let root = root.canonicalize().unwrap();
        assert_eq!(resolve(&root, "/"), Some(root.join("index.html")));
        assert_eq!(resolve(&root, "/notes/a%20b.html"), Some(root.join("notes/a b.html")));
        for bad in [
            "/../secret.md",
            "/%2e%2e/secret.md",
            "/.%2e/secret.md",
            "/.%252e/secret.md",
            "/..%5csecret.md",
            "/notes/../../secret.md",
            "//etc/passwd",
            "/%00",
            "/%zz",
            "/notes",
            "/nope.html",
        ] {
            assert_eq!(resolve(&root, bad), None, "{bad}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.md"), root.join("link.html")).unwrap();
            assert_eq!(resolve(&root, "/link.html"), None);
        }
    }

    #[test]
    fn only_loopback_hosts_with_the_port() {
        let addr: SocketAddr = "127.0.0.1:4000".parse().unwrap();
        assert!(host_allowed(Some("localhost:4000"), addr));
        assert!(host_allowed(Some("127.0.0.1:4000"), addr));
        assert!(host_allowed(Some("[::1]:4000"), addr));
        assert!(!host_allowed(Some("evil.example:4000"), addr));
        assert!(!host_allowed(Some("localhost:4001"), addr));
        assert!(!host_allowed(None, addr));
        let lan: SocketAddr = "192.168.1.5:4000".parse().unwrap();
        assert!(host_allowed(Some("192.168.1.5:4000"), lan));
        assert!(!host_allowed(Some("192.168.1.6:4000"), lan));
        // --bind 0.0.0.0: any of the machine's addresses, never a name.
        let any: SocketAddr = "0.0.0.0:4000".parse().unwrap();
        assert!(host_allowed(Some("192.168.1.5:4000"), any));
        assert!(host_allowed(Some("0.0.0.0:4000"), any));
        assert!(host_allowed(Some("localhost:4000"), any));
        assert!(!host_allowed(Some("192.168.1.5:4001"), any));
        assert!(!host_allowed(Some("evil.example:4000"), any));
        assert!(!host_allowed(Some("1.2.3.4.evil.example:4000"), any));
        let any6: SocketAddr = "[::]:4000".parse().unwrap();
        assert!(host_allowed(Some("[fe80::1]:4000"), any6));
    }

    #[test]
    fn overlay_is_escaped_and_script_injected() {
        let status = BuildStatus {
            generation: 3,
            problems: vec!["<img src=x onerror=alert(1)>.md:1: bad".into()],
            failed: false,
        };
        let html = inject("<html><body><p>hi</p></body></html>", &status);
        assert!(html.contains("EventSource"));
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;.md"));
        assert!(!html.contains("<img src=x"));
        assert!(html.ends_with("</body></html>"));
        let clean = inject("<body></body>", &BuildStatus::default());
        assert!(!clean.contains("saleslog-overlay"));
    }
}
