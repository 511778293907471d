//! PERF001: a call timeout longer than the whole latency budget.

use crate::model::PropertyValue;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};
use crate::text::thousands;

declare_rule! {
    /// ## What it does
    /// When the document sets a p99 latency budget, flags synchronous service-to-service calls
    /// on a request path whose worst-case wait, `timeout_ms` times the attempts (`retries`
    /// plus one), is more than `factor` (a rule parameter, 4 by default) times that budget.
    /// Only callers that serve requests are held to the interactive budget: a queue worker or
    /// a scheduled job that nothing waits on has its own. Edge timeouts (uploads, long
    /// polling) and calls to external systems follow their own budgets too.
    ///
    /// ## Why it matters
    /// Timeouts sit above p99 to ride out the tail, but a caller that may wait several budgets
    /// (and longer still when it retries) keeps holding the user's request long after it
    /// should have failed or degraded: threads and connections pile up exactly when a
    /// dependency is slow.
    ///
    /// ## Example
    /// `bff -> orders` with `timeout_ms: 2000` and a 300 ms p99 budget, or `timeout_ms: 500`
    /// with `retries: 2` (1,500 ms in all).
    ///
    /// ## How to fix
    /// Give each hop a timeout within the budget left at that hop, and retry only when the
    /// budget leaves room for another attempt.
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
        let budget = i64::from(budget.max(1));
        let factor = cx.int_param("factor", 4).max(1);
        let limit = budget.saturating_mul(factor);
        // Who serves requests is a walk of the whole graph: only asked once a call is over.
        let serving = std::cell::OnceCell::new();
        for connection in cx.graph.connections_where(|link| link.is_sync()) {
            let int = |name| {
                cx.graph
                    .connection_property(connection, name)
                    .and_then(PropertyValue::as_int)
            };
            let Some(timeout) = int("timeout_ms").filter(|t| *t > 0) else {
                continue;
            };
            let attempts = int("retries").unwrap_or(0).clamp(0, 100) + 1;
            let worst = timeout.saturating_mul(attempts);
            let Some((from, to)) = cx.graph.endpoints(connection) else {
                continue;
            };
            let between_services = [from, to]
                .iter()
                .all(|c| cx.has_trait(c, crate::catalog::Trait::Compute));
            if worst <= limit
                || !between_services
                || !cx
                    .graph
                    .serves_requests(serving.get_or_init(|| cx.graph.on_request_paths()), from)
            {
                continue;
            }
            let wait = if attempts > 1 {
                format!(
                    "up to {} ms ({} attempts of {} ms)",
                    thousands(worst),
                    attempts,
                    thousands(timeout)
                )
            } else {
                format!("up to {} ms", thousands(timeout))
            };
            out.push(cx.finding(
                format!(
                    "{} waits on {} for {wait} while serving requests, {} times the {} ms p99 budget",
                    from.name,
                    to.name,
                    times(worst, budget),
                    thousands(budget)
                ),
                vec![connection.id.as_str().to_owned()],
                "give the call a timeout within the budget left at this hop, and retry only if the budget leaves room",
            ));
        }
    }
}

/// `6.7`: how many budgets a wait is, to one decimal, without a trailing `.0`.
fn times(wait: i64, budget: i64) -> String {
    let tenths = wait.saturating_mul(10) / budget.max(1);
    match tenths % 10 {
        0 => (tenths / 10).to_string(),
        rest => format!("{}.{rest}", tenths / 10),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    /// `caller -> orders` with a timeout and retries; `caller` is a BFF behind a web client
    /// or a queue worker that nothing calls.
    fn doc(caller_kind: &str, timeout: i64, retries: i64) -> crate::model::Document {
        let fixture = Fixture::new()
            .component("web", "web-client", &[])
            .component("caller", caller_kind, &[])
            .component("orders", "service-go", &[]);
        // A worker pulls its work; nothing waits on it.
        let fixture = if caller_kind == "worker" {
            fixture
        } else {
            fixture.connect("web", "caller", "http")
        };
        let mut doc = fixture
            .connect_with("caller", "orders", "grpc", |c| {
                c.properties.insert("timeout_ms".into(), timeout.into());
                c.properties.insert("retries".into(), retries.into());
            })
            .build();
        doc.meta.targets.p99_latency_ms = Some(300);
        doc
    }

    #[test]
    fn passes_within_a_few_budgets() {
        assert!(run(&TimeoutOverBudget, &doc("service-nodejs", 1000, 0)).is_empty());
    }

    #[test]
    fn counts_every_attempt() {
        let findings = run(&TimeoutOverBudget, &doc("service-nodejs", 500, 2));
        insta::assert_snapshot!(render(&findings));
    }

    #[test]
    fn fails_beyond() {
        insta::assert_snapshot!(render(&run(
            &TimeoutOverBudget,
            &doc("service-nodejs", 2000, 0)
        )));
    }

    #[test]
    fn a_caller_that_serves_no_requests_has_its_own_budget() {
        assert!(run(&TimeoutOverBudget, &doc("worker", 10_000, 3)).is_empty());
    }
}
