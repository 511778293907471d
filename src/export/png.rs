//! PNG: the SVG diagram rasterised by resvg with the bundled fonts, encoded by `image`.

use std::sync::Arc;

use resvg::{tiny_skia, usvg};

use super::{
    ExportError, ExportOptions, Exported, Exporter, Format, MAX_SCALE, Output, parse_background,
    svg,
};
use crate::catalog::Catalog;
use crate::fonts;
use crate::model::Document;

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

fn encode_error(message: impl Into<String>) -> ExportError {
    ExportError::Encode {
        format: "png",
        message: message.into(),
    }
}

impl Exporter for PngExporter {
    fn format(&self) -> &'static Format {
        &Format {
            id: "png",
            label: "PNG image",
            extension: Some("png"),
        }
    }

    fn export(
        &self,
        doc: &Document,
        catalog: &Catalog,
        options: &ExportOptions,
    ) -> Result<Output, ExportError> {
        self.export_noted(doc, catalog, options)
            .map(|exported| exported.output)
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
        let background = options
            .background
            .as_deref()
            .map(|css| parse_background(css).map_err(encode_error))
            .transpose()?;
        // The background is painted here, not in the SVG, so the colour is checked once.
        let svg_options = ExportOptions {
            background: None,
            ..options.clone()
        };
        let rendered = svg::render_sized(doc, catalog, &svg_options);
        // Fitted before the SVG is parsed: parsing a drawing too big to raster is the cost.
        let scale = fitted_scale(rendered.width, rendered.height, options.scale);
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
            output: Output::File(rasterise(&rendered.text, scale, background)?),
            notes,
        })
    }
}

/// Renders SVG text to PNG bytes.
pub(crate) fn rasterise(
    source: &str,
    scale: f32,
    background: Option<svgtypes::Color>,
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
    let tree =
        usvg::Tree::from_str(source, &parse_options).map_err(|e| encode_error(e.to_string()))?;
    let size = tree.size();
    let (w, h) = (size.width() * scale, size.height() * scale);
    if w > MAX_SIDE || h > MAX_SIDE || w * h > MAX_PIXELS {
        return Err(encode_error(format!(
            "the image would be {w:.0}x{h:.0} pixels; the limit is {MAX_SIDE:.0} a side and {:.0} megapixels: lower --scale",
            MAX_PIXELS / 1e6
        )));
    }
    let mut pixmap = tiny_skia::Pixmap::new(w.ceil() as u32, h.ceil() as u32)
        .ok_or_else(|| encode_error("the diagram is empty"))?;
    if let Some(c) = background {
        pixmap.fill(tiny_skia::Color::from_rgba8(
            c.red, c.green, c.blue, c.alpha,
        ));
    }
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    crate::raster::demultiply_in_place(&mut pixmap);
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
        pixmap.data(),
        pixmap.width(),
        pixmap.height(),
        image::ExtendedColorType::Rgba8,
    )
    .map_err(|e| encode_error(e.to_string()))?;
    Ok(bytes)
}
