//! The team's own code (ECS Fargate services, Lambda functions) and EKS clusters.

use hcl::Expression;

use super::super::module::{Module, block, list, literal, object, raw, resource};
use super::super::{Placed, Plan, registry};
use super::{sg, subnets, tags};
use crate::model::Cloud;

/// A role that `service` assumes, with one managed policy attached. AWS names it
/// `<project>-<prefix>-<random>`.
pub(in super::super) fn iam_role(
    module: &mut Module,
    name: &str,
    prefix: &str,
    service: &str,
    policy: &str,
) {
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

/// The ECS task's one container, as `jsonencode([...])`: built as a tree rather than written
/// out and parsed back, since every service has one.
fn container_definitions(
    slug: &str,
    name: &str,
    image: Expression,
    port: u16,
    health: Option<&str>,
    region_var: &str,
) -> Expression {
    let mut container = object([
        ("name", literal(slug)),
        ("image", image),
        ("essential", Expression::Bool(true)),
        // Writable paths are volumes the task mounts; the image itself stays as built.
        ("readonlyRootFilesystem", Expression::Bool(true)),
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
                        ("awslogs-region", raw(region_var)),
                        ("awslogs-stream-prefix", literal(slug)),
                    ]),
                ),
            ]),
        ),
    ]);
    if let (Some(path), Expression::Object(container)) = (health, &mut container) {
        container.insert(
            hcl::ObjectKey::from("healthCheck"),
            object([
                (
                    "command",
                    list([
                        literal("CMD-SHELL"),
                        literal(&format!(
                            "curl -fsS http://localhost:{port}{path} > /dev/null || exit 1"
                        )),
                    ]),
                ),
                ("interval", Expression::from(15)),
                ("timeout", Expression::from(5)),
                ("retries", Expression::from(3)),
                ("startPeriod", Expression::from(30)),
            ]),
        );
    }
    Expression::from(
        hcl::FuncCall::builder("jsonencode")
            .arg(list([container]))
            .build(),
    )
}

pub(super) fn container_service(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let size = plan.size(placed.component);
    let c = placed.component;
    let name = placed.name.as_str();
    let slug = placed.slug.as_str();
    let replicas = plan.int(c, "replicas", 1);
    let image = registry::read(module, plan, placed, Cloud::Aws);
    super::observability::encrypted_log_group(module, name, slug);
    if placed.namespace.is_some() {
        super::super::kubernetes::workload(module, plan, placed, image);
        return;
    }
    let port = placed.port;
    let health = plan
        .flag(c, "health_check")
        .then(|| super::super::health_path(module, plan, placed));
    module.add(
        "compute.tf",
        &resource("aws_ecs_task_definition", name)
            .add_attribute(("family", placed.env_name("")))
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
                container_definitions(
                    slug,
                    name,
                    image,
                    port,
                    health.as_deref(),
                    &plan.region_of(placed).var("region"),
                ),
            ))
            .build(),
    );
    let autoscaling = plan.flag(c, "autoscaling");
    let balancers = plan.balancers_of(c);
    let mut service = resource("aws_ecs_service", name)
        .add_attribute(("name", literal(slug)))
        .add_attribute((
            "cluster",
            raw(&format!("aws_ecs_cluster.{}.id", module.regional("main"))),
        ))
        .add_attribute((
            "task_definition",
            raw(&format!("aws_ecs_task_definition.{name}.arn")),
        ))
        .add_attribute(("desired_count", replicas))
        .add_attribute(("launch_type", "FARGATE"));
    if !balancers.is_empty() && health.is_some() {
        // New tasks get time to start before failed health checks replace them.
        service = service.add_attribute(("health_check_grace_period_seconds", 60));
    }
    // A deployment whose new tasks keep failing their health checks stops and rolls back
    // to the last one that worked, instead of leaving the service half replaced.
    service = service.add_block(
        block("deployment_circuit_breaker")
            .add_attribute(("enable", true))
            .add_attribute(("rollback", true))
            .build(),
    );
    // The apply waits for the rollout, and fails when the service settled on another task
    // definition (the circuit breaker rolled back): a pipeline never promotes a release that
    // did not start (the provider alone reports a rolled-back deployment as steady).
    // One lifecycle block: the postcondition, and the task count the scaling policy owns
    // once the service exists.
    let mut lifecycle = block("lifecycle");
    if autoscaling {
        lifecycle = lifecycle.add_attribute(("ignore_changes", list([raw("desired_count")])));
    }
    service = service
        .add_attribute(("wait_for_steady_state", true))
        .add_block(
            lifecycle
                .add_block(
                    block("postcondition")
                        .add_attribute((
                            "condition",
                            raw(&format!(
                                "self.task_definition == aws_ecs_task_definition.{name}.arn"
                            )),
                        ))
                        .add_attribute((
                            "error_message",
                            literal(&format!(
                                "{slug} did not start the new task definition: the deployment circuit breaker rolled it back."
                            )),
                        ))
                        .build(),
                )
                .build(),
        );
    service = service.add_block(
        block("network_configuration")
            .add_attribute(("subnets", subnets(plan, placed)))
            .add_attribute(("security_groups", sg(placed)))
            .add_attribute(("assign_public_ip", false))
            .build(),
    );
    for balancer in &balancers {
        service = service.add_block(
            block("load_balancer")
                .add_attribute((
                    "target_group_arn",
                    raw(&format!(
                        "aws_lb_target_group.{}.arn",
                        super::edge::target_group(balancer, placed)
                    )),
                ))
                .add_attribute(("container_name", literal(slug)))
                .add_attribute(("container_port", port))
                .build(),
        );
    }
    module.add(
        "compute.tf",
        &service.add_attribute(("tags", tags(placed))).build(),
    );
    if autoscaling {
        autoscaling_policy(module, plan, placed);
    }
}

