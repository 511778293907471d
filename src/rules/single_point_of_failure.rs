//! REL008: a single instance whose loss cuts entry points off from the rest.

use std::collections::BTreeSet;

use crate::catalog::Trait;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Finds articulation points of the request graph reachable from the entry points: components
    /// whose loss splits the graph. Those that run one instance, with no multi-AZ standby and
    /// not a managed service that the target cloud runs across zones (an API gateway or a load
    /// balancer on AWS, GCP or Azure), are single points of failure.
    ///
    /// ## Why it matters
    /// Everything behind such a component goes dark when it fails, whatever redundancy the rest
    /// of the design has.
    ///
    /// ## Example
    /// `browser -> gateway -> api -> db` where `api` runs one instance.
    ///
    /// ## How to fix
    /// Run two or more instances of it, across zones, or add a second path around it.
    pub struct SinglePointOfFailure;
    id: "REL008",
    name: "single-point-of-failure",
    category: Reliability,
    severity: Warning,
}

impl Rule for SinglePointOfFailure {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let reached: BTreeSet<&str> = cx.graph.reachable_from_entry_points();
        if reached.is_empty() {
            return;
        }
        for id in cx.graph.articulation_points(Some(&reached)) {
            let Some(component) = cx.doc().component(id) else {
                continue;
            };
            let outside = [
                Trait::Client,
                Trait::External,
                Trait::Managed,
                Trait::Dns,
                Trait::Cdn,
            ];
            if outside.iter().any(|t| cx.has_trait(component, *t)) {
                continue;
            }
            let redundant = cx.facts().redundant(component) || cx.flag(component, "autoscaling");
            let has_replica_setting = cx
                .graph
                .kind(component)
                .is_some_and(|k| k.property("replicas").is_some());
            if redundant || !has_replica_setting {
                continue;
            }
            out.push(cx.finding(
                format!("{} is a single point of failure: one instance, and its loss cuts off the components behind it", component.name),
                vec![component.id.as_str().to_owned()],
                "run two or more instances across zones, or add a second path",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    fn doc(replicas: i64) -> crate::model::Document {
        Fixture::new()
            .component("browser", "web-client", &[])
            .component("lb", "load-balancer", &[])
            .component("api", "service-go", &[("replicas", replicas.into())])
            .component("db", "postgresql", &[("replicas", 2.into())])
            .connect("browser", "lb", "http")
            .connect("lb", "api", "http")
            .connect("api", "db", "db_query")
            .build()
    }

    #[test]
    fn passes_when_redundant() {
        assert!(run(&SinglePointOfFailure, &doc(3)).is_empty());
    }

    #[test]
    fn fails_on_a_single_instance_in_the_path() {
        insta::assert_snapshot!(render(&run(&SinglePointOfFailure, &doc(1))));
    }
}
