//! Structural checks: everything that makes a document well-formed, independent of
//! architecture rules. Loading refuses a document with any of these problems; edit
//! operations run the same checks on what they touch.

mod data;
mod operations;

pub(crate) use operations::is_identifier;

/// A connection's queries against the store they go to (see [`data::check_queries`]).
pub(crate) fn check_queries(
    connection: &Connection,
    target: Option<&Component>,
    out: &mut Vec<Problem>,
) {
    data::check_queries(connection, target, true, out);
}

use std::collections::BTreeSet;

use rustc_hash::FxHashMap;

use crate::catalog::{
    Catalog, IllegalConnection, PropertySpec, PropertyTypeError, Trait, did_you_mean, suggestion,
};
use crate::model::{
    CURRENT_VERSION, Component, Connection, Document, Group, GroupKind, IdError, Properties,
    PropertyValue, Rect, View, ViewLevel, check_slug,
};
use crate::text::{
    self, MAX_GROUP_DEPTH, MAX_NAME_CHARS, MAX_TEXT_CHARS, MAX_VALUE_CHARS, TextError, TextKind,
    echo,
};

/// One structural problem. `element` and `field` let callers point at the place in a file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Problem {
    #[error("invalid id: {error}")]
    InvalidId { element: String, error: IdError },
    #[error(
        "duplicate id `{}`: ids must be unique across components, connections, groups and notes", echo(.element)
    )]
    DuplicateId { element: String },
    #[error("component `{}` has unknown kind `{}`{}", echo(.element), echo(.kind), suggestion(.did_you_mean))]
    UnknownKind {
        element: String,
        kind: String,
        did_you_mean: Option<String>,
    },
    #[error("`{}` has unknown property `{}` for kind `{kind}`{}", echo(.element), echo(.key), suggestion(.did_you_mean))]
    UnknownProperty {
        element: String,
        kind: String,
        key: String,
        did_you_mean: Option<String>,
    },
    #[error("`{}` property `{}`: {error}", echo(.element), echo(.key))]
    PropertyType {
        element: String,
        key: String,
        error: PropertyTypeError,
    },
    #[error("`{}` field `{field}` refers to `{}`, which does not exist", echo(.element), echo(.target))]
    DanglingReference {
        element: String,
        field: &'static str,
        target: String,
    },
    #[error("connection `{}` is not allowed: {error}", echo(.element))]
    IllegalConnection {
        element: String,
        error: IllegalConnection,
    },
    #[error("group `{}` is its own ancestor: parents must not form a cycle", echo(.element))]
    GroupCycle { element: String },
    #[error("group `{}` is nested {depth} groups deep; the limit is {MAX_GROUP_DEPTH}", echo(.element))]
    GroupTooDeep { element: String, depth: usize },
    #[error("`{}` has a coordinate or size that is not a finite number within ±{MAX_COORDINATE}, or a negative size", echo(.element))]
    BadGeometry { element: String },
    #[error("`{}` field `{field}` {error}", echo(.element))]
    BadText {
        element: String,
        field: &'static str,
        error: TextError,
    },
    #[error("group `{}` field `location` {reason}", echo(.element))]
    BadLocation {
        element: String,
        reason: &'static str,
    },
    #[error("component `{}` field `member_of`: `{}` {reason}", echo(.element), echo(.group))]
    BadMembership {
        element: String,
        group: String,
        reason: &'static str,
    },
    #[error("component `{}` topic `{}`: {reason}", echo(.element), echo(.topic))]
    BadTopic {
        element: String,
        topic: String,
        reason: String,
    },
    #[error("connection `{}` operation `{}`: {reason}", echo(.element), echo(.operation))]
    BadOperation {
        element: String,
        operation: String,
        reason: String,
    },
    #[error("component `{}` entity `{}`: {reason}", echo(.element), echo(.entity))]
    BadEntity {
        element: String,
        entity: String,
        reason: String,
    },
    #[error("connection `{}` query of `{}`: {reason}", echo(.element), echo(.query))]
    BadQuery {
        element: String,
        query: String,
        reason: String,
    },
    #[error("meta field `tenant_key` `{}` is not an identifier (letters, digits and `_`)", echo(.key))]
    BadTenantKey { key: String },
    #[error("waiver for rule `{}` names `{}`, which does not exist", echo(.rule), echo(.element))]
    DanglingWaiver { rule: String, element: String },
    #[error("waiver for rule `{}` on `{}` needs a reason", echo(.rule), echo(.element))]
    WaiverWithoutReason { rule: String, element: String },
    #[error("version {found} is newer than this Archsmith understands (up to {CURRENT_VERSION})")]
    UnsupportedVersion { found: u32 },
}

