//! The window title and the webview's log.

use tauri::WebviewWindow;

use crate::error::{CommandError, CommandResult};

/// Titles the window and records whether the document has unsaved changes, which the close
/// guard asks about.
#[tauri::command(rename_all = "snake_case")]
pub fn set_title<R: tauri::Runtime>(
    window: WebviewWindow<R>,
    state: tauri::State<'_, crate::AppState>,
    title: String,
    dirty: bool,
) -> CommandResult<()> {
    state
        .unsaved
        .store(dirty, std::sync::atomic::Ordering::Relaxed);
    window
        .set_title(&title)
        .map_err(|e| CommandError::io(std::path::Path::new("window"), std::io::Error::other(e)))
}

/// Prints what the webview logs, so that headless runs show it.
#[tauri::command(rename_all = "snake_case")]
pub fn log(level: String, message: String) {
    println!("[webview {level}] {message}");
}
