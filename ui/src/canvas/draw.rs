//! Painting the canvas. Everything here only reads: the document, the selection, and the
//! transient previews of a gesture in progress. Nothing mutates the model while it paints.

use std::collections::{HashMap, HashSet};

use archsmith::analysis::overlay::Mark;
use archsmith::catalog::{Catalog, ConnectionStyle};
use archsmith::export::captions::{CAPTION_LINE, CAPTION_SIZE, PlacedCaption};
use archsmith::model::{Document, Severity};
use egui::epaint::{CornerRadius, PathShape, PathStroke};
use egui::text::{LayoutJob, TextFormat};
use egui::{
    Align2, Color32, FontId, Painter, Pos2, Rect, Shape, Stroke, StrokeKind, Vec2, pos2, vec2,
};

use super::geometry::{self, HANDLE_RADIUS};
use super::view::CanvasView;
use super::{icons, style};
use crate::state::Selection;

/// Below this zoom, dashes, rounded corners and shadows are left out.
const DETAIL_ZOOM: f32 = 0.5;
/// Below this zoom, text is left out.
pub(crate) const TEXT_ZOOM: f32 = 0.35;

/// Elements being dragged, drawn shifted by `delta` until the gesture ends.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MovePreview {
    pub delta: Vec2,
    pub ids: HashSet<String>,
    /// Boundaries being resized, with their preview rectangle.
    pub resized: HashMap<String, Rect>,
}

impl MovePreview {
    /// Whether nothing is being moved or resized.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty() && self.resized.is_empty()
    }

    pub fn shift(&self, id: &str, rect: Rect) -> Rect {
        if let Some(resized) = self.resized.get(id) {
            return *resized;
        }
        if self.ids.contains(id) {
            rect.translate(self.delta)
        } else {
            rect
        }
    }
}

/// The connection being drawn: from a component to the pointer or to a target.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectPreview {
    pub from: String,
    pub to_world: Pos2,
    /// `Some(true)` over a component that accepts, `Some(false)` over one that refuses.
    pub verdict: Option<bool>,
    pub message: Option<String>,
}

/// Everything one frame of the canvas shows.
#[derive(Debug)]
pub struct Scene<'a> {
    pub doc: &'a Document,
    pub catalog: &'a Catalog,
    pub selection: &'a Selection,
    pub badges: &'a HashMap<String, (Severity, usize)>,
    /// The analysis overlay's mark on each component it concerns.
    pub marks: &'a HashMap<String, Mark>,
    pub preview: &'a MovePreview,
    /// Each connection's route and caption spot, by position.
    pub routing: &'a super::Routing,
    pub hovered: Option<&'a str>,
    pub connect: Option<&'a ConnectPreview>,
    pub rubber_band: Option<Rect>,
    pub show_grid: bool,
    pub grid_size: f32,
}

struct Screen<'p> {
    painter: &'p Painter,
    canvas: Rect,
    view: CanvasView,
}

impl Screen<'_> {
    fn pos(&self, world: Pos2) -> Pos2 {
        self.view.screen_from_world(self.canvas, world)
    }

    fn rect(&self, world: Rect) -> Rect {
        self.view.screen_rect_from_world(self.canvas, world)
    }

    fn zoom(&self) -> f32 {
        self.view.zoom
    }

    fn font(&self, size: f32) -> FontId {
        FontId::proportional(size * self.zoom())
    }

    fn bold_font(&self, size: f32) -> FontId {
        FontId::new(size * self.zoom(), egui::FontFamily::Name("bold".into()))
    }
}

/// `text`, already fitted by the core, written from `at` (world units) on its baseline, as
/// the exports write it.
fn paint_on_baseline(screen: &Screen<'_>, text: &str, font: FontId, colour: Color32, at: Pos2) {
    let galley = screen.painter.layout_no_wrap(text.to_owned(), font, colour);
    let ascent = galley
        .rows
        .first()
        .and_then(|row| {
            let glyph = row.row.glyphs.first()?;
            Some(row.pos.y + glyph.pos.y)
        })
        .unwrap_or(0.0);
    let at = screen.pos(at);
    screen
        .painter
        .galley(pos2(at.x, at.y - ascent), galley, colour);
}

