//! Mermaid `architecture-beta`: boundaries become nested groups, components services with the
//! built-in icon closest to their kind. The grammar has no edge labels, so each edge is
//! preceded by a comment naming its connection kind and behaviour.

use std::fmt::Write;

use super::tree::{Step, edges, group_node, node, walk};
use super::{ExportError, ExportOptions, Exporter, Format, Output};
use crate::catalog::{Catalog, Category, ConnectionStyle, Trait};
use crate::model::{Component, Document, GroupKind};

#[derive(Debug)]
pub struct MermaidArchitectureExporter;

/// A title for `[...]`: the grammar accepts only word characters and spaces there, so every
/// other character becomes a space. `fallback` stands in when nothing is left.
fn title(raw: &str, fallback: &str) -> String {
    let kept: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                ' '
            }
        })
        .collect();
    let words: Vec<&str> = kept.split_whitespace().collect();
    if words.is_empty() {
        fallback.to_owned()
    } else {
        words.join(" ")
    }
}

/// Text inside a `%%` comment: one line, no way to start a directive.
fn comment(raw: &str) -> String {
    raw.chars()
        .map(|c| {
            if c.is_control() || c == '{' || c == '}' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

fn icon(catalog: &Catalog, component: &Component) -> &'static str {
    let Some(kind) = catalog.kind_of(component) else {
        return "server";
    };
    if kind.id.as_str() == "object-storage" {
        "disk"
    } else if kind.has(Trait::Datastore) || kind.has(Trait::Cache) {
        "database"
    } else if kind.has(Trait::Client)
        || kind.has(Trait::External)
        || kind.category == Category::Edge
    {
        "internet"
    } else {
        "server"
    }
}

fn group_icon(kind: GroupKind) -> &'static str {
    match kind {
        GroupKind::Region | GroupKind::Vpc => "cloud",
        _ => "server",
    }
}

fn write_nesting(out: &mut String, doc: &Document, catalog: &Catalog) {
    let placement = |parent: Option<usize>| {
        parent
            .map(|p| format!(" in {}", group_node(p)))
            .unwrap_or_default()
    };
    walk(doc, &mut |step, _| match step {
        // A group is declared before its members, so `in gN` always names a known group.
        Step::Enter {
            index,
            group,
            parent,
        } => {
            let _ = writeln!(
                out,
                "    group {}({})[{}]{}",
                group_node(index),
                group_icon(group.kind),
                title(&group.name, group.kind.label()),
                placement(parent)
            );
        }
        Step::Component {
            index,
            component,
            parent,
        } => {
            let kind = super::cards::kind_name(doc, catalog, component);
            let _ = writeln!(
                out,
                "    service {}({})[{}]{}",
                node(index),
                icon(catalog, component),
                title(&component.name, &title(kind, "component")),
                placement(parent)
            );
        }
        Step::Leave => {}
    });
}

impl Exporter for MermaidArchitectureExporter {
    fn draws_views(&self) -> bool {
        true
    }

    fn format(&self) -> &'static Format {
        &Format {
            id: "mermaid-architecture",
            label: "Mermaid architecture",
            extension: Some("mmd"),
        }
    }

    fn export(
        &self,
        doc: &Document,
        catalog: &Catalog,
        _options: &ExportOptions,
    ) -> Result<Output, ExportError> {
        let mut out = String::from("architecture-beta\n");
        let _ = writeln!(out, "    %% {}", comment(&doc.meta.name));
        write_nesting(&mut out, doc, catalog);
        for edge in edges(doc, catalog) {
            let behaviour = match edge.style {
                ConnectionStyle::Sync => "sync",
                ConnectionStyle::Async => "async",
                ConnectionStyle::Telemetry => "telemetry",
            };
            let _ = writeln!(out, "    %% {behaviour}: {}", comment(&edge.label));
            let _ = writeln!(out, "    {}:R --> L:{}", node(edge.from), node(edge.to));
        }
        Ok(Output::File(out.into_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_keep_only_word_characters() {
        assert_eq!(title("</text> \"]; x --> y", "k"), "text x y");
        assert_eq!(title("%%%", "Go service"), "Go service");
    }
}
