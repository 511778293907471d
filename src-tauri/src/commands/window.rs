//! The window title and the webview's log.

use tauri::WebviewWindow;

use crate::error::{CommandError, CommandResult};

#[tauri::command(rename_all = "snake_case")]
pub fn set_title<R: tauri::Runtime>(window: WebviewWindow<R>, title: String) -> CommandResult<()> {
    window
        .set_title(&title)
        .map_err(|e| CommandError::io(std::path::Path::new("window"), std::io::Error::other(e)))
}

/// Prints what the webview logs, so that headless runs show it.
#[tauri::command(rename_all = "snake_case")]
pub fn log(level: String, message: String) {
    println!("[webview {level}] {message}");
}
