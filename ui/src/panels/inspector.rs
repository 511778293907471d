//! The inspector: typed editors for the selected element, generated from the catalog's
//! property schemas. Every change becomes one edit operation; text and number fields commit
//! when editing ends, so a drag or a word is one undo step, not one per frame.

use archsmith::EditOp;
use archsmith::catalog::{Catalog, PropertySpec, PropertyType, Trait};
use archsmith::edit::{ComponentField, ConnectionField, GroupField};
use archsmith::model::{
    AuthMode, Cloud, Component, ComponentId, Connection, ConnectionId, Document, EdgeStyle, Group,
    GroupId, GroupKind, Meta, Note, NoteColor, Properties, PropertyValue, Topic,
};
use egui::{Id, RichText, Ui};

use super::operations::operations_ui;

/// A text field that reports its new value once, when editing ends.
pub(super) fn committed_text(
    ui: &mut Ui,
    label: &str,
    current: &str,
    multiline: bool,
) -> Option<String> {
    let id = ui.scope_id().with(("text", label));
    let mut buffer = ui
        .data_mut(|d| d.get_temp::<String>(id))
        .unwrap_or_else(|| current.to_owned());
    let response = ui
        .horizontal(|ui| {
            let label = ui.label(label);
            let edit = if multiline {
                egui::TextEdit::multiline(&mut buffer).desired_rows(3)
            } else {
                egui::TextEdit::singleline(&mut buffer)
            };
            ui.add(edit.desired_width(f32::INFINITY))
                .labelled_by(label.id)
        })
        .inner;
    if response.has_focus() {
        ui.data_mut(|d| d.insert_temp(id, buffer));
        return None;
    }
    ui.data_mut(|d| d.remove::<String>(id));
    (response.lost_focus() && buffer != current).then_some(buffer)
}

/// A number field that reports its new value once, when a drag or typing ends.
pub(super) fn committed_number(
    ui: &mut Ui,
    id: Id,
    label: Id,
    current: f64,
    range: std::ops::RangeInclusive<f64>,
    integer: bool,
) -> Option<f64> {
    let mut value = ui.data_mut(|d| d.get_temp::<f64>(id)).unwrap_or(current);
    let mut drag = egui::DragValue::new(&mut value)
        .range(range)
        .speed(if integer { 0.25 } else { 0.01 });
    if integer {
        drag = drag.fixed_decimals(0);
    }
    let response = ui.add(drag).labelled_by(label);
    if response.dragged() || response.has_focus() {
        ui.data_mut(|d| d.insert_temp(id, value));
        return None;
    }
    ui.data_mut(|d| d.remove::<f64>(id));
    ((response.drag_stopped() || response.lost_focus() || response.changed()) && value != current)
        .then_some(value)
}

