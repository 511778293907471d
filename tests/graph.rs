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
    EditOp::Connect(Box::new(bypass))
        .apply(&mut doc, catalog)
        .expect("connects");
    let graph = ArchGraph::new(&doc, catalog);
    assert!(!graph.articulation_points(None).contains("waf"));
}

/// The graph answers from compact indexes (links, adjacency rows, property override masks);
/// on every sample they must say exactly what reading the model says.
#[test]
fn compact_indexes_agree_with_the_model() {
    use archsmith::samples::samples;
    let catalog = Catalog::builtin();
    for sample in samples() {
        let doc = format::from_str(sample.text, sample.name, catalog).expect("loads");
        let graph = ArchGraph::new(&doc, catalog);
        for component in doc.components() {
            let kind = catalog.kind_of(component).expect("known kind");
            let names = kind.properties.iter().map(|p| p.name.as_str());
            for name in names.chain(["not_a_property"]) {
                let expected = component
                    .properties
                    .get(name)
                    .or_else(|| kind.property(name).map(|p| &p.default));
                assert_eq!(
                    graph.property(component, name),
                    expected,
                    "{}.{name}",
                    component.id
                );
            }
            for direction in [Direction::Outgoing, Direction::Incoming] {
                let ids: Vec<&str> = graph
                    .links(component, direction)
                    .iter()
                    .map(|link| graph.connection(link).id.as_str())
                    .collect();
                let mut expected: Vec<&str> = doc
                    .connections()
                    .iter()
                    .filter(|c| match direction {
                        Direction::Outgoing => c.from == component.id,
                        Direction::Incoming => c.to == component.id,
                    })
                    .map(|c| c.id.as_str())
                    .collect();
                expected.sort_unstable();
                assert_eq!(ids, expected, "{} {direction:?}", component.id);
            }
        }
        for component in doc.components() {
            for link in graph.links(component, Direction::Outgoing) {
                let connection = graph.connection(link);
                let kind = catalog
                    .connection_kind(connection.kind.as_str())
                    .expect("kind");
                for spec in &kind.properties {
                    let expected = connection
                        .properties
                        .get(&spec.name)
                        .unwrap_or(&spec.default);
                    assert_eq!(graph.link_property(link, &spec.name), Some(expected));
                    assert_eq!(
                        graph.connection_property(connection, &spec.name),
                        Some(expected)
                    );
                }
                assert_eq!(link.tls(), connection.tls);
                assert_eq!(link.auth(), connection.auth);
                assert_eq!(link.is_sync(), catalog.is_sync(connection));
                assert_eq!(link.style(), catalog.style(connection));
                let (from, to) = graph.link_ends(link).expect("both ends");
                assert_eq!((&from.id, &to.id), (&connection.from, &connection.to));
            }
        }
        let stores: Vec<&str> = graph
            .of_kinds(|k| k.has(Trait::Datastore))
            .map(|c| c.id.as_str())
            .collect();
        let expected: Vec<&str> = doc
            .components()
            .iter()
            .filter(|c| graph.has_trait(c, Trait::Datastore))
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(stores, expected);
        let plain: Vec<&str> = graph
            .connections_where(|link| !link.tls())
            .map(|c| c.id.as_str())
            .collect();
        let expected: Vec<&str> = doc
            .connections()
            .iter()
            .filter(|c| !c.tls)
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(plain, expected);
    }
}

#[test]
fn neighbour_counts_are_distinct_components() {
    let doc = load("ecommerce");
    let graph = ArchGraph::new(&doc, Catalog::builtin());
    let counts = graph.count_neighbours_of_kinds(Direction::Outgoing, |k| k.has(Trait::Datastore));
    for component in doc.components() {
        let expected = graph
            .neighbours(component, Direction::Outgoing, None)
            .iter()
            .filter(|c| graph.has_trait(c, Trait::Datastore))
            .count();
        assert_eq!(counts.of(&graph, component), expected, "{}", component.id);
    }
    let mut doubled = doc.clone();
    let first = doubled.connections()[0].clone();
    let twin = Connection {
        id: ConnectionId::new("zz-twin").expect("id"),
        ..first.clone()
    };
    EditOp::Connect(Box::new(twin))
        .apply(&mut doubled, Catalog::builtin())
        .expect("a second connection between the same pair");
    let graph = ArchGraph::new(&doubled, Catalog::builtin());
    let counts = graph.count_neighbours_of_kinds(Direction::Outgoing, |_| true);
    let from = doubled.component(first.from.as_str()).expect("from");
    assert_eq!(
        counts.of(&graph, from),
        graph.neighbours(from, Direction::Outgoing, None).len(),
        "a pair joined twice counts once"
    );
}
