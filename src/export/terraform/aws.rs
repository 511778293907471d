//! AWS: a VPC with public and private subnets per availability zone, a security group per
//! networked component and one ingress rule per connection, then the managed service for
//! each component (see `crate::catalog::CloudService`).

use crate::catalog::Deployment;
use hcl::Expression;

use super::module::{Module, block, list, literal, object, raw, resource};
use super::{Placed, Plan, Role};

pub(super) fn generate(module: &mut Module, plan: &Plan<'_>) {
    versions(module, plan);
    network(module, plan);
    super::kubernetes::cluster(module, plan, crate::model::Cloud::Aws);
    for placed in &plan.components {
        component(module, plan, placed);
    }
    security(module, plan);
    monitoring(module, plan);
}

fn versions(module: &mut Module, plan: &Plan<'_>) {
    super::versions(module, plan, "aws", "hashicorp/aws", "~> 6.0");
    module.add(
        "providers.tf",
        &block("provider")
            .add_label("aws")
            .add_attribute(("region", raw("var.region")))
            .add_block(
                block("default_tags")
                    .add_attribute((
                        "tags",
                        object([
                            ("environment", raw("var.environment")),
                            ("managed_by", literal("terraform")),
                            ("generated_by", literal("archsmith")),
                        ]),
                    ))
                    .build(),
            )
            .build(),
    );
}

fn tags(placed: &Placed<'_>) -> Expression {
    object([
        ("Name", literal(&placed.component.name)),
        ("archsmith_id", literal(placed.component.id.as_str())),
    ])
}

fn network(module: &mut Module, plan: &Plan<'_>) {
    let vpc_name = plan.vpc_name.as_deref().unwrap_or("main");
    module.add_commented(
        "network.tf",
        &[format!(
            "The VPC{}; two subnet tiers across var.availability_zones.",
            if plan.vpc_name.is_some() {
                " drawn in the model"
            } else {
                " (the model draws none, so a default one)"
            }
        )],
        &resource("aws_vpc", "main")
            .add_attribute(("cidr_block", raw("var.vpc_cidr")))
            .add_attribute(("enable_dns_support", true))
            .add_attribute(("enable_dns_hostnames", true))
            .add_attribute(("tags", object([("Name", literal(vpc_name))])))
            .build(),
    );
    for (tier, offset, public) in [("public", 0, true), ("private", 10, false)] {
        module.add(
            "network.tf",
            &resource("aws_subnet", tier)
                .add_attribute(("count", raw("length(var.availability_zones)")))
                .add_attribute(("vpc_id", raw("aws_vpc.main.id")))
                .add_attribute((
                    "availability_zone",
                    raw("var.availability_zones[count.index]"),
                ))
                .add_attribute((
                    "cidr_block",
                    raw(&format!(
                        "cidrsubnet(var.vpc_cidr, 8, count.index + {offset})"
                    )),
                ))
                .add_attribute(("map_public_ip_on_launch", public))
                .add_attribute((
                    "tags",
                    object([(
                        "Name",
                        raw(&format!(
                            "\"{tier}-${{var.availability_zones[count.index]}}\""
                        )),
                    )]),
                ))
                .build(),
        );
    }
    module.add(
        "network.tf",
        &resource("aws_internet_gateway", "main")
            .add_attribute(("vpc_id", raw("aws_vpc.main.id")))
            .build(),
    );
    module.add(
        "network.tf",
        &resource("aws_eip", "nat")
            .add_attribute(("domain", "vpc"))
            .build(),
    );
    module.add_commented(
        "network.tf",
        &["One NAT gateway keeps the skeleton cheap; use one per zone in production.".into()],
        &resource("aws_nat_gateway", "main")
            .add_attribute(("allocation_id", raw("aws_eip.nat.id")))
            .add_attribute(("subnet_id", raw("aws_subnet.public[0].id")))
            .build(),
    );
    for (table, target) in [
        ("public", ("gateway_id", "aws_internet_gateway.main.id")),
        ("private", ("nat_gateway_id", "aws_nat_gateway.main.id")),
    ] {
        module.add(
            "network.tf",
            &resource("aws_route_table", table)
                .add_attribute(("vpc_id", raw("aws_vpc.main.id")))
                .build(),
        );
        module.add(
            "network.tf",
            &resource("aws_route", &format!("{table}_default"))
                .add_attribute((
                    "route_table_id",
                    raw(&format!("aws_route_table.{table}.id")),
                ))
                .add_attribute(("destination_cidr_block", "0.0.0.0/0"))
                .add_attribute((target.0, raw(target.1)))
                .build(),
        );
        module.add(
            "network.tf",
            &resource("aws_route_table_association", table)
                .add_attribute(("count", raw("length(var.availability_zones)")))
                .add_attribute((
                    "subnet_id",
                    raw(&format!("aws_subnet.{table}[count.index].id")),
                ))
                .add_attribute((
                    "route_table_id",
                    raw(&format!("aws_route_table.{table}.id")),
                ))
                .build(),
        );
    }
    if plan
        .components
        .iter()
        .any(|p| p.role == Role::Service && p.namespace.is_none())
    {
        module.add(
            "compute.tf",
            &resource("aws_ecs_cluster", "main")
                .add_attribute(("name", raw("\"${var.project}-${var.environment}\"")))
                .add_block(
                    block("setting")
                        .add_attribute(("name", "containerInsights"))
                        .add_attribute(("value", "enabled"))
                        .build(),
                )
                .build(),
        );
        iam_role(
            module,
            "ecs_task_execution",
            "ecs-task-execution",
            "ecs-tasks.amazonaws.com",
            "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
        );
    }
    if plan.components.iter().any(|p| p.role == Role::Function) {
        iam_role(
            module,
            "lambda",
            "lambda",
            "lambda.amazonaws.com",
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        );
    }
    let data_subnets = plan
        .components
        .iter()
        .any(|p| matches!(p.component.kind.as_str(), "postgresql" | "mysql"));
    if data_subnets {
        module.add(
            "data.tf",
            &resource("aws_db_subnet_group", "main")
                .add_attribute(("name", raw("\"${var.project}-${var.environment}\"")))
                .add_attribute(("subnet_ids", raw("aws_subnet.private[*].id")))
                .build(),
        );
    }
}

