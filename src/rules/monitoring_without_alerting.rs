//! OBS002: metrics are collected but nothing alerts on them.

use petgraph::Direction;

use crate::catalog::Trait;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags metrics sinks (Prometheus, Datadog) with no `alert` connection to an alert manager or
    /// on-call tool.
    ///
    /// ## Why it matters
    /// Dashboards are read when someone is already looking. Without alerting, an outage at 3 a.m.
    /// waits for the first customer complaint.
    ///
    /// ## Example
    /// `prometheus` with Grafana in front of it but no Alertmanager.
    ///
    /// ## How to fix
    /// Add an alert manager or on-call tool and connect the sink to it with an `alert` connection.
    pub struct MonitoringWithoutAlerting;
    id: "OBS002",
    name: "monitoring-without-alerting",
    category: Observability,
    severity: Warning,
}

impl Rule for MonitoringWithoutAlerting {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for sink in cx.graph.with_trait(Trait::Metrics) {
            if !cx.has_trait(sink, Trait::TelemetrySink) {
                continue;
            }
            let alerts = cx
                .graph
                .neighbours(sink, Direction::Outgoing, Some("alert"));
            // A collector forwarding to a sink that alerts is covered through that sink.
            let forwards_to_alerting = cx
                .graph
                .neighbours(sink, Direction::Outgoing, Some("telemetry"))
                .iter()
                .any(|next| {
                    !cx.graph
                        .neighbours(next, Direction::Outgoing, Some("alert"))
                        .is_empty()
                });
            if alerts.is_empty() && !forwards_to_alerting {
                out.push(cx.finding(
                    format!("{} collects metrics but no alerts leave it", sink.name),
                    vec![sink.id.as_str().to_owned()],
                    "connect it to an alert manager or on-call tool with an alert connection",
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
    fn passes_with_alerting() {
        let doc = Fixture::new()
            .component("otel", "otel-collector", &[])
            .component("prometheus", "prometheus", &[])
            .component("alertmanager", "alertmanager", &[])
            .connect("otel", "prometheus", "telemetry")
            .connect("prometheus", "alertmanager", "alert")
            .build();
        assert!(run(&MonitoringWithoutAlerting, &doc).is_empty());
    }

    #[test]
    fn fails_without() {
        let doc = Fixture::new()
            .component("prometheus", "prometheus", &[])
            .component("grafana", "grafana", &[])
            .connect("grafana", "prometheus", "http")
            .build();
        insta::assert_snapshot!(render(&run(&MonitoringWithoutAlerting, &doc)));
    }
}
