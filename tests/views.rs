//! Views: focused diagrams of one model, stored in the file, drawn by every diagram export.

use archsmith::catalog::Catalog;
use archsmith::edit::EditOp;
use archsmith::export::{ExportOptions, Output, find_exporter};
use archsmith::model::{ComponentId, Document, Point, View, ViewId, ViewLevel};
use archsmith::{format, samples, view};

fn sample(name: &str) -> Document {
    let sample = samples::samples()
        .iter()
        .find(|s| s.name == name)
        .expect("sample exists");
    format::from_str(sample.text, "sample.ron", Catalog::builtin()).expect("loads")
}

fn ids(doc: &Document) -> Vec<&str> {
    doc.components().iter().map(|c| c.id.as_str()).collect()
}

fn projection(doc: &Document, id: &str) -> view::Projection {
    let view = view::find(doc, id).expect("view exists");
    view::project(doc, Catalog::builtin(), view)
}

#[test]
fn a_context_view_folds_the_system_into_one_box_among_clients_and_third_parties() {
    let doc = sample("ecommerce");
    let drawn = projection(&doc, "context").doc;
    assert_eq!(
        ids(&drawn),
        ["email", "mobile", "pagerduty", "psp", "system", "web"]
    );
    let system = drawn.component("system").expect("the system box");
    assert_eq!(system.kind.as_str(), view::SYSTEM_KIND);
    assert_eq!(system.name, doc.meta.name);
    assert!(drawn.groups().is_empty(), "no boundaries in a context view");
    // The web client's DNS lookup and HTTP calls into the system become one arrow.
    let pairs: Vec<(&str, &str)> = drawn
        .connections()
        .iter()
        .map(|c| (c.from.as_str(), c.to.as_str()))
        .collect();
    assert_eq!(
        pairs.iter().filter(|p| **p == ("web", "system")).count(),
        1,
        "{pairs:?}"
    );
    assert!(pairs.contains(&("system", "psp")));
    assert!(pairs.iter().all(|(a, b)| a != b), "no arrow into itself");
    let web = drawn
        .connections()
        .iter()
        .find(|c| c.from.as_str() == "web")
        .expect("web calls the system");
    // The DNS name is not the HTTP arrow's label: labels of calls of another kind are left.
    assert_eq!(web.label, "", "{web:?}");
}

#[test]
fn a_container_view_groups_by_bounded_context_and_leaves_networks_out() {
    let doc = sample("payments-cqrs");
    let drawn = projection(&doc, "contexts").doc;
    let mut kinds: Vec<_> = drawn.groups().iter().map(|g| g.kind.label()).collect();
    kinds.sort_unstable();
    assert_eq!(
        kinds,
        [
            "Bounded context",
            "Bounded context",
            "Bounded context",
            "Trust zone"
        ]
    );
    assert!(drawn.component("otel").is_none(), "excluded");
    assert!(
        drawn.component("apim").is_some(),
        "a neighbour of the selected contexts is shown"
    );
    // Every box inside a boundary lies inside its rectangle.
    for component in drawn.components() {
        for group in drawn.group_chain(component.group.as_ref()) {
            let (r, g) = (component.rect(), group.rect);
            assert!(
                r.x >= g.x && r.y >= g.y && r.x + r.w <= g.x + g.w && r.y + r.h <= g.y + g.h,
                "{} outside {}",
                component.id,
                group.id
            );
        }
    }
}

#[test]
fn a_deployment_view_keeps_the_network_placement_of_what_it_selects() {
    let doc = sample("ecommerce");
    let drawn = projection(&doc, "observability").doc;
    assert_eq!(
        ids(&drawn),
        [
            "alertmanager",
            "grafana",
            "jaeger",
            "otel",
            "pagerduty",
            "prometheus"
        ]
    );
    let mut groups: Vec<&str> = drawn.groups().iter().map(|g| g.id.as_str()).collect();
    groups.sort_unstable();
    assert_eq!(groups, ["ops", "us-east-1", "vpc"]);
    assert!(drawn.meta.name.ends_with(": Monitoring stack"));
}

