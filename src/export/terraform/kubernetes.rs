//! Services drawn inside a Kubernetes boundary run as Kubernetes workloads: a namespace per
//! namespace boundary, and a deployment plus a cluster-internal service per component, on
//! the cluster each cloud provisions for the boundary (EKS, GKE or AKS).

use hcl::Expression;

use super::module::{Module, block, list, literal, object, raw, resource};
use super::{Placed, Plan};
use crate::model::Cloud;

/// The `required_providers` entry for the Kubernetes provider.
pub(super) fn required_provider() -> (&'static str, Expression) {
    (
        "kubernetes",
        object([
            ("source", literal("hashicorp/kubernetes")),
            ("version", literal("~> 2.0")),
        ]),
    )
}

/// The cluster resource for a Kubernetes boundary, and the provider block that talks to it.
pub(super) fn cluster(module: &mut Module, plan: &Plan<'_>, cloud: Cloud) {
    let Some(cluster) = plan.clusters.first() else {
        return;
    };
    let name = &cluster.name;
    let slug = &cluster.slug;
    let provider = match cloud {
        Cloud::Aws => {
            super::aws::compute::eks_cluster(
                module,
                "kubernetes.tf",
                name,
                slug,
                &super::aws::tier_subnets(&plan.regions[0], false),
                None,
                None,
            );
            module.add(
                "kubernetes.tf",
                &block("data")
                    .add_label("aws_eks_cluster_auth")
                    .add_label(name)
                    .add_attribute(("name", raw(&format!("aws_eks_cluster.{name}.name"))))
                    .build(),
            );
            block("provider")
                .add_label("kubernetes")
                .add_attribute(("host", raw(&format!("aws_eks_cluster.{name}.endpoint"))))
                .add_attribute((
                    "cluster_ca_certificate",
                    raw(&format!(
                        "base64decode(aws_eks_cluster.{name}.certificate_authority[0].data)"
                    )),
                ))
                .add_attribute((
                    "token",
                    raw(&format!("data.aws_eks_cluster_auth.{name}.token")),
                ))
                .build()
        }
        Cloud::Gcp => {
            super::gcp::compute::gke_cluster(
                module,
                "kubernetes.tf",
                name,
                slug,
                Some(object([("archsmith_id", literal(slug))])),
            );
            module.add(
                "kubernetes.tf",
                &block("data")
                    .add_label("google_client_config")
                    .add_label("current")
                    .build(),
            );
            block("provider")
                .add_label("kubernetes")
                .add_attribute(("host", raw(&format!("\"https://${{google_container_cluster.{name}.endpoint}}\""))))
                .add_attribute(("token", raw("data.google_client_config.current.access_token")))
                .add_attribute((
                    "cluster_ca_certificate",
                    raw(&format!("base64decode(google_container_cluster.{name}.master_auth[0].cluster_ca_certificate)")),
                ))
                .build()
        }
        Cloud::Azure => {
            // The provider below signs in with the cluster's client certificate, so this
            // cluster keeps its local accounts.
            super::azure::compute::aks_cluster(module, "kubernetes.tf", name, slug, 3, None, false);
            // With Entra ID RBAC the user kube config carries no certificate; the admin one does.
            let config = format!("azurerm_kubernetes_cluster.{name}.kube_admin_config[0]");
            block("provider")
                .add_label("kubernetes")
                .add_attribute(("host", raw(&format!("{config}.host"))))
                .add_attribute((
                    "client_certificate",
                    raw(&format!("base64decode({config}.client_certificate)")),
                ))
                .add_attribute((
                    "client_key",
                    raw(&format!("base64decode({config}.client_key)")),
                ))
                .add_attribute((
                    "cluster_ca_certificate",
                    raw(&format!("base64decode({config}.cluster_ca_certificate)")),
                ))
                .build()
        }
    };
    module.add("providers.tf", &provider);
    if plan.clusters.len() > 1 {
        module.todo("Only the first Kubernetes boundary gets a cluster and a provider block; add aliased providers for the others.");
    }
}