/// Text cut to one line with an ellipsis when it does not fit `width`.
fn single_line(
    painter: &Painter,
    text: &str,
    font: FontId,
    color: Color32,
    width: f32,
) -> std::sync::Arc<egui::Galley> {
    let mut job = LayoutJob::single_section(text.to_owned(), TextFormat::simple(font, color));
    job.wrap.max_width = width.max(1.0);
    job.wrap.max_rows = 1;
    job.wrap.break_anywhere = true;
    painter.layout_job(job)
}

/// Paints the whole scene into `canvas`.
pub fn paint(painter: &Painter, canvas: Rect, view: CanvasView, scene: &Scene<'_>) {
    let screen = Screen {
        painter,
        canvas,
        view,
    };
    painter.rect_filled(canvas, 0.0, style::CANVAS_BACKGROUND);
    if scene.show_grid {
        paint_grid(&screen, scene.grid_size);
    }
    let visible = view.visible_world(canvas).expand(40.0);
    paint_groups(&screen, scene, visible);
    paint_connections(&screen, scene, visible);
    paint_components(&screen, scene, visible);
    paint_notes(&screen, scene, visible);
    if let Some(band) = scene.rubber_band {
        let rect = screen.rect(band);
        painter.rect_filled(rect, 0.0, style::SELECTION_FILL);
        painter.rect_stroke(
            rect,
            0.0,
            Stroke::new(1.0, style::SELECTION),
            StrokeKind::Inside,
        );
    }
    if let Some(connect) = scene.connect {
        paint_connect_preview(&screen, scene, connect);
    }
}

fn paint_grid(screen: &Screen<'_>, grid: f32) {
    // Coarser lines when zoomed out, so the grid stays a guide and not a texture.
    let mut grid = grid;
    while grid * screen.zoom() < 12.0 {
        grid *= 5.0;
        if grid > 10_000.0 {
            return;
        }
    }
    let visible = screen.view.visible_world(screen.canvas);
    let stroke = Stroke::new(1.0, style::GRID);
    let mut x = (visible.min.x / grid).floor() * grid;
    while x <= visible.max.x {
        let sx = screen.pos(pos2(x, 0.0)).x;
        screen.painter.line_segment(
            [pos2(sx, screen.canvas.min.y), pos2(sx, screen.canvas.max.y)],
            stroke,
        );
        x += grid;
    }
    let mut y = (visible.min.y / grid).floor() * grid;
    while y <= visible.max.y {
        let sy = screen.pos(pos2(0.0, y)).y;
        screen.painter.line_segment(
            [pos2(screen.canvas.min.x, sy), pos2(screen.canvas.max.x, sy)],
            stroke,
        );
        y += grid;
    }
}

fn paint_groups(screen: &Screen<'_>, scene: &Scene<'_>, visible: Rect) {
    let mut groups: Vec<_> = scene
        .doc
        .groups()
        .iter()
        .map(|g| (scene.doc.group_chain(Some(&g.id)).len(), g))
        .collect();
    groups.sort_by_key(|(depth, g)| (*depth, g.id.as_str()));
    for (_, group) in groups {
        let world = scene
            .preview
            .shift(group.id.as_str(), geometry::group_rect(group));
        if !world.intersects(visible) {
            continue;
        }
        let rect = screen.rect(world);
        let (stroke_color, fill) = style::group_colors(group.kind);
        let selected = scene.selection.contains(group.id.as_str());
        let radius = CornerRadius::same((8.0 * screen.zoom()).clamp(2.0, 12.0) as u8);
        screen.painter.rect_filled(rect, radius, fill);
        let dashed = archsmith::palette::dashed_boundary(group.kind);
        let width = if selected { 2.5 } else { 1.2 };
        let stroke = Stroke::new(
            width,
            if selected {
                style::SELECTION
            } else {
                stroke_color
            },
        );
        if dashed {
            let corners = [
                rect.left_top(),
                rect.right_top(),
                rect.right_bottom(),
                rect.left_bottom(),
                rect.left_top(),
            ];
            screen.painter.extend(Shape::dashed_line(
                &corners,
                stroke,
                archsmith::palette::BOUNDARY_DASH * screen.zoom(),
                archsmith::palette::BOUNDARY_GAP * screen.zoom(),
            ));
        } else {
            screen
                .painter
                .rect_stroke(rect, radius, stroke, StrokeKind::Inside);
        }
        if screen.zoom() >= 0.3 {
            // The title as the exports write it: the name in the boundary's colour, then
            // its kind where both fit.
            let title = archsmith::export::cards::boundary_title(group, geometry::from_rect(world));
            paint_on_baseline(
                screen,
                &title.name,
                screen.bold_font(archsmith::fonts::TITLE_SIZE),
                stroke_color,
                pos2(title.x, title.baseline),
            );
            if let Some(kind) = title.kind {
                paint_on_baseline(
                    screen,
                    kind,
                    screen.font(archsmith::fonts::KIND_SIZE),
                    style::CARD_SUBTEXT,
                    pos2(title.kind_x, title.baseline),
                );
            }
        }
        if selected {
            let grip = screen.rect(
                geometry::group_grip_rect(group)
                    .translate(world.min - geometry::group_rect(group).min),
            );
            screen.painter.rect_filled(grip, 2.0, style::SELECTION);
        }
        paint_badge(
            screen,
            scene,
            group.id.as_str(),
            rect.right_top() + vec2(-10.0, 10.0),
        );
    }
}

