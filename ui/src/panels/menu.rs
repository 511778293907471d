//! The menu bar and the status bar.

use archsmith::analysis::overlay::Overlay;
use archsmith::export;
use egui::{RichText, Ui};

use crate::command::{CommandQueue, UiCommand};
use crate::state::Editor;

fn item(ui: &mut Ui, commands: &mut CommandQueue, command: UiCommand, enabled: bool) {
    let mut button = egui::Button::new(command.label());
    if let Some(shortcut) = command.shortcut() {
        button = button.shortcut_text(ui.ctx().format_shortcut(&shortcut));
    }
    if ui
        .add_enabled(enabled, button)
        .on_hover_text(command.tooltip())
        .clicked()
    {
        commands.push(command);
        ui.close();
    }
}

fn toggle(ui: &mut Ui, commands: &mut CommandQueue, command: UiCommand, on: bool) {
    if ui
        .checkbox(&mut on.clone(), command.label())
        .on_hover_text(command.tooltip())
        .clicked()
    {
        commands.push(command);
    }
}

/// Toggle states shown in the View menu.
#[derive(Debug, Clone, Copy)]
pub struct ViewToggles {
    pub grid: bool,
    pub snap: bool,
    pub minimap: bool,
}

/// Returns a recent file the user chose, if any.
pub fn menu_bar_ui(
    ui: &mut Ui,
    editor: &Editor,
    recent: &[String],
    toggles: ViewToggles,
    overlay: &mut Overlay,
    commands: &mut CommandQueue,
) -> Option<String> {
    let mut open_recent = None;
    let has_selection = !editor.selection.is_empty();
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            item(ui, commands, UiCommand::New, true);
            item(ui, commands, UiCommand::Open, true);
            ui.menu_button("Open recent", |ui| {
                if recent.is_empty() {
                    ui.label(RichText::new("No recent files").weak());
                }
                for path in recent {
                    if ui.button(path).clicked() {
                        open_recent = Some(path.clone());
                        ui.close();
                    }
                }
            });
            ui.separator();
            item(ui, commands, UiCommand::Save, true);
            item(ui, commands, UiCommand::SaveAs, true);
            ui.separator();
            item(ui, commands, UiCommand::Export, true);
        });
        ui.menu_button("Edit", |ui| {
            let history = editor.history();
            let undo = history.undo_label().map_or_else(
                || "Undo".to_owned(),
                |l| format!("Undo {}", l.to_lowercase()),
            );
            if ui
                .add_enabled(
                    history.can_undo(),
                    egui::Button::new(undo).shortcut_text(
                        ui.ctx()
                            .format_shortcut(&UiCommand::Undo.shortcut().unwrap_or(
                                egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::Z),
                            )),
                    ),
                )
                .clicked()
            {
                commands.push(UiCommand::Undo);
                ui.close();
            }
            item(ui, commands, UiCommand::Redo, history.can_redo());
            ui.separator();
            item(ui, commands, UiCommand::Cut, has_selection);
            item(ui, commands, UiCommand::Copy, has_selection);
            item(ui, commands, UiCommand::Paste, true);
            item(ui, commands, UiCommand::Duplicate, has_selection);
            item(ui, commands, UiCommand::Delete, has_selection);
            ui.separator();
            item(ui, commands, UiCommand::SelectAll, true);
            item(
                ui,
                commands,
                UiCommand::Rename,
                editor.selection.single().is_some(),
            );
        });
        ui.menu_button("View", |ui| {
            item(ui, commands, UiCommand::FitView, true);
            item(ui, commands, UiCommand::ZoomIn, true);
            item(ui, commands, UiCommand::ZoomOut, true);
            item(ui, commands, UiCommand::ResetZoom, true);
            ui.separator();
            toggle(ui, commands, UiCommand::ToggleGrid, toggles.grid);
            toggle(ui, commands, UiCommand::ToggleSnap, toggles.snap);
            toggle(ui, commands, UiCommand::ToggleMinimap, toggles.minimap);
            ui.separator();
            item(ui, commands, UiCommand::Present, true);
            item(ui, commands, UiCommand::CommandPalette, true);
        });
        ui.menu_button("Analyze", |ui| {
            // The analyses recomputed on every edit; each overlay paints its verdict on
            // the cards it concerns.
            let Some(report) = editor.analysis() else {
                ui.label(RichText::new("No analysis yet").weak());
                return;
            };
            for (choice, label) in Overlay::choices(report) {
                let selected = *overlay == choice;
                if ui.radio(selected, label).clicked() {
                    *overlay = choice;
                    ui.close();
                }
            }
        });
        ui.menu_button("Arrange", |ui| {
            item(ui, commands, UiCommand::AddBoundary, true);
            item(ui, commands, UiCommand::AddNote, true);
            item(ui, commands, UiCommand::TidyUp, true);
        });
        ui.menu_button("Export", |ui| {
            for exporter in export::registry() {
                if ui.button(exporter.label()).clicked() {
                    commands.push(UiCommand::Export);
                    ui.close();
                }
            }
        });
        ui.menu_button("Help", |ui| {
            item(ui, commands, UiCommand::About, true);
            item(ui, commands, UiCommand::CommandPalette, true);
        });
    });
    open_recent
}

/// The status bar; `busy` shows a spinner before the status (work the host does meanwhile).
pub fn status_bar_ui(ui: &mut Ui, editor: &Editor, zoom: f32, status: Option<&str>, busy: bool) {
    ui.horizontal(|ui| {
        let doc = editor.doc();
        ui.label(format!(
            "{} components · {} connections · {} boundaries",
            doc.components().len(),
            doc.connections().len(),
            doc.groups().len()
        ));
        ui.separator();
        let s = &editor.report().summary;
        ui.label(format!("{} errors · {} warnings", s.errors, s.warnings));
        ui.separator();
        ui.label(format!("{:.0}%", zoom * 100.0));
        if busy || status.is_some() {
            ui.separator();
        }
        if busy {
            ui.spinner();
        }
        if let Some(status) = status {
            ui.label(RichText::new(status).italics());
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let file = editor.path.as_deref().map_or("not saved yet", |p| p);
            let marker = if editor.is_dirty() {
                " • unsaved changes"
            } else {
                ""
            };
            ui.label(format!("{file}{marker}"));
        });
    });
}
