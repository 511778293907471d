//! REL011: a replicated log that keeps too few copies.

use crate::edit::EditOp;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags Kafka-style clusters whose `replication_factor` is below three, or below the broker
    /// count when there are fewer than three brokers.
    ///
    /// ## Why it matters
    /// With one copy, a broker's disk is the only home of its partitions; with two, a rolling
    /// restart during a failure loses writes. Three copies with `acks=all` survive both.
    ///
    /// ## Example
    /// `events` with `replicas: 3` and `replication_factor: 1`.
    ///
    /// ## How to fix
    /// Set the replication factor to three (the quick fix does, capped at the broker count).
    pub struct LowReplicationFactor;
    id: "REL011",
    name: "low-replication-factor",
    category: Reliability,
    severity: Warning,
}

impl Rule for LowReplicationFactor {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for component in cx.graph.of_kinds(|k| {
            k.has(crate::catalog::Trait::Broker) && k.property("replication_factor").is_some()
        }) {
            // Three copies, or as many as there are brokers when there are fewer.
            let wanted = cx.int(component, "replicas").unwrap_or(1).clamp(1, 3);
            let factor = cx.int(component, "replication_factor").unwrap_or(1);
            if factor >= wanted {
                continue;
            }
            let mut finding = cx.finding(
                format!(
                    "{} keeps {} of each partition",
                    component.name,
                    if factor == 1 {
                        "one copy".to_owned()
                    } else {
                        format!("{factor} copies")
                    }
                ),
                vec![component.id.as_str().to_owned()],
                "run three brokers and set replication_factor to 3 with acks=all",
            );
            finding.quick_fix = Some(vec![EditOp::set_property(
                &component.id,
                "replication_factor",
                wanted,
            )]);
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    fn doc(brokers: i64, factor: i64) -> crate::model::Document {
        Fixture::new()
            .component(
                "events",
                "kafka",
                &[
                    ("replicas", brokers.into()),
                    ("replication_factor", factor.into()),
                ],
            )
            .build()
    }

    #[test]
    fn passes_with_three_copies() {
        assert!(run(&LowReplicationFactor, &doc(3, 3)).is_empty());
    }

    #[test]
    fn fails_with_one() {
        insta::assert_snapshot!(render(&run(&LowReplicationFactor, &doc(3, 1))));
        crate::rules::fixture::assert_quick_fixes_resolve(&LowReplicationFactor, &doc(3, 1));
    }
}
