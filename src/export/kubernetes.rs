//! Plain Kubernetes manifests for the team's services: those drawn inside a Kubernetes
//! boundary, or every service for a local cluster when the model draws none. Per service a
//! Deployment (probes from `health_check`, requests and limits from `instance_size`, an
//! unprivileged read-only container), a Service, a HorizontalPodAutoscaler from
//! `autoscaling`, a PodDisruptionBudget when it runs several replicas, and a NetworkPolicy
//! that admits exactly the drawn flows into it (each namespace denies the rest); an Ingress
//! from the ingress controller's connections. Types come from k8s-openapi and YAML from
//! serde, so user text is always a quoted scalar.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::autoscaling::v2::{
    CrossVersionObjectReference, HorizontalPodAutoscaler, HorizontalPodAutoscalerSpec, MetricSpec,
    MetricTarget, ResourceMetricSource,
};
use k8s_openapi::api::batch::v1::{CronJob, CronJobSpec, JobSpec, JobTemplateSpec};
use k8s_openapi::api::core::v1::{
    Capabilities, Container, ContainerPort, EnvVar, EnvVarSource, HTTPGetAction, Namespace,
    PodSecurityContext, PodSpec, PodTemplateSpec, Probe, ResourceRequirements, SeccompProfile,
    SecretKeySelector, SecurityContext, Service, ServicePort, ServiceSpec, TCPSocketAction,
};
use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, IPBlock, Ingress, IngressBackend, IngressRule,
    IngressServiceBackend, IngressSpec, NetworkPolicy, NetworkPolicyIngressRule, NetworkPolicyPeer,
    NetworkPolicyPort, NetworkPolicySpec, ServiceBackendPort,
};
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use petgraph::Direction;
use serde::Serialize;

use super::design::escape_markdown;
use super::workload::{Workload, namespace};
use super::{ExportError, ExportOptions, Exporter, Format, Output};
use crate::catalog::{Catalog, ConnectionStyle, Trait};
use crate::graph::ArchGraph;
use crate::model::{Component, Document, PropertyValue, slugify};
use crate::rules::looks_like_secret;

/// Callers outside the cluster (load balancers, gateways in the VPC) reach services from the
/// network's range; the Terraform's `var.vpc_cidr` defaults to the same.
const NETWORK_CIDR: &str = "10.0.0.0/16";
/// The namespace an ingress controller drawn outside any namespace runs in.
const INGRESS_NAMESPACE: &str = "ingress-nginx";

#[derive(Debug)]
pub struct KubernetesExporter;

impl Exporter for KubernetesExporter {
    fn format(&self) -> &'static Format {
        &Format {
            id: "kubernetes",
            label: "Kubernetes manifests",
            extension: None,
        }
    }

    fn export(
        &self,
        doc: &Document,
        catalog: &Catalog,
        _options: &ExportOptions,
    ) -> Result<Output, ExportError> {
        let graph = ArchGraph::new(doc, catalog);
        // A model without a Kubernetes boundary runs every service on one local cluster.
        let local = !doc
            .groups()
            .iter()
            .any(|g| g.kind == crate::model::GroupKind::K8sCluster);
        let fallback = local.then(|| slugify(&doc.meta.name));
        let workloads: Vec<Workload<'_>> = doc
            .components()
            .iter()
            .filter_map(|c| Workload::of(&graph, c, fallback.as_deref()))
            .collect();
        let mut files = BTreeMap::new();
        let mut notes = Vec::new();
        let by_id: Workloads<'_, '_> = workloads
            .iter()
            .map(|w| (w.component.id.as_str(), w))
            .collect();
        let namespaces: BTreeSet<&str> = workloads.iter().map(|w| w.namespace.as_str()).collect();
        let mut shared = String::new();
        for name in &namespaces {
            push(&mut shared, &namespace_object(name))?;
            push(&mut shared, &deny_all(name))?;
        }
        if !shared.is_empty() {
            files.insert("namespaces.yaml".to_owned(), shared.into_bytes());
        }
        for workload in &workloads {
            let mut text = String::new();
            let mut secrets = Vec::new();
            let scheduled = graph
                .text(workload.component, "schedule")
                .filter(|_| graph.has_trait(workload.component, Trait::Scheduled));
            let deployment = deployment(&graph, workload, &mut secrets);
            match scheduled {
                // A job runs to completion on its schedule: no replicas, probes or Service.
                Some(schedule) => push(&mut text, &cron_job(deployment, schedule))?,
                None => push(&mut text, &deployment)?,
            }
            if !secrets.is_empty() {
                notes.push(format!(
                    "`{}`: create the Secret `{}-secrets` with {}: the model's values look like credentials, so they are not written here (and belong in a secret store, not the model).",
                    workload.slug,
                    workload.slug,
                    secrets.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
                ));
            }
            // Only what something calls gets a Service: workers pull their work.
            let called = graph
                .connections(workload.component, Direction::Incoming, None)
                .iter()
                .any(|c| graph.is_sync(c));
            if called && scheduled.is_none() {
                push(&mut text, &service(workload))?;
            }
            if scheduled.is_none() {
                if let Some(hpa) = autoscaler(workload) {
                    push(&mut text, &hpa)?;
                }
                if let Some(pdb) = disruption_budget(workload) {
                    push(&mut text, &pdb)?;
                }
            }
            push(&mut text, &network_policy(&graph, workload, &by_id))?;
            files.insert(format!("{}.yaml", workload.slug), text.into_bytes());
            if let Some(path) = workload.unsafe_health_path {
                notes.push(format!(
                    "`{}`: the health path `{}` is not a plain URL path; the probes use `/health`.",
                    workload.slug,
                    escape_markdown(path)
                ));
            }
        }
        if let Some(text) = ingress(&graph, &by_id)? {
            files.insert("ingress.yaml".to_owned(), text.into_bytes());
        }
        files.insert(
            "README.md".to_owned(),
            readme(doc, &workloads, local, &notes).into_bytes(),
        );
        Ok(Output::Folder(files))
    }
}

