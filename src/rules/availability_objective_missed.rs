//! REL018: an entry point's expected availability is below the model's objective.

use crate::analysis::availability::WeakLink;
use crate::edit::EditOp;
use crate::model::Component;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// When the document states an `availability_slo`, runs the availability analysis
    /// (`archsmith analyze --only availability`): each entry point's expected availability is
    /// the product of what a request waits on along its least available journey, each
    /// component's figure from its managed service's published SLA or, self-hosted, its
    /// kind's per-instance figure with its replicas in parallel. Flags every entry point below
    /// the objective and names its weakest links.
    ///
    /// ## Why it matters
    /// An objective the design cannot reach even on paper will be missed in production: the
    /// composite of published SLAs is the best case, before deployments, bugs and
    /// dependencies' bad days.
    ///
    /// ## Example
    /// A 99.95% objective over a gateway (99.95%), a service with one instance (99.5%) and a
    /// single-instance database (99.5%): about 98.95%.
    ///
    /// ## How to fix
    /// Fix the weakest links first (the quick fix makes the weakest redundant: a standby in
    /// another zone, or a second replica); or take the component off the synchronous path.
    pub struct AvailabilityObjectiveMissed;
    id: "REL018",
    name: "availability-objective-missed",
    category: Reliability,
    severity: Warning,
}

impl Rule for AvailabilityObjectiveMissed {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(objective) = cx.doc().meta.targets.availability_slo else {
            return;
        };
        let report = cx.graph.analysis();
        for entry in &report.availability.entries {
            if entry.meets_objective != Some(false) {
                continue;
            }
            let Some(component) = cx.doc().component(&entry.entry) else {
                continue;
            };
            let weakest: Vec<String> = entry
                .weakest
                .iter()
                .filter_map(|weak| {
                    let c = cx.doc().component(&weak.component)?;
                    Some(match (&weak.fix, weak.entry_percent_if_fixed) {
                        (Some(fix), Some(fixed)) => {
                            format!("{} at {}% ({fix} → {fixed}%)", c.name, weak.percent)
                        }
                        _ => format!("{} at {}%", c.name, weak.percent),
                    })
                })
                .collect();
            let mut targets = vec![entry.entry.clone()];
            for weak in &entry.weakest {
                if !targets.contains(&weak.component) {
                    targets.push(weak.component.clone());
                }
            }
            let mut finding = cx.finding(
                format!(
                    "{} can promise only {}% (about {} minutes down a month), the product of the SLAs and figures of what its least available journey waits on, below the {objective}% objective{}",
                    component.name,
                    entry.percent,
                    entry.downtime_minutes_per_month,
                    if weakest.is_empty() {
                        String::new()
                    } else {
                        format!("; weakest links: {}", weakest.join("; "))
                    }
                ),
                targets,
                "make the weakest links redundant across zones, or take them off the synchronous path",
            );
            finding.quick_fix = entry
                .weakest
                .iter()
                .find_map(|weak| redundancy_fix(cx, weak));
            out.push(finding);
        }
    }
}

/// The edit that makes a weak link redundant, when the analysis knows a fix: a standby in
/// another zone where the kind has one, else a second replica.
fn redundancy_fix(cx: &RuleContext<'_>, weak: &WeakLink) -> Option<Vec<EditOp>> {
    weak.fix.as_ref()?;
    let component: &Component = cx.doc().component(&weak.component)?;
    let kind = cx.graph.kind(component)?;
    if kind.property("multi_az").is_some() && !cx.flag(component, "multi_az") {
        return Some(vec![EditOp::set_property(&component.id, "multi_az", true)]);
    }
    if kind.property("replicas").is_some() && cx.int(component, "replicas").unwrap_or(1) < 2 {
        return Some(vec![EditOp::set_property(&component.id, "replicas", 2_i64)]);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    fn doc(replicas: i64) -> crate::model::Document {
        let mut doc = Fixture::new()
            .component("web", "web-client", &[])
            .component("api", "service-go", &[("replicas", replicas.into())])
            .connect("web", "api", "http")
            .build();
        doc.meta.targets.availability_slo = Some(99.9);
        doc
    }

    #[test]
    fn passes_when_replicas_reach_the_objective() {
        assert!(run(&AvailabilityObjectiveMissed, &doc(3)).is_empty());
    }

    #[test]
    fn names_the_weakest_link_and_offers_a_replica() {
        let findings = run(&AvailabilityObjectiveMissed, &doc(1));
        assert_eq!(
            findings[0].quick_fix,
            Some(vec![EditOp::set_property(
                &crate::model::ComponentId::new("api").expect("id"),
                "replicas",
                2_i64
            )])
        );
        insta::assert_snapshot!(render(&findings));
    }
}
