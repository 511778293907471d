//! Load at peak: requests (or messages) per second through every component and every
//! connection that carries load (the connection kinds that declare `peak_rps`).
//!
//! The model states what it knows:
//! - an entry point's `peak_rps` (gateways, load balancers, CDNs...);
//! - a flow's own `peak_rps`, which always wins;
//! - a flow's `share_pct` of its caller's load (30 for three requests in ten, 200 for two
//!   calls per request);
//! - a cache lookup's `hit_ratio_pct`, which the caller's database reads are spared, and a
//!   CDN origin's, which the origin is spared;
//!
//! The rest is propagated from the entry points, in topological order of the flows:
//! - a component carries what flows into it (its own `peak_rps` instead, when it states one);
//! - a call every request makes (`per_request: sequential` or `parallel`; a service's
//!   queries, cache lookups, storage and auth calls by default) carries the caller's whole
//!   load, less the cache hits when it reads a database behind a cache;
//! - routes split what the caller takes evenly over those that state no figure: every call
//!   of a router (load balancer, gateway, CDN, WAF, ingress), and a service's calls to other
//!   services unless the model marks them as made by every request (`per_request: route`,
//!   their default: a BFF sends each request to one of the services it fronts);
//! - a consumer takes everything published to the topic it reads;
//! - when the model has a single entry point that states no peak, it takes the system's
//!   `peak_rps` target; with several, the system's peak is not spread over them by guess.
//!
//! Figures that come from propagation say so ([`Basis::Derived`]), so that rules and
//! documents never present an estimate as a stated figure. Flows inside a call cycle carry
//! load one way round the cycle: the edge that closes it carries none.

use std::collections::HashMap;

use petgraph::graph::{DiGraph, NodeIndex};

use crate::catalog::{ConnectionStyle, Trait};
use crate::graph::{ArchGraph, Link};
use crate::model::{Component, Connection, PropertyValue};
use crate::topics::named_topic;

/// Where a figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// The model states it on the element.
    Stated,
    /// Propagated from stated figures (or the system's peak) along the graph.
    Derived,
}

/// Requests or messages per second at peak.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figure {
    pub rps: f64,
    pub basis: Basis,
}

impl Figure {
    fn stated(rps: f64) -> Self {
        Self {
            rps,
            basis: Basis::Stated,
        }
    }

    fn derived(rps: f64) -> Self {
        Self {
            rps,
            basis: Basis::Derived,
        }
    }

    /// Rounded for people: "12,000/s" style figures without false precision.
    pub fn rounded(&self) -> u64 {
        let rps = self.rps.max(0.0);
        if rps >= 100.0 {
            (rps / 10.0).round() as u64 * 10
        } else {
            rps.round() as u64
        }
    }
}

/// The load of every component and connection of one graph, by document position.
#[derive(Debug, Clone, Default)]
pub struct Loads {
    components: Vec<Option<Figure>>,
    connections: Vec<Option<Figure>>,
}

impl Loads {
    /// What flows through `component` at peak, when anything says.
    pub fn component(&self, graph: &ArchGraph<'_>, component: &Component) -> Option<Figure> {
        let position = graph
            .document()
            .components()
            .binary_search_by(|c| c.id.cmp(&component.id))
            .ok()?;
        self.components.get(position).copied().flatten()
    }

    /// What flows through the component at document position `position` at peak.
    pub fn at(&self, position: usize) -> Option<Figure> {
        self.components.get(position).copied().flatten()
    }

    /// What `connection` carries at peak, when anything says.
    pub fn connection(&self, graph: &ArchGraph<'_>, connection: &Connection) -> Option<Figure> {
        let position = graph
            .document()
            .connections()
            .binary_search_by(|c| c.id.cmp(&connection.id))
            .ok()?;
        self.connections.get(position).copied().flatten()
    }
}

/// A flow of load: the link, and the positions its load goes from and to (a consumer takes
/// its load from the broker it reads, against the direction the connection is drawn).
#[derive(Debug, Clone, Copy)]
struct Flow<'g> {
    link: &'g Link,
    source: usize,
    sink: usize,
}

