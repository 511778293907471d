//! REL003: a queue with no dead-letter queue.

use crate::catalog::Trait;
use crate::edit::EditOp;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags queues, streams and event buses that have consumers but no dead-letter queue.
    ///
    /// ## Why it matters
    /// A message that always fails (a poison message) is retried forever: it blocks its partition
    /// or burns consumer capacity, and when it is finally dropped nobody knows it existed.
    ///
    /// ## Example
    /// `jobs` (RabbitMQ) with `dead_letter_queue: false` and a worker consuming it.
    ///
    /// ## How to fix
    /// Configure a dead-letter queue (the quick fix marks one) and alert on its depth.
    pub struct QueueWithoutDlq;
    id: "REL003",
    name: "queue-without-dlq",
    category: Reliability,
    severity: Warning,
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
            if cx.flag(broker, "dead_letter_queue")
                || !cx
                    .graph
                    .links(broker, petgraph::Direction::Incoming)
                    .iter()
                    .any(|link| cx.graph.link_is(link, "consume"))
            {
                continue;
            }
            let mut finding = cx.finding(
                format!("{} has consumers but no dead-letter queue", broker.name),
                vec![broker.id.as_str().to_owned()],
                "configure a dead-letter queue and alert on its depth",
            );
            finding.quick_fix = Some(vec![EditOp::set_property(
                &broker.id,
                "dead_letter_queue",
                true,
            )]);
            out.push(finding);
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

    #[test]
    fn fails_without() {
        insta::assert_snapshot!(render(&run(&QueueWithoutDlq, &doc(false))));
        assert_quick_fixes_resolve(&QueueWithoutDlq, &doc(false));
    }
}
