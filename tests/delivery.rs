//! Delivery pipelines from the model: a GitHub Actions workflow per service with its
//! language's toolchain, a delivery workflow that builds each image once (tagged with its
//! folder's tree hash) into the registries every environment shares, deploys it to staging
//! then, behind a reviewed plan, to production, and the model and infrastructure checks.

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
            "infra.yml",
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
    // The image is named by the registry root (an input from the delivery workflow); a pull
    // request builds a local tag and pushes nothing.
    assert_eq!(
        build["with"]["tags"],
        "${{ inputs.push == true && format('{0}:{1}', inputs.image, inputs.tag) || 'posts-svc:ci' }}"
    );
    assert_eq!(build["with"]["push"], "${{ inputs.push == true }}");
    // Content-addressed tags: an image the registry already holds is not built again.
    assert_eq!(
        build["if"],
        "${{ steps.published.outputs.found != 'true' }}"
    );
    assert_eq!(
        posts["env"]["REGION"],
        "${{ vars.REGION || 'europe-west1' }}"
    );
}

fn job_ids(workflow: &serde_yaml_ng::Value) -> Vec<&str> {
    workflow["jobs"]
        .as_mapping()
        .expect("jobs")
        .keys()
        .filter_map(|k| k.as_str())
        .collect()
}

fn commands(job: &serde_yaml_ng::Value) -> Vec<&str> {
    job["steps"]
        .as_sequence()
        .expect("steps")
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect()
}

