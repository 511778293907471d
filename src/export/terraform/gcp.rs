//! Google Cloud: a custom VPC network with a private subnet and Cloud NAT, a network tag per
//! networked component and one firewall rule per connection into it, then the managed
//! service for each component.

use crate::catalog::Deployment;
use hcl::Expression;

use super::module::{Module, block, list, literal, object, raw, resource};
use super::{Placed, Plan, Source};

pub(super) fn generate(module: &mut Module, plan: &Plan<'_>) {
    super::versions(module, plan, "google", "hashicorp/google", "~> 6.0");
    module.add(
        "providers.tf",
        &block("provider")
            .add_label("google")
            .add_attribute(("project", raw("var.project_id")))
            .add_attribute(("region", raw("var.region")))
            .add_attribute((
                "default_labels",
                object([
                    ("environment", raw("var.environment")),
                    ("generated_by", literal("archsmith")),
                ]),
            ))
            .build(),
    );
    network(module);
    super::kubernetes::cluster(module, plan, crate::model::Cloud::Gcp);
    for placed in &plan.components {
        component(module, plan, placed);
    }
    firewall(module, plan);
}

fn labels(placed: &Placed<'_>) -> Expression {
    object([("archsmith_id", literal(&placed.slug))])
}

fn env_name(slug: &str, suffix: &str) -> Expression {
    raw(&format!("\"${{var.environment}}-{slug}{suffix}\""))
}

fn network(module: &mut Module) {
    module.add(
        "network.tf",
        &resource("google_compute_network", "main")
            .add_attribute(("name", raw("\"${var.project}-${var.environment}\"")))
            .add_attribute(("auto_create_subnetworks", false))
            .build(),
    );
    module.add(
        "network.tf",
        &resource("google_compute_subnetwork", "private")
            .add_attribute(("name", raw("\"${var.project}-${var.environment}-private\"")))
            .add_attribute(("network", raw("google_compute_network.main.id")))
            .add_attribute(("region", raw("var.region")))
            .add_attribute(("ip_cidr_range", raw("var.subnet_cidr")))
            .add_attribute(("private_ip_google_access", true))
            .build(),
    );
    module.add(
        "network.tf",
        &resource("google_compute_router", "main")
            .add_attribute(("name", raw("\"${var.project}-${var.environment}\"")))
            .add_attribute(("network", raw("google_compute_network.main.id")))
            .add_attribute(("region", raw("var.region")))
            .build(),
    );
    module.add(
        "network.tf",
        &resource("google_compute_router_nat", "main")
            .add_attribute(("name", raw("\"${var.project}-${var.environment}\"")))
            .add_attribute(("router", raw("google_compute_router.main.name")))
            .add_attribute(("region", raw("var.region")))
            .add_attribute(("nat_ip_allocate_option", "AUTO_ONLY"))
            .add_attribute((
                "source_subnetwork_ip_ranges_to_nat",
                "ALL_SUBNETWORKS_ALL_IP_RANGES",
            ))
            .build(),
    );
}