#[test]
fn a_dynamic_view_numbers_the_request_flow_in_the_order_it_happens() {
    let doc = sample("ecommerce");
    let projection = projection(&doc, "checkout-flow");
    let steps: Vec<&str> = projection.steps.iter().map(|s| s.as_str()).collect();
    // The name is resolved first; the lookup does not lead the walk into DNS's own records.
    assert_eq!(&steps[..3], ["web-dns", "web-cdn", "cdn-waf"]);
    assert!(!steps.contains(&"dns-cdn"));
    // The selection keeps the flow to checkout: no static assets, no catalog browsing.
    assert!(!steps.contains(&"cdn-assets") && !steps.contains(&"storefront-bff-catalog-svc"));
    // A caller's calls in request order: the session cache before the services, the
    // database write before the event announcing it, internal services before the provider.
    let at = |id: &str| steps.iter().position(|s| *s == id).expect(id);
    assert!(at("storefront-bff-redis") < at("storefront-bff-checkout-svc"));
    // The model's stated order wins (payment before the order is placed), and an excluded
    // connection (the storefront's own cart route) is not taken.
    assert!(at("checkout-svc-payment-svc") < at("checkout-svc-orders-svc"));
    assert!(!steps.contains(&"storefront-bff-cart-svc"));
    assert!(at("orders-svc-orders-db") < at("orders-svc-order-events"));
    // A publish is followed by each consumer of its topic in turn, with what it calls.
    assert_eq!(
        at("inventory-worker-order-events"),
        at("orders-svc-order-events") + 1
    );
    assert_eq!(
        at("inventory-worker-catalog-db"),
        at("inventory-worker-order-events") + 1
    );
    assert!(at("notification-worker-order-events") > at("inventory-worker-catalog-db"));
    // A consume is drawn the way the message goes: from the broker to the worker.
    let consume = projection
        .doc
        .connection("inventory-worker-order-events")
        .expect("drawn");
    let (from, to) = Catalog::builtin().drawn_ends(consume);
    assert_eq!(
        (from.as_str(), to.as_str()),
        ("order-events", "inventory-worker")
    );
    // Telemetry and calls made once at start-up (secrets, token keys) are not steps.
    assert!(steps.iter().all(|s| !s.ends_with("-otel")));
    assert!(!steps.contains(&"payment-svc-secrets"));
    assert!(!steps.contains(&"storefront-bff-idp"));
    // Every step is labelled with its number.
    for (n, id) in steps.iter().enumerate() {
        let label = &projection.doc.connection(id).expect("drawn").label;
        assert_eq!(
            view::split_step(label).0,
            Some((n + 1).to_string().as_str())
        );
    }
}

#[test]
fn step_numbers_lead_the_caption() {
    assert_eq!(
        view::split_step("12. reserve stock"),
        (Some("12"), "reserve stock")
    );
    assert_eq!(view::split_step("3."), (Some("3"), ""));
    assert_eq!(view::split_step("3.5 ms budget"), (None, "3.5 ms budget"));
    assert_eq!(view::split_step("v2. api"), (None, "v2. api"));
    let svg = export(&sample_text("ecommerce"), "svg", Some("checkout-flow"));
    assert!(
        svg.contains(">3. CDN origin: /api/*<"),
        "step first, then kind and label"
    );
}

fn sample_text(name: &str) -> String {
    samples::samples()
        .iter()
        .find(|s| s.name == name)
        .expect("sample exists")
        .text
        .to_owned()
}

/// A model's text exported to a one-file format, drawing one view when `view_id` names it.
fn export(text: &str, format_id: &str, view_id: Option<&str>) -> String {
    let catalog = Catalog::builtin();
    let doc = format::from_str(text, "model.ron", catalog).expect("loads");
    let drawn = match view_id {
        Some(id) => view::project(&doc, catalog, view::find(&doc, id).expect("view")).doc,
        None => doc,
    };
    export_doc(&drawn, format_id)
}

fn export_doc(doc: &Document, format_id: &str) -> String {
    let exporter = find_exporter(format_id).expect("format");
    match exporter
        .export(doc, Catalog::builtin(), &ExportOptions::default())
        .expect("exports")
    {
        Output::File(bytes) => String::from_utf8(bytes).expect("utf-8"),
        Output::Folder(_) => panic!("one file"),
    }
}

