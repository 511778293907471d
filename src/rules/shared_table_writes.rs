//! MNT007: one table written by queries of two or more services.

use std::collections::BTreeMap;

use crate::model::Component;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags each entity that the queries of more than one component write (`write: true`),
    /// naming the writers.
    ///
    /// ## Why it matters
    /// A table written from two codebases has its invariants in two places: a change in one
    /// service's writes breaks the other's reads, and a migration needs both teams at once.
    /// It is the precise form of a shared database (SCA002): two services may share a
    /// database and still own separate tables.
    ///
    /// ## Example
    /// The checkout service and the order service both write `orders`.
    ///
    /// ## How to fix
    /// Let one service own the table and have the others call it or publish events it
    /// applies.
    pub struct SharedTableWrites;
    id: "MNT007",
    name: "shared-table-writes",
    category: Maintainability,
    severity: Warning,
}

impl Rule for SharedTableWrites {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let doc = cx.graph.document();
        // (store, entity) -> writers, in connection id order.
        let mut writers: BTreeMap<(&str, &str), Vec<&Component>> = BTreeMap::new();
        for connection in doc.connections() {
            let Some(caller) = doc.component(connection.from.as_str()) else {
                continue;
            };
            for query in connection.queries.iter().filter(|q| q.write) {
                let list = writers
                    .entry((connection.to.as_str(), query.entity.as_str()))
                    .or_default();
                if !list.iter().any(|c| c.id == caller.id) {
                    list.push(caller);
                }
            }
        }
        for ((store_id, entity), list) in writers {
            if list.len() < 2 {
                continue;
            }
            let Some(store) = doc.component(store_id) else {
                continue;
            };
            let names: Vec<&str> = list.iter().map(|c| c.name.as_str()).collect();
            let mut targets = vec![store.id.to_string()];
            targets.extend(list.iter().map(|c| c.id.to_string()));
            out.push(cx.finding(
                format!(
                    "{entity} on {} is written by {} components: {}",
                    store.name,
                    list.len(),
                    names.join(", ")
                ),
                targets,
                "give the table one owning service; the others call it or publish events it applies",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FieldType, Query};
    use crate::rules::fixture::{Fixture, render, run};

    fn write(entity: &str) -> Query {
        Query {
            entity: entity.into(),
            by: Vec::new(),
            range: None,
            write: true,
        }
    }

    fn doc(second: &str) -> crate::model::Document {
        let second = second.to_owned();
        let tables = ["orders", "reports"]
            .map(|name| Fixture::entity(name, &[("id", FieldType::Uuid)]))
            .to_vec();
        Fixture::new()
            .component("db", "postgresql", &[])
            .component("api", "service-go", &[])
            .component("jobs", "service-python", &[])
            .entities("db", tables)
            .connect_with("api", "db", "db_query", |c| c.queries.push(write("orders")))
            .connect_with("jobs", "db", "db_query", move |c| {
                c.queries.push(write(&second));
            })
            .build()
    }

    #[test]
    fn passes_when_each_table_has_one_writer() {
        assert!(run(&SharedTableWrites, &doc("reports")).is_empty());
    }

    #[test]
    fn fails_when_two_services_write_one_table() {
        insta::assert_snapshot!(render(&run(&SharedTableWrites, &doc("orders"))));
    }
}
