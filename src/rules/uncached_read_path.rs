//! SCA006: a read-heavy path with no cache under a high peak.

use petgraph::Direction;

use crate::catalog::Trait;
use crate::load::{Basis, Figure};
use crate::model::{Connection, PropertyValue};
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags relational and document databases with no read replica whose uncached reads
    /// from request-serving services add up to at least `min_peak_rps` (a rule parameter,
    /// 5,000 by default). The load is what those read flows carry at peak: their own
    /// `peak_rps`, or the load propagated to them from the entry points (see
    /// `archsmith::load`), which the message marks as an estimate. Each store is judged by its
    /// own flows, and a store whose reads carry no known load is not judged.
    ///
    /// ## Why it matters
    /// Databases scale reads expensively (replicas, bigger instances) and fail abruptly when
    /// connections run out. At high peaks a cache in front of hot reads is the cheapest
    /// capacity there is.
    ///
    /// ## Example
    /// `catalog -> catalog-db` (db_query, `peak_rps: 20000`) reads every product page.
    ///
    /// ## How to fix
    /// Cache hot reads (cache-aside with Redis or Memcached) or add read replicas.
    pub struct UncachedReadPath;
    id: "SCA006",
    name: "uncached-read-path",
    category: Scalability,
    severity: Info,
}

impl Rule for UncachedReadPath {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let threshold = cx.int_param("min_peak_rps", 5000).max(1) as f64;
        let loads = cx.graph.loads();
        let reads = |c: &Connection| {
            cx.graph
                .connection_property(c, "access")
                .and_then(PropertyValue::as_text)
                != Some("write")
        };
        for db in cx
            .graph
            .of_kinds(|k| k.has(Trait::Relational) || k.has(Trait::DocumentStore))
        {
            if cx.int(db, "read_replicas").unwrap_or(0) > 0 {
                continue;
            }
            // Most stores carry no known load: they are done with after one lookup.
            if loads
                .component(cx.graph, db)
                .is_none_or(|load| load.rps < threshold)
            {
                continue;
            }
            let readers: Vec<(&Connection, Figure)> = cx
                .graph
                .connections(db, Direction::Incoming, Some("db_query"))
                .into_iter()
                .filter(|c| reads(c))
                .filter(|c| {
                    cx.graph
                        .connections(c.from.as_str(), Direction::Outgoing, Some("cache_lookup"))
                        .is_empty()
                })
                .filter(|c| {
                    cx.doc().component(c.from.as_str()).is_some_and(|s| {
                        !cx.has_trait(s, Trait::Consumer) && !cx.has_trait(s, Trait::Scheduled)
                    })
                })
                .filter_map(|c| loads.connection(cx.graph, c).map(|load| (c, load)))
                .collect();
            // The database's own read load: what its uncached readers' flows carry. The
            // system's peak says nothing about one store (a ledger sees a fraction of it).
            let load: f64 = readers.iter().map(|(_, figure)| figure.rps).sum();
            if load < threshold {
                continue;
            }
            let derived = readers.iter().any(|(_, f)| f.basis == Basis::Derived);
            let total = Figure {
                rps: load,
                basis: if derived {
                    Basis::Derived
                } else {
                    Basis::Stated
                },
            };
            let mut targets = vec![db.id.as_str().to_owned()];
            targets.extend(readers.iter().map(|(c, _)| c.id.as_str().to_owned()));
            out.push(cx.finding(
                format!(
                    "{} takes {}{} reads/s at peak from {}, with no cache in front and no read replica{}",
                    db.name,
                    if derived { "about " } else { "" },
                    total.rounded(),
                    super::counted(i64::try_from(readers.len()).unwrap_or(i64::MAX), "reader"),
                    if derived {
                        " (propagated from the entry points' peak; state the flows' peak_rps or share_pct to refine it)"
                    } else {
                        ""
                    }
                ),
                targets,
                "cache hot reads (cache-aside) or add read replicas",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    fn doc(cached: bool, read_rps: i64) -> crate::model::Document {
        let mut fixture = Fixture::new()
            .component("api", "service-go", &[])
            .component("db", "postgresql", &[])
            .connect_with("api", "db", "db_query", |c| {
                c.properties.insert("peak_rps".into(), read_rps.into());
            });
        if cached {
            fixture =
                fixture
                    .component("cache", "redis", &[])
                    .connect("api", "cache", "cache_lookup");
        }
        let mut doc = fixture.build();
        doc.meta.targets.peak_rps = Some(150_000);
        doc
    }

    #[test]
    fn passes_with_a_cache() {
        assert!(run(&UncachedReadPath, &doc(true, 20_000)).is_empty());
    }

    #[test]
    fn a_store_is_judged_by_its_own_reads_not_the_systems_peak() {
        assert!(
            run(&UncachedReadPath, &doc(false, 300)).is_empty(),
            "a ledger read 300 times a second"
        );
        assert!(
            run(&UncachedReadPath, &doc(false, 0)).is_empty(),
            "no figure, no verdict"
        );
    }

    #[test]
    fn fails_without() {
        insta::assert_snapshot!(render(&run(&UncachedReadPath, &doc(false, 20_000))));
    }
}
