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
/// The height of the chip a caption of one line is written on.
pub const CAPTION_HEIGHT: f32 = 14.0;
/// How much taller each further line makes a caption's chip (a caption too long for a
/// free spot runs on to a second line before it is cut).
pub const CAPTION_LINE: f32 = 12.0;
/// Widths a caption may be cut to, widest first, when its full text finds no free spot
/// (the shorter forms cut its detail, see [`forms`]).
const CAPTION_WIDTHS: [f32; 3] = [180.0, 110.0, 60.0];
/// How far back from a route's end, and how wide, its arrowhead reaches: the SVG marker is
/// 7 stroke widths of 1.5 px, square.
const ARROWHEAD: f32 = 11.0;
/// What a caption keeps clear of the boxes at the ends of the stretch it sits on, beyond
/// the arrowhead, where the layout makes room for it (see [`rooms`]).
const CAPTION_AIR: f32 = 4.0;

/// A caption as placed.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedCaption {
    /// What the drawing shows: the whole caption, a shorter form of it, the marker of its
    /// entry in the drawing's key ([`marker`]), or nothing (empty) where no form found room.
    pub text: String,
    /// The whole caption, for the tooltip of one shown shorter.
    pub whole: String,
    /// The centre of the chip it is written on.
    pub centre: Point,
    /// The number of its entry in the key, where the drawing shows only the marker.
    pub note: Option<usize>,
}

impl PlacedCaption {
    /// The chip the caption is written on.
    pub fn rect(&self) -> Rect {
        let (w, h) = caption_size(&self.text);
        Rect::new(self.centre.x - w / 2.0, self.centre.y - h / 2.0, w, h)
    }

    /// Whether the drawing shows less than the whole caption (run on to a second line, it
    /// shows it all).
    pub fn shortened(&self) -> bool {
        self.text.replace('\n', " ") != self.whole
    }

    /// Its lines, top to bottom.
    pub fn lines(&self) -> std::str::Split<'_, char> {
        self.text.split('\n')
    }
}

/// The width of the chip a line of `text` is written on.
pub fn caption_width(text: &str) -> f32 {
    fonts::text_width(text, CAPTION_SIZE, Weight::Regular) + 6.0
}

/// The width and height of the chip `text` (its lines apart by `\n`) is written on.
pub fn caption_size(text: &str) -> (f32, f32) {
    let (width, lines) = text.split('\n').fold((0.0f32, 0usize), |(w, n), line| {
        (w.max(caption_width(line)), n + 1)
    });
    (
        width,
        CAPTION_HEIGHT + CAPTION_LINE * lines.saturating_sub(1) as f32,
    )
}

