//! REL012: a balanced service without a health check.

use petgraph::Direction;

use crate::catalog::Trait;
use crate::edit::EditOp;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags services behind a load balancer or gateway that expose no health check.
    ///
    /// ## Why it matters
    /// Without a health endpoint the balancer keeps sending traffic to instances that are up
    /// but broken (deadlocked, out of connections), and deployments cannot wait for readiness.
    ///
    /// ## Example
    /// `lb -> api` where `api` has `health_check: false`.
    ///
    /// ## How to fix
    /// Expose a health endpoint that checks the service's own dependencies (the quick fix marks
    /// it).
    pub struct MissingHealthCheck;
    id: "REL012",
    name: "missing-health-check",
    category: Reliability,
    severity: Warning,
}

impl Rule for MissingHealthCheck {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for service in cx
            .graph
            .of_kinds(|k| k.has(Trait::Compute) && k.property("health_check").is_some())
        {
            // The graph walk is cheaper than the property lookups, and usually says no.
            let balanced = cx
                .graph
                .any_neighbour(service, Direction::Incoming, None, |c| {
                    cx.has_trait(c, Trait::LoadBalancer) || cx.has_trait(c, Trait::Gateway)
                });
            if !balanced || cx.flag(service, "health_check") {
                continue;
            }
            let mut finding = cx.finding(
                format!(
                    "{} sits behind a balancer but has no health check",
                    service.name
                ),
                vec![service.id.as_str().to_owned()],
                "expose a health endpoint and let the balancer probe it",
            );
            finding.quick_fix = Some(vec![EditOp::set_property(
                &service.id,
                "health_check",
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

    fn doc(health: bool) -> crate::model::Document {
        Fixture::new()
            .component("lb", "load-balancer", &[])
            .component("api", "service-go", &[("health_check", health.into())])
            .connect("lb", "api", "http")
            .build()
    }

    #[test]
    fn passes_with_a_health_check() {
        assert!(run(&MissingHealthCheck, &doc(true)).is_empty());
    }

    #[test]
    fn fails_without() {
        insta::assert_snapshot!(render(&run(&MissingHealthCheck, &doc(false))));
        assert_quick_fixes_resolve(&MissingHealthCheck, &doc(false));
    }
}
