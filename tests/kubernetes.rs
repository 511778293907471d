//! `--format kubernetes`: plain manifests for the team's services, checked as documents here
//! (the schemas and checkov run in .ci/run): every sample exports deterministically, the
//! model's replicas, autoscaling, probes and flows become the objects that enforce them, and
//! user text stays inert.

use std::collections::BTreeMap;

use archsmith::catalog::Catalog;
use archsmith::export::{ExportOptions, Output, find_exporter};
use archsmith::{format, samples};
use serde::Deserialize;
use serde_json::Value;

fn manifests(text: &str) -> BTreeMap<String, Vec<u8>> {
    let catalog = Catalog::builtin();
    let doc = format::from_str(text, "model.ron", catalog).expect("loads");
    match find_exporter("kubernetes")
        .expect("registered")
        .export(&doc, catalog, &ExportOptions::default())
        .expect("exports")
    {
        Output::Folder(files) => files,
        Output::File(_) => panic!("a folder"),
    }
}

/// Every YAML document of the folder, as JSON values.
fn objects(files: &BTreeMap<String, Vec<u8>>) -> Vec<Value> {
    let mut out = Vec::new();
    for (name, bytes) in files.iter().filter(|(n, _)| n.ends_with(".yaml")) {
        let text = std::str::from_utf8(bytes).expect("utf-8");
        for document in serde_yaml_ng::Deserializer::from_str(text) {
            let value = Value::deserialize(document).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(
                value["apiVersion"].is_string() && value["kind"].is_string(),
                "{name}: {value}"
            );
            out.push(value);
        }
    }
    out
}

fn find<'v>(objects: &'v [Value], kind: &str, name: &str) -> Option<&'v Value> {
    objects
        .iter()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
}

#[test]
fn every_sample_exports_deterministic_manifests() {
    for sample in samples::samples() {
        let files = manifests(sample.text);
        assert_eq!(
            manifests(sample.text),
            files,
            "{} is deterministic",
            sample.name
        );
        assert!(files.contains_key("README.md"), "{}", sample.name);
        let objects = objects(&files);
        // Every Service selects a Deployment; workers that nothing calls have none.
        for service in objects.iter().filter(|o| o["kind"] == "Service") {
            let name = service["metadata"]["name"].as_str().expect("name");
            assert!(
                find(&objects, "Deployment", name).is_some(),
                "{}: {name}",
                sample.name
            );
        }
    }
}

