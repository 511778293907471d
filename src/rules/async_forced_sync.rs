//! COR001: a messaging connection marked synchronous.

use crate::catalog::ConnectionStyle;
use crate::edit::{ConnectionField, EditOp};
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags publish, consume, replication and alert connections whose `sync` override makes
    /// them synchronous.
    ///
    /// ## Why it matters
    /// Going through a broker is the point of these connections: callers do not wait. Marking
    /// one synchronous usually hides a request/reply over a queue, which has the latency of a
    /// queue and the coupling of a call, and it distorts every chain and cycle analysis.
    ///
    /// ## Example
    /// `orders -> events` (publish) with `sync: true`.
    ///
    /// ## How to fix
    /// Remove the override (the quick fix does), or model the call as HTTP/gRPC if it is one.
    pub struct AsyncForcedSync;
    id: "COR001",
    name: "async-connection-marked-sync",
    category: Correctness,
    severity: Warning,
}

impl Rule for AsyncForcedSync {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for connection in cx.graph.connections_where(|link| {
            link.sync_override() == Some(true) && link.style() == Some(ConnectionStyle::Async)
        }) {
            let mut finding = cx.finding(
                format!(
                    "the {} connection {} is marked synchronous",
                    connection.kind, connection.id
                ),
                vec![connection.id.as_str().to_owned()],
                "remove the sync override, or model the call as HTTP or gRPC",
            );
            finding.quick_fix = Some(vec![EditOp::SetConnectionField {
                id: connection.id.clone(),
                field: ConnectionField::Sync(None),
            }]);
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, assert_quick_fixes_resolve, render, run};

    fn doc(sync: Option<bool>) -> crate::model::Document {
        Fixture::new()
            .component("orders", "service-go", &[])
            .component("events", "kafka", &[])
            .connect_with("orders", "events", "publish", |c| c.sync = sync)
            .build()
    }

    #[test]
    fn passes_without_override() {
        assert!(run(&AsyncForcedSync, &doc(None)).is_empty());
    }

    #[test]
    fn fails_when_forced() {
        insta::assert_snapshot!(render(&run(&AsyncForcedSync, &doc(Some(true)))));
        assert_quick_fixes_resolve(&AsyncForcedSync, &doc(Some(true)));
    }
}
