//! PNG: the SVG diagram rasterised by resvg with the bundled fonts, encoded by `image`.

use std::sync::Arc;

use resvg::{tiny_skia, usvg};

use super::{
    ExportError, ExportOptions, Exported, Exporter, Format, MAX_SCALE, Output, TRANSPARENT,
    background_of, svg,
};
use crate::catalog::Catalog;
use crate::fonts;
use crate::model::Document;
use crate::raster::Glyphs;

#[derive(Debug)]
pub struct PngExporter;

/// Largest raster we agree to allocate, a side and in all (4 bytes a pixel: 128 MB), so a
/// huge model or scale cannot exhaust memory or take minutes. Bigger drawings are scaled down
/// to fit; SVG is the format for reading a huge model at full size.
pub const MAX_SIDE: f32 = 16_384.0;
pub const MAX_PIXELS: f32 = 32.0 * 1024.0 * 1024.0;

/// The scale that draws a `width` x `height` canvas as close to `wanted` as the limits allow.
pub(crate) fn fitted_scale(width: f32, height: f32, wanted: f32) -> f32 {
    let by_side = MAX_SIDE / width.max(height).max(1.0);
    let by_area = (MAX_PIXELS / (width * height).max(1.0)).sqrt();
    // Rounding up a side must not cross the limit: stay a hair under it.
    wanted.min(by_side * 0.9999).min(by_area * 0.9999)
}

/// How many threads draw a `width` x `height` raster: one per core for a canvas big enough to
/// pay for them (wasm has no threads and reports no parallelism).
fn raster_threads(width: u32, height: u32) -> usize {
    const PIXELS_PER_THREAD: u64 = 2 * 1024 * 1024;
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let wanted = (u64::from(width) * u64::from(height)).div_ceil(PIXELS_PER_THREAD);
    cores.min(wanted as usize).min(height as usize).clamp(1, 16)
}

fn encode_error(message: impl Into<String>) -> ExportError {
    ExportError::Encode {
        format: "png",
        message: message.into(),
    }
}

impl Exporter for PngExporter {
    fn draws_views(&self) -> bool {
        true
    }

    fn format(&self) -> &'static Format {
        &Format {
            id: "png",
            label: "PNG image",
            extension: Some("png"),
        }
    }

    fn shows_findings(&self, options: &ExportOptions) -> bool {
        options.findings
    }

    fn export_noted(
        &self,
        doc: &Document,
        catalog: &Catalog,
        options: &ExportOptions,
    ) -> Result<Exported, ExportError> {
        if !(options.scale.is_finite() && options.scale > 0.0 && options.scale <= MAX_SCALE) {
            return Err(encode_error(format!(
                "the scale must be greater than 0 and at most {MAX_SCALE}, got {}",
                options.scale
            )));
        }
        let background = background_of(options).map_err(encode_error)?;
        // The background is painted here, not in the SVG.
        let svg_options = ExportOptions {
            background: Some(TRANSPARENT.to_owned()),
            ..options.clone()
        };
        // Labels are painted from cached glyph outlines, laid out by the SVG's own metrics:
        // shaping thousands of labels one by one was a sixth of a big PNG's time.
        // The drawing is fitted to the raster limits before it is parsed (parsing a drawing
        // too big to raster is the cost), and leaves out detail too fine for that scale.
        let mut labels = svg::Labels::Raster(svg::RasterLayers::new(options.scale));
        let rendered = svg::render_with(doc, catalog, &svg_options, &mut labels);
        let (layers, scale) = match labels {
            svg::Labels::Raster(raster) => (raster.layers, raster.scale),
            svg::Labels::Text => (Vec::new(), options.scale),
        };
        let mut notes = Vec::new();
        if scale < options.scale {
            notes.push(format!(
                "the diagram is {:.0}x{:.0} units: drawn at scale {scale:.3} instead of {} to stay within {MAX_SIDE:.0} pixels a side and {:.0} megapixels",
                rendered.width,
                rendered.height,
                options.scale,
                MAX_PIXELS / 1e6
            ));
        }
        Ok(Exported {
            output: Output::File(rasterise_layers(&layers, scale, background, None)?),
            notes,
        })
    }
}

