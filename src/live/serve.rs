//! `saleslog serve`: a local HTTP server of the output folder whose pages
//! reload themselves after every rebuild.
//!
//! Safe by default, because a sales journal is confidential: it binds to
//! 127.0.0.1, answers only GET and HEAD, only for files inside the output
//! folder (no traversal, no symlinks followed, no directory listings: see
//! [`open`]), and only to
//! requests whose `Host` is the loopback name it serves (so a web page
//! elsewhere cannot read the reports through DNS rebinding). Reloads travel
//! over server-sent events; the one-line script that listens for them, and
//! the error overlay, are injected into HTML as it is served, so the files on
//! disk stay identical to a plain `build`.
//!
//! It holds under what browsers and careless or hostile clients do (issue
//! 11): hyper on a one-thread tokio runtime of its own, so no client waits
//! for another; request heads are bounded in size, count and time; a
//! connection whose client stops reading is dropped; open connections are
//! capped, and reload channels (which never end) have a smaller cap of
//! their own, so they cannot take the connections pages need; and each
//! reload channel is a watch on the build status, so a
//! publish never waits for a client. hyper and tokio stay inside this
//! module: the watcher only sees [`Live`] and [`Running`].

use crate::error::{Error, Result};
#[cfg(unix)]
use crate::site::beneath;
use hyper::body::{Bytes, Frame, Incoming, SizeHint};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::{Component, Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::{oneshot, watch, Semaphore};

/// The path of the reload channel.
pub const EVENTS_PATH: &str = "/__saleslog/events";

/// How often an idle reload channel gets a comment line: it keeps the
/// connection open through idle timeouts on the way, and a client that went
/// away is noticed when the write fails.
const HEARTBEAT: Duration = Duration::from_secs(15);

/// What one client may cost the server. Each bound answers a way the
/// previous server was stalled or bloated.
#[derive(Debug, Clone, Copy)]
struct Limits {
    /// Open connections at once. More wait in the listen queue until one
    /// closes. Below the usual 1024 open files a process may have.
    connections: usize,
    /// Open reload channels at once, well below `connections`: a channel
    /// lasts as long as its page and is kept alive by its heartbeat, so
    /// channels alone could take every connection and leave no page
    /// answered (768 of them did). More are refused with 503.
    reload_channels: usize,
    /// Bytes of one request head (request line and headers): one endless
    /// header line is cut off with 431 instead of growing memory.
    head_bytes: usize,
    /// Header lines of one request; more get 431.
    headers: usize,
    /// Time to send a whole request head, and the longest a kept-alive
    /// connection may sit idle before its next request (slowloris).
    head_time: Duration,
    /// The longest a response may wait for a client that stopped reading
    /// (one that pipelines requests and never reads the answers).
    write_stall: Duration,
}

const LIMITS: Limits = Limits {
    connections: 768,
    reload_channels: 384,
    head_bytes: 32 * 1024,
    headers: 100,
    head_time: Duration::from_secs(10),
    write_stall: Duration::from_secs(10),
};

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
/// Every reload channel holds a receiver of `status`: a publish only
/// replaces the value and wakes them, it never writes to a client.
pub struct Live {
    status: watch::Sender<BuildStatus>,
}

impl Default for Live {
    fn default() -> Live {
        Live { status: watch::Sender::new(BuildStatus::default()) }
    }
}

impl Live {
    pub fn new() -> Arc<Live> {
        Arc::new(Live::default())
    }

    pub fn status(&self) -> BuildStatus {
        self.status.borrow().clone()
    }

    /// Record a finished build (its pages are fully written) and tell every
    /// open page to reload.
    pub fn publish(&self, problems: Vec<String>, failed: bool) {
        self.status.send_modify(|status| {
            status.generation += 1;
            status.problems = problems;
            status.failed = failed;
        });
    }

    /// Open reload channels.
    pub fn client_count(&self) -> usize {
        self.status.receiver_count()
    }
}

/// A running server. Dropping it stops the server.
pub struct Running {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
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
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// How `serve` and `team serve` listen and watch: their shared flags.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub port: u16,
    pub bind: IpAddr,
    pub open: bool,
    pub poll: bool,
}

/// [`start`], saying on stderr what the user should know: that a bind
/// beyond loopback shares the reports, and which port was taken when the
/// asked one was busy.
pub fn start_for(root: &Path, o: &Options, live: Arc<Live>) -> Result<Running> {
    use std::io::Write as _;
    if !o.bind.is_loopback() {
        let _ = writeln!(
            anstream::stderr(),
            "warning: serving on {} makes these reports readable by anyone who can reach this machine",
            o.bind
        );
    }
    let running = start(root, o.bind, o.port, live)?;
    if o.port != 0 && running.addr.port() != o.port {
        let _ = writeln!(anstream::stderr(), "port {} is busy; using {} instead", o.port, running.addr.port());
    }
    Ok(running)
}

/// Serve `root` on `bind:port`, or the next free port up to 10 above it.
pub fn start(root: &Path, bind: IpAddr, port: u16, live: Arc<Live>) -> Result<Running> {
    start_with(root, bind, port, live, LIMITS)
}

fn start_with(root: &Path, bind: IpAddr, port: u16, live: Arc<Live>, limits: Limits) -> Result<Running> {
    let root = root.canonicalize().map_err(|e| Error::io(root, e))?;
    // One thread runs every connection; files are read on a few blocking
    // threads beside it, so a slow disk never holds up the others.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .max_blocking_threads(4)
        .thread_name("saleslog-http")
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the web server: {e}")))?;
    let listener = {
        let _inside = runtime.enter();
        let mut last_error = String::new();
        let last = if port == 0 { 0 } else { port.saturating_add(10) };
        let mut bound = None;
        for candidate in port..=last {
            match listen(SocketAddr::new(bind, candidate)) {
                Ok(listener) => {
                    bound = Some(listener);
                    break;
                }
                Err(e) => last_error = e.to_string(),
            }
        }
        bound.ok_or_else(|| {
            Error::Usage(format!(
                "cannot listen on {bind} ports {port}..{}: {last_error}; choose another with --port",
                port.saturating_add(10)
            ))
        })?
    };
    // The port actually bound (port 0 asks the system for one).
    let addr = listener.local_addr().unwrap_or(SocketAddr::new(bind, port));
    let reload_channels = Arc::new(Semaphore::new(limits.reload_channels));
    let site = Arc::new(Site { root, live, addr, reload_channels });
    let (stop, stopped) = oneshot::channel::<()>();
    std::thread::Builder::new()
        .name("saleslog-http".into())
        .spawn(move || {
            runtime.spawn(accept(listener, site, limits));
            // Until the `Running` is dropped (or the sender with it).
            let _ = runtime.block_on(stopped);
            runtime.shutdown_background();
        })
        .map_err(|e| Error::Usage(format!("cannot start the web server: {e}")))?;
    Ok(Running { addr, stop: Some(stop) })
}

/// A listening socket with a queue long enough for a burst of connections
/// (hundreds of tabs' requests) to wait for a free slot.
fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = if addr.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
    // As std's TcpListener does: a restarted server gets its port back
    // while the old connections linger in TIME_WAIT.
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(1024)
}

