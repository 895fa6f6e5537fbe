//! Operational failures: what stops a command (exit 2), as opposed to
//! problems in notes, which are [`Diagnostic`]s and never stop anything.

use crate::model::diagnostic::Diagnostic;
use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub enum Error {
    /// Reading or writing a file or folder failed.
    Io { path: PathBuf, source: std::io::Error },
    /// A configuration file (`saleslog.yaml`, a team's `team.yaml`) has
    /// problems; each is located in its file.
    Config(Vec<Diagnostic>),
    /// A template failed to load or render.
    Template { name: String, message: String },
    /// The command cannot run as asked (bad arguments, unsafe output folder).
    Usage(String),
    /// A watch session's page, remembered by hash only, had to be written
    /// again (its output folder was emptied or changed by someone else):
    /// the session renders every page afresh and writes again. Never seen
    /// by a user unless that second build fails the same way.
    Forgotten { page: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io { path: path.as_ref().to_path_buf(), source }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Config(problems) => {
                let n = problems.len();
                write!(
                    f,
                    "{} has {n} problem{}; no report was made",
                    config_file(problems),
                    if n == 1 { "" } else { "s" }
                )
            }
            Error::Template { name, message } => write!(f, "template {name}: {message}"),
            Error::Usage(message) => f.write_str(message),
            Error::Forgotten { page } => write!(
                f,
                "internal error: the page {page} had to be written again after this session stopped holding it; \
                 run `saleslog build` to write the output folder whole"
            ),
        }
    }
}

/// The file a configuration error is about.
pub fn config_file(problems: &[Diagnostic]) -> &str {
    problems.first().map_or("saleslog.yaml", |d| d.file.as_str())
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
