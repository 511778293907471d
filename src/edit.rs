//! Edit operations: the only way a [`Document`] changes. [`EditOp::apply`] checks the
//! operation, applies it whole or not at all, and returns its inverse, which is what undo
//! applies. [`History`] keeps the undo and redo stacks.

use serde::{Deserialize, Serialize};

use crate::catalog::Catalog;
use crate::model::{
    AuthMode, Component, ComponentId, Connection, ConnectionId, ConnectionKindId, Decision,
    DecisionId, Document, Entity, Group, GroupId, GroupKind, KindId, Meta, Note, NoteId, Operation,
    Point, PropertyValue, Query, Rect, RuleOverride, Size, Topic, View, ViewId, Waiver, find_mut,
    insert_sorted, remove_sorted,
};
use crate::validate::{self, Problem};

/// A field of a component that is replaced as a whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ComponentField {
    Name(String),
    Description(String),
    Tags(Vec<String>),
    Pinned(bool),
    Kind(KindId),
    /// Trust zones and bounded contexts it belongs to besides its placement.
    MemberOf(Vec<GroupId>),
    /// A broker's topics.
    Topics(Vec<Topic>),
    /// A datastore's entities.
    Entities(Vec<Entity>),
}

/// A field of a connection that is replaced as a whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ConnectionField {
    Label(String),
    Description(String),
    Kind(ConnectionKindId),
    Sync(Option<bool>),
    Tls(bool),
    Auth(AuthMode),
    Operations(Vec<Operation>),
    Queries(Vec<Query>),
    Waypoints(Vec<Point>),
}

/// A field of a group that is replaced as a whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum GroupField {
    Name(String),
    Description(String),
    Kind(GroupKind),
    Parent(Option<GroupId>),
    /// The cloud's region or zone code (`us-east-1`), for region and zone boundaries.
    Location(Option<String>),
}

/// Every mutation of a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum EditOp {
    // The big payloads are boxed: a quick fix or an undo step is usually a small edit, and an
    // unboxed `EditOp` would be as big as its biggest variant (200 bytes instead of 80).
    AddComponent(Box<Component>),
    /// Removes the component and, in the same step, every connection touching it.
    RemoveComponent(ComponentId),
    MoveComponent {
        id: ComponentId,
        to: Point,
    },
    ResizeComponent {
        id: ComponentId,
        size: Size,
    },
    /// Sets (`Some`) or clears (`None`) one property.
    SetComponentProperty {
        id: ComponentId,
        key: String,
        value: Option<PropertyValue>,
    },
    SetComponentField {
        id: ComponentId,
        field: ComponentField,
    },
    Regroup {
        id: ComponentId,
        group: Option<GroupId>,
    },
    Connect(Box<Connection>),
    Disconnect(ConnectionId),
    SetConnectionProperty {
        id: ConnectionId,
        key: String,
        value: Option<PropertyValue>,
    },
    SetConnectionField {
        id: ConnectionId,
        field: ConnectionField,
    },
    AddGroup(Box<Group>),
    /// Removes the group; its members and child groups move to its parent.
    RemoveGroup(GroupId),
    SetGroupRect {
        id: GroupId,
        rect: Rect,
    },
    SetGroupField {
        id: GroupId,
        field: GroupField,
    },
    AddNote(Note),
    RemoveNote(NoteId),
    /// Replaces the note with the same id.
    UpdateNote(Note),
    SetMeta(Box<Meta>),
    AddWaiver(Waiver),
    RemoveWaiver(Waiver),
    SetRuleOverride {
        rule: String,
        value: Option<RuleOverride>,
    },
    /// Inserts the decision, or replaces the one with the same id.
    PutDecision(Box<Decision>),
    RemoveDecision(DecisionId),
    /// Inserts the view, or replaces the one with the same id (a view's layout changes this
    /// way too: moving boxes in a view moves them in that view only).
    PutView(Box<View>),
    RemoveView(ViewId),
    /// Several operations as one undo step; all apply or none.
    Batch(Vec<EditOp>),
}

/// Why an operation was refused. The document is unchanged when this is returned.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EditError {
    #[error("no {what} with id `{id}`")]
    NotFound { what: &'static str, id: String },
    #[error("the id `{0}` is already used")]
    IdInUse(String),
    #[error("{0}")]
    Invalid(Box<Problem>),
    #[error("this waiver already exists")]
    DuplicateWaiver,
}

