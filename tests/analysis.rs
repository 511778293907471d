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
    assert!(entry.weakest[0].entry_percent_if_fixed.expect("a fix") > entry.percent);
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
        assert!(!report.latency.entries.is_empty(), "{}", sample.name);
        assert!(
            report.cost.providers.iter().all(|p| p.baseline_usd > 0.0),
            "{}",
            sample.name
        );
        for section in [
            "## Availability",
            "## Latency",
            "## Capacity at peak",
            "## Failures",
            "## Recovery",
            "## Cost a month",
        ] {
            assert!(text.contains(section), "{}: {section}", sample.name);
        }
    }
}

/// SHOP with a Redis cache in front of the database reads (`hit`% of them), the API's two
/// calls made as `per_request` says, and a timeout on the database query.
fn shop_with_cache(hit: i64, per_request: &str, timeout_ms: i64) -> String {
    SHOP.replace(
        r#"(id: "api-db", from: "api", to: "db", kind: "db_query"),"#,
        &format!(
            r#"(id: "api-cache", from: "api", to: "cache", kind: "cache_lookup", properties: {{"hit_ratio_pct": {hit}, "per_request": "{per_request}"}}),
        (id: "api-db", from: "api", to: "db", kind: "db_query", properties: {{"timeout_ms": {timeout_ms}, "per_request": "{per_request}"}}),"#
        ),
    )
    .replace(
        r#"(id: "browser", kind"#,
        r#"(id: "cache", kind: "redis", name: "Cache", group: "az-a", position: (x: 100.0, y: 400.0)),
        (id: "browser", kind"#,
    )
}

/// p50 and p99 of independent delays in series: medians add, tails (p99 − p50) add in
/// quadrature.
fn series(parts: &[(f64, f64)]) -> (f64, f64) {
    let p50: f64 = parts.iter().map(|p| p.0).sum();
    let tails: f64 = parts.iter().map(|p| (p.1 - p.0).powi(2)).sum();
    (p50, p50 + tails.sqrt())
}

/// A kind's own p50 and p99 from the reference data.
fn own(kind: &str) -> (f64, f64) {
    let m = AnalysisData::builtin().latency(kind).expect("figure");
    (m.p50, m.p99)
}

/// A step reached over a cross-zone hop: its own figures plus the hop's.
fn plus((p50, p99): (f64, f64)) -> (f64, f64) {
    let hop = AnalysisData::builtin().network.cross_zone;
    (p50 + hop.p50, p99 + hop.p99)
}

fn tenth(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

#[test]
fn latency_adds_medians_and_combines_tails_along_the_critical_path() {
    let report = report(SHOP, Scenario::default());
    let entry = &report.latency.entries[0];
    // The balancer is the entry (no hop into it); the API and the database are each reached
    // across zones (the API spans zones, the balancer and the API sit in no drawn zone).
    let (p50, p99) = series(&[
        own("load-balancer"),
        plus(own("service-go")),
        plus(own("postgresql")),
    ]);
    assert_eq!(entry.p50_ms, tenth(p50));
    assert_eq!(entry.p99_ms, tenth(p99));
    let path: Vec<&str> = entry
        .critical_path
        .iter()
        .map(|h| h.component.as_str())
        .collect();
    assert_eq!(path, ["lb", "api", "db"]);
    assert_eq!(entry.slowest.as_deref(), Some("db"));
}

#[test]
fn a_cache_spares_the_median_and_a_timeout_bounds_the_tail() {
    // 95% hits: the database is off the median (5% of reads) but in the tail (over 1%).
    let cached = report(&shop_with_cache(95, "sequential", 0), Scenario::default());
    let (_, db_p99) = plus(own("postgresql"));
    let (p50, p99) = series(&[
        own("load-balancer"),
        plus(own("service-go")),
        plus(own("redis")),
        (0.0, db_p99),
    ]);
    let entry = &cached.latency.entries[0];
    assert_eq!(entry.p50_ms, tenth(p50));
    assert_eq!(entry.p99_ms, tenth(p99));
    // 99.5% hits: the database is off the tail too.
    let mostly_cached = report(&shop_with_cache(100, "sequential", 0), Scenario::default());
    let (p50, p99) = series(&[
        own("load-balancer"),
        plus(own("service-go")),
        plus(own("redis")),
    ]);
    assert_eq!(mostly_cached.latency.entries[0].p50_ms, tenth(p50));
    assert_eq!(mostly_cached.latency.entries[0].p99_ms, tenth(p99));
    // In parallel with a 10% hit ratio and a 5 ms timeout on the query: the slower branch
    // (the database, capped at 5 ms at the tail, no retry) is all that counts after the API.
    let parallel = report(&shop_with_cache(10, "parallel", 5), Scenario::default());
    let (db_p50, _) = plus(own("postgresql"));
    let (p50, p99) = series(&[own("load-balancer"), plus(own("service-go")), (db_p50, 5.0)]);
    assert_eq!(parallel.latency.entries[0].p50_ms, tenth(p50));
    assert_eq!(parallel.latency.entries[0].p99_ms, tenth(p99));
}

#[test]
fn a_request_takes_the_slowest_of_the_routes_it_may_take() {
    // Routes (the default), nothing cached: a read goes to the cache or the database, and
    // the database is the slower route.
    let routes = report(&shop_with_cache(0, "route", 0), Scenario::default());
    let (p50, p99) = series(&[
        own("load-balancer"),
        plus(own("service-go")),
        plus(own("postgresql")),
    ]);
    let entry = &routes.latency.entries[0];
    assert_eq!((entry.p50_ms, entry.p99_ms), (tenth(p50), tenth(p99)));
}

#[test]
fn the_monthly_cost_adds_up_the_price_table() {
    let report = report(SHOP, Scenario::default());
    let aws = report
        .cost
        .on(archsmith::model::Cloud::Aws)
        .expect("priced on AWS");
    // By hand, from the table (us-east-1, 730 hours):
    //   LB: an ALB at $0.0225/h = 16.43, plus 1,000 req/s × 30% × 2,628,000 s = 788.4 million
    //       requests × $0.0022 = 1.73                                         → 18.16
    //   API: 2 Fargate tasks of 0.25 vCPU and 0.5 GiB at $0.04048 and $0.004445 an hour
    //        = 2 × 9.01                                                       → 18.02
    //   DB: db.t4g.medium at $0.065/h = 47.45, 20 GB at $0.115 = 2.30          → 49.75
    assert_eq!(aws.baseline_usd, 85.93, "{:#?}", aws.components);
    let by_id = |id: &str| {
        aws.components
            .iter()
            .find(|c| c.component == id)
            .map(|c| c.baseline_usd)
    };
    assert_eq!(by_id("lb"), Some(18.16));
    assert_eq!(by_id("api"), Some(18.02));
    assert_eq!(by_id("db"), Some(49.75));
    // Nothing scales, so the peak costs the same instances, and requests the same month.
    assert_eq!(aws.peak_usd, 85.93);
    // Every cloud is priced, the model's own first.
    assert_eq!(report.cost.providers[0].cloud, archsmith::model::Cloud::Aws);
    assert_eq!(report.cost.providers.len(), 3);
}

#[test]
fn recovery_follows_standby_backups_and_point_in_time() {
    let bare = report(SHOP, Scenario::default());
    let db = &bare.recovery.datastores[0];
    assert_eq!(db.component, "db");
    // One instance, no backups: nothing brings it back.
    assert_eq!(db.instance_or_zone_loss.rpo_minutes, None);
    assert_eq!(db.corruption.rpo_minutes, None);
    let protected = SHOP.replace(
        r#"group: "az-a", position: (x: 100.0, y: 100.0))"#,
        r#"group: "az-a", position: (x: 100.0, y: 100.0), properties: {"backups": true, "multi_az": true, "point_in_time_recovery": true, "storage_gb": 100})"#,
    );
    let report = report(&protected, Scenario::default());
    let data = AnalysisData::builtin().recovery;
    let db = &report.recovery.datastores[0];
    assert_eq!(db.instance_or_zone_loss.rpo_minutes, Some(0.0));
    assert_eq!(
        db.instance_or_zone_loss.rto_minutes,
        Some(data.failover_minutes)
    );
    assert_eq!(db.corruption.rpo_minutes, Some(data.point_in_time_minutes));
    // A restore of 100 GB: the fixed part plus the load at its rate.
    assert_eq!(
        db.corruption.rto_minutes,
        Some((data.restore_base_minutes + 100.0 / data.restore_gb_per_minute).round())
    );
    // No copy outside the region.
    assert_eq!(db.region_loss.rpo_minutes, None);
}

#[test]
fn a_consumer_works_on_no_more_instances_than_its_log_has_partitions() {
    let text = r#"(
    version: 2,
    meta: (name: "Stream"),
    components: [
        (id: "api", kind: "service-go", name: "API", position: (x: 300.0, y: 0.0)),
        (id: "gw", kind: "api-gateway", name: "Gateway", position: (x: 0.0, y: 0.0), properties: {"peak_rps": 400}),
        (id: "log", kind: "kafka", name: "Log", position: (x: 600.0, y: 0.0), properties: {"partitions": 2}),
        (id: "worker", kind: "worker", name: "Worker", position: (x: 900.0, y: 0.0), properties: {"autoscaling": true, "autoscaling_max": 10}),
    ],
    connections: [
        (id: "api-log", from: "api", to: "log", kind: "publish"),
        (id: "gw-api", from: "gw", to: "api", kind: "http"),
        (id: "worker-log", from: "worker", to: "log", kind: "consume"),
    ],
)"#;
    let data = AnalysisData::builtin();
    let per_instance = data.capacity_rps("worker", "small").expect("figure");
    let report = report(text, Scenario::default());
    let worker = report
        .capacity
        .components
        .iter()
        .find(|c| c.component == "worker")
        .expect("worker assessed");
    // Ten instances may run, but two partitions keep eight of them idle.
    assert_eq!(worker.instances, 2);
    assert_eq!(worker.capacity_rps, 2.0 * per_instance);
    let cap = worker.partition_cap.as_ref().expect("capped");
    assert_eq!((cap.broker.as_str(), cap.partitions), ("log", 2));
}

#[test]
fn losing_one_route_degrades_an_entry_and_losing_every_route_takes_it_down() {
    // A gateway routes to orders (zone a) and to catalog (zone b); each service runs one
    // instance in its zone.
    let text = r#"(
    version: 2,
    meta: (name: "Routes"),
    groups: [
        (id: "a", kind: availability_zone, name: "Zone A", rect: (x: 0.0, y: 0.0, w: 300.0, h: 300.0)),
        (id: "b", kind: availability_zone, name: "Zone B", rect: (x: 400.0, y: 0.0, w: 300.0, h: 300.0)),
    ],
    components: [
        (id: "catalog", kind: "service-go", name: "Catalog", group: "b", position: (x: 450.0, y: 50.0)),
        (id: "gw", kind: "api-gateway", name: "Gateway", position: (x: 200.0, y: 400.0)),
        (id: "orders", kind: "service-go", name: "Orders", group: "a", position: (x: 50.0, y: 50.0)),
        (id: "web", kind: "web-client", name: "Web", position: (x: 200.0, y: 600.0)),
    ],
    connections: [
        (id: "gw-catalog", from: "gw", to: "catalog", kind: "http"),
        (id: "gw-orders", from: "gw", to: "orders", kind: "http"),
        (id: "web-gw", from: "web", to: "gw", kind: "http"),
    ],
)"#;
    let report = report(text, Scenario::default());
    let zone_a = report
        .failures
        .zones
        .iter()
        .find(|o| o.fails == "a")
        .expect("zone a");
    assert!(zone_a.entries_down.is_empty(), "{zone_a:?}");
    assert_eq!(zone_a.entries_degraded, ["gw"]);
    // Neither service alone is a single point of failure: the gateway has another route.
    let spofs: Vec<&str> = report
        .failures
        .single_points_of_failure
        .iter()
        .map(|o| o.fails.as_str())
        .collect();
    assert!(
        !spofs.contains(&"orders") && !spofs.contains(&"catalog"),
        "{spofs:?}"
    );
}

