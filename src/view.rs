//! Projecting a [`View`] into the document it draws. Every diagram export and the editor
//! draw a view by drawing its projection, so a view needs no exporter of its own and looks
//! the same everywhere.
//!
//! - The **selection** picks components (everything, when it names nothing); a dynamic view
//!   picks what its entry point's request flow reaches instead, and numbers the steps.
//! - The **level** decides what surrounds them: a context view folds everything that is not
//!   a client or an external system into one box for the system; a container view groups
//!   components by their bounded contexts and trust zones; a deployment view keeps their
//!   network placement.
//! - The view's **layout** places the boxes it has positions for; the rest are laid out
//!   automatically around them, and boundaries are fitted to what they hold.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use petgraph::Direction;

use crate::catalog::{Catalog, ConnectionStyle, Trait};
use crate::edit::{ConnectionField, EditOp};
use crate::graph::ArchGraph;
use crate::layout::{self, Spacing};
use crate::model::{
    Component, ComponentId, Connection, ConnectionId, Document, Group, GroupId, GroupKind, KindId,
    Point, PropertyValue, Size, View, ViewId, ViewLevel,
};
use crate::topics::BrokerFlows;

/// The kind of the box a context view draws for the whole system.
pub const SYSTEM_KIND: &str = "software-system";
/// The system's box: wider than a component's, for the system's name.
const SYSTEM_SIZE: Size = Size::new(240.0, 80.0);
/// The most labels a context view's merged arrow lists.
const MERGED_LABELS: usize = 2;

/// What a view draws: a document of its own (components, boundaries and connections cloned
/// from the model, positioned for the view) and, for a dynamic view, the steps in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub doc: Document,
    /// A dynamic view's connections in the order a request takes them; step `n` is
    /// `steps[n - 1]`. Empty for other views.
    pub steps: Vec<ConnectionId>,
}

/// A view the model does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the model has no view `{id}`; {}", available(.known))]
pub struct UnknownView {
    pub id: String,
    pub known: Vec<String>,
}

fn available(known: &[String]) -> String {
    if known.is_empty() {
        "it defines no views".to_owned()
    } else {
        format!("its views are: {}", known.join(", "))
    }
}

/// The view `id` of `doc`.
pub fn find<'d>(doc: &'d Document, id: &str) -> Result<&'d View, UnknownView> {
    doc.view(id).ok_or_else(|| UnknownView {
        id: crate::text::echo(id).to_string(),
        known: doc.views().iter().map(|v| v.id.to_string()).collect(),
    })
}

/// Whether a component stands outside the modelled system, as context views draw it: a
/// client its users run, someone else's system, another software system, or a service
/// bought as SaaS (an identity provider or on-call service someone else runs).
pub fn is_outside(catalog: &Catalog, component: &Component) -> bool {
    component.kind.as_str() == SYSTEM_KIND
        || catalog
            .kind_of(component)
            .is_some_and(|k| k.has(Trait::Client) || k.has(Trait::External))
        || catalog.bought_as_saas(component)
}

/// The id of the box a context view draws for the system: `system`, unless the model uses
/// that id already.
pub fn system_box_id(doc: &Document) -> String {
    doc.fresh_id("system")
}

/// The document `view` draws, laid out for the default page shape. Deterministic.
pub fn project(doc: &Document, catalog: &Catalog, view: &View) -> Projection {
    project_with(doc, catalog, view, Spacing::default())
}

