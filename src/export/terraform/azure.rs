//! Azure: a resource group and virtual network whose subnets share one network security
//! group; each networked component gets an application security group, and each connection
//! into it one NSG rule between the two groups. Then the managed service for each component.

use crate::catalog::Deployment;
use hcl::Expression;

use super::module::{Module, block, list, literal, object, raw, resource};
use super::{Placed, Plan, Source};

const RG: &str = "azurerm_resource_group.main.name";
const LOCATION: &str = "azurerm_resource_group.main.location";

pub(super) fn generate(module: &mut Module, plan: &Plan<'_>) {
    super::versions(module, plan, "azurerm", "hashicorp/azurerm", "~> 4.0");
    module.add(
        "providers.tf",
        &block("provider")
            .add_label("azurerm")
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
    network(module);
    super::kubernetes::cluster(module, plan, crate::model::Cloud::Azure);
    let services = plan.components.iter().any(|p| p.role != super::Role::Other);
    if services {
        platform(module);
    }
    for placed in &plan.components {
        if placed.networked {
            module.add(
                "security.tf",
                &resource("azurerm_application_security_group", &placed.name)
                    .add_attribute(("name", env_name(&placed.slug, "-asg")))
                    .add_attribute(("resource_group_name", raw(RG)))
                    .add_attribute(("location", raw(LOCATION)))
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
        }
        component(module, plan, placed);
    }
    rules(module, plan);
}

fn tags(placed: &Placed<'_>) -> Expression {
    object([
        ("name", literal(&placed.component.name)),
        ("archsmith_id", literal(&placed.slug)),
    ])
}

fn env_name(slug: &str, suffix: &str) -> Expression {
    raw(&format!("\"${{var.environment}}-{slug}{suffix}\""))
}

/// Names Azure allows only letters and digits in (registries, storage accounts).
fn alnum_name(slug: &str) -> Expression {
    raw(&format!(
        "substr(replace(\"${{var.project}}${{var.environment}}{slug}\", \"-\", \"\"), 0, 24)"
    ))
}

fn network(module: &mut Module) {
    module.add(
        "network.tf",
        &resource("azurerm_resource_group", "main")
            .add_attribute(("name", raw("\"rg-${var.project}-${var.environment}\"")))
            .add_attribute(("location", raw("var.region")))
            .build(),
    );
    module.add(
        "network.tf",
        &resource("azurerm_virtual_network", "main")
            .add_attribute(("name", raw("\"vnet-${var.project}-${var.environment}\"")))
            .add_attribute(("resource_group_name", raw(RG)))
            .add_attribute(("location", raw(LOCATION)))
            .add_attribute(("address_space", list([raw("var.vnet_cidr")])))
            .build(),
    );
    for (i, tier) in ["apps", "data"].iter().enumerate() {
        module.add(
            "network.tf",
            &resource("azurerm_subnet", tier)
                .add_attribute(("name", literal(tier)))
                .add_attribute(("resource_group_name", raw(RG)))
                .add_attribute((
                    "virtual_network_name",
                    raw("azurerm_virtual_network.main.name"),
                ))
                .add_attribute((
                    "address_prefixes",
                    list([raw(&format!("cidrsubnet(var.vnet_cidr, 7, {i})"))]),
                ))
                .build(),
        );
        module.add(
            "network.tf",
            &resource("azurerm_subnet_network_security_group_association", tier)
                .add_attribute(("subnet_id", raw(&format!("azurerm_subnet.{tier}.id"))))
                .add_attribute((
                    "network_security_group_id",
                    raw("azurerm_network_security_group.main.id"),
                ))
                .build(),
        );
    }
    module.add(
        "security.tf",
        &resource("azurerm_network_security_group", "main")
            .add_attribute(("name", raw("\"nsg-${var.project}-${var.environment}\"")))
            .add_attribute(("resource_group_name", raw(RG)))
            .add_attribute(("location", raw(LOCATION)))
            .build(),
    );
}

fn platform(module: &mut Module) {
    module.add(
        "observability.tf",
        &resource("azurerm_log_analytics_workspace", "main")
            .add_attribute(("name", raw("\"log-${var.project}-${var.environment}\"")))
            .add_attribute(("resource_group_name", raw(RG)))
            .add_attribute(("location", raw(LOCATION)))
            .add_attribute(("sku", "PerGB2018"))
            .add_attribute(("retention_in_days", raw("var.log_retention_days")))
            .build(),
    );
    module.add(
        "compute.tf",
        &resource("azurerm_container_registry", "main")
            .add_attribute(("name", alnum_name("acr")))
            .add_attribute(("resource_group_name", raw(RG)))
            .add_attribute(("location", raw(LOCATION)))
            .add_attribute(("sku", "Standard"))
            .add_attribute(("admin_enabled", false))
            .build(),
    );
    module.add(
        "compute.tf",
        &resource("azurerm_container_app_environment", "main")
            .add_attribute(("name", raw("\"cae-${var.project}-${var.environment}\"")))
            .add_attribute(("resource_group_name", raw(RG)))
            .add_attribute(("location", raw(LOCATION)))
            .add_attribute((
                "log_analytics_workspace_id",
                raw("azurerm_log_analytics_workspace.main.id"),
            ))
            .add_attribute(("infrastructure_subnet_id", raw("azurerm_subnet.apps.id")))
            .build(),
    );
}

fn component(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    let slug = placed.slug.as_str();
    let replicas = plan.int(placed.component, "replicas", 1);
    let base = |kind: &str| {
        resource(kind, name)
            .add_attribute(("resource_group_name", raw(RG)))
            .add_attribute(("location", raw(LOCATION)))
    };
    // The team's own code, as a container or a function: the catalog says which kinds are.
    let own_code = plan
        .facts
        .runs(placed.component)
        .is_some_and(Deployment::is_own_code);
    match placed.component.kind.as_str() {
        _ if own_code => {
            if placed.namespace.is_some() {
                let image = raw(&format!(
                    "\"${{azurerm_container_registry.main.login_server}}/{slug}:${{var.image_tag}}\""
                ));
                super::kubernetes::workload(module, plan, placed, image);
                return;
            }
            let max = plan
                .int(placed.component, "autoscaling_max", replicas)
                .max(replicas);
            module.add(
                "compute.tf",
                &resource("azurerm_container_app", name)
                    .add_attribute(("name", env_name(slug, "")))
                    .add_attribute(("resource_group_name", raw(RG)))
                    .add_attribute(("container_app_environment_id", raw("azurerm_container_app_environment.main.id")))
                    .add_attribute(("revision_mode", "Single"))
                    .add_block(
                        block("template")
                            .add_attribute(("min_replicas", replicas))
                            .add_attribute(("max_replicas", max))
                            .add_block(
                                block("container")
                                    .add_attribute(("name", literal(slug)))
                                    .add_attribute(("image", raw(&format!("\"${{azurerm_container_registry.main.login_server}}/{slug}:${{var.image_tag}}\""))))
                                    .add_attribute(("cpu", 0.5))
                                    .add_attribute(("memory", "1Gi"))
                                    .build(),
                            )
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
                    .build(),
            );
        }
        kind @ ("postgresql" | "mysql") => {
            let (resource_type, version) = if kind == "postgresql" {
                ("azurerm_postgresql_flexible_server", "16")
            } else {
                ("azurerm_mysql_flexible_server", "8.0.21")
            };
            let mut server = resource(resource_type, name)
                .add_attribute(("name", env_name(slug, "")))
                .add_attribute(("resource_group_name", raw(RG)))
                .add_attribute(("location", raw(LOCATION)))
                .add_attribute(("version", version))
                .add_attribute((
                    "sku_name",
                    raw(&format!("var.db_sku[\"{}\"]", plan.size(placed.component))),
                ))
                .add_attribute(("administrator_login", "app_admin"))
                .add_attribute(("administrator_password", raw("var.db_admin_password")))
                .add_attribute((
                    "backup_retention_days",
                    if plan.flag(placed.component, "backups") {
                        14
                    } else {
                        7
                    },
                ))
                .add_attribute((
                    "geo_redundant_backup_enabled",
                    plan.flag(placed.component, "backups"),
                ));
            if plan.flag(placed.component, "multi_az") || replicas > 1 {
                server = server.add_block(
                    block("high_availability")
                        .add_attribute(("mode", "ZoneRedundant"))
                        .build(),
                );
            }
            module.add(
                "data.tf",
                &server.add_attribute(("tags", tags(placed))).build(),
            );
        }
        "redis" | "memcached" | "redis-pubsub" => {
            module.add(
                "data.tf",
                &base("azurerm_redis_cache")
                    .add_attribute(("name", env_name(slug, "")))
                    .add_attribute(("capacity", 1))
                    .add_attribute(("family", if replicas > 1 { "P" } else { "C" }))
                    .add_attribute((
                        "sku_name",
                        if replicas > 1 { "Premium" } else { "Standard" },
                    ))
                    .add_attribute(("minimum_tls_version", "1.2"))
                    .add_attribute(("non_ssl_port_enabled", false))
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
        }
        "rabbitmq" | "sqs" | "nats" => {
            module.add(
                "messaging.tf",
                &base("azurerm_servicebus_namespace")
                    .add_attribute(("name", env_name(slug, "")))
                    .add_attribute(("sku", "Standard"))
                    .add_attribute(("minimum_tls_version", "1.2"))
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
            module.add(
                "messaging.tf",
                &resource("azurerm_servicebus_queue", name)
                    .add_attribute(("name", literal(slug)))
                    .add_attribute((
                        "namespace_id",
                        raw(&format!("azurerm_servicebus_namespace.{name}.id")),
                    ))
                    .add_attribute(("max_delivery_count", 5))
                    .add_attribute(("dead_lettering_on_message_expiration", true))
                    .build(),
            );
        }
        "kafka" => {
            module.add(
                "messaging.tf",
                &base("azurerm_eventhub_namespace")
                    .add_attribute(("name", env_name(slug, "")))
                    .add_attribute(("sku", "Standard"))
                    .add_attribute(("capacity", replicas.max(1)))
                    .add_attribute(("minimum_tls_version", "1.2"))
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
        }
        "event-bus" => {
            module.add(
                "messaging.tf",
                &base("azurerm_eventgrid_topic")
                    .add_attribute(("name", env_name(slug, "")))
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
        }
        "object-storage" => {
            module.add(
                "storage.tf",
                &base("azurerm_storage_account")
                    .add_attribute(("name", alnum_name(slug)))
                    .add_attribute(("account_tier", "Standard"))
                    .add_attribute(("account_replication_type", "ZRS"))
                    .add_attribute(("min_tls_version", "TLS1_2"))
                    .add_attribute(("https_traffic_only_enabled", true))
                    .add_attribute(("allow_nested_items_to_be_public", false))
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
            module.add(
                "storage.tf",
                &resource("azurerm_storage_container", name)
                    .add_attribute(("name", literal(slug)))
                    .add_attribute((
                        "storage_account_id",
                        raw(&format!("azurerm_storage_account.{name}.id")),
                    ))
                    .add_attribute(("container_access_type", "private"))
                    .build(),
            );
        }
        kind @ ("mongodb" | "dynamodb" | "cassandra") => {
            let mut account = base("azurerm_cosmosdb_account")
                .add_attribute(("name", env_name(slug, "")))
                .add_attribute(("offer_type", "Standard"))
                .add_attribute((
                    "kind",
                    if kind == "mongodb" {
                        "MongoDB"
                    } else {
                        "GlobalDocumentDB"
                    },
                ))
                .add_block(
                    block("consistency_policy")
                        .add_attribute(("consistency_level", "Session"))
                        .build(),
                )
                .add_block(
                    block("geo_location")
                        .add_attribute(("location", raw(LOCATION)))
                        .add_attribute(("failover_priority", 0))
                        .add_attribute(("zone_redundant", replicas > 1))
                        .build(),
                );
            let capability = match kind {
                "mongodb" => Some("EnableMongo"),
                "cassandra" => Some("EnableCassandra"),
                _ => None,
            };
            if let Some(capability) = capability {
                account = account.add_block(
                    block("capabilities")
                        .add_attribute(("name", capability))
                        .build(),
                );
            }
            module.add(
                "data.tf",
                &account.add_attribute(("tags", tags(placed))).build(),
            );
        }
        "secrets-manager" | "kms" => {
            module.add(
                "security.tf",
                &base("azurerm_key_vault")
                    .add_attribute((
                        "name",
                        raw(&format!(
                            "substr(\"kv-${{var.environment}}-{slug}\", 0, 24)"
                        )),
                    ))
                    .add_attribute((
                        "tenant_id",
                        raw("data.azurerm_client_config.current.tenant_id"),
                    ))
                    .add_attribute(("sku_name", "standard"))
                    .add_attribute(("purge_protection_enabled", true))
                    .add_attribute(("rbac_authorization_enabled", true))
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
            if placed.component.kind.as_str() == "kms" {
                module.add(
                    "security.tf",
                    &resource("azurerm_key_vault_key", name)
                        .add_attribute(("name", literal(slug)))
                        .add_attribute((
                            "key_vault_id",
                            raw(&format!("azurerm_key_vault.{name}.id")),
                        ))
                        .add_attribute(("key_type", "RSA"))
                        .add_attribute(("key_size", 2048))
                        .add_attribute((
                            "key_opts",
                            list(["decrypt", "encrypt", "unwrapKey", "wrapKey"].map(literal)),
                        ))
                        .build(),
                );
            }
        }
        "dns" => {
            module.add(
                "edge.tf",
                &resource("azurerm_dns_zone", name)
                    .add_attribute(("name", raw("var.domain_name")))
                    .add_attribute(("resource_group_name", raw(RG)))
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
        }
        "cdn" => {
            module.add(
                "edge.tf",
                &resource("azurerm_cdn_frontdoor_profile", name)
                    .add_attribute(("name", env_name(slug, "")))
                    .add_attribute(("resource_group_name", raw(RG)))
                    .add_attribute(("sku_name", "Standard_AzureFrontDoor"))
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
        }
        "waf" => {
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
        "load-balancer" | "network-load-balancer" => {
            module.add(
                "edge.tf",
                &base("azurerm_public_ip")
                    .add_attribute(("name", env_name(slug, "-ip")))
                    .add_attribute(("allocation_method", "Static"))
                    .add_attribute(("sku", "Standard"))
                    .build(),
            );
            module.add(
                "edge.tf",
                &base("azurerm_lb")
                    .add_attribute(("name", env_name(slug, "")))
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
        "api-gateway" => {
            module.add(
                "edge.tf",
                &base("azurerm_api_management")
                    .add_attribute(("name", env_name(slug, "")))
                    .add_attribute(("publisher_name", raw("var.project")))
                    .add_attribute(("publisher_email", raw("\"platform@${var.domain_name}\"")))
                    .add_attribute(("sku_name", "Developer_1"))
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
        }
        "kubernetes-cluster" => {
            module.add(
                "compute.tf",
                &base("azurerm_kubernetes_cluster")
                    .add_attribute(("name", env_name(slug, "")))
                    .add_attribute(("dns_prefix", env_name(slug, "")))
                    .add_block(
                        block("default_node_pool")
                            .add_attribute(("name", "system"))
                            .add_attribute(("vm_size", "Standard_D4s_v5"))
                            .add_attribute(("node_count", replicas.max(3)))
                            .add_attribute(("vnet_subnet_id", raw("azurerm_subnet.apps.id")))
                            .build(),
                    )
                    .add_block(
                        block("identity")
                            .add_attribute(("type", "SystemAssigned"))
                            .build(),
                    )
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
        }
        "prometheus" => {
            module.add(
                "observability.tf",
                &base("azurerm_monitor_workspace")
                    .add_attribute(("name", env_name(slug, "")))
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
        }
        "grafana" => {
            module.add(
                "observability.tf",
                &base("azurerm_dashboard_grafana")
                    .add_attribute((
                        "name",
                        raw(&format!("substr(\"${{var.environment}}-{slug}\", 0, 23)")),
                    ))
                    .add_attribute(("grafana_major_version", "11"))
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
        }
        "jaeger" | "otel-collector" => {
            module.add(
                "observability.tf",
                &base("azurerm_application_insights")
                    .add_attribute(("name", env_name(slug, "")))
                    .add_attribute(("application_type", "web"))
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
        }
        "alertmanager" => {
            module.add(
                "observability.tf",
                &resource("azurerm_monitor_action_group", name)
                    .add_attribute(("name", env_name(slug, "")))
                    .add_attribute(("resource_group_name", raw(RG)))
                    .add_attribute(("short_name", "alerts"))
                    .build(),
            );
        }
        other => super::placeholder(module, placed, other),
    }
}

/// One NSG rule per (target, source), between application security groups.
fn rules(module: &mut Module, plan: &Plan<'_>) {
    for (i, rule) in plan.ingress_rules().into_iter().enumerate() {
        let target = rule.target;
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
            raw("azurerm_network_security_group.main.name"),
        ));
        builder = match rule.source {
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
