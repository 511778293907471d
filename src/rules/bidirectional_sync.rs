//! MNT004: two services that call each other synchronously.

use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags pairs of components with synchronous calls in both directions.
    ///
    /// ## Why it matters
    /// A two-way dependency makes two services one deployable in disguise: neither can change
    /// its API, release or fail on its own. (Longer cycles are REL002's.)
    ///
    /// ## Example
    /// `orders -> customers` for addresses and `customers -> orders` for order history.
    ///
    /// ## How to fix
    /// Pick the owner of each piece of data and let the other side learn it through events or a
    /// read model.
    pub struct BidirectionalSync;
    id: "MNT004",
    name: "bidirectional-sync-dependency",
    category: Maintainability,
    severity: Error,
}

impl Rule for BidirectionalSync {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let doc = cx.doc();
        for (a, b) in cx.graph.mutual_sync_pairs() {
            let name = |id: &str| {
                doc.component(id)
                    .map_or(id.to_owned(), |c| format!("{} ({id})", c.name))
            };
            out.push(cx.finding(
                format!("{} and {} call each other synchronously", name(a), name(b)),
                vec![a.to_owned(), b.to_owned()],
                "give each piece of data one owner; share it through events or a read model",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    #[test]
    fn passes_one_way() {
        let doc = Fixture::new()
            .component("a", "service-go", &[])
            .component("b", "service-go", &[])
            .connect("a", "b", "http")
            .build();
        assert!(run(&BidirectionalSync, &doc).is_empty());
    }

    #[test]
    fn fails_both_ways() {
        let doc = Fixture::new()
            .component("a", "service-go", &[])
            .component("b", "service-go", &[])
            .connect("a", "b", "http")
            .connect("b", "a", "grpc")
            .build();
        insta::assert_snapshot!(render(&run(&BidirectionalSync, &doc)));
    }
}