/// The document `view` draws, with the boxes it has not placed laid out with `spacing`.
pub fn project_with(
    doc: &Document,
    catalog: &Catalog,
    view: &View,
    spacing: Spacing,
) -> Projection {
    let graph = ArchGraph::new(doc, catalog);
    let (shown, flow_steps) = match view
        .flow
        .as_ref()
        .and_then(|e| doc.component_index(e.as_str()))
    {
        Some(entry) => {
            // A flow's selection narrows which branches it follows (`exclude` the browsing
            // side of a checkout flow).
            let skipped: BTreeSet<&str> = view.select.exclude.iter().map(|c| c.as_str()).collect();
            let steps = flow(&graph, entry, &select(&graph, view), &skipped);
            let mut shown = vec![false; doc.components().len()];
            shown[entry] = true;
            for &c in &steps {
                if let Some((from, to)) = ends(doc, &doc.connections()[c]) {
                    shown[from] = true;
                    shown[to] = true;
                }
            }
            (shown, Some(steps))
        }
        None => (select(&graph, view), None),
    };
    // The whole model at deployment level is the model's own drawing, unless the view moved
    // something.
    if flow_steps.is_none()
        && view.level == ViewLevel::Deployment
        && view.layout.is_empty()
        && shown.iter().all(|&s| s)
    {
        return Projection {
            doc: doc.clone(),
            steps: Vec::new(),
        };
    }
    let mut out = Document::new(doc.meta.clone());
    // Diagrams title themselves with the model's name: say which view this is.
    out.meta.name = format!("{}: {}", doc.meta.name, view.name);
    // Where each model component went: itself, or the system box of a context view.
    let mut target: Vec<Option<ComponentId>> = vec![None; doc.components().len()];
    let system = (view.level == ViewLevel::Context).then(|| system_box(doc));
    for (i, component) in doc.components().iter().enumerate() {
        if !shown[i] {
            continue;
        }
        match &system {
            Some(system) if !is_outside(catalog, component) => {
                target[i] = Some(system.id.clone());
            }
            _ => {
                let mut copy = component.clone();
                copy.pinned = false;
                copy.group = placement(doc, view.level, component);
                copy.member_of.clear();
                target[i] = Some(copy.id.clone());
                out.components.push(copy);
            }
        }
    }
    if let Some(system) = system
        && target.iter().flatten().any(|t| *t == system.id)
    {
        out.components.push(system);
    }
    out.groups = groups_holding(doc, view.level, &out.components);
    let steps = match &flow_steps {
        Some(steps) => {
            out.connections = numbered(doc, steps);
            steps
                .iter()
                .map(|&c| doc.connections()[c].id.clone())
                .collect()
        }
        None => {
            out.connections = connections_between(doc, &target);
            Vec::new()
        }
    };
    out.normalize();
    place(&mut out, catalog, view, spacing);
    Projection { doc: out, steps }
}

fn ends(doc: &Document, connection: &Connection) -> Option<(usize, usize)> {
    Some((
        doc.component_index(connection.from.as_str())?,
        doc.component_index(connection.to.as_str())?,
    ))
}

/// The components a view's selection shows, by position in the document.
fn select(graph: &ArchGraph<'_>, view: &View) -> Vec<bool> {
    let doc = graph.document();
    let select = &view.select;
    let narrows = !(select.groups.is_empty()
        && select.tags.is_empty()
        && select.kinds.is_empty()
        && select.traits.is_empty()
        && select.components.is_empty());
    let traits: Vec<Trait> = select
        .traits
        .iter()
        .filter_map(|t| Trait::from_name(t))
        .collect();
    let mut shown: Vec<bool> = doc
        .components()
        .iter()
        .map(|c| {
            // The lists are sorted (`View::normalize`): a lookup is a binary search, not a
            // scan per component.
            !narrows
                || select.components.binary_search(&c.id).is_ok()
                || select.kinds.binary_search(&c.kind).is_ok()
                || c.tags.iter().any(|t| select.tags.contains(t))
                || traits.iter().any(|&t| graph.has_trait(c, t))
                || select.groups.iter().any(|g| within(doc, c, g))
        })
        .collect();
    if select.neighbours {
        let chosen = shown.clone();
        for connection in doc.connections() {
            if let Some((from, to)) = ends(doc, connection) {
                if chosen[from] {
                    shown[to] = true;
                }
                if chosen[to] {
                    shown[from] = true;
                }
            }
        }
    }
    for id in &select.exclude {
        if let Some(i) = doc.component_index(id.as_str()) {
            shown[i] = false;
        }
    }
    shown
}

/// Whether `component` sits in `group` (at any depth) or is a member of it.
fn within(doc: &Document, component: &Component, group: &GroupId) -> bool {
    component.member_of.contains(group)
        || doc
            .group_chain(component.group.as_ref())
            .iter()
            .any(|g| g.id == *group)
}

