//! The VPC, its subnets and routes, and a security group per networked component with one ingress rule per connection into it.

use super::super::module::{Module, block, literal, object, raw, resource};
use super::super::{Placed, Plan};
use super::tags;
use crate::catalog::Recipe;

/// The network of `plan.regions[index]`, which the module has entered: its VPC, a subnet
/// per zone for each tier the model draws there, the gateways and routes, and the regional
/// resources its components share.
pub(super) fn network(module: &mut Module, plan: &Plan<'_>, index: usize) {
    let region = &plan.regions[index];
    let vpc = module.regional("main");
    let cidr = region.var("vpc_cidr");
    let zones = region.var("availability_zones");
    let vpc_name = match (&plan.vpc_name, index) {
        (Some(name), 0) => name.clone(),
        (_, 0) => "main".to_owned(),
        _ => format!("main-{}", region.code.as_deref().unwrap_or_default()),
    };
    module.add_commented(
        "network.tf",
        &[format!(
            "The VPC{}{}; subnet tiers across {zones}: {}.",
            match &region.code {
                Some(code) if plan.multi_region() => format!(" in {code}"),
                _ => String::new(),
            },
            if plan.vpc_name.is_some() && index == 0 {
                " drawn in the model"
            } else if index == 0 {
                " (the model draws none, so a default one)"
            } else {
                ""
            },
            // Boundary names are user text: comments carry ids and fixed words only.
            region
                .tiers
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )],
        &resource("aws_vpc", &vpc)
            .add_attribute(("cidr_block", raw(&cidr)))
            .add_attribute(("enable_dns_support", true))
            .add_attribute(("enable_dns_hostnames", true))
            .add_attribute(("tags", object([("Name", literal(&vpc_name))])))
            .build(),
    );
    let (newbits, stride) = region.subnet_layout();
    for (ordinal, tier) in region.tiers.iter().enumerate() {
        let offset = ordinal * stride;
        module.add(
            "network.tf",
            &resource("aws_subnet", &tier.name)
                .add_attribute(("count", raw(&format!("length({zones})"))))
                .add_attribute(("vpc_id", raw(&format!("aws_vpc.{vpc}.id"))))
                .add_attribute(("availability_zone", raw(&format!("{zones}[count.index]"))))
                .add_attribute((
                    "cidr_block",
                    raw(&if offset == 0 {
                        format!("cidrsubnet({cidr}, {newbits}, count.index)")
                    } else {
                        format!("cidrsubnet({cidr}, {newbits}, count.index + {offset})")
                    }),
                ))
                // Only load balancers and NAT gateways live in the public tier, and they get
                // their addresses explicitly.
                .add_attribute(("map_public_ip_on_launch", false))
                .add_attribute((
                    "tags",
                    object([
                        (
                            "Name",
                            raw(&format!(
                                "\"{}-${{{zones}[count.index]}}\"",
                                tier.name.replace('_', "-")
                            )),
                        ),
                        (
                            "Tier",
                            literal(if tier.public { "public" } else { "private" }),
                        ),
                    ]),
                ))
                .build(),
        );
    }
    // The default security group admits nothing: every component has its own.
    module.add(
        "security.tf",
        &resource("aws_default_security_group", &module.regional("default"))
            .add_attribute(("vpc_id", raw(&format!("aws_vpc.{vpc}.id"))))
            .build(),
    );
    flow_logs(module, &vpc);
    let gateway = module.regional("main");
    module.add(
        "network.tf",
        &resource("aws_internet_gateway", &gateway)
            .add_attribute(("vpc_id", raw(&format!("aws_vpc.{vpc}.id"))))
            .build(),
    );
    let nat_ip = module.regional("nat");
    module.add(
        "network.tf",
        &resource("aws_eip", &nat_ip)
            .add_attribute(("domain", "vpc"))
            .build(),
    );
    let first_public = &region.tiers[region.first_tier(true)].name;
    module.add_commented(
        "network.tf",
        &["One NAT gateway keeps the skeleton cheap; use one per zone in production.".into()],
        &resource("aws_nat_gateway", &gateway)
            .add_attribute(("allocation_id", raw(&format!("aws_eip.{nat_ip}.id"))))
            .add_attribute((
                "subnet_id",
                raw(&format!("aws_subnet.{first_public}[0].id")),
            ))
            .build(),
    );
    for (public, target) in [
        (
            true,
            ("gateway_id", format!("aws_internet_gateway.{gateway}.id")),
        ),
        (
            false,
            ("nat_gateway_id", format!("aws_nat_gateway.{gateway}.id")),
        ),
    ] {
        let table = module.regional(if public { "public" } else { "private" });
        module.add(
            "network.tf",
            &resource("aws_route_table", &table)
                .add_attribute(("vpc_id", raw(&format!("aws_vpc.{vpc}.id"))))
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
                .add_attribute((target.0, raw(&target.1)))
                .build(),
        );
        for tier in region.tiers.iter().filter(|t| t.public == public) {
            module.add(
                "network.tf",
                &resource("aws_route_table_association", &tier.name)
                    .add_attribute(("count", raw(&format!("length({zones})"))))
                    .add_attribute((
                        "subnet_id",
                        raw(&format!("aws_subnet.{}[count.index].id", tier.name)),
                    ))
                    .add_attribute((
                        "route_table_id",
                        raw(&format!("aws_route_table.{table}.id")),
                    ))
                    .build(),
            );
        }
    }
    let here = |p: &&Placed<'_>| p.region == index;
    if plan
        .components
        .iter()
        .filter(here)
        .any(|p| p.role == super::super::Role::Service && p.namespace.is_none())
    {
        module.add(
            "compute.tf",
            &resource("aws_ecs_cluster", &module.regional("main"))
                .add_attribute((
                    "name",
                    raw(&format!(
                        "\"${{var.project}}-${{var.environment}}{}\"",
                        region.suffix().replace('_', "-")
                    )),
                ))
                .add_block(
                    block("setting")
                        .add_attribute(("name", "containerInsights"))
                        .add_attribute(("value", "enabled"))
                        .build(),
                )
                .build(),
        );
        if module.first_time("ecs_task_execution_role") {
            super::compute::iam_role(
                module,
                "ecs_task_execution",
                "ecs-task-execution",
                "ecs-tasks.amazonaws.com",
                "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
            );
        }
    }
    if plan
        .components
        .iter()
        .any(|p| p.role == super::super::Role::Function)
        && module.first_time("lambda_role")
    {
        super::compute::iam_role(
            module,
            "lambda",
            "lambda",
            "lambda.amazonaws.com",
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        );
    }
    // A subnet group per tier that holds databases (RDS takes its subnets from one).
    for (ordinal, tier) in region.tiers.iter().enumerate() {
        // (A replica in its source's region takes the source's subnet group.)
        let holds_database = plan.components.iter().filter(here).any(|p| {
            p.tier == ordinal
                && matches!(p.service.recipe, Recipe::RdsPostgresql | Recipe::RdsMysql)
                && plan
                    .facts
                    .replica_of(p.component)
                    .and_then(|source| plan.placed(source))
                    .filter(|source| source.service.recipe == p.service.recipe)
                    .is_none_or(|source| source.region != p.region)
        });
        if holds_database {
            module.add(
                "data.tf",
                &resource("aws_db_subnet_group", &tier.name)
                    .add_attribute((
                        "name",
                        raw(&format!(
                            "\"${{var.project}}-${{var.environment}}-{}\"",
                            tier.name.replace('_', "-")
                        )),
                    ))
                    .add_attribute((
                        "subnet_ids",
                        raw(&format!("aws_subnet.{}[*].id", tier.name)),
                    ))
                    .build(),
            );
        }
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
            .add_attribute((
                "vpc_id",
                raw(&format!("aws_vpc.{}.id", module.regional("main"))),
            ))
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
        let region = plan.region_of(target);
        module.enter_region(region, Some("aws"));
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
            // A security group can name only groups of its own region: a caller in another
            // region is admitted by its network's range (the networks need peering, which the
            // README lists as not generated).
            super::super::Source::Group(source) if source.region != target.region => {
                builder.add_attribute(("cidr_ipv4", raw(&plan.region_of(source).var("vpc_cidr"))))
            }
            super::super::Source::Group(source) => builder.add_attribute((
                "referenced_security_group_id",
                raw(&format!("aws_security_group.{}.id", source.name)),
            )),
            super::super::Source::Internet => builder.add_attribute(("cidr_ipv4", "0.0.0.0/0")),
            super::super::Source::Network => {
                builder.add_attribute(("cidr_ipv4", raw(&region.var("vpc_cidr"))))
            }
        };
        module.add("security.tf", &builder.build());
    }
}

/// Every flow in the VPC, accepted or rejected, logged to an encrypted log group.
fn flow_logs(module: &mut Module, vpc: &str) {
    let logs = module.regional("vpc_flow_logs");
    super::observability::encrypted_log_group(module, &logs, &logs.replace('_', "-"));
    if module.first_time("vpc_flow_logs_role") {
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
    }
    module.add(
        "iam.tf",
        &resource("aws_iam_role_policy", &logs)
            .add_attribute(("role", raw("aws_iam_role.vpc_flow_logs.id")))
            .add_attribute((
                "policy",
                raw(&format!(r#"jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource = "${{aws_cloudwatch_log_group.{logs}.arn}}:*" }}] }})"#)),
            ))
            .build(),
    );
    module.add(
        "network.tf",
        &resource("aws_flow_log", vpc)
            .add_attribute(("vpc_id", raw(&format!("aws_vpc.{vpc}.id"))))
            .add_attribute(("traffic_type", "ALL"))
            .add_attribute((
                "log_destination",
                raw(&format!("aws_cloudwatch_log_group.{logs}.arn")),
            ))
            .add_attribute(("iam_role_arn", raw("aws_iam_role.vpc_flow_logs.arn")))
            .build(),
    );
}
