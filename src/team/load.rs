//! Loading a team (SPEC §10): `team.yaml`, or the subfolders that hold a
//! `saleslog.yaml`, and each member's journal through the one
//! [`Workspace`] every single-journal command uses.
//!
//! A member's problems never stop the others: a missing folder or a broken
//! configuration becomes that member's error, shown in its row. Only the
//! team's own file can stop a team command (exit 2), as `saleslog.yaml`
//! stops a journal's: a mistyped member list would silently drop a rep.

use crate::error::{Error, Result};
use crate::model::config::{self, Quota, Reader};
use crate::model::diagnostic::{Code, Diagnostic, Pos};
use crate::site::workspace::Workspace;
use crate::source::discover;
use crate::source::yaml::{self, Value};
use crate::text::slug;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// The team's configuration file.
pub const FILE_NAME: &str = "team.yaml";

/// The largest `team.yaml` read (the same bound as a journal's
/// configuration: a member list is a few lines).
const MAX_FILE_BYTES: u64 = 1 << 20;

/// A team folder with its members loaded.
#[derive(Debug)]
pub struct Team {
    pub root: PathBuf,
    pub name: String,
    /// The team's own quota (`team.yaml`), not the sum of the members'.
    pub quota: Option<Quota>,
    /// Whether the members came from `team.yaml` (else from the subfolders).
    pub from_file: bool,
    pub members: Vec<Member>,
}

/// One rep of the team.
#[derive(Debug)]
pub struct Member {
    pub name: String,
    /// `slug(name)`: the member's folder in the team site and partition in
    /// the Parquet tables.
    pub slug: String,
    /// The journal folder as written in `team.yaml` (or the subfolder name).
    pub journal: String,
    /// The journal folder, resolved against the team folder.
    pub root: PathBuf,
    /// Where `team.yaml` lists it.
    pub entry: Option<Pos>,
    pub state: MemberState,
}

/// A member's journal, or why there is none.
#[derive(Debug)]
pub enum MemberState {
    Loaded(Box<Workspace>),
    /// The folder is missing or unreadable, or its configuration is broken:
    /// one line for the report, and the located problems (if any) for
    /// `team check`.
    Failed {
        error: String,
        problems: Vec<Diagnostic>,
    },
}

impl Member {
    pub fn workspace(&self) -> Option<&Workspace> {
        match &self.state {
            MemberState::Loaded(ws) => Some(ws),
            MemberState::Failed { .. } => None,
        }
    }

    pub fn workspace_mut(&mut self) -> Option<&mut Workspace> {
        match &mut self.state {
            MemberState::Loaded(ws) => Some(ws),
            MemberState::Failed { .. } => None,
        }
    }

    pub fn error(&self) -> Option<&str> {
        match &self.state {
            MemberState::Loaded(_) => None,
            MemberState::Failed { error, .. } => Some(error),
        }
    }

    /// Load (or load again) the member's journal.
    pub fn reload(&mut self) {
        self.state = load_member(&self.root, &self.journal, true);
    }
}

/// What `team.yaml` says, before any journal is read.
#[derive(Debug, Default, PartialEq)]
struct TeamFile {
    name: Option<String>,
    members: Vec<MemberEntry>,
    quota: Option<Quota>,
}

#[derive(Debug, PartialEq)]
struct MemberEntry {
    name: Option<String>,
    journal: String,
    /// Where `team.yaml` lists it (none for a subfolder found by itself).
    pos: Option<Pos>,
}

impl Team {
    /// Load the team at `root`: its `team.yaml` if there is one, else every
    /// immediate subfolder holding a `saleslog.yaml`, in folder-name order.
    pub fn load(root: &Path) -> Result<Team> {
        Team::load_with(root, true)
    }

    /// [`Team::load`] for one run of `team report`, `check` or `build`:
    /// each member's journal through [`Workspace::load_one_shot`].
    pub fn load_one_shot(root: &Path) -> Result<Team> {
        Team::load_with(root, false)
    }

