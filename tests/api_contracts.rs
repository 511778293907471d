//! API contracts from the model: operations on calls into services, checked when loaded and
//! edited, written as OpenAPI, AsyncAPI and Protocol Buffers, and stated by the design
//! document with the same numbers the contract files hold.

use std::collections::BTreeMap;

use archsmith::catalog::Catalog;
use archsmith::edit::{ConnectionField, EditOp};
use archsmith::export::{ExportOptions, Output, find_exporter};
use archsmith::model::{ConnectionId, Document, HttpMethod, Operation};
use archsmith::{format, samples};

fn sample_text(name: &str) -> &'static str {
    samples::samples()
        .iter()
        .find(|s| s.name == name)
        .expect("sample exists")
        .text
}

fn load(text: &str) -> Document {
    format::from_str(text, "model.ron", Catalog::builtin()).expect("loads")
}

fn folder(doc: &Document, format_id: &str) -> BTreeMap<String, String> {
    let exporter = find_exporter(format_id).expect("exporter");
    match exporter
        .export(doc, Catalog::builtin(), &ExportOptions::default())
        .expect("exports")
    {
        Output::Folder(files) => files
            .into_iter()
            .map(|(name, bytes)| (name, String::from_utf8(bytes).expect("utf-8")))
            .collect(),
        Output::File(_) => panic!("{format_id} writes a folder"),
    }
}

fn openapi(files: &BTreeMap<String, String>, name: &str) -> oas3::Spec {
    serde_yaml_ng::from_str(
        files
            .get(name)
            .unwrap_or_else(|| panic!("{name} in {files:?}")),
    )
    .expect("an OpenAPI document oas3 reads")
}

#[test]
fn the_social_api_states_its_versioned_rest_operations_end_to_end() {
    let doc = load(sample_text("social-api"));
    let files = folder(&doc, "openapi");
    assert_eq!(
        files.keys().collect::<Vec<_>>(),
        [
            "README.md",
            "media-svc.v2.yaml",
            "posts-svc.v2.yaml",
            "timeline-svc.v2.yaml",
            "users-svc.v2.yaml"
        ]
    );
    let posts = openapi(&files, "posts-svc.v2.yaml");
    assert_eq!(posts.openapi, "3.1.0");
    assert_eq!(posts.info.version, "v2");
    assert_eq!(
        posts.servers[0].url, "https://api.chirp.example",
        "the LB's domain"
    );
    let create = posts.operation_by_id("createPost").expect("createPost");
    assert!(
        create.parameters.iter().any(
            |p| matches!(p, oas3::spec::ObjectOrReference::Object(p) if p.name == "Idempotency-Key")
        ),
        "the idempotency key is a header"
    );
    let responses = create.responses.as_ref().expect("responses");
    for status in ["201", "401", "429", "default"] {
        assert!(responses.contains_key(status), "{status} in {responses:?}");
    }
    assert_eq!(
        create.extensions.get("rate-limit"),
        Some(&serde_json::json!({"requests-per-second": 5, "applies-to": "each caller"}))
    );
    let scheme = posts
        .components
        .as_ref()
        .and_then(|c| c.security_schemes.get("bearerJwt"))
        .expect("the JWT scheme");
    let scheme = serde_json::to_value(scheme).expect("json");
    assert_eq!(scheme["bearerFormat"], "JWT");
    assert!(
        scheme["description"]
            .as_str()
            .is_some_and(|d| d.contains("issued by Identity Platform")),
        "{scheme}"
    );
    // Path parameters are declared, so the document validates.
    let get = posts.operation_by_id("getPost").expect("getPost");
    assert_eq!(get.parameters.len(), 1);

    let users = openapi(&files, "users-svc.v2.yaml");
    let legacy = users.operation_by_id("getUserByHandle").expect("legacy");
    assert_eq!(legacy.deprecated, Some(true));

    // The design document states the same operations, with the contract file.
    let design = folder(&doc, "markdown");
    let text = &design["design.md"];
    assert!(text.contains("## API contracts"));
    assert!(text.contains("Contract: `openapi/posts-svc.v2.yaml`"));
    assert!(text.contains(
        "| POST /v2/posts (createPost): Publish a post | NewPost → 201 Post | JWT, issued by Identity Platform | yes: idempotency key | 5/s per caller | API gateway, for Chirp apps, chirp.example |"
    ));
    assert!(text.contains("GET /v2/users/by-handle/\\{handle\\} (Users service)"));
}

