//! Shared by the PNG export and the editor's icon textures: pixel conversions, and labels
//! painted from cached glyph outlines.

use resvg::tiny_skia::{self, Pixmap};
use rustc_hash::FxHashMap;

use crate::export::svg::PlacedLabel;
use crate::fonts::{self, Anchor, Weight};

/// One character's outline (y pointing down, in font units) and advance.
#[derive(Debug)]
struct GlyphPath {
    advance: f32,
    path: Option<tiny_skia::Path>,
}

/// Turns a font's outline (y up) into a tiny-skia path (y down).
struct Flipped(tiny_skia::PathBuilder);

impl ttf_parser::OutlineBuilder for Flipped {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.move_to(x, -y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0.line_to(x, -y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.0.quad_to(x1, -y1, x, -y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.0.cubic_to(x1, -y1, x2, -y2, x, -y);
    }
    fn close(&mut self) {
        self.0.close();
    }
}

/// The glyphs of one weight, parsed once per character: a drawing with thousands of labels
/// paints them as paths instead of shaping each one, laid out by the advance widths that
/// [`fonts::text_width`] measures the SVG's labels with.
#[derive(Debug)]
struct Face {
    face: Option<ttf_parser::Face<'static>>,
    units_per_em: f32,
    glyphs: FxHashMap<char, GlyphPath>,
}

impl Face {
    fn new(weight: Weight) -> Self {
        let face = fonts::face(weight);
        Self {
            units_per_em: face
                .as_ref()
                .map_or(1000.0, |f| f32::from(f.units_per_em())),
            face,
            glyphs: FxHashMap::default(),
        }
    }

    fn load(&mut self, c: char) {
        let (face, units) = (self.face.as_ref(), self.units_per_em);
        self.glyphs.entry(c).or_insert_with(|| {
            // Characters the font lacks take an average glyph's room, as in measuring.
            let mut glyph = GlyphPath {
                advance: units * 0.55,
                path: None,
            };
            if let Some((face, id)) = face.and_then(|f| f.glyph_index(c).map(|id| (f, id))) {
                glyph.advance = face.glyph_hor_advance(id).map_or(glyph.advance, f32::from);
                let mut builder = Flipped(tiny_skia::PathBuilder::new());
                if face.outline_glyph(id, &mut builder).is_some() {
                    glyph.path = builder.0.finish();
                }
            }
            glyph
        });
    }

    fn advance(&self, c: char) -> f32 {
        self.glyphs
            .get(&c)
            .map_or(self.units_per_em * 0.55, |g| g.advance)
    }
}

fn solid(colour: crate::palette::Rgb) -> tiny_skia::Paint<'static> {
    tiny_skia::Paint {
        shader: tiny_skia::Shader::SolidColor(tiny_skia::Color::from_rgba8(
            colour.0, colour.1, colour.2, 255,
        )),
        anti_alias: true,
        ..tiny_skia::Paint::default()
    }
}

/// A rectangle with rounded corners (quarter circles drawn as cubic arcs).
fn rounded_rect(x: f32, y: f32, w: f32, h: f32, radius: f32) -> Option<tiny_skia::Path> {
    // The cubic handle length that best fits a quarter circle.
    const K: f32 = 0.552_284_8;
    let r = radius.min(w / 2.0).min(h / 2.0).max(0.0);
    let k = r * K;
    let (right, bottom) = (x + w, y + h);
    let mut path = tiny_skia::PathBuilder::new();
    path.move_to(x + r, y);
    path.line_to(right - r, y);
    path.cubic_to(right - r + k, y, right, y + r - k, right, y + r);
    path.line_to(right, bottom - r);
    path.cubic_to(
        right,
        bottom - r + k,
        right - r + k,
        bottom,
        right - r,
        bottom,
    );
    path.line_to(x + r, bottom);
    path.cubic_to(x + r - k, bottom, x, bottom - r + k, x, bottom - r);
    path.line_to(x, y + r);
    path.cubic_to(x, y + r - k, x + r - k, y, x + r, y);
    path.close();
    path.finish()
}

/// Below this many pixels of font size a label is drawn as a bar, not as glyphs.
const GREEKING_PX: f32 = 3.0;

/// Labels painted from glyph outlines. [`Glyphs::prepare`] loads every character first, so
/// that the drawing threads share the cache without locks.
#[derive(Debug)]
pub(crate) struct Glyphs {
    regular: Face,
    semibold: Face,
}

impl Glyphs {
    pub(crate) fn new() -> Self {
        Self {
            regular: Face::new(Weight::Regular),
            semibold: Face::new(Weight::SemiBold),
        }
    }

