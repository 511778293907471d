//! SCA005: a cache whose users have no store behind it.

use petgraph::Direction;

use crate::catalog::{ComponentKind, Trait};
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags caches (Memcached, Redis without persistence) none of whose clients reads a
    /// datastore or calls another service: the cache is the only copy of the data. State that
    /// every client writes with a TTL of at most `ephemeral_ttl_s` (a rule parameter, 300 by
    /// default) is short-lived by design (presence, counters) and passes.
    ///
    /// ## Why it matters
    /// Caches evict, restart and fail over empty. Data that lives only in a cache is lost at the
    /// first eviction, and a cache miss has nowhere to go.
    ///
    /// ## Example
    /// `carts -> cache` (cache lookup) and nothing else behind `carts`.
    ///
    /// ## How to fix
    /// Back the cache with a durable store, or make the cache itself durable (Redis with
    /// persistence and replicas) and model it as the store.
    pub struct CacheWithoutBackingStore;
    id: "SCA005",
    name: "cache-without-backing-store",
    category: Scalability,
    severity: Warning,
}

impl Rule for CacheWithoutBackingStore {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        if !cx.any_with(Trait::Cache) {
            return;
        }
        let refills = |kind: &ComponentKind| {
            [Trait::Datastore, Trait::Compute, Trait::External]
                .iter()
                .any(|t| kind.has(*t))
        };
        // What each component could refill a cache from: the stores, services and external
        // systems behind it.
        let sources = cx
            .graph
            .count_neighbours_of_kinds(Direction::Outgoing, refills);
        for cache in cx.graph.with_trait(Trait::Cache) {
            // A persistent, replicated Redis is a store in its own right.
            if cx.text(cache, "persistence").is_some_and(|p| p != "none") {
                continue;
            }
            // Short-lived state (presence, rate-limit counters, one-time codes) that every
            // client writes with a TTL of minutes is meant to live only there: its producers
            // renew it, and losing it costs one renewal.
            let ephemeral_ttl = cx.int_param("ephemeral_ttl_s", 300);
            let lookups = cx
                .graph
                .connections(cache, Direction::Incoming, Some("cache_lookup"));
            let expires_soon = |c: &&crate::model::Connection| {
                cx.graph
                    .connection_property(c, "ttl_s")
                    .and_then(crate::model::PropertyValue::as_int)
                    .is_some_and(|ttl| ttl > 0 && ttl <= ephemeral_ttl)
            };
            if !lookups.is_empty() && lookups.iter().all(expires_soon) {
                continue;
            }
            let clients = cx
                .graph
                .neighbours(cache, Direction::Incoming, Some("cache_lookup"));
            let orphaned: Vec<_> = clients
                .iter()
                // A client always reaches the cache itself; it counts only if it could refill.
                .filter(|client| {
                    let cache_refills = cx.graph.kind(cache).is_some_and(refills);
                    sources.of(cx.graph, client) <= usize::from(cache_refills)
                })
                .collect();
            // One client with a store behind it fills the cache for all of them.
            if orphaned.is_empty() || orphaned.len() < clients.len() {
                continue;
            }
            let mut targets = vec![cache.id.as_str().to_owned()];
            targets.extend(orphaned.iter().map(|c| c.id.as_str().to_owned()));
            let names: Vec<&str> = orphaned.iter().map(|c| c.name.as_str()).collect();
            out.push(cx.finding(
                format!(
                    "{} is the only copy of what {} keeps in it",
                    cache.name,
                    names.join(", ")
                ),
                targets,
                "back the cache with a durable store, or enable persistence and replicas",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    #[test]
    fn passes_with_a_store_behind() {
        let doc = Fixture::new()
            .component("api", "service-go", &[])
            .component("cache", "memcached", &[])
            .component("db", "postgresql", &[])
            .connect("api", "cache", "cache_lookup")
            .connect("api", "db", "db_query")
            .build();
        assert!(run(&CacheWithoutBackingStore, &doc).is_empty());
    }

    #[test]
    fn short_lived_state_may_live_only_in_a_cache() {
        let ttl = |seconds: i64| {
            move |c: &mut crate::model::Connection| {
                c.properties.insert("ttl_s".into(), seconds.into());
            }
        };
        let presence = |seconds| {
            Fixture::new()
                .component("presence", "service-go", &[])
                .component("cache", "memcached", &[])
                .connect_with("presence", "cache", "cache_lookup", ttl(seconds))
                .build()
        };
        assert!(
            run(&CacheWithoutBackingStore, &presence(90)).is_empty(),
            "heartbeats renew it"
        );
        assert_eq!(
            run(&CacheWithoutBackingStore, &presence(86_400)).len(),
            1,
            "a day of carts"
        );
    }

    #[test]
    fn fails_without() {
        let doc = Fixture::new()
            .component("carts", "service-go", &[])
            .component("cache", "memcached", &[])
            .connect("carts", "cache", "cache_lookup")
            .build();
        insta::assert_snapshot!(render(&run(&CacheWithoutBackingStore, &doc)));
    }
}
