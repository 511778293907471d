//! OpenAPI 3.1: one document per HTTP service and API version (`posts-svc.v2.yaml`), from
//! the operations on the connections into it (see [`crate::contracts`]): paths with their
//! parameters, request and response schemas by name, the `Idempotency-Key` header where the
//! model asks for one, security schemes from the calls' authentication (or the gateway that
//! checks it), rate limits with their 429 answer, and the public entry points as servers.
//!
//! User text reaches YAML strings only through the serialiser, and Markdown descriptions
//! through [`escape_markdown`], so a name cannot add structure to either.

use std::collections::BTreeMap;

use oas3::Map;
use oas3::spec::{
    Components, Header, Info, MediaType, ObjectOrReference, ObjectSchema,
    Operation as OasOperation, Parameter, ParameterIn, PathItem, RequestBody, Response, Schema,
    SecurityRequirement, SecurityScheme, Server, ServerVariable, Spec,
};
use oas3::spec::{SchemaType as Type, SchemaTypeSet as TypeSet};
use serde_json::json;

use super::listing::{Listed, readme};
use super::{
    ExportError, ExportOptions, Exported, Exporter, Format, Output, escape_markdown, generated_yaml,
};
use crate::catalog::Catalog;
use crate::contracts::{ApiOperation, ApiServer, ApiVersion, Contracts, LimitSource, ServiceApi};
use crate::graph::ArchGraph;
use crate::model::{ApiStyle, AuthMode, Document, HttpMethod};
use crate::rules::counted;

#[derive(Debug)]
pub struct OpenApiExporter;

const PROBLEM_JSON: &str = "application/problem+json";
const JSON: &str = "application/json";

impl Exporter for OpenApiExporter {
    fn format(&self) -> &'static Format {
        &Format {
            id: "openapi",
            label: "OpenAPI 3.1 (one per HTTP service)",
            extension: None,
        }
    }

    fn export_noted(
        &self,
        doc: &Document,
        catalog: &Catalog,
        _options: &ExportOptions,
    ) -> Result<Exported, ExportError> {
        let graph = ArchGraph::new(doc, catalog);
        let contracts = Contracts::new(&graph);
        let mut files = BTreeMap::new();
        let mut notes = Vec::new();
        let mut listed = Vec::new();
        for api in contracts.apis.iter().filter(|a| a.style == ApiStyle::Http) {
            for version in &api.versions {
                let spec = document(doc, api, version);
                let file = file_name(api.service.id.as_str(), version.version, "yaml");
                listed.push(Listed {
                    file: file.clone(),
                    of: api.service.name.clone(),
                    version: version.version.to_owned(),
                    holds: counted(version.operations.len(), "operation"),
                });
                files.insert(file, generated_yaml("openapi", &without_nulls(&spec)?)?);
            }
            for (connection, operation) in &api.conflicts {
                notes.push(format!(
                    "{}: operation `{}` on `{}` differs from its first definition and is left out",
                    api.service.name, operation.name, connection.id
                ));
            }
        }
        // Services with no stated operation in any style (by construction of `unstated`).
        let unstated: Vec<&str> = contracts.unstated.iter().map(|s| s.name.as_str()).collect();
        if !unstated.is_empty() {
            notes.push(format!(
                "no contract for {} service(s) whose callers state no operations: {}",
                unstated.len(),
                unstated.join(", ")
            ));
        }
        files.insert(
            "README.md".to_owned(),
            readme(
                "OpenAPI contracts",
                &doc.meta.name,
                "Contract of",
                &listed,
                &notes,
            ),
        );
        Ok(Exported {
            output: Output::Folder(files),
            notes,
        })
    }
}

/// `posts-svc.v2.yaml`, or `posts-svc.yaml` for an unversioned API.
pub(crate) fn file_name(service: &str, version: &str, extension: &str) -> String {
    if version.is_empty() {
        format!("{service}.{extension}")
    } else {
        format!("{service}.{version}.{extension}")
    }
}

