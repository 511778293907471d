//! Recovery: for each datastore, how much data (RPO) and how much time (RTO) three kinds of
//! loss cost, from what the model states: a standby across zones or replicas, automated
//! backups, point-in-time recovery, and replicas in another region. Then two checks a
//! recovery plan needs: a standby region holds a counterpart of everything on the primary's
//! critical path, and nothing writes to a replica.
//!
//! - An **instance or zone loss** fails over to a standby in another zone (no data lost), or
//!   promotes a replica (its lag lost), or restores from a backup.
//! - A **region loss** is survived only by a replica in another region: backups stay in
//!   their region unless the model copies them, so without one the data waits for the region.
//! - A **corruption** (a bad migration, a `DELETE` without `WHERE`) reaches every replica:
//!   only point-in-time recovery, backups or object versions bring the data back.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use petgraph::Direction;
use serde::Serialize;

use super::Inputs;
use crate::catalog::{ConnectionStyle, Deployment, Trait};
use crate::facts::Facts;
use crate::graph::ArchGraph;
use crate::model::{Component, Connection, Group, GroupKind, PropertyValue};

/// What one kind of loss costs a datastore.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// Data lost, in minutes before the failure; `None` when the data is not recoverable
    /// (or, for a region, not until the region returns).
    pub rpo_minutes: Option<f64>,
    /// Time to serve again, in minutes; `None` when nothing in the design restores it.
    pub rto_minutes: Option<f64>,
    /// How it recovers, for people.
    pub how: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DatastoreRecovery {
    pub component: String,
    pub instance_or_zone_loss: Outcome,
    pub region_loss: Outcome,
    pub corruption: Outcome,
    /// Whether it meets the model's `rpo_minutes` and `rto_minutes` in every case (a region's
    /// loss only when the model spans regions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meets_objectives: Option<bool>,
}

/// A standby region that lacks counterparts of what the primary's requests depend on.
#[derive(Debug, Clone, Serialize)]
pub struct StandbyGap {
    pub primary: String,
    pub standby: String,
    pub missing: Vec<String>,
}

/// A connection that writes to a store the model draws as a replica.
#[derive(Debug, Clone, Serialize)]
pub struct WriteToReplica {
    pub connection: String,
    pub caller: String,
    pub replica: String,
    pub primary: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Recovery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rpo_objective_minutes: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rto_objective_minutes: Option<u32>,
    /// Datastores the account runs, and caches that hold state no database behind them
    /// holds; replicas excluded (they recover with their primary).
    pub datastores: Vec<DatastoreRecovery>,
    /// Whether the design spans regions, so that a region's loss counts against the
    /// objectives.
    pub multi_region: bool,
    pub standby_gaps: Vec<StandbyGap>,
    pub writes_to_replicas: Vec<WriteToReplica>,
}

impl Recovery {
    pub fn misses_objective(&self) -> bool {
        self.datastores
            .iter()
            .any(|d| d.meets_objectives == Some(false))
    }
}

pub fn analyze(inputs: &Inputs<'_>) -> Recovery {
    let graph = inputs.graph;
    let targets = &graph.document().meta.targets;
    let multi_region = graph
        .document()
        .groups()
        .iter()
        .filter(|g| g.kind == GroupKind::Region)
        .count()
        > 1;
    let gaps = standby_gaps(graph, &inputs.facts);
    let datastores = graph
        .document()
        .components()
        .iter()
        .filter(|c| holds_data(inputs, c))
        .filter(|c| inputs.facts.runs(c).is_some_and(Deployment::in_account))
        .filter(|c| inputs.facts.replica_of(c).is_none())
        .map(|c| {
            let mut recovery = datastore(inputs, c, &gaps);
            if targets.rpo_minutes.is_some() || targets.rto_minutes.is_some() {
                // A region's loss counts once the design spans regions: a single-region
                // design has chosen to wait for its region.
                let mut outcomes = vec![&recovery.instance_or_zone_loss, &recovery.corruption];
                if multi_region {
                    outcomes.push(&recovery.region_loss);
                }
                let within = |figure: Option<f64>, objective: Option<u32>| match objective {
                    Some(limit) => figure.is_some_and(|f| f <= f64::from(limit)),
                    None => true,
                };
                recovery.meets_objectives = Some(outcomes.iter().all(|o| {
                    within(o.rpo_minutes, targets.rpo_minutes)
                        && within(o.rto_minutes, targets.rto_minutes)
                }));
            }
            recovery
        })
        .collect();
    Recovery {
        rpo_objective_minutes: targets.rpo_minutes,
        rto_objective_minutes: targets.rto_minutes,
        datastores,
        multi_region,
        standby_gaps: gaps
            .into_iter()
            .map(|gap| StandbyGap {
                primary: gap.primary.id.as_str().to_owned(),
                standby: gap.standby.id.as_str().to_owned(),
                missing: gap
                    .missing
                    .iter()
                    .map(|c| c.id.as_str().to_owned())
                    .collect(),
            })
            .collect(),
        writes_to_replicas: writes_to_replicas(inputs),
    }
}

