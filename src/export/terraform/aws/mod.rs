//! AWS: a VPC with public and private subnets per availability zone, a security group per
//! networked component and one ingress rule per connection, then the managed service for
//! each component (see `crate::catalog::CloudService`).

pub(super) mod compute;
mod data;
mod edge;
mod messaging;
mod network;
mod observability;
pub(crate) use observability::alarms as cloudwatch_alarms;
mod security;

use hcl::Expression;

use super::module::{Module, block, list, literal, object, raw};
use super::{Placed, Plan};
use crate::catalog::{Deployment, Recipe};

pub(super) fn generate(module: &mut Module, plan: &Plan<'_>) {
    versions(module, plan);
    for (index, region) in plan.regions.iter().enumerate() {
        module.enter_region(region, Some("aws"));
        network::network(module, plan, index);
    }
    module.enter_region(&plan.regions[0], Some("aws"));
    super::kubernetes::cluster(module, plan, crate::model::Cloud::Aws);
    for placed in &plan.components {
        module.enter_region(plan.region_of(placed), Some("aws"));
        component(module, plan, placed);
    }
    network::security(module, plan);
    observability::monitoring(module, plan);
    module.enter_region(&plan.regions[0], Some("aws"));
}

/// Where CloudFront and Route 53, global services, keep their regional parts: a
/// distribution's web ACL and a hosted zone's query log must be in us-east-1.
const EDGE_REGION: &str = "us-east-1";
const EDGE_REGION_KEY: &str = "us_east_1";

/// Whether the module needs [`EDGE_REGION`] without deploying to it: the model has a CDN or
/// a DNS zone and none of its regions is us-east-1.
fn needs_edge_provider(plan: &Plan<'_>) -> bool {
    plan.components
        .iter()
        .any(|p| matches!(p.service.recipe, Recipe::Cloudfront | Recipe::Route53))
        && !plan
            .regions
            .iter()
            .any(|r| r.code.as_deref() == Some(EDGE_REGION))
}

/// For the README: what the module puts in [`EDGE_REGION`] although the model may not draw
/// that region.
pub(super) fn edge_region_note(out: &mut String, plan: &Plan<'_>) {
    let has = |recipe: Recipe| plan.components.iter().any(|p| p.service.recipe == recipe);
    let mut parts = Vec::new();
    if has(Recipe::Cloudfront) {
        parts.push("each CloudFront distribution's web ACL (scope CLOUDFRONT: AWS's common and known-bad-inputs rule sets block, the anonymous-IP list only counts until you decide to block it, and the rate limit of a WAF the model puts in front of the distribution) with its log group");
    }
    if has(Recipe::Route53) {
        parts.push("each hosted zone's DNS query log group and the resource policy that lets Route 53 write to it");
    }
    if parts.is_empty() {
        return;
    }
    let provider = match plan
        .regions
        .iter()
        .find(|r| r.code.as_deref() == Some(EDGE_REGION))
    {
        Some(region) if region.key.is_empty() => String::new(),
        Some(region) => format!(" through the `aws.{}` provider alias", region.key),
        None => format!(
            " through the `aws.{EDGE_REGION_KEY}` provider alias, a region the model does not draw"
        ),
    };
    let _ = std::fmt::Write::write_fmt(
        out,
        format_args!(
            "\nAWS requires some parts of its global services in `{EDGE_REGION}`, so they are created there{provider}: {}.\n",
            parts.join("; ")
        ),
    );
}

/// Adds what follows to [`EDGE_REGION`]: the model's own region there when it has one,
/// else the `aws.us_east_1` alias that [`versions`] declares for it.
fn enter_edge_region(module: &mut Module, plan: &Plan<'_>) {
    match plan
        .regions
        .iter()
        .find(|r| r.code.as_deref() == Some(EDGE_REGION))
    {
        Some(region) => module.enter_region(region, Some("aws")),
        None => module.enter_fixed_region(
            EDGE_REGION_KEY,
            EDGE_REGION,
            format!("aws.{EDGE_REGION_KEY}"),
        ),
    }
}

