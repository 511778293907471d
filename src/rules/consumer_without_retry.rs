//! REL004: a consumer with neither retries nor idempotent handling.

use crate::catalog::Trait;
use crate::edit::EditOp;
use crate::model::PropertyValue;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags `consume` connections whose handler is not idempotent, and says when it has no
    /// retries either. An idempotent consumer without retries of its own passes: the broker
    /// redelivers what it fails on.
    ///
    /// ## Why it matters
    /// Brokers deliver at least once. Without retries a transient error loses the message; without
    /// idempotency a redelivery charges the card twice.
    ///
    /// ## Example
    /// `worker -> jobs` (consume) with `retries: 0` and `idempotent: false`.
    ///
    /// ## How to fix
    /// Retry with backoff and make the handler idempotent (the quick fix sets three retries and
    /// marks the handler idempotent).
    pub struct ConsumerWithoutRetry;
    id: "REL004",
    name: "consumer-without-retry",
    category: Reliability,
    severity: Warning,
}

impl Rule for ConsumerWithoutRetry {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let doc = cx.doc();
        for connection in cx.graph.connections_of_kind("consume") {
            let retries = cx
                .graph
                .connection_property(connection, "retries")
                .and_then(PropertyValue::as_int)
                .unwrap_or(0);
            let idempotent = cx
                .graph
                .connection_property(connection, "idempotent")
                .and_then(PropertyValue::as_bool)
                .unwrap_or(false);
            // Brokers redeliver what a handler fails on, so an idempotent consumer without
            // retries of its own loses nothing (and a last-write-wins stream must not retry
            // stale data); a handler that is not idempotent is wrong however it retries.
            if idempotent {
                continue;
            }
            let component = doc.component(connection.from.as_str());
            let consumer = component.map_or(connection.from.as_str(), |c| c.name.as_str());
            // What a redelivery repeats outside the system: the calls the handler makes to
            // external systems (a charge, an email), which no database constraint undoes.
            let mut externals: Vec<&str> = component
                .map(|c| {
                    cx.graph
                        .neighbours(c, petgraph::Direction::Outgoing, None)
                        .into_iter()
                        .filter(|n| cx.has_trait(n, Trait::External))
                        .map(|n| n.name.as_str())
                        .collect()
                })
                .unwrap_or_default();
            externals.dedup();
            let (message, hint) = match (retries > 0, externals.is_empty()) {
                (true, false) => (
                    format!(
                        "{consumer} consumes with no idempotent handling, so every redelivery calls {} again",
                        externals.join(", ")
                    ),
                    "deduplicate on the message's key and send an idempotency key with each external call",
                ),
                (true, true) => (
                    format!("{consumer} consumes with no idempotent handling"),
                    "make the handler idempotent: deduplicate on the message's key",
                ),
                (false, _) => (
                    format!("{consumer} consumes with neither retries nor idempotent handling"),
                    "retry with backoff and make the handler idempotent",
                ),
            };
            let mut finding = cx.finding(message, vec![connection.id.as_str().to_owned()], hint);
            finding.quick_fix = Some(vec![
                EditOp::set_connection_property(
                    &connection.id,
                    "retries",
                    PropertyValue::Int(retries.max(3)),
                ),
                EditOp::set_connection_property(&connection.id, "idempotent", true),
            ]);
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, assert_quick_fixes_resolve, render, run};

    fn doc(retries: i64, idempotent: bool) -> crate::model::Document {
        Fixture::new()
            .component("jobs", "sqs", &[])
            .component("worker", "worker", &[])
            .connect_with("worker", "jobs", "consume", |c| {
                c.properties.insert("retries".into(), retries.into());
                c.properties.insert("idempotent".into(), idempotent.into());
            })
            .build()
    }

    #[test]
    fn passes_with_both() {
        assert!(run(&ConsumerWithoutRetry, &doc(5, true)).is_empty());
    }

    #[test]
    fn fails_without() {
        insta::assert_snapshot!(render(&run(&ConsumerWithoutRetry, &doc(0, false))));
        assert_quick_fixes_resolve(&ConsumerWithoutRetry, &doc(0, false));
        assert_eq!(
            run(&ConsumerWithoutRetry, &doc(3, false)).len(),
            1,
            "retries do not make it idempotent"
        );
    }

    #[test]
    fn a_redelivery_that_repeats_an_external_call_says_so() {
        let doc = Fixture::new()
            .component("events", "kafka", &[])
            .component("payments", "worker", &[])
            .component("psp", "external-system", &[])
            .connect_with("payments", "events", "consume", |c| {
                c.properties.insert("retries".into(), 5.into());
            })
            .connect("payments", "psp", "http")
            .build();
        let findings = run(&ConsumerWithoutRetry, &doc);
        assert_eq!(findings.len(), 1);
        assert!(
            findings[0]
                .message
                .contains("every redelivery calls psp again"),
            "{}",
            findings[0].message
        );
        assert!(findings[0].fix_hint.contains("idempotency key"));
    }

    #[test]
    fn an_idempotent_consumer_relies_on_redelivery() {
        assert!(run(&ConsumerWithoutRetry, &doc(0, true)).is_empty());
    }
}
