//! SCA004: a consumer group larger than the topic's partitions.

use std::collections::BTreeMap;

use crate::catalog::Trait;
use crate::model::PropertyValue;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};
use crate::topics::BrokerFlows;

declare_rule! {
    /// ## What it does
    /// For partitioned logs (kinds with the `partitioned` trait: Kafka), adds up the concurrency
    /// of each consumer group and flags groups with more consumers than the log has
    /// partitions: per topic when the broker declares topics (a topic's own `partitions`, else
    /// the broker's). NATS JetStream and queues are left alone: many workers sharing one of their
    /// consumers all receive messages.
    ///
    /// ## Why it matters
    /// A partition is read by one consumer of a group at a time. Extra consumers sit idle, so the
    /// scaling you paid for does nothing and lag keeps growing.
    ///
    /// ## Example
    /// `events` with `partitions: 1` and two consumers in the group `same`.
    ///
    /// ## How to fix
    /// Raise the partition count to at least the group's consumers (plan for the peak), or shrink
    /// the group.
    pub struct PartitionsBelowConsumers;
    id: "SCA004",
    name: "partitions-below-consumers",
    category: Scalability,
    severity: Warning,
}

impl Rule for PartitionsBelowConsumers {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        // Only partitioned logs (Kafka, Event Hubs) cap a group's parallelism at the partition
        // count; a JetStream or queue consumer shared by many workers delivers in parallel.
        for stream in cx.graph.with_trait(Trait::Partitioned) {
            let default_partitions = cx.int(stream, "partitions").unwrap_or(1);
            let flows = BrokerFlows::new(cx.graph, stream);
            for topic in flows.topics() {
                let partitions = topic
                    .topic
                    .and_then(|t| t.partitions)
                    .map_or(default_partitions, i64::from);
                let mut groups: BTreeMap<&str, (i64, Vec<String>)> = BTreeMap::new();
                for connection in topic.consumes() {
                    let property = |name| cx.graph.connection_property(connection, name);
                    let group = property("consumer_group")
                        .and_then(PropertyValue::as_text)
                        .filter(|g| !g.is_empty())
                        .unwrap_or(connection.from.as_str());
                    let concurrency = property("concurrency")
                        .and_then(PropertyValue::as_int)
                        .unwrap_or(1);
                    let entry = groups.entry(group).or_default();
                    entry.0 += concurrency;
                    entry.1.push(connection.id.as_str().to_owned());
                }
                for (group, (consumers, connections)) in groups {
                    if consumers <= partitions {
                        continue;
                    }
                    let mut targets = vec![stream.id.as_str().to_owned()];
                    targets.extend(connections);
                    out.push(cx.finding(
                        format!(
                            "consumer group `{group}` has {} but {} has {}",
                            super::counted(consumers, "consumer"),
                            topic.label(),
                            super::counted(partitions, "partition")
                        ),
                        targets,
                        "raise the partition count to at least the number of consumers",
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    fn doc(partitions: i64) -> crate::model::Document {
        let group = |c: &mut crate::model::Connection| {
            c.properties.insert("consumer_group".into(), "same".into());
        };
        Fixture::new()
            .component("events", "kafka", &[("partitions", partitions.into())])
            .component("a", "worker", &[])
            .component("b", "worker", &[])
            .connect_with("a", "events", "consume", group)
            .connect_with("b", "events", "consume", group)
            .build()
    }

    #[test]
    fn passes_with_enough_partitions() {
        assert!(run(&PartitionsBelowConsumers, &doc(6)).is_empty());
    }

    #[test]
    fn a_jetstream_consumer_shared_by_many_workers_is_not_capped() {
        let group = |c: &mut crate::model::Connection| {
            c.properties
                .insert("consumer_group".into(), "fanout".into());
            c.properties.insert("concurrency".into(), 16.into());
        };
        let doc = Fixture::new()
            .component("bus", "nats", &[])
            .component("a", "worker", &[])
            .connect_with("a", "bus", "consume", group)
            .build();
        assert!(run(&PartitionsBelowConsumers, &doc).is_empty());
    }

    #[test]
    fn fails_with_too_few() {
        insta::assert_snapshot!(render(&run(&PartitionsBelowConsumers, &doc(1))));
    }
}
