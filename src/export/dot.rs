//! Graphviz DOT: boundaries become nested clusters; sync edges are solid, async dashed,
//! telemetry dotted.

use std::fmt::Write;

use super::tree::{Step, edges, node, walk};
use super::{ExportError, ExportOptions, Exporter, Format, Output};
use crate::catalog::{Catalog, ConnectionStyle, Trait};
use crate::model::Document;

#[derive(Debug)]
pub struct DotExporter;

/// Text for inside a DOT double-quoted string. Backslashes are doubled so that user text
/// cannot form DOT's `\N`-style escapes, quotes are escaped, and line breaks become spaces.
pub(crate) fn escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' | '\r' => out.push(' '),
            other => out.push(other),
        }
    }
    out
}

pub(crate) fn quoted(raw: &str) -> String {
    format!("\"{}\"", escape(raw))
}

fn write_nesting(out: &mut String, doc: &Document, catalog: &Catalog) {
    // Clusters are numbered in the order they open.
    let mut next_cluster = 0;
    walk(doc, &mut |step, depth| {
        let indent = "    ".repeat(depth + 1);
        match step {
            Step::Component {
                index, component, ..
            } => {
                let kind = catalog.kind_of(component);
                let kind_label = super::cards::kind_name(doc, catalog, component);
                let shape = match kind {
                    Some(k) if k.has(Trait::Datastore) || k.has(Trait::Cache) => "cylinder",
                    Some(k) if k.has(Trait::Client) || k.has(Trait::External) => "oval",
                    Some(k) if k.has(Trait::Broker) => "cds",
                    _ => "box",
                };
                // The only `\n`s in a label are ours, between name, kind and tags.
                let mut label = format!("{}\\n{}", escape(&component.name), escape(kind_label));
                if let Some(tags) = super::cards::tags_line(doc, component) {
                    label.push_str(&format!("\\n{}", escape(&tags)));
                }
                let _ = writeln!(
                    out,
                    "{indent}{} [label=\"{label}\", shape={shape}];",
                    node(index)
                );
            }
            Step::Enter { group, .. } => {
                let _ = writeln!(out, "{indent}subgraph cluster_{next_cluster} {{");
                next_cluster += 1;
                let _ = writeln!(
                    out,
                    "{indent}    label={};",
                    quoted(&format!("{} ({})", group.name, group.kind.label()))
                );
                let _ = writeln!(out, "{indent}    style=rounded;");
            }
            Step::Leave => {
                let _ = writeln!(out, "{indent}}}");
            }
        }
    });
}

impl Exporter for DotExporter {
    fn draws_views(&self) -> bool {
        true
    }

    fn format(&self) -> &'static Format {
        &Format {
            id: "dot",
            label: "Graphviz DOT",
            extension: Some("dot"),
        }
    }

    fn export(
        &self,
        doc: &Document,
        catalog: &Catalog,
        _options: &ExportOptions,
    ) -> Result<Output, ExportError> {
        let mut out = String::from("digraph archsmith {\n");
        let _ = writeln!(
            out,
            "    graph [rankdir=LR, compound=true, fontname=\"Inter\", label={}];",
            quoted(&doc.meta.name)
        );
        out.push_str("    node [style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Inter\", fontsize=11];\n");
        out.push_str("    edge [fontname=\"Inter\", fontsize=9];\n");
        write_nesting(&mut out, doc, catalog);
        for edge in edges(doc, catalog) {
            let style = match edge.style {
                ConnectionStyle::Sync => "solid",
                ConnectionStyle::Async => "dashed",
                ConnectionStyle::Telemetry => "dotted",
            };
            // An edge drawn against its connection (a consume, from the broker) keeps the
            // connection's direction for ranking and turns its arrow round: ranked from the
            // broker, Graphviz 2.43 lost edges between clusters ("in routesplines,
            // Pshortestpath failed ... lost edge" on the saas reference model), and its
            // `newrank`, which avoids that, drew clusters over each other.
            let (tail, head, back) = if catalog.drawn_backwards(&doc.connections()[edge.connection])
            {
                (edge.to, edge.from, ", dir=back")
            } else {
                (edge.from, edge.to, "")
            };
            let _ = writeln!(
                out,
                "    {} -> {} [label={}, style={style}{back}];",
                node(tail),
                node(head),
                quoted(&edge.label)
            );
        }
        out.push_str("}\n");
        Ok(Output::File(out.into_bytes()))
    }
}
