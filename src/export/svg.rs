//! SVG diagram: titled, nested boundaries; nodes with their technology icon, name and kind;
//! connections styled by behaviour (sync solid, async dashed, telemetry dotted) with
//! arrowheads and captions; optional findings badges and a legend.
//!
//! Text is measured with the bundled Inter font so that captions fit their boxes, and every
//! piece of user text goes through [`xml_text`], so a name can never become markup.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::captions::{
    self, CAPTION_HEIGHT, CAPTION_LINE, CAPTION_SIZE, PlacedCaption, caption_size,
    place_scene_captions,
};
use super::scene::{DrawnEdge, Scene, num};
use super::{ExportError, ExportOptions, Exporter, Format, Output};
use crate::catalog::{Catalog, ConnectionStyle};
use crate::fonts::{self, Anchor, Weight};
use crate::graph::ArchGraph;
use crate::icons;
use crate::model::{Component, Document, Group, Note, Point, Rect, Severity};
use crate::palette::{self, Rgb};

#[derive(Debug)]
pub struct SvgExporter;

const MARGIN: f32 = 32.0;
const HEADER: f32 = 56.0;
const LEGEND: f32 = 44.0;
use super::cards::{self, ICON};
use crate::fonts::{KIND_SIZE, NAME_SIZE, TITLE_SIZE};
const FONT_STACK: &str = "Inter, 'Helvetica Neue', Arial, sans-serif";

/// User text as XML character data or an attribute value: markup characters become entities
/// and characters XML 1.0 forbids (controls) become spaces.
pub(crate) fn xml_text(raw: &str) -> String {
    quick_xml::escape::escape(visible(raw).as_str()).into_owned()
}

/// User text as a drawing shows it: control characters become spaces.
fn visible(raw: &str) -> String {
    raw.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// How labels are written: as SVG text (the SVG export, where text stays selectable), or
/// collected for the PNG rasteriser, which paints them from cached glyph outlines instead of
/// having every label shaped again. Both lay text out by the same advance widths.
#[derive(Debug)]
pub(crate) enum Labels {
    Text,
    Raster(RasterLayers),
}

/// The drawing as layers for the rasteriser: each an SVG document without text and the
/// labels painted over it, bottom first. Captions sit in the lower layer, names in the upper,
/// so that a node still hides a caption that runs under it.
#[derive(Debug)]
pub(crate) struct RasterLayers {
    pub layers: Vec<RasterLayer>,
    pending: Vec<PlacedLabel>,
    /// Where the drawing's own coordinates start on the canvas (its translation).
    origin: (f32, f32),
    /// The scale asked for, and the one the raster limits allow (set when rendering).
    wanted_scale: f32,
    pub scale: f32,
}

impl RasterLayers {
    pub(crate) fn new(wanted_scale: f32) -> Self {
        Self {
            layers: Vec::new(),
            pending: Vec::new(),
            origin: (0.0, 0.0),
            wanted_scale,
            scale: wanted_scale,
        }
    }
}

#[derive(Debug)]
pub(crate) struct RasterLayer {
    pub svg: String,
    pub labels: Vec<PlacedLabel>,
}

/// A label in canvas coordinates.
#[derive(Debug, Clone)]
pub(crate) struct PlacedLabel {
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub weight: Weight,
    pub anchor: Anchor,
    pub fill: Rgb,
    pub text: String,
    pub chip: Option<Chip>,
}

/// A rounded box painted behind a label, so that it stays legible over the lines it crosses.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Chip {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    pub radius: f32,
    pub fill: Rgb,
}

/// One line of text in the drawing. `text` is user text or ours; it is escaped here.
struct Label<'a> {
    x: f32,
    y: f32,
    size: f32,
    weight: Weight,
    anchor: Anchor,
    fill: Rgb,
    text: &'a str,
    chip: Option<Chip>,
}

impl Label<'_> {
    fn new(x: f32, y: f32, size: f32, fill: Rgb, text: &str) -> Label<'_> {
        Label {
            x,
            y,
            size,
            weight: Weight::Regular,
            anchor: Anchor::Start,
            fill,
            text,
            chip: None,
        }
    }

    fn on_chip(mut self, chip: Chip) -> Self {
        self.chip = Some(chip);
        self
    }

    fn semibold(mut self) -> Self {
        self.weight = Weight::SemiBold;
        self
    }

    fn centred(mut self) -> Self {
        self.anchor = Anchor::Middle;
        self
    }
}

