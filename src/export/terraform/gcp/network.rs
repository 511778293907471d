//! The VPC network, its private subnet and Cloud NAT, and one firewall rule per connection into a networked component.

use super::super::module::{Module, block, list, literal, raw, resource};
use super::super::{Plan, Source};

/// The VPC network: global on Google Cloud, so one for every region, whose firewall rules
/// apply across regions.
pub(super) fn network(module: &mut Module) {
    module.add(
        "network.tf",
        &resource("google_compute_network", "main")
            .add_attribute(("name", raw("\"${var.project}-${var.environment}\"")))
            .add_attribute(("auto_create_subnetworks", false))
            .build(),
    );
}

/// The private subnet and Cloud NAT of the region the module has entered.
pub(super) fn regional_network(module: &mut Module) {
    let subnet = module.regional("private");
    let router = module.regional("main");
    let region = module.regional("var.region");
    let cloud_name = |part: &str| {
        raw(&format!(
            "\"${{var.project}}-${{var.environment}}{}\"",
            part.replace('_', "-")
        ))
    };
    module.add(
        "network.tf",
        &resource("google_compute_subnetwork", &subnet)
            .add_attribute(("name", cloud_name(&format!("-{subnet}"))))
            .add_attribute(("network", raw("google_compute_network.main.id")))
            .add_attribute(("region", raw(&region)))
            .add_attribute(("ip_cidr_range", raw(&module.regional("var.subnet_cidr"))))
            .add_attribute(("private_ip_google_access", true))
            .add_block(
                block("log_config")
                    .add_attribute(("aggregation_interval", "INTERVAL_5_SEC"))
                    .add_attribute(("flow_sampling", 0.5))
                    .add_attribute(("metadata", "INCLUDE_ALL_METADATA"))
                    .build(),
            )
            .build(),
    );
    let router_suffix = router.trim_start_matches("main").to_owned();
    module.add(
        "network.tf",
        &resource("google_compute_router", &router)
            .add_attribute(("name", cloud_name(&router_suffix)))
            .add_attribute(("network", raw("google_compute_network.main.id")))
            .add_attribute(("region", raw(&region)))
            .build(),
    );
    module.add(
        "network.tf",
        &resource("google_compute_router_nat", &router)
            .add_attribute(("name", cloud_name(&router_suffix)))
            .add_attribute((
                "router",
                raw(&format!("google_compute_router.{router}.name")),
            ))
            .add_attribute(("region", raw(&region)))
            .add_attribute(("nat_ip_allocate_option", "AUTO_ONLY"))
            .add_attribute((
                "source_subnetwork_ip_ranges_to_nat",
                "ALL_SUBNETWORKS_ALL_IP_RANGES",
            ))
            .build(),
    );
}

/// One firewall rule per (target, source): tag to tag inside the network, or from anywhere to
/// an internet-facing entry point.
pub(super) fn firewall(module: &mut Module, plan: &Plan<'_>) {
    for rule in plan.ingress_rules() {
        let target = rule.target;
        let mut builder = resource(
            "google_compute_firewall",
            &format!("{}_from_{}", target.name, rule.source_name),
        )
        .add_attribute((
            "name",
            raw(&format!(
                "\"${{var.environment}}-{}-from-{}\"",
                target.slug,
                rule.source_name.replace('_', "-")
            )),
        ))
        .add_attribute(("network", raw("google_compute_network.main.id")))
        .add_attribute(("direction", "INGRESS"))
        .add_attribute(("description", literal(&rule.description)))
        .add_attribute(("target_tags", list([literal(&target.slug)])))
        .add_block(
            block("allow")
                .add_attribute(("protocol", "tcp"))
                .add_attribute(("ports", list([literal(&target.port.to_string())])))
                .build(),
        );
        builder = match rule.source {
            Source::Group(source) => {
                builder.add_attribute(("source_tags", list([literal(&source.slug)])))
            }
            Source::Internet => {
                builder.add_attribute(("source_ranges", list([literal("0.0.0.0/0")])))
            }
            Source::Network => builder.add_attribute((
                "source_ranges",
                list([raw(&plan.region_of(target).var("subnet_cidr"))]),
            )),
        };
        module.add("security.tf", &builder.build());
    }
}
