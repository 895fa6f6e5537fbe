//! The edges that wait on the world: rebuilding on every save, and the local
//! server whose pages reload themselves.

pub mod serve;
pub mod team;
pub mod watch;

/// Open `url` in the default browser, or say how to.
pub fn open_browser(url: &str) {
    use std::io::Write as _;
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let spawned = std::process::Command::new(opener)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if spawned.is_err() {
        let _ = writeln!(anstream::stderr(), "could not open a browser ({opener}); open {url} yourself");
    }
}
