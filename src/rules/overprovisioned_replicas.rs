//! COST001: far more instances than the peak load needs.

use crate::catalog::Trait;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// When the document states a peak load, estimates how many instances a service could need
    /// at most (`peak_rps / rps_per_instance`, with `rps_per_instance` a rule parameter, 200 by
    /// default, doubled for headroom) and flags services whose always-on instances (replicas, or
    /// the autoscaling minimum) exceed it.
    ///
    /// ## Why it matters
    /// Instances that never see load are paid for every hour. Autoscaling exists so that the
    /// floor can stay low.
    ///
    /// ## Example
    /// `replicas: 40` on a service when the whole system peaks at 1,000 requests/s.
    ///
    /// ## How to fix
    /// Lower the replica count or autoscaling minimum, and let autoscaling absorb peaks.
    pub struct OverprovisionedReplicas;
    id: "COST001",
    name: "overprovisioned-replicas",
    category: Cost,
    severity: Info,
}

impl Rule for OverprovisionedReplicas {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(peak) = cx.doc().meta.targets.peak_rps else {
            return;
        };
        let per_instance = cx.int_param("rps_per_instance", 200).max(1);
        let needed = (i64::try_from(peak).unwrap_or(i64::MAX) / per_instance + 1)
            .saturating_mul(2)
            .max(2);
        for service in cx.graph.with_trait(Trait::Compute) {
            let floor = if cx.flag(service, "autoscaling") {
                cx.int(service, "autoscaling_min")
            } else {
                cx.int(service, "replicas")
            };
            let Some(floor) = floor.filter(|f| *f > needed) else {
                continue;
            };
            out.push(cx.finding(
                format!("{} keeps {floor} instances running; the stated peak of {peak} requests/s needs at most about {needed}", service.name),
                vec![service.id.as_str().to_owned()],
                "lower the always-on instance count and let autoscaling absorb peaks",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    fn doc(replicas: i64) -> crate::model::Document {
        let mut doc = Fixture::new()
            .component("api", "service-go", &[("replicas", replicas.into())])
            .build();
        doc.meta.targets.peak_rps = Some(1000);
        doc
    }

    #[test]
    fn passes_when_sized_to_the_peak() {
        assert!(run(&OverprovisionedReplicas, &doc(6)).is_empty());
    }

    #[test]
    fn fails_when_far_above() {
        insta::assert_snapshot!(render(&run(&OverprovisionedReplicas, &doc(40))));
    }
}
