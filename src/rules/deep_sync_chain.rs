//! REL010: a chain of synchronous calls deeper than the limit.

use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Follows synchronous calls from every entry point and flags chains of more calls than
    /// `max_depth` (a rule parameter, 8 by default). DNS lookups are not calls; a sync cycle
    /// on the way counts each of its members once.
    ///
    /// ## Why it matters
    /// Availability multiplies along a sync chain (six 99.9 % hops give 99.4 %) and latency
    /// adds up: deep chains miss both the SLO and the latency budget.
    ///
    /// ## Example
    /// `lb -> bff -> orders -> pricing -> inventory -> warehouse -> db`.
    ///
    /// ## How to fix
    /// Flatten the chain: cache, precompute, or hand work to queues; raise `max_depth` in the
    /// document's rule settings where a deep chain is deliberate.
    pub struct DeepSyncChain;
    id: "REL010",
    name: "deep-sync-chain",
    category: Reliability,
    severity: Warning,
}

impl Rule for DeepSyncChain {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let max_depth = usize::try_from(cx.int_param("max_depth", 8)).unwrap_or(8);
        for entry in cx.graph.entry_points() {
            // The chain is counted in components; a chain of n components makes n - 1 calls.
            let calls = cx
                .graph
                .sync_chain_length(entry.id.as_str())
                .saturating_sub(1);
            if calls <= max_depth {
                continue;
            }
            let chain = cx.graph.longest_sync_chain(entry.id.as_str());
            out.push(cx.finding(
                format!(
                    "{} starts a chain of {calls} synchronous calls (limit {max_depth}): {}",
                    entry.name,
                    chain.join(" → ")
                ),
                chain.iter().map(|id| (*id).to_owned()).collect(),
                "flatten the chain with caching, precomputation or queues",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    fn chain(length: usize) -> crate::model::Document {
        let mut fixture = Fixture::new().component("web", "web-client", &[]);
        for i in 0..length {
            fixture = fixture.component(&format!("s{i}"), "service-go", &[]);
        }
        fixture = fixture.connect("web", "s0", "http");
        for i in 1..length {
            fixture = fixture.connect(&format!("s{}", i - 1), &format!("s{i}"), "grpc");
        }
        fixture.build()
    }

    #[test]
    fn passes_when_shallow() {
        assert!(run(&DeepSyncChain, &chain(3)).is_empty());
    }

    #[test]
    fn counts_calls_not_components() {
        // web and eight services: eight calls, at the limit.
        assert!(run(&DeepSyncChain, &chain(8)).is_empty());
        assert_eq!(run(&DeepSyncChain, &chain(9)).len(), 1);
    }

    #[test]
    fn a_cycle_on_the_way_does_not_hide_the_depth() {
        // Nine calls deep with s3 and s4 calling each other: the cycle is not collapsed away.
        let mut doc = chain(9);
        let back = Fixture::new()
            .component("s3", "service-go", &[])
            .component("s4", "service-go", &[])
            .connect("s4", "s3", "grpc")
            .build();
        doc.connections.extend(back.connections);
        let findings = run(&DeepSyncChain, &doc);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert!(
            findings[0].message.contains("chain of 9 synchronous calls"),
            "{}",
            findings[0].message
        );
    }

    #[test]
    fn fails_when_deep() {
        insta::assert_snapshot!(render(&run(&DeepSyncChain, &chain(9))));
    }
}
