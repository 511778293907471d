//! REL014: messages published to a broker that nobody consumes.

use petgraph::Direction;

use crate::catalog::Trait;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};
use crate::topics::BrokerFlows;

declare_rule! {
    /// ## What it does
    /// Flags queues, streams and buses that components publish to but that have no
    /// `consume` connection and forward nowhere (an event bus that publishes onwards to a
    /// queue delivers its messages). A broker that declares topics is judged topic by topic.
    ///
    /// ## Why it matters
    /// Messages nobody reads pile up until retention drops them: the work they stand for
    /// (an email, a payment, an index update) never happens, and nothing fails loudly.
    ///
    /// ## Example
    /// `orders -> order-events` (publish), and no consumer of `order-events`.
    ///
    /// ## How to fix
    /// Draw the consumer that handles the messages, or stop publishing them.
    pub struct TopicWithoutConsumers;
    id: "REL014",
    name: "topic-without-consumers",
    category: Reliability,
    severity: Warning,
}

impl Rule for TopicWithoutConsumers {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for broker in cx.graph.with_trait(Trait::Broker) {
            let forwards = cx
                .graph
                .links(broker, Direction::Outgoing)
                .iter()
                .any(|link| cx.graph.link_is(link, "publish"));
            if forwards {
                continue;
            }
            let flows = BrokerFlows::new(cx.graph, broker);
            for topic in flows.topics() {
                let mut publishes = topic.publishes().peekable();
                if publishes.peek().is_none() || topic.consumes().next().is_some() {
                    continue;
                }
                let mut targets = vec![broker.id.as_str().to_owned()];
                if topic.topic.is_some() {
                    targets.extend(publishes.map(|c| c.id.as_str().to_owned()));
                }
                out.push(cx.finding(
                    format!("{} receives messages that nobody consumes", topic.label()),
                    targets,
                    "draw the consumer that handles these messages, or stop publishing them",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    #[test]
    fn passes_with_a_consumer_or_a_forward() {
        let doc = Fixture::new()
            .component("orders", "service-go", &[])
            .component("events", "kafka", &[])
            .component("worker", "worker", &[])
            .connect("orders", "events", "publish")
            .connect("worker", "events", "consume")
            .build();
        assert!(run(&TopicWithoutConsumers, &doc).is_empty());
        let doc = Fixture::new()
            .component("orders", "service-go", &[])
            .component("bus", "event-bus", &[])
            .component("queue", "sqs", &[])
            .component("worker", "worker", &[])
            .connect("orders", "bus", "publish")
            .connect("bus", "queue", "publish")
            .connect("worker", "queue", "consume")
            .build();
        assert!(run(&TopicWithoutConsumers, &doc).is_empty());
    }

    #[test]
    fn fails_when_nobody_reads() {
        let doc = Fixture::new()
            .component("orders", "service-go", &[])
            .component("events", "kafka", &[])
            .connect("orders", "events", "publish")
            .build();
        insta::assert_snapshot!(render(&run(&TopicWithoutConsumers, &doc)));
    }
}
