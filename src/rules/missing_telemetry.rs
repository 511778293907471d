//! OBS001: a service that sends no telemetry when the model has a telemetry sink.

use petgraph::Direction;

use crate::catalog::{ConnectionStyle, Trait};
use crate::edit::EditOp;
use crate::model::{ComponentId, Connection, ConnectionId, ConnectionKindId};
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// When the model has a telemetry sink (Prometheus, an OpenTelemetry collector, Loki, Jaeger,
    /// Datadog), flags compute components with no telemetry connection to any sink.
    ///
    /// ## Why it matters
    /// A service you cannot see is a service you cannot operate: its errors, latency and saturation
    /// go unnoticed until users report them.
    ///
    /// ## Example
    /// `worker` with no telemetry link while `prometheus` exists.
    ///
    /// ## How to fix
    /// Connect the service to a sink with a telemetry connection (the quick fix links it to the
    /// first collector or metrics sink).
    pub struct MissingTelemetry;
    id: "OBS001",
    name: "service-without-telemetry",
    category: Observability,
    severity: Warning,
}

impl Rule for MissingTelemetry {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let sinks: Vec<_> = cx.graph.with_trait(Trait::TelemetrySink).collect();
        // Prefer a collector, then metrics, as the place to send new telemetry.
        let Some(preferred) = sinks
            .iter()
            .find(|s| cx.has_trait(s, Trait::Tracing) && cx.has_trait(s, Trait::Metrics))
            .or_else(|| sinks.iter().find(|s| cx.has_trait(s, Trait::Metrics)))
            .or_else(|| sinks.first())
        else {
            return;
        };
        for service in cx.graph.with_trait(Trait::Compute) {
            let sends = cx
                .graph
                .links(service, Direction::Outgoing)
                .iter()
                .any(|link| link.style() == Some(ConnectionStyle::Telemetry));
            if sends {
                continue;
            }
            let mut finding = cx.finding(
                format!("{} sends no metrics, logs or traces", service.name),
                vec![service.id.as_str().to_owned()],
                format!(
                    "connect it to {} with a telemetry connection",
                    preferred.name
                ),
            );
            if let Ok(id) = ConnectionId::new(
                cx.doc()
                    .fresh_id(&format!("{}-{}", service.id, preferred.id)),
            ) {
                let link = Connection::new(
                    id,
                    ComponentId::clone(&service.id),
                    preferred.id.clone(),
                    ConnectionKindId::new("telemetry"),
                );
                finding.quick_fix = Some(vec![EditOp::Connect(Box::new(link))]);
            }
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, assert_quick_fixes_resolve, render, run};

    fn doc(linked: bool) -> crate::model::Document {
        let fixture = Fixture::new()
            .component("api", "service-go", &[])
            .component("prometheus", "prometheus", &[]);
        if linked {
            fixture.connect("api", "prometheus", "telemetry").build()
        } else {
            fixture.build()
        }
    }

    #[test]
    fn passes_when_linked_or_without_sinks() {
        assert!(run(&MissingTelemetry, &doc(true)).is_empty());
        let no_sink = Fixture::new().component("api", "service-go", &[]).build();
        assert!(run(&MissingTelemetry, &no_sink).is_empty());
    }

    #[test]
    fn fails_when_dark() {
        insta::assert_snapshot!(render(&run(&MissingTelemetry, &doc(false))));
        assert_quick_fixes_resolve(&MissingTelemetry, &doc(false));
    }
}
