//! `saleslog lsp`: a language server for the notes (SPEC §12), on stdio.
//!
//! An edge over the one engine, like `watch`: the journal is a
//! [`Workspace`] loaded once; an open buffer is one more note through the
//! same parser ([`Workspace::set_buffer`] stands it in for its file), and
//! every answer comes from the same fold ([`Workspace::journal`]) as the
//! reports, as of today. Files changed on disk are re-read through the
//! workspace's incremental refresh (on `didSave` and on the client's
//! file-watcher events). The server never writes a file.
//!
//! It is synchronous: one thread reads frames from stdin, the main thread
//! answers them in order. Messages that arrive together are handled
//! together, and diagnostics are published once after them, so a burst of
//! keystrokes costs one fold.
//!
//! lsp-types stays inside this folder.

mod completion;
mod diagnostics;
pub mod document;
mod navigation;
pub mod transport;

use crate::error::Result;
use crate::model::diagnostic::Diagnostic;
use crate::model::journal::Journal;
use crate::model::note::{self, Note};
use crate::site::workspace::Workspace;
use chrono::NaiveDate;
use document::Document;
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as notif, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::Uri;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::str::FromStr;
use std::sync::Arc;

/// How many messages already read are handled before diagnostics are
/// published: enough to swallow a burst of keystrokes, few enough that
/// an endless stream still gets its diagnostics.
const BATCH: usize = 64;

