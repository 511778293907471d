//! MNT003: a component outside every boundary when the model uses boundaries.

use crate::catalog::Trait;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// When the model has boundaries (regions, networks, clusters, contexts), flags components of
    /// the system that sit in none. Clients, external systems and global edge services (DNS, CDN,
    /// WAF) are expected to be outside.
    ///
    /// ## Why it matters
    /// Boundaries say where things run and who may reach them; a component outside all of them has
    /// no network, no region and no owner the diagram can name.
    ///
    /// ## Example
    /// `kafka` drawn next to the VPC instead of inside it.
    ///
    /// ## How to fix
    /// Drag it into the boundary it runs in.
    pub struct OutsideBoundaries;
    id: "MNT003",
    name: "outside-boundaries",
    category: Maintainability,
    severity: Info,
}

impl Rule for OutsideBoundaries {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let doc = cx.doc();
        if doc.groups().is_empty() {
            return;
        }
        let expected_outside = [
            Trait::Client,
            Trait::External,
            Trait::Dns,
            Trait::Cdn,
            Trait::Waf,
        ];
        for component in doc
            .components()
            .iter()
            .filter(|c| c.group.is_none() && c.member_of.is_empty())
        {
            // A SaaS product (PagerDuty, an Auth0 tenant) runs in its vendor's account.
            let outside_the_account = cx
                .facts()
                .runs(component)
                .is_some_and(|runs| !runs.in_account());
            if outside_the_account || expected_outside.iter().any(|t| cx.has_trait(component, *t)) {
                continue;
            }
            out.push(cx.finding(
                format!("{} is outside every boundary", component.name),
                vec![component.id.as_str().to_owned()],
                "drag it into the boundary it runs in",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::GroupKind;
    use crate::rules::fixture::{Fixture, render, run};

    #[test]
    fn passes_inside_or_when_expected_outside() {
        let doc = Fixture::new()
            .group("vpc", GroupKind::Vpc, None)
            .component("web", "web-client", &[])
            .component("api", "service-go", &[])
            .in_group("api", "vpc")
            .build();
        assert!(run(&OutsideBoundaries, &doc).is_empty());
    }

    #[test]
    fn fails_outside() {
        let doc = Fixture::new()
            .group("vpc", GroupKind::Vpc, None)
            .component("events", "kafka", &[])
            .build();
        insta::assert_snapshot!(render(&run(&OutsideBoundaries, &doc)));
    }
}
