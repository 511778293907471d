//! World-space geometry of the elements on the canvas, shared by drawing and hit-testing.

use archsmith::catalog::Catalog;
use archsmith::layout::route;
use archsmith::model::{self, Component, Document, Group, Note};
use egui::{Pos2, Rect, Vec2, pos2, vec2};

/// Height of a boundary's title strip, where it is grabbed and selected.
pub const GROUP_TITLE_HEIGHT: f32 = 26.0;
/// Radius of the connect handle on a component's right edge.
pub const HANDLE_RADIUS: f32 = 6.0;
/// Size of the resize grip at a boundary's bottom-right corner.
pub const GRIP: f32 = 12.0;

pub fn to_rect(rect: model::Rect) -> Rect {
    Rect::from_min_size(pos2(rect.x, rect.y), vec2(rect.w, rect.h))
}

pub fn from_rect(rect: Rect) -> model::Rect {
    model::Rect::new(rect.min.x, rect.min.y, rect.width(), rect.height())
}

pub fn component_rect(component: &Component) -> Rect {
    to_rect(component.rect())
}

pub fn note_rect(note: &Note) -> Rect {
    to_rect(model::Rect::from_pos_size(note.position, note.size))
}

pub fn group_rect(group: &Group) -> Rect {
    to_rect(group.rect)
}

pub fn group_title_rect(group: &Group) -> Rect {
    let rect = group_rect(group);
    Rect::from_min_size(
        rect.min,
        vec2(rect.width(), GROUP_TITLE_HEIGHT.min(rect.height())),
    )
}

pub fn group_grip_rect(group: &Group) -> Rect {
    let rect = group_rect(group);
    Rect::from_min_size(rect.max - vec2(GRIP, GRIP), vec2(GRIP, GRIP))
}

/// The connect handle of a component: a dot on the middle of its right edge.
pub fn handle_center(rect: Rect) -> Pos2 {
    pos2(rect.max.x, rect.center().y)
}

/// Every connection's drawn route, by position in the document (`None` when an end is
/// missing): the core's orthogonal routes (`archsmith::layout::route`), with the components
/// where `rect_of` puts them (a drag moves some), so the canvas draws what the exports draw.
pub fn connection_routes(
    doc: &Document,
    catalog: &Catalog,
    rect_of: impl Fn(&Component) -> Rect,
    effort: route::Effort,
) -> Vec<Option<Vec<Pos2>>> {
    let obstacles = route::Obstacles::of(doc, |c| from_rect(rect_of(c)));
    route::connections_with(doc, catalog, &obstacles, effort)
        .into_iter()
        .map(|route| route.map(|points| points.iter().map(|p| pos2(p.x, p.y)).collect()))
        .collect()
}

pub fn distance_to_segment(p: Pos2, a: Pos2, b: Pos2) -> f32 {
    let ab = b - a;
    let length_sq = ab.length_sq();
    if length_sq <= f32::EPSILON {
        return (p - a).length();
    }
    let t = ((p - a).dot(ab) / length_sq).clamp(0.0, 1.0);
    (p - (a + ab * t)).length()
}

pub fn distance_to_path(p: Pos2, path: &[Pos2]) -> f32 {
    path.windows(2)
        .map(|w| distance_to_segment(p, w[0], w[1]))
        .fold(f32::INFINITY, f32::min)
}

/// The part of segment `a`–`b` inside `rect` (Liang–Barsky), if any.
pub fn clip_segment(a: Pos2, b: Pos2, rect: Rect) -> Option<(Pos2, Pos2)> {
    let d = b - a;
    let (mut t0, mut t1) = (0.0_f32, 1.0_f32);
    for (p, q) in [
        (-d.x, a.x - rect.min.x),
        (d.x, rect.max.x - a.x),
        (-d.y, a.y - rect.min.y),
        (d.y, rect.max.y - a.y),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    (t0 <= t1).then(|| (a + d * t0, a + d * t1))
}

/// The bounding box of everything in the document, in world units.
pub fn content_bounds(doc: &Document) -> Option<Rect> {
    let rects = doc
        .components()
        .iter()
        .map(component_rect)
        .chain(doc.groups().iter().map(group_rect))
        .chain(doc.notes().iter().map(note_rect));
    rects.reduce(|a, b| a.union(b))
}

/// The innermost boundary that fully contains `rect`, ignoring `exclude` and its descendants.
pub fn innermost_group_containing<'a>(
    doc: &'a Document,
    rect: Rect,
    exclude: Option<&str>,
) -> Option<&'a Group> {
    doc.groups()
        .iter()
        .filter(|g| exclude.is_none_or(|ex| !is_descendant_or_self(doc, g, ex)))
        .filter(|g| group_rect(g).contains_rect(rect))
        .min_by(|a, b| group_rect(a).area().total_cmp(&group_rect(b).area()))
}

/// True when `group` is `ancestor` or nested inside it.
pub fn is_descendant_or_self(doc: &Document, group: &Group, ancestor: &str) -> bool {
    doc.group_chain(Some(&group.id))
        .iter()
        .any(|g| g.id.as_str() == ancestor)
}

pub fn snap(value: f32, grid: f32) -> f32 {
    (value / grid).round() * grid
}

pub fn snap_vec(v: Vec2, grid: f32) -> Vec2 {
    vec2(snap(v.x, grid), snap(v.y, grid))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_clipped_to_the_view() {
        let view = Rect::from_min_size(Pos2::ZERO, vec2(100.0, 100.0));
        assert_eq!(
            clip_segment(pos2(-50.0, 50.0), pos2(150.0, 50.0), view),
            Some((pos2(0.0, 50.0), pos2(100.0, 50.0)))
        );
        assert_eq!(
            clip_segment(pos2(-50.0, -50.0), pos2(-10.0, -10.0), view),
            None
        );
        assert_eq!(
            clip_segment(pos2(10.0, 10.0), pos2(20.0, 20.0), view),
            Some((pos2(10.0, 10.0), pos2(20.0, 20.0)))
        );
    }

    #[test]
    fn distances_to_a_path() {
        let path = [pos2(0.0, 0.0), pos2(10.0, 0.0), pos2(10.0, 10.0)];
        assert!((distance_to_path(pos2(5.0, 3.0), &path) - 3.0).abs() < 1e-4);
    }
}
