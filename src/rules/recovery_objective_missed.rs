//! REL019: a datastore cannot meet the model's recovery objectives.

use crate::analysis::minutes_text;
use crate::analysis::recovery::Outcome;
use crate::edit::EditOp;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// When the document states `rpo_minutes` or `rto_minutes`, runs the recovery analysis
    /// (`archsmith analyze --only recovery`): for each datastore, the data (RPO) and time
    /// (RTO) that losing an instance or zone, and a corruption, cost given its standby,
    /// replicas, backups and point-in-time recovery; and, when the design spans regions,
    /// losing its region. Flags every datastore that misses an objective in any of them.
    ///
    /// ## Why it matters
    /// Recovery objectives are promises to the business; a daily backup cannot keep a
    /// 15-minute RPO, and a restore of a large database cannot keep a 30-minute RTO.
    ///
    /// ## Example
    /// A 15-minute RPO with `orders-db` backed up daily and no point-in-time recovery: a
    /// corruption loses up to 24 hours.
    ///
    /// ## How to fix
    /// Point-in-time recovery for the RPO of a corruption (the quick fix turns it on), a
    /// standby in another zone for an instance's loss, a replica in another region for a
    /// region's.
    pub struct RecoveryObjectiveMissed;
    id: "REL019",
    name: "recovery-objective-missed",
    category: Reliability,
    severity: Warning,
}

impl Rule for RecoveryObjectiveMissed {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let targets = &cx.doc().meta.targets;
        if targets.rpo_minutes.is_none() && targets.rto_minutes.is_none() {
            return;
        }
        let report = cx.graph.analysis();
        let recovery = &report.recovery;
        let rpo = recovery.rpo_objective_minutes;
        let rto = recovery.rto_objective_minutes;
        let misses = |o: &Outcome| {
            let over = |figure: Option<f64>, objective: Option<u32>| {
                objective.is_some_and(|limit| figure.is_none_or(|f| f > f64::from(limit)))
            };
            over(o.rpo_minutes, rpo) || over(o.rto_minutes, rto)
        };
        for datastore in &recovery.datastores {
            if datastore.meets_objectives != Some(false) {
                continue;
            }
            let Some(component) = cx.doc().component(&datastore.component) else {
                continue;
            };
            let mut cases = Vec::new();
            let mut cases_for = |what: &str, o: &Outcome| {
                if misses(o) {
                    cases.push(format!(
                        "{what}: RPO {}, RTO {} ({})",
                        minutes_text(o.rpo_minutes),
                        minutes_text(o.rto_minutes),
                        o.how
                    ));
                }
            };
            cases_for("instance or zone lost", &datastore.instance_or_zone_loss);
            cases_for("corruption", &datastore.corruption);
            if recovery.multi_region {
                cases_for("region lost", &datastore.region_loss);
            }
            let mut finding = cx.finding(
                format!(
                    "{} misses the recovery objectives (RPO {}, RTO {}): {}",
                    component.name,
                    rpo.map_or("unset".to_owned(), |m| format!("{m} min")),
                    rto.map_or("unset".to_owned(), |m| format!("{m} min")),
                    cases.join("; ")
                ),
                vec![datastore.component.clone()],
                "point-in-time recovery for corruption, a standby in another zone for an instance's loss, a replica in another region for a region's",
            );
            let kind = cx.graph.kind(component);
            let has = |name| kind.is_some_and(|k| k.property(name).is_some());
            finding.quick_fix = if misses(&datastore.corruption)
                && has("point_in_time_recovery")
                && !cx.flag(component, "point_in_time_recovery")
            {
                Some(vec![EditOp::set_property(
                    &component.id,
                    "point_in_time_recovery",
                    true,
                )])
            } else if misses(&datastore.instance_or_zone_loss)
                && has("multi_az")
                && !cx.flag(component, "multi_az")
            {
                Some(vec![EditOp::set_property(&component.id, "multi_az", true)])
            } else {
                None
            };
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    fn doc(point_in_time: bool) -> crate::model::Document {
        let mut doc = Fixture::new()
            .component(
                "db",
                "postgresql",
                &[
                    ("backups", true.into()),
                    ("multi_az", true.into()),
                    ("point_in_time_recovery", point_in_time.into()),
                ],
            )
            .build();
        doc.meta.targets.rpo_minutes = Some(15);
        doc.meta.targets.rto_minutes = Some(120);
        doc
    }

    #[test]
    fn passes_with_point_in_time_recovery() {
        assert!(run(&RecoveryObjectiveMissed, &doc(true)).is_empty());
    }

    #[test]
    fn a_daily_backup_misses_a_fifteen_minute_rpo() {
        let findings = run(&RecoveryObjectiveMissed, &doc(false));
        assert_eq!(
            findings[0].quick_fix,
            Some(vec![EditOp::set_property(
                &crate::model::ComponentId::new("db").expect("id"),
                "point_in_time_recovery",
                true
            )])
        );
        insta::assert_snapshot!(render(&findings));
    }
}