/// Run the server on stdio until `exit` (or the end of stdin).
///
/// `journal` is the journal folder when given on the command line; else
/// the client's workspace folder, else the current folder. `today` fixes
/// the as-of date (`--today`); else it is the local date of each answer.
pub fn run(journal: Option<PathBuf>, today: Option<NaiveDate>) -> Result<ExitCode> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<transport::Incoming>(BATCH);
    std::thread::Builder::new()
        .name("lsp-reader".into())
        .spawn(move || {
            let stdin = std::io::stdin();
            let mut input = stdin.lock();
            while let Some(incoming) = transport::read(&mut input) {
                if tx.send(incoming).is_err() {
                    break;
                }
            }
        })
        .map_err(|e| crate::error::Error::io("<stdin>", e))?;
    let stdout = std::io::stdout();
    let mut server = Server::new(journal, today, stdout.lock());
    let mut pending = rx.recv().ok();
    while let Some(first) = pending.take() {
        let mut next = Some(first);
        let mut handled = 0;
        while let Some(incoming) = next.take() {
            if server.handle(incoming).is_err() || server.exit.is_some() {
                break;
            }
            handled += 1;
            if handled < BATCH {
                next = rx.try_recv().ok();
            }
        }
        if server.exit.is_some() || server.publish().is_err() {
            break;
        }
        pending = rx.recv().ok();
    }
    // `exit` after `shutdown` is success; anything else (no shutdown, or
    // the client went away) is 1, as LSP asks.
    Ok(if server.shut_down { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// The server's state between messages.
struct Server<W: Write> {
    out: W,
    /// `--journal`, until `initialize` says otherwise.
    root_arg: Option<PathBuf>,
    fixed_today: Option<NaiveDate>,
    ws: Option<Workspace>,
    /// Absolute journal root, to turn URIs into journal paths.
    root_abs: PathBuf,
    /// Why the journal could not be loaded (a bad saleslog.yaml).
    load_error: Option<crate::error::Error>,
    docs: HashMap<String, Document>,
    /// The journal as of a date, folded once per change.
    journal: Option<(NaiveDate, Arc<Journal>)>,
    /// Diagnostics last published, by URI: republished only when changed.
    published: HashMap<String, Vec<lsp_types::Diagnostic>>,
    /// Whether anything changed since the last publish.
    dirty: bool,
    /// Documents opened or edited since the last publish: their
    /// diagnostics are published even when unchanged, with the new version.
    touched: std::collections::HashSet<String>,
    initialized: bool,
    shut_down: bool,
    /// Set by `exit`: whether `shutdown` came first.
    exit: Option<bool>,
    watch_files: bool,
}

type Answer = std::result::Result<Value, (ErrorCode, String)>;

impl<W: Write> Server<W> {
    fn new(root_arg: Option<PathBuf>, fixed_today: Option<NaiveDate>, out: W) -> Self {
        Server {
            out,
            root_arg,
            fixed_today,
            ws: None,
            root_abs: PathBuf::new(),
            load_error: None,
            docs: HashMap::new(),
            journal: None,
            published: HashMap::new(),
            dirty: false,
            touched: Default::default(),
            initialized: false,
            shut_down: false,
            exit: None,
            watch_files: false,
        }
    }

    fn today(&self) -> NaiveDate {
        self.fixed_today.unwrap_or_else(|| chrono::Local::now().date_naive())
    }

    fn send(&mut self, message: Message) -> std::io::Result<()> {
        transport::write(&mut self.out, message)
    }

    fn handle(&mut self, incoming: transport::Incoming) -> std::io::Result<()> {
        let message = match incoming {
            transport::Incoming::Message(m) => m,
            transport::Incoming::Invalid { id, code, message } => {
                return transport::write_error(&mut self.out, id, code, &message);
            }
        };
        match message {
            Message::Request(r) => {
                let id = r.id.clone();
                let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.request(r)))
                    .unwrap_or_else(|_| Err((ErrorCode::InternalError, "the server failed on this request".into())));
                let response = match answer {
                    Ok(v) => Response::new_ok(id, v),
                    Err((code, message)) => Response::new_err(id, code as i32, message),
                };
                self.send(Message::Response(response))
            }
            Message::Notification(n) => {
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.notification(n)));
                Ok(())
            }
            // Answers to our own requests (registerCapability): nothing to do.
            Message::Response(_) => Ok(()),
        }
    }

    fn request(&mut self, r: Request) -> Answer {
        if r.method == req::Initialize::METHOD {
            if self.initialized {
                return Err((ErrorCode::InvalidRequest, "initialize was already received".into()));
            }
            let params: lsp_types::InitializeParams = params(r.params)?;
            return Ok(self.initialize(params));
        }
        if !self.initialized {
            return Err((ErrorCode::ServerNotInitialized, "initialize first".into()));
        }
        if self.shut_down {
            return Err((ErrorCode::InvalidRequest, "the server is shut down: send exit".into()));
        }
        let today = self.today();
        match r.method.as_str() {
            req::Shutdown::METHOD => {
                self.shut_down = true;
                Ok(Value::Null)
            }
            req::Completion::METHOD => {
                let p: lsp_types::CompletionParams = params(r.params)?;
                let uri = p.text_document_position.text_document.uri.as_str().to_string();
                let Some((doc, journal)) = self.view(&uri) else { return Ok(Value::Null) };
                let Some(ws) = self.ws.as_ref() else { return Ok(Value::Null) };
                let items =
                    completion::complete(&doc.text, p.text_document_position.position, &journal, &ws.config, today);
                json(lsp_types::CompletionResponse::List(lsp_types::CompletionList { is_incomplete: false, items }))
            }
            req::HoverRequest::METHOD => {
                let p: lsp_types::HoverParams = params(r.params)?;
                let uri = p.text_document_position_params.text_document.uri.as_str().to_string();
                let pos = p.text_document_position_params.position;
                let Some((doc, journal)) = self.view(&uri) else { return Ok(Value::Null) };
                let Some(ws) = self.ws.as_ref() else { return Ok(Value::Null) };
                let note = self.note_of(&uri, &doc, ws);
                json(navigation::hover(&doc.text, pos, note.as_deref(), &journal, &ws.config))
            }
            req::GotoDefinition::METHOD => {
                let p: lsp_types::GotoDefinitionParams = params(r.params)?;
                let uri = p.text_document_position_params.text_document.uri.as_str().to_string();
                let pos = p.text_document_position_params.position;
                let Some((doc, journal)) = self.view(&uri) else { return Ok(Value::Null) };
                let Some(ws) = self.ws.as_ref() else { return Ok(Value::Null) };
                let note = self.note_of(&uri, &doc, ws);
                let Some((rel, line, column)) = navigation::definition(&doc.text, pos, note.as_deref(), &journal)
                else {
                    return Ok(Value::Null);
                };
                let target = self.uri_of(&rel);
                // The target note's text as the editor has it, else as saved.
                let text = self
                    .docs
                    .get(&target)
                    .map(|d| d.text.clone())
                    .or_else(|| std::fs::read_to_string(ws.root.join(&rel)).ok())
                    .unwrap_or_default();
                let start = document::position(&text, line, column);
                let uri = Uri::from_str(&target).map_err(|_| (ErrorCode::InternalError, "bad path".to_string()))?;
                json(lsp_types::GotoDefinitionResponse::Scalar(lsp_types::Location {
                    uri,
                    range: lsp_types::Range::new(start, start),
                }))
            }
            req::DocumentSymbolRequest::METHOD => {
                let p: lsp_types::DocumentSymbolParams = params(r.params)?;
                let uri = p.text_document.uri.as_str().to_string();
                let Some((doc, journal)) = self.view(&uri) else { return Ok(Value::Null) };
                let Some(ws) = self.ws.as_ref() else { return Ok(Value::Null) };
                let note = self.note_of(&uri, &doc, ws);
                let symbols =
                    note.map(|n| navigation::symbols(&doc.text, &n, &journal, &ws.config)).unwrap_or_default();
                json(lsp_types::DocumentSymbolResponse::Nested(symbols))
            }
            req::CodeActionRequest::METHOD => {
                let p: lsp_types::CodeActionParams = params(r.params)?;
                let uri = p.text_document.uri.as_str().to_string();
                let Some(doc) = self.docs.get(&uri) else { return Ok(Value::Null) };
                // The client's diagnostics carry the suggestion as data;
                // the current ones are used when it sends none.
                let mut given = p.context.diagnostics;
                if given.is_empty() {
                    given =
                        self.lsp_diagnostics(&uri, doc).into_iter().filter(|d| overlaps(d.range, p.range)).collect();
                }
                json(diagnostics::code_actions(&p.text_document.uri, &given))
            }
            other => Err((ErrorCode::MethodNotFound, format!("saleslog lsp does not answer `{other}`"))),
        }
    }

    fn notification(&mut self, n: Notification) {
        if n.method == notif::Exit::METHOD {
            self.exit = Some(self.shut_down);
            return;
        }
        if !self.initialized {
            return;
        }
        match n.method.as_str() {
            notif::Initialized::METHOD => self.register_watchers(),
            notif::DidOpenTextDocument::METHOD => {
                let Ok(p) = params::<lsp_types::DidOpenTextDocumentParams>(n.params) else { return };
                let mut doc = Document { text: p.text_document.text, version: p.text_document.version };
                doc.lines_as_the_editor_counts();
                self.set_doc(p.text_document.uri.as_str().to_string(), doc);
            }
            notif::DidChangeTextDocument::METHOD => {
                let Ok(p) = params::<lsp_types::DidChangeTextDocumentParams>(n.params) else { return };
                let uri = p.text_document.uri.as_str().to_string();
                let Some(mut doc) = self.docs.get(&uri).cloned() else { return };
                for change in &p.content_changes {
                    doc.apply(change.range, &change.text);
                }
                doc.version = p.text_document.version;
                self.set_doc(uri, doc);
            }
            notif::DidCloseTextDocument::METHOD => {
                let Ok(p) = params::<lsp_types::DidCloseTextDocumentParams>(n.params) else { return };
                let uri = p.text_document.uri.as_str().to_string();
                self.docs.remove(&uri);
                if let Some(rel) = self.rel_of(&uri) {
                    if let Some(ws) = &mut self.ws {
                        ws.clear_buffer(&rel);
                    }
                    // What is on disk counts again: it may differ.
                    self.refresh(&[self.root_abs.join(&rel)]);
                }
                self.changed();
                // A closed document's problems are no longer shown.
                self.published.remove(&uri);
                if let Ok(uri) = Uri::from_str(&uri) {
                    let _ = self.notify::<notif::PublishDiagnostics>(lsp_types::PublishDiagnosticsParams {
                        uri,
                        diagnostics: Vec::new(),
                        version: None,
                    });
                }
            }
            notif::DidSaveTextDocument::METHOD => {
                let Ok(p) = params::<lsp_types::DidSaveTextDocumentParams>(n.params) else { return };
                if let Some(path) = path_of(p.text_document.uri.as_str()) {
                    self.refresh(&[path]);
                }
            }
            notif::DidChangeWatchedFiles::METHOD => {
                let Ok(p) = params::<lsp_types::DidChangeWatchedFilesParams>(n.params) else { return };
                let paths: Vec<PathBuf> = p.changes.iter().filter_map(|c| path_of(c.uri.as_str())).collect();
                self.refresh(&paths);
            }
            _ => {} // `$/cancelRequest`, `$/setTrace`, …: nothing to do.
        }
    }

    fn initialize(&mut self, p: lsp_types::InitializeParams) -> Value {
        self.initialized = true;
        #[allow(deprecated)] // root_uri and root_path: older clients send only these.
        let from_client = p
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .and_then(|f| path_of(f.uri.as_str()))
            .or_else(|| p.root_uri.as_ref().and_then(|u| path_of(u.as_str())))
            .or_else(|| p.root_path.as_ref().map(PathBuf::from));
        let root = self.root_arg.clone().or(from_client).unwrap_or_else(|| PathBuf::from("."));
        self.root_abs = root.canonicalize().or_else(|_| std::path::absolute(&root)).unwrap_or(root.clone());
        self.watch_files = p
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        self.load();
        let caps = lsp_types::ServerCapabilities {
            position_encoding: Some(lsp_types::PositionEncodingKind::UTF16),
            text_document_sync: Some(lsp_types::TextDocumentSyncCapability::Options(
                lsp_types::TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(lsp_types::TextDocumentSyncKind::INCREMENTAL),
                    save: Some(lsp_types::TextDocumentSyncSaveOptions::Supported(true)),
                    ..Default::default()
                },
            )),
            completion_provider: Some(lsp_types::CompletionOptions {
                trigger_characters: Some(vec![":".into(), " ".into()]),
                ..Default::default()
            }),
            hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
            definition_provider: Some(lsp_types::OneOf::Left(true)),
            document_symbol_provider: Some(lsp_types::OneOf::Left(true)),
            code_action_provider: Some(lsp_types::CodeActionProviderCapability::Options(
                lsp_types::CodeActionOptions {
                    code_action_kinds: Some(vec![lsp_types::CodeActionKind::QUICKFIX]),
                    ..Default::default()
                },
            )),
            ..Default::default()
        };
        serde_json::to_value(lsp_types::InitializeResult {
            capabilities: caps,
            server_info: Some(lsp_types::ServerInfo {
                name: "saleslog".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        })
        .unwrap_or(Value::Null)
    }

    /// Load the journal; a bad saleslog.yaml is shown on it, and loading is
    /// tried again when files change.
    fn load(&mut self) {
        match Workspace::load(&self.root_abs).map(Workspace::resuming_folds) {
            Ok(mut ws) => {
                for (uri, doc) in &self.docs {
                    if let Some(rel) = rel_in(&self.root_abs, &ws, uri) {
                        ws.set_buffer(&rel, doc.text.clone());
                    }
                }
                self.ws = Some(ws);
                self.load_error = None;
            }
            Err(e) => {
                let _ = self.notify::<notif::ShowMessage>(lsp_types::ShowMessageParams {
                    typ: lsp_types::MessageType::ERROR,
                    message: format!("saleslog: {e}"),
                });
                self.load_error = Some(e);
            }
        }
        self.changed();
    }

    /// Ask the client to tell us about notes and saleslog.yaml changed on
    /// disk (by other programs, git, another editor).
    fn register_watchers(&mut self) {
        if !self.watch_files {
            return;
        }
        let watcher = |glob: &str| lsp_types::FileSystemWatcher {
            glob_pattern: lsp_types::GlobPattern::String(glob.into()),
            kind: None,
        };
        let options = lsp_types::DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![watcher("**/*.md"), watcher("**/saleslog.yaml")],
        };
        let params = lsp_types::RegistrationParams {
            registrations: vec![lsp_types::Registration {
                id: "saleslog-watch".into(),
                method: notif::DidChangeWatchedFiles::METHOD.into(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        let request =
            Request::new(RequestId::from("saleslog-watch".to_string()), req::RegisterCapability::METHOD.into(), params);
        let _ = self.send(Message::Request(request));
    }

    /// Re-read files changed on disk: only those named when they are notes
    /// the journal has, else a rescan of the folder.
    fn refresh(&mut self, paths: &[PathBuf]) {
        let Some(ws) = &mut self.ws else {
            self.load();
            return;
        };
        let named = ws.refresh_known(paths);
        let outcome = match named {
            Some(_) => Ok(()),
            None => ws.refresh().map(|_| ()),
        };
        if let Err(e) = outcome {
            let _ = self.notify::<notif::ShowMessage>(lsp_types::ShowMessageParams {
                typ: lsp_types::MessageType::ERROR,
                message: format!("saleslog: {e}; the last good configuration is used"),
            });
            self.load_error = Some(e);
        } else {
            self.load_error = None;
        }
        self.changed();
    }

    fn changed(&mut self) {
        self.journal = None;
        self.dirty = true;
    }

    fn set_doc(&mut self, uri: String, doc: Document) {
        if let (Some(rel), Some(ws)) = (self.rel_of(&uri), self.ws.as_mut()) {
            ws.set_buffer(&rel, doc.text.clone());
        }
        self.touched.insert(uri.clone());
        self.docs.insert(uri, doc);
        self.changed();
    }

    /// The journal path of a document, when it is one of the journal's notes.
    fn rel_of(&self, uri: &str) -> Option<String> {
        rel_in(&self.root_abs, self.ws.as_ref()?, uri)
    }

    fn uri_of(&self, rel: &str) -> String {
        uri_of_path(&self.root_abs.join(rel))
    }

    /// What a request about `uri` needs: the document, the journal as of
    /// today, and the workspace.
    fn view(&mut self, uri: &str) -> Option<(Document, Arc<Journal>)> {
        let doc = self.docs.get(uri)?.clone();
        Some((doc, self.journal_today()?))
    }

    fn journal_today(&mut self) -> Option<Arc<Journal>> {
        let today = self.today();
        let ws = self.ws.as_ref()?;
        match &self.journal {
            Some((d, j)) if *d == today => Some(j.clone()),
            _ => {
                let j = Arc::new(ws.journal(today));
                self.journal = Some((today, j.clone()));
                Some(j)
            }
        }
    }

    /// The note read from a document: the journal's own reading of it, or,
    /// for a file that is not one of its notes, the same parser on its text.
    fn note_of(&self, uri: &str, doc: &Document, ws: &Workspace) -> Option<Arc<Note>> {
        match self.rel_of(uri) {
            Some(rel) => ws.source(&rel)?.note.clone(),
            None => {
                let name = uri.rsplit('/').next().unwrap_or(uri);
                note::parse(name, &doc.text, &ws.config).note.map(Arc::new)
            }
        }
    }

    /// The LSP diagnostics of one open document, from the whole journal's.
    fn lsp_diagnostics(&self, uri: &str, doc: &Document) -> Vec<lsp_types::Diagnostic> {
        let (Some(ws), Some(rel)) = (self.ws.as_ref(), self.rel_of(uri)) else { return Vec::new() };
        let all = ws.diagnostics(self.today());
        diagnostics::to_lsp(&doc.text, all.iter().filter(|d| d.file == rel))
    }

    /// Publish the diagnostics of every open document whose problems
    /// changed: a change in one note can add or remove journal-wide
    /// problems in another.
    fn publish(&mut self) -> std::io::Result<()> {
        if !self.dirty {
            return Ok(());
        }
        self.dirty = false;
        let touched = std::mem::take(&mut self.touched);
        let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
        let all = self.ws.as_ref().map(|ws| ws.diagnostics(self.today())).unwrap_or_default();
        for d in &all {
            by_file.entry(d.file.as_str()).or_default().push(d);
        }
        let mut out = Vec::new();
        for (uri, doc) in &self.docs {
            let diagnostics = match self.rel_of(uri) {
                Some(rel) => diagnostics::to_lsp(&doc.text, by_file.get(rel.as_str()).into_iter().flatten().copied()),
                None => Vec::new(),
            };
            if touched.contains(uri) || self.published.get(uri) != Some(&diagnostics) {
                out.push((uri.clone(), doc.version, diagnostics));
            }
        }
        // A bad saleslog.yaml: its problems where they are.
        if let Some(crate::error::Error::Config(problems)) = &self.load_error {
            let uri = self.uri_of(crate::model::config::FILE_NAME);
            let text = std::fs::read_to_string(self.root_abs.join(crate::model::config::FILE_NAME)).unwrap_or_default();
            out.push((uri, 0, diagnostics::to_lsp(&text, problems.iter())));
        } else {
            let uri = self.uri_of(crate::model::config::FILE_NAME);
            if self.published.get(&uri).is_some_and(|d| !d.is_empty()) {
                out.push((uri, 0, Vec::new()));
            }
        }
        for (uri, version, diagnostics) in out {
            self.published.insert(uri.clone(), diagnostics.clone());
            let Ok(parsed) = Uri::from_str(&uri) else { continue };
            let version = (version != 0).then_some(version);
            self.notify::<notif::PublishDiagnostics>(lsp_types::PublishDiagnosticsParams {
                uri: parsed,
                diagnostics,
                version,
            })?;
        }
        Ok(())
    }

    fn notify<N: notif::Notification>(&mut self, params: N::Params) -> std::io::Result<()> {
        self.send(Message::Notification(Notification::new(N::METHOD.into(), params)))
    }
}

fn params<P: serde::de::DeserializeOwned>(value: Value) -> std::result::Result<P, (ErrorCode, String)> {
    serde_json::from_value(value).map_err(|e| (ErrorCode::InvalidParams, format!("invalid params: {e}")))
}

fn json(value: impl serde::Serialize) -> Answer {
    serde_json::to_value(value).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}

fn overlaps(a: lsp_types::Range, b: lsp_types::Range) -> bool {
    let key = |p: lsp_types::Position| (p.line, p.character);
    key(a.start) <= key(b.end) && key(b.start) <= key(a.end)
}

/// The journal path of a document URI, when the file is (or would be, once
/// saved) one of the journal's notes by the rules of SPEC §1.
fn rel_in(root: &Path, ws: &Workspace, uri: &str) -> Option<String> {
    let path = path_of(uri)?;
    // The file may not exist yet (a new note): its folder does.
    let path = path.canonicalize().ok().or_else(|| {
        let parent = path.parent()?.canonicalize().ok()?;
        Some(parent.join(path.file_name()?))
    })?;
    let parts: Vec<&str> = path
        .strip_prefix(root)
        .ok()?
        .components()
        .map(|c| match c {
            std::path::Component::Normal(p) => p.to_str(),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let (name, folders) = parts.split_last()?;
    let ignored = folders.iter().any(|f| crate::source::discover::is_ignored_name(f));
    let in_output = path.starts_with(ws.default_output());
    let rel = parts.join("/");
    if let Some(layout) = &ws.config.vault {
        return layout.date_of(&rel).is_some().then_some(rel);
    }
    if ignored || folders.first() == Some(&"templates") || in_output || !crate::source::discover::is_note_name(name) {
        return None;
    }
    Some(rel)
}

/// A local path from a `file:` URI.
fn path_of(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // `file:///x` (empty authority) or `file://localhost/x`.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = rest.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(PathBuf::from(String::from_utf8(out).ok()?))
}

/// A `file:` URI for a local path, percent-encoding all but the
/// characters every client leaves as they are.
fn uri_of_path(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_round_trip() {
        let p = Path::new("/tmp/my journal/2026-11-27 café.md");
        let uri = uri_of_path(p);
        assert_eq!(uri, "file:///tmp/my%20journal/2026-11-27%20caf%C3%A9.md");
        assert_eq!(path_of(&uri).as_deref(), Some(p));
        assert_eq!(path_of("file://localhost/x/y.md").as_deref(), Some(Path::new("/x/y.md")));
        assert_eq!(path_of("untitled:1"), None);
    }
}
