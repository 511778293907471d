//! SLOs, alerts and routes from the model: the Prometheus export's scrape jobs, burn-rate
//! alerts and Alertmanager routes, the compose stack that mounts them, and the design
//! document's "SLOs and alerts" section, which must count what those files hold.

use std::collections::BTreeMap;

use archsmith::catalog::Catalog;
use archsmith::edit::EditOp;
use archsmith::export::{ExportOptions, Output, find_exporter};
use archsmith::model::{Cloud, ConnectionId, Document};
use archsmith::{format, samples};

fn load(text: &str) -> Document {
    format::from_str(text, "model.ron", Catalog::builtin()).expect("loads")
}

fn sample(name: &str) -> Document {
    load(
        samples::samples()
            .iter()
            .find(|s| s.name == name)
            .expect("sample")
            .text,
    )
}

fn export(doc: &Document, format_id: &str, provider: Option<Cloud>) -> BTreeMap<String, String> {
    let options = ExportOptions {
        provider,
        ..ExportOptions::default()
    };
    let output = find_exporter(format_id)
        .expect("exporter")
        .export(doc, Catalog::builtin(), &options)
        .expect("exports");
    match output {
        Output::Folder(files) => files
            .into_iter()
            .map(|(name, bytes)| (name, String::from_utf8(bytes).expect("utf-8")))
            .collect(),
        Output::File(bytes) => {
            BTreeMap::from([(String::new(), String::from_utf8(bytes).expect("utf-8"))])
        }
    }
}

fn yaml(text: &str) -> serde_yaml_ng::Value {
    serde_yaml_ng::from_str(text).expect("yaml")
}

