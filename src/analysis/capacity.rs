//! Capacity: the load on each component at peak (propagated from the entry points along the
//! connections, see [`crate::load`], times the scenario's multiplier) against what its
//! instances serve (per-instance figures by kind and size, times the most instances it runs:
//! its autoscaling maximum, or its replicas plus read replicas; a relational database's
//! primary and read replicas, its standbys serving nothing). Headroom per component, the
//! first to saturate as the peak grows, and the instances each needs. An analytics store is
//! measured by the queries it takes, not the rows loaded into it.

use serde::Serialize;

use super::Inputs;
use crate::catalog::Trait;
use crate::load::Basis;
use crate::model::Component;

/// The utilisation instances are sized for: a third spare for bursts and a lost instance.
const TARGET_UTILISATION: f64 = 0.7;

#[derive(Debug, Clone, Serialize)]
pub struct ComponentCapacity {
    pub component: String,
    /// Requests (or messages) per second at the scenario's peak.
    pub load_rps: f64,
    /// Whether the model states the load or it was propagated.
    pub load_basis: &'static str,
    pub instance_size: String,
    /// What one instance serves (a planning estimate by kind and size).
    pub per_instance_rps: f64,
    /// The most instances it runs.
    pub instances: i64,
    pub capacity_rps: f64,
    pub utilisation_pct: f64,
    /// How many times the scenario's peak it carries before saturating.
    pub headroom: f64,
    /// Instances needed to run at 70% at the scenario's peak.
    pub instances_needed: i64,
    /// A consumer of a partitioned log works on at most one partition per instance: the
    /// partitions that cap its working instances, and the broker that has them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partition_cap: Option<PartitionCap>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PartitionCap {
    pub broker: String,
    pub partitions: i64,
}

/// The connections the callers' pools may open to a datastore at their most instances,
/// against what the datastore accepts at its size.
#[derive(Debug, Clone, Serialize)]
pub struct PoolUse {
    pub datastore: String,
    pub connections: i64,
    pub limit: i64,
    /// Each caller with its pool size and most instances.
    pub callers: Vec<(String, i64, i64)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Capacity {
    pub load_multiplier: f64,
    /// Assessed components, the least headroom first.
    pub components: Vec<ComponentCapacity>,
    /// The component that runs out first as the peak grows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_to_saturate: Option<String>,
    /// Components past 100% at the scenario's peak.
    pub saturated: Vec<String>,
    /// Components carrying load with no capacity figure (managed services that scale
    /// themselves, kinds without sizes), not assessed.
    pub not_assessed: Vec<String>,
    /// Datastores whose callers state connection pools, the fullest first.
    pub connection_pools: Vec<PoolUse>,
}

impl Capacity {
    pub fn saturated(&self) -> bool {
        !self.saturated.is_empty() || self.pools_exhausted().next().is_some()
    }

