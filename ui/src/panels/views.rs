//! The view tabs above the canvas: the whole model, then each of the model's views. A tab's
//! context menu changes its level or deletes it; "New view" makes one from the selection.

use archsmith::EditOp;
use archsmith::model::{Document, View, ViewLevel};
use archsmith::view::{self, Preset};
use egui::Ui;

/// What the user asked for in the view tabs.
#[derive(Debug, Clone, PartialEq)]
pub enum ViewsAction {
    /// Show this view (`None`: the whole model).
    Show(Option<String>),
    /// Create, change or delete a view.
    Apply(EditOp),
    /// Create this view and show it.
    Create(Box<View>),
    /// Start presenting, from the view shown.
    Present,
}

pub fn views_ui(
    ui: &mut Ui,
    doc: &Document,
    active: Option<&str>,
    selected: &[&str],
) -> Option<ViewsAction> {
    let mut action = None;
    ui.horizontal_wrapped(|ui| {
        ui.label(egui::RichText::new("Views").strong());
        if ui
            .selectable_label(active.is_none(), "Whole model")
            .on_hover_text("Every component where the model places it")
            .clicked()
        {
            action = Some(ViewsAction::Show(None));
        }
        for view in doc.views() {
            let shown = active == Some(view.id.as_str());
            let what = match &view.flow {
                Some(_) => "Dynamic view (request flow)".to_owned(),
                None => format!("{} view", view.level.label()),
            };
            let hover = if view.description.is_empty() {
                what
            } else {
                format!("{what}: {}", view.description)
            };
            let tab = ui.selectable_label(shown, &view.name).on_hover_text(hover);
            if tab.clicked() {
                action = Some(ViewsAction::Show(Some(view.id.to_string())));
            }
            tab.context_menu(|ui| {
                if view.flow.is_none() {
                    for level in ViewLevel::ALL {
                        if ui
                            .radio(view.level == level, level.label())
                            .on_hover_text(level_help(level))
                            .clicked()
                        {
                            let mut changed = view.clone();
                            changed.level = level;
                            // Boxes of another level are other boxes: lay them out afresh.
                            changed.layout.clear();
                            action = Some(ViewsAction::Apply(EditOp::PutView(Box::new(changed))));
                            ui.close();
                        }
                    }
                    ui.separator();
                }
                if ui
                    .button("Lay out again")
                    .on_hover_text("Forget where boxes were moved in this view")
                    .clicked()
                {
                    let mut changed = view.clone();
                    changed.layout.clear();
                    action = Some(ViewsAction::Apply(EditOp::PutView(Box::new(changed))));
                    ui.close();
                }
                if ui.button("Delete view").clicked() {
                    action = Some(ViewsAction::Apply(EditOp::RemoveView(view.id.clone())));
                    ui.close();
                }
            });
        }
        ui.menu_button("+ New view", |ui| {
            for preset in Preset::ALL {
                let made = view::preset(doc, preset, selected);
                if ui
                    .add_enabled(made.is_some(), egui::Button::new(preset.label()))
                    .clicked()
                {
                    if let Some(made) = made {
                        action = Some(ViewsAction::Create(Box::new(made)));
                    }
                    ui.close();
                }
            }
        });
        if ui
            .button("▶ Present")
            .on_hover_text("Full screen, large type, one view (and flow step) at a time (F5)")
            .clicked()
        {
            action = Some(ViewsAction::Present);
        }
    });
    action
}

fn level_help(level: ViewLevel) -> &'static str {
    match level {
        ViewLevel::Context => "The system as one box among its clients and third parties",
        ViewLevel::Container => "Components grouped by bounded context and trust zone",
        ViewLevel::Deployment => "Components in their regions, networks and subnets",
    }
}
