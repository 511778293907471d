//! What faces clients: Cloud Armor, load-balancer addresses and Cloud DNS.

use super::super::Placed;
use super::super::module::{Module, literal, raw, resource};
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