    fn load_with(root: &Path, keep_bodies: bool) -> Result<Team> {
        let meta = std::fs::metadata(root).map_err(|e| Error::io(root, e))?;
        if !meta.is_dir() {
            return Err(Error::Usage(format!("{} is not a folder", root.display())));
        }
        let folder_name = std::path::absolute(root)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "team".into());
        let file = root.join(FILE_NAME);
        let (name, quota, entries, from_file) = match read_team_file(&file)? {
            Some(text) => {
                let team = parse(&text).map_err(Error::Config)?;
                (team.name, team.quota, team.members, true)
            }
            None => (None, None, subfolder_members(root)?, false),
        };
        // A name team.yaml gives must have a slug (its pages' folder, its
        // Parquet partition): `!!!` has none.
        let nameless: Vec<Diagnostic> = entries
            .iter()
            .filter_map(|e| Some((e.name.as_deref()?, e)))
            .filter(|(name, _)| slug(name).is_empty())
            .map(|(name, e)| {
                let message =
                    format!("member name `{name}` has no letter a-z or digit, so no slug for its pages and tables");
                Diagnostic::error(FILE_NAME, e.pos.unwrap_or(Pos::START), Code::ConfigInvalid, message)
                    .with_hint("a slug is made of a-z and 0-9: add some to the name, e.g. `Kenji 日本語`")
            })
            .collect();
        if !nameless.is_empty() {
            return Err(Error::Config(nameless));
        }
        let members: Vec<Member> = entries
            .into_par_iter()
            .map(|MemberEntry { name, journal, pos: entry }| {
                let dir = root.join(&journal);
                let state = load_member(&dir, &journal, keep_bodies);
                let name = name.unwrap_or_else(|| default_name(&state, &dir, &journal));
                let slug = member_slug(&name, &journal);
                Member { name, slug, journal, root: dir, entry, state }
            })
            .collect();
        check_slugs(&members, from_file)?;
        Ok(Team { root: root.to_path_buf(), name: name.unwrap_or(folder_name), quota, from_file, members })
    }
}

/// A member's name when `team.yaml` gives none: its configuration's
/// `name:` (also when another of its keys is wrong) if it has a letter or
/// digit, else the journal folder's name.
fn default_name(state: &MemberState, dir: &Path, journal: &str) -> String {
    let configured = match state {
        MemberState::Loaded(ws) => Some(ws.config.name.trim().to_string()),
        MemberState::Failed { .. } => config_text(dir).and_then(|t| config::name_in(&t)),
    };
    configured.filter(|n| !slug(n).is_empty()).unwrap_or_else(|| {
        Path::new(journal).file_name().map_or_else(|| journal.to_string(), |n| n.to_string_lossy().into_owned())
    })
}

/// `slug(name)`, or the journal folder's slug for a name with no letters
/// or digits, so every member has a folder of its own.
fn member_slug(name: &str, journal: &str) -> String {
    let s = slug(name);
    if !s.is_empty() {
        return s;
    }
    let s = slug(journal);
    if s.is_empty() {
        "member".into()
    } else {
        s
    }
}

/// Two members whose names slug alike would share a folder of the site
/// and a Parquet partition: a `team.yaml` error (SPEC §10), exit 2.
fn check_slugs(members: &[Member], from_file: bool) -> Result<()> {
    let mut problems = Vec::new();
    for (i, m) in members.iter().enumerate() {
        if let Some(first) = members[..i].iter().find(|o| o.slug == m.slug) {
            let message = format!(
                "members `{}` ({}) and `{}` ({}) have the same slug `{}`: their pages and tables would collide",
                first.name, first.journal, m.name, m.journal, m.slug
            );
            let hint = if from_file {
                "give one of them another `name:` in team.yaml"
            } else {
                "give one of them another `name:` in its saleslog.yaml, or list the members in a team.yaml"
            };
            // At the member's entry in team.yaml; without one, at the
            // `name:` of its own configuration (or at its folder).
            let (file, at) = match (from_file, m.entry) {
                (true, at) => (FILE_NAME.to_string(), at.unwrap_or(Pos::START)),
                (false, _) => configured_name_at(m),
            };
            problems.push(Diagnostic::error(&file, at, Code::ConfigInvalid, message).with_hint(hint));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Config(problems))
    }
}

