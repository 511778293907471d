//! What a container workload of the team's own code is, for the exports that run it on
//! Kubernetes (the Terraform `kubernetes` provider and plain manifests): where it runs, how
//! many replicas, its requests and limits, and how the cluster probes it. Computed once, so
//! the two cannot disagree.

use crate::catalog::Deployment;
use crate::facts::Facts;
use crate::graph::ArchGraph;
use crate::model::{Component, GroupKind};

/// CPU and memory requested (and limited to) per instance size.
pub(crate) fn resources(size: &str) -> (&'static str, &'static str) {
    match size {
        "medium" => ("500m", "1Gi"),
        "large" => ("1", "2Gi"),
        "xlarge" => ("2", "4Gi"),
        _ => ("250m", "512Mi"),
    }
}

/// A health path that is safe anywhere it goes (a URL, a shell command): letters, digits and
/// `/._-~`, starting with `/`.
pub(crate) fn safe_health_path(path: &str) -> bool {
    path.starts_with('/')
        && path.len() <= 200
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-~".contains(c))
}

/// The Kubernetes namespace `component` runs in when it sits inside a Kubernetes boundary:
/// its namespace boundary, else the cluster's own id (never `default`).
pub(crate) fn namespace(graph: &ArchGraph<'_>, component: &Component) -> Option<String> {
    let chain = graph.groups_around(component);
    let cluster = chain.iter().find(|g| g.kind == GroupKind::K8sCluster)?;
    let namespace = chain
        .iter()
        .find(|g| g.kind == GroupKind::K8sNamespace)
        .unwrap_or(cluster);
    Some(namespace.id.as_str().replace(['_', '.'], "-"))
}

/// A container of the team's own code, as a cluster runs it.
#[derive(Debug, Clone)]
pub(crate) struct Workload<'a> {
    pub component: &'a Component,
    pub slug: String,
    pub namespace: String,
    pub port: u16,
    pub replicas: i64,
    /// Autoscaling bounds, when the model scales it.
    pub autoscaling: Option<(i64, i64)>,
    pub cpu: &'static str,
    pub memory: &'static str,
    /// The HTTP path probed, when the model declares a health endpoint; otherwise the port.
    pub health_path: Option<String>,
    /// The health path the model gives, when it is not safe to use (the probe uses
    /// `/health`).
    pub unsafe_health_path: Option<&'a str>,
}

impl<'a> Workload<'a> {
    /// The workload of `component` when it is the team's own container code, in
    /// `namespace` (or the namespace its Kubernetes boundary gives it).
    pub fn of(
        graph: &ArchGraph<'a>,
        component: &'a Component,
        fallback_namespace: Option<&str>,
    ) -> Option<Self> {
        if Facts::of_model(graph).runs(component) != Some(Deployment::Built) {
            return None;
        }
        let namespace = namespace(graph, component).or(fallback_namespace.map(str::to_owned))?;
        let replicas = graph.int(component, "replicas").unwrap_or(1).max(0);
        let autoscaling = graph.flag(component, "autoscaling").then(|| {
            let min = graph
                .int(component, "autoscaling_min")
                .unwrap_or(replicas)
                .max(1);
            (
                min,
                graph
                    .int(component, "autoscaling_max")
                    .unwrap_or(replicas)
                    .max(min),
            )
        });
        let (cpu, memory) = resources(graph.text(component, "instance_size").unwrap_or("small"));
        let declared = graph
            .text(component, "health_path")
            .filter(|p| !p.is_empty())
            .unwrap_or("/health");
        let (health_path, unsafe_health_path) = if graph.flag(component, "health_check") {
            if safe_health_path(declared) {
                (Some(declared.to_owned()), None)
            } else {
                (Some("/health".to_owned()), Some(declared))
            }
        } else {
            (None, None)
        };
        Some(Self {
            component,
            slug: component.id.as_str().replace(['_', '.'], "-"),
            namespace,
            port: graph
                .int(component, "port")
                .and_then(|p| u16::try_from(p).ok())
                .unwrap_or(8080),
            replicas,
            autoscaling,
            cpu,
            memory,
            health_path,
            unsafe_health_path,
        })
    }
}