#[test]
fn views_round_trip_canonically_and_a_view_moves_its_boxes_only() {
    let catalog = Catalog::builtin();
    let text = r#"(
    version: 2,
    meta: (name: "Shop"),
    components: [
        (id: "api", kind: "service-go", name: "API", position: (x: 10.0, y: 20.0)),
        (id: "db", kind: "postgresql", name: "DB", position: (x: 300.0, y: 20.0), tags: ["core"]),
    ],
    connections: [(id: "api-db", from: "api", to: "db", kind: "db_query")],
    views: [
        (id: "zeta", name: "Data", level: deployment, select: (traits: ["datastore", "compute"], tags: ["core"], components: ["db", "api"])),
        (id: "alpha", name: "Context", level: context, layout: {"system": (x: 5.0, y: 6.0)}),
    ],
)"#;
    let doc = format::from_str(text, "model.ron", catalog).expect("loads");
    assert_eq!(
        doc.views()
            .iter()
            .map(|v| v.id.as_str())
            .collect::<Vec<_>>(),
        ["alpha", "zeta"]
    );
    let saved = format::to_string(&doc);
    let again = format::from_str(&saved, "model.ron", catalog).expect("reloads");
    assert_eq!(format::to_string(&again), saved, "canonical");
    assert!(
        saved.contains(r#"traits: ["compute", "datastore"]"#),
        "{saved}"
    );

    // Moving a box in a view stores it in the view; the model's drawing is untouched.
    let mut doc = again;
    let mut moved = doc.view("zeta").expect("view").clone();
    moved
        .layout
        .insert("db".to_owned(), Point::new(900.0, 40.0));
    EditOp::PutView(Box::new(moved))
        .apply(&mut doc, catalog)
        .expect("applies");
    let drawn = view::project(&doc, catalog, doc.view("zeta").expect("view")).doc;
    assert_eq!(
        drawn.component("db").expect("shown").position,
        Point::new(900.0, 40.0)
    );
    assert_eq!(
        doc.component("db").expect("exists").position,
        Point::new(300.0, 20.0)
    );
}

#[test]
fn deleting_a_component_drops_it_from_views_and_undo_puts_it_back() {
    let catalog = Catalog::builtin();
    let mut doc = sample("ecommerce");
    let before = doc.clone();
    let inverse = EditOp::RemoveComponent(ComponentId::new("pagerduty").expect("id"))
        .apply(&mut doc, catalog)
        .expect("applies");
    let observability = doc.view("observability").expect("view");
    assert!(observability.select.components.is_empty());
    assert!(
        archsmith::validate::check_document(catalog, &doc).is_empty(),
        "no view refers to a component that is gone"
    );
    inverse.apply(&mut doc, catalog).expect("undo");
    assert_eq!(doc, before);
}

#[test]
fn a_view_naming_what_does_not_exist_is_refused_with_its_place_in_the_file() {
    let catalog = Catalog::builtin();
    let text = "(\n    version: 2,\n    meta: (name: \"Shop\"),\n    components: [(id: \"api\", kind: \"service-go\", name: \"API\", position: (x: 0.0, y: 0.0))],\n    views: [\n        (id: \"flow\", name: \"Flow\", flow: \"nobody\", select: (traits: [\"datastoer\"], kinds: [\"postgres\"])),\n    ],\n)";
    let error = format::from_str(text, "model.ron", catalog).expect_err("refused");
    let problems = error.problems();
    let messages: Vec<String> = problems.iter().map(|p| p.message.clone()).collect();
    assert_eq!(problems.len(), 3, "{messages:?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`flow` refers to `nobody`"))
    );
    assert!(messages.iter().any(|m| m.contains("`datastoer`")));
    assert!(messages.iter().any(|m| m.contains("`postgres`")));
    for problem in problems {
        let location = problem.location.as_ref().expect("located");
        assert_eq!(location.line, 6, "{problem:?}");
    }
    // Ids are shared with the other elements.
    let clash = text.replace("id: \"flow\"", "id: \"api\"").replace(
        ", flow: \"nobody\", select: (traits: [\"datastoer\"], kinds: [\"postgres\"])",
        "",
    );
    let error = format::from_str(&clash, "model.ron", catalog).expect_err("refused");
    assert!(error.to_string().contains("duplicate id `api`"), "{error}");
}