/// Editors for a property list; returns `(key, new value)` for a change (`None` resets).
fn properties_ui(
    ui: &mut Ui,
    specs: &[PropertySpec],
    values: &Properties,
) -> Option<(String, Option<PropertyValue>)> {
    let mut change = None;
    egui::Grid::new(ui.scope_id().with("properties"))
        .num_columns(3)
        .striped(true)
        .spacing([8.0, 4.0])
        .show(ui, |ui| {
            for spec in specs {
                let set = values.get(&spec.name);
                let value = set.unwrap_or(&spec.default);
                let label = ui
                    .label(
                        RichText::new(spec.name.replace('_', " "))
                            .strong()
                            .size(12.0),
                    )
                    .on_hover_text(&spec.doc);
                let id = ui.scope_id().with(("prop", &spec.name));
                let edited: Option<PropertyValue> = match &spec.ty {
                    PropertyType::Bool => {
                        let mut on = value.as_bool().unwrap_or(false);
                        ui.checkbox(&mut on, "")
                            .labelled_by(label.id)
                            .changed()
                            .then_some(PropertyValue::Bool(on))
                    }
                    PropertyType::Int { min, max } => committed_number(
                        ui,
                        id,
                        label.id,
                        value.as_float().unwrap_or(0.0),
                        *min as f64..=*max as f64,
                        true,
                    )
                    .map(|v| PropertyValue::Int(v.round() as i64)),
                    PropertyType::Float { min, max } => committed_number(
                        ui,
                        id,
                        label.id,
                        value.as_float().unwrap_or(0.0),
                        *min..=*max,
                        false,
                    )
                    .map(PropertyValue::Float),
                    PropertyType::Text => {
                        let mut text = ui
                            .data_mut(|d| d.get_temp::<String>(id))
                            .unwrap_or_else(|| value.as_text().unwrap_or("").to_owned());
                        let response = ui
                            .add(egui::TextEdit::singleline(&mut text).desired_width(150.0))
                            .labelled_by(label.id);
                        if response.has_focus() {
                            ui.data_mut(|d| d.insert_temp(id, text));
                            None
                        } else {
                            ui.data_mut(|d| d.remove::<String>(id));
                            (response.lost_focus() && Some(text.as_str()) != value.as_text())
                                .then_some(PropertyValue::Text(text))
                        }
                    }
                    PropertyType::Choice(options) => {
                        let mut selected = value.as_text().unwrap_or("").to_owned();
                        egui::ComboBox::from_id_salt(id)
                            .selected_text(&selected)
                            .width(150.0)
                            .show_ui(ui, |ui| {
                                for option in options {
                                    ui.selectable_value(&mut selected, option.clone(), option);
                                }
                            })
                            .response
                            .labelled_by(label.id);
                        (Some(selected.as_str()) != value.as_text())
                            .then_some(PropertyValue::Text(selected))
                    }
                };
                if set.is_some() {
                    if ui
                        .small_button("reset")
                        .on_hover_text(format!("Back to the default: {}", spec.default))
                        .clicked()
                    {
                        change = Some((spec.name.clone(), None));
                    }
                } else {
                    ui.label(RichText::new("default").weak().size(10.0));
                }
                ui.end_row();
                if let Some(value) = edited {
                    change = Some((spec.name.clone(), Some(value)));
                }
            }
        });
    change
}

/// Draws the inspector for the current selection; returns the edit the user made.
pub fn inspector_ui(
    ui: &mut Ui,
    doc: &Document,
    catalog: &Catalog,
    selected: &[&str],
    resolved: &[(&str, String)],
) -> Option<EditOp> {
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| match selected {
            [] => document_ui(ui, doc),
            [id] => {
                if let Some(component) = doc.component(id) {
                    component_ui(ui, doc, catalog, component, resolved)
                } else if let Some(connection) = doc.connection(id) {
                    connection_ui(ui, doc, catalog, connection)
                } else if let Some(group) = doc.group(id) {
                    group_ui(ui, doc, group)
                } else if let Some(note) = doc.note(id) {
                    note_ui(ui, note)
                } else {
                    None
                }
            }
            many => {
                ui.heading(format!("{} elements selected", many.len()));
                ui.label("Drag to move them together, or press Delete.");
                None
            }
        })
        .inner
}

