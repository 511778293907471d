//! REL017: a standby region lacks counterparts of what the primary's requests depend on.

use crate::analysis::recovery::standby_gaps;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta, counted};

declare_rule! {
    /// ## What it does
    /// A region is a standby of another when a store in it replicates from a store in the
    /// other (a `replication` connection across the two region boundaries). For each such
    /// pair, the rule walks the primary region's critical path: everything in it that its
    /// public entry points (and the clients calling into it) reach along synchronous
    /// connections. It flags the standby when a component on that path has no counterpart in
    /// the standby region: no component of the same kind and no replica of it. What runs
    /// outside the account (clients, external systems, SaaS) and global edge services (CDN,
    /// DNS) need none.
    ///
    /// ## Why it matters
    /// Replicating the data is half a recovery plan. When the primary region is lost, the
    /// standby must serve the same requests on its own; every missing service, cache or
    /// identity pool on the critical path is something to build during the outage, or a
    /// cross-region dependency that fails with the region it was meant to replace.
    ///
    /// ## Example
    /// `us-east-1` runs gateway -> orders -> orders-db; `us-west-2` holds only
    /// `orders-db-dr`, replicated from `orders-db`. Orders and the gateway have no
    /// counterpart in `us-west-2`.
    ///
    /// ## How to fix
    /// Deploy a counterpart of each listed component in the standby region (scaled down, or
    /// ready to scale), or state that the region is for data only and waive the finding.
    pub struct StandbyRegionGaps;
    id: "REL017",
    name: "standby-region-gaps",
    category: Reliability,
    severity: Warning,
}

impl Rule for StandbyRegionGaps {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for gap in standby_gaps(cx.graph, &cx.facts()) {
            let names: Vec<&str> = gap.missing.iter().map(|c| c.name.as_str()).collect();
            let mut targets = vec![gap.standby.id.as_str().to_owned()];
            targets.extend(gap.missing.iter().map(|c| c.id.as_str().to_owned()));
            out.push(cx.finding(
                format!(
                    "{} is a standby of {} but lacks counterparts of {} on the critical path of {}: {}",
                    gap.standby.name,
                    gap.primary.name,
                    counted(gap.missing.len() as i64, "component"),
                    gap.primary.name,
                    names.join(", ")
                ),
                targets,
                "deploy a counterpart of each in the standby region, or waive the finding if the region only keeps data",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::GroupKind;
    use crate::rules::fixture::{Fixture, render, run};

    fn fixture() -> Fixture {
        Fixture::new()
            .group("east", GroupKind::Region, None)
            .group("west", GroupKind::Region, None)
            .component("browser", "web-client", &[])
            .component("cdn", "cdn", &[])
            .component("gateway", "api-gateway", &[])
            .component("orders", "service-go", &[])
            .component("db", "postgresql", &[])
            .component("db-dr", "postgresql", &[])
            .component("reports", "service-go", &[])
            .in_group("cdn", "east")
            .in_group("gateway", "east")
            .in_group("orders", "east")
            .in_group("db", "east")
            .in_group("reports", "east")
            .in_group("db-dr", "west")
            .connect("browser", "cdn", "http")
            .connect("cdn", "gateway", "cdn_origin")
            .connect("gateway", "orders", "http")
            .connect("orders", "db", "db_query")
            .connect("reports", "db", "db_query")
            .connect("db", "db-dr", "replication")
    }

    #[test]
    fn names_what_the_standby_lacks_on_the_critical_path() {
        let findings = run(&StandbyRegionGaps, &fixture().build());
        assert_eq!(findings.len(), 1);
        let message = &findings[0].message;
        assert!(message.contains("2 components"), "{message}");
        assert!(
            !message.contains("reports"),
            "not on a request path: {message}"
        );
        insta::assert_snapshot!(render(&findings));
    }

    #[test]
    fn passes_when_the_standby_can_serve_alone() {
        let doc = fixture()
            .component("gateway-w", "api-gateway", &[])
            .component("orders-w", "service-go", &[])
            .in_group("gateway-w", "west")
            .in_group("orders-w", "west")
            .build();
        assert!(run(&StandbyRegionGaps, &doc).is_empty());
    }

    #[test]
    fn regions_without_replication_between_them_are_not_standbys() {
        let doc = Fixture::new()
            .group("east", GroupKind::Region, None)
            .group("west", GroupKind::Region, None)
            .component("gateway", "api-gateway", &[])
            .component("orders", "service-go", &[])
            .component("audit", "postgresql", &[])
            .in_group("gateway", "east")
            .in_group("orders", "east")
            .in_group("audit", "west")
            .connect("gateway", "orders", "http")
            .build();
        assert!(run(&StandbyRegionGaps, &doc).is_empty());
    }
}
