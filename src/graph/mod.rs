//! [`ArchGraph`]: a petgraph view of a document for the queries rules and analyses need.
//! petgraph's indices stay private; callers speak in component and connection ids.

use std::collections::{BTreeSet, HashMap};

use rustc_hash::FxHashMap;

use petgraph::Direction;
use petgraph::algo::{articulation_points::articulation_points, tarjan_scc};
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex, UnGraph};
use petgraph::visit::{Bfs, EdgeFiltered, EdgeRef, IntoNeighbors};

use crate::catalog::{Catalog, ComponentKind, ConnectionStyle, Trait};
use crate::model::{Component, Connection, Document, Group, GroupId, GroupKind, PropertyValue};

mod compact;

pub use compact::Link;
use compact::{Adjacency, Overrides, SlotMemo, compact};

/// Names a component of an [`ArchGraph`]: by id (a hash lookup), or the component itself
/// (found by its position, without hashing, which is what hot loops in rules use).
pub trait ComponentRef {
    fn node_in(&self, graph: &ArchGraph<'_>) -> Option<NodeIndex>;
}

impl ComponentRef for &str {
    fn node_in(&self, graph: &ArchGraph<'_>) -> Option<NodeIndex> {
        graph.node_of.get(*self).copied()
    }
}

impl ComponentRef for &Component {
    fn node_in(&self, graph: &ArchGraph<'_>) -> Option<NodeIndex> {
        // Nodes are added in component order, so a component's position is its node index.
        match ArchGraph::position_in(graph.doc.components(), self) {
            Some(position) => Some(NodeIndex::new(position)),
            None => graph.node_of.get(self.id.as_str()).copied(),
        }
    }
}

impl<T: ComponentRef + ?Sized> ComponentRef for &T {
    fn node_in(&self, graph: &ArchGraph<'_>) -> Option<NodeIndex> {
        (**self).node_in(graph)
    }
}

/// A read-only graph over a document's components (nodes) and connections (edges).
#[derive(Debug)]
pub struct ArchGraph<'a> {
    doc: &'a Document,
    catalog: &'a Catalog,
    graph: DiGraph<usize, Link>,
    node_of: FxHashMap<&'a str, NodeIndex>,
    /// Per component (by position): its kind's position in the catalog, `u16::MAX` when the
    /// catalog does not know it. Two bytes a component, so scans by kind stay in cache.
    kind_slots: Vec<u16>,
    /// Per component (by position): the properties it sets itself.
    component_overrides: Vec<Overrides>,
    /// Per component (by position): its outgoing and incoming connections.
    outgoing: Adjacency,
    incoming: Adjacency,
    /// Per connection (by position): its ends, kind and style, resolved once.
    links: Vec<Link>,
    /// Per catalog connection kind (by position): the positions of the connections of it.
    by_connection_kind: Vec<Vec<usize>>,
    /// The catalog position of `dns`, which sync-chain queries leave out.
    dns: Option<u16>,
    /// Per group id: the chain of groups from it outwards.
    chains: Vec<Vec<&'a Group>>,
    /// Per component (by position): the position of its innermost group, `u32::MAX` for none.
    group_of: Vec<u32>,
    sync_condensed: std::cell::OnceCell<SyncCondensation>,
    loads: std::cell::OnceCell<crate::load::Loads>,
    analysis: std::cell::OnceCell<crate::analysis::Report>,
}

impl<'a> ArchGraph<'a> {
    /// Builds the view. Connections whose endpoints are missing are skipped; a loaded or
    /// edited document never has them.
    pub fn new(doc: &'a Document, catalog: &'a Catalog) -> Self {
        let components = doc.components();
        let mut graph = DiGraph::with_capacity(components.len(), doc.connections().len());
        let mut node_of = FxHashMap::with_capacity_and_hasher(components.len(), Default::default());
        for (index, component) in components.iter().enumerate() {
            node_of.insert(component.id.as_str(), graph.add_node(index));
        }
        let mut links = Vec::with_capacity(doc.connections().len());
        let mut by_connection_kind = vec![Vec::new(); catalog.connection_kinds().len()];
        let mut connection_slots = SlotMemo::default();
        for (position, connection) in doc.connections().iter().enumerate() {
            let pair = (
                node_of.get(connection.from.as_str()),
                node_of.get(connection.to.as_str()),
            );
            let ends = match pair {
                (Some(&from), Some(&to)) => Some((from, to)),
                _ => None,
            };
            let kind = connection_slots.slot(connection.kind.as_str(), |id| {
                Self::connection_kind_slot(catalog, id).map(usize::from)
            });
            let link = Link::new(
                position,
                connection,
                kind,
                ends.map(|(from, to)| (graph[from], graph[to])),
                catalog,
            );
            if let Some((from, to)) = ends {
                graph.add_edge(from, to, link);
            }
            if let Some(list) = link
                .kind
                .and_then(|k| by_connection_kind.get_mut(usize::from(k)))
            {
                list.push(position);
            }
            links.push(link);
        }
        let mut component_slots = SlotMemo::default();
        let kind_slots: Vec<u16> = components
            .iter()
            .map(|c| {
                component_slots
                    .slot(c.kind.as_str(), |id| {
                        catalog
                            .kinds()
                            .binary_search_by(|k| k.id.as_str().cmp(id))
                            .ok()
                    })
                    .unwrap_or(u16::MAX)
            })
            .collect();
        let group_position = |id: &str| {
            doc.groups()
                .binary_search_by(|g| g.id.as_str().cmp(id))
                .ok()
        };
        let chains = doc
            .groups()
            .iter()
            .map(|g| doc.group_chain(Some(&g.id)))
            .collect();
        let group_of = components
            .iter()
            .map(|c| {
                c.group
                    .as_ref()
                    .and_then(|g| group_position(g.as_str()))
                    .map_or(u32::MAX, compact)
            })
            .collect();
        Self {
            doc,
            catalog,
            graph,
            node_of,
            component_overrides: components
                .iter()
                .zip(&kind_slots)
                .map(|(component, slot)| {
                    let kind = catalog.kinds().get(usize::from(*slot));
                    Overrides::new(&component.properties, |name| kind?.property_position(name))
                })
                .collect(),
            kind_slots,
            outgoing: Adjacency::new(components.len(), &links, |l| l.from),
            incoming: Adjacency::new(components.len(), &links, |l| l.to),
            links,
            by_connection_kind,
            dns: Self::connection_kind_slot(catalog, "dns"),
            chains,
            group_of,
            sync_condensed: std::cell::OnceCell::new(),
            loads: std::cell::OnceCell::new(),
            analysis: std::cell::OnceCell::new(),
        }
    }

