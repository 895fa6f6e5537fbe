//! Problems found in a user's journal, as data.
//!
//! A broken note must never hide the rest of the report, so nothing in the
//! parse → model → analyse pipeline returns early on bad input: each stage
//! records a [`Diagnostic`] and carries on with what is still valid. `check`
//! prints them, the data box counts them, and the data page lists them.

use serde::Serialize;
use std::fmt;

/// How bad a problem is. Errors make `check` and `build` exit 1; warnings
/// only turn the data box amber.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// The stable name of every check, in the order `check` documents them.
///
/// The kebab-case names are part of the JSON output of `check` (editor
/// integrations match on them), so a variant may be added but never renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    // Reading the file.
    Unreadable,
    FileTooLarge,
    BinaryFile,
    NotUtf8,
    // Front matter and YAML.
    UnclosedFrontMatter,
    TomlFrontMatter,
    MalformedFence,
    YamlSyntax,
    DuplicateKey,
    UnsupportedYaml,
    FrontMatterNotMapping,
    // Dates.
    InvalidDate,
    NoDate,
    FutureNote,
    // Values.
    UnknownKey,
    LikelyTypo,
    WrongType,
    OutOfRange,
    InvalidCount,
    UnknownActivity,
    // Deals.
    DealWithoutId,
    DealFirstMention,
    UnknownStage,
    InvalidAmount,
    // Commitments.
    UnknownCommitment,
    CommitmentWithoutWhat,
    TaskDoneWithoutDate,
    /// A vault task status saleslog does not know (`- [/]`): read as open.
    UnknownTaskStatus,
    // History (SPEC §8).
    LateEdit,
    // Configuration (these stop the run with exit 2).
    ConfigSyntax,
    ConfigUnknownKey,
    ConfigInvalid,
}

impl Code {
    /// The kebab-case name shown to users and used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Unreadable => "unreadable",
            Code::FileTooLarge => "file-too-large",
            Code::BinaryFile => "binary-file",
            Code::NotUtf8 => "not-utf8",
            Code::UnclosedFrontMatter => "unclosed-front-matter",
            Code::TomlFrontMatter => "toml-front-matter",
            Code::MalformedFence => "malformed-fence",
            Code::YamlSyntax => "yaml-syntax",
            Code::DuplicateKey => "duplicate-key",
            Code::UnsupportedYaml => "unsupported-yaml",
            Code::FrontMatterNotMapping => "front-matter-not-mapping",
            Code::InvalidDate => "invalid-date",
            Code::NoDate => "no-date",
            Code::FutureNote => "future-note",
            Code::UnknownKey => "unknown-key",
            Code::LikelyTypo => "likely-typo",
            Code::WrongType => "wrong-type",
            Code::OutOfRange => "out-of-range",
            Code::InvalidCount => "invalid-count",
            Code::UnknownActivity => "unknown-activity",
            Code::DealWithoutId => "deal-without-id",
            Code::DealFirstMention => "deal-first-mention",
            Code::UnknownStage => "unknown-stage",
            Code::InvalidAmount => "invalid-amount",
            Code::UnknownCommitment => "unknown-commitment",
            Code::CommitmentWithoutWhat => "commitment-without-what",
            Code::TaskDoneWithoutDate => "task-done-without-date",
            Code::UnknownTaskStatus => "unknown-task-status",
            Code::LateEdit => "late-edit",
            Code::ConfigSyntax => "config-syntax",
            Code::ConfigUnknownKey => "config-unknown-key",
            Code::ConfigInvalid => "config-invalid",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A position in a file: 1-based line, 1-based column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    pub const fn new(line: usize, column: usize) -> Self {
        Pos { line, column }
    }
    /// The start of a file, for problems that concern a whole file.
    pub const START: Pos = Pos { line: 1, column: 1 };
}

/// One problem in the journal: where it is, what is wrong, how to fix it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    /// Path relative to the journal, `/`-separated.
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    /// How to fix it, when there is something better to say than the message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(file: &str, pos: Pos, code: Code, message: impl Into<String>) -> Self {
        Self::new(file, pos, Severity::Error, code, message)
    }

    pub fn warning(file: &str, pos: Pos, code: Code, message: impl Into<String>) -> Self {
        Self::new(file, pos, Severity::Warning, code, message)
    }

    fn new(file: &str, pos: Pos, severity: Severity, code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_string(),
            line: pos.line,
            column: pos.column,
            severity,
            code,
            message: message.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The order `check` prints in: by file, then position, errors first.
    pub fn sort_key(&self) -> (&str, usize, usize, Severity, Code) {
        (&self.file, self.line, self.column, self.severity, self.code)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}[{}]: {}", self.file, self.line, self.column, self.severity, self.code, self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

/// Counts of errors and warnings, for the data box and exit codes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
}

impl Tally {
    pub fn of<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) -> Self {
        let mut tally = Tally::default();
        for d in diagnostics {
            match d.severity {
                Severity::Error => tally.errors += 1,
                Severity::Warning => tally.warnings += 1,
            }
        }
        tally
    }

    /// Both counts of `other` added to these.
    pub fn add(&mut self, other: Tally) {
        self.errors += other.errors;
        self.warnings += other.warnings;
    }
}