fn not_found(what: &'static str, id: &impl ToString) -> EditError {
    EditError::NotFound {
        what,
        id: id.to_string(),
    }
}

fn first_problem(problems: Vec<Problem>) -> Result<(), EditError> {
    match problems.into_iter().next() {
        Some(problem) => Err(EditError::Invalid(Box::new(problem))),
        None => Ok(()),
    }
}

impl EditOp {
    /// Sets one property of a component.
    pub fn set_property(id: &ComponentId, key: &str, value: impl Into<PropertyValue>) -> Self {
        Self::SetComponentProperty {
            id: id.clone(),
            key: key.to_owned(),
            value: Some(value.into()),
        }
    }

    /// Sets one property of a connection.
    pub fn set_connection_property(
        id: &ConnectionId,
        key: &str,
        value: impl Into<PropertyValue>,
    ) -> Self {
        Self::SetConnectionProperty {
            id: id.clone(),
            key: key.to_owned(),
            value: Some(value.into()),
        }
    }

    /// A short description for undo/redo menus.
    pub fn label(&self) -> &'static str {
        match self {
            Self::AddComponent(_) => "Add component",
            Self::RemoveComponent(_) => "Delete component",
            Self::MoveComponent { .. } => "Move",
            Self::ResizeComponent { .. } => "Resize",
            Self::SetComponentProperty { .. } => "Change property",
            Self::SetComponentField { .. } => "Edit component",
            Self::Regroup { .. } => "Change boundary",
            Self::Connect(_) => "Connect",
            Self::Disconnect(_) => "Delete connection",
            Self::SetConnectionProperty { .. } | Self::SetConnectionField { .. } => {
                "Edit connection"
            }
            Self::AddGroup(_) => "Add boundary",
            Self::RemoveGroup(_) => "Delete boundary",
            Self::SetGroupRect { .. } => "Resize boundary",
            Self::SetGroupField { .. } => "Edit boundary",
            Self::AddNote(_) => "Add note",
            Self::RemoveNote(_) => "Delete note",
            Self::UpdateNote(_) => "Edit note",
            Self::SetMeta(_) => "Edit document",
            Self::AddWaiver(_) => "Waive finding",
            Self::RemoveWaiver(_) => "Remove waiver",
            Self::SetRuleOverride { .. } => "Change rule setting",
            Self::PutDecision(_) => "Edit decision",
            Self::RemoveDecision(_) => "Delete decision",
            Self::PutView(_) => "Edit view",
            Self::RemoveView(_) => "Delete view",
            Self::Batch(_) => "Edit",
        }
    }

    /// Applies the operation and returns its inverse. On error nothing changed.
    pub fn apply(self, doc: &mut Document, catalog: &Catalog) -> Result<EditOp, EditError> {
        match self {
            Self::AddComponent(component) => {
                let component = *component;
                if doc.id_in_use(component.id.as_str()) {
                    return Err(EditError::IdInUse(component.id.to_string()));
                }
                let mut problems = Vec::new();
                validate::check_component(catalog, &component, &mut problems);
                validate::check_memberships(doc, &component, &mut problems);
                if let Some(group) = &component.group
                    && doc.group(group.as_str()).is_none()
                {
                    return Err(not_found("group", group));
                }
                first_problem(problems)?;
                let id = component.id.clone();
                insert_sorted(&mut doc.components, component)
                    .map_err(|c| EditError::IdInUse(c.id.to_string()))?;
                Ok(Self::RemoveComponent(id))
            }
            Self::RemoveComponent(id) => {
                if doc.component(id.as_str()).is_none() {
                    return Err(not_found("component", &id));
                }
                let (touching, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut doc.connections)
                    .into_iter()
                    .partition(|c| c.from == id || c.to == id);
                doc.connections = kept;
                let component = remove_sorted(&mut doc.components, id.as_str())
                    .ok_or_else(|| not_found("component", &id))?;
                let mut waivers = take_waivers(doc, id.as_str());
                let mut views = detach_from_views(doc, id.as_str());
                for connection in &touching {
                    waivers.extend(take_waivers(doc, connection.id.as_str()));
                    views.extend(detach_from_views(doc, connection.id.as_str()));
                }
                let mut restore = vec![Self::AddComponent(Box::new(component))];
                restore.extend(touching.into_iter().map(|c| Self::Connect(Box::new(c))));
                restore.extend(waivers.into_iter().map(Self::AddWaiver));
                // Put back last-detached first, so each view ends as it was.
                restore.extend(views.into_iter().rev());
                Ok(Self::Batch(restore))
            }
            Self::MoveComponent { id, to } => {
                if !(to.x.is_finite() && to.y.is_finite()) {
                    return Err(EditError::Invalid(Box::new(Problem::BadGeometry {
                        element: id.to_string(),
                    })));
                }
                let component = find_mut(&mut doc.components, id.as_str())
                    .ok_or_else(|| not_found("component", &id))?;
                let from = std::mem::replace(&mut component.position, to);
                Ok(Self::MoveComponent { id, to: from })
            }
            Self::ResizeComponent { id, size } => {
                if !(size.w.is_finite() && size.h.is_finite() && size.w >= 0.0 && size.h >= 0.0) {
                    return Err(EditError::Invalid(Box::new(Problem::BadGeometry {
                        element: id.to_string(),
                    })));
                }
                let component = find_mut(&mut doc.components, id.as_str())
                    .ok_or_else(|| not_found("component", &id))?;
                let old = std::mem::replace(&mut component.size, size);
                Ok(Self::ResizeComponent { id, size: old })
            }
            Self::SetComponentProperty { id, key, value } => {
                let component = doc
                    .component(id.as_str())
                    .ok_or_else(|| not_found("component", &id))?;
                if let Some(value) = &value {
                    let mut probe = component.clone();
                    probe.properties.insert(key.clone(), value.clone());
                    let mut problems = Vec::new();
                    validate::check_component(catalog, &probe, &mut problems);
                    first_problem(problems)?;
                }
                let component = find_mut(&mut doc.components, id.as_str())
                    .ok_or_else(|| not_found("component", &id))?;
                let old = match value {
                    Some(value) => component.properties.insert(key.clone(), value),
                    None => component.properties.remove(&key),
                };
                Ok(Self::SetComponentProperty {
                    id,
                    key,
                    value: old,
                })
            }
            Self::SetComponentField { id, field } => set_component_field(doc, catalog, id, field),
            Self::Regroup { id, group } => {
                if let Some(group) = &group
                    && doc.group(group.as_str()).is_none()
                {
                    return Err(not_found("group", group));
                }
                let component = find_mut(&mut doc.components, id.as_str())
                    .ok_or_else(|| not_found("component", &id))?;
                let old = std::mem::replace(&mut component.group, group);
                Ok(Self::Regroup { id, group: old })
            }
            Self::Connect(connection) => {
                let connection = *connection;
                if doc.id_in_use(connection.id.as_str()) {
                    return Err(EditError::IdInUse(connection.id.to_string()));
                }
                let mut problems = Vec::new();
                validate::check_connection(catalog, doc, &connection, &mut problems);
                first_problem(problems)?;
                let id = connection.id.clone();
                insert_sorted(&mut doc.connections, connection)
                    .map_err(|c| EditError::IdInUse(c.id.to_string()))?;
                Ok(Self::Disconnect(id))
            }
            Self::Disconnect(id) => {
                let connection = remove_sorted(&mut doc.connections, id.as_str())
                    .ok_or_else(|| not_found("connection", &id))?;
                let restore = with_waivers(
                    Self::Connect(Box::new(connection)),
                    take_waivers(doc, id.as_str()),
                );
                let views = detach_from_views(doc, id.as_str());
                if views.is_empty() {
                    return Ok(restore);
                }
                let mut ops = vec![restore];
                ops.extend(views);
                Ok(Self::Batch(ops))
            }
            Self::SetConnectionProperty { id, key, value } => {
                let mut probe = doc
                    .connection(id.as_str())
                    .ok_or_else(|| not_found("connection", &id))?
                    .clone();
                let old = match value {
                    Some(value) => probe.properties.insert(key.clone(), value),
                    None => probe.properties.remove(&key),
                };
                replace_connection(doc, catalog, probe)?;
                Ok(Self::SetConnectionProperty {
                    id,
                    key,
                    value: old,
                })
            }
            Self::SetConnectionField { id, field } => {
                let mut probe = doc
                    .connection(id.as_str())
                    .ok_or_else(|| not_found("connection", &id))?
                    .clone();
                let old = match field {
                    ConnectionField::Label(v) => {
                        ConnectionField::Label(std::mem::replace(&mut probe.label, v))
                    }
                    ConnectionField::Description(v) => {
                        ConnectionField::Description(std::mem::replace(&mut probe.description, v))
                    }
                    ConnectionField::Kind(v) => {
                        ConnectionField::Kind(std::mem::replace(&mut probe.kind, v))
                    }
                    ConnectionField::Sync(v) => {
                        ConnectionField::Sync(std::mem::replace(&mut probe.sync, v))
                    }
                    ConnectionField::Tls(v) => {
                        ConnectionField::Tls(std::mem::replace(&mut probe.tls, v))
                    }
                    ConnectionField::Auth(v) => {
                        ConnectionField::Auth(std::mem::replace(&mut probe.auth, v))
                    }
                    ConnectionField::Operations(v) => {
                        ConnectionField::Operations(std::mem::replace(&mut probe.operations, v))
                    }
                    ConnectionField::Queries(v) => {
                        ConnectionField::Queries(std::mem::replace(&mut probe.queries, v))
                    }
                    ConnectionField::Waypoints(v) => {
                        ConnectionField::Waypoints(std::mem::replace(&mut probe.waypoints, v))
                    }
                };
                replace_connection(doc, catalog, probe)?;
                Ok(Self::SetConnectionField { id, field: old })
            }
            Self::AddGroup(group) => {
                let group = *group;
                if doc.id_in_use(group.id.as_str()) {
                    return Err(EditError::IdInUse(group.id.to_string()));
                }
                let mut problems = Vec::new();
                validate::check_group(doc, &group, &mut problems);
                first_problem(problems)?;
                let id = group.id.clone();
                insert_sorted(&mut doc.groups, group)
                    .map_err(|g| EditError::IdInUse(g.id.to_string()))?;
                Ok(Self::RemoveGroup(id))
            }
            Self::RemoveGroup(id) => {
                let group = doc
                    .group(id.as_str())
                    .ok_or_else(|| not_found("group", &id))?
                    .clone();
                let mut restore = vec![Self::AddGroup(Box::new(group.clone()))];
                for component in doc
                    .components
                    .iter_mut()
                    .filter(|c| c.group.as_ref() == Some(&id))
                {
                    component.group.clone_from(&group.parent);
                    restore.push(Self::Regroup {
                        id: component.id.clone(),
                        group: Some(id.clone()),
                    });
                }
                for component in doc
                    .components
                    .iter_mut()
                    .filter(|c| c.member_of.contains(&id))
                {
                    let memberships = component.member_of.clone();
                    component.member_of.retain(|g| *g != id);
                    restore.push(Self::SetComponentField {
                        id: component.id.clone(),
                        field: ComponentField::MemberOf(memberships),
                    });
                }
                for child in doc
                    .groups
                    .iter_mut()
                    .filter(|g| g.parent.as_ref() == Some(&id))
                {
                    child.parent.clone_from(&group.parent);
                    restore.push(Self::SetGroupField {
                        id: child.id.clone(),
                        field: GroupField::Parent(Some(id.clone())),
                    });
                }
                remove_sorted(&mut doc.groups, id.as_str());
                restore.extend(detach_from_views(doc, id.as_str()));
                restore.extend(
                    take_waivers(doc, id.as_str())
                        .into_iter()
                        .map(Self::AddWaiver),
                );
                Ok(Self::Batch(restore))
            }
            Self::SetGroupRect { id, rect } => {
                let mut problems = Vec::new();
                let mut probe = doc
                    .group(id.as_str())
                    .ok_or_else(|| not_found("group", &id))?
                    .clone();
                probe.rect = rect;
                validate::check_group(doc, &probe, &mut problems);
                first_problem(problems)?;
                let group = find_mut(&mut doc.groups, id.as_str())
                    .ok_or_else(|| not_found("group", &id))?;
                let old = std::mem::replace(&mut group.rect, rect);
                Ok(Self::SetGroupRect { id, rect: old })
            }
            Self::SetGroupField { id, field } => {
                let mut probe = doc
                    .group(id.as_str())
                    .ok_or_else(|| not_found("group", &id))?
                    .clone();
                let old = match field {
                    GroupField::Name(v) => GroupField::Name(std::mem::replace(&mut probe.name, v)),
                    GroupField::Description(v) => {
                        GroupField::Description(std::mem::replace(&mut probe.description, v))
                    }
                    GroupField::Kind(v) => GroupField::Kind(std::mem::replace(&mut probe.kind, v)),
                    GroupField::Parent(v) => {
                        GroupField::Parent(std::mem::replace(&mut probe.parent, v))
                    }
                    GroupField::Location(v) => {
                        GroupField::Location(std::mem::replace(&mut probe.location, v))
                    }
                };
                let mut problems = Vec::new();
                validate::check_group(doc, &probe, &mut problems);
                first_problem(problems)?;
                let group = find_mut(&mut doc.groups, id.as_str())
                    .ok_or_else(|| not_found("group", &id))?;
                let previous = std::mem::replace(group, probe);
                // A new kind may no longer be one that components can be members of.
                let mut problems = Vec::new();
                for component in doc.components.iter().filter(|c| c.member_of.contains(&id)) {
                    validate::check_memberships(doc, component, &mut problems);
                }
                if let Some(problem) = problems.into_iter().next() {
                    if let Some(group) = find_mut(&mut doc.groups, id.as_str()) {
                        *group = previous;
                    }
                    return Err(EditError::Invalid(Box::new(problem)));
                }
                Ok(Self::SetGroupField { id, field: old })
            }
            Self::AddNote(note) => {
                if doc.id_in_use(note.id.as_str()) {
                    return Err(EditError::IdInUse(note.id.to_string()));
                }
                let id = note.id.clone();
                insert_sorted(&mut doc.notes, note)
                    .map_err(|n| EditError::IdInUse(n.id.to_string()))?;
                Ok(Self::RemoveNote(id))
            }
            Self::RemoveNote(id) => {
                let note = remove_sorted(&mut doc.notes, id.as_str())
                    .ok_or_else(|| not_found("note", &id))?;
                Ok(with_waivers(
                    Self::AddNote(note),
                    take_waivers(doc, id.as_str()),
                ))
            }
            Self::UpdateNote(note) => {
                let slot = find_mut(&mut doc.notes, note.id.as_str())
                    .ok_or_else(|| not_found("note", &note.id))?;
                Ok(Self::UpdateNote(std::mem::replace(slot, note)))
            }
            Self::SetMeta(meta) => Ok(Self::SetMeta(Box::new(std::mem::replace(
                &mut doc.meta,
                *meta,
            )))),
            Self::AddWaiver(waiver) => {
                if doc.element(&waiver.target).is_none() {
                    return Err(EditError::Invalid(Box::new(Problem::DanglingWaiver {
                        rule: waiver.rule,
                        element: waiver.target,
                    })));
                }
                if waiver.reason.trim().is_empty() {
                    return Err(EditError::Invalid(Box::new(Problem::WaiverWithoutReason {
                        rule: waiver.rule,
                        element: waiver.target,
                    })));
                }
                match doc.waivers.binary_search(&waiver) {
                    Ok(_) => Err(EditError::DuplicateWaiver),
                    Err(index) => {
                        doc.waivers.insert(index, waiver.clone());
                        Ok(Self::RemoveWaiver(waiver))
                    }
                }
            }
            Self::RemoveWaiver(waiver) => {
                let index = doc.waivers.binary_search(&waiver).map_err(|_| {
                    not_found("waiver", &format!("{} on {}", waiver.rule, waiver.target))
                })?;
                doc.waivers.remove(index);
                Ok(Self::AddWaiver(waiver))
            }
            Self::SetRuleOverride { rule, value } => {
                let old = match value {
                    Some(value) => doc.rules.overrides.insert(rule.clone(), value),
                    None => doc.rules.overrides.remove(&rule),
                };
                Ok(Self::SetRuleOverride { rule, value: old })
            }
            Self::PutDecision(decision) => {
                let decision = *decision;
                if let Some(slot) = find_mut(&mut doc.decisions, decision.id.as_str()) {
                    return Ok(Self::PutDecision(Box::new(std::mem::replace(
                        slot, decision,
                    ))));
                }
                if doc.id_in_use(decision.id.as_str()) {
                    return Err(EditError::IdInUse(decision.id.to_string()));
                }
                let id = decision.id.clone();
                insert_sorted(&mut doc.decisions, decision)
                    .map_err(|d| EditError::IdInUse(d.id.to_string()))?;
                Ok(Self::RemoveDecision(id))
            }
            Self::RemoveDecision(id) => {
                let decision = remove_sorted(&mut doc.decisions, id.as_str())
                    .ok_or_else(|| not_found("decision", &id))?;
                Ok(Self::PutDecision(Box::new(decision)))
            }
            Self::PutView(view) => {
                let mut view = *view;
                // Kept canonical like the file: a selection extended in the editor is sorted.
                view.normalize();
                let mut problems = Vec::new();
                validate::check_view(catalog, doc, &view, &mut problems);
                first_problem(problems)?;
                if let Some(slot) = find_mut(&mut doc.views, view.id.as_str()) {
                    return Ok(Self::PutView(Box::new(std::mem::replace(slot, view))));
                }
                if doc.id_in_use(view.id.as_str()) {
                    return Err(EditError::IdInUse(view.id.to_string()));
                }
                let id = view.id.clone();
                insert_sorted(&mut doc.views, view)
                    .map_err(|v| EditError::IdInUse(v.id.to_string()))?;
                Ok(Self::RemoveView(id))
            }
            Self::RemoveView(id) => {
                let view = remove_sorted(&mut doc.views, id.as_str())
                    .ok_or_else(|| not_found("view", &id))?;
                Ok(Self::PutView(Box::new(view)))
            }
            Self::Batch(ops) => {
                let mut inverses = Vec::with_capacity(ops.len());
                for op in ops {
                    match op.apply(doc, catalog) {
                        Ok(inverse) => inverses.push(inverse),
                        Err(error) => {
                            for inverse in inverses.into_iter().rev() {
                                // Inverses of operations that just succeeded always apply.
                                let _ = inverse.apply(doc, catalog);
                            }
                            return Err(error);
                        }
                    }
                }
                inverses.reverse();
                Ok(Self::Batch(inverses))
            }
        }
    }
}

