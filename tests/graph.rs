//! Graph queries over a sample.

use archsmith::ArchGraph;
use archsmith::catalog::{Catalog, Trait};
use archsmith::edit::EditOp;
use archsmith::format;
use archsmith::model::{ComponentId, Connection, ConnectionId, ConnectionKindId, Document};
use archsmith::samples::sample;
use petgraph::Direction;

fn load(name: &str) -> Document {
    let sample = sample(name).expect("sample");
    format::from_str(sample.text, sample.name, Catalog::builtin()).expect("loads")
}

#[test]
fn neighbours_by_connection_kind() {
    let doc = load("ecommerce");
    let graph = ArchGraph::new(&doc, Catalog::builtin());
    let grpc: Vec<_> = graph
        .neighbours("storefront-bff", Direction::Outgoing, Some("grpc"))
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(grpc, ["cart-svc", "catalog-svc", "checkout-svc"]);
    let consumers: Vec<_> = graph
        .neighbours("order-events", Direction::Incoming, Some("consume"))
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(consumers, ["inventory-worker", "notification-worker"]);
    assert_eq!(
        graph
            .connections("orders-svc", Direction::Outgoing, None)
            .len(),
        3
    );
}

#[test]
fn entry_points_and_reachability() {
    let doc = load("ecommerce");
    let graph = ArchGraph::new(&doc, Catalog::builtin());
    let entries: Vec<_> = graph.entry_points().iter().map(|c| c.id.as_str()).collect();
    assert!(entries.contains(&"web") && entries.contains(&"cdn") && entries.contains(&"psp"));
    let reached = graph.reachable_from(&["web"]);
    assert!(
        reached.contains("orders-db"),
        "web reaches the orders DB through the services"
    );
    assert!(
        !reached.contains("prometheus"),
        "telemetry edges are not request paths"
    );
    assert!(
        graph
            .with_trait(Trait::Datastore)
            .any(|c| c.id.as_str() == "catalog-db")
    );
}

#[test]
fn sync_graph_cycles_and_chains() {
    let mut doc = load("workshop-starter");
    let graph = ArchGraph::new(&doc, Catalog::builtin());
    assert_eq!(graph.sync_cycles(), vec![vec!["api", "api-2"]]);
    assert!(
        graph.sync_graph().edge_count() < doc.connections().len(),
        "async edges are left out"
    );
    let sccs = graph.strongly_connected_components();
    assert!(sccs.iter().any(|scc| scc == &["api", "api-2"]));
    drop(graph);
    EditOp::Disconnect(ConnectionId::new("api-2-api").expect("id"))
        .apply(&mut doc, Catalog::builtin())
        .expect("disconnect");
    let graph = ArchGraph::new(&doc, Catalog::builtin());
    assert!(graph.sync_cycles().is_empty());
    assert_eq!(
        graph.longest_sync_chain("lb"),
        ["lb", "api", "api-2", "orders-db"]
    );
}

#[test]
fn articulation_points_find_single_points_of_failure() {
    let mut doc = load("ecommerce");
    let catalog = Catalog::builtin();
    let graph = ArchGraph::new(&doc, catalog);
    let points = graph.articulation_points(None);
    assert!(points.contains("alb"), "{points:?}");
    assert!(points.contains("waf"));
    drop(graph);
    // A second path around the WAF removes it from the set.
    let bypass = Connection::new(
        ConnectionId::new("cdn-alb").expect("id"),
        ComponentId::new("cdn").expect("id"),
        ComponentId::new("alb").expect("id"),
        ConnectionKindId::new("cdn_origin"),
    );
    EditOp::Connect(bypass)
        .apply(&mut doc, catalog)
        .expect("connects");
    let graph = ArchGraph::new(&doc, catalog);
    assert!(!graph.articulation_points(None).contains("waf"));
}
