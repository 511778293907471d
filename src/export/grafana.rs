//! Grafana dashboards from the model (see [`crate::monitoring`]): a RED dashboard per
//! service whose requests are measured (rate, errors against the error budget, p50 and p99
//! latency against the objective, instances and load per instance against the capacity the
//! saturation alert uses), with the provisioning that loads them and the metrics store as
//! the data source. The compose export mounts the folder into its Grafana.
//!
//! A USE dashboard per store or broker whose metrics the model sends to the metrics store
//! (utilization, saturation and errors from the catalog's queries for its kind's exporter).
//! Only what the model measures is drawn: nothing is queried that the Prometheus export
//! does not scrape. User text reaches JSON and YAML only through the serialisers.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::listing::{Listed, readme};
use super::prometheus::SATURATION_SHARE;
use super::{ExportError, ExportOptions, Exported, Exporter, Format, Output, generated_yaml};
use crate::catalog::{Catalog, MetricsExporter, UsePanel};
use crate::graph::ArchGraph;
use crate::model::Document;
use crate::monitoring::{Monitoring, RequestMetrics, Scraped, ServiceObjectives, is_store};

#[derive(Debug)]
pub struct GrafanaExporter;

/// The data source every panel queries: the model's metrics store.
const DATASOURCE_UID: &str = "prometheus";
/// Where the compose stack mounts the dashboards.
const DASHBOARDS_PATH: &str = "/var/lib/grafana/dashboards";
/// The dashboard JSON model version the panels are written for (Grafana 11).
const SCHEMA_VERSION: u32 = 39;
/// Grafana keeps dashboard uids to 40 characters.
const MAX_UID: usize = 40;

