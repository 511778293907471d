//! SCA006: a read-heavy path with no cache under a high peak.

use petgraph::Direction;

use crate::catalog::Trait;
use crate::model::PropertyValue;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// When the stated peak is at least `min_peak_rps` (a rule parameter, 5,000 by default),
    /// flags relational and document databases read by services that use no cache at all.
    ///
    /// ## Why it matters
    /// Databases scale reads expensively (replicas, bigger instances) and fail abruptly when
    /// connections run out. At high peaks a cache in front of hot reads is the cheapest
    /// capacity there is.
    ///
    /// ## Example
    /// A 20,000 requests/s design where `catalog -> catalog-db` reads every product page.
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
        let Some(peak) = cx.doc().meta.targets.peak_rps else {
            return;
        };
        if i64::try_from(peak).unwrap_or(i64::MAX) < cx.int_param("min_peak_rps", 5000) {
            return;
        }
        for db in cx
            .graph
            .of_kinds(|k| k.has(Trait::Relational) || k.has(Trait::DocumentStore))
        {
            if cx.int(db, "read_replicas").unwrap_or(0) > 0 {
                continue;
            }
            let readers: Vec<_> = cx
                .graph
                .connections(db, Direction::Incoming, Some("db_query"))
                .into_iter()
                .filter(|c| {
                    cx.graph
                        .connection_property(c, "access")
                        .and_then(PropertyValue::as_text)
                        != Some("write")
                })
                .filter(|c| {
                    cx.graph
                        .connections(c.from.as_str(), Direction::Outgoing, Some("cache_lookup"))
                        .is_empty()
                })
                .collect();
            let serving = readers
                .iter()
                .filter_map(|c| cx.doc().component(c.from.as_str()))
                .any(|s| !cx.has_trait(s, Trait::Consumer) && !cx.has_trait(s, Trait::Scheduled));
            if !serving {
                continue;
            }
            let mut targets = vec![db.id.as_str().to_owned()];
            targets.extend(readers.iter().map(|c| c.id.as_str().to_owned()));
            out.push(cx.finding(
                format!(
                    "{} serves reads at a {peak} requests/s peak with no cache and no read replica",
                    db.name
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

    fn doc(cached: bool) -> crate::model::Document {
        let mut fixture = Fixture::new()
            .component("api", "service-go", &[])
            .component("db", "postgresql", &[])
            .connect("api", "db", "db_query");
        if cached {
            fixture =
                fixture
                    .component("cache", "redis", &[])
                    .connect("api", "cache", "cache_lookup");
        }
        let mut doc = fixture.build();
        doc.meta.targets.peak_rps = Some(20_000);
        doc
    }

    #[test]
    fn passes_with_a_cache() {
        assert!(run(&UncachedReadPath, &doc(true)).is_empty());
    }

    #[test]
    fn fails_without() {
        insta::assert_snapshot!(render(&run(&UncachedReadPath, &doc(false))));
    }
}
