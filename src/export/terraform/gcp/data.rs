//! Databases, caches, warehouses and buckets.

use super::super::module::{Module, block, raw, resource};
use super::super::{Placed, Plan};
use super::labels;

/// Cloud SQL at `version` (`POSTGRES_16`, `MYSQL_8_0`).
pub(super) fn cloud_sql(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>, version: &str) {
    let name = placed.name.as_str();
    let slug = placed.slug.as_str();
    let replicas = plan.int(placed.component, "replicas", 1);
    let backups = plan.flag(placed.component, "backups");
    let pitr = plan.flag(placed.component, "point_in_time_recovery");
    let ha = plan.flag(placed.component, "multi_az") || replicas > 1;
    module.add(
        "data.tf",
        &resource("google_sql_database_instance", name)
            .add_attribute(("name", placed.env_name("")))
            .add_attribute(("database_version", version))
            .add_attribute(("region", raw("var.region")))
            .add_attribute(("deletion_protection", true))
            .add_block(
                block("settings")
                    .add_attribute((
                        "tier",
                        raw(&format!("var.db_tier[\"{}\"]", plan.size(placed.component))),
                    ))
                    .add_attribute(("availability_type", if ha { "REGIONAL" } else { "ZONAL" }))
                    .add_attribute(("disk_size", plan.int(placed.component, "storage_gb", 20)))
                    .add_attribute(("user_labels", labels(placed)))
                    .add_block(
                        block("backup_configuration")
                            .add_attribute(("enabled", backups))
                            .add_attribute((
                                "point_in_time_recovery_enabled",
                                pitr && version.starts_with("POSTGRES"),
                            ))
                            .build(),
                    )
                    .add_block(
                        block("ip_configuration")
                            .add_attribute(("ipv4_enabled", false))
                            .add_attribute((
                                "private_network",
                                raw("google_compute_network.main.id"),
                            ))
                            .build(),
                    )
                    .build(),
            )
            .build(),
    );
    module.todo(format!("`{slug}`: Cloud SQL with a private IP needs a private services access connection (google_service_networking_connection) on the network."));
}

pub(super) fn memorystore(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    let replicas = plan.int(placed.component, "replicas", 1);
    module.add(
        "data.tf",
        &resource("google_redis_instance", name)
            .add_attribute(("name", placed.env_name("")))
            .add_attribute(("region", raw("var.region")))
            .add_attribute(("tier", if replicas > 1 { "STANDARD_HA" } else { "BASIC" }))
            .add_attribute((
                "memory_size_gb",
                raw(&format!(
                    "var.memory_size_gb[\"{}\"]",
                    plan.size(placed.component)
                )),
            ))
            .add_attribute(("authorized_network", raw("google_compute_network.main.id")))
            .add_attribute(("transit_encryption_mode", "SERVER_AUTHENTICATION"))
            .add_attribute(("labels", labels(placed)))
            .build(),
    );
}

pub(super) fn gcs(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let c = placed.component;
    let name = placed.name.as_str();
    let slug = placed.slug.as_str();
    // Every bucket keeps object versions, which restore what was overwritten or deleted.
    plan.uses(c, "versioning");
    plan.uses(c, "backups");
    let lifecycle = plan.int(c, "lifecycle_days", 0);
    let mut bucket = resource("google_storage_bucket", name)
        .add_attribute((
            "name",
            raw(&format!(
                "\"${{var.project_id}}-${{var.environment}}-{slug}\""
            )),
        ))
        .add_attribute(("location", raw("var.region")))
        .add_attribute(("uniform_bucket_level_access", true))
        .add_attribute(("public_access_prevention", "enforced"))
        .add_block(block("versioning").add_attribute(("enabled", true)).build());
    if lifecycle > 0 {
        bucket = bucket.add_block(
            block("lifecycle_rule")
                .add_block(block("condition").add_attribute(("age", lifecycle)).build())
                .add_block(block("action").add_attribute(("type", "Delete")).build())
                .build(),
        );
    }
    module.add(
        "storage.tf",
        &bucket.add_attribute(("labels", labels(placed))).build(),
    );
}

pub(super) fn firestore(module: &mut Module, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    module.add(
        "data.tf",
        &resource("google_firestore_database", name)
            .add_attribute(("name", placed.env_name("")))
            .add_attribute(("location_id", raw("var.region")))
            .add_attribute(("type", "FIRESTORE_NATIVE"))
            .add_attribute((
                "point_in_time_recovery_enablement",
                "POINT_IN_TIME_RECOVERY_ENABLED",
            ))
            .add_attribute(("delete_protection_state", "DELETE_PROTECTION_ENABLED"))
            .build(),
    );
}

pub(super) fn bigtable(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    let replicas = plan.int(placed.component, "replicas", 1);
    module.add(
        "data.tf",
        &resource("google_bigtable_instance", name)
            .add_attribute(("name", placed.env_name("")))
            .add_attribute(("deletion_protection", true))
            .add_block(
                block("cluster")
                    .add_attribute(("cluster_id", placed.env_name("-c1")))
                    .add_attribute(("zone", raw("\"${var.region}-b\"")))
                    .add_attribute(("num_nodes", replicas.max(1)))
                    .build(),
            )
            .build(),
    );
}

pub(super) fn bigquery(module: &mut Module, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    let slug = placed.slug.as_str();
    module.add(
        "data.tf",
        &resource("google_bigquery_dataset", name)
            .add_attribute((
                "dataset_id",
                raw(&format!(
                    "\"${{var.environment}}_{}\"",
                    slug.replace('-', "_")
                )),
            ))
            .add_attribute(("location", raw("var.region")))
            .add_attribute(("labels", labels(placed)))
            .build(),
    );
}
