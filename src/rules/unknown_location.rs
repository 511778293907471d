//! MNT006: a region or zone boundary whose `location` is missing, unknown or on another cloud.

use crate::catalog::{Regions, did_you_mean};
use crate::model::{Cloud, Group, GroupKind};
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks the `location` of region and availability-zone boundaries against the clouds'
    /// region tables: a region boundary that names no region when the model targets a
    /// cloud, a code no cloud has, a region of another cloud than the model's target, and a
    /// zone that is not a zone of the region around it.
    ///
    /// ## Why it matters
    /// The Terraform skeleton deploys to the model's primary region and spreads subnets over
    /// its zones. A typo or a missing code means the skeleton asks for a region, or deploys
    /// somewhere the diagram does not say, while the design document says otherwise.
    ///
    /// ## Example
    /// A region boundary "AWS Virginia" with `location: "us-east-9"`.
    ///
    /// ## How to fix
    /// Set `location` to the cloud's code for the region (`us-east-1`, `europe-west1`,
    /// `westeurope`) or zone (`us-east-1a`, `europe-west1-b`, `1`).
    pub struct UnknownLocation;
    id: "MNT006",
    name: "unknown-location",
    category: Maintainability,
    severity: Warning,
}

impl Rule for UnknownLocation {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let doc = cx.doc();
        let target = doc.meta.cloud;
        let regions = Regions::builtin();
        for group in doc.groups() {
            match group.kind {
                GroupKind::Region => check_region(cx, group, target, regions, out),
                GroupKind::AvailabilityZone => check_zone(cx, group, regions, out),
                _ => {}
            }
        }
    }
}

fn check_region(
    cx: &RuleContext<'_>,
    group: &Group,
    target: Option<Cloud>,
    regions: &Regions,
    out: &mut Vec<Finding>,
) {
    let targets = vec![group.id.as_str().to_owned()];
    let Some(code) = group.location.as_deref() else {
        if let Some(cloud) = target {
            out.push(cx.finding(
                format!(
                    "{} names no {} region, so the Terraform skeleton cannot say where it deploys",
                    group.name,
                    cloud.label()
                ),
                targets,
                format!(
                    "set its location to the {} region code, like `{}`",
                    cloud.label(),
                    regions.of(cloud).first().map_or("", |r| r.code.as_str())
                ),
            ));
        }
        return;
    };
    match (regions.identify(code), target) {
        (None, _) => {
            let all = Cloud::ALL
                .into_iter()
                .flat_map(|cloud| regions.of(cloud))
                .map(|r| r.code.as_str());
            let hint = match did_you_mean(code, all) {
                Some(near) => format!("did you mean `{near}`?"),
                None => "set its location to a region code, like `us-east-1`, `europe-west1` or `westeurope`".to_owned(),
            };
            out.push(cx.finding(
                format!(
                    "{} names `{code}`, which is not a region of AWS, Google Cloud or Azure",
                    group.name
                ),
                targets,
                hint,
            ));
        }
        (Some((home, _)), Some(cloud)) if home != cloud => {
            let nearest = regions.resolve(code, cloud).map_or_else(String::new, |r| {
                format!(
                    ": Terraform deploys to `{}`, the nearest {} region",
                    r.code,
                    cloud.label()
                )
            });
            out.push(cx.finding(
                format!(
                    "{} names `{code}`, a {} region, but the model targets {}{nearest}",
                    group.name,
                    home.label(),
                    cloud.label()
                ),
                targets,
                format!("name the {} region it runs in", cloud.label()),
            ));
        }
        _ => {}
    }
}

fn check_zone(cx: &RuleContext<'_>, group: &Group, regions: &Regions, out: &mut Vec<Finding>) {
    let Some(code) = group.location.as_deref() else {
        return;
    };
    let doc = cx.doc();
    let region = doc
        .group_chain(group.parent.as_ref())
        .into_iter()
        .find(|g| g.kind == GroupKind::Region)
        .and_then(|g| g.location.as_deref())
        .and_then(|location| regions.identify(location));
    let targets = vec![group.id.as_str().to_owned()];
    match region {
        Some((_, region)) if !region.zones.iter().any(|z| z == code) => {
            let hint = if region.zones.is_empty() {
                format!("{} has no availability zones", region.code)
            } else {
                format!("use one of {}", region.zones.join(", "))
            };
            out.push(cx.finding(
                format!(
                    "{} names `{code}`, which is not a zone of {}",
                    group.name, region.code
                ),
                targets,
                hint,
            ));
        }
        Some(_) => {}
        None => {
            let known = Cloud::ALL.into_iter().any(|cloud| {
                regions
                    .of(cloud)
                    .iter()
                    .any(|r| r.zones.iter().any(|z| z == code))
            });
            if !known {
                out.push(cx.finding(
                    format!("{} names `{code}`, which is not an availability zone Archsmith knows", group.name),
                    targets,
                    "set its location to a zone code, like `us-east-1a`, or put it inside a region boundary that names its region",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Cloud, Meta};
    use crate::rules::fixture::{Fixture, render, run};

    fn targeting(cloud: Cloud, doc: crate::model::Document) -> crate::model::Document {
        let mut doc = doc;
        doc.meta = Meta {
            cloud: Some(cloud),
            ..doc.meta.clone()
        };
        doc
    }

    #[test]
    fn passes_a_known_region_with_its_own_zones() {
        let doc = Fixture::new()
            .group("use1", GroupKind::Region, None)
            .location("use1", "us-east-1")
            .group("az-a", GroupKind::AvailabilityZone, Some("use1"))
            .location("az-a", "us-east-1a")
            .build();
        assert!(run(&UnknownLocation, &targeting(Cloud::Aws, doc)).is_empty());
    }

    #[test]
    fn flags_missing_unknown_foreign_and_misplaced_locations() {
        let doc = Fixture::new()
            .group("nowhere", GroupKind::Region, None)
            .group("typo", GroupKind::Region, None)
            .location("typo", "us-east-9")
            .group("foreign", GroupKind::Region, None)
            .location("foreign", "europe-west1")
            .group("use1", GroupKind::Region, None)
            .location("use1", "us-east-1")
            .group("az", GroupKind::AvailabilityZone, Some("use1"))
            .location("az", "us-west-2a")
            .build();
        insta::assert_snapshot!(render(&run(&UnknownLocation, &targeting(Cloud::Aws, doc))));
    }
}