fn document(doc: &Document, api: &ServiceApi<'_>, version: &ApiVersion<'_>) -> Spec {
    let service = api.service;
    let mut description = String::new();
    if !service.description.is_empty() {
        description.push_str(&escape_markdown(&service.description));
        description.push_str("\n\n");
    }
    description.push_str(&format!(
        "The API of {} as the model *{}* states it.",
        escape_markdown(&service.name),
        escape_markdown(&doc.meta.name)
    ));
    if api.versions.len() > 1 {
        let others: Vec<&str> = api
            .versions
            .iter()
            .map(|v| v.version)
            .filter(|v| *v != version.version)
            .collect();
        description.push_str(&format!(
            " Other versions served alongside: {}.",
            escape_markdown(&others.join(", "))
        ));
    }
    let mut extensions = Map::new();
    extensions.insert("archsmith-component".to_owned(), json!(service.id.as_str()));
    let mut paths: Map<String, PathItem> = Map::new();
    let mut schemas = Schemas::default();
    let mut security = SecuritySchemes::default();
    for operation in &version.operations {
        let Some(method) = operation.operation.method else {
            continue;
        };
        let built = operation_object(operation, &mut schemas, &mut security);
        let item = match paths.get_mut(&operation.operation.path) {
            Some(item) => item,
            None => {
                paths.insert(operation.operation.path.clone(), PathItem::default());
                paths
                    .get_mut(&operation.operation.path)
                    .expect("inserted above")
            }
        };
        let slot = match method {
            HttpMethod::Get => &mut item.get,
            HttpMethod::Post => &mut item.post,
            HttpMethod::Put => &mut item.put,
            HttpMethod::Patch => &mut item.patch,
            HttpMethod::Delete => &mut item.delete,
            HttpMethod::Head => &mut item.head,
            HttpMethod::Options => &mut item.options,
        };
        *slot = Some(built);
    }
    Spec {
        openapi: "3.1.0".to_owned(),
        info: Info {
            title: format!("{} API", service.name),
            summary: None,
            description: Some(description),
            terms_of_service: None,
            version: if version.version.is_empty() {
                "unversioned".to_owned()
            } else {
                version.version.to_owned()
            },
            contact: None,
            license: None,
            extensions,
        },
        servers: api.servers.iter().map(server).collect(),
        paths: Some(paths),
        components: Some(components(&schemas, security)),
        security: Vec::new(),
        tags: Vec::new(),
        webhooks: Map::new(),
        external_docs: None,
        extensions: Map::new(),
    }
}

fn server(server: &ApiServer<'_>) -> Server {
    let route: Vec<&str> = std::iter::once(server.entry.name.as_str())
        .chain(server.via.iter().map(|c| c.name.as_str()))
        .collect();
    let description = if server.public {
        format!("Public, through {}", escape_markdown(&route.join(" → ")))
    } else {
        let callers: Vec<&str> = server.callers.iter().map(|c| c.name.as_str()).collect();
        format!(
            "Inside the network, called directly by {}",
            escape_markdown(&callers.join(", "))
        )
    };
    match &server.url {
        Some(url) => Server {
            url: url.clone(),
            description: Some(description),
            variables: Map::new(),
            extensions: Map::new(),
        },
        None => {
            let mut variables = Map::new();
            variables.insert(
                "host".to_owned(),
                ServerVariable {
                    default: server.entry.id.to_string(),
                    substitutions_enum: Vec::new(),
                    description: Some(format!(
                        "The public host name of {}: the model states no `domain` for it",
                        escape_markdown(&server.entry.name)
                    )),
                    extensions: Map::new(),
                },
            );
            Server {
                url: "https://{host}".to_owned(),
                description: Some(description),
                variables,
                extensions: Map::new(),
            }
        }
    }
}

/// The schemas and shared responses a document refers to, collected as operations use them.
#[derive(Default)]
struct Schemas {
    named: Vec<String>,
    unauthorized: bool,
    rate_limited: bool,
}

impl Schemas {
    fn reference(&mut self, name: &str) -> Schema {
        if !self.named.iter().any(|n| n == name) {
            self.named.push(name.to_owned());
        }
        schema_ref(&format!("#/components/schemas/{name}"))
    }
}

fn schema_ref(path: &str) -> Schema {
    Schema::Object(Box::new(ObjectOrReference::Ref {
        ref_path: path.to_owned(),
        summary: None,
        description: None,
    }))
}

fn response_ref(name: &str) -> ObjectOrReference<Response> {
    ObjectOrReference::Ref {
        ref_path: format!("#/components/responses/{name}"),
        summary: None,
        description: None,
    }
}

fn typed(ty: Type) -> ObjectSchema {
    ObjectSchema {
        schema_type: Some(TypeSet::Single(ty)),
        ..ObjectSchema::default()
    }
}

fn inline(schema: ObjectSchema) -> Schema {
    Schema::Object(Box::new(ObjectOrReference::Object(schema)))
}

