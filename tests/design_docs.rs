//! The design document: both formats for every sample, every section present and derived from
//! the model, deterministic output, and user text that stays text in Markdown and HTML.

use std::collections::BTreeMap;

use archsmith::catalog::Catalog;
use archsmith::export::{ExportOptions, Output, find_exporter};
use archsmith::{format, samples};

const HOSTILE: &str = include_str!("fixtures/hostile.ron");

const SECTIONS: [&str; 15] = [
    "Overview",
    "Architecture diagram",
    "Component inventory",
    "Data flows",
    "API surface per service",
    "Data stores",
    "Messaging",
    "Security",
    "Reliability and disaster recovery",
    "Scalability and performance",
    "Observability",
    "Deployment",
    "Open findings",
    "Decisions",
    "Glossary",
];

fn export(format_id: &str, text: &str) -> Output {
    let catalog = Catalog::builtin();
    let doc = format::from_str(text, "model.ron", catalog).expect("loads");
    find_exporter(format_id)
        .expect("registered")
        .export(&doc, catalog, &ExportOptions::default())
        .expect("exports")
}

fn markdown(text: &str) -> (String, BTreeMap<String, Vec<u8>>) {
    match export("markdown", text) {
        Output::Folder(files) => {
            let md = String::from_utf8(files["design.md"].clone()).expect("utf-8");
            (md, files)
        }
        Output::File(_) => panic!("a folder"),
    }
}

fn html(text: &str) -> String {
    match export("html", text) {
        Output::File(bytes) => String::from_utf8(bytes).expect("utf-8"),
        Output::Folder(_) => panic!("one file"),
    }
}

