//! Metrics, dashboards, traces, logs, and the CloudWatch alarms on every component that has a standard metric.

use super::super::module::{Module, block, list, literal, object, raw, resource};
use super::super::{Placed, Plan};
use super::tags;
use crate::catalog::{Deployment, Recipe};

/// The CloudWatch alarm the skeleton sets on a component: the metric that shows it in
/// trouble, and the resource attribute that names it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Alarm {
    pub namespace: &'static str,
    pub metric: &'static str,
    pub dimension: &'static str,
    resource: &'static str,
    attribute: &'static str,
}

/// The CloudWatch alarms the AWS Terraform sets, by component in model order: what
/// `observability.tf` holds. The design document lists them and the delivery pipeline
/// watches them in staging, so both state what the Terraform creates.
pub(crate) fn alarms<'d>(
    graph: &crate::graph::ArchGraph<'d>,
    facts: &crate::facts::Facts<'_>,
) -> Vec<(&'d crate::model::Component, Alarm)> {
    graph
        .document()
        .components()
        .iter()
        .filter_map(|component| {
            let service = facts.service(component)?;
            let alarm = alarm(
                service.recipe,
                facts.runs(component),
                crate::export::workload::namespace(graph, component).is_some(),
            )?;
            Some((component, alarm))
        })
        .collect()
}

/// The alarm for a component deployed with `recipe` and run as `runs` (`in_cluster`: on
/// EKS, where its CPU is the pods', not an ECS service's), if it gets one. The design
/// document lists what this returns, so it states the alarms the Terraform creates.
pub(crate) fn alarm(recipe: Recipe, runs: Option<Deployment>, in_cluster: bool) -> Option<Alarm> {
    let alarm = |namespace, metric, dimension, resource, attribute| Alarm {
        namespace,
        metric,
        dimension,
        resource,
        attribute,
    };
    Some(match recipe {
        Recipe::RdsPostgresql | Recipe::RdsMysql => alarm(
            "AWS/RDS",
            "CPUUtilization",
            "DBInstanceIdentifier",
            "aws_db_instance",
            "identifier",
        ),
        Recipe::ElasticacheRedis => alarm(
            "AWS/ElastiCache",
            "EngineCPUUtilization",
            "ReplicationGroupId",
            "aws_elasticache_replication_group",
            "id",
        ),
        Recipe::Sqs => alarm(
            "AWS/SQS",
            "ApproximateAgeOfOldestMessage",
            "QueueName",
            "aws_sqs_queue",
            "name",
        ),
        _ if runs == Some(Deployment::Function) => alarm(
            "AWS/Lambda",
            "Errors",
            "FunctionName",
            "aws_lambda_function",
            "function_name",
        ),
        // Services on EKS are Kubernetes deployments, not ECS services: the README's TODO
        // asks for Container Insights alarms instead of naming a missing resource.
        _ if !in_cluster && runs == Some(Deployment::Built) => alarm(
            "AWS/ECS",
            "CPUUtilization",
            "ServiceName",
            "aws_ecs_service",
            "name",
        ),
        _ => return None,
    })
}

pub(super) fn monitoring(module: &mut Module, plan: &Plan<'_>) {
    if plan.components.iter().any(|p| p.namespace.is_some()) {
        module.todo(
            "Workloads on EKS have no CloudWatch alarms: enable Container Insights and alarm on pod CPU and restarts.",
        );
    }
    for placed in &plan.components {
        let c = placed.component;
        module.enter_region(plan.region_of(placed), Some("aws"));
        let Some(alarm) = alarm(
            placed.service.recipe,
            plan.facts.runs(c),
            placed.namespace.is_some(),
        ) else {
            continue;
        };
        let (namespace, metric, dimension) = (alarm.namespace, alarm.metric, alarm.dimension);
        let value = format!("{}.{}.{}", alarm.resource, placed.name, alarm.attribute);
        // Alarms notify a topic of their own region.
        let alerts = module.regional("alerts");
        if module.first_time(&format!("sns_{alerts}")) {
            module.add(
                "observability.tf",
                &resource("aws_sns_topic", &alerts)
                    .add_attribute((
                        "name",
                        raw(&format!(
                            "\"${{var.project}}-${{var.environment}}-{}\"",
                            alerts.replace('_', "-")
                        )),
                    ))
                    .add_attribute(("kms_master_key_id", "alias/aws/sns"))
                    .build(),
            );
        }
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
                .add_attribute(("dimensions", {
                    let mut dimensions = vec![(dimension, raw(&value))];
                    // ECS publishes service metrics per cluster and service: an alarm on
                    // the service name alone matches no data.
                    if namespace == "AWS/ECS" {
                        dimensions.insert(
                            0,
                            (
                                "ClusterName",
                                raw(&format!("aws_ecs_cluster.{}.name", module.regional("main"))),
                            ),
                        );
                    }
                    object(dimensions)
                }))
                .add_attribute((
                    "alarm_actions",
                    list([raw(&format!("aws_sns_topic.{alerts}.arn"))]),
                ))
                .add_attribute((
                    "alarm_description",
                    literal(&format!("{} on {}", metric, c.name)),
                ))
                .build(),
        );
    }
}

