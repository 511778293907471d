//! The Archsmith desktop shell: hosts the editor (compiled to wasm) in a Tauri v2 webview and
//! gives it native dialogs, file access limited to what the user picked, recent files and
//! crash recovery. No architecture logic lives here: the editor and the core do that.

pub mod access;
pub mod commands;
pub mod error;

use std::path::PathBuf;
use std::sync::Mutex;

use archsmith::session::{Instance, SessionStore};
use tauri::Manager;

use crate::access::FileAccess;
use crate::error::{CommandError, CommandResult};

/// State shared by the commands.
#[derive(Debug)]
pub struct AppState {
    pub access: FileAccess,
    pub store: SessionStore,
    /// This app's registration in the store (see [`archsmith::session`]), or why there is
    /// none; the editor works without it, but keeps no recovery copies.
    instance: Result<Instance, String>,
    /// Whether the editor has unsaved changes, as it last reported.
    pub unsaved: std::sync::atomic::AtomicBool,
    startup_file: Mutex<Option<PathBuf>>,
}

impl AppState {
    /// State for a data folder, with `startup_file` (from the command line) granted.
    pub fn new(data_dir: PathBuf, startup_file: Option<PathBuf>) -> Self {
        let access = FileAccess::default();
        let store = SessionStore::new(data_dir);
        for recent in store.recent() {
            access.grant(std::path::Path::new(&recent));
        }
        if let Some(file) = &startup_file {
            access.grant(file);
        }
        let instance = store.start_instance().map_err(|e| e.to_string());
        Self {
            access,
            store,
            instance,
            unsaved: Default::default(),
            startup_file: Mutex::new(startup_file),
        }
    }

    /// This app's instance, for the recovery commands.
    pub fn instance(&self) -> CommandResult<&Instance> {
        self.instance
            .as_ref()
            .map_err(|e| CommandError::RecoveryUnavailable(e.clone()))
    }

    /// The command-line file, once.
    pub fn take_startup_file(&self) -> Option<PathBuf> {
        self.startup_file.lock().ok().and_then(|mut f| f.take())
    }
}

/// The first command-line argument that is not a flag.
fn startup_file_from_args() -> Option<PathBuf> {
    std::env::args_os()
        .skip(1)
        .find(|a| !a.to_string_lossy().starts_with('-'))
        .map(PathBuf::from)
}

/// Registers every command on `builder`; `run` and the tests share it.
pub fn with_commands<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        commands::files::startup,
        commands::files::open_model,
        commands::files::open_recent,
        commands::files::recent_files,
        commands::files::save_model,
        commands::export::export_file,
        commands::export::export_folder,
        commands::layout::lay_out,
        commands::session::autosave,
        commands::session::clear_recovery,
        commands::session::adopt_recovery,
        commands::session::discard_recovery,
        commands::window::set_title,
        commands::window::log,
    ])
}

/// Asks whether to close with unsaved changes, and closes if the user agrees. The question
/// blocks, so it runs on its own thread. Until the user answers, the editor's recovery copy
/// stays; after "Discard" it goes, so that the next start does not offer it back.
fn confirm_discard<R: tauri::Runtime>(window: tauri::Window<R>) {
    use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};
    std::thread::spawn(move || {
        let discard = window
            .dialog()
            .message("The model has changes that are not saved. Close Archsmith and discard them?")
            .title("Unsaved changes")
            .kind(MessageDialogKind::Warning)
            .buttons(MessageDialogButtons::OkCancelCustom(
                "Discard and close".into(),
                "Keep editing".into(),
            ))
            .blocking_show();
        if discard {
            let state = window.state::<AppState>();
            if let Ok(instance) = state.instance() {
                // Closing must not fail on a leftover copy: at worst it is offered again.
                let _ = state.store.discard_instance_recoveries(instance);
            }
            let _ = window.destroy();
        }
    });
}

/// Runs the app until its window closes.
pub fn run() {
    let startup_file = startup_file_from_args();
    let result = with_commands(tauri::Builder::default())
        .setup(move |app| {
            let data_dir =
                SessionStore::default_dir().map_or_else(|| app.path().app_data_dir(), Ok)?;
            app.manage(AppState::new(data_dir, startup_file.clone()));
            Ok(())
        })
        .plugin(tauri_plugin_dialog::init())
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::CloseRequested { api, .. } = event
                && window
                    .state::<AppState>()
                    .unsaved
                    .load(std::sync::atomic::Ordering::Relaxed)
            {
                api.prevent_close();
                confirm_discard(window.clone());
            }
        })
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("archsmith-desktop: {error}");
        std::process::exit(1);
    }
}