/// Every count the design document prints about the contracts is the count in the files
/// the contract exports write.
#[test]
fn the_design_document_counts_what_the_contract_files_hold() {
    for sample in samples::samples() {
        let doc = load(sample.text);
        let openapi_files = folder(&doc, "openapi");
        let proto_files = folder(&doc, "proto");
        let asyncapi_files = folder(&doc, "asyncapi");
        let http_operations: usize = openapi_files
            .iter()
            .filter(|(name, _)| name.ends_with(".yaml"))
            .map(|(name, _)| {
                let spec = openapi(&openapi_files, name);
                spec.operations().count()
            })
            .sum();
        let rpcs: usize = proto_files
            .values()
            .map(|text| {
                text.lines()
                    .filter(|l| l.trim_start().starts_with("rpc "))
                    .count()
            })
            .sum();
        let contract_files = openapi_files
            .keys()
            .filter(|n| n.ends_with(".yaml"))
            .count()
            + proto_files.keys().filter(|n| n.ends_with(".proto")).count();
        let channels: usize = asyncapi_files
            .iter()
            .filter(|(name, _)| name.ends_with(".yaml"))
            .map(|(_, text)| {
                let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).expect("yaml");
                value["channels"].as_mapping().map_or(0, |m| m.len())
            })
            .sum();
        let brokers = asyncapi_files
            .keys()
            .filter(|n| n.ends_with(".yaml"))
            .count();
        let design = folder(&doc, "markdown");
        let text = &design["design.md"];
        let section = text
            .split("## API contracts")
            .nth(1)
            .and_then(|rest| rest.split("\n## ").next())
            .expect("the section");
        let operations = http_operations + rpcs;
        if operations == 0 {
            assert!(
                section.contains("states no API operations"),
                "{}",
                sample.name
            );
            continue;
        }
        let plural = |n: usize, noun: &str| {
            if n == 1 {
                format!("1 {noun}")
            } else {
                format!("{n} {noun}s")
            }
        };
        let expected = format!(
            "{} on {} in {}",
            plural(operations, "operation"),
            plural(apis(&openapi_files) + apis(&proto_files), "API"),
            plural(contract_files, "contract file")
        );
        assert!(
            section.contains(&expected),
            "{}: {expected} in {section}",
            sample.name
        );
        let expected = format!(
            "{} on {}",
            plural(channels, "message channel"),
            plural(brokers, "broker")
        );
        assert!(section.contains(&expected), "{}: {expected}", sample.name);
        // One row per operation in the section's tables.
        let rows = section
            .lines()
            .filter(|l| {
                l.starts_with("| ") && !l.starts_with("| Operation") && !l.starts_with("| ---")
            })
            .count();
        assert_eq!(rows, operations, "{}", sample.name);
    }
}

/// The services a contract folder's README lists files for: one API each, whatever its
/// number of versions.
fn apis(files: &BTreeMap<String, String>) -> usize {
    let mut services: Vec<&str> = files["README.md"]
        .lines()
        .filter(|l| l.starts_with("| `"))
        .filter_map(|l| l.split(" | ").nth(1))
        .collect();
    services.sort_unstable();
    services.dedup();
    services.len()
}

/// A service that checks its callers' tokens itself (its own `auth` connection to the
/// identity provider) states them in its contract, though the hop in carries none.
#[test]
fn a_service_that_validates_tokens_requires_them_in_its_contract() {
    let doc = load(sample_text("ecommerce"));
    let files = folder(&doc, "openapi");
    let bff = openapi(&files, "storefront-bff.v1.yaml");
    let order = bff.operation_by_id("placeOrder").expect("placeOrder");
    assert_eq!(order.security.len(), 1, "{:?}", order.security);
    assert_eq!(bff.servers[0].url, "https://shop.example.com");
    let asyncapi = folder(&doc, "asyncapi");
    assert!(
        !asyncapi["order-events.yaml"].contains("x-acks: leader"),
        "defaults are not stated"
    );
}

#[test]
fn only_token_auth_names_who_issued_the_token() {
    let text = sample_text("social-api").replace(
        r#"(name: "getPost", method: get,"#,
        r#"(name: "getPost", auth: basic, method: get,"#,
    );
    let doc = load(&text);
    let design = folder(&doc, "markdown");
    let row = |name: &str| {
        design["design.md"]
            .lines()
            .find(|l| l.contains(&format!("({name})")))
            .unwrap_or_else(|| panic!("a row for {name}"))
            .to_owned()
    };
    assert!(row("createPost").contains("JWT, issued by Identity Platform"));
    let get = row("getPost");
    assert!(!get.contains("issued by"), "{get}");
    // A basic scheme has no bearer format, and OpenAPI refuses a null one.
    let files = folder(&doc, "openapi");
    for (file, text) in &files {
        assert!(!text.contains(": null"), "{file}: {text}");
    }
    assert!(files.values().any(|t| t.contains("scheme: basic")));
}

