//! The resource group, virtual network, subnets and their security group, and one NSG rule per connection into a networked component.

use super::super::module::{Module, block, list, literal, raw, resource};
use super::super::{Placed, Plan, Source};
use super::{RG, location};

/// The one resource group, which holds every region's resources.
pub(super) fn resource_group(module: &mut Module) {
    module.add(
        "network.tf",
        &resource("azurerm_resource_group", "main")
            .add_attribute(("name", raw("\"rg-${var.project}-${var.environment}\"")))
            .add_attribute(("location", raw("var.region")))
            .build(),
    );
}

/// The virtual network of the region being added to, its subnets and their security group.
pub(super) fn network(module: &mut Module) {
    let vnet = module.regional("main");
    let cloud_suffix = vnet.trim_start_matches("main").replace('_', "-");
    module.add(
        "network.tf",
        &resource("azurerm_virtual_network", &vnet)
            .add_attribute((
                "name",
                raw(&format!(
                    "\"vnet-${{var.project}}-${{var.environment}}{cloud_suffix}\""
                )),
            ))
            .add_attribute(("resource_group_name", raw(RG)))
            .add_attribute(("location", location(module)))
            .add_attribute((
                "address_space",
                list([raw(&module.regional("var.vnet_cidr"))]),
            ))
            .build(),
    );
    for (i, tier) in ["apps", "data"].into_iter().enumerate() {
        subnet(module, tier, tier, i);
    }
    module.add(
        "security.tf",
        &resource("azurerm_network_security_group", &vnet)
            .add_attribute((
                "name",
                raw(&format!(
                    "\"nsg-${{var.project}}-${{var.environment}}{cloud_suffix}\""
                )),
            ))
            .add_attribute(("resource_group_name", raw(RG)))
            .add_attribute(("location", location(module)))
            .build(),
    );
}

/// One NSG rule per (target, source), between application security groups.
pub(super) fn rules(module: &mut Module, plan: &Plan<'_>) {
    for (i, rule) in plan.ingress_rules().into_iter().enumerate() {
        let target = rule.target;
        let region = plan.region_of(target);
        let mut builder = resource(
            "azurerm_network_security_rule",
            &format!("{}_from_{}", target.name, rule.source_name),
        )
        .add_attribute((
            "name",
            literal(&format!(
                "{}-from-{}",
                target.slug,
                rule.source_name.replace('_', "-")
            )),
        ))
        .add_attribute(("description", literal(&rule.description)))
        .add_attribute(("priority", 100 + i64::try_from(i).unwrap_or(0)))
        .add_attribute(("direction", "Inbound"))
        .add_attribute(("access", "Allow"))
        .add_attribute(("protocol", "Tcp"))
        .add_attribute(("source_port_range", "*"))
        .add_attribute(("destination_port_range", literal(&target.port.to_string())))
        .add_attribute((
            "destination_application_security_group_ids",
            list([raw(&format!(
                "azurerm_application_security_group.{}.id",
                target.name
            ))]),
        ))
        .add_attribute(("resource_group_name", raw(RG)))
        .add_attribute((
            "network_security_group_name",
            raw(&format!(
                "azurerm_network_security_group.main{}.name",
                region.suffix()
            )),
        ));
        builder = match rule.source {
            // Application security groups work within their region: a caller in another
            // region is admitted by its network's range (the networks need peering, which
            // the README lists as not generated).
            Source::Group(source) if source.region != target.region => builder.add_attribute((
                "source_address_prefix",
                raw(&plan.region_of(source).var("vnet_cidr")),
            )),
            Source::Group(source) => builder.add_attribute((
                "source_application_security_group_ids",
                list([raw(&format!(
                    "azurerm_application_security_group.{}.id",
                    source.name
                ))]),
            )),
            Source::Internet => builder.add_attribute(("source_address_prefix", "Internet")),
            Source::Network => builder.add_attribute(("source_address_prefix", "VirtualNetwork")),
        };
        module.add("security.tf", &builder.build());
    }
}

/// Subnet `name` of the virtual network (the `index`th /23 of its range), under the shared
/// network security group.
pub(super) fn subnet(module: &mut Module, base: &str, label: &str, index: usize) {
    let name = module.regional(base);
    let vnet = module.regional("main");
    module.add(
        "network.tf",
        &resource("azurerm_subnet", &name)
            .add_attribute(("name", label))
            .add_attribute(("resource_group_name", raw(RG)))
            .add_attribute((
                "virtual_network_name",
                raw(&format!("azurerm_virtual_network.{vnet}.name")),
            ))
            .add_attribute((
                "address_prefixes",
                list([raw(&format!(
                    "cidrsubnet({}, 7, {index})",
                    module.regional("var.vnet_cidr")
                ))]),
            ))
            .build(),
    );
    module.add(
        "network.tf",
        &resource("azurerm_subnet_network_security_group_association", &name)
            .add_attribute(("subnet_id", raw(&format!("azurerm_subnet.{name}.id"))))
            .add_attribute((
                "network_security_group_id",
                raw(&format!("azurerm_network_security_group.{vnet}.id")),
            ))
            .build(),
    );
}

/// Closes `target` (`azurerm_storage_account.assets`) to the public network and reaches it
/// through a private endpoint in the data subnet, resolved inside the network by the
/// service's private DNS zone (declared once per zone).
pub(super) fn private_endpoint(
    module: &mut Module,
    placed: &Placed<'_>,
    target: &str,
    subresource: &str,
    zone: &str,
) {
    let zone_name = zone.replace(['.', '-'], "_");
    if module.first_time(&format!("dns_zone_{zone_name}")) {
        module.add(
            "network.tf",
            &resource("azurerm_private_dns_zone", &zone_name)
                .add_attribute(("name", zone))
                .add_attribute(("resource_group_name", raw(RG)))
                .build(),
        );
    }
    // The zone is global; each region's network resolves it through a link of its own.
    let link = module.regional(&zone_name);
    let vnet = module.regional("main");
    if module.first_time(&format!("dns_zone_link_{link}")) {
        module.add(
            "network.tf",
            &resource("azurerm_private_dns_zone_virtual_network_link", &link)
                .add_attribute(("name", literal(&format!("{link}-link").replace('_', "-"))))
                .add_attribute(("resource_group_name", raw(RG)))
                .add_attribute((
                    "private_dns_zone_name",
                    raw(&format!("azurerm_private_dns_zone.{zone_name}.name")),
                ))
                .add_attribute((
                    "virtual_network_id",
                    raw(&format!("azurerm_virtual_network.{vnet}.id")),
                ))
                .build(),
        );
    }
    let name = &placed.name;
    module.add(
        "network.tf",
        &super::in_resource_group(module, "azurerm_private_endpoint", name)
            .add_attribute(("name", placed.env_name("-pe")))
            .add_attribute((
                "subnet_id",
                raw(&format!("azurerm_subnet.{}.id", module.regional("data"))),
            ))
            .add_block(
                block("private_service_connection")
                    .add_attribute(("name", placed.env_name("-psc")))
                    .add_attribute((
                        "private_connection_resource_id",
                        raw(&format!("{target}.id")),
                    ))
                    .add_attribute(("is_manual_connection", false))
                    .add_attribute(("subresource_names", list([literal(subresource)])))
                    .build(),
            )
            .add_block(
                block("private_dns_zone_group")
                    .add_attribute(("name", "default"))
                    .add_attribute((
                        "private_dns_zone_ids",
                        list([raw(&format!("azurerm_private_dns_zone.{zone_name}.id"))]),
                    ))
                    .build(),
            )
            .build(),
    );
}