/// The workloads by component id, so that each flow finds its peer in one lookup.
type Workloads<'w, 'a> = HashMap<&'a str, &'w Workload<'a>>;

/// Appends one YAML document.
fn push(out: &mut String, object: &impl Serialize) -> Result<(), ExportError> {
    let yaml = serde_yaml_ng::to_string(object).map_err(|e| ExportError::Encode {
        format: "kubernetes",
        message: e.to_string(),
    })?;
    out.push_str("---\n");
    out.push_str(&yaml);
    Ok(())
}

fn labels(slug: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/name".to_owned(), slug.to_owned()),
        (
            "app.kubernetes.io/managed-by".to_owned(),
            "archsmith".to_owned(),
        ),
    ])
}

fn selector(slug: &str) -> LabelSelector {
    LabelSelector {
        match_labels: Some(BTreeMap::from([(
            "app.kubernetes.io/name".to_owned(),
            slug.to_owned(),
        )])),
        ..LabelSelector::default()
    }
}

fn metadata(workload: &Workload<'_>) -> ObjectMeta {
    ObjectMeta {
        name: Some(workload.slug.clone()),
        namespace: Some(workload.namespace.clone()),
        labels: Some(labels(&workload.slug)),
        ..ObjectMeta::default()
    }
}

fn namespace_object(name: &str) -> Namespace {
    Namespace {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            ..ObjectMeta::default()
        },
        ..Namespace::default()
    }
}

/// Every namespace admits nothing by default; each service's policy opens its drawn flows.
fn deny_all(namespace: &str) -> NetworkPolicy {
    NetworkPolicy {
        metadata: ObjectMeta {
            name: Some("default-deny-ingress".to_owned()),
            namespace: Some(namespace.to_owned()),
            ..ObjectMeta::default()
        },
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(LabelSelector::default()),
            policy_types: Some(vec!["Ingress".to_owned()]),
            ..NetworkPolicySpec::default()
        }),
    }
}

fn port(number: u16) -> IntOrString {
    IntOrString::Int(i32::from(number))
}

fn probe(workload: &Workload<'_>) -> Probe {
    let mut probe = Probe {
        period_seconds: Some(10),
        ..Probe::default()
    };
    match &workload.health_path {
        Some(path) => {
            probe.http_get = Some(HTTPGetAction {
                path: Some(path.clone()),
                port: port(workload.port),
                ..HTTPGetAction::default()
            });
        }
        None => {
            probe.tcp_socket = Some(TCPSocketAction {
                port: port(workload.port),
                ..TCPSocketAction::default()
            });
        }
    }
    probe
}