fn positive(value: Option<&PropertyValue>) -> Option<f64> {
    value
        .and_then(PropertyValue::as_float)
        .filter(|v| v.is_finite() && *v > 0.0)
}

/// Propagates the load of a whole graph. Linear in its components and connections.
pub fn propagate(graph: &ArchGraph<'_>) -> Loads {
    let doc = graph.document();
    let components = doc.components();
    let connections = doc.connections();
    let flows: Vec<Flow<'_>> = graph
        .all_links()
        .iter()
        .filter(|link| {
            link.style() != Some(ConnectionStyle::Telemetry)
                && graph
                    .link_kind(link)
                    .is_some_and(|kind| kind.property("peak_rps").is_some())
        })
        .filter_map(|link| {
            let (from, to) = link.ends()?;
            // A consumer takes its load from the broker it reads.
            let (source, sink) = if graph.link_is(link, "consume") {
                (to, from)
            } else {
                (from, to)
            };
            Some(Flow { link, source, sink })
        })
        .collect();

    // Flows out of and into each component, as positions in `flows`.
    let mut outgoing: Vec<Vec<usize>> = vec![Vec::new(); components.len()];
    let mut incoming: Vec<Vec<usize>> = vec![Vec::new(); components.len()];
    let mut order_graph: DiGraph<usize, ()> = DiGraph::with_capacity(components.len(), flows.len());
    let nodes: Vec<NodeIndex> = (0..components.len())
        .map(|position| order_graph.add_node(position))
        .collect();
    for (index, flow) in flows.iter().enumerate() {
        outgoing[flow.source].push(index);
        incoming[flow.sink].push(index);
        order_graph.add_edge(nodes[flow.source], nodes[flow.sink], ());
    }

    let mut propagation = Propagation {
        graph,
        flows,
        incoming,
        outgoing,
        done: vec![false; components.len()],
        loads: Loads {
            components: vec![None; components.len()],
            connections: vec![None; connections.len()],
        },
    };
    propagation.run(&order_graph);
    propagation.loads
}

/// The state of one propagation: the flows and their indexes, which components are settled,
/// and the figures so far.
struct Propagation<'g, 'a> {
    graph: &'g ArchGraph<'a>,
    flows: Vec<Flow<'g>>,
    /// Flows out of and into each component, as positions in `flows`.
    incoming: Vec<Vec<usize>>,
    outgoing: Vec<Vec<usize>>,
    done: Vec<bool>,
    loads: Loads,
}

impl Propagation<'_, '_> {
    fn component(&self, position: usize) -> Option<&Component> {
        self.graph.document().components().get(position)
    }

    fn connection(&self, link: &Link) -> Option<&Connection> {
        self.graph.document().connections().get(link.position())
    }

    /// A positive number the connection states for `name`.
    fn property(&self, link: &Link, name: &str) -> Option<f64> {
        self.connection(link)
            .and_then(|c| positive(self.graph.connection_property(c, name)))
    }

    fn has_any(&self, position: usize, traits: &[Trait]) -> bool {
        self.component(position)
            .is_some_and(|c| traits.iter().any(|t| self.graph.has_trait(c, *t)))
    }

    fn stated_entry(&self, position: usize) -> Option<f64> {
        self.component(position)
            .and_then(|c| positive(self.graph.property(c, "peak_rps")))
    }

    /// The one entry point that takes the system's peak, when there is exactly one and it
    /// states none of its own.
    fn system_entry(&self) -> Option<(usize, f64)> {
        let peak = self
            .graph
            .document()
            .meta
            .targets
            .peak_rps
            .filter(|p| *p > 0)?;
        let mut entries = (0..self.incoming.len()).filter(|&p| {
            self.has_any(p, &[Trait::PublicEntry])
                && self.incoming[p]
                    .iter()
                    .all(|&f| self.has_any(self.flows[f].source, &[Trait::Client, Trait::External]))
        });
        match (entries.next(), entries.next()) {
            (Some(only), None) if self.stated_entry(only).is_none() => Some((only, peak as f64)),
            _ => None,
        }
    }

