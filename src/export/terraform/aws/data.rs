//! Databases, caches, search, warehouses and object storage.

use super::super::module::{Module, block, list, literal, raw, resource};
use super::super::{Placed, Plan};
use super::{first_subnets, sg, subnets, tags, truncate};
use crate::backups::{ELASTICACHE_SNAPSHOT_DAYS, aws_retention_days};

pub(super) fn rds(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>, engine: &str) {
    let c = placed.component;
    let name = placed.name.as_str();
    let size = plan.size(c);
    let source = plan
        .facts
        .replica_of(c)
        .and_then(|primary| plan.placed(primary))
        .filter(|primary| primary.service.recipe == placed.service.recipe);
    let mut db = resource("aws_db_instance", name)
        .add_attribute(("identifier", placed.env_name("")))
        .add_attribute((
            "instance_class",
            raw(&format!("var.db_instance_class[\"{size}\"]")),
        ));
    db = match source {
        // A replica the model draws: its engine, credentials and storage come from its
        // source, whose backups cover it.
        Some(primary) => {
            let cross_region = primary.region != placed.region;
            let replica = db.add_attribute((
                "replicate_source_db",
                raw(&format!(
                    "aws_db_instance.{}.{}",
                    primary.name,
                    if cross_region { "arn" } else { "identifier" }
                )),
            ));
            // A replica in another region lands in that region's network, encrypted with
            // that region's key (keys do not cross regions); one in the source's region
            // shares its subnets.
            let replica = if cross_region {
                replica
                    .add_attribute((
                        "db_subnet_group_name",
                        raw(&format!(
                            "aws_db_subnet_group.{}.name",
                            plan.tier_of(placed).name
                        )),
                    ))
                    .add_attribute(("kms_key_id", super::security::data_key(module)))
            } else {
                replica
            };
            replica
                .add_attribute(("multi_az", plan.multi_zone(c)))
                .add_attribute(("storage_encrypted", plan.encrypted(c)))
                .add_attribute(("vpc_security_group_ids", sg(placed)))
                .add_attribute(("skip_final_snapshot", true))
        }
        None => {
            let backups = plan.flag(c, "backups");
            // RDS restores to any second of the retention period whenever backups are kept,
            // which they always are here (one day at least).
            plan.uses(c, "point_in_time_recovery");
            db.add_attribute(("engine", engine))
                .add_attribute(("allocated_storage", plan.int(c, "storage_gb", 20)))
                .add_attribute(("username", "app_admin"))
                .add_attribute(("manage_master_user_password", true))
                .add_attribute(("multi_az", plan.multi_zone(c)))
                .add_attribute(("storage_encrypted", plan.encrypted(c)))
                .add_attribute(("backup_retention_period", aws_retention_days(backups)))
                .add_attribute(("deletion_protection", true))
                .add_attribute((
                    "db_subnet_group_name",
                    raw(&format!(
                        "aws_db_subnet_group.{}.name",
                        plan.tier_of(placed).name
                    )),
                ))
                .add_attribute(("vpc_security_group_ids", sg(placed)))
                .add_attribute(("skip_final_snapshot", false))
                .add_attribute(("final_snapshot_identifier", placed.env_name("-final")))
        }
    };
    if let Some(version) = plan.text(c, "engine_version").filter(|_| source.is_none()) {
        db = db.add_attribute(("engine_version", literal(version)));
    }
    // A replica runs its source's engine version, so its parameters are that version's.
    let version = plan.text(
        source.map_or(c, |primary| primary.component),
        "engine_version",
    );
    let parameters = parameter_group(module, placed, engine, version);
    if let Some(group) = &parameters {
        db = db.add_attribute(("parameter_group_name", raw(&format!("{group}.name"))));
    }
    let db = hardened_rds(module, db, engine)
        .add_attribute(("iam_database_authentication_enabled", true));
    module.add("data.tf", &db.add_attribute(("tags", tags(placed))).build());
    let replicas = plan.int(c, "read_replicas", 0);
    if replicas > 0 {
        let replica = resource("aws_db_instance", &format!("{name}_read"))
            .add_attribute(("count", replicas))
            .add_attribute((
                "identifier",
                raw(&format!(
                    "\"${{var.environment}}-{}-read-${{count.index}}\"",
                    placed.slug
                )),
            ))
            .add_attribute((
                "replicate_source_db",
                raw(&format!("aws_db_instance.{name}.identifier")),
            ))
            .add_attribute((
                "instance_class",
                raw(&format!("var.db_instance_class[\"{size}\"]")),
            ))
            .add_attribute(("storage_encrypted", plan.encrypted(c)))
            .add_attribute(("vpc_security_group_ids", sg(placed)))
            .add_attribute(("skip_final_snapshot", true))
            .add_attribute(("deletion_protection", true));
        let replica = match &parameters {
            Some(group) => {
                replica.add_attribute(("parameter_group_name", raw(&format!("{group}.name"))))
            }
            None => replica,
        };
        let replica = hardened_rds(module, replica, engine)
            .add_attribute(("tags", tags(placed)))
            .build();
        module.add("data.tf", &replica);
    }
}