impl Problem {
    /// The id of the element the problem is about, and the field within it, when known.
    pub fn anchor(&self) -> (Option<&str>, Option<&str>) {
        match self {
            Self::InvalidId { element, .. }
            | Self::DuplicateId { element }
            | Self::GroupCycle { element }
            | Self::GroupTooDeep { element, .. }
            | Self::BadGeometry { element } => (Some(element), None),
            Self::BadText { element, field, .. } => (Some(element), Some(field)),
            Self::BadLocation { element, .. } => (Some(element), Some("location")),
            Self::UnknownKind { element, .. } => (Some(element), Some("kind")),
            Self::UnknownProperty { element, key, .. }
            | Self::PropertyType { element, key, .. } => (Some(element), Some(key)),
            Self::DanglingReference { element, field, .. } => (Some(element), Some(field)),
            Self::BadMembership { element, .. } => (Some(element), Some("member_of")),
            Self::BadTopic { element, .. } => (Some(element), Some("topics")),
            Self::BadOperation { element, .. } => (Some(element), Some("operations")),
            Self::BadEntity { element, .. } => (Some(element), Some("entities")),
            Self::BadQuery { element, .. } => (Some(element), Some("queries")),
            Self::BadTenantKey { .. } => (None, Some("tenant_key")),
            Self::IllegalConnection { element, .. } => (Some(element), Some("kind")),
            Self::DanglingWaiver { element, .. } | Self::WaiverWithoutReason { element, .. } => {
                (Some(element), None)
            }
            Self::UnsupportedVersion { .. } => (None, Some("version")),
        }
    }
}

/// Checks one text field of `element`, recording a [`Problem::BadText`].
fn check_text(
    element: &str,
    field: &'static str,
    value: &str,
    kind: TextKind,
    max_chars: usize,
    out: &mut Vec<Problem>,
) {
    if let Err(error) = text::check(value, kind, max_chars) {
        out.push(Problem::BadText {
            element: element.to_owned(),
            field,
            error,
        });
    }
}

fn check_name(element: &str, name: &str, out: &mut Vec<Problem>) {
    check_text(element, "name", name, TextKind::Line, MAX_NAME_CHARS, out);
}

fn check_description(element: &str, field: &'static str, value: &str, out: &mut Vec<Problem>) {
    check_text(
        element,
        field,
        value,
        TextKind::Multiline,
        MAX_TEXT_CHARS,
        out,
    );
}

/// Text values and keys of properties are one line each, like names.
fn check_property_text(element: &str, properties: &Properties, out: &mut Vec<Problem>) {
    for (key, value) in properties {
        check_text(
            element,
            "properties",
            key,
            TextKind::Line,
            MAX_NAME_CHARS,
            out,
        );
        if let PropertyValue::Text(value) = value {
            check_text(
                element,
                "properties",
                value,
                TextKind::Line,
                MAX_VALUE_CHARS,
                out,
            );
        }
    }
}

/// The farthest a coordinate or size may reach on the canvas: ten million pixels is some
/// thousand screens across, and keeps the layout's arithmetic (grid cells, route tracks) in
/// range.
pub const MAX_COORDINATE: f32 = 10_000_000.0;

/// A coordinate the canvas can hold: finite and within [`MAX_COORDINATE`].
fn sane(value: f32) -> bool {
    value.is_finite() && value.abs() <= MAX_COORDINATE
}

fn sane_point(x: f32, y: f32) -> bool {
    sane(x) && sane(y)
}

fn finite_rect(rect: &Rect) -> bool {
    [rect.x, rect.y, rect.w, rect.h].into_iter().all(sane) && rect.w >= 0.0 && rect.h >= 0.0
}

