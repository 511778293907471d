//! SCA007: a component cannot carry its load at the model's peak.

use crate::catalog::Trait;
use crate::edit::EditOp;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};
use crate::text::thousands;

declare_rule! {
    /// ## What it does
    /// Runs the capacity analysis (`archsmith analyze --only capacity`): the load on each
    /// component at peak, stated or propagated from the entry points along the connections,
    /// against what its instances serve: a per-instance figure by kind and `instance_size`
    /// (or the model's `capacity_rps`) times the most instances it runs (its autoscaling
    /// maximum, else its replicas and read replicas; a consumer of a partitioned log no more
    /// instances than its partitions). Flags every component whose load is above its
    /// capacity at the stated peak, and every database whose callers' connection pools
    /// (`pool_size` times their most instances) exceed the connections it accepts.
    ///
    /// ## Why it matters
    /// A component past its capacity at peak queues requests until timeouts fire, and the
    /// retries make it worse: the design fails on its busiest day by construction.
    ///
    /// ## Example
    /// A gateway taking 1,000,000 requests/s at peak in front of a Python service with two
    /// small replicas (about 80 requests/s each).
    ///
    /// ## How to fix
    /// Give it the instances the analysis says it needs at 70% utilisation (the quick fix
    /// raises the autoscaling maximum, or the replicas of a service), a larger
    /// `instance_size`, read replicas or a cache for a database, or partitions for a broker.
    pub struct CapacityShortAtPeak;
    id: "SCA007",
    name: "capacity-short-at-peak",
    category: Scalability,
    severity: Warning,
}

impl Rule for CapacityShortAtPeak {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let report = cx.graph.analysis();
        for figure in report
            .capacity
            .components
            .iter()
            .filter(|figure| figure.headroom < 1.0)
        {
            let Some(component) = cx.doc().component(&figure.component) else {
                continue;
            };
            let mut finding = cx.finding(
                format!(
                    "{} takes about {} requests/s at peak ({}), but {} × {} instances serve about {}: it needs {} instances at 70% utilisation",
                    component.name,
                    thousands(figure.load_rps.round() as i64),
                    figure.load_basis,
                    figure.instances,
                    figure.instance_size,
                    thousands(figure.capacity_rps.round() as i64),
                    figure.instances_needed
                ),
                vec![figure.component.clone()],
                "give it the instances it needs, a larger instance size, or (for a store) read replicas or a cache",
            );
            let needed = figure.instances_needed.min(10_000);
            finding.quick_fix = if cx.flag(component, "autoscaling") {
                Some(vec![EditOp::set_property(
                    &component.id,
                    "autoscaling_max",
                    needed,
                )])
            } else if cx.has_trait(component, Trait::Compute) {
                Some(vec![EditOp::set_property(
                    &component.id,
                    "replicas",
                    needed,
                )])
            } else {
                None
            };
            out.push(finding);
        }
        for pool in report.capacity.pools_exhausted() {
            let Some(store) = cx.doc().component(&pool.datastore) else {
                continue;
            };
            let callers: Vec<String> = pool
                .callers
                .iter()
                .filter_map(|(id, size, instances)| {
                    let caller = cx.doc().component(id)?;
                    Some(format!("{} ({size} × {instances})", caller.name))
                })
                .collect();
            out.push(cx.finding(
                format!(
                    "the connection pools into {} may open {} connections at their most instances, but it accepts about {}: {}",
                    store.name,
                    thousands(pool.connections),
                    thousands(pool.limit),
                    callers.join(", ")
                ),
                vec![pool.datastore.clone()],
                "shrink the pools, put a connection pooler (PgBouncer, RDS Proxy) in front, or size the database up",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    fn doc(peak: i64) -> crate::model::Document {
        Fixture::new()
            .component("gateway", "api-gateway", &[("peak_rps", peak.into())])
            .component("api", "service-python", &[("replicas", 2_i64.into())])
            .connect("gateway", "api", "http")
            .build()
    }

    #[test]
    fn passes_with_headroom() {
        assert!(run(&CapacityShortAtPeak, &doc(100)).is_empty());
    }

    #[test]
    fn names_the_instances_needed_and_offers_them() {
        let findings = run(&CapacityShortAtPeak, &doc(1000));
        // 1,000 requests/s over 80 per small Python instance at 70%: 18 instances.
        assert_eq!(
            findings[0].quick_fix,
            Some(vec![EditOp::set_property(
                &crate::model::ComponentId::new("api").expect("id"),
                "replicas",
                18_i64
            )])
        );
        insta::assert_snapshot!(render(&findings));
    }

    #[test]
    fn pools_that_outgrow_the_database_are_named_with_their_callers() {
        // 40 instances with pools of 20 may open 800 connections; a small PostgreSQL
        // accepts about 400.
        let doc = Fixture::new()
            .component(
                "api",
                "service-go",
                &[
                    ("autoscaling", true.into()),
                    ("autoscaling_max", 40_i64.into()),
                ],
            )
            .component("db", "postgresql", &[])
            .connect_with("api", "db", "db_query", |c| {
                c.properties.insert("pool_size".into(), 20_i64.into());
            })
            .build();
        let findings = run(&CapacityShortAtPeak, &doc);
        assert_eq!(findings.len(), 1);
        assert!(
            findings[0].message.contains("800 connections"),
            "{}",
            findings[0].message
        );
    }
}
