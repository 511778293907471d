//! What faces clients: Cloud Armor, load-balancer addresses and Cloud DNS.

use super::super::Placed;
use super::super::module::{Module, block, list, literal, raw, resource};
use super::labels;

pub(super) fn cloud_armor(module: &mut Module, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    module.add(
        "edge.tf",
        &resource("google_compute_security_policy", name)
            .add_attribute(("name", placed.env_name("")))
            .add_attribute((
                "description",
                literal(&format!("WAF policy for {}", placed.component.name)),
            ))
            // Google's preconfigured rule against Log4j lookups (CVE-2021-44228); the
            // policy's default rule still allows the rest.
            .add_block(
                block("rule")
                    .add_attribute(("action", "deny(403)"))
                    .add_attribute(("priority", 1000))
                    .add_attribute(("description", "Log4j JNDI lookups"))
                    .add_block(
                        block("match")
                            .add_block(
                                block("expr")
                                    .add_attribute((
                                        "expression",
                                        "evaluatePreconfiguredWaf('cve-canary', {'sensitivity': 1})",
                                    ))
                                    .build(),
                            )
                            .build(),
                    )
                    .build(),
            )
            .add_block(
                block("rule")
                    .add_attribute(("action", "allow"))
                    .add_attribute(("priority", 2147483647))
                    .add_attribute(("description", "Default rule"))
                    .add_block(
                        block("match")
                            .add_attribute(("versioned_expr", "SRC_IPS_V1"))
                            .add_block(
                                block("config")
                                    .add_attribute(("src_ip_ranges", list([literal("*")])))
                                    .build(),
                            )
                            .build(),
                    )
                    .build(),
            )
            .build(),
    );
}

pub(super) fn global_address(module: &mut Module, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    let slug = placed.slug.as_str();
    module.add(
        "edge.tf",
        &resource("google_compute_global_address", name)
            .add_attribute(("name", placed.env_name("")))
            .build(),
    );
    module.todo(format!("`{slug}`: the address is reserved; add the backend service, URL map and forwarding rule for its targets."));
}

pub(super) fn cloud_dns(module: &mut Module, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    module.add(
        "edge.tf",
        &resource("google_dns_managed_zone", name)
            .add_attribute(("name", placed.env_name("")))
            .add_attribute(("dns_name", raw("\"${var.domain_name}.\"")))
            .add_attribute(("labels", labels(placed)))
            .build(),
    );
}