    fn face(&self, weight: Weight) -> &Face {
        match weight {
            Weight::Regular => &self.regular,
            Weight::SemiBold => &self.semibold,
        }
    }

    /// Loads the glyphs of every label.
    pub(crate) fn prepare<'a>(&mut self, labels: impl IntoIterator<Item = &'a PlacedLabel>) {
        for label in labels {
            let face = match label.weight {
                Weight::Regular => &mut self.regular,
                Weight::SemiBold => &mut self.semibold,
            };
            for c in label.text.chars() {
                face.load(c);
            }
        }
    }

    /// Paints `label` onto `pixmap`, whose first row is canvas row `top` at `scale`.
    pub(crate) fn paint(
        &self,
        pixmap: &mut tiny_skia::PixmapMut<'_>,
        label: &PlacedLabel,
        scale: f32,
        top: f32,
    ) {
        // Nothing of a label reaches further than its size above or below its baseline.
        let (above, below) = (
            (label.y - label.size) * scale - top,
            (label.y + label.size) * scale - top,
        );
        if below < 0.0 || above > pixmap.height() as f32 {
            return;
        }
        let face = self.face(label.weight);
        let em = label.size / face.units_per_em;
        let mut pen = label.x;
        let width = || label.text.chars().map(|c| face.advance(c)).sum::<f32>() * em;
        if label.anchor == Anchor::Middle {
            pen -= width() / 2.0;
        }
        let strip = tiny_skia::Transform::from_scale(scale, scale).post_translate(0.0, -top);
        if let Some(chip) = &label.chip
            && let Some(path) = rounded_rect(chip.x, chip.y, chip.w, chip.h, chip.radius)
        {
            let paint = solid(chip.fill);
            pixmap.fill_path(&path, &paint, tiny_skia::FillRule::Winding, strip, None);
        }
        if label.size * scale < GREEKING_PX {
            // Too small to read at this scale: a faint bar where the text runs (greeking)
            // says the same for a fraction of the cost of its glyphs.
            let (left, right) = (pen * scale, (pen + width()) * scale);
            let bar_top = (label.y - label.size * 0.6) * scale - top;
            let bar = tiny_skia::Rect::from_ltrb(
                left,
                bar_top,
                right.max(left + 0.5),
                bar_top + (label.size * 0.55 * scale).max(0.5),
            );
            if let Some(bar) = bar {
                let mut paint = solid(label.fill);
                paint.shader = tiny_skia::Shader::SolidColor(tiny_skia::Color::from_rgba8(
                    label.fill.0,
                    label.fill.1,
                    label.fill.2,
                    96,
                ));
                pixmap.fill_rect(bar, &paint, tiny_skia::Transform::identity(), None);
            }
            return;
        }
        let paint = solid(label.fill);
        for c in label.text.chars() {
            let Some(glyph) = face.glyphs.get(&c) else {
                pen += face.advance(c) * em;
                continue;
            };
            if let Some(path) = &glyph.path {
                let transform = tiny_skia::Transform::from_row(
                    scale * em,
                    0.0,
                    0.0,
                    scale * em,
                    scale * pen,
                    scale * label.y - top,
                );
                pixmap.fill_path(path, &paint, tiny_skia::FillRule::Winding, transform, None);
            }
            pen += glyph.advance * em;
        }
    }
}

/// The pixmap's pixels as straight (not premultiplied) RGBA bytes, which `image` and egui take.
pub(crate) fn straight_rgba(pixmap: &Pixmap) -> Vec<u8> {
    pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect()
}