/// What every request needs to know.
struct Site {
    root: PathBuf,
    live: Arc<Live>,
    addr: SocketAddr,
    /// One permit per open reload channel ([`Limits::reload_channels`]).
    reload_channels: Arc<Semaphore>,
}

/// Accept connections while fewer than `limits.connections` are open, each
/// served on its own task.
async fn accept(listener: TcpListener, site: Arc<Site>, limits: Limits) {
    let slots = Arc::new(Semaphore::new(limits.connections));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(limits.head_time)
        .max_header_size(limits.head_bytes)
        .max_headers(limits.headers)
        .max_buf_size((2 * limits.head_bytes).max(8192))
        .keep_alive(true);
    let http = Arc::new(http);
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else { return };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors, most likely: let some close.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let (http, site) = (http.clone(), site.clone());
        tokio::spawn(async move {
            let io = hyper_util::rt::TokioIo::new(Stalling::new(stream, limits.write_stall));
            let service = hyper::service::service_fn(move |request| {
                let site = site.clone();
                async move { Ok::<_, Infallible>(respond(request, &site).await) }
            });
            // A connection's errors (a reset, a timeout, a malformed
            // request hyper already answered) end that connection only.
            let _ = http.serve_connection(io, service).await;
            drop(slot);
        });
    }
}

