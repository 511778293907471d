//! Terraform skeletons and docker-compose: every sample for every provider parses with hcl-rs
//! and uses only resource types, arguments and blocks that the real provider schemas have
//! (tests/fixtures/terraform-schemas.json, from scripts/extract-terraform-schemas.py), with
//! every required argument set; user text never becomes an interpolation.

use std::collections::{BTreeMap, HashMap};

use archsmith::catalog::Catalog;
use archsmith::export::{ExportOptions, Output, find_exporter};
use archsmith::model::Cloud;
use archsmith::{format, samples};
use serde_json::Value;

const HOSTILE: &str = include_str!("fixtures/hostile.ron");
const SCHEMAS: &str = include_str!("fixtures/terraform-schemas.json");
/// Realistic models outside the samples; ridehail spans two regions.
const REFERENCE_MODELS: [(&str, &str); 3] = [
    ("ridehail", include_str!("fixtures/reference/ridehail.ron")),
    ("chat", include_str!("fixtures/reference/chat.ron")),
    ("saas", include_str!("fixtures/reference/saas.ron")),
];
const PROVIDERS: [(Cloud, &str); 3] = [
    (Cloud::Aws, "aws"),
    (Cloud::Gcp, "google"),
    (Cloud::Azure, "azurerm"),
];

/// The text of the sample called `name`.
fn sample(name: &str) -> &'static str {
    samples::samples()
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("sample {name}"))
        .text
}

fn terraform(text: &str, cloud: Cloud) -> BTreeMap<String, Vec<u8>> {
    let catalog = Catalog::builtin();
    let doc = format::from_str(text, "model.ron", catalog).expect("loads");
    let options = ExportOptions {
        provider: Some(cloud),
        ..ExportOptions::default()
    };
    match find_exporter("terraform")
        .expect("registered")
        .export(&doc, catalog, &options)
        .expect("exports")
    {
        Output::Folder(files) => files,
        Output::File(_) => panic!("a folder"),
    }
}

/// HCL with each attribute's `=` one space after its key, as before `terraform fmt` aligns
/// them, so that tests can look for `key = value`.
fn unaligned(text: &str) -> String {
    let spaces = regex::Regex::new(r"(?m)^(\s*\S+) +=").expect("regex");
    spaces.replace_all(text, "$1 =").into_owned()
}

/// Blocks the schema extract describes as arguments (see `check_body`), by path.
const COLLAPSED_BLOCKS: [&str; 1] = [": aws_wafv2_web_acl.rule.statement"];

/// Checks a block body against a schema entry; returns problems as text.
fn check_body(
    body: &hcl::Body,
    spec: &serde_json::Map<String, Value>,
    at: &str,
    top: bool,
    out: &mut Vec<String>,
) {
    const META: [&str; 4] = ["count", "for_each", "depends_on", "provider"];
    for attribute in body.attributes() {
        let key = attribute.key.as_str();
        if top && META.contains(&key) {
            continue;
        }
        match spec.get(key) {
            Some(entry) if entry["block"] == Value::Bool(false) => {}
            Some(_) => out.push(format!("{at}: `{key}` is a block, written as an argument")),
            None => out.push(format!("{at}: unknown argument `{key}`")),
        }
    }
    for block in body.blocks() {
        let key = block.identifier.as_str();
        if top && key == "lifecycle" {
            continue;
        }
        match spec.get(key) {
            // As the reference checker does, a block whose schema the extract does not
            // describe is not looked into.
            Some(entry) if entry["block"] == Value::Bool(true) => {
                if let Some(nested) = entry["nested"].as_object() {
                    check_body(&block.body, nested, &format!("{at}.{key}"), false, out);
                }
            }
            // The CDKTF bindings the extract comes from type a few recursive blocks as a
            // plain value (JSII cannot express their depth); the provider takes them as
            // blocks, and the reference checker does not look into them.
            Some(_)
                if COLLAPSED_BLOCKS
                    .iter()
                    .any(|path| format!("{at}.{key}").ends_with(path)) => {}
            Some(_) => out.push(format!("{at}: `{key}` is an argument, written as a block")),
            None => out.push(format!("{at}: unknown block `{key}`")),
        }
    }
    if top {
        // Terraform refuses a second `lifecycle` block before it loads any provider.
        if body
            .blocks()
            .filter(|b| b.identifier.as_str() == "lifecycle")
            .count()
            > 1
        {
            out.push(format!("{at}: Duplicate lifecycle block"));
        }
        for (key, entry) in spec {
            let set = body.attributes().any(|a| a.key.as_str() == key)
                || body.blocks().any(|b| b.identifier.as_str() == key);
            if entry["required"] == Value::Bool(true) && !set {
                out.push(format!("{at}: required `{key}` is missing"));
            }
        }
    }
}

fn schema_problems(files: &BTreeMap<String, Vec<u8>>, provider: &str) -> Vec<String> {
    let schemas: Value = serde_json::from_str(SCHEMAS).expect("schema extract");
    let schema = &schemas[provider];
    let mut problems = Vec::new();
    for (name, bytes) in files.iter().filter(|(n, _)| n.ends_with(".tf")) {
        let text = String::from_utf8(bytes.clone()).expect("utf-8");
        let body: hcl::Body = hcl::from_str(&text).unwrap_or_else(|e| panic!("{name} parses: {e}"));
        for block in body.blocks() {
            let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
            let (section, ty) = match (block.identifier.as_str(), labels.as_slice()) {
                ("resource", [ty, _]) => ("resource", *ty),
                ("data", [ty, _]) => ("data", *ty),
                ("provider", [ty]) => ("provider", *ty),
                _ => continue,
            };
            // The Kubernetes and Random providers have no schema extract, as in the reference
            // checker.
            if ty.starts_with("kubernetes") || ty.starts_with("random_") {
                continue;
            }
            match schema[section][ty].as_object() {
                Some(spec) => check_body(
                    &block.body,
                    spec,
                    &format!("{name}: {ty}"),
                    true,
                    &mut problems,
                ),
                None => problems.push(format!("{name}: unknown {section} type `{ty}`")),
            }
        }
    }
    problems
}

