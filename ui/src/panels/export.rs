//! The export dialog: every exporter in the core's registry, with a preview of text outputs.

use std::sync::Arc;

use archsmith::export::{self, ExportOptions, Output};
use archsmith::model::Cloud;
use egui::{RichText, Ui};

use crate::state::Editor;

#[derive(Debug)]
pub struct ExportState {
    pub open: bool,
    pub format: String,
    pub provider: Cloud,
    /// The preview and the revision and format it was made for.
    preview: Option<(u64, String, Cloud, Result<String, String>)>,
}

impl Default for ExportState {
    fn default() -> Self {
        Self {
            open: false,
            format: "json".to_owned(),
            provider: Cloud::Aws,
            preview: None,
        }
    }
}

/// A request to write an export.
#[derive(Debug)]
pub struct ExportRequest {
    pub suggested_name: String,
    pub output: Output,
    /// The exporter's id and the provider it ran with, so that a host can run it again.
    pub format: &'static str,
    pub provider: Cloud,
}

fn preview_text(output: &Output) -> String {
    const LIMIT: usize = 20_000;
    match output {
        Output::File(bytes) => match std::str::from_utf8(bytes) {
            Ok(text) if text.len() > LIMIT => format!(
                "{}\n… ({} bytes in all)",
                &text[..text.floor_char_boundary(LIMIT)],
                text.len()
            ),
            Ok(text) => text.to_owned(),
            Err(_) => format!("binary output, {} bytes", bytes.len()),
        },
        Output::Folder(files) => {
            let listing = files
                .iter()
                .map(|(name, bytes)| format!("{name}  ({} bytes)", bytes.len()))
                .collect::<Vec<_>>()
                .join("\n");
            // Show the file a reader opens first: the design document or the README.
            let main = ["design.md", "README.md"]
                .iter()
                .find_map(|name| files.get(*name).map(|bytes| (name, bytes)));
            match main {
                Some((name, bytes)) => format!(
                    "{listing}\n\n--- {name} ---\n\n{}",
                    preview_text(&Output::File(bytes.clone()))
                ),
                None => listing,
            }
        }
    }
}

pub fn export_ui(
    ctx: &egui::Context,
    editor: &Editor,
    base_name: &str,
    state: &mut ExportState,
) -> Option<ExportRequest> {
    let (doc, catalog, revision) = (editor.doc(), editor.catalog(), editor.revision());
    let mut request = None;
    let mut open = state.open;
    egui::Window::new("Export")
        .open(&mut open)
        .default_size([720.0, 520.0])
        .show(ctx, |ui: &mut Ui| {
            ui.horizontal(|ui| {
                let label = ui.label("Format");
                let current = export::find_exporter(&state.format)
                    .map_or(state.format.as_str(), |e| e.label());
                egui::ComboBox::from_id_salt("export-format")
                    .selected_text(current)
                    .show_ui(ui, |ui| {
                        for exporter in export::registry() {
                            ui.selectable_value(
                                &mut state.format,
                                exporter.id().to_owned(),
                                exporter.label(),
                            );
                        }
                    })
                    .response
                    .labelled_by(label.id);
                let label = ui.label("Provider");
                egui::ComboBox::from_id_salt("export-provider")
                    .selected_text(format!("{:?}", state.provider))
                    .show_ui(ui, |ui| {
                        for provider in Cloud::ALL {
                            ui.selectable_value(
                                &mut state.provider,
                                provider,
                                format!("{provider:?}"),
                            );
                        }
                    })
                    .response
                    .labelled_by(label.id);
            });
            let Some(exporter) = export::find_exporter(&state.format) else {
                ui.label("Unknown format");
                return;
            };
            let mut options = ExportOptions {
                provider: Some(state.provider),
                ..ExportOptions::default()
            };
            // The document lists the findings the problems panel shows, not a second opinion.
            if exporter.shows_findings(&options) {
                options.report = Some(Arc::new(editor.report().clone()));
            }
            let stale = state.preview.as_ref().is_none_or(|(r, f, p, _)| {
                *r != revision || *f != state.format || *p != state.provider
            });
            if stale {
                // The exporter's notes (a PNG drawn smaller than asked) lead the preview.
                let preview = exporter
                    .export_noted(doc, catalog, &options)
                    .map(|exported| {
                        let mut text = String::new();
                        for note in &exported.notes {
                            text.push_str(&format!("Note: {note}\n\n"));
                        }
                        text.push_str(&preview_text(&exported.output));
                        text
                    })
                    .map_err(|e| e.to_string());
                state.preview = Some((revision, state.format.clone(), state.provider, preview));
            }
            ui.separator();
            if let Some((_, _, _, preview)) = &state.preview {
                match preview {
                    Ok(text) => {
                        egui::ScrollArea::both()
                            .max_height(ui.available_height() - 40.0)
                            .show(ui, |ui| {
                                ui.add(
                                    egui::Label::new(RichText::new(text).monospace().size(11.0))
                                        .extend(),
                                );
                            });
                    }
                    Err(error) => {
                        ui.colored_label(ui.visuals().error_fg_color, error);
                    }
                }
            }
            ui.separator();
            if ui.button(RichText::new("Export…").strong()).clicked() {
                match exporter.export(doc, catalog, &options) {
                    Ok(output) => {
                        let suggested_name = match exporter.extension() {
                            Some(ext) => format!("{base_name}.{ext}"),
                            None => format!("{base_name}-{}", exporter.id()),
                        };
                        request = Some(ExportRequest {
                            suggested_name,
                            output,
                            format: exporter.id(),
                            provider: state.provider,
                        });
                    }
                    Err(error) => {
                        state.preview = Some((
                            revision,
                            state.format.clone(),
                            state.provider,
                            Err(error.to_string()),
                        ));
                    }
                }
            }
        });
    state.open = open && request.is_none();
    request
}
