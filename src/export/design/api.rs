//! The design document's "API contracts" section: every operation the model states, per
//! service and version, with how callers authenticate, whether a retry is safe, the rate
//! limit and who calls it; the versioning policy the operations follow; and the contract
//! file each export writes. It reads [`Contracts`], as the OpenAPI and proto exports do, so
//! the document states the contracts those files contain.

use super::content::{Block, Line, code, plain, strong, text};
use super::{Context, auth_label, heading, paragraph, sub_heading};
use crate::catalog::Trait;
use crate::contracts::{ApiOperation, ApiServer, Contracts, LimitSource, ServiceApi};
use crate::export::openapi;
use crate::export::proto;
use crate::model::ApiStyle;
use crate::rules::counted;

pub(super) fn api_contracts(cx: &Context<'_>, contracts: &Contracts<'_>, out: &mut Vec<Block>) {
    heading(out, 2, "API contracts");
    let operations: usize = contracts.apis.iter().map(|a| a.operations().count()).sum();
    let files: usize = contracts.apis.iter().map(|a| a.versions.len()).sum();
    let channels: usize = contracts.brokers.iter().map(|b| b.channels.len()).sum();
    if contracts.apis.is_empty() {
        paragraph(
            out,
            "The model states no API operations yet: add them to the HTTP and gRPC calls into each service (the inspector's Operations, or operations in the file) and the OpenAPI and Protocol Buffers exports write their contracts.",
        );
    } else {
        out.push(Block::Paragraph(vec![
            text(format!(
                "{} on {} in {} (",
                counted(operations, "operation"),
                counted(contracts.apis.len(), "API"),
                counted(files, "contract file"),
            )),
            code("archsmith export --format openapi"),
            text(" for HTTP, "),
            code("--format proto"),
            text(format!(
                " for gRPC); {} on {} (",
                counted(channels, "message channel"),
                counted(contracts.brokers.len(), "broker"),
            )),
            code("--format asyncapi"),
            text(", one document per broker, listed under Messaging)."),
        ]));
        versioning(contracts, out);
    }
    for api in &contracts.apis {
        service_api(cx, api, out);
    }
    if !contracts.unstated.is_empty() {
        let names: Vec<&str> = contracts.unstated.iter().map(|c| c.name.as_str()).collect();
        out.push(Block::Paragraph(vec![
            strong("Without a contract: "),
            text(format!(
                "callers reach {} over HTTP or gRPC, but the model states none of their operations: {}.",
                counted(names.len(), "service"),
                names.join(", ")
            )),
        ]));
    }
}

/// What the operations say about versions: where the version is written, which versions
/// are served side by side, and what is deprecated.
fn versioning(contracts: &Contracts<'_>, out: &mut Vec<Block>) {
    let http: Vec<(&ServiceApi<'_>, &str, &ApiOperation<'_>)> = contracts
        .apis
        .iter()
        .filter(|a| a.style == ApiStyle::Http)
        .flat_map(|a| {
            a.versions
                .iter()
                .flat_map(move |v| v.operations.iter().map(move |o| (a, v.version, o)))
        })
        .collect();
    let mut lines: Vec<Line> = Vec::new();
    if !http.is_empty() {
        let versioned = http.iter().filter(|(_, v, _)| !v.is_empty()).count();
        let in_path: Vec<_> = http
            .iter()
            .filter(|(_, v, o)| {
                !v.is_empty() && o.operation.path.split('/').any(|segment| segment == *v)
            })
            .collect();
        lines.push(plain(format!(
            "HTTP: {versioned} of {} operations belong to a stated version, {} of them with the version as a segment of the path; each version has its own OpenAPI file, so a new version is a new contract and the old one is served until its callers have moved.",
            http.len(),
            in_path.len()
        )));
        let unversioned: Vec<String> = http
            .iter()
            .filter(|(_, v, _)| v.is_empty())
            .map(|(a, _, o)| format!("{} ({})", o.operation.signature(), a.service.name))
            .collect();
        if !unversioned.is_empty() {
            lines.push(plain(format!(
                "Unversioned (the operation states no version, nor its service an API version): {}.",
                unversioned.join(", ")
            )));
        }
    }
    let side_by_side: Vec<String> = contracts
        .apis
        .iter()
        .filter(|a| a.versions.len() > 1)
        .map(|a| {
            let versions: Vec<&str> = a.versions.iter().map(|v| v.version).collect();
            format!("{} ({})", a.service.name, versions.join(", "))
        })
        .collect();
    if !side_by_side.is_empty() {
        lines.push(plain(format!(
            "Versions served side by side: {}.",
            side_by_side.join("; ")
        )));
    }
    let deprecated: Vec<String> = contracts
        .apis
        .iter()
        .flat_map(|a| {
            a.operations()
                .filter(|o| o.operation.deprecated)
                .map(move |o| format!("{} ({})", o.operation.signature(), a.service.name))
        })
        .collect();
    lines.push(plain(if deprecated.is_empty() {
        "Deprecated: none.".to_owned()
    } else {
        format!(
            "Deprecated, still served and marked so in the contracts: {}.",
            deprecated.join(", ")
        )
    }));
    out.push(Block::Paragraph(vec![
        strong("Versioning."),
        text(" What the operations say about their versions:"),
    ]));
    out.push(Block::List(lines));
}

