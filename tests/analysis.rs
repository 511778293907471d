//! The analyses against figures computed by hand on small models.

use archsmith::analysis::{self, AnalysisData, Scenario};
use archsmith::catalog::Catalog;
use archsmith::format;
use archsmith::graph::ArchGraph;

/// A browser calls a load balancer, which calls an API (two replicas across zones) that
/// reads a PostgreSQL database drawn in zone `az-a`; the balancer takes 1,000 requests/s.
const SHOP: &str = r#"#![enable(implicit_some)]
(
    version: 2,
    meta: (name: "Shop", cloud: aws, targets: (availability_slo: 99.9)),
    groups: [
        (id: "az-a", kind: availability_zone, name: "Zone A", parent: "region", location: "us-east-1a", rect: (x: 0.0, y: 0.0, w: 400.0, h: 300.0)),
        (id: "region", kind: region, name: "US East", location: "us-east-1", rect: (x: -20.0, y: -20.0, w: 1200.0, h: 700.0)),
    ],
    components: [
        (id: "api", kind: "service-go", name: "API", position: (x: 500.0, y: 100.0), properties: {"replicas": 2}),
        (id: "browser", kind: "web-client", name: "Browser", position: (x: -300.0, y: 100.0)),
        (id: "db", kind: "postgresql", name: "DB", group: "az-a", position: (x: 100.0, y: 100.0)),
        (id: "lb", kind: "load-balancer", name: "LB", position: (x: 800.0, y: 100.0), properties: {"peak_rps": 1000}),
    ],
    connections: [
        (id: "api-db", from: "api", to: "db", kind: "db_query"),
        (id: "browser-lb", from: "browser", to: "lb", kind: "http"),
        (id: "lb-api", from: "lb", to: "api", kind: "http"),
    ],
)
"#;

fn report(text: &str, scenario: Scenario) -> analysis::Report {
    let catalog = Catalog::builtin();
    let doc = format::from_str(text, "shop.ron", catalog).expect("loads");
    let graph = ArchGraph::new(&doc, catalog);
    analysis::analyze(&graph, scenario)
}

#[test]
fn availability_is_series_along_the_path_and_parallel_across_replicas() {
    let data = AnalysisData::builtin();
    let report = report(SHOP, Scenario::default());
    let entry = &report.availability.entries[0];
    assert_eq!(entry.entry, "lb");
    let alb = data
        .sla(archsmith::catalog::Recipe::Alb)
        .expect("ALB SLA")
        .percent
        / 100.0;
    let single_db = data
        .sla(archsmith::catalog::Recipe::RdsPostgresql)
        .and_then(|s| s.single_instance_percent)
        .expect("single-instance RDS SLA")
        / 100.0;
    let go = data.instance_percent("service-go") / 100.0;
    // Two replicas across zones: down only when both are.
    let api = 1.0 - (1.0 - go).powi(2);
    let expected = alb * api * single_db;
    assert!(
        (entry.percent - (expected * 100_000.0).round() / 1000.0).abs() < 1e-9,
        "{} vs {}",
        entry.percent,
        expected * 100.0
    );
    // 99.99 x ~100 x 99.5 misses 99.9; the database is the weakest link, and running it
    // across zones is the fix.
    assert_eq!(entry.meets_objective, Some(false));
    assert!(report.misses_a_target());
    assert_eq!(entry.weakest[0].component, "db");
    assert!(entry.weakest[0].entry_percent_if_fixed > entry.percent);
}

#[test]
fn load_propagates_to_capacity_and_a_scenario_saturates_it() {
    let data = AnalysisData::builtin();
    let per_instance = data.capacity_rps("service-go", "small").expect("figure");
    let baseline = report(SHOP, Scenario::default());
    let api = baseline
        .capacity
        .components
        .iter()
        .find(|c| c.component == "api")
        .expect("api assessed");
    assert_eq!(api.load_rps, 1000.0);
    assert_eq!(api.capacity_rps, per_instance * 2.0);
    assert_eq!(
        api.instances_needed,
        (1000.0 / (per_instance * 0.7)).ceil() as i64
    );
    let surge = report(
        SHOP,
        Scenario {
            name: "Black Friday".into(),
            load_multiplier: 10.0,
        },
    );
    let api = surge
        .capacity
        .components
        .iter()
        .find(|c| c.component == "api")
        .expect("api assessed");
    assert_eq!(api.load_rps, 10_000.0);
    assert!(surge.capacity.saturated.contains(&"api".to_owned()));
    assert!(surge.misses_a_target());
}

#[test]
fn losing_a_zone_takes_what_is_drawn_only_there() {
    let report = report(SHOP, Scenario::default());
    let zone = &report.failures.zones[0];
    assert_eq!(zone.fails, "az-a");
    assert_eq!(zone.lost, ["db"]);
    assert_eq!(zone.entries_down, ["lb"]);
    assert_eq!(zone.data_unavailable, ["db"]);
    // The single database is a single point of failure; the two API replicas are not.
    let spofs: Vec<&str> = report
        .failures
        .single_points_of_failure
        .iter()
        .map(|o| o.fails.as_str())
        .collect();
    assert!(spofs.contains(&"db"), "{spofs:?}");
    assert!(!spofs.contains(&"api"), "{spofs:?}");
    let region = &report.failures.regions[0];
    assert_eq!(region.entries_down, ["lb"]);
}

#[test]
fn every_sample_gets_a_result_from_every_analysis() {
    for sample in archsmith::samples::samples() {
        let report = report(sample.text, Scenario::default());
        assert!(!report.availability.entries.is_empty(), "{}", sample.name);
        let text = analysis::render::markdown(&report, &[]);
        for section in ["## Availability", "## Capacity at peak", "## Failures"] {
            assert!(text.contains(section), "{}: {section}", sample.name);
        }
    }
}
