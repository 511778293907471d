//! Mermaid flowchart: boundaries become nested subgraphs, connection styles become arrow
//! styles (sync solid, async dashed, telemetry dotted and grey).

use std::fmt::Write;

use super::tree::{Step, edges, group_node, node, walk};
use super::{ExportError, ExportOptions, Exporter, Format, Output};
use crate::catalog::{Catalog, ConnectionStyle, Trait};
use crate::model::{Component, Document};

#[derive(Debug)]
pub struct MermaidExporter;

/// Text for a quoted Mermaid label. Everything but letters, digits and spaces becomes an
/// entity code, so user text can never close the label or inject markup.
pub(crate) fn text(raw: &str) -> String {
    let line_break = |c: char| matches!(c, '\n' | '\r' | '\t');
    super::escape_all_but_alphanumerics(raw, line_break, |out, c| {
        let _ = write!(out, "#{};", u32::from(c));
    })
}

/// A YAML double-quoted scalar for the front matter title.
fn yaml_quoted(raw: &str) -> String {
    let mut out = String::from("\"");
    for c in raw.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn shape(catalog: &Catalog, component: &Component, label: &str) -> String {
    let kind = catalog.kind_of(component);
    let has = |t| kind.is_some_and(|k| k.has(t));
    if has(Trait::Datastore) || has(Trait::Cache) {
        format!("[(\"{label}\")]")
    } else if has(Trait::Client) || has(Trait::External) {
        format!("([\"{label}\"])")
    } else if has(Trait::Broker) {
        format!("{{{{\"{label}\"}}}}")
    } else {
        format!("[\"{label}\"]")
    }
}

fn write_nesting(out: &mut String, doc: &Document, catalog: &Catalog) {
    walk(doc, &mut |step, depth| {
        let indent = "    ".repeat(depth + 1);
        match step {
            Step::Component {
                index, component, ..
            } => {
                let kind = super::cards::kind_name(doc, catalog, component);
                let mut label = format!(
                    "{}<br/><small>{}</small>",
                    text(&component.name),
                    text(kind)
                );
                if let Some(tags) = super::cards::tags_line(doc, component) {
                    label.push_str(&format!("<br/><small>{}</small>", text(&tags)));
                }
                let _ = writeln!(
                    out,
                    "{indent}{}{}",
                    node(index),
                    shape(catalog, component, &label)
                );
            }
            Step::Enter { index, group, .. } => {
                let _ = writeln!(
                    out,
                    "{indent}subgraph {}[\"{}\"]",
                    group_node(index),
                    text(&format!("{} ({})", group.name, group.kind.label()))
                );
                let _ = writeln!(out, "{indent}    direction LR");
            }
            Step::Leave => {
                let _ = writeln!(out, "{indent}end");
            }
        }
    });
}

impl Exporter for MermaidExporter {
    fn draws_views(&self) -> bool {
        true
    }

    fn format(&self) -> &'static Format {
        &Format {
            id: "mermaid",
            label: "Mermaid flowchart",
            extension: Some("mmd"),
        }
    }

    fn export(
        &self,
        doc: &Document,
        catalog: &Catalog,
        _options: &ExportOptions,
    ) -> Result<Output, ExportError> {
        let mut out = String::new();
        let _ = writeln!(out, "---\ntitle: {}\n---", yaml_quoted(&doc.meta.name));
        out.push_str("flowchart LR\n");
        write_nesting(&mut out, doc, catalog);
        let mut styles = Vec::new();
        for (link, edge) in edges(doc, catalog).into_iter().enumerate() {
            let arrow = if edge.style == ConnectionStyle::Sync {
                "-->"
            } else {
                "-.->"
            };
            let _ = writeln!(
                out,
                "    {} {arrow}|\"{}\"| {}",
                node(edge.from),
                text(&edge.label),
                node(edge.to)
            );
            match edge.style {
                ConnectionStyle::Telemetry => styles.push(format!(
                    "    linkStyle {link} stroke:#94a3b8,stroke-dasharray:2 3"
                )),
                ConnectionStyle::Async => {
                    styles.push(format!("    linkStyle {link} stroke:#d97706"));
                }
                ConnectionStyle::Sync => {}
            }
        }
        for style in styles {
            out.push_str(&style);
            out.push('\n');
        }
        Ok(Output::File(out.into_bytes()))
    }
}
