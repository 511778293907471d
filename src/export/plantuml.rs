//! PlantUML deployment-style diagram. Only syntax that the PlantUML of Debian (1.2020) parses
//! offline: no `!include` of the C4 standard library, no newer arrow styles.
//!
//! Boundaries become nested packages, frames or nodes; components take a shape by trait;
//! connection styles become arrow styles with a legend.

use std::fmt::Write;

use super::tree::{Step, edges, group_node, node, walk};
use super::{ExportError, ExportOptions, Exporter, Format, Output};
use crate::catalog::{Catalog, Category, ConnectionStyle, Trait};
use crate::model::{Component, Document, GroupKind};
use crate::palette;

#[derive(Debug)]
pub struct PlantUmlExporter;

/// User text for a quoted PlantUML label. Everything but letters, digits and spaces becomes a
/// `<U+XXXX>` creole escape: quotes cannot close the label, and neither the preprocessor
/// (`!`, `%function()`, `$variable`) nor creole markup nor `\n` ever sees the raw character.
/// (`&#N;` escapes crash PlantUML 1.2020 on `\` and `$`; `<U+XXXX>` does not.)
pub(crate) fn text(raw: &str) -> String {
    super::escape_all_but_alphanumerics(raw, char::is_control, |out, c| {
        let _ = write!(out, "<U+{:04X}>", u32::from(c));
    })
}

fn shape(catalog: &Catalog, component: &Component) -> &'static str {
    let kind = catalog.kind_of(component);
    let has = |t| kind.is_some_and(|k| k.has(t));
    if has(Trait::Datastore) || has(Trait::Cache) {
        "database"
    } else if has(Trait::Broker) {
        "queue"
    } else if has(Trait::External) {
        "cloud"
    } else if has(Trait::Client) {
        "card"
    } else {
        "rectangle"
    }
}

fn container(kind: GroupKind) -> &'static str {
    match kind {
        GroupKind::TrustZone | GroupKind::BoundedContext => "frame",
        GroupKind::K8sCluster | GroupKind::K8sNamespace => "node",
        _ => "package",
    }
}

/// Arrow by behaviour: sync solid, async dashed, telemetry dotted and grey.
fn arrow(style: ConnectionStyle) -> String {
    let colour = palette::connection(Some(style)).hex();
    match style {
        ConnectionStyle::Sync => format!("-[{colour}]->"),
        ConnectionStyle::Async => format!("-[{colour},dashed]->"),
        ConnectionStyle::Telemetry => format!("-[{colour},dotted]->"),
    }
}

fn write_nesting(out: &mut String, doc: &Document, catalog: &Catalog) {
    walk(doc, &mut |step, depth| {
        let indent = "  ".repeat(depth);
        match step {
            Step::Component {
                index, component, ..
            } => {
                let kind_label = super::cards::kind_name(doc, catalog, component);
                let tags = super::cards::tags_line(doc, component)
                    .map(|tags| format!("\\n<size:10>{}</size>", text(&tags)))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "{indent}{} \"{}\\n<size:10>{}</size>{tags}\" as {} <<{}>>",
                    shape(catalog, component),
                    text(&component.name),
                    text(kind_label),
                    node(index),
                    // Kind ids are catalog slugs (`[a-z0-9-]`), never user text.
                    component.kind.as_str(),
                );
            }
            Step::Enter { index, group, .. } => {
                let _ = writeln!(
                    out,
                    "{indent}{} \"{}\" as {} <<{}>> {{",
                    container(group.kind),
                    text(&group.name),
                    group_node(index),
                    text(group.kind.label()),
                );
            }
            Step::Leave => {
                let _ = writeln!(out, "{indent}}}");
            }
        }
    });
}

impl Exporter for PlantUmlExporter {
    fn draws_views(&self) -> bool {
        true
    }

    fn format(&self) -> &'static Format {
        &Format {
            id: "plantuml",
            label: "PlantUML",
            extension: Some("puml"),
        }
    }

    fn export(
        &self,
        doc: &Document,
        catalog: &Catalog,
        _options: &ExportOptions,
    ) -> Result<Output, ExportError> {
        let mut out = String::from("@startuml\n");
        let _ = writeln!(out, "title {}", text(&doc.meta.name));
        out.push_str("left to right direction\n");
        out.push_str("skinparam shadowing false\n");
        out.push_str("skinparam defaultTextAlignment center\n");
        let _ = writeln!(
            out,
            "skinparam ArrowColor {}",
            palette::connection(None).hex()
        );
        let _ = writeln!(out, "skinparam BackgroundColor {}", palette::CARD.hex());
        for (element, category) in [
            ("rectangle", Category::Compute),
            ("database", Category::Data),
            ("queue", Category::Messaging),
            ("cloud", Category::Client),
            ("card", Category::Client),
        ] {
            let _ = writeln!(
                out,
                "skinparam {element} {{\n  BackgroundColor {}\n  BorderColor {}\n}}",
                palette::CARD.hex(),
                palette::category(category).hex()
            );
        }
        let _ = writeln!(
            out,
            "skinparam package {{\n  BorderColor {}\n}}",
            palette::SUBTEXT.hex()
        );
        write_nesting(&mut out, doc, catalog);
        for edge in edges(doc, catalog) {
            let _ = writeln!(
                out,
                "{} {} {} : {}",
                node(edge.from),
                arrow(edge.style),
                node(edge.to),
                text(&edge.label)
            );
        }
        out.push_str("legend right\n");
        out.push_str("  solid: sync call\n  dashed: async message\n  dotted: telemetry\n");
        out.push_str("endlegend\n@enduml\n");
        Ok(Output::File(out.into_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::text;

    /// The text with every `<U+XXXX>` escape removed.
    fn unescaped_part(escaped: &str) -> String {
        let mut rest = escaped;
        let mut out = String::new();
        while let Some(start) = rest.find("<U+") {
            out.push_str(&rest[..start]);
            let end = rest[start..]
                .find('>')
                .map_or(rest.len(), |e| start + e + 1);
            rest = &rest[end..];
        }
        out.push_str(rest);
        out
    }

    #[test]
    fn markup_quotes_and_preprocessor_characters_are_escaped() {
        let escaped = text("\"x\" %getenv(HOME) $v \\n <b>");
        let bare = unescaped_part(&escaped);
        for raw in ['"', '%', '$', '\\', '<', '>', '(', ')'] {
            assert!(!bare.contains(raw), "{raw} survived in {escaped}");
        }
        assert!(escaped.contains("<U+0022>x<U+0022>"));
    }
}
