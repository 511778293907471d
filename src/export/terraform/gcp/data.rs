//! Databases, caches, warehouses and buckets.

use super::super::module::{Module, block, raw, resource};
use super::super::{Placed, Plan};
use super::labels;

/// Cloud SQL for `engine` (`POSTGRES`, `MYSQL`) at the model's `engine_version`, else at
/// `default_version`.
pub(super) fn cloud_sql(
    module: &mut Module,
    plan: &Plan<'_>,
    placed: &Placed<'_>,
    engine: &str,
    default_version: &str,
) {
    let c = placed.component;
    // A replica the model draws (in its region or another) follows its primary: same
    // engine version, the primary's backups.
    let primary = plan
        .facts
        .replica_of(c)
        .and_then(|primary| plan.placed(primary))
        .filter(|primary| primary.service.recipe == placed.service.recipe);
    let version = database_version(
        plan.text(primary.map_or(c, |p| p.component), "engine_version"),
        engine,
    )
    .unwrap_or_else(|| format!("{engine}_{default_version}"));
    let version = version.as_str();
    let name = placed.name.as_str();
    let slug = placed.slug.as_str();
    let replicas = plan.int(c, "replicas", 1);
    let ha = plan.flag(c, "multi_az") || replicas > 1;
    // Cloud SQL keeps no backups of a read replica: its primary's cover it.
    let (backups, pitr) = match primary {
        Some(_) => (false, false),
        None => (
            plan.flag(c, "backups"),
            plan.flag(c, "point_in_time_recovery"),
        ),
    };
    let settings = sql_settings(plan, placed, version, ha, (backups, pitr));
    let mut instance = resource("google_sql_database_instance", name)
        .add_attribute(("name", placed.env_name("")))
        .add_attribute(("database_version", version))
        .add_attribute(("region", raw(&module.regional("var.region"))));
    if let Some(primary) = primary {
        instance = instance.add_attribute((
            "master_instance_name",
            raw(&format!(
                "google_sql_database_instance.{}.name",
                primary.name
            )),
        ));
    }
    module.add(
        "data.tf",
        &instance
            .add_attribute(("deletion_protection", true))
            .add_block(settings)
            .build(),
    );
    // Read replicas in the primary's region, as many as the model states.
    let read_replicas = plan.int(c, "read_replicas", 0);
    if read_replicas > 0 && primary.is_none() {
        module.add(
            "data.tf",
            &resource("google_sql_database_instance", &format!("{name}_read"))
                .add_attribute(("count", read_replicas))
                .add_attribute((
                    "name",
                    raw(&format!(
                        "\"${{var.environment}}-{slug}-read-${{count.index}}\""
                    )),
                ))
                .add_attribute(("database_version", version))
                .add_attribute(("region", raw(&module.regional("var.region"))))
                .add_attribute((
                    "master_instance_name",
                    raw(&format!("google_sql_database_instance.{name}.name")),
                ))
                .add_attribute(("deletion_protection", true))
                .add_block(sql_settings(plan, placed, version, false, (false, false)))
                .build(),
        );
    }
    module.todo(format!("`{slug}`: Cloud SQL with a private IP needs a private services access connection (google_service_networking_connection) on the network."));
}

/// A Cloud SQL instance's settings: its size, zone redundancy, backups (`backups`, `pitr`),
/// private address and, for PostgreSQL, the flags an audit asks for.
fn sql_settings(
    plan: &Plan<'_>,
    placed: &Placed<'_>,
    version: &str,
    ha: bool,
    (backups, pitr): (bool, bool),
) -> hcl::Block {
    let mut settings = block("settings")
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
                .add_attribute(("private_network", raw("google_compute_network.main.id")))
                // Clients present certificates, which the Cloud SQL connectors and Auth Proxy
                // do by themselves.
                .add_attribute(("ssl_mode", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"))
                .build(),
        );
    // What an audit asks a PostgreSQL server to log: sessions, locks, checkpoints, errors,
    // schema changes, and pgAudit's record of reads and writes.
    let flags: &[(&str, &str)] = if version.starts_with("POSTGRES") {
        &[
            ("cloudsql.enable_pgaudit", "on"),
            ("log_checkpoints", "on"),
            ("log_connections", "on"),
            ("log_disconnections", "on"),
            ("log_duration", "on"),
            ("log_hostname", "on"),
            ("log_lock_waits", "on"),
            ("log_min_error_statement", "error"),
            ("log_min_messages", "error"),
            ("log_statement", "ddl"),
            ("pgaudit.log", "'all'"),
        ]
    } else {
        &[]
    };
    for (flag, value) in flags {
        settings = settings.add_block(
            block("database_flags")
                .add_attribute(("name", *flag))
                .add_attribute(("value", *value))
                .build(),
        );
    }
    settings.build()
}

pub(super) fn memorystore(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    let replicas = plan.int(placed.component, "replicas", 1);
    module.add(
        "data.tf",
        &resource("google_redis_instance", name)
            .add_attribute(("name", placed.env_name("")))
            .add_attribute(("region", raw(&module.regional("var.region"))))
            .add_attribute((
                "tier",
                if replicas > 1 || plan.multi_zone(placed.component) {
                    "STANDARD_HA"
                } else {
                    "BASIC"
                },
            ))
            .add_attribute((
                "memory_size_gb",
                raw(&format!(
                    "var.memory_size_gb[\"{}\"]",
                    plan.size(placed.component)
                )),
            ))
            .add_attribute(("authorized_network", raw("google_compute_network.main.id")))
            .add_attribute(("transit_encryption_mode", "SERVER_AUTHENTICATION"))
            .add_attribute(("auth_enabled", true))
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
        .add_attribute(("location", raw(&module.regional("var.region"))))
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
            .add_attribute(("location_id", raw(&module.regional("var.region"))))
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
                    .add_attribute((
                        "zone",
                        raw(&format!("\"${{{}}}-b\"", module.regional("var.region"))),
                    ))
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
            .add_attribute(("location", raw(&module.regional("var.region"))))
            .add_attribute(("labels", labels(placed)))
            .build(),
    );
}

/// `POSTGRES_16` for `16` or `16.4`, `MYSQL_8_0` for `8.0.36`: the Cloud SQL version of the
/// model's engine version, when it reads as one.
fn database_version(engine_version: Option<&str>, engine: &str) -> Option<String> {
    let mut parts = engine_version?.trim().split('.');
    let major: u32 = parts.next()?.parse().ok()?;
    Some(if engine == "MYSQL" {
        let minor: u32 = parts.next().and_then(|m| m.parse().ok()).unwrap_or(0);
        format!("MYSQL_{major}_{minor}")
    } else {
        format!("{engine}_{major}")
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn engine_versions_read_as_cloud_sql_versions() {
        assert_eq!(
            super::database_version(Some("16.4"), "POSTGRES").as_deref(),
            Some("POSTGRES_16")
        );
        assert_eq!(
            super::database_version(Some("8.0.36"), "MYSQL").as_deref(),
            Some("MYSQL_8_0")
        );
        assert_eq!(super::database_version(Some("latest"), "POSTGRES"), None);
        assert_eq!(super::database_version(None, "MYSQL"), None);
    }
}
