//! SEC005: an admin or monitoring UI reachable from the internet.

use crate::catalog::Trait;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags admin and monitoring UIs — Grafana, Kibana, Jaeger, the RabbitMQ management plugin,
    /// OpenSearch Dashboards — that are marked internet-facing.
    ///
    /// ## Why it matters
    /// These UIs hold credentials, query data directly and have a long history of authentication
    /// bypasses. Exposed, they are a favourite first foothold.
    ///
    /// ## Example
    /// `grafana` with `internet_facing: true`; `rabbitmq` with `management_public: true`.
    ///
    /// ## How to fix
    /// Keep them on the private network and reach them through a VPN or an identity-aware proxy.
    pub struct ExposedAdminUi;
    id: "SEC005",
    name: "exposed-admin-ui",
    category: Security,
    severity: Error,
}

impl Rule for ExposedAdminUi {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        // Only admin UIs, dashboards, brokers and search clusters carry these settings.
        let candidates = [
            Trait::AdminUi,
            Trait::Dashboard,
            Trait::Broker,
            Trait::Search,
        ];
        for component in cx.graph.of_kinds(|k| candidates.iter().any(|t| k.has(*t))) {
            let exposed_ui = (cx.has_trait(component, Trait::AdminUi)
                || cx.has_trait(component, Trait::Dashboard))
                && cx.flag(component, "internet_facing");
            let exposed_plugin =
                cx.flag(component, "management_public") || cx.flag(component, "dashboards_public");
            if exposed_ui || exposed_plugin {
                out.push(cx.finding(
                    format!(
                        "the admin UI of {} is reachable from the internet",
                        component.name
                    ),
                    vec![component.id.as_str().to_owned()],
                    "keep it private; reach it through a VPN or an identity-aware proxy",
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
    fn passes_when_private() {
        let doc = Fixture::new()
            .component("grafana", "grafana", &[])
            .component("mq", "rabbitmq", &[])
            .build();
        assert!(run(&ExposedAdminUi, &doc).is_empty());
    }

    #[test]
    fn fails_when_public() {
        let doc = Fixture::new()
            .component("grafana", "grafana", &[("internet_facing", true.into())])
            .component("mq", "rabbitmq", &[("management_public", true.into())])
            .build();
        insta::assert_snapshot!(render(&run(&ExposedAdminUi, &doc)));
    }
}
