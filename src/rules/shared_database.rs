//! SCA002: one database written by several services.

use petgraph::Direction;

use crate::catalog::Trait;
use crate::model::{Component, GroupKind, PropertyValue};
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags datastores that more than one service writes to (`db_query` with `write` or
    /// `read_write` access), unless every writer belongs to the same bounded context (one
    /// team's service and its own jobs still give the data one owner).
    ///
    /// ## Why it matters
    /// A shared write path couples schemas, deployments and scaling: one team's migration breaks
    /// another's service, and the database becomes the bottleneck nobody owns.
    ///
    /// ## Example
    /// `api` and `worker` both writing `orders-db`.
    ///
    /// ## How to fix
    /// Give the data one owning service and let the others go through its API or its events.
    pub struct SharedDatabase;
    id: "SCA002",
    name: "shared-database-writes",
    category: Scalability,
    severity: Warning,
}

impl Rule for SharedDatabase {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for store in cx.graph.with_trait(Trait::Datastore) {
            let mut writers: Vec<&Component> = cx
                .graph
                .links(store, Direction::Incoming)
                .iter()
                .filter(|link| {
                    cx.graph.link_is(link, "db_query")
                        && cx
                            .graph
                            .link_property(link, "access")
                            .and_then(PropertyValue::as_text)
                            != Some("read")
                })
                .filter_map(|link| cx.graph.link_ends(link).map(|(from, _)| from))
                .collect();
            if writers.len() < 2 {
                continue;
            }
            cx.graph.sort_and_dedup(&mut writers);
            if writers.len() < 2 {
                continue;
            }
            // Writers of one bounded context are one team's code (a service and its own
            // batch job): the data still has one owner.
            let context =
                |c: &Component| cx.graph.zone(c, GroupKind::BoundedContext).map(|g| &g.id);
            if context(writers[0]).is_some()
                && writers.iter().all(|w| context(w) == context(writers[0]))
            {
                continue;
            }
            let names: Vec<&str> = writers.iter().map(|c| c.name.as_str()).collect();
            let mut targets = vec![store.id.as_str().to_owned()];
            targets.extend(writers.iter().map(|w| w.id.as_str().to_owned()));
            out.push(cx.finding(
                format!(
                    "{} is written by {} services: {}",
                    store.name,
                    writers.len(),
                    names.join(", ")
                ),
                targets,
                "give the data one owning service; others use its API or events",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    fn doc(second_access: &str) -> crate::model::Document {
        Fixture::new()
            .component("db", "postgresql", &[])
            .component("api", "service-go", &[])
            .component("reports", "service-python", &[])
            .connect("api", "db", "db_query")
            .connect_with("reports", "db", "db_query", |c| {
                c.properties.insert("access".into(), second_access.into());
            })
            .build()
    }

    #[test]
    fn passes_with_one_writer() {
        assert!(run(&SharedDatabase, &doc("read")).is_empty());
    }

    #[test]
    fn passes_with_writers_of_one_bounded_context() {
        let doc = Fixture::new()
            .group("billing", GroupKind::BoundedContext, None)
            .component("db", "postgresql", &[])
            .component("api", "service-go", &[])
            .component("nightly", "scheduled-job", &[])
            .in_group("api", "billing")
            .in_group("nightly", "billing")
            .connect("api", "db", "db_query")
            .connect("nightly", "db", "db_query")
            .build();
        assert!(run(&SharedDatabase, &doc).is_empty());
    }

    #[test]
    fn fails_with_two() {
        insta::assert_snapshot!(render(&run(&SharedDatabase, &doc("write"))));
    }
}
