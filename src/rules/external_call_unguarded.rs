//! REL007: a synchronous call to an external system without timeout or circuit breaker.

use crate::catalog::Trait;
use crate::edit::EditOp;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags synchronous calls to external systems that set neither a timeout nor a circuit
    /// breaker.
    ///
    /// ## Why it matters
    /// Third parties fail on their own schedule. Without a timeout, a slow provider holds your
    /// threads and connections until you fall over too; a breaker fails fast and recovers.
    ///
    /// ## Example
    /// `api -> payments` (HTTP) with no `timeout_ms` and `circuit_breaker: false`.
    ///
    /// ## How to fix
    /// Set a timeout below your latency budget and guard the call with a circuit breaker (the
    /// quick fix sets 2 s and a breaker).
    pub struct ExternalCallUnguarded;
    id: "REL007",
    name: "external-call-unguarded",
    category: Reliability,
    severity: Warning,
}

impl Rule for ExternalCallUnguarded {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for connection in cx.graph.connections_where(|link| link.is_sync()) {
            let Some((_, target)) = cx.graph.endpoints(connection) else {
                continue;
            };
            if !cx.has_trait(target, Trait::External) {
                continue;
            }
            if !cx.states_timeouts(connection) || cx.call_is_guarded(connection) {
                continue;
            }
            let mut finding = cx.finding(
                format!(
                    "the call to {} has no timeout and no circuit breaker",
                    target.name
                ),
                vec![connection.id.as_str().to_owned()],
                "set timeout_ms below the latency budget and enable circuit_breaker",
            );
            finding.quick_fix = Some(vec![
                EditOp::set_connection_property(&connection.id, "timeout_ms", 2000),
                EditOp::set_connection_property(&connection.id, "circuit_breaker", true),
            ]);
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, assert_quick_fixes_resolve, render, run};

    fn doc(timeout: i64) -> crate::model::Document {
        Fixture::new()
            .component("api", "service-go", &[])
            .component("psp", "external-system", &[])
            .connect_with("api", "psp", "http", |c| {
                c.properties.insert("timeout_ms".into(), timeout.into());
            })
            .build()
    }

    #[test]
    fn passes_with_a_timeout() {
        assert!(run(&ExternalCallUnguarded, &doc(1500)).is_empty());
    }

    #[test]
    fn fails_without() {
        insta::assert_snapshot!(render(&run(&ExternalCallUnguarded, &doc(0))));
        assert_quick_fixes_resolve(&ExternalCallUnguarded, &doc(0));
    }
}