fn document_ui(ui: &mut Ui, doc: &Document) -> Option<EditOp> {
    ui.heading("Document");
    let meta = &doc.meta;
    let mut next: Option<Meta> = None;
    if let Some(name) = committed_text(ui, "Name", &meta.name, false) {
        next = Some(Meta {
            name,
            ..meta.clone()
        });
    }
    if let Some(description) = committed_text(ui, "Description", &meta.description, true) {
        next = Some(Meta {
            description,
            ..meta.clone()
        });
    }
    ui.horizontal(|ui| {
        let label = ui.label("Target cloud");
        let mut cloud = meta.cloud;
        egui::ComboBox::from_id_salt("cloud")
            .selected_text(cloud.map_or("none", Cloud::label))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut cloud, None, "none");
                for option in Cloud::ALL {
                    ui.selectable_value(&mut cloud, Some(option), option.label());
                }
            })
            .response
            .labelled_by(label.id);
        if cloud != meta.cloud {
            next = Some(Meta {
                cloud,
                ..meta.clone()
            });
        }
    });
    ui.horizontal(|ui| {
        let label = ui.label("Connections");
        let mut edge_style = meta.edge_style;
        egui::ComboBox::from_id_salt("edge-style")
            .selected_text(edge_style.label())
            .show_ui(ui, |ui| {
                for option in EdgeStyle::ALL {
                    ui.selectable_value(&mut edge_style, option, option.label());
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text("How the canvas and every diagram export draw connections");
        if edge_style != meta.edge_style {
            next = Some(Meta {
                edge_style,
                ..meta.clone()
            });
        }
    });
    ui.separator();
    ui.label(RichText::new("Non-functional targets").strong());
    let targets = &meta.targets;
    egui::Grid::new("targets").num_columns(2).show(ui, |ui| {
        let label = ui.label("Peak requests/s");
        if let Some(v) = committed_number(
            ui,
            Id::unique("peak_rps"),
            label.id,
            targets.peak_rps.unwrap_or(0) as f64,
            0.0..=1e9,
            true,
        ) {
            let mut meta = meta.clone();
            meta.targets.peak_rps = (v > 0.0).then_some(v.round() as u64);
            next = Some(meta);
        }
        ui.end_row();
        let label = ui.label("Availability SLO %");
        if let Some(v) = committed_number(
            ui,
            Id::unique("slo"),
            label.id,
            targets.availability_slo.unwrap_or(0.0),
            0.0..=100.0,
            false,
        ) {
            let mut meta = meta.clone();
            meta.targets.availability_slo = (v > 0.0).then_some(v);
            next = Some(meta);
        }
        ui.end_row();
        let label = ui.label("p99 latency budget (ms)");
        if let Some(v) = committed_number(
            ui,
            Id::unique("p99"),
            label.id,
            f64::from(targets.p99_latency_ms.unwrap_or(0)),
            0.0..=600_000.0,
            true,
        ) {
            let mut meta = meta.clone();
            meta.targets.p99_latency_ms = (v > 0.0).then_some(v.round() as u32);
            next = Some(meta);
        }
        ui.end_row();
        for (label, salt, value, set) in [
            (
                "Recovery point objective (min)",
                "rpo",
                targets.rpo_minutes,
                (|targets: &mut archsmith::model::Targets, v| targets.rpo_minutes = v)
                    as fn(&mut archsmith::model::Targets, Option<u32>),
            ),
            (
                "Recovery time objective (min)",
                "rto",
                targets.rto_minutes,
                |targets, v| targets.rto_minutes = v,
            ),
        ] {
            let label = ui.label(label);
            if let Some(v) = committed_number(
                ui,
                Id::unique(salt),
                label.id,
                f64::from(value.unwrap_or(0)),
                0.0..=525_600.0,
                true,
            ) {
                let mut meta = meta.clone();
                set(&mut meta.targets, (v > 0.0).then_some(v.round() as u32));
                next = Some(meta);
            }
            ui.end_row();
        }
    });
    ui.separator();
    ui.label(format!(
        "{} components · {} connections · {} boundaries · {} notes",
        doc.components().len(),
        doc.connections().len(),
        doc.groups().len(),
        doc.notes().len()
    ));
    next.map(|meta| EditOp::SetMeta(Box::new(meta)))
}

fn component_ui(
    ui: &mut Ui,
    doc: &Document,
    catalog: &Catalog,
    component: &Component,
    resolved: &[(&str, String)],
) -> Option<EditOp> {
    let id = component.id.clone();
    let field = |field| {
        Some(EditOp::SetComponentField {
            id: id.clone(),
            field,
        })
    };
    let kind = catalog.kind_of(component)?;
    ui.heading(&component.name);
    ui.label(
        RichText::new(format!(
            "{} · {}  (id: {})",
            kind.label, kind.technology, component.id
        ))
        .weak(),
    );
    ui.separator();
    let mut op = None;
    if let Some(name) = committed_text(ui, "Name", &component.name, false) {
        op = field(ComponentField::Name(name));
    }
    ui.horizontal(|ui| {
        let label = ui.label("Kind");
        let mut selected = component.kind.clone();
        egui::ComboBox::from_id_salt("kind")
            .selected_text(&kind.label)
            .show_ui(ui, |ui| {
                for other in catalog
                    .kinds()
                    .iter()
                    .filter(|k| k.category == kind.category)
                {
                    ui.selectable_value(&mut selected, other.id.clone(), &other.label);
                }
            })
            .response
            .labelled_by(label.id);
        if selected != component.kind {
            op = field(ComponentField::Kind(selected));
        }
    });
    ui.horizontal(|ui| {
        let label = ui.label("Boundary");
        let current = component
            .group
            .as_ref()
            .and_then(|g| doc.group(g.as_str()))
            .map_or("none", |g| g.name.as_str());
        let mut group = component.group.clone();
        egui::ComboBox::from_id_salt("component-group")
            .selected_text(current)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut group, None, "none");
                for g in doc.groups() {
                    ui.selectable_value(
                        &mut group,
                        Some(g.id.clone()),
                        format!("{} ({})", g.name, g.kind.label()),
                    );
                }
            })
            .response
            .labelled_by(label.id);
        if group != component.group {
            op = Some(EditOp::Regroup {
                id: id.clone(),
                group,
            });
        }
    });
    for kind in [GroupKind::TrustZone, GroupKind::BoundedContext] {
        if let Some(member_of) = membership_ui(ui, doc, component, kind) {
            op = field(ComponentField::MemberOf(member_of));
        }
    }
    let mut pinned = component.pinned;
    if ui
        .checkbox(&mut pinned, "Pinned (tidy-up keeps its position)")
        .changed()
    {
        op = field(ComponentField::Pinned(pinned));
    }
    if let Some(tags) = committed_text(ui, "Tags", &component.tags.join(", "), false) {
        let tags = tags
            .split(',')
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .collect();
        op = field(ComponentField::Tags(tags));
    }
    if let Some(description) = committed_text(ui, "Description", &component.description, true) {
        op = field(ComponentField::Description(description));
    }
    resolved_ui(ui, resolved);
    ui.separator();
    ui.label(RichText::new("Properties").strong());
    if let Some((key, value)) = properties_ui(ui, &kind.properties, &component.properties) {
        op = Some(EditOp::SetComponentProperty {
            id: ComponentId::clone(&id),
            key,
            value,
        });
    }
    if kind.has(Trait::Broker) {
        ui.separator();
        if let Some(topics) = topics_ui(ui, &component.topics) {
            op = field(ComponentField::Topics(topics));
        }
    }
    op
}

