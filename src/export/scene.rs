//! Where everything sits in a drawn diagram: the model's own layout, or an automatic one when
//! the model has none, with edge paths clipped to node borders and the drawing's bounds.

use std::borrow::Cow;

use crate::catalog::Catalog;
use crate::layout::{self, route};
use crate::model::{Component, Document, Point, Rect};

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
    pub fn new(doc: &'a Document, catalog: &Catalog, aspect: f32) -> Self {
        let doc = if layout::needs_layout(doc) {
            let mut laid_out = doc.clone();
            let edit =
                layout::layout(doc, catalog, layout::Spacing::for_aspect(aspect)).to_edit(doc);
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
        // The routes the editor draws too: orthogonal, around boxes and foreign boundaries.
        let obstacles = route::Obstacles::of(&doc, Component::rect);
        let mut routes = route::connections(&doc, catalog, &obstacles);
        let edges: Vec<DrawnEdge> = tree::edges(&doc, catalog)
            .into_iter()
            .map(|edge| {
                let points = routes
                    .get_mut(edge.connection)
                    .and_then(Option::take)
                    .unwrap_or_default();
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
        let bounds = rects.reduce(Rect::union).unwrap_or_default();
        Self { doc, edges, bounds }
    }
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
    fn numbers_print_compactly() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.25), "12.3");
        assert_eq!(num(-0.04), "0");
    }
}