#[test]
fn replicas_autoscaling_probes_and_sizes_come_from_the_model() {
    let files = manifests(include_str!("fixtures/intents.ron"));
    let objects = objects(&files);
    let api = find(&objects, "Deployment", "api").expect("api deployment");
    let container = &api["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(container["readinessProbe"]["httpGet"]["path"], "/healthz");
    assert_eq!(container["livenessProbe"]["httpGet"]["port"], 8080);
    assert_eq!(container["securityContext"]["readOnlyRootFilesystem"], true);
    assert_eq!(container["resources"]["limits"]["cpu"], "250m");
    // The autoscaler owns the count.
    assert!(api["spec"]["replicas"].is_null());
    let hpa = find(&objects, "HorizontalPodAutoscaler", "api").expect("autoscaler");
    assert_eq!(hpa["spec"]["minReplicas"], 2);
    assert_eq!(hpa["spec"]["maxReplicas"], 9);
    assert!(find(&objects, "PodDisruptionBudget", "api").is_some());
    // One replica, no autoscaling: a fixed count, no budget to keep.
    let web = find(&objects, "Deployment", "web").expect("web deployment");
    assert_eq!(web["spec"]["replicas"], 1);
    assert!(find(&objects, "PodDisruptionBudget", "web").is_none());
    assert!(find(&objects, "HorizontalPodAutoscaler", "web").is_none());
}

#[test]
fn network_policies_deny_by_default_and_admit_exactly_the_drawn_flows() {
    let sample = samples::samples()
        .iter()
        .find(|s| s.name == "video-streaming")
        .expect("video-streaming");
    let objects = objects(&manifests(sample.text));
    let policies: Vec<&Value> = objects
        .iter()
        .filter(|o| o["kind"] == "NetworkPolicy")
        .collect();
    let deny = policies
        .iter()
        .find(|p| p["metadata"]["name"] == "default-deny-ingress")
        .expect("a default deny");
    assert_eq!(deny["spec"]["podSelector"], serde_json::json!({}));
    assert!(deny["spec"]["ingress"].is_null());
    // Every service's policy names only peers the model draws, on the service's port.
    for deployment in objects.iter().filter(|o| o["kind"] == "Deployment") {
        let name = deployment["metadata"]["name"].as_str().expect("name");
        let policy = find(&objects, "NetworkPolicy", name).expect("a policy per service");
        let port =
            &deployment["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"];
        for rule in policy["spec"]["ingress"].as_array().into_iter().flatten() {
            assert_eq!(&rule["ports"][0]["port"], port, "{name}");
            assert!(
                !rule["from"].as_array().expect("peers").is_empty(),
                "{name}"
            );
        }
    }
}

#[test]
fn hostile_text_stays_inert_in_yaml() {
    let files = manifests(include_str!("fixtures/hostile.ron"));
    for (name, bytes) in &files {
        let text = std::str::from_utf8(bytes).expect("utf-8");
        if name.ends_with(".yaml") {
            assert!(!text.contains("\n!!"), "{name}: no YAML tags");
        }
    }
    let _ = objects(&files);
}

const CLUSTER: &str = r#"#![enable(implicit_some)]
(
    version: 2,
    meta: (name: "Cluster"),
    groups: [
        (id: "k8s", kind: k8s_cluster, name: "Cluster", rect: (x: 0.0, y: 0.0, w: 900.0, h: 600.0)),
        (id: "shop", kind: k8s_namespace, name: "Shop", parent: "k8s", rect: (x: 20.0, y: 40.0, w: 860.0, h: 540.0)),
    ],
    components: [
        (id: "api", kind: "service-go", name: "API", group: "shop", position: (x: 300.0, y: 100.0)),
        (id: "edge", kind: "ingress-controller", name: "Ingress", group: "k8s", position: (x: 40.0, y: 100.0)),
        (id: "users", kind: "web-client", name: "Users", position: (x: 40.0, y: 700.0)),
        (id: "web", kind: "service-nodejs", name: "Web", group: "shop", position: (x: 300.0, y: 300.0), properties: {"port": 3000}),
        (id: "nightly", kind: "scheduled-job", name: "Nightly", group: "shop", position: (x: 600.0, y: 300.0), properties: {"schedule": "0 3 * * *"}),
    ],
    connections: [
        (id: "edge-api", from: "edge", to: "api", kind: "http", properties: {"path": "/api"}),
        (id: "edge-web", from: "edge", to: "web", kind: "http"),
        (id: "users-edge", from: "users", to: "edge", kind: "http"),
        (id: "web-api", from: "web", to: "api", kind: "http"),
        (id: "nightly-api", from: "nightly", to: "api", kind: "http"),
    ],
)
"#;

#[test]
fn the_ingress_controller_routes_by_the_connections_paths_and_its_namespace_is_admitted() {
    let objects = objects(&manifests(CLUSTER));
    let ingress = find(&objects, "Ingress", "routes").expect("an ingress");
    assert_eq!(ingress["metadata"]["namespace"], "shop");
    let paths = ingress["spec"]["rules"][0]["http"]["paths"]
        .as_array()
        .expect("paths");
    let route = |path: &str| {
        paths.iter().find(|p| p["path"] == path).map(|p| {
            (
                p["backend"]["service"]["name"].clone(),
                p["backend"]["service"]["port"]["number"].clone(),
            )
        })
    };
    assert_eq!(route("/api"), Some(("api".into(), 8080.into())));
    assert_eq!(route("/"), Some(("web".into(), 3000.into())));
    // The API admits the web pods and the ingress controller's namespace, nothing else.
    let policy = find(&objects, "NetworkPolicy", "api").expect("api policy");
    let peers = policy["spec"]["ingress"][0]["from"]
        .as_array()
        .expect("peers");
    assert_eq!(peers.len(), 3, "{peers:?}");
    assert!(
        peers
            .iter()
            .any(|p| p["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == "nightly")
    );
    assert!(
        peers
            .iter()
            .any(|p| p["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == "web")
    );
    assert!(peers.iter().any(
        |p| p["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"] == "k8s"
            && p["podSelector"].is_null()
    ));
}

#[test]
fn a_scheduled_job_runs_as_a_cron_job_without_a_service() {
    let objects = objects(&manifests(CLUSTER));
    let job = find(&objects, "CronJob", "nightly").expect("a cron job");
    assert_eq!(job["spec"]["schedule"], "0 3 * * *");
    assert_eq!(job["spec"]["concurrencyPolicy"], "Forbid");
    let pod = &job["spec"]["jobTemplate"]["spec"]["template"]["spec"];
    assert_eq!(pod["restartPolicy"], "OnFailure");
    assert!(pod["containers"][0]["livenessProbe"].is_null());
    assert!(find(&objects, "Deployment", "nightly").is_none());
    assert!(find(&objects, "Service", "nightly").is_none());
}
