//! Autosave and recovery in the app's data folder.

use tauri::State;

use crate::AppState;
use crate::error::{CommandError, CommandResult};

#[tauri::command(rename_all = "snake_case")]
pub fn autosave(state: State<'_, AppState>, text: String) -> CommandResult<()> {
    state
        .store
        .save_recovery(&text)
        .map_err(|e| CommandError::io(state.store.dir(), e))
}

#[tauri::command(rename_all = "snake_case")]
pub fn clear_recovery(state: State<'_, AppState>) -> CommandResult<()> {
    state
        .store
        .clear_recovery()
        .map_err(|e| CommandError::io(state.store.dir(), e))
}