/// Renders layers (an SVG document each, with labels painted over it) to PNG bytes, in
/// `strips` horizontal strips (by default one per core for a big canvas).
fn rasterise_layers(
    layers: &[svg::RasterLayer],
    scale: f32,
    background: Option<svgtypes::Color>,
    strips: Option<usize>,
) -> Result<Vec<u8>, ExportError> {
    let mut fontdb = usvg::fontdb::Database::new();
    fontdb.load_font_data(fonts::REGULAR.to_vec());
    fontdb.load_font_data(fonts::SEMIBOLD.to_vec());
    fontdb.set_sans_serif_family(fonts::FAMILY);
    let parse_options = usvg::Options {
        font_family: fonts::FAMILY.to_owned(),
        fontdb: Arc::new(fontdb),
        ..usvg::Options::default()
    };
    let trees = layers
        .iter()
        .map(|layer| {
            usvg::Tree::from_str(&layer.svg, &parse_options)
                .map_err(|e| encode_error(e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let Some(first) = trees.first() else {
        return Err(encode_error("the diagram is empty"));
    };
    let size = first.size();
    let (w, h) = (size.width() * scale, size.height() * scale);
    if w > MAX_SIDE || h > MAX_SIDE || w * h > MAX_PIXELS {
        return Err(encode_error(format!(
            "the image would be {w:.0}x{h:.0} pixels; the limit is {MAX_SIDE:.0} a side and {:.0} megapixels: lower --scale",
            MAX_PIXELS / 1e6
        )));
    }
    let (width, height) = (w.ceil() as u32, h.ceil() as u32);
    if width == 0 || height == 0 {
        return Err(encode_error("the diagram is empty"));
    }
    let mut glyphs = Glyphs::new();
    glyphs.prepare(layers.iter().flat_map(|layer| &layer.labels));
    let mut pixels = vec![0u8; width as usize * height as usize * 4];
    let background =
        background.map(|c| tiny_skia::Color::from_rgba8(c.red, c.green, c.blue, c.alpha));
    let paint = |strip: &mut [u8], top: u32| {
        let rows = (strip.len() / (width as usize * 4)) as u32;
        // Every strip is a whole number of rows of a canvas already checked to be non-empty.
        let Some(mut pixmap) = tiny_skia::PixmapMut::from_bytes(strip, width, rows) else {
            return;
        };
        if let Some(colour) = background {
            pixmap.fill(colour);
        }
        let transform =
            tiny_skia::Transform::from_scale(scale, scale).post_translate(0.0, -(top as f32));
        for (tree, layer) in trees.iter().zip(layers) {
            resvg::render(tree, transform, &mut pixmap);
            for label in &layer.labels {
                glyphs.paint(&mut pixmap, label, scale, top as f32);
            }
        }
        crate::raster::demultiply_in_place(pixmap.data_mut());
    };
    // A big canvas is drawn in horizontal strips, one per core: each strip draws only what
    // crosses it, so two cores take about half the time. Small images are not worth a thread.
    let strips = strips
        .unwrap_or_else(|| raster_threads(width, height))
        .clamp(1, height as usize);
    let rows_per_strip = height.div_ceil(strips as u32);
    if strips == 1 {
        paint(&mut pixels, 0);
    } else {
        std::thread::scope(|scope| {
            for (index, strip) in pixels
                .chunks_mut(rows_per_strip as usize * width as usize * 4)
                .enumerate()
            {
                let paint = &paint;
                scope.spawn(move || paint(strip, index as u32 * rows_per_strip));
            }
        });
    }
    let mut bytes = Vec::new();
    // Fast deflate: a diagram is mostly flat colour, which compresses well at any level, and
    // the default level spends seconds on a big canvas for a few percent.
    let encoder = image::codecs::png::PngEncoder::new_with_quality(
        &mut bytes,
        image::codecs::png::CompressionType::Fast,
        image::codecs::png::FilterType::Adaptive,
    );
    image::ImageEncoder::write_image(
        encoder,
        &pixels,
        width,
        height,
        image::ExtendedColorType::Rgba8,
    )
    .map_err(|e| encode_error(e.to_string()))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The layers the rasteriser gets for the e-commerce sample asked at `scale`.
    fn raster_layers(scale: f32) -> svg::RasterLayers {
        let catalog = Catalog::builtin();
        let sample = crate::samples::sample("ecommerce").expect("bundled sample");
        let doc = crate::format::from_str(sample.text, "ecommerce.ron", catalog).expect("loads");
        let mut labels = svg::Labels::Raster(svg::RasterLayers::new(scale));
        svg::render_with(&doc, catalog, &ExportOptions::default(), &mut labels);
        match labels {
            svg::Labels::Raster(layers) => layers,
            svg::Labels::Text => panic!("raster labels"),
        }
    }

    #[test]
    fn detail_too_fine_for_the_scale_is_left_out_of_the_raster() {
        // Edges are drawn in the lower layer (the legend's samples in the upper one).
        let edges_dashed = |layers: &svg::RasterLayers| {
            layers.layers[0]
                .svg
                .lines()
                .any(|l| l.contains("marker-end") && l.contains("stroke-dasharray"))
        };
        let full = raster_layers(1.0);
        assert!(edges_dashed(&full), "async edges are dashed at full size");
        assert!(!full.layers.iter().any(|l| l.svg.contains("optimizeSpeed")));
        let tiny = raster_layers(0.05);
        assert!(!edges_dashed(&tiny), "a dash under a pixel is not drawn");
        assert!(tiny.layers[0].svg.contains("optimizeSpeed"));
        assert_eq!(tiny.scale, 0.05);
        assert_eq!(
            full.layers.len(),
            2,
            "captions under the nodes, names over them"
        );
        assert!(full.layers.iter().all(|l| !l.svg.contains("<text")));
    }

    #[test]
    fn strips_draw_the_same_pixels_as_one_pass() {
        let catalog = Catalog::builtin();
        let sample = crate::samples::sample("ecommerce").expect("bundled sample");
        let doc = crate::format::from_str(sample.text, "ecommerce.ron", catalog).expect("loads");
        let mut labels = svg::Labels::Raster(svg::RasterLayers::new(1.5));
        svg::render_with(&doc, catalog, &ExportOptions::default(), &mut labels);
        let svg::Labels::Raster(raster) = labels else {
            panic!("raster labels");
        };
        let one = rasterise_layers(&raster.layers, 1.5, None, Some(1)).expect("one pass");
        let three = rasterise_layers(&raster.layers, 1.5, None, Some(3)).expect("three strips");
        let decode = |bytes: &[u8]| {
            image::load_from_memory(bytes)
                .expect("decodes")
                .into_rgba8()
        };
        let (one, three) = (decode(&one), decode(&three));
        assert_eq!(one.dimensions(), three.dimensions());
        let differing = one
            .pixels()
            .zip(three.pixels())
            .filter(|(a, b)| a.0.iter().zip(b.0).any(|(x, y)| x.abs_diff(y) > 2))
            .count();
        assert!(
            differing * 1000 < (one.width() * one.height()) as usize,
            "{differing} pixels differ"
        );
    }
}