/// Drops every view's references to `id`, which must not outlive it; returns the edits that
/// put the views back.
fn detach_from_views(doc: &mut Document, id: &str) -> Vec<EditOp> {
    let mut restore = Vec::new();
    for view in &mut doc.views {
        if let Some(detached) = view.without(id) {
            restore.push(EditOp::PutView(Box::new(std::mem::replace(view, detached))));
        }
    }
    restore
}

/// Removes and returns the waivers that name `target`, which must not outlive it.
fn take_waivers(doc: &mut Document, target: &str) -> Vec<Waiver> {
    let (taken, kept) = std::mem::take(&mut doc.waivers)
        .into_iter()
        .partition(|w| w.target == target);
    doc.waivers = kept;
    taken
}

/// `restore`, followed by re-adding `waivers`, as one inverse.
fn with_waivers(restore: EditOp, waivers: Vec<Waiver>) -> EditOp {
    if waivers.is_empty() {
        return restore;
    }
    let mut ops = vec![restore];
    ops.extend(waivers.into_iter().map(EditOp::AddWaiver));
    EditOp::Batch(ops)
}

fn replace_connection(
    doc: &mut Document,
    catalog: &Catalog,
    connection: Connection,
) -> Result<(), EditError> {
    let mut problems = Vec::new();
    validate::check_connection(catalog, doc, &connection, &mut problems);
    first_problem(problems)?;
    let slot = find_mut(&mut doc.connections, connection.id.as_str())
        .ok_or_else(|| not_found("connection", &connection.id))?;
    *slot = connection;
    Ok(())
}

