//! REL015: a service calls other services synchronously with no timeout.

use crate::catalog::Trait;
use crate::edit::EditOp;
use crate::model::{Component, Connection};
use crate::rules::{Finding, Rule, RuleContext, RuleMeta, counted};

declare_rule! {
    /// ## What it does
    /// Flags a service or function whose synchronous calls to other services (HTTP, gRPC,
    /// GraphQL) set neither `timeout_ms` nor a circuit breaker. One finding per caller
    /// names every such call. Calls to external systems are REL007's.
    ///
    /// ## Why it matters
    /// A call without a deadline waits as long as the callee takes. When one service slows
    /// down, its callers' threads and connection pools fill up waiting, and the slowdown
    /// spreads up every chain to the entry points: one sick service becomes an outage.
    ///
    /// ## Example
    /// `checkout -> pricing` and `checkout -> inventory` (gRPC) with `timeout_ms: 0`.
    ///
    /// ## How to fix
    /// Give every call a timeout below the caller's own budget (the quick fix uses the
    /// model's p99 target, or 1 s), and a circuit breaker where the callee can degrade.
    pub struct InternalCallWithoutTimeout;
    id: "REL015",
    name: "internal-call-without-timeout",
    category: Reliability,
    severity: Warning,
}

/// The timeout the quick fix sets: the end-to-end p99 budget when the model states one (a
/// single hop may not wait longer than the whole request may take), else one second.
fn suggested_timeout_ms(cx: &RuleContext<'_>) -> i64 {
    cx.doc()
        .meta
        .targets
        .p99_latency_ms
        .map_or(1000, |budget| i64::from(budget.clamp(1, 600_000)))
}

impl InternalCallWithoutTimeout {
    fn unguarded_calls<'a>(
        cx: &RuleContext<'a>,
        caller: &'a Component,
    ) -> Vec<(&'a Connection, &'a Component)> {
        let mut calls = Vec::new();
        for connection in cx
            .graph
            .connections(caller, petgraph::Direction::Outgoing, None)
        {
            if !cx.graph.is_sync(connection) {
                continue;
            }
            if !cx.states_timeouts(connection) || cx.call_is_guarded(connection) {
                continue;
            }
            let Some((_, callee)) = cx.graph.endpoints(connection) else {
                continue;
            };
            if cx.has_trait(callee, Trait::Compute) && !cx.has_trait(callee, Trait::External) {
                calls.push((connection, callee));
            }
        }
        calls
    }
}

impl Rule for InternalCallWithoutTimeout {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let timeout = suggested_timeout_ms(cx);
        for caller in cx.graph.with_trait(Trait::Compute) {
            if cx.has_trait(caller, Trait::External) {
                continue;
            }
            let calls = Self::unguarded_calls(cx, caller);
            if calls.is_empty() {
                continue;
            }
            let names: Vec<&str> = calls
                .iter()
                .map(|(_, callee)| callee.name.as_str())
                .collect();
            let message = format!(
                "{} makes {} with no timeout: {}",
                caller.name,
                counted(calls.len() as i64, "synchronous call"),
                names.join(", ")
            );
            let mut finding = cx.finding(
                message,
                calls
                    .iter()
                    .map(|(connection, _)| connection.id.as_str().to_owned())
                    .collect(),
                "set timeout_ms on each call below the caller's own latency budget",
            );
            finding.quick_fix = Some(
                calls
                    .iter()
                    .map(|(connection, _)| {
                        EditOp::set_connection_property(&connection.id, "timeout_ms", timeout)
                    })
                    .collect(),
            );
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, assert_quick_fixes_resolve, render, run};

    fn doc(timeout: i64, breaker: bool) -> crate::model::Document {
        Fixture::new()
            .component("checkout", "service-java", &[])
            .component("pricing", "service-go", &[])
            .component("inventory", "service-rust", &[])
            .component("db", "postgresql", &[])
            .component("psp", "external-system", &[])
            .connect_with("checkout", "pricing", "grpc", move |c| {
                c.properties.insert("timeout_ms".into(), timeout.into());
            })
            .connect_with("checkout", "inventory", "http", move |c| {
                c.properties
                    .insert("circuit_breaker".into(), breaker.into());
            })
            .connect("checkout", "db", "db_query")
            .connect("checkout", "psp", "http")
            .build()
    }

    #[test]
    fn passes_when_every_call_has_a_timeout_or_a_breaker() {
        assert!(run(&InternalCallWithoutTimeout, &doc(300, true)).is_empty());
    }

    #[test]
    fn names_every_unguarded_call_of_a_caller_once() {
        let findings = run(&InternalCallWithoutTimeout, &doc(0, false));
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].targets.len(),
            2,
            "the database and the PSP are not its"
        );
        insta::assert_snapshot!(render(&findings));
        assert_quick_fixes_resolve(&InternalCallWithoutTimeout, &doc(0, false));
    }

    #[test]
    fn one_guarded_call_leaves_the_other() {
        let findings = run(&InternalCallWithoutTimeout, &doc(250, false));
        assert_eq!(findings.len(), 1);
        assert!(findings[0].message.contains("1 synchronous call with"));
    }
}