/// Checks properties against a schema.
pub(crate) fn check_properties<'a>(
    element: &str,
    kind: &str,
    properties: &Properties,
    specs: impl Fn(&str) -> Option<&'a PropertySpec>,
    all_names: impl Fn() -> Vec<&'a str>,
    out: &mut Vec<Problem>,
) {
    for (key, value) in properties {
        match specs(key) {
            None => out.push(Problem::UnknownProperty {
                element: element.to_owned(),
                kind: kind.to_owned(),
                key: key.clone(),
                did_you_mean: did_you_mean(key, all_names()).map(str::to_owned),
            }),
            Some(spec) => {
                if let Err(error) = spec.check(value) {
                    out.push(Problem::PropertyType {
                        element: element.to_owned(),
                        key: key.clone(),
                        error,
                    });
                }
            }
        }
    }
}

/// Problems with one component on its own (kind, properties, geometry).
pub(crate) fn check_component(catalog: &Catalog, component: &Component, out: &mut Vec<Problem>) {
    let id = component.id.as_str();
    if let Err(error) = check_slug(id) {
        out.push(Problem::InvalidId {
            element: id.to_owned(),
            error,
        });
    }
    if !finite_rect(&component.rect()) {
        out.push(Problem::BadGeometry {
            element: id.to_owned(),
        });
    }
    check_name(id, &component.name, out);
    check_description(id, "description", &component.description, out);
    for tag in &component.tags {
        check_text(id, "tags", tag, TextKind::Line, MAX_VALUE_CHARS, out);
    }
    check_property_text(id, &component.properties, out);
    let Some(kind) = catalog.kind_of(component) else {
        out.push(Problem::UnknownKind {
            element: id.to_owned(),
            kind: component.kind.0.clone(),
            did_you_mean: catalog.suggest_kind(component.kind.as_str()),
        });
        return;
    };
    check_properties(
        id,
        kind.id.as_str(),
        &component.properties,
        |key| kind.property(key),
        || kind.properties.iter().map(|p| p.name.as_str()).collect(),
        out,
    );
    check_topics(component, kind.has(Trait::Broker), out);
    data::check_entities(
        component,
        kind.has(Trait::Datastore) && !kind.has(Trait::ObjectStore),
        out,
    );
}

/// Most partitions a topic may declare (Kafka's own practical ceiling per cluster is far
/// lower; this only stops nonsense).
pub const MAX_TOPIC_PARTITIONS: u32 = 100_000;

/// A broker's topics: named, unique, with a dead letter on the same broker.
fn check_topics(component: &Component, is_broker: bool, out: &mut Vec<Problem>) {
    let id = component.id.as_str();
    let problem = |topic: &str, reason: String| Problem::BadTopic {
        element: id.to_owned(),
        topic: topic.to_owned(),
        reason,
    };
    if !is_broker {
        if let Some(topic) = component.topics.first() {
            out.push(problem(
                &topic.name,
                format!(
                    "only brokers carry topics, and `{}` is not one",
                    echo(component.kind.as_str())
                ),
            ));
        }
        return;
    }
    for (index, topic) in component.topics.iter().enumerate() {
        check_text(
            id,
            "topics",
            &topic.name,
            TextKind::Line,
            MAX_VALUE_CHARS,
            out,
        );
        check_text(
            id,
            "topics",
            &topic.key,
            TextKind::Line,
            MAX_VALUE_CHARS,
            out,
        );
        check_description(id, "topics", &topic.description, out);
        if topic.name.trim().is_empty() {
            out.push(problem(&topic.name, "a topic needs a name".to_owned()));
        }
        if !topic.message.is_empty() && !is_identifier(&topic.message) {
            out.push(problem(
                &topic.name,
                format!(
                    "`message` names a schema, `{}` is not an identifier (letters, digits and `_`)",
                    echo(&topic.message)
                ),
            ));
        }
        // Sorted by name on load, so a repeat sits next to its twin.
        if index > 0 && component.topics[index - 1].name == topic.name {
            out.push(problem(&topic.name, "the name is used twice".to_owned()));
        }
        if let Some(partitions) = topic.partitions
            && !(1..=MAX_TOPIC_PARTITIONS).contains(&partitions)
        {
            out.push(problem(
                &topic.name,
                format!(
                    "partitions must be between 1 and {MAX_TOPIC_PARTITIONS}, got {partitions}"
                ),
            ));
        }
        if let Some(dead_letter) = &topic.dead_letter {
            if dead_letter == &topic.name {
                out.push(problem(
                    &topic.name,
                    "a topic cannot be its own dead letter".to_owned(),
                ));
            } else if component.topic(dead_letter).is_none() {
                out.push(problem(
                    &topic.name,
                    format!(
                        "the dead letter `{}` is not a topic of this broker",
                        echo(dead_letter)
                    ),
                ));
            }
        }
    }
}

