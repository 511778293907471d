//! The [`Host`] gives the editor what only the platform has: file dialogs, the file system,
//! and the app data folder. The native runner implements it with rfd and std::fs, the desktop
//! shell with Tauri commands, and tests with a fake. Requests are answered through
//! [`Host::poll`], so that hosts whose answers arrive later (the webview's IPC) fit the same
//! shape and nothing blocks the UI thread in wasm.

use std::collections::BTreeMap;

use archsmith::layout::Layout;
use archsmith::model::Cloud;

/// Something the editor asks the platform to do.
#[derive(Debug, Clone, PartialEq)]
pub enum HostRequest {
    /// What to show first: a file named on the command line, else the last file opened, and
    /// any crash-recovery copies.
    Startup,
    /// Ask the user for a model file and read it.
    Open,
    /// Read a file the user opened before (a recent file).
    OpenRecent { path: String },
    /// Write a model. Without a path, ask the user where (Save As).
    Save {
        path: Option<String>,
        suggested_name: String,
        text: String,
    },
    /// Ask the user where to put an export, then write it.
    Export {
        suggested_name: String,
        output: ExportPayload,
    },
    /// Keep a recovery copy of the unsaved document that belongs to `path` (`None`: untitled).
    Autosave { path: Option<String>, text: String },
    /// The document at `path` (`None`: untitled) was saved or discarded: drop its recovery
    /// copy.
    ClearRecovery { path: Option<String> },
    /// The user recovered the record `key` (from [`HostEvent::RecoveryAvailable`]): it is the
    /// open document's recovery copy from now on.
    AdoptRecovery { key: String },
    /// The user threw the record `key` away.
    DiscardRecovery { key: String },
    /// The list of recently opened files.
    RecentFiles,
    /// Lay the model out automatically (Tidy up), away from the editor's thread: laying out
    /// a model of a few dozen components takes seconds, and the editor must not freeze
    /// meanwhile. Answered by [`HostEvent::LaidOut`].
    LayOut {
        /// The model, as RON.
        model: String,
    },
}

/// An export's output, as the host writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportPayload {
    File(Vec<u8>),
    /// A folder export. `files` is the exporter's output, for hosts that trust the editor;
    /// the desktop shell does not, and runs `source` through the core's exporter itself so
    /// that only the exporter's own files land in the folder the user picked.
    Folder {
        files: BTreeMap<String, Vec<u8>>,
        source: ExportSource,
    },
}

/// What produced a folder export: enough for a host to produce it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSource {
    /// The model, as RON.
    pub model: String,
    /// The exporter's id in the core's registry.
    pub format: String,
    pub provider: Option<Cloud>,
}

/// Unsaved work a session that did not end cleanly left behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveredDocument {
    /// The host's name for the record, passed back to adopt or discard it.
    pub key: String,
    /// The file the document belongs to; `None` when it was never saved.
    pub path: Option<String>,
    pub text: String,
}

/// An answer from the host.
#[derive(Debug, Clone, PartialEq)]
pub enum HostEvent {
    Opened {
        path: String,
        text: String,
    },
    Saved {
        path: String,
    },
    Exported {
        path: String,
    },
    RecentFiles(Vec<String>),
    /// A recovery copy exists from a session that did not end cleanly (one event each).
    RecoveryAvailable(RecoveredDocument),
    /// The answer to [`HostRequest::LayOut`]: the layout, or why there is none.
    LaidOut(Result<Box<Layout>, String>),
    /// The user closed a dialog without choosing.
    Cancelled,
    Failed {
        message: String,
    },
}

/// Platform services for the editor.
pub trait Host {
    fn request(&mut self, request: HostRequest);
    /// Answers that have arrived since the last call.
    fn poll(&mut self) -> Vec<HostEvent>;
    /// Shows `title` as the window title, where the window is not egui's own, and tells the
    /// platform whether closing now would lose changes.
    fn set_title(&mut self, _title: &str, _unsaved: bool) {}
}

/// A host that does nothing and answers nothing, for previews and benchmarks.
#[derive(Debug, Default)]
pub struct NullHost;

impl Host for NullHost {
    fn request(&mut self, _request: HostRequest) {}

    fn poll(&mut self) -> Vec<HostEvent> {
        Vec::new()
    }
}
