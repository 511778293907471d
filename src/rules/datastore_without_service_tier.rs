//! SEC007: a datastore reachable from outside without a service in between.

use std::collections::{BTreeSet, VecDeque};

use petgraph::Direction;

use crate::catalog::{ConnectionStyle, Trait};
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Walks from every client, external system and public entry through edge components
    /// (gateways, load balancers, proxies) and flags datastores reached before any service.
    /// Object storage served as a CDN origin is the usual static-site pattern and is allowed.
    ///
    /// ## Why it matters
    /// Without a service tier there is nowhere to validate input, authorise access or limit what
    /// a caller can read: the datastore's own access control is the only defence.
    ///
    /// ## Example
    /// `partner (external) -> search (Elasticsearch)` over its query API.
    ///
    /// ## How to fix
    /// Put a service in front of the datastore that exposes only the operations callers need.
    pub struct DatastoreWithoutServiceTier;
    id: "SEC007",
    name: "datastore-without-service-tier",
    category: Security,
    severity: Error,
}

impl Rule for DatastoreWithoutServiceTier {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let mut reported = BTreeSet::new();
        for entry in cx.graph.entry_points() {
            let mut queue = VecDeque::from([entry.id.as_str()]);
            let mut seen = BTreeSet::from([entry.id.as_str()]);
            while let Some(id) = queue.pop_front() {
                for connection in cx.graph.connections(id, Direction::Outgoing, None) {
                    if cx.graph.style(connection) == Some(ConnectionStyle::Telemetry)
                        || connection.kind.as_str() == "cdn_origin"
                    {
                        continue;
                    }
                    let Some(next) = cx.doc().component(connection.to.as_str()) else {
                        continue;
                    };
                    if cx.has_trait(next, Trait::Datastore) {
                        if reported.insert(next.id.as_str()) {
                            out.push(cx.finding(
                                format!("{} is reachable from {} with no service in between", next.name, entry.name),
                                vec![next.id.as_str().to_owned(), connection.id.as_str().to_owned()],
                                "put a service in front that exposes only the operations callers need",
                            ));
                        }
                        continue;
                    }
                    let passes_through =
                        cx.has_trait(next, Trait::Edge) && !cx.has_trait(next, Trait::Compute);
                    if passes_through && seen.insert(next.id.as_str()) {
                        queue.push_back(next.id.as_str());
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    #[test]
    fn passes_behind_a_service() {
        let doc = Fixture::new()
            .component("partner", "external-system", &[])
            .component("api", "service-go", &[])
            .component("search", "elasticsearch", &[])
            .connect("partner", "api", "http")
            .connect("api", "search", "db_query")
            .build();
        assert!(run(&DatastoreWithoutServiceTier, &doc).is_empty());
    }

    #[test]
    fn fails_when_a_gateway_queries_a_table_directly() {
        let doc = Fixture::new()
            .component("partner", "external-system", &[])
            .component("gw", "api-gateway", &[])
            .component("users", "dynamodb", &[])
            .component("cdn", "cdn", &[])
            .component("assets", "object-storage", &[])
            .connect("partner", "gw", "http")
            .connect("gw", "users", "db_query")
            .connect("cdn", "assets", "cdn_origin")
            .build();
        insta::assert_snapshot!(render(&run(&DatastoreWithoutServiceTier, &doc)));
    }
}