fn service_api(cx: &Context<'_>, api: &ServiceApi<'_>, out: &mut Vec<Block>) {
    for version in &api.versions {
        let (style, file) = match api.style {
            ApiStyle::Http => (
                "HTTP".to_owned(),
                format!(
                    "openapi/{}",
                    openapi::file_name(api.service.id.as_str(), version.version, "yaml")
                ),
            ),
            ApiStyle::Rpc => (
                match api.rpc_service {
                    Some(name) => format!("gRPC {name}"),
                    None => "gRPC".to_owned(),
                },
                format!("proto/{}", proto::proto_file_path(cx.doc, api, version)),
            ),
        };
        let version_label = if version.version.is_empty() {
            String::new()
        } else {
            format!(", {}", version.version)
        };
        sub_heading(
            out,
            format!("{} ({style}{version_label})", cx.heading_name(api.service)),
        );
        let mut intro = vec![text("Contract: "), code(file), text(".")];
        for (index, reached) in api.servers.iter().map(server).enumerate() {
            intro.push(text(if index == 0 { " Reached " } else { "; " }));
            intro.extend(reached);
        }
        if !api.servers.is_empty() {
            intro.push(text("."));
        }
        out.push(Block::Paragraph(intro));
        // The clients and outside systems that call the public entries in front of it.
        let mut clients: Vec<&str> = api
            .servers
            .iter()
            .filter(|s| s.public)
            .flat_map(|s| {
                cx.graph
                    .neighbours(s.entry, petgraph::Direction::Incoming, None)
                    .into_iter()
                    .filter(|c| cx.has(c, Trait::Client) || cx.has(c, Trait::External))
            })
            .map(|c| c.name.as_str())
            .collect();
        clients.sort_unstable();
        clients.dedup();
        let rows = version
            .operations
            .iter()
            .map(|o| operation_row(cx, o, &clients))
            .collect();
        out.push(Block::Table {
            header: vec![
                "Operation",
                "Request → response",
                "Auth",
                "Safe to retry",
                "Rate limit",
                "Callers",
            ],
            rows,
        });
    }
}

/// Where callers reach the API, as inline pieces: URLs are code, so no renderer links them.
fn server(server: &ApiServer<'_>) -> Line {
    let mut line = vec![text(if server.public {
        "publicly at "
    } else {
        "inside the network at "
    })];
    match &server.url {
        Some(url) => line.push(code(url.clone())),
        None => line.push(text(format!(
            "{}'s host name (the model states no domain)",
            server.entry.name
        ))),
    }
    if server.public {
        let mut route: Vec<&str> = vec![server.entry.name.as_str()];
        route.extend(server.via.iter().map(|c| c.name.as_str()));
        line.push(text(format!(" through {}", route.join(" → "))));
    } else {
        let callers: Vec<&str> = server.callers.iter().map(|c| c.name.as_str()).collect();
        line.push(text(format!(" by {}", callers.join(", "))));
    }
    line
}

fn operation_row(
    cx: &Context<'_>,
    api_operation: &ApiOperation<'_>,
    clients: &[&str],
) -> Vec<Line> {
    let operation = api_operation.operation;
    let mut name = vec![text(operation.signature())];
    if operation.method.is_some() {
        name.push(text(format!(" ({})", operation.name)));
    }
    if operation.deprecated {
        name.push(text(" "));
        name.push(strong("deprecated"));
    }
    if !operation.summary.is_empty() {
        name.push(text(format!(": {}", operation.summary)));
    }
    let schema = |s: &str| {
        if s.is_empty() {
            "-".to_owned()
        } else {
            s.to_owned()
        }
    };
    let exchange = match operation.method {
        Some(_) => format!(
            "{} → {} {}",
            schema(&operation.request),
            operation.success_status(),
            if operation.response.is_empty() {
                "(no content)".to_owned()
            } else {
                operation.response.clone()
            }
        ),
        None => format!(
            "{} → {}",
            schema(&operation.request),
            schema(&operation.response)
        ),
    };
    let mut auth = auth_label(api_operation.auth).to_owned();
    if let Some(issuer) = api_operation.issuer {
        auth.push_str(&format!(", issued by {}", issuer.name));
    }
    if let Some(entry) = api_operation.checked_at {
        auth.push_str(&format!(", checked at {}", entry.name));
    }
    let retry = match operation.method {
        _ if operation.idempotency_key => "yes: idempotency key".to_owned(),
        Some(method) if method.is_idempotent() => format!("yes ({})", method.as_str()),
        _ if operation.idempotent => "yes (idempotent)".to_owned(),
        _ => "no: not idempotent, no idempotency key".to_owned(),
    };
    let limit = api_operation.rate_limit.map_or_else(
        || "none".to_owned(),
        |limit| match limit.set_on {
            LimitSource::Operation => format!("{}/s per caller", limit.rps),
            LimitSource::Route(_) => format!("{}/s on the route", limit.rps),
            LimitSource::Entry(entry) => format!("{}/s at {} (all callers)", limit.rps, entry.name),
        },
    );
    let mut callers: Vec<String> = api_operation
        .routes
        .iter()
        .map(|r| cx.name_of(r.from.as_str()))
        .collect();
    callers.dedup();
    // A route from a router stands for the clients in front of it: name them, since they
    // are who the contract is written for.
    if !clients.is_empty()
        && api_operation.routes.iter().any(|r| {
            cx.doc
                .component(r.from.as_str())
                .is_some_and(|c| cx.graph.is_router(c))
        })
    {
        callers.push(format!("for {}", clients.join(", ")));
    }
    vec![
        name,
        plain(exchange),
        plain(auth),
        plain(retry),
        plain(limit),
        plain(callers.join(", ")),
    ]
}