/// The model's `env` (`KEY=value`, comma-separated), with names a process environment allows.
/// A value that looks like a credential is never written: the variable reads it from the
/// service's Secret instead, which the README asks to create.
fn environment(
    graph: &ArchGraph<'_>,
    component: &Component,
    slug: &str,
) -> (Vec<EnvVar>, Vec<String>) {
    let valid = |name: &str| {
        name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    let mut secrets = Vec::new();
    let vars = graph
        .text(component, "env")
        .unwrap_or_default()
        .split(',')
        .filter_map(|pair| pair.split_once('='))
        .map(|(name, value)| (name.trim(), value.trim()))
        .filter(|(name, _)| valid(name))
        .map(|(name, value)| {
            if looks_like_secret(&format!("{name}={value}")).is_some() {
                secrets.push(name.to_owned());
                EnvVar {
                    name: name.to_owned(),
                    value_from: Some(EnvVarSource {
                        secret_key_ref: Some(SecretKeySelector {
                            name: format!("{slug}-secrets"),
                            key: name.to_owned(),
                            ..SecretKeySelector::default()
                        }),
                        ..EnvVarSource::default()
                    }),
                    ..EnvVar::default()
                }
            } else {
                EnvVar {
                    name: name.to_owned(),
                    value: Some(value.to_owned()),
                    ..EnvVar::default()
                }
            }
        })
        .collect();
    (vars, secrets)
}

fn deployment(
    graph: &ArchGraph<'_>,
    workload: &Workload<'_>,
    secrets: &mut Vec<String>,
) -> Deployment {
    let component = workload.component;
    let image = graph
        .text(component, "image")
        .filter(|image| !image.trim().is_empty())
        .map_or_else(|| format!("{}:0.1.0", workload.slug), str::to_owned);
    let quantities = BTreeMap::from([
        ("cpu".to_owned(), Quantity(workload.cpu.to_owned())),
        ("memory".to_owned(), Quantity(workload.memory.to_owned())),
    ]);
    let (env, secret_names) = environment(graph, component, &workload.slug);
    *secrets = secret_names;
    let container = Container {
        name: workload.slug.clone(),
        image: Some(image),
        image_pull_policy: Some("Always".to_owned()),
        ports: Some(vec![ContainerPort {
            container_port: i32::from(workload.port),
            ..ContainerPort::default()
        }]),
        env: (!env.is_empty()).then_some(env),
        resources: Some(ResourceRequirements {
            requests: Some(quantities.clone()),
            limits: Some(quantities),
            ..ResourceRequirements::default()
        }),
        liveness_probe: Some(probe(workload)),
        readiness_probe: Some(probe(workload)),
        security_context: Some(SecurityContext {
            run_as_non_root: Some(true),
            run_as_user: Some(10001),
            run_as_group: Some(10001),
            read_only_root_filesystem: Some(true),
            allow_privilege_escalation: Some(false),
            capabilities: Some(Capabilities {
                drop: Some(vec!["ALL".to_owned()]),
                ..Capabilities::default()
            }),
            ..SecurityContext::default()
        }),
        ..Container::default()
    };
    Deployment {
        metadata: metadata(workload),
        spec: DeploymentSpec {
            // The autoscaler owns the count when there is one.
            replicas: workload
                .autoscaling
                .is_none()
                .then(|| i32::try_from(workload.replicas).unwrap_or(i32::MAX)),
            selector: selector(&workload.slug),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels(&workload.slug)),
                    ..ObjectMeta::default()
                }),
                spec: Some(PodSpec {
                    automount_service_account_token: Some(false),
                    security_context: Some(PodSecurityContext {
                        run_as_non_root: Some(true),
                        seccomp_profile: Some(SeccompProfile {
                            type_: "RuntimeDefault".to_owned(),
                            ..SeccompProfile::default()
                        }),
                        ..PodSecurityContext::default()
                    }),
                    containers: vec![container],
                    ..PodSpec::default()
                }),
            },
            ..DeploymentSpec::default()
        },
        ..Deployment::default()
    }
}

/// The deployment's pod, run by a CronJob on `schedule`: one run at a time, retried on
/// failure, without the probes a long-running service needs.
fn cron_job(deployment: Deployment, schedule: &str) -> CronJob {
    let mut template = deployment.spec.template;
    if let Some(spec) = template.spec.as_mut() {
        spec.restart_policy = Some("OnFailure".to_owned());
        for container in &mut spec.containers {
            container.liveness_probe = None;
            container.readiness_probe = None;
            container.ports = None;
        }
    }
    CronJob {
        metadata: deployment.metadata,
        spec: CronJobSpec {
            schedule: schedule.to_owned(),
            concurrency_policy: Some("Forbid".to_owned()),
            job_template: JobTemplateSpec {
                spec: Some(JobSpec {
                    backoff_limit: Some(3),
                    template,
                    ..JobSpec::default()
                }),
                ..JobTemplateSpec::default()
            },
            ..CronJobSpec::default()
        },
        ..CronJob::default()
    }
}