/// Whether `component` holds data a loss would cost: a datastore, or a cache that keeps state
/// no database behind it holds (a cart or session store; a cache-aside cache rebuilds from
/// its database).
fn holds_data(inputs: &Inputs<'_>, component: &Component) -> bool {
    let graph = inputs.graph;
    if graph.has_trait(component, Trait::Datastore) {
        return true;
    }
    if !(graph.has_trait(component, Trait::Cache) && graph.has_trait(component, Trait::Stateful)) {
        return false;
    }
    let Some(position) = graph.position(component) else {
        return false;
    };
    let lookups: Vec<&crate::graph::Link> = graph
        .links(component, Direction::Incoming)
        .iter()
        .filter(|link| graph.link_is(link, "cache_lookup"))
        .filter(|link| link.ends().is_some_and(|(_, to)| to == position))
        .collect();
    !lookups.is_empty() && !lookups.iter().all(|link| graph.is_bypassable(link))
}

fn datastore(inputs: &Inputs<'_>, component: &Component, gaps: &[Gap<'_>]) -> DatastoreRecovery {
    let graph = inputs.graph;
    let times = inputs.data.recovery;
    let restore = times.restore_base_minutes
        + graph.int(component, "storage_gb").unwrap_or(0).max(0) as f64
            / times.restore_gb_per_minute.max(0.001);
    let point_in_time = graph.flag(component, "point_in_time_recovery");
    let backups = graph.flag(component, "backups");
    let versioning = graph.flag(component, "versioning");
    // The latest copy a restore reaches.
    let restorable = if point_in_time {
        Some((times.point_in_time_minutes, "point-in-time restore"))
    } else if versioning {
        Some((0.0, "restore of the previous object versions"))
    } else if backups {
        Some((
            times.backup_interval_minutes,
            "restore of the last daily backup",
        ))
    } else {
        None
    };
    let replicas: Vec<(&Component, bool)> = graph
        .connections(component, Direction::Outgoing, Some("replication"))
        .into_iter()
        .filter_map(|connection| {
            let (_, replica) = graph.endpoints(connection)?;
            let synchronous = graph
                .connection_property(connection, "mode")
                .and_then(PropertyValue::as_text)
                == Some("sync");
            Some((replica, synchronous))
        })
        .collect();
    let region = |c: &Component| graph.zone(c, GroupKind::Region).map(|g| &g.id);
    let lag = |synchronous: bool| {
        if synchronous {
            0.0
        } else {
            times.replica_lag_minutes
        }
    };
    let restored = |what: &str| match restorable {
        Some((rpo, how)) => Outcome {
            rpo_minutes: Some(rpo),
            rto_minutes: Some(round(restore)),
            how: format!("{how}; {what}"),
        },
        None => Outcome {
            rpo_minutes: None,
            rto_minutes: None,
            how: format!("nothing restores it: no backups, no point-in-time recovery; {what}"),
        },
    };

    let instance_or_zone_loss = if inputs.facts.multi_zone(component) {
        Outcome {
            rpo_minutes: Some(0.0),
            rto_minutes: Some(times.failover_minutes),
            how: "keeps serving from another zone (a standby, replicas, or the provider's own spread)".into(),
        }
    } else if let Some(&(replica, synchronous)) = replicas.first() {
        Outcome {
            rpo_minutes: Some(lag(synchronous)),
            rto_minutes: Some(times.promotion_minutes),
            how: format!("promote the replica {}", replica.id),
        }
    } else {
        restored("it has no standby or replica")
    };

    let remote = replicas
        .iter()
        .find(|(replica, _)| {
            matches!((region(component), region(replica)), (Some(a), Some(b)) if a != b)
        })
        .copied();
    let standby_gap = remote.and_then(|(replica, _)| {
        let standby = region(replica)?;
        gaps.iter().find(|gap| &gap.standby.id == standby)
    });
    let region_loss = match (remote, standby_gap) {
        (Some((replica, synchronous)), Some(gap)) => Outcome {
            rpo_minutes: Some(lag(synchronous)),
            rto_minutes: None,
            how: format!(
                "its data is copied to {}, but the standby region lacks {} of the components its requests need",
                replica.id,
                gap.missing.len()
            ),
        },
        (Some((replica, synchronous)), None) => Outcome {
            rpo_minutes: Some(lag(synchronous)),
            rto_minutes: Some(times.region_failover_minutes),
            how: format!("fail over to the replica {} in its region", replica.id),
        },
        // The model's cloud may keep its backups in another region (geo-redundant storage):
        // the data survives, though nothing serves it until the system runs there.
        (None, _) => match crate::backups::deployed(graph, &inputs.facts, component)
            .filter(|b| b.outside_region)
        {
            Some(geo) => Outcome {
                rpo_minutes: geo.geo_rpo_minutes.map(f64::from),
                rto_minutes: None,
                how: "its backups are kept in another region: a restore there loses the minutes shown, and serves once the rest of the system runs there".into(),
            },
            None => Outcome {
                rpo_minutes: None,
                rto_minutes: None,
                how: "no copy outside its region: the data waits for the region to return".into(),
            },
        },
    };

    let corruption = restored("replicas copy the damage");
    DatastoreRecovery {
        component: component.id.as_str().to_owned(),
        instance_or_zone_loss,
        region_loss,
        corruption,
        meets_objectives: None,
    }
}