fn component(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    let slug = placed.slug.as_str();
    let replicas = plan.int(placed.component, "replicas", 1);
    // The team's own code, as a container or a function: the catalog says which kinds are.
    let own_code = plan
        .facts
        .runs(placed.component)
        .is_some_and(Deployment::is_own_code);
    match placed.component.kind.as_str() {
        _ if own_code => {
            module.add(
                "compute.tf",
                &resource("google_artifact_registry_repository", name)
                    .add_attribute(("repository_id", env_name(slug, "")))
                    .add_attribute(("description", literal(&placed.component.name)))
                    .add_attribute(("location", raw("var.region")))
                    .add_attribute(("format", "DOCKER"))
                    .add_attribute(("labels", labels(placed)))
                    .build(),
            );
            if placed.namespace.is_some() {
                let image = raw(&format!(
                    "\"${{var.region}}-docker.pkg.dev/${{var.project_id}}/${{google_artifact_registry_repository.{name}.repository_id}}/{slug}:${{var.image_tag}}\""
                ));
                super::kubernetes::workload(module, plan, placed, image);
                return;
            }
            let max = plan
                .int(placed.component, "autoscaling_max", replicas)
                .max(replicas);
            module.add(
                "compute.tf",
                &resource("google_cloud_run_v2_service", name)
                    .add_attribute(("name", env_name(slug, "")))
                    .add_attribute(("description", literal(&placed.component.name)))
                    .add_attribute(("location", raw("var.region")))
                    .add_attribute(("ingress", "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"))
                    .add_attribute(("deletion_protection", false))
                    .add_block(
                        block("template")
                            .add_block(
                                block("containers")
                                    .add_attribute((
                                        "image",
                                        raw(&format!("\"${{var.region}}-docker.pkg.dev/${{var.project_id}}/${{google_artifact_registry_repository.{name}.repository_id}}/{slug}:${{var.image_tag}}\"")),
                                    ))
                                    .add_block(block("ports").add_attribute(("container_port", placed.port)).build())
                                    .build(),
                            )
                            .add_block(
                                block("scaling")
                                    .add_attribute(("min_instance_count", replicas))
                                    .add_attribute(("max_instance_count", max))
                                    .build(),
                            )
                            .add_block(
                                block("vpc_access")
                                    .add_attribute(("egress", "PRIVATE_RANGES_ONLY"))
                                    .add_block(
                                        block("network_interfaces")
                                            .add_attribute(("network", raw("google_compute_network.main.id")))
                                            .add_attribute(("subnetwork", raw("google_compute_subnetwork.private.id")))
                                            .add_attribute(("tags", list([literal(slug)])))
                                            .build(),
                                    )
                                    .build(),
                            )
                            .build(),
                    )
                    .add_attribute(("labels", labels(placed)))
                    .build(),
            );
        }
        "postgresql" | "mysql" => {
            let version = if placed.component.kind.as_str() == "postgresql" {
                "POSTGRES_16"
            } else {
                "MYSQL_8_0"
            };
            let backups = plan.flag(placed.component, "backups");
            let pitr = plan.flag(placed.component, "point_in_time_recovery");
            let ha = plan.flag(placed.component, "multi_az") || replicas > 1;
            module.add(
                "data.tf",
                &resource("google_sql_database_instance", name)
                    .add_attribute(("name", env_name(slug, "")))
                    .add_attribute(("database_version", version))
                    .add_attribute(("region", raw("var.region")))
                    .add_attribute(("deletion_protection", true))
                    .add_block(
                        block("settings")
                            .add_attribute((
                                "tier",
                                raw(&format!("var.db_tier[\"{}\"]", plan.size(placed.component))),
                            ))
                            .add_attribute((
                                "availability_type",
                                if ha { "REGIONAL" } else { "ZONAL" },
                            ))
                            .add_attribute((
                                "disk_size",
                                plan.int(placed.component, "storage_gb", 20),
                            ))
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
        "redis" | "memcached" | "redis-pubsub" => {
            module.add(
                "data.tf",
                &resource("google_redis_instance", name)
                    .add_attribute(("name", env_name(slug, "")))
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
        "rabbitmq" | "sqs" | "event-bus" | "kafka" | "nats" => {
            module.add(
                "messaging.tf",
                &resource("google_pubsub_topic", &format!("{name}_dead_letter"))
                    .add_attribute(("name", env_name(slug, "-dead-letter")))
                    .build(),
            );
            module.add(
                "messaging.tf",
                &resource("google_pubsub_topic", name)
                    .add_attribute(("name", env_name(slug, "")))
                    .add_attribute(("labels", labels(placed)))
                    .build(),
            );
            module.add(
                "messaging.tf",
                &resource("google_pubsub_subscription", name)
                    .add_attribute(("name", env_name(slug, "-consumers")))
                    .add_attribute(("topic", raw(&format!("google_pubsub_topic.{name}.id"))))
                    .add_attribute(("ack_deadline_seconds", 30))
                    .add_block(
                        block("dead_letter_policy")
                            .add_attribute((
                                "dead_letter_topic",
                                raw(&format!("google_pubsub_topic.{name}_dead_letter.id")),
                            ))
                            .add_attribute(("max_delivery_attempts", 5))
                            .build(),
                    )
                    .build(),
            );
            if matches!(placed.component.kind.as_str(), "kafka" | "nats") {
                module.todo(format!("`{slug}`: mapped to Pub/Sub; consumers and producers must use the Pub/Sub client instead of the {} protocol.", placed.component.kind));
            }
        }
        "object-storage" => {
            module.add(
                "storage.tf",
                &resource("google_storage_bucket", name)
                    .add_attribute((
                        "name",
                        raw(&format!(
                            "\"${{var.project_id}}-${{var.environment}}-{slug}\""
                        )),
                    ))
                    .add_attribute(("location", raw("var.region")))
                    .add_attribute(("uniform_bucket_level_access", true))
                    .add_attribute(("public_access_prevention", "enforced"))
                    .add_block(block("versioning").add_attribute(("enabled", true)).build())
                    .add_attribute(("labels", labels(placed)))
                    .build(),
            );
        }
        "mongodb" | "dynamodb" => {
            module.add(
                "data.tf",
                &resource("google_firestore_database", name)
                    .add_attribute(("name", env_name(slug, "")))
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
        "cassandra" => {
            module.add(
                "data.tf",
                &resource("google_bigtable_instance", name)
                    .add_attribute(("name", env_name(slug, "")))
                    .add_attribute(("deletion_protection", true))
                    .add_block(
                        block("cluster")
                            .add_attribute(("cluster_id", env_name(slug, "-c1")))
                            .add_attribute(("zone", raw("\"${var.region}-b\"")))
                            .add_attribute(("num_nodes", replicas.max(1)))
                            .build(),
                    )
                    .build(),
            );
        }
        "data-warehouse" => {
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
        "waf" => {
            module.add(
                "edge.tf",
                &resource("google_compute_security_policy", name)
                    .add_attribute(("name", env_name(slug, "")))
                    .add_attribute((
                        "description",
                        literal(&format!("WAF policy for {}", placed.component.name)),
                    ))
                    .build(),
            );
        }
        "cdn" | "load-balancer" | "network-load-balancer" => {
            module.add(
                "edge.tf",
                &resource("google_compute_global_address", name)
                    .add_attribute(("name", env_name(slug, "")))
                    .build(),
            );
            module.todo(format!("`{slug}`: the address is reserved; add the backend service, URL map and forwarding rule for its targets."));
        }
        "dns" => {
            module.add(
                "edge.tf",
                &resource("google_dns_managed_zone", name)
                    .add_attribute(("name", env_name(slug, "")))
                    .add_attribute(("dns_name", raw("\"${var.domain_name}.\"")))
                    .add_attribute(("labels", labels(placed)))
                    .build(),
            );
        }
        "secrets-manager" => {
            module.add(
                "security.tf",
                &resource("google_secret_manager_secret", name)
                    .add_attribute(("secret_id", env_name(slug, "")))
                    .add_block(
                        block("replication")
                            .add_block(block("auto").build())
                            .build(),
                    )
                    .add_attribute(("labels", labels(placed)))
                    .build(),
            );
        }
        "kms" => {
            module.add(
                "security.tf",
                &resource("google_kms_key_ring", name)
                    .add_attribute(("name", env_name(slug, "")))
                    .add_attribute(("location", raw("var.region")))
                    .build(),
            );
            module.add(
                "security.tf",
                &resource("google_kms_crypto_key", name)
                    .add_attribute(("name", env_name(slug, "-key")))
                    .add_attribute(("key_ring", raw(&format!("google_kms_key_ring.{name}.id"))))
                    .add_attribute(("rotation_period", "7776000s"))
                    .build(),
            );
        }
        "kubernetes-cluster" => {
            module.add(
                "compute.tf",
                &resource("google_container_cluster", name)
                    .add_attribute(("name", env_name(slug, "")))
                    .add_attribute(("location", raw("var.region")))
                    .add_attribute(("enable_autopilot", true))
                    .add_attribute(("network", raw("google_compute_network.main.id")))
                    .add_attribute(("subnetwork", raw("google_compute_subnetwork.private.id")))
                    .add_attribute(("deletion_protection", true))
                    .build(),
            );
        }
        other => super::placeholder(module, placed, other),
    }
}

/// One firewall rule per (target, source): tag to tag inside the network, or from anywhere to
/// an internet-facing entry point.
fn firewall(module: &mut Module, plan: &Plan<'_>) {
    for rule in plan.ingress_rules() {
        let target = rule.target;
        let mut builder = resource(
            "google_compute_firewall",
            &format!("{}_from_{}", target.name, rule.source_name),
        )
        .add_attribute((
            "name",
            raw(&format!(
                "\"${{var.environment}}-{}-from-{}\"",
                target.slug,
                rule.source_name.replace('_', "-")
            )),
        ))
        .add_attribute(("network", raw("google_compute_network.main.id")))
        .add_attribute(("direction", "INGRESS"))
        .add_attribute(("description", literal(&rule.description)))
        .add_attribute(("target_tags", list([literal(&target.slug)])))
        .add_block(
            block("allow")
                .add_attribute(("protocol", "tcp"))
                .add_attribute(("ports", list([literal(&target.port.to_string())])))
                .build(),
        );
        builder = match rule.source {
            Source::Group(source) => {
                builder.add_attribute(("source_tags", list([literal(&source.slug)])))
            }
            Source::Internet => {
                builder.add_attribute(("source_ranges", list([literal("0.0.0.0/0")])))
            }
            Source::Network => {
                builder.add_attribute(("source_ranges", list([raw("var.subnet_cidr")])))
            }
        };
        module.add("security.tf", &builder.build());
    }
}