    /// The share of cache hits a component's database reads are spared.
    fn hit_ratio(&self, position: usize) -> f64 {
        self.outgoing[position]
            .iter()
            .filter(|&&f| self.graph.link_is(self.flows[f].link, "cache_lookup"))
            .filter_map(|&f| self.property(self.flows[f].link, "hit_ratio_pct"))
            .fold(0.0_f64, f64::max)
            .min(100.0)
            / 100.0
    }

    /// Components in topological order of the flows; a cycle's members in the order its
    /// entries reach them, so that only the edge closing the cycle goes unused.
    fn run(&mut self, order_graph: &DiGraph<usize, ()>) {
        // Stated flows are known whatever their source.
        for flow in &self.flows {
            if let Some(rps) = self.property(flow.link, "peak_rps") {
                self.loads.connections[flow.link.position()] = Some(Figure::stated(rps));
            }
        }
        let system_entry = self.system_entry();
        let mut sccs = petgraph::algo::tarjan_scc(order_graph);
        sccs.reverse();
        for scc in sccs {
            let mut members: Vec<usize> = scc.iter().map(|n| order_graph[*n]).collect();
            if members.len() > 1 {
                members = self.cycle_order(&members);
            }
            for position in members {
                let system_peak = system_entry
                    .filter(|(entry, _)| *entry == position)
                    .map(|(_, peak)| peak);
                self.finish(position, system_peak);
                self.done[position] = true;
            }
        }
    }