/// A component's trust-zone and bounded-context memberships: groups that exist, of those
/// two kinds, at most one of each.
pub(crate) fn check_memberships(doc: &Document, component: &Component, out: &mut Vec<Problem>) {
    let id = component.id.as_str();
    let mut seen_kinds = Vec::new();
    for group_id in &component.member_of {
        let Some(group) = doc.group(group_id.as_str()) else {
            out.push(Problem::DanglingReference {
                element: id.to_owned(),
                field: "member_of",
                target: group_id.to_string(),
            });
            continue;
        };
        let reason = if !matches!(group.kind, GroupKind::TrustZone | GroupKind::BoundedContext) {
            Some(
                "is not a trust zone or a bounded context: a component is placed in one network boundary (`group`) and may also belong to trust zones and bounded contexts",
            )
        } else if seen_kinds.contains(&group.kind) {
            Some(
                "is a second group of its kind: a component belongs to at most one trust zone and one bounded context",
            )
        } else {
            None
        };
        if let Some(reason) = reason {
            out.push(Problem::BadMembership {
                element: id.to_owned(),
                group: group_id.to_string(),
                reason,
            });
        }
        seen_kinds.push(group.kind);
    }
}

/// Problems with one connection given the document it belongs to.
pub(crate) fn check_connection(
    catalog: &Catalog,
    doc: &Document,
    connection: &Connection,
    out: &mut Vec<Problem>,
) {
    check_connection_with(catalog, |id| doc.component(id), connection, out);
}

/// [`check_connection`] with the components found by `component`, so that checking a whole
/// document can look ends up in a hash index instead of searching the sorted ids each time.
fn check_connection_with<'d>(
    catalog: &Catalog,
    component: impl Fn(&str) -> Option<&'d Component>,
    connection: &Connection,
    out: &mut Vec<Problem>,
) {
    let id = connection.id.as_str();
    if let Err(error) = check_slug(id) {
        out.push(Problem::InvalidId {
            element: id.to_owned(),
            error,
        });
    }
    if connection.waypoints.iter().any(|p| !sane_point(p.x, p.y)) {
        out.push(Problem::BadGeometry {
            element: id.to_owned(),
        });
    }
    check_text(
        id,
        "label",
        &connection.label,
        TextKind::Line,
        MAX_NAME_CHARS,
        out,
    );
    check_description(id, "description", &connection.description, out);
    check_property_text(id, &connection.properties, out);
    let from = component(connection.from.as_str());
    let to = component(connection.to.as_str());
    for (field, target, found) in [("from", &connection.from, from), ("to", &connection.to, to)] {
        if found.is_none() {
            out.push(Problem::DanglingReference {
                element: id.to_owned(),
                field,
                target: target.to_string(),
            });
        }
    }
    if connection.from == connection.to {
        out.push(Problem::IllegalConnection {
            element: id.to_owned(),
            error: IllegalConnection::SelfLoop,
        });
        return;
    }
    let (Some(from_kind), Some(to_kind)) = (
        from.and_then(|c| catalog.kind_of(c)),
        to.and_then(|c| catalog.kind_of(c)),
    ) else {
        // Unknown endpoints or kinds are reported where they are defined; only the
        // connection kind itself can still be checked.
        if catalog.connection_kind(connection.kind.as_str()).is_none() {
            out.push(Problem::IllegalConnection {
                element: id.to_owned(),
                error: IllegalConnection::UnknownKind {
                    kind: connection.kind.0.clone(),
                    did_you_mean: catalog.suggest_connection_kind(connection.kind.as_str()),
                },
            });
        }
        return;
    };
    match catalog.check_connection(from_kind, to_kind, connection.kind.as_str()) {
        Err(error) => out.push(Problem::IllegalConnection {
            element: id.to_owned(),
            error,
        }),
        Ok(kind) => {
            check_properties(
                id,
                kind.id.as_str(),
                &connection.properties,
                |key| kind.property(key),
                || kind.properties.iter().map(|p| p.name.as_str()).collect(),
                out,
            );
            operations::check_operations(
                id,
                kind.id.as_str(),
                kind.api,
                &connection.operations,
                out,
            );
            data::check_queries(connection, to, kind.queries, out);
        }
    }
}

