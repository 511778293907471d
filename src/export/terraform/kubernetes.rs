//! Services drawn inside a Kubernetes boundary run as Kubernetes workloads: a namespace per
//! namespace boundary, and a deployment plus a cluster-internal service per component, on
//! the cluster each cloud provisions for the boundary (EKS, GKE or AKS).

use hcl::Expression;

use super::module::{Module, block, literal, object, raw, resource};
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
            super::aws::compute::iam_role(
                module,
                &format!("{name}_cluster"),
                slug,
                "eks.amazonaws.com",
                "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
            );
            module.add(
                "kubernetes.tf",
                &resource("aws_eks_cluster", name)
                    .add_attribute(("name", raw(&format!("\"${{var.environment}}-{slug}\""))))
                    .add_attribute(("role_arn", raw(&format!("aws_iam_role.{name}_cluster.arn"))))
                    .add_block(
                        block("vpc_config")
                            .add_attribute(("subnet_ids", raw("aws_subnet.private[*].id")))
                            .add_attribute(("endpoint_public_access", false))
                            .build(),
                    )
                    .build(),
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
            module.add(
                "kubernetes.tf",
                &resource("google_container_cluster", name)
                    .add_attribute(("name", raw(&format!("\"${{var.environment}}-{slug}\""))))
                    .add_attribute(("location", raw("var.region")))
                    .add_attribute(("enable_autopilot", true))
                    .add_attribute(("network", raw("google_compute_network.main.id")))
                    .add_attribute(("subnetwork", raw("google_compute_subnetwork.private.id")))
                    .add_attribute(("deletion_protection", true))
                    .build(),
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
            module.add(
                "kubernetes.tf",
                &resource("azurerm_kubernetes_cluster", name)
                    .add_attribute(("name", raw(&format!("\"${{var.environment}}-{slug}\""))))
                    .add_attribute((
                        "resource_group_name",
                        raw("azurerm_resource_group.main.name"),
                    ))
                    .add_attribute(("location", raw("azurerm_resource_group.main.location")))
                    .add_attribute((
                        "dns_prefix",
                        raw(&format!("\"${{var.environment}}-{slug}\"")),
                    ))
                    .add_block(
                        block("default_node_pool")
                            .add_attribute(("name", "system"))
                            .add_attribute(("vm_size", "Standard_D4s_v5"))
                            .add_attribute(("node_count", 3))
                            .add_attribute(("vnet_subnet_id", raw("azurerm_subnet.apps.id")))
                            .build(),
                    )
                    .add_block(
                        block("identity")
                            .add_attribute(("type", "SystemAssigned"))
                            .build(),
                    )
                    .build(),
            );
            let config = format!("azurerm_kubernetes_cluster.{name}.kube_config[0]");
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
    let labels = || object([("app", literal(slug))]);
    let metadata = || {
        block("metadata")
            .add_attribute(("name", literal(slug)))
            .add_attribute(("namespace", literal(namespace)))
            .add_attribute(("labels", labels()))
            .build()
    };
    module.add(
        "kubernetes.tf",
        &resource("kubernetes_deployment_v1", name)
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
                                    .add_block(
                                        block("container")
                                            .add_attribute(("name", literal(slug)))
                                            .add_attribute(("image", image))
                                            .add_block(
                                                block("port")
                                                    .add_attribute(("container_port", placed.port))
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