#[test]
fn brokers_become_asyncapi_with_a_channel_per_topic_and_an_operation_per_flow() {
    let doc = load(sample_text("ecommerce"));
    let files = folder(&doc, "asyncapi");
    let text = files.get("order-events.yaml").expect("the MSK cluster");
    let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).expect("yaml");
    assert_eq!(value["asyncapi"], "3.0.0");
    assert_eq!(
        value["servers"]["order-events"]["protocol"], "kafka-secure",
        "every flow uses TLS"
    );
    let channels = value["channels"].as_mapping().expect("channels");
    let names: Vec<&str> = channels.keys().filter_map(|k| k.as_str()).collect();
    assert_eq!(names, ["orders.placed", "orders.placed.dlq"]);
    assert_eq!(
        value["channels"]["orders.placed"]["x-dead-letter"],
        "orders.placed.dlq"
    );
    let operations = value["operations"].as_mapping().expect("operations");
    let actions: BTreeMap<&str, &str> = operations
        .iter()
        .filter_map(|(k, v)| Some((k.as_str()?, v["action"].as_str()?)))
        .collect();
    assert_eq!(
        actions.get("orders-svc-order-events"),
        Some(&"send"),
        "{actions:?}"
    );
    assert_eq!(
        actions.values().filter(|a| **a == "receive").count(),
        2,
        "inventory and notification workers: {actions:?}"
    );
    // A GCP model speaks Pub/Sub to an SQS-like queue: the protocol follows the cloud.
    let social = load(sample_text("social-api"));
    let files = folder(&social, "asyncapi");
    assert!(files["post-events.yaml"].contains("protocol: googlepubsub"));
}

#[test]
fn grpc_services_get_a_proto_in_the_package_their_callers_name() {
    let doc = load(sample_text("ecommerce"));
    let files = folder(&doc, "proto");
    let cart = files
        .get("shop/cart/v1/carts.proto")
        .expect("the cart service");
    assert!(cart.contains("package shop.cart.v1;"));
    assert!(cart.contains("service Carts {"));
    // Operations two callers share appear once; a missing response is Empty.
    assert_eq!(cart.matches("rpc GetCart(").count(), 1);
    assert!(cart.contains(
        "  rpc ClearCart(ClearCartRequest) returns (google.protobuf.Empty) {\n    option idempotency_level = IDEMPOTENT;\n  }"
    ));
    assert!(cart.contains("import \"google/protobuf/empty.proto\";"));
    assert!(
        files["README.md"].contains("| `shop/cart/v1/carts.proto` | Cart service | v1 | 4 rpcs |")
    );
}

#[test]
fn two_versions_of_an_api_are_two_contracts() {
    let text = r#"(version: 2, meta: (name: "Shop"),
        components: [
            (id: "api", kind: "service-go", name: "Orders", position: (x: 0.0, y: 0.0), properties: {"api_version": "v2"}),
            (id: "web", kind: "web-client", name: "Web", position: (x: 0.0, y: 200.0)),
        ],
        connections: [
            (id: "web-api", from: "web", to: "api", kind: "http", tls: true, auth: jwt, operations: [
                (name: "getOrder", method: get, path: "/v2/orders/{id}", response: "Order"),
                (name: "getOrderV1", method: get, path: "/v1/orders/{id}", response: "OrderV1", version: "v1", deprecated: true),
            ]),
        ])"#;
    let doc = load(text);
    let files = folder(&doc, "openapi");
    let v1 = openapi(&files, "api.v1.yaml");
    let v2 = openapi(&files, "api.v2.yaml");
    assert!(v1.operation_by_id("getOrderV1").is_some());
    assert!(v1.operation_by_id("getOrder").is_none());
    assert!(v2.operation_by_id("getOrder").is_some());
    assert!(
        v2.info
            .description
            .as_deref()
            .is_some_and(|d| d.contains("Other versions served alongside: v1")),
    );
}