/// Turns premultiplied RGBA bytes into straight RGBA in place, for an encoder that takes
/// straight alpha: a big canvas is not copied a second time.
pub(crate) fn demultiply_in_place(rgba: &mut [u8]) {
    for pixel in rgba.chunks_exact_mut(4) {
        let alpha = u16::from(pixel[3]);
        if alpha == 0 || alpha == 255 {
            continue;
        }
        for channel in &mut pixel[..3] {
            // Rounded, and never above 255 for valid premultiplied input.
            *channel = ((u16::from(*channel) * 255 + alpha / 2) / alpha).min(255) as u8;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(text: &str, x: f32, anchor: Anchor) -> PlacedLabel {
        PlacedLabel {
            x,
            y: 30.0,
            size: 20.0,
            weight: Weight::SemiBold,
            anchor,
            fill: crate::palette::Rgb(0, 0, 0),
            text: text.to_owned(),
            chip: None,
        }
    }

    /// The columns that hold ink, at `scale`.
    fn inked_columns(label: &PlacedLabel, scale: f32) -> (u32, u32) {
        let mut pixmap = Pixmap::new(400, 100).expect("pixmap");
        let mut glyphs = Glyphs::new();
        glyphs.prepare([label]);
        glyphs.paint(&mut pixmap.as_mut(), label, scale, 0.0);
        let inked: Vec<u32> = (0..pixmap.width())
            .filter(|x| {
                (0..pixmap.height()).any(|y| pixmap.pixel(*x, y).is_some_and(|p| p.alpha() > 64))
            })
            .collect();
        (inked[0], inked[inked.len() - 1])
    }

    #[test]
    fn labels_paint_within_their_measured_width() {
        let width = fonts::text_width("Orders DB", 20.0, Weight::SemiBold);
        let (first, last) = inked_columns(&label("Orders DB", 10.0, Anchor::Start), 1.0);
        assert!((10..=13).contains(&first), "starts at {first}");
        assert!(
            last as f32 <= 10.0 + width + 1.0,
            "ends at {last}, width {width}"
        );
        assert!(
            last as f32 >= 10.0 + width - 4.0,
            "ends at {last}, width {width}"
        );
        let centred = inked_columns(&label("Orders DB", 10.0 + width / 2.0, Anchor::Middle), 1.0);
        assert_eq!(centred, (first, last), "centred on its middle");
        let (first2, last2) = inked_columns(&label("Orders DB", 10.0, Anchor::Start), 2.0);
        assert!(
            first2 >= 2 * first - 2 && last2 >= 2 * last - 4,
            "scales with the canvas"
        );
    }

    #[test]
    fn a_label_outside_the_strip_paints_nothing() {
        let mut pixmap = Pixmap::new(100, 10).expect("pixmap");
        let mut glyphs = Glyphs::new();
        let far = label("Far below", 0.0, Anchor::Start);
        glyphs.prepare([&far]);
        glyphs.paint(&mut pixmap.as_mut(), &far, 1.0, -500.0);
        assert!(pixmap.pixels().iter().all(|p| p.alpha() == 0));
    }

    #[test]
    fn demultiplying_in_place_matches_the_copying_conversion() {
        let mut pixmap = Pixmap::new(4, 1).expect("pixmap");
        let colours = [
            (255, 0, 0, 255),
            (10, 200, 30, 128),
            (0, 0, 0, 0),
            (7, 7, 7, 9),
        ];
        for (i, (r, g, b, a)) in colours.into_iter().enumerate() {
            let colour = tiny_skia::ColorU8::from_rgba(r, g, b, a).premultiply();
            pixmap.pixels_mut()[i] = colour;
        }
        let copied = straight_rgba(&pixmap);
        demultiply_in_place(pixmap.data_mut());
        for (a, b) in copied.iter().zip(pixmap.data()) {
            assert!(a.abs_diff(*b) <= 1, "{copied:?} vs {:?}", pixmap.data());
        }
    }
}