fn writes_to_replicas(inputs: &Inputs<'_>) -> Vec<WriteToReplica> {
    replica_writes(inputs.graph, &inputs.facts)
        .into_iter()
        .map(|write| WriteToReplica {
            connection: write.connection.id.as_str().to_owned(),
            caller: write.writer.id.as_str().to_owned(),
            replica: write.replica.id.as_str().to_owned(),
            primary: write.primary.id.as_str().to_owned(),
        })
        .collect()
}

/// A `db_query` that writes to a replica, borrowed from the graph.
#[derive(Debug)]
pub struct ReplicaWrite<'a> {
    pub connection: &'a Connection,
    pub writer: &'a Component,
    pub replica: &'a Component,
    pub primary: &'a Component,
}

/// Queries that write (`access` other than `read`; `read_write` is the default) to a store
/// that replicates from another: a read replica or a standby.
pub fn replica_writes<'a>(graph: &ArchGraph<'a>, facts: &Facts<'a>) -> Vec<ReplicaWrite<'a>> {
    graph
        .connections_of_kind("db_query")
        .filter(|connection| {
            graph
                .connection_property(connection, "access")
                .and_then(PropertyValue::as_text)
                != Some("read")
        })
        .filter_map(|connection| {
            let (writer, replica) = graph.endpoints(connection)?;
            let primary = facts.replica_of(replica)?;
            Some(ReplicaWrite {
                connection,
                writer,
                replica,
                primary,
            })
        })
        .collect()
}

/// A standby region and what it lacks, borrowed from the graph.
#[derive(Debug)]
pub struct Gap<'a> {
    pub primary: &'a Group,
    pub standby: &'a Group,
    pub missing: Vec<&'a Component>,
}

