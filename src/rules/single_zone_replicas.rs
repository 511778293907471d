//! REL009: all replicas placed in one availability zone.

use crate::model::GroupKind;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// When the model draws availability zones, flags components with several replicas that sit
    /// inside a single zone and have no multi-AZ setting.
    ///
    /// ## Why it matters
    /// Zones fail as a unit (power, network, a bad deploy of the provider). Replicas that share
    /// a zone share its fate, so the redundancy is only on paper.
    ///
    /// ## Example
    /// `api` with `replicas: 3` inside `eu-west-1a` only.
    ///
    /// ## How to fix
    /// Spread the replicas across zones (set `multi_az`, or draw the component outside a single
    /// zone, in the network that spans them).
    pub struct SingleZoneReplicas;
    id: "REL009",
    name: "replicas-in-one-zone",
    category: Reliability,
    severity: Warning,
}

impl Rule for SingleZoneReplicas {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let doc = cx.doc();
        if !doc
            .groups()
            .iter()
            .any(|g| g.kind == GroupKind::AvailabilityZone)
        {
            return;
        }
        for component in cx.declaring("replicas") {
            if cx.int(component, "replicas").unwrap_or(1) < 2 || cx.flag(component, "multi_az") {
                continue;
            }
            if let Some(zone) = doc
                .group_chain(component.group.as_ref())
                .into_iter()
                .find(|g| g.kind == GroupKind::AvailabilityZone)
            {
                out.push(cx.finding(
                    format!(
                        "all {} replicas of {} run in {}",
                        cx.int(component, "replicas").unwrap_or(1),
                        component.name,
                        zone.name
                    ),
                    vec![component.id.as_str().to_owned()],
                    "spread the replicas across zones",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    fn doc(multi_az: bool) -> crate::model::Document {
        Fixture::new()
            .group("az-a", GroupKind::AvailabilityZone, None)
            .component("api", "service-go", &[("replicas", 3.into())])
            .component(
                "db",
                "postgresql",
                &[("replicas", 2.into()), ("multi_az", multi_az.into())],
            )
            .in_group("db", "az-a")
            .build()
    }

    #[test]
    fn passes_when_spread() {
        assert!(run(&SingleZoneReplicas, &doc(true)).is_empty());
    }

    #[test]
    fn fails_in_one_zone() {
        insta::assert_snapshot!(render(&run(&SingleZoneReplicas, &doc(false))));
    }
}