/// The security schemes a document uses, by name, with what the model says about them.
#[derive(Default)]
struct SecuritySchemes {
    used: Vec<(&'static str, SecurityScheme)>,
}

impl SecuritySchemes {
    /// The requirement for an operation authenticated this way, recording its scheme.
    fn require(&mut self, operation: &ApiOperation<'_>) -> Option<SecurityRequirement> {
        let (name, scheme) = security_scheme(operation)?;
        if !self.used.iter().any(|(n, _)| *n == name) {
            self.used.push((name, scheme));
        }
        let mut requirement = Map::new();
        requirement.insert(name.to_owned(), Vec::new());
        Some(SecurityRequirement(requirement))
    }
}

fn security_scheme(operation: &ApiOperation<'_>) -> Option<(&'static str, SecurityScheme)> {
    let mut said = Vec::new();
    if let Some(issuer) = operation.issuer {
        said.push(format!("issued by {}", escape_markdown(&issuer.name)));
    }
    if let Some(entry) = operation.checked_at {
        said.push(format!("checked at {}", escape_markdown(&entry.name)));
    }
    let describe = |what: &str| {
        Some(if said.is_empty() {
            what.to_owned()
        } else {
            format!("{what}, {}", said.join(", "))
        })
    };
    Some(match operation.auth {
        AuthMode::None => return None,
        AuthMode::Jwt => (
            "bearerJwt",
            SecurityScheme::Http {
                description: describe("JSON Web Tokens"),
                scheme: "bearer".to_owned(),
                bearer_format: Some("JWT".to_owned()),
            },
        ),
        AuthMode::Oauth2 => (
            "oauth2Bearer",
            SecurityScheme::Http {
                description: describe("OAuth 2 access tokens"),
                scheme: "bearer".to_owned(),
                bearer_format: None,
            },
        ),
        AuthMode::ApiKey => (
            "apiKey",
            SecurityScheme::ApiKey {
                description: describe("API keys"),
                name: "X-API-Key".to_owned(),
                location: "header".to_owned(),
            },
        ),
        AuthMode::Basic => (
            "basic",
            SecurityScheme::Http {
                description: describe("HTTP basic authentication"),
                scheme: "basic".to_owned(),
                bearer_format: None,
            },
        ),
        AuthMode::Mtls => (
            "mutualTls",
            SecurityScheme::MutualTls {
                description: describe("Client certificates (mutual TLS)"),
            },
        ),
        AuthMode::Iam => (
            "cloudIam",
            SecurityScheme::Http {
                description: describe("Cloud IAM identity tokens"),
                scheme: "bearer".to_owned(),
                bearer_format: None,
            },
        ),
    })
}

/// The document as JSON values without `null` members: oas3 writes an absent optional
/// field (a basic scheme's `bearerFormat`) as `null`, which OpenAPI's schema refuses.
fn without_nulls(spec: &Spec) -> Result<serde_json::Value, ExportError> {
    fn prune(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(members) => {
                members.retain(|_, member| !member.is_null());
                members.values_mut().for_each(prune);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(prune),
            _ => {}
        }
    }
    let mut value = serde_json::to_value(spec).map_err(|e| ExportError::Encode {
        format: "openapi",
        message: e.to_string(),
    })?;
    prune(&mut value);
    Ok(value)
}

fn operation_object(
    api_operation: &ApiOperation<'_>,
    schemas: &mut Schemas,
    security: &mut SecuritySchemes,
) -> OasOperation {
    let operation = api_operation.operation;
    let mut parameters: Vec<ObjectOrReference<Parameter>> = operation
        .path_parameters()
        .map(|name| {
            ObjectOrReference::Object(Parameter {
                name: name.to_owned(),
                location: ParameterIn::Path,
                description: None,
                required: Some(true),
                deprecated: None,
                allow_empty_value: None,
                style: None,
                explode: None,
                allow_reserved: None,
                schema: Some(inline(typed(Type::String))),
                example: None,
                examples: Map::new(),
                content: None,
                extensions: Map::new(),
            })
        })
        .collect();
    if operation.idempotency_key {
        parameters.push(ObjectOrReference::Object(Parameter {
            name: "Idempotency-Key".to_owned(),
            location: ParameterIn::Header,
            description: Some(
                "A key the client makes once per logical request and repeats on retries, so the request takes effect once".to_owned(),
            ),
            required: Some(true),
            deprecated: None,
            allow_empty_value: None,
            style: None,
            explode: None,
            allow_reserved: None,
            schema: Some(inline(ObjectSchema {
                max_length: Some(255),
                min_length: Some(1),
                ..typed(Type::String)
            })),
            example: None,
            examples: Map::new(),
            content: None,
            extensions: Map::new(),
        }));
    }
    let request_body = (!operation.request.is_empty()).then(|| {
        let mut content = Map::new();
        content.insert(
            JSON.to_owned(),
            MediaType {
                schema: Some(schemas.reference(&operation.request)),
                ..MediaType::default()
            },
        );
        ObjectOrReference::Object(RequestBody {
            description: None,
            content,
            required: Some(true),
        })
    });
    let mut responses: Map<String, ObjectOrReference<Response>> = Map::new();
    let mut success = Response {
        description: Some(success_description(operation.success_status()).to_owned()),
        ..Response::default()
    };
    if !operation.response.is_empty() {
        success.content.insert(
            JSON.to_owned(),
            MediaType {
                schema: Some(schemas.reference(&operation.response)),
                ..MediaType::default()
            },
        );
    }
    responses.insert(
        operation.success_status().to_string(),
        ObjectOrReference::Object(success),
    );
    let requirement = security.require(api_operation);
    if requirement.is_some() {
        schemas.unauthorized = true;
        responses.insert("401".to_owned(), response_ref("Unauthorized"));
    }
    let mut extensions = Map::new();
    if let Some(limit) = &api_operation.rate_limit {
        schemas.rate_limited = true;
        responses.insert("429".to_owned(), response_ref("TooManyRequests"));
        let scope = match limit.set_on {
            LimitSource::Operation => "each caller".to_owned(),
            LimitSource::Route(route) => format!("all callers on the route `{}`", route.id),
            LimitSource::Entry(entry) => format!("every request through {}", entry.name),
        };
        extensions.insert(
            "rate-limit".to_owned(),
            json!({ "requests-per-second": limit.rps, "applies-to": scope }),
        );
    }
    responses.insert("default".to_owned(), response_ref("Problem"));
    extensions.insert(
        "archsmith-routes".to_owned(),
        json!(
            api_operation
                .routes
                .iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>()
        ),
    );
    OasOperation {
        summary: (!operation.summary.is_empty()).then(|| operation.summary.clone()),
        operation_id: Some(operation.name.clone()),
        parameters,
        request_body,
        responses: Some(responses),
        deprecated: operation.deprecated.then_some(true),
        security: requirement.into_iter().collect(),
        extensions,
        ..OasOperation::default()
    }
}

fn success_description(status: u16) -> &'static str {
    match status {
        201 => "Created",
        202 => "Accepted",
        204 => "No content",
        300..=399 => "Redirect",
        _ => "OK",
    }
}