fn service(workload: &Workload<'_>) -> Service {
    Service {
        metadata: metadata(workload),
        spec: Some(ServiceSpec {
            type_: Some("ClusterIP".to_owned()),
            selector: Some(BTreeMap::from([(
                "app.kubernetes.io/name".to_owned(),
                workload.slug.clone(),
            )])),
            ports: Some(vec![ServicePort {
                name: Some("http".to_owned()),
                port: i32::from(workload.port),
                target_port: Some(port(workload.port)),
                ..ServicePort::default()
            }]),
            ..ServiceSpec::default()
        }),
        ..Service::default()
    }
}

fn clamp(value: i64) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

fn autoscaler(workload: &Workload<'_>) -> Option<HorizontalPodAutoscaler> {
    let (min, max) = workload.autoscaling?;
    Some(HorizontalPodAutoscaler {
        metadata: metadata(workload),
        spec: HorizontalPodAutoscalerSpec {
            scale_target_ref: CrossVersionObjectReference {
                api_version: Some("apps/v1".to_owned()),
                kind: "Deployment".to_owned(),
                name: workload.slug.clone(),
            },
            min_replicas: Some(clamp(min)),
            max_replicas: clamp(max),
            metrics: Some(vec![MetricSpec {
                type_: "Resource".to_owned(),
                resource: Some(ResourceMetricSource {
                    name: "cpu".to_owned(),
                    target: MetricTarget {
                        type_: "Utilization".to_owned(),
                        average_utilization: Some(60),
                        ..MetricTarget::default()
                    },
                }),
                ..MetricSpec::default()
            }]),
            ..HorizontalPodAutoscalerSpec::default()
        },
        ..HorizontalPodAutoscaler::default()
    })
}

/// One replica may be down for maintenance at a time, when the model runs more than one.
fn disruption_budget(workload: &Workload<'_>) -> Option<PodDisruptionBudget> {
    let fewest = workload
        .autoscaling
        .map_or(workload.replicas, |(min, _)| min);
    (fewest > 1).then(|| PodDisruptionBudget {
        metadata: metadata(workload),
        spec: Some(PodDisruptionBudgetSpec {
            max_unavailable: Some(IntOrString::Int(1)),
            selector: Some(selector(&workload.slug)),
            ..PodDisruptionBudgetSpec::default()
        }),
        ..PodDisruptionBudget::default()
    })
}

/// Admits the drawn flows into `workload` on its port, and nothing else: pods of the services
/// that call it, the ingress controller's namespace, and the network's range for callers
/// outside the cluster.
fn network_policy(
    graph: &ArchGraph<'_>,
    workload: &Workload<'_>,
    workloads: &Workloads<'_, '_>,
) -> NetworkPolicy {
    let mut peers: Vec<NetworkPolicyPeer> = Vec::new();
    let mut seen = BTreeSet::new();
    for connection in graph.connections(workload.component, Direction::Incoming, None) {
        if graph.style(connection) == Some(ConnectionStyle::Telemetry) {
            continue;
        }
        let Some((caller, _)) = graph.endpoints(connection) else {
            continue;
        };
        let peer = match workloads.get(caller.id.as_str()) {
            Some(other) => NetworkPolicyPeer {
                pod_selector: Some(selector(&other.slug)),
                namespace_selector: Some(namespace_selector(&other.namespace)),
                ..NetworkPolicyPeer::default()
            },
            None if graph.has_trait(caller, Trait::Ingress) => NetworkPolicyPeer {
                namespace_selector: Some(namespace_selector(
                    &namespace(graph, caller).unwrap_or_else(|| INGRESS_NAMESPACE.to_owned()),
                )),
                ..NetworkPolicyPeer::default()
            },
            None => NetworkPolicyPeer {
                ip_block: Some(IPBlock {
                    cidr: NETWORK_CIDR.to_owned(),
                    except: None,
                }),
                ..NetworkPolicyPeer::default()
            },
        };
        let key = serde_json::to_string(&peer).unwrap_or_default();
        if seen.insert(key) {
            peers.push(peer);
        }
    }
    let ingress = (!peers.is_empty()).then(|| {
        vec![NetworkPolicyIngressRule {
            from: Some(peers),
            ports: Some(vec![NetworkPolicyPort {
                port: Some(port(workload.port)),
                protocol: Some("TCP".to_owned()),
                ..NetworkPolicyPort::default()
            }]),
        }]
    });
    NetworkPolicy {
        metadata: metadata(workload),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(selector(&workload.slug)),
            policy_types: Some(vec!["Ingress".to_owned()]),
            ingress,
            ..NetworkPolicySpec::default()
        }),
    }
}

