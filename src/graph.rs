//! [`ArchGraph`]: a petgraph view of a document for the queries rules and analyses need.
//! petgraph's indices stay private; callers speak in component and connection ids.

use std::collections::{BTreeSet, HashMap};

use petgraph::Direction;
use petgraph::algo::{
    articulation_points::articulation_points, condensation, tarjan_scc, toposort,
};
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex, UnGraph};
use petgraph::visit::{Bfs, EdgeRef};

use crate::catalog::{Catalog, ComponentKind, ConnectionStyle, Trait};
use crate::model::{Component, Connection, Document};

/// A read-only graph over a document's components (nodes) and connections (edges).
#[derive(Debug)]
pub struct ArchGraph<'a> {
    doc: &'a Document,
    catalog: &'a Catalog,
    graph: DiGraph<usize, usize>,
    node_of: HashMap<&'a str, NodeIndex>,
}

impl<'a> ArchGraph<'a> {
    /// Builds the view. Connections whose endpoints are missing are skipped; a loaded or
    /// edited document never has them.
    pub fn new(doc: &'a Document, catalog: &'a Catalog) -> Self {
        let components = doc.components();
        let mut graph = DiGraph::with_capacity(components.len(), doc.connections().len());
        let mut node_of = HashMap::with_capacity(components.len());
        for (index, component) in components.iter().enumerate() {
            node_of.insert(component.id.as_str(), graph.add_node(index));
        }
        for (index, connection) in doc.connections().iter().enumerate() {
            if let (Some(&from), Some(&to)) = (
                node_of.get(connection.from.as_str()),
                node_of.get(connection.to.as_str()),
            ) {
                graph.add_edge(from, to, index);
            }
        }
        Self {
            doc,
            catalog,
            graph,
            node_of,
        }
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
        let connections: &'a [Connection] = self.doc.connections();
        &connections[self.graph[edge]]
    }

    pub fn kind(&self, component: &Component) -> Option<&'a ComponentKind> {
        self.catalog.kind_of(component)
    }

    pub fn has_trait(&self, component: &Component, t: Trait) -> bool {
        self.kind(component).is_some_and(|k| k.has(t))
    }

    /// Components of a kind with trait `t`.
    pub fn with_trait(&self, t: Trait) -> impl Iterator<Item = &'a Component> + '_ {
        self.doc
            .components()
            .iter()
            .filter(move |c| self.has_trait(c, t))
    }

    /// Connections leaving (`Outgoing`) or entering (`Incoming`) `id`, optionally of one
    /// kind, sorted by id.
    pub fn connections(
        &self,
        id: &str,
        direction: Direction,
        kind: Option<&str>,
    ) -> Vec<&'a Connection> {
        let Some(&node) = self.node_of.get(id) else {
            return Vec::new();
        };
        let mut found: Vec<&'a Connection> = self
            .graph
            .edges_directed(node, direction)
            .map(|edge| self.connection_at(edge.id()))
            .filter(|c| kind.is_none_or(|k| c.kind.as_str() == k))
            .collect();
        found.sort_by(|a, b| a.id.cmp(&b.id));
        found
    }

    /// The components on the other end of `id`'s connections, optionally of one kind,
    /// sorted by id.
    pub fn neighbours(
        &self,
        id: &str,
        direction: Direction,
        kind: Option<&str>,
    ) -> Vec<&'a Component> {
        let Some(&node) = self.node_of.get(id) else {
            return Vec::new();
        };
        let mut found: Vec<&'a Component> = self
            .graph
            .edges_directed(node, direction)
            .filter(|edge| kind.is_none_or(|k| self.connection_at(edge.id()).kind.as_str() == k))
            .map(|edge| {
                if direction == Direction::Outgoing {
                    edge.target()
                } else {
                    edge.source()
                }
            })
            .map(|other| self.component_at(other))
            .collect();
        found.sort_by(|a, b| a.id.cmp(&b.id));
        found.dedup_by(|a, b| a.id == b.id);
        found
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

    /// Ids reachable from any entry point.
    pub fn reachable_from_entry_points(&self) -> BTreeSet<&'a str> {
        let entries: Vec<&str> = self.entry_points().iter().map(|c| c.id.as_str()).collect();
        self.reachable_from(&entries)
    }

    /// Strongly connected components of the sync-call graph with more than one member, or a
    /// self-loop: each is a synchronous call cycle. Members are sorted; cycles are sorted.
    pub fn sync_cycles(&self) -> Vec<Vec<&'a str>> {
        let sync = self.sync_graph();
        let mut cycles: Vec<Vec<&str>> = tarjan_scc(&sync)
            .into_iter()
            .filter(|scc| scc.len() > 1)
            .map(|scc| {
                let mut ids: Vec<&str> = scc.into_iter().map(|n| sync[n]).collect();
                ids.sort_unstable();
                ids
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
            let connection = self.connection_at(edge.id());
            if self.catalog.style(connection) == Some(ConnectionStyle::Telemetry) {
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
    /// that starts there. Members of a sync cycle count once, so cycles do not make chains
    /// endless; linear in the size of the graph.
    pub fn sync_chain_lengths(&self) -> HashMap<&'a str, usize> {
        let (dag, best) = self.sync_condensation();
        let mut lengths = HashMap::new();
        for node in dag.node_indices() {
            for id in &dag[node] {
                lengths.insert(*id, best[node.index()].0);
            }
        }
        lengths
    }

    /// The condensed sync graph and, per condensed node, the chain length from it and the next
    /// node on its longest chain.
    fn sync_condensation(
        &self,
    ) -> (
        DiGraph<Vec<&'a str>, &'a str>,
        Vec<(usize, Option<NodeIndex>)>,
    ) {
        let mut dag = condensation(self.sync_graph(), true);
        for node in dag.node_indices() {
            dag[node].sort_unstable();
        }
        let mut best: Vec<(usize, Option<NodeIndex>)> = vec![(1, None); dag.node_count()];
        // The condensation is acyclic, so a topological order always exists.
        let order = toposort(&dag, None).unwrap_or_default();
        for &node in order.iter().rev() {
            let mut next: Option<(usize, NodeIndex)> = None;
            for succ in dag.neighbors_directed(node, Direction::Outgoing) {
                let candidate = (best[succ.index()].0, succ);
                let better = match next {
                    None => true,
                    Some((length, current)) => {
                        candidate.0 > length
                            || (candidate.0 == length && dag[succ].first() < dag[current].first())
                    }
                };
                if better {
                    next = Some(candidate);
                }
            }
            best[node.index()] = next.map_or((1, None), |(length, succ)| (length + 1, Some(succ)));
        }
        (dag, best)
    }

    /// The longest chain of sync calls starting at `id`, as component ids; a sync cycle on the
    /// way appears as its first member.
    pub fn longest_sync_chain(&self, id: &str) -> Vec<&'a str> {
        let (dag, best) = self.sync_condensation();
        let Some(mut node) = dag.node_indices().find(|n| dag[*n].contains(&id)) else {
            return Vec::new();
        };
        let mut chain = Vec::new();
        loop {
            let member = if dag[node].contains(&id) && chain.is_empty() {
                dag[node].iter().find(|m| **m == id)
            } else {
                dag[node].first()
            };
            if let Some(member) = member {
                chain.push(*member);
            }
            match best[node.index()].1 {
                Some(next) => node = next,
                None => break,
            }
        }
        chain
    }
}
