//! Recovery copies of unsaved work in the app's data folder, one per document. The page names
//! documents by path (hashed into a file name by the core) and records by the keys the shell
//! handed out, which the core accepts only as plain file names: it cannot reach other files.

use archsmith::session::RecoveryKey;
use tauri::State;

use crate::AppState;
use crate::error::{CommandError, CommandResult};

fn io_error(state: &AppState) -> impl Fn(std::io::Error) -> CommandError + '_ {
    |e| CommandError::io(state.store.dir(), e)
}

/// Keeps a recovery copy of the document that belongs to `path` (`None`: untitled).
#[tauri::command(rename_all = "snake_case")]
pub fn autosave(
    state: State<'_, AppState>,
    path: Option<String>,
    text: String,
) -> CommandResult<()> {
    let instance = state.instance()?;
    state
        .store
        .save_recovery(instance, path.as_deref(), &text)
        .map(drop)
        .map_err(io_error(&state))
}

/// The document at `path` was saved or discarded: its copy goes.
#[tauri::command(rename_all = "snake_case")]
pub fn clear_recovery(state: State<'_, AppState>, path: Option<String>) -> CommandResult<()> {
    let instance = state.instance()?;
    state
        .store
        .clear_recovery(instance, path.as_deref())
        .map_err(io_error(&state))
}

/// The user recovered the record `key`: this window keeps it from now on.
#[tauri::command(rename_all = "snake_case")]
pub fn adopt_recovery(state: State<'_, AppState>, key: String) -> CommandResult<()> {
    let key = RecoveryKey::parse(&key)?;
    let instance = state.instance()?;
    state
        .store
        .adopt_recovery(instance, &key)
        .map(drop)
        .map_err(io_error(&state))
}

/// The user threw the record `key` away.
#[tauri::command(rename_all = "snake_case")]
pub fn discard_recovery(state: State<'_, AppState>, key: String) -> CommandResult<()> {
    let key = RecoveryKey::parse(&key)?;
    state.store.discard_recovery(&key).map_err(io_error(&state))
}
