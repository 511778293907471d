//! Opening and saving model files.

use std::path::PathBuf;

use archsmith::format::write_atomic;
use serde::Serialize;
use tauri::State;

use crate::AppState;
use crate::error::{CommandError, CommandResult};

#[derive(Debug, Serialize)]
pub struct OpenedFile {
    pub path: String,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct Startup {
    /// The file named on the command line, else the last file opened.
    pub file: Option<OpenedFile>,
    /// Unsaved work from a session that did not end cleanly.
    pub recovery: Option<String>,
}

fn read(state: &AppState, path: &std::path::Path) -> CommandResult<OpenedFile> {
    let path = state.access.check(path)?;
    let text = std::fs::read_to_string(&path).map_err(|e| CommandError::io(&path, e))?;
    let shown = path.display().to_string();
    // The recent list is a convenience: failing to update it must not fail the open.
    let _ = state.store.push_recent(&shown);
    Ok(OpenedFile { path: shown, text })
}

fn model_dialog() -> rfd::FileDialog {
    rfd::FileDialog::new().add_filter("Archsmith model", &["ron"])
}

#[tauri::command(rename_all = "snake_case")]
pub fn startup(state: State<'_, AppState>) -> CommandResult<Startup> {
    let candidate = state
        .take_startup_file()
        .or_else(|| state.store.recent().into_iter().next().map(PathBuf::from));
    let file = candidate
        .filter(|p| p.exists())
        .map(|p| read(&state, &p))
        .transpose()?;
    Ok(Startup {
        file,
        recovery: state.store.recovery(),
    })
}

#[tauri::command(rename_all = "snake_case")]
pub fn open_model(state: State<'_, AppState>) -> CommandResult<Option<OpenedFile>> {
    let Some(path) = model_dialog().pick_file() else {
        return Ok(None);
    };
    state.access.grant(&path);
    read(&state, &path).map(Some)
}

#[tauri::command(rename_all = "snake_case")]
pub fn open_recent(state: State<'_, AppState>, path: String) -> CommandResult<OpenedFile> {
    read(&state, std::path::Path::new(&path))
}

#[tauri::command(rename_all = "snake_case")]
pub fn recent_files(state: State<'_, AppState>) -> Vec<String> {
    state.store.recent()
}

/// Writes a model; without a granted path, asks where. Returns the path, or `None` when the
/// user cancelled.
#[tauri::command(rename_all = "snake_case")]
pub fn save_model(
    state: State<'_, AppState>,
    path: Option<String>,
    suggested_name: String,
    text: String,
) -> CommandResult<Option<String>> {
    let target = match path.map(PathBuf::from) {
        Some(path) => state.access.check(&path)?,
        None => {
            let Some(picked) = model_dialog().set_file_name(&suggested_name).save_file() else {
                return Ok(None);
            };
            state.access.grant(&picked);
            state.access.check(&picked)?
        }
    };
    write_atomic(&target, text.as_bytes()).map_err(|e| CommandError::io(&target, e))?;
    let shown = target.display().to_string();
    let _ = state.store.push_recent(&shown);
    Ok(Some(shown))
}