/// The workload's container: its port, requests and limits by size, probes, and a
/// security context that runs it unprivileged on a read-only root file system.
fn hardened_container(
    module: &mut Module,
    plan: &Plan<'_>,
    placed: &Placed<'_>,
    image: Expression,
    long_running: bool,
) -> hcl::Block {
    let (cpu, memory) = crate::export::workload::resources(plan.size(placed.component));
    let resources = object([("cpu", literal(cpu)), ("memory", literal(memory))]);
    let mut container = block("container")
        .add_attribute(("name", literal(&placed.slug)))
        .add_attribute(("image", image))
        // Tags are immutable in the registries, and pulling checks the node may still read it.
        .add_attribute(("image_pull_policy", "Always"))
        .add_block(
            block("port")
                .add_attribute(("container_port", placed.port))
                .build(),
        )
        .add_block(
            block("resources")
                .add_attribute(("requests", resources.clone()))
                .add_attribute(("limits", resources))
                .build(),
        );
    // An HTTP probe of the health endpoint the model declares; without one, the port
    // accepting connections is what the cluster can check.
    let health = plan
        .flag(placed.component, "health_check")
        .then(|| super::health_path(module, plan, placed));
    let probes: &[&str] = if long_running {
        &["liveness_probe", "readiness_probe"]
    } else {
        &[]
    };
    for probe in probes {
        let check = match &health {
            Some(path) => block("http_get")
                .add_attribute(("path", literal(path)))
                .add_attribute(("port", placed.port))
                .build(),
            None => block("tcp_socket")
                .add_attribute(("port", placed.port))
                .build(),
        };
        container = container.add_block(
            block(probe)
                .add_block(check)
                .add_attribute(("period_seconds", 10))
                .build(),
        );
    }
    container
        .add_block(
            block("security_context")
                .add_attribute(("run_as_non_root", true))
                .add_attribute(("read_only_root_filesystem", true))
                .add_attribute(("allow_privilege_escalation", false))
                .add_block(
                    block("capabilities")
                        .add_attribute(("drop", list([literal("ALL")])))
                        .build(),
                )
                .build(),
        )
        .build()
}

