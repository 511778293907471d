//! What each connection's caption says on a drawing and where it sits: on its route, clear
//! of boxes, routes and other captions (see [`crate::layout::labels`]), and of boundaries'
//! outlines where the route has room elsewhere, in its longest form that finds room. The
//! exports and the editor's canvas both place captions here, so a caption reads the same,
//! and sits in the same spot, wherever the drawing is seen.

use super::scene::DrawnEdge;
use super::tree::{self, Edge};
use crate::catalog::{Catalog, ConnectionStyle};
use crate::fonts::{self, Weight};
use crate::layout::labels;
use crate::model::{Document, Point, Rect};

/// The type size of captions, in drawing units.
pub const CAPTION_SIZE: f32 = 10.5;
/// The height of the chip a caption is written on.
pub const CAPTION_HEIGHT: f32 = 14.0;
/// Widths a caption may be cut to, widest first, when its full text finds no free spot
/// (the shorter forms cut its detail, see [`forms`]).
const CAPTION_WIDTHS: [f32; 3] = [180.0, 110.0, 60.0];

/// A caption as placed.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedCaption {
    /// What the drawing shows: the whole caption, a shorter form of it, or nothing (empty)
    /// where no form found room.
    pub text: String,
    /// The whole caption, for the tooltip of one shown shorter.
    pub whole: String,
    /// The centre of the chip it is written on.
    pub centre: Point,
}

impl PlacedCaption {
    /// The chip the caption is written on.
    pub fn rect(&self) -> Rect {
        let w = caption_width(&self.text);
        Rect::new(
            self.centre.x - w / 2.0,
            self.centre.y - CAPTION_HEIGHT / 2.0,
            w,
            CAPTION_HEIGHT,
        )
    }

    /// Whether the drawing shows less than the whole caption.
    pub fn shortened(&self) -> bool {
        self.text != self.whole
    }
}

/// The width of the chip `text` is written on.
pub fn caption_width(text: &str) -> f32 {
    fonts::text_width(text, CAPTION_SIZE, Weight::Regular) + 6.0
}

/// Each connection's caption, by its position in `doc` (`None` for one with nothing to say
/// or no route), placed along `routes` (by connection position, `None` where not drawn):
/// earlier connections get the better spots.
pub fn place_captions<R: AsRef<[Point]>>(
    doc: &Document,
    catalog: &Catalog,
    routes: &[Option<R>],
) -> Vec<Option<PlacedCaption>> {
    let edges = tree::edges(doc, catalog);
    let drawn: Vec<(&Edge, &[Point])> = edges
        .iter()
        .filter_map(|edge| Some((edge, routes.get(edge.connection)?.as_ref()?.as_ref())))
        .collect();
    let mut by_connection = vec![None; doc.connections().len()];
    for ((edge, _), caption) in drawn.iter().zip(place(doc, &drawn)) {
        by_connection[edge.connection] = caption;
    }
    by_connection
}

/// [`place_captions`] for the edges of an export's scene, in their order.
pub(crate) fn place_scene_captions(
    doc: &Document,
    edges: &[DrawnEdge],
) -> Vec<Option<PlacedCaption>> {
    let drawn: Vec<(&Edge, &[Point])> = edges
        .iter()
        .map(|drawn| (&drawn.edge, drawn.points.as_slice()))
        .collect();
    place(doc, &drawn)
}

/// The forms an edge's caption may take, longest first, the last empty (no caption on the
/// drawing: its tooltip keeps it); none for an edge with nothing to say.
fn forms(edge: &Edge) -> Vec<String> {
    // Dotted grey already says "telemetry"; repeating it on every metrics link is noise.
    if edge.label.is_empty()
        || (edge.style == ConnectionStyle::Telemetry && !edge.label.contains(':'))
    {
        return Vec::new();
    }
    // Shorter forms say what tells the connection from its siblings: its own label
    // ("search" for "Database query: search"); its kind alone says little, and its kind's
    // short label ("DB query") more than the label cut ("Database…"). So the whole caption
    // is cut only when there is neither.
    let full = fonts::fit(
        &edge.label,
        CAPTION_SIZE,
        Weight::Regular,
        CAPTION_WIDTHS[0],
    );
    let whole = full == edge.label;
    let shorter = edge.shorter.as_ref().unwrap_or(&edge.label);
    let mut forms: Vec<String> = std::iter::once(full)
        .filter(|_| whole || edge.shorter.is_none())
        .chain(
            CAPTION_WIDTHS
                .iter()
                .map(|&w| fonts::fit(shorter, CAPTION_SIZE, Weight::Regular, w)),
        )
        .collect();
    forms.dedup();
    forms.push(String::new());
    forms
}

/// Each edge's caption placed along its route, in the edges' order.
fn place(doc: &Document, edges: &[(&Edge, &[Point])]) -> Vec<Option<PlacedCaption>> {
    let forms: Vec<Vec<String>> = edges.iter().map(|(edge, _)| forms(edge)).collect();
    let captions: Vec<labels::Caption> = forms
        .iter()
        .enumerate()
        .filter(|(_, forms)| !forms.is_empty())
        .map(|(route, forms)| labels::Caption {
            route,
            kin: labels::kin_of(&edges[route].0.label),
            sizes: forms
                .iter()
                .map(|text| {
                    if text.is_empty() {
                        (0.0, 0.0)
                    } else {
                        (caption_width(text), CAPTION_HEIGHT)
                    }
                })
                .collect(),
        })
        .collect();
    let boxes = labels::keep_clear(doc);
    let outlines = labels::outlines(doc);
    let routes: Vec<&[Point]> = edges.iter().map(|(_, route)| *route).collect();
    let mut placed = labels::place_avoiding(&boxes, &outlines, &routes, &captions).into_iter();
    forms
        .into_iter()
        .zip(edges)
        .map(|(mut forms, (edge, _))| {
            if forms.is_empty() {
                return None;
            }
            let spot = placed.next()?;
            Some(PlacedCaption {
                text: forms.swap_remove(spot.form.min(forms.len() - 1)),
                whole: edge.label.clone(),
                centre: spot.centre,
            })
        })
        .collect()
}