/// The default provider serves the primary region; each other region the model uses gets
/// an alias named after it, and so does [`EDGE_REGION`] where the edge services need it.
fn versions(module: &mut Module, plan: &Plan<'_>) {
    super::versions(module, plan, "aws", "hashicorp/aws", "~> 6.0");
    let mut providers: Vec<(&str, Expression)> = plan
        .regions
        .iter()
        .map(|region| (region.key.as_str(), raw(&region.var("region"))))
        .collect();
    if needs_edge_provider(plan) {
        providers.push((EDGE_REGION_KEY, literal(EDGE_REGION)));
    }
    for (alias, region) in providers {
        let mut provider = block("provider").add_label("aws");
        if !alias.is_empty() {
            provider = provider.add_attribute(("alias", alias));
        }
        module.add(
            "providers.tf",
            &provider
                .add_attribute(("region", region))
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
}

fn tags(placed: &Placed<'_>) -> Expression {
    object([
        ("Name", literal(&placed.component.name)),
        ("archsmith_id", literal(placed.component.id.as_str())),
    ])
}

fn sg(placed: &Placed<'_>) -> Expression {
    list([raw(&format!("aws_security_group.{}.id", placed.name))])
}

/// Every subnet of the tier the model puts a component in, one per zone.
fn subnets(plan: &Plan<'_>, placed: &Placed<'_>) -> Expression {
    raw(&format!("aws_subnet.{}[*].id", plan.tier_of(placed).name))
}

/// Every subnet of the component region's first public tier (internet-facing entry points
/// the model draws outside a public subnet) or first private tier.
fn region_subnets(plan: &Plan<'_>, placed: &Placed<'_>, public: bool) -> Expression {
    if plan.tier_of(placed).public == public {
        subnets(plan, placed)
    } else {
        tier_subnets(plan.region_of(placed), public)
    }
}

/// The subnets of `region`'s first public or private tier.
pub(super) fn tier_subnets(region: &super::regions::DeployRegion, public: bool) -> Expression {
    raw(&format!(
        "aws_subnet.{}[*].id",
        region.tiers[region.first_tier(public)].name
    ))
}

/// The VPC of the region the module has entered.
fn vpc_id(module: &Module) -> Expression {
    raw(&format!("aws_vpc.{}.id", module.regional("main")))
}

/// The first `count` subnets of the component's tier (1 or 2), for services that take a
/// fixed number.
fn first_subnets(plan: &Plan<'_>, placed: &Placed<'_>, count: usize) -> Expression {
    let tier = &plan.tier_of(placed).name;
    raw(&if count > 1 {
        format!("slice(aws_subnet.{tier}[*].id, 0, {count})")
    } else {
        format!("[aws_subnet.{tier}[0].id]")
    })
}

/// The resources of one component, by the recipe of the managed service it becomes.
fn component(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    if placed.networked {
        network::security_group(module, placed);
    }
    match placed.service.recipe {
        Recipe::OwnCode if plan.facts.runs(placed.component) == Some(Deployment::Function) => {
            compute::function(module, plan, placed);
        }
        Recipe::OwnCode => compute::container_service(module, plan, placed),
        Recipe::Eks => compute::eks(module, plan, placed),
        Recipe::RdsPostgresql => data::rds(module, plan, placed, "postgres"),
        Recipe::RdsMysql => data::rds(module, plan, placed, "mysql"),
        Recipe::ElasticacheRedis => data::elasticache_redis(module, plan, placed),
        Recipe::ElasticacheMemcached => data::elasticache_memcached(module, plan, placed),
        Recipe::Documentdb => data::documentdb(module, plan, placed),
        Recipe::Opensearch => data::opensearch(module, plan, placed),
        Recipe::Dynamodb => data::dynamodb(module, plan, placed),
        Recipe::Keyspaces => data::keyspaces(module, placed),
        Recipe::RedshiftServerless => data::redshift_serverless(module, plan, placed),
        Recipe::S3 => data::s3(module, plan, placed),
        Recipe::Msk => messaging::msk(module, plan, placed),
        Recipe::AmazonMq => messaging::amazon_mq(module, plan, placed),
        Recipe::Sqs => messaging::sqs(module, plan, placed),
        Recipe::Sns => messaging::sns(module, placed),
        Recipe::SnsSqs => messaging::sns_sqs(module, placed),
        Recipe::Kinesis => messaging::kinesis(module, plan, placed),
        Recipe::Cloudfront => edge::cloudfront(module, plan, placed),
        Recipe::Wafv2 => edge::wafv2(module, plan, placed),
        Recipe::ApiGatewayV2 => edge::api_gateway(module, plan, placed),
        Recipe::Alb | Recipe::Nlb => edge::load_balancer(module, plan, placed),
        Recipe::Route53 => edge::route53(module, plan, placed),
        Recipe::Cognito => security::cognito(module, plan, placed),
        Recipe::SecretsManager => security::secrets_manager(module, plan, placed),
        Recipe::Kms => security::kms(module, placed),
        Recipe::Amp => observability::amp(module, plan, placed),
        Recipe::ManagedGrafana => observability::managed_grafana(module, plan, placed),
        Recipe::Xray => observability::xray(module, plan, placed),
        Recipe::CloudwatchLogs => observability::log_group(module, plan, placed),
        // The catalog gives AWS services only AWS recipes (checked when it loads).
        _ => placeholder(module, placed, placed.component.kind.as_str()),
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

/// At most `max` characters, for names AWS limits in length.
fn truncate(slug: &str, max: usize) -> String {
    slug.chars()
        .take(max)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned()
}