    /// The members of a call cycle in the order load reaches them: breadth first from those
    /// fed from outside the cycle, along the cycle's own flows; members nothing reaches last.
    fn cycle_order(&self, members: &[usize]) -> Vec<usize> {
        let inside: rustc_hash::FxHashSet<usize> = members.iter().copied().collect();
        let mut seen = rustc_hash::FxHashSet::default();
        let mut order: Vec<usize> = Vec::with_capacity(members.len());
        let mut fed: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&p| {
                self.incoming[p]
                    .iter()
                    .any(|&f| self.done[self.flows[f].source])
            })
            .collect();
        fed.sort_unstable();
        for start in fed {
            if !seen.insert(start) {
                continue;
            }
            let mut queue = std::collections::VecDeque::from([start]);
            while let Some(position) = queue.pop_front() {
                order.push(position);
                for &f in &self.outgoing[position] {
                    let next = self.flows[f].sink;
                    if inside.contains(&next) && seen.insert(next) {
                        queue.push_back(next);
                    }
                }
            }
        }
        order.extend(members.iter().copied().filter(|p| !seen.contains(p)));
        order
    }

    /// What flows into a component from settled components (inputs from components not
    /// settled yet close a cycle and carry nothing), or its own stated or system peak.
    fn settle(&self, position: usize, system_peak: Option<f64>) -> Option<Figure> {
        if let Some(rps) = self.stated_entry(position) {
            return Some(Figure::stated(rps));
        }
        let incoming = &self.incoming[position];
        let inputs: Vec<Figure> = incoming
            .iter()
            .filter(|&&f| self.done[self.flows[f].source] || self.flows[f].source == position)
            .filter_map(|&f| self.loads.connections[self.flows[f].link.position()])
            .collect();
        if inputs.is_empty() {
            return system_peak.map(Figure::derived);
        }
        let rps = inputs.iter().map(|f| f.rps).sum();
        // Only a sum of stated flows covering every input is itself stated.
        let stated =
            inputs.len() == incoming.len() && inputs.iter().all(|f| f.basis == Basis::Stated);
        Some(if stated {
            Figure::stated(rps)
        } else {
            Figure::derived(rps)
        })
    }

    /// What is published into a broker per topic name, and without a name: each consume of
    /// it takes its own topic's share, found in one pass however many consumers it has.
    fn published(&self, position: usize) -> (f64, HashMap<&str, f64>) {
        let mut unnamed = 0.0;
        let mut named: HashMap<&str, f64> = HashMap::new();
        for &f in &self.incoming[position] {
            let link = self.flows[f].link;
            if !self.graph.link_is(link, "publish") {
                continue;
            }
            let Some(figure) = self.loads.connections[link.position()] else {
                continue;
            };
            match self
                .connection(link)
                .and_then(|c| named_topic(self.graph, c))
            {
                Some(name) => *named.entry(name).or_default() += figure.rps,
                None => unnamed += figure.rps,
            }
        }
        (unnamed, named)
    }

    /// Settles a component's load from its settled inputs, then the load of its outgoing
    /// flows.
    fn finish(&mut self, position: usize, system_peak: Option<f64>) {
        let figure = self.settle(position, system_peak);
        self.loads.components[position] = figure;
        let Some(load) = figure else {
            return;
        };
        let hit_ratio = self.hit_ratio(position);
        let outgoing = &self.outgoing[position];
        // Routes (every call of a router, a service's calls to other services unless every
        // request makes them) split what no route states among the routes that state
        // nothing.
        let is_route = |f: usize| self.graph.is_route(self.flows[f].link);
        let open_routes = outgoing
            .iter()
            .filter(|&&f| {
                let link = self.flows[f].link;
                is_route(f)
                    && self.loads.connections[link.position()].is_none()
                    && self.property(link, "share_pct").is_none()
            })
            .count()
            .max(1);
        let mut published = None;
        let mut settled = Vec::with_capacity(outgoing.len());
        for &f in outgoing {
            let link = self.flows[f].link;
            let slot = link.position();
            if self.loads.connections[slot].is_some() {
                continue;
            }
            let mut rps = if let Some(share) = self.property(link, "share_pct") {
                load.rps * share / 100.0
            } else if self.graph.link_is(link, "consume") {
                // A consume that names no topic reads everything the broker takes.
                let topic = self
                    .connection(link)
                    .and_then(|c| named_topic(self.graph, c));
                match topic {
                    Some(topic) => {
                        let (unnamed, named) =
                            published.get_or_insert_with(|| self.published(position));
                        *unnamed + named.get(topic).copied().unwrap_or(0.0)
                    }
                    None => load.rps,
                }
            } else if is_route(f) {
                load.rps / open_routes as f64
            } else {
                load.rps
            };
            let reads = self.graph.link_is(link, "db_query")
                && self
                    .connection(link)
                    .and_then(|c| self.graph.connection_property(c, "access"))
                    .and_then(PropertyValue::as_text)
                    != Some("write");
            if hit_ratio > 0.0 && reads {
                rps *= 1.0 - hit_ratio;
            }
            // A CDN fetches from its origin only what its edge cache misses.
            if self.graph.link_is(link, "cdn_origin")
                && let Some(hits) = self.property(link, "hit_ratio_pct")
            {
                rps *= 1.0 - hits.min(100.0) / 100.0;
            }
            settled.push((slot, Figure::derived(rps)));
        }
        for (slot, figure) in settled {
            self.loads.connections[slot] = Some(figure);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::model::Document;
    use crate::rules::fixture::Fixture;

    fn loads_of(doc: &Document) -> Vec<(String, Option<Figure>)> {
        let graph = ArchGraph::new(doc, Catalog::builtin());
        let loads = propagate(&graph);
        doc.components()
            .iter()
            .map(|c| (c.id.to_string(), loads.component(&graph, c)))
            .collect()
    }

    fn load(doc: &Document, id: &str) -> Option<Figure> {
        loads_of(doc)
            .into_iter()
            .find(|(c, _)| c == id)
            .and_then(|(_, f)| f)
    }

    fn shop() -> Fixture {
        Fixture::new()
            .component("browser", "web-client", &[])
            .component("lb", "load-balancer", &[])
            .component("catalog", "service-go", &[])
            .component("orders", "service-java", &[])
            .component("catalog-db", "postgresql", &[])
            .component("orders-db", "postgresql", &[])
            .connect("browser", "lb", "http")
            .connect("lb", "catalog", "http")
            .connect("lb", "orders", "http")
            .connect("catalog", "catalog-db", "db_query")
            .connect("orders", "orders-db", "db_query")
    }

    fn with_peak(mut doc: Document, peak: u64) -> Document {
        doc.meta.targets.peak_rps = Some(peak);
        doc
    }

    #[test]
    fn the_single_entry_takes_the_system_peak_and_a_router_splits_it() {
        let doc = with_peak(shop().build(), 10_000);
        let lb = load(&doc, "lb").expect("entry load");
        assert_eq!((lb.rps, lb.basis), (10_000.0, Basis::Derived));
        assert_eq!(load(&doc, "catalog").map(|f| f.rps), Some(5_000.0));
        assert_eq!(load(&doc, "orders-db").map(|f| f.rps), Some(5_000.0));
        assert_eq!(load(&doc, "browser"), None, "clients carry no figure");
    }

    #[test]
    fn stated_figures_win_and_shares_and_cache_hits_scale_the_flow() {
        let doc = with_peak(
            shop()
                .component("cache", "redis", &[])
                .connect_with("catalog", "cache", "cache_lookup", |c| {
                    c.properties.insert("hit_ratio_pct".into(), 90.into());
                })
                .build(),
            10_000,
        );
        // lb splits over catalog and orders; catalog's reads miss the cache 10% of the time.
        assert_eq!(load(&doc, "catalog-db").map(|f| f.rps.round()), Some(500.0));
        let mut doc = doc;
        let lb = doc.component("lb").expect("lb").id.clone();
        crate::edit::EditOp::set_property(&lb, "peak_rps", 2_000)
            .apply(&mut doc, Catalog::builtin())
            .expect("sets");
        let orders = doc
            .connections()
            .iter()
            .find(|c| c.from.as_str() == "orders")
            .expect("orders query")
            .id
            .clone();
        crate::edit::EditOp::set_connection_property(&orders, "share_pct", 300)
            .apply(&mut doc, Catalog::builtin())
            .expect("sets");
        assert_eq!(
            load(&doc, "lb").map(|f| (f.rps, f.basis)),
            Some((2_000.0, Basis::Stated))
        );
        assert_eq!(load(&doc, "orders-db").map(|f| f.rps), Some(3_000.0));
    }

    #[test]
    fn several_entries_do_not_share_the_system_peak_by_guess() {
        let doc = with_peak(
            shop()
                .component("partner-api", "api-gateway", &[])
                .component("partner", "external-system", &[])
                .connect("partner", "partner-api", "http")
                .connect("partner-api", "orders", "http")
                .build(),
            10_000,
        );
        assert!(loads_of(&doc).iter().all(|(_, f)| f.is_none()));
    }

    #[test]
    fn consumers_take_what_is_published_to_their_topic() {
        let doc = with_peak(
            shop()
                .component("events", "kafka", &[])
                .component("mailer", "worker", &[])
                .component("indexer", "worker", &[])
                .connect_with("orders", "events", "publish", |c| {
                    c.properties.insert("topic".into(), "orders".into());
                })
                .connect_with("mailer", "events", "consume", |c| {
                    c.properties.insert("topic".into(), "orders".into());
                })
                .connect_with("indexer", "events", "consume", |c| {
                    c.properties.insert("topic".into(), "products".into());
                })
                .build(),
            10_000,
        );
        // orders takes half the peak and publishes on every request.
        assert_eq!(load(&doc, "mailer").map(|f| f.rps), Some(5_000.0));
        assert_eq!(load(&doc, "indexer").map(|f| f.rps), Some(0.0));
    }

    #[test]
    fn a_call_cycle_carries_load_one_way_round() {
        let doc = with_peak(
            Fixture::new()
                .component("lb", "load-balancer", &[])
                .component("a", "service-go", &[])
                .component("b", "service-go", &[])
                .component("c", "service-go", &[])
                .connect("lb", "b", "http")
                .connect("b", "c", "grpc")
                .connect("c", "a", "grpc")
                .connect("a", "b", "grpc")
                .build(),
            1_000,
        );
        for id in ["a", "b", "c"] {
            assert_eq!(load(&doc, id).map(|f| f.rps), Some(1_000.0), "{id}");
        }
    }
}
