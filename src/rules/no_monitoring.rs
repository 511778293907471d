//! OBS005: a system with services and no monitoring at all.

use crate::catalog::Trait;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags a model that has services but no telemetry sink at all: no metrics, logs or
    /// traces backend, no collector, no monitoring SaaS agent. The other observability rules
    /// judge how services report; this one catches the design that never says where.
    ///
    /// ## Why it matters
    /// Without a place for metrics and logs nobody sees an outage before the customers do,
    /// and nothing tells an incident's responders what broke.
    ///
    /// ## Example
    /// Gateway, three services, a database and a queue, and nothing they report to.
    ///
    /// ## How to fix
    /// Add a metrics backend (Prometheus or the cloud's), a log store and a collector, and
    /// connect the services to them with `telemetry` connections.
    pub struct NoMonitoring;
    id: "OBS005",
    name: "no-monitoring",
    category: Observability,
    severity: Warning,
}

impl Rule for NoMonitoring {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        if cx.any_with(Trait::TelemetrySink) {
            return;
        }
        let services: Vec<String> = cx
            .graph
            .with_trait(Trait::Compute)
            .map(|c| c.id.as_str().to_owned())
            .collect();
        if services.is_empty() {
            return;
        }
        out.push(cx.finding(
            format!(
                "the model has no metrics, logs or traces backend: nothing watches its {}",
                super::counted(i64::try_from(services.len()).unwrap_or(i64::MAX), "service")
            ),
            services,
            "add a metrics backend, a log store and a collector, and connect the services to them",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    #[test]
    fn passes_with_a_sink() {
        let doc = Fixture::new()
            .component("api", "service-go", &[])
            .component("metrics", "prometheus", &[])
            .build();
        assert!(run(&NoMonitoring, &doc).is_empty());
    }

    #[test]
    fn fails_without_any() {
        let doc = Fixture::new()
            .component("api", "service-go", &[])
            .component("worker", "worker", &[])
            .component("db", "postgresql", &[])
            .build();
        insta::assert_snapshot!(render(&run(&NoMonitoring, &doc)));
    }
}
