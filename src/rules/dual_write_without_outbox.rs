//! REL016: a service writes to a database and publishes to a broker with no outbox.

use petgraph::Direction;

use crate::catalog::Trait;
use crate::model::{Component, Connection, PropertyValue};
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags a service that writes to a datastore (a `db_query` that is not `access: read`;
    /// caches do not count) and also publishes to a broker, where the publish is not marked
    /// `outbox: true` and the datastore does not feed that broker itself (change data
    /// capture: a connection from the store to the broker).
    ///
    /// ## Why it matters
    /// The database commit and the publish are two systems with no shared transaction. A
    /// crash, a timeout or a broker outage between them leaves an order with no
    /// `order.created` event, or an event for an order that was rolled back. Consumers then
    /// disagree with the source of truth for good, and nothing retries.
    ///
    /// ## Example
    /// `orders -> orders-db` (db_query, read_write) and `orders -> order-events` (publish).
    ///
    /// ## How to fix
    /// Write the event to an outbox table in the same transaction and relay it to the broker
    /// (then mark the publish `outbox: true`), or let change data capture publish from the
    /// database's log (draw the store feeding the broker).
    pub struct DualWriteWithoutOutbox;
    id: "REL016",
    name: "dual-write-without-outbox",
    category: Reliability,
    severity: Warning,
}

impl DualWriteWithoutOutbox {
    /// The datastores `service` writes to (source-of-truth stores, not caches).
    fn written_stores<'a>(cx: &RuleContext<'a>, service: &Component) -> Vec<&'a Component> {
        cx.graph
            .connections(service, Direction::Outgoing, Some("db_query"))
            .into_iter()
            .filter(|connection| {
                cx.graph
                    .connection_property(connection, "access")
                    .and_then(PropertyValue::as_text)
                    != Some("read")
            })
            .filter_map(|connection| cx.graph.endpoints(connection).map(|(_, store)| store))
            .filter(|store| {
                cx.has_trait(store, Trait::Datastore) && !cx.has_trait(store, Trait::Cache)
            })
            .collect()
    }

    /// The publishes of `service` that are neither relayed from an outbox nor fed by one of
    /// `stores` through change data capture.
    fn unsafe_publishes<'a>(
        cx: &RuleContext<'a>,
        service: &Component,
        stores: &[&'a Component],
    ) -> Vec<(&'a Connection, &'a Component)> {
        cx.graph
            .connections(service, Direction::Outgoing, Some("publish"))
            .into_iter()
            .filter(|connection| {
                cx.graph
                    .connection_property(connection, "outbox")
                    .and_then(PropertyValue::as_bool)
                    != Some(true)
            })
            .filter_map(|connection| {
                cx.graph
                    .endpoints(connection)
                    .map(|(_, broker)| (connection, broker))
            })
            .filter(|(_, broker)| {
                !stores.iter().any(|store| {
                    cx.graph
                        .any_neighbour(*store, Direction::Outgoing, None, |n| n.id == broker.id)
                })
            })
            .collect()
    }
}

impl Rule for DualWriteWithoutOutbox {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for service in cx.graph.with_trait(Trait::Compute) {
            let stores = Self::written_stores(cx, service);
            if stores.is_empty() {
                continue;
            }
            let publishes = Self::unsafe_publishes(cx, service, &stores);
            if publishes.is_empty() {
                continue;
            }
            let mut store_names: Vec<&str> = stores.iter().map(|s| s.name.as_str()).collect();
            store_names.dedup();
            let mut broker_names: Vec<&str> =
                publishes.iter().map(|(_, b)| b.name.as_str()).collect();
            broker_names.dedup();
            out.push(cx.finding(
                format!(
                    "{} writes to {} and publishes to {} in separate transactions: a failure between the two leaves the events disagreeing with the database",
                    service.name,
                    store_names.join(", "),
                    broker_names.join(", ")
                ),
                publishes
                    .iter()
                    .map(|(connection, _)| connection.id.as_str().to_owned())
                    .collect(),
                "publish through a transactional outbox (then set outbox: true) or by change data capture from the database",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    fn fixture() -> Fixture {
        Fixture::new()
            .component("orders", "service-java", &[])
            .component("db", "postgresql", &[])
            .component("cache", "redis", &[])
            .component("events", "kafka", &[])
            .connect("orders", "db", "db_query")
            .connect("orders", "cache", "cache_lookup")
    }

    #[test]
    fn fails_on_a_database_write_and_a_publish() {
        let doc = fixture().connect("orders", "events", "publish").build();
        insta::assert_snapshot!(render(&run(&DualWriteWithoutOutbox, &doc)));
    }

    #[test]
    fn passes_with_an_outbox_or_change_data_capture() {
        let outbox = fixture()
            .connect_with("orders", "events", "publish", |c| {
                c.properties.insert("outbox".into(), true.into());
            })
            .build();
        assert!(run(&DualWriteWithoutOutbox, &outbox).is_empty());
        let cdc = fixture()
            .connect("orders", "events", "publish")
            .connect("db", "events", "replication")
            .build();
        assert!(run(&DualWriteWithoutOutbox, &cdc).is_empty());
    }

    #[test]
    fn passes_when_it_only_reads_the_database() {
        let doc = Fixture::new()
            .component("orders", "service-java", &[])
            .component("db", "postgresql", &[])
            .component("events", "kafka", &[])
            .connect_with("orders", "db", "db_query", |c| {
                c.properties.insert("access".into(), "read".into());
            })
            .connect("orders", "events", "publish")
            .build();
        assert!(run(&DualWriteWithoutOutbox, &doc).is_empty());
    }
}
