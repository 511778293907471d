//! Structurizr DSL: one software system whose containers are the components, groups for the
//! boundaries, relationships with technology and behaviour tags, and a container view with
//! element and relationship styles.

use std::fmt::Write;

use super::tree::{Step, edges, node, walk};
use super::{ExportError, ExportOptions, Exporter, Format, Output};
use crate::catalog::{Catalog, ConnectionStyle, Trait};
use crate::model::Document;

#[derive(Debug)]
pub struct StructurizrExporter;

/// User text as a DSL string. The DSL substitutes `${NAME}` inside strings and has no escape
/// for a double quote that every Structurizr version honours, so quotes become typographic
/// quotes, `${` loses its meaning, backslashes become slashes and line breaks spaces.
pub(crate) fn string(raw: &str) -> String {
    let mut out = String::from("\"");
    for c in raw.chars() {
        match c {
            '"' => out.push('\u{201d}'),
            '\\' => out.push('/'),
            '{' if out.ends_with('$') => out.push_str(" {"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn tag(catalog: &Catalog, component: &crate::model::Component) -> &'static str {
    let kind = catalog.kind_of(component);
    let has = |t| kind.is_some_and(|k| k.has(t));
    if has(Trait::Datastore) || has(Trait::Cache) {
        "Datastore"
    } else if has(Trait::Broker) {
        "Broker"
    } else if has(Trait::Client) || has(Trait::External) {
        "Outside"
    } else {
        "Runtime"
    }
}

fn write_nesting(out: &mut String, doc: &Document, catalog: &Catalog) {
    walk(doc, &mut |step, depth| {
        let indent = "    ".repeat(depth + 3);
        match step {
            Step::Component {
                index, component, ..
            } => {
                let technology = catalog.kind_label(component);
                let _ = writeln!(
                    out,
                    "{indent}{} = container {} {} {} {}",
                    node(index),
                    string(&component.name),
                    string(&component.description),
                    string(technology),
                    string(&format!(
                        "{},{}",
                        tag(catalog, component),
                        component.kind.as_str()
                    )),
                );
            }
            Step::Enter { group, .. } => {
                let _ = writeln!(
                    out,
                    "{indent}group {} {{",
                    string(&format!("{} ({})", group.name, group.kind.label()))
                );
            }
            Step::Leave => {
                let _ = writeln!(out, "{indent}}}");
            }
        }
    });
}

impl Exporter for StructurizrExporter {
    fn format(&self) -> &'static Format {
        &Format {
            id: "structurizr",
            label: "Structurizr DSL",
            extension: Some("dsl"),
        }
    }

    fn export(
        &self,
        doc: &Document,
        catalog: &Catalog,
        _options: &ExportOptions,
    ) -> Result<Output, ExportError> {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "workspace {} {} {{\n    model {{",
            string(&doc.meta.name),
            string(&doc.meta.description)
        );
        let _ = writeln!(
            out,
            "        system = softwareSystem {} {{",
            string(&doc.meta.name)
        );
        write_nesting(&mut out, doc, catalog);
        out.push_str("        }\n");
        for edge in edges(doc, catalog) {
            let behaviour = match edge.style {
                ConnectionStyle::Sync => "Sync",
                ConnectionStyle::Async => "Async",
                ConnectionStyle::Telemetry => "Telemetry",
            };
            let connection = &doc.connections()[edge.connection];
            let _ = writeln!(
                out,
                "        {} -> {} {} {} {}",
                node(edge.from),
                node(edge.to),
                string(&edge.label),
                string(connection.kind.as_str()),
                string(behaviour)
            );
        }
        out.push_str(
            r#"    }
    views {
        container system "Containers" {
            include *
            autoLayout lr
        }
        styles {
            element "Container" {
                background #ffffff
                color #0f172a
                stroke #2563eb
            }
            element "Datastore" {
                shape cylinder
                stroke #059669
            }
            element "Broker" {
                shape pipe
                stroke #d97706
            }
            element "Outside" {
                shape roundedbox
                stroke #64748b
            }
            relationship "Async" {
                style dashed
                color #d97706
            }
            relationship "Telemetry" {
                style dotted
                color #94a3b8
            }
        }
    }
}
"#,
        );
        Ok(Output::File(out.into_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::string;

    #[test]
    fn quotes_and_substitutions_cannot_escape_the_string() {
        let s = string("a\"b ${file(\"x\")} \\ \n");
        assert_eq!(s.matches('"').count(), 2, "{s}");
        assert!(!s.contains("${"), "{s}");
    }
}
