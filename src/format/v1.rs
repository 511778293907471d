//! Version 1 of the file format, kept to migrate old files. Version 1 called components
//! `nodes` and connections `edges`, stored flat coordinates, used a few older kind names and
//! let edges go without ids.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::model::{
    Component, ComponentId, Connection, ConnectionId, ConnectionKindId, Document, Group, GroupId,
    GroupKind, IdError, KindId, Meta, Point, Properties, Rect, Size,
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileV1 {
    #[allow(dead_code, reason = "read to check the file says what it is")]
    version: u32,
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    groups: Vec<GroupV1>,
    #[serde(default)]
    nodes: Vec<NodeV1>,
    #[serde(default)]
    edges: Vec<EdgeV1>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupV1 {
    id: GroupId,
    kind: GroupKind,
    name: String,
    #[serde(default)]
    parent: Option<GroupId>,
    x: f32,
    y: f32,
    w: f32,
    h: f32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeV1 {
    id: ComponentId,
    kind: String,
    name: String,
    x: f32,
    y: f32,
    #[serde(default)]
    group: Option<GroupId>,
    #[serde(default)]
    props: Properties,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EdgeV1 {
    #[serde(default)]
    id: Option<ConnectionId>,
    from: ComponentId,
    to: ComponentId,
    kind: String,
    #[serde(default)]
    label: String,
}

/// Kind ids renamed since version 1.
fn component_kind(v1: &str) -> &str {
    match v1 {
        "postgres" => "postgresql",
        "mongo" => "mongodb",
        "lambda" => "function",
        "s3" => "object-storage",
        "lb" => "load-balancer",
        "gateway" => "api-gateway",
        other => other,
    }
}

fn connection_kind(v1: &str) -> &str {
    match v1 {
        "rest" => "http",
        "query" => "db_query",
        "cache" => "cache_lookup",
        "metrics" | "logs" | "traces" => "telemetry",
        other => other,
    }
}

/// Upgrades a version 1 file to the current model.
pub(super) fn migrate(file: FileV1) -> Result<Document, IdError> {
    let mut doc = Document::new(Meta {
        name: file.name,
        description: file.description,
        ..Meta::default()
    });
    for group in file.groups {
        doc.groups.push(Group {
            id: group.id,
            kind: group.kind,
            name: group.name,
            description: String::new(),
            location: None,
            parent: group.parent,
            rect: Rect::new(group.x, group.y, group.w, group.h),
        });
    }
    for node in file.nodes {
        let mut component = Component::new(
            node.id,
            KindId::new(component_kind(&node.kind)),
            node.name,
            Point::new(node.x, node.y),
        );
        component.group = node.group;
        component.properties = node.props;
        component.size = Size::default();
        doc.components.push(component);
    }
    let mut taken: BTreeMap<String, usize> = BTreeMap::new();
    for edge in file.edges {
        let id = match edge.id {
            Some(id) => id,
            None => {
                // Version 1 allowed anonymous edges; give each a stable, readable id.
                let base = format!("{}-to-{}", edge.from, edge.to);
                let n = taken.entry(base.clone()).or_default();
                *n += 1;
                let candidate = if *n == 1 { base } else { format!("{base}-{n}") };
                ConnectionId::new(crate::model::slugify(&candidate))?
            }
        };
        let mut connection = Connection::new(
            id,
            edge.from,
            edge.to,
            ConnectionKindId::new(connection_kind(&edge.kind)),
        );
        connection.label = edge.label;
        doc.connections.push(connection);
    }
    doc.normalize();
    Ok(doc)
}
