//! What faces clients: CloudFront, WAF, API Gateway, load balancers and Route 53.

use super::super::module::{Module, block, list, literal, raw, resource};
use super::super::{Placed, Plan, Route};
use super::{sg, tags, truncate};
use crate::catalog::Recipe;

pub(super) fn load_balancer(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let c = placed.component;
    let name = placed.name.as_str();
    let slug = placed.slug.as_str();
    let network = placed.service.recipe == Recipe::Nlb;
    let internet_facing = plan.flag_or(c, "internet_facing", true);
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
                super::region_subnets(plan, placed, internet_facing),
            ))
            .add_attribute(("security_groups", sg(placed)))
            .add_attribute(("drop_invalid_header_fields", !network))
            .add_attribute(("enable_deletion_protection", true))
            .add_attribute(("enable_cross_zone_load_balancing", true))
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
    let targets = plan.routes(c);
    let protocol = if network { "TCP" } else { "HTTP" };
    for (i, route) in targets.iter().enumerate() {
        if route.target.namespace.is_some() {
            module.todo(format!(
                "`{slug}` forwards to `{}`, which runs in the cluster: install the AWS Load Balancer Controller and bind target group `{}` to its Service (TargetGroupBinding), or nothing registers its pods.",
                route.target.slug,
                target_group(placed, route.target)
            ));
        }
        let target = route.target;
        let mut group = resource("aws_lb_target_group", &target_group(placed, target))
            .add_attribute(("name_prefix", literal(&format!("tg{i}-"))))
            .add_attribute(("port", target.port))
            .add_attribute(("protocol", protocol))
            .add_attribute(("target_type", "ip"))
            .add_attribute(("vpc_id", super::vpc_id(module)));
        // Balancers always check their targets: the model's health endpoint when it
        // declares one, else the root (HTTP) or the port (TCP).
        let declared = plan.flag(target.component, "health_check");
        let mut check = block("health_check")
            .add_attribute(("enabled", true))
            .add_attribute(("healthy_threshold", 2))
            .add_attribute(("unhealthy_threshold", 3))
            .add_attribute(("interval", 15));
        check = if network {
            check.add_attribute(("protocol", "TCP"))
        } else {
            let path = if declared {
                plan.text(target.component, "health_path")
                    .unwrap_or("/health")
            } else {
                "/"
            };
            check
                .add_attribute(("protocol", "HTTP"))
                .add_attribute(("path", literal(path)))
                .add_attribute(("matcher", "200-399"))
        };
        group = group.add_block(check.build());
        module.add("edge.tf", &group.build());
    }
    // Requests go by path where the connections give one; the default goes to the one
    // target without a path (or answers 404 when every target has one).
    let (routed, unrouted): (Vec<_>, Vec<_>) = targets.iter().partition(|r| r.path.is_some());
    let routed: Vec<&Route<'_, '_>> = if network { Vec::new() } else { routed };
    let default = if network {
        targets.first()
    } else {
        unrouted.first().copied()
    };
    let mut action = block("default_action");
    action = match default {
        Some(route) => action.add_attribute(("type", "forward")).add_attribute((
            "target_group_arn",
            raw(&format!(
                "aws_lb_target_group.{}.arn",
                target_group(placed, route.target)
            )),
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
        listener
            .add_attribute(("protocol", "TLS"))
            .add_attribute(("ssl_policy", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"))
    } else {
        listener
            .add_attribute(("protocol", "HTTPS"))
            .add_attribute(("ssl_policy", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"))
    };
    module.add(
        "edge.tf",
        &listener
            .add_attribute((
                "certificate_arn",
                raw(&plan.region_of(placed).var("certificate_arn")),
            ))
            .add_block(action.build())
            .build(),
    );
    for (i, route) in routed.iter().enumerate() {
        let path = route.path.unwrap_or("/");
        let prefix = path.trim_end_matches(['/', '*']);
        let patterns = if prefix.is_empty() {
            list([literal("/*")])
        } else {
            list([literal(prefix), literal(&format!("{prefix}/*"))])
        };
        let group = target_group(placed, route.target);
        module.add(
            "edge.tf",
            &resource("aws_lb_listener_rule", &group)
                .add_attribute(("listener_arn", raw(&format!("aws_lb_listener.{name}.arn"))))
                .add_attribute(("priority", 100 + i64::try_from(i).unwrap_or(0) * 10))
                .add_block(
                    block("action")
                        .add_attribute(("type", "forward"))
                        .add_attribute((
                            "target_group_arn",
                            raw(&format!("aws_lb_target_group.{group}.arn")),
                        ))
                        .build(),
                )
                .add_block(
                    block("condition")
                        .add_block(
                            block("path_pattern")
                                .add_attribute(("values", patterns))
                                .build(),
                        )
                        .build(),
                )
                .build(),
        );
    }
    let unreachable = if network {
        targets.len().saturating_sub(1)
    } else {
        unrouted.len().saturating_sub(1)
    };
    if unreachable > 0 {
        module.todo(format!(
            "`{slug}`: {unreachable} of its targets have no `path` on their connection, so only the first gets the default route; give each connection a path (or use separate listeners for a layer-4 balancer)."
        ));
    }
}

/// The target group of `balancer` that forwards to `target`.
pub(super) fn target_group(balancer: &Placed<'_>, target: &Placed<'_>) -> String {
    format!("{}_{}", balancer.name, target.name)
}

pub(super) fn cloudfront(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let slug = placed.slug.as_str();
    let c = placed.component;
    let name = placed.name.as_str();
    if module.first_time("security_headers_policy") {
        module.add(
            "edge.tf",
            &block("data")
                .add_label("aws_cloudfront_response_headers_policy")
                .add_label("security_headers")
                .add_attribute(("name", "Managed-SecurityHeadersPolicy"))
                .build(),
        );
    }
    // A distribution takes only a CLOUDFRONT-scoped web ACL, which lives in us-east-1: the
    // managed baseline every ACL has, and the stricter of the distribution's own rate limit
    // and that of a WAF the model puts in front of it.
    let fronting_limit = plan
        .graph
        .connections(c, petgraph::Direction::Incoming, None)
        .into_iter()
        .filter_map(|connection| plan.graph.endpoints(connection))
        .filter(|(waf, _)| {
            plan.placed(waf)
                .is_some_and(|p| p.service.recipe == Recipe::Wafv2)
        })
        .map(|(waf, _)| plan.int(waf, "rate_limit_rps", 0))
        .chain([plan.int(c, "rate_limit_rps", 0)])
        .max()
        .unwrap_or(0);
    super::enter_edge_region(module, plan);
    let acl = format!("{name}_edge");
    web_acl(
        module,
        placed,
        (&acl, &format!("{slug}-edge")),
        "CLOUDFRONT",
        &waf_rules(fronting_limit),
    );
    module.enter_region(plan.region_of(placed), Some("aws"));
    module.add(
        "edge.tf",
        &resource("aws_cloudfront_distribution", name)
            .add_attribute(("enabled", true))
            .add_attribute(("web_acl_id", raw(&format!("aws_wafv2_web_acl.{acl}.arn"))))
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
                            .add_attribute(("origin_ssl_protocols", list([literal("TLSv1.2")])))
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
                    .add_attribute(("cache_policy_id", "658327ea-f89d-4fab-a63d-7e88639e58f6"))
                    // AWS's managed security headers (HSTS, nosniff, frame options...).
                    .add_attribute((
                        "response_headers_policy_id",
                        raw("data.aws_cloudfront_response_headers_policy.security_headers.id"),
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
                    .add_attribute(("acm_certificate_arn", raw("var.cdn_certificate_arn")))
                    .add_attribute(("ssl_support_method", "sni-only"))
                    .add_attribute(("minimum_protocol_version", "TLSv1.2_2021"))
                    .build(),
            )
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
    module.todo(format!("`{slug}`: set var.origin_domain_name and var.cdn_certificate_arn (a certificate in us-east-1 for your own domain)."));
}

/// The rules every web ACL carries: AWS's common rule set and known bad inputs (Log4j and
/// friends) block; the anonymous-IP list (VPNs, Tor, hosting providers) only counts, since
/// blocking it would also turn away partners who call from a cloud, a decision for the team
/// once the counts are in; a rate limit per client address where the model states one.
fn waf_rules(rate_limit_rps: i64) -> Vec<hcl::Block> {
    let visibility = |metric: &str| {
        block("visibility_config")
            .add_attribute(("cloudwatch_metrics_enabled", true))
            .add_attribute(("metric_name", literal(metric)))
            .add_attribute(("sampled_requests_enabled", true))
            .build()
    };
    let managed = |name: &str, priority: i64, group: &str, mode: &str| {
        block("rule")
            .add_attribute(("name", literal(name)))
            .add_attribute(("priority", priority))
            .add_block(
                block("override_action")
                    .add_block(block(mode).build())
                    .build(),
            )
            .add_block(
                block("statement")
                    .add_block(
                        block("managed_rule_group_statement")
                            .add_attribute(("name", literal(group)))
                            .add_attribute(("vendor_name", "AWS"))
                            .build(),
                    )
                    .build(),
            )
            .add_block(visibility(name))
            .build()
    };
    let mut rules = vec![managed(
        "aws-common-rules",
        1,
        "AWSManagedRulesCommonRuleSet",
        "none",
    )];
    if rate_limit_rps > 0 {
        // WAF counts each client address over a five-minute window.
        let limit = rate_limit_rps.saturating_mul(300).clamp(100, 2_000_000_000);
        rules.push(
            block("rule")
                .add_attribute(("name", "rate-limit"))
                .add_attribute(("priority", 2))
                .add_block(block("action").add_block(block("block").build()).build())
                .add_block(
                    block("statement")
                        .add_block(
                            block("rate_based_statement")
                                .add_attribute(("limit", limit))
                                .add_attribute(("aggregate_key_type", "IP"))
                                .build(),
                        )
                        .build(),
                )
                .add_block(visibility("rate-limit"))
                .build(),
        );
    }
    rules.push(managed(
        "aws-known-bad-inputs",
        3,
        "AWSManagedRulesKnownBadInputsRuleSet",
        "none",
    ));
    rules.push(managed(
        "aws-anonymous-ip",
        4,
        "AWSManagedRulesAnonymousIpList",
        "count",
    ));
    rules
}

/// A web ACL named `acl` with `rules` in the region the module has entered, and its log
/// group and logging configuration. `scope` is REGIONAL (balancers) or CLOUDFRONT.
fn web_acl(
    module: &mut Module,
    placed: &Placed<'_>,
    (acl, acl_slug): (&str, &str),
    scope: &str,
    rules: &[hcl::Block],
) {
    let mut web_acl = resource("aws_wafv2_web_acl", acl)
        .add_attribute(("name", raw(&format!("\"${{var.environment}}-{acl_slug}\""))))
        .add_attribute(("scope", scope))
        .add_block(
            block("default_action")
                .add_block(block("allow").build())
                .build(),
        );
    for rule in rules {
        web_acl = web_acl.add_block(rule.clone());
    }
    module.add(
        "edge.tf",
        &web_acl
            .add_block(
                block("visibility_config")
                    .add_attribute(("cloudwatch_metrics_enabled", true))
                    .add_attribute(("metric_name", literal(&format!("{acl_slug}-acl"))))
                    .add_attribute(("sampled_requests_enabled", true))
                    .build(),
            )
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
    // WAF requires its log groups to be named aws-waf-logs-*.
    super::observability::encrypted_log_group_named(
        module,
        &format!("{acl}_waf"),
        raw(&format!("\"aws-waf-logs-${{var.environment}}-{acl_slug}\"")),
    );
    module.add(
        "edge.tf",
        &resource("aws_wafv2_web_acl_logging_configuration", acl)
            .add_attribute((
                "log_destination_configs",
                list([raw(&format!("aws_cloudwatch_log_group.{acl}_waf.arn"))]),
            ))
            .add_attribute(("resource_arn", raw(&format!("aws_wafv2_web_acl.{acl}.arn"))))
            .build(),
    );
}

pub(super) fn wafv2(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let c = placed.component;
    let slug = placed.slug.as_str();
    let name = placed.name.as_str();
    let rules = waf_rules(plan.int(c, "rate_limit_rps", 0));
    // A regional web ACL protects resources of its own region only: the WAF gets one in its
    // region and a copy, with the same rules, in each other region where a load balancer
    // it fronts runs.
    let routes = plan.routes(c);
    let mut regions = vec![placed.region];
    for route in &routes {
        if route.target.service.recipe == Recipe::Alb && !regions.contains(&route.target.region) {
            regions.push(route.target.region);
        }
    }
    for &index in &regions {
        let region = &plan.regions[index];
        module.enter_region(region, Some("aws"));
        let (acl, acl_slug) = if index == placed.region {
            (name.to_owned(), slug.to_owned())
        } else {
            (
                format!("{name}_{}", region.key),
                format!("{slug}-{}", region.key.replace('_', "-")),
            )
        };
        web_acl(module, placed, (&acl, &acl_slug), "REGIONAL", &rules);
        // The ACL protects what the model puts behind it: each load balancer it forwards
        // to. (A distribution it fronts takes its rules in its own CLOUDFRONT-scoped ACL,
        // and HTTP APIs cannot take a web ACL.)
        for route in routes
            .iter()
            .filter(|r| r.target.region == index && r.target.service.recipe == Recipe::Alb)
        {
            let target = route.target;
            module.add(
                "edge.tf",
                &resource(
                    "aws_wafv2_web_acl_association",
                    &format!("{name}_{}", target.name),
                )
                .add_attribute(("resource_arn", raw(&format!("aws_lb.{}.arn", target.name))))
                .add_attribute(("web_acl_arn", raw(&format!("aws_wafv2_web_acl.{acl}.arn"))))
                .build(),
            );
        }
    }
    for route in routes
        .iter()
        .filter(|r| !matches!(r.target.service.recipe, Recipe::Alb | Recipe::Cloudfront))
    {
        module.todo(format!(
            "`{slug}` filters traffic for `{}`, which this skeleton cannot attach a regional web ACL to ({}); attach it by hand or put an Application Load Balancer behind the WAF.",
            route.target.slug, route.target.service.service
        ));
    }
    module.enter_region(plan.region_of(placed), Some("aws"));
}

pub(super) fn api_gateway(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let slug = placed.slug.as_str();
    let name = placed.name.as_str();
    super::observability::encrypted_log_group(module, &placed.name, &placed.slug);
    module.add(
        "edge.tf",
        &resource("aws_apigatewayv2_api", name)
            .add_attribute(("name", placed.env_name("")))
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
            .add_block(stage_throttling(plan, placed))
            .add_block(
                block("access_log_settings")
                    .add_attribute((
                        "destination_arn",
                        raw(&format!("aws_cloudwatch_log_group.{name}.arn")),
                    ))
                    .add_attribute((
                        "format",
                        raw(r#"jsonencode({ requestId = "$context.requestId", ip = "$context.identity.sourceIp", requestTime = "$context.requestTime", httpMethod = "$context.httpMethod", routeKey = "$context.routeKey", status = "$context.status", responseLength = "$context.responseLength", integrationLatency = "$context.integrationLatency" })"#),
                    ))
                    .build(),
            )
            .build(),
    );
    module.todo(format!(
        "`{slug}`: add routes and a VPC link to the services behind the API gateway."
    ));
}

/// The stage's default throttling: the model's rate limit, with bursts of twice that (API
/// Gateway's own account limits apply where the model states none).
fn stage_throttling(plan: &Plan<'_>, placed: &Placed<'_>) -> hcl::Block {
    let rate = plan.int(placed.component, "rate_limit_rps", 0);
    let settings =
        block("default_route_settings").add_attribute(("detailed_metrics_enabled", true));
    if rate > 0 {
        settings
            .add_attribute(("throttling_rate_limit", rate))
            .add_attribute(("throttling_burst_limit", rate.saturating_mul(2).min(5000)))
            .build()
    } else {
        settings.build()
    }
}

pub(super) fn route53(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    module.add(
        "edge.tf",
        &resource("aws_route53_zone", name)
            .add_attribute(("name", raw("var.domain_name")))
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
    // Query logs of a public zone go to a log group in us-east-1, which Route 53 may write
    // to under one resource policy per account and region.
    super::enter_edge_region(module, plan);
    let log_group = format!("{name}_queries");
    super::observability::encrypted_log_group_named(
        module,
        &log_group,
        raw(&format!(
            "\"/aws/route53/${{var.environment}}-{}\"",
            placed.slug
        )),
    );
    let policy = module.regional("route53_query_logging");
    if module.first_time(&policy) {
        module.add(
            "edge.tf",
            &resource("aws_cloudwatch_log_resource_policy", &policy)
                .add_attribute(("policy_name", raw(r#""${var.environment}-route53-query-logging""#)))
                .add_attribute((
                    "policy_document",
                    raw(r#"jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "route53.amazonaws.com" }, Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "arn:aws:logs:us-east-1:*:log-group:/aws/route53/*" }] })"#),
                ))
                .build(),
        );
    }
    module.add(
        "edge.tf",
        &resource("aws_route53_query_log", name)
            .add_attribute((
                "cloudwatch_log_group_arn",
                raw(&format!("aws_cloudwatch_log_group.{log_group}.arn")),
            ))
            .add_attribute(("zone_id", raw(&format!("aws_route53_zone.{name}.zone_id"))))
            .add_attribute((
                "depends_on",
                list([raw(&format!("aws_cloudwatch_log_resource_policy.{policy}"))]),
            ))
            .build(),
    );
    module.enter_region(plan.region_of(placed), Some("aws"));
}
