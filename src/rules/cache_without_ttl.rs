//! PERF002: cache-aside entries that never expire.

use crate::edit::EditOp;
use crate::model::PropertyValue;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags cache-aside lookups (`cache_lookup` with the `cache_aside` pattern) whose `ttl_s`
    /// is zero.
    ///
    /// ## Why it matters
    /// With cache-aside, the application fills the cache and nothing invalidates it but time.
    /// Without a TTL, stale entries live until eviction, and memory fills with keys nobody reads.
    ///
    /// ## Example
    /// `catalog -> redis` (cache lookup, cache-aside) with no TTL.
    ///
    /// ## How to fix
    /// Set a TTL that matches how stale the data may be (the quick fix sets five minutes).
    pub struct CacheWithoutTtl;
    id: "PERF002",
    name: "cache-without-ttl",
    category: Performance,
    severity: Info,
}

impl Rule for CacheWithoutTtl {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for connection in cx.graph.connections_of_kind("cache_lookup") {
            let property = |name| cx.graph.connection_property(connection, name);
            let pattern = property("pattern").and_then(PropertyValue::as_text);
            let ttl = property("ttl_s")
                .and_then(PropertyValue::as_int)
                .unwrap_or(0);
            if pattern != Some("cache_aside") || ttl > 0 {
                continue;
            }
            let mut finding = cx.finding(
                format!(
                    "{} → {} caches without a TTL",
                    connection.from, connection.to
                ),
                vec![connection.id.as_str().to_owned()],
                "set ttl_s to how stale the data may be",
            );
            finding.quick_fix = Some(vec![EditOp::set_connection_property(
                &connection.id,
                "ttl_s",
                300,
            )]);
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, assert_quick_fixes_resolve, render, run};

    fn doc(ttl: i64) -> crate::model::Document {
        Fixture::new()
            .component("api", "service-go", &[])
            .component("cache", "redis", &[])
            .connect_with("api", "cache", "cache_lookup", |c| {
                c.properties.insert("ttl_s".into(), ttl.into());
            })
            .build()
    }

    #[test]
    fn passes_with_a_ttl() {
        assert!(run(&CacheWithoutTtl, &doc(60)).is_empty());
    }

    #[test]
    fn fails_without() {
        insta::assert_snapshot!(render(&run(&CacheWithoutTtl, &doc(0))));
        assert_quick_fixes_resolve(&CacheWithoutTtl, &doc(0));
    }
}