fn region_group<'a>(graph: &ArchGraph<'a>, component: &Component) -> Option<&'a Group> {
    graph
        .groups_around(component)
        .iter()
        .copied()
        .find(|g| g.kind == GroupKind::Region)
}

fn in_region(graph: &ArchGraph<'_>, component: &Component, group: &Group) -> bool {
    region_group(graph, component).is_some_and(|r| r.id == group.id)
}

/// Standby regions and the components on their primary's critical path that they lack.
///
/// A region is a standby of another when a store in it replicates from a store in the other.
/// The primary's critical path is everything in it that its public entry points (and the
/// clients and external systems calling into it) reach along synchronous connections. A
/// component needs a counterpart unless it runs outside the account or is a global edge
/// service (CDN, DNS); a counterpart is a component of the same kind in the standby, or a
/// replica of it there.
pub fn standby_gaps<'a>(graph: &ArchGraph<'a>, facts: &Facts<'_>) -> Vec<Gap<'a>> {
    let mut pairs: BTreeMap<(&str, &str), (&'a Group, &'a Group)> = BTreeMap::new();
    for connection in graph.connections_of_kind("replication") {
        let Some((source, replica)) = graph.endpoints(connection) else {
            continue;
        };
        if let (Some(primary), Some(standby)) =
            (region_group(graph, source), region_group(graph, replica))
            && primary.id != standby.id
        {
            pairs.insert(
                (primary.id.as_str(), standby.id.as_str()),
                (primary, standby),
            );
        }
    }
    let mut gaps = Vec::new();
    for (primary, standby) in pairs.into_values() {
        let standby_kinds: BTreeSet<&str> = graph
            .document()
            .components()
            .iter()
            .filter(|c| in_region(graph, c, standby))
            .map(|c| c.kind.as_str())
            .collect();
        let has_replica_there = |component: &Component| {
            graph.any_neighbour(
                component,
                Direction::Outgoing,
                Some("replication"),
                |replica| in_region(graph, replica, standby),
            )
        };
        let needs_counterpart = |component: &Component| {
            facts.runs(component).is_some_and(Deployment::in_account)
                && !graph.has_trait(component, Trait::Cdn)
                && !graph.has_trait(component, Trait::Dns)
        };
        let missing: Vec<&'a Component> = critical_path(graph, primary)
            .into_iter()
            .filter(|c| needs_counterpart(c))
            .filter(|c| !standby_kinds.contains(c.kind.as_str()) && !has_replica_there(c))
            .collect();
        if !missing.is_empty() {
            gaps.push(Gap {
                primary,
                standby,
                missing,
            });
        }
    }
    gaps
}

/// The components of `primary` that its entry points reach along synchronous requests.
fn critical_path<'a>(graph: &ArchGraph<'a>, primary: &Group) -> Vec<&'a Component> {
    let doc: &'a crate::model::Document = graph.document();
    let entered_from_outside = |component: &Component| {
        graph.any_neighbour(component, Direction::Incoming, None, |caller| {
            graph.has_trait(caller, Trait::Client) || graph.has_trait(caller, Trait::External)
        })
    };
    let mut queue: Vec<&'a Component> = doc
        .components()
        .iter()
        .filter(|c| in_region(graph, c, primary))
        .filter(|c| graph.has_trait(c, Trait::PublicEntry) || entered_from_outside(c))
        .collect();
    let mut seen: HashSet<&str> = queue.iter().map(|c| c.id.as_str()).collect();
    let mut path = Vec::new();
    while let Some(component) = queue.pop() {
        path.push(component);
        for connection in graph.connections(component, Direction::Outgoing, None) {
            if !graph.is_sync(connection)
                || graph.style(connection) == Some(ConnectionStyle::Telemetry)
            {
                continue;
            }
            let Some((_, next)) = graph.endpoints(connection) else {
                continue;
            };
            if in_region(graph, next, primary) && seen.insert(next.id.as_str()) {
                queue.push(next);
            }
        }
    }
    path.sort_by(|a, b| a.id.cmp(&b.id));
    path
}

fn round(minutes: f64) -> f64 {
    minutes.round()
}