/// What the core resolves from the model, the catalog and the target cloud: read-only, the
/// same facts the rules, the documents and the infrastructure exports state.
fn resolved_ui(ui: &mut Ui, resolved: &[(&str, String)]) {
    if resolved.is_empty() {
        return;
    }
    ui.separator();
    ui.label(RichText::new("Resolved").strong()).on_hover_text(
        "What the rules, the design document and the exports take to be true of this component.",
    );
    for (label, value) in resolved {
        // Wrapped lines, so that a long service name never widens the panel.
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(format!("{label}:")).weak());
            ui.label(value);
        });
    }
}

/// The trust zone (or bounded context) a component belongs to besides its placement: the new
/// `member_of` list when the user picks another.
fn membership_ui(
    ui: &mut Ui,
    doc: &Document,
    component: &Component,
    kind: GroupKind,
) -> Option<Vec<GroupId>> {
    let candidates: Vec<&Group> = doc.groups().iter().filter(|g| g.kind == kind).collect();
    if candidates.is_empty() {
        return None;
    }
    let current = component
        .member_of
        .iter()
        .find(|id| doc.group(id.as_str()).is_some_and(|g| g.kind == kind))
        .cloned();
    let mut chosen = current.clone();
    ui.horizontal(|ui| {
        let label = ui.label(kind.label());
        let shown = chosen
            .as_ref()
            .and_then(|id| doc.group(id.as_str()))
            .map_or("none", |g| g.name.as_str());
        egui::ComboBox::from_id_salt(("member-of", kind.label()))
            .selected_text(shown)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut chosen, None, "none");
                for group in &candidates {
                    ui.selectable_value(&mut chosen, Some(group.id.clone()), &group.name);
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text("Belongs to it wherever it is placed: trust zones and bounded contexts combine with the network boundary.");
    });
    if chosen == current {
        return None;
    }
    let mut member_of: Vec<GroupId> = component
        .member_of
        .iter()
        .filter(|id| Some(*id) != current.as_ref())
        .cloned()
        .collect();
    member_of.extend(chosen);
    Some(member_of)
}

