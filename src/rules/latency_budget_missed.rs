//! PERF003: an entry point's expected p99 latency is over the model's budget.

use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// When the document states a `p99_latency_ms` budget, runs the latency analysis
    /// (`archsmith analyze --only latency`): each entry point's p50 and p99 along its critical
    /// path, from each component's own time (its kind's figure, or `latency_p50_ms` /
    /// `latency_p99_ms`) and each hop's network distance (same zone, across zones, across
    /// regions): the slowest of the routes a request may take, calls every request makes
    /// added up (or the slowest of those made in parallel), caches sparing the database by
    /// their hit ratio, and timeouts and retries bounding each call. Flags every entry point whose
    /// expected p99 is over the budget.
    ///
    /// ## Why it matters
    /// A budget the design exceeds on paper is exceeded in production, where queues,
    /// garbage collection and noisy neighbours only add to the tail.
    ///
    /// ## Example
    /// A 100 ms budget over a gateway, two services called one after the other and a search
    /// cluster: about 160 ms at p99.
    ///
    /// ## How to fix
    /// Shorten the critical path: make independent calls in parallel (`per_request:
    /// parallel` on the connections), cache slow reads, move work off the request path onto a
    /// queue, and keep calls within a region.
    pub struct LatencyBudgetMissed;
    id: "PERF003",
    name: "latency-budget-missed",
    category: Performance,
    severity: Warning,
}

impl Rule for LatencyBudgetMissed {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(budget) = cx.doc().meta.targets.p99_latency_ms else {
            return;
        };
        let report = cx.graph.analysis();
        for entry in &report.latency.entries {
            if entry.meets_budget != Some(false) {
                continue;
            }
            let Some(component) = cx.doc().component(&entry.entry) else {
                continue;
            };
            let slowest = entry
                .slowest
                .as_deref()
                .and_then(|id| cx.doc().component(id));
            let path: Vec<&str> = entry
                .critical_path
                .iter()
                .filter_map(|hop| cx.doc().component(&hop.component))
                .map(|c| c.name.as_str())
                .collect();
            out.push(cx.finding(
                format!(
                    "{} is expected to answer in {} ms at p99 (p50 {} ms), over the {budget} ms budget; critical path: {}{}",
                    component.name,
                    entry.p99_ms,
                    entry.p50_ms,
                    path.join(" → "),
                    match (slowest, &entry.advice) {
                        (Some(slowest), Some(advice)) =>
                            format!("; longest tail: {}: {advice}", slowest.name),
                        _ => String::new(),
                    }
                ),
                entry
                    .critical_path
                    .iter()
                    .map(|hop| hop.component.clone())
                    .collect(),
                "shorten the critical path: parallel calls, caches for slow reads, work moved onto queues, calls kept in-region",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    fn doc(budget: u32) -> crate::model::Document {
        let mut doc = Fixture::new()
            .component("web", "web-client", &[])
            .component("api", "service-python", &[])
            .component("search", "elasticsearch", &[])
            .connect("web", "api", "http")
            .connect("api", "search", "db_query")
            .build();
        doc.meta.targets.p99_latency_ms = Some(budget);
        doc
    }

    #[test]
    fn passes_within_the_budget() {
        assert!(run(&LatencyBudgetMissed, &doc(500)).is_empty());
    }

    #[test]
    fn names_the_critical_path_over_the_budget() {
        insta::assert_snapshot!(render(&run(&LatencyBudgetMissed, &doc(50))));
    }
}
