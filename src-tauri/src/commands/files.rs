//! Opening and saving model files.

use std::path::PathBuf;

use archsmith::format::write_atomic;
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::{DialogExt, FileDialogBuilder, FilePath};

use crate::AppState;
use crate::error::{CommandError, CommandResult};

#[derive(Debug, Serialize)]
pub struct OpenedFile {
    pub path: String,
    pub text: String,
}

/// Unsaved work a session that did not end cleanly left behind.
#[derive(Debug, Serialize)]
pub struct RecoveryOffer {
    /// Passed back to `adopt_recovery` or `discard_recovery`.
    pub key: String,
    /// The file the work belongs to; `None` for a model never saved. Not granted: saving
    /// there needs the file to have been opened through a dialog before.
    pub path: Option<String>,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct Startup {
    /// The file named on the command line, else the last file opened.
    pub file: Option<OpenedFile>,
    /// Unsaved work of instances that are no longer running.
    pub recoveries: Vec<RecoveryOffer>,
}

fn read(state: &AppState, path: &std::path::Path) -> CommandResult<OpenedFile> {
    let path = state.access.check(path)?;
    let text = std::fs::read_to_string(&path).map_err(|e| CommandError::io(&path, e))?;
    let shown = path.display().to_string();
    // The recent list is a convenience: failing to update it must not fail the open.
    let _ = state.store.push_recent(&shown);
    Ok(OpenedFile { path: shown, text })
}

fn model_dialog<R: Runtime>(app: &AppHandle<R>) -> FileDialogBuilder<R> {
    app.dialog().file().add_filter("Archsmith model", &["ron"])
}

/// The path of a dialog's answer; URIs only appear on mobile.
pub(crate) fn picked(path: Option<FilePath>) -> Option<PathBuf> {
    path.and_then(|p| p.into_path().ok())
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
    let recoveries = state
        .store
        .orphaned_recoveries()
        .into_iter()
        .map(|(key, recovery)| RecoveryOffer {
            key: key.to_string(),
            path: recovery.path,
            text: recovery.text,
        })
        .collect();
    Ok(Startup { file, recoveries })
}

#[tauri::command(rename_all = "snake_case")]
pub async fn open_model<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> CommandResult<Option<OpenedFile>> {
    let Some(path) = picked(model_dialog(&app).blocking_pick_file()) else {
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
pub async fn save_model<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    path: Option<String>,
    suggested_name: String,
    text: String,
) -> CommandResult<Option<String>> {
    let target = match path.map(PathBuf::from) {
        Some(path) => state.access.check(&path)?,
        None => {
            let Some(chosen) = picked(
                model_dialog(&app)
                    .set_file_name(&suggested_name)
                    .blocking_save_file(),
            ) else {
                return Ok(None);
            };
            state.access.grant(&chosen);
            state.access.check(&chosen)?
        }
    };
    write_atomic(&target, text.as_bytes()).map_err(|e| CommandError::io(&target, e))?;
    let shown = target.display().to_string();
    let _ = state.store.push_recent(&shown);
    Ok(Some(shown))
}
