//! PERF001: a call timeout longer than the whole latency budget.

use crate::model::PropertyValue;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// When the document sets a p99 latency budget, flags synchronous service-to-service calls
    /// whose `timeout_ms` is more than `factor` (a rule parameter, 10 by default) times that
    /// budget. Edge timeouts (uploads, long polling) and calls to external systems follow their
    /// own budgets.
    ///
    /// ## Why it matters
    /// Timeouts sit above p99 to ride out the tail, but one far beyond the whole budget means
    /// the caller keeps waiting long after the user has been failed: threads and connections
    /// pile up exactly when a dependency is slow.
    ///
    /// ## Example
    /// `bff -> orders` with `timeout_ms: 10000` and a 300 ms p99 budget.
    ///
    /// ## How to fix
    /// Set the timeout to a small multiple of the budget, leaving room for retries.
    pub struct TimeoutOverBudget;
    id: "PERF001",
    name: "timeout-over-latency-budget",
    category: Performance,
    severity: Warning,
}

impl Rule for TimeoutOverBudget {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(budget) = cx.doc().meta.targets.p99_latency_ms else {
            return;
        };
        let limit = i64::from(budget).saturating_mul(cx.int_param("factor", 10));
        for connection in cx.graph.connections_where(|link| link.is_sync()) {
            let Some(timeout) = cx
                .graph
                .connection_property(connection, "timeout_ms")
                .and_then(PropertyValue::as_int)
            else {
                continue;
            };
            let Some((from, to)) = cx.graph.endpoints(connection) else {
                continue;
            };
            let between_services = [from, to]
                .iter()
                .all(|c| cx.has_trait(c, crate::catalog::Trait::Compute));
            if timeout <= limit || !between_services {
                continue;
            }
            out.push(cx.finding(
                format!("{} → {} waits up to {timeout} ms, more than {} times the {budget} ms p99 budget", from.name, to.name, limit / i64::from(budget.max(1))),
                vec![connection.id.as_str().to_owned()],
                "set the timeout to a small multiple of the latency budget",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    fn doc(timeout: i64) -> crate::model::Document {
        let mut doc = Fixture::new()
            .component("bff", "service-nodejs", &[])
            .component("orders", "service-go", &[])
            .connect_with("bff", "orders", "grpc", |c| {
                c.properties.insert("timeout_ms".into(), timeout.into());
            })
            .build();
        doc.meta.targets.p99_latency_ms = Some(300);
        doc
    }

    #[test]
    fn passes_within_budget() {
        assert!(run(&TimeoutOverBudget, &doc(2000)).is_empty());
    }

    #[test]
    fn fails_beyond() {
        insta::assert_snapshot!(render(&run(&TimeoutOverBudget, &doc(10_000))));
    }
}
