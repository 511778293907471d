//! The VPC, its subnets and routes, and a security group per networked component with one ingress rule per connection into it.

use super::super::module::{Module, block, literal, object, raw, resource};
use super::super::{Placed, Plan};
use super::tags;
use crate::catalog::Recipe;

pub(super) fn network(module: &mut Module, plan: &Plan<'_>) {
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
    for (tier, offset) in [("public", 0), ("private", 10)] {
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
                // Only load balancers and NAT gateways live in the public tier, and they get
                // their addresses explicitly.
                .add_attribute(("map_public_ip_on_launch", false))
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
    // The default security group admits nothing: every component has its own.
    module.add(
        "security.tf",
        &resource("aws_default_security_group", "default")
            .add_attribute(("vpc_id", raw("aws_vpc.main.id")))
            .build(),
    );
    flow_logs(module);
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
        .any(|p| p.role == super::super::Role::Service && p.namespace.is_none())
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
        super::compute::iam_role(
            module,
            "ecs_task_execution",
            "ecs-task-execution",
            "ecs-tasks.amazonaws.com",
            "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
        );
    }
    if plan
        .components
        .iter()
        .any(|p| p.role == super::super::Role::Function)
    {
        super::compute::iam_role(
            module,
            "lambda",
            "lambda",
            "lambda.amazonaws.com",
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        );
    }
    let databases = || {
        plan.components
            .iter()
            .filter(|p| matches!(p.service.recipe, Recipe::RdsPostgresql | Recipe::RdsMysql))
    };
    if databases().any(|p| !p.public) {
        module.add(
            "data.tf",
            &resource("aws_db_subnet_group", "main")
                .add_attribute(("name", raw("\"${var.project}-${var.environment}\"")))
                .add_attribute(("subnet_ids", raw("aws_subnet.private[*].id")))
                .build(),
        );
    }
    // Where the model puts a database in a public subnet (the README says so, loudly).
    if databases().any(|p| p.public) {
        module.add(
            "data.tf",
            &resource("aws_db_subnet_group", "public")
                .add_attribute(("name", raw("\"${var.project}-${var.environment}-public\"")))
                .add_attribute(("subnet_ids", raw("aws_subnet.public[*].id")))
                .build(),
        );
    }
}

pub(super) fn security_group(module: &mut Module, placed: &Placed<'_>) {
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

/// One ingress rule per (source, target, port): from the source's security group, or from
/// the internet for internet-facing entry points, or from inside the VPC for managed callers.
pub(super) fn security(module: &mut Module, plan: &Plan<'_>) {
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
            super::super::Source::Group(source) => builder.add_attribute((
                "referenced_security_group_id",
                raw(&format!("aws_security_group.{}.id", source.name)),
            )),
            super::super::Source::Internet => builder.add_attribute(("cidr_ipv4", "0.0.0.0/0")),
            super::super::Source::Network => {
                builder.add_attribute(("cidr_ipv4", raw("var.vpc_cidr")))
            }
        };
        module.add("security.tf", &builder.build());
    }
}

/// Every flow in the VPC, accepted or rejected, logged to an encrypted log group.
fn flow_logs(module: &mut Module) {
    super::observability::encrypted_log_group(module, "vpc_flow_logs", "vpc-flow-logs");
    module.add(
        "iam.tf",
        &resource("aws_iam_role", "vpc_flow_logs")
            .add_attribute(("name_prefix", raw("\"${var.project}-flow-logs-\"")))
            .add_attribute((
                "assume_role_policy",
                raw(r#"jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "vpc-flow-logs.amazonaws.com" } }] })"#),
            ))
            .build(),
    );
    module.add(
        "iam.tf",
        &resource("aws_iam_role_policy", "vpc_flow_logs")
            .add_attribute(("role", raw("aws_iam_role.vpc_flow_logs.id")))
            .add_attribute((
                "policy",
                raw(r#"jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource = "${aws_cloudwatch_log_group.vpc_flow_logs.arn}:*" }] })"#),
            ))
            .build(),
    );
    module.add(
        "network.tf",
        &resource("aws_flow_log", "main")
            .add_attribute(("vpc_id", raw("aws_vpc.main.id")))
            .add_attribute(("traffic_type", "ALL"))
            .add_attribute((
                "log_destination",
                raw("aws_cloudwatch_log_group.vpc_flow_logs.arn"),
            ))
            .add_attribute(("iam_role_arn", raw("aws_iam_role.vpc_flow_logs.arn")))
            .build(),
    );
}
