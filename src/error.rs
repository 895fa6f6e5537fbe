//! Operational failures: what stops a command (exit 2), as opposed to
//! problems in notes, which are [`Diagnostic`]s and never stop anything.

use crate::model::diagnostic::Diagnostic;
use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub enum Error {
    /// Reading or writing a file or folder failed.
    Io { path: PathBuf, source: std::io::Error },
    /// `saleslog.yaml` has problems; each is located.
    Config(Vec<Diagnostic>),
    /// A template failed to load or render.
    Template { name: String, message: String },
    /// The command cannot run as asked (bad arguments, unsafe output folder).
    Usage(String),
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
                let s = if problems.len() == 1 { "" } else { "s" };
                write!(f, "saleslog.yaml has {} problem{s}; no report was made", problems.len())
            }
            Error::Template { name, message } => write!(f, "template {name}: {message}"),
            Error::Usage(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