/// Where a member found without a team.yaml gets its name: the `name:`
/// line of its `saleslog.yaml`, else its folder.
fn configured_name_at(m: &Member) -> (String, Pos) {
    match config_text(&m.root).and_then(|t| config::name_pos_in(&t)) {
        Some(at) => (format!("{}/{}", m.journal, config::FILE_NAME), at),
        None => (format!("{}/", m.journal), Pos::START),
    }
}

/// The text of the member's `saleslog.yaml` as it is on disk, read by the
/// journal-file rules (never a pipe, never past the size limit), for what
/// a failed load does not carry: its `name:` and where it is.
fn config_text(dir: &Path) -> Option<String> {
    let path = dir.join(config::FILE_NAME);
    let bytes = discover::read_journal_file(dir, &path, config::MAX_FILE_BYTES).ok().flatten()?;
    String::from_utf8(bytes).ok()
}

/// A member's journal through the one workspace loader, its failure in
/// words.
fn load_member(dir: &Path, journal: &str, keep_bodies: bool) -> MemberState {
    match std::fs::metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return MemberState::Failed {
                error: format!("journal folder `{journal}` not found ({})", dir.display()),
                problems: Vec::new(),
            }
        }
        Err(e) => {
            return MemberState::Failed { error: format!("journal folder `{journal}`: {e}"), problems: Vec::new() }
        }
        Ok(m) if !m.is_dir() => {
            return MemberState::Failed {
                error: format!("`{journal}` is not a folder ({})", dir.display()),
                problems: Vec::new(),
            }
        }
        Ok(_) => {}
    }
    let loaded = if keep_bodies { Workspace::load(dir) } else { Workspace::load_one_shot(dir) };
    match loaded {
        Ok(ws) => MemberState::Loaded(Box::new(ws)),
        Err(Error::Config(problems)) => {
            let first = problems.first().map(|d| format!(": line {}: {}", d.line, d.message)).unwrap_or_default();
            let n = problems.len();
            MemberState::Failed {
                error: format!(
                    "{journal}/{} has {n} problem{}{first}",
                    crate::error::config_file(&problems),
                    if n == 1 { "" } else { "s" }
                ),
                problems,
            }
        }
        Err(e) => MemberState::Failed { error: e.to_string(), problems: Vec::new() },
    }
}

