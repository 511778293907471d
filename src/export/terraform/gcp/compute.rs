//! The team's own code (Cloud Run services, or workloads on GKE) and GKE clusters.

use super::super::module::{Module, block, list, literal, raw, resource};
use super::super::{Placed, Plan, registry};
use super::labels;
use crate::model::Cloud;

pub(super) fn own_code(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    let slug = placed.slug.as_str();
    let image = registry::read(module, plan, placed, Cloud::Gcp);
    if placed.namespace.is_some() {
        super::super::kubernetes::workload(module, plan, placed, image);
        return;
    }
    let (min, max) = plan.instance_bounds(placed.component);
    let health = plan
        .flag(placed.component, "health_check")
        .then(|| super::super::health_path(module, plan, placed));
    let mut containers = block("containers")
        .add_attribute(("image", image))
        .add_block(
            block("ports")
                .add_attribute(("container_port", placed.port))
                .build(),
        );
    if let Some(path) = &health {
        // Cloud Run routes to an instance once its startup probe passes and restarts one
        // whose liveness probe fails.
        for probe in ["startup_probe", "liveness_probe"] {
            containers = containers.add_block(
                block(probe)
                    .add_block(
                        block("http_get")
                            .add_attribute(("path", literal(path)))
                            .add_attribute(("port", placed.port))
                            .build(),
                    )
                    .build(),
            );
        }
    }
    module.add(
        "compute.tf",
        &resource("google_cloud_run_v2_service", name)
            .add_attribute(("name", placed.env_name("")))
            .add_attribute(("description", literal(&placed.component.name)))
            .add_attribute(("location", raw(&module.regional("var.region"))))
            .add_attribute(("ingress", "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"))
            .add_attribute(("deletion_protection", false))
            .add_block(
                block("template")
                    .add_block(containers.build())
                    .add_block(
                        block("scaling")
                            .add_attribute(("min_instance_count", min))
                            .add_attribute(("max_instance_count", max))
                            .build(),
                    )
                    .add_block(
                        block("vpc_access")
                            .add_attribute(("egress", "PRIVATE_RANGES_ONLY"))
                            .add_block(
                                block("network_interfaces")
                                    .add_attribute((
                                        "network",
                                        raw("google_compute_network.main.id"),
                                    ))
                                    .add_attribute((
                                        "subnetwork",
                                        raw(&format!(
                                            "google_compute_subnetwork.{}.id",
                                            module.regional("private")
                                        )),
                                    ))
                                    .add_attribute(("tags", list([literal(slug)])))
                                    .build(),
                            )
                            .build(),
                    )
                    .build(),
            )
            .add_attribute(("labels", labels(placed)))
            .build(),
    );
}

pub(super) fn gke(module: &mut Module, placed: &Placed<'_>) {
    gke_cluster(
        module,
        "compute.tf",
        &placed.name,
        &placed.slug,
        Some(labels(placed)),
    );
}

/// An Autopilot GKE cluster `name` with private nodes and control plane, reached from the
/// network only, VPC-native pod addresses and Binary Authorization.
pub(in super::super) fn gke_cluster(
    module: &mut Module,
    file: &'static str,
    name: &str,
    slug: &str,
    labels: Option<hcl::Expression>,
) {
    let mut cluster = resource("google_container_cluster", name)
        .add_attribute(("name", raw(&format!("\"${{var.environment}}-{slug}\""))))
        .add_attribute(("location", raw(&module.regional("var.region"))))
        .add_attribute(("enable_autopilot", true))
        .add_attribute(("network", raw("google_compute_network.main.id")))
        .add_attribute((
            "subnetwork",
            raw(&format!(
                "google_compute_subnetwork.{}.id",
                module.regional("private")
            )),
        ))
        .add_attribute(("deletion_protection", true));
    if let Some(labels) = labels {
        cluster = cluster.add_attribute(("resource_labels", labels));
    }
    module.add(
        file,
        &cluster
            // Private nodes and control plane, reached from the network only; VPC-native
            // (alias IP) pod addresses; images admitted by Binary Authorization.
            .add_block(
                block("private_cluster_config")
                    .add_attribute(("enable_private_nodes", true))
                    .add_attribute(("enable_private_endpoint", true))
                    .build(),
            )
            .add_block(
                block("master_authorized_networks_config")
                    .add_block(
                        block("cidr_blocks")
                            .add_attribute(("cidr_block", raw(&module.regional("var.subnet_cidr"))))
                            .add_attribute(("display_name", "private subnet"))
                            .build(),
                    )
                    .build(),
            )
            .add_block(block("ip_allocation_policy").build())
            .add_block(
                block("release_channel")
                    .add_attribute(("channel", "REGULAR"))
                    .build(),
            )
            .add_block(
                block("binary_authorization")
                    .add_attribute(("evaluation_mode", "PROJECT_SINGLETON_POLICY_ENFORCE"))
                    .build(),
            )
            .build(),
    );
}
