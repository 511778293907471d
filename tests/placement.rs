//! Where a component runs and what it carries, beyond its one network placement: trust-zone
//! and bounded-context memberships, and a broker's topics. Checked through the loader (with
//! file:line:col errors), the canonical format, edit operations and the rules that read them.

use archsmith::catalog::Catalog;
use archsmith::edit::{ComponentField, EditOp};
use archsmith::export::{ExportOptions, Output, find_exporter};
use archsmith::model::{ComponentId, GroupId, Topic};
use archsmith::{ArchGraph, format, rules};

const MODEL: &str = r#"#![enable(implicit_some)]
(
    version: 2,
    meta: (
        name: "Payments",
    ),
    groups: [
        (
            id: "app",
            kind: private_subnet,
            name: "App subnet",
            rect: (x: 0.0, y: 0.0, w: 800.0, h: 400.0),
        ),
        (
            id: "payments",
            kind: bounded_context,
            name: "Payments context",
            rect: (x: 0.0, y: 500.0, w: 300.0, h: 100.0),
        ),
        (
            id: "pci",
            kind: trust_zone,
            name: "PCI zone",
            rect: (x: 400.0, y: 500.0, w: 300.0, h: 100.0),
        ),
    ],
    components: [
        (
            id: "api",
            kind: "service-go",
            name: "Payments API",
            group: "app",
            position: (x: 20.0, y: 20.0),
        ),
        (
            id: "events",
            kind: "kafka",
            name: "Payment events",
            group: "app",
            position: (x: 20.0, y: 200.0),
            topics: [(name: "payments.settled", partitions: 6, key: "payment id", dead_letter: "payments.settled.dlq"), (name: "payments.settled.dlq")],
        ),
        (
            id: "vault",
            kind: "service-rust",
            name: "Card vault",
            group: "app",
            member_of: ["payments", "pci"],
            position: (x: 400.0, y: 20.0),
        ),
    ],
    connections: [
        (
            id: "api-vault",
            from: "api",
            to: "vault",
            kind: "grpc",
            tls: true,
            properties: {"timeout_ms": 200},
        ),
    ],
)
"#;

fn load(text: &str) -> Result<archsmith::model::Document, format::LoadError> {
    format::from_str(text, "model.ron", Catalog::builtin())
}

#[test]
fn memberships_and_topics_load_and_save_canonically() {
    let doc = load(MODEL).expect("loads");
    assert_eq!(format::to_string(&doc), MODEL);
    let vault = doc.component("vault").expect("vault");
    assert_eq!(
        doc.membership_names(vault),
        ["Payments context", "PCI zone"]
    );
    let events = doc.component("events").expect("events");
    assert_eq!(
        events.topic("payments.settled").and_then(|t| t.partitions),
        Some(6)
    );
}

#[test]
fn the_design_document_counts_a_trust_zones_members_by_membership() {
    let doc = load(MODEL).expect("loads");
    let Output::Folder(files) = find_exporter("markdown")
        .expect("exporter")
        .export(&doc, Catalog::builtin(), &ExportOptions::default())
        .expect("exports")
    else {
        panic!("a folder");
    };
    let design = String::from_utf8_lossy(&files["design.md"]).into_owned();
    assert!(
        design.contains("- **PCI zone** (Trust zone): 1 component\n"),
        "{design}"
    );
}

#[test]
fn a_hop_into_a_trust_zone_by_membership_is_judged_as_one_into_the_zone() {
    let doc = load(MODEL).expect("loads");
    let report = rules::check(&ArchGraph::new(&doc, Catalog::builtin()));
    let hop: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "SEC012")
        .collect();
    assert_eq!(hop.len(), 1, "{:?}", report.findings);
    assert_eq!(hop[0].targets, ["api-vault"]);
    assert!(hop[0].message.contains("PCI zone"), "{}", hop[0].message);
}

#[test]
fn bad_memberships_and_topics_are_refused_with_their_place_in_the_file() {
    for (from, to, expected) in [
        (
            r#"member_of: ["payments", "pci"]"#,
            r#"member_of: ["app"]"#,
            "model.ron:48:13: component `vault` field `member_of`: `app` is not a trust zone or a bounded context",
        ),
        (
            r#"member_of: ["payments", "pci"]"#,
            r#"member_of: ["nowhere"]"#,
            "model.ron:48:13: `vault` field `member_of` refers to `nowhere`, which does not exist",
        ),
        (
            r#"dead_letter: "payments.settled.dlq""#,
            r#"dead_letter: "missing""#,
            "topic `payments.settled`: the dead letter `missing` is not a topic of this broker",
        ),
        (
            r#"(name: "payments.settled.dlq")"#,
            r#"(name: "payments.settled")"#,
            "topic `payments.settled`: the name is used twice",
        ),
        (
            r#"partitions: 6"#,
            r#"partitions: 0"#,
            "partitions must be between 1 and 100000, got 0",
        ),
    ] {
        assert!(MODEL.contains(from), "{from}");
        let text = MODEL.replacen(from, to, 1);
        let error = load(&text).expect_err("refused").to_string();
        assert!(error.contains(expected), "{expected}\n  not in\n{error}");
        assert!(error.starts_with("model.ron:"), "located: {error}");
    }
    let on_a_service = MODEL.replacen(
        r#"            member_of: ["payments", "pci"],"#,
        r#"            topics: [(name: "oops")],"#,
        1,
    );
    let error = load(&on_a_service).expect_err("refused").to_string();
    assert!(error.contains("only brokers carry topics"), "{error}");
}