/// A broker's topics as a table: the whole new list when any field changes.
fn topics_ui(ui: &mut Ui, topics: &[Topic]) -> Option<Vec<Topic>> {
    ui.label(RichText::new("Topics").strong());
    let mut next = None;
    for (index, topic) in topics.iter().enumerate() {
        ui.push_id(("topic", index), |ui| {
            let mut edited = topic.clone();
            let mut changed = false;
            let mut removed = false;
            egui::CollapsingHeader::new(format!("Topic {}", topic.name))
                .default_open(false)
                .show(ui, |ui| {
                    if let Some(name) = committed_text(ui, "Topic name", &topic.name, false) {
                        edited.name = name.trim().to_owned();
                        changed = true;
                    }
                    if let Some(key) = committed_text(ui, "Message key", &topic.key, false) {
                        edited.key = key;
                        changed = true;
                    }
                    if let Some(message) =
                        committed_text(ui, "Message schema", &topic.message, false)
                    {
                        edited.message = message.trim().to_owned();
                        changed = true;
                    }
                    ui.horizontal(|ui| {
                        let label = ui.label("Partitions");
                        if let Some(value) = committed_number(
                            ui,
                            ui.scope_id().with("partitions"),
                            label.id,
                            f64::from(topic.partitions.unwrap_or(0)),
                            0.0..=100_000.0,
                            true,
                        ) {
                            edited.partitions = (value >= 1.0).then_some(value.round() as u32);
                            changed = true;
                        }
                    });
                    ui.horizontal(|ui| {
                        let label = ui.label("Dead letter");
                        let mut dead_letter = topic.dead_letter.clone();
                        egui::ComboBox::from_id_salt("dead-letter")
                            .selected_text(dead_letter.as_deref().unwrap_or("none"))
                            .show_ui(ui, |ui| {
                                ui.selectable_value(&mut dead_letter, None, "none");
                                for other in topics.iter().filter(|t| t.name != topic.name) {
                                    ui.selectable_value(
                                        &mut dead_letter,
                                        Some(other.name.clone()),
                                        &other.name,
                                    );
                                }
                            })
                            .response
                            .labelled_by(label.id);
                        if dead_letter != topic.dead_letter {
                            edited.dead_letter = dead_letter;
                            changed = true;
                        }
                    });
                    if ui
                        .checkbox(
                            &mut edited.latest_wins,
                            "Latest wins (a failed message is superseded, not replayed)",
                        )
                        .changed()
                    {
                        changed = true;
                    }
                    if let Some(description) =
                        committed_text(ui, "Topic description", &topic.description, true)
                    {
                        edited.description = description;
                        changed = true;
                    }
                    removed = ui.button("Remove topic").clicked();
                });
            if removed {
                let mut list = topics.to_vec();
                list.remove(index);
                for other in &mut list {
                    if other.dead_letter.as_deref() == Some(topic.name.as_str()) {
                        other.dead_letter = None;
                    }
                }
                next = Some(list);
            } else if changed {
                let mut list = topics.to_vec();
                if edited.name != topic.name {
                    for other in &mut list {
                        if other.dead_letter.as_deref() == Some(topic.name.as_str()) {
                            other.dead_letter = Some(edited.name.clone());
                        }
                    }
                }
                list[index] = edited;
                next = Some(list);
            }
        });
    }
    if ui.button("Add topic").clicked() {
        let mut list = topics.to_vec();
        let name = (1..)
            .map(|n| format!("topic-{n}"))
            .find(|name| topics.iter().all(|t| &t.name != name))
            .unwrap_or_else(|| "topic".to_owned());
        list.push(Topic::new(name));
        next = Some(list);
    }
    next
}