fn set_component_field(
    doc: &mut Document,
    catalog: &Catalog,
    id: ComponentId,
    field: ComponentField,
) -> Result<EditOp, EditError> {
    let mut probe = doc
        .component(id.as_str())
        .ok_or_else(|| not_found("component", &id))?
        .clone();
    let old = match field {
        ComponentField::Name(v) => ComponentField::Name(std::mem::replace(&mut probe.name, v)),
        ComponentField::Description(v) => {
            ComponentField::Description(std::mem::replace(&mut probe.description, v))
        }
        ComponentField::Tags(mut v) => {
            v.sort();
            v.dedup();
            ComponentField::Tags(std::mem::replace(&mut probe.tags, v))
        }
        ComponentField::Pinned(v) => {
            ComponentField::Pinned(std::mem::replace(&mut probe.pinned, v))
        }
        ComponentField::Kind(v) => ComponentField::Kind(std::mem::replace(&mut probe.kind, v)),
        ComponentField::MemberOf(mut v) => {
            v.sort();
            v.dedup();
            ComponentField::MemberOf(std::mem::replace(&mut probe.member_of, v))
        }
        ComponentField::Topics(mut v) => {
            v.sort_by(|a, b| a.name.cmp(&b.name));
            ComponentField::Topics(std::mem::replace(&mut probe.topics, v))
        }
        ComponentField::Entities(v) => {
            ComponentField::Entities(std::mem::replace(&mut probe.entities, v))
        }
    };
    let mut problems = Vec::new();
    validate::check_component(catalog, &probe, &mut problems);
    validate::check_memberships(doc, &probe, &mut problems);
    // The queries callers make must still name entities and fields the store keeps.
    for connection in doc.connections().iter().filter(|c| c.to == probe.id) {
        validate::check_queries(connection, Some(&probe), &mut problems);
    }
    first_problem(problems)?;
    let kind_changed = matches!(old, ComponentField::Kind(_));
    let slot =
        find_mut(&mut doc.components, id.as_str()).ok_or_else(|| not_found("component", &id))?;
    let previous = std::mem::replace(slot, probe);
    if kind_changed {
        // A new kind may forbid existing connections; refuse rather than leave them illegal.
        let mut problems = Vec::new();
        for connection in doc.connections_of(id.as_str()) {
            validate::check_connection(catalog, doc, connection, &mut problems);
        }
        if let Some(problem) = problems.into_iter().next() {
            if let Some(slot) = find_mut(&mut doc.components, id.as_str()) {
                *slot = previous;
            }
            return Err(EditError::Invalid(Box::new(problem)));
        }
    }
    Ok(EditOp::SetComponentField { id, field: old })
}

