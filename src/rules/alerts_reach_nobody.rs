//! OBS004: an alert manager that notifies nobody.

use petgraph::Direction;

use crate::catalog::Trait;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags alert managers (Alertmanager and the like) with no outgoing `alert` connection to
    /// an on-call tool or another alerting system.
    ///
    /// ## Why it matters
    /// Alerts that end in an alert manager with no route are silent: the dashboard turns red
    /// and nobody is paged.
    ///
    /// ## Example
    /// `prometheus -> alertmanager` and nothing after it.
    ///
    /// ## How to fix
    /// Route alerts to an on-call tool (PagerDuty, Opsgenie) or a chat webhook.
    pub struct AlertsReachNobody;
    id: "OBS004",
    name: "alerts-reach-nobody",
    category: Observability,
    severity: Warning,
}

impl Rule for AlertsReachNobody {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for manager in cx.graph.with_trait(Trait::Alerting) {
            // On-call services are the end of the line by design.
            if cx.has_trait(manager, Trait::External) {
                continue;
            }
            if cx
                .graph
                .connections(manager, Direction::Outgoing, Some("alert"))
                .is_empty()
            {
                out.push(cx.finding(
                    format!("{} routes alerts to nobody", manager.name),
                    vec![manager.id.as_str().to_owned()],
                    "route alerts to an on-call tool or a chat webhook",
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
    fn passes_when_routed() {
        let doc = Fixture::new()
            .component("am", "alertmanager", &[])
            .component("pd", "pagerduty", &[])
            .connect("am", "pd", "alert")
            .build();
        assert!(run(&AlertsReachNobody, &doc).is_empty());
    }

    #[test]
    fn fails_when_not() {
        let doc = Fixture::new().component("am", "alertmanager", &[]).build();
        insta::assert_snapshot!(render(&run(&AlertsReachNobody, &doc)));
    }
}