#[test]
fn malformed_operations_are_refused_with_their_place_in_the_file() {
    let cases = [
        (
            r#"operations: [(name: "get order", method: get, path: "/x")]"#,
            "must be an identifier",
        ),
        (
            r#"operations: [(name: "a", path: "/x")]"#,
            "needs a `method`",
        ),
        (
            r#"operations: [(name: "a", method: get, path: "x/{id")]"#,
            "must start with `/`",
        ),
        (
            r#"operations: [(name: "a", method: get, path: "/x/{id")]"#,
            "never closes",
        ),
        (
            r#"operations: [(name: "a", method: get, path: "/x"), (name: "b", method: get, path: "/x")]"#,
            "defined twice",
        ),
        (
            r#"operations: [(name: "a", method: get, path: "/x", status: 404)]"#,
            "status of success",
        ),
    ];
    for (operations, expected) in cases {
        let text = format!(
            r#"(version: 2, meta: (name: "Shop"),
    components: [
        (id: "api", kind: "service-go", name: "Orders", position: (x: 0.0, y: 0.0)),
        (id: "web", kind: "web-client", name: "Web", position: (x: 0.0, y: 200.0)),
    ],
    connections: [
        (id: "web-api", from: "web", to: "api", kind: "http",
            {operations}),
    ])"#
        );
        let error = format::from_str(&text, "model.ron", Catalog::builtin())
            .expect_err("refused")
            .to_string();
        assert!(error.contains(expected), "{expected} in {error}");
        assert!(
            error.contains("model.ron:8:"),
            "points at the connection: {error}"
        );
    }
    // A database query carries no operations.
    let text = r#"(version: 2, meta: (name: "Shop"),
    components: [
        (id: "api", kind: "service-go", name: "Orders", position: (x: 0.0, y: 0.0)),
        (id: "db", kind: "postgresql", name: "DB", position: (x: 0.0, y: 200.0)),
    ],
    connections: [
        (id: "api-db", from: "api", to: "db", kind: "db_query", operations: [(name: "a")]),
    ])"#;
    let error = format::from_str(text, "model.ron", Catalog::builtin())
        .expect_err("refused")
        .to_string();
    assert!(error.contains("carry no API operations"), "{error}");
}

#[test]
fn operations_are_edited_as_one_list_and_checked_like_a_loaded_file() {
    let catalog = Catalog::builtin();
    let mut doc = load(sample_text("social-api"));
    let id = ConnectionId::new("gateway-posts-svc").expect("id");
    let before = doc
        .connection("gateway-posts-svc")
        .expect("route")
        .operations
        .clone();
    let mut added = before.clone();
    let mut search = Operation::new("searchPosts");
    search.method = Some(HttpMethod::Get);
    search.path = "/v2/posts/search".to_owned();
    search.response = "PostPage".to_owned();
    added.push(search);
    let inverse = EditOp::SetConnectionField {
        id: id.clone(),
        field: ConnectionField::Operations(added),
    }
    .apply(&mut doc, catalog)
    .expect("a valid operation is added");
    assert_eq!(
        doc.connection("gateway-posts-svc")
            .expect("route")
            .operations
            .len(),
        before.len() + 1
    );
    let files = folder(&doc, "openapi");
    assert!(
        openapi(&files, "posts-svc.v2.yaml")
            .operation_by_id("searchPosts")
            .is_some()
    );
    inverse.apply(&mut doc, catalog).expect("undo");
    assert_eq!(
        doc.connection("gateway-posts-svc")
            .expect("route")
            .operations,
        before
    );

    let mut bad = before.clone();
    bad.push(Operation::new("no method"));
    let refused = EditOp::SetConnectionField {
        id,
        field: ConnectionField::Operations(bad),
    }
    .apply(&mut doc, catalog);
    assert!(refused.is_err(), "an invalid list is refused");
    assert_eq!(
        doc.connection("gateway-posts-svc")
            .expect("route")
            .operations,
        before
    );
}

#[test]
fn a_saved_model_with_operations_loads_back_to_the_same_bytes() {
    let text = sample_text("social-api");
    let doc = load(text);
    let saved = format::to_string(&doc);
    assert_eq!(saved, text, "the sample is canonical");
}

/// The design document says who authenticates where, from the same facts the contracts
/// use: the gateway that checks callers, a service that checks tokens itself, the
/// service-to-service calls by mode, the operations that need credentials, who reads which
/// secret, and how long the logs that make the audit trail are kept.
#[test]
fn the_design_document_states_authentication_and_the_audit_trail() {
    let social = load(sample_text("social-api"));
    let design = folder(&social, "markdown");
    let text = &design["design.md"];
    let section = text
        .split("## Authentication and audit")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("the section");
    assert!(
        section.contains(
            "- **Identity Platform**: API gateway (jwks), Chirp apps (authorization code)"
        ),
        "{section}"
    );
    assert!(section.contains(
        "Callers authenticate at API gateway, HTTPS load balancer. Cloud CDN requires none."
    ));
    assert!(section.contains("2 synchronous calls between services: 2 mTLS."));
    assert!(section.contains("17 of 17 stated operations require credentials."));
    assert!(section.contains("- **Secret Manager**: read by Users service (users-db-password)"));
    assert!(section.contains("5 of 5 services ship their logs (Loki keeps them 15 days)."));
    let shop = load(sample_text("ecommerce"));
    let design = folder(&shop, "markdown");
    assert!(
        design["design.md"]
            .contains("Services that check their callers' tokens themselves: Storefront BFF.")
    );
}
