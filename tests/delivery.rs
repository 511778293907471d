//! Delivery pipelines from the model: a GitHub Actions workflow per service with its
//! language's toolchain, a delivery workflow that builds every image at the commit's tag
//! and deploys it with the Terraform to staging then production, and the model check.

use std::collections::BTreeMap;

use archsmith::catalog::Catalog;
use archsmith::export::{ExportOptions, Output, find_exporter};
use archsmith::model::{Cloud, Document};
use archsmith::{format, samples};

fn sample(name: &str) -> Document {
    let text = samples::samples()
        .iter()
        .find(|s| s.name == name)
        .expect("sample")
        .text;
    format::from_str(text, "model.ron", Catalog::builtin()).expect("loads")
}

fn workflows(doc: &Document, provider: Option<Cloud>) -> BTreeMap<String, serde_yaml_ng::Value> {
    let options = ExportOptions {
        provider,
        ..ExportOptions::default()
    };
    let Output::Folder(files) = find_exporter("github-actions")
        .expect("exporter")
        .export(doc, Catalog::builtin(), &options)
        .expect("exports")
    else {
        panic!("a folder");
    };
    files
        .into_iter()
        .filter_map(|(name, bytes)| {
            let name = name.strip_prefix(".github/workflows/")?.to_owned();
            Some((name, serde_yaml_ng::from_slice(&bytes).expect("yaml")))
        })
        .collect()
}

#[test]
fn each_service_is_tested_with_its_toolchain_and_built_into_an_image() {
    let files = workflows(&sample("social-api"), None);
    assert_eq!(
        files.keys().collect::<Vec<_>>(),
        [
            "archsmith.yml",
            "deliver.yml",
            "fanout-worker.yml",
            "media-svc.yml",
            "posts-svc.yml",
            "timeline-svc.yml",
            "users-svc.yml"
        ]
    );
    let posts = &files["posts-svc.yml"];
    let test = &posts["jobs"]["test"];
    assert_eq!(test["steps"][1]["uses"], "actions/setup-go@v5");
    assert_eq!(
        test["steps"][1]["with"]["go-version-file"],
        "posts-svc/go.mod"
    );
    assert_eq!(test["defaults"]["run"]["working-directory"], "posts-svc");
    let media = &files["media-svc.yml"];
    assert_eq!(
        media["jobs"]["test"]["steps"][1]["uses"],
        "actions/setup-node@v4"
    );
    let image = &posts["jobs"]["image"];
    let build = image["steps"]
        .as_sequence()
        .expect("steps")
        .iter()
        .find(|s| s["uses"] == "docker/build-push-action@v6")
        .expect("the image build");
    // GCP: one Artifact Registry repository per environment, as the Terraform creates them.
    let tags = build["with"]["tags"].as_str().expect("tags");
    assert!(
        tags.contains("/staging-posts-svc/posts-svc:${{ github.sha }}"),
        "{tags}"
    );
    assert!(
        tags.contains("/production-posts-svc/posts-svc:${{ github.sha }}"),
        "{tags}"
    );
    assert_eq!(
        posts["env"]["REGION"],
        "${{ vars.REGION || 'europe-west1' }}"
    );
}

#[test]
fn delivery_deploys_every_image_to_staging_then_production_with_the_terraform() {
    let files = workflows(&sample("ecommerce"), None);
    let deliver = &files["deliver.yml"];
    let jobs = deliver["jobs"].as_mapping().expect("jobs");
    let staging = &deliver["jobs"]["deploy-staging"];
    let production = &deliver["jobs"]["deploy-production"];
    assert_eq!(staging["environment"], "staging");
    assert_eq!(production["environment"], "production");
    assert_eq!(production["needs"][0], "deploy-staging");
    let images: Vec<&str> = jobs
        .iter()
        .filter(|(_, job)| job["uses"].is_string())
        .filter_map(|(id, _)| id.as_str())
        .collect();
    assert_eq!(
        staging["needs"].as_sequence().expect("needs").len(),
        images.len(),
        "staging waits for every image: the Terraform deploys one image_tag for all"
    );
    let commands: Vec<&str> = staging["steps"]
        .as_sequence()
        .expect("steps")
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect();
    assert!(
        commands
            .iter()
            .any(|c| c.contains("workspace select -or-create=true staging"))
    );
    assert!(
        commands
            .iter()
            .any(|c| c.contains("-var \"image_tag=${GITHUB_SHA}\""))
    );
    // AWS: the ECR repository the Terraform names `${var.project}/<slug>`.
    let bff = &files["storefront-bff.yml"];
    let text = serde_yaml_ng::to_string(bff).expect("yaml");
    assert!(
        text.contains("/${{ env.PROJECT }}/storefront-bff:${{ github.sha }}"),
        "{text}"
    );
    assert_eq!(
        deliver["env"]["PROJECT"],
        "${{ vars.PROJECT || 'shopfast-e-commerce' }}"
    );

    // The Terraform's variables without a default come from the environment's secrets.
    let apply = staging["steps"]
        .as_sequence()
        .expect("steps")
        .iter()
        .find(|s| s["run"].as_str().is_some_and(|r| r.contains(" apply ")))
        .expect("the apply");
    assert_eq!(
        apply["env"]["TF_VAR_mq_password"],
        "${{ secrets.TF_VAR_MQ_PASSWORD }}"
    );
    // The deploy identity is the environment's; images are pushed by another.
    let staging_text = serde_yaml_ng::to_string(staging).expect("yaml");
    assert!(
        staging_text.contains("${{ vars.AWS_ROLE_ARN_DEPLOY }}"),
        "{staging_text}"
    );
    assert!(text.contains("${{ vars.AWS_ROLE_ARN_PUSH }}"));
    // A pull request builds without pushing: the action gets a real boolean.
    assert!(text.contains("push: ${{ inputs.push == true }}"), "{text}");

    let check = &files["archsmith.yml"];
    let steps = serde_yaml_ng::to_string(&check["jobs"]["validate"]["steps"]).expect("yaml");
    assert!(steps.contains("--format sarif"));
    assert!(steps.contains("github/codeql-action/upload-sarif@v3"));
}

#[test]
fn a_pipeline_needs_a_cloud_to_deploy_to() {
    let mut doc = sample("ecommerce");
    doc.meta.cloud = None;
    let error = find_exporter("github-actions")
        .expect("exporter")
        .export(&doc, Catalog::builtin(), &ExportOptions::default())
        .expect_err("no cloud");
    assert!(error.to_string().contains("--provider"), "{error}");
    assert!(!workflows(&doc, Some(Cloud::Azure)).is_empty());
}