/// `team.yaml`'s text, `None` when there is none. Only a regular file of
/// at most [`MAX_FILE_BYTES`] is read (a FIFO or a device would hang).
fn read_team_file(path: &Path) -> Result<Option<String>> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path, e)),
    };
    let invalid =
        |message: String| Error::Config(vec![Diagnostic::error(FILE_NAME, Pos::START, Code::ConfigSyntax, message)]);
    if !meta.is_file() {
        return Err(invalid("team.yaml is not a regular file".into()));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(invalid(format!(
            "team.yaml is larger than {} KiB; it lists members, a few lines",
            MAX_FILE_BYTES >> 10
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    String::from_utf8(bytes).map(Some).map_err(|_| invalid("team.yaml is not valid UTF-8".into()))
}

/// Read `team.yaml`'s text; every problem at once, each located.
fn parse(text: &str) -> std::result::Result<TeamFile, Vec<Diagnostic>> {
    let mut reader = Reader::new(FILE_NAME);
    let mut team = TeamFile::default();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match yaml::parse(text, 1) {
        Err(e) => reader.problems.push(Diagnostic::error(FILE_NAME, e.pos, Code::ConfigSyntax, e.message)),
        Ok(None) => {}
        Ok(Some(root)) => {
            for (key, node) in reader.mapping(&root, "team.yaml", &["name", "members", "quota"]).unwrap_or_default() {
                match key.name.as_str() {
                    "name" => team.name = reader.text(node, "name").filter(|n| !n.trim().is_empty()),
                    "quota" => team.quota = reader.quota(node),
                    "members" => {
                        match &node.value {
                            Value::Seq(items) => {
                                for item in items {
                                    let mut name = None;
                                    let mut journal = None;
                                    let Some(entries) = reader.mapping(item, "a member", &["name", "journal"]) else {
                                        continue;
                                    };
                                    for (key, node) in entries {
                                        match key.name.as_str() {
                                            "name" => name = reader.text(node, "name").filter(|n| !n.trim().is_empty()),
                                            "journal" => {
                                                journal = reader.text(node, "journal").filter(|j| !j.trim().is_empty())
                                            }
                                            _ => {}
                                        }
                                    }
                                    match journal {
                                    Some(journal) => team.members.push(MemberEntry { name, journal, pos: Some(item.pos) }),
                                    None => reader.invalid(
                                        item.pos,
                                        "a member needs a `journal:` folder, e.g. {name: Alex Rivera, journal: alex}"
                                            .into(),
                                    ),
                                }
                                }
                            }
                            Value::Null => {}
                            _ => reader.invalid(node.pos, format!("`members` must be a list, not {}", node.kind())),
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    if reader.problems.is_empty() {
        Ok(team)
    } else {
        Err(reader.problems)
    }
}

/// Without `team.yaml`: the immediate subfolders holding a
/// `saleslog.yaml`, in folder-name order (links are not followed, as in a
/// journal).
fn subfolder_members(root: &Path) -> Result<Vec<MemberEntry>> {
    let mut names: Vec<String> = std::fs::read_dir(root)
        .map_err(|e| Error::io(root, e))?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| !n.starts_with('.') && !n.starts_with('_'))
        .filter(|n| root.join(n).join(crate::model::config::FILE_NAME).is_file())
        .collect();
    names.sort();
    Ok(names.into_iter().map(|journal| MemberEntry { name: None, journal, pos: None }).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn team_file_with_members_and_quota() {
        let team = parse(
            "name: West region\nmembers:\n  - {name: Alex Rivera, journal: alex}\n  - journal: ../clones/sam\nquota: {amount: 1200000, period: quarter}\n",
        )
        .unwrap();
        assert_eq!(team.name.as_deref(), Some("West region"));
        assert_eq!(team.members.len(), 2);
        assert_eq!(team.members[0].name.as_deref(), Some("Alex Rivera"));
        assert_eq!(team.members[1].journal, "../clones/sam");
        assert_eq!(team.members[1].name, None);
        assert_eq!(team.quota.unwrap().amount, 1_200_000.0);
    }

    #[test]
    fn team_file_problems_are_located_and_all_reported() {
        let problems = parse("name: X\nmembrs: []\nmembers:\n  - {name: A}\n  - {journal: b, nmae: B}\n").unwrap_err();
        let got: Vec<(usize, &str)> = problems.iter().map(|d| (d.line, d.message.as_str())).collect();
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(problems.iter().all(|d| d.file == "team.yaml"));
        assert!(problems[0].message.contains("unknown key `membrs`"), "{:?}", problems[0]);
        assert_eq!(problems[0].hint.as_deref(), Some("did you mean `members`?"));
        assert_eq!(got[1].0, 4);
        assert!(got[1].1.contains("needs a `journal:`"));
        assert!(got[2].1.contains("unknown key `nmae`"));
        assert!(parse("members: [").is_err());
        assert!(parse("quota: {amount: -1}").is_err());
    }

    #[test]
    fn slugs_fall_back_to_the_folder() {
        assert_eq!(member_slug("Alex Rivera", "alex"), "alex-rivera");
        assert_eq!(member_slug("!!!", "Sam's journal"), "sam-s-journal");
        assert_eq!(member_slug("", ""), "member");
    }
}