    /// A connection kind's position in the catalog.
    fn connection_kind_slot(catalog: &Catalog, kind: &str) -> Option<u16> {
        catalog
            .connection_kinds()
            .binary_search_by(|k| k.id.as_str().cmp(kind))
            .ok()
            .and_then(|slot| u16::try_from(slot).ok())
    }

    /// A test for links of `kind` (any kind when `None`), resolved to a catalog position once
    /// so that it compares integers.
    fn link_filter<'q>(&'q self, kind: Option<&'q str>) -> impl Fn(&Link) -> bool + 'q {
        let slot = kind.map(|k| Self::connection_kind_slot(self.catalog, k));
        move |link: &Link| match (slot, kind) {
            (None, _) | (_, None) => true,
            (Some(Some(slot)), _) => link.kind == Some(slot),
            // A kind the catalog does not know: only connections of unknown kinds can match.
            (Some(None), Some(kind)) => {
                link.kind.is_none() && self.connection(link).kind.as_str() == kind
            }
        }
    }

    /// The connection a link stands for.
    pub fn connection(&self, link: &Link) -> &'a Connection {
        let connections: &'a [Connection] = self.doc.connections();
        &connections[link.position as usize]
    }

    /// Whether a link resolves a name (a DNS query) rather than calling a service.
    pub fn is_name_lookup(&self, link: &Link) -> bool {
        link.kind.is_some() && link.kind == self.dns
    }

    /// Whether a link is a synchronous call on the request path: sync, and not a name lookup.
    fn is_sync_call(&self, link: &Link) -> bool {
        link.is_sync() && (link.kind.is_none() || link.kind != self.dns)
    }

    /// The position of `item` in `items`, when it is one of them (found by address, so O(1)).
    fn position_in<T>(items: &[T], item: &T) -> Option<usize> {
        let size = size_of::<T>().max(1);
        let start = items.as_ptr() as usize;
        let address = item as *const T as usize;
        let offset = address.checked_sub(start)?;
        (offset % size == 0 && offset / size < items.len()).then_some(offset / size)
    }

    /// Both ends of a connection of this document.
    pub fn endpoints(&self, connection: &Connection) -> Option<(&'a Component, &'a Component)> {
        let components: &'a [Component] = self.doc.components();
        let (from, to) = match Self::position_in(self.doc.connections(), connection) {
            Some(index) => self.links.get(index).and_then(Link::ends)?,
            None => {
                let from = self.node_of.get(connection.from.as_str())?;
                let to = self.node_of.get(connection.to.as_str())?;
                (self.graph[*from], self.graph[*to])
            }
        };
        Some((components.get(from)?, components.get(to)?))
    }

    /// Whether a connection's caller waits for the answer (its override, else its kind).
    pub fn is_sync(&self, connection: &Connection) -> bool {
        match Self::position_in(self.doc.connections(), connection) {
            Some(index) => self.links.get(index).is_some_and(Link::is_sync),
            None => self.catalog.is_sync(connection),
        }
    }

    /// A connection's kind style.
    pub fn style(&self, connection: &Connection) -> Option<ConnectionStyle> {
        match Self::position_in(self.doc.connections(), connection) {
            Some(index) => self.links.get(index).and_then(Link::style),
            None => self.catalog.style(connection),
        }
    }

    /// A component's position in the document, found by address.
    fn position_of(&self, component: &Component) -> Option<usize> {
        Self::position_in(self.doc.components(), component)
    }

    /// The groups around a component, innermost first.
    pub fn groups_around(&self, component: &Component) -> &[&'a Group] {
        let group = match Self::position_in(self.doc.components(), component) {
            Some(index) => self
                .group_of
                .get(index)
                .filter(|g| **g != u32::MAX)
                .map(|g| *g as usize),
            None => component
                .group
                .as_ref()
                .and_then(|g| self.doc.groups().binary_search_by(|x| x.id.cmp(g)).ok()),
        };
        group
            .and_then(|g| self.chains.get(g))
            .map_or(&[], Vec::as_slice)
    }

    /// The groups a component belongs to besides its placement (`member_of`), each with the
    /// groupings around it (a context holding the zone), innermost first. Not the places
    /// around them: a replica in the standby region that is a member of the PHI zone drawn
    /// in the primary's data subnet does not run in that subnet (see
    /// [`GroupKind::is_deployment`]).
    fn memberships<'s>(&'s self, component: &'s Component) -> impl Iterator<Item = &'a Group> + 's {
        component.member_of.iter().flat_map(move |id| {
            self.doc
                .groups()
                .binary_search_by(|g| g.id.cmp(id))
                .ok()
                .and_then(|position| self.chains.get(position))
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .copied()
                .filter(|g| !g.kind.is_deployment())
        })
    }

    /// Every group a component belongs to, once each: the groups around its placement and
    /// the ones it is a member of (with the groups around those).
    pub fn groups_of(&self, component: &Component) -> Vec<&'a Group> {
        let mut groups: Vec<&'a Group> = self.groups_around(component).to_vec();
        for group in self.memberships(component) {
            if !groups.iter().any(|g| g.id == group.id) {
                groups.push(group);
            }
        }
        groups
    }

    /// The innermost group of `kind` a component belongs to. A place it runs in (a region,
    /// a subnet, a cluster: see [`GroupKind::is_deployment`]) is the one around its
    /// placement: a replica placed in the standby region and a member of the PHI zone drawn
    /// in the primary runs in the standby region. A grouping (a trust zone, a bounded
    /// context) is one it is a member of (`member_of`) first, else one around its placement.
    pub fn zone(&self, component: &Component, kind: GroupKind) -> Option<&'a Group> {
        let around = || {
            self.groups_around(component)
                .iter()
                .copied()
                .find(|g| g.kind == kind)
        };
        if kind.is_deployment() {
            return around();
        }
        self.memberships(component)
            .find(|g| g.kind == kind)
            .or_else(around)
    }

    /// The trust zone a hop from `from` to `to` enters: `to`'s, when `from` is outside it.
    pub fn trust_zone_entered(&self, from: &Component, to: &Component) -> Option<&'a Group> {
        let zone = self.zone(to, GroupKind::TrustZone)?;
        (!self.within(from, &zone.id)).then_some(zone)
    }

    /// Every group a component is in: the groups around its placement, innermost first, then
    /// its memberships with the groups around them.
    pub fn belongs_to<'s>(
        &'s self,
        component: &'s Component,
    ) -> impl Iterator<Item = &'a Group> + 's {
        self.groups_around(component)
            .iter()
            .copied()
            .chain(self.memberships(component))
    }

    /// Whether a component is inside `group`: placed in it (at any depth), or a member of it
    /// or of a group inside it.
    pub fn within(&self, component: &Component, group: &GroupId) -> bool {
        self.belongs_to(component).any(|g| g.id == *group)
    }

    pub fn document(&self) -> &'a Document {
        self.doc
    }

    pub fn catalog(&self) -> &'a Catalog {
        self.catalog
    }

    fn component_at(&self, node: NodeIndex) -> &'a Component {
        let components: &'a [Component] = self.doc.components();
        &components[self.graph[node]]
    }

    fn connection_at(&self, edge: EdgeIndex) -> &'a Connection {
        self.connection(&self.graph[edge])
    }

    pub fn kind(&self, component: &Component) -> Option<&'a ComponentKind> {
        match Self::position_in(self.doc.components(), component) {
            Some(index) => self
                .kind_slots
                .get(index)
                .and_then(|slot| self.catalog.kinds().get(usize::from(*slot))),
            None => self.catalog.kind_of(component),
        }
    }

    /// A connection's property: its own value, or its kind's default.
    pub fn connection_property<'c>(
        &self,
        connection: &'c Connection,
        name: &str,
    ) -> Option<&'c PropertyValue>
    where
        'a: 'c,
    {
        match Self::position_in(self.doc.connections(), connection).and_then(|p| self.links.get(p))
        {
            Some(link) => self.link_property(link, name),
            None => connection.properties.get(name).or_else(|| {
                self.catalog
                    .connection_kind(connection.kind.as_str())?
                    .property(name)
                    .map(|spec| &spec.default)
            }),
        }
    }

    /// A linked connection's property: its own value, or its kind's default. Reads the
    /// connection only when it sets properties of its own.
    pub fn link_property(&self, link: &Link, name: &str) -> Option<&'a PropertyValue> {
        let kind = link
            .kind
            .and_then(|slot| self.catalog.connection_kinds().get(usize::from(slot)));
        if let Some(kind) = kind
            && let Some(settled) = link
                .overrides
                .settle(&kind.properties, kind.property_position(name))
        {
            return settled;
        }
        let connection = self.connection(link);
        connection
            .properties
            .get(name)
            .or_else(|| kind?.property(name).map(|spec| &spec.default))
    }

    /// Both ends of a linked connection.
    pub fn link_ends(&self, link: &Link) -> Option<(&'a Component, &'a Component)> {
        let components: &'a [Component] = self.doc.components();
        let (from, to) = link.ends()?;
        Some((components.get(from)?, components.get(to)?))
    }

    /// A component's links in one direction, in connection (id) order.
    pub fn links(&self, of: impl ComponentRef, direction: Direction) -> &[Link] {
        of.node_in(self)
            .map_or(&[], |node| self.adjacent(node, direction))
    }

    /// For every component, how many distinct components of a kind that `wanted` accepts are
    /// at the other end of its links in `direction`. One pass in component order reads the
    /// adjacency rows in sequence; asking component by component in another order would jump
    /// all over them.
    pub fn count_neighbours_of_kinds(
        &self,
        direction: Direction,
        wanted: impl Fn(&ComponentKind) -> bool,
    ) -> NeighbourCounts {
        let chosen = self.chosen_kinds(wanted);
        let mut others: Vec<u32> = Vec::new();
        let counts = (0..self.kind_slots.len())
            .map(|position| {
                others.clear();
                others.extend(
                    self.adjacent(NodeIndex::new(position), direction)
                        .iter()
                        .map(|link| Self::far_end(link, direction))
                        .filter(|other| self.kind_chosen(&chosen, *other as usize)),
                );
                if others.len() > 1 {
                    others.sort_unstable();
                    others.dedup();
                }
                compact(others.len())
            })
            .collect();
        NeighbourCounts { counts }
    }

    /// Per catalog kind, whether `wanted` accepts it.
    fn chosen_kinds(&self, wanted: impl Fn(&ComponentKind) -> bool) -> Vec<bool> {
        self.catalog.kinds().iter().map(wanted).collect()
    }

    /// Whether the component at `position` is of a kind in `chosen`.
    fn kind_chosen(&self, chosen: &[bool], position: usize) -> bool {
        self.kind_slots
            .get(position)
            .and_then(|slot| chosen.get(usize::from(*slot)))
            .copied()
            .unwrap_or(false)
    }

    /// A component's property: its own value, or its kind's default.
    pub fn property<'c>(&self, component: &'c Component, name: &str) -> Option<&'c PropertyValue>
    where
        'a: 'c,
    {
        let kind = self.kind(component);
        let overrides = Self::position_in(self.doc.components(), component)
            .and_then(|p| self.component_overrides.get(p))
            .copied();
        if let (Some(kind), Some(overrides)) = (kind, overrides)
            && let Some(settled) = overrides.settle(&kind.properties, kind.property_position(name))
        {
            return settled;
        }
        component
            .properties
            .get(name)
            .or_else(|| kind?.property(name).map(|spec| &spec.default))
    }

    /// An integer property (own value or default), when it is one.
    pub fn int(&self, component: &Component, name: &str) -> Option<i64> {
        self.property(component, name)
            .and_then(PropertyValue::as_int)
    }

    /// A number the model states for `name` (own value or default) when it is positive:
    /// the analyses' overrides, where 0 means "use the reference figure".
    pub fn positive(&self, component: &Component, name: &str) -> Option<f64> {
        self.property(component, name)
            .and_then(PropertyValue::as_float)
            .filter(|v| v.is_finite() && *v > 0.0)
    }

    /// A boolean property (own value or default); false when unset or not a boolean.
    pub fn flag(&self, component: &Component, name: &str) -> bool {
        self.property(component, name)
            .and_then(PropertyValue::as_bool)
            .unwrap_or(false)
    }

    /// A text property (own value or default), when it is one.
    pub fn text<'c>(&self, component: &'c Component, name: &str) -> Option<&'c str>
    where
        'a: 'c,
    {
        self.property(component, name)
            .and_then(PropertyValue::as_text)
    }

    /// Whether `component` sends each request down one of its routes (CDN, WAF, load
    /// balancer, gateway, ingress) rather than making every call it draws.
    pub fn is_router(&self, component: &Component) -> bool {
        [
            Trait::Cdn,
            Trait::Waf,
            Trait::LoadBalancer,
            Trait::Gateway,
            Trait::Ingress,
        ]
        .into_iter()
        .any(|t| self.has_trait(component, t))
    }

    /// Whether a request through the caller takes this call on only some requests: every
    /// call of a router, and a call whose `per_request` is `route` (service-to-service calls,
    /// by default). Calls every request makes are `sequential` or `parallel`.
    pub fn is_route(&self, link: &Link) -> bool {
        let caller_routes = link
            .ends()
            .and_then(|(from, _)| self.doc.components().get(from))
            .is_some_and(|caller| self.is_router(caller));
        caller_routes
            || self
                .link_property(link, "per_request")
                .and_then(PropertyValue::as_text)
                == Some("route")
    }

    /// Whether a request still succeeds when this call's target is down: a cache lookup by a
    /// caller that also queries a datastore (cache-aside: a cache that is down is a miss, and
    /// the read goes to the database), and a CDN's origin that is a bucket (the edge keeps
    /// serving the objects it has cached).
    pub fn is_bypassable(&self, link: &Link) -> bool {
        let Some((caller, target)) = link.ends() else {
            return false;
        };
        if self.link_is(link, "cdn_origin") {
            return self
                .doc
                .components()
                .get(target)
                .is_some_and(|origin| self.has_trait(origin, Trait::ObjectStore));
        }
        self.link_is(link, "cache_lookup")
            && self
                .adjacent(NodeIndex::new(caller), Direction::Outgoing)
                .iter()
                .any(|other| self.link_is(other, "db_query"))
    }

    /// Whether a request needs this call to succeed: it is on the request path and not
    /// bypassable.
    pub fn is_required(&self, link: &Link) -> bool {
        self.on_request_path(link) && !self.is_bypassable(link)
    }

    /// Whether requests wait on this call: not when the caller makes it once at start-up
    /// and caches the answer (`per_request: startup`, how secrets are read by default), nor
    /// when it fetches signing keys to validate tokens locally (`flow: jwks`).
    pub fn on_request_path(&self, link: &Link) -> bool {
        let text = |name| {
            self.link_property(link, name)
                .and_then(PropertyValue::as_text)
        };
        text("per_request") != Some("startup") && text("flow") != Some("jwks")
    }

    pub fn has_trait(&self, component: &Component, t: Trait) -> bool {
        self.kind(component).is_some_and(|k| k.has(t))
    }

    /// Components of a kind with trait `t`.
    pub fn with_trait(&self, t: Trait) -> impl Iterator<Item = &'a Component> + '_ {
        self.of_kinds(move |kind| kind.has(t))
    }

    /// Components whose kind satisfies `wanted`, in document order. `wanted` is asked once
    /// per catalog kind; the scan then reads two bytes per component, never the components
    /// it skips.
    pub fn of_kinds(
        &self,
        wanted: impl Fn(&ComponentKind) -> bool,
    ) -> impl Iterator<Item = &'a Component> + '_ {
        let chosen = self.chosen_kinds(wanted);
        let components: &'a [Component] = self.doc.components();
        self.kind_slots
            .iter()
            .zip(components)
            .filter(move |(slot, _)| chosen.get(usize::from(**slot)).copied().unwrap_or(false))
            .map(|(_, component)| component)
    }

    /// Connections whose [`Link`] satisfies `wanted`, in document (id) order. The test reads
    /// only the compact links, never the connections it rejects.
    pub fn connections_where<'s>(
        &'s self,
        wanted: impl Fn(&Link) -> bool + 's,
    ) -> impl Iterator<Item = &'a Connection> + 's {
        let connections: &'a [Connection] = self.doc.connections();
        self.links
            .iter()
            .filter(move |link| wanted(link))
            .filter_map(move |link| connections.get(link.position as usize))
    }

    /// The load at peak of every component and connection, propagated once per graph.
    pub fn loads(&self) -> &crate::load::Loads {
        self.loads.get_or_init(|| crate::load::propagate(self))
    }

    /// Every analysis of the model at its stated peak (the baseline scenario), run once per
    /// graph: the rules built on the analyses share it.
    pub fn analysis(&self) -> &crate::analysis::Report {
        self.analysis
            .get_or_init(|| crate::analysis::analyze(self, crate::analysis::Scenario::default()))
    }

    /// Every connection's link, in document order.
    pub fn all_links(&self) -> &[Link] {
        &self.links
    }

    /// The catalog's kind of a link; `None` for a kind the catalog does not know.
    pub fn link_kind(&self, link: &Link) -> Option<&'a crate::catalog::ConnectionKind> {
        let catalog: &'a Catalog = self.catalog;
        link.kind
            .and_then(|slot| catalog.connection_kinds().get(usize::from(slot)))
    }

    /// Whether a link is of the connection kind `kind`.
    pub fn link_is(&self, link: &Link, kind: &str) -> bool {
        match link.kind {
            Some(slot) => self
                .catalog
                .connection_kinds()
                .get(usize::from(slot))
                .is_some_and(|k| k.id.as_str() == kind),
            None => self.connection(link).kind.as_str() == kind,
        }
    }

    /// Sorts components of this document by id and drops repeats, comparing positions
    /// instead of reading the ids.
    pub fn sort_and_dedup(&self, list: &mut Vec<&'a Component>) {
        let components = self.doc.components();
        list.sort_unstable_by_key(|c| Self::position_in(components, c).unwrap_or(usize::MAX));
        list.dedup_by(|a, b| std::ptr::eq(*a, *b));
    }

    /// Whether two components sit in the same innermost group (or both in none) and belong
    /// to the same trust zones and contexts, so that every boundary around one is around the
    /// other.
    pub fn share_groups(&self, a: &Component, b: &Component) -> bool {
        if a.member_of != b.member_of {
            return false;
        }
        let components = self.doc.components();
        match (
            Self::position_in(components, a),
            Self::position_in(components, b),
        ) {
            (Some(a), Some(b)) => self.group_of.get(a) == self.group_of.get(b),
            _ => a.group == b.group,
        }
    }

    /// Connections of a catalog kind, in document (id) order. A kind the catalog does not
    /// know has none.
    pub fn connections_of_kind(&self, kind: &str) -> impl Iterator<Item = &'a Connection> + '_ {
        let connections: &'a [Connection] = self.doc.connections();
        Self::connection_kind_slot(self.catalog, kind)
            .and_then(|slot| self.by_connection_kind.get(usize::from(slot)))
            .into_iter()
            .flatten()
            .filter_map(move |&position| connections.get(position))
    }

    /// Connections leaving (`Outgoing`) or entering (`Incoming`) `id`, optionally of one
    /// kind, sorted by id.
    pub fn connections(
        &self,
        of: impl ComponentRef,
        direction: Direction,
        kind: Option<&str>,
    ) -> Vec<&'a Connection> {
        // Links keep connection order, which is id order.
        let wanted = self.link_filter(kind);
        self.links(of, direction)
            .iter()
            .filter(|link| wanted(link))
            .map(|link| self.connection(link))
            .collect()
    }

    /// The components on the other end of `id`'s connections, optionally of one kind,
    /// sorted by id.
    pub fn neighbours(
        &self,
        of: impl ComponentRef,
        direction: Direction,
        kind: Option<&str>,
    ) -> Vec<&'a Component> {
        // Component positions follow ids, and comparing integers is cheaper than comparing ids.
        let wanted = self.link_filter(kind);
        let mut found: Vec<u32> = self
            .links(of, direction)
            .iter()
            .filter(|link| wanted(link))
            .map(|link| Self::far_end(link, direction))
            .collect();
        found.sort_unstable();
        found.dedup();
        let components: &'a [Component] = self.doc.components();
        found
            .into_iter()
            .filter_map(|other| components.get(other as usize))
            .collect()
    }

    /// Whether any connection at `id` (in `direction`, optionally of one kind) leads to a
    /// component for which `pred` holds. Allocates nothing.
    pub fn any_neighbour(
        &self,
        of: impl ComponentRef,
        direction: Direction,
        kind: Option<&str>,
        pred: impl Fn(&'a Component) -> bool,
    ) -> bool {
        let components: &'a [Component] = self.doc.components();
        let wanted = self.link_filter(kind);
        self.links(of, direction).iter().any(|link| {
            wanted(link)
                && components
                    .get(Self::far_end(link, direction) as usize)
                    .is_some_and(&pred)
        })
    }

    /// Whether any connection starts or ends at the component.
    pub fn is_connected(&self, of: impl ComponentRef) -> bool {
        of.node_in(self).is_some_and(|node| {
            !self.adjacent(node, Direction::Outgoing).is_empty()
                || !self.adjacent(node, Direction::Incoming).is_empty()
        })
    }

    /// Whether any connection at `id` in `direction` satisfies `pred`. Allocates nothing.
    pub fn any_connection(
        &self,
        of: impl ComponentRef,
        direction: Direction,
        pred: impl Fn(&'a Connection) -> bool,
    ) -> bool {
        self.links(of, direction)
            .iter()
            .any(|link| pred(self.connection(link)))
    }

    /// The position of the component at the end of `link` that `direction` leads to.
    fn far_end(link: &Link, direction: Direction) -> u32 {
        match direction {
            Direction::Outgoing => link.to,
            Direction::Incoming => link.from,
        }
    }

    /// A component's links in one direction.
    fn adjacent(&self, node: NodeIndex, direction: Direction) -> &[Link] {
        match direction {
            Direction::Outgoing => self.outgoing.of(node.index()),
            Direction::Incoming => self.incoming.of(node.index()),
        }
    }

    /// Pairs of components with synchronous calls in both directions, each pair once, as ids
    /// in sorted order.
    pub fn mutual_sync_pairs(&self) -> Vec<(&'a str, &'a str)> {
        let components: &'a [Component] = self.doc.components();
        let calls_back = |to: usize, from: usize| {
            self.outgoing
                .of(to)
                .iter()
                .any(|back| back.to as usize == from && self.is_sync_call(back))
        };
        // Positions follow ids, so sorting them sorts the pairs by id.
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for a in 0..components.len() {
            for link in self.outgoing.of(a).iter().filter(|l| self.is_sync_call(l)) {
                let b = link.to as usize;
                if a < b && calls_back(b, a) {
                    pairs.push((a, b));
                }
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        pairs
            .into_iter()
            .filter_map(|(a, b)| {
                Some((
                    components.get(a)?.id.as_str(),
                    components.get(b)?.id.as_str(),
                ))
            })
            .collect()
    }

    /// The length of the longest sync chain from `id` (see [`Self::sync_chain_lengths`]).
    pub fn sync_chain_length(&self, id: &str) -> usize {
        let condensed = self.sync_condensation();
        self.node_of
            .get(id)
            .and_then(|n| condensed.node_of.get(self.graph[*n]))
            .and_then(|node| condensed.best.get(node.index()))
            .map_or(1, |b| b.0)
    }

    /// The subgraph of synchronous calls: only connections whose caller waits. Name lookups
    /// (DNS) are not calls on the request path and are left out.
    pub fn sync_graph(&self) -> DiGraph<&'a str, &'a str> {
        self.filtered_graph(|c| self.catalog.is_sync(c) && c.kind.as_str() != "dns")
    }

    /// A graph of the components and of the connections that `keep` accepts, weighted by id.
    pub fn filtered_graph(&self, keep: impl Fn(&Connection) -> bool) -> DiGraph<&'a str, &'a str> {
        self.graph.filter_map(
            |node, _| Some(self.component_at(node).id.as_str()),
            |edge, _| {
                let connection = self.connection_at(edge);
                keep(connection).then_some(connection.id.as_str())
            },
        )
    }

    /// Entry points: clients, external systems and public entries.
    pub fn entry_points(&self) -> Vec<&'a Component> {
        self.doc
            .components()
            .iter()
            .filter(|c| {
                self.kind(c).is_some_and(|k| {
                    k.has(Trait::Client) || k.has(Trait::PublicEntry) || k.has(Trait::External)
                })
            })
            .collect()
    }

    /// Ids of every component reachable from `start` along request-carrying connections
    /// (everything except telemetry), `start` included.
    pub fn reachable_from(&self, start: &[&str]) -> BTreeSet<&'a str> {
        if start.is_empty() {
            return BTreeSet::new();
        }
        let requests =
            self.filtered_graph(|c| self.catalog.style(c) != Some(ConnectionStyle::Telemetry));
        let mut reached = BTreeSet::new();
        for id in start {
            let Some(&node) = self.node_of.get(id) else {
                continue;
            };
            let mut bfs = Bfs::new(&requests, node);
            while let Some(next) = bfs.next(&requests) {
                reached.insert(requests[next]);
            }
        }
        reached
    }

    /// The components that serve requests: an entry point (a client, an external
    /// system, a public entry) and whatever it reaches along synchronous calls, found in one
    /// pass. A queue worker or a nightly job is not on a request path unless something waits
    /// on it.
    pub fn on_request_paths(&self) -> RequestPaths {
        let components = self.doc.components();
        let mut seen = vec![false; components.len()];
        let mut queue: std::collections::VecDeque<usize> = self
            .entry_points()
            .iter()
            .filter_map(|c| Self::position_in(components, c))
            .collect();
        for &position in &queue {
            seen[position] = true;
        }
        // Over the compact adjacency rows: no graph is built for this.
        while let Some(position) = queue.pop_front() {
            for link in self.adjacent(NodeIndex::new(position), Direction::Outgoing) {
                let next = link.to as usize;
                if self.is_sync_call(link)
                    && next < seen.len()
                    && !std::mem::replace(&mut seen[next], true)
                {
                    queue.push_back(next);
                }
            }
        }
        RequestPaths { seen }
    }

    /// The document positions of the components the component at `position` calls
    /// synchronously (waiting for the answer), once per connection.
    pub fn sync_callees(&self, position: usize) -> impl Iterator<Item = usize> + '_ {
        self.sync_calls(position).map(|link| link.to as usize)
    }

    /// The synchronous calls (the caller waits for the answer) the component at `position`
    /// makes, in connection order.
    pub fn sync_calls(&self, position: usize) -> impl Iterator<Item = &Link> + '_ {
        let count = self.doc.components().len();
        self.adjacent(NodeIndex::new(position), Direction::Outgoing)
            .iter()
            .filter(move |link| self.is_sync_call(link) && (link.to as usize) < count)
    }

    /// The document position of `component` (one of this graph's document's components).
    pub fn position(&self, component: &Component) -> Option<usize> {
        Self::position_in(self.doc.components(), component)
    }

    /// Whether `component` serves requests, as [`Self::on_request_paths`] found.
    pub fn serves_requests(&self, paths: &RequestPaths, component: &Component) -> bool {
        Self::position_in(self.doc.components(), component)
            .and_then(|position| paths.seen.get(position))
            .copied()
            .unwrap_or(false)
    }

    /// Ids reachable from any entry point.
    pub fn reachable_from_entry_points(&self) -> BTreeSet<&'a str> {
        let entries: Vec<&str> = self.entry_points().iter().map(|c| c.id.as_str()).collect();
        self.reachable_from(&entries)
    }

    /// Strongly connected components of the sync-call graph with more than one member, or a
    /// self-loop: each is a synchronous call cycle. Members are sorted; cycles are sorted.
    pub fn sync_cycles(&self) -> Vec<Vec<&'a str>> {
        let condensed = self.sync_condensation();
        let components: &'a [Component] = self.doc.components();
        let mut cycles: Vec<Vec<&str>> = condensed
            .members
            .iter()
            .filter(|members| members.len() > 1)
            .map(|members| {
                members
                    .iter()
                    .filter_map(|i| components.get(*i))
                    .map(|c| c.id.as_str())
                    .collect()
            })
            .collect();
        cycles.sort();
        cycles
    }

    /// Strongly connected components of the whole graph, sorted, singletons included.
    pub fn strongly_connected_components(&self) -> Vec<Vec<&'a str>> {
        let mut sccs: Vec<Vec<&str>> = tarjan_scc(&self.graph)
            .into_iter()
            .map(|scc| {
                let mut ids: Vec<&str> = scc
                    .into_iter()
                    .map(|n| self.component_at(n).id.as_str())
                    .collect();
                ids.sort_unstable();
                ids
            })
            .collect();
        sccs.sort();
        sccs
    }

    /// Articulation points of the request graph taken as undirected (telemetry excluded):
    /// components whose loss disconnects others. Restricted to `within` when given.
    pub fn articulation_points(&self, within: Option<&BTreeSet<&str>>) -> BTreeSet<&'a str> {
        let mut undirected: UnGraph<&'a str, ()> =
            UnGraph::with_capacity(self.graph.node_count(), self.graph.edge_count());
        let nodes: Vec<Option<NodeIndex>> = self
            .graph
            .node_indices()
            .map(|n| {
                let id = self.component_at(n).id.as_str();
                within
                    .is_none_or(|set| set.contains(id))
                    .then(|| undirected.add_node(id))
            })
            .collect();
        for edge in self.graph.edge_references() {
            if edge.weight().style() == Some(ConnectionStyle::Telemetry) {
                continue;
            }
            if let (Some(Some(a)), Some(Some(b))) = (
                nodes.get(edge.source().index()),
                nodes.get(edge.target().index()),
            ) {
                undirected.add_edge(*a, *b, ());
            }
        }
        articulation_points(&undirected)
            .into_iter()
            .map(|n| undirected[n])
            .collect()
    }

    /// For every component, the number of components on the longest chain of synchronous calls
    /// that starts there. A sync cycle counts each of its members once (a request can go round
    /// it once), so cycles neither make chains endless nor hide their depth; linear in the
    /// size of the graph, and computed once per graph.
    pub fn sync_chain_lengths(&self) -> HashMap<&'a str, usize> {
        let condensed = self.sync_condensation();
        let components: &'a [Component] = self.doc.components();
        components
            .iter()
            .enumerate()
            .filter_map(|(index, c)| {
                let node = condensed.node_of.get(index)?;
                Some((c.id.as_str(), condensed.best.get(node.index())?.0))
            })
            .collect()
    }

    fn sync_condensation(&self) -> &SyncCondensation {
        self.sync_condensed
            .get_or_init(|| self.condense_sync_graph())
    }

    fn condense_sync_graph(&self) -> SyncCondensation {
        let sync = EdgeFiltered::from_fn(&self.graph, |edge| self.is_sync_call(edge.weight()));
        // Tarjan lists strongly connected components sinks first (reverse topological order),
        // so one pass computes every longest chain without building the condensed graph.
        let sccs = tarjan_scc(&sync);
        let mut node_of = vec![NodeIndex::end(); self.graph.node_count()];
        let mut members: Vec<Vec<usize>> = Vec::with_capacity(sccs.len());
        for (index, scc) in sccs.iter().enumerate() {
            // Node weights are component positions; components are sorted by id.
            let mut positions: Vec<usize> = scc.iter().map(|n| self.graph[*n]).collect();
            positions.sort_unstable();
            for node in scc {
                if let Some(slot) = node_of.get_mut(node.index()) {
                    *slot = NodeIndex::new(index);
                }
            }
            members.push(positions);
        }
        // A sync cycle is walked through once: each of its members is a hop of the chain.
        let mut best: Vec<(usize, Option<NodeIndex>)> = vec![(1, None); sccs.len()];
        for (index, scc) in sccs.iter().enumerate() {
            let size = scc.len();
            let mut next: Option<(usize, usize)> = None;
            for node in scc {
                for succ in (&sync).neighbors(*node) {
                    let target = node_of[succ.index()].index();
                    if target == index {
                        continue;
                    }
                    let length = best[target].0;
                    let better = next.is_none_or(|(current_length, current)| {
                        length > current_length
                            || (length == current_length
                                && members[target].first() < members[current].first())
                    });
                    if better {
                        next = Some((length, target));
                    }
                }
            }
            best[index] = next.map_or((size, None), |(length, target)| {
                (length + size, Some(NodeIndex::new(target)))
            });
        }
        SyncCondensation {
            members,
            node_of,
            best,
        }
    }

    /// The longest chain of sync calls starting at `id`, as component ids; the members of a
    /// sync cycle on the way appear together, in id order.
    pub fn longest_sync_chain(&self, id: &str) -> Vec<&'a str> {
        let condensed = self.sync_condensation();
        let components: &'a [Component] = self.doc.components();
        let Some(start) = self.node_of.get(id).map(|n| self.graph[*n]) else {
            return Vec::new();
        };
        let Some(mut node) = condensed.node_of.get(start).copied() else {
            return Vec::new();
        };
        // The start, the rest of a cycle it is on, then each cycle or component on the way.
        let mut chain = vec![start];
        chain.extend(
            condensed.members[node.index()]
                .iter()
                .filter(|member| **member != start),
        );
        while let Some(next) = condensed.best.get(node.index()).and_then(|b| b.1) {
            node = next;
            chain.extend(&condensed.members[node.index()]);
        }
        chain
            .iter()
            .filter_map(|index| components.get(*index))
            .map(|c| c.id.as_str())
            .collect()
    }
}

