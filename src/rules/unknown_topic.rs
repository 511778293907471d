//! COR003: a publish or consume names a topic its broker does not declare.

use crate::catalog::Trait;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};
use crate::topics::{BrokerFlows, named_topic};

declare_rule! {
    /// ## What it does
    /// Flags `publish` and `consume` connections whose `topic` is not one of the topics their
    /// broker declares. Brokers that declare no topics accept any name.
    ///
    /// ## Why it matters
    /// A misspelt topic is a producer writing where nobody reads, or a consumer waiting on a
    /// stream nobody writes: both look healthy until someone asks where the events went. The
    /// per-topic rules (dead letters, partitions, consumers) cannot judge a flow they cannot
    /// place.
    ///
    /// ## Example
    /// `orders -> events` (publish, `topic: "order.created"`) where `events` declares only
    /// `orders.created`.
    ///
    /// ## How to fix
    /// Correct the connection's topic, or declare the topic on the broker.
    pub struct UnknownTopic;
    id: "COR003",
    name: "unknown-topic",
    category: Correctness,
    severity: Error,
}

impl Rule for UnknownTopic {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for broker in cx.graph.with_trait(Trait::Broker) {
            if broker.topics.is_empty() {
                continue;
            }
            let flows = BrokerFlows::new(cx.graph, broker);
            for connection in flows.unknown {
                let Some(name) = named_topic(cx.graph, connection) else {
                    continue;
                };
                let declared: Vec<&str> = broker
                    .topics
                    .iter()
                    .take(5)
                    .map(|t| t.name.as_str())
                    .collect();
                let more = if broker.topics.len() > declared.len() {
                    ", ..."
                } else {
                    ""
                };
                out.push(cx.finding(
                    format!(
                        "`{name}` is not a topic of {} (it declares {}{more})",
                        broker.name,
                        declared.join(", ")
                    ),
                    vec![connection.id.as_str().to_owned()],
                    "correct the connection's topic, or declare the topic on the broker",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::{ComponentField, EditOp};
    use crate::model::Topic;
    use crate::rules::fixture::{Fixture, render, run};

    fn doc(topic: &'static str) -> crate::model::Document {
        let mut doc = Fixture::new()
            .component("orders", "service-go", &[])
            .component("events", "kafka", &[])
            .connect_with("orders", "events", "publish", move |c| {
                c.properties.insert("topic".into(), topic.into());
            })
            .build();
        EditOp::SetComponentField {
            id: crate::model::ComponentId::new("events").expect("slug"),
            field: ComponentField::Topics(vec![Topic::new("orders.created")]),
        }
        .apply(&mut doc, crate::catalog::Catalog::builtin())
        .expect("topics apply");
        doc
    }

    #[test]
    fn passes_for_a_declared_topic() {
        assert!(run(&UnknownTopic, &doc("orders.created")).is_empty());
    }

    #[test]
    fn fails_for_a_misspelt_topic() {
        insta::assert_snapshot!(render(&run(&UnknownTopic, &doc("order.created"))));
    }
}