#[test]
fn every_sample_matches_the_real_provider_schemas_for_every_provider() {
    let models = samples::samples()
        .iter()
        .map(|s| (s.name, s.text))
        .chain([("hostile", HOSTILE)])
        .chain(REFERENCE_MODELS);
    for (name, text) in models {
        for (cloud, provider) in PROVIDERS {
            let files = terraform(text, cloud);
            for required in [
                "versions.tf",
                "providers.tf",
                "variables.tf",
                "network.tf",
                "security.tf",
                "outputs.tf",
                "README.md",
            ] {
                assert!(
                    files.contains_key(required),
                    "{name} {provider}: {required}"
                );
            }
            let problems = schema_problems(&files, provider);
            assert!(
                problems.is_empty(),
                "{name} {provider}:\n{}",
                problems.join("\n")
            );
            assert_eq!(
                terraform(text, cloud),
                files,
                "{name} {provider} is deterministic"
            );
        }
    }
}

#[test]
fn the_checker_catches_an_unknown_argument_and_a_missing_required_one() {
    let mut files = BTreeMap::new();
    files.insert(
        "main.tf".to_owned(),
        b"resource \"aws_ecs_cluster\" \"x\" {\n  bogus = 1\n}\n".to_vec(),
    );
    let problems = schema_problems(&files, "aws");
    assert!(
        problems
            .iter()
            .any(|p| p.contains("unknown argument `bogus`")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("required `name` is missing")),
        "{problems:?}"
    );
}

#[test]
fn hostile_names_never_interpolate_for_any_provider() {
    for (cloud, provider) in PROVIDERS {
        let files = terraform(HOSTILE, cloud);
        for (name, bytes) in files.iter().filter(|(n, _)| n.ends_with(".tf")) {
            let text = String::from_utf8(bytes.clone()).expect("utf-8");
            let unescaped = text.replace("$${", "").replace("%%{", "");
            assert!(
                !unescaped.contains("${file("),
                "{provider} {name}: an interpolation leaked"
            );
            assert!(
                !unescaped.contains("%{"),
                "{provider} {name}: a directive leaked"
            );
            let body: hcl::Body = hcl::from_str(&text).expect("parses");
            // User text only ever parses back as a plain string, never as a template.
            let parsed = format!("{body:?}");
            for start in ["QuotedString(\"</text>", "QuotedString(\"\\\"; DROP"] {
                assert!(
                    !parsed.contains(start),
                    "{provider} {name}: a name became a template"
                );
            }
        }
        assert!(
            files
                .values()
                .any(|b| String::from_utf8_lossy(b).contains("$${file(")),
            "{provider}: the name is kept, escaped"
        );
    }
}

#[test]
fn every_connection_into_a_networked_component_becomes_one_ingress_rule() {
    let files = terraform(include_str!("../samples/ecommerce.ron"), Cloud::Aws);
    let security = unaligned(&String::from_utf8(files["security.tf"].clone()).expect("utf-8"));
    let rule = |name: &str| {
        let start = security
            .find(&format!(
                "\"aws_vpc_security_group_ingress_rule\" \"{name}\""
            ))
            .unwrap_or_else(|| panic!("{name}"));
        security[start..]
            .split("\n}\n")
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    let orders_db = rule("orders_db_from_orders_svc");
    assert!(orders_db.contains("from_port = 5432") && orders_db.contains("to_port = 5432"));
    assert!(orders_db.contains("referenced_security_group_id = aws_security_group.orders_svc.id"));
    let alb = rule("alb_from_internet");
    assert!(alb.contains("cidr_ipv4 = \"0.0.0.0/0\"") && alb.contains("from_port = 443"));
    assert!(
        !security.contains("\"cart_svc_from_internet\""),
        "services are not open to the internet"
    );
}

#[test]
fn compose_files_keep_user_text_inert_and_wire_dependencies() {
    let catalog = Catalog::builtin();
    let export = |text: &str| {
        let doc = format::from_str(text, "model.ron", catalog).expect("loads");
        match find_exporter("compose")
            .expect("registered")
            .export(&doc, catalog, &ExportOptions::default())
            .expect("exports")
        {
            Output::File(bytes) => String::from_utf8(bytes).expect("utf-8"),
            Output::Folder(_) => panic!("one file"),
        }
    };
    let hostile: serde_yaml_ng::Value = serde_yaml_ng::from_str(&export(HOSTILE)).expect("YAML");
    let label = hostile["services"]["api"]["labels"]["archsmith.name"]
        .as_str()
        .expect("label");
    assert!(
        label.contains("$${file("),
        "Compose interpolation is escaped: {label}"
    );
    let shop: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&export(include_str!("../samples/ecommerce.ron"))).expect("YAML");
    let orders = &shop["services"]["orders-svc"];
    assert_eq!(orders["build"]["context"].as_str(), Some("./orders-svc"));
    assert_eq!(
        orders["depends_on"]["orders-db"]["condition"].as_str(),
        Some("service_healthy")
    );
    assert_eq!(
        shop["services"]["orders-db"]["image"].as_str(),
        Some("postgres:16-alpine")
    );
    assert!(shop["services"]["orders-db"]["healthcheck"]["test"].is_sequence());
    assert!(shop["volumes"]["orders-db-data"].is_mapping());
    for sample in samples::samples() {
        assert_eq!(
            export(sample.text),
            export(sample.text),
            "{} deterministic",
            sample.name
        );
    }
}

#[test]
fn services_inside_a_kubernetes_boundary_become_deployments_on_the_cluster() {
    let sample = include_str!("../samples/video-streaming.ron");
    for (cloud, cluster) in [
        (Cloud::Aws, "aws_eks_cluster"),
        (Cloud::Gcp, "google_container_cluster"),
        (Cloud::Azure, "azurerm_kubernetes_cluster"),
    ] {
        let files = terraform(sample, cloud);
        let kubernetes = String::from_utf8(files["kubernetes.tf"].clone()).expect("utf-8");
        assert!(
            kubernetes.contains(&format!("resource \"{cluster}\"")),
            "{cluster}"
        );
        assert!(kubernetes.contains("resource \"kubernetes_deployment_v1\""));
        assert!(kubernetes.contains("resource \"kubernetes_namespace_v1\""));
        let providers = String::from_utf8(files["providers.tf"].clone()).expect("utf-8");
        assert!(providers.contains("provider \"kubernetes\""));
        let versions = String::from_utf8(files["versions.tf"].clone()).expect("utf-8");
        assert!(versions.contains("hashicorp/kubernetes"));
    }
}