/// The managed nodes the cluster's pods run on, in the private subnets, with the role nodes
/// need (joining, pod networking, pulling from ECR).
fn node_group(module: &mut Module, file: &'static str, cluster: &str, subnets: Expression) {
    let role = format!("{cluster}_nodes");
    module.add(
        "iam.tf",
        &resource("aws_iam_role", &role)
            .add_attribute((
                "name_prefix",
                raw(&format!("\"${{var.project}}-{}-\"", role.replace('_', "-"))),
            ))
            .add_attribute((
                "assume_role_policy",
                raw(r#"jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })"#),
            ))
            .build(),
    );
    for (suffix, policy) in [
        ("worker", "AmazonEKSWorkerNodePolicy"),
        ("cni", "AmazonEKS_CNI_Policy"),
        ("ecr", "AmazonEC2ContainerRegistryReadOnly"),
    ] {
        module.add(
            "iam.tf",
            &resource(
                "aws_iam_role_policy_attachment",
                &format!("{role}_{suffix}"),
            )
            .add_attribute(("role", raw(&format!("aws_iam_role.{role}.name"))))
            .add_attribute((
                "policy_arn",
                literal(&format!("arn:aws:iam::aws:policy/{policy}")),
            ))
            .build(),
        );
    }
    module.add(
        file,
        &resource("aws_eks_node_group", cluster)
            .add_attribute((
                "cluster_name",
                raw(&format!("aws_eks_cluster.{cluster}.name")),
            ))
            .add_attribute(("node_group_name_prefix", raw("\"${var.environment}-\"")))
            .add_attribute(("node_role_arn", raw(&format!("aws_iam_role.{role}.arn"))))
            .add_attribute(("subnet_ids", subnets))
            .add_attribute(("instance_types", list([literal("m6i.large")])))
            .add_block(
                block("scaling_config")
                    .add_attribute(("desired_size", 3))
                    .add_attribute(("min_size", 3))
                    .add_attribute(("max_size", 9))
                    .build(),
            )
            .add_attribute((
                "depends_on",
                list(
                    ["worker", "cni", "ecr"].map(|suffix| {
                        raw(&format!("aws_iam_role_policy_attachment.{role}_{suffix}"))
                    }),
                ),
            ))
            .build(),
    );
}

/// Target tracking on the service's average CPU between the model's bounds.
fn autoscaling_policy(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    let (min, max) = plan.instance_bounds(placed.component);
    module.add(
        "compute.tf",
        &resource("aws_appautoscaling_target", name)
            .add_attribute(("service_namespace", "ecs"))
            .add_attribute((
                "resource_id",
                raw(&format!(
                    "\"service/${{aws_ecs_cluster.{}.name}}/${{aws_ecs_service.{name}.name}}\"",
                    module.regional("main")
                )),
            ))
            .add_attribute(("scalable_dimension", "ecs:service:DesiredCount"))
            .add_attribute(("min_capacity", min))
            .add_attribute(("max_capacity", max))
            .build(),
    );
    module.add(
        "compute.tf",
        &resource("aws_appautoscaling_policy", name)
            .add_attribute(("name", placed.env_name("-cpu")))
            .add_attribute(("policy_type", "TargetTrackingScaling"))
            .add_attribute((
                "service_namespace",
                raw(&format!(
                    "aws_appautoscaling_target.{name}.service_namespace"
                )),
            ))
            .add_attribute((
                "resource_id",
                raw(&format!("aws_appautoscaling_target.{name}.resource_id")),
            ))
            .add_attribute((
                "scalable_dimension",
                raw(&format!(
                    "aws_appautoscaling_target.{name}.scalable_dimension"
                )),
            ))
            .add_block(
                block("target_tracking_scaling_policy_configuration")
                    .add_attribute(("target_value", 60))
                    .add_block(
                        block("predefined_metric_specification")
                            .add_attribute((
                                "predefined_metric_type",
                                "ECSServiceAverageCPUUtilization",
                            ))
                            .build(),
                    )
                    .build(),
            )
            .build(),
    );
}

pub(super) fn function(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let reserved = plan.int(placed.component, "reserved_concurrency", 0);
    let name = placed.name.as_str();
    let image = registry::read(module, plan, placed, Cloud::Aws);
    module.add(
        "compute.tf",
        &resource("aws_lambda_function", name)
            .add_attribute(("function_name", placed.env_name("")))
            .add_attribute(("role", raw("aws_iam_role.lambda.arn")))
            .add_attribute(("package_type", "Image"))
            .add_attribute(("image_uri", image))
            .add_attribute(("memory_size", plan.int(placed.component, "memory_mb", 512)))
            .add_attribute(("timeout", plan.int(placed.component, "timeout_s", 30)))
            .add_block(
                block("vpc_config")
                    .add_attribute(("subnet_ids", subnets(plan, placed)))
                    .add_attribute(("security_group_ids", sg(placed)))
                    .build(),
            )
            .add_attribute((
                "reserved_concurrent_executions",
                if reserved > 0 { reserved } else { -1 },
            ))
            .add_block(
                block("tracing_config")
                    .add_attribute(("mode", "Active"))
                    .build(),
            )
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
}

pub(super) fn eks(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    eks_cluster(
        module,
        "compute.tf",
        &placed.name,
        &placed.slug,
        &subnets(plan, placed),
        Some(sg(placed)),
        Some(tags(placed)),
    );
}

/// An EKS cluster `name` with a private endpoint, control-plane logs and its secrets
/// encrypted with the module's data key, and the role it runs as.
pub(in super::super) fn eks_cluster(
    module: &mut Module,
    file: &'static str,
    name: &str,
    slug: &str,
    subnets: &Expression,
    security_groups: Option<Expression>,
    tags: Option<Expression>,
) {
    iam_role(
        module,
        &format!("{name}_eks"),
        &format!("{name}_eks").replace('_', "-"),
        "eks.amazonaws.com",
        "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
    );
    let key = super::security::data_key(module);
    let mut vpc = block("vpc_config").add_attribute(("subnet_ids", subnets.clone()));
    if let Some(groups) = security_groups {
        vpc = vpc.add_attribute(("security_group_ids", groups));
    }
    let mut cluster = resource("aws_eks_cluster", name)
        .add_attribute(("name", raw(&format!("\"${{var.environment}}-{slug}\""))))
        .add_attribute(("role_arn", raw(&format!("aws_iam_role.{name}_eks.arn"))))
        .add_block(vpc.add_attribute(("endpoint_public_access", false)).build())
        .add_attribute((
            "enabled_cluster_log_types",
            list(
                [
                    "api",
                    "audit",
                    "authenticator",
                    "controllerManager",
                    "scheduler",
                ]
                .map(literal),
            ),
        ))
        .add_block(
            block("encryption_config")
                .add_attribute(("resources", list([literal("secrets")])))
                .add_block(block("provider").add_attribute(("key_arn", key)).build())
                .build(),
        );
    if let Some(tags) = tags {
        cluster = cluster.add_attribute(("tags", tags));
    }
    module.add(file, &cluster.build());
    node_group(module, file, name, subnets.clone());
}
