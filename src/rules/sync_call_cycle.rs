//! REL002: services calling each other synchronously in a cycle.

use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Finds cycles in the graph of synchronous calls (HTTP, gRPC, GraphQL, queries): A calls B
    /// which, directly or through others, calls A.
    ///
    /// ## Why it matters
    /// A sync cycle couples the services' availability and latency: a slow member slows all of
    /// them, retries amplify around the loop, and none can be deployed or scaled alone.
    ///
    /// ## Example
    /// `orders -> pricing -> promotions -> orders`. (A pair calling each other is MNT004.)
    ///
    /// ## How to fix
    /// Break the cycle: move the shared logic into one service, or make one direction
    /// asynchronous with events.
    pub struct SyncCallCycle;
    id: "REL002",
    name: "sync-call-cycle",
    category: Reliability,
    severity: Error,
}

impl Rule for SyncCallCycle {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        // Two services calling each other are MNT004's; this rule reports longer loops.
        for cycle in cx.graph.sync_cycles().into_iter().filter(|c| c.len() > 2) {
            let names: Vec<String> = cycle
                .iter()
                .filter_map(|id| cx.doc().component(id))
                .map(|c| format!("{} ({})", c.name, c.id))
                .collect();
            out.push(cx.finding(
                format!("synchronous call cycle between {}", names.join(", ")),
                cycle.iter().map(|id| (*id).to_owned()).collect(),
                "merge the shared logic or make one direction asynchronous",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    fn with_back_edge(back: &str) -> crate::model::Document {
        Fixture::new()
            .component("a", "service-go", &[])
            .component("b", "service-java", &[])
            .component("q", "kafka", &[])
            .connect("a", "b", "grpc")
            .connect("b", "q", "publish")
            .connect("a", "q", back)
            .build()
    }

    #[test]
    fn passes_when_one_way_is_async() {
        let doc = Fixture::new()
            .component("a", "service-go", &[])
            .component("b", "service-java", &[])
            .connect("a", "b", "grpc")
            .build();
        assert!(run(&SyncCallCycle, &doc).is_empty());
        assert!(run(&SyncCallCycle, &with_back_edge("consume")).is_empty());
    }

    #[test]
    fn fails_on_a_cycle() {
        let doc = Fixture::new()
            .component("a", "service-go", &[])
            .component("b", "service-java", &[])
            .component("c", "service-python", &[])
            .connect("a", "b", "grpc")
            .connect("b", "c", "http")
            .connect("c", "a", "http")
            .build();
        insta::assert_snapshot!(render(&run(&SyncCallCycle, &doc)));
    }
}