pub(crate) fn check_group(doc: &Document, group: &Group, out: &mut Vec<Problem>) {
    let id = group.id.as_str();
    if let Err(error) = check_slug(id) {
        out.push(Problem::InvalidId {
            element: id.to_owned(),
            error,
        });
    }
    if !finite_rect(&group.rect) {
        out.push(Problem::BadGeometry {
            element: id.to_owned(),
        });
    }
    check_name(id, &group.name, out);
    check_description(id, "description", &group.description, out);
    if let Some(location) = &group.location {
        let reason = if !group.kind.has_location() {
            Some("is only for region and availability-zone boundaries")
        } else if location.is_empty()
            || location.len() > 64
            || !location
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            Some(
                "must be a cloud's region or zone code: 1 to 64 lowercase letters, digits and hyphens, like `us-east-1`",
            )
        } else {
            None
        };
        if let Some(reason) = reason {
            out.push(Problem::BadLocation {
                element: id.to_owned(),
                reason,
            });
        }
    }
    if let Some(parent) = &group.parent {
        if doc.group(parent.as_str()).is_none() {
            out.push(Problem::DanglingReference {
                element: id.to_owned(),
                field: "parent",
                target: parent.to_string(),
            });
        } else {
            match ancestry(doc, group) {
                Ancestry::Cycle => out.push(Problem::GroupCycle {
                    element: id.to_owned(),
                }),
                Ancestry::TooDeep => out.push(Problem::GroupTooDeep {
                    element: id.to_owned(),
                    depth: MAX_GROUP_DEPTH + 1,
                }),
                Ancestry::WithinLimit => {}
            }
        }
    }
}

/// What following a group's parents finds.
enum Ancestry {
    /// At most [`MAX_GROUP_DEPTH`] ancestors.
    WithinLimit,
    /// More than [`MAX_GROUP_DEPTH`] ancestors: the walk stopped there, so checking every
    /// group costs at most the limit each, never the depth of the whole chain.
    TooDeep,
    /// The parents come back to the group.
    Cycle,
}

fn ancestry(doc: &Document, group: &Group) -> Ancestry {
    let mut seen = BTreeSet::new();
    let mut next = group.parent.as_ref();
    let mut depth = 0;
    while let Some(parent) = next {
        if parent == &group.id || !seen.insert(parent.as_str()) {
            return Ancestry::Cycle;
        }
        depth += 1;
        if depth > MAX_GROUP_DEPTH {
            return Ancestry::TooDeep;
        }
        next = doc.group(parent.as_str()).and_then(|g| g.parent.as_ref());
    }
    Ancestry::WithinLimit
}

/// Every structural problem of a document, in file order.
/// Problems with one view: its id and text, and every element, kind and trait it names.
pub(crate) fn check_view(catalog: &Catalog, doc: &Document, view: &View, out: &mut Vec<Problem>) {
    let id = view.id.as_str();
    if let Err(error) = check_slug(id) {
        out.push(Problem::InvalidId {
            element: id.to_owned(),
            error,
        });
    }
    check_name(id, &view.name, out);
    check_description(id, "description", &view.description, out);
    let system = (view.level == ViewLevel::Context).then(|| crate::view::system_box_id(doc));
    for (field, target) in view.references() {
        let exists = match field {
            "groups" => doc.group(target).is_some(),
            "exclude" => doc.component(target).is_some() || doc.connection(target).is_some(),
            "layout" => doc.component(target).is_some() || system.as_deref() == Some(target),
            _ => doc.component(target).is_some(),
        };
        if !exists {
            out.push(Problem::DanglingReference {
                element: id.to_owned(),
                field,
                target: target.to_owned(),
            });
        }
    }
    for kind in &view.select.kinds {
        if catalog.kind(kind.as_str()).is_none() {
            out.push(Problem::DanglingReference {
                element: id.to_owned(),
                field: "kinds",
                target: kind.to_string(),
            });
        }
    }
    for name in &view.select.traits {
        if Trait::from_name(name).is_none() {
            out.push(Problem::DanglingReference {
                element: id.to_owned(),
                field: "traits",
                target: name.clone(),
            });
        }
    }
    if view.layout.values().any(|p| !sane_point(p.x, p.y)) {
        out.push(Problem::BadGeometry {
            element: id.to_owned(),
        });
    }
}

