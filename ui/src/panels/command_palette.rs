//! Ctrl+K: every command, searchable by name.

use egui::{Key, RichText};

use crate::command::UiCommand;

#[derive(Debug, Default)]
pub struct CommandPaletteState {
    pub open: bool,
    query: String,
    focus_pending: bool,
}

impl CommandPaletteState {
    pub fn show(&mut self) {
        self.open = true;
        self.query.clear();
        self.focus_pending = true;
    }
}

pub fn command_palette_ui(
    ctx: &egui::Context,
    state: &mut CommandPaletteState,
) -> Option<UiCommand> {
    if !state.open {
        return None;
    }
    let mut chosen = None;
    let query = state.query.to_lowercase();
    let matching: Vec<UiCommand> = UiCommand::ALL
        .iter()
        .copied()
        .filter(|c| {
            c != &UiCommand::CommandPalette && c.label().to_lowercase().contains(query.trim())
        })
        .collect();
    egui::Window::new("Command palette")
        .collapsible(false)
        .resizable(false)
        .title_bar(false)
        .anchor(egui::Align2::CENTER_TOP, [0.0, 80.0])
        .fixed_size([460.0, 360.0])
        .show(ctx, |ui| {
            let label = ui.label(RichText::new("Run a command").strong());
            let response = ui
                .add(
                    egui::TextEdit::singleline(&mut state.query)
                        .hint_text("Type to search…")
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label.id);
            if state.focus_pending {
                response.request_focus();
                state.focus_pending = false;
            }
            if response.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
                chosen = matching.first().copied();
            }
            ui.separator();
            egui::ScrollArea::vertical().show(ui, |ui| {
                for command in &matching {
                    ui.horizontal(|ui| {
                        if ui
                            .selectable_label(false, command.label())
                            .on_hover_text(command.tooltip())
                            .clicked()
                        {
                            chosen = Some(*command);
                        }
                        if let Some(shortcut) = command.shortcut() {
                            ui.label(RichText::new(ctx.format_shortcut(&shortcut)).weak());
                        }
                    });
                }
            });
        });
    if ctx.input(|i| i.key_pressed(Key::Escape)) || chosen.is_some() {
        state.open = false;
    }
    chosen
}
