//! Colours and shapes of the canvas, by category and connection style.

use archsmith::analysis::overlay::Verdict;
use archsmith::catalog::{Category, ConnectionStyle};
use archsmith::model::{GroupKind, NoteColor, Severity};
use archsmith::palette::{self, Rgb};
use egui::Color32;

pub const CANVAS_BACKGROUND: Color32 = color(palette::CANVAS);
pub const GRID: Color32 = Color32::from_rgb(226, 232, 240);
pub const CARD_FILL: Color32 = color(palette::CARD);
pub const CARD_TEXT: Color32 = color(palette::INK);
pub const CARD_SUBTEXT: Color32 = color(palette::SUBTEXT);
pub const SELECTION: Color32 = Color32::from_rgb(37, 99, 235);
pub const SELECTION_FILL: Color32 = Color32::from_rgba_premultiplied(37, 99, 235, 24);
pub const REFUSED: Color32 = Color32::from_rgb(220, 38, 38);
pub const ACCEPTED: Color32 = Color32::from_rgb(22, 163, 74);

const fn color(rgb: Rgb) -> Color32 {
    Color32::from_rgb(rgb.0, rgb.1, rgb.2)
}

/// Tint and label colour of a card under an analysis overlay.
pub fn verdict_colors(verdict: Verdict) -> (Color32, Color32) {
    match verdict {
        Verdict::Good => (
            Color32::from_rgb(220, 252, 231),
            Color32::from_rgb(21, 128, 61),
        ),
        Verdict::Warning => (
            Color32::from_rgb(254, 243, 199),
            Color32::from_rgb(180, 83, 9),
        ),
        Verdict::Critical => (
            Color32::from_rgb(254, 226, 226),
            Color32::from_rgb(185, 28, 28),
        ),
        Verdict::Lost => (
            Color32::from_rgb(226, 232, 240),
            Color32::from_rgb(71, 85, 105),
        ),
    }
}

pub fn category_color(category: Category) -> Color32 {
    color(palette::category(category))
}

pub fn connection_color(style: Option<ConnectionStyle>) -> Color32 {
    color(palette::connection(style))
}

pub fn severity_color(severity: Severity) -> Color32 {
    color(palette::severity(severity))
}

/// Border and tint of a boundary.
pub fn group_colors(kind: GroupKind) -> (Color32, Color32) {
    let stroke = palette::group(kind);
    (
        color(stroke),
        Color32::from_rgba_unmultiplied(stroke.0, stroke.1, stroke.2, palette::GROUP_FILL_ALPHA),
    )
}

pub fn note_color(note: NoteColor) -> Color32 {
    color(palette::note(note))
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
