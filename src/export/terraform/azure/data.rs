//! Databases, caches and storage accounts.

use super::super::module::{Module, block, literal, raw, resource};
use super::super::{Placed, Plan};
use super::{RG, alnum_name, in_resource_group, location, tags};
use crate::backups::{
    COSMOS_CONTINUOUS_DAYS, COSMOS_PERIODIC_HOURS, COSMOS_PERIODIC_MINUTES, flexible_retention_days,
};

/// A PostgreSQL or MySQL Flexible Server: `resource_type` at `version`.
pub(super) fn flexible_server(
    module: &mut Module,
    plan: &Plan<'_>,
    placed: &Placed<'_>,
    resource_type: &str,
    version: &str,
) {
    let name = placed.name.as_str();
    let replicas = plan.int(placed.component, "replicas", 1);
    let ha = plan.flag(placed.component, "multi_az") || replicas > 1;
    // Zone-redundant HA needs the General Purpose tier: a small server becomes a medium one.
    let size = match plan.size(placed.component) {
        "small" if ha => {
            module.todo(format!(
                "`{}`: zone-redundant HA needs General Purpose, so it runs at the medium size instead of a burstable small one.",
                placed.slug
            ));
            "medium"
        }
        size => size,
    };
    // Flexible Server restores to any point within its backup retention by itself.
    plan.uses(placed.component, "point_in_time_recovery");
    let mut server = resource(resource_type, name)
        .add_attribute(("name", placed.env_name("")))
        .add_attribute(("resource_group_name", raw(RG)))
        .add_attribute(("location", location(module)))
        .add_attribute(("version", version))
        .add_attribute(("sku_name", raw(&format!("var.db_sku[\"{size}\"]"))));
    // A replica the model draws (a `replication` connection from a server of the same kind)
    // is created from its source, whose credentials and backups cover it.
    let source = plan
        .facts
        .replica_of(placed.component)
        .and_then(|primary| plan.placed(primary))
        .filter(|primary| primary.service.recipe == placed.service.recipe);
    server = match source {
        Some(primary) => server
            .add_attribute(("create_mode", "Replica"))
            .add_attribute((
                "source_server_id",
                raw(&format!("{resource_type}.{}.id", primary.name)),
            )),
        None => server
            .add_attribute(("administrator_login", "app_admin"))
            .add_attribute((
                "administrator_password",
                super::super::generated_secret(
                    module,
                    "db_admin_password",
                    "Administrator password of the database servers.",
                ),
            ))
            .add_attribute((
                "backup_retention_days",
                flexible_retention_days(plan.flag(placed.component, "backups")),
            ))
            .add_attribute((
                "geo_redundant_backup_enabled",
                plan.flag(placed.component, "backups"),
            )),
    };
    if ha && source.is_none() {
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
    // Read replicas the model counts: servers created from this one.
    let replicas = plan.int(placed.component, "read_replicas", 0);
    if replicas > 0 && source.is_none() {
        module.add(
            "data.tf",
            &in_resource_group(module, resource_type, &format!("{name}_read"))
                .add_attribute(("count", replicas))
                .add_attribute((
                    "name",
                    raw(&format!(
                        "\"${{var.environment}}-{}-read-${{count.index}}\"",
                        placed.slug
                    )),
                ))
                .add_attribute(("version", version))
                .add_attribute(("sku_name", raw(&format!("var.db_sku[\"{size}\"]"))))
                .add_attribute(("create_mode", "Replica"))
                .add_attribute((
                    "source_server_id",
                    raw(&format!("{resource_type}.{name}.id")),
                ))
                .add_attribute(("tags", tags(placed)))
                .build(),
        );
    }
}

pub(super) fn redis_cache(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    let replicas = plan.int(placed.component, "replicas", 1);
    module.add(
        "data.tf",
        &in_resource_group(module, "azurerm_redis_cache", name)
            .add_attribute(("name", placed.env_name("")))
            .add_attribute(("capacity", 1))
            .add_attribute(("family", if replicas > 1 { "P" } else { "C" }))
            .add_attribute((
                "sku_name",
                if replicas > 1 { "Premium" } else { "Standard" },
            ))
            .add_attribute(("minimum_tls_version", "1.2"))
            .add_attribute(("non_ssl_port_enabled", false))
            .add_attribute(("public_network_access_enabled", false))
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
    super::network::private_endpoint(
        module,
        placed,
        &format!("azurerm_redis_cache.{name}"),
        "redisCache",
        "privatelink.redis.cache.windows.net",
    );
}

pub(super) fn storage_account(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    // Blob versions and a week of soft delete restore what was overwritten or deleted.
    plan.uses(placed.component, "versioning");
    plan.uses(placed.component, "backups");
    let name = placed.name.as_str();
    let slug = placed.slug.as_str();
    module.add(
        "storage.tf",
        &in_resource_group(module, "azurerm_storage_account", name)
            .add_attribute(("name", alnum_name(slug)))
            .add_attribute(("account_tier", "Standard"))
            // Zone- and geo-redundant, keys and SAS tokens off in favour of Entra ID (the
            // provider signs in with it too), deleted blobs and containers kept a week.
            .add_attribute(("account_replication_type", "GZRS"))
            .add_attribute(("min_tls_version", "TLS1_2"))
            .add_attribute(("https_traffic_only_enabled", true))
            .add_attribute(("allow_nested_items_to_be_public", false))
            .add_attribute(("shared_access_key_enabled", false))
            .add_attribute(("public_network_access_enabled", false))
            .add_attribute(("default_to_oauth_authentication", true))
            .add_block(
                block("blob_properties")
                    .add_attribute(("versioning_enabled", true))
                    .add_block(
                        block("delete_retention_policy")
                            .add_attribute(("days", 7))
                            .build(),
                    )
                    .add_block(
                        block("container_delete_retention_policy")
                            .add_attribute(("days", 7))
                            .build(),
                    )
                    .build(),
            )
            .add_block(
                block("sas_policy")
                    .add_attribute(("expiration_period", "01.00:00:00"))
                    .build(),
            )
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
    super::network::private_endpoint(
        module,
        placed,
        &format!("azurerm_storage_account.{name}"),
        "blob",
        "privatelink.blob.core.windows.net",
    );
}

/// A Cosmos DB account of `account_kind`, with the API `capability` turns on, if any.
pub(super) fn cosmos(
    module: &mut Module,
    plan: &Plan<'_>,
    placed: &Placed<'_>,
    account_kind: &str,
    capability: Option<&str>,
) {
    let name = placed.name.as_str();
    let replicas = plan.int(placed.component, "replicas", 1);
    let mut account = in_resource_group(module, "azurerm_cosmosdb_account", name)
        .add_attribute(("name", placed.env_name("")))
        .add_attribute(("public_network_access_enabled", false))
        .add_attribute(("is_virtual_network_filter_enabled", true))
        .add_attribute(("access_key_metadata_writes_enabled", false))
        .add_attribute(("offer_type", "Standard"))
        .add_attribute(("kind", account_kind))
        .add_block(
            block("consistency_policy")
                .add_attribute(("consistency_level", "Session"))
                .build(),
        )
        .add_block(
            block("geo_location")
                .add_attribute(("location", location(module)))
                .add_attribute(("failover_priority", 0))
                .add_attribute(("zone_redundant", replicas > 1))
                .build(),
        );
    // The backups the model asks for, as `crate::backups` states them: continuous (to any
    // second) for point-in-time recovery, else periodic into geo-redundant storage.
    plan.uses(placed.component, "backups");
    let backup = if plan.flag(placed.component, "point_in_time_recovery") {
        plan.uses(placed.component, "point_in_time_recovery");
        block("backup")
            .add_attribute(("type", "Continuous"))
            .add_attribute(("tier", format!("Continuous{COSMOS_CONTINUOUS_DAYS}Days")))
    } else {
        block("backup")
            .add_attribute(("type", "Periodic"))
            .add_attribute(("interval_in_minutes", COSMOS_PERIODIC_MINUTES))
            .add_attribute(("retention_in_hours", COSMOS_PERIODIC_HOURS))
            .add_attribute(("storage_redundancy", "Geo"))
    };
    account = account.add_block(backup.build());
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
    let (subresource, zone) = match capability {
        Some("EnableMongo") => ("MongoDB", "privatelink.mongo.cosmos.azure.com"),
        Some("EnableCassandra") => ("Cassandra", "privatelink.cassandra.cosmos.azure.com"),
        _ => ("Sql", "privatelink.documents.azure.com"),
    };
    super::network::private_endpoint(
        module,
        placed,
        &format!("azurerm_cosmosdb_account.{name}"),
        subresource,
        zone,
    );
}
