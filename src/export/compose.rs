//! docker-compose for local development: a real image for every datastore, broker and
//! observability component, a build placeholder for every service, healthchecks, named
//! volumes, environment placeholders, and `depends_on` derived from the connections.
//!
//! User text only reaches label and environment values; `$` is doubled there, so Compose's
//! variable interpolation never sees it, and the YAML serialiser quotes the rest.

use std::collections::BTreeMap;

use petgraph::Direction;
use petgraph::acyclic::Acyclic;
use petgraph::data::Build as _;
use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;

use super::{ExportError, ExportOptions, Exporter, Format, Output};
use crate::catalog::{Catalog, ConnectionStyle};
use crate::graph::ArchGraph;
use crate::infra::port;
use crate::model::{Component, Document};

#[derive(Debug)]
pub struct ComposeExporter;

#[derive(Serialize)]
struct ComposeFile {
    services: BTreeMap<String, Service>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    volumes: BTreeMap<String, Volume>,
    /// Compose ignores `x-` keys; this one says what the model has that does not run locally.
    #[serde(rename = "x-archsmith")]
    archsmith: Extension,
}

#[derive(Serialize)]
struct Extension {
    /// A suggested `docker compose -p` name. The top-level `name` key is newer than the
    /// Compose schema release the CI validates against, so it is not used.
    project: String,
    generated_from: String,
    not_run_locally: Vec<String>,
}

#[derive(Serialize, Default)]
struct Volume {}

#[derive(Serialize, Default)]
struct Build {
    context: String,
}

#[derive(Serialize)]
struct Healthcheck {
    test: Vec<String>,
    interval: &'static str,
    timeout: &'static str,
    retries: u32,
    start_period: &'static str,
}

#[derive(Serialize)]
struct Dependency {
    condition: &'static str,
}

#[derive(Serialize, Default)]
struct Service {
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    build: Option<Build>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    command: Vec<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    environment: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ports: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    volumes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    healthcheck: Option<Healthcheck>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    depends_on: BTreeMap<String, Dependency>,
    labels: BTreeMap<String, String>,
}

/// Doubles `$` so Compose interpolation leaves user text alone; drops control characters.
fn inert(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .replace('$', "$$")
}

fn shell(test: &str) -> Vec<String> {
    vec!["CMD-SHELL".to_owned(), test.to_owned()]
}

fn healthcheck(test: Vec<String>) -> Option<Healthcheck> {
    Some(Healthcheck {
        test,
        interval: "10s",
        timeout: "5s",
        retries: 10,
        start_period: "20s",
    })
}