fn connection_ui(
    ui: &mut Ui,
    doc: &Document,
    catalog: &Catalog,
    connection: &Connection,
) -> Option<EditOp> {
    let id = connection.id.clone();
    let field = |field| {
        Some(EditOp::SetConnectionField {
            id: ConnectionId::clone(&id),
            field,
        })
    };
    let name_of = |c: &ComponentId| {
        doc.component(c.as_str())
            .map_or(c.to_string(), |c| c.name.clone())
    };
    let kind = catalog.connection_kind(connection.kind.as_str())?;
    ui.heading(format!(
        "{} → {}",
        name_of(&connection.from),
        name_of(&connection.to)
    ));
    ui.label(
        RichText::new(format!(
            "{} · {}  (id: {})",
            kind.label, kind.protocol, connection.id
        ))
        .weak(),
    );
    ui.separator();
    let mut op = None;
    if let Some(label) = committed_text(ui, "Label", &connection.label, false) {
        op = field(ConnectionField::Label(label));
    }
    let endpoints = doc
        .component(connection.from.as_str())
        .zip(doc.component(connection.to.as_str()));
    if let Some((from, to)) = endpoints
        && let (Some(from_kind), Some(to_kind)) = (catalog.kind_of(from), catalog.kind_of(to))
    {
        ui.horizontal(|ui| {
            let label = ui.label("Kind");
            let mut selected = connection.kind.clone();
            egui::ComboBox::from_id_salt("connection-kind")
                .selected_text(&kind.label)
                .show_ui(ui, |ui| {
                    for allowed in catalog.allowed_connections(from_kind, to_kind) {
                        ui.selectable_value(&mut selected, allowed.id.clone(), &allowed.label);
                    }
                })
                .response
                .labelled_by(label.id);
            if selected != connection.kind {
                op = field(ConnectionField::Kind(selected));
            }
        });
    }
    ui.horizontal(|ui| {
        let label = ui.label("Interaction");
        let mut sync = connection.sync;
        let text = match sync {
            None => "kind default",
            Some(true) => "synchronous",
            Some(false) => "asynchronous",
        };
        egui::ComboBox::from_id_salt("sync")
            .selected_text(text)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut sync, None, "kind default");
                ui.selectable_value(&mut sync, Some(true), "synchronous");
                ui.selectable_value(&mut sync, Some(false), "asynchronous");
            })
            .response
            .labelled_by(label.id);
        if sync != connection.sync {
            op = field(ConnectionField::Sync(sync));
        }
    });
    let mut tls = connection.tls;
    if ui.checkbox(&mut tls, "TLS").changed() {
        op = field(ConnectionField::Tls(tls));
    }
    ui.horizontal(|ui| {
        let label = ui.label("Authentication");
        let mut auth = connection.auth;
        egui::ComboBox::from_id_salt("auth")
            .selected_text(format!("{auth:?}"))
            .show_ui(ui, |ui| {
                for mode in AuthMode::ALL {
                    ui.selectable_value(&mut auth, mode, format!("{mode:?}"));
                }
            })
            .response
            .labelled_by(label.id);
        if auth != connection.auth {
            op = field(ConnectionField::Auth(auth));
        }
    });
    if let Some(description) = committed_text(ui, "Description", &connection.description, true) {
        op = field(ConnectionField::Description(description));
    }
    ui.separator();
    ui.label(RichText::new("Properties").strong());
    if let Some((key, value)) = properties_ui(ui, &kind.properties, &connection.properties) {
        op = Some(EditOp::SetConnectionProperty {
            id: ConnectionId::clone(&id),
            key,
            value,
        });
    }
    if let Some(style) = kind.api {
        ui.separator();
        if let Some(operations) = operations_ui(ui, style, &connection.operations) {
            op = field(ConnectionField::Operations(operations));
        }
    }
    op
}