/// A connection whose writes give up once the client has taken no byte for
/// `limit`: a client that never reads cannot hold a slot for ever.
struct Stalling {
    stream: TcpStream,
    limit: Duration,
    /// Armed when a write first finds the client's buffer full.
    stalled: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl Stalling {
    fn new(stream: TcpStream, limit: Duration) -> Stalling {
        Stalling { stream, limit, stalled: None }
    }

    fn progress<T>(&mut self, cx: &mut Context<'_>, poll: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        if poll.is_ready() {
            self.stalled = None;
            return poll;
        }
        let limit = self.limit;
        let stalled = self.stalled.get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        match stalled.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "the client stopped reading"))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for Stalling {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Stalling {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.stream).poll_write(cx, buf);
        this.progress(cx, poll)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.progress(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.stream).poll_flush(cx);
        this.progress(cx, poll)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.stream).poll_shutdown(cx);
        this.progress(cx, poll)
    }
}

/// A response body: a whole file or message, or a reload channel that
/// lasts as long as the page.
struct Body(Kind);

enum Kind {
    Whole(Option<Bytes>),
    Events(Box<EventStream>),
}

impl Body {
    fn whole(bytes: impl Into<Bytes>) -> Body {
        Body(Kind::Whole(Some(bytes.into())))
    }
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match &mut self.get_mut().0 {
            Kind::Whole(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Kind::Events(events) => events.poll_next(cx).map(|frame| frame.map(|b| Ok(Frame::data(b)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self.0, Kind::Whole(None))
    }

    fn size_hint(&self) -> SizeHint {
        match &self.0 {
            Kind::Whole(bytes) => SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            Kind::Events(_) => SizeHint::default(),
        }
    }
}

type NextBuild = Pin<Box<dyn Future<Output = Option<watch::Receiver<BuildStatus>>> + Send>>;

/// One page's reload channel: a `reload` event after every build, a
/// comment line when idle.
struct EventStream {
    /// Sent first: the greeting, and a reload if the page missed a build.
    first: Option<Bytes>,
    /// Resolves at the next publish; `None` once the server is gone.
    next: Option<NextBuild>,
    heartbeat: Pin<Box<tokio::time::Sleep>>,
    /// Its place among the reload channels, given back when the page
    /// goes (the body is dropped with its connection).
    _slot: tokio::sync::OwnedSemaphorePermit,
}

async fn next_build(mut status: watch::Receiver<BuildStatus>) -> Option<watch::Receiver<BuildStatus>> {
    status.changed().await.ok()?;
    Some(status)
}

impl EventStream {
    fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Bytes>> {
        if let Some(first) = self.first.take() {
            return Poll::Ready(Some(first));
        }
        let Some(next) = self.next.as_mut() else { return Poll::Ready(None) };
        if let Poll::Ready(status) = next.as_mut().poll(cx) {
            // Several builds published while the client was slow coalesce
            // into one reload: the watch keeps only the latest.
            self.next = status.map(|s| Box::pin(next_build(s)) as NextBuild);
            return Poll::Ready(self.next.as_ref().map(|_| Bytes::from_static(b"data: reload\n\n")));
        }
        if self.heartbeat.as_mut().poll(cx).is_ready() {
            self.heartbeat.as_mut().reset(tokio::time::Instant::now() + HEARTBEAT);
            return Poll::Ready(Some(Bytes::from_static(b": keep-alive\n\n")));
        }
        Poll::Pending
    }
}

/// The reload channel of a page showing build `since`, or 503 when as
/// many channels as the limit are open: pages are still answered, and the
/// page without a channel only misses its reloads (a browser's
/// `EventSource` does not retry a 503; reloading the page by hand does).
fn events(site: &Site, since: Option<u64>) -> Response<Body> {
    let Ok(slot) = site.reload_channels.clone().try_acquire_owned() else {
        let mut response =
            plain(StatusCode::SERVICE_UNAVAILABLE, "503 too many reload channels open; pages are still served\n");
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return response;
    };
    let mut status = site.live.status.subscribe();
    // Read and marked seen in one step: a build published from here on
    // wakes `next_build`; one published before shows in `generation`.
    let generation = status.borrow_and_update().generation;
    let mut first = String::from(": connected\n\n");
    if since.is_some_and(|n| n != generation) {
        first.push_str("data: reload\n\n");
    }
    let stream = EventStream {
        first: Some(Bytes::from(first)),
        next: Some(Box::pin(next_build(status))),
        heartbeat: Box::pin(tokio::time::sleep(HEARTBEAT)),
        _slot: slot,
    };
    let mut response = Response::new(Body(Kind::Events(Box::new(stream))));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    let mut response = Response::new(Body::whole(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}

fn not_found() -> Response<Body> {
    plain(StatusCode::NOT_FOUND, "404 not found\n")
}

async fn respond(request: Request<Incoming>, site: &Site) -> Response<Body> {
    let host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok());
    // A request in absolute form (`GET http://name/ …`) names its host in
    // the target too: both must be this server.
    let target_ok = request.uri().authority().is_none_or(|a| host_allowed(Some(a.as_str()), site.addr));
    if !host_allowed(host, site.addr) || !target_ok {
        return plain(StatusCode::BAD_REQUEST, "400 bad Host header\n");
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "405 method not allowed\n");
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let path = request.uri().path().to_string();
    if path == EVENTS_PATH {
        let since = request
            .uri()
            .query()
            .and_then(|query| query.split('&').find_map(|kv| kv.strip_prefix("since=")))
            .and_then(|n| n.parse::<u64>().ok());
        return events(site, since);
    }
    let (root, status) = (site.root.clone(), site.live.status());
    // Opening and reading the file waits on the disk: off the thread that
    // serves every connection.
    tokio::task::spawn_blocking(move || page(&root, &path, &status)).await.unwrap_or_else(|_| not_found())
}

/// The response for a file request: the file (HTML with the script and
/// overlay injected), the placeholder while there are no reports, or 404.
fn page(root: &Path, path: &str, status: &BuildStatus) -> Response<Body> {
    let read = |(mut file, name): (std::fs::File, String)| {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut file, &mut bytes).ok()?;
        Some((bytes, name))
    };
    let Some((bytes, file)) = open(root, path).and_then(read) else {
        let page = path.ends_with('/') || path.ends_with(".html");
        let no_reports = !root.join("index.html").is_file();
        if page && no_reports && (status.failed || status.generation == 0) {
            // No page yet (the first build failed, or is still running):
            // say so, with the overlay, and reload when a build lands.
            return placeholder(status);
        }
        return not_found();
    };
    let content_type = content_type(Path::new(&file));
    let bytes = if content_type.starts_with("text/html") {
        inject(&String::from_utf8_lossy(&bytes), status).into_bytes()
    } else {
        bytes
    };
    let mut response = Response::new(Body::whole(bytes));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// The page served where there is none yet: 503, the reason, the overlay
/// and the reload script.
fn placeholder(status: &BuildStatus) -> Response<Body> {
    let what =
        if status.generation == 0 { "The reports are being built…" } else { "No reports yet: the build failed." };
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>saleslog</title></head><body><h1>{what}</h1><p>This page reloads by itself when a build succeeds.</p></body></html>"
    );
    let mut response = Response::new(Body::whole(inject(&html, status)));
    *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
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

/// The file a request path names inside the output folder, relative and
/// `/`-separated (`""`: the folder itself), or `None`: percent-decoded
/// once; `..`, backslashes, NULs and absolute paths are refused.
fn request_path(url_path: &str) -> Option<String> {
    let decoded = percent_decode(url_path)?;
    if decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let mut parts = Vec::new();
    for component in Path::new(decoded.trim_start_matches('/')).components() {
        match component {
            Component::Normal(c) => parts.push(c.to_str()?),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(parts.join("/"))
}

/// Open the file a request names in `root` (canonical) for reading, with
/// the name whose extension gives its content type, or `None`: a folder
/// serves its `index.html`, and only a regular file is served.
///
/// On unix the file is reached from `root` one name at a time and never
/// through a symlink, a link to a file inside the output included
/// ([`beneath`]), and it is read from the descriptor that was checked:
/// checking a path, then reading it again, served a file from outside to
/// a client racing a folder swapped for a link in between. Elsewhere the
/// path is resolved and must stay inside `root`.
pub fn open(root: &Path, url_path: &str) -> Option<(std::fs::File, String)> {
    let rel = request_path(url_path)?;
    #[cfg(unix)]
    {
        let tree = beneath::Root::open(root).ok()?;
        let (mut file, mut name) = if rel.is_empty() {
            (tree.top().open_file("index.html").ok()?, "index.html".to_string())
        } else {
            (tree.open_file(&rel).ok()?, rel.clone())
        };
        if file.metadata().ok()?.is_dir() {
            file = tree.open_file(&format!("{rel}/index.html")).ok()?;
            name = format!("{rel}/index.html");
        }
        file.metadata().ok()?.is_file().then_some((file, name))
    }
    #[cfg(not(unix))]
    {
        let mut path = root.join(&rel).canonicalize().ok()?;
        if path.is_dir() {
            path = path.join("index.html").canonicalize().ok()?;
        }
        if !(path.starts_with(root) && path.is_file()) {
            return None;
        }
        let name = path.to_string_lossy().into_owned();
        Some((std::fs::File::open(&path).ok()?, name))
    }
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
    use std::io::{Read, Write};
    use std::net::TcpStream;

    /// Generous: no test here measures a time, each waits for an outcome.
    const DEADLINE: Duration = Duration::from_secs(20);

    /// A server over a folder with a page and a large file, with `limits`.
    fn serve(limits: Limits) -> (tempfile::TempDir, Running, Arc<Live>) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "<html><body>hi</body></html>").unwrap();
        std::fs::write(dir.path().join("big.css"), vec![b'x'; 4 << 20]).unwrap();
        let live = Live::new();
        live.publish(Vec::new(), false);
        let running = start_with(dir.path(), IpAddr::from([127, 0, 0, 1]), 0, live.clone(), limits).unwrap();
        (dir, running, live)
    }

    fn small(connections: usize) -> Limits {
        Limits { connections, head_time: Duration::from_millis(300), write_stall: Duration::from_millis(300), ..LIMITS }
    }

    fn connect(running: &Running) -> TcpStream {
        let stream = TcpStream::connect(running.addr).unwrap();
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        stream
    }

    fn get(running: &Running, path: &str) -> String {
        let mut stream = connect(running);
        let raw =
            format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n", running.addr.port());
        stream.write_all(raw.as_bytes()).unwrap();
        let mut bytes = Vec::new();
        let _ = stream.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned()
    }

    /// Every slot taken by a client that asks for a large file again and
    /// again and never reads: once its writes stall past the limit, the
    /// slot is freed and the next client is served.
    #[test]
    fn a_client_that_never_reads_loses_its_slot() {
        let (_dir, running, _) = serve(small(2));
        let burst = format!("GET /big.css HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", running.addr.port()).repeat(20);
        let hogs: Vec<TcpStream> = (0..2)
            .map(|_| {
                let mut hog = connect(&running);
                hog.write_all(burst.as_bytes()).unwrap();
                hog
            })
            .collect();
        let answer = get(&running, "/");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer:?}");
        drop(hogs);
    }

    /// Every slot taken by clients that never finish their request head:
    /// they are cut off, and the next client is served.
    #[test]
    fn a_request_head_that_never_ends_loses_its_slot() {
        let (_dir, running, _) = serve(small(2));
        let slow: Vec<TcpStream> = (0..2)
            .map(|_| {
                let mut slow = connect(&running);
                slow.write_all(b"GET / HTTP/1.1\r\nHost: 127").unwrap();
                slow
            })
            .collect();
        let answer = get(&running, "/");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer:?}");
        drop(slow);
    }

    /// Reload channels, which never end, take at most their own share of
    /// the connections: beyond it they are refused with 503, and a page
    /// is still answered with every channel open.
    #[test]
    fn reload_channels_cannot_take_every_connection() {
        let (_dir, running, _) = serve(Limits { reload_channels: 2, ..small(4) });
        let raw = format!("GET {EVENTS_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", running.addr.port());
        let channels: Vec<(TcpStream, String)> = (0..4)
            .map(|_| {
                let mut s = connect(&running);
                s.write_all(raw.as_bytes()).unwrap();
                let mut seen = String::new();
                let mut buf = [0u8; 1024];
                while !seen.contains(": connected") && !seen.contains("\r\n\r\n503") {
                    let n = s.read(&mut buf).unwrap();
                    assert!(n > 0, "closed: {seen:?}");
                    seen.push_str(&String::from_utf8_lossy(&buf[..n]));
                }
                (s, seen)
            })
            .collect();
        let refused = channels.iter().filter(|(_, seen)| seen.starts_with("HTTP/1.1 503")).count();
        assert_eq!(refused, 2, "{:?}", channels.iter().map(|(_, s)| s).collect::<Vec<_>>());
        assert!(channels.iter().any(|(_, seen)| seen.contains("retry-after: 30")));
        let answer = get(&running, "/");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer:?}");
        // A channel closed gives its place to the next, once the server
        // has seen it close.
        drop(channels);
        let start = std::time::Instant::now();
        loop {
            let mut again = connect(&running);
            again.write_all(raw.as_bytes()).unwrap();
            let mut buf = [0u8; 1024];
            let n = again.read(&mut buf).unwrap();
            if String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200") {
                break;
            }
            assert!(start.elapsed() < DEADLINE, "no channel freed");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// A kept-alive connection that sends nothing more is closed.
    #[test]
    fn an_idle_kept_alive_connection_is_closed() {
        let (_dir, running, _) = serve(small(8));
        let mut stream = connect(&running);
        let raw = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", running.addr.port());
        stream.write_all(raw.as_bytes()).unwrap();
        let mut bytes = Vec::new();
        // The answer, then the end of the stream (not a read timeout).
        stream.read_to_end(&mut bytes).expect("the server closes the idle connection");
        assert!(String::from_utf8_lossy(&bytes).starts_with("HTTP/1.1 200"));
    }

    /// Reload channels whose clients never read do not hold up a publish,
    /// nor another channel's reload, nor a page.
    #[test]
    fn a_publish_never_waits_for_a_reload_channel() {
        let (_dir, running, live) = serve(LIMITS);
        let raw = format!("GET {EVENTS_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", running.addr.port());
        let open = |n: usize| -> Vec<TcpStream> {
            (0..n)
                .map(|_| {
                    let mut s = connect(&running);
                    s.write_all(raw.as_bytes()).unwrap();
                    s
                })
                .collect()
        };
        let deaf = open(50);
        let mut listening = open(1).pop().unwrap();
        let mut seen = String::new();
        let mut buf = [0u8; 1024];
        while !seen.contains(": connected") {
            let n = listening.read(&mut buf).unwrap();
            assert!(n > 0, "closed: {seen:?}");
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
        for _ in 0..10_000 {
            live.publish(vec!["x.md:1: a problem".into()], false);
        }
        while !seen.contains("data: reload") {
            let n = listening.read(&mut buf).unwrap();
            assert!(n > 0, "closed: {seen:?}");
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
        assert!(get(&running, "/").contains("200 OK"));
        assert_eq!(live.status().generation, 10_001);
        drop(deaf);
    }

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
        let name = |url: &str| open(&root, url).map(|(_, name)| name);
        assert_eq!(name("/").as_deref(), Some("index.html"));
        assert_eq!(name("/notes/a%20b.html").as_deref(), Some("notes/a b.html"));
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
            assert_eq!(name(bad), None, "{bad}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.md"), root.join("link.html")).unwrap();
            assert_eq!(name("/link.html"), None);
            // A link is not followed even when it stays inside.
            std::os::unix::fs::symlink(root.join("index.html"), root.join("inside.html")).unwrap();
            std::os::unix::fs::symlink(root.join("notes"), root.join("also-notes")).unwrap();
            assert_eq!(name("/inside.html"), None);
            assert_eq!(name("/also-notes/a%20b.html"), None);
            // Nor does a FIFO hold up the request.
            assert!(std::process::Command::new("mkfifo").arg(root.join("pipe.html")).status().unwrap().success());
            assert_eq!(name("/pipe.html"), None);
        }
    }

    /// A folder swapped for a symlink to a folder outside after the file
    /// was checked and before it is read (a client racing a `renameat2`
    /// exchange loop): what is read is the file that was checked.
    #[cfg(unix)]
    #[test]
    fn a_folder_swapped_after_the_check_is_never_read_through() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("out");
        std::fs::create_dir_all(root.join("deals")).unwrap();
        std::fs::write(root.join("deals/acme.html"), "inside").unwrap();
        std::fs::create_dir(dir.path().join("elsewhere")).unwrap();
        std::fs::write(dir.path().join("elsewhere/acme.html"), "TOPSECRET-OUTSIDE").unwrap();
        let root = root.canonicalize().unwrap();
        let opened = open(&root, "/deals/acme.html").expect("the page");
        std::fs::rename(root.join("deals"), root.join("deals.real")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("elsewhere"), root.join("deals")).unwrap();
        let (mut file, _) = opened;
        let mut text = String::new();
        file.read_to_string(&mut text).unwrap();
        assert_eq!(text, "inside");
        let status = BuildStatus { generation: 1, ..BuildStatus::default() };
        assert_eq!(page(&root, "/deals/acme.html", &status).status(), StatusCode::NOT_FOUND);
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
