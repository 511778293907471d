//! REL004: a consumer with neither retries nor idempotent handling.

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
            let consumer = doc
                .component(connection.from.as_str())
                .map_or(connection.from.as_str(), |c| c.name.as_str());
            let missing = if retries > 0 {
                "no idempotent handling"
            } else {
                "neither retries nor idempotent handling"
            };
            let mut finding = cx.finding(
                format!("{consumer} consumes with {missing}"),
                vec![connection.id.as_str().to_owned()],
                "retry with backoff and make the handler idempotent",
            );
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
    fn an_idempotent_consumer_relies_on_redelivery() {
        assert!(run(&ConsumerWithoutRetry, &doc(0, true)).is_empty());
    }
}
