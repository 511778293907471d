//! Writing export outputs where the user chooses.

use std::collections::BTreeMap;

use archsmith::export::{Output, write_output};
use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::DialogExt;

use super::files::picked;
use crate::error::CommandResult;

/// Asks where to save a single-file export and writes it. `None` when cancelled.
#[tauri::command(rename_all = "snake_case")]
pub async fn export_file<R: Runtime>(
    app: AppHandle<R>,
    suggested_name: String,
    bytes: Vec<u8>,
) -> CommandResult<Option<String>> {
    let Some(path) = picked(
        app.dialog()
            .file()
            .set_file_name(&suggested_name)
            .blocking_save_file(),
    ) else {
        return Ok(None);
    };
    write_output(&Output::File(bytes), &path, false)?;
    Ok(Some(path.display().to_string()))
}

/// Asks for a parent folder and writes a folder export (Terraform) into `suggested_name` there.
#[tauri::command(rename_all = "snake_case")]
pub async fn export_folder<R: Runtime>(
    app: AppHandle<R>,
    suggested_name: String,
    files: BTreeMap<String, Vec<u8>>,
) -> CommandResult<Option<String>> {
    let Some(parent) = picked(app.dialog().file().blocking_pick_folder()) else {
        return Ok(None);
    };
    let path = parent.join(archsmith::model::slugify(&suggested_name));
    write_output(&Output::Folder(files), &path, false)?;
    Ok(Some(path.display().to_string()))
}
