//! What the model says about monitoring, resolved once: which components are scraped for
//! metrics and how their requests are measured, the objectives each request-serving service
//! is held to (the model's availability and p99 latency targets) as multi-window burn-rate
//! alerts, the stores and brokers whose metrics the model sends to the store (read through
//! the exporter the catalog names for their kind), the saturation point the capacity analysis gives each service, and where alerts
//! go (the on-call components behind the alert router, by severity). The Prometheus export
//! writes it, the design document states it.
//!
//! Metric names follow the OpenTelemetry semantic conventions as Prometheus exposes them:
//! HTTP services `http_server_request_duration_seconds` (a histogram, `http_response_status_code`
//! label), gRPC services `rpc_server_duration_milliseconds` (`rpc_grpc_status_code` label).

use petgraph::Direction;

use crate::catalog::{ConnectionStyle, MetricsExporter, Trait};
use crate::facts::Facts;
use crate::graph::ArchGraph;
use crate::model::{ApiStyle, Component, Connection, Operation, PropertyValue};

/// Port a service listens on (and serves `/metrics` on) when the model states none: the
/// workload exports' default.
const DEFAULT_PORT: i64 = 8080;

/// A burn-rate alert's windows: the long window measures the burn, the short one (a
/// twelfth of it) makes the alert stop soon after the burn does. The Google SRE workbook's
/// thresholds for a 30-day budget: 2% of it in an hour and 5% in six hours page; 10% in a
/// day and 10% in three days open a ticket.
pub const BURN_WINDOWS: [BurnWindow; 4] = [
    BurnWindow {
        long: "1h",
        short: "5m",
        factor: 14.4,
        severity: Severity::Page,
    },
    BurnWindow {
        long: "6h",
        short: "30m",
        factor: 6.0,
        severity: Severity::Page,
    },
    BurnWindow {
        long: "1d",
        short: "2h",
        factor: 3.0,
        severity: Severity::Ticket,
    },
    BurnWindow {
        long: "3d",
        short: "6h",
        factor: 1.0,
        severity: Severity::Ticket,
    },
];

/// Every window a burn-rate alert reads, shortest first (each is recorded once).
pub const RATE_WINDOWS: [&str; 7] = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"];

#[derive(Debug, Clone, Copy)]
pub struct BurnWindow {
    pub long: &'static str,
    pub short: &'static str,
    pub factor: f64,
    pub severity: Severity,
}

/// What an alert does, as the model's `alert` connections name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Page,
    Ticket,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Page => "page",
            Self::Ticket => "ticket",
        }
    }
}

/// How a scraped service's requests are measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestMetrics {
    Http,
    Grpc,
}