#[test]
fn messages_queue_up_when_a_zone_takes_only_the_consumer() {
    let text = r#"(
    version: 2,
    meta: (name: "Queue"),
    groups: [
        (id: "a", kind: availability_zone, name: "Zone A", rect: (x: 0.0, y: 0.0, w: 300.0, h: 300.0)),
    ],
    components: [
        (id: "api", kind: "service-go", name: "API", position: (x: 400.0, y: 0.0), properties: {"replicas": 2}),
        (id: "gw", kind: "api-gateway", name: "Gateway", position: (x: 700.0, y: 0.0)),
        (id: "jobs", kind: "sqs", name: "Jobs", position: (x: 400.0, y: 400.0)),
        (id: "worker", kind: "worker", name: "Worker", group: "a", position: (x: 50.0, y: 50.0)),
    ],
    connections: [
        (id: "api-jobs", from: "api", to: "jobs", kind: "publish"),
        (id: "gw-api", from: "gw", to: "api", kind: "http"),
        (id: "worker-jobs", from: "worker", to: "jobs", kind: "consume"),
    ],
)"#;
    let report = report(text, Scenario::default());
    let zone = &report.failures.zones[0];
    assert_eq!(zone.lost, ["worker"]);
    assert!(zone.entries_down.is_empty());
    assert_eq!(zone.queues_up, ["jobs → worker"]);
}
