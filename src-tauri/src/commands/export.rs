//! Writing export outputs where the user chooses.

use std::path::{Path, PathBuf};

use archsmith::Catalog;
use archsmith::export::{ExportOptions, Output, find_exporter, write_output};
use archsmith::model::{Cloud, slugify};
use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::DialogExt;

use super::files::picked;
use crate::error::{CommandError, CommandResult};

/// Asks where to save a single-file export and writes it. `None` when cancelled. The user
/// names the file in the dialog, which asks before replacing one.
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

/// Runs the core's exporter `format` on `model` (RON) and, once the user picked a parent
/// folder, writes its files into a new folder there. The page sends the model, never file
/// names or bytes: what lands on disk is exactly what the exporter produced. `None` when
/// cancelled.
#[tauri::command(rename_all = "snake_case")]
pub async fn export_folder<R: Runtime>(
    app: AppHandle<R>,
    model: String,
    format: String,
    provider: Option<Cloud>,
) -> CommandResult<Option<String>> {
    // Bad input fails before the user is asked anything.
    let export = FolderExport::run(&model, &format, provider)?;
    let Some(parent) = picked(app.dialog().file().blocking_pick_folder()) else {
        return Ok(None);
    };
    let path = export.write_into(&parent)?;
    Ok(Some(path.display().to_string()))
}

/// A folder export, produced by the shell from the model.
#[derive(Debug)]
pub struct FolderExport {
    /// The folder's name: the model's name and the format, as slugs.
    pub name: String,
    pub output: Output,
}

impl FolderExport {
    /// Loads `model` and runs the registered exporter `format` on it, with the options the
    /// editor's export panel offers.
    pub fn run(model: &str, format: &str, provider: Option<Cloud>) -> CommandResult<Self> {
        let catalog = Catalog::builtin();
        let doc = archsmith::format::from_str(model, "model", catalog)
            .map_err(|e| CommandError::Model(e.to_string()))?;
        let exporter =
            find_exporter(format).ok_or_else(|| CommandError::UnknownFormat(format.to_owned()))?;
        if exporter.extension().is_some() {
            return Err(CommandError::NotAFolderExport(format.to_owned()));
        }
        let options = ExportOptions {
            provider,
            ..ExportOptions::default()
        };
        let output = exporter.export(&doc, catalog, &options)?;
        Ok(Self {
            name: format!("{}-{}", slugify(&doc.meta.name), exporter.id()),
            output,
        })
    }

    /// Writes the files into `parent/<name>` the way the core writes every folder export: an
    /// earlier export there is brought up to date, and a folder holding files Archsmith did
    /// not write is refused, never overwritten.
    pub fn write_into(&self, parent: &Path) -> CommandResult<PathBuf> {
        let target = parent.join(&self.name);
        write_output(&self.output, &target, false)?;
        Ok(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHOP: &str = "(version: 2, meta: (name: \"Shop\"), components: [(id: \"api\", kind: \"service-go\", name: \"API\", position: (x: 0.0, y: 0.0))])";

    #[test]
    fn a_folder_export_writes_the_exporters_files_and_nothing_else() {
        let parent = tempfile::tempdir().expect("tempdir");
        let export = FolderExport::run(SHOP, "terraform", Some(Cloud::Aws)).expect("export");
        let Output::Folder(files) = &export.output else {
            panic!("terraform writes a folder");
        };
        let folder = export.write_into(parent.path()).expect("write");
        assert_eq!(folder, parent.path().join("shop-terraform"));
        for (name, bytes) in files {
            assert_eq!(&std::fs::read(folder.join(name)).expect("written"), bytes);
        }
        export
            .write_into(parent.path())
            .expect("an export updates its own folder");

        let hand_written = folder.join("notes.txt");
        std::fs::write(&hand_written, "mine").expect("write");
        let error = export.write_into(parent.path()).expect_err("refused");
        assert_eq!(error.code(), "export", "{error}");
        assert_eq!(
            std::fs::read_to_string(&hand_written).expect("read"),
            "mine",
            "a file the user wrote is left alone"
        );
    }

    #[test]
    fn only_folder_formats_of_the_registry_run() {
        let code = |result: CommandResult<FolderExport>| result.map(|_| ()).map_err(|e| e.code());
        assert_eq!(
            code(FolderExport::run(SHOP, "../../bin", None)),
            Err("unknown_format")
        );
        assert_eq!(
            code(FolderExport::run(SHOP, "svg", None)),
            Err("not_a_folder_export")
        );
        assert_eq!(
            code(FolderExport::run("not a model", "terraform", None)),
            Err("invalid_model")
        );
    }
}