/// The boundary a component is drawn in at a level.
fn placement(doc: &Document, level: ViewLevel, component: &Component) -> Option<GroupId> {
    match level {
        ViewLevel::Context => None,
        ViewLevel::Deployment => component.group.clone(),
        ViewLevel::Container => {
            let logical = is_logical;
            let member = |wanted: fn(GroupKind) -> bool| {
                component
                    .member_of
                    .iter()
                    .filter_map(|g| doc.group(g.as_str()))
                    .find(|g| wanted(g.kind))
            };
            member(|k| k == GroupKind::BoundedContext)
                .or_else(|| member(logical))
                .or_else(|| {
                    doc.group_chain(component.group.as_ref())
                        .into_iter()
                        .find(|g| logical(g.kind))
                })
                .map(|g| g.id.clone())
        }
    }
}

/// The box a context view draws for the system the model describes.
fn system_box(doc: &Document) -> Component {
    let id = ComponentId::new(system_box_id(doc))
        .unwrap_or_else(|_| unreachable!("fresh ids are slugs"));
    let mut system = Component::new(
        id,
        KindId::new(SYSTEM_KIND),
        doc.meta.name.clone(),
        Point::default(),
    );
    system.description.clone_from(&doc.meta.description);
    system.size = SYSTEM_SIZE;
    system
}

/// Whether a container view draws boundaries of this kind: the logical ones, not networks,
/// places or clusters.
fn is_logical(kind: GroupKind) -> bool {
    matches!(
        kind,
        GroupKind::BoundedContext | GroupKind::TrustZone | GroupKind::Generic
    )
}

/// The boundaries the components are placed in, with their ancestors (only the logical ones
/// in a container view); parents that are not kept are skipped over.
fn groups_holding(doc: &Document, level: ViewLevel, components: &[Component]) -> Vec<Group> {
    let mut kept: BTreeMap<&str, &Group> = BTreeMap::new();
    for component in components {
        for group in doc.group_chain(component.group.as_ref()) {
            if level != ViewLevel::Container || is_logical(group.kind) {
                kept.insert(group.id.as_str(), group);
            }
        }
    }
    kept.values()
        .map(|group| {
            let mut copy = (*group).clone();
            // A container view keeps logical boundaries only: their network parents are gone.
            while let Some(parent) = copy.parent.as_ref()
                && !kept.contains_key(parent.as_str())
            {
                copy.parent = doc.group(parent.as_str()).and_then(|p| p.parent.clone());
            }
            copy
        })
        .collect()
}

/// The model's connections between shown boxes, with their ends moved to where the components
/// went; several connections between the same two boxes (in a context view) become one,
/// labelled with what they carry.
fn connections_between(doc: &Document, target: &[Option<ComponentId>]) -> Vec<Connection> {
    /// One arrow: the first connection merged into it, and the labels of the connections of
    /// its kind (`None` once one of them has no label: then no label speaks for the arrow).
    type Arrow = (Connection, Option<Vec<String>>);
    let mut merged: BTreeMap<(ComponentId, ComponentId), Arrow> = BTreeMap::new();
    for connection in doc.connections() {
        let Some((from, to)) = ends(doc, connection) else {
            continue;
        };
        let (Some(a), Some(b)) = (&target[from], &target[to]) else {
            continue;
        };
        if a == b {
            continue;
        }
        let label = connection.label.trim().to_owned();
        match merged.get_mut(&(a.clone(), b.clone())) {
            // Labels of calls of another kind (a DNS name next to HTTP calls) would be read
            // as the arrow's own.
            Some((kept, labels)) if kept.kind == connection.kind => {
                if label.is_empty() {
                    *labels = None;
                } else if let Some(labels) = labels
                    && !labels.contains(&label)
                {
                    labels.push(label);
                }
            }
            Some(_) => {}
            None => {
                let mut copy = connection.clone();
                copy.from = a.clone();
                copy.to = b.clone();
                copy.waypoints.clear();
                let labels = (!label.is_empty()).then(|| vec![label]);
                merged.insert((a.clone(), b.clone()), (copy, labels));
            }
        }
    }
    merged
        .into_values()
        .map(|(mut connection, labels)| {
            // Past two, a list of what flows is noise on an arrow: the kind says enough.
            connection.label = match labels {
                Some(labels) if labels.len() <= MERGED_LABELS => labels.join(", "),
                _ => String::new(),
            };
            connection
        })
        .collect()
}