/// Compose refuses cyclic `depends_on`: services that call each other in a ring wait on all but
/// the call that would close it, and each dropped wait is one that would have closed a cycle.
#[test]
fn compose_drops_only_the_waits_that_would_close_a_cycle() {
    let service = |id: &str, x: f32| {
        format!("(id: \"{id}\", kind: \"service-go\", name: \"{id}\", position: (x: {x}, y: 0.0)),")
    };
    let call = |from: &str, to: &str| {
        format!("(id: \"{from}-{to}\", from: \"{from}\", to: \"{to}\", kind: \"http\"),")
    };
    let text = format!(
        "(version: 2, meta: (name: \"ring\"), components: [{}], connections: [{}])",
        [
            service("a", 0.0),
            service("b", 200.0),
            service("c", 400.0),
            service("d", 600.0)
        ]
        .concat(),
        [
            call("a", "b"),
            call("b", "c"),
            call("c", "a"),
            call("c", "d"),
            call("d", "b"),
            call("a", "d")
        ]
        .concat(),
    );
    let catalog = Catalog::builtin();
    let doc = format::from_str(&text, "ring.ron", catalog).expect("loads");
    let Output::File(bytes) = find_exporter("compose")
        .expect("registered")
        .export(&doc, catalog, &ExportOptions::default())
        .expect("exports")
    else {
        panic!("one file");
    };
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_slice(&bytes).expect("YAML");
    let waits = |id: &str| -> Vec<String> {
        yaml["services"][id]["depends_on"]
            .as_mapping()
            .map(|m| {
                m.keys()
                    .filter_map(|k| k.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    // In document order: a→b, a→d and b→c are kept; c→a would close a→b→c→a, c→d is kept,
    // and d→b would close b→c→d→b.
    assert_eq!(waits("a"), ["b", "d"]);
    assert_eq!(waits("b"), ["c"]);
    assert_eq!(waits("c"), ["d"]);
    assert!(waits("d").is_empty());
}

/// Every address a compose service is given names the port its target's container listens
/// on: the catalog's image port, or the service's own `port`. (Callers were once given the
/// cloud's TLS ports, `events:9094` for a Kafka container listening on 9092.)
#[test]
fn compose_addresses_name_the_ports_the_containers_listen_on() {
    let catalog = Catalog::builtin();
    let mut checked = 0;
    for sample in samples::samples() {
        let doc = format::from_str(sample.text, "model.ron", catalog).expect("loads");
        let Output::File(bytes) = find_exporter("compose")
            .expect("registered")
            .export(&doc, catalog, &ExportOptions::default())
            .expect("exports")
        else {
            panic!("one file");
        };
        let compose: serde_yaml_ng::Value = serde_yaml_ng::from_slice(&bytes).expect("YAML");
        let services = compose["services"].as_mapping().expect("services");
        for (name, service) in services {
            // A metrics exporter reaches its store by the URL its image expects.
            if service["labels"]["archsmith.exporter-of"].is_string() {
                continue;
            }
            let Some(environment) = service["environment"].as_mapping() else {
                continue;
            };
            for (key, value) in environment {
                let key = key.as_str().expect("key");
                if !key.ends_with("_ADDR") {
                    continue;
                }
                let value = value.as_str().expect("address");
                let (host, port) = value.rsplit_once(':').expect("host:port");
                let target = doc
                    .components()
                    .iter()
                    .find(|c| c.id.as_str() == host)
                    .unwrap_or_else(|| panic!("{}: {name:?} {key} names {host}", sample.name));
                let kind = catalog.kind_of(target).expect("known kind");
                let listening = match &kind.local {
                    Some(local) => local.port,
                    None => catalog
                        .property(target, "port")
                        .and_then(|p| p.as_int())
                        .and_then(|p| u16::try_from(p).ok())
                        .unwrap_or(8080),
                };
                assert_eq!(
                    port.parse::<u16>().ok(),
                    Some(listening),
                    "{}: {name:?} {key}={value}",
                    sample.name
                );
                // The image is the one the catalog names for that port.
                if let Some(local) = &kind.local {
                    assert_eq!(services[host]["image"].as_str(), Some(local.image.as_str()));
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 50, "only {checked} addresses checked");
}

/// Every reference in a generated module names a resource or data source the module declares:
/// `terraform plan` fails on a dangling one, and the schema check does not look at them. (AWS
/// alarms once named the ECS services of workloads that run on EKS.)
#[test]
fn every_reference_names_a_resource_the_module_declares() {
    let reference = regex::Regex::new(
        r"\b(data\.)?((?:aws|google|azurerm|kubernetes|random)_[a-z0-9_]+)\.([A-Za-z_][A-Za-z0-9_-]*)",
    )
    .expect("pattern");
    let models = samples::samples()
        .iter()
        .map(|s| (s.name, s.text))
        .chain(REFERENCE_MODELS);
    let mut checked = 0;
    for (name, text) in models {
        for (cloud, _) in PROVIDERS {
            let files = terraform(text, cloud);
            let mut declared = std::collections::BTreeSet::new();
            for (file, bytes) in files.iter().filter(|(f, _)| f.ends_with(".tf")) {
                let body: hcl::Body =
                    hcl::from_slice(bytes).unwrap_or_else(|e| panic!("{file}: {e}"));
                for block in body.blocks() {
                    let labels: Vec<&str> = block.labels().iter().map(|l| l.as_str()).collect();
                    if let ("resource" | "data", [kind, label]) =
                        (block.identifier(), labels.as_slice())
                    {
                        declared.insert((
                            block.identifier() == "data",
                            (*kind).to_owned(),
                            (*label).to_owned(),
                        ));
                    }
                }
            }
            for (file, bytes) in files.iter().filter(|(f, _)| f.ends_with(".tf")) {
                let text = String::from_utf8_lossy(bytes);
                for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
                    for found in reference.captures_iter(line) {
                        let key = (
                            found.get(1).is_some(),
                            found[2].to_owned(),
                            found[3].to_owned(),
                        );
                        assert!(
                            declared.contains(&key),
                            "{name} on {cloud:?}, {file}: `{}` is not declared: {line}",
                            &found[0]
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked > 1000, "only {checked} references checked");
}

/// The `default` of `variable "name"` in variables.tf, as HCL text.
fn variable_default(files: &BTreeMap<String, Vec<u8>>, name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(files.get("variables.tf")?).into_owned();
    let body: hcl::Body = hcl::from_str(&text).expect("variables.tf parses");
    body.blocks()
        .find(|b| {
            b.identifier() == "variable" && b.labels().first().map(|l| l.as_str()) == Some(name)
        })?
        .body()
        .attributes()
        .find(|a| a.key() == "default")
        .map(|a| a.expr().to_string().split_whitespace().collect())
}

#[test]
fn the_region_comes_from_the_model_on_every_cloud() {
    // Each sample's first region boundary names its own cloud's region: on that cloud the
    // skeleton deploys there, on the others to the nearest region the table gives.
    let expected = [
        (
            "ecommerce",
            [
                (Cloud::Aws, "us-east-1"),
                (Cloud::Gcp, "us-east4"),
                (Cloud::Azure, "eastus"),
            ],
        ),
        (
            "iot-telemetry",
            [
                (Cloud::Aws, "us-east-2"),
                (Cloud::Gcp, "us-central1"),
                (Cloud::Azure, "centralus"),
            ],
        ),
        (
            "payments-cqrs",
            [
                (Cloud::Aws, "eu-west-1"),
                (Cloud::Gcp, "europe-west4"),
                (Cloud::Azure, "westeurope"),
            ],
        ),
        (
            "social-api",
            [
                (Cloud::Aws, "eu-west-1"),
                (Cloud::Gcp, "europe-west1"),
                (Cloud::Azure, "westeurope"),
            ],
        ),
        (
            "video-streaming",
            [
                (Cloud::Aws, "us-west-2"),
                (Cloud::Gcp, "us-west1"),
                (Cloud::Azure, "westus2"),
            ],
        ),
    ];
    for (name, clouds) in expected {
        let sample = samples::sample(name).expect("sample exists");
        for (cloud, region) in clouds {
            let files = terraform(sample.text, cloud);
            assert_eq!(
                variable_default(&files, "region").as_deref(),
                Some(format!("\"{region}\"").as_str()),
                "{name} on {cloud:?}"
            );
            let readme = String::from_utf8_lossy(&files["README.md"]).into_owned();
            assert!(
                readme.contains(&format!("`{region}`")),
                "{name} on {cloud:?}: README names the region"
            );
        }
    }
    let aws = terraform(
        samples::sample("ecommerce").expect("sample").text,
        Cloud::Aws,
    );
    assert_eq!(
        variable_default(&aws, "availability_zones").as_deref(),
        Some(r#"["us-east-1a","us-east-1b","us-east-1c"]"#)
    );
}

#[test]
fn a_model_without_a_region_leaves_the_region_to_fill_in() {
    let workshop = samples::sample("workshop-starter").expect("sample exists");
    let files = terraform(workshop.text, Cloud::Aws);
    assert_eq!(variable_default(&files, "region"), None);
    assert_eq!(variable_default(&files, "availability_zones"), None);
    let readme = String::from_utf8_lossy(&files["README.md"]).into_owned();
    assert!(readme.contains("The model names no region"), "{readme}");
}

/// A provider, and how many times each snippet appears in its module.
type Expectation = (Cloud, &'static str, &'static [(&'static str, usize)]);

/// ScyllaDB, Event Hubs, Google Pub/Sub, Azure Service Bus and core NATS were added to the
/// catalog as data: each maps to a managed service on every cloud, with a topic, stream or
/// event hub per declared topic and a subscription, queue or consumer group per consumer.
#[test]
fn kinds_added_as_data_deploy_their_topics_and_consumers_on_every_cloud() {
    let text = include_str!("fixtures/messaging-kinds.ron");
    let count = |files: &BTreeMap<String, Vec<u8>>, needle: &str| {
        files
            .values()
            .map(|bytes| {
                unaligned(&String::from_utf8_lossy(bytes))
                    .matches(needle)
                    .count()
            })
            .sum::<usize>()
    };
    let expectations: [Expectation; 3] = [
        (
            Cloud::Aws,
            "aws",
            &[
                ("resource \"aws_kinesis_stream\"", 2),
                ("shard_count = 8", 1),
                ("resource \"aws_sns_topic_subscription\"", 3),
                ("resource \"aws_sqs_queue_policy\"", 3),
                ("resource \"aws_sqs_queue\" \"work\"", 1),
                ("resource \"aws_keyspaces_keyspace\" \"ledger\"", 1),
            ],
        ),
        (
            Cloud::Gcp,
            "google",
            &[
                ("resource \"google_pubsub_topic\"", 4 + 5),
                ("resource \"google_pubsub_subscription\"", 6),
                ("resource \"google_bigtable_instance\" \"ledger\"", 1),
            ],
        ),
        (
            Cloud::Azure,
            "azurerm",
            &[
                ("resource \"azurerm_eventhub\"", 2),
                ("partition_count = 8", 1),
                ("resource \"azurerm_eventhub_consumer_group\"", 2),
                ("resource \"azurerm_servicebus_topic\"", 2),
                ("resource \"azurerm_servicebus_subscription\"", 3),
                ("resource \"azurerm_servicebus_queue\" \"work\"", 1),
                ("name = \"EnableCassandra\"", 1),
            ],
        ),
    ];
    for (cloud, provider, expected) in expectations {
        let files = terraform(text, cloud);
        let problems = schema_problems(&files, provider);
        assert!(problems.is_empty(), "{provider}:\n{}", problems.join("\n"));
        assert!(
            !files.contains_key("placeholders.tf"),
            "{provider}: every kind has a managed service"
        );
        for (needle, times) in expected {
            assert_eq!(count(&files, needle), *times, "{provider}: `{needle}`");
        }
    }
}

/// The fixtures are modules the exporter wrote, formatted by the real `terraform fmt`: the
/// exporter must write them exactly so. When the exporter's output changes on purpose,
/// `scripts/terraform-fmt-fixtures.sh` regenerates them with Terraform.
#[test]
fn modules_are_laid_out_as_terraform_fmt_lays_them_out() {
    let root =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/terraform-fmt");
    let mut compared = 0;
    for entry in std::fs::read_dir(&root).expect("fixtures") {
        let dir = entry.expect("entry").path();
        if !dir.is_dir() {
            continue;
        }
        let name = dir.file_name().and_then(|n| n.to_str()).expect("name");
        let (sample, provider) = name.rsplit_once('-').expect("<sample>-<provider>");
        let cloud = match provider {
            "aws" => Cloud::Aws,
            "gcp" => Cloud::Gcp,
            _ => Cloud::Azure,
        };
        let text = samples::samples()
            .iter()
            .map(|s| (s.name, s.text))
            .chain(REFERENCE_MODELS)
            .find(|(name, _)| *name == sample)
            .expect("sample or reference model")
            .1;
        let files = terraform(text, cloud);
        for file in std::fs::read_dir(&dir).expect("fixture dir") {
            let path = file.expect("file").path();
            let file_name = path
                .file_name()
                .and_then(|n| n.to_str())
                .expect("file name");
            let formatted = std::fs::read_to_string(&path).expect("fixture");
            let generated = String::from_utf8(files[file_name].clone()).expect("utf-8");
            assert!(
                generated == formatted,
                "{name}/{file_name} differs from `terraform fmt` (if the exporter changed on purpose, run scripts/terraform-fmt-fixtures.sh)"
            );
            compared += 1;
        }
    }
    assert!(compared >= 9, "{compared} fixture files");
}

/// A fact of the model, and the HCL snippets that encode it.
type Encoding = (&'static str, &'static [&'static str]);

/// What the model states, and the resource argument it becomes on each provider. A fact a
/// provider does not encode must be in the README's "Not generated" table instead, so no
/// row of this table can silently go missing.
#[test]
fn model_intents_become_resource_arguments_or_are_listed_as_not_generated() {
    let text = include_str!("fixtures/intents.ron");
    // (fact, snippets that encode it) per provider.
    let table: [(Cloud, &[Encoding]); 3] = [
        (
            Cloud::Aws,
            &[
                (
                    "autoscaling",
                    &[
                        "resource \"aws_appautoscaling_target\" \"api\"",
                        "min_capacity = 2",
                        "max_capacity = 9",
                        "ECSServiceAverageCPUUtilization",
                        "ignore_changes = [\n      desired_count\n    ]",
                    ],
                ),
                (
                    "health_check",
                    &[
                        "healthCheck",
                        "curl -fsS http://localhost:8080/healthz",
                        "path = \"/healthz\"",
                        "matcher = \"200-399\"",
                        "health_check_grace_period_seconds = 60",
                    ],
                ),
                (
                    "connection path",
                    &[
                        "resource \"aws_lb_listener_rule\" \"alb_api\"",
                        "\"/api\",\n        \"/api/*\"",
                        "target_group_arn = aws_lb_target_group.alb_web.arn",
                    ],
                ),
                (
                    "load balancer targets",
                    &[
                        "target_group_arn = aws_lb_target_group.alb_api.arn",
                        "container_name = \"api\"",
                    ],
                ),
                (
                    "read_replicas",
                    &[
                        "resource \"aws_db_instance\" \"db_read\"",
                        "count = 2",
                        "replicate_source_db = aws_db_instance.db.identifier",
                    ],
                ),
                (
                    "versioning",
                    &["resource \"aws_s3_bucket_versioning\" \"bucket\""],
                ),
                ("lifecycle_days", &["days = 90"]),
                (
                    "rotation_days",
                    &[
                        "resource \"aws_secretsmanager_secret_rotation\" \"secrets\"",
                        "automatically_after_days = 30",
                    ],
                ),
                (
                    "rate_limit_rps",
                    &["rate_based_statement {", "limit = 60000"],
                ),
                (
                    "waf in front of the balancer",
                    &["resource \"aws_wafv2_web_acl_association\" \"waf_alb\""],
                ),
            ],
        ),
        (
            Cloud::Gcp,
            &[
                (
                    "autoscaling",
                    &["min_instance_count = 2", "max_instance_count = 9"],
                ),
                (
                    "health_check",
                    &["startup_probe {", "liveness_probe {", "path = \"/healthz\""],
                ),
                ("lifecycle_days", &["age = 90"]),
                (
                    "read_replicas",
                    &[
                        "resource \"google_sql_database_instance\" \"db_read\"",
                        "count = 2",
                        "master_instance_name = google_sql_database_instance.db.name",
                    ],
                ),
            ],
        ),
        (
            Cloud::Azure,
            &[
                ("autoscaling", &["min_replicas = 2", "max_replicas = 9"]),
                (
                    "health_check",
                    &[
                        "liveness_probe {",
                        "readiness_probe {",
                        "path = \"/healthz\"",
                    ],
                ),
                (
                    "read_replicas",
                    &[
                        "create_mode = \"Replica\"",
                        "source_server_id = azurerm_postgresql_flexible_server.db.id",
                        "count = 2",
                    ],
                ),
            ],
        ),
    ];
    for (cloud, facts) in table {
        let files = terraform(text, cloud);
        let hcl: String = files
            .iter()
            .filter(|(name, _)| name.ends_with(".tf"))
            .map(|(_, bytes)| unaligned(&String::from_utf8_lossy(bytes)))
            .collect();
        for (fact, snippets) in facts {
            for snippet in *snippets {
                assert!(hcl.contains(snippet), "{cloud:?} {fact}: `{snippet}`");
            }
        }
        // Whatever the provider leaves out is listed, with the component and the property.
        let readme = String::from_utf8(files["README.md"].clone()).expect("utf-8");
        let listed = |slug: &str, property: &str| {
            readme.lines().any(|line| {
                line.contains(&format!("(`{slug}`)"))
                    && line.contains(&format!("`{}`", property.replace('_', "\\_")))
            })
        };
        for (slug, property, encoded_by) in [
            ("db", "read_replicas", "\"db_read\""),
            ("bucket", "versioning", "versioning"),
            ("bucket", "lifecycle_days", "90"),
            ("secrets", "rotation_days", "= 30"),
            ("waf", "rate_limit_rps", "60000"),
        ] {
            assert!(
                hcl.contains(encoded_by) || listed(slug, property),
                "{cloud:?}: `{slug}`.{property} is neither in the module nor in Not generated"
            );
        }
    }
}

/// A database the model puts in a public subnet lands in the public tier on AWS, and every
/// README says so; where the network has no public tier, the README says the module differs.
#[test]
fn a_store_in_a_public_subnet_is_placed_there_and_said_loudly() {
    let moved = "name: \"DB\",\n            group: \"public\",";
    let text = include_str!("fixtures/intents.ron")
        .replace("name: \"DB\",\n            group: \"private\",", moved);
    assert!(text.contains(moved), "the fixture moved");
    let aws = terraform(&text, Cloud::Aws);
    let data = unaligned(&String::from_utf8_lossy(&aws["data.tf"]));
    assert!(data.contains("db_subnet_group_name = aws_db_subnet_group.public.name"));
    assert!(data.contains("subnet_ids = aws_subnet.public[*].id"));
    let readme = String::from_utf8_lossy(&aws["README.md"]).into_owned();
    assert!(readme.contains("## In public subnets, as the model says"));
    assert!(readme.contains("- DB (`db`)"));
    for cloud in [Cloud::Gcp, Cloud::Azure] {
        let readme =
            String::from_utf8(terraform(&text, cloud)["README.md"].clone()).expect("utf-8");
        assert!(
            readme.contains("the module differs from the model"),
            "{cloud:?}"
        );
    }
    // Left where the model puts it, the database has no public-tier group at all.
    let private = terraform(include_str!("fixtures/intents.ron"), Cloud::Aws);
    assert!(
        !String::from_utf8_lossy(&private["data.tf"]).contains("aws_db_subnet_group\" \"public\"")
    );
}

/// A scheduled job inside a Kubernetes boundary runs as a CronJob, never as a Deployment that
/// would repeat its work on every restart.
#[test]
fn a_scheduled_job_in_the_cluster_is_a_cron_job() {
    let text = r#"#![enable(implicit_some)]
(
    version: 2,
    meta: (name: "Jobs"),
    groups: [
        (id: "k8s", kind: k8s_cluster, name: "Cluster", rect: (x: 0.0, y: 0.0, w: 600.0, h: 400.0)),
    ],
    components: [
        (id: "api", kind: "service-go", name: "API", group: "k8s", position: (x: 40.0, y: 40.0)),
        (id: "billing", kind: "scheduled-job", name: "Billing", group: "k8s", position: (x: 300.0, y: 40.0), properties: {"schedule": "0 2 * * *"}),
    ],
    connections: [
        (id: "billing-api", from: "billing", to: "api", kind: "http"),
    ],
)
"#;
    for cloud in [Cloud::Aws, Cloud::Gcp, Cloud::Azure] {
        let files = terraform(text, cloud);
        let k8s = unaligned(&String::from_utf8_lossy(&files["kubernetes.tf"]));
        assert!(
            k8s.contains("resource \"kubernetes_cron_job_v1\" \"billing\""),
            "{cloud:?}"
        );
        assert!(k8s.contains("schedule = \"0 2 * * *\""), "{cloud:?}");
        assert!(
            !k8s.contains("resource \"kubernetes_deployment_v1\" \"billing\""),
            "{cloud:?}"
        );
        assert!(
            !k8s.contains("resource \"kubernetes_service_v1\" \"billing\""),
            "{cloud:?}"
        );
        assert!(
            k8s.contains("resource \"kubernetes_deployment_v1\" \"api\""),
            "{cloud:?}"
        );
    }
}

/// The Container Apps environment has a subnet of its own, apart from the apps tier that a
/// cluster's nodes use.
#[test]
fn container_apps_get_their_own_subnet_on_azure() {
    let files = terraform(include_str!("fixtures/intents.ron"), Cloud::Azure);
    let network = unaligned(&String::from_utf8_lossy(&files["network.tf"]));
    assert!(network.contains("resource \"azurerm_subnet\" \"container_apps\""));
    let compute = unaligned(&String::from_utf8_lossy(&files["compute.tf"]));
    assert!(compute.contains("infrastructure_subnet_id = azurerm_subnet.container_apps.id"));
}

/// Every resource and data block of a module: (`type.name`, body).
fn blocks_of(files: &BTreeMap<String, Vec<u8>>) -> Vec<(String, String)> {
    let block = regex::Regex::new(
        r#"(?m)^(?:resource|data) "([a-z0-9_]+)" "([A-Za-z0-9_-]+)" \{\n((?:.*\n)*?)\}"#,
    )
    .expect("pattern");
    let mut found = Vec::new();
    for (name, bytes) in files {
        if !name.ends_with(".tf") {
            continue;
        }
        let source = String::from_utf8(bytes.clone()).expect("utf-8");
        for capture in block.captures_iter(&source) {
            found.push((
                format!("{}.{}", &capture[1], &capture[2]),
                capture[3].to_owned(),
            ));
        }
    }
    found
}

/// Checks that each block refers only to regional resources (`regional` matches their
/// addresses) of its own region, telling regions apart by the `provider` alias; returns
/// each block's region (`""` for the primary, else the alias).
fn regions_are_consistent(blocks: &[(String, String)], regional: &str) -> HashMap<String, String> {
    let alias = regex::Regex::new(r"^\s*provider\s*=\s*[a-z]+\.([a-z0-9_]+)").expect("pattern");
    let region_of: HashMap<String, String> = blocks
        .iter()
        .map(|(address, body)| {
            let region = alias
                .captures(body)
                .map(|c| c[1].to_owned())
                .unwrap_or_default();
            (address.clone(), region)
        })
        .collect();
    let regional = regex::Regex::new(regional).expect("pattern");
    let mut checked = 0;
    for (address, body) in blocks {
        for reference in regional.captures_iter(body) {
            let target = &reference[1];
            let Some(target_region) = region_of.get(target) else {
                panic!("{address} refers to undeclared {target}");
            };
            assert_eq!(
                target_region, &region_of[address],
                "{address} refers to {target} of another region"
            );
            checked += 1;
        }
    }
    assert!(checked > 10, "{checked} references checked");
    region_of
}

fn body<'b>(blocks: &'b [(String, String)], address: &str) -> &'b str {
    &blocks
        .iter()
        .find(|(a, _)| a == address)
        .unwrap_or_else(|| panic!("{address} declared"))
        .1
}

/// Ridehail runs in us-east-1 and us-west-2: each region gets a provider, a network and its
/// own keys, and nothing regional in one region refers to a resource of the other.
#[test]
fn a_model_in_two_regions_deploys_each_component_in_its_region() {
    let files = terraform(REFERENCE_MODELS[0].1, Cloud::Aws);
    let text = |name: &str| String::from_utf8(files[name].clone()).expect("utf-8");
    let providers = text("providers.tf");
    assert!(providers.contains("alias  = \"us_west_2\"\n  region = var.region_us_west_2"));
    let variables = text("variables.tf");
    assert!(variables.contains("variable \"region_us_west_2\""));
    assert!(variables.contains("\"us-west-2a\""), "{variables}");
    assert!(variables.contains("variable \"vpc_cidr_us_west_2\""));
    let blocks = blocks_of(&files);
    let region_of = regions_are_consistent(
        &blocks,
        r"\b(aws_(?:vpc|subnet|kms_key|security_group|ecs_cluster|db_subnet_group|cloudwatch_log_group|sns_topic|lb|lb_target_group|wafv2_web_acl|elasticache_subnet_group|nat_gateway|internet_gateway|route_table|eip)\.[A-Za-z0-9_]+)\b",
    );
    for address in [
        "aws_vpc.main_us_west_2",
        "aws_db_instance.trips_db_dr",
        "aws_lb.alb_usw2",
        "aws_kms_key.data_us_west_2",
        "aws_wafv2_web_acl.waf_us_west_2",
        "aws_wafv2_web_acl_association.waf_alb_usw2",
    ] {
        assert_eq!(region_of[address], "us_west_2", "{address}");
    }
    assert_eq!(region_of["aws_db_instance.trips_db"], "");
    // The standby replicates the primary across regions by ARN, into its region's subnets.
    let standby = body(&blocks, "aws_db_instance.trips_db_dr");
    assert!(
        standby.contains("replicate_source_db  = aws_db_instance.trips_db.arn"),
        "{standby}"
    );
    assert!(
        standby.contains("aws_db_subnet_group.usw2_data.name"),
        "{standby}"
    );
    let readme = text("README.md");
    assert!(
        readme.contains("| `us-west-2` | `var.region_us_west_2` |"),
        "{readme}"
    );
    assert!(!readme.contains("Everything is deployed to `var.region`"));

    // Google Cloud: one global network, a subnet, router and key per region.
    let files = terraform(REFERENCE_MODELS[0].1, Cloud::Gcp);
    let blocks = blocks_of(&files);
    let region_of = regions_are_consistent(
        &blocks,
        r"\b(google_(?:compute_subnetwork|compute_router|kms_key_ring|kms_crypto_key|kms_crypto_key_iam_member)\.[A-Za-z0-9_]+)\b",
    );
    assert_eq!(
        region_of["google_compute_subnetwork.private_us_west1"],
        "us_west1"
    );
    assert_eq!(
        region_of["google_sql_database_instance.trips_db_dr"],
        "us_west1"
    );
    assert_eq!(region_of["google_sql_database_instance.trips_db"], "");
    // The standby is a cross-region replica of the primary, not a second primary.
    assert!(
        unaligned(body(&blocks, "google_sql_database_instance.trips_db_dr"))
            .contains("master_instance_name = google_sql_database_instance.trips_db.name")
    );

    // Azure: a virtual network per region; what runs in westus2 is located there and uses
    // that region's network and Container Apps environment.
    let files = terraform(REFERENCE_MODELS[0].1, Cloud::Azure);
    let blocks = blocks_of(&files);
    assert!(
        body(&blocks, "azurerm_virtual_network.main_westus2").contains("var.vnet_cidr_westus2")
    );
    let standby = body(&blocks, "azurerm_postgresql_flexible_server.trips_db_dr");
    assert!(
        standby.contains("location") && standby.contains("= var.region_westus2"),
        "{standby}"
    );
    let bff = body(&blocks, "azurerm_container_app.rider_bff_usw2");
    assert!(
        bff.contains("azurerm_container_app_environment.main_westus2.id"),
        "{bff}"
    );
    for (address, body) in &blocks {
        let in_west = body.contains("var.region_westus2");
        for primary in [
            "azurerm_subnet.data.id",
            "azurerm_subnet.apps.id",
            "azurerm_container_app_environment.main.id",
        ] {
            assert!(
                !(in_west && body.contains(primary)),
                "{address} is in westus2 but uses {primary}"
            );
        }
    }
}

/// CloudFront takes only a web ACL of scope CLOUDFRONT, and Route 53 logs queries only to a
/// log group, both in us-east-1: a model in us-west-2 (video streaming) gets an
/// `aws.us_east_1` provider for them, with a log key of its own there, and the README says
/// so; a model in us-east-1 (e-commerce) needs no alias.
#[test]
fn the_edge_services_keep_their_web_acl_and_query_logs_in_us_east_1() {
    let files = terraform(sample("video-streaming"), Cloud::Aws);
    let text = |name: &str| String::from_utf8(files[name].clone()).expect("utf-8");
    assert!(
        text("providers.tf").contains("alias  = \"us_east_1\"\n  region = \"us-east-1\""),
        "{}",
        text("providers.tf")
    );
    let blocks = blocks_of(&files);
    let in_edge_region =
        |address: &str| unaligned(body(&blocks, address)).contains("provider = aws.us_east_1");
    for address in [
        "aws_wafv2_web_acl.cdn_edge",
        "aws_wafv2_web_acl_logging_configuration.cdn_edge",
        "aws_cloudwatch_log_group.cdn_edge_waf",
        "aws_cloudwatch_log_group.dns_queries",
        "aws_cloudwatch_log_resource_policy.route53_query_logging_us_east_1",
        "aws_route53_query_log.dns",
        "aws_kms_key.logs_us_east_1",
    ] {
        assert!(in_edge_region(address), "{address} in us-east-1");
    }
    for address in ["aws_cloudfront_distribution.cdn", "aws_route53_zone.dns"] {
        assert!(!in_edge_region(address), "{address} in the model's region");
    }
    let acl = unaligned(body(&blocks, "aws_wafv2_web_acl.cdn_edge"));
    for snippet in [
        "scope = \"CLOUDFRONT\"",
        "name = \"AWSManagedRulesKnownBadInputsRuleSet\"",
        "name = \"AWSManagedRulesAnonymousIpList\"",
    ] {
        assert!(acl.contains(snippet), "{snippet} in {acl}");
    }
    assert!(
        unaligned(body(&blocks, "aws_cloudfront_distribution.cdn"))
            .contains("web_acl_id = aws_wafv2_web_acl.cdn_edge.arn")
    );
    // The log key lets CloudWatch Logs of us-east-1 use it, not of the model's region.
    assert!(body(&blocks, "aws_kms_key.logs_us_east_1").contains("logs.us-east-1.amazonaws.com"));
    assert!(
        text("README.md").contains(
            "through the `aws.us_east_1` provider alias, a region the model does not draw"
        ),
        "{}",
        text("README.md")
    );

    let files = terraform(sample("ecommerce"), Cloud::Aws);
    let providers = String::from_utf8(files["providers.tf"].clone()).expect("utf-8");
    assert!(!providers.contains("alias"), "{providers}");
    let blocks = blocks_of(&files);
    assert!(!body(&blocks, "aws_wafv2_web_acl.cdn_edge").contains("provider ="));
}

/// What the samples and reference models state reaches a resource argument, and leaves the
/// README's "Not generated" table: (model, component property, snippets of the AWS HCL).
#[test]
fn stated_settings_of_brokers_caches_queues_functions_and_gateways_are_deployed() {
    let reference = |name: &str| {
        REFERENCE_MODELS
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("reference {name}"))
            .1
    };
    let table: [(&str, &str, &str, &[&str]); 11] = [
        (
            "ridehail",
            "location-stream",
            "retention_hours",
            &["log.retention.hours=24\\n"],
        ),
        (
            "ridehail",
            "location-stream",
            "partitions",
            &["num.partitions=12\\n", "configuration_info {"],
        ),
        (
            "ridehail",
            "location-stream",
            "replication_factor",
            &["default.replication.factor=2\\nmin.insync.replicas=1\\n"],
        ),
        (
            "ridehail",
            "dispatch-svc",
            "autoscaling_max",
            &[
                "resource \"kubernetes_horizontal_pod_autoscaler_v2\" \"dispatch_svc\"",
                "min_replicas = 4",
                "max_replicas = 24",
                "resource \"kubernetes_pod_disruption_budget_v1\" \"dispatch_svc\"",
                "spec[0].replicas",
            ],
        ),
        (
            "ridehail",
            "redis-geo",
            "eviction_policy",
            &["name = \"maxmemory-policy\"", "value = \"noeviction\""],
        ),
        (
            "ecommerce",
            "jaeger",
            "sampling_rate",
            &["fixed_rate = 0.05"],
        ),
        (
            "social-api",
            "posts-db",
            "read_replicas",
            &["resource \"aws_docdb_cluster_instance\" \"posts_db\" {\n  count = 3"],
        ),
        (
            "social-api",
            "gateway",
            "rate_limit_rps",
            &["throttling_rate_limit = 25000"],
        ),
        (
            "video-streaming",
            "transcode-queue",
            "visibility_timeout_s",
            &["visibility_timeout_seconds = 3600"],
        ),
        (
            "chat",
            "thumbnailer",
            "memory_mb",
            &["memory_size = 1024", "timeout = 120"],
        ),
        (
            "chat",
            "loki",
            "retention_days",
            &["retention_in_days = 30"],
        ),
    ];
    for (model, component, property, snippets) in table {
        let text = if samples::samples().iter().any(|s| s.name == model) {
            sample(model)
        } else {
            reference(model)
        };
        let files = terraform(text, Cloud::Aws);
        let hcl: String = files
            .iter()
            .filter(|(name, _)| name.ends_with(".tf"))
            .map(|(_, bytes)| unaligned(&String::from_utf8_lossy(bytes)))
            .collect();
        for snippet in snippets {
            assert!(
                hcl.contains(snippet),
                "{model} {component}.{property}: `{snippet}`"
            );
        }
        let readme = String::from_utf8_lossy(&files["README.md"]).into_owned();
        let row = format!("(`{component}`) | `{}`", property.replace('_', "\\_"));
        assert!(
            !readme.contains(&row),
            "{model}: {row} still listed as not generated"
        );
    }
}

/// Every RDS instance takes a parameter group of its engine's family that requires TLS and
/// logs slow statements; read replicas share their primary's.
#[test]
fn databases_require_tls_and_log_slow_queries() {
    let files = terraform(sample("ecommerce"), Cloud::Aws);
    let blocks = blocks_of(&files);
    let group = unaligned(body(&blocks, "aws_db_parameter_group.catalog_db"));
    for snippet in [
        "family = \"postgres16\"",
        "name = \"rds.force_ssl\"",
        "name = \"log_min_duration_statement\"",
    ] {
        assert!(group.contains(snippet), "{snippet} in {group}");
    }
    for address in [
        "aws_db_instance.catalog_db",
        "aws_db_instance.catalog_db_read",
    ] {
        assert!(
            unaligned(body(&blocks, address))
                .contains("parameter_group_name = aws_db_parameter_group.catalog_db.name"),
            "{address}"
        );
    }
}

/// The cost analysis prices the instance types the Terraform deploys: each size map in
/// `variables.tf` names exactly the types the price table lists for its services.
#[test]
fn the_price_table_prices_the_instance_types_the_terraform_deploys() {
    use archsmith::analysis::prices::Prices;
    use archsmith::catalog::Recipe;
    let prices = Prices::builtin();
    let maps = [
        (Cloud::Aws, "db_instance_class", Recipe::RdsPostgresql),
        (Cloud::Aws, "db_instance_class", Recipe::RdsMysql),
        (Cloud::Aws, "cache_node_type", Recipe::ElasticacheRedis),
        (Cloud::Aws, "cache_node_type", Recipe::ElasticacheMemcached),
        (Cloud::Aws, "docdb_instance_class", Recipe::Documentdb),
        (Cloud::Aws, "search_instance_type", Recipe::Opensearch),
        (Cloud::Aws, "kafka_instance_type", Recipe::Msk),
        (Cloud::Gcp, "db_tier", Recipe::CloudSqlPostgresql),
        (Cloud::Gcp, "db_tier", Recipe::CloudSqlMysql),
        (Cloud::Azure, "db_sku", Recipe::PostgresqlFlexible),
        (Cloud::Azure, "db_sku", Recipe::MysqlFlexible),
    ];
    let sample = samples::samples().first().expect("a sample");
    for (cloud, variable, recipe) in maps {
        let files = terraform(sample.text, cloud);
        let deployed = variable_default(&files, variable).expect("size map");
        let instance = prices
            .service(recipe)
            .and_then(|p| p.instance.as_ref())
            .unwrap_or_else(|| panic!("{recipe:?} has instance prices"));
        let priced = format!(
            "{{{}}}",
            instance
                .all()
                .iter()
                .map(|(size, i)| format!("{size}=\"{}\"", i.0))
                .collect::<Vec<_>>()
                .join("")
        );
        assert_eq!(deployed, priced, "{cloud:?} {variable} vs {recipe:?}");
    }
    // OpenSearch's dedicated masters: the type the table prices.
    let masters = prices
        .service(Recipe::Opensearch)
        .and_then(|p| p.control_nodes.as_ref())
        .expect("OpenSearch masters priced");
    let files = terraform(sample.text, Cloud::Aws);
    assert_eq!(
        variable_default(&files, "search_master_type"),
        Some(format!("\"{}\"", masters.instance))
    );
    // Own code: the Fargate task sizes are the vCPU and memory the table prices.
    let files = terraform(sample.text, Cloud::Aws);
    let sizes = &prices.own_code_sizes;
    let cpu = format!(
        "{{{}}}",
        sizes
            .all()
            .iter()
            .map(|(size, r)| format!("{size}={}", (r.vcpu * 1024.0) as i64))
            .collect::<Vec<_>>()
            .join("")
    );
    let memory = format!(
        "{{{}}}",
        sizes
            .all()
            .iter()
            .map(|(size, r)| format!("{size}={}", (r.gib * 1024.0) as i64))
            .collect::<Vec<_>>()
            .join("")
    );
    assert_eq!(
        variable_default(&files, "task_cpu").as_deref(),
        Some(cpu.as_str())
    );
    assert_eq!(
        variable_default(&files, "task_memory").as_deref(),
        Some(memory.as_str())
    );
}