/// The namespace, deployment and service of a containerised component inside a Kubernetes
/// boundary; does nothing for one outside.
pub(super) fn workload(
    module: &mut Module,
    plan: &Plan<'_>,
    placed: &Placed<'_>,
    image: Expression,
) {
    let Some(namespace) = placed.namespace.as_deref() else {
        return;
    };
    let replicas = plan.int(placed.component, "replicas", 1);
    let name = &placed.name;
    let slug = &placed.slug;
    if plan.namespaces.borrow_mut().insert(namespace.to_owned()) {
        module.add(
            "kubernetes.tf",
            &resource("kubernetes_namespace_v1", &namespace.replace('-', "_"))
                .add_block(
                    block("metadata")
                        .add_attribute(("name", literal(namespace)))
                        .build(),
                )
                .build(),
        );
    }
    // The labels and selector of the manifests export, so the two never fight over a
    // Deployment (its selector cannot change once applied).
    let labels = || object([("app.kubernetes.io/name", literal(slug))]);
    let schedule = plan.text(placed.component, "schedule").filter(|_| {
        plan.graph
            .has_trait(placed.component, crate::catalog::Trait::Scheduled)
    });
    let container = hardened_container(module, plan, placed, image, schedule.is_none());
    let metadata = || {
        block("metadata")
            .add_attribute(("name", literal(slug)))
            .add_attribute(("namespace", literal(namespace)))
            .add_attribute(("labels", labels()))
            .build()
    };
    let pod_security = || {
        block("security_context")
            .add_attribute(("run_as_non_root", true))
            .add_block(
                block("seccomp_profile")
                    .add_attribute(("type", "RuntimeDefault"))
                    .build(),
            )
            .build()
    };
    // A scheduled job runs to completion on its schedule, one run at a time: a CronJob with
    // no replicas, probes or Service.
    if let Some(schedule) = schedule {
        module.add(
            "kubernetes.tf",
            &resource("kubernetes_cron_job_v1", name)
                .add_block(metadata())
                .add_block(
                    block("spec")
                        .add_attribute(("schedule", literal(schedule)))
                        .add_attribute(("concurrency_policy", "Forbid"))
                        .add_block(
                            block("job_template")
                                .add_block(
                                    block("metadata")
                                        .add_attribute(("labels", labels()))
                                        .build(),
                                )
                                .add_block(
                                    block("spec")
                                        .add_attribute(("backoff_limit", 3))
                                        .add_block(
                                            block("template")
                                                .add_block(
                                                    block("metadata")
                                                        .add_attribute(("labels", labels()))
                                                        .build(),
                                                )
                                                .add_block(
                                                    block("spec")
                                                        .add_attribute((
                                                            "restart_policy",
                                                            "OnFailure",
                                                        ))
                                                        .add_attribute((
                                                            "automount_service_account_token",
                                                            false,
                                                        ))
                                                        .add_block(pod_security())
                                                        .add_block(container)
                                                        .build(),
                                                )
                                                .build(),
                                        )
                                        .build(),
                                )
                                .build(),
                        )
                        .build(),
                )
                .build(),
        );
        return;
    }
    // The model's autoscaling bounds and CPU target, as the manifests export sets them; the
    // autoscaler then owns the replica count, which Terraform must leave alone.
    let autoscaling = plan
        .flag(placed.component, "autoscaling")
        .then(|| plan.instance_bounds(placed.component));
    let deployment = resource("kubernetes_deployment_v1", name)
        .add_block(metadata())
        .add_block(
            block("spec")
                .add_attribute(("replicas", replicas))
                .add_block(
                    block("selector")
                        .add_attribute(("match_labels", labels()))
                        .build(),
                )
                .add_block(
                    block("template")
                        .add_block(
                            block("metadata")
                                .add_attribute(("labels", labels()))
                                .build(),
                        )
                        .add_block(
                            block("spec")
                                .add_attribute(("automount_service_account_token", false))
                                .add_block(pod_security())
                                .add_block(container)
                                .build(),
                        )
                        .build(),
                )
                .build(),
        );
    let deployment = match autoscaling {
        Some(_) => deployment.add_block(
            block("lifecycle")
                .add_attribute(("ignore_changes", list([raw("spec[0].replicas")])))
                .build(),
        ),
        None => deployment,
    };
    module.add("kubernetes.tf", &deployment.build());
    if let Some((min, max)) = autoscaling {
        module.add(
            "kubernetes.tf",
            &resource("kubernetes_horizontal_pod_autoscaler_v2", name)
                .add_block(metadata())
                .add_block(
                    block("spec")
                        .add_attribute(("min_replicas", min.max(1)))
                        .add_attribute(("max_replicas", max))
                        .add_block(
                            block("scale_target_ref")
                                .add_attribute(("api_version", "apps/v1"))
                                .add_attribute(("kind", "Deployment"))
                                .add_attribute(("name", literal(slug)))
                                .build(),
                        )
                        .add_block(
                            block("metric")
                                .add_attribute(("type", "Resource"))
                                .add_block(
                                    block("resource")
                                        .add_attribute(("name", "cpu"))
                                        .add_block(
                                            block("target")
                                                .add_attribute(("type", "Utilization"))
                                                .add_attribute(("average_utilization", 60))
                                                .build(),
                                        )
                                        .build(),
                                )
                                .build(),
                        )
                        .build(),
                )
                .build(),
        );
    }
    // One pod may be down for maintenance at a time, when the model runs more than one.
    let fewest = autoscaling.map_or(replicas, |(min, _)| min);
    if fewest > 1 {
        module.add(
            "kubernetes.tf",
            &resource("kubernetes_pod_disruption_budget_v1", name)
                .add_block(metadata())
                .add_block(
                    block("spec")
                        .add_attribute(("max_unavailable", "1"))
                        .add_block(
                            block("selector")
                                .add_attribute(("match_labels", labels()))
                                .build(),
                        )
                        .build(),
                )
                .build(),
        );
    }
    module.add(
        "kubernetes.tf",
        &resource("kubernetes_service_v1", name)
            .add_block(metadata())
            .add_block(
                block("spec")
                    .add_attribute(("selector", labels()))
                    .add_attribute(("type", "ClusterIP"))
                    .add_block(
                        block("port")
                            .add_attribute(("port", placed.port))
                            .add_attribute(("target_port", placed.port))
                            .build(),
                    )
                    .build(),
            )
            .build(),
    );
}
