//! PERF004: a query the model states that no key or index of its entity serves.

use crate::model::{Component, Entity};
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// For each read query on a database connection (`queries: [(entity: "orders", by:
    /// ["customer_id"], range: "created_at")]`), looks for the primary key or an index of
    /// that entity whose leading fields are the query's `by` fields (in any order) followed
    /// by its `range` field, and flags the query when there is none.
    ///
    /// ## Why it matters
    /// A query no index serves reads the whole table: fast on a test database, a full scan
    /// per request at production size, and the first thing to saturate the store.
    ///
    /// ## Example
    /// The order service lists `orders` by `customer_id`, newest first, and `orders` has
    /// only its primary key `id`.
    ///
    /// ## How to fix
    /// Add an index on the `by` fields followed by the `range` field (`indexes: [(fields:
    /// ["customer_id", "created_at"])]`), or change the query to one an index serves.
    pub struct QueryWithoutIndex;
    id: "PERF004",
    name: "query-without-index",
    category: Performance,
    severity: Warning,
}

impl Rule for QueryWithoutIndex {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let doc = cx.graph.document();
        for connection in doc.connections().iter().filter(|c| !c.queries.is_empty()) {
            let (Some(caller), Some(store)) = (
                doc.component(connection.from.as_str()),
                doc.component(connection.to.as_str()),
            ) else {
                continue;
            };
            for query in connection.queries.iter().filter(|q| !q.write) {
                let Some(entity) = entity(store, &query.entity) else {
                    continue;
                };
                if entity.orders().any(|order| query.served_by(order)) {
                    continue;
                }
                let mut wanted = query.by.clone();
                wanted.extend(query.range.iter().cloned());
                out.push(cx.finding(
                    format!(
                        "{} reads {} on {}, and no key or index of {} serves it",
                        caller.name,
                        query.describe(),
                        store.name,
                        entity.name
                    ),
                    vec![connection.id.to_string(), store.id.to_string()],
                    format!("index {} on ({})", entity.name, wanted.join(", ")),
                ));
            }
        }
    }
}

fn entity<'a>(store: &'a Component, name: &str) -> Option<&'a Entity> {
    store.entities.iter().find(|e| e.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FieldType, Index, Query};
    use crate::rules::fixture::{Fixture, render, run};

    fn doc(indexes: Vec<Index>) -> crate::model::Document {
        let mut orders = Fixture::entity(
            "orders",
            &[
                ("id", FieldType::Uuid),
                ("customer_id", FieldType::Uuid),
                ("created_at", FieldType::Timestamp),
            ],
        );
        orders.indexes = indexes;
        Fixture::new()
            .component("db", "postgresql", &[])
            .component("api", "service-go", &[])
            .entities("db", vec![orders])
            .connect_with("api", "db", "db_query", |c| {
                c.queries.push(Query {
                    entity: "orders".into(),
                    by: vec!["customer_id".into()],
                    range: Some("created_at".into()),
                    write: false,
                });
                c.queries.push(Query {
                    entity: "orders".into(),
                    by: vec!["id".into()],
                    range: None,
                    write: false,
                });
            })
            .build()
    }

    #[test]
    fn passes_when_an_index_leads_with_the_fields() {
        let index = Index {
            fields: vec!["customer_id".into(), "created_at".into()],
            unique: false,
        };
        assert!(run(&QueryWithoutIndex, &doc(vec![index])).is_empty());
    }

    #[test]
    fn fails_when_only_the_key_exists() {
        insta::assert_snapshot!(render(&run(&QueryWithoutIndex, &doc(Vec::new()))));
    }
}