#[test]
fn deleting_a_zone_drops_its_memberships_and_undo_brings_them_back() {
    let catalog = Catalog::builtin();
    let mut doc = load(MODEL).expect("loads");
    let before = doc.clone();
    let undo = EditOp::RemoveGroup(GroupId::new("pci").expect("id"))
        .apply(&mut doc, catalog)
        .expect("removes");
    let vault = doc.component("vault").expect("vault");
    assert_eq!(vault.member_of, [GroupId::new("payments").expect("id")]);
    undo.apply(&mut doc, catalog).expect("undoes");
    assert_eq!(doc, before);
}

#[test]
fn a_zone_with_members_keeps_a_kind_members_can_belong_to() {
    let catalog = Catalog::builtin();
    let mut doc = load(MODEL).expect("loads");
    let refused = EditOp::SetGroupField {
        id: GroupId::new("pci").expect("id"),
        field: archsmith::edit::GroupField::Kind(archsmith::model::GroupKind::PublicSubnet),
    }
    .apply(&mut doc, catalog);
    assert!(refused.is_err());
    assert_eq!(
        doc.group("pci").map(|g| g.kind),
        Some(archsmith::model::GroupKind::TrustZone)
    );
}

#[test]
fn topics_are_edited_as_one_undoable_field() {
    let catalog = Catalog::builtin();
    let mut doc = load(MODEL).expect("loads");
    let before = doc.clone();
    let undo = EditOp::SetComponentField {
        id: ComponentId::new("events").expect("id"),
        field: ComponentField::Topics(vec![Topic::new("b"), Topic::new("a")]),
    }
    .apply(&mut doc, catalog)
    .expect("applies");
    let names: Vec<&str> = doc
        .component("events")
        .expect("events")
        .topics
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(names, ["a", "b"], "kept sorted");
    undo.apply(&mut doc, catalog).expect("undoes");
    assert_eq!(doc, before);
    let not_a_broker = EditOp::SetComponentField {
        id: ComponentId::new("api").expect("id"),
        field: ComponentField::Topics(vec![Topic::new("x")]),
    }
    .apply(&mut doc, catalog);
    assert!(not_a_broker.is_err());
}

#[test]
fn a_zone_inside_a_components_placement_is_drawn_around_it_and_others_hang_as_tags() {
    let catalog = Catalog::builtin();
    // The PCI zone inside the app subnet the vault runs in; the payments context outside it.
    let text = MODEL.replacen(
        r#"            name: "PCI zone","#,
        r#"            name: "PCI zone",
            parent: "app","#,
        1,
    );
    let mut doc = load(&text).expect("loads");
    let vault = doc.component("vault").expect("vault");
    assert_eq!(doc.drawn_in(vault).map(GroupId::as_str), Some("pci"));
    let api = doc.component("api").expect("api");
    assert_eq!(doc.drawn_in(api).map(GroupId::as_str), Some("app"));

    let laid_out = archsmith::layout::layout(&doc, catalog, archsmith::layout::Spacing::default());
    laid_out
        .to_edit(&doc)
        .apply(&mut doc, catalog)
        .expect("a layout only moves elements");
    let rect_of = |id: &str| doc.group(id).map(|g| g.rect).expect("group");
    let (pci, app) = (rect_of("pci"), rect_of("app"));
    let vault = doc.component("vault").expect("vault").rect();
    let api = doc.component("api").expect("api").rect();
    assert_eq!(
        pci.union(vault),
        pci,
        "the zone holds the vault: {pci:?} {vault:?}"
    );
    assert_eq!(
        app.union(pci),
        app,
        "the subnet holds the zone: {app:?} {pci:?}"
    );
    assert_ne!(pci.union(api), pci, "the zone holds only its member");

    let Output::File(svg) = find_exporter("svg")
        .expect("exporter")
        .export(&doc, catalog, &ExportOptions::default())
        .expect("exports")
    else {
        panic!("one file");
    };
    let svg = String::from_utf8_lossy(&svg);
    // The zone's title, not a tag under the card it is drawn around; the context elsewhere
    // still hangs under it.
    assert_eq!(svg.matches(">PCI zone<").count(), 1, "{svg}");
    assert_eq!(svg.matches(">Payments context<").count(), 2, "{svg}");
}