fn group_ui(ui: &mut Ui, doc: &Document, group: &Group) -> Option<EditOp> {
    let id = group.id.clone();
    let field = |field| {
        Some(EditOp::SetGroupField {
            id: id.clone(),
            field,
        })
    };
    ui.heading(&group.name);
    ui.label(RichText::new(format!("{}  (id: {})", group.kind.label(), group.id)).weak());
    ui.separator();
    let mut op = None;
    if let Some(name) = committed_text(ui, "Name", &group.name, false) {
        op = field(GroupField::Name(name));
    }
    ui.horizontal(|ui| {
        let label = ui.label("Kind");
        let mut kind = group.kind;
        egui::ComboBox::from_id_salt("group-kind")
            .selected_text(kind.label())
            .show_ui(ui, |ui| {
                for k in GroupKind::ALL {
                    ui.selectable_value(&mut kind, k, k.label());
                }
            })
            .response
            .labelled_by(label.id);
        if kind != group.kind {
            op = field(GroupField::Kind(kind));
            // A location names a region or zone; another kind of boundary cannot keep one.
            if group.location.is_some() && !kind.has_location() {
                op = Some(EditOp::Batch(vec![
                    EditOp::SetGroupField {
                        id: id.clone(),
                        field: GroupField::Location(None),
                    },
                    EditOp::SetGroupField {
                        id: id.clone(),
                        field: GroupField::Kind(kind),
                    },
                ]));
            }
        }
    });
    if group.kind.has_location() {
        let current = group.location.clone().unwrap_or_default();
        if let Some(location) = committed_text(ui, "Location", &current, false) {
            let location = location.trim().to_owned();
            op = field(GroupField::Location(
                (!location.is_empty()).then_some(location),
            ));
        }
        ui.label(
            RichText::new(match group.kind {
                GroupKind::Region => {
                    "The cloud's region code, like us-east-1, europe-west1 or westeurope."
                }
                _ => "The cloud's zone code, like us-east-1a, europe-west1-b or 1.",
            })
            .weak(),
        );
    }
    ui.horizontal(|ui| {
        let label = ui.label("Inside");
        let mut parent = group.parent.clone();
        let current = parent
            .as_ref()
            .and_then(|p| doc.group(p.as_str()))
            .map_or("none", |g| g.name.as_str());
        egui::ComboBox::from_id_salt("group-parent")
            .selected_text(current)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut parent, None, "none");
                for other in doc.groups().iter().filter(|g| {
                    !crate::canvas::geometry::is_descendant_or_self(doc, g, group.id.as_str())
                }) {
                    ui.selectable_value(&mut parent, Some(other.id.clone()), &other.name);
                }
            })
            .response
            .labelled_by(label.id);
        if parent != group.parent {
            op = field(GroupField::Parent(parent));
        }
    });
    if let Some(description) = committed_text(ui, "Description", &group.description, true) {
        op = field(GroupField::Description(description));
    }
    ui.label(format!(
        "{} components inside",
        doc.members_of(group.id.as_str()).count()
    ));
    op
}

fn note_ui(ui: &mut Ui, note: &Note) -> Option<EditOp> {
    ui.heading("Sticky note");
    let mut op = None;
    if let Some(text) = committed_text(ui, "Text", &note.text, true) {
        op = Some(EditOp::UpdateNote(Note {
            text,
            ..note.clone()
        }));
    }
    ui.horizontal(|ui| {
        ui.label("Colour");
        for color in [
            NoteColor::Yellow,
            NoteColor::Pink,
            NoteColor::Blue,
            NoteColor::Green,
        ] {
            if ui
                .selectable_label(note.color == color, format!("{color:?}"))
                .clicked()
                && note.color != color
            {
                op = Some(EditOp::UpdateNote(Note {
                    color,
                    ..note.clone()
                }));
            }
        }
    });
    op
}