/// A label's leading step numbers (`12. reserve stock` gives `12` and `reserve stock`;
/// `6, 12. reads` gives `6, 12`), as a dynamic view numbers its connections.
pub fn split_step(label: &str) -> (Option<&str>, &str) {
    let numbers = label
        .bytes()
        .take_while(|b| b.is_ascii_digit() || matches!(b, b',' | b' '))
        .count();
    let prefix = label[..numbers].trim_end();
    match label[prefix.len()..].strip_prefix('.') {
        Some(rest)
            if prefix.starts_with(|c: char| c.is_ascii_digit())
                && prefix.ends_with(|c: char| c.is_ascii_digit())
                && (rest.is_empty() || rest.starts_with(' ')) =>
        {
            (Some(prefix), rest.trim_start())
        }
        _ => (None, label),
    }
}

/// A connection's caption as diagrams print it: its kind, then its own label; a dynamic
/// view's step number leads (`12. gRPC: reserve stock`).
pub fn caption(kind: &str, label: &str) -> String {
    let (step, label) = split_step(label);
    let text = if label.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind}: {label}")
    };
    match step {
        Some(step) => format!("{step}. {text}"),
        None => text,
    }
}

/// A caption's shorter form: what the connection's own label says, without its kind
/// (`3. reserve stock` for `3. gRPC: reserve stock`); `None` when it has no label of its own.
pub fn detail(label: &str) -> Option<String> {
    match split_step(label) {
        (_, "") => None,
        (Some(step), label) => Some(format!("{step}. {label}")),
        (None, label) => Some(label.to_owned()),
    }
}

/// What a step of a dynamic view does, without its number: `gRPC: reserve stock`.
pub fn step_text(catalog: &Catalog, connection: &Connection) -> String {
    let kind = catalog
        .connection_kind(connection.kind.as_str())
        .map_or(connection.kind.as_str(), |k| k.label.as_str());
    caption(kind, split_step(&connection.label).1)
}

/// A dynamic view's connections, each labelled with its step numbers (a call made twice in
/// the flow carries both: `6, 12. Database query`). A consume is drawn, as everywhere, from
/// the broker to its consumer (see [`Catalog::drawn_ends`]).
fn numbered(doc: &Document, steps: &[usize]) -> Vec<Connection> {
    let mut numbers: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (n, &c) in steps.iter().enumerate() {
        numbers.entry(c).or_default().push((n + 1).to_string());
    }
    numbers
        .into_iter()
        .map(|(c, numbers)| {
            let mut connection = doc.connections()[c].clone();
            connection.waypoints.clear();
            let numbers = numbers.join(", ");
            connection.label = if connection.label.trim().is_empty() {
                format!("{numbers}.")
            } else {
                format!("{numbers}. {}", connection.label.trim())
            };
            connection
        })
        .collect()
}

/// The most steps a dynamic view numbers: a flow walks a component again each time another
/// call reaches it, and on a big model the paths multiply.
pub const MAX_FLOW_STEPS: usize = 500;