/// The database's parameter group, which requires TLS of clients and turns on the
/// slow-query log (statements over a second) and, for PostgreSQL, logs every schema change:
/// without them the log exports `hardened_rds` enables carry no queries. Returns its reference, or `None` (with a note)
/// when the model gives no engine version to take the parameter family from.
fn parameter_group(
    module: &mut Module,
    placed: &Placed<'_>,
    engine: &str,
    version: Option<&str>,
) -> Option<String> {
    let mut numbers = version.unwrap_or_default().split('.');
    let major = numbers
        .next()
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    // PostgreSQL's families are named by major version (postgres16), MySQL's by major and
    // minor (mysql8.0).
    let family = match (engine, major) {
        ("postgres", Some(major)) => format!("postgres{major}"),
        ("mysql", Some(major)) => format!("mysql{major}.{}", numbers.next().unwrap_or("0")),
        _ => {
            module.todo(format!(
                "`{}`: no engine version in the model, so no parameter group turns on its slow-query log; set `engine_version`.",
                placed.slug
            ));
            return None;
        }
    };
    // Clients must use TLS, as they must with the caches (transit encryption).
    let parameters: &[(&str, &str)] = if engine == "postgres" {
        &[
            ("log_min_duration_statement", "1000"),
            ("log_statement", "ddl"),
            ("rds.force_ssl", "1"),
        ]
    } else {
        &[
            ("slow_query_log", "1"),
            ("long_query_time", "1"),
            ("log_output", "FILE"),
            ("require_secure_transport", "1"),
        ]
    };
    let mut group = resource("aws_db_parameter_group", &placed.name)
        .add_attribute(("name_prefix", placed.env_name("-")))
        .add_attribute(("family", literal(&family)));
    for (name, value) in parameters {
        group = group.add_block(
            block("parameter")
                .add_attribute(("name", literal(name)))
                .add_attribute(("value", literal(value)))
                .build(),
        );
    }
    module.add(
        "data.tf",
        &group
            .add_block(
                block("lifecycle")
                    .add_attribute(("create_before_destroy", true))
                    .build(),
            )
            .build(),
    );
    Some(format!("aws_db_parameter_group.{}", placed.name))
}

/// The subnet group (`resource_type`) a data service is placed in: the subnets of the tier
/// the model puts it in.
fn subnet_group(module: &mut Module, plan: &Plan<'_>, resource_type: &str, placed: &Placed<'_>) {
    module.add(
        "data.tf",
        &resource(resource_type, &placed.name)
            .add_attribute(("name", placed.env_name("")))
            .add_attribute(("subnet_ids", subnets(plan, placed)))
            .build(),
    );
}