pub fn check_document(catalog: &Catalog, doc: &Document) -> Vec<Problem> {
    let mut problems = Vec::new();
    if doc.version > CURRENT_VERSION {
        problems.push(Problem::UnsupportedVersion { found: doc.version });
    }
    let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
    let ids = doc
        .groups()
        .iter()
        .map(|g| g.id.as_str())
        .chain(doc.components().iter().map(|c| c.id.as_str()))
        .chain(doc.connections().iter().map(|c| c.id.as_str()))
        .chain(doc.notes().iter().map(|n| n.id.as_str()))
        .chain(doc.decisions().iter().map(|d| d.id.as_str()))
        .chain(doc.views().iter().map(|v| v.id.as_str()));
    for id in ids {
        let count = seen.entry(id).or_default();
        *count += 1;
        if *count == 2 {
            problems.push(Problem::DuplicateId {
                element: id.to_owned(),
            });
        }
    }
    for group in doc.groups() {
        check_group(doc, group, &mut problems);
    }
    for component in doc.components() {
        check_component(catalog, component, &mut problems);
        check_memberships(doc, component, &mut problems);
        if let Some(group) = &component.group
            && doc.group(group.as_str()).is_none()
        {
            problems.push(Problem::DanglingReference {
                element: component.id.to_string(),
                field: "group",
                target: group.to_string(),
            });
        }
    }
    let components: FxHashMap<&str, &Component> = doc
        .components()
        .iter()
        .map(|c| (c.id.as_str(), c))
        .collect();
    for connection in doc.connections() {
        check_connection_with(
            catalog,
            |id| components.get(id).copied(),
            connection,
            &mut problems,
        );
    }
    check_name("meta", &doc.meta.name, &mut problems);
    if let Some(key) = &doc.meta.tenant_key
        && !is_identifier(key)
    {
        problems.push(Problem::BadTenantKey { key: key.clone() });
    }
    check_description("meta", "description", &doc.meta.description, &mut problems);
    for decision in doc.decisions() {
        let id = decision.id.as_str();
        check_text(
            id,
            "title",
            &decision.title,
            TextKind::Line,
            MAX_NAME_CHARS,
            &mut problems,
        );
        for (field, value) in [
            ("context", &decision.context),
            ("decision", &decision.decision),
            ("consequences", &decision.consequences),
        ] {
            check_description(id, field, value, &mut problems);
        }
    }
    for view in doc.views() {
        check_view(catalog, doc, view, &mut problems);
    }
    for note in doc.notes() {
        check_description(note.id.as_str(), "text", &note.text, &mut problems);
        if let Err(error) = check_slug(note.id.as_str()) {
            problems.push(Problem::InvalidId {
                element: note.id.to_string(),
                error,
            });
        }
        if !finite_rect(&Rect::from_pos_size(note.position, note.size)) {
            problems.push(Problem::BadGeometry {
                element: note.id.to_string(),
            });
        }
    }
    for waiver in doc.waivers() {
        if doc.element(&waiver.target).is_none() {
            problems.push(Problem::DanglingWaiver {
                rule: waiver.rule.clone(),
                element: waiver.target.clone(),
            });
        }
        check_text(
            &waiver.target,
            "reason",
            &waiver.reason,
            TextKind::Multiline,
            MAX_TEXT_CHARS,
            &mut problems,
        );
        if waiver.reason.trim().is_empty() {
            problems.push(Problem::WaiverWithoutReason {
                rule: waiver.rule.clone(),
                element: waiver.target.clone(),
            });
        }
    }
    problems
}