impl RequestMetrics {
    /// The histogram's base name.
    pub fn histogram(self) -> &'static str {
        match self {
            Self::Http => "http_server_request_duration_seconds",
            Self::Grpc => "rpc_server_duration_milliseconds",
        }
    }

    /// The label matcher that picks the requests that failed on the server's side.
    pub fn error_matcher(self) -> &'static str {
        match self {
            Self::Http => r#"http_response_status_code=~"5..""#,
            // UNKNOWN, DEADLINE_EXCEEDED, INTERNAL, UNAVAILABLE, DATA_LOSS.
            Self::Grpc => r#"rpc_grpc_status_code=~"2|4|13|14|15""#,
        }
    }

    /// A latency threshold as the histogram's bucket bound (`0.25` seconds, `300` ms).
    pub fn bucket(self, threshold_ms: u32) -> String {
        match self {
            Self::Http => {
                let seconds = f64::from(threshold_ms) / 1000.0;
                format!("{seconds}")
            }
            Self::Grpc => format!("{threshold_ms}"),
        }
    }

    /// The label matchers that pick one operation's requests: its route and method (the
    /// OpenTelemetry `http.route` is the path template the model states), or its gRPC method.
    pub fn operation_matcher(self, operation: &Operation) -> String {
        match self {
            Self::Http => format!(
                "http_route=\"{}\",http_request_method=\"{}\"",
                operation.path,
                operation.method.map_or("", |m| m.as_str())
            ),
            Self::Grpc => format!("rpc_method=\"{}\"", operation.name),
        }
    }

    /// Label matchers (each `""` or starting with `,`) whose union selects every request
    /// but those of `operations`: one for the routes none of them is on, and one per route
    /// they share with other methods (HTTP); one leaving out their methods (gRPC).
    pub fn other_than(self, operations: &[&Operation]) -> Vec<String> {
        if operations.is_empty() {
            return vec![String::new()];
        }
        match self {
            Self::Http => {
                let mut routes: std::collections::BTreeMap<&str, Vec<&str>> =
                    std::collections::BTreeMap::new();
                for operation in operations {
                    routes
                        .entry(operation.path.as_str())
                        .or_default()
                        .push(operation.method.map_or("", |m| m.as_str()));
                }
                let elsewhere: String = routes
                    .keys()
                    .map(|route| format!(",http_route!=\"{route}\""))
                    .collect();
                std::iter::once(elsewhere)
                    .chain(routes.iter().map(|(route, methods)| {
                        let others: String = methods
                            .iter()
                            .map(|m| format!(",http_request_method!=\"{m}\""))
                            .collect();
                        format!(",http_route=\"{route}\"{others}")
                    }))
                    .collect()
            }
            Self::Grpc => vec![
                operations
                    .iter()
                    .map(|o| format!(",rpc_method!=\"{}\"", o.name))
                    .collect(),
            ],
        }
    }

    /// A matcher for that bucket's `le` label. Prometheus 3 writes whole-number bounds as
    /// floats (`300.0`), older versions and clients as integers (`300`): both match.
    pub fn bucket_matcher(self, threshold_ms: u32) -> String {
        let bound = self.bucket(threshold_ms);
        if bound.contains('.') {
            format!("le=\"{bound}\"")
        } else {
            format!("le=~\"{bound}(\\\\.0)?\"")
        }
    }
}

/// A component whose metrics reach the store: scraped itself, or through a collector.
#[derive(Debug)]
pub struct Scraped<'a> {
    pub component: &'a Component,
    /// `host:port` of its metrics endpoint; the host name resolves to every instance.
    pub target: String,
    /// The collector its metrics go through (then the store scrapes the collector, and the
    /// series carry the component's id as `job` from its `service.name`).
    pub via: Option<&'a Component>,
    /// How its requests are measured, when it serves requests over an API.
    pub requests: Option<RequestMetrics>,
    /// Instances the model runs at least.
    pub min_instances: i64,
    /// The exporter its metrics are read through, for a store or broker (scraped at the
    /// exporter, never through a collector).
    pub exporter: Option<&'a MetricsExporter>,
    /// A replica of another store (a standby or read replica): losing it costs no request
    /// at once, and its lag is what a failover to it loses.
    pub replica: bool,
}

/// The objectives one service is held to.
#[derive(Debug)]
pub struct ServiceObjectives<'a> {
    pub component: &'a Component,
    pub requests: RequestMetrics,
    /// Whether requests enter the system here (a router, a client or an external system
    /// calls it): the model's objectives are the users', so they are held here.
    pub entry: bool,
    /// Availability objective in percent (99.9).
    pub availability: Option<f64>,
    /// p99 latency objective in milliseconds.
    pub p99_ms: Option<u32>,
    /// Requests per second one instance serves at its limit, from the capacity analysis.
    pub per_instance_rps: Option<f64>,
    /// Operations with a latency objective of their own (`p99_ms`): held to it, and left
    /// out of the service's.
    pub own_latency: Vec<&'a Operation>,
}

/// Where alerts of one severity go.
#[derive(Debug)]
pub struct Route<'a> {
    pub severity: Severity,
    pub receiver: &'a Component,
}