/// What every RDS instance gets whatever the model says: Performance Insights, enhanced
/// monitoring, minor-version patches, and its tags copied to snapshots.
fn hardened_rds(module: &mut Module, db: hcl::BlockBuilder, engine: &str) -> hcl::BlockBuilder {
    let logs: &[&str] = if engine == "postgres" {
        &["postgresql", "upgrade"]
    } else {
        &["audit", "error", "general", "slowquery"]
    };
    if module.first_time("rds_monitoring_role") {
        super::compute::iam_role(
            module,
            "rds_monitoring",
            "rds-monitoring",
            "monitoring.rds.amazonaws.com",
            "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
        );
    }
    db.add_attribute(("performance_insights_enabled", true))
        .add_attribute((
            "performance_insights_kms_key_id",
            super::security::data_key(module),
        ))
        .add_attribute(("monitoring_interval", 60))
        .add_attribute((
            "monitoring_role_arn",
            raw("aws_iam_role.rds_monitoring.arn"),
        ))
        .add_attribute(("auto_minor_version_upgrade", true))
        .add_attribute(("copy_tags_to_snapshot", true))
        .add_attribute((
            "enabled_cloudwatch_logs_exports",
            list(logs.iter().map(|log| literal(log))),
        ))
}

pub(super) fn elasticache_redis(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let size = plan.size(placed.component);
    let c = placed.component;
    let name = placed.name.as_str();
    let replicas = plan.int(c, "replicas", 1);
    let token = super::super::generated_secret(
        module,
        "cache_auth_token",
        "AUTH token clients present to the Redis caches.",
    );
    let key = super::security::data_key(module);
    subnet_group(module, plan, "aws_elasticache_subnet_group", placed);
    // A multi-AZ replication group needs a replica in a second zone.
    let nodes = replicas.max(if plan.multi_zone(c) { 2 } else { 1 });
    // The model's eviction policy, in a parameter group of the engine's family (Redis 6 is
    // `redis6.x`, later majors `redis7`...); the default engine is the latest Redis 7.
    let major = plan
        .text(c, "engine_version")
        .and_then(|v| v.split('.').next())
        .and_then(|m| m.parse::<u32>().ok())
        .unwrap_or(7);
    let (family, version) = match major {
        6 => ("redis6.x".to_owned(), Some("6.2")),
        major => (format!("redis{major}"), None),
    };
    let eviction = plan.text(c, "eviction_policy").unwrap_or("allkeys-lru");
    module.add(
        "data.tf",
        &resource("aws_elasticache_parameter_group", name)
            .add_attribute(("name", placed.env_name("")))
            .add_attribute(("family", literal(&family)))
            .add_block(
                block("parameter")
                    .add_attribute(("name", "maxmemory-policy"))
                    .add_attribute(("value", literal(eviction)))
                    .build(),
            )
            .build(),
    );
    let mut group = resource("aws_elasticache_replication_group", name);
    // Persistence becomes daily snapshots kept a week. ElastiCache has no append-only file,
    // so `aof` stays in the README's "Not generated" table with what it gets instead.
    let persistence = plan.graph.text(c, "persistence").unwrap_or("none");
    if persistence != "none" {
        if persistence == "rdb" {
            plan.uses(c, "persistence");
        }
        group = group
            .add_attribute(("snapshot_retention_limit", ELASTICACHE_SNAPSHOT_DAYS))
            .add_attribute(("snapshot_window", "03:00-05:00"));
    }
    let group = match version {
        Some(version) => group.add_attribute(("engine_version", version)),
        None => group,
    };
    module.add(
        "data.tf",
        &group
            .add_attribute(("replication_group_id", placed.env_name("")))
            .add_attribute((
                "description",
                literal(&format!("Archsmith component {}", c.id)),
            ))
            .add_attribute(("engine", "redis"))
            .add_attribute((
                "node_type",
                raw(&format!("var.cache_node_type[\"{size}\"]")),
            ))
            .add_attribute((
                "parameter_group_name",
                raw(&format!("aws_elasticache_parameter_group.{name}.name")),
            ))
            .add_attribute(("num_cache_clusters", nodes))
            .add_attribute(("automatic_failover_enabled", nodes > 1))
            .add_attribute(("multi_az_enabled", nodes > 1))
            .add_attribute(("at_rest_encryption_enabled", plan.encrypted(c)))
            .add_attribute(("kms_key_id", key))
            .add_attribute(("transit_encryption_enabled", true))
            .add_attribute(("auth_token", token))
            .add_attribute((
                "subnet_group_name",
                raw(&format!("aws_elasticache_subnet_group.{name}.name")),
            ))
            .add_attribute(("security_group_ids", sg(placed)))
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
}

pub(super) fn elasticache_memcached(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let size = plan.size(placed.component);
    let c = placed.component;
    let name = placed.name.as_str();
    let replicas = plan.int(c, "replicas", 1);
    subnet_group(module, plan, "aws_elasticache_subnet_group", placed);
    module.add(
        "data.tf",
        &resource("aws_elasticache_cluster", name)
            .add_attribute(("cluster_id", placed.env_name("")))
            .add_attribute(("engine", "memcached"))
            .add_attribute((
                "node_type",
                raw(&format!("var.cache_node_type[\"{size}\"]")),
            ))
            .add_attribute(("num_cache_nodes", replicas.max(1)))
            .add_attribute((
                "subnet_group_name",
                raw(&format!("aws_elasticache_subnet_group.{name}.name")),
            ))
            .add_attribute(("security_group_ids", sg(placed)))
            .build(),
    );
}

pub(super) fn documentdb(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let size = plan.size(placed.component);
    let slug = placed.slug.as_str();
    let c = placed.component;
    let name = placed.name.as_str();
    // One writer plus the model's read replicas, and a second instance in another zone
    // when the model asks for multi-AZ (the subnet group spreads them over the zones).
    let instances = plan
        .int(c, "replicas", 1)
        .max(plan.int(c, "read_replicas", 0).saturating_add(1))
        .max(if plan.multi_zone(c) { 2 } else { 1 });
    // DocumentDB restores to any second of the backup retention period by itself.
    plan.uses(c, "point_in_time_recovery");
    let key = super::security::data_key(module);
    subnet_group(module, plan, "aws_docdb_subnet_group", placed);
    module.add(
        "data.tf",
        &resource("aws_docdb_cluster", name)
            .add_attribute(("cluster_identifier", placed.env_name("")))
            .add_attribute(("engine", "docdb"))
            .add_attribute(("kms_key_id", key))
            .add_attribute((
                "enabled_cloudwatch_logs_exports",
                list([literal("audit"), literal("profiler")]),
            ))
            .add_attribute(("master_username", "app_admin"))
            .add_attribute(("manage_master_user_password", true))
            .add_attribute(("storage_encrypted", plan.encrypted(c)))
            .add_attribute((
                "backup_retention_period",
                aws_retention_days(plan.flag(c, "backups")),
            ))
            .add_attribute(("deletion_protection", true))
            .add_attribute((
                "db_subnet_group_name",
                raw(&format!("aws_docdb_subnet_group.{name}.name")),
            ))
            .add_attribute(("vpc_security_group_ids", sg(placed)))
            .add_attribute(("skip_final_snapshot", false))
            .add_attribute(("final_snapshot_identifier", placed.env_name("-final")))
            .build(),
    );
    module.add(
        "data.tf",
        &resource("aws_docdb_cluster_instance", name)
            .add_attribute(("count", instances))
            .add_attribute((
                "identifier",
                raw(&format!("\"${{var.environment}}-{slug}-${{count.index}}\"")),
            ))
            .add_attribute((
                "cluster_identifier",
                raw(&format!("aws_docdb_cluster.{name}.id")),
            ))
            .add_attribute((
                "instance_class",
                raw(&format!("var.docdb_instance_class[\"{size}\"]")),
            ))
            .build(),
    );
}

pub(super) fn opensearch(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let size = plan.size(placed.component);
    let c = placed.component;
    let name = placed.name.as_str();
    let slug = placed.slug.as_str();
    let replicas = plan.int(c, "replicas", 1);
    // Zone awareness needs a node in each of two zones.
    let nodes = replicas.max(if plan.multi_zone(c) { 2 } else { 1 });
    // The service snapshots every domain hourly by itself, and restores from those.
    plan.uses(c, "backups");
    let key = super::security::data_key(module);
    // Slow queries and errors go to an encrypted log group OpenSearch may write to.
    super::observability::encrypted_log_group(module, name, slug);
    if module.first_time("opensearch_log_policy") {
        module.add(
            "observability.tf",
            &resource("aws_cloudwatch_log_resource_policy", "opensearch")
                .add_attribute(("policy_name", raw("\"${var.project}-${var.environment}-opensearch\"")))
                .add_attribute((
                    "policy_document",
                    raw(r#"jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "es.amazonaws.com" }, Action = ["logs:PutLogEvents", "logs:CreateLogStream"], Resource = "arn:aws:logs:*:${data.aws_caller_identity.current.account_id}:log-group:/${var.project}/${var.environment}/*" }] })"#),
                ))
                .build(),
        );
    }
    module.add(
        "data.tf",
        &resource("aws_opensearch_domain", name)
            .add_attribute((
                "domain_name",
                raw(&format!("\"${{var.environment}}-{}\"", truncate(slug, 20))),
            ))
            .add_attribute(("engine_version", "OpenSearch_2.13"))
            .add_block(search_cluster(nodes, size))
            .add_block(
                block("ebs_options")
                    .add_attribute(("ebs_enabled", true))
                    .add_attribute(("volume_size", plan.int(c, "storage_gb", 20)))
                    .build(),
            )
            .add_block(
                block("encrypt_at_rest")
                    .add_attribute(("enabled", plan.encrypted(c)))
                    .add_attribute(("kms_key_id", key))
                    .build(),
            )
            .add_block(
                block("log_publishing_options")
                    .add_attribute(("log_type", "INDEX_SLOW_LOGS"))
                    .add_attribute((
                        "cloudwatch_log_group_arn",
                        raw(&format!("aws_cloudwatch_log_group.{name}.arn")),
                    ))
                    .build(),
            )
            .add_block(
                block("log_publishing_options")
                    .add_attribute(("log_type", "ES_APPLICATION_LOGS"))
                    .add_attribute((
                        "cloudwatch_log_group_arn",
                        raw(&format!("aws_cloudwatch_log_group.{name}.arn")),
                    ))
                    .build(),
            )
            .add_block(
                block("node_to_node_encryption")
                    .add_attribute(("enabled", true))
                    .build(),
            )
            .add_block(
                block("domain_endpoint_options")
                    .add_attribute(("enforce_https", true))
                    .add_attribute(("tls_security_policy", "Policy-Min-TLS-1-2-2019-07"))
                    .build(),
            )
            .add_block(
                block("vpc_options")
                    .add_attribute((
                        "subnet_ids",
                        first_subnets(plan, placed, if nodes > 1 { 2 } else { 1 }),
                    ))
                    .add_attribute(("security_group_ids", sg(placed)))
                    .build(),
            )
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
}

pub(super) fn s3(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let c = placed.component;
    let name = placed.name.as_str();
    let slug = placed.slug.as_str();
    if plan.flag(c, "versioning") {
        module.add(
            "storage.tf",
            &resource("aws_s3_bucket_versioning", name)
                .add_attribute(("bucket", raw(&format!("aws_s3_bucket.{name}.id"))))
                .add_block(
                    block("versioning_configuration")
                        .add_attribute(("status", "Enabled"))
                        .build(),
                )
                .build(),
        );
        // Earlier versions restore what was overwritten or deleted: the bucket's backup.
        plan.uses(c, "backups");
    }
    let lifecycle = plan.int(c, "lifecycle_days", 0);
    // Uploads that never finish are deleted after a week, whatever the model keeps.
    let mut rules = resource("aws_s3_bucket_lifecycle_configuration", name)
        .add_attribute(("bucket", raw(&format!("aws_s3_bucket.{name}.id"))))
        .add_block(
            block("rule")
                .add_attribute(("id", "abort-incomplete-uploads"))
                .add_attribute(("status", "Enabled"))
                .add_block(block("filter").build())
                .add_block(
                    block("abort_incomplete_multipart_upload")
                        .add_attribute(("days_after_initiation", 7))
                        .build(),
                )
                .build(),
        );
    if lifecycle > 0 {
        rules = rules.add_block(
            block("rule")
                .add_attribute(("id", "expire"))
                .add_attribute(("status", "Enabled"))
                .add_block(block("filter").build())
                .add_block(
                    block("expiration")
                        .add_attribute(("days", lifecycle))
                        .build(),
                )
                .add_block(
                    block("noncurrent_version_expiration")
                        .add_attribute(("noncurrent_days", lifecycle))
                        .build(),
                )
                .build(),
        );
    }
    module.add("storage.tf", &rules.build());
    module.add(
        "storage.tf",
        &resource("aws_s3_bucket", name)
            .add_attribute((
                "bucket_prefix",
                raw(&format!("\"${{var.environment}}-{}-\"", truncate(slug, 30))),
            ))
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
    module.add(
        "storage.tf",
        &resource("aws_s3_bucket_server_side_encryption_configuration", name)
            .add_attribute(("bucket", raw(&format!("aws_s3_bucket.{name}.id"))))
            .add_block(
                block("rule")
                    .add_block(
                        block("apply_server_side_encryption_by_default")
                            .add_attribute(("sse_algorithm", "aws:kms"))
                            .build(),
                    )
                    .build(),
            )
            .build(),
    );
    module.add(
        "storage.tf",
        &resource("aws_s3_bucket_public_access_block", name)
            .add_attribute(("bucket", raw(&format!("aws_s3_bucket.{name}.id"))))
            .add_attribute(("block_public_acls", true))
            .add_attribute(("block_public_policy", true))
            .add_attribute(("ignore_public_acls", true))
            .add_attribute(("restrict_public_buckets", true))
            .build(),
    );
}

pub(super) fn dynamodb(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    // Point-in-time recovery is always on: the table's backups.
    plan.uses(placed.component, "point_in_time_recovery");
    plan.uses(placed.component, "backups");
    let name = placed.name.as_str();
    module.add(
        "data.tf",
        &resource("aws_dynamodb_table", name)
            .add_attribute(("name", placed.env_name("")))
            .add_attribute(("billing_mode", "PAY_PER_REQUEST"))
            .add_attribute(("hash_key", "pk"))
            .add_block(
                block("attribute")
                    .add_attribute(("name", "pk"))
                    .add_attribute(("type", "S"))
                    .build(),
            )
            .add_block(
                block("point_in_time_recovery")
                    .add_attribute(("enabled", true))
                    .build(),
            )
            .add_block(
                block("server_side_encryption")
                    .add_attribute(("enabled", true))
                    .build(),
            )
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
}

pub(super) fn keyspaces(module: &mut Module, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    let slug = placed.slug.as_str();
    module.add(
        "data.tf",
        &resource("aws_keyspaces_keyspace", name)
            .add_attribute(("name", literal(&slug.replace('-', "_"))))
            .build(),
    );
}

pub(super) fn redshift_serverless(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    let key = super::security::data_key(module);
    module.add(
        "data.tf",
        &resource("aws_redshiftserverless_namespace", name)
            .add_attribute(("namespace_name", placed.env_name("")))
            .add_attribute(("kms_key_id", key))
            .build(),
    );
    module.add(
        "data.tf",
        &resource("aws_redshiftserverless_workgroup", name)
            .add_attribute((
                "namespace_name",
                raw(&format!(
                    "aws_redshiftserverless_namespace.{name}.namespace_name"
                )),
            ))
            .add_attribute(("workgroup_name", placed.env_name("")))
            .add_attribute(("subnet_ids", subnets(plan, placed)))
            .add_attribute(("security_group_ids", sg(placed)))
            .build(),
    );
}

/// An OpenSearch domain's nodes: its data nodes, and the dedicated masters the price table
/// gives domains of its size (AWS recommends three for production domains of three data
/// nodes or more; the cost analysis prices the same nodes).
fn search_cluster(nodes: i64, size: &str) -> hcl::Block {
    let mut cluster = block("cluster_config")
        .add_attribute((
            "instance_type",
            raw(&format!("var.search_instance_type[\"{size}\"]")),
        ))
        .add_attribute(("instance_count", nodes))
        .add_attribute(("zone_awareness_enabled", nodes > 1));
    if let Some(masters) = crate::analysis::prices::Prices::builtin()
        .service(crate::catalog::Recipe::Opensearch)
        .and_then(|price| price.control_nodes.as_ref())
        .filter(|masters| nodes >= masters.from_instances)
    {
        cluster = cluster
            .add_attribute(("dedicated_master_enabled", true))
            .add_attribute(("dedicated_master_type", raw("var.search_master_type")))
            .add_attribute(("dedicated_master_count", masters.count));
    }
    cluster.build()
}