#[test]
fn hostile_view_names_stay_text_in_every_diagram() {
    let catalog = Catalog::builtin();
    let mut doc = sample("ecommerce");
    let mut hostile = View::new(
        ViewId::new("hostile").expect("id"),
        "</title><script>alert(1)</script> ${x} \u{1b}[31m",
        ViewLevel::Container,
    );
    hostile.select.components = vec![ComponentId::new("web").expect("id")];
    hostile.select.neighbours = true;
    let refused = EditOp::PutView(Box::new(hostile.clone())).apply(&mut doc, catalog);
    assert!(
        refused.is_err(),
        "control characters are refused like any name"
    );
    hostile.name = "</title><script>alert(1)</script> ${x}".to_owned();
    EditOp::PutView(Box::new(hostile))
        .apply(&mut doc, catalog)
        .expect("applies");
    let text = format::to_string(&doc);
    let svg = export(&text, "svg", Some("hostile"));
    assert!(!svg.contains("<script>"));
    let dsl = export_doc(&doc, "structurizr");
    assert!(!dsl.contains("${x}"));
}

#[test]
fn structurizr_writes_each_view_as_a_view_of_its_kind() {
    let dsl = export_doc(&sample("ecommerce"), "structurizr");
    assert!(dsl.contains("systemContext system \"context\" \"System context\" {"));
    assert!(dsl.contains("container system \"services\" \"Services and data\" {"));
    assert!(dsl.contains("deployment system \"Live\" \"observability\" \"Monitoring stack\" {"));
    assert!(dsl.contains("dynamic system \"checkout-flow\" \"Checkout request flow\" {"));
    assert!(dsl.contains("= softwareSystem \"Payment provider\""));
    // Clients are drawn outside the system, as the context view draws them.
    assert!(dsl.contains("= softwareSystem \"Web storefront\""));
    // Structurizr refuses nested groups without a separator.
    assert!(dsl.contains("\"structurizr.groupSeparator\" \"|\""));
    assert!(dsl.contains("= deploymentNode \"Ops subnet\""));
    // Braces balance: every block is closed.
    assert_eq!(dsl.matches('{').count(), dsl.matches('}').count());
}

#[test]
fn every_view_of_every_sample_exports_to_every_diagram_format() {
    let catalog = Catalog::builtin();
    for sample in samples::samples() {
        let doc = format::from_str(sample.text, "sample.ron", catalog).expect("loads");
        for view in doc.views() {
            let drawn = view::project(&doc, catalog, view);
            assert!(
                !drawn.doc.components().is_empty(),
                "{} {}: shows something",
                sample.name,
                view.id
            );
            for exporter in archsmith::export::registry()
                .iter()
                .filter(|e| e.draws_views())
            {
                let first = exporter
                    .export(&drawn.doc, catalog, &ExportOptions::default())
                    .unwrap_or_else(|e| {
                        panic!("{} {} {}: {e}", sample.name, view.id, exporter.id())
                    });
                let again = exporter
                    .export(
                        &view::project(&doc, catalog, view).doc,
                        catalog,
                        &ExportOptions::default(),
                    )
                    .expect("exports");
                assert!(
                    first == again,
                    "{} {} {}: deterministic",
                    sample.name,
                    view.id,
                    exporter.id()
                );
            }
        }
    }
}

#[test]
fn deleting_a_connection_a_flow_excludes_drops_it_from_the_view_and_undo_restores_it() {
    let catalog = Catalog::builtin();
    let mut doc = sample("ecommerce");
    let before = doc.clone();
    let id = archsmith::model::ConnectionId::new("storefront-bff-cart-svc").expect("id");
    let inverse = EditOp::Disconnect(id)
        .apply(&mut doc, catalog)
        .expect("applies");
    let flow = doc.view("checkout-flow").expect("view");
    assert!(
        flow.select
            .exclude
            .iter()
            .all(|c| c.as_str() != "storefront-bff-cart-svc")
    );
    assert!(archsmith::validate::check_document(catalog, &doc).is_empty());
    inverse.apply(&mut doc, catalog).expect("undo");
    assert_eq!(doc, before);
    // Deleting the storefront takes the connection with it, and the view's exclusion too.
    let inverse = EditOp::RemoveComponent(ComponentId::new("storefront-bff").expect("id"))
        .apply(&mut doc, catalog)
        .expect("applies");
    assert!(archsmith::validate::check_document(catalog, &doc).is_empty());
    inverse.apply(&mut doc, catalog).expect("undo");
    assert_eq!(doc, before);
}