/// The image, data path, healthcheck, environment and command of a kind, or `None` when the
/// kind does not run locally (clients, external systems, cloud-only edge services).
fn runtime(kind: &str, id: &str) -> Option<Service> {
    let env = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    let wget = |url: &str| shell(&format!("wget -q --spider {url} || exit 1"));
    let tcp = |port: u16| shell(&format!("bash -c 'exec 3<>/dev/tcp/127.0.0.1/{port}'"));
    let spec = match kind {
        "postgresql" => Runtime::new(
            "postgres:16-alpine",
            Some("/var/lib/postgresql/data"),
            shell("pg_isready -U app -d app"),
            env(&[
                ("POSTGRES_USER", "app"),
                ("POSTGRES_PASSWORD", "${POSTGRES_PASSWORD:-change-me}"),
                ("POSTGRES_DB", "app"),
            ]),
            vec![],
        ),
        "mysql" => Runtime::new(
            "mysql:8.4",
            Some("/var/lib/mysql"),
            shell("mysqladmin ping -h 127.0.0.1 --silent"),
            env(&[
                ("MYSQL_ROOT_PASSWORD", "${MYSQL_ROOT_PASSWORD:-change-me}"),
                ("MYSQL_DATABASE", "app"),
            ]),
            vec![],
        ),
        "mongodb" => Runtime::new(
            "mongo:7.0",
            Some("/data/db"),
            shell("mongosh --quiet --eval 'db.adminCommand({ping: 1}).ok' | grep -q 1"),
            BTreeMap::new(),
            vec![],
        ),
        "cassandra" => Runtime::new(
            "cassandra:5.0",
            Some("/var/lib/cassandra"),
            shell("cqlsh -e 'describe keyspaces'"),
            env(&[("CASSANDRA_CLUSTER_NAME", "local")]),
            vec![],
        ),
        "dynamodb" => Runtime::new(
            "amazon/dynamodb-local:2.5.2",
            None,
            tcp(8000),
            BTreeMap::new(),
            vec![],
        ),
        "redis" | "redis-pubsub" => Runtime::new(
            "redis:7.4-alpine",
            Some("/data"),
            shell("redis-cli ping | grep -q PONG"),
            BTreeMap::new(),
            vec![],
        ),
        "memcached" => Runtime::new(
            "memcached:1.6-alpine",
            None,
            shell("nc -z 127.0.0.1 11211"),
            BTreeMap::new(),
            vec![],
        ),
        "elasticsearch" | "elk" => Runtime::new(
            "opensearchproject/opensearch:2.17.1",
            Some("/usr/share/opensearch/data"),
            shell("curl -fs http://localhost:9200/_cluster/health || exit 1"),
            env(&[
                ("discovery.type", "single-node"),
                ("DISABLE_SECURITY_PLUGIN", "true"),
                ("OPENSEARCH_JAVA_OPTS", "-Xms512m -Xmx512m"),
            ]),
            vec![],
        ),
        "clickhouse" | "data-warehouse" => Runtime::new(
            "clickhouse/clickhouse-server:24.8",
            Some("/var/lib/clickhouse"),
            wget("http://127.0.0.1:8123/ping"),
            BTreeMap::new(),
            vec![],
        ),
        "object-storage" => Runtime::new(
            "minio/minio:RELEASE.2024-10-13T13-34-11Z",
            Some("/data"),
            shell("mc ready local"),
            env(&[
                ("MINIO_ROOT_USER", "app"),
                (
                    "MINIO_ROOT_PASSWORD",
                    "${MINIO_ROOT_PASSWORD:-change-me-please}",
                ),
            ]),
            vec!["server", "/data", "--console-address", ":9001"],
        ),
        "kafka" => Runtime::new(
            "apache/kafka:3.8.0",
            Some("/var/lib/kafka/data"),
            shell(
                "/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server localhost:9092 > /dev/null",
            ),
            env(&[
                ("KAFKA_NODE_ID", "1"),
                ("KAFKA_PROCESS_ROLES", "broker,controller"),
                ("KAFKA_LISTENERS", "PLAINTEXT://:9092,CONTROLLER://:9093"),
                (
                    "KAFKA_ADVERTISED_LISTENERS",
                    &format!("PLAINTEXT://{id}:9092"),
                ),
                ("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER"),
                (
                    "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP",
                    "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                ),
                ("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@localhost:9093"),
                ("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1"),
            ]),
            vec![],
        ),
        "rabbitmq" => Runtime::new(
            "rabbitmq:3.13-management-alpine",
            Some("/var/lib/rabbitmq"),
            shell("rabbitmq-diagnostics -q ping"),
            BTreeMap::new(),
            vec![],
        ),
        "sqs" => Runtime::new(
            "softwaremill/elasticmq-native:1.6.9",
            None,
            tcp(9324),
            BTreeMap::new(),
            vec![],
        ),
        "event-bus" => Runtime::new(
            "localstack/localstack:3.8",
            None,
            shell("curl -fs http://localhost:4566/_localstack/health || exit 1"),
            env(&[("SERVICES", "sns,sqs,events")]),
            vec![],
        ),
        "nats" => Runtime::new(
            "nats:2.10-alpine",
            Some("/data"),
            wget("http://127.0.0.1:8222/healthz"),
            BTreeMap::new(),
            vec!["-js", "-sd", "/data", "-m", "8222"],
        ),
        "prometheus" => Runtime::new(
            "prom/prometheus:v2.54.1",
            Some("/prometheus"),
            wget("http://127.0.0.1:9090/-/healthy"),
            BTreeMap::new(),
            vec![],
        ),
        "grafana" => Runtime::new(
            "grafana/grafana:11.2.2",
            Some("/var/lib/grafana"),
            wget("http://127.0.0.1:3000/api/health"),
            BTreeMap::new(),
            vec![],
        ),
        "alertmanager" => Runtime::new(
            "prom/alertmanager:v0.27.0",
            Some("/alertmanager"),
            wget("http://127.0.0.1:9093/-/healthy"),
            BTreeMap::new(),
            vec![],
        ),
        "loki" => Runtime::new(
            "grafana/loki:3.2.0",
            Some("/loki"),
            wget("http://127.0.0.1:3100/ready"),
            BTreeMap::new(),
            vec![],
        ),
        "jaeger" => Runtime::new(
            "jaegertracing/all-in-one:1.62.0",
            None,
            wget("http://127.0.0.1:14269/"),
            env(&[("COLLECTOR_OTLP_ENABLED", "true")]),
            vec![],
        ),
        // The collector image has no shell; asking the binary for its version proves it runs.
        "otel-collector" => Runtime::new(
            "otel/opentelemetry-collector-contrib:0.111.0",
            None,
            vec![
                "CMD".to_owned(),
                "/otelcol-contrib".to_owned(),
                "--version".to_owned(),
            ],
            BTreeMap::new(),
            vec![],
        ),
        "datadog-agent" => Runtime::new(
            "gcr.io/datadoghq/agent:7",
            None,
            vec!["CMD".to_owned(), "agent".to_owned(), "health".to_owned()],
            env(&[("DD_API_KEY", "${DD_API_KEY:-set-me}")]),
            vec![],
        ),
        "identity-provider" => Runtime::new(
            "quay.io/keycloak/keycloak:25.0",
            None,
            tcp(8080),
            env(&[
                ("KEYCLOAK_ADMIN", "admin"),
                (
                    "KEYCLOAK_ADMIN_PASSWORD",
                    "${KEYCLOAK_ADMIN_PASSWORD:-change-me}",
                ),
            ]),
            vec!["start-dev"],
        ),
        "secrets-manager" | "kms" => Runtime::new(
            "hashicorp/vault:1.17",
            None,
            shell("VAULT_ADDR=http://127.0.0.1:8200 vault status"),
            env(&[(
                "VAULT_DEV_ROOT_TOKEN_ID",
                "${VAULT_DEV_ROOT_TOKEN_ID:-dev-only-token}",
            )]),
            vec!["server", "-dev"],
        ),
        "load-balancer" | "network-load-balancer" | "api-gateway" | "ingress-controller" => {
            Runtime::new(
                "nginx:1.27-alpine",
                None,
                wget("http://127.0.0.1/"),
                BTreeMap::new(),
                vec![],
            )
        }
        _ => return None,
    };
    Some(Service {
        image: Some(spec.image.to_owned()),
        volumes: spec
            .data
            .map(|path| vec![format!("{id}-data:{path}")])
            .unwrap_or_default(),
        healthcheck: healthcheck(spec.health),
        environment: spec.environment,
        command: spec.command.into_iter().map(str::to_owned).collect(),
        ..Service::default()
    })
}

/// How a kind runs locally: image, data directory, healthcheck, environment and command.
struct Runtime {
    image: &'static str,
    data: Option<&'static str>,
    health: Vec<String>,
    environment: BTreeMap<String, String>,
    command: Vec<&'static str>,
}

impl Runtime {
    fn new(
        image: &'static str,
        data: Option<&'static str>,
        health: Vec<String>,
        environment: BTreeMap<String, String>,
        command: Vec<&'static str>,
    ) -> Self {
        Self {
            image,
            data,
            health,
            environment,
            command,
        }
    }
}

/// Kinds built from the project's own code.
fn is_built(kind: &str) -> bool {
    matches!(
        kind,
        "service"
            | "service-nodejs"
            | "service-typescript"
            | "service-python"
            | "service-go"
            | "service-rust"
            | "service-java"
            | "worker"
            | "scheduled-job"
            | "function"
    )
}

/// Host ports worth opening: user interfaces and the public entry points.
fn published(kind: &str) -> Option<u16> {
    match kind {
        "grafana" => Some(3000),
        "jaeger" => Some(16686),
        "prometheus" => Some(9090),
        "rabbitmq" => Some(15672),
        "load-balancer" | "network-load-balancer" | "api-gateway" | "ingress-controller" => {
            Some(80)
        }
        _ => None,
    }
}

fn service_for(graph: &ArchGraph<'_>, component: &Component) -> Option<Service> {
    let kind = component.kind.as_str();
    let id = component.id.as_str();
    let mut service = if is_built(kind) {
        let listen = port(kind, graph.int(component, "port"));
        let mut environment = BTreeMap::from([("PORT".to_owned(), listen.to_string())]);
        // The model's own `KEY=value` pairs, comma-separated.
        if let Some(pairs) = graph.text(component, "env") {
            for pair in pairs.split(',') {
                if let Some((key, value)) = pair.split_once('=') {
                    let key: String = key
                        .trim()
                        .chars()
                        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if !key.is_empty() {
                        environment.insert(key, inert(value.trim()));
                    }
                }
            }
        }
        Service {
            build: Some(Build {
                context: format!("./{id}"),
            }),
            image: Some(format!("local/{id}:dev")),
            environment,
            healthcheck: healthcheck(shell(&format!(
                "wget -q --spider http://127.0.0.1:{listen}/health || exit 1"
            ))),
            ..Service::default()
        }
    } else {
        runtime(kind, id)?
    };
    // Loopback only, on a port Docker picks: `docker compose port SERVICE PORT` tells it.
    if let Some(inside) = published(kind) {
        service.ports.push(format!("127.0.0.1::{inside}"));
    }
    service
        .labels
        .insert("archsmith.id".to_owned(), id.to_owned());
    service
        .labels
        .insert("archsmith.name".to_owned(), inert(&component.name));
    service
        .labels
        .insert("archsmith.kind".to_owned(), kind.to_owned());
    Some(service)
}

impl Exporter for ComposeExporter {
    fn format(&self) -> &'static Format {
        &Format {
            id: "compose",
            label: "docker-compose (local development)",
            extension: Some("yml"),
        }
    }

    fn export(
        &self,
        doc: &Document,
        catalog: &Catalog,
        _options: &ExportOptions,
    ) -> Result<Output, ExportError> {
        let graph = ArchGraph::new(doc, catalog);
        let mut services = BTreeMap::new();
        let mut volumes = BTreeMap::new();
        let mut not_run = Vec::new();
        for component in doc.components() {
            match service_for(&graph, component) {
                Some(service) => {
                    for volume in &service.volumes {
                        if let Some((name, _)) = volume.split_once(':') {
                            volumes.insert(name.to_owned(), Volume::default());
                        }
                    }
                    services.insert(component.id.to_string(), service);
                }
                None => not_run.push(component.id.to_string()),
            }
        }
        wire_dependencies(&graph, &mut services);
        let file = ComposeFile {
            services,
            volumes,
            archsmith: Extension {
                project: project_name(&doc.meta.name),
                generated_from: inert(&doc.meta.name),
                not_run_locally: not_run,
            },
        };
        let yaml = serde_yaml_ng::to_string(&file).map_err(|e| ExportError::Encode {
            format: "compose",
            message: e.to_string(),
        })?;
        Ok(Output::File(
            format!("# Local development stack generated by Archsmith. Services are built from ./<id>.\n{yaml}")
                .into_bytes(),
        ))
    }
}