fn namespace_selector(namespace: &str) -> LabelSelector {
    LabelSelector {
        match_labels: Some(BTreeMap::from([(
            "kubernetes.io/metadata.name".to_owned(),
            namespace.to_owned(),
        )])),
        ..LabelSelector::default()
    }
}

/// One Ingress per namespace with routes from an ingress controller: each connection from the
/// controller to a service is a path (the connection's `path`, else `/`).
fn ingress(
    graph: &ArchGraph<'_>,
    workloads: &Workloads<'_, '_>,
) -> Result<Option<String>, ExportError> {
    let mut routes: BTreeMap<&str, Vec<HTTPIngressPath>> = BTreeMap::new();
    for controller in graph.with_trait(Trait::Ingress) {
        for connection in graph.connections(controller, Direction::Outgoing, None) {
            let Some((_, target)) = graph.endpoints(connection) else {
                continue;
            };
            let Some(workload) = workloads.get(target.id.as_str()) else {
                continue;
            };
            let path = graph
                .connection_property(connection, "path")
                .and_then(PropertyValue::as_text)
                .map(str::trim)
                .filter(|p| p.starts_with('/'))
                .unwrap_or("/");
            let paths = routes.entry(workload.namespace.as_str()).or_default();
            if paths.iter().any(|p| p.path.as_deref() == Some(path)) {
                continue;
            }
            paths.push(HTTPIngressPath {
                path: Some(path.to_owned()),
                path_type: "Prefix".to_owned(),
                backend: IngressBackend {
                    service: Some(IngressServiceBackend {
                        name: workload.slug.clone(),
                        port: Some(ServiceBackendPort {
                            number: Some(i32::from(workload.port)),
                            ..ServiceBackendPort::default()
                        }),
                    }),
                    ..IngressBackend::default()
                },
            });
        }
    }
    if routes.is_empty() {
        return Ok(None);
    }
    let mut text = String::new();
    for (namespace, paths) in routes {
        let object = Ingress {
            metadata: ObjectMeta {
                name: Some("routes".to_owned()),
                namespace: Some(namespace.to_owned()),
                ..ObjectMeta::default()
            },
            spec: Some(IngressSpec {
                ingress_class_name: Some("nginx".to_owned()),
                rules: Some(vec![IngressRule {
                    http: Some(HTTPIngressRuleValue { paths }),
                    ..IngressRule::default()
                }]),
                ..IngressSpec::default()
            }),
            ..Ingress::default()
        };
        push(&mut text, &object)?;
    }
    Ok(Some(text))
}

fn readme(doc: &Document, workloads: &[Workload<'_>], local: bool, notes: &[String]) -> String {
    let mut out = format!(
        "# Kubernetes manifests for {}\n\nGenerated by Archsmith from the model, which stays the source of truth. Apply with `kubectl apply -f .` (namespaces first: `kubectl apply -f namespaces.yaml`).\n",
        escape_markdown(&doc.meta.name)
    );
    if local {
        out.push_str("\nThe model draws no Kubernetes boundary, so every service runs in one namespace of a local cluster (kind, minikube, k3d).\n");
    }
    out.push_str("\n## Services\n\n| Service | Namespace | Replicas | Probes | Requests and limits |\n| --- | --- | --- | --- | --- |\n");
    for workload in workloads {
        let replicas = workload.autoscaling.map_or_else(
            || workload.replicas.to_string(),
            |(min, max)| format!("{min} to {max} (autoscaled on CPU)"),
        );
        let probes = workload.health_path.as_ref().map_or_else(
            || format!("TCP :{}", workload.port),
            |p| format!("HTTP `{p}`"),
        );
        let _ = writeln!(
            out,
            "| {} (`{}`) | `{}` | {replicas} | {probes} | {} CPU, {} memory |",
            escape_markdown(&workload.component.name),
            workload.slug,
            workload.namespace,
            workload.cpu,
            workload.memory
        );
    }
    out.push_str("\n## Network policy\n\nEach namespace denies all ingress by default. Each service admits the drawn flows into it on its port: pods of the services that call it, the ingress controller's namespace, and the network's range (`10.0.0.0/16`, as the Terraform's `var.vpc_cidr`) for callers outside the cluster. Egress is not restricted.\n");
    out.push_str("\n## Fill in\n\n- Images: the model's `image`, else `<service>:0.1.0`; push and pin each one.\n- Containers run as user 10001 on a read-only root file system: mount an `emptyDir` where a service writes.\n");
    if !notes.is_empty() {
        out.push_str("\n## TODO\n\n");
        for note in notes {
            let _ = writeln!(out, "- {note}");
        }
    }
    out
}
