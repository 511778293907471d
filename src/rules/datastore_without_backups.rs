//! REL005: a datastore with no backups and no point-in-time recovery.

use crate::catalog::Trait;
use crate::edit::EditOp;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags datastores that have neither automated backups nor point-in-time recovery. A
    /// bucket with object versioning has its point-in-time recovery; a read replica or standby
    /// (the target of a `replication` connection) is restored from its primary's backups.
    ///
    /// ## Why it matters
    /// Replicas copy mistakes as faithfully as data: a bad migration or a `DELETE` without
    /// `WHERE` reaches every replica in milliseconds. Only a backup brings the data back.
    ///
    /// ## Example
    /// `orders-db` with `backups: false` and `point_in_time_recovery: false`.
    ///
    /// ## How to fix
    /// Enable automated backups (the quick fix does) and point-in-time recovery; test restores.
    pub struct DatastoreWithoutBackups;
    id: "REL005",
    name: "datastore-without-backups",
    category: Reliability,
    severity: Error,
}

impl Rule for DatastoreWithoutBackups {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for component in cx
            .graph
            .of_kinds(|k| k.has(Trait::Datastore) && k.property("backups").is_some())
        {
            // A bucket's object versioning is its point-in-time recovery, and a replica is
            // restored from its primary's backups.
            if cx.flag(component, "backups")
                || cx.flag(component, "point_in_time_recovery")
                || cx.flag(component, "versioning")
                || cx.facts().replica_of(component).is_some()
            {
                continue;
            }
            let mut finding = cx.finding(
                format!(
                    "{} has no backups and no point-in-time recovery",
                    component.name
                ),
                vec![component.id.as_str().to_owned()],
                "enable automated backups and point-in-time recovery, and test a restore",
            );
            finding.quick_fix = Some(vec![EditOp::set_property(&component.id, "backups", true)]);
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, assert_quick_fixes_resolve, render, run};

    #[test]
    fn passes_with_backups() {
        let doc = Fixture::new()
            .component("db", "postgresql", &[("backups", true.into())])
            .component("db2", "mongodb", &[("point_in_time_recovery", true.into())])
            .build();
        assert!(run(&DatastoreWithoutBackups, &doc).is_empty());
    }

    #[test]
    fn fails_without() {
        let doc = Fixture::new().component("db", "postgresql", &[]).build();
        insta::assert_snapshot!(render(&run(&DatastoreWithoutBackups, &doc)));
        assert_quick_fixes_resolve(&DatastoreWithoutBackups, &doc);
    }

    #[test]
    fn replicas_and_versioned_buckets_are_covered() {
        let doc = Fixture::new()
            .component("db", "postgresql", &[("backups", true.into())])
            .component("replica", "postgresql", &[])
            .component("assets", "object-storage", &[("versioning", true.into())])
            .connect("db", "replica", "replication")
            .build();
        assert!(run(&DatastoreWithoutBackups, &doc).is_empty());
    }
}
