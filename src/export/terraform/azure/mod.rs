//! Azure: a resource group and virtual network whose subnets share one network security
//! group; each networked component gets an application security group, and each connection
//! into it one NSG rule between the two groups. Then the managed service for each component.

pub(super) mod compute;
mod data;
mod edge;
mod messaging;
mod network;
mod observability;
mod security;

use hcl::Expression;

use super::module::{Module, block, literal, object, raw, resource};
use super::{Placed, Plan};
use crate::catalog::Recipe;

const RG: &str = "azurerm_resource_group.main.name";

/// Where the resources being added go: the resource group's location in the primary region,
/// the region's variable in another (one resource group holds every region's resources).
fn location(module: &Module) -> Expression {
    if module.in_primary_region() {
        raw("azurerm_resource_group.main.location")
    } else {
        raw(&module.regional("var.region"))
    }
}

pub(super) fn generate(module: &mut Module, plan: &Plan<'_>) {
    super::versions(module, plan, "azurerm", "hashicorp/azurerm", "~> 4.0");
    module.add(
        "providers.tf",
        &block("provider")
            .add_label("azurerm")
            // Storage accounts take no shared keys, so the provider uses Entra ID for them.
            .add_attribute(("storage_use_azuread", true))
            .add_block(block("features").build())
            .build(),
    );
    module.add(
        "providers.tf",
        &block("data")
            .add_label("azurerm_client_config")
            .add_label("current")
            .build(),
    );
    network::resource_group(module);
    for (index, region) in plan.regions.iter().enumerate() {
        module.enter_region(region, None);
        network::network(module);
        let here = plan.components.iter().filter(|p| p.region == index);
        if here.clone().any(|p| p.role != super::Role::Other) {
            compute::platform(module);
        }
    }
    module.enter_region(&plan.regions[0], None);
    super::kubernetes::cluster(module, plan, crate::model::Cloud::Azure);
    for placed in &plan.components {
        module.enter_region(plan.region_of(placed), None);
        if placed.networked {
            module.add(
                "security.tf",
                &resource("azurerm_application_security_group", &placed.name)
                    .add_attribute(("name", placed.env_name("-asg")))
                    .add_attribute(("resource_group_name", raw(RG)))
                    .add_attribute(("location", location(module)))
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
        }
        component(module, plan, placed);
    }
    module.enter_region(&plan.regions[0], None);
    network::rules(module, plan);
}

fn tags(placed: &Placed<'_>) -> Expression {
    object([
        ("name", literal(&placed.component.name)),
        ("archsmith_id", literal(&placed.slug)),
    ])
}

/// Names Azure allows only letters and digits in (registries, storage accounts).
/// Unique per project, environment and component: a short readable prefix and a hash, since
/// truncating a long project name would cut the component off and make two names collide.
fn alnum_name(slug: &str) -> Expression {
    let prefix: String = slug
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect();
    raw(&format!(
        "\"{prefix}${{substr(md5(\"${{var.project}}-${{var.environment}}-{slug}\"), 0, 16)}}\""
    ))
}

/// A resource of `resource_type` named `name`, in the module's resource group, located in
/// the region being added to.
fn in_resource_group(module: &Module, resource_type: &str, name: &str) -> hcl::BlockBuilder {
    resource(resource_type, name)
        .add_attribute(("resource_group_name", raw(RG)))
        .add_attribute(("location", location(module)))
}

/// The resources of one component, by the recipe of the managed service it becomes.
fn component(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    match placed.service.recipe {
        Recipe::OwnCode => compute::own_code(module, plan, placed),
        Recipe::Aks => compute::aks(module, plan, placed),
        Recipe::PostgresqlFlexible => {
            data::flexible_server(
                module,
                plan,
                placed,
                "azurerm_postgresql_flexible_server",
                "16",
            );
        }
        Recipe::MysqlFlexible => {
            data::flexible_server(
                module,
                plan,
                placed,
                "azurerm_mysql_flexible_server",
                "8.0.21",
            );
        }
        Recipe::AzureCacheRedis => data::redis_cache(module, plan, placed),
        Recipe::CosmosNosql => data::cosmos(module, plan, placed, "GlobalDocumentDB", None),
        Recipe::CosmosMongodb => data::cosmos(module, plan, placed, "MongoDB", Some("EnableMongo")),
        Recipe::CosmosCassandra => {
            data::cosmos(
                module,
                plan,
                placed,
                "GlobalDocumentDB",
                Some("EnableCassandra"),
            );
        }
        Recipe::StorageAccount => data::storage_account(module, plan, placed),
        Recipe::ServiceBusQueue => messaging::service_bus_queue(module, plan, placed),
        Recipe::ServiceBusTopic => messaging::service_bus_topic(module, plan, placed),
        Recipe::EventHubs => messaging::event_hubs(module, plan, placed),
        Recipe::EventGrid => messaging::event_grid(module, placed),
        Recipe::KeyVault => security::key_vault(module, placed, false),
        Recipe::KeyVaultKey => security::key_vault(module, placed, true),
        Recipe::AzureDns => edge::dns_zone(module, placed),
        Recipe::FrontDoor => edge::front_door(module, placed),
        Recipe::FrontDoorWaf => edge::front_door_waf(module, placed),
        Recipe::AzureLoadBalancer => edge::load_balancer(module, placed),
        Recipe::ApiManagement => edge::api_management(module, placed),
        Recipe::MonitorWorkspace => observability::monitor_workspace(module, placed),
        Recipe::AzureManagedGrafana => observability::managed_grafana(module, placed),
        Recipe::ApplicationInsights => observability::application_insights(module, placed),
        Recipe::MonitorActionGroup => observability::action_group(module, placed),
        // The catalog gives Azure services only Azure recipes (checked when it loads).
        _ => super::placeholder(module, placed, placed.component.kind.as_str()),
    }
}