    /// Datastores the callers' pools could open more connections to than they accept.
    pub fn pools_exhausted(&self) -> impl Iterator<Item = &PoolUse> {
        self.connection_pools
            .iter()
            .filter(|p| p.connections > p.limit)
    }
}

pub fn analyze(inputs: &Inputs<'_>) -> Capacity {
    let multiplier = inputs.scenario.load_multiplier;
    let mut assessed = Vec::new();
    let mut not_assessed = Vec::new();
    for (position, component) in inputs.graph.document().components().iter().enumerate() {
        let Some(load) = inputs.loads.at(position) else {
            continue;
        };
        let rps = queried(inputs, component).unwrap_or(load.rps);
        if rps <= 0.0 {
            continue;
        }
        match assess(inputs, component, rps * multiplier, load.basis) {
            Some(figure) => assessed.push(figure),
            None => not_assessed.push(component.id.as_str().to_owned()),
        }
    }
    assessed.sort_by(|a: &ComponentCapacity, b| {
        a.headroom
            .total_cmp(&b.headroom)
            .then_with(|| a.component.cmp(&b.component))
    });
    Capacity {
        load_multiplier: multiplier,
        first_to_saturate: assessed.first().map(|c| c.component.clone()),
        saturated: assessed
            .iter()
            .filter(|c| c.headroom < 1.0)
            .map(|c| c.component.clone())
            .collect(),
        components: assessed,
        not_assessed,
        connection_pools: connection_pools(inputs),
    }
}

/// What an analytics store is asked at peak: its queries, not the rows loaded into it, which
/// arrive in batches its per-instance query figure does not measure. `None` for other kinds.
fn queried(inputs: &Inputs<'_>, component: &Component) -> Option<f64> {
    let graph = inputs.graph;
    if !graph.has_trait(component, Trait::Analytics) {
        return None;
    }
    Some(
        graph
            .connections(component, petgraph::Direction::Incoming, Some("db_query"))
            .into_iter()
            .filter(|c| {
                graph
                    .connection_property(c, "access")
                    .and_then(crate::model::PropertyValue::as_text)
                    != Some("write")
            })
            .filter_map(|c| inputs.loads.connection(graph, c))
            .map(|figure| figure.rps)
            .sum(),
    )
}

fn assess(
    inputs: &Inputs<'_>,
    component: &Component,
    load_rps: f64,
    basis: Basis,
) -> Option<ComponentCapacity> {
    let graph = inputs.graph;
    let kind = graph.kind(component)?;
    let size = graph.text(component, "instance_size").unwrap_or("small");
    // The model's own figure wins; otherwise only kinds that run sized instances have a
    // per-instance figure to scale.
    let per_instance = graph.positive(component, "capacity_rps").or_else(|| {
        kind.property("instance_size")?;
        inputs.data.capacity_rps(kind.id.as_str(), size)
    })?;
    let read_replicas = graph.int(component, "read_replicas").unwrap_or(0).max(0);
    let mut instances = if graph.has_trait(component, Trait::Relational) {
        // One primary serves (its replicas are standbys); read replicas take reads.
        1 + read_replicas
    } else if graph.flag(component, "autoscaling") {
        inputs.facts.instance_bounds(component).1
    } else {
        inputs.facts.instances(component) + read_replicas
    }
    .max(1);
    let partition_cap = partition_cap(inputs, component).filter(|cap| cap.partitions < instances);
    if let Some(cap) = &partition_cap {
        instances = cap.partitions;
    }
    let capacity = per_instance * instances as f64;
    let needed = (load_rps / (per_instance * TARGET_UTILISATION)).ceil();
    Some(ComponentCapacity {
        component: component.id.as_str().to_owned(),
        load_rps: round(load_rps),
        load_basis: match basis {
            Basis::Stated => "stated",
            Basis::Derived => "propagated",
        },
        instance_size: size.to_owned(),
        per_instance_rps: per_instance,
        instances,
        capacity_rps: capacity,
        utilisation_pct: round(load_rps / capacity * 100.0),
        headroom: round(capacity / load_rps),
        instances_needed: if needed.is_finite() {
            (needed as i64).max(1)
        } else {
            1
        },
        partition_cap,
    })
}

/// The fewest partitions among the partitioned logs `component` consumes: no more of its
/// instances than that can work at once.
fn partition_cap(inputs: &Inputs<'_>, component: &Component) -> Option<PartitionCap> {
    let graph = inputs.graph;
    graph
        .neighbours(component, petgraph::Direction::Outgoing, Some("consume"))
        .into_iter()
        .filter(|broker| graph.has_trait(broker, Trait::Partitioned))
        .filter_map(|broker| {
            Some(PartitionCap {
                broker: broker.id.as_str().to_owned(),
                partitions: graph.int(broker, "partitions")?.max(1),
            })
        })
        .min_by_key(|cap| cap.partitions)
}

/// Connections each datastore's callers may open: each caller's stated `pool_size` times the
/// most instances it runs, against the datastore's connection limit at its size.
fn connection_pools(inputs: &Inputs<'_>) -> Vec<PoolUse> {
    let graph = inputs.graph;
    let mut pools: Vec<PoolUse> = graph
        .document()
        .components()
        .iter()
        .filter_map(|store| {
            let size = graph.text(store, "instance_size").unwrap_or("small");
            let per_instance = inputs.data.max_connections(store.kind.as_str(), size)?;
            let mut callers = Vec::new();
            for connection in
                graph.connections(store, petgraph::Direction::Incoming, Some("db_query"))
            {
                let pool = graph
                    .connection_property(connection, "pool_size")
                    .and_then(crate::model::PropertyValue::as_int)
                    .filter(|p| *p > 0);
                let (Some(pool), Some((caller, _))) = (pool, graph.endpoints(connection)) else {
                    continue;
                };
                callers.push((
                    caller.id.as_str().to_owned(),
                    pool,
                    inputs.facts.instance_bounds(caller).1,
                ));
            }
            if callers.is_empty() {
                return None;
            }
            // Writes and pooled reads go to the primary; read replicas take their own.
            Some(PoolUse {
                datastore: store.id.as_str().to_owned(),
                connections: callers
                    .iter()
                    .map(|(_, pool, instances)| pool.saturating_mul(*instances))
                    .sum(),
                limit: per_instance,
                callers,
            })
        })
        .collect();
    pools.sort_by(|a, b| {
        (b.connections as f64 / b.limit.max(1) as f64)
            .total_cmp(&(a.connections as f64 / a.limit.max(1) as f64))
            .then_with(|| a.datastore.cmp(&b.datastore))
    });
    pools
}

/// Two decimals: figures for people, stable in JSON.
fn round(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}