/// A caption on its chip, as the exports draw it (the core placed it and chose its form),
/// each line centred.
fn paint_caption(screen: &Screen<'_>, caption: &PlacedCaption) {
    let rect = screen.rect(geometry::to_rect(caption.rect()));
    screen
        .painter
        .rect_filled(rect, 3.0 * screen.zoom(), style::CANVAS_BACKGROUND);
    let lines: Vec<&str> = caption.lines().collect();
    let step = CAPTION_LINE * screen.zoom();
    let first = rect.center().y - step * (lines.len() - 1) as f32 / 2.0;
    for (k, line) in lines.into_iter().enumerate() {
        screen.painter.text(
            pos2(rect.center().x, first + step * k as f32),
            Align2::CENTER_CENTER,
            line,
            screen.font(CAPTION_SIZE),
            style::CARD_SUBTEXT,
        );
    }
}

/// A route (in screen points) dashed as the exports dash it: the style's pattern at the
/// drawing's scale, each segment in step with the drawing (see
/// [`archsmith::palette::dash_phase`]), so that routes sharing a track keep their dashes.
/// Only what is on screen is dashed: a long route would otherwise become thousands of them.
fn paint_dashed(screen: &Screen<'_>, path: &[Pos2], stroke: Stroke, pattern: (f32, f32)) {
    let zoom = screen.zoom();
    let (dash, gap) = pattern;
    let view = screen.canvas.expand(20.0);
    for pair in path.windows(2) {
        let Some((a, b)) = geometry::clip_segment(pair[0], pair[1], view) else {
            continue;
        };
        let world = |p: Pos2| {
            let w = screen.view.world_from_screen(screen.canvas, p);
            archsmith::model::Point::new(w.x, w.y)
        };
        // Into the pattern at `a`; egui starts with a gap, so a dash under way is drawn here.
        let into = archsmith::palette::dash_phase(world(a), world(b), pattern).unwrap_or(0.0);
        let length = (b - a).length();
        let direction = (b - a).normalized();
        if into < dash {
            let end = a + direction * ((dash - into) * zoom).min(length);
            screen.painter.line_segment([a, end], stroke);
        }
        let first = (dash + gap - into) * zoom;
        screen.painter.extend(Shape::dashed_line_with_offset(
            &[a, b],
            stroke,
            &[dash * zoom],
            &[gap * zoom],
            first,
        ));
    }
}

