//! What faces clients: Front Door, its WAF policy, load balancers, API Management and DNS.

use super::super::Placed;
use super::super::module::{Module, block, raw, resource};
use super::{RG, alnum_name, in_resource_group, tags};

pub(super) fn dns_zone(module: &mut Module, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    module.add(
        "edge.tf",
        &resource("azurerm_dns_zone", name)
            .add_attribute(("name", raw("var.domain_name")))
            .add_attribute(("resource_group_name", raw(RG)))
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
}

pub(super) fn front_door(module: &mut Module, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    module.add(
        "edge.tf",
        &resource("azurerm_cdn_frontdoor_profile", name)
            .add_attribute(("name", placed.env_name("")))
            .add_attribute(("resource_group_name", raw(RG)))
            .add_attribute(("sku_name", "Standard_AzureFrontDoor"))
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
}

pub(super) fn front_door_waf(module: &mut Module, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    let slug = placed.slug.as_str();
    module.add(
        "edge.tf",
        &resource("azurerm_cdn_frontdoor_firewall_policy", name)
            .add_attribute(("name", alnum_name(slug)))
            .add_attribute(("resource_group_name", raw(RG)))
            .add_attribute(("sku_name", "Standard_AzureFrontDoor"))
            .add_attribute(("mode", "Prevention"))
            .add_attribute(("enabled", true))
            .build(),
    );
}

pub(super) fn load_balancer(module: &mut Module, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    let slug = placed.slug.as_str();
    module.add(
        "edge.tf",
        &in_resource_group(module, "azurerm_public_ip", name)
            .add_attribute(("name", placed.env_name("-ip")))
            .add_attribute(("allocation_method", "Static"))
            .add_attribute(("sku", "Standard"))
            .build(),
    );
    module.add(
        "edge.tf",
        &in_resource_group(module, "azurerm_lb", name)
            .add_attribute(("name", placed.env_name("")))
            .add_attribute(("sku", "Standard"))
            .add_block(
                block("frontend_ip_configuration")
                    .add_attribute(("name", "public"))
                    .add_attribute((
                        "public_ip_address_id",
                        raw(&format!("azurerm_public_ip.{name}.id")),
                    ))
                    .build(),
            )
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
    module.todo(format!("`{slug}`: add backend pools, probes and rules; for L7 routing put an Application Gateway in front."));
}

pub(super) fn api_management(module: &mut Module, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    module.add(
        "edge.tf",
        &in_resource_group(module, "azurerm_api_management", name)
            .add_attribute(("name", placed.env_name("")))
            .add_attribute(("publisher_name", raw("var.project")))
            .add_attribute(("publisher_email", raw("\"platform@${var.domain_name}\"")))
            .add_attribute(("sku_name", "Developer_1"))
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
}