/// A role that `service` assumes, with one managed policy attached. AWS names it
/// `<project>-<prefix>-<random>`.
pub(super) fn iam_role(module: &mut Module, name: &str, prefix: &str, service: &str, policy: &str) {
    module.add(
        "iam.tf",
        &resource("aws_iam_role", name)
            .add_attribute(("name_prefix", raw(&format!("\"${{var.project}}-{prefix}-\""))))
            .add_attribute((
                "assume_role_policy",
                raw(&format!(
                    r#"jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "{service}" }} }}] }})"#
                )),
            ))
            .build(),
    );
    module.add(
        "iam.tf",
        &resource("aws_iam_role_policy_attachment", name)
            .add_attribute(("role", raw(&format!("aws_iam_role.{name}.name"))))
            .add_attribute(("policy_arn", policy))
            .build(),
    );
}

fn security_group(module: &mut Module, placed: &Placed<'_>) {
    module.add_commented(
        "security.tf",
        &[format!("Security group of {}.", placed.component.id)],
        &resource("aws_security_group", &placed.name)
            .add_attribute((
                "name_prefix",
                raw(&format!("\"${{var.environment}}-{}-\"", placed.slug)),
            ))
            .add_attribute((
                "description",
                literal(&format!("Archsmith component {}", placed.component.id)),
            ))
            .add_attribute(("vpc_id", raw("aws_vpc.main.id")))
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
    module.add(
        "security.tf",
        &resource(
            "aws_vpc_security_group_egress_rule",
            &format!("{}_all", placed.name),
        )
        .add_attribute((
            "security_group_id",
            raw(&format!("aws_security_group.{}.id", placed.name)),
        ))
        .add_attribute(("ip_protocol", "-1"))
        .add_attribute(("cidr_ipv4", "0.0.0.0/0"))
        .add_attribute((
            "description",
            "Outbound; narrow this once the dependencies are known",
        ))
        .build(),
    );
}

fn sg(placed: &Placed<'_>) -> Expression {
    list([raw(&format!("aws_security_group.{}.id", placed.name))])
}

fn component(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let c = placed.component;
    let name = placed.name.as_str();
    let slug = placed.slug.as_str();
    if placed.networked {
        security_group(module, placed);
    }
    let replicas = plan.int(c, "replicas", 1);
    let size = plan.size(c);
    let env_name = |suffix: &str| raw(&format!("\"${{var.environment}}-{slug}{suffix}\""));
    let own_code = plan.facts.runs(c);
    match c.kind.as_str() {
        _ if own_code == Some(Deployment::Built) => {
            module.add(
                "compute.tf",
                &resource("aws_ecr_repository", name)
                    .add_attribute(("name", raw(&format!("\"${{var.project}}/{slug}\""))))
                    .add_attribute(("image_tag_mutability", "IMMUTABLE"))
                    .add_block(
                        block("image_scanning_configuration")
                            .add_attribute(("scan_on_push", true))
                            .build(),
                    )
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
            module.add(
                "observability.tf",
                &resource("aws_cloudwatch_log_group", name)
                    .add_attribute((
                        "name",
                        raw(&format!(
                            "\"/${{var.project}}/${{var.environment}}/{slug}\""
                        )),
                    ))
                    .add_attribute(("retention_in_days", raw("var.log_retention_days")))
                    .build(),
            );
            if placed.namespace.is_some() {
                let image = raw(&format!(
                    "\"${{aws_ecr_repository.{name}.repository_url}}:${{var.image_tag}}\""
                ));
                super::kubernetes::workload(module, plan, placed, image);
                return;
            }
            let port = placed.port;
            module.add(
                "compute.tf",
                &resource("aws_ecs_task_definition", name)
                    .add_attribute(("family", env_name("")))
                    .add_attribute(("requires_compatibilities", list([literal("FARGATE")])))
                    .add_attribute(("network_mode", "awsvpc"))
                    .add_attribute(("cpu", raw(&format!("var.task_cpu[\"{size}\"]"))))
                    .add_attribute(("memory", raw(&format!("var.task_memory[\"{size}\"]"))))
                    .add_attribute((
                        "execution_role_arn",
                        raw("aws_iam_role.ecs_task_execution.arn"),
                    ))
                    .add_attribute((
                        "container_definitions",
                        container_definitions(slug, name, port),
                    ))
                    .build(),
            );
            module.add(
                "compute.tf",
                &resource("aws_ecs_service", name)
                    .add_attribute(("name", literal(slug)))
                    .add_attribute(("cluster", raw("aws_ecs_cluster.main.id")))
                    .add_attribute((
                        "task_definition",
                        raw(&format!("aws_ecs_task_definition.{name}.arn")),
                    ))
                    .add_attribute(("desired_count", replicas))
                    .add_attribute(("launch_type", "FARGATE"))
                    .add_block(
                        block("network_configuration")
                            .add_attribute(("subnets", raw("aws_subnet.private[*].id")))
                            .add_attribute(("security_groups", sg(placed)))
                            .add_attribute(("assign_public_ip", false))
                            .build(),
                    )
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
        }
        _ if own_code == Some(Deployment::Function) => {
            module.add(
                "compute.tf",
                &resource("aws_ecr_repository", name)
                    .add_attribute(("name", raw(&format!("\"${{var.project}}/{slug}\""))))
                    .build(),
            );
            module.add(
                "compute.tf",
                &resource("aws_lambda_function", name)
                    .add_attribute(("function_name", env_name("")))
                    .add_attribute(("role", raw("aws_iam_role.lambda.arn")))
                    .add_attribute(("package_type", "Image"))
                    .add_attribute((
                        "image_uri",
                        raw(&format!(
                            "\"${{aws_ecr_repository.{name}.repository_url}}:${{var.image_tag}}\""
                        )),
                    ))
                    .add_attribute(("timeout", 30))
                    .add_block(
                        block("vpc_config")
                            .add_attribute(("subnet_ids", raw("aws_subnet.private[*].id")))
                            .add_attribute(("security_group_ids", sg(placed)))
                            .build(),
                    )
                    .add_block(
                        block("tracing_config")
                            .add_attribute(("mode", "Active"))
                            .build(),
                    )
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
        }
        "postgresql" | "mysql" => {
            let engine = if c.kind.as_str() == "postgresql" {
                "postgres"
            } else {
                "mysql"
            };
            let backups = plan.flag(c, "backups");
            let mut db = resource("aws_db_instance", name)
                .add_attribute(("identifier", env_name("")))
                .add_attribute(("engine", engine))
                .add_attribute((
                    "instance_class",
                    raw(&format!("var.db_instance_class[\"{size}\"]")),
                ))
                .add_attribute(("allocated_storage", plan.int(c, "storage_gb", 20)))
                .add_attribute(("username", "app_admin"))
                .add_attribute(("manage_master_user_password", true))
                .add_attribute(("multi_az", plan.multi_zone(c)))
                .add_attribute(("storage_encrypted", plan.encrypted(c)))
                .add_attribute(("backup_retention_period", if backups { 7 } else { 1 }))
                .add_attribute(("deletion_protection", true))
                .add_attribute(("db_subnet_group_name", raw("aws_db_subnet_group.main.name")))
                .add_attribute(("vpc_security_group_ids", sg(placed)))
                .add_attribute(("skip_final_snapshot", false))
                .add_attribute(("final_snapshot_identifier", env_name("-final")));
            if let Some(version) = plan.text(c, "engine_version") {
                db = db.add_attribute(("engine_version", literal(version)));
            }
            module.add("data.tf", &db.add_attribute(("tags", tags(placed))).build());
        }
        "redis" | "redis-pubsub" => {
            module.add(
                "data.tf",
                &resource("aws_elasticache_subnet_group", name)
                    .add_attribute(("name", env_name("")))
                    .add_attribute(("subnet_ids", raw("aws_subnet.private[*].id")))
                    .build(),
            );
            // A multi-AZ replication group needs a replica in a second zone.
            let nodes = replicas.max(if plan.multi_zone(c) { 2 } else { 1 });
            module.add(
                "data.tf",
                &resource("aws_elasticache_replication_group", name)
                    .add_attribute(("replication_group_id", env_name("")))
                    .add_attribute((
                        "description",
                        literal(&format!("Archsmith component {}", c.id)),
                    ))
                    .add_attribute(("engine", "redis"))
                    .add_attribute((
                        "node_type",
                        raw(&format!("var.cache_node_type[\"{size}\"]")),
                    ))
                    .add_attribute(("num_cache_clusters", nodes))
                    .add_attribute(("automatic_failover_enabled", nodes > 1))
                    .add_attribute(("multi_az_enabled", nodes > 1))
                    .add_attribute(("at_rest_encryption_enabled", plan.encrypted(c)))
                    .add_attribute(("transit_encryption_enabled", true))
                    .add_attribute((
                        "subnet_group_name",
                        raw(&format!("aws_elasticache_subnet_group.{name}.name")),
                    ))
                    .add_attribute(("security_group_ids", sg(placed)))
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
        }
        "memcached" => {
            module.add(
                "data.tf",
                &resource("aws_elasticache_subnet_group", name)
                    .add_attribute(("name", env_name("")))
                    .add_attribute(("subnet_ids", raw("aws_subnet.private[*].id")))
                    .build(),
            );
            module.add(
                "data.tf",
                &resource("aws_elasticache_cluster", name)
                    .add_attribute(("cluster_id", env_name("")))
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
        "mongodb" => {
            module.add(
                "data.tf",
                &resource("aws_docdb_subnet_group", name)
                    .add_attribute(("name", env_name("")))
                    .add_attribute(("subnet_ids", raw("aws_subnet.private[*].id")))
                    .build(),
            );
            module.add(
                "data.tf",
                &resource("aws_docdb_cluster", name)
                    .add_attribute(("cluster_identifier", env_name("")))
                    .add_attribute(("engine", "docdb"))
                    .add_attribute(("master_username", "app_admin"))
                    .add_attribute(("manage_master_user_password", true))
                    .add_attribute(("storage_encrypted", plan.encrypted(c)))
                    .add_attribute((
                        "backup_retention_period",
                        if plan.flag(c, "backups") { 7 } else { 1 },
                    ))
                    .add_attribute(("deletion_protection", true))
                    .add_attribute((
                        "db_subnet_group_name",
                        raw(&format!("aws_docdb_subnet_group.{name}.name")),
                    ))
                    .add_attribute(("vpc_security_group_ids", sg(placed)))
                    .add_attribute(("skip_final_snapshot", false))
                    .add_attribute(("final_snapshot_identifier", env_name("-final")))
                    .build(),
            );
            module.add(
                "data.tf",
                &resource("aws_docdb_cluster_instance", name)
                    .add_attribute(("count", replicas.max(1)))
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
        "elasticsearch" | "elk" => {
            let nodes = replicas.max(1);
            module.add(
                "data.tf",
                &resource("aws_opensearch_domain", name)
                    .add_attribute((
                        "domain_name",
                        raw(&format!("\"${{var.environment}}-{}\"", truncate(slug, 20))),
                    ))
                    .add_attribute(("engine_version", "OpenSearch_2.13"))
                    .add_block(
                        block("cluster_config")
                            .add_attribute((
                                "instance_type",
                                raw(&format!("var.search_instance_type[\"{size}\"]")),
                            ))
                            .add_attribute(("instance_count", nodes))
                            .add_attribute(("zone_awareness_enabled", nodes > 1))
                            .build(),
                    )
                    .add_block(
                        block("ebs_options")
                            .add_attribute(("ebs_enabled", true))
                            .add_attribute(("volume_size", plan.int(c, "storage_gb", 20)))
                            .build(),
                    )
                    .add_block(
                        block("encrypt_at_rest")
                            .add_attribute(("enabled", plan.encrypted(c)))
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
                            .build(),
                    )
                    .add_block(
                        block("vpc_options")
                            .add_attribute((
                                "subnet_ids",
                                raw(if nodes > 1 {
                                    "slice(aws_subnet.private[*].id, 0, 2)"
                                } else {
                                    "[aws_subnet.private[0].id]"
                                }),
                            ))
                            .add_attribute(("security_group_ids", sg(placed)))
                            .build(),
                    )
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
        }
        "kafka" => {
            let brokers = replicas.max(2);
            module.add(
                "messaging.tf",
                &resource("aws_msk_cluster", name)
                    .add_attribute(("cluster_name", env_name("")))
                    .add_attribute(("kafka_version", "3.7.x"))
                    // MSK wants a multiple of the zones: enough rounds of one broker per zone.
                    .add_attribute((
                        "number_of_broker_nodes",
                        raw(&format!(
                            "length(var.availability_zones) * {}",
                            (brokers + 2) / 3
                        )),
                    ))
                    .add_block(
                        block("broker_node_group_info")
                            .add_attribute((
                                "instance_type",
                                raw(&format!("var.kafka_instance_type[\"{size}\"]")),
                            ))
                            .add_attribute(("client_subnets", raw("aws_subnet.private[*].id")))
                            .add_attribute(("security_groups", sg(placed)))
                            .add_block(
                                block("storage_info")
                                    .add_block(
                                        block("ebs_storage_info")
                                            .add_attribute((
                                                "volume_size",
                                                plan.int(c, "storage_gb", 100),
                                            ))
                                            .build(),
                                    )
                                    .build(),
                            )
                            .build(),
                    )
                    .add_block(
                        block("encryption_info")
                            .add_block(
                                block("encryption_in_transit")
                                    .add_attribute(("client_broker", "TLS"))
                                    .add_attribute(("in_cluster", true))
                                    .build(),
                            )
                            .build(),
                    )
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
        }
        "rabbitmq" => {
            module.add(
                "messaging.tf",
                &resource("aws_mq_broker", name)
                    .add_attribute(("broker_name", env_name("")))
                    .add_attribute(("engine_type", "RabbitMQ"))
                    .add_attribute(("engine_version", "3.13"))
                    .add_attribute(("auto_minor_version_upgrade", true))
                    .add_attribute(("host_instance_type", "mq.m5.large"))
                    .add_attribute((
                        "deployment_mode",
                        if replicas > 1 {
                            "CLUSTER_MULTI_AZ"
                        } else {
                            "SINGLE_INSTANCE"
                        },
                    ))
                    .add_attribute(("publicly_accessible", false))
                    .add_attribute((
                        "subnet_ids",
                        raw(if replicas > 1 {
                            "aws_subnet.private[*].id"
                        } else {
                            "[aws_subnet.private[0].id]"
                        }),
                    ))
                    .add_attribute(("security_groups", sg(placed)))
                    .add_block(
                        block("user")
                            .add_attribute(("username", "app"))
                            .add_attribute(("password", raw("var.mq_password")))
                            .build(),
                    )
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
        }
        "sqs" => {
            module.add(
                "messaging.tf",
                &resource("aws_sqs_queue", &format!("{name}_dlq"))
                    .add_attribute(("name", env_name("-dlq")))
                    .add_attribute(("sqs_managed_sse_enabled", true))
                    .add_attribute(("message_retention_seconds", 1_209_600))
                    .build(),
            );
            module.add(
                "messaging.tf",
                &resource("aws_sqs_queue", name)
                    .add_attribute(("name", env_name("")))
                    .add_attribute(("sqs_managed_sse_enabled", true))
                    .add_attribute((
                        "redrive_policy",
                        raw(&format!("jsonencode({{ deadLetterTargetArn = aws_sqs_queue.{name}_dlq.arn, maxReceiveCount = 5 }})")),
                    ))
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
        }
        "event-bus" => {
            module.add(
                "messaging.tf",
                &resource("aws_sns_topic", name)
                    .add_attribute(("name", env_name("")))
                    .add_attribute(("kms_master_key_id", "alias/aws/sns"))
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
        }
        "object-storage" => {
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
        "dynamodb" => {
            module.add(
                "data.tf",
                &resource("aws_dynamodb_table", name)
                    .add_attribute(("name", env_name("")))
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
        "cassandra" => {
            module.add(
                "data.tf",
                &resource("aws_keyspaces_keyspace", name)
                    .add_attribute(("name", literal(&slug.replace('-', "_"))))
                    .build(),
            );
        }
        "data-warehouse" => {
            module.add(
                "data.tf",
                &resource("aws_redshiftserverless_namespace", name)
                    .add_attribute(("namespace_name", env_name("")))
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
                    .add_attribute(("workgroup_name", env_name("")))
                    .add_attribute(("subnet_ids", raw("aws_subnet.private[*].id")))
                    .add_attribute(("security_group_ids", sg(placed)))
                    .build(),
            );
        }
        "cdn" => {
            module.add(
                "edge.tf",
                &resource("aws_cloudfront_distribution", name)
                    .add_attribute(("enabled", true))
                    .add_attribute(("comment", literal(&c.name)))
                    .add_block(
                        block("origin")
                            .add_attribute(("domain_name", raw("var.origin_domain_name")))
                            .add_attribute(("origin_id", "primary"))
                            .add_block(
                                block("custom_origin_config")
                                    .add_attribute(("http_port", 80))
                                    .add_attribute(("https_port", 443))
                                    .add_attribute(("origin_protocol_policy", "https-only"))
                                    .add_attribute((
                                        "origin_ssl_protocols",
                                        list([literal("TLSv1.2")]),
                                    ))
                                    .build(),
                            )
                            .build(),
                    )
                    .add_block(
                        block("default_cache_behavior")
                            .add_attribute(("target_origin_id", "primary"))
                            .add_attribute(("viewer_protocol_policy", "redirect-to-https"))
                            .add_attribute((
                                "allowed_methods",
                                list(
                                    ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
                                        .map(literal),
                                ),
                            ))
                            .add_attribute(("cached_methods", list(["GET", "HEAD"].map(literal))))
                            .add_attribute((
                                "cache_policy_id",
                                "658327ea-f89d-4fab-a63d-7e88639e58f6",
                            ))
                            .build(),
                    )
                    .add_block(
                        block("restrictions")
                            .add_block(
                                block("geo_restriction")
                                    .add_attribute(("restriction_type", "none"))
                                    .build(),
                            )
                            .build(),
                    )
                    .add_block(
                        block("viewer_certificate")
                            .add_attribute(("cloudfront_default_certificate", true))
                            .build(),
                    )
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
            module.todo(format!("`{slug}`: set var.origin_domain_name, and a certificate in viewer_certificate for your own domain."));
        }
        "waf" => {
            let visibility = |metric: &str| {
                block("visibility_config")
                    .add_attribute(("cloudwatch_metrics_enabled", true))
                    .add_attribute(("metric_name", literal(metric)))
                    .add_attribute(("sampled_requests_enabled", true))
                    .build()
            };
            module.add(
                "edge.tf",
                &resource("aws_wafv2_web_acl", name)
                    .add_attribute(("name", env_name("")))
                    .add_attribute(("scope", "REGIONAL"))
                    .add_block(block("default_action").add_block(block("allow").build()).build())
                    // Rules as JSON: the statement block nests without limit, and rule_json is how
                    // the provider takes it without a dozen levels of blocks.
                    .add_attribute((
                        "rule_json",
                        raw(r#"jsonencode([{ Name = "aws-common-rules", Priority = 1, OverrideAction = { None = {} }, Statement = { ManagedRuleGroupStatement = { Name = "AWSManagedRulesCommonRuleSet", VendorName = "AWS" } }, VisibilityConfig = { CloudWatchMetricsEnabled = true, MetricName = "aws-common-rules", SampledRequestsEnabled = true } }])"#),
                    ))
                    .add_block(visibility(&format!("{slug}-acl")))
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
        }
        "api-gateway" => {
            module.add(
                "edge.tf",
                &resource("aws_apigatewayv2_api", name)
                    .add_attribute(("name", env_name("")))
                    .add_attribute(("protocol_type", "HTTP"))
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
            module.add(
                "edge.tf",
                &resource("aws_apigatewayv2_stage", name)
                    .add_attribute(("api_id", raw(&format!("aws_apigatewayv2_api.{name}.id"))))
                    .add_attribute(("name", "$default"))
                    .add_attribute(("auto_deploy", true))
                    .build(),
            );
            module.todo(format!(
                "`{slug}`: add routes and a VPC link to the services behind the API gateway."
            ));
        }
        "load-balancer" | "network-load-balancer" => {
            load_balancer(module, plan, placed);
        }
        "dns" => {
            module.add(
                "edge.tf",
                &resource("aws_route53_zone", name)
                    .add_attribute(("name", raw("var.domain_name")))
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
        }
        "identity-provider" => {
            module.add(
                "security.tf",
                &resource("aws_cognito_user_pool", name)
                    .add_attribute(("name", env_name("")))
                    .add_attribute(("mfa_configuration", "OPTIONAL"))
                    .add_block(
                        block("software_token_mfa_configuration")
                            .add_attribute(("enabled", true))
                            .build(),
                    )
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
        }
        "secrets-manager" => {
            module.add(
                "security.tf",
                &resource("aws_secretsmanager_secret", name)
                    .add_attribute((
                        "name_prefix",
                        raw(&format!("\"${{var.environment}}/{slug}-\"")),
                    ))
                    .add_attribute(("description", literal(&format!("Secrets of {}", c.name))))
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
        }
        "kms" => {
            module.add(
                "security.tf",
                &resource("aws_kms_key", name)
                    .add_attribute(("description", literal(&c.name)))
                    .add_attribute(("enable_key_rotation", true))
                    .add_attribute(("deletion_window_in_days", 30))
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
        }
        "prometheus" => {
            module.add(
                "observability.tf",
                &resource("aws_prometheus_workspace", name)
                    .add_attribute(("alias", env_name("")))
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
        }
        "grafana" => {
            module.add(
                "observability.tf",
                &resource("aws_grafana_workspace", name)
                    .add_attribute(("name", env_name("")))
                    .add_attribute(("account_access_type", "CURRENT_ACCOUNT"))
                    .add_attribute(("authentication_providers", list([literal("AWS_SSO")])))
                    .add_attribute(("permission_type", "SERVICE_MANAGED"))
                    .add_attribute((
                        "data_sources",
                        list([
                            literal("PROMETHEUS"),
                            literal("CLOUDWATCH"),
                            literal("XRAY"),
                        ]),
                    ))
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
        }
        "jaeger" | "otel-collector" => {
            module.add(
                "observability.tf",
                &resource("aws_xray_group", name)
                    .add_attribute(("group_name", env_name("")))
                    .add_attribute(("filter_expression", "responsetime > 1"))
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
        }
        "loki" | "alertmanager" => {
            module.add(
                "observability.tf",
                &resource("aws_cloudwatch_log_group", name)
                    .add_attribute((
                        "name",
                        raw(&format!(
                            "\"/${{var.project}}/${{var.environment}}/{slug}\""
                        )),
                    ))
                    .add_attribute(("retention_in_days", raw("var.log_retention_days")))
                    .build(),
            );
        }
        "kubernetes-cluster" => {
            iam_role(
                module,
                &format!("{name}_eks"),
                &format!("{name}_eks").replace('_', "-"),
                "eks.amazonaws.com",
                "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
            );
            module.add(
                "compute.tf",
                &resource("aws_eks_cluster", name)
                    .add_attribute(("name", env_name("")))
                    .add_attribute(("role_arn", raw(&format!("aws_iam_role.{name}_eks.arn"))))
                    .add_block(
                        block("vpc_config")
                            .add_attribute(("subnet_ids", raw("aws_subnet.private[*].id")))
                            .add_attribute(("security_group_ids", sg(placed)))
                            .add_attribute(("endpoint_public_access", false))
                            .build(),
                    )
                    .add_attribute(("tags", tags(placed)))
                    .build(),
            );
        }
        other => {
            placeholder(module, placed, other);
        }
    }
}

/// A kind with no managed AWS service (ClickHouse, NATS, an ingress controller): a valid
/// `locals` entry that says what to do, next to the security group it will need.
fn placeholder(module: &mut Module, placed: &Placed<'_>, kind: &str) {
    let slug = &placed.slug;
    module.add_commented(
        "placeholders.tf",
        &[
            format!("TODO: {slug} ({kind}) has no managed AWS service. Run it on EC2 or EKS,"),
            "or use the vendor's cloud offering, and attach the security group above.".into(),
        ],
        &block("locals")
            .add_attribute((
                format!("{}_todo", placed.name).as_str(),
                literal(&format!("{kind}: provision it yourself (see README)")),
            ))
            .build(),
    );
    module.todo(format!(
        "`{slug}` ({kind}): no managed service; see placeholders.tf."
    ));
}

fn load_balancer(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let c = placed.component;
    let name = placed.name.as_str();
    let slug = placed.slug.as_str();
    let network = c.kind.as_str() == "network-load-balancer";
    let internet_facing = plan
        .graph
        .property(c, "internet_facing")
        .and_then(|v| v.as_bool())
        .unwrap_or(true);
    module.add(
        "edge.tf",
        &resource("aws_lb", name)
            .add_attribute((
                "name",
                raw(&format!("\"${{var.environment}}-{}\"", truncate(slug, 24))),
            ))
            .add_attribute((
                "load_balancer_type",
                if network { "network" } else { "application" },
            ))
            .add_attribute(("internal", !internet_facing))
            .add_attribute((
                "subnets",
                raw(if internet_facing {
                    "aws_subnet.public[*].id"
                } else {
                    "aws_subnet.private[*].id"
                }),
            ))
            .add_attribute(("security_groups", sg(placed)))
            .add_attribute(("drop_invalid_header_fields", !network))
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
    let targets: Vec<&Placed<'_>> = plan.outgoing(c).filter_map(|to| plan.placed(to)).collect();
    let protocol = if network { "TCP" } else { "HTTP" };
    for (i, target) in targets.iter().enumerate() {
        let group = format!("{name}_{}", target.name);
        module.add(
            "edge.tf",
            &resource("aws_lb_target_group", &group)
                .add_attribute(("name_prefix", literal(&format!("tg{i}-"))))
                .add_attribute(("port", target.port))
                .add_attribute(("protocol", protocol))
                .add_attribute(("target_type", "ip"))
                .add_attribute(("vpc_id", raw("aws_vpc.main.id")))
                .build(),
        );
    }
    let mut action = block("default_action");
    action = match targets.first() {
        Some(first) => action.add_attribute(("type", "forward")).add_attribute((
            "target_group_arn",
            raw(&format!("aws_lb_target_group.{name}_{}.arn", first.name)),
        )),
        None => action.add_attribute(("type", "fixed-response")).add_block(
            block("fixed_response")
                .add_attribute(("content_type", "text/plain"))
                .add_attribute(("status_code", "404"))
                .build(),
        ),
    };
    let mut listener = resource("aws_lb_listener", name)
        .add_attribute(("load_balancer_arn", raw(&format!("aws_lb.{name}.arn"))))
        .add_attribute(("port", 443));
    listener = if network {
        listener.add_attribute(("protocol", "TLS"))
    } else {
        listener
            .add_attribute(("protocol", "HTTPS"))
            .add_attribute(("ssl_policy", "ELBSecurityPolicy-TLS13-1-2-2021-06"))
    };
    module.add(
        "edge.tf",
        &listener
            .add_attribute(("certificate_arn", raw("var.certificate_arn")))
            .add_block(action.build())
            .build(),
    );
    if targets.len() > 1 {
        module.todo(format!(
            "`{slug}`: {} target groups exist; add listener rules that route to all but the first.",
            targets.len()
        ));
    }
}

/// One ingress rule per (source, target, port): from the source's security group, or from
/// the internet for internet-facing entry points, or from inside the VPC for managed callers.
fn security(module: &mut Module, plan: &Plan<'_>) {
    for rule in plan.ingress_rules() {
        let target = rule.target;
        let mut builder = resource(
            "aws_vpc_security_group_ingress_rule",
            &format!("{}_from_{}", target.name, rule.source_name),
        )
        .add_attribute((
            "security_group_id",
            raw(&format!("aws_security_group.{}.id", target.name)),
        ))
        .add_attribute(("ip_protocol", "tcp"))
        .add_attribute(("from_port", target.port))
        .add_attribute(("to_port", target.port))
        .add_attribute(("description", literal(&rule.description)));
        builder = match rule.source {
            super::Source::Group(source) => builder.add_attribute((
                "referenced_security_group_id",
                raw(&format!("aws_security_group.{}.id", source.name)),
            )),
            super::Source::Internet => builder.add_attribute(("cidr_ipv4", "0.0.0.0/0")),
            super::Source::Network => builder.add_attribute(("cidr_ipv4", raw("var.vpc_cidr"))),
        };
        module.add("security.tf", &builder.build());
    }
}

fn monitoring(module: &mut Module, plan: &Plan<'_>) {
    if plan.components.iter().any(|p| p.namespace.is_some()) {
        module.todo(
            "Workloads on EKS have no CloudWatch alarms: enable Container Insights and alarm on pod CPU and restarts.",
        );
    }
    module.add(
        "observability.tf",
        &resource("aws_sns_topic", "alerts")
            .add_attribute(("name", raw("\"${var.project}-${var.environment}-alerts\"")))
            .add_attribute(("kms_master_key_id", "alias/aws/sns"))
            .build(),
    );
    for placed in &plan.components {
        let c = placed.component;
        let (namespace, metric, dimension, value) = match c.kind.as_str() {
            "postgresql" | "mysql" => (
                "AWS/RDS",
                "CPUUtilization",
                "DBInstanceIdentifier",
                format!("aws_db_instance.{}.identifier", placed.name),
            ),
            "redis" | "redis-pubsub" => (
                "AWS/ElastiCache",
                "EngineCPUUtilization",
                "ReplicationGroupId",
                format!("aws_elasticache_replication_group.{}.id", placed.name),
            ),
            "sqs" => (
                "AWS/SQS",
                "ApproximateAgeOfOldestMessage",
                "QueueName",
                format!("aws_sqs_queue.{}.name", placed.name),
            ),
            _ if plan.facts.runs(c) == Some(Deployment::Function) => (
                "AWS/Lambda",
                "Errors",
                "FunctionName",
                format!("aws_lambda_function.{}.function_name", placed.name),
            ),
            // Services on EKS are Kubernetes deployments, not ECS services: the README's
            // TODO asks for Container Insights alarms instead of naming a missing resource.
            _ if placed.namespace.is_none() && plan.facts.runs(c) == Some(Deployment::Built) => (
                "AWS/ECS",
                "CPUUtilization",
                "ServiceName",
                format!("aws_ecs_service.{}.name", placed.name),
            ),
            _ => continue,
        };
        module.add(
            "observability.tf",
            &resource("aws_cloudwatch_metric_alarm", &placed.name)
                .add_attribute((
                    "alarm_name",
                    raw(&format!(
                        "\"${{var.environment}}-{}-{}\"",
                        placed.slug,
                        metric.to_lowercase()
                    )),
                ))
                .add_attribute(("comparison_operator", "GreaterThanThreshold"))
                .add_attribute(("evaluation_periods", 3))
                .add_attribute(("namespace", namespace))
                .add_attribute(("metric_name", metric))
                .add_attribute(("statistic", "Average"))
                .add_attribute(("period", 60))
                .add_attribute((
                    "threshold",
                    raw(&format!("var.alarm_thresholds[\"{metric}\"]")),
                ))
                .add_attribute(("dimensions", object([(dimension, raw(&value))])))
                .add_attribute(("alarm_actions", list([raw("aws_sns_topic.alerts.arn")])))
                .add_attribute((
                    "alarm_description",
                    literal(&format!("{} on {}", metric, c.name)),
                ))
                .build(),
        );
    }
}

/// At most `max` characters, for names AWS limits in length.
fn truncate(slug: &str, max: usize) -> String {
    slug.chars()
        .take(max)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned()
}

/// The ECS task's one container, as `jsonencode([...])`: built as a tree rather than written
/// out and parsed back, since every service has one.
fn container_definitions(slug: &str, name: &str, port: u16) -> Expression {
    let container = object([
        ("name", literal(slug)),
        (
            "image",
            raw(&format!(
                "\"${{aws_ecr_repository.{name}.repository_url}}:${{var.image_tag}}\""
            )),
        ),
        ("essential", Expression::Bool(true)),
        (
            "portMappings",
            list([object([
                ("containerPort", Expression::from(port)),
                ("protocol", literal("tcp")),
            ])]),
        ),
        (
            "logConfiguration",
            object([
                ("logDriver", literal("awslogs")),
                (
                    "options",
                    object([
                        (
                            "awslogs-group",
                            raw(&format!("aws_cloudwatch_log_group.{name}.name")),
                        ),
                        ("awslogs-region", raw("var.region")),
                        ("awslogs-stream-prefix", literal(slug)),
                    ]),
                ),
            ]),
        ),
    ]);
    Expression::from(
        hcl::FuncCall::builder("jsonencode")
            .arg(list([container]))
            .build(),
    )
}
