//! OBS003: long synchronous chains with no distributed tracing.

use crate::catalog::Trait;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags models with a synchronous call chain of three or more services from an entry point
    /// when no component collects traces (Jaeger, an OpenTelemetry collector, Datadog).
    ///
    /// ## Why it matters
    /// When a request that crosses several services is slow or fails, only a trace shows which
    /// hop is to blame; metrics and logs per service cannot join the dots.
    ///
    /// ## Example
    /// `lb -> bff -> orders -> payments` and only Prometheus.
    ///
    /// ## How to fix
    /// Add a tracing backend and send traces to it from the services on the chain.
    pub struct ChainWithoutTracing;
    id: "OBS003",
    name: "chain-without-tracing",
    category: Observability,
    severity: Warning,
}

impl Rule for ChainWithoutTracing {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        if cx.any_with(Trait::Tracing) {
            return;
        }
        let deepest = cx.graph.entry_points().into_iter().max_by_key(|e| {
            (
                cx.graph.sync_chain_length(e.id.as_str()),
                std::cmp::Reverse(e.id.as_str()),
            )
        });
        let Some(entry) = deepest else { return };
        let chain = cx.graph.longest_sync_chain(entry.id.as_str());
        let services = chain
            .iter()
            .filter_map(|id| cx.doc().component(id))
            .filter(|c| cx.has_trait(c, Trait::Compute))
            .count();
        if services >= 3 {
            out.push(cx.finding(
                format!(
                    "requests cross {services} services ({}) but nothing collects traces",
                    chain.join(" → ")
                ),
                chain.iter().map(|id| (*id).to_owned()).collect(),
                "add a tracing backend (Jaeger, an OpenTelemetry collector) and send traces to it",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    fn doc(tracing: bool) -> crate::model::Document {
        let fixture = Fixture::new()
            .component("lb", "load-balancer", &[])
            .component("a", "service-go", &[])
            .component("b", "service-go", &[])
            .component("c", "service-go", &[])
            .connect("lb", "a", "http")
            .connect("a", "b", "grpc")
            .connect("b", "c", "grpc");
        if tracing {
            fixture.component("jaeger", "jaeger", &[]).build()
        } else {
            fixture.build()
        }
    }

    #[test]
    fn passes_with_tracing() {
        assert!(run(&ChainWithoutTracing, &doc(true)).is_empty());
    }

    #[test]
    fn fails_without() {
        insta::assert_snapshot!(render(&run(&ChainWithoutTracing, &doc(false))));
    }
}
