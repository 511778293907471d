//! draw.io (diagrams.net): uncompressed `.drawio` XML with the same positions and sizes as the
//! canvas. Boundaries are containers (children are positioned relative to them), components
//! carry their technology icon, and edges keep their style, label and waypoints.

use std::fmt::Write;

use base64::Engine;

use super::cards;
use super::scene::{Scene, num};
use super::svg::{component_colour, dash_pattern, xml_text};
use super::{ExportError, ExportOptions, Exporter, Format, Output};
use crate::catalog::{Catalog, ConnectionStyle};
use crate::icons;
use crate::model::{Document, Point, Rect};
use crate::palette;

#[derive(Debug)]
pub struct DrawioExporter;

/// A value attribute: XML-escaped, with line breaks as character references (draw.io shows
/// them as line breaks with `html=0`).
fn value(raw: &str) -> String {
    raw.split('\n')
        .map(xml_text)
        .collect::<Vec<_>>()
        .join("&#10;")
}

fn cell_of_group(index: usize) -> String {
    format!("g{index}")
}

fn cell_of_component(index: usize) -> String {
    format!("n{index}")
}

impl Exporter for DrawioExporter {
    fn draws_views(&self) -> bool {
        true
    }

    fn format(&self) -> &'static Format {
        &Format {
            id: "drawio",
            label: "draw.io diagram",
            extension: Some("drawio"),
        }
    }

    fn export(
        &self,
        doc: &Document,
        catalog: &Catalog,
        options: &ExportOptions,
    ) -> Result<Output, ExportError> {
        let scene = Scene::new(doc, catalog, options.aspect);
        let doc = scene.doc.as_ref();
        let group_index = |id: &str| doc.groups().iter().position(|g| g.id.as_str() == id);
        // Geometry of a child is relative to its container.
        let origin_of = |group: Option<&str>| -> (String, Point) {
            group
                .and_then(|id| group_index(id).map(|i| (i, doc.groups()[i].rect)))
                .map_or(("1".to_owned(), Point::default()), |(i, r)| {
                    (cell_of_group(i), Point::new(r.x, r.y))
                })
        };

        let mut out = String::new();
        let b = scene.bounds;
        let _ = writeln!(
            out,
            r#"<mxfile host="archsmith" agent="archsmith {}" type="device">"#,
            env!("CARGO_PKG_VERSION")
        );
        let _ = writeln!(
            out,
            r#"  <diagram id="archsmith" name="{}">"#,
            value(&doc.meta.name)
        );
        let _ = writeln!(
            out,
            r#"    <mxGraphModel grid="1" gridSize="10" guides="1" tooltips="1" connect="1" arrows="1" fold="1" page="0" pageScale="1" pageWidth="{}" pageHeight="{}" math="0" shadow="0">"#,
            num(b.x + b.w),
            num(b.y + b.h)
        );
        out.push_str(
            "      <root>\n        <mxCell id=\"0\"/>\n        <mxCell id=\"1\" parent=\"0\"/>\n",
        );

        // Parents are written before children, as draw.io expects.
        let mut groups: Vec<(usize, usize)> = doc
            .groups()
            .iter()
            .enumerate()
            .map(|(i, g)| (doc.group_chain(Some(&g.id)).len(), i))
            .collect();
        groups.sort_unstable();
        for (_, i) in groups {
            let group = &doc.groups()[i];
            let colour = palette::group(group.kind).hex();
            let (parent, origin) = origin_of(group.parent.as_ref().map(|p| p.as_str()));
            let dashed = u8::from(palette::dashed_boundary(group.kind));
            let _ = writeln!(
                out,
                r#"        <mxCell id="{}" value="{}" style="rounded=1;arcSize=3;absoluteArcSize=1;container=1;collapsible=0;html=0;whiteSpace=wrap;fillColor={colour};opacity=100;fillOpacity=4;strokeColor={colour};dashed={dashed};verticalAlign=top;align=left;spacingLeft=10;spacingTop=4;fontStyle=1;fontColor={colour};" vertex="1" parent="{parent}">"#,
                cell_of_group(i),
                value(&format!("{} ({})", group.name, group.kind.label())),
            );
            write_geometry(&mut out, group.rect, origin);
        }

        for (i, component) in doc.components().iter().enumerate() {
            let kind = catalog.kind_of(component);
            let (parent, origin) = origin_of(doc.drawn_in(component).map(|g| g.as_str()));
            let icon = kind
                .and_then(|k| icons::icon(&k.icon))
                .map(|icon| {
                    let encoded = base64::engine::general_purpose::STANDARD.encode(icon.svg);
                    format!("shape=label;image=data:image/svg+xml,{encoded};imageWidth=28;imageHeight=28;imageAlign=left;imageVerticalAlign=middle;spacingLeft=40;align=left;")
                })
                .unwrap_or_default();
            let mut label = format!(
                "{}\n{}",
                component.name,
                cards::kind_and_count(doc, catalog, component)
            );
            if let Some(tags) = cards::tags_line(doc, component) {
                label.push_str(&format!("\n{tags}"));
            }
            let _ = writeln!(
                out,
                r#"        <mxCell id="{}" value="{}" style="rounded=1;arcSize=12;whiteSpace=wrap;html=0;{icon}fillColor={};strokeColor={};strokeWidth=1.5;fontColor={};" vertex="1" parent="{parent}">"#,
                cell_of_component(i),
                value(&label),
                palette::CARD.hex(),
                component_colour(catalog, component).hex(),
                palette::INK.hex(),
            );
            write_geometry(&mut out, component.rect(), origin);
        }

        for (i, drawn) in scene.edges.iter().enumerate() {
            let edge = &drawn.edge;
            let colour = palette::connection(Some(edge.style)).hex();
            let dash = dash_pattern(edge.style)
                .map(|p| format!("dashed=1;dashPattern={p};"))
                .unwrap_or_default();
            let end = if edge.style == ConnectionStyle::Async {
                "open"
            } else {
                "block"
            };
            // The route the SVG draws: its ends as the ports on the boxes' sides (relative
            // positions, as draw.io takes them) and its bends as waypoints.
            let ports = match (drawn.points.first(), drawn.points.last()) {
                (Some(&start), Some(&end)) => {
                    let (from, to) = (
                        doc.components()[edge.from].rect(),
                        doc.components()[edge.to].rect(),
                    );
                    let (ex, ey) = relative(from, start);
                    let (nx, ny) = relative(to, end);
                    format!(
                        "exitX={};exitY={};exitDx=0;exitDy=0;entryX={};entryY={};entryDx=0;entryDy=0;",
                        num3(ex),
                        num3(ey),
                        num3(nx),
                        num3(ny)
                    )
                }
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                r#"        <mxCell id="e{i}" value="{}" style="edgeStyle=none;html=0;rounded=0;{ports}endArrow={end};endFill=1;strokeColor={colour};strokeWidth=1.5;{dash}fontColor={};fontSize=10;labelBackgroundColor={};" edge="1" parent="1" source="{}" target="{}">"#,
                value(&edge.label),
                palette::SUBTEXT.hex(),
                palette::CARD.hex(),
                cell_of_component(edge.from),
                cell_of_component(edge.to),
            );
            let waypoints = drawn
                .points
                .get(1..drawn.points.len().saturating_sub(1))
                .unwrap_or_default();
            if waypoints.is_empty() {
                out.push_str("          <mxGeometry relative=\"1\" as=\"geometry\"/>\n");
            } else {
                out.push_str("          <mxGeometry relative=\"1\" as=\"geometry\">\n            <Array as=\"points\">\n");
                for p in waypoints {
                    let _ = writeln!(
                        out,
                        r#"              <mxPoint x="{}" y="{}"/>"#,
                        num(p.x),
                        num(p.y)
                    );
                }
                out.push_str("            </Array>\n          </mxGeometry>\n");
            }
            out.push_str("        </mxCell>\n");
        }

        for (i, note) in doc.notes().iter().enumerate() {
            let _ = writeln!(
                out,
                r#"        <mxCell id="t{i}" value="{}" style="shape=note;size=12;whiteSpace=wrap;html=0;align=left;verticalAlign=top;spacing=8;fillColor={};strokeColor=none;fontColor={};" vertex="1" parent="1">"#,
                value(&note.text),
                palette::note(note.color).hex(),
                palette::INK.hex(),
            );
            write_geometry(
                &mut out,
                Rect::from_pos_size(note.position, note.size),
                Point::default(),
            );
        }
        out.push_str("      </root>\n    </mxGraphModel>\n  </diagram>\n</mxfile>\n");
        Ok(Output::File(out.into_bytes()))
    }
}

fn write_geometry(out: &mut String, rect: Rect, origin: Point) {
    let _ = writeln!(
        out,
        r#"          <mxGeometry x="{}" y="{}" width="{}" height="{}" as="geometry"/>
        </mxCell>"#,
        num(rect.x - origin.x),
        num(rect.y - origin.y),
        num(rect.w),
        num(rect.h)
    );
}
/// Where `point` sits on `rect`, as fractions of its width and height.
fn relative(rect: Rect, point: Point) -> (f32, f32) {
    (
        ((point.x - rect.x) / rect.w.max(1.0)).clamp(0.0, 1.0),
        ((point.y - rect.y) / rect.h.max(1.0)).clamp(0.0, 1.0),
    )
}

/// A fraction with at most three decimals.
fn num3(value: f32) -> String {
    let rounded = (value * 1000.0).round() / 1000.0;
    format!("{rounded}")
}
