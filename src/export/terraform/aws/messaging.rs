//! Brokers, queues, topics and streams.

use super::super::module::{Module, block, list, literal, raw, resource};
use super::super::{Placed, Plan};
use super::{first_subnets, sg, subnets, tags};

/// The Kafka version the MSK clusters run (and their configurations are for).
const KAFKA_VERSION: &str = "3.7.x";

pub(super) fn msk(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    super::observability::encrypted_log_group(module, &placed.name, &placed.slug);
    let size = plan.size(placed.component);
    let c = placed.component;
    let name = placed.name.as_str();
    let replicas = plan.int(c, "replicas", 1);
    let brokers = replicas.max(2);
    // The model's topic settings become the brokers' defaults for the topics the services
    // create. A write is acknowledged once all but one copy has it, so losing one broker
    // stops no producer.
    let replication = plan
        .int(c, "replication_factor", 3)
        .clamp(1, brokers.max(3));
    let properties = [
        format!("default.replication.factor={replication}"),
        format!("min.insync.replicas={}", (replication - 1).max(1)),
        format!("num.partitions={}", plan.int(c, "partitions", 1).max(1)),
        format!(
            "log.retention.hours={}",
            plan.int(c, "retention_hours", 168)
        ),
        "auto.create.topics.enable=false".to_owned(),
    ];
    module.add(
        "messaging.tf",
        &resource("aws_msk_configuration", name)
            .add_attribute(("name", placed.env_name("")))
            .add_attribute(("kafka_versions", list([literal(KAFKA_VERSION)])))
            .add_attribute((
                "server_properties",
                literal(&(properties.join("\n") + "\n")),
            ))
            .build(),
    );
    module.add(
        "messaging.tf",
        &resource("aws_msk_cluster", name)
            .add_attribute(("cluster_name", placed.env_name("")))
            .add_attribute(("kafka_version", KAFKA_VERSION))
            .add_block(
                block("configuration_info")
                    .add_attribute(("arn", raw(&format!("aws_msk_configuration.{name}.arn"))))
                    .add_attribute((
                        "revision",
                        raw(&format!("aws_msk_configuration.{name}.latest_revision")),
                    ))
                    .build(),
            )
            // MSK wants a multiple of the zones: enough rounds of one broker per zone.
            .add_attribute((
                "number_of_broker_nodes",
                raw(&format!(
                    "length({}) * {}",
                    plan.region_of(placed).var("availability_zones"),
                    (brokers + 2) / 3
                )),
            ))
            .add_block(
                block("broker_node_group_info")
                    .add_attribute((
                        "instance_type",
                        raw(&format!("var.kafka_instance_type[\"{size}\"]")),
                    ))
                    .add_attribute(("client_subnets", subnets(plan, placed)))
                    .add_attribute(("security_groups", sg(placed)))
                    .add_block(
                        block("storage_info")
                            .add_block(
                                block("ebs_storage_info")
                                    .add_attribute(("volume_size", plan.int(c, "storage_gb", 100)))
                                    .build(),
                            )
                            .build(),
                    )
                    .build(),
            )
            // Only clients that sign in with IAM: nothing else in the network reads topics.
            .add_block(
                block("client_authentication")
                    .add_attribute(("unauthenticated", false))
                    .add_block(block("sasl").add_attribute(("iam", true)).build())
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
            .add_block(
                block("logging_info")
                    .add_block(
                        block("broker_logs")
                            .add_block(
                                block("cloudwatch_logs")
                                    .add_attribute(("enabled", true))
                                    .add_attribute((
                                        "log_group",
                                        raw(&format!("aws_cloudwatch_log_group.{name}.name")),
                                    ))
                                    .build(),
                            )
                            .build(),
                    )
                    .build(),
            )
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
}

pub(super) fn amazon_mq(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let c = placed.component;
    let name = placed.name.as_str();
    let replicas = plan.int(c, "replicas", 1);
    let password = super::super::generated_secret(
        module,
        "mq_password",
        "Password of the message broker user.",
    );
    module.add(
        "messaging.tf",
        &resource("aws_mq_broker", name)
            .add_attribute(("broker_name", placed.env_name("")))
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
                if replicas > 1 {
                    subnets(plan, placed)
                } else {
                    first_subnets(plan, placed, 1)
                },
            ))
            .add_attribute(("security_groups", sg(placed)))
            .add_block(
                block("user")
                    .add_attribute(("username", "app"))
                    .add_attribute(("password", password))
                    .build(),
            )
            .add_block(block("logs").add_attribute(("general", true)).build())
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
}

pub(super) fn sqs(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    plan.uses(placed.component, "dead_letter_queue");
    // SQS keeps messages 1 minute to 14 days; a longer retention is capped there.
    let c = placed.component;
    let retention = plan.int(c, "retention_hours", 96).saturating_mul(3600);
    let settings = [
        (
            "visibility_timeout_seconds",
            plan.int(c, "visibility_timeout_s", 30),
        ),
        ("message_retention_seconds", retention.clamp(60, 1_209_600)),
    ];
    queue_with_dead_letter(module, placed, &placed.name, "", &settings);
}

/// An encrypted SQS queue `name` whose messages go to its own dead-letter queue after five
/// failed receives; `suffix` extends the component's cloud name.
/// `settings` are the queue's own arguments from the model.
fn queue_with_dead_letter(
    module: &mut Module,
    placed: &Placed<'_>,
    name: &str,
    suffix: &str,
    settings: &[(&str, i64)],
) {
    module.add(
        "messaging.tf",
        &resource("aws_sqs_queue", &format!("{name}_dlq"))
            .add_attribute(("name", placed.env_name(&format!("{suffix}-dlq"))))
            .add_attribute(("sqs_managed_sse_enabled", true))
            .add_attribute(("message_retention_seconds", 1_209_600))
            .build(),
    );
    let mut queue = resource("aws_sqs_queue", name)
        .add_attribute(("name", placed.env_name(suffix)))
        .add_attribute(("sqs_managed_sse_enabled", true));
    for &(argument, value) in settings {
        queue = queue.add_attribute((argument, value));
    }
    module.add(
        "messaging.tf",
        &queue
            .add_attribute((
                "redrive_policy",
                raw(&format!("jsonencode({{ deadLetterTargetArn = aws_sqs_queue.{name}_dlq.arn, maxReceiveCount = 5 }})")),
            ))
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
}

/// A topic per channel, fanned out to one queue per consumer (each with its dead-letter
/// queue), so every consumer gets every message and retries on its own.
pub(super) fn sns_sqs(module: &mut Module, placed: &Placed<'_>) {
    for channel in &placed.channels {
        let topic = channel.name.as_str();
        module.add(
            "messaging.tf",
            &resource("aws_sns_topic", topic)
                .add_attribute(("name", placed.env_name(&channel.suffix)))
                .add_attribute(("kms_master_key_id", "alias/aws/sns"))
                .add_attribute(("tags", tags(placed)))
                .build(),
        );
        for consumer in &channel.consumers {
            let queue = consumer.name.as_str();
            let suffix = format!("{}-{}", channel.suffix, consumer.slug);
            queue_with_dead_letter(module, placed, queue, &suffix, &[]);
            module.add(
                "messaging.tf",
                &resource("aws_sns_topic_subscription", queue)
                    .add_attribute(("topic_arn", raw(&format!("aws_sns_topic.{topic}.arn"))))
                    .add_attribute(("protocol", "sqs"))
                    .add_attribute(("endpoint", raw(&format!("aws_sqs_queue.{queue}.arn"))))
                    .add_attribute(("raw_message_delivery", true))
                    .build(),
            );
            module.add(
                "messaging.tf",
                &resource("aws_sqs_queue_policy", queue)
                    .add_attribute(("queue_url", raw(&format!("aws_sqs_queue.{queue}.id"))))
                    .add_attribute((
                        "policy",
                        raw(&format!(
                            r#"jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Principal = {{ Service = "sns.amazonaws.com" }}, Action = "sqs:SendMessage", Resource = aws_sqs_queue.{queue}.arn, Condition = {{ ArnEquals = {{ "aws:SourceArn" = aws_sns_topic.{topic}.arn }} }} }}] }})"#
                        )),
                    ))
                    .build(),
            );
        }
    }
}

/// A Kinesis data stream per channel, with a shard per partition, encrypted with the
/// account's Kinesis key.
pub(super) fn kinesis(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    // Kinesis keeps records between 24 hours and a year.
    let retention = plan
        .int(placed.component, "retention_hours", 24)
        .clamp(24, 8760);
    for channel in &placed.channels {
        module.add(
            "messaging.tf",
            &resource("aws_kinesis_stream", &channel.name)
                .add_attribute(("name", placed.env_name(&channel.suffix)))
                .add_attribute(("shard_count", channel.partitions))
                .add_attribute(("retention_period", retention))
                .add_attribute(("encryption_type", "KMS"))
                .add_attribute(("kms_key_id", "alias/aws/kinesis"))
                .add_block(
                    block("stream_mode_details")
                        .add_attribute(("stream_mode", "PROVISIONED"))
                        .build(),
                )
                .add_attribute(("tags", tags(placed)))
                .build(),
        );
    }
}

pub(super) fn sns(module: &mut Module, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    module.add(
        "messaging.tf",
        &resource("aws_sns_topic", name)
            .add_attribute(("name", placed.env_name("")))
            .add_attribute(("kms_master_key_id", "alias/aws/sns"))
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
}