#[test]
fn delivery_builds_once_and_promotes_the_same_images_through_a_reviewed_plan() {
    let doc = sample("ecommerce");
    let files = workflows(&doc, None);
    let deliver = &files["deliver.yml"];
    let services = [
        "cart-svc",
        "catalog-svc",
        "checkout-svc",
        "inventory-worker",
        "notification-worker",
        "orders-svc",
        "payment-svc",
        "storefront-bff",
    ];
    let mut expected = vec!["tags", "registries"];
    expected.extend(services);
    expected.extend(["deploy-staging", "plan-production", "deploy-production"]);
    assert_eq!(job_ids(deliver), expected);
    let job = |id: &str| &deliver["jobs"][id];

    // One naming rule: the registry root of the Terraform export names every image, the
    // pipeline pushes there, and each environment's root reads the same registries.
    let Output::Folder(terraform) = find_exporter("terraform")
        .expect("exporter")
        .export(&doc, Catalog::builtin(), &ExportOptions::default())
        .expect("exports")
    else {
        panic!("a folder");
    };
    let outputs = String::from_utf8_lossy(&terraform["registry/outputs.tf"]).into_owned();
    assert!(
        outputs.contains("zipmap(keys(aws_ecr_repository.service), values(aws_ecr_repository.service)[*].repository_url)"),
        "{outputs}"
    );
    let registries = String::from_utf8_lossy(&terraform["registry/main.tf"]).into_owned();
    for service in services {
        assert!(
            registries.contains(&format!("\"{service}\"")),
            "{registries}"
        );
        assert_eq!(
            job(service)["with"]["image"],
            format!("${{{{ fromJSON(needs.registries.outputs.images)['{service}'] }}}}").as_str()
        );
        assert_eq!(
            job(service)["with"]["tag"],
            format!("${{{{ needs.tags.outputs['{service}'] }}}}").as_str()
        );
        assert_eq!(job(service)["needs"][1], "registries");
    }
    let compute = String::from_utf8_lossy(&terraform["compute.tf"]).into_owned();
    assert!(!compute.contains("resource \"aws_ecr_repository\""));
    assert!(compute.contains("data \"aws_ecr_repository\" \"service\""));
    assert!(compute.contains(r#"${data.aws_ecr_repository.service["cart-svc"].repository_url}:${var.image_tags["cart-svc"]}"#));
    assert!(
        commands(job("registries"))
            .iter()
            .any(|c| c.contains("terraform -chdir=infra/registry apply"))
    );
    let registries = serde_yaml_ng::to_string(job("registries")).expect("yaml");
    assert!(registries.contains("${{ vars.AWS_ROLE_ARN_PUSH }}"));

    // Each tag is a folder's tree hash, passed to the Terraform as image_tags for every
    // service it expects (its validation lists them).
    let script = commands(job("tags")).join("\n");
    let variables = String::from_utf8_lossy(&terraform["variables.tf"]).into_owned();
    for service in services {
        assert!(script.contains(&format!("echo \"{service}=$(tag {service})\"")));
        assert!(
            script.contains(&format!("\"{service}\":\"%s\"")),
            "{script}"
        );
        assert!(variables.contains(&format!("\"{service}\"")));
    }
    assert!(script.contains("git rev-parse \"HEAD:$1\""));

    // Staging: planned and applied, never auto-approved; the apply waits for the rollout.
    let staging = job("deploy-staging");
    assert_eq!(staging["environment"], "staging");
    let staging_commands = commands(staging);
    assert!(
        staging_commands
            .iter()
            .any(|c| c.contains("workspace select -or-create=true staging"))
    );
    assert!(staging_commands.contains(&"terraform -chdir=infra apply -input=false staging.tfplan"));
    assert!(compute.contains("wait_for_steady_state = true"));
    // The Terraform creates alarms on AWS: staging soaks free of them.
    assert!(
        staging_commands
            .iter()
            .any(|c| c.contains("--alarm-name-prefix \"staging-\""))
    );
    assert_eq!(staging["env"]["TF_VAR_environment"], "staging");
    assert_eq!(
        staging["env"]["TF_VAR_certificate_arn"],
        "${{ secrets.TF_VAR_CERTIFICATE_ARN }}"
    );
    // Credentials are the Terraform's own (random_password): no job, the plan of production
    // without reviewers included, is handed a password.
    let text = serde_yaml_ng::to_string(deliver).expect("yaml");
    for credential in ["MQ_PASSWORD", "CACHE_AUTH_TOKEN", "DB_ADMIN_PASSWORD"] {
        assert!(!text.contains(credential), "{credential}");
    }
    assert!(
        String::from_utf8_lossy(&terraform["security.tf"])
            .contains("resource \"random_password\" \"cache_auth_token\"")
    );
    let staging_text = serde_yaml_ng::to_string(staging).expect("yaml");
    assert!(staging_text.contains("${{ vars.AWS_ROLE_ARN_DEPLOY }}"));
    assert!(!staging_text.contains("ROLE_ARN_PUSH"));

    // Production: planned where no reviewer waits, the plan shown in the summary; the
    // approved job applies only a plan with the same changes.
    let plan = job("plan-production");
    assert_eq!(plan["environment"], "production-plan");
    assert_eq!(plan["needs"][1], "deploy-staging");
    assert!(
        commands(plan)
            .iter()
            .any(|c| c.contains("GITHUB_STEP_SUMMARY"))
    );
    assert!(
        commands(plan)
            .iter()
            .any(|c| c.contains("-lock=false -out=production.tfplan"))
    );
    let production = job("deploy-production");
    assert_eq!(production["environment"], "production");
    assert_eq!(production["needs"][1], "plan-production");
    let production_commands = commands(production);
    let check = production_commands
        .iter()
        .position(|c| c.contains("$REVIEWED"))
        .expect("the reviewed plan is compared");
    let apply = production_commands
        .iter()
        .position(|c| *c == "terraform -chdir=infra apply -input=false production.tfplan")
        .expect("the apply of the saved plan");
    assert!(check < apply);
    for id in ["plan-production", "deploy-production"] {
        assert_eq!(job(id)["if"], "${{ vars.DEPLOY_FREEZE != 'true' }}");
    }
    let text = serde_yaml_ng::to_string(deliver).expect("yaml");
    assert!(
        !text.contains("-auto-approve -var"),
        "environments are never applied unplanned"
    );
    assert_eq!(
        deliver["env"]["PROJECT"],
        "${{ vars.PROJECT || 'shopfast-e-commerce' }}"
    );

    // Pull requests: the Terraform is formatted and valid in both roots.
    let infra = commands(&files["infra.yml"]["jobs"]["terraform"]).join("\n");
    assert!(infra.contains("terraform fmt -check -recursive infra"));
    assert!(infra.contains("terraform -chdir=infra/registry validate"));

    let check = &files["archsmith.yml"];
    let steps = serde_yaml_ng::to_string(&check["jobs"]["validate"]["steps"]).expect("yaml");
    assert!(steps.contains("--format sarif"));
    assert!(steps.contains("github/codeql-action/upload-sarif@v3"));
    assert!(steps.contains(&format!("--tag v{}", env!("CARGO_PKG_VERSION"))));
    assert!(steps.contains("steps.validate.outputs.status == '1'"));
}

#[test]
fn a_private_cluster_is_deployed_from_a_runner_inside_the_network() {
    let chat = format::from_str(
        include_str!("fixtures/reference/chat.ron"),
        "chat.ron",
        Catalog::builtin(),
    )
    .expect("loads");
    let files = workflows(&chat, Some(Cloud::Aws));
    let deliver = &files["deliver.yml"];
    for (job, label) in [
        ("deploy-staging", "STAGING"),
        ("plan-production", "PRODUCTION"),
        ("deploy-production", "PRODUCTION"),
    ] {
        assert_eq!(
            deliver["jobs"][job]["runs-on"],
            format!("${{{{ vars.DEPLOY_RUNNER_{label} || 'self-hosted' }}}}").as_str(),
            "{job}"
        );
    }
    // Without a cluster, GitHub's runners reach everything the Terraform manages.
    let ecommerce = workflows(&sample("ecommerce"), None);
    assert_eq!(
        ecommerce["deliver.yml"]["jobs"]["deploy-staging"]["runs-on"],
        "ubuntu-latest"
    );
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
