//! Colours and shapes of the canvas, by category and connection style.

use archsmith::catalog::{Category, ConnectionStyle};
use archsmith::model::{GroupKind, NoteColor, Severity};
use egui::Color32;

pub const CANVAS_BACKGROUND: Color32 = Color32::from_rgb(248, 250, 252);
pub const GRID: Color32 = Color32::from_rgb(226, 232, 240);
pub const CARD_FILL: Color32 = Color32::WHITE;
pub const CARD_TEXT: Color32 = Color32::from_rgb(15, 23, 42);
pub const CARD_SUBTEXT: Color32 = Color32::from_rgb(100, 116, 139);
pub const SELECTION: Color32 = Color32::from_rgb(37, 99, 235);
pub const SELECTION_FILL: Color32 = Color32::from_rgba_premultiplied(37, 99, 235, 24);
pub const REFUSED: Color32 = Color32::from_rgb(220, 38, 38);
pub const ACCEPTED: Color32 = Color32::from_rgb(22, 163, 74);

pub fn category_color(category: Category) -> Color32 {
    match category {
        Category::Client => Color32::from_rgb(100, 116, 139),
        Category::Edge => Color32::from_rgb(14, 165, 233),
        Category::Compute => Color32::from_rgb(37, 99, 235),
        Category::Data => Color32::from_rgb(5, 150, 105),
        Category::Messaging => Color32::from_rgb(217, 119, 6),
        Category::Observability => Color32::from_rgb(124, 58, 237),
        Category::Security => Color32::from_rgb(225, 29, 72),
    }
}

pub fn connection_color(style: Option<ConnectionStyle>) -> Color32 {
    match style {
        Some(ConnectionStyle::Sync) | None => Color32::from_rgb(71, 85, 105),
        Some(ConnectionStyle::Async) => Color32::from_rgb(217, 119, 6),
        Some(ConnectionStyle::Telemetry) => Color32::from_rgb(148, 163, 184),
    }
}

pub fn severity_color(severity: Severity) -> Color32 {
    match severity {
        Severity::Error => Color32::from_rgb(220, 38, 38),
        Severity::Warning => Color32::from_rgb(234, 179, 8),
        Severity::Info => Color32::from_rgb(59, 130, 246),
    }
}

/// Border and tint of a boundary.
pub fn group_colors(kind: GroupKind) -> (Color32, Color32) {
    let stroke = match kind {
        GroupKind::Region => Color32::from_rgb(71, 85, 105),
        GroupKind::Vpc => Color32::from_rgb(5, 150, 105),
        GroupKind::PublicSubnet => Color32::from_rgb(14, 165, 233),
        GroupKind::PrivateSubnet => Color32::from_rgb(37, 99, 235),
        GroupKind::AvailabilityZone => Color32::from_rgb(100, 116, 139),
        GroupKind::K8sCluster | GroupKind::K8sNamespace => Color32::from_rgb(50, 108, 229),
        GroupKind::TrustZone => Color32::from_rgb(225, 29, 72),
        GroupKind::BoundedContext => Color32::from_rgb(124, 58, 237),
        GroupKind::Generic => Color32::from_rgb(100, 116, 139),
    };
    let [r, g, b, _] = stroke.to_array();
    (stroke, Color32::from_rgba_unmultiplied(r, g, b, 10))
}

pub fn note_color(color: NoteColor) -> Color32 {
    match color {
        NoteColor::Yellow => Color32::from_rgb(254, 240, 138),
        NoteColor::Pink => Color32::from_rgb(251, 207, 232),
        NoteColor::Blue => Color32::from_rgb(191, 219, 254),
        NoteColor::Green => Color32::from_rgb(187, 247, 208),
    }
}

/// A short badge text standing for a kind's technology until icons are drawn.
pub fn kind_badge(label: &str) -> String {
    let words: Vec<&str> = label
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    match words.as_slice() {
        [] => "?".to_owned(),
        [one] => one.chars().take(2).collect(),
        [first, second, ..] => first
            .chars()
            .take(1)
            .chain(second.chars().take(1))
            .collect::<String>()
            .to_uppercase(),
    }
}