/// The request flow from `entry` through the components `allowed` shows, as connection
/// positions in step order: every call it makes, depth first, each callee's calls before
/// the caller's next call; a component reached again by another call makes its calls again
/// (a second lookup reads the database again), except one already being walked (a cycle);
/// asynchronous steps (a publish, its delivery to each consumer, replication) happen once. A
/// component's calls come in the order the model states (`call_order`), then the catalog's
/// `request_phase` (names resolved, session checked, caches before databases, databases
/// before other services, internal services before external systems, publishing last), then
/// connection order. A publish is followed by each consumer of its topic in turn, with what
/// that consumer calls. Telemetry, calls made once at start-up and `skipped` connections are
/// not steps. At most [`MAX_FLOW_STEPS`].
fn flow(
    graph: &ArchGraph<'_>,
    entry: usize,
    allowed: &[bool],
    skipped: &BTreeSet<&str>,
) -> Vec<usize> {
    /// A component being walked: its calls in order, how many were followed, and the step
    /// that brought the walk here, recorded when the walk gets to it (a consumer's consume).
    struct Frame<'g> {
        component: usize,
        calls: Vec<&'g crate::graph::Link>,
        next: usize,
        arrival: Option<usize>,
    }
    let doc = graph.document();
    let components = doc.components();
    let catalog = graph.catalog();
    let mut walking = vec![false; components.len()];
    // Asynchronous connections already in the flow (publishes, consumes, replication).
    let mut once = vec![false; doc.connections().len()];
    let mut steps = Vec::new();
    let mut brokers: HashMap<usize, BrokerFlows<'_>> = HashMap::new();
    let calls = |at: usize| {
        let mut links: Vec<_> = graph
            .links(&components[at], Direction::Outgoing)
            .iter()
            .filter(|link| {
                let connection = graph.connection(link);
                // A consumer's reading from its broker is how it is reached, not a call.
                link.style() != Some(ConnectionStyle::Telemetry)
                    && !crate::topics::is_consume(connection)
                    && graph.on_request_path(link)
                    && !skipped.contains(connection.id.as_str())
                    && link.ends().is_some_and(|(_, to)| allowed[to])
            })
            .collect();
        links.sort_by_key(|link| {
            let connection = graph.connection(link);
            // The model's own order first, where it states one.
            let stated = graph
                .link_property(link, "call_order")
                .and_then(PropertyValue::as_int)
                .filter(|&n| n > 0);
            let phase = catalog
                .connection_kind(connection.kind.as_str())
                .map_or(u8::MAX, |k| k.request_phase);
            let external = link
                .ends()
                .is_some_and(|(_, to)| graph.has_trait(&components[to], Trait::External));
            (stated.is_none(), stated, phase, external)
        });
        links
    };
    let frame = |component: usize, arrival: Option<usize>, walk: bool| Frame {
        component,
        calls: if walk { calls(component) } else { Vec::new() },
        next: 0,
        arrival,
    };
    walking[entry] = true;
    let mut stack = vec![frame(entry, None, true)];
    while let Some(top) = stack.last_mut() {
        if steps.len() >= MAX_FLOW_STEPS {
            break;
        }
        if let Some(arrival) = top.arrival.take() {
            steps.push(arrival);
        }
        let Some(link) = top.calls.get(top.next).copied() else {
            walking[top.component] = false;
            stack.pop();
            continue;
        };
        top.next += 1;
        let Some((_, to)) = link.ends() else {
            continue;
        };
        // Messages and replication happen once in a flow: a second publish of the same event
        // would deliver it to every consumer again, and events that lead back to their
        // publisher would loop until the cap.
        if !link.is_sync() {
            if once[link.position()] {
                continue;
            }
            once[link.position()] = true;
        }
        steps.push(link.position());
        let mut then: Vec<Frame<'_>> = Vec::new();
        // A name lookup answers and the request goes on from the caller: what the DNS zone
        // points at is not part of this request's path through it.
        if !walking[to] && !graph.is_name_lookup(link) {
            walking[to] = true;
            then.push(frame(to, None, true));
        }
        if graph.has_trait(&components[to], Trait::Broker) {
            let published = &doc.connections()[link.position()];
            let flows = brokers
                .entry(to)
                .or_insert_with(|| BrokerFlows::new(graph, &components[to]));
            for consume in flows.consumers_of(published) {
                let (Some(position), Some(consumer)) = (
                    doc.connection_index(consume.id.as_str()),
                    doc.component_index(consume.from.as_str()),
                ) else {
                    continue;
                };
                if !allowed[consumer] || skipped.contains(consume.id.as_str()) || once[position] {
                    continue;
                }
                once[position] = true;
                let walk = !walking[consumer];
                walking[consumer] = true;
                then.push(frame(consumer, Some(position), walk));
            }
        }
        // The first callee is walked first.
        stack.extend(then.into_iter().rev());
    }
    steps.truncate(MAX_FLOW_STEPS);
    steps
}

/// Positions the projection: the view's own positions where it has them, the automatic
/// layout for the rest; boundaries fitted around what they hold.
fn place(out: &mut Document, catalog: &Catalog, view: &View, spacing: Spacing) {
    let mut placed = 0;
    for component in &mut out.components {
        if let Some(&at) = view.layout.get(component.id.as_str()) {
            component.position = at;
            component.pinned = true;
            placed += 1;
        }
    }
    if placed < out.components.len() {
        let auto = layout::layout(out, catalog, spacing);
        for component in &mut out.components {
            if let Some(&at) = auto.components.get(&component.id) {
                component.position = at;
            }
        }
        for group in &mut out.groups {
            if let Some(&rect) = auto.groups.get(&group.id) {
                group.rect = rect;
            }
        }
        for connection in &mut out.connections {
            if let Some(bends) = auto.bends.get(&connection.id) {
                connection.waypoints.clone_from(bends);
            }
        }
    }
    if placed > 0 {
        layout::fit_groups(out);
    }
    for component in &mut out.components {
        component.pinned = false;
    }
}