impl Labels {
    fn write(&mut self, out: &mut String, label: &Label<'_>) {
        match self {
            Self::Text => {
                if let Some(chip) = &label.chip {
                    let _ = write!(
                        out,
                        r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{}" fill="{}"/>"#,
                        num(chip.x),
                        num(chip.y),
                        num(chip.w),
                        num(chip.h),
                        num(chip.radius),
                        chip.fill.hex()
                    );
                }
                let _ = write!(
                    out,
                    r#"<text x="{}" y="{}" font-size="{}""#,
                    num(label.x),
                    num(label.y),
                    label.size
                );
                if label.weight == Weight::SemiBold {
                    out.push_str(r#" font-weight="600""#);
                }
                if label.anchor == Anchor::Middle {
                    out.push_str(r#" text-anchor="middle""#);
                }
                let _ = write!(
                    out,
                    r#" fill="{}">{}</text>"#,
                    label.fill.hex(),
                    xml_text(label.text)
                );
            }
            Self::Raster(layers) => {
                // The same characters the SVG would show.
                let text = visible(label.text);
                layers.pending.push(PlacedLabel {
                    x: label.x + layers.origin.0,
                    y: label.y + layers.origin.1,
                    size: label.size,
                    weight: label.weight,
                    anchor: label.anchor,
                    fill: label.fill,
                    text,
                    chip: label.chip.map(|chip| Chip {
                        x: chip.x + layers.origin.0,
                        y: chip.y + layers.origin.1,
                        ..chip
                    }),
                });
            }
        }
    }

    /// Enters (or, with zero, leaves) the translated group that holds the drawing.
    fn set_origin(&mut self, dx: f32, dy: f32) {
        if let Self::Raster(layers) = self {
            layers.origin = (dx, dy);
        }
    }

    /// Ends a raster layer with the finished document in `out` (which it takes); the text
    /// mode keeps one document and leaves `out` alone.
    fn end_layer(&mut self, out: &mut String) {
        if let Self::Raster(layers) = self {
            let labels = std::mem::take(&mut layers.pending);
            layers.layers.push(RasterLayer {
                svg: std::mem::take(out),
                labels,
            });
        }
    }
}

impl Exporter for SvgExporter {
    fn draws_views(&self) -> bool {
        true
    }

    fn format(&self) -> &'static Format {
        &Format {
            id: "svg",
            label: "SVG image",
            extension: Some("svg"),
        }
    }

    fn shows_findings(&self, options: &ExportOptions) -> bool {
        options.findings
    }

    fn export(
        &self,
        doc: &Document,
        catalog: &Catalog,
        options: &ExportOptions,
    ) -> Result<Output, ExportError> {
        // Checked here; the drawing reads it again where it paints it.
        super::background_of(options).map_err(|message| ExportError::Encode {
            format: "svg",
            message,
        })?;
        Ok(Output::File(render(doc, catalog, options).into_bytes()))
    }
}

/// The whole SVG document.
pub(crate) fn render(doc: &Document, catalog: &Catalog, options: &ExportOptions) -> String {
    render_sized(doc, catalog, options).text
}

/// An SVG document with the size of its canvas, known before anyone parses it.
pub(crate) struct Rendered {
    pub text: String,
    pub width: f32,
    pub height: f32,
}

pub(crate) fn render_sized(doc: &Document, catalog: &Catalog, options: &ExportOptions) -> Rendered {
    render_with(doc, catalog, options, &mut Labels::Text)
}

/// [`render_sized`] with labels written as `labels` says.
pub(crate) fn render_with(
    doc: &Document,
    catalog: &Catalog,
    options: &ExportOptions,
    labels: &mut Labels,
) -> Rendered {
    let scene = Scene::new(doc, catalog, options.aspect);
    let doc = scene.doc.as_ref();
    let badges = if options.findings {
        findings_by_component(doc, catalog, options)
    } else {
        BTreeMap::new()
    };
    let captions = place_scene_captions(doc, &scene.edges);
    // Captions beside a route on the drawing's edge stick out of the boxes and routes.
    let bounds = captions
        .iter()
        .flatten()
        .filter(|c| !c.text.is_empty())
        .map(PlacedCaption::rect)
        .fold(scene.bounds, Rect::union);
    let key = captions::key(doc, &scene.edges, &captions);
    let legend_width = 520.0;
    let width = (bounds.w + 2.0 * MARGIN).max(legend_width);
    let legend = if options.legend { LEGEND } else { 0.0 };
    let key = KeyBlock::new(&key, width - 2.0 * MARGIN);
    let height = HEADER + bounds.h + 2.0 * MARGIN + key.height + legend;
    let (dx, dy) = (MARGIN - bounds.x, HEADER + MARGIN - bounds.y);

    let open = |out: &mut String| {
        let _ = writeln!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT_STACK}">"#,
            w = num(width),
            h = num(height),
        );
        let _ = writeln!(out, "<title>{}</title>", xml_text(&doc.meta.name));
        write_defs(out, doc, catalog);
    };
    let mut out = String::new();
    open(&mut out);
    if let Some(colour) = super::background_of(options).ok().flatten() {
        let _ = writeln!(
            out,
            r#"<rect width="100%" height="100%" fill="{}"{}/>"#,
            Rgb(colour.red, colour.green, colour.blue).hex(),
            if colour.alpha < u8::MAX {
                format!(r#" fill-opacity="{:.3}""#, f32::from(colour.alpha) / 255.0)
            } else {
                String::new()
            }
        );
    }
    write_header(&mut out, doc, labels);
    let _ = writeln!(out, r#"<g transform="translate({} {})">"#, num(dx), num(dy));
    labels.set_origin(dx, dy);
    for group in groups_outermost_first(doc) {
        write_group(&mut out, group, labels);
    }
    let detail = match labels {
        Labels::Raster(layers) => {
            layers.scale = super::png::fitted_scale(width, height, layers.wanted_scale);
            Detail::at_scale(layers.scale)
        }
        Labels::Text => Detail::FULL,
    };
    for (edge, caption) in scene.edges.iter().zip(&captions) {
        // A caption with no room anywhere is left out; its edge carries it as a tooltip.
        let dropped = caption.as_ref().is_some_and(|c| c.text.is_empty());
        write_edge(&mut out, edge, detail, dropped);
    }
    // Captions go under the nodes: a caption hidden behind a node beats a garbled name.
    for caption in captions.iter().flatten().filter(|c| !c.text.is_empty()) {
        write_caption(&mut out, caption, labels);
    }
    if let Labels::Raster(_) = labels {
        out.push_str("</g>\n</svg>\n");
        labels.end_layer(&mut out);
        open(&mut out);
        let _ = writeln!(out, r#"<g transform="translate({} {})">"#, num(dx), num(dy));
    }
    for component in doc.components() {
        write_component(
            &mut out,
            doc,
            catalog,
            component,
            badges.get(component.id.as_str()),
            labels,
            detail,
        );
    }
    for note in doc.notes() {
        write_note(&mut out, note, labels);
    }
    out.push_str("</g>\n");
    labels.set_origin(0.0, 0.0);
    key.write(&mut out, height - legend - key.height, labels);
    if options.legend {
        write_legend(&mut out, height - LEGEND, options.findings, labels);
    }
    out.push_str("</svg>\n");
    labels.end_layer(&mut out);
    Rendered {
        text: out,
        width,
        height,
    }
}

fn write_defs(out: &mut String, doc: &Document, catalog: &Catalog) {
    out.push_str("<defs>\n");
    for style in [
        ConnectionStyle::Sync,
        ConnectionStyle::Async,
        ConnectionStyle::Telemetry,
    ] {
        let _ = writeln!(
            out,
            r#"<marker id="arrow-{}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto" overflow="visible"><path d="M0 0L10 5L0 10z" fill="{}"/></marker>"#,
            style_name(style),
            palette::connection(Some(style)).hex()
        );
    }
    let used: BTreeSet<&str> = doc
        .components()
        .iter()
        .filter_map(|c| catalog.kind_of(c).map(|k| k.icon.as_str()))
        .collect();
    for icon in used.into_iter().filter_map(icons::icon) {
        let _ = writeln!(
            out,
            r#"<symbol id="icon-{}" viewBox="0 0 24 24" overflow="visible">{}</symbol>"#,
            icon.name,
            icon.body()
        );
    }
    out.push_str("</defs>\n");
}

fn write_header(out: &mut String, doc: &Document, labels: &mut Labels) {
    let title = fonts::fit(&doc.meta.name, 18.0, Weight::SemiBold, 900.0);
    labels.write(
        out,
        &Label::new(MARGIN, 34.0, 18.0, palette::INK, &title).semibold(),
    );
    out.push('\n');
    let summary = format!(
        "{} components · {} connections · {} boundaries",
        doc.components().len(),
        doc.connections().len(),
        doc.groups().len()
    );
    labels.write(
        out,
        &Label::new(MARGIN, 50.0, 11.0, palette::SUBTEXT, &summary),
    );
    out.push('\n');
}

/// Parents before children, so that inner boundaries paint over outer ones.
fn groups_outermost_first(doc: &Document) -> Vec<&Group> {
    let mut groups: Vec<(usize, &Group)> = doc
        .groups()
        .iter()
        .map(|g| (doc.group_chain(Some(&g.id)).len(), g))
        .collect();
    groups.sort_by_key(|(depth, _)| *depth);
    groups.into_iter().map(|(_, g)| g).collect()
}

fn write_group(out: &mut String, group: &Group, labels: &mut Labels) {
    let colour = palette::group(group.kind);
    let r = group.rect;
    let dash = if palette::dashed_boundary(group.kind) {
        format!(
            r#" stroke-dasharray="{} {}""#,
            num(palette::BOUNDARY_DASH),
            num(palette::BOUNDARY_GAP)
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        r#"<g class="boundary"><rect x="{}" y="{}" width="{}" height="{}" rx="12" fill="{c}" fill-opacity="{:.3}" stroke="{c}" stroke-width="1.2"{dash}/>"#,
        num(r.x),
        num(r.y),
        num(r.w),
        num(r.h),
        f32::from(palette::GROUP_FILL_ALPHA) / 255.0,
        c = colour.hex(),
    );
    let title = cards::boundary_title(group, r);
    match labels {
        // One text element with the kind as a span, so that the title reads as one line.
        Labels::Text => {
            let kind = title.kind.map_or_else(String::new, |kind| {
                format!(
                    r#"<tspan font-size="{KIND_SIZE}" font-weight="400" fill="{}" dx="{}">{}</tspan>"#,
                    palette::SUBTEXT.hex(),
                    num(cards::TITLE_GAP),
                    xml_text(kind)
                )
            });
            let _ = writeln!(
                out,
                r#"<text x="{}" y="{}" font-size="{TITLE_SIZE}" font-weight="600" fill="{}">{}{kind}</text></g>"#,
                num(title.x),
                num(title.baseline),
                colour.hex(),
                xml_text(&title.name),
            );
        }
        Labels::Raster(_) => {
            labels.write(
                out,
                &Label::new(title.x, title.baseline, TITLE_SIZE, colour, &title.name).semibold(),
            );
            if let Some(kind) = title.kind {
                labels.write(
                    out,
                    &Label::new(
                        title.kind_x,
                        title.baseline,
                        KIND_SIZE,
                        palette::SUBTEXT,
                        kind,
                    ),
                );
            }
            out.push_str("</g>\n");
        }
    }
}

/// A connection behaviour's class in the drawing.
fn style_name(style: ConnectionStyle) -> &'static str {
    match style {
        ConnectionStyle::Sync => "sync",
        ConnectionStyle::Async => "async",
        ConnectionStyle::Telemetry => "telemetry",
    }
}

/// SVG `stroke-dasharray` per behaviour: solid, dashed, dotted (see [`palette::dashes`]).
pub(crate) fn dash_pattern(style: ConnectionStyle) -> Option<String> {
    palette::dashes(style).map(|(dash, gap)| format!("{} {}", num(dash), num(gap)))
}

fn path_data(points: &[Point]) -> String {
    let mut d = String::new();
    for (i, p) in points.iter().enumerate() {
        let _ = write!(
            d,
            "{}{} {}",
            if i == 0 { "M" } else { "L" },
            num(p.x),
            num(p.y)
        );
    }
    d
}

fn write_edge(out: &mut String, edge: &DrawnEdge, detail: Detail, titled: bool) {
    let style = edge.edge.style;
    let dash = dash_pattern(style)
        .filter(|_| detail.dashes)
        .map(|d| format!(r#" stroke-dasharray="{d}""#))
        .unwrap_or_default();
    let crisp = if detail.smooth_lines {
        ""
    } else {
        r#" shape-rendering="optimizeSpeed""#
    };
    let marker = if detail.arrowheads {
        format!(r#" marker-end="url(#arrow-{})""#, style_name(style))
    } else {
        String::new()
    };
    let title = if titled {
        format!("<title>{}</title>", xml_text(&edge.edge.label))
    } else {
        String::new()
    };
    let colour = palette::connection(Some(style)).hex();
    // A dashed route drawn a segment at a time, each dashed in step with the drawing (see
    // `palette::dash_phase`), so that routes sharing a track keep their dashes.
    let phases: Option<Vec<f32>> =
        palette::dashes(style)
            .filter(|_| detail.dashes)
            .and_then(|pattern| {
                edge.points
                    .windows(2)
                    .map(|pair| palette::dash_phase(pair[0], pair[1], pattern))
                    .collect()
            });
    match phases {
        Some(phases) if !phases.is_empty() => {
            let _ = write!(
                out,
                r#"<g fill="none" stroke="{colour}" stroke-width="1.5"{dash}{crisp}>{title}"#
            );
            let last = phases.len() - 1;
            for (i, (pair, phase)) in edge.points.windows(2).zip(phases).enumerate() {
                let _ = write!(
                    out,
                    r#"<path d="{}" stroke-dashoffset="{}"{}/>"#,
                    path_data(pair),
                    num(phase),
                    if i == last { marker.as_str() } else { "" }
                );
            }
            out.push_str("</g>\n");
        }
        _ => {
            let _ = writeln!(
                out,
                r#"<path d="{}" fill="none" stroke="{colour}" stroke-width="1.5"{dash}{crisp}{marker}>{title}</path>"#,
                path_data(&edge.points),
            );
        }
    }
}

/// How much of the drawing's fine detail is worth drawing at the scale it is seen at.
#[derive(Debug, Clone, Copy)]
struct Detail {
    /// Dash patterns (a dash shorter than a pixel costs thousands of segments and shows
    /// as a grey line anyway).
    dashes: bool,
    /// Anti-aliased lines (hairlines far thinner than a pixel cost a blend per pixel for a
    /// difference nobody sees).
    smooth_lines: bool,
    /// Arrowheads and technology icons, which shrink to a dot under a few pixels.
    arrowheads: bool,
    icons: bool,
}

impl Detail {
    const FULL: Self = Self {
        dashes: true,
        smooth_lines: true,
        arrowheads: true,
        icons: true,
    };

    /// What to draw when the canvas is rastered at `scale` pixels a unit.
    fn at_scale(scale: f32) -> Self {
        // The shortest dash period is 6 units; lines are 1.5 units wide, arrowheads about 10
        // and icons 28.
        Self {
            dashes: scale * 6.0 >= 2.0,
            smooth_lines: scale * 1.5 >= 0.25,
            arrowheads: scale * 10.0 >= 2.0,
            icons: scale * ICON >= 4.0,
        }
    }
}

fn write_caption(out: &mut String, caption: &PlacedCaption, labels: &mut Labels) {
    let at = caption.centre;
    // A shortened caption keeps its whole text as the tooltip.
    let shortened = caption.shortened();
    if shortened && matches!(labels, Labels::Text) {
        let _ = write!(
            out,
            "<g class=\"caption\"><title>{}</title>",
            xml_text(&caption.whole)
        );
    }
    // A chip behind the caption keeps it legible over the lines it crosses. (A stroked halo
    // around the glyphs looks the same but costs a stroke of every glyph outline, which was
    // most of a big PNG's raster time.)
    let (width, height) = caption_size(&caption.text);
    let chip = Chip {
        x: at.x - width / 2.0,
        y: at.y - height / 2.0,
        w: width,
        h: height,
        radius: 3.0,
        fill: palette::CARD,
    };
    // Each line's baseline, the block of them centred on the chip; the first carries it.
    let first = at.y + 3.5 - (height - CAPTION_HEIGHT) / 2.0;
    for (k, line) in caption.lines().enumerate() {
        let label = Label::new(
            at.x,
            first + CAPTION_LINE * k as f32,
            CAPTION_SIZE,
            palette::SUBTEXT,
            line,
        )
        .centred();
        let label = if k == 0 { label.on_chip(chip) } else { label };
        labels.write(out, &label);
    }
    if shortened && matches!(labels, Labels::Text) {
        out.push_str("</g>");
    }
    out.push('\n');
}

fn write_component(
    out: &mut String,
    doc: &Document,
    catalog: &Catalog,
    component: &Component,
    badge: Option<&(Severity, usize)>,
    labels: &mut Labels,
    detail: Detail,
) {
    let colour = component_colour(catalog, component);
    let r = component.rect();
    let _ = writeln!(
        out,
        r#"<g class="component"><rect x="{}" y="{}" width="{}" height="{}" rx="8" fill="{}" stroke="{}" stroke-width="1.5"/>"#,
        num(r.x),
        num(r.y),
        num(r.w),
        num(r.h),
        palette::CARD.hex(),
        colour.hex()
    );
    let text = cards::card_text(doc, catalog, component, r);
    // Below a few pixels an icon is a smudge that costs every path it is made of.
    if let Some(icon) = text.icon.filter(|_| detail.icons) {
        let _ = writeln!(
            out,
            r##"<use href="#icon-{}" x="{}" y="{}" width="{ICON}" height="{ICON}"/>"##,
            icon.name,
            num(r.x + cards::ICON_LEFT),
            num(r.y + (r.h - ICON) / 2.0)
        );
    }
    for (name, baseline) in &text.names {
        labels.write(
            out,
            &Label::new(text.left, *baseline, NAME_SIZE, palette::INK, name).semibold(),
        );
    }
    labels.write(
        out,
        &Label::new(
            text.left,
            text.subtitle_baseline,
            KIND_SIZE,
            palette::SUBTEXT,
            &text.subtitle,
        ),
    );
    out.push('\n');
    // Trust zones and contexts it belongs to besides its placement hang under the card as
    // tags in their boundary's colour, but for those drawn around it (see
    // `Document::drawn_in`).
    for tag in &text.tags {
        let chip = Chip {
            x: tag.chip.x,
            y: tag.chip.y,
            w: tag.chip.w,
            h: tag.chip.h,
            radius: tag.chip.h / 2.0,
            fill: palette::CARD,
        };
        labels.write(
            out,
            &Label::new(
                tag.x,
                tag.baseline,
                cards::TAG_SIZE,
                palette::group(tag.group.kind),
                &tag.text,
            )
            .semibold()
            .on_chip(chip),
        );
        out.push('\n');
    }
    if let Some(&(severity, count)) = badge {
        let (cx, cy) = (r.x + r.w - 2.0, r.y + 2.0);
        let _ = write!(
            out,
            r#"<circle cx="{}" cy="{}" r="9" fill="{}" stroke="{}" stroke-width="1.5"/>"#,
            num(cx),
            num(cy),
            palette::severity(severity).hex(),
            palette::CARD.hex(),
        );
        let count = count.to_string();
        labels.write(
            out,
            &Label::new(cx, cy + 3.5, 10.0, palette::CARD, &count)
                .semibold()
                .centred(),
        );
        out.push('\n');
    }
    out.push_str("</g>\n");
}

fn write_note(out: &mut String, note: &Note, labels: &mut Labels) {
    let _ = writeln!(
        out,
        r#"<g class="note"><rect x="{}" y="{}" width="{}" height="{}" rx="4" fill="{}"/>"#,
        num(note.position.x),
        num(note.position.y),
        num(note.size.w),
        num(note.size.h),
        palette::note(note.color).hex()
    );
    let lines = fonts::wrap(&note.text, 12.0, Weight::Regular, note.size.w - 16.0);
    let fitting = ((note.size.h - 12.0) / 16.0).max(1.0) as usize;
    for (i, line) in lines.iter().take(fitting).enumerate() {
        labels.write(
            out,
            &Label::new(
                note.position.x + 8.0,
                note.position.y + 20.0 + 16.0 * i as f32,
                12.0,
                palette::INK,
                line,
            ),
        );
        out.push('\n');
    }
    out.push_str("</g>\n");
}

/// The type size of the key's entries, the height of each of their lines, the widest an
/// entry's line is written and the most lines an entry takes (the last cut, its tooltip
/// whole).
const KEY_SIZE: f32 = 11.0;
const KEY_LINE: f32 = 16.0;
const KEY_TITLE: f32 = 22.0;
const KEY_ENTRY_WIDTH: f32 = 900.0;
const KEY_ENTRY_LINES: usize = 3;
const KEY_COLUMN_GAP: f32 = 32.0;
/// How far an entry's later lines are set in, so that each entry's start stands out.
const KEY_INDENT: f32 = 16.0;

/// The key under a drawing: every caption it could not show whole (see [`captions::key`]),
/// in as many columns as fit its width, so that a printed drawing loses no label.
struct KeyBlock {
    /// Each column's entries: the lines written, and the whole entry where they cut it.
    columns: Vec<Vec<(Vec<String>, Option<String>)>>,
    column_width: f32,
    height: f32,
}

impl KeyBlock {
    fn new(entries: &[captions::KeyEntry], width: f32) -> Self {
        let room = KEY_ENTRY_WIDTH.min(width) - KEY_INDENT;
        let written: Vec<(Vec<String>, Option<String>)> = entries
            .iter()
            .map(|entry| {
                let whole = format!("{} → {}: {}", entry.from, entry.to, entry.whole);
                let line = if entry.shown.is_empty() {
                    whole
                } else {
                    format!("{}  {whole}", entry.shown)
                };
                let wrapped = fonts::wrap(&line, KEY_SIZE, Weight::Regular, room);
                let cut = wrapped.len() > KEY_ENTRY_LINES;
                let mut lines: Vec<String> = wrapped.into_iter().take(KEY_ENTRY_LINES).collect();
                if let Some(last) = lines.last_mut().filter(|_| cut) {
                    last.push_str(" …");
                }
                let lines: Vec<String> = lines
                    .iter()
                    .map(|l| fonts::fit(l, KEY_SIZE, Weight::Regular, room))
                    .collect();
                let cut = cut || lines.iter().any(|l| l.ends_with('…'));
                (lines, cut.then_some(line))
            })
            .collect();
        if written.is_empty() {
            return Self {
                columns: Vec::new(),
                column_width: 0.0,
                height: 0.0,
            };
        }
        let widest = written
            .iter()
            .flat_map(|(lines, _)| lines)
            .map(|line| fonts::text_width(line, KEY_SIZE, Weight::Regular))
            .fold(0.0, f32::max);
        let column_width = widest + KEY_INDENT + KEY_COLUMN_GAP;
        let count = ((width + KEY_COLUMN_GAP) / column_width).floor().max(1.0) as usize;
        // Columns filled in turn to an even share of the lines, entries kept whole.
        let total: usize = written.iter().map(|(lines, _)| lines.len()).sum();
        let share = total.div_ceil(count);
        let mut columns: Vec<Vec<(Vec<String>, Option<String>)>> = vec![Vec::new()];
        let mut filled = 0;
        for entry in written {
            if filled > 0 && filled + entry.0.len() > share && columns.len() < count {
                columns.push(Vec::new());
                filled = 0;
            }
            filled += entry.0.len();
            if let Some(column) = columns.last_mut() {
                column.push(entry);
            }
        }
        let tallest = columns
            .iter()
            .map(|column| column.iter().map(|(lines, _)| lines.len()).sum::<usize>())
            .max()
            .unwrap_or(0);
        Self {
            columns,
            column_width,
            height: KEY_TITLE + tallest as f32 * KEY_LINE + MARGIN / 2.0,
        }
    }

    /// Writes the key with its top at `top`.
    fn write(&self, out: &mut String, top: f32, labels: &mut Labels) {
        if self.columns.is_empty() {
            return;
        }
        labels.write(
            out,
            &Label::new(
                MARGIN,
                top + 14.0,
                KEY_SIZE,
                palette::INK,
                "Captions in full",
            )
            .semibold(),
        );
        out.push('\n');
        for (c, column) in self.columns.iter().enumerate() {
            let x = MARGIN + c as f32 * self.column_width;
            let mut y = top + KEY_TITLE + 11.0;
            for (lines, whole) in column {
                if let Some(whole) = whole {
                    let _ = write!(out, "<g><title>{}</title>", xml_text(whole));
                }
                for (l, line) in lines.iter().enumerate() {
                    let indent = if l == 0 { 0.0 } else { KEY_INDENT };
                    labels.write(
                        out,
                        &Label::new(x + indent, y, KEY_SIZE, palette::SUBTEXT, line),
                    );
                    y += KEY_LINE;
                }
                if whole.is_some() {
                    out.push_str("</g>");
                }
                out.push('\n');
            }
        }
    }
}

fn write_legend(out: &mut String, top: f32, findings: bool, labels: &mut Labels) {
    let y = top + LEGEND / 2.0;
    let mut x = MARGIN;
    for (style, label) in [
        (ConnectionStyle::Sync, "sync call"),
        (ConnectionStyle::Async, "async message"),
        (ConnectionStyle::Telemetry, "telemetry"),
    ] {
        let dash = dash_pattern(style)
            .map(|d| format!(r#" stroke-dasharray="{d}""#))
            .unwrap_or_default();
        let _ = write!(
            out,
            r#"<path d="M{} {}L{} {}" stroke="{}" stroke-width="1.5"{dash} marker-end="url(#arrow-{})"/>"#,
            num(x),
            num(y),
            num(x + 36.0),
            num(y),
            palette::connection(Some(style)).hex(),
            style_name(style),
        );
        labels.write(
            out,
            &Label::new(x + 44.0, y + 4.0, 11.0, palette::SUBTEXT, label),
        );
        out.push('\n');
        x += 44.0 + fonts::text_width(label, 11.0, Weight::Regular) + 24.0;
    }
    if findings {
        for severity in [Severity::Error, Severity::Warning, Severity::Info] {
            let label = severity_label(severity);
            let _ = write!(
                out,
                r#"<circle cx="{}" cy="{}" r="6" fill="{}"/>"#,
                num(x + 6.0),
                num(y),
                palette::severity(severity).hex(),
            );
            labels.write(
                out,
                &Label::new(x + 16.0, y + 4.0, 11.0, palette::SUBTEXT, label),
            );
            out.push('\n');
            x += 16.0 + fonts::text_width(label, 11.0, Weight::Regular) + 20.0;
        }
    }
}

fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// Open (unwaived) findings per component: the worst severity and how many.
fn findings_by_component(
    doc: &Document,
    catalog: &Catalog,
    options: &ExportOptions,
) -> BTreeMap<String, (Severity, usize)> {
    let graph = ArchGraph::new(doc, catalog);
    let report = super::findings(options, &graph);
    let mut badges: BTreeMap<String, (Severity, usize)> = BTreeMap::new();
    for finding in report.findings.iter().filter(|f| f.waived.is_none()) {
        for target in &finding.targets {
            if doc.component(target).is_none() {
                continue;
            }
            let entry = badges
                .entry(target.clone())
                .or_insert((finding.severity, 0));
            entry.1 += 1;
            if rank(finding.severity) > rank(entry.0) {
                entry.0 = finding.severity;
            }
        }
    }
    badges
}

fn rank(severity: Severity) -> u8 {
    match severity {
        Severity::Info => 0,
        Severity::Warning => 1,
        Severity::Error => 2,
    }
}

/// The colour used for a component's border, for exporters that draw nodes themselves.
pub(crate) fn component_colour(catalog: &Catalog, component: &Component) -> Rgb {
    catalog
        .kind_of(component)
        .map_or(palette::SUBTEXT, |k| palette::category(k.category))
}

#[cfg(test)]
mod caption_tests {
    use super::*;
    use crate::layout;

    /// The key writes user text as text (markup escaped once, where every label is), and
    /// gives an entry too long for three lines its first three, cut, with the whole entry
    /// as the tooltip.
    #[test]
    fn the_key_keeps_hostile_and_huge_labels_inert_and_bounded() {
        let hostile = captions::KeyEntry {
            shown: "[1]".into(),
            from: "</text><script>alert(1)</script>".into(),
            to: "db".into(),
            whole: "HTTP/REST: ${var.x} & <b>bold</b>".into(),
        };
        let huge = captions::KeyEntry {
            shown: String::new(),
            from: "a".into(),
            to: "b".into(),
            whole: "word ".repeat(2_000),
        };
        let key = KeyBlock::new(&[hostile, huge], 1_200.0);
        let mut out = String::from("<svg xmlns=\"http://www.w3.org/2000/svg\">");
        key.write(&mut out, 0.0, &mut Labels::Text);
        out.push_str("</svg>");
        assert!(!out.contains("<script"), "{out}");
        assert!(out.contains("&lt;/text&gt;&lt;script&gt;"), "{out}");
        assert!(out.contains("${var.x} &amp; &lt;b&gt;"), "{out}");
        let doc = roxmltree::Document::parse(&out).expect("well-formed");
        let lines = doc.descendants().filter(|n| n.has_tag_name("text")).count();
        // The title, the hostile entry's line and the huge entry's three.
        assert_eq!(lines, 5, "{out}");
        let tooltip = doc
            .descendants()
            .find(|n| n.has_tag_name("title"))
            .and_then(|n| n.text())
            .expect("the cut entry's tooltip");
        assert!(tooltip.len() > 10_000, "whole: {} bytes", tooltip.len());
        assert!(key.height < 200.0, "{}", key.height);
    }

    /// Each drawn caption of a drawing: the edge's full caption, the text drawn, how far the
    /// chip is from its own route, and how far from the nearest route whose caption reads
    /// differently (for a chip on a line, of the lines running the same way only: a line
    /// crossing near its end is plainly not its route).
    fn attribution<'a>(
        scene: &'a Scene<'_>,
        placed: &'a [Option<PlacedCaption>],
    ) -> impl Iterator<Item = (&'a crate::export::tree::Edge, &'a str, f32, f32)> + 'a {
        scene
            .edges
            .iter()
            .zip(placed)
            .enumerate()
            .filter_map(|(i, (edge, caption))| {
                let caption = caption.as_ref().filter(|c| !c.text.is_empty())?;
                let rect = caption.rect();
                let own = distance_to_route(&rect, &edge.points, |_, _| true);
                let on = sits_on(caption.centre, &edge.points);
                let rival = scene
                    .edges
                    .iter()
                    .enumerate()
                    .filter(|(j, e)| *j != i && e.edge.label != edge.edge.label)
                    .map(|(_, e)| {
                        distance_to_route(&rect, &e.points, |a, b| match on {
                            Some(true) => a.y == b.y,
                            Some(false) => a.x == b.x,
                            None => true,
                        })
                    })
                    .fold(f32::INFINITY, f32::min);
                Some((&edge.edge, caption.text.as_str(), own, rival))
            })
    }

    /// Distance from a rectangle to a route's nearest segment that `counts`.
    fn distance_to_route(
        rect: &Rect,
        points: &[Point],
        counts: impl Fn(Point, Point) -> bool,
    ) -> f32 {
        points
            .windows(2)
            .filter(|s| counts(s[0], s[1]))
            .map(|s| {
                let (x0, x1) = (s[0].x.min(s[1].x), s[0].x.max(s[1].x));
                let (y0, y1) = (s[0].y.min(s[1].y), s[0].y.max(s[1].y));
                let dx = (x0 - (rect.x + rect.w)).max(rect.x - x1).max(0.0);
                let dy = (y0 - (rect.y + rect.h)).max(rect.y - y1).max(0.0);
                dx.hypot(dy)
            })
            .fold(f32::INFINITY, f32::min)
    }

    /// Whether a caption centred at `at` sits on a horizontal segment of `points`
    /// (`Some(true)`), a vertical one (`Some(false)`) or beside its route (`None`).
    fn sits_on(at: Point, points: &[Point]) -> Option<bool> {
        let within = |v: f32, a: f32, b: f32| a.min(b) - 0.5 <= v && v <= a.max(b) + 0.5;
        points.windows(2).find_map(|s| {
            let (a, b) = (s[0], s[1]);
            if a.y == b.y && (at.y - a.y).abs() < 0.5 && within(at.x, a.x, b.x) {
                Some(true)
            } else if a.x == b.x && (at.x - a.x).abs() < 0.5 && within(at.y, a.y, b.y) {
                Some(false)
            } else {
                None
            }
        })
    }

    /// Captions on every sample and every view: none overlaps another caption, a box or the
    /// band of a boundary's title (see [`layout::labels::keep_clear`]); each
    /// sits nearer its own route than any route whose caption reads differently, and no
    /// further out than a step beside it; a shortened one says the start of its caption or
    /// of the connection's own label.
    #[test]
    fn captions_are_clear_and_read_as_their_routes_on_every_sample_and_view() {
        let catalog = Catalog::builtin();
        let mut drawings = Vec::new();
        for sample in crate::samples::samples() {
            let doc = crate::format::from_str(sample.text, "s.ron", catalog).expect("loads");
            for view in doc.views() {
                let name = format!("{} view {}", sample.name, view.id);
                drawings.push((name, crate::view::project(&doc, catalog, view).doc));
            }
            drawings.push((sample.name.to_owned(), doc));
        }
        let mut drawn = 0;
        for (name, doc) in drawings {
            let scene = Scene::new(&doc, catalog, layout::DEFAULT_ASPECT);
            let doc = scene.doc.as_ref();
            let captions = place_scene_captions(doc, &scene.edges);
            let placed: Vec<Rect> = captions
                .iter()
                .flatten()
                .filter(|c| !c.text.is_empty())
                .map(PlacedCaption::rect)
                .collect();
            let keep_clear = layout::labels::keep_clear(doc);
            let mut overlaps = 0;
            let mut boxes = 0;
            for (i, a) in placed.iter().enumerate() {
                overlaps += placed[i + 1..].iter().filter(|b| a.overlaps(b)).count();
                boxes += keep_clear.iter().filter(|b| a.overlaps(b)).count();
            }
            assert_eq!((overlaps, boxes), (0, 0), "{name}: overlaps");
            for (edge, text, own, rival) in attribution(&scene, &captions) {
                let label = &edge.label;
                drawn += 1;
                let height = caption_size(text).1;
                // A marker points at the key's entry, which holds the caption whole with the
                // two boxes it joins: it may sit where another route runs beside its own.
                let marker = text
                    .strip_prefix('[')
                    .and_then(|t| t.strip_suffix(']'))
                    .is_some_and(|n| n.parse::<usize>().is_ok());
                assert!(
                    own <= 3.0 + 1.5 * height + 0.5 && (marker || rival >= own + 5.5),
                    "{name}: {label:?} drawn {own} from its route, {rival} from another"
                );
                let said = text.trim_end_matches('…').replace('\n', " ");
                let said = said.as_str();
                assert!(
                    marker
                        || label.starts_with(said)
                        || edge.shorter.as_ref().is_some_and(|d| d.starts_with(said)),
                    "{name}: {label:?} shortened to {text:?}"
                );
            }
        }
        assert!(drawn > 200, "{drawn} captions drawn");
    }

    /// Not a check: how the captions of the samples and the reference designs read, laid out
    /// automatically as a user would (`cargo test --release --lib caption_report -- --ignored
    /// --nocapture`).
    #[test]
    #[ignore = "a report, run by hand"]
    fn caption_report() {
        let catalog = Catalog::builtin();
        let mut drawings: Vec<(String, Document)> = crate::samples::samples()
            .iter()
            .map(|sample| {
                let doc = crate::format::from_str(sample.text, "s.ron", catalog).expect("loads");
                (sample.name.to_owned(), doc)
            })
            .collect();
        for name in ["chat", "ridehail", "saas", "staywise"] {
            let path = format!(
                "{}/tests/fixtures/reference/{name}.ron",
                env!("CARGO_MANIFEST_DIR")
            );
            let text = std::fs::read_to_string(&path).expect("reads");
            let doc = crate::format::from_str(&text, &path, catalog).expect("loads");
            drawings.push((name.to_owned(), doc));
        }
        let mut totals = [0usize; 5];
        for (name, mut doc) in drawings {
            let spacing = layout::Spacing::for_aspect(layout::DEFAULT_ASPECT);
            let edit = layout::layout(&doc, catalog, spacing).to_edit(&doc);
            edit.apply(&mut doc, catalog).expect("lays out");
            let scene = Scene::new(&doc, catalog, layout::DEFAULT_ASPECT);
            let captions = place_scene_captions(scene.doc.as_ref(), &scene.edges);
            // Shown, left out, shortened, further than beside, nearer another route.
            let mut counts = [0usize; 5];
            for (edge, caption) in scene.edges.iter().zip(&captions) {
                if caption.as_ref().is_some_and(|c| c.text.is_empty()) {
                    counts[1] += 1;
                    println!("  {name}: left out {:?}", edge.edge.label);
                }
            }
            for (edge, text, own, rival) in attribution(&scene, &captions) {
                let label = &edge.label;
                counts[0] += 1;
                let flags = [text != label, own > 3.5, rival < own + 6.0];
                for (count, flag) in counts[2..].iter_mut().zip(flags) {
                    *count += usize::from(flag);
                }
                if flags.contains(&true) {
                    println!(
                        "  {name}: {label:?} as {text:?}, {own:.1} px from its route, {rival:.1} from another"
                    );
                }
            }
            println!(
                "{name}: shown {} left out {} shortened {} beside {} nearer another {}",
                counts[0], counts[1], counts[2], counts[3], counts[4]
            );
            for (total, count) in totals.iter_mut().zip(counts) {
                *total += count;
            }
        }
        println!(
            "total: shown {} left out {} shortened {} beside {} nearer another {}",
            totals[0], totals[1], totals[2], totals[3], totals[4]
        );
    }
}