#[test]
fn the_social_api_is_scraped_alerted_on_by_burn_rate_and_routed_to_its_on_call() {
    let doc = sample("social-api");
    let files = export(&doc, "prometheus", None);
    let config = yaml(&files["prometheus.yml"]);
    let jobs: Vec<&str> = config["scrape_configs"]
        .as_sequence()
        .expect("jobs")
        .iter()
        .filter_map(|j| j["job_name"].as_str())
        .collect();
    assert_eq!(
        jobs,
        [
            "fanout-worker",
            "media-svc",
            "posts-db",
            "posts-svc",
            "search",
            "timeline-svc",
            "timelines",
            "users-db",
            "users-svc"
        ]
    );
    assert_eq!(
        config["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"][0],
        "alertmanager:9093"
    );
    let alerts = &files["rules/alerts.yml"];
    // 99.9% availability: the 1-hour window pages at 14.4 times the 0.1% budget.
    assert!(alerts.contains(
        r#"job:slo_errors_per_request:ratio_rate1h{job="posts-svc"} > 0.0144 and job:slo_errors_per_request:ratio_rate5m{job="posts-svc"} > 0.0144"#
    ));
    // p99 of 250 ms: the share of requests over the 0.25 s bucket, 1% budget.
    let recording = &files["rules/recording.yml"];
    assert!(
        recording.contains(
            r#"http_server_request_duration_seconds_bucket{job="posts-svc",le="0.25"}[1h]"#
        )
    );
    // The users service answers gRPC too, but its HTTP API is what it is measured by.
    assert!(recording.contains(r#"http_server_request_duration_seconds_count{job="users-svc",http_response_status_code=~"5.."}[3d]"#));
    let alertmanager = yaml(&files["alertmanager.yml"]);
    assert_eq!(
        alertmanager["route"]["routes"][0]["receiver"],
        "oncall-page"
    );
    assert_eq!(
        alertmanager["route"]["routes"][0]["matchers"][0],
        "severity=\"page\""
    );
    // The model's on-call service is Opsgenie: paged through its own integration.
    assert_eq!(
        alertmanager["receivers"][0]["opsgenie_configs"][0]["api_key_file"],
        "/etc/alertmanager/secrets/oncall-page"
    );
    assert_eq!(
        alertmanager["receivers"][0]["opsgenie_configs"][0]["priority"],
        "P1"
    );
    // Each replica is a target: the service's host name is resolved to every instance.
    assert_eq!(
        config["scrape_configs"][3]["dns_sd_configs"][0]["names"][0],
        "posts-svc"
    );
    assert_eq!(
        config["scrape_configs"][3]["dns_sd_configs"][0]["port"],
        8080
    );
    // Tickets (slow burns, saturation, lost instances) have their own route.
    assert_eq!(
        alertmanager["route"]["routes"][1]["matchers"][0],
        "severity=\"ticket\""
    );
    // A ticket reaches the on-call tool at low priority, with a key of its own.
    assert_eq!(
        alertmanager["route"]["routes"][1]["receiver"],
        "oncall-ticket"
    );
    assert_eq!(
        alertmanager["receivers"][1]["opsgenie_configs"][0]["priority"],
        "P3"
    );
    assert_eq!(alertmanager["route"]["routes"][1]["continue"], false);
    assert!(!files["README.md"].contains("reach nobody"));
}

/// An operation with a latency objective of its own (placeOrder, 2 s: it waits on the card
/// issuer) leaves the entry service's 300 ms objective and is alerted on against its own.
#[test]
fn an_operation_with_its_own_latency_objective_leaves_the_services() {
    let doc = sample("ecommerce");
    let files = export(&doc, "prometheus", None);
    let recording = yaml(&files["rules/recording.yml"]);
    let rules: Vec<&serde_yaml_ng::Value> = recording["groups"]
        .as_sequence()
        .expect("groups")
        .iter()
        .flat_map(|g| g["rules"].as_sequence().expect("rules"))
        .filter(|r| r["record"] == "job:slo_slow_requests:ratio_rate1h")
        .collect();
    assert_eq!(rules.len(), 2, "{rules:?}");
    let service = rules[0]["expr"].as_str().expect("expr");
    // Plain matchers: every other route, and the other methods of placeOrder's route.
    assert!(
        service.contains(r#"rate(http_server_request_duration_seconds_count{job="storefront-bff",http_route!="/api/v1/orders"}[1h]) or rate(http_server_request_duration_seconds_count{job="storefront-bff",http_route="/api/v1/orders",http_request_method!="POST"}[1h])"#),
        "{service}"
    );
    assert!(!service.contains("unless"), "{service}");
    assert!(service.contains(r#"le="0.3""#));
    assert_eq!(rules[1]["labels"]["operation"], "placeOrder");
    let own = rules[1]["expr"].as_str().expect("expr");
    assert!(
        own.contains(r#"http_route="/api/v1/orders",http_request_method="POST",le=~"2(\\.0)?""#),
        "{own}"
    );
    let alerts = &files["rules/alerts.yml"];
    assert!(alerts.contains(
        r#"job:slo_slow_requests:ratio_rate1h{job="storefront-bff",operation="placeOrder"} > 0.144"#
    ));
    assert!(alerts.contains(
        r#"job:slo_slow_requests:ratio_rate1h{job="storefront-bff",operation=""} > 0.144"#
    ));
    let design = export(&doc, "markdown", None);
    assert!(design["design.md"].contains("placeOrder of Storefront BFF (p99 2000 ms)"));
}

/// A replica's loss costs no request at once: its alerts are tickets, and its lag is
/// watched against the model's recovery point objective (15 minutes in staywise).
#[test]
fn a_replica_is_watched_for_its_lag_against_the_recovery_point() {
    let doc = load(include_str!("fixtures/reference/staywise.ron"));
    let files = export(&doc, "prometheus", None);
    let alerts = yaml(&files["rules/alerts.yml"]);
    let group = |name: &str| {
        alerts["groups"]
            .as_sequence()
            .expect("groups")
            .iter()
            .find(|g| g["name"] == name)
            .unwrap_or_else(|| panic!("{name}"))
            .clone()
    };
    let replica = group("booking-db-dr");
    let rules = replica["rules"].as_sequence().expect("rules");
    let lag = rules
        .iter()
        .find(|r| r["alert"] == "ReplicationLagHigh")
        .expect("a lag alert");
    assert_eq!(
        lag["expr"],
        r#"max(pg_replication_lag_seconds{job="booking-db-dr"}) > 450"#
    );
    assert!(
        rules.iter().all(|r| r["labels"]["severity"] == "ticket"),
        "{rules:?}"
    );
    // The primary still pages when it does not answer.
    assert_eq!(
        group("booking-db")["rules"][0]["labels"]["severity"],
        "page"
    );
    let grafana = export(&doc, "grafana", None);
    assert!(
        grafana["dashboards/booking-db-dr.json"].contains("Replication lag behind the primary")
    );
}

/// Objectives are the users': held where requests enter, not on every internal service; a
/// service whose metrics go through a collector is not scraped itself, so nothing counts
/// its instances.
#[test]
fn objectives_are_held_at_the_entry_and_collector_metrics_are_scraped_at_the_collector() {
    let doc = sample("ecommerce");
    let files = export(&doc, "prometheus", None);
    let config = yaml(&files["prometheus.yml"]);
    let jobs = config["scrape_configs"].as_sequence().expect("jobs");
    let names: Vec<&str> = jobs.iter().filter_map(|j| j["job_name"].as_str()).collect();
    // The services only through the collector; the stores through their exporters.
    assert_eq!(
        names,
        [
            "catalog-db",
            "order-events",
            "orders-db",
            "product-search",
            "redis",
            "otel"
        ],
        "{jobs:?}"
    );
    let otel = &jobs[5];
    assert_eq!(otel["honor_labels"], true);
    assert_eq!(otel["static_configs"][0]["targets"][0], "otel:8889");
    // The collector serves there what the services send it, and forwards traces to Jaeger.
    let collector = yaml(&files["collectors/otel.yaml"]);
    assert_eq!(
        collector["exporters"]["prometheus"]["endpoint"],
        "0.0.0.0:8889"
    );
    assert_eq!(
        collector["exporters"]["otlp/jaeger"]["endpoint"],
        "jaeger:4317"
    );
    assert_eq!(
        collector["service"]["pipelines"]["metrics"]["exporters"][0],
        "prometheus"
    );
    // The compose stack mounts it, and the services send to it under their ids.
    let compose = yaml(&export(&doc, "compose", None)[""]);
    assert_eq!(
        compose["services"]["otel"]["volumes"][0],
        "./prometheus/collectors/otel.yaml:/etc/otelcol-contrib/config.yaml:ro"
    );
    let bff = &compose["services"]["storefront-bff"]["environment"];
    assert_eq!(bff["OTEL_EXPORTER_OTLP_ENDPOINT"], "http://otel:4317");
    assert_eq!(bff["OTEL_SERVICE_NAME"], "storefront-bff");
    // A silent collector, or an SLI that stops arriving, is itself alerted on.
    let alerts_yaml = &files["rules/alerts.yml"];
    assert!(alerts_yaml.contains("alert: CollectorDown"));
    assert!(
        alerts_yaml.contains(
            r#"absent(http_server_request_duration_seconds_count{job="storefront-bff"})"#
        )
    );
    let alerts = &files["rules/alerts.yml"];
    assert!(
        alerts.contains(
            r#"job:slo_errors_per_request:ratio_rate1h{job="storefront-bff",operation=""}"#
        )
    );
    assert!(
        !alerts.contains(r#"ratio_rate1h{job="payment-svc"}"#),
        "internal services answer to timeouts"
    );
    assert!(
        !alerts.contains(r#"up{job="payment-svc"}"#),
        "no scrape of it, no up"
    );
    assert!(
        files["README.md"]
            .contains("need a histogram bucket at the 300 ms objective in: storefront-bff")
    );
}

#[test]
fn grpc_latency_buckets_match_whole_and_float_bounds() {
    assert_eq!(
        archsmith::monitoring::RequestMetrics::Grpc.bucket_matcher(300),
        r#"le=~"300(\\.0)?""#
    );
    assert_eq!(
        archsmith::monitoring::RequestMetrics::Http.bucket_matcher(250),
        r#"le="0.25""#
    );
}

#[test]
fn the_compose_stack_mounts_the_monitoring_configuration() {
    let doc = sample("social-api");
    let compose = export(&doc, "compose", None);
    let compose = &compose[""];
    assert!(compose.contains("- ./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro"));
    assert!(compose.contains("- ./prometheus/rules:/etc/prometheus/rules:ro"));
    assert!(
        compose.contains("- ./prometheus/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro")
    );
    assert!(compose.contains("--format prometheus -o prometheus"));
    let file = yaml(compose);
    let volumes = file["volumes"].as_mapping().expect("named volumes");
    assert!(
        volumes
            .keys()
            .all(|k| !k.as_str().unwrap_or("").starts_with("./")),
        "bind mounts are not declared as named volumes"
    );
}

#[test]
fn alert_annotations_cannot_run_templates() {
    let text = r#"(version: 2, meta: (name: "T", targets: (availability_slo: 99.9)),
        components: [
            (id: "api", kind: "service-go", name: "{{ .Evil }} api", position: (x: 0.0, y: 0.0)),
            (id: "web", kind: "web-client", name: "Web", position: (x: 0.0, y: 200.0)),
            (id: "prom", kind: "prometheus", name: "Prometheus", position: (x: 300.0, y: 0.0)),
        ],
        connections: [
            (id: "web-api", from: "web", to: "api", kind: "http", tls: true),
            (id: "api-prom", from: "api", to: "prom", kind: "telemetry"),
        ])"#;
    let files = export(&load(text), "prometheus", None);
    let alerts = &files["rules/alerts.yml"];
    assert!(alerts.contains(r#"{{ "{{" }} .Evil }} api"#), "{alerts}");
    assert!(!alerts.contains("{{ .Evil"), "{alerts}");
}

/// Every figure the "SLOs and alerts" section prints is counted from the files: alert rules
/// and scrape jobs from the Prometheus export, alarms from the AWS Terraform.
#[test]
fn the_design_document_counts_what_the_monitoring_exports_create() {
    for sample in samples::samples() {
        let doc = load(sample.text);
        let prometheus = export(&doc, "prometheus", None);
        let alerts = prometheus["rules/alerts.yml"].matches("- alert: ").count();
        let jobs = prometheus["prometheus.yml"].matches("- job_name: ").count();
        let design = export(&doc, "markdown", Some(Cloud::Aws));
        let text = &design["design.md"];
        let section = text
            .split("## SLOs and alerts")
            .nth(1)
            .and_then(|rest| rest.split("\n## ").next())
            .expect("the section");
        if jobs > 0 {
            let plural = |n: usize, noun: &str| {
                if n == 1 {
                    format!("1 {noun}")
                } else {
                    format!("{n} {noun}s")
                }
            };
            let expected = format!(
                "{} on {}",
                plural(alerts, "alert rule"),
                plural(jobs, "scrape job")
            );
            assert!(section.contains(&expected), "{}: {expected}", sample.name);
        }
        // Dashboards, by kind, as the Grafana export writes them.
        let grafana = export(&doc, "grafana", None);
        for (tag, label) in [("red", "RED"), ("use", "USE")] {
            let count = grafana
                .iter()
                .filter(|(file, _)| file.starts_with("dashboards/"))
                .filter(|(_, text)| {
                    let dashboard: serde_json::Value = serde_json::from_str(text).expect("json");
                    dashboard["tags"][1] == tag
                })
                .count();
            if count > 0 {
                let expected = format!("{count} {label} (");
                assert!(section.contains(&expected), "{}: {expected}", sample.name);
            } else {
                assert!(!section.contains(&format!(" {label} (")), "{}", sample.name);
            }
        }
        let terraform = export(&doc, "terraform", Some(Cloud::Aws));
        let alarms: usize = terraform
            .values()
            .map(|t| {
                t.matches("resource \"aws_cloudwatch_metric_alarm\"")
                    .count()
            })
            .sum();
        if alarms > 0 {
            let expected = format!("sets {alarms} CloudWatch alarms");
            assert!(section.contains(&expected), "{}: {expected}", sample.name);
        } else {
            assert!(!section.contains("CloudWatch alarms"), "{}", sample.name);
        }
    }
}

/// A RED dashboard per measured service, querying what the Prometheus export scrapes, with
/// the objectives drawn as lines, provisioned with the metrics store as data source and
/// mounted by the compose stack.
#[test]
fn grafana_gets_a_red_dashboard_per_measured_service() {
    let doc = sample("social-api");
    let files = export(&doc, "grafana", None);
    let dashboards: Vec<&String> = files
        .keys()
        .filter(|k| k.starts_with("dashboards/"))
        .collect();
    assert_eq!(
        dashboards,
        [
            "dashboards/media-svc.json",
            "dashboards/posts-db.json",
            "dashboards/posts-svc.json",
            "dashboards/search.json",
            "dashboards/timeline-svc.json",
            "dashboards/timelines.json",
            "dashboards/users-db.json",
            "dashboards/users-svc.json"
        ]
    );
    let posts: serde_json::Value =
        serde_json::from_str(&files["dashboards/posts-svc.json"]).expect("json");
    assert_eq!(posts["uid"], "archsmith-posts-svc");
    let text = posts.to_string();
    assert!(text.contains(r#"http_server_request_duration_seconds_count{job=\"posts-svc\",http_response_status_code=~\"5..\"}"#), "{text}");
    assert!(
        text.contains("vector(0.25)"),
        "the p99 objective as a line: {text}"
    );
    assert!(text.contains("error budget"));
    let datasource = yaml(&files["provisioning/datasources/archsmith.yml"]);
    assert_eq!(
        datasource["datasources"][0]["url"],
        "http://prometheus:9090"
    );
    let compose = export(&doc, "compose", None);
    assert!(compose[""].contains("- ./grafana/dashboards:/var/lib/grafana/dashboards:ro"));
    assert!(
        files["README.md"].contains(
            "no USE dashboard for stores and brokers whose metrics the model sends nowhere"
        ),
        "{}",
        files["README.md"]
    );
}

#[test]
fn stores_the_model_measures_get_an_exporter_a_use_dashboard_and_a_down_alert() {
    let doc = sample("ecommerce");
    // The catalog's queries for PostgreSQL, on the store's job.
    let grafana = export(&doc, "grafana", None);
    let orders: serde_json::Value =
        serde_json::from_str(&grafana["dashboards/orders-db.json"]).expect("json");
    assert_eq!(orders["title"], "Orders DB (USE)");
    let titles: Vec<&str> = orders["panels"]
        .as_array()
        .expect("panels")
        .iter()
        .filter_map(|p| p["title"].as_str())
        .collect();
    assert_eq!(
        titles,
        [
            "Answers its exporter",
            "Utilization: Connections in use (share of max_connections)",
            "Saturation: Longest running transaction",
            "Errors: Deadlocks per second"
        ]
    );
    let text = orders.to_string();
    assert!(
        text.contains(r#"sum(pg_stat_activity_count{job=\"orders-db\"}) / max(pg_settings_max_connections{job=\"orders-db\"})"#),
        "{text}"
    );
    // Kafka: consumer lag is its saturation.
    let events = grafana["dashboards/order-events.json"].as_str();
    assert!(events.contains("kafka_consumergroup_lag"));

    // Prometheus scrapes the exporter, named as the compose stack runs it.
    let prometheus = export(&doc, "prometheus", None);
    let config = yaml(&prometheus["prometheus.yml"]);
    let job = config["scrape_configs"]
        .as_sequence()
        .expect("jobs")
        .iter()
        .find(|j| j["job_name"] == "orders-db")
        .expect("the store's job");
    assert_eq!(job["dns_sd_configs"][0]["names"][0], "orders-db-exporter");
    assert_eq!(job["dns_sd_configs"][0]["port"], 9187);
    let alerts = yaml(&prometheus["rules/alerts.yml"]);
    let group = alerts["groups"]
        .as_sequence()
        .expect("groups")
        .iter()
        .find(|g| g["name"] == "orders-db")
        .expect("the store's alerts");
    assert_eq!(group["rules"][0]["alert"], "StoreDown");
    assert_eq!(
        group["rules"][0]["expr"],
        "max(pg_up{job=\"orders-db\"}) == 0"
    );
    // Near its limit, a ticket from the catalog's threshold for its kind.
    assert_eq!(group["rules"][1]["alert"], "ConnectionsNearLimit");
    assert_eq!(group["rules"][1]["labels"]["severity"], "ticket");
    let events = alerts["groups"]
        .as_sequence()
        .expect("groups")
        .iter()
        .find(|g| g["name"] == "order-events")
        .expect("the broker's alerts");
    assert_eq!(events["rules"][1]["alert"], "ConsumerFallingBehind");
    assert!(
        events["rules"][1]["expr"]
            .as_str()
            .is_some_and(|e| e.contains(r#"kafka_consumergroup_lag{job="order-events"}"#))
    );
    assert!(
        !prometheus["rules/alerts.yml"]
            .contains("InstancesBelowMinimum\n    expr: sum by (job) (up{job=\"orders-db\"})"),
        "an exporter is one target, whatever the store's instances"
    );
    let compose = yaml(&export(&doc, "compose", None)[""]);
    let exporter = &compose["services"]["orders-db-exporter"];
    assert_eq!(
        exporter["image"],
        "quay.io/prometheuscommunity/postgres-exporter:v0.15.0"
    );
    assert_eq!(
        exporter["environment"]["DATA_SOURCE_URI"],
        "orders-db:5432/app?sslmode=disable"
    );
    assert_eq!(
        exporter["depends_on"]["orders-db"]["condition"],
        "service_healthy"
    );
    // Without the model's telemetry connection, a store is not measured.
    let mut unmeasured = doc.clone();
    EditOp::Disconnect(ConnectionId::new("orders-db-metrics").expect("id"))
        .apply(&mut unmeasured, Catalog::builtin())
        .expect("disconnects");
    let grafana = export(&unmeasured, "grafana", None);
    assert!(!grafana.contains_key("dashboards/orders-db.json"));
    assert!(!export(&unmeasured, "compose", None)[""].contains("orders-db-exporter"));
}
