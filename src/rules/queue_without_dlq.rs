//! REL003: a queue with no dead-letter queue.

use crate::catalog::Trait;
use crate::edit::{ComponentField, EditOp};
use crate::model::{Component, Topic};
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};
use crate::topics::BrokerFlows;

declare_rule! {
    /// ## What it does
    /// Flags queues, streams and event buses that have consumers but no dead-letter queue.
    /// A broker that declares topics is judged topic by topic: a consumed topic needs a
    /// `dead_letter` topic, unless its messages are `latest_wins` (each supersedes the last
    /// for its key, so a failed one is dropped, not replayed) or it is itself a dead letter.
    /// `dead_letter_queue: true` on the broker covers all of its topics.
    ///
    /// ## Why it matters
    /// A message that always fails (a poison message) is retried forever: it blocks its partition
    /// or burns consumer capacity, and when it is finally dropped nobody knows it existed.
    ///
    /// ## Example
    /// `jobs` (RabbitMQ) with `dead_letter_queue: false` and a worker consuming it.
    ///
    /// ## How to fix
    /// Configure a dead-letter queue (the quick fix adds one) and alert on its depth.
    pub struct QueueWithoutDlq;
    id: "REL003",
    name: "queue-without-dlq",
    category: Reliability,
    severity: Warning,
}

/// The broker's topics with `topic`'s dead letter added as `<name>.dlq` (or a free variant).
fn with_dead_letter(broker: &Component, topic: &Topic) -> Vec<Topic> {
    let mut name = format!("{}.dlq", topic.name);
    let mut n = 2;
    while broker.topic(&name).is_some() {
        name = format!("{}.dlq{n}", topic.name);
        n += 1;
    }
    let mut topics = broker.topics.clone();
    for existing in &mut topics {
        if existing.name == topic.name {
            existing.dead_letter = Some(name.clone());
        }
    }
    topics.push(Topic::new(name));
    topics
}

impl Rule for QueueWithoutDlq {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for broker in cx
            .graph
            .of_kinds(|k| k.has(Trait::Broker) && k.property("dead_letter_queue").is_some())
        {
            if cx.flag(broker, "dead_letter_queue") {
                continue;
            }
            let flows = BrokerFlows::new(cx.graph, broker);
            for topic in flows.topics() {
                if topic.consumes().next().is_none() || topic.dead_letter_of().is_some() {
                    continue;
                }
                let quick_fix = match topic.topic {
                    Some(declared) if declared.dead_letter.is_some() || declared.latest_wins => {
                        continue;
                    }
                    Some(declared) => EditOp::SetComponentField {
                        id: broker.id.clone(),
                        field: ComponentField::Topics(with_dead_letter(broker, declared)),
                    },
                    None => EditOp::set_property(&broker.id, "dead_letter_queue", true),
                };
                let mut targets = vec![broker.id.as_str().to_owned()];
                if topic.topic.is_some() {
                    targets.extend(topic.consumes().map(|c| c.id.as_str().to_owned()));
                }
                let mut finding = cx.finding(
                    format!("{} has consumers but no dead-letter queue", topic.label()),
                    targets,
                    "configure a dead-letter queue and alert on its depth",
                );
                finding.quick_fix = Some(vec![quick_fix]);
                out.push(finding);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, assert_quick_fixes_resolve, render, run};

    fn doc(dlq: bool) -> crate::model::Document {
        Fixture::new()
            .component("jobs", "rabbitmq", &[("dead_letter_queue", dlq.into())])
            .component("worker", "worker", &[])
            .connect("worker", "jobs", "consume")
            .build()
    }

    #[test]
    fn passes_with_a_dlq() {
        assert!(run(&QueueWithoutDlq, &doc(true)).is_empty());
    }

    fn topics_doc(latest_wins: bool) -> crate::model::Document {
        let mut doc = Fixture::new()
            .component("stream", "kafka", &[])
            .component("matcher", "worker", &[])
            .component("billing", "worker", &[])
            .connect_with("matcher", "stream", "consume", |c| {
                c.properties.insert("topic".into(), "positions".into());
            })
            .connect_with("billing", "stream", "consume", |c| {
                c.properties.insert("topic".into(), "trips".into());
            })
            .build();
        let mut positions = Topic::new("positions");
        positions.latest_wins = latest_wins;
        let mut trips = Topic::new("trips");
        trips.dead_letter = Some("trips.dlq".into());
        let op = EditOp::SetComponentField {
            id: crate::model::ComponentId::new("stream").expect("slug"),
            field: ComponentField::Topics(vec![positions, trips, Topic::new("trips.dlq")]),
        };
        op.apply(&mut doc, crate::catalog::Catalog::builtin())
            .expect("topics apply");
        doc
    }

    #[test]
    fn judges_each_topic_and_spares_latest_wins_streams() {
        assert!(run(&QueueWithoutDlq, &topics_doc(true)).is_empty());
        let findings = run(&QueueWithoutDlq, &topics_doc(false));
        assert_eq!(findings.len(), 1);
        assert!(
            findings[0].message.contains("topic `positions`"),
            "{}",
            findings[0].message
        );
        assert_quick_fixes_resolve(&QueueWithoutDlq, &topics_doc(false));
    }

    #[test]
    fn fails_without() {
        insta::assert_snapshot!(render(&run(&QueueWithoutDlq, &doc(false))));
        assert_quick_fixes_resolve(&QueueWithoutDlq, &doc(false));
    }
}