#[derive(Debug)]
pub struct Monitoring<'a> {
    /// The metrics store that scrapes (the first component with the metrics trait).
    pub store: Option<&'a Component>,
    /// The alert router the store sends alerts to.
    pub router: Option<&'a Component>,
    pub scraped: Vec<Scraped<'a>>,
    /// Collectors the store scrapes for what services send them, with their endpoint.
    pub collectors: Vec<(&'a Component, String)>,
    /// Services that send no metrics: nothing measures them.
    pub unscraped: Vec<&'a Component>,
    /// Stores and brokers the model sends to the metrics store that have no exporter in the
    /// catalog, so nothing can read them.
    pub unexported: Vec<&'a Component>,
    pub objectives: Vec<ServiceObjectives<'a>>,
    pub routes: Vec<Route<'a>>,
    /// The model's recovery point objective: how far a replica may lag.
    pub rpo_minutes: Option<u32>,
}

impl<'a> Monitoring<'a> {
    pub fn new(graph: &'a ArchGraph<'a>) -> Self {
        let doc = graph.document();
        let store = graph.with_trait(Trait::Metrics).find(|c| {
            graph.has_trait(c, Trait::TelemetrySink) && !graph.has_trait(c, Trait::Tracing)
        });
        let store = store.or_else(|| graph.with_trait(Trait::Metrics).next());
        let facts = Facts::of_model(graph);
        let metrics_sink = |c: &Connection| {
            graph.style(c) == Some(ConnectionStyle::Telemetry)
                && matches!(
                    graph
                        .connection_property(c, "signal")
                        .and_then(PropertyValue::as_text),
                    Some("metrics" | "all") | None
                )
        };
        // Where a component's metrics go: the store itself, or a collector on the way.
        let destination = |component: &Component| -> Option<&'a Component> {
            graph
                .connections(component, Direction::Outgoing, None)
                .into_iter()
                .filter(|c| metrics_sink(c))
                .filter_map(|c| doc.component(c.to.as_str()))
                .find(|sink| graph.has_trait(sink, Trait::Metrics))
        };
        let mut scraped = Vec::new();
        let mut collectors: Vec<(&'a Component, String)> = Vec::new();
        let mut unscraped = Vec::new();
        let mut unexported = Vec::new();
        for component in doc.components() {
            let Some(sink) = destination(component) else {
                if graph.has_trait(component, Trait::Compute) {
                    unscraped.push(component);
                }
                continue;
            };
            if is_store(graph, component) {
                match graph.kind(component).and_then(|k| k.metrics.as_ref()) {
                    Some(exporter) => scraped.push(Scraped {
                        component,
                        target: format!(
                            "{}:{}",
                            exporter.host(component.id.as_str()),
                            exporter.port
                        ),
                        via: None,
                        requests: None,
                        min_instances: 1,
                        exporter: Some(exporter),
                        replica: facts.replica_of(component).is_some(),
                    }),
                    None => unexported.push(component),
                }
                continue;
            }
            if graph.has_trait(component, Trait::TelemetrySink) {
                // A collector forwarding to the store: scraped on its exporter's port.
                let port = graph.int(component, "metrics_port").unwrap_or(DEFAULT_PORT);
                collectors.push((component, format!("{}:{port}", component.id)));
                continue;
            }
            let via = (Some(sink.id.as_str()) != store.map(|s| s.id.as_str())).then_some(sink);
            let port = graph.int(component, "port").unwrap_or(DEFAULT_PORT);
            scraped.push(Scraped {
                component,
                target: format!("{}:{port}", component.id),
                via,
                requests: request_metrics(graph, component),
                min_instances: facts.instance_bounds(component).0,
                exporter: None,
                replica: false,
            });
        }
        let targets = &doc.meta.targets;
        let capacity = &graph.analysis().capacity;
        let objectives = scraped
            .iter()
            .filter_map(|s| {
                let requests = s.requests?;
                let entry = serves_entry(graph, s.component);
                Some(ServiceObjectives {
                    component: s.component,
                    requests,
                    entry,
                    availability: targets.availability_slo.filter(|_| entry),
                    p99_ms: targets.p99_latency_ms.filter(|_| entry),
                    per_instance_rps: capacity
                        .components
                        .iter()
                        .find(|c| c.component == s.component.id.as_str())
                        .map(|c| c.per_instance_rps)
                        .filter(|rps| *rps > 0.0),
                    own_latency: own_latency(graph, s.component, requests),
                })
            })
            .collect();
        let router = store.and_then(|store| {
            graph
                .neighbours(store, Direction::Outgoing, Some("alert"))
                .into_iter()
                .next()
        });
        let mut routes = Vec::new();
        if let Some(router) = router {
            for connection in graph.connections(router, Direction::Outgoing, Some("alert")) {
                let severity = match graph
                    .connection_property(connection, "severity")
                    .and_then(PropertyValue::as_text)
                {
                    Some("ticket" | "info") => Severity::Ticket,
                    _ => Severity::Page,
                };
                if let Some(receiver) = doc.component(connection.to.as_str()) {
                    routes.push(Route { severity, receiver });
                }
            }
        }
        Self {
            store,
            router,
            scraped,
            collectors,
            unscraped,
            unexported,
            objectives,
            routes,
            rpo_minutes: targets.rpo_minutes,
        }
    }
}

