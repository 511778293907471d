//! Laying a model out away from the webview's thread.

use archsmith::Catalog;
use archsmith::layout::{Layout, layout_text};

use crate::error::{CommandError, CommandResult};

/// Lays out `model` (RON) as the editor's Tidy up does. In the webview the editor has one
/// thread, which laying out a model of a few dozen components would hold for seconds; here
/// the layout runs on a worker of its own, its tries spread over the machine's cores, while
/// the editor goes on drawing.
#[tauri::command(rename_all = "snake_case")]
pub async fn lay_out(model: String) -> CommandResult<Layout> {
    tauri::async_runtime::spawn_blocking(move || {
        layout_text(&model, "model", Catalog::builtin())
            .map_err(|error| CommandError::Model(error.to_string()))
    })
    .await
    .map_err(|error| CommandError::Stopped(error.to_string()))?
}