/// Compose project names allow lower-case letters, digits, `-` and `_`.
fn project_name(name: &str) -> String {
    let slug: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let slug = slug
        .split('-')
        .filter(|s| !s.is_empty())
        .take(4)
        .collect::<Vec<_>>()
        .join("-");
    if slug.is_empty() {
        "archsmith".to_owned()
    } else {
        slug
    }
}

/// Each caller waits for what it calls, publishes to or consumes from to be healthy, and gets
/// an environment variable with its address. Telemetry does not make anyone wait, and an
/// edge that would close a cycle is dropped: Compose refuses cyclic dependencies.
fn wire_dependencies(graph: &ArchGraph<'_>, services: &mut BTreeMap<String, Service>) {
    let doc = graph.document();
    // A topological order kept up to date as edges come in (Pearce and Kelly), so that telling
    // whether an edge would close a cycle does not search the whole graph each time.
    let mut waits: Acyclic<DiGraph<(), ()>> = Acyclic::new();
    let nodes: BTreeMap<String, NodeIndex> = services
        .keys()
        .map(|id| (id.clone(), waits.add_node(())))
        .collect();
    for component in doc.components() {
        let Some(&from_node) = nodes.get(component.id.as_str()) else {
            continue;
        };
        for connection in graph.connections(component, Direction::Outgoing, None) {
            if graph.style(connection) == Some(ConnectionStyle::Telemetry) {
                continue;
            }
            let Some((_, target)) = graph.endpoints(connection) else {
                continue;
            };
            let Some(&to_node) = nodes.get(target.id.as_str()) else {
                continue;
            };
            // A self-loop or an edge closing a cycle is refused, and dropped.
            if waits.try_add_edge(from_node, to_node, ()).is_err() {
                continue;
            }
            let from = component.id.to_string();
            let to = target.id.to_string();
            let listen = port(target.kind.as_str(), graph.int(target, "port"));
            if let Some(service) = services.get_mut(&from) {
                let variable: String = format!("{to}_ADDR")
                    .to_uppercase()
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                    .collect();
                service
                    .environment
                    .insert(variable, format!("{to}:{listen}"));
                service.depends_on.insert(
                    to.clone(),
                    Dependency {
                        condition: "service_healthy",
                    },
                );
            }
        }
    }
}