/// The operations served by `service`, in the style its requests are measured in, that
/// state a latency objective of their own; one per name.
fn own_latency<'a>(
    graph: &ArchGraph<'a>,
    service: &Component,
    requests: RequestMetrics,
) -> Vec<&'a Operation> {
    let mut seen = std::collections::BTreeSet::new();
    graph
        .connections(service, Direction::Incoming, None)
        .into_iter()
        .filter(|c| {
            let api = graph
                .catalog()
                .connection_kind(c.kind.as_str())
                .and_then(|k| k.api);
            matches!(
                (requests, api),
                (RequestMetrics::Http, Some(ApiStyle::Http))
                    | (RequestMetrics::Grpc, Some(ApiStyle::Rpc))
            )
        })
        .flat_map(|c| c.operations.iter())
        .filter(|o| o.p99_ms.is_some())
        .filter(|o| seen.insert(o.name.as_str()))
        .collect()
}

/// Whether `component` keeps data or messages (a datastore, cache or broker): its metrics
/// are read through an exporter, and its dashboard is a USE one.
pub fn is_store(graph: &ArchGraph<'_>, component: &Component) -> bool {
    [Trait::Datastore, Trait::Cache, Trait::Broker]
        .into_iter()
        .any(|t| graph.has_trait(component, t))
        || graph.kind(component).is_some_and(|k| k.metrics.is_some())
}

/// Whether requests enter the system at `component`: a router, a client, an external
/// system or a public entry calls it over an API.
fn serves_entry(graph: &ArchGraph<'_>, component: &Component) -> bool {
    graph.any_neighbour(component, Direction::Incoming, None, |caller| {
        graph.is_router(caller)
            || graph.has_trait(caller, Trait::Client)
            || graph.has_trait(caller, Trait::External)
            || graph.has_trait(caller, Trait::PublicEntry)
    })
}

/// How a service's requests are measured: by the API style of its inbound calls (HTTP wins
/// when it has both); `None` when nothing calls it over an API, or it is not the team's code.
fn request_metrics(graph: &ArchGraph<'_>, component: &Component) -> Option<RequestMetrics> {
    // The OpenTelemetry names are what the team's code emits; a proxy or a managed
    // service names its metrics its own way.
    if !graph.kind(component).is_some_and(|k| k.runs.is_own_code()) {
        return None;
    }
    let styles: Vec<ApiStyle> = graph
        .connections(component, Direction::Incoming, None)
        .into_iter()
        .filter_map(|c| graph.catalog().connection_kind(c.kind.as_str())?.api)
        .collect();
    if styles.contains(&ApiStyle::Http) {
        Some(RequestMetrics::Http)
    } else if styles.contains(&ApiStyle::Rpc) {
        Some(RequestMetrics::Grpc)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_written_as_the_histogram_buckets_are() {
        assert_eq!(RequestMetrics::Http.bucket(250), "0.25");
        assert_eq!(RequestMetrics::Http.bucket(1000), "1");
        assert_eq!(RequestMetrics::Grpc.bucket(250), "250");
    }
}