/// `text` on two lines, split between words where the longer line is shortest (after a
/// colon, where that is as short within a fifth), if neither is wider than `widest`.
fn on_two_lines(text: &str, widest: f32) -> Option<String> {
    let width = |t: &str| fonts::text_width(t, CAPTION_SIZE, Weight::Regular);
    // Widths add up, so a text over two lines' width has no split that fits: answered at
    // once, without measuring both halves at every space.
    if width(text) > 2.0 * widest {
        return None;
    }
    let splits = text.match_indices(' ').map(|(at, _)| at);
    let longer = |at: usize| width(&text[..at]).max(width(&text[at + 1..]));
    let best = splits.clone().map(longer).fold(f32::INFINITY, f32::min);
    let at = splits
        .clone()
        .find(|&at| text[..at].ends_with(':') && longer(at) <= best * 1.2)
        .or_else(|| splits.clone().find(|&at| longer(at) <= best))?;
    (longer(at) + 6.0 <= widest).then(|| format!("{}\n{}", &text[..at], &text[at + 1..]))
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

/// How long a straight stretch of route each connection's caption needs to sit on whole
/// (by position in `doc`; 0 for one with nothing to say): its narrowest form that shows all
/// its words (on one line or on two), else its longest form, with room for the arrowhead
/// and a little air at either end. The automatic layout spaces layers by it.
pub fn rooms(doc: &Document, catalog: &Catalog) -> Vec<f32> {
    let mut rooms = vec![0.0; doc.connections().len()];
    for edge in tree::edges(doc, catalog) {
        let forms = forms(&edge);
        let width = |form: &String| caption_size(form).0;
        let whole = forms
            .iter()
            .filter(|form| !form.is_empty() && form.replace('\n', " ") == edge.label)
            .map(width)
            .reduce(f32::min);
        if let Some(widest) = whole.or_else(|| forms.first().map(width)) {
            rooms[edge.connection] = widest + 2.0 * (ARROWHEAD + CAPTION_AIR);
        }
    }
    rooms
}

/// What a drawing shows in place of a caption with no room for any of its words: the
/// number of the key's entry that holds it whole (see [`key`]).
pub fn marker(note: usize) -> String {
    format!("[{note}]")
}

/// The forms an edge's caption may take, longest first, the last empty (no caption on the
/// drawing: its tooltip keeps it); none for an edge with nothing to say. A caption with a
/// label of its own has a marker before the empty form (see [`marker`]): written here
/// as the empty string too, told apart by its place (see [`place`]).
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
    // Whole on two lines before cut, if wider than the middle cut: a reviewer counts every
    // cut caption against the drawing (telehealth's were cut 43 times).
    let two_lines = (caption_width(&edge.label) > CAPTION_WIDTHS[1])
        .then(|| on_two_lines(&edge.label, CAPTION_WIDTHS[0]))
        .flatten();
    let mut forms: Vec<String> = std::iter::once(full)
        .filter(|_| whole || edge.shorter.is_none())
        .chain(two_lines)
        .chain(
            CAPTION_WIDTHS
                .iter()
                .map(|&w| fonts::fit(shorter, CAPTION_SIZE, Weight::Regular, w)),
        )
        .collect();
    forms.dedup();
    if edge.labelled {
        forms.push(String::new());
    }
    forms.push(String::new());
    forms
}

/// The square the arrowhead at the end of `route` covers: centred half a head back from its
/// tip along its last segment (on a slanted segment, of a straight or curved style, the
/// square of the same centre).
fn arrowhead(route: &[Point]) -> Option<Rect> {
    let [.., from, tip] = route else {
        return None;
    };
    let length = (tip.x - from.x).hypot(tip.y - from.y);
    if length <= 0.0 {
        return None;
    }
    let back = ARROWHEAD / 2.0 / length;
    let centre = Point::new(
        tip.x - (tip.x - from.x) * back,
        tip.y - (tip.y - from.y) * back,
    );
    Some(Rect::new(
        centre.x - ARROWHEAD / 2.0,
        centre.y - ARROWHEAD / 2.0,
        ARROWHEAD,
        ARROWHEAD,
    ))
}

/// Each edge's caption placed along its route, in the edges' order. A labelled caption
/// with room for none of its words shows the marker of its entry in the key, numbered in
/// the edges' order.
fn place(doc: &Document, edges: &[(&Edge, &[Point])]) -> Vec<Option<PlacedCaption>> {
    let forms: Vec<Vec<String>> = edges.iter().map(|(edge, _)| forms(edge)).collect();
    // Every marker is given the room of the widest one the drawing could need.
    let most_notes = edges.iter().filter(|(edge, _)| edge.labelled).count();
    let marker_width = caption_width(&marker(most_notes.max(1)));
    // The marker's place among an edge's forms: the one before the last.
    let marker_form: Vec<Option<usize>> = forms
        .iter()
        .zip(edges)
        .map(|(forms, (edge, _))| (edge.labelled && forms.len() >= 2).then(|| forms.len() - 2))
        .collect();
    let captions: Vec<labels::Caption> = forms
        .iter()
        .enumerate()
        .filter(|(_, forms)| !forms.is_empty())
        .map(|(route, forms)| labels::Caption {
            route,
            kin: labels::kin_of(&edges[route].0.label),
            sizes: forms
                .iter()
                .enumerate()
                .map(|(form, text)| {
                    if marker_form[route] == Some(form) {
                        (marker_width, CAPTION_HEIGHT)
                    } else if text.is_empty() {
                        (0.0, 0.0)
                    } else {
                        caption_size(text)
                    }
                })
                .collect(),
            pointer: marker_form[route],
        })
        .collect();
    let routes: Vec<&[Point]> = edges.iter().map(|(_, route)| *route).collect();
    // Arrowheads kept clear like boxes: a caption on a short last segment sat on the head of
    // its own arrow (the workshop starter's "Database query" into its orders database).
    let mut boxes = labels::keep_clear(doc);
    boxes.extend(routes.iter().filter_map(|route| arrowhead(route)));
    let outlines = labels::outlines(doc);
    let mut placed = labels::place_avoiding(&boxes, &outlines, &routes, &captions).into_iter();
    let mut notes = 0;
    forms
        .into_iter()
        .zip(edges)
        .enumerate()
        .map(|(route, (mut forms, (edge, _)))| {
            if forms.is_empty() {
                return None;
            }
            let spot = placed.next()?;
            let form = spot.form.min(forms.len() - 1);
            let note = (marker_form[route] == Some(form)).then(|| {
                notes += 1;
                notes
            });
            Some(PlacedCaption {
                text: note.map_or_else(|| forms.swap_remove(form), marker),
                whole: edge.label.clone(),
                centre: spot.centre,
                note,
            })
        })
        .collect()
}