impl Exporter for GrafanaExporter {
    fn format(&self) -> &'static Format {
        &Format {
            id: "grafana",
            label: "Grafana dashboards (RED per service, USE per store) and provisioning",
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
        let mut listed = Vec::new();
        let mut notes = Vec::new();
        for scraped in &monitoring.scraped {
            if let Some(exporter) = scraped.exporter {
                let file = format!("dashboards/{}.json", scraped.component.id);
                listed.push(Listed {
                    file: file.clone(),
                    of: scraped.component.name.clone(),
                    version: String::new(),
                    holds: "utilization, saturation, errors".to_owned(),
                });
                files.insert(file, json_bytes(&use_dashboard(doc, scraped, exporter))?);
                continue;
            }
            let Some(objectives) = monitoring
                .objectives
                .iter()
                .find(|o| o.component.id == scraped.component.id)
            else {
                continue;
            };
            let dashboard = red_dashboard(doc, scraped, objectives);
            let file = format!("dashboards/{}.json", scraped.component.id);
            listed.push(Listed {
                file: file.clone(),
                of: scraped.component.name.clone(),
                version: String::new(),
                // Instances are counted by `up`, which only a scrape of the service gives.
                holds: if scraped.via.is_none() {
                    "rate, errors, duration, instances"
                } else {
                    "rate, errors, duration"
                }
                .to_owned(),
            });
            files.insert(file, json_bytes(&dashboard)?);
        }
        let unmeasured_stores: Vec<&str> = doc
            .components()
            .iter()
            .filter(|c| is_store(&graph, c))
            .filter(|c| !monitoring.scraped.iter().any(|s| s.component.id == c.id))
            .filter(|c| !monitoring.unexported.iter().any(|u| u.id == c.id))
            .map(|c| c.name.as_str())
            .collect();
        if !unmeasured_stores.is_empty() {
            notes.push(format!(
                "no USE dashboard for stores and brokers whose metrics the model sends nowhere (add a telemetry connection from each to the metrics store): {}",
                unmeasured_stores.join(", ")
            ));
        }
        if !monitoring.unexported.is_empty() {
            let names: Vec<&str> = monitoring
                .unexported
                .iter()
                .map(|c| c.name.as_str())
                .collect();
            notes.push(format!(
                "no USE dashboard, the catalog knows no metrics exporter for their kind: {}",
                names.join(", ")
            ));
        }
        let Some(store) = monitoring.store else {
            notes.push(
                "the model has no metrics store: the dashboards have no data source".to_owned(),
            );
            files.insert(
                "README.md".to_owned(),
                readme(
                    "Grafana dashboards",
                    &doc.meta.name,
                    "Shows",
                    &listed,
                    &notes,
                ),
            );
            return Ok(Exported {
                output: Output::Folder(files),
                notes,
            });
        };
        let port = graph
            .kind(store)
            .and_then(|k| k.local.as_ref())
            .map_or(9090, |l| l.port);
        files.insert(
            "provisioning/datasources/archsmith.yml".to_owned(),
            generated_yaml(
                "grafana",
                &json!({
                    "apiVersion": 1,
                    "datasources": [{
                        "name": store.name,
                        "uid": DATASOURCE_UID,
                        "type": "prometheus",
                        "access": "proxy",
                        "url": format!("http://{}:{port}", store.id),
                        "isDefault": true,
                    }],
                }),
            )?,
        );
        files.insert(
            "provisioning/dashboards/archsmith.yml".to_owned(),
            generated_yaml(
                "grafana",
                &json!({
                    "apiVersion": 1,
                    "providers": [{
                        "name": "archsmith",
                        "type": "file",
                        "disableDeletion": true,
                        "options": { "path": DASHBOARDS_PATH },
                    }],
                }),
            )?,
        );
        files.insert(
            "README.md".to_owned(),
            readme(
                "Grafana dashboards",
                &doc.meta.name,
                "Shows",
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

fn json_bytes(value: &Value) -> Result<Vec<u8>, ExportError> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| ExportError::Encode {
        format: "grafana",
        message: e.to_string(),
    })?;
    text.push('\n');
    Ok(text.into_bytes())
}

/// A dashboard uid from a component id: the id when it fits, else its start and a hash.
fn uid(id: &str) -> String {
    let whole = format!("archsmith-{id}");
    if whole.len() <= MAX_UID {
        return whole;
    }
    let hash = whole.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{}-{:08x}", &whole[..MAX_UID - 9], hash as u32)
}

fn panel(id: u32, title: &str, x: u32, y: u32, unit: &str, targets: &[Value]) -> Value {
    json!({
        "type": "timeseries",
        "id": id,
        "title": title,
        "gridPos": { "h": 8, "w": 12, "x": x, "y": y },
        "datasource": { "type": "prometheus", "uid": DATASOURCE_UID },
        "targets": targets,
        "fieldConfig": { "defaults": { "unit": unit }, "overrides": [] },
        "options": {},
    })
}

fn target(ref_id: &str, expr: &str, legend: &str) -> Value {
    json!({
        "refId": ref_id,
        "datasource": { "type": "prometheus", "uid": DATASOURCE_UID },
        "expr": expr,
        "legendFormat": legend,
    })
}

fn red_dashboard(
    doc: &Document,
    scraped: &Scraped<'_>,
    objectives: &ServiceObjectives<'_>,
) -> Value {
    let job = scraped.component.id.as_str();
    let metrics = objectives.requests;
    let histogram = metrics.histogram();
    let all = format!("sum(rate({histogram}_count{{job=\"{job}\"}}[5m]))");
    let errors = format!(
        "sum(rate({histogram}_count{{job=\"{job}\",{}}}[5m]))",
        metrics.error_matcher()
    );
    let unit = match metrics {
        RequestMetrics::Http => "s",
        RequestMetrics::Grpc => "ms",
    };
    let quantile = |q: &str| {
        format!(
            "histogram_quantile({q}, sum by (le) (rate({histogram}_bucket{{job=\"{job}\"}}[5m])))"
        )
    };
    let mut error_targets = vec![target("A", &format!("{errors} / {all}"), "errors")];
    if let Some(slo) = objectives.availability {
        error_targets.push(target(
            "B",
            &format!("vector({})", 1.0 - slo / 100.0),
            "error budget",
        ));
    }
    let mut latency_targets = vec![
        target("A", &quantile("0.5"), "p50"),
        target("B", &quantile("0.99"), "p99"),
    ];
    if let Some(p99) = objectives.p99_ms {
        let objective = match metrics {
            RequestMetrics::Http => f64::from(p99) / 1000.0,
            RequestMetrics::Grpc => f64::from(p99),
        };
        latency_targets.push(target(
            "C",
            &format!("vector({objective})"),
            "p99 objective",
        ));
    }
    let mut panels = vec![
        panel(
            1,
            "Requests per second",
            0,
            0,
            "reqps",
            &[target("A", &all, "requests/s")],
        ),
        panel(
            2,
            "Errors (share of requests)",
            12,
            0,
            "percentunit",
            &error_targets,
        ),
        panel(3, "Duration", 0, 8, unit, &latency_targets),
    ];
    // Instances are counted by `up`, which only a scrape of the service itself gives.
    if scraped.via.is_none() {
        let mut load = vec![target(
            "A",
            &format!("{all} / count(up{{job=\"{job}\"}} == 1)"),
            "requests/s per instance",
        )];
        if let Some(capacity) = objectives.per_instance_rps {
            load.push(target(
                "B",
                &format!(
                    "vector({})",
                    (SATURATION_SHARE * capacity * 1e3).round() / 1e3
                ),
                "saturation alert",
            ));
        }
        load.push(target(
            "C",
            &format!("sum(up{{job=\"{job}\"}})"),
            "instances up",
        ));
        panels.push(panel(
            4,
            "Instances and load per instance",
            12,
            8,
            "short",
            &load,
        ));
    }
    dashboard(
        scraped,
        "red",
        &format!(
            "Rate, errors and duration of {}, from the model {}.",
            scraped.component.name, doc.meta.name
        ),
        &panels,
    )
}

/// A dashboard of `scraped` (`method`: `red` or `use`, its tag and title suffix).
fn dashboard(scraped: &Scraped<'_>, method: &str, about: &str, panels: &[Value]) -> Value {
    json!({
        "uid": uid(scraped.component.id.as_str()),
        "title": format!("{} ({})", scraped.component.name, method.to_uppercase()),
        "description": format!("{about} Generated by Archsmith; edit the model, not this dashboard."),
        "tags": ["archsmith", method],
        "timezone": "browser",
        "editable": true,
        "graphTooltip": 1,
        "time": { "from": "now-6h", "to": "now" },
        "refresh": "1m",
        "schemaVersion": SCHEMA_VERSION,
        "templating": { "list": [] },
        "annotations": { "list": [] },
        "panels": panels,
    })
}

/// A USE dashboard for a store or broker read through its exporter: whether it answers,
/// then the catalog's utilization, saturation and errors queries for its kind.
fn use_dashboard(doc: &Document, scraped: &Scraped<'_>, exporter: &MetricsExporter) -> Value {
    let job = scraped.component.id.as_str();
    let query = |q: &str| MetricsExporter::query(q, job);
    let mut panels = vec![json!({
        "type": "stat",
        "id": 1,
        "title": "Answers its exporter",
        "gridPos": { "h": 8, "w": 12, "x": 0, "y": 0 },
        "datasource": { "type": "prometheus", "uid": DATASOURCE_UID },
        "targets": [target("A", &query(&exporter.up), "up")],
        "fieldConfig": {
            "defaults": {
                "mappings": [{
                    "type": "value",
                    "options": {
                        "0": { "text": "down", "color": "red" },
                        "1": { "text": "up", "color": "green" },
                    },
                }],
            },
            "overrides": [],
        },
        "options": {},
    })];
    // A replica's saturation that matters is how far behind its primary it is.
    let lag = scraped
        .replica
        .then_some(exporter.replica_lag.as_ref())
        .flatten()
        .map(|query| UsePanel {
            title: "Replication lag behind the primary".to_owned(),
            query: query.clone(),
            unit: "s".to_owned(),
        });
    let signals = [
        ("Utilization", &exporter.utilization, 12, 0),
        (
            "Saturation",
            lag.as_ref().unwrap_or(&exporter.saturation),
            0,
            8,
        ),
        ("Errors", &exporter.errors, 12, 8),
    ];
    for (id, (signal, use_panel, x, y)) in (2..).zip(signals) {
        panels.push(panel(
            id,
            &format!("{signal}: {}", use_panel.title),
            x,
            y,
            &use_panel.unit,
            &[target("A", &query(&use_panel.query), &use_panel.title)],
        ));
    }
    dashboard(
        scraped,
        "use",
        &format!(
            "Utilization, saturation and errors of {}, from the model {}, read through its metrics exporter.",
            scraped.component.name, doc.meta.name
        ),
        &panels,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uids_fit_grafana_and_stay_distinct() {
        assert_eq!(uid("posts-svc"), "archsmith-posts-svc");
        let a = uid(&"a".repeat(60));
        let b = uid(&format!("{}b", "a".repeat(59)));
        assert!(a.len() <= MAX_UID && b.len() <= MAX_UID);
        assert_ne!(a, b);
    }
}