/// A count per component, from [`ArchGraph::count_neighbours`].
#[derive(Debug)]
pub struct NeighbourCounts {
    counts: Vec<u32>,
}

impl NeighbourCounts {
    /// The count of a component of the graph's document (zero for any other).
    pub fn of(&self, graph: &ArchGraph<'_>, component: &Component) -> usize {
        graph
            .position_of(component)
            .and_then(|p| self.counts.get(p))
            .map_or(0, |count| *count as usize)
    }
}

/// The sync-call graph with cycles collapsed, and the longest chain from each collapsed node.
#[derive(Debug)]
struct SyncCondensation {
    /// Per collapsed node: the positions of its member components, sorted.
    members: Vec<Vec<usize>>,
    /// Per component position, its collapsed node.
    node_of: Vec<NodeIndex>,
    /// Per node: chain length from it and the next node on its longest chain.
    best: Vec<(usize, Option<NodeIndex>)>,
}

/// Which components serve requests, by document position (see
/// [`ArchGraph::on_request_paths`]).
#[derive(Debug, Clone, Default)]
pub struct RequestPaths {
    seen: Vec<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ComponentId, KindId, Point};
    use crate::rules::fixture::Fixture;

    /// Two regions; a PHI zone drawn in the primary's data subnet; a function placed in the
    /// primary region and a replica placed in the standby, both members of the zone.
    fn zoned() -> Document {
        Fixture::new()
            .group("primary", GroupKind::Region, None)
            .group("data", GroupKind::PrivateSubnet, Some("primary"))
            .group("phi", GroupKind::TrustZone, Some("data"))
            .group("standby", GroupKind::Region, None)
            .component("db", "postgresql", &[])
            .component("replica", "postgresql", &[])
            .component("deid", "function", &[])
            .in_group("db", "phi")
            .in_group("replica", "standby")
            .in_group("deid", "primary")
            .member_of("replica", &["phi"])
            .member_of("deid", &["phi"])
            .build()
    }

    #[test]
    fn a_component_runs_where_it_is_placed_whichever_zone_it_belongs_to() {
        let doc = zoned();
        let graph = ArchGraph::new(&doc, Catalog::builtin());
        let component = |id: &str| doc.component(id).expect("in the fixture");
        let zone = |id: &str, kind| graph.zone(component(id), kind).map(|g| g.id.as_str());
        assert_eq!(zone("replica", GroupKind::Region), Some("standby"));
        assert_eq!(zone("replica", GroupKind::TrustZone), Some("phi"));
        assert_eq!(zone("replica", GroupKind::PrivateSubnet), None);
        assert_eq!(zone("deid", GroupKind::Region), Some("primary"));
        assert_eq!(zone("deid", GroupKind::PrivateSubnet), None);
        assert_eq!(zone("db", GroupKind::PrivateSubnet), Some("data"));
        assert!(!graph.within(component("replica"), &GroupId::new("primary").expect("id")));
        assert!(graph.within(component("replica"), &GroupId::new("phi").expect("id")));
        assert!(!graph.within(component("deid"), &GroupId::new("data").expect("id")));
        // Drawn where they run, too: not in the zone's subnet, nor in the other region.
        let drawn = |id: &str| doc.drawn_in(component(id)).map(|g| g.as_str());
        assert_eq!(drawn("deid"), Some("primary"));
        assert_eq!(drawn("replica"), Some("standby"));
        assert_eq!(drawn("db"), Some("phi"));
    }

    /// Loading and editing refuse a property the kind does not declare, but a document built
    /// in code may carry one; the graph must still find it rather than answer for the kind.
    #[test]
    fn undeclared_properties_are_still_found() {
        let mut doc = Document::new(crate::model::Meta::default());
        let mut store = Component::new(
            ComponentId::new("db").expect("id"),
            KindId::new("postgresql"),
            "DB",
            Point::new(0.0, 0.0),
        );
        store
            .properties
            .insert("colour".into(), PropertyValue::Text("teal".into()));
        store
            .properties
            .insert("replicas".into(), PropertyValue::Int(3));
        doc.components.push(store);
        let graph = ArchGraph::new(&doc, Catalog::builtin());
        let store = &doc.components()[0];
        assert_eq!(
            graph.property(store, "colour"),
            Some(&PropertyValue::Text("teal".into()))
        );
        assert_eq!(
            graph.property(store, "replicas"),
            Some(&PropertyValue::Int(3))
        );
        let default = graph
            .kind(store)
            .and_then(|k| k.property("backups"))
            .map(|p| &p.default);
        assert!(default.is_some());
        assert_eq!(graph.property(store, "backups"), default);
        assert_eq!(graph.property(store, "no_such_thing"), None);
    }
}
