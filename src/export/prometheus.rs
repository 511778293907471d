//! Prometheus and Alertmanager configuration from the model (see [`crate::monitoring`]): a
//! folder with `prometheus.yml` (a scrape job per component that sends metrics, the rule
//! files, the Alertmanager the model draws), `rules/recording.yml` (each service's error and
//! slow-request ratios over every burn-rate window), `rules/alerts.yml` (multi-window
//! burn-rate alerts for the availability and p99 latency objectives, instances down, and
//! saturation from the capacity analysis) and `alertmanager.yml` (routes by severity to the
//! on-call components the alert connections reach).
//!
//! User text reaches YAML only through the serialiser; in alert annotations, which
//! Prometheus expands as Go templates, `{{` is written as a template that prints it.

use std::collections::BTreeMap;

use serde::Serialize;

use super::listing::{Listed, readme};
use super::{ExportError, ExportOptions, Exported, Exporter, Format, Output, generated_yaml};
use crate::catalog::{Catalog, MetricsExporter, Trait};
use crate::graph::ArchGraph;
use crate::model::{Document, slugify};
use crate::monitoring::{
    BURN_WINDOWS, Monitoring, RATE_WINDOWS, Scraped, ServiceObjectives, Severity,
};

#[derive(Debug)]
pub struct PrometheusExporter;

/// The share of the capacity an instance may run at before a saturation ticket.
pub const SATURATION_SHARE: f64 = 0.8;
/// The share of requests a p99 objective lets be slower than it.
const P99_BUDGET: f64 = 0.01;
/// Port of the Alertmanager API when the catalog names no local image for the router.
const ALERTMANAGER_PORT: u16 = 9093;

#[derive(Serialize)]
struct PrometheusConfig {
    global: Global,
    rule_files: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    alerting: Option<Alerting>,
    scrape_configs: Vec<ScrapeConfig>,
}

#[derive(Serialize)]
struct Global {
    scrape_interval: &'static str,
    evaluation_interval: &'static str,
    external_labels: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
struct Alerting {
    alertmanagers: Vec<StaticConfigs>,
}

#[derive(Serialize)]
struct StaticConfigs {
    static_configs: Vec<StaticConfig>,
}

#[derive(Serialize)]
struct StaticConfig {
    targets: Vec<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    labels: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
struct ScrapeConfig {
    job_name: String,
    metrics_path: &'static str,
    /// Keep the `job` the collector's exporter sets from each service's `service.name`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    honor_labels: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    static_configs: Vec<StaticConfig>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    dns_sd_configs: Vec<DnsSdConfig>,
}

/// Every instance behind a service's host name (its A records), so each replica is a
/// target of its own and `up` counts instances.
#[derive(Serialize)]
struct DnsSdConfig {
    names: Vec<String>,
    #[serde(rename = "type")]
    record: &'static str,
    port: u16,
}

#[derive(Serialize)]
struct RuleFile {
    groups: Vec<RuleGroup>,
}

#[derive(Serialize)]
pub(crate) struct RuleGroup {
    pub name: String,
    pub rules: Vec<Rule>,
}

#[derive(Serialize)]
pub(crate) struct Rule {
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alert: Option<String>,
    pub expr: String,
    #[serde(rename = "for", skip_serializing_if = "Option::is_none")]
    for_: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    annotations: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
struct AlertmanagerConfig {
    route: RouteConfig,
    receivers: Vec<Receiver>,
}

#[derive(Serialize)]
struct RouteConfig {
    receiver: String,
    group_by: Vec<&'static str>,
    group_wait: &'static str,
    group_interval: &'static str,
    repeat_interval: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    routes: Vec<ChildRoute>,
}

#[derive(Serialize)]
struct ChildRoute {
    receiver: String,
    matchers: Vec<String>,
    #[serde(rename = "continue")]
    continue_: bool,
}

#[derive(Serialize, Default)]
struct Receiver {
    name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pagerduty_configs: Vec<PagerDuty>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    opsgenie_configs: Vec<Opsgenie>,
}

#[derive(Serialize)]
struct PagerDuty {
    routing_key_file: String,
    /// PagerDuty's event severity: `critical` pages, `warning` is low urgency.
    severity: &'static str,
}

#[derive(Serialize)]
struct Opsgenie {
    api_key_file: String,
    /// Opsgenie's priority: P1 pages, P3 waits for working hours.
    priority: &'static str,
}

impl Exporter for PrometheusExporter {
    fn format(&self) -> &'static Format {
        &Format {
            id: "prometheus",
            label: "Prometheus + Alertmanager (scrape, SLO alerts, routes)",
            extension: None,
        }
    }

