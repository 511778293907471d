//! Structurizr DSL: one software system whose containers are the components (external
//! systems are software systems of their own), groups for the boundaries, relationships with
//! technology and behaviour tags, a deployment environment of the network boundaries, a
//! container and a deployment view of everything, one view per model view, and element and
//! relationship styles.

use std::fmt::Write;

use std::collections::BTreeMap;

use super::tree::{Step, edges, group_node, node, walk};
use super::{ExportError, ExportOptions, Exporter, Format, Output};
use crate::catalog::{Catalog, ConnectionStyle, Trait};
use crate::model::{Component, Document, GroupId, GroupKind, ViewLevel};
use crate::view;

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

/// An element's tags: what it is, its kind, and the trust zones and contexts it belongs to
/// besides its group (see [`super::cards::tagged_groups`]), their commas made spaces, as
/// Structurizr splits tags on commas.
fn tags(doc: &Document, catalog: &Catalog, component: &Component) -> String {
    let mut tags = format!("{},{}", tag(catalog, component), component.kind.as_str());
    for group in super::cards::tagged_groups(doc, component) {
        tags.push(',');
        tags.push_str(&group.name.replace(',', " "));
    }
    tags
}

fn tag(catalog: &Catalog, component: &Component) -> &'static str {
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
            } if !view::is_outside(catalog, component) => {
                let technology = super::cards::kind_name(doc, catalog, component);
                let _ = writeln!(
                    out,
                    "{indent}{} = container {} {} {} {}",
                    node(index),
                    string(&component.name),
                    string(&component.description),
                    string(technology),
                    string(&tags(doc, catalog, component)),
                );
            }
            Step::Enter { group, .. } => {
                // Nested groups join their names with the separator: it must not occur in one.
                let name = format!("{} ({})", group.name, group.kind.label())
                    .replace(GROUP_SEPARATOR, "¦");
                let _ = writeln!(out, "{indent}group {} {{", string(&name));
            }
            Step::Component { .. } => {}
            Step::Leave => {
                let _ = writeln!(out, "{indent}}}");
            }
        }
    });
}

/// What nested groups' names are joined with (`structurizr.groupSeparator`, without which
/// Structurizr refuses nested groups).
const GROUP_SEPARATOR: char = '|';

/// Identifier of a component's container instance in the deployment environment.
fn instance(index: usize) -> String {
    format!("i{index}")
}

/// The other systems, next to the modelled one.
fn write_other_systems(out: &mut String, doc: &Document, catalog: &Catalog) {
    for (index, component) in doc.components().iter().enumerate() {
        if view::is_outside(catalog, component) {
            let _ = writeln!(
                out,
                "        {} = softwareSystem {} {} {}",
                node(index),
                string(&component.name),
                string(&component.description),
                string(&format!("Outside,{}", component.kind.as_str())),
            );
        }
    }
}

/// The deployment environment: network boundaries, clusters and namespaces as nested
/// deployment nodes (logical boundaries are looked through), each container as an instance
/// in the innermost one that holds it; containers placed in none share one node.
fn write_deployment(out: &mut String, doc: &Document, catalog: &Catalog) {
    let node_of = |group: Option<&GroupId>| -> Option<usize> {
        doc.group_chain(group)
            .into_iter()
            .find(|g| GroupKind::is_deployment(g.kind))
            .and_then(|g| doc.groups().iter().position(|x| x.id == g.id))
    };
    let mut children: BTreeMap<Option<usize>, Vec<usize>> = BTreeMap::new();
    for (index, group) in doc.groups().iter().enumerate() {
        if GroupKind::is_deployment(group.kind) {
            children
                .entry(node_of(group.parent.as_ref()))
                .or_default()
                .push(index);
        }
    }
    let mut instances: BTreeMap<Option<usize>, Vec<usize>> = BTreeMap::new();
    for (index, component) in doc.components().iter().enumerate() {
        if !view::is_outside(catalog, component) {
            instances
                .entry(node_of(component.group.as_ref()))
                .or_default()
                .push(index);
        }
    }
    fn write_node(
        out: &mut String,
        doc: &Document,
        group: usize,
        depth: usize,
        children: &BTreeMap<Option<usize>, Vec<usize>>,
        instances: &BTreeMap<Option<usize>, Vec<usize>>,
    ) {
        let indent = "    ".repeat(depth);
        let g = &doc.groups()[group];
        let technology = match &g.location {
            Some(location) => format!("{} {location}", g.kind.label()),
            None => g.kind.label().to_owned(),
        };
        let _ = writeln!(
            out,
            "{indent}{} = deploymentNode {} {} {} {{",
            group_node(group),
            string(&g.name),
            string(&g.description),
            string(&technology)
        );
        for &c in instances.get(&Some(group)).into_iter().flatten() {
            let _ = writeln!(
                out,
                "{indent}    {} = containerInstance {}",
                instance(c),
                node(c)
            );
        }
        for &child in children.get(&Some(group)).into_iter().flatten() {
            write_node(out, doc, child, depth + 1, children, instances);
        }
        let _ = writeln!(out, "{indent}}}");
    }
    out.push_str("        live = deploymentEnvironment \"Live\" {\n");
    for &root in children.get(&None).into_iter().flatten() {
        write_node(out, doc, root, 3, &children, &instances);
    }
    if let Some(unplaced) = instances.get(&None) {
        out.push_str(
            "            unplaced = deploymentNode \"Global services\" \"Components the model places in no network boundary, such as DNS, CDN and WAF\" {\n",
        );
        for &c in unplaced {
            let _ = writeln!(
                out,
                "                {} = containerInstance {}",
                instance(c),
                node(c)
            );
        }
        out.push_str("            }\n");
    }
    out.push_str("        }\n");
}