fn components(schemas: &Schemas, security: SecuritySchemes) -> Components {
    let mut components = Components::default();
    for name in &schemas.named {
        components.schemas.insert(
            name.clone(),
            inline(ObjectSchema {
                title: Some(name.clone()),
                description: Some(
                    "Named by the model; its fields belong to the team that owns the service."
                        .to_owned(),
                ),
                ..typed(Type::Object)
            }),
        );
    }
    let mut problem = typed(Type::Object);
    problem.description =
        Some("An error, as RFC 9457 (Problem Details for HTTP APIs) writes it.".to_owned());
    for (field, ty) in [
        ("type", Type::String),
        ("title", Type::String),
        ("status", Type::Integer),
        ("detail", Type::String),
        ("instance", Type::String),
    ] {
        problem
            .properties
            .insert(field.to_owned(), inline(typed(ty)));
    }
    problem.required = vec!["title".to_owned(), "status".to_owned()];
    components
        .schemas
        .insert("Problem".to_owned(), inline(problem));
    let problem_response = |description: &str, headers: Map<String, ObjectOrReference<Header>>| {
        let mut content = Map::new();
        content.insert(
            PROBLEM_JSON.to_owned(),
            MediaType {
                schema: Some(schema_ref("#/components/schemas/Problem")),
                ..MediaType::default()
            },
        );
        ObjectOrReference::Object(Response {
            description: Some(description.to_owned()),
            headers,
            content,
            ..Response::default()
        })
    };
    components.responses.insert(
        "Problem".to_owned(),
        problem_response("An error", Map::new()),
    );
    if schemas.unauthorized {
        components.responses.insert(
            "Unauthorized".to_owned(),
            problem_response("The credentials are missing or not valid", Map::new()),
        );
    }
    if schemas.rate_limited {
        let mut headers = Map::new();
        headers.insert(
            "Retry-After".to_owned(),
            ObjectOrReference::Object(Header {
                description: Some("Seconds to wait before trying again".to_owned()),
                schema: Some(inline(typed(Type::Integer))),
                ..Header::default()
            }),
        );
        components.responses.insert(
            "TooManyRequests".to_owned(),
            problem_response("Over the rate limit", headers),
        );
    }
    for (name, scheme) in security.used {
        components
            .security_schemes
            .insert(name.to_owned(), ObjectOrReference::Object(scheme));
    }
    components
}
