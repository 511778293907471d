//! The design document's "SLOs and alerts" section: the objectives each measured service
//! is held to, the alerts the Prometheus export writes for it (counted from the same rules
//! the export serialises), where each severity is routed, what nothing measures, and the
//! CloudWatch alarms the AWS Terraform sets. One source each, so the document states what
//! the generated files contain.

use super::content::{Block, Line, code, plain, strong, text};
use super::{Context, heading, paragraph};
use crate::export::prometheus::{SATURATION_SHARE, alert_groups};
use crate::export::terraform::cloudwatch_alarms;
use crate::facts::Facts;
use crate::model::Cloud;
use crate::monitoring::{Monitoring, Severity};
use crate::rules::counted;

pub(super) fn slos_and_alerts(cx: &Context<'_>, out: &mut Vec<Block>) {
    heading(out, 2, "SLOs and alerts");
    let monitoring = Monitoring::new(&cx.graph);
    let targets = &cx.doc.meta.targets;
    let mut objectives = Vec::new();
    if let Some(slo) = targets.availability_slo {
        objectives.push(format!("{slo}% of requests succeed"));
    }
    if let Some(p99) = targets.p99_latency_ms {
        objectives.push(format!("99% of requests answer within {p99} ms"));
    }
    out.push(Block::Paragraph(vec![
        strong("Objectives."),
        text(if objectives.is_empty() {
            " The model states no availability or latency objective (meta.targets), so no error-budget alert is written.".to_owned()
        } else {
            let entries: Vec<&str> = monitoring
                .objectives
                .iter()
                .filter(|o| o.entry)
                .map(|o| o.component.name.as_str())
                .collect();
            format!(
                " {}, over 30 days, held where requests enter the system ({}); each is alerted on by how fast it spends its error budget (1 hour and 6 hours page, 1 and 3 days open a ticket, each confirmed over a twelfth of its window). Services behind them answer to their callers' timeouts; the table below shows what else watches each.",
                capitalised(&objectives.join(" and ")),
                if entries.is_empty() {
                    "no measured service takes requests from outside".to_owned()
                } else {
                    entries.join(", ")
                }
            )
        }),
    ]));
    // Operations held to a latency objective of their own, out of their service's.
    let own: Vec<String> = monitoring
        .objectives
        .iter()
        .flat_map(|o| {
            o.own_latency.iter().filter_map(move |operation| {
                Some(format!(
                    "{} of {} (p99 {} ms)",
                    operation.name, o.component.name, operation.p99_ms?
                ))
            })
        })
        .collect();
    if !own.is_empty() {
        paragraph(
            out,
            format!(
                "Held to a latency objective of their own, and left out of their service's: {}; each is alerted on the same way.",
                own.join(", ")
            ),
        );
    }
    let groups = alert_groups(&monitoring);
    if monitoring.scraped.is_empty() {
        paragraph(
            out,
            "No component sends metrics to a metrics store, so the Prometheus export scrapes nothing and alerts on nothing.",
        );
    } else {
        let rows: Vec<Vec<Line>> = monitoring
            .scraped
            .iter()
            .map(|scraped| {
                let component = scraped.component;
                let rules: Vec<_> = groups
                    .iter()
                    .filter(|g| g.name == component.id.as_str())
                    .flat_map(|g| &g.rules)
                    .collect();
                let count = |alert: &str| {
                    let matching: Vec<_> = rules
                        .iter()
                        .filter(|r| r.alert.as_deref() == Some(alert))
                        .collect();
                    if matching.is_empty() {
                        return "none".to_owned();
                    }
                    let pages = matching
                        .iter()
                        .filter(|r| {
                            r.labels.get("severity").map(String::as_str)
                                == Some(Severity::Page.as_str())
                        })
                        .count();
                    format!(
                        "{} ({pages} page, {} ticket)",
                        matching.len(),
                        matching.len() - pages
                    )
                };
                let objectives = monitoring
                    .objectives
                    .iter()
                    .find(|o| o.component.id == component.id);
                // The same condition the alert rules apply: a capacity figure, and instances
                // counted by a scrape of the service.
                let saturation = objectives
                    .and_then(|o| o.per_instance_rps)
                    .filter(|_| scraped.via.is_none())
                    .map_or_else(
                        || "none".to_owned(),
                        |rps| {
                            // A figure the model states, or the catalog's planning figure for
                            // the instance size, which the reader should know.
                            let basis = if cx.graph.positive(component, "capacity_rps").is_some() {
                                "stated capacity"
                            } else {
                                "planning figure for its size"
                            };
                            format!(
                                "over {:.0} requests/s per instance ({:.0}% of {:.0}, {basis}) for 15 min",
                                SATURATION_SHARE * rps,
                                SATURATION_SHARE * 100.0,
                                rps
                            )
                        },
                    );
                // A store's ticket as it nears its limit, from the catalog.
                let saturation = match scraped.exporter.and_then(|e| e.alert.as_ref()) {
                    Some(alert) => format!("{} (ticket): {}", alert.name, alert.summary),
                    None => saturation,
                };
                let measured = match (objectives, scraped.exporter) {
                    (Some(o), _) => o.requests.histogram().to_owned(),
                    (None, Some(exporter)) => format!(
                        "its exporter ({})",
                        exporter.image.as_deref().unwrap_or("its own metrics endpoint")
                    ),
                    (None, None) => "up only (serves no API)".to_owned(),
                };
                let instances = if scraped.exporter.is_some() && scraped.replica {
                    "ticket when it or its exporter does not answer, or when it lags".to_owned()
                } else if scraped.exporter.is_some() {
                    "page when it or its exporter does not answer".to_owned()
                } else if let Some(collector) = scraped.via {
                    format!("not counted: metrics come through {}", collector.name)
                } else if scraped.min_instances > 1 {
                    format!(
                        "page when none answer; ticket below {}",
                        scraped.min_instances
                    )
                } else {
                    "page when none answer".to_owned()
                };
                vec![
                    vec![strong(component.name.clone())],
                    plain(measured),
                    plain(count("ErrorBudgetBurn")),
                    plain(count("LatencyBudgetBurn")),
                    plain(saturation),
                    plain(instances),
                ]
            })
            .collect();
        let total: usize = groups.iter().map(|g| g.rules.len()).sum();
        let jobs = monitoring
            .scraped
            .iter()
            .filter(|s| s.via.is_none())
            .count()
            + monitoring.collectors.len();
        out.push(Block::Paragraph(vec![
            text(format!(
                "{} on {}, written by ",
                counted(total, "alert rule"),
                counted(jobs, "scrape job")
            )),
            code("archsmith export --format prometheus"),
            text(" (which the compose export mounts):"),
        ]));
        out.push(Block::Table {
            header: vec![
                "Service",
                "Requests measured by",
                "Availability burn alerts",
                "Latency burn alerts",
                "Saturation",
                "Instances",
            ],
            rows,
        });
    }
    // The Grafana export draws one RED dashboard per service whose requests are measured,
    // and one USE dashboard per store read through its exporter.
    let red: Vec<&str> = monitoring
        .objectives
        .iter()
        .map(|o| o.component.name.as_str())
        .collect();
    let use_: Vec<&str> = monitoring
        .scraped
        .iter()
        .filter(|s| s.exporter.is_some())
        .map(|s| s.component.name.as_str())
        .collect();
    let mut kinds = Vec::new();
    if !red.is_empty() {
        kinds.push(format!(
            "{} RED (rate, errors against the budget, p50 and p99 against the objective, and instances where the service is scraped itself): {}",
            red.len(),
            red.join(", ")
        ));
    }
    if !use_.is_empty() {
        kinds.push(format!(
            "{} USE (utilization, saturation and errors, from each store's exporter): {}",
            use_.len(),
            use_.join(", ")
        ));
    }
    if !kinds.is_empty() {
        out.push(Block::Paragraph(vec![
            text("Dashboards, written by "),
            code("archsmith export --format grafana"),
            text(format!(": {}.", kinds.join("; "))),
        ]));
    }
    routing(cx, &monitoring, out);
    if !monitoring.unscraped.is_empty() {
        let names: Vec<&str> = monitoring
            .unscraped
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        out.push(Block::Paragraph(vec![
            strong("Not measured: "),
            text(format!(
                "{} send no metrics, so no alert watches them.",
                names.join(", ")
            )),
        ]));
    }
    cloudwatch(cx, out);
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

fn routing(cx: &Context<'_>, monitoring: &Monitoring<'_>, out: &mut Vec<Block>) {
    let Some(router) = monitoring.router else {
        if monitoring.store.is_some() {
            paragraph(
                out,
                "Routing: the metrics store sends its alerts to no alert router, so they reach nobody.",
            );
        }
        return;
    };
    let lines: Vec<Line> = [Severity::Page, Severity::Ticket]
        .into_iter()
        .map(|severity| {
            let receivers: Vec<String> = monitoring
                .routes
                .iter()
                .filter(|r| r.severity == severity)
                .map(|r| cx.name_of(r.receiver.id.as_str()))
                .collect();
            plain(if receivers.is_empty() {
                format!(
                    "{} alerts: nobody (no {} alert connection leaves {})",
                    severity.as_str(),
                    severity.as_str(),
                    router.name
                )
            } else {
                format!("{} alerts: {}", severity.as_str(), receivers.join(", "))
            })
        })
        .collect();
    out.push(Block::Paragraph(plain(format!(
        "Routing ({}, alertmanager.yml):",
        router.name
    ))));
    out.push(Block::List(lines));
}

/// The CloudWatch alarms the AWS Terraform sets, by component: what `observability.tf`
/// holds when the model is exported for AWS.
fn cloudwatch(cx: &Context<'_>, out: &mut Vec<Block>) {
    // Only a document about the AWS deployment states what the AWS Terraform sets.
    if cx.cloud != Some(Cloud::Aws) {
        return;
    }
    let facts = Facts::new(&cx.graph, Some(Cloud::Aws));
    let rows: Vec<Vec<Line>> = cloudwatch_alarms(&cx.graph, &facts)
        .into_iter()
        .map(|(component, alarm)| {
            vec![
                vec![strong(component.name.clone())],
                plain(format!("{} {}", alarm.namespace, alarm.metric)),
            ]
        })
        .collect();
    if rows.is_empty() {
        return;
    }
    out.push(Block::Paragraph(vec![
        text(format!(
            "On AWS, the Terraform export also sets {} CloudWatch alarms (",
            rows.len()
        )),
        code("observability.tf"),
        text(", thresholds in "),
        code("var.alarm_thresholds"),
        text(", notifying the region's alerts topic):"),
    ]));
    out.push(Block::Table {
        header: vec!["Component", "Metric"],
        rows,
    });
}