/// One Structurizr view per model view, drawing what the view's projection shows: context
/// views as system context views, dynamic views step by step, deployment views over the
/// container instances.
/// `labels`: each relationship's description by connection position, which a dynamic view's
/// step repeats to name the relationship it takes.
fn write_views(
    out: &mut String,
    doc: &Document,
    catalog: &Catalog,
    labels: &BTreeMap<usize, String>,
) {
    for view in doc.views() {
        let projection = view::project(doc, catalog, view);
        let shown: Vec<usize> = projection
            .doc
            .components()
            .iter()
            .filter_map(|c| doc.component_index(c.id.as_str()))
            .collect();
        let key = string(view.id.as_str());
        let description = string(&view.name);
        if view.flow.is_some() {
            let _ = writeln!(out, "        dynamic system {key} {description} {{");
            for step in &projection.steps {
                let Some(c) = doc.connection_index(step.as_str()) else {
                    continue;
                };
                let (from, to) = catalog.drawn_ends(&doc.connections()[c]);
                let (Some(from), Some(to)) = (
                    doc.component_index(from.as_str()),
                    doc.component_index(to.as_str()),
                ) else {
                    continue;
                };
                let label = labels.get(&c).map_or("", String::as_str);
                let _ = writeln!(
                    out,
                    "            {} -> {} {}",
                    node(from),
                    node(to),
                    string(label)
                );
            }
        } else {
            let (header, element): (String, fn(usize) -> String) = match view.level {
                ViewLevel::Context => (format!("systemContext system {key} {description}"), node),
                ViewLevel::Container => (format!("container system {key} {description}"), node),
                ViewLevel::Deployment => (
                    format!("deployment system \"Live\" {key} {description}"),
                    |c| instance(c),
                ),
            };
            let _ = writeln!(out, "        {header} {{");
            let mut include: Vec<String> = Vec::new();
            if view.level == ViewLevel::Context {
                include.push("system".to_owned());
            }
            for &c in &shown {
                let other = view::is_outside(catalog, &doc.components()[c]);
                let drawn = match view.level {
                    // The context view draws the system and the other systems around it.
                    ViewLevel::Context => other,
                    ViewLevel::Container => true,
                    ViewLevel::Deployment => !other,
                };
                if drawn {
                    include.push(element(c));
                }
            }
            if !include.is_empty() {
                let _ = writeln!(out, "            include {}", include.join(" "));
            }
        }
        out.push_str("            autoLayout lr\n        }\n");
    }
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
            "workspace {} {} {{\n    model {{\n        properties {{\n            \"structurizr.groupSeparator\" \"{GROUP_SEPARATOR}\"\n        }}",
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
        write_other_systems(&mut out, doc, catalog);
        let edges = edges(doc, catalog);
        for edge in &edges {
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
        write_deployment(&mut out, doc, catalog);
        out.push_str(
            r#"    }
    views {
        container system "Containers" {
            include *
            autoLayout lr
        }
        deployment system "Live" "Deployment" {
            include *
            autoLayout lr
        }
"#,
        );
        let labels: BTreeMap<usize, String> =
            edges.into_iter().map(|e| (e.connection, e.label)).collect();
        write_views(&mut out, doc, catalog, &labels);
        out.push_str(
            r#"        styles {
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
