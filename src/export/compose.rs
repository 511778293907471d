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
use crate::catalog::{Catalog, ConnectionStyle, Health, LocalImage};
use crate::graph::ArchGraph;
use crate::model::{Component, Document};
use crate::monitoring::Monitoring;

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

/// The health test Compose runs for `health`.
fn health_test(health: &Health) -> Vec<String> {
    match health {
        Health::Shell(command) => shell(command),
        Health::Http(url) => shell(&format!("wget -q --spider {url} || exit 1")),
        Health::Tcp(port) => shell(&format!("bash -c 'exec 3<>/dev/tcp/127.0.0.1/{port}'")),
        Health::Exec(argv) => std::iter::once("CMD".to_owned())
            .chain(argv.iter().cloned())
            .collect(),
    }
}

/// The service running `local`, the catalog's stand-in image for a kind. `{id}` in its
/// environment is the component's host name in the stack.
fn runtime(local: &LocalImage, id: &str) -> Service {
    Service {
        image: Some(local.image.clone()),
        volumes: local
            .data
            .iter()
            .map(|path| format!("{id}-data:{path}"))
            .chain(
                local.mounts.iter().map(|(beside, inside)| {
                    format!("./{}:{inside}:ro", beside.replace("{id}", id))
                }),
            )
            .collect(),
        healthcheck: healthcheck(health_test(&local.health)),
        environment: local
            .env
            .iter()
            .map(|(key, value)| (key.clone(), value.replace("{id}", id)))
            .collect(),
        command: local.command.clone(),
        ..Service::default()
    }
}

/// The port a component listens on in the stack: its own `port` (the team's code), else its
/// image's, from the catalog.
fn listen_port(graph: &ArchGraph<'_>, component: &Component) -> Option<u16> {
    let kind = graph.catalog().kind_of(component)?;
    if kind.runs.is_own_code() {
        let own = graph
            .int(component, "port")
            .and_then(|p| u16::try_from(p).ok());
        return Some(own.unwrap_or(DEFAULT_SERVICE_PORT));
    }
    kind.local.as_ref().map(|local| local.port)
}

/// What a service without a `port` property (a function) listens on.
const DEFAULT_SERVICE_PORT: u16 = 8080;

fn service_for(graph: &ArchGraph<'_>, component: &Component) -> Option<Service> {
    let kind = graph.catalog().kind_of(component)?;
    let id = component.id.as_str();
    let mut service = if kind.runs.is_own_code() {
        let listen = listen_port(graph, component).unwrap_or(DEFAULT_SERVICE_PORT);
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
        environment.extend(super::collector::sdk_environment(graph, component));
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
        runtime(kind.local.as_ref()?, id)
    };
    // Loopback only, on a port Docker picks: `docker compose port SERVICE PORT` tells it.
    if let Some(inside) = kind.local.as_ref().and_then(|local| local.publish) {
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
        .insert("archsmith.kind".to_owned(), kind.id.to_string());
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
                    // Named volumes are declared; bind mounts (`./path:...`) are not.
                    for volume in service.volumes.iter().filter(|v| !v.starts_with("./")) {
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
        add_exporters(&graph, &mut services);
        let file = ComposeFile {
            services,
            volumes,
            archsmith: Extension {
                project: project_name(&doc.meta.name),
                generated_from: inert(&doc.meta.name),
                not_run_locally: not_run,
            },
        };
        let mounts: Vec<&str> = file
            .services
            .values()
            .flat_map(|s| &s.volumes)
            .filter_map(|v| v.strip_prefix("./")?.split('/').next())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let yaml = serde_yaml_ng::to_string(&file).map_err(|e| ExportError::Encode {
            format: "compose",
            message: e.to_string(),
        })?;
        let mut header =
            "# Local development stack generated by Archsmith. Services are built from ./<id>.\n"
                .to_owned();
        for folder in mounts {
            header.push_str(&format!(
                "# ./{folder} is mounted: export it beside this file with `archsmith export MODEL --format {folder} -o {folder}`.\n"
            ));
        }
        Ok(Output::File(format!("{header}{yaml}").into_bytes()))
    }
}

/// The metrics exporter beside each store or broker the Prometheus export scrapes through
/// one (named as it scrapes it), started once the store is healthy.
fn add_exporters(graph: &ArchGraph<'_>, services: &mut BTreeMap<String, Service>) {
    let monitoring = Monitoring::new(graph);
    for scraped in &monitoring.scraped {
        let Some(exporter) = scraped.exporter else {
            continue;
        };
        let Some(image) = &exporter.image else {
            continue;
        };
        let id = scraped.component.id.as_str();
        let host = exporter.host(id);
        if !services.contains_key(id) || services.contains_key(&host) {
            continue;
        }
        let mut service = Service {
            image: Some(image.clone()),
            environment: exporter
                .env
                .iter()
                .map(|(key, value)| (key.clone(), value.replace("{id}", id)))
                .collect(),
            command: exporter
                .command
                .iter()
                .map(|argument| argument.replace("{id}", id))
                .collect(),
            ..Service::default()
        };
        service.depends_on.insert(
            id.to_owned(),
            Dependency {
                condition: "service_healthy",
            },
        );
        service
            .labels
            .insert("archsmith.exporter-of".to_owned(), id.to_owned());
        services.insert(host, service);
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
            let Some(listen) = listen_port(graph, target) else {
                continue;
            };
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
