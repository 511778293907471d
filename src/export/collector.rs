//! The OpenTelemetry collector's configuration for each collector of the model, written
//! beside the Prometheus configuration (the compose stack mounts both): OTLP in, then per
//! signal to where the model's telemetry connections send it: metrics to a Prometheus
//! exporter on the port the metrics store scrapes, traces to Jaeger over OTLP, logs to Loki
//! over OTLP. A destination that does not run locally (a cloud or SaaS sink) is named in
//! the notes, not invented.

use std::collections::BTreeMap;

use petgraph::Direction;
use serde_json::{Value, json};

use crate::catalog::Trait;
use crate::graph::ArchGraph;
use crate::model::{Component, PropertyValue};

/// Where the collector's configuration is written, inside the Prometheus export.
pub(crate) fn config_path(collector: &str) -> String {
    format!("collectors/{collector}.yaml")
}

/// The OTLP port collectors and trace stores receive on.
pub(crate) const OTLP_GRPC_PORT: u16 = 4317;

/// A signal the collector carries.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Signal {
    Metrics,
    Traces,
    Logs,
}

impl Signal {
    const ALL: [Signal; 3] = [Self::Metrics, Self::Traces, Self::Logs];

    fn name(self) -> &'static str {
        match self {
            Self::Metrics => "metrics",
            Self::Traces => "traces",
            Self::Logs => "logs",
        }
    }

    /// The trait a destination needs to take this signal.
    fn taken_by(self) -> Trait {
        match self {
            Self::Metrics => Trait::Metrics,
            Self::Traces => Trait::Tracing,
            Self::Logs => Trait::Logs,
        }
    }
}

/// The configuration of `collector`, and what it cannot forward locally.
pub(crate) fn config(
    graph: &ArchGraph<'_>,
    collector: &Component,
    metrics_port: i64,
) -> (Value, Vec<String>) {
    let doc = graph.document();
    let mut exporters = serde_json::Map::new();
    let mut pipelines = serde_json::Map::new();
    let mut notes = Vec::new();
    let outgoing = graph.connections(collector, Direction::Outgoing, Some("telemetry"));
    for signal in Signal::ALL {
        let mut names = Vec::new();
        for connection in &outgoing {
            let carries = match graph
                .connection_property(connection, "signal")
                .and_then(PropertyValue::as_text)
            {
                None | Some("all") => true,
                Some(named) => named == signal.name(),
            };
            let Some(sink) = doc.component(connection.to.as_str()) else {
                continue;
            };
            if !carries || !graph.has_trait(sink, signal.taken_by()) {
                continue;
            }
            let runs_locally = graph.kind(sink).and_then(|k| k.local.as_ref()).is_some()
                && !graph.has_trait(sink, Trait::External);
            let exporter = match (signal, runs_locally) {
                // The metrics store scrapes the collector.
                (Signal::Metrics, _) => Some((
                    "prometheus".to_owned(),
                    json!({ "endpoint": format!("0.0.0.0:{metrics_port}") }),
                )),
                (Signal::Traces, true) => Some((
                    format!("otlp/{}", sink.id),
                    json!({
                        "endpoint": format!("{}:{OTLP_GRPC_PORT}", sink.id),
                        "tls": { "insecure": true },
                    }),
                )),
                (Signal::Logs, true) => Some((
                    format!("otlphttp/{}", sink.id),
                    json!({ "endpoint": format!("http://{}:3100/otlp", sink.id) }),
                )),
                _ => None,
            };
            match exporter {
                Some((name, settings)) => {
                    exporters.insert(name.clone(), settings);
                    if !names.contains(&name) {
                        names.push(name);
                    }
                }
                None => notes.push(format!(
                    "{}: {} go to {}, which does not run locally",
                    collector.id,
                    signal.name(),
                    sink.name
                )),
            }
        }
        if names.is_empty() {
            continue;
        }
        pipelines.insert(
            signal.name().to_owned(),
            json!({
                "receivers": ["otlp"],
                "processors": ["batch"],
                "exporters": names,
            }),
        );
    }
    if pipelines.is_empty() {
        // A collector that forwards nothing still answers, and says what it receives.
        exporters.insert("debug".to_owned(), json!({}));
        for signal in Signal::ALL {
            pipelines.insert(
                signal.name().to_owned(),
                json!({ "receivers": ["otlp"], "processors": ["batch"], "exporters": ["debug"] }),
            );
        }
    }
    let config = json!({
        "receivers": {
            "otlp": {
                "protocols": {
                    "grpc": { "endpoint": format!("0.0.0.0:{OTLP_GRPC_PORT}") },
                    "http": { "endpoint": "0.0.0.0:4318" },
                },
            },
        },
        "processors": { "batch": {} },
        "exporters": Value::Object(exporters),
        "service": { "pipelines": Value::Object(pipelines) },
    });
    (config, notes)
}

/// The OTLP environment of a service that sends telemetry to a sink running in the local
/// stack: the standard OpenTelemetry SDK variables, its id as the service name (which the
/// Prometheus export's SLIs select as `job`).
pub(crate) fn sdk_environment(
    graph: &ArchGraph<'_>,
    service: &Component,
) -> BTreeMap<String, String> {
    let doc = graph.document();
    let sink = graph
        .connections(service, Direction::Outgoing, Some("telemetry"))
        .into_iter()
        .filter_map(|c| doc.component(c.to.as_str()))
        .find(|sink| {
            graph.has_trait(sink, Trait::TelemetrySink)
                && !graph.has_trait(sink, Trait::External)
                && graph
                    .kind(sink)
                    .and_then(|k| k.local.as_ref())
                    .is_some_and(|l| l.port == OTLP_GRPC_PORT)
        });
    let Some(sink) = sink else {
        return BTreeMap::new();
    };
    BTreeMap::from([
        (
            "OTEL_EXPORTER_OTLP_ENDPOINT".to_owned(),
            format!("http://{}:{OTLP_GRPC_PORT}", sink.id),
        ),
        // The port is OTLP over gRPC, which some SDKs (Java's agent, Node's) do not default to.
        ("OTEL_EXPORTER_OTLP_PROTOCOL".to_owned(), "grpc".to_owned()),
        // The stable HTTP metric names the SLIs read (`http.server.request.duration`), which
        // some instrumentations emit only when asked.
        (
            "OTEL_SEMCONV_STABILITY_OPT_IN".to_owned(),
            "http".to_owned(),
        ),
        ("OTEL_SERVICE_NAME".to_owned(), service.id.to_string()),
    ])
}
