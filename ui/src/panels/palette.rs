//! The palette: every catalog kind, searchable and grouped by category. Drag an item onto the
//! canvas, or click it and then click on the canvas.

use archsmith::catalog::{Catalog, Category, ComponentKind};
use egui::{Align2, FontId, RichText, Sense, Ui, vec2};

use crate::canvas::{CanvasState, PaletteDrag, icons, style};

#[derive(Debug, Default)]
pub struct PaletteState {
    pub search: String,
}

fn matches(kind: &ComponentKind, query: &str) -> bool {
    let query = query.trim().to_lowercase();
    query.is_empty()
        || kind.label.to_lowercase().contains(&query)
        || kind.id.as_str().contains(&query)
        || kind.technology.to_lowercase().contains(&query)
}

pub fn palette_ui(
    ui: &mut Ui,
    catalog: &Catalog,
    state: &mut PaletteState,
    canvas: &mut CanvasState,
) {
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        let label = ui.label("Search");
        ui.add(
            egui::TextEdit::singleline(&mut state.search)
                .hint_text("postgres, queue, grafana…")
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id);
    });
    ui.add_space(4.0);
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for category in Category::ALL {
                let kinds: Vec<&ComponentKind> = catalog
                    .kinds()
                    .iter()
                    .filter(|k| k.category == category && matches(k, &state.search))
                    .collect();
                if kinds.is_empty() {
                    continue;
                }
                egui::CollapsingHeader::new(RichText::new(category.label()).strong())
                    .id_salt(("palette", category.label()))
                    .default_open(true)
                    .open(if state.search.is_empty() {
                        None
                    } else {
                        Some(true)
                    })
                    .show(ui, |ui| {
                        for kind in kinds {
                            palette_item_ui(ui, kind, canvas);
                        }
                    });
            }
        });
}

fn palette_item_ui(ui: &mut Ui, kind: &ComponentKind, canvas: &mut CanvasState) {
    let (rect, response) =
        ui.allocate_exact_size(vec2(ui.available_width(), 30.0), Sense::click_and_drag());
    let response = response.on_hover_text(format!(
        "{}\n{}\nDrag onto the canvas, or click then click the canvas.",
        kind.technology, kind.doc
    ));
    let accent = style::category_color(kind.category);
    let placing = canvas.placing.as_ref() == Some(&kind.id);
    if response.hovered() || placing {
        ui.painter()
            .rect_filled(rect, 4.0, ui.visuals().widgets.hovered.weak_bg_fill);
    }
    icons::paint_kind_mark(
        ui.painter(),
        rect.left_center() + vec2(16.0, 0.0),
        20.0,
        Some(kind),
        accent,
    );
    ui.painter().text(
        rect.left_center() + vec2(34.0, 0.0),
        Align2::LEFT_CENTER,
        &kind.label,
        FontId::proportional(13.0),
        ui.visuals().text_color(),
    );
    // Accessible name for tests and screen readers.
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &kind.label));
    if response.drag_started() {
        response.dnd_set_drag_payload(PaletteDrag(kind.id.clone()));
    }
    if response.dragged()
        && let Some(pointer) = ui.ctx().pointer_interact_pos()
    {
        let painter = ui.ctx().layer_painter(egui::LayerId::new(
            egui::Order::Tooltip,
            ui.scope_id().with("palette-ghost"),
        ));
        let ghost = egui::Rect::from_center_size(pointer, vec2(160.0, 64.0));
        painter.rect_filled(ghost, 8.0, egui::Color32::from_white_alpha(220));
        painter.rect_stroke(
            ghost,
            8.0,
            egui::Stroke::new(1.5, accent),
            egui::StrokeKind::Inside,
        );
        painter.text(
            ghost.center(),
            Align2::CENTER_CENTER,
            &kind.label,
            FontId::proportional(13.0),
            style::CARD_TEXT,
        );
    }
    if response.clicked() {
        canvas.placing = if placing { None } else { Some(kind.id.clone()) };
    }
}
