//! Bounds on one page's render, so a template override that loops cannot
//! hang `build` or stall `watch` and `serve` (issue 11, item 8).
//!
//! tera has no instruction budget, so the bound is enforced where a render
//! comes back to saleslog's code: every write of output (a page may be at
//! most [`MAX_PAGE_BYTES`]) and every call of `range` (the one way a
//! template makes a loop out of nothing) checks the page's deadline,
//! [`PAGE_TIME`] after it started. A render past either bound stops with an
//! error naming the template, and the watcher picks up the fixed template
//! at the next save like any other error.
//!
//! A loop that never writes and never calls `range` (components calling
//! each other in a cycle, say) gives the render no point to stop at. For a
//! one-shot command, a watchdog thread ends the process with the same error once
//! a page has run [`STUCK`] past its deadline (nothing is half-written: the
//! output is built as after a kill, see `site::output_dir`); a watch session
//! is told, and the render runs until it ends.

use std::cell::Cell;
use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use tera::{Context, Kwargs, State, Tera};

/// How long one page may render. An ordinary page of a 100-year journal
/// renders in milliseconds; ten seconds is a loop, not a big journal.
pub const PAGE_TIME: Duration = Duration::from_secs(10);

/// How big one page may be. The largest built-in page of a 100-year
/// journal (a year's notes index) is well under a megabyte.
pub const MAX_PAGE_BYTES: usize = 32 * 1024 * 1024;

/// How long past [`PAGE_TIME`] a render that cannot be stopped may run
/// before the watchdog steps in.
pub const STUCK: Duration = Duration::from_secs(2);

/// Which bound a render crossed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overrun {
    Time,
    Size,
}

impl Overrun {
    /// The error's message, for the template `name`.
    pub fn message(self) -> String {
        match self {
            Overrun::Time => format!(
                "rendering stopped after {} seconds: the template loops, or loops far more than a page needs\n\
                 hint: look for nested `for` loops over `range(...)` or components that call each other",
                PAGE_TIME.as_secs()
            ),
            Overrun::Size => format!(
                "rendering stopped at {} MB of output: a page is never that big, so the template loops\n\
                 hint: look for nested `for` loops over `range(...)` or components that call each other",
                MAX_PAGE_BYTES / (1024 * 1024)
            ),
        }
    }
}

thread_local! {
    /// The deadline of the page this thread renders, if any.
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
    /// The buffer this thread renders pages into ([`render`]).
    static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The largest render buffer a thread keeps for its next page: a year's
/// notes index of a 100-year journal is not held for the rest of the run.
const KEPT_BUFFER: usize = 1024 * 1024;

/// Renders currently under way, by a number of their own: when each
/// started and its template's name (for the watchdog).
fn running() -> &'static Mutex<HashMap<u64, (Instant, String)>> {
    static RUNNING: OnceLock<Mutex<HashMap<u64, (Instant, String)>>> = OnceLock::new();
    RUNNING.get_or_init(Default::default)
}

/// One render in [`running`], removed when it ends however it ends.
struct Running(u64);