fn paint_connections(screen: &Screen<'_>, scene: &Scene<'_>, visible: Rect) {
    let captions = &scene.routing.captions;
    for (index, (connection, route)) in scene
        .doc
        .connections()
        .iter()
        .zip(&scene.routing.routes)
        .enumerate()
    {
        let Some(route) = route else {
            continue;
        };
        if !Rect::from_points(route).intersects(visible) {
            continue;
        }
        let path: Vec<Pos2> = route.iter().map(|&p| screen.pos(p)).collect();
        let drawn_style = scene.catalog.effective_style(connection);
        let selected = scene.selection.contains(connection.id.as_str());
        let hovered = scene.hovered == Some(connection.id.as_str());
        let color = if selected {
            style::SELECTION
        } else {
            style::connection_color(drawn_style)
        };
        let width = if selected || hovered { 2.5 } else { 1.5 } * screen.zoom().clamp(0.5, 1.5);
        let stroke = Stroke::new(width, color);
        // Zoomed out, dashes are too small to read and costly to tessellate: colour alone
        // tells the styles apart.
        let dashed = if screen.zoom() < DETAIL_ZOOM {
            Some(ConnectionStyle::Sync)
        } else {
            drawn_style
        };
        match dashed.and_then(archsmith::palette::dashes) {
            Some(pattern) => paint_dashed(screen, &path, stroke, pattern),
            None => {
                screen
                    .painter
                    .add(PathShape::line(path.clone(), PathStroke::new(width, color)));
            }
        };
        if let [.., tail, head] = path.as_slice() {
            paint_arrowhead(
                screen.painter,
                *tail,
                *head,
                color,
                9.0 * screen.zoom().clamp(0.6, 1.4),
            );
        }
        if connection.tls && screen.zoom() >= 0.6 {
            let start = path.first().copied().unwrap_or_default();
            screen
                .painter
                .circle_filled(start, 2.5 * screen.zoom(), color);
        }
        if let Some(caption) = captions.get(index).and_then(Option::as_ref)
            && !caption.text.is_empty()
            && screen.zoom() >= 0.5
        {
            paint_caption(screen, caption);
        }
        if let Some(mid) = path.get(path.len() / 2) {
            paint_badge(
                screen,
                scene,
                connection.id.as_str(),
                *mid + vec2(0.0, -10.0),
            );
        }
    }
}

fn paint_arrowhead(painter: &Painter, tail: Pos2, head: Pos2, color: Color32, size: f32) {
    let direction = (head - tail).normalized();
    if !direction.x.is_finite() {
        return;
    }
    let normal = direction.rot90();
    let base = head - direction * size;
    painter.add(Shape::convex_polygon(
        vec![head, base + normal * size * 0.5, base - normal * size * 0.5],
        color,
        Stroke::NONE,
    ));
}

fn paint_components(screen: &Screen<'_>, scene: &Scene<'_>, visible: Rect) {
    let zoom = screen.zoom();
    for component in scene.doc.components() {
        let world = scene
            .preview
            .shift(component.id.as_str(), geometry::component_rect(component));
        if !world.intersects(visible) {
            continue;
        }
        let rect = screen.rect(world);
        let kind = scene.catalog.kind_of(component);
        let accent = kind.map_or(Color32::GRAY, |k| style::category_color(k.category));
        let selected = scene.selection.contains(component.id.as_str());
        let hovered = scene.hovered == Some(component.id.as_str());
        let radius = if zoom < DETAIL_ZOOM {
            CornerRadius::ZERO
        } else {
            CornerRadius::same((8.0 * zoom).clamp(1.0, 12.0) as u8)
        };
        if zoom >= DETAIL_ZOOM {
            screen.painter.rect_filled(
                rect.translate(vec2(0.0, 2.0 * zoom)),
                radius,
                Color32::from_black_alpha(14),
            );
        }
        let mark = scene.marks.get(component.id.as_str());
        let fill = mark.map_or(style::CARD_FILL, |m| style::verdict_colors(m.verdict).0);
        screen.painter.rect_filled(rect, radius, fill);
        let border = if selected {
            Stroke::new(2.5, style::SELECTION)
        } else if hovered {
            Stroke::new(1.5, accent)
        } else {
            Stroke::new(1.0, Color32::from_rgb(203, 213, 225))
        };
        screen
            .painter
            .rect_stroke(rect, radius, border, StrokeKind::Inside);
        let accent_bar = Rect::from_min_size(rect.min, vec2(4.0 * zoom, rect.height()));
        screen.painter.rect_filled(
            accent_bar,
            CornerRadius {
                nw: radius.nw,
                sw: radius.sw,
                ne: 0,
                se: 0,
            },
            accent,
        );
        if zoom < TEXT_ZOOM {
            continue;
        }
        let card = archsmith::export::cards::card_text(
            scene.doc,
            scene.catalog,
            component,
            geometry::from_rect(world),
        );
        if card.icon.is_some() {
            let icon = archsmith::export::cards::ICON;
            let centre = pos2(
                world.min.x + archsmith::export::cards::ICON_LEFT + icon / 2.0,
                world.center().y,
            );
            icons::paint_kind_mark(
                screen.painter,
                screen.pos(centre),
                icon * zoom,
                kind,
                accent,
            );
        }
        // The card's words as the exports write them, where they write them.
        for (name, baseline) in &card.names {
            let font = screen.bold_font(archsmith::fonts::NAME_SIZE);
            paint_on_baseline(
                screen,
                name,
                font,
                style::CARD_TEXT,
                pos2(card.left, *baseline),
            );
        }
        if let Some(mark) = mark {
            paint_mark(screen, rect, mark);
        }
        for tag in &card.tags {
            let (colour, _) = style::group_colors(tag.group.kind);
            let chip = screen.rect(geometry::to_rect(tag.chip));
            screen
                .painter
                .rect_filled(chip, chip.height() / 2.0, style::CARD_FILL);
            let font = screen.bold_font(archsmith::export::cards::TAG_SIZE);
            paint_on_baseline(screen, &tag.text, font, colour, pos2(tag.x, tag.baseline));
        }
        paint_on_baseline(
            screen,
            &card.subtitle,
            screen.font(archsmith::fonts::KIND_SIZE),
            style::CARD_SUBTEXT,
            pos2(card.left, card.subtitle_baseline),
        );
        if component.pinned {
            screen.painter.circle_filled(
                rect.right_bottom() + vec2(-7.0, -7.0) * zoom,
                2.5 * zoom,
                style::CARD_SUBTEXT,
            );
        }
        if selected || hovered {
            let handle = screen.pos(geometry::handle_center(world));
            screen.painter.circle(
                handle,
                HANDLE_RADIUS * zoom.clamp(0.7, 1.3),
                Color32::WHITE,
                Stroke::new(1.5, style::SELECTION),
            );
        }
        paint_badge(
            screen,
            scene,
            component.id.as_str(),
            rect.left_top() + vec2(2.0, 2.0),
        );
    }
}

