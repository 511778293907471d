//! The team's own code (Container Apps, or workloads on AKS), the platform they share, and AKS clusters.

use super::super::module::{Module, block, list, literal, raw, resource};
use super::super::{Placed, Plan, registry};
use super::{RG, in_resource_group, location, tags};
use crate::model::Cloud;

/// What the region's Container Apps share: a subnet, a Log Analytics workspace and an
/// environment. Images come from the registry root's one registry (see `registry`).
pub(super) fn platform(module: &mut Module) {
    // The Container Apps environment takes a subnet of its own: it cannot share one with a
    // cluster's nodes or anything else.
    super::network::subnet(module, "container_apps", "container-apps", 2);
    let main = module.regional("main");
    let cloud_suffix = main.trim_start_matches("main").replace('_', "-");
    module.add(
        "observability.tf",
        &resource("azurerm_log_analytics_workspace", &main)
            .add_attribute((
                "name",
                raw(&format!(
                    "\"log-${{var.project}}-${{var.environment}}{cloud_suffix}\""
                )),
            ))
            .add_attribute(("resource_group_name", raw(RG)))
            .add_attribute(("location", location(module)))
            .add_attribute(("sku", "PerGB2018"))
            .add_attribute(("retention_in_days", raw("var.log_retention_days")))
            .build(),
    );
    module.add(
        "compute.tf",
        &resource("azurerm_container_app_environment", &main)
            .add_attribute((
                "name",
                raw(&format!(
                    "\"cae-${{var.project}}-${{var.environment}}{cloud_suffix}\""
                )),
            ))
            .add_attribute(("resource_group_name", raw(RG)))
            .add_attribute(("location", location(module)))
            .add_attribute((
                "log_analytics_workspace_id",
                raw(&format!("azurerm_log_analytics_workspace.{main}.id")),
            ))
            .add_attribute((
                "infrastructure_subnet_id",
                raw(&format!(
                    "azurerm_subnet.{}.id",
                    module.regional("container_apps")
                )),
            ))
            .build(),
    );
}

/// The identity Container Apps pull images with, once per environment: allowed to pull
/// from the registry and nothing else. Returns its resource address.
fn image_pull_identity(module: &mut Module) -> &'static str {
    const ADDRESS: &str = "azurerm_user_assigned_identity.image_pull";
    if module.first_time("image_pull_identity") {
        module.add(
            "iam.tf",
            &resource("azurerm_user_assigned_identity", "image_pull")
                .add_attribute((
                    "name",
                    raw("\"id-${var.project}-${var.environment}-image-pull\""),
                ))
                .add_attribute(("resource_group_name", raw(RG)))
                .add_attribute(("location", location(module)))
                .build(),
        );
        image_pull_grant(module, "image_pull", &format!("{ADDRESS}.principal_id"));
    }
    ADDRESS
}

/// `AcrPull` on the registry for the principal at `principal` (an expression).
fn image_pull_grant(module: &mut Module, name: &str, principal: &str) {
    module.add(
        "iam.tf",
        &resource("azurerm_role_assignment", name)
            .add_attribute(("scope", raw("data.azurerm_container_registry.main.id")))
            .add_attribute(("role_definition_name", "AcrPull"))
            .add_attribute(("principal_id", raw(principal)))
            .build(),
    );
}

