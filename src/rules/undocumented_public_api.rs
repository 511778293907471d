//! MNT005: a service reached from outside with no API version or description.

use petgraph::Direction;

use crate::catalog::Trait;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags services that clients, external systems or public entries call directly and that
    /// have no `api_version` or no description.
    ///
    /// ## Why it matters
    /// A public API is a contract with people you cannot coordinate with. Without a version it
    /// cannot evolve without breaking them; without a description nobody knows what it promises.
    ///
    /// ## Example
    /// `gateway -> orders-api` where `orders-api` has `api_version: ""`.
    ///
    /// ## How to fix
    /// Set `api_version` (e.g. `v1`) and describe what the API offers.
    pub struct UndocumentedPublicApi;
    id: "MNT005",
    name: "undocumented-public-api",
    category: Maintainability,
    severity: Info,
}

impl Rule for UndocumentedPublicApi {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for service in cx
            .graph
            .of_kinds(|k| k.has(Trait::Compute) && k.property("api_version").is_some())
        {
            let public = cx
                .graph
                .any_neighbour(service, Direction::Incoming, None, |caller| {
                    [Trait::Client, Trait::External, Trait::PublicEntry]
                        .iter()
                        .any(|t| cx.has_trait(caller, *t))
                });
            if !public {
                continue;
            }
            let missing: Vec<&str> = [
                cx.text(service, "api_version")
                    .is_none_or(str::is_empty)
                    .then_some("an API version"),
                service
                    .description
                    .trim()
                    .is_empty()
                    .then_some("a description"),
            ]
            .into_iter()
            .flatten()
            .collect();
            if !missing.is_empty() {
                out.push(cx.finding(
                    format!(
                        "{} serves a public API without {}",
                        service.name,
                        missing.join(" or ")
                    ),
                    vec![service.id.as_str().to_owned()],
                    "set api_version and describe what the API offers",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    #[test]
    fn passes_when_documented_or_internal() {
        let mut doc = Fixture::new()
            .component("gw", "api-gateway", &[])
            .component("api", "service-go", &[("api_version", "v1".into())])
            .component("internal", "service-go", &[])
            .connect("gw", "api", "http")
            .connect("api", "internal", "grpc")
            .build();
        crate::edit::EditOp::SetComponentField {
            id: crate::model::ComponentId::new("api").expect("id"),
            field: crate::edit::ComponentField::Description("Orders API".into()),
        }
        .apply(&mut doc, crate::catalog::Catalog::builtin())
        .expect("describe");
        assert!(run(&UndocumentedPublicApi, &doc).is_empty());
    }

    #[test]
    fn fails_when_undocumented() {
        let doc = Fixture::new()
            .component("gw", "api-gateway", &[])
            .component("api", "service-go", &[])
            .connect("gw", "api", "http")
            .build();
        insta::assert_snapshot!(render(&run(&UndocumentedPublicApi, &doc)));
    }
}