/// The overlay's label in a chip on the card's top edge, in the verdict's colour.
fn paint_mark(screen: &Screen<'_>, card: Rect, mark: &Mark) {
    let zoom = screen.zoom();
    let (_, ink) = style::verdict_colors(mark.verdict);
    let galley = single_line(
        screen.painter,
        &mark.label,
        screen.bold_font(9.5),
        ink,
        card.width() - 16.0 * zoom,
    );
    let size = galley.size() + vec2(8.0 * zoom, 3.0 * zoom);
    let chip = Rect::from_min_size(
        pos2(card.max.x - size.x - 8.0 * zoom, card.min.y - size.y / 2.0),
        size,
    );
    screen
        .painter
        .rect_filled(chip, chip.height() / 2.0, style::CARD_FILL);
    screen.painter.rect_stroke(
        chip,
        chip.height() / 2.0,
        Stroke::new(1.0, ink),
        StrokeKind::Inside,
    );
    screen
        .painter
        .galley(chip.min + vec2(4.0 * zoom, 1.5 * zoom), galley, ink);
}

fn paint_notes(screen: &Screen<'_>, scene: &Scene<'_>, visible: Rect) {
    for note in scene.doc.notes() {
        let world = scene
            .preview
            .shift(note.id.as_str(), geometry::note_rect(note));
        if !world.intersects(visible) {
            continue;
        }
        let rect = screen.rect(world);
        screen.painter.rect_filled(
            rect.translate(vec2(1.5, 2.5)),
            2.0,
            Color32::from_black_alpha(20),
        );
        screen
            .painter
            .rect_filled(rect, 2.0, style::note_color(note.color));
        if scene.selection.contains(note.id.as_str()) {
            screen.painter.rect_stroke(
                rect,
                2.0,
                Stroke::new(2.0, style::SELECTION),
                StrokeKind::Inside,
            );
        }
        if screen.zoom() >= 0.35 {
            let mut job = LayoutJob::single_section(
                note.text.clone(),
                TextFormat::simple(screen.font(12.0), style::CARD_TEXT),
            );
            job.wrap.max_width = rect.width() - 16.0 * screen.zoom();
            job.wrap.max_rows =
                ((rect.height() - 12.0 * screen.zoom()) / (16.0 * screen.zoom())).max(1.0) as usize;
            let galley = screen.painter.layout_job(job);
            screen.painter.galley(
                rect.min + vec2(8.0, 6.0) * screen.zoom(),
                galley,
                style::CARD_TEXT,
            );
        }
    }
}