pub(super) fn own_code(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    let slug = placed.slug.as_str();
    let image = registry::read(module, plan, placed, Cloud::Azure);
    if placed.namespace.is_some() {
        if let Some(cluster) = plan.clusters.first()
            && module.first_time("aks_image_pull")
        {
            image_pull_grant(
                module,
                "aks_image_pull",
                &format!(
                    "azurerm_kubernetes_cluster.{}.kubelet_identity[0].object_id",
                    cluster.name
                ),
            );
        }
        super::super::kubernetes::workload(module, plan, placed, image);
        return;
    }
    let puller = image_pull_identity(module);
    let (min, max) = plan.instance_bounds(placed.component);
    let health = plan
        .flag(placed.component, "health_check")
        .then(|| super::super::health_path(module, plan, placed));
    let mut container = block("container")
        .add_attribute(("name", literal(slug)))
        .add_attribute(("image", image))
        .add_attribute(("cpu", 0.5))
        .add_attribute(("memory", "1Gi"));
    if let Some(path) = &health {
        // Container Apps sends traffic once the readiness probe passes and restarts a
        // replica whose liveness probe fails.
        for probe in ["liveness_probe", "readiness_probe"] {
            container = container.add_block(
                block(probe)
                    .add_attribute(("transport", "HTTP"))
                    .add_attribute(("port", placed.port))
                    .add_attribute(("path", literal(path)))
                    .build(),
            );
        }
    }
    module.add(
        "compute.tf",
        &resource("azurerm_container_app", name)
            .add_attribute(("name", placed.env_name("")))
            .add_attribute(("resource_group_name", raw(RG)))
            .add_attribute((
                "container_app_environment_id",
                raw(&format!(
                    "azurerm_container_app_environment.{}.id",
                    module.regional("main")
                )),
            ))
            .add_attribute(("revision_mode", "Single"))
            .add_block(
                block("identity")
                    .add_attribute(("type", "UserAssigned"))
                    .add_attribute(("identity_ids", list([raw(&format!("{puller}.id"))])))
                    .build(),
            )
            .add_block(
                block("registry")
                    .add_attribute((
                        "server",
                        raw("data.azurerm_container_registry.main.login_server"),
                    ))
                    .add_attribute(("identity", raw(&format!("{puller}.id"))))
                    .build(),
            )
            .add_block(
                block("template")
                    .add_attribute(("min_replicas", min))
                    .add_attribute(("max_replicas", max))
                    .add_block(container.build())
                    .build(),
            )
            .add_block(
                block("ingress")
                    .add_attribute(("target_port", placed.port))
                    .add_attribute(("external_enabled", false))
                    .add_block(
                        block("traffic_weight")
                            .add_attribute(("percentage", 100))
                            .add_attribute(("latest_revision", true))
                            .build(),
                    )
                    .build(),
            )
            .add_attribute(("tags", tags(placed)))
            // The first revision pulls its image as soon as it is created: only once the
            // identity may.
            .add_attribute((
                "depends_on",
                list([raw("azurerm_role_assignment.image_pull")]),
            ))
            .build(),
    );
}

pub(super) fn aks(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let nodes = plan.int(placed.component, "replicas", 1).max(3);
    aks_cluster(
        module,
        "compute.tf",
        &placed.name,
        &placed.slug,
        nodes,
        Some(tags(placed)),
        true,
    );
}

/// An AKS cluster `name` with a private API server, Entra ID RBAC, automatic patches,
/// Azure CNI with network policies, Azure Policy and rotated CSI secrets. Local accounts
/// stay only when a provider signs in with the cluster's client certificate.
pub(in super::super) fn aks_cluster(
    module: &mut Module,
    file: &'static str,
    name: &str,
    slug: &str,
    nodes: i64,
    tags: Option<hcl::Expression>,
    local_accounts_disabled: bool,
) {
    let mut cluster = in_resource_group(module, "azurerm_kubernetes_cluster", name)
        .add_attribute(("name", raw(&format!("\"${{var.environment}}-{slug}\""))))
        .add_attribute((
            "dns_prefix",
            raw(&format!("\"${{var.environment}}-{slug}\"")),
        ))
        .add_block(
            block("default_node_pool")
                .add_attribute(("name", "system"))
                .add_attribute(("vm_size", "Standard_D4s_v5"))
                .add_attribute(("node_count", nodes))
                .add_attribute((
                    "vnet_subnet_id",
                    raw(&format!("azurerm_subnet.{}.id", module.regional("apps"))),
                ))
                .add_attribute(("max_pods", 50))
                .add_attribute(("host_encryption_enabled", true))
                .build(),
        )
        .add_block(
            block("identity")
                .add_attribute(("type", "SystemAssigned"))
                .build(),
        )
        // A private API server with Entra ID RBAC, patched automatically,
        // Azure CNI with network policies, Azure Policy, and rotated CSI secrets.
        .add_attribute(("sku_tier", "Standard"))
        .add_attribute(("private_cluster_enabled", true))
        .add_attribute(("local_account_disabled", local_accounts_disabled))
        .add_attribute(("automatic_upgrade_channel", "patch"))
        .add_attribute(("azure_policy_enabled", true))
        .add_block(
            block("azure_active_directory_role_based_access_control")
                .add_attribute(("azure_rbac_enabled", true))
                .build(),
        )
        .add_block(
            block("network_profile")
                .add_attribute(("network_plugin", "azure"))
                .add_attribute(("network_policy", "azure"))
                .build(),
        )
        .add_block(
            block("key_vault_secrets_provider")
                .add_attribute(("secret_rotation_enabled", true))
                .build(),
        );
    if let Some(tags) = tags {
        cluster = cluster.add_attribute(("tags", tags));
    }
    module.add(file, &cluster.build());
}