    fn export_noted(
        &self,
        doc: &Document,
        catalog: &Catalog,
        _options: &ExportOptions,
    ) -> Result<Exported, ExportError> {
        let graph = ArchGraph::new(doc, catalog);
        let monitoring = Monitoring::new(&graph);
        let mut files = BTreeMap::new();
        let mut notes = Vec::new();
        let config = prometheus_config(doc, &graph, &monitoring);
        files.insert(
            "prometheus.yml".to_owned(),
            generated_yaml("prometheus", &config)?,
        );
        // Each collector's own configuration: what it receives and where it sends each
        // signal, so the store finds metrics where it scrapes them.
        for (collector, target) in &monitoring.collectors {
            let port = target
                .rsplit_once(':')
                .and_then(|(_, p)| p.parse().ok())
                .unwrap_or(8889);
            let (config, unforwarded) = super::collector::config(&graph, collector, port);
            let file = super::collector::config_path(collector.id.as_str());
            files.insert(file, generated_yaml("prometheus", &config)?);
            notes.extend(unforwarded);
        }
        let recording = RuleFile {
            groups: monitoring.objectives.iter().map(recording_group).collect(),
        };
        let recorded: usize = recording.groups.iter().map(|g| g.rules.len()).sum();
        files.insert(
            "rules/recording.yml".to_owned(),
            generated_yaml("prometheus", &recording)?,
        );
        let alerts = RuleFile {
            groups: alert_groups(&monitoring),
        };
        let alert_count: usize = alerts.groups.iter().map(|g| g.rules.len()).sum();
        files.insert(
            "rules/alerts.yml".to_owned(),
            generated_yaml("prometheus", &alerts)?,
        );
        let mut listed = vec![
            Listed {
                file: "prometheus.yml".to_owned(),
                of: monitoring
                    .store
                    .map_or_else(|| "Prometheus".to_owned(), |s| s.name.clone()),
                version: String::new(),
                holds: crate::rules::counted(
                    monitoring
                        .scraped
                        .iter()
                        .filter(|s| s.via.is_none())
                        .count()
                        + monitoring.collectors.len(),
                    "scrape job",
                ),
            },
            Listed {
                file: "rules/recording.yml".to_owned(),
                of: "error and slow-request ratios per service and window".to_owned(),
                version: String::new(),
                holds: crate::rules::counted(recorded, "recording rule"),
            },
            Listed {
                file: "rules/alerts.yml".to_owned(),
                of: alert_names(&alerts),
                version: String::new(),
                holds: crate::rules::counted(alert_count, "alert"),
            },
        ];
        for (collector, _) in &monitoring.collectors {
            listed.push(Listed {
                file: super::collector::config_path(collector.id.as_str()),
                of: collector.name.clone(),
                version: String::new(),
                holds: "OpenTelemetry collector: OTLP in, each signal to its store".to_owned(),
            });
        }
        for severity in [Severity::Page, Severity::Ticket] {
            let raised =
                alerts.groups.iter().flat_map(|g| &g.rules).any(|r| {
                    r.labels.get("severity").map(String::as_str) == Some(severity.as_str())
                });
            if raised
                && monitoring.router.is_some()
                && !monitoring.routes.iter().any(|r| r.severity == severity)
            {
                notes.push(format!(
                    "{} alerts reach nobody: the alert router has no `{}` alert connection",
                    severity.as_str(),
                    severity.as_str()
                ));
            }
        }
        if let Some(router) = monitoring.router {
            files.insert(
                "alertmanager.yml".to_owned(),
                generated_yaml("prometheus", &alertmanager_config(&graph, &monitoring))?,
            );
            listed.push(Listed {
                file: "alertmanager.yml".to_owned(),
                of: router.name.clone(),
                version: String::new(),
                holds: crate::rules::counted(monitoring.routes.len(), "route"),
            });
        } else {
            notes.push(
                "alertmanager.yml: the metrics store sends its alerts to no alert router"
                    .to_owned(),
            );
        }
        if monitoring.store.is_none() {
            notes.push("the model has no metrics store: nothing scrapes these jobs".to_owned());
        }
        if doc.meta.targets.availability_slo.is_none() {
            notes.push(
                "no error-budget alerts: the model states no availability objective (meta.targets.availability_slo)".to_owned(),
            );
        }
        if doc.meta.targets.p99_latency_ms.is_none() {
            notes.push(
                "no latency alerts: the model states no p99 latency objective (meta.targets.p99_latency_ms)".to_owned(),
            );
        }
        if let Some(p99) = doc.meta.targets.p99_latency_ms {
            let held: Vec<String> = monitoring
                .objectives
                .iter()
                .filter(|o| o.p99_ms.is_some())
                .map(|o| {
                    format!(
                        "{} ({} {})",
                        o.component.id,
                        o.requests.histogram(),
                        o.requests.bucket(p99)
                    )
                })
                .chain(monitoring.objectives.iter().flat_map(|o| {
                    o.own_latency.iter().filter_map(move |operation| {
                        Some(format!(
                            "{} {} ({} {})",
                            o.component.id,
                            operation.name,
                            o.requests.histogram(),
                            o.requests.bucket(operation.p99_ms?)
                        ))
                    })
                }))
                .collect();
            if !held.is_empty() {
                notes.push(format!(
                    "latency alerts need a histogram bucket at the {p99} ms objective in: {}",
                    held.join(", ")
                ));
            }
        }
        let exporters: Vec<String> = monitoring
            .scraped
            .iter()
            .filter_map(|s| {
                let exporter = s.exporter?;
                Some(match &exporter.image {
                    Some(image) => format!("{} through {image} at {}", s.component.id, s.target),
                    None => format!("{} on its own endpoint {}", s.component.id, s.target),
                })
            })
            .collect();
        if !exporters.is_empty() {
            notes.push(format!(
                "stores and brokers are scraped through their exporter, which runs beside each (the compose export runs them; on a cloud, run each where it reaches its store): {}",
                exporters.join("; ")
            ));
        }
        if !monitoring.unexported.is_empty() {
            let names: Vec<&str> = monitoring
                .unexported
                .iter()
                .map(|c| c.name.as_str())
                .collect();
            notes.push(format!(
                "not scraped, the catalog knows no metrics exporter for their kind: {}",
                names.join(", ")
            ));
        }
        if !monitoring.unscraped.is_empty() {
            let names: Vec<&str> = monitoring
                .unscraped
                .iter()
                .map(|c| c.name.as_str())
                .collect();
            notes.push(format!(
                "not scraped, they send no metrics: {}",
                names.join(", ")
            ));
        }
        files.insert(
            "README.md".to_owned(),
            readme(
                "Prometheus configuration",
                &doc.meta.name,
                "Configures",
                &listed,
                &notes,
            ),
        );
        Ok(Exported {
            output: Output::Folder(files),
            notes,
        })
    }
}

fn prometheus_config(
    doc: &Document,
    graph: &ArchGraph<'_>,
    monitoring: &Monitoring<'_>,
) -> PrometheusConfig {
    let mut external_labels = BTreeMap::new();
    external_labels.insert("model", slugify(&doc.meta.name));
    let alerting = monitoring.router.map(|router| {
        let port = graph
            .kind(router)
            .and_then(|k| k.local.as_ref())
            .map_or(ALERTMANAGER_PORT, |l| l.port);
        Alerting {
            alertmanagers: vec![StaticConfigs {
                static_configs: vec![StaticConfig {
                    targets: vec![format!("{}:{port}", router.id)],
                    labels: BTreeMap::new(),
                }],
            }],
        }
    });
    PrometheusConfig {
        global: Global {
            scrape_interval: "15s",
            evaluation_interval: "15s",
            external_labels,
        },
        rule_files: vec!["rules/recording.yml", "rules/alerts.yml"],
        alerting,
        scrape_configs: monitoring
            .scraped
            .iter()
            .filter(|s| s.via.is_none())
            .map(|s| {
                let (host, port) = s.target.rsplit_once(':').unwrap_or((&s.target, "8080"));
                ScrapeConfig {
                    job_name: s.component.id.to_string(),
                    metrics_path: "/metrics",
                    honor_labels: false,
                    static_configs: Vec::new(),
                    dns_sd_configs: vec![DnsSdConfig {
                        names: vec![host.to_owned()],
                        record: "A",
                        port: port.parse().unwrap_or(8080),
                    }],
                }
            })
            .chain(
                monitoring
                    .collectors
                    .iter()
                    .map(|(collector, target)| ScrapeConfig {
                        job_name: collector.id.to_string(),
                        metrics_path: "/metrics",
                        honor_labels: true,
                        static_configs: vec![StaticConfig {
                            targets: vec![target.clone()],
                            labels: BTreeMap::new(),
                        }],
                        dns_sd_configs: Vec::new(),
                    }),
            )
            .collect(),
    }
}

/// A recorded series name: `job:slo_errors_per_request:ratio_rate1h`.
fn ratio(what: &str, window: &str) -> String {
    format!("job:slo_{what}:ratio_rate{window}")
}

fn recording_group(objectives: &ServiceObjectives<'_>) -> RuleGroup {
    let job = objectives.component.id.as_str();
    let metrics = objectives.requests;
    let histogram = metrics.histogram();
    let mut rules = Vec::new();
    // Operations held to their own latency objective leave the service's: their series
    // are dropped by route and method (or gRPC method) before the sums.
    // Label matchers whose union is every request but theirs: plain matchers, so the sums
    // never depend on whether their series exist at the moment.
    let others = metrics.other_than(&objectives.own_latency);
    let without_own = |series: &str, extra: &str, window: &str| {
        others
            .iter()
            .map(|matcher| {
                format!("rate({histogram}_{series}{{job=\"{job}\"{extra}{matcher}}}[{window}])")
            })
            .collect::<Vec<_>>()
            .join(" or ")
    };
    for window in RATE_WINDOWS {
        let all = format!("sum by (job) (rate({histogram}_count{{job=\"{job}\"}}[{window}]))");
        let latency_all = format!("sum by (job) ({})", without_own("count", "", window));
        if objectives.availability.is_some() {
            rules.push(Rule {
                record: Some(ratio("errors_per_request", window)),
                alert: None,
                expr: format!(
                    "sum by (job) (rate({histogram}_count{{job=\"{job}\",{}}}[{window}])) / {all}",
                    metrics.error_matcher()
                ),
                for_: None,
                labels: BTreeMap::new(),
                annotations: BTreeMap::new(),
            });
        }
        if let Some(p99) = objectives.p99_ms {
            rules.push(Rule {
                record: Some(ratio("slow_requests", window)),
                alert: None,
                expr: format!(
                    "1 - sum by (job) ({}) / {latency_all}",
                    without_own(
                        "bucket",
                        &format!(",{}", metrics.bucket_matcher(p99)),
                        window
                    )
                ),
                for_: None,
                labels: BTreeMap::new(),
                annotations: BTreeMap::new(),
            });
        }
        // Each such operation's own ratio, told apart by an `operation` label.
        for operation in &objectives.own_latency {
            let Some(p99) = operation.p99_ms else {
                continue;
            };
            let matcher = metrics.operation_matcher(operation);
            rules.push(Rule {
                record: Some(ratio("slow_requests", window)),
                alert: None,
                expr: format!(
                    "1 - sum by (job) (rate({histogram}_bucket{{job=\"{job}\",{matcher},{}}}[{window}])) / sum by (job) (rate({histogram}_count{{job=\"{job}\",{matcher}}}[{window}]))",
                    metrics.bucket_matcher(p99)
                ),
                for_: None,
                labels: BTreeMap::from([("operation", operation.name.clone())]),
                annotations: BTreeMap::new(),
            });
        }
    }
    RuleGroup {
        name: format!("slo-{job}"),
        rules,
    }
}

/// The alert rules, one group per scraped component (named by its id).
pub(crate) fn alert_groups(monitoring: &Monitoring<'_>) -> Vec<RuleGroup> {
    monitoring
        .scraped
        .iter()
        .map(|s| {
            let objectives = monitoring
                .objectives
                .iter()
                .find(|o| o.component.id == s.component.id);
            alert_group(s, objectives, monitoring.rpo_minutes)
        })
        .chain(monitoring.collectors.iter().map(|(collector, _)| {
            let job = collector.id.as_str();
            RuleGroup {
                name: job.to_owned(),
                rules: vec![Rule {
                    record: None,
                    alert: Some("CollectorDown".to_owned()),
                    expr: format!(
                        "sum by (job) (up{{job=\"{job}\"}}) == 0 or absent(up{{job=\"{job}\"}})"
                    ),
                    for_: Some("2m".to_owned()),
                    labels: [
                        ("severity", Severity::Page.as_str().to_owned()),
                        ("service", job.to_owned()),
                    ]
                    .into_iter()
                    .collect(),
                    annotations: [(
                        "summary",
                        annotation(&format!(
                            "{} answers no scrape: the metrics of every service behind it, and the alerts on them, are gone",
                            collector.name
                        )),
                    )]
                    .into_iter()
                    .collect(),
                }],
            }
        }))
        .collect()
}

/// Text for an annotation: `{{` would start a Go template, so it is printed by one.
fn annotation(text: &str) -> String {
    text.replace("{{", "{{ \"{{\" }}")
}

fn alert_group(
    scraped: &Scraped<'_>,
    objectives: Option<&ServiceObjectives<'_>>,
    rpo_minutes: Option<u32>,
) -> RuleGroup {
    let component = scraped.component;
    let job = component.id.as_str();
    let name = &component.name;
    let mut rules = Vec::new();
    let labels = |severity: Severity, extra: &[(&'static str, String)]| {
        let mut labels = BTreeMap::new();
        labels.insert("severity", severity.as_str().to_owned());
        labels.insert("service", job.to_owned());
        for (key, value) in extra {
            labels.insert(*key, value.clone());
        }
        labels
    };
    if let Some(objectives) = objectives {
        let burns = [
            (
                "ErrorBudgetBurn",
                "errors_per_request",
                objectives
                    .availability
                    .map(|slo| (1.0 - slo / 100.0, format!("{slo}% availability"))),
            ),
            (
                "LatencyBudgetBurn",
                "slow_requests",
                objectives
                    .p99_ms
                    .map(|p99| (P99_BUDGET, format!("p99 latency of {p99} ms"))),
            ),
        ];
        // The service's own objectives, then each operation held to its own latency: its
        // series carry an `operation` label the service's do not.
        let own = objectives.own_latency.iter().filter_map(|o| {
            o.p99_ms.map(|p99| {
                (
                    "LatencyBudgetBurn",
                    "slow_requests",
                    Some((
                        P99_BUDGET,
                        format!("p99 latency of {p99} ms for {}", o.name),
                    )),
                    Some(o.name.as_str()),
                )
            })
        });
        let burns = burns
            .into_iter()
            .map(|(alert, series, objective)| (alert, series, objective, None))
            .chain(own);
        for (alert, series, objective, operation) in burns {
            let Some((budget, objective)) = objective else {
                continue;
            };
            let selector = match operation {
                Some(name) => format!("{{job=\"{job}\",operation=\"{name}\"}}"),
                // Only a service with such operations records series that carry the label.
                None if !objectives.own_latency.is_empty() => {
                    format!("{{job=\"{job}\",operation=\"\"}}")
                }
                None => format!("{{job=\"{job}\"}}"),
            };
            for window in BURN_WINDOWS {
                let threshold = window.factor * budget;
                let mut extra = vec![("window", window.long.to_owned())];
                if let Some(name) = operation {
                    extra.push(("operation", name.to_owned()));
                }
                rules.push(Rule {
                    record: None,
                    alert: Some(alert.to_owned()),
                    expr: format!(
                        "{long}{selector} > {threshold} and {short}{selector} > {threshold}",
                        long = ratio(series, window.long),
                        short = ratio(series, window.short),
                        threshold = round(threshold),
                    ),
                    for_: None,
                    labels: labels(window.severity, &extra),
                    annotations: [
                        (
                            "summary",
                            annotation(&format!(
                                "{name} is spending its {objective} budget {}x as fast as a 30-day budget allows (over {} and {})",
                                window.factor, window.long, window.short
                            )),
                        ),
                    ]
                    .into_iter()
                    .collect(),
                });
            }
        }
        // Instances are counted by `up`, which only a scrape of the service gives.
        if let Some(per_instance) = objectives
            .per_instance_rps
            .filter(|_| scraped.via.is_none())
        {
            let histogram = objectives.requests.histogram();
            rules.push(Rule {
                record: None,
                alert: Some("SaturationHigh".to_owned()),
                expr: format!(
                    "sum by (job) (rate({histogram}_count{{job=\"{job}\"}}[5m])) / count by (job) (up{{job=\"{job}\"}} == 1) > {}",
                    round(SATURATION_SHARE * per_instance)
                ),
                for_: Some("15m".to_owned()),
                labels: labels(Severity::Ticket, &[]),
                annotations: [(
                    "summary",
                    annotation(&format!(
                        "{name} instances serve over {}% of the {} requests per second one instance handles",
                        (SATURATION_SHARE * 100.0).round(),
                        round(per_instance)
                    )),
                )]
                .into_iter()
                .collect(),
            });
        }
    }
    // Through a collector there is no scrape of the service, so no `up` to count; a service
    // whose requests stop being measured leaves its burn alerts blind, which a ticket says.
    if let (Some(collector), Some(objectives)) = (scraped.via, objectives)
        && (objectives.availability.is_some() || objectives.p99_ms.is_some())
    {
        rules.push(Rule {
            record: None,
            alert: Some("SliMissing".to_owned()),
            expr: format!(
                "absent({}_count{{job=\"{job}\"}})",
                objectives.requests.histogram()
            ),
            for_: Some("15m".to_owned()),
            labels: labels(Severity::Ticket, &[]),
            annotations: [(
                "summary",
                annotation(&format!(
                    "No request of {name} is measured through {}: its objective's alerts cannot fire",
                    collector.name
                )),
            )]
            .into_iter()
            .collect(),
        });
    }
    if scraped.via.is_some() {
        return RuleGroup {
            name: job.to_owned(),
            rules,
        };
    }
    // A replica's loss costs no request at once: it is a ticket, its lag against the
    // recovery point objective too.
    let down = if scraped.replica {
        Severity::Ticket
    } else {
        Severity::Page
    };
    if let Some(exporter) = scraped.exporter {
        let up = MetricsExporter::query(&exporter.up, job);
        rules.push(Rule {
            record: None,
            alert: Some("StoreDown".to_owned()),
            expr: format!("{up} == 0"),
            for_: Some("2m".to_owned()),
            labels: labels(down, &[]),
            annotations: [(
                "summary",
                annotation(&format!("{name} does not answer its metrics exporter")),
            )]
            .into_iter()
            .collect(),
        });
        if let Some(alert) = &exporter.alert {
            rules.push(Rule {
                record: None,
                alert: Some(alert.name.clone()),
                expr: MetricsExporter::query(&alert.expr, job),
                for_: Some(alert.for_.clone()),
                labels: labels(Severity::Ticket, &[]),
                annotations: [("summary", annotation(&format!("{name} {}", alert.summary)))]
                    .into_iter()
                    .collect(),
            });
        }
        if let (true, Some(lag)) = (scraped.replica, &exporter.replica_lag) {
            // Halfway to the recovery point objective (without one, to five minutes): time
            // to act before a failover would lose more than the design promises.
            let limit = u64::from(rpo_minutes.unwrap_or(5)) * 30;
            rules.push(Rule {
                record: None,
                alert: Some("ReplicationLagHigh".to_owned()),
                expr: format!("{} > {limit}", MetricsExporter::query(lag, job)),
                for_: Some("5m".to_owned()),
                labels: labels(Severity::Ticket, &[]),
                annotations: [(
                    "summary",
                    annotation(&format!(
                        "{name} is over {limit} s behind its primary, half the recovery point objective: a failover to it soon loses more than the design allows"
                    )),
                )]
                .into_iter()
                .collect(),
            });
        }
    }
    let unanswered = match scraped.exporter {
        Some(_) => format!("The metrics exporter of {name} answers no scrape"),
        None => format!("No instance of {name} answers its metrics scrape"),
    };
    rules.push(Rule {
        record: None,
        alert: Some("InstancesDown".to_owned()),
        // `absent` keeps it firing when discovery finds no instance at all.
        expr: format!("sum by (job) (up{{job=\"{job}\"}}) == 0 or absent(up{{job=\"{job}\"}})"),
        for_: Some("2m".to_owned()),
        labels: labels(down, &[]),
        annotations: [("summary", annotation(&unanswered))].into_iter().collect(),
    });
    if scraped.min_instances > 1 {
        rules.push(Rule {
            record: None,
            alert: Some("InstancesBelowMinimum".to_owned()),
            expr: format!(
                "sum by (job) (up{{job=\"{job}\"}}) < {}",
                scraped.min_instances
            ),
            for_: Some("10m".to_owned()),
            labels: labels(Severity::Ticket, &[]),
            annotations: [(
                "summary",
                annotation(&format!(
                    "Fewer than the {} instances of {name} the design runs are up",
                    scraped.min_instances
                )),
            )]
            .into_iter()
            .collect(),
        });
    }
    RuleGroup {
        name: job.to_owned(),
        rules,
    }
}

/// What the alerts file holds, by alert name: `alerts: ErrorBudgetBurn, InstancesDown`.
fn alert_names(alerts: &RuleFile) -> String {
    let names: std::collections::BTreeSet<&str> = alerts
        .groups
        .iter()
        .flat_map(|g| &g.rules)
        .filter_map(|r| r.alert.as_deref())
        .collect();
    if names.is_empty() {
        "no alerts".to_owned()
    } else {
        format!(
            "alerts: {}",
            names.into_iter().collect::<Vec<_>>().join(", ")
        )
    }
}

/// A threshold with no float noise (`0.0144`, not `0.014400000000000001`).
fn round(value: f64) -> f64 {
    (value * 1e6).round() / 1e6
}

fn alertmanager_config(graph: &ArchGraph<'_>, monitoring: &Monitoring<'_>) -> AlertmanagerConfig {
    let mut receivers: Vec<Receiver> = Vec::new();
    let mut routes = Vec::new();
    // One receiver per on-call component and severity: a ticket reaches the on-call tool as
    // low urgency (its own integration key), never as a page.
    for route in &monitoring.routes {
        let severity = route.severity.as_str();
        let name = format!("{}-{severity}", route.receiver.id);
        if !receivers.iter().any(|r| r.name == name) {
            // An external on-call service is reached through its integration, with a key
            // Alertmanager reads from a file kept out of the configuration.
            let mut receiver = Receiver {
                name: name.clone(),
                ..Receiver::default()
            };
            if graph.has_trait(route.receiver, Trait::External) {
                let key = format!("/etc/alertmanager/secrets/{name}");
                let paging = route.severity == Severity::Page;
                match graph.text(route.receiver, "integration") {
                    Some("opsgenie") => receiver.opsgenie_configs.push(Opsgenie {
                        api_key_file: key,
                        priority: if paging { "P1" } else { "P3" },
                    }),
                    _ => receiver.pagerduty_configs.push(PagerDuty {
                        routing_key_file: key,
                        severity: if paging { "critical" } else { "warning" },
                    }),
                }
            }
            receivers.push(receiver);
        }
        routes.push(ChildRoute {
            receiver: name,
            matchers: vec![format!("severity=\"{severity}\"")],
            // Severities are exclusive: the first matching route is the only one.
            continue_: false,
        });
    }
    // Alerts no route takes (none, when every severity has one) land here and go nowhere.
    receivers.push(Receiver {
        name: "unrouted".to_owned(),
        ..Receiver::default()
    });
    AlertmanagerConfig {
        route: RouteConfig {
            receiver: "unrouted".to_owned(),
            group_by: vec!["alertname", "service"],
            group_wait: "30s",
            group_interval: "5m",
            repeat_interval: "4h",
            routes,
        },
        receivers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_cannot_start_a_template() {
        assert_eq!(annotation("a {{ .Foo }} b"), "a {{ \"{{\" }} .Foo }} b");
    }
}