/// An edit made while a view is shown (`shown` is what it draws now), as it applies to the
/// model: moving boxes moves them in the view (one [`EditOp::PutView`] for all of them, which
/// also keeps every other box where it is drawn, so nothing jumps), boundary rectangles and bend
/// points are the view's to fit and route (dropped), and every other edit changes the model
/// itself. `None` when nothing is left to apply.
pub fn edit_in_view(view: &View, shown: &Projection, op: EditOp) -> Option<EditOp> {
    fn split(op: EditOp, moves: &mut Vec<(ComponentId, Point)>, rest: &mut Vec<EditOp>) {
        match op {
            EditOp::MoveComponent { id, to } => moves.push((id, to)),
            EditOp::Batch(ops) => {
                for op in ops {
                    split(op, moves, rest);
                }
            }
            EditOp::SetGroupRect { .. }
            | EditOp::SetConnectionField {
                field: ConnectionField::Waypoints(_),
                ..
            } => {}
            other => rest.push(other),
        }
    }
    let (mut moves, mut rest) = (Vec::new(), Vec::new());
    split(op, &mut moves, &mut rest);
    if !moves.is_empty() {
        let mut moved = view.clone();
        moved.layout = positions(shown);
        for (id, to) in moves {
            moved.layout.insert(id.to_string(), to);
        }
        rest.push(EditOp::PutView(Box::new(moved)));
    }
    match rest.len() {
        0 => None,
        1 => rest.pop(),
        _ => Some(EditOp::Batch(rest)),
    }
}

/// The views an editor offers to create from what is selected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// The selected components (every component, when none is selected) and what they call
    /// or are called by, as containers.
    Containers,
    /// The system among its clients and the external systems it talks to.
    Context,
    /// The request flow from the one selected component.
    Flow,
}

impl Preset {
    pub const ALL: [Preset; 3] = [Self::Containers, Self::Context, Self::Flow];

    pub fn label(self) -> &'static str {
        match self {
            Self::Containers => "Containers of the selection",
            Self::Context => "System context",
            Self::Flow => "Request flow from the selected component",
        }
    }
}

/// A new view of `doc` made from `preset` and the selected element ids, with a free id;
/// `None` when the preset needs a selection it does not have (a flow needs exactly one
/// component).
pub fn preset(doc: &Document, preset: Preset, selected: &[&str]) -> Option<View> {
    let components: Vec<ComponentId> = selected
        .iter()
        .filter_map(|id| doc.component(id))
        .map(|c| c.id.clone())
        .collect();
    let (name, level, flow) = match preset {
        Preset::Containers if components.is_empty() => {
            ("Containers".to_owned(), ViewLevel::Container, None)
        }
        Preset::Containers => (
            format!("Around {}", doc.component(components[0].as_str())?.name),
            ViewLevel::Container,
            None,
        ),
        Preset::Context => ("System context".to_owned(), ViewLevel::Context, None),
        Preset::Flow => {
            let [entry] = components.as_slice() else {
                return None;
            };
            let name = &doc.component(entry.as_str())?.name;
            (
                format!("Request flow from {name}"),
                ViewLevel::Container,
                Some(entry.clone()),
            )
        }
    };
    let id = ViewId::new(doc.fresh_id(&name)).ok()?;
    let mut view = View::new(id, name, level);
    view.flow = flow;
    if preset == Preset::Containers && !components.is_empty() {
        view.select.components = components;
        view.select.neighbours = true;
    }
    Some(view)
}

/// Where a view draws each of its boxes now, for storing as its layout.
pub fn positions(projection: &Projection) -> BTreeMap<String, Point> {
    projection
        .doc
        .components()
        .iter()
        .map(|c| (c.id.to_string(), c.position))
        .collect()
}
