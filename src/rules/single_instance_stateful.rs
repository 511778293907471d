//! REL001: a stateful component running as a single instance.

use crate::catalog::Trait;
use crate::edit::EditOp;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags stateful components (databases, brokers, stateful caches) with one replica and no
    /// multi-AZ standby. Managed services without a replica setting are left alone, and so are
    /// those the target cloud spreads over zones by construction (MSK, Pub/Sub, Event Hubs),
    /// and read replicas or standbys (the target of a `replication` connection), which are
    /// their primary's redundancy.
    ///
    /// ## Why it matters
    /// One instance means one disk, one host and one zone: any of them failing takes the data
    /// offline, and a restore from backup takes hours.
    ///
    /// ## Example
    /// `orders-db` with `replicas: 1` and `multi_az: false`.
    ///
    /// ## How to fix
    /// Run at least two replicas (the quick fix sets two), or a multi-AZ standby.
    pub struct SingleInstanceStateful;
    id: "REL001",
    name: "single-instance-stateful",
    category: Reliability,
    severity: Error,
}

impl Rule for SingleInstanceStateful {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for component in cx
            .graph
            .of_kinds(|k| k.has(Trait::Stateful) && k.property("replicas").is_some())
        {
            // A read replica or standby is the redundancy of its primary, not a store of its own.
            if cx.facts().redundant(component) || cx.facts().replica_of(component).is_some() {
                continue;
            }
            let mut finding = cx.finding(
                format!(
                    "{} is stateful and runs as a single instance",
                    component.name
                ),
                vec![component.id.as_str().to_owned()],
                "run two or more replicas, or a multi-AZ standby",
            );
            finding.quick_fix = Some(vec![EditOp::set_property(&component.id, "replicas", 2)]);
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, assert_quick_fixes_resolve, render, run};

    #[test]
    fn passes_with_replicas_or_standby() {
        let doc = Fixture::new()
            .component("db", "postgresql", &[("replicas", 2.into())])
            .component("db2", "mysql", &[("multi_az", true.into())])
            .component("queue", "sqs", &[])
            .build();
        assert!(run(&SingleInstanceStateful, &doc).is_empty());
    }

    #[test]
    fn fails_with_one_instance() {
        let doc = Fixture::new()
            .component("db", "postgresql", &[])
            .component("events", "kafka", &[])
            .build();
        insta::assert_snapshot!(render(&run(&SingleInstanceStateful, &doc)));
        assert_quick_fixes_resolve(&SingleInstanceStateful, &doc);
    }

    #[test]
    fn a_read_replica_is_its_primarys_redundancy() {
        let doc = Fixture::new()
            .component("db", "postgresql", &[("replicas", 2.into())])
            .component("replica", "postgresql", &[])
            .connect("db", "replica", "replication")
            .build();
        assert!(run(&SingleInstanceStateful, &doc).is_empty());
    }

    #[test]
    fn a_multi_zone_managed_broker_is_not_a_single_instance() {
        let mut doc = Fixture::new().component("events", "kafka", &[]).build();
        doc.meta.cloud = Some(crate::model::Cloud::Aws);
        assert!(
            run(&SingleInstanceStateful, &doc).is_empty(),
            "MSK puts a broker in each zone"
        );
        doc.meta.cloud = None;
        assert_eq!(
            run(&SingleInstanceStateful, &doc).len(),
            1,
            "self-hosted, one broker"
        );
    }
}