fn paint_badge(screen: &Screen<'_>, scene: &Scene<'_>, id: &str, center: Pos2) {
    let Some((severity, count)) = scene.badges.get(id) else {
        return;
    };
    if screen.zoom() < TEXT_ZOOM {
        // A dot is all that can be seen at this size.
        screen
            .painter
            .circle_filled(center, 4.0, style::severity_color(*severity));
        return;
    }
    let radius = 8.0 * screen.zoom().clamp(0.7, 1.2);
    screen.painter.circle(
        center,
        radius,
        style::severity_color(*severity),
        Stroke::new(1.5, Color32::WHITE),
    );
    let text = if *count > 9 {
        "9+".to_owned()
    } else {
        count.to_string()
    };
    screen.painter.text(
        center,
        Align2::CENTER_CENTER,
        text,
        FontId::proportional(radius * 1.2),
        Color32::WHITE,
    );
}

fn paint_connect_preview(screen: &Screen<'_>, scene: &Scene<'_>, connect: &ConnectPreview) {
    let Some(from) = scene.doc.component(&connect.from) else {
        return;
    };
    let start = screen.pos(geometry::handle_center(geometry::component_rect(from)));
    let end = screen.pos(connect.to_world);
    let color = match connect.verdict {
        Some(true) => style::ACCEPTED,
        Some(false) => style::REFUSED,
        None => style::SELECTION,
    };
    screen.painter.extend(Shape::dashed_line(
        &[start, end],
        Stroke::new(2.0, color),
        6.0,
        4.0,
    ));
    paint_arrowhead(screen.painter, start, end, color, 10.0);
    if let Some(message) = &connect.message {
        let galley = single_line(
            screen.painter,
            message,
            FontId::proportional(12.0),
            Color32::WHITE,
            420.0,
        );
        let rect = Rect::from_min_size(end + vec2(14.0, 10.0), galley.size() + vec2(12.0, 8.0));
        screen.painter.rect_filled(rect, 4.0, color);
        screen
            .painter
            .galley(rect.min + vec2(6.0, 4.0), galley, Color32::WHITE);
    }
}

/// Paints a minimap of the whole model into `rect`, with the visible part outlined. Returns the
/// world rectangle the minimap covers, for click-to-navigate.
pub fn paint_minimap(
    painter: &Painter,
    rect: Rect,
    doc: &Document,
    catalog: &Catalog,
    visible_world: Rect,
) -> Option<Rect> {
    let bounds = geometry::content_bounds(doc)?
        .union(visible_world)
        .expand(40.0);
    let scale = (rect.width() / bounds.width()).min(rect.height() / bounds.height());
    let to_map = |p: Pos2| rect.min + (p - bounds.min) * scale;
    painter.rect_filled(rect, 4.0, Color32::from_white_alpha(235));
    painter.rect_stroke(
        rect,
        4.0,
        Stroke::new(1.0, Color32::from_rgb(203, 213, 225)),
        StrokeKind::Inside,
    );
    for group in doc.groups() {
        let g = geometry::group_rect(group);
        painter.rect_stroke(
            Rect::from_min_max(to_map(g.min), to_map(g.max)),
            1.0,
            Stroke::new(0.5, style::group_colors(group.kind).0),
            StrokeKind::Inside,
        );
    }
    for component in doc.components() {
        let c = geometry::component_rect(component);
        let color = catalog
            .kind_of(component)
            .map_or(Color32::GRAY, |k| style::category_color(k.category));
        painter.rect_filled(Rect::from_min_max(to_map(c.min), to_map(c.max)), 0.0, color);
    }
    let view =
        Rect::from_min_max(to_map(visible_world.min), to_map(visible_world.max)).intersect(rect);
    painter.rect_stroke(
        view,
        0.0,
        Stroke::new(1.5, style::SELECTION),
        StrokeKind::Inside,
    );
    Some(bounds)
}