/// Undo and redo stacks over a document. Each entry is one user action.
#[derive(Debug, Default, Clone)]
pub struct History {
    undo: Vec<(String, EditOp)>,
    redo: Vec<(String, EditOp)>,
    revision: u64,
}

impl History {
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies a user action; it becomes one undo step and clears the redo stack.
    pub fn apply(
        &mut self,
        doc: &mut Document,
        catalog: &Catalog,
        op: EditOp,
    ) -> Result<(), EditError> {
        let label = op.label().to_owned();
        let inverse = op.apply(doc, catalog)?;
        self.undo.push((label, inverse));
        self.redo.clear();
        self.revision += 1;
        Ok(())
    }

    /// Reverts the last action. Returns false when there is nothing to undo.
    pub fn undo(&mut self, doc: &mut Document, catalog: &Catalog) -> Result<bool, EditError> {
        let Some((label, op)) = self.undo.pop() else {
            return Ok(false);
        };
        let redo = op.apply(doc, catalog)?;
        self.redo.push((label, redo));
        self.revision += 1;
        Ok(true)
    }

    /// Re-applies the last undone action. Returns false when there is nothing to redo.
    pub fn redo(&mut self, doc: &mut Document, catalog: &Catalog) -> Result<bool, EditError> {
        let Some((label, op)) = self.redo.pop() else {
            return Ok(false);
        };
        let undo = op.apply(doc, catalog)?;
        self.undo.push((label, undo));
        self.revision += 1;
        Ok(true)
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    pub fn undo_label(&self) -> Option<&str> {
        self.undo.last().map(|(label, _)| label.as_str())
    }

    pub fn redo_label(&self) -> Option<&str> {
        self.redo.last().map(|(label, _)| label.as_str())
    }

    /// Increases with every change; derived state is stale when it differs.
    pub fn revision(&self) -> u64 {
        self.revision
    }
}
