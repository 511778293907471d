//! Where everything sits in a drawn diagram: the model's own layout, or an automatic one when
//! the model has none, with edge paths clipped to node borders and the drawing's bounds.

use std::borrow::Cow;

use crate::catalog::Catalog;
use crate::layout;
use crate::model::{Document, Point, Rect};

use super::tree::{self, Edge};

/// A connection's drawn path: from the source's border, through its waypoints, to the
/// target's border.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DrawnEdge {
    pub edge: Edge,
    pub points: Vec<Point>,
}

#[derive(Debug)]
pub(crate) struct Scene<'a> {
    pub doc: Cow<'a, Document>,
    pub edges: Vec<DrawnEdge>,
    /// Everything drawn, without margins.
    pub bounds: Rect,
}

impl<'a> Scene<'a> {
    pub fn new(doc: &'a Document, catalog: &Catalog) -> Self {
        let doc = if layout::needs_layout(doc) {
            let mut laid_out = doc.clone();
            let edit = layout::layout(doc, layout::Spacing::default()).to_edit(doc);
            // The edit only moves existing elements, so it cannot be refused; if it ever is,
            // the model's own positions are still a valid drawing.
            if edit.apply(&mut laid_out, catalog).is_ok() {
                Cow::Owned(laid_out)
            } else {
                Cow::Borrowed(doc)
            }
        } else {
            Cow::Borrowed(doc)
        };
        let edges: Vec<DrawnEdge> = tree::edges(&doc, catalog)
            .into_iter()
            .map(|edge| {
                let from = doc.components()[edge.from].rect();
                let to = doc.components()[edge.to].rect();
                let waypoints = &doc.connections()[edge.connection].waypoints;
                let first = waypoints.first().copied().unwrap_or(to.center());
                let last = waypoints.last().copied().unwrap_or(from.center());
                let mut points = Vec::with_capacity(waypoints.len() + 2);
                points.push(border_point(from, first));
                points.extend(waypoints.iter().copied());
                points.push(border_point(to, last));
                DrawnEdge { edge, points }
            })
            .collect();
        let rects = doc
            .components()
            .iter()
            .map(|c| c.rect())
            .chain(doc.groups().iter().map(|g| g.rect))
            .chain(
                doc.notes()
                    .iter()
                    .map(|n| Rect::from_pos_size(n.position, n.size)),
            )
            .chain(
                edges
                    .iter()
                    .flat_map(|e| e.points.iter().map(|p| Rect::new(p.x, p.y, 0.0, 0.0))),
            );
        let bounds = rects.reduce(union).unwrap_or_default();
        Self { doc, edges, bounds }
    }
}

/// Where the ray from the centre of `rect` toward `toward` leaves it.
pub(crate) fn border_point(rect: Rect, toward: Point) -> Point {
    let centre = rect.center();
    let (dx, dy) = (toward.x - centre.x, toward.y - centre.y);
    if dx.abs() < f32::EPSILON && dy.abs() < f32::EPSILON {
        return centre;
    }
    let tx = if dx.abs() > f32::EPSILON {
        (rect.w / 2.0) / dx.abs()
    } else {
        f32::INFINITY
    };
    let ty = if dy.abs() > f32::EPSILON {
        (rect.h / 2.0) / dy.abs()
    } else {
        f32::INFINITY
    };
    let t = tx.min(ty);
    Point::new(centre.x + dx * t, centre.y + dy * t)
}

pub(crate) fn union(a: Rect, b: Rect) -> Rect {
    let x = a.x.min(b.x);
    let y = a.y.min(b.y);
    let right = (a.x + a.w).max(b.x + b.w);
    let bottom = (a.y + a.h).max(b.y + b.h);
    Rect::new(x, y, right - x, bottom - y)
}

/// A coordinate as diagrams print it: at most one decimal, no trailing `.0`.
pub(crate) fn num(value: f32) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded == rounded.trunc() {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn border_points_sit_on_the_edge_facing_the_target() {
        let rect = Rect::new(0.0, 0.0, 100.0, 50.0);
        assert_eq!(
            border_point(rect, Point::new(500.0, 25.0)),
            Point::new(100.0, 25.0)
        );
        assert_eq!(
            border_point(rect, Point::new(50.0, -300.0)),
            Point::new(50.0, 0.0)
        );
    }

    #[test]
    fn numbers_print_compactly() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.25), "12.3");
        assert_eq!(num(-0.04), "0");
    }
}