#[test]
fn every_sample_has_both_formats_with_every_section_deterministically() {
    for sample in samples::samples() {
        let (md, files) = markdown(sample.text);
        let mut expected = vec!["design.md".to_owned(), "diagram.svg".to_owned()];
        let doc = format::from_str(sample.text, "sample.ron", Catalog::builtin()).expect("loads");
        expected.extend(doc.views().iter().map(|v| format!("views/{}.svg", v.id)));
        assert_eq!(
            files.keys().cloned().collect::<Vec<_>>(),
            expected,
            "{}: the document's diagram and one per view",
            sample.name
        );
        for view in doc.views() {
            assert!(
                md.contains(&format!("](views/{}.svg)", view.id)),
                "{}: the document shows view {}",
                sample.name,
                view.id
            );
        }
        assert!(md.contains("![Architecture diagram of "), "{}", sample.name);
        let page = html(sample.text);
        for section in SECTIONS {
            assert!(
                md.contains(&format!("\n## {section}\n")),
                "{}: {section}",
                sample.name
            );
            let anchor = section.to_lowercase().replace(' ', "-");
            assert!(
                md.contains(&format!("(#{anchor})")),
                "{}: contents link",
                sample.name
            );
            assert!(
                page.contains(&format!(r#"<h2 id="{anchor}">"#)),
                "{}: html anchor {anchor}",
                sample.name
            );
            assert!(page.contains(&format!(r##"href="#{anchor}""##)));
        }
        assert!(page.contains("<svg xmlns="), "the diagram is inline");
        assert!(
            !page.contains("src=\"http") && !page.contains("@import"),
            "self-contained"
        );
        assert_eq!(
            markdown(sample.text).0,
            md,
            "{} markdown is deterministic",
            sample.name
        );
        assert_eq!(
            html(sample.text),
            page,
            "{} html is deterministic",
            sample.name
        );
    }
}

#[test]
fn the_ecommerce_document_explains_the_system() {
    let (md, _) = markdown(include_str!("../samples/ecommerce.ron"));
    for expected in [
        "| Peak load | 50000 requests/s |",
        "- Web storefront → CloudFront\n  - → Assets bucket\n  - → AWS WAF → Public ALB → Storefront BFF\n",
        "    - → Checkout service\n      - → Cart service → Session \\& cart cache\n      - → Order service → Orders DB\n",
        "Order service publishes to topic orders.placed on Order events (MSK), consumed by Inventory worker, Notification worker",
        "| **Orders DB** | PostgreSQL | 2 instances, multi-AZ | yes, with point-in-time recovery | yes | Order service |",
        "| **Order events (MSK)** | Kafka | orders.placed (12 partitions, keyed by order id) | OrdersPlaced | Order service | Inventory worker, Notification worker | orders.placed.dlq |",
        "| **Order events (MSK)** | Kafka | orders.placed.dlq (1 partition) | OrdersPlaced | - | - | dead letters of orders.placed |",
        "| Storefront BFF | gRPC | - | mTLS | yes |",
        "### adr-001: Use Kafka for order events",
        "| **Orders DB** | RDS for PostgreSQL | Cloud SQL for PostgreSQL | PostgreSQL Flexible Server |",
        "waived: Order reads are per customer",
        "allows about 22 minutes of downtime",
    ] {
        assert!(md.contains(expected), "missing: {expected}");
    }
}

#[test]
fn call_chains_nest_shared_prefixes_in_both_formats() {
    let sample = include_str!("../samples/ecommerce.ron");
    let page = html(sample);
    assert!(
        page.contains("<li>→ AWS WAF → Public ALB → Storefront BFF\n<ul>\n<li>→ Cart service"),
        "a branch point opens a nested list inside its item"
    );
    let (md, _) = markdown(sample);
    assert_eq!(
        md.matches("\n  - → AWS WAF → Public ALB → Storefront BFF\n")
            .count(),
        2,
        "the shared prefix appears once per entry point (web and mobile)"
    );
}

#[test]
fn hostile_names_stay_text_in_markdown() {
    let (md, _) = markdown(HOSTILE);
    assert!(!md.contains("<script>"), "no raw markup");
    assert!(
        md.contains(r"\<script\>alert(1)\</script\>"),
        "the name is kept, escaped"
    );
    // Every row of a table has as many cell separators as its header: a pipe in a name is
    // escaped (preceded by an odd number of backslashes).
    let separators = |line: &str| {
        let bytes = line.as_bytes();
        (0..bytes.len())
            .filter(|&i| bytes[i] == b'|')
            .filter(|&i| bytes[..i].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 0)
            .count()
    };
    let mut header = None;
    for line in md.lines() {
        if !line.starts_with('|') {
            header = None;
            continue;
        }
        let count = separators(line);
        let expected = *header.get_or_insert(count);
        assert_eq!(count, expected, "a name split a table row: {line}");
    }
    for line in md.lines() {
        assert!(
            !line.starts_with("# ") || line.contains(" design"),
            "a name became a heading: {line}"
        );
        assert!(
            !line.starts_with("- -") && !line.starts_with("```"),
            "{line}"
        );
    }
    assert_eq!(
        md.matches("\n# ").count() + usize::from(md.starts_with("# ")),
        1,
        "one H1"
    );
}

#[test]
fn hostile_names_stay_text_in_html() {
    let page = html(HOSTILE);
    assert!(!page.contains("<script"), "no script element");
    assert!(page.contains("&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    // The page's, the diagram's and the tooltips of shortened captions: each holds text
    // only, so no name opened or closed one.
    assert_eq!(
        page.matches("<title>").count(),
        page.matches("</title>").count()
    );
    for title in page.split("<title>").skip(1) {
        let text = title.split("</title>").next().unwrap_or_default();
        assert!(!text.contains('<'), "markup in a title: {text}");
    }
}

/// The reviewer of the ride-hailing model found the document saying "Single points of
/// failure: None" next to a single-instance error, and counting fewer stores than its own
/// table lists.
#[test]
fn the_reliability_prose_agrees_with_the_findings_and_the_store_table() {
    let (md, _) = markdown(include_str!("fixtures/reference/ridehail.ron"));
    let spofs = md
        .split("Single points of failure:")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").nth(1))
        .expect("a list after the heading");
    assert!(
        spofs.contains("**Driver geo index** (Redis) keeps state on a single instance"),
        "{spofs}"
    );
    let table = md
        .split("## Data stores")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("a data stores section");
    let rows = table.lines().filter(|l| l.starts_with("| **")).count();
    assert!(
        md.contains(&format!(" of {rows} data stores; ")),
        "the backups sentence counts the {rows} stores of the table"
    );
    assert!(md.contains(&format!(" of {rows} data stores encrypt at rest")));
}

/// The disaster-recovery part states each store's recovery against the objectives and the
/// backups the Terraform export sets, with the retention it writes.
#[test]
fn disaster_recovery_states_the_backups_the_terraform_sets() {
    let text = include_str!("../samples/ecommerce.ron");
    let (md, _) = markdown(text);
    let section = md
        .split("## Reliability and disaster recovery")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("the section");
    assert!(section.contains("### Recovery per store"), "{section}");
    assert!(section.contains(
        "| Datastore | Instance or zone lost | Region lost | Corruption | Meets the objectives |"
    ));
    assert!(section.contains("### Backups as deployed"));
    let Output::Folder(terraform) = export("terraform", text) else {
        panic!("a folder");
    };
    let data = String::from_utf8_lossy(&terraform["data.tf"]).into_owned();
    let orders = data
        .split("resource \"aws_db_instance\" \"orders_db\"")
        .nth(1)
        .expect("the Orders DB instance");
    let days: u32 = orders
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("backup_retention_period")?
                .trim()
                .strip_prefix('=')?
                .trim()
                .parse()
                .ok()
        })
        .expect("a retention");
    let row = section
        .lines()
        .find(|l| l.starts_with("| **Orders DB** | RDS"))
        .unwrap_or_else(|| panic!("a backups row for Orders DB: {section}"));
    assert!(
        row.contains(&format!(
            "| {days} days | to any second within the retention | no | `backup_retention_period` |"
        )),
        "{row}"
    );
    assert!(!md.contains("## Analyses\n\n### Recovery"), "stated once");
}

/// The Deployment table says what the Terraform makes of the team's code inside a
/// Kubernetes boundary: a Deployment on the cloud's cluster, not the serverless platform.
#[test]
fn services_in_a_cluster_are_deployed_on_it_in_the_deployment_table() {
    let (md, _) = markdown(include_str!("fixtures/reference/chat.ron"));
    let section = md
        .split("## Deployment")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("the section");
    assert!(
        section.contains("| Deployment on EKS | Deployment on GKE | Deployment on AKS |"),
        "{section}"
    );
}

/// A model built in code: a client calling a gateway that fans out to four services, each
/// querying four databases (16 chains), and a broker with two topics read by different
/// consumers.
fn fan_out_model() -> String {
    let mut components = vec![
        r#"(id: "app", kind: "web-client", name: "App", position: (x: 0.0, y: 0.0))"#.to_owned(),
        r#"(id: "gw", kind: "api-gateway", name: "Gateway", position: (x: 0.0, y: 0.0))"#.to_owned(),
        r#"(id: "bus", kind: "kafka", name: "Bus", position: (x: 0.0, y: 0.0), topics: [(name: "orders", dead_letter: "dlq"), (name: "payments", dead_letter: "dlq"), (name: "dlq")])"#.to_owned(),
        r#"(id: "order-reader", kind: "worker", name: "Order reader", position: (x: 0.0, y: 0.0))"#.to_owned(),
        r#"(id: "payment-reader", kind: "worker", name: "Payment reader", position: (x: 0.0, y: 0.0))"#.to_owned(),
    ];
    let mut connections = vec![
        r#"(id: "app-gw", from: "app", to: "gw", kind: "http")"#.to_owned(),
        r#"(id: "s0-bus", from: "s0", to: "bus", kind: "publish", properties: {"topic": "orders"})"#.to_owned(),
        r#"(id: "order-reader-bus", from: "order-reader", to: "bus", kind: "consume", properties: {"topic": "orders"})"#.to_owned(),
        r#"(id: "payment-reader-bus", from: "payment-reader", to: "bus", kind: "consume", properties: {"topic": "payments"})"#.to_owned(),
    ];
    for s in 0..4 {
        components.push(format!(
            r#"(id: "s{s}", kind: "service-go", name: "Service {s}", position: (x: 0.0, y: 0.0))"#
        ));
        connections.push(format!(
            r#"(id: "gw-s{s}", from: "gw", to: "s{s}", kind: "http")"#
        ));
        for d in 0..4 {
            components.push(format!(
                r#"(id: "db{s}{d}", kind: "postgresql", name: "DB {s}{d}", position: (x: 0.0, y: 0.0))"#
            ));
            connections.push(format!(
                r#"(id: "s{s}-db{s}{d}", from: "s{s}", to: "db{s}{d}", kind: "db_query")"#
            ));
        }
    }
    format!(
        "(version: 2, meta: (name: \"Fan-out\"), components: [{}], connections: [{}])",
        components.join(", "),
        connections.join(", ")
    )
}

#[test]
fn data_flows_say_what_they_leave_out_and_match_consumers_by_topic() {
    let (md, _) = markdown(&fan_out_model());
    assert!(
        md.contains("And 4 more chains from App: the 12 longest are shown."),
        "{md}"
    );
    assert!(
        md.contains("Service 0 publishes to topic orders on Bus, consumed by Order reader\n"),
        "the payments topic's reader does not read orders: {md}"
    );
}

#[test]
fn the_api_surface_names_each_route_and_where_callers_were_authenticated() {
    let (md, _) = markdown(include_str!("../samples/social-api.ron"));
    assert!(
        md.contains("| API gateway | HTTP/REST | /v2/posts | JWT | yes |"),
        "{md}"
    );
    // The load balancer requires authentication of its callers: its hop to the gateway
    // carries no credential of its own, and the document says where callers were checked.
    assert!(
        md.contains(
            "| HTTPS load balancer | HTTP/REST | - | callers authenticated at HTTPS load balancer | yes |"
        ),
        "{md}"
    );
}