pub(super) fn amp(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    module.add(
        "observability.tf",
        &resource("aws_prometheus_workspace", name)
            .add_attribute(("alias", placed.env_name("")))
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
    // How long samples are kept (the service keeps 150 days unless told otherwise).
    let days = plan.int(placed.component, "retention_days", 0);
    if days > 0 {
        module.add(
            "observability.tf",
            &resource("aws_prometheus_workspace_configuration", name)
                .add_attribute((
                    "workspace_id",
                    raw(&format!("aws_prometheus_workspace.{name}.id")),
                ))
                .add_attribute(("retention_period_in_days", days))
                .build(),
        );
    }
}

pub(super) fn managed_grafana(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    // Sign-in is always single sign-on (IAM Identity Center).
    plan.uses(placed.component, "sso");
    let name = placed.name.as_str();
    module.add(
        "observability.tf",
        &resource("aws_grafana_workspace", name)
            .add_attribute(("name", placed.env_name("")))
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

pub(super) fn xray(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    // The model's sampling rate, where it states one, for every request after the first
    // each second (X-Ray's reservoir), ahead of X-Ray's default rule (5%).
    if placed.component.properties.contains_key("sampling_rate") {
        let rate = plan
            .float(placed.component, "sampling_rate", 0.1)
            .clamp(0.0, 1.0);
        module.add(
            "observability.tf",
            &resource("aws_xray_sampling_rule", name)
                .add_attribute((
                    "rule_name",
                    raw(&format!(
                        "substr(\"${{var.environment}}-{}\", 0, 32)",
                        placed.slug
                    )),
                ))
                .add_attribute(("priority", 1000))
                .add_attribute(("version", 1))
                .add_attribute(("reservoir_size", 1))
                .add_attribute(("fixed_rate", rate))
                .add_attribute(("url_path", "*"))
                .add_attribute(("host", "*"))
                .add_attribute(("http_method", "*"))
                .add_attribute(("service_type", "*"))
                .add_attribute(("service_name", "*"))
                .add_attribute(("resource_arn", "*"))
                .build(),
        );
    }
    module.add(
        "observability.tf",
        &resource("aws_xray_group", name)
            .add_attribute(("group_name", placed.env_name("")))
            .add_attribute(("filter_expression", "responsetime > 1"))
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
}

pub(super) fn log_group(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let days = plan.int(placed.component, "retention_days", 0);
    if days <= 0 {
        encrypted_log_group(module, &placed.name, &placed.slug);
        return;
    }
    // CloudWatch Logs keeps a group only for the periods it lists: the model's retention,
    // rounded up to the next of them.
    let kept = LOG_RETENTION_DAYS
        .iter()
        .copied()
        .find(|&allowed| allowed >= days)
        .unwrap_or(3653);
    log_group_kept(
        module,
        &placed.name,
        project_log_name(&placed.slug),
        kept.into(),
    );
}

/// The retention periods CloudWatch Logs accepts, in days.
const LOG_RETENTION_DAYS: [i64; 22] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/// A log group `/<project>/<environment>/<path>`, encrypted with the module's logs key and
/// kept `var.log_retention_days`.
pub(super) fn encrypted_log_group(module: &mut Module, name: &str, path: &str) {
    encrypted_log_group_named(module, name, project_log_name(path));
}

/// `/<project>/<environment>/<path>`.
fn project_log_name(path: &str) -> hcl::Expression {
    raw(&format!(
        "\"/${{var.project}}/${{var.environment}}/{path}\""
    ))
}

/// An encrypted log group called `log_name`, kept `var.log_retention_days`.
pub(super) fn encrypted_log_group_named(
    module: &mut Module,
    name: &str,
    log_name: hcl::Expression,
) {
    log_group_kept(module, name, log_name, raw("var.log_retention_days"));
}

/// An encrypted log group called `log_name`, kept `retention` days.
fn log_group_kept(
    module: &mut Module,
    name: &str,
    log_name: hcl::Expression,
    retention: hcl::Expression,
) {
    let key = logs_key(module);
    module.add(
        "observability.tf",
        &resource("aws_cloudwatch_log_group", name)
            .add_attribute(("name", log_name))
            .add_attribute(("retention_in_days", retention))
            .add_attribute(("kms_key_id", raw(&format!("aws_kms_key.{key}.arn"))))
            .build(),
    );
}

/// The customer-managed key the log groups of the current region are encrypted with, once
/// per region (keys are regional): the account administers it and CloudWatch Logs in the
/// region may use it. Returns its name.
fn logs_key(module: &mut Module) -> String {
    let name = module.regional("logs");
    if !module.first_time(&format!("kms_{name}")) {
        return name;
    }
    let region = module.region_code().to_owned();
    caller_identity(module);
    module.add(
        "security.tf",
        &resource("aws_kms_key", &name)
            .add_attribute(("description", "CloudWatch Logs"))
            .add_attribute(("enable_key_rotation", true))
            .add_attribute(("deletion_window_in_days", 30))
            .add_attribute((
                "policy",
                raw(&format!(r#"jsonencode({{ Version = "2012-10-17", Statement = [{{ Sid = "Account", Effect = "Allow", Principal = {{ AWS = "arn:aws:iam::${{data.aws_caller_identity.current.account_id}}:root" }}, Action = "kms:*", Resource = "*" }}, {{ Sid = "Logs", Effect = "Allow", Principal = {{ Service = "logs.{region}.amazonaws.com" }}, Action = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"], Resource = "*" }}] }})"#)),
            ))
            .build(),
    );
    name
}

/// `data.aws_caller_identity.current`, declared once: the account the module deploys into.
pub(super) fn caller_identity(module: &mut Module) {
    if module.first_time("aws_caller_identity") {
        module.add(
            "security.tf",
            &block("data")
                .add_label("aws_caller_identity")
                .add_label("current")
                .build(),
        );
    }
}