/// An entry of a drawing's key: a caption the drawing could not show whole, with the names
/// of the two boxes its connection joins.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct KeyEntry {
    /// How the drawing points at the entry: the marker ([`marker`]) or the cut caption
    /// ("push to ti…"); empty where the drawing shows nothing.
    pub shown: String,
    pub from: String,
    pub to: String,
    pub whole: String,
}

/// The key of a drawing of `edges` with their `captions` (as [`place_scene_captions`]
/// gives them): every labelled caption the drawing shows as a marker, cut, or not at all
/// (no room even for a marker, and no caption reading the same nearby), so that no
/// connection's label is lost from a printed drawing. Markers first, in their order; then
/// the rest, in the edges' order.
pub(crate) fn key(
    doc: &Document,
    edges: &[DrawnEdge],
    captions: &[Option<PlacedCaption>],
) -> Vec<KeyEntry> {
    let shown: std::collections::HashSet<&str> = captions
        .iter()
        .flatten()
        .filter(|c| !c.shortened() && c.note.is_none())
        .map(|c| c.whole.as_str())
        .collect();
    let name = |i: usize| {
        doc.components()
            .get(i)
            .map_or_else(String::new, |c| c.name.clone())
    };
    let mut entries: Vec<(Option<usize>, KeyEntry)> = edges
        .iter()
        .map(|drawn| &drawn.edge)
        .zip(captions)
        .filter_map(|(edge, caption)| {
            let caption = caption.as_ref().filter(|_| edge.labelled)?;
            let cut = caption.text.ends_with('…');
            let missing = caption.text.is_empty() && !shown.contains(caption.whole.as_str());
            (caption.note.is_some() || cut || missing).then(|| {
                (
                    caption.note,
                    KeyEntry {
                        shown: caption.text.clone(),
                        from: name(edge.from),
                        to: name(edge.to),
                        whole: caption.whole.clone(),
                    },
                )
            })
        })
        .collect();
    // Stable: markers by number, then the rest as they came.
    entries.sort_by_key(|(note, _)| note.unwrap_or(usize::MAX));
    entries.into_iter().map(|(_, entry)| entry).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_lines_split_after_the_colon_or_where_the_longer_line_is_shortest() {
        assert_eq!(
            on_two_lines("Database query: reserve stock", 180.0).as_deref(),
            Some("Database query:\nreserve stock")
        );
        // No colon: between the words that balance the lines.
        let split = on_two_lines("alpha beta gamma delta", 180.0).expect("fits");
        assert_eq!(split, "alpha beta\ngamma delta");
        // A single word, or lines still too wide, do not run on.
        assert_eq!(on_two_lines("Authentication", 180.0), None);
        let long = "word ".repeat(40);
        assert_eq!(on_two_lines(long.trim(), 180.0), None);
        let (w, h) = caption_size("Database query:\nreserve stock");
        assert_eq!(h, CAPTION_HEIGHT + CAPTION_LINE);
        assert_eq!(
            w,
            caption_width("Database query:").max(caption_width("reserve stock"))
        );
    }
}