impl Running {
    fn start(name: &str) -> Running {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let id = NEXT.fetch_add(1, Ordering::Relaxed);
        lock(running()).insert(id, (Instant::now(), name.to_string()));
        Running(id)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        lock(running()).remove(&self.0);
        DEADLINE.with(|d| d.set(None));
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Render `template` with `context`, within the bounds. `name` is what the
/// error calls the template (`templates/index.html` for an override).
pub fn render(tera: &Tera, template: &str, name: &str, context: &Context) -> crate::error::Result<Arc<[u8]>> {
    render_raw(tera, template, name, context).map_err(|e| match e {
        RenderError::Overrun(overrun) => {
            crate::error::Error::Template { name: name.to_string(), message: overrun.message() }
        }
        RenderError::Tera(e) => super::template_error(name, &e),
    })
}

fn render_raw(tera: &Tera, template: &str, name: &str, context: &Context) -> Result<Arc<[u8]>, RenderError> {
    watchdog();
    let _running = Running::start(name);
    let deadline = Instant::now() + PAGE_TIME;
    DEADLINE.with(|d| d.set(Some(deadline)));
    // Each thread renders into a buffer of its own, kept from page to page,
    // and the page gets an exact copy: a fresh buffer per page was an
    // allocation of 16 KB and its growth (a week's page is 14 KB, a deal's
    // up to 27) for each of a 10-year journal's 3,855 pages.
    let mut bytes = BUFFER.with(|b| std::mem::take(&mut *b.borrow_mut()));
    bytes.clear();
    let mut out = Bounded { bytes, deadline, overrun: None, writes: 0 };
    let rendered = tera.render_to(template, context, &mut out);
    let page = Arc::from(&out.bytes[..]);
    if out.bytes.capacity() <= KEPT_BUFFER {
        BUFFER.with(|b| *b.borrow_mut() = std::mem::take(&mut out.bytes));
    }
    match rendered {
        Ok(()) => Ok(page),
        // The writer's error is the cause of tera's; say which bound it was.
        Err(_) if out.overrun.is_some() => Err(RenderError::Overrun(out.overrun.unwrap_or(Overrun::Time))),
        Err(e) if is_range_timeout(&e) => Err(RenderError::Overrun(Overrun::Time)),
        Err(e) => Err(RenderError::Tera(e)),
    }
}

/// Why a bounded render failed.
#[derive(Debug)]
enum RenderError {
    Overrun(Overrun),
    Tera(tera::Error),
}

/// The message [`range`] stops a render with.
const RANGE_TIMEOUT: &str = "saleslog: the page ran out of time";

fn is_range_timeout(e: &tera::Error) -> bool {
    let mut source: Option<&dyn std::error::Error> = Some(e);
    while let Some(s) = source {
        if s.to_string().contains(RANGE_TIMEOUT) {
            return true;
        }
        source = s.source();
    }
    false
}

/// The page's bytes, refusing to grow past [`MAX_PAGE_BYTES`] or to go on
/// past the deadline.
struct Bounded {
    bytes: Vec<u8>,
    deadline: Instant,
    overrun: Option<Overrun>,
    /// Writes so far: the clock is read once every [`CLOCK_EVERY`] of
    /// them, not on each (a page is thousands of small writes).
    writes: u32,
}

/// How many writes go between two looks at the clock.
const CLOCK_EVERY: u32 = 256;

impl Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writes = self.writes.wrapping_add(1);
        if self.bytes.len() + buf.len() > MAX_PAGE_BYTES {
            self.overrun = Some(Overrun::Size);
        } else if self.writes.is_multiple_of(CLOCK_EVERY) && Instant::now() > self.deadline {
            self.overrun = Some(Overrun::Time);
        }
        if let Some(overrun) = self.overrun {
            return Err(std::io::Error::other(overrun.message()));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    /// One [`Bounded::write`], which takes the whole buffer or fails: not
    /// the default loop around it (tera writes a page in a million pieces).
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.write(buf).map(|_| ())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Longest list `range` makes: tera's own limit.
const MAX_RANGE_LEN: i128 = 100_000;

/// tera's `range` (same arguments, same errors and limit), which also
/// stops a render past its deadline: a loop of loops over `range` calls it
/// once per outer turn, even when it writes nothing.
pub fn range(kwargs: Kwargs, _: &State) -> tera::TeraResult<Vec<i128>> {
    if DEADLINE.with(|d| d.get()).is_some_and(|d| Instant::now() > d) {
        return Err(tera::Error::message(RANGE_TIMEOUT));
    }
    let start = kwargs.get::<i128>("start")?.unwrap_or_default();
    let end = kwargs.must_get::<i128>("end")?;
    let step_by = kwargs.get::<i128>("step_by")?.unwrap_or(1);
    if start > end && step_by > 0 {
        return Err(tera::Error::message(
            "Function `range` was called with a `start` argument greater than the `end` one",
        ));
    }
    if step_by == 0 {
        return Err(tera::Error::message("Function `range` was called with a `step_by` argument of 0"));
    }
    let overflow = || tera::Error::message("Function `range` was called with arguments that overflow i128");
    let len = if step_by > 0 {
        let span = end.checked_sub(start).ok_or_else(overflow)?;
        span.checked_add(step_by - 1).ok_or_else(overflow)? / step_by
    } else if start <= end {
        0
    } else {
        let step = step_by.checked_neg().ok_or_else(overflow)?;
        let span = start.checked_sub(end).ok_or_else(overflow)?;
        span.checked_add(step - 1).ok_or_else(overflow)? / step
    };
    if len > MAX_RANGE_LEN {
        return Err(tera::Error::message(format!(
            "Function `range` would produce {len} elements, which exceeds the limit of {MAX_RANGE_LEN}"
        )));
    }
    Ok((0..len).map(|i| start + i * step_by).collect())
}

/// What the watchdog does about a render it cannot stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stuck {
    /// A one-shot command: end the process with the error (exit code 2).
    Exit,
    /// A watch session: say so once, on stderr.
    Warn,
}

/// What the watchdog will do, set once by the command before it renders
/// (unset, as in a library caller's process, there is no watchdog).
static ON_STUCK: OnceLock<Stuck> = OnceLock::new();

/// Say what a render that cannot be stopped leads to in this process. The
/// watchdog itself starts with the first render, so a command that renders
/// nothing (`check`, `report`, `lsp`) never has one.
pub fn on_stuck(action: Stuck) {
    let _ = ON_STUCK.set(action);
}

/// Start (once per process) the thread that looks, every half second, for
/// a render [`STUCK`] past its deadline.
fn watchdog() {
    static STARTED: OnceLock<()> = OnceLock::new();
    let Some(&action) = ON_STUCK.get() else { return };
    STARTED.get_or_init(|| {
        let spawned = std::thread::Builder::new().name("render-watchdog".into()).spawn(move || {
            let mut warned = std::collections::HashSet::new();
            loop {
                std::thread::sleep(Duration::from_millis(500));
                let stuck: Vec<(u64, String)> = lock(running())
                    .iter()
                    .filter(|(_, (start, _))| start.elapsed() > PAGE_TIME + STUCK)
                    .map(|(id, (_, name))| (*id, name.clone()))
                    .collect();
                for (id, name) in stuck {
                    let message = Overrun::Time.message();
                    match action {
                        Stuck::Exit => {
                            // As `main` reports any other error.
                            eprintln!("saleslog: template {name}: {message}");
                            std::process::exit(2);
                        }
                        Stuck::Warn if warned.insert(id) => eprintln!(
                            "error: template {name}: {message}\n\
                             note: this render cannot be stopped from inside; it keeps one core busy until it \
                             ends. Fix the template and restart saleslog."
                        ),
                        Stuck::Warn => {}
                    }
                }
            }
        });
        // Without the thread the bounds inside the render still hold.
        drop(spawned);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tera(template: &str) -> Tera {
        let mut tera = Tera::new();
        tera.register_function("range", range);
        tera.add_raw_template("t.html", template).unwrap();
        tera
    }

    #[test]
    fn an_ordinary_page_renders_as_tera_would() {
        let t = tera("{% for i in range(start=1, end=7, step_by=2) %}{{ i }},{% endfor %}{{ name }}");
        let mut context = Context::new();
        context.insert("name", "Ada");
        let bytes = render_raw(&t, "t.html", "t.html", &context).unwrap();
        assert_eq!(std::str::from_utf8(&bytes).unwrap(), "1,3,5,Ada");
        assert_eq!(
            Tera::new()
                .render_str("{% for i in range(start=1, end=7, step_by=2) %}{{ i }},{% endfor %}", &context, false)
                .unwrap(),
            "1,3,5,"
        );
    }

    /// The thread's buffer is reused, never its content: a short page after
    /// a long one, and after a failed one, is exactly its own text; a huge
    /// page's buffer is not kept.
    #[test]
    fn each_page_is_exactly_its_own_text() {
        let mut context = Context::new();
        context.insert("long", &"x".repeat(5000));
        context.insert("huge", &"y".repeat(2 * KEPT_BUFFER));
        let long = render_raw(&tera("{{ long }}"), "t.html", "t.html", &context).unwrap();
        assert_eq!(long.len(), 5000);
        assert!(render_raw(&tera("{{ long }}{{ nope.nope }}"), "t.html", "t.html", &context).is_err());
        assert_eq!(&render_raw(&tera("ab"), "t.html", "t.html", &context).unwrap()[..], b"ab");
        assert!(BUFFER.with(|b| b.borrow().capacity()) >= 5000, "kept for the next page");
        let huge = render_raw(&tera("{{ huge }}"), "t.html", "t.html", &context).unwrap();
        assert_eq!(huge.len(), 2 * KEPT_BUFFER);
        assert_eq!(BUFFER.with(|b| b.borrow().capacity()), 0, "a huge buffer is let go");
        assert_eq!(&render_raw(&tera("cd"), "t.html", "t.html", &context).unwrap()[..], b"cd");
    }

    #[test]
    fn range_keeps_teras_errors_and_limit() {
        let t = tera("{{ range(end=100001) }}");
        let Err(RenderError::Tera(e)) = render_raw(&t, "t.html", "t.html", &Context::new()) else { panic!() };
        assert!(format!("{e:?}").contains("exceeds the limit of 100000"), "{e:?}");
        let t = tera("{{ range(end=3, step_by=0) }}");
        assert!(matches!(render_raw(&t, "t.html", "t.html", &Context::new()), Err(RenderError::Tera(_))));
        let t = tera("{% for i in range(start=5, end=0, step_by=-2) %}{{ i }}{% endfor %}");
        assert_eq!(render_raw(&t, "t.html", "t.html", &Context::new()).unwrap()[..], b"531"[..]);
    }

    #[test]
    fn a_page_past_the_size_bound_stops() {
        let line = "x".repeat(1000);
        let t = tera(&format!(
            "{{% for i in range(end=100000) %}}{{% for j in range(end=100000) %}}{line}{{% endfor %}}{{% endfor %}}"
        ));
        // The registry is the process's: other tests' renders may be in it
        // meanwhile, so this render goes by a name of its own.
        let r = render_raw(&t, "t.html", "size-bound-test.html", &Context::new());
        assert!(matches!(r, Err(RenderError::Overrun(Overrun::Size))), "{r:?}");
        assert!(
            !lock(running()).values().any(|(_, name)| name == "size-bound-test.html"),
            "an ended render is no longer running"
        );
    }

    #[test]
    fn range_past_the_deadline_stops_the_render() {
        let t = tera("{% for i in range(end=3) %}{{ i }}{% endfor %}");
        DEADLINE.with(|d| d.set(Some(Instant::now() - Duration::from_secs(1))));
        let kwargs_render = t.render("t.html", &Context::new());
        DEADLINE.with(|d| d.set(None));
        let e = kwargs_render.unwrap_err();
        assert!(is_range_timeout(&e), "{e:?}");
    }
}
