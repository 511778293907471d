//! OBS004: an alert manager that notifies nobody.

use petgraph::Direction;

use crate::catalog::Trait;
use crate::model::PropertyValue;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags alert managers (Alertmanager and the like) with no outgoing `alert` connection to
    /// an on-call tool or another alerting system, and those that route pages but no
    /// tickets (no `alert` connection with `severity: ticket`), where the slow error-budget
    /// burns, saturation and lost instances the Prometheus export raises as tickets end.
    ///
    /// ## Why it matters
    /// Alerts that end in an alert manager with no route are silent: the dashboard turns red
    /// and nobody is paged. Without a ticket route, a service can spend its error budget
    /// over three days, or run near saturation for weeks, and nobody hears of it until it
    /// pages.
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
            let routes = cx
                .graph
                .connections(manager, Direction::Outgoing, Some("alert"));
            if routes.is_empty() {
                out.push(cx.finding(
                    format!("{} routes alerts to nobody", manager.name),
                    vec![manager.id.as_str().to_owned()],
                    "route alerts to an on-call tool or a chat webhook",
                ));
                continue;
            }
            let tickets = routes.iter().any(|c| {
                matches!(
                    cx.graph
                        .connection_property(c, "severity")
                        .and_then(PropertyValue::as_text),
                    Some("ticket" | "info")
                )
            });
            if !tickets {
                out.push(cx.finding(
                    format!(
                        "{} routes pages only: ticket alerts (slow error-budget burns, saturation, lost instances) reach nobody",
                        manager.name
                    ),
                    vec![manager.id.as_str().to_owned()],
                    "add an alert connection with severity ticket to where the team tracks work",
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
            .connect_with("am", "pd", "alert", |c| {
                c.id = crate::model::ConnectionId::new("am-pd-tickets").expect("id");
                c.properties.insert("severity".into(), "ticket".into());
            })
            .build();
        assert!(run(&AlertsReachNobody, &doc).is_empty());
    }

    #[test]
    fn fails_when_only_pages_are_routed() {
        let doc = Fixture::new()
            .component("am", "alertmanager", &[])
            .component("pd", "pagerduty", &[])
            .connect_with("am", "pd", "alert", |c| {
                c.properties.insert("severity".into(), "page".into());
            })
            .build();
        insta::assert_snapshot!(render(&run(&AlertsReachNobody, &doc)));
    }

    #[test]
    fn fails_when_not() {
        let doc = Fixture::new().component("am", "alertmanager", &[]).build();
        insta::assert_snapshot!(render(&run(&AlertsReachNobody, &doc)));
    }
}