#[test]
fn a_component_reached_again_makes_its_calls_again_and_the_arrow_carries_both_numbers() {
    let doc = sample("social-api");
    let projection = projection(&doc, "post-flow");
    let reads: Vec<usize> = projection
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.as_str() == "users-svc-users-db")
        .map(|(n, _)| n + 1)
        .collect();
    // The author lookup reads the users database, and so does the fan-out's follower query.
    assert_eq!(reads.len(), 2, "{:?}", projection.steps);
    let label = &projection
        .doc
        .connection("users-svc-users-db")
        .expect("drawn")
        .label;
    let numbers = format!("{}, {}", reads[0], reads[1]);
    assert_eq!(view::split_step(label).0, Some(numbers.as_str()));
    assert_eq!(view::split_step("6, 12. reads"), (Some("6, 12"), "reads"));
    // A consumer's reading from the broker is how it is reached, once.
    assert_eq!(
        projection
            .steps
            .iter()
            .filter(|s| s.as_str() == "fanout-worker-post-events")
            .count(),
        1
    );
}

#[test]
fn a_flow_on_a_big_model_stops_at_its_step_cap() {
    let catalog = Catalog::builtin();
    let mut doc = samples::synthetic(2_000, 4_000);
    let entry = doc.components()[0].id.clone();
    let mut flow = View::new(
        ViewId::new("flow").expect("id"),
        "Flow",
        ViewLevel::Container,
    );
    flow.flow = Some(entry);
    EditOp::PutView(Box::new(flow))
        .apply(&mut doc, catalog)
        .expect("applies");
    let projection = view::project(&doc, catalog, doc.view("flow").expect("view"));
    assert!(projection.steps.len() <= view::MAX_FLOW_STEPS);
    assert!(!projection.steps.is_empty());
}

#[test]
fn a_view_edited_out_of_order_saves_canonically() {
    let catalog = Catalog::builtin();
    let mut doc = sample("ecommerce");
    let mut view = View::new(
        ViewId::new("picked").expect("id"),
        "Picked",
        ViewLevel::Container,
    );
    // The editor appends a dropped component at the end of the list.
    view.select.components = ["web", "cdn", "alb"]
        .into_iter()
        .map(|id| ComponentId::new(id).expect("id"))
        .collect();
    EditOp::PutView(Box::new(view))
        .apply(&mut doc, catalog)
        .expect("applies");
    let saved = format::to_string(&doc);
    let reloaded = format::from_str(&saved, "model.ron", catalog).expect("loads");
    assert_eq!(
        format::to_string(&reloaded),
        saved,
        "load then save gives the same bytes"
    );
}

/// The ride-hailing reference model: trip events lead back to services that publish them
/// again. Each publish and each delivery to a consumer happens once in a flow, so the flow
/// ends on its own instead of looping until the step cap.
#[test]
fn a_flow_through_event_loops_delivers_each_message_once() {
    let catalog = Catalog::builtin();
    let mut doc = format::from_str(
        include_str!("fixtures/reference/ridehail.ron"),
        "ridehail.ron",
        catalog,
    )
    .expect("loads");
    let mut flow = View::new(
        ViewId::new("ride").expect("id"),
        "Ride",
        ViewLevel::Container,
    );
    flow.flow = Some(ComponentId::new("rider-app").expect("id"));
    EditOp::PutView(Box::new(flow))
        .apply(&mut doc, catalog)
        .expect("applies");
    let projection = view::project(&doc, catalog, doc.view("ride").expect("view"));
    assert!(
        projection.steps.len() < 100,
        "{} steps",
        projection.steps.len()
    );
    for connection in doc.connections() {
        if catalog.style(connection) != Some(archsmith::catalog::ConnectionStyle::Sync) {
            let taken = projection
                .steps
                .iter()
                .filter(|s| **s == connection.id)
                .count();
            assert!(taken <= 1, "{} taken {taken} times", connection.id);
        }
    }
}
