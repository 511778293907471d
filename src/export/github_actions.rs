//! GitHub Actions from the model. Build once, promote the same image:
//!
//! - a workflow per service of the team's own code: its language's tests (toolchain from
//!   the catalog) and its image; on a pull request the image is only built, and when the
//!   delivery workflow calls it, pushed unless the registry already holds that tag;
//! - `deliver.yml` (on main): each service's tag is the git tree hash of its folder, so an
//!   unchanged service keeps its tag, is not rebuilt and is not redeployed; the registries
//!   (the Terraform export's `registry/` root, shared by the environments) are applied first,
//!   so a push never waits for an environment; staging is planned and applied, and its
//!   rollout has to succeed; production is planned with a read-only identity and the plan
//!   shown to its reviewers, and the approved job applies only a plan identical to the one
//!   they read; a repository variable freezes production deploys;
//! - `infra.yml`: `terraform fmt` and `validate` of both roots on pull requests to `infra/`;
//! - `archsmith.yml`: validates the model, uploads the findings as SARIF, and fails on
//!   errors.
//!
//! User text reaches YAML only through the serialiser and never a `${{ }}` expression:
//! names are written as ids, which are slugs, and values reach scripts through `env`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::listing::{Listed, readme};
use super::terraform::{
    REGISTRY_DIR, REGISTRY_IMAGES_OUTPUT, cloudwatch_alarms, primary_region_code, project_name,
};
use super::{ExportError, ExportOptions, Exported, Exporter, Format, Output, generated_yaml};
use crate::catalog::{Catalog, Deployment};
use crate::facts::Facts;
use crate::graph::ArchGraph;
use crate::model::{Cloud, Component, Document};

#[derive(Debug)]
pub struct GithubActionsExporter;

/// The repository variable that, set to `true`, stops deploys to production (a freeze).
const FREEZE_VARIABLE: &str = "DEPLOY_FREEZE";
/// Where the Terraform export is kept in the repository.
const INFRA_DIR: &str = "infra";

#[derive(Serialize)]
struct Workflow {
    name: String,
    on: BTreeMap<&'static str, serde_yaml_ng::Value>,
    permissions: BTreeMap<&'static str, &'static str>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    env: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    concurrency: Option<Concurrency>,
    jobs: indexmap_like::Jobs,
}

/// Jobs in the order they run, which is the order a reader follows.
mod indexmap_like {
    use serde::ser::{Serialize, SerializeMap, Serializer};

    use super::Job;

    #[derive(Default)]
    pub(super) struct Jobs(pub Vec<(String, Job)>);

    impl Serialize for Jobs {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(self.0.len()))?;
            for (id, job) in &self.0 {
                map.serialize_entry(id, job)?;
            }
            map.end()
        }
    }
}

#[derive(Serialize)]
struct Concurrency {
    group: String,
    #[serde(rename = "cancel-in-progress")]
    cancel_in_progress: bool,
}

#[derive(Serialize, Default)]
struct Job {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    needs: Vec<String>,
    #[serde(rename = "if", skip_serializing_if = "Option::is_none")]
    condition: Option<String>,
    #[serde(rename = "runs-on", skip_serializing_if = "Option::is_none")]
    runs_on: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    environment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    concurrency: Option<Concurrency>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    permissions: BTreeMap<&'static str, &'static str>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    outputs: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    env: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uses: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    with: BTreeMap<String, serde_yaml_ng::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secrets: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    defaults: Option<Defaults>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    steps: Vec<Step>,
}

#[derive(Serialize)]
struct Defaults {
    run: RunDefaults,
}

#[derive(Serialize)]
struct RunDefaults {
    #[serde(rename = "working-directory")]
    working_directory: String,
}

#[derive(Serialize, Default)]
struct Step {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'static str>,
    #[serde(rename = "if", skip_serializing_if = "Option::is_none")]
    condition: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uses: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    with: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    run: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    env: BTreeMap<String, String>,
}

fn uses(action: &str) -> Step {
    Step {
        uses: Some(action.to_owned()),
        ..Step::default()
    }
}

fn run(name: &str, command: impl Into<String>) -> Step {
    Step {
        name: Some(name.to_owned()),
        run: Some(command.into()),
        ..Step::default()
    }
}

fn with(step: Step, inputs: &[(&str, String)]) -> Step {
    Step {
        with: inputs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
        ..step
    }
}

impl Exporter for GithubActionsExporter {
    fn format(&self) -> &'static Format {
        &Format {
            id: "github-actions",
            label: "GitHub Actions (test, image, deploy per service; model check)",
            extension: None,
        }
    }

    fn export_noted(
        &self,
        doc: &Document,
        catalog: &Catalog,
        options: &ExportOptions,
    ) -> Result<Exported, ExportError> {
        let cloud = options.target_cloud(doc, "github-actions")?;
        let graph = ArchGraph::new(doc, catalog);
        let facts = Facts::new(&graph, Some(cloud));
        let coordinates = Coordinates {
            project: project_name(doc),
            region: primary_region_code(&facts),
            cloud,
        };
        let mut notes = Vec::new();
        let services = delivered(doc, &facts);
        let mut files = BTreeMap::new();
        let mut listed = Vec::new();
        for service in &services {
            let language = graph.text(service, "language").unwrap_or("other");
            let toolchain = catalog.toolchain(language);
            if toolchain.is_none() {
                notes.push(format!(
                    "{}: no toolchain for the language `{language}`, so its workflow builds the image without running tests",
                    service.name
                ));
            }
            let file = format!(".github/workflows/{}.yml", service.id);
            listed.push(Listed {
                file: file.clone(),
                of: service.name.clone(),
                version: String::new(),
                holds: if toolchain.is_some() {
                    format!("{language} tests, image")
                } else {
                    "image".to_owned()
                },
            });
            let workflow = service_workflow(service, toolchain, &coordinates);
            files.insert(file, generated_yaml("github-actions", &workflow)?);
        }
        if coordinates.region.is_none() {
            notes.push("the model names no region: set the repository variable REGION".to_owned());
        }
        let terraform = TerraformFacts::read(doc, catalog, cloud, &graph, &facts)?;
        if !terraform.secrets.is_empty() {
            notes.push(format!(
                "secrets on the staging, production-plan and production environments, which the Terraform reads: {}",
                terraform
                    .secrets
                    .iter()
                    .map(|v| format!("TF_VAR_{}", v.to_uppercase()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let deliver = deliver_workflow(&services, &coordinates, &terraform);
        files.insert(
            ".github/workflows/deliver.yml".to_owned(),
            generated_yaml("github-actions", &deliver)?,
        );
        listed.push(Listed {
            file: ".github/workflows/deliver.yml".to_owned(),
            of: "delivery".to_owned(),
            version: String::new(),
            holds: format!(
                "registries, {} images (built once, only when their folder changed), staging, production plan, production",
                services.len()
            ),
        });
        files.insert(
            ".github/workflows/infra.yml".to_owned(),
            generated_yaml("github-actions", &infra_workflow())?,
        );
        listed.push(Listed {
            file: ".github/workflows/infra.yml".to_owned(),
            of: "the Terraform".to_owned(),
            version: String::new(),
            holds: "fmt and validate on pull requests".to_owned(),
        });
        files.insert(
            ".github/workflows/archsmith.yml".to_owned(),
            generated_yaml("github-actions", &model_check_workflow())?,
        );
        listed.push(Listed {
            file: ".github/workflows/archsmith.yml".to_owned(),
            of: "the model".to_owned(),
            version: String::new(),
            holds: "validate, SARIF to code scanning, fails on errors".to_owned(),
        });
        notes.push(variables_note(cloud));
        if terraform.private_cluster {
            notes.push("runners: the Terraform deploys into a Kubernetes cluster through its private API server, so the plan and deploy jobs run on self-hosted runners inside each environment's network: the labels in the repository variables DEPLOY_RUNNER_STAGING and DEPLOY_RUNNER_PRODUCTION (`self-hosted` by default); use ephemeral runners, one network each, so staging's jobs never run where production's apply does; the first apply of an environment, which creates its network, runs from outside it".to_owned());
        }
        notes.push(format!(
            "environments: `staging` and `production` with the deploy identity of each, and `production-plan` with a read-only identity for production (it plans without reviewers, so the plan is in the run's summary before anyone approves); give `production` required reviewers. Set the repository variable {FREEZE_VARIABLE} to `true` to stop production deploys (staging keeps deploying); STAGING_SOAK_MINUTES (10 by default) is how long staging has to stay free of firing alarms, where the Terraform creates alarms"
        ));
        notes.push(format!(
            "layout: each service's code and Dockerfile in its folder (the compose export's build context; its tag is the folder's git tree hash, so code it shares with other services belongs in a versioned package, not a sibling folder), the Terraform export in {INFRA_DIR}/ with a remote state backend added to the versions.tf of both roots ({INFRA_DIR}/ and {INFRA_DIR}/{REGISTRY_DIR}/: each run starts on a fresh runner), the model at architecture/model.ron"
        ));
        files.insert(
            "README.md".to_owned(),
            readme("GitHub Actions", &doc.meta.name, "Builds", &listed, &notes),
        );
        Ok(Exported {
            output: Output::Folder(files),
            notes,
        })
    }
}

/// Where the pipeline deploys: the Terraform's defaults, overridable by repository
/// variables.
struct Coordinates {
    project: String,
    region: Option<String>,
    cloud: Cloud,
}

impl Coordinates {
    fn project(&self) -> String {
        format!("${{{{ vars.PROJECT || '{}' }}}}", self.project)
    }

    fn region(&self) -> String {
        match &self.region {
            Some(region) => format!("${{{{ vars.REGION || '{region}' }}}}"),
            None => "${{ vars.REGION }}".to_owned(),
        }
    }

    /// What every job of a workflow that signs in to the cloud sees.
    fn workflow_env(&self) -> BTreeMap<&'static str, String> {
        BTreeMap::from([("PROJECT", self.project()), ("REGION", self.region())])
    }

    /// The Terraform variables every job that runs it sets, from the same repository
    /// variables the sign-in uses, so an override reaches both.
    fn terraform_env(&self) -> BTreeMap<String, String> {
        let mut env = BTreeMap::from([
            ("TF_VAR_project".to_owned(), self.project()),
            ("TF_VAR_region".to_owned(), self.region()),
        ]);
        if self.cloud == Cloud::Gcp {
            env.insert(
                "TF_VAR_project_id".to_owned(),
                "${{ vars.GCP_PROJECT_ID }}".to_owned(),
            );
        }
        env
    }
}

/// What the pipeline reads from the Terraform export itself, so the two cannot disagree:
/// the variables without a default it passes from environment secrets, and whether the
/// environment raises alarms staging has to stay clear of.
struct TerraformFacts {
    secrets: Vec<String>,
    alarms: bool,
    /// The Terraform deploys into a Kubernetes cluster through its private API server.
    private_cluster: bool,
}

impl TerraformFacts {
    fn read(
        doc: &Document,
        catalog: &Catalog,
        cloud: Cloud,
        graph: &ArchGraph<'_>,
        facts: &Facts<'_>,
    ) -> Result<Self, ExportError> {
        let alarms = staging_soaks(cloud, graph, facts);
        let options = ExportOptions {
            provider: Some(cloud),
            ..ExportOptions::default()
        };
        let Output::Folder(files) =
            super::terraform::TerraformExporter.export(doc, catalog, &options)?
        else {
            return Ok(Self {
                secrets: Vec::new(),
                alarms,
                private_cluster: false,
            });
        };
        let text = |file: &str| {
            files
                .get(file)
                .and_then(|bytes| std::str::from_utf8(bytes).ok())
                .unwrap_or_default()
        };
        let body = hcl::parse(text("variables.tf")).map_err(|e| ExportError::Encode {
            format: "github-actions",
            message: format!("reading the Terraform variables: {e}"),
        })?;
        let secrets = body
            .blocks()
            .filter(|b| b.identifier() == "variable")
            .filter(|b| !b.body().attributes().any(|a| a.key() == "default"))
            .filter_map(|b| b.labels().first().map(|l| l.as_str().to_owned()))
            .filter(|name| !matches!(name.as_str(), "image_tags" | "project_id"))
            .collect();
        let private_cluster = files.contains_key("kubernetes.tf");
        Ok(Self {
            secrets,
            alarms,
            private_cluster,
        })
    }
}

/// Whether staging soaks before production is planned: on AWS, where the Terraform sets
/// CloudWatch alarms the pipeline can read.
pub(crate) fn staging_soaks(cloud: Cloud, graph: &ArchGraph<'_>, facts: &Facts<'_>) -> bool {
    cloud == Cloud::Aws && !cloudwatch_alarms(graph, facts).is_empty()
}

/// The services the pipeline builds and deploys: the team's own code, as deployed on the
/// facts' cloud.
pub(crate) fn delivered<'d>(doc: &'d Document, facts: &Facts<'_>) -> Vec<&'d Component> {
    doc.components()
        .iter()
        .filter(|c| facts.runs(c) == Some(Deployment::Built))
        .collect()
}

/// What the workflows read from the repository's variables and environments.
fn variables_note(cloud: Cloud) -> String {
    match cloud {
        Cloud::Aws => "variables: AWS_ROLE_ARN_PUSH on the repository (a role GitHub's OIDC provider may assume from main that may apply the registry root and push to it, nothing else) and AWS_ROLE_ARN_DEPLOY on each environment (trusted only for that environment's OIDC subject: applies the Terraform there; on production-plan, read-only)".to_owned(),
        Cloud::Gcp => "variables: GCP_PROJECT_ID and GCP_WORKLOAD_IDENTITY_PROVIDER on the repository, GCP_SERVICE_ACCOUNT_PUSH on the repository (may apply the registry root and push to it) and GCP_SERVICE_ACCOUNT_DEPLOY on each environment (impersonable only from that environment's OIDC subject: applies the Terraform there; on production-plan, read-only)".to_owned(),
        Cloud::Azure => "variables: AZURE_TENANT_ID and AZURE_SUBSCRIPTION_ID on the repository, AZURE_CLIENT_ID_PUSH on the repository (may apply the registry root and push to it) and AZURE_CLIENT_ID_DEPLOY on each environment (a federated credential for that environment only: applies the Terraform there; on production-plan, read-only)".to_owned(),
    }
}

fn value(text: &str) -> serde_yaml_ng::Value {
    serde_yaml_ng::Value::String(text.to_owned())
}

fn yaml(value: impl Serialize) -> serde_yaml_ng::Value {
    serde_yaml_ng::to_value(value).unwrap_or_default()
}

/// A `workflow_call` input.
fn input(kind: &str, default: serde_yaml_ng::Value, description: &str) -> serde_yaml_ng::Value {
    let mut input = serde_yaml_ng::Mapping::new();
    input.insert(value("type"), value(kind));
    input.insert(value("default"), default);
    input.insert(value("description"), value(description));
    serde_yaml_ng::Value::Mapping(input)
}

fn service_workflow(
    service: &Component,
    toolchain: Option<&crate::catalog::Toolchain>,
    coordinates: &Coordinates,
) -> Workflow {
    let cloud = coordinates.cloud;
    let dir = service.id.to_string();
    let paths = yaml(BTreeMap::from([(
        "paths",
        vec![format!("{dir}/**"), format!(".github/workflows/{dir}.yml")],
    )]));
    let mut inputs = serde_yaml_ng::Mapping::new();
    inputs.insert(
        value("push"),
        input(
            "boolean",
            serde_yaml_ng::Value::Bool(false),
            "Push the image to the registry (the delivery workflow does)",
        ),
    );
    inputs.insert(
        value("image"),
        input(
            "string",
            value(""),
            "The image's name in the registry, without a tag (the registry root's output)",
        ),
    );
    inputs.insert(
        value("tag"),
        input(
            "string",
            value(""),
            "The tag to push: the folder's tree hash",
        ),
    );
    let mut call = serde_yaml_ng::Mapping::new();
    call.insert(value("inputs"), serde_yaml_ng::Value::Mapping(inputs));
    let on = BTreeMap::from([
        ("pull_request", paths),
        ("workflow_call", serde_yaml_ng::Value::Mapping(call)),
    ]);
    let mut jobs = indexmap_like::Jobs::default();
    let mut image_needs = Vec::new();
    if let Some(toolchain) = toolchain {
        let mut steps = vec![uses("actions/checkout@v4")];
        if !toolchain.setup.is_empty() {
            let inputs: Vec<(&str, String)> = toolchain
                .with
                .iter()
                .map(|(k, v)| (k.as_str(), v.replace("{dir}", &dir)))
                .collect();
            steps.push(with(uses(&toolchain.setup), &inputs));
        }
        for command in &toolchain.test {
            steps.push(run(command, command.clone()));
        }
        jobs.0.push((
            "test".to_owned(),
            Job {
                runs_on: Some("ubuntu-latest"),
                defaults: Some(Defaults {
                    run: RunDefaults {
                        working_directory: dir.clone(),
                    },
                }),
                steps,
                ..Job::default()
            },
        ));
        image_needs.push("test".to_owned());
    }
    // On a pull request `inputs` is empty: compare, so the actions get a real boolean.
    let pushing = "${{ inputs.push == true }}".to_owned();
    let mut steps = vec![
        uses("actions/checkout@v4"),
        uses("docker/setup-buildx-action@v3"),
    ];
    for mut step in cloud_login(cloud, Identity::Push) {
        step.condition = Some(pushing.clone());
        steps.push(step);
    }
    steps.push(Step {
        condition: Some(pushing.clone()),
        env: BTreeMap::from([("IMAGE".to_owned(), "${{ inputs.image }}".to_owned())]),
        ..run("Sign in to the registry", registry_sign_in(cloud))
    });
    // Tags are immutable and content-addressed: a tag the registry holds is this code,
    // already built (by an earlier run, or for the other environment).
    steps.push(Step {
        id: Some("published"),
        condition: Some(pushing.clone()),
        env: BTreeMap::from([(
            "IMAGE".to_owned(),
            "${{ inputs.image }}:${{ inputs.tag }}".to_owned(),
        )]),
        ..run(
            "Is this code's image already in the registry?",
            "if docker buildx imagetools inspect \"$IMAGE\" > /dev/null 2>&1; then echo \"found=true\" >> \"$GITHUB_OUTPUT\"; fi",
        )
    });
    steps.push(Step {
        condition: Some("${{ steps.published.outputs.found != 'true' }}".to_owned()),
        ..with(
            uses("docker/build-push-action@v6"),
            &[
                ("context", dir.clone()),
                ("push", pushing.clone()),
                (
                    "tags",
                    format!(
                        "${{{{ inputs.push == true && format('{{0}}:{{1}}', inputs.image, inputs.tag) || '{dir}:ci' }}}}"
                    ),
                ),
            ],
        )
    });
    jobs.0.push((
        "image".to_owned(),
        Job {
            needs: image_needs,
            runs_on: Some("ubuntu-latest"),
            permissions: BTreeMap::from([("contents", "read"), ("id-token", "write")]),
            steps,
            ..Job::default()
        },
    ));
    Workflow {
        name: service.id.to_string(),
        on,
        permissions: BTreeMap::from([("contents", "read")]),
        // A called workflow does not see its caller's `env`.
        env: coordinates.workflow_env(),
        concurrency: None,
        jobs,
    }
}

/// Which identity signs in: the one that owns the registries and pushes images
/// (repository variables), or the one that deploys (the same variable names set on each
/// environment, so production's is only reachable behind that environment's rules).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Identity {
    Push,
    Deploy,
}

impl Identity {
    fn variable(self, base: &str) -> String {
        match self {
            Self::Push => format!("${{{{ vars.{base}_PUSH }}}}"),
            Self::Deploy => format!("${{{{ vars.{base}_DEPLOY }}}}"),
        }
    }
}

/// Signing in to the cloud with the runner's OIDC token (no stored keys).
fn cloud_login(cloud: Cloud, identity: Identity) -> Vec<Step> {
    match cloud {
        Cloud::Aws => vec![with(
            uses("aws-actions/configure-aws-credentials@v4"),
            &[
                ("role-to-assume", identity.variable("AWS_ROLE_ARN")),
                ("aws-region", "${{ env.REGION }}".to_owned()),
            ],
        )],
        Cloud::Gcp => vec![
            with(
                uses("google-github-actions/auth@v2"),
                &[
                    (
                        "workload_identity_provider",
                        "${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}".to_owned(),
                    ),
                    ("service_account", identity.variable("GCP_SERVICE_ACCOUNT")),
                ],
            ),
            uses("google-github-actions/setup-gcloud@v2"),
        ],
        Cloud::Azure => vec![with(
            uses("azure/login@v2"),
            &[
                ("client-id", identity.variable("AZURE_CLIENT_ID")),
                ("tenant-id", "${{ vars.AZURE_TENANT_ID }}".to_owned()),
                (
                    "subscription-id",
                    "${{ vars.AZURE_SUBSCRIPTION_ID }}".to_owned(),
                ),
            ],
        )],
    }
}

/// Docker's sign-in to the registry host of `$IMAGE`, with the cloud session.
fn registry_sign_in(cloud: Cloud) -> &'static str {
    match cloud {
        Cloud::Aws => {
            "aws ecr get-login-password | docker login --username AWS --password-stdin \"${IMAGE%%/*}\""
        }
        Cloud::Gcp => "gcloud auth configure-docker \"${IMAGE%%/*}\" --quiet",
        Cloud::Azure => "az acr login --name \"${IMAGE%%.*}\"",
    }
}

/// The environment a deploy job runs in.
struct Stage {
    /// The GitHub environment (its protection rules and its deploy identity).
    environment: &'static str,
    /// The Terraform workspace: the environment the resources belong to.
    workspace: &'static str,
}

/// Steps that bring a job to a planned Terraform in `stage`'s state: the plan in
/// `<workspace>.tfplan`.
fn plan_steps(cloud: Cloud, stage: &Stage, lock: bool) -> Vec<Step> {
    let workspace = stage.workspace;
    let mut steps = vec![uses("actions/checkout@v4")];
    steps.extend(cloud_login(cloud, Identity::Deploy));
    steps.push(with(
        uses("hashicorp/setup-terraform@v3"),
        &[("terraform_wrapper", "false".to_owned())],
    ));
    steps.push(run(
        "Initialise",
        format!("terraform -chdir={INFRA_DIR} init -input=false"),
    ));
    // Each environment keeps its own state, so deploying one never touches the other.
    steps.push(run(
        &format!("Select the {workspace} state"),
        format!("terraform -chdir={INFRA_DIR} workspace select -or-create=true {workspace}"),
    ));
    steps.push(Step {
        env: BTreeMap::from([(
            "IMAGE_TAGS".to_owned(),
            "${{ needs.tags.outputs.tfvars }}".to_owned(),
        )]),
        ..run(
            "Deploy each service at its folder's tag",
            format!("printf '%s\\n' \"$IMAGE_TAGS\" > {INFRA_DIR}/images.auto.tfvars.json"),
        )
    });
    let lock = if lock { "" } else { " -lock=false" };
    steps.push(run(
        &format!("Plan {workspace}"),
        format!("terraform -chdir={INFRA_DIR} plan -input=false{lock} -out={workspace}.tfplan"),
    ));
    steps
}

/// The digest of what a plan changes, to tell whether the plan applied is the plan read.
fn plan_digest(workspace: &str) -> String {
    format!(
        "terraform -chdir={INFRA_DIR} show -json {workspace}.tfplan | jq -S -c '.resource_changes' | sha256sum | cut -d' ' -f1"
    )
}

/// Where a job that runs the Terraform of `environment` runs: a GitHub-hosted runner, or,
/// when the Terraform reaches a private Kubernetes API server, a self-hosted one inside that
/// environment's network (a label per environment: `runs-on` cannot read an environment's
/// variables, and the networks of staging and production are apart).
fn terraform_runner(terraform: &TerraformFacts, environment: &str) -> &'static str {
    match (terraform.private_cluster, environment) {
        (false, _) => "ubuntu-latest",
        (true, "staging") => "${{ vars.DEPLOY_RUNNER_STAGING || 'self-hosted' }}",
        (true, _) => "${{ vars.DEPLOY_RUNNER_PRODUCTION || 'self-hosted' }}",
    }
}

fn deploy_job(
    stage: &Stage,
    needs: Vec<String>,
    env: BTreeMap<String, String>,
    steps: Vec<Step>,
    runner: &'static str,
) -> Job {
    Job {
        name: Some(format!("Deploy to {}", stage.environment)),
        needs,
        runs_on: Some(runner),
        environment: Some(stage.environment.to_owned()),
        permissions: BTreeMap::from([("contents", "read"), ("id-token", "write")]),
        env,
        steps,
        ..Job::default()
    }
}

fn deliver_workflow(
    services: &[&Component],
    coordinates: &Coordinates,
    terraform: &TerraformFacts,
) -> Workflow {
    let cloud = coordinates.cloud;
    let mut push = serde_yaml_ng::Mapping::new();
    push.insert(value("branches"), yaml(vec!["main"]));
    // A change to documentation deploys nothing.
    push.insert(value("paths-ignore"), yaml(vec!["**.md", "docs/**"]));
    let on = BTreeMap::from([
        ("push", serde_yaml_ng::Value::Mapping(push)),
        ("workflow_dispatch", serde_yaml_ng::Value::Null),
    ]);
    let mut jobs = indexmap_like::Jobs::default();

    // Each service's tag is its folder's tree hash: the same code, the same tag, in every
    // run and every environment.
    let mut script = vec!["tag() { git rev-parse \"HEAD:$1\"; }".to_owned()];
    let mut outputs = BTreeMap::new();
    for service in services {
        let id = service.id.as_str();
        script.push(format!("echo \"{id}=$(tag {id})\" >> \"$GITHUB_OUTPUT\""));
        outputs.insert(
            id.to_owned(),
            format!("${{{{ steps.tags.outputs['{id}'] }}}}"),
        );
    }
    let fields: Vec<String> = services
        .iter()
        .map(|s| format!("\"{}\":\"%s\"", s.id))
        .collect();
    let arguments: Vec<String> = services
        .iter()
        .map(|s| format!("\"$(tag {})\"", s.id))
        .collect();
    script.push(format!(
        "echo \"tfvars=$(printf '{{\"image_tags\":{{{}}}}}' {})\" >> \"$GITHUB_OUTPUT\"",
        fields.join(","),
        arguments.join(" ")
    ));
    outputs.insert(
        "tfvars".to_owned(),
        "${{ steps.tags.outputs.tfvars }}".to_owned(),
    );
    jobs.0.push((
        "tags".to_owned(),
        Job {
            name: Some("Image tags".to_owned()),
            runs_on: Some("ubuntu-latest"),
            outputs,
            steps: vec![
                uses("actions/checkout@v4"),
                Step {
                    id: Some("tags"),
                    ..run(
                        "Tag each service with its folder's tree hash",
                        script.join("\n"),
                    )
                },
            ],
            ..Job::default()
        },
    ));

    // The registries exist before anything is pushed, and before any environment.
    let registry = format!("{INFRA_DIR}/{REGISTRY_DIR}");
    let mut steps = vec![uses("actions/checkout@v4")];
    steps.extend(cloud_login(cloud, Identity::Push));
    steps.push(with(
        uses("hashicorp/setup-terraform@v3"),
        &[("terraform_wrapper", "false".to_owned())],
    ));
    steps.push(run(
        "Initialise",
        format!("terraform -chdir={registry} init -input=false"),
    ));
    steps.push(run(
        "Create or update the registries",
        format!("terraform -chdir={registry} apply -input=false -auto-approve"),
    ));
    steps.push(Step {
        id: Some("registry"),
        ..run(
            "Read each service's image name",
            format!(
                "echo \"images=$(terraform -chdir={registry} output -json {REGISTRY_IMAGES_OUTPUT} | jq -c .)\" >> \"$GITHUB_OUTPUT\""
            ),
        )
    });
    jobs.0.push((
        "registries".to_owned(),
        Job {
            name: Some("Registries".to_owned()),
            runs_on: Some("ubuntu-latest"),
            permissions: BTreeMap::from([("contents", "read"), ("id-token", "write")]),
            outputs: BTreeMap::from([(
                "images".to_owned(),
                "${{ steps.registry.outputs.images }}".to_owned(),
            )]),
            env: coordinates.terraform_env(),
            steps,
            ..Job::default()
        },
    ));

    let mut built = vec!["tags".to_owned()];
    for service in services {
        let id = service.id.to_string();
        jobs.0.push((
            id.clone(),
            Job {
                needs: vec!["tags".to_owned(), "registries".to_owned()],
                uses: Some(format!("./.github/workflows/{id}.yml")),
                with: BTreeMap::from([
                    ("push".to_owned(), serde_yaml_ng::Value::Bool(true)),
                    (
                        "image".to_owned(),
                        value(&format!(
                            "${{{{ fromJSON(needs.registries.outputs.images)['{id}'] }}}}"
                        )),
                    ),
                    (
                        "tag".to_owned(),
                        value(&format!("${{{{ needs.tags.outputs['{id}'] }}}}")),
                    ),
                ]),
                permissions: BTreeMap::from([("contents", "read"), ("id-token", "write")]),
                ..Job::default()
            },
        ));
        built.push(id);
    }

    let secrets = |environment: &str| {
        let mut env = coordinates.terraform_env();
        env.insert("TF_VAR_environment".to_owned(), environment.to_owned());
        for name in &terraform.secrets {
            env.insert(
                format!("TF_VAR_{name}"),
                format!("${{{{ secrets.TF_VAR_{} }}}}", name.to_uppercase()),
            );
        }
        env
    };

    // Staging: plan and apply; the apply waits for the rollout and fails when it did not
    // start. Then staging has to stay clear of alarms before production is planned.
    let staging = Stage {
        environment: "staging",
        workspace: "staging",
    };
    let mut steps = plan_steps(cloud, &staging, true);
    steps.push(run(
        "Apply to staging",
        format!("terraform -chdir={INFRA_DIR} apply -input=false staging.tfplan"),
    ));
    if terraform.alarms {
        steps.push(Step {
            env: BTreeMap::from([(
                "SOAK_MINUTES".to_owned(),
                "${{ vars.STAGING_SOAK_MINUTES || '10' }}".to_owned(),
            )]),
            ..run(
                "Staging raises no alarm while it soaks",
                "for minute in $(seq \"$SOAK_MINUTES\"); do\n  sleep 60\n  firing=$(aws cloudwatch describe-alarms --alarm-name-prefix \"staging-\" --state-value ALARM --query 'MetricAlarms[].AlarmName' --output text)\n  if [ -n \"$firing\" ]; then echo \"::error::alarms firing in staging after $minute min: $firing\"; exit 1; fi\ndone",
            )
        });
    }
    let mut job = deploy_job(
        &staging,
        built,
        secrets("staging"),
        steps,
        terraform_runner(terraform, "staging"),
    );
    job.concurrency = Some(Concurrency {
        group: "deploy-staging".to_owned(),
        cancel_in_progress: false,
    });
    jobs.0.push(("deploy-staging".to_owned(), job));

    // Production, planned with a read-only identity where no reviewer stands in the way,
    // so its reviewers read the plan before they approve.
    let freeze = format!("${{{{ vars.{FREEZE_VARIABLE} != 'true' }}}}");
    let review = Stage {
        environment: "production-plan",
        workspace: "production",
    };
    let mut steps = plan_steps(cloud, &review, false);
    steps.push(run(
        "Show the plan to the reviewers",
        format!(
            "{{\n  echo '## Production plan'\n  echo '```'\n  terraform -chdir={INFRA_DIR} show -no-color production.tfplan | head -c 900000\n  echo '```'\n}} >> \"$GITHUB_STEP_SUMMARY\""
        ),
    ));
    steps.push(Step {
        id: Some("plan"),
        ..run(
            "Record what the plan changes",
            format!(
                "echo \"digest=$({})\" >> \"$GITHUB_OUTPUT\"",
                plan_digest("production")
            ),
        )
    });
    let mut job = deploy_job(
        &review,
        vec!["tags".to_owned(), "deploy-staging".to_owned()],
        secrets("production"),
        steps,
        terraform_runner(terraform, "production"),
    );
    job.name = Some("Plan production".to_owned());
    job.condition = Some(freeze.clone());
    job.outputs = BTreeMap::from([(
        "digest".to_owned(),
        "${{ steps.plan.outputs.digest }}".to_owned(),
    )]);
    jobs.0.push(("plan-production".to_owned(), job));

    let production = Stage {
        environment: "production",
        workspace: "production",
    };
    let mut steps = vec![Step {
        env: BTreeMap::from([(
            "FREEZE".to_owned(),
            format!("${{{{ vars.{FREEZE_VARIABLE} }}}}"),
        )]),
        // The job's condition is read when the run starts; a freeze declared while the job
        // waited for its reviewers is read here.
        ..run(
            "No deploy freeze",
            "if [ \"$FREEZE\" = true ]; then\n  echo \"::error::production deploys are frozen\"\n  exit 1\nfi",
        )
    }];
    steps.extend(plan_steps(cloud, &production, true));
    steps.push(Step {
        env: BTreeMap::from([(
            "REVIEWED".to_owned(),
            "${{ needs.plan-production.outputs.digest }}".to_owned(),
        )]),
        ..run(
            "Apply only the plan the reviewers read",
            format!(
                "if [ \"$({})\" != \"$REVIEWED\" ]; then\n  echo \"::error::production changed since its plan was reviewed: run the workflow again\"\n  exit 1\nfi",
                plan_digest("production")
            ),
        )
    });
    steps.push(run(
        "Apply to production",
        format!("terraform -chdir={INFRA_DIR} apply -input=false production.tfplan"),
    ));
    let mut job = deploy_job(
        &production,
        vec!["tags".to_owned(), "plan-production".to_owned()],
        secrets("production"),
        steps,
        terraform_runner(terraform, "production"),
    );
    job.condition = Some(freeze);
    job.concurrency = Some(Concurrency {
        group: "deploy-production".to_owned(),
        cancel_in_progress: false,
    });
    jobs.0.push(("deploy-production".to_owned(), job));

    Workflow {
        name: "deliver".to_owned(),
        on,
        permissions: BTreeMap::from([("contents", "read")]),
        env: coordinates.workflow_env(),
        concurrency: None,
        jobs,
    }
}

/// `terraform fmt` and `validate` of both roots on a pull request that changes them; no
/// cloud identity, no state.
fn infra_workflow() -> Workflow {
    let paths = yaml(BTreeMap::from([(
        "paths",
        vec![
            format!("{INFRA_DIR}/**"),
            ".github/workflows/infra.yml".to_owned(),
        ],
    )]));
    let mut steps = vec![
        uses("actions/checkout@v4"),
        uses("hashicorp/setup-terraform@v3"),
        run(
            "Formatted",
            format!("terraform fmt -check -recursive {INFRA_DIR}"),
        ),
    ];
    for root in [INFRA_DIR.to_owned(), format!("{INFRA_DIR}/{REGISTRY_DIR}")] {
        steps.push(run(
            &format!("Valid: {root}"),
            format!(
                "terraform -chdir={root} init -input=false -backend=false\nterraform -chdir={root} validate"
            ),
        ));
    }
    let mut jobs = indexmap_like::Jobs::default();
    jobs.0.push((
        "terraform".to_owned(),
        Job {
            runs_on: Some("ubuntu-latest"),
            steps,
            ..Job::default()
        },
    ));
    Workflow {
        name: "infra".to_owned(),
        on: BTreeMap::from([("pull_request", paths)]),
        permissions: BTreeMap::from([("contents", "read")]),
        env: BTreeMap::new(),
        concurrency: None,
        jobs,
    }
}

fn model_check_workflow() -> Workflow {
    let paths = yaml(BTreeMap::from([(
        "paths",
        vec!["architecture/**", ".github/workflows/archsmith.yml"],
    )]));
    let on = BTreeMap::from([("pull_request", paths.clone()), ("push", paths)]);
    let version = env!("CARGO_PKG_VERSION");
    let steps = vec![
        uses("actions/checkout@v4"),
        // The version that wrote this pipeline, cached: the same rules on every run.
        Step {
            id: Some("cache"),
            ..with(
                uses("actions/cache@v4"),
                &[
                    ("path", "~/.cargo/bin/archsmith".to_owned()),
                    ("key", format!("archsmith-{version}-${{{{ runner.os }}}}")),
                ],
            )
        },
        Step {
            condition: Some("${{ steps.cache.outputs.cache-hit != 'true' }}".to_owned()),
            env: BTreeMap::from([(
                "ARCHSMITH_GIT".to_owned(),
                "${{ vars.ARCHSMITH_GIT || 'https://github.com/archsmith/archsmith' }}".to_owned(),
            )]),
            ..run(
                "Install Archsmith",
                format!("cargo install --locked --git \"$ARCHSMITH_GIT\" --tag v{version} archsmith"),
            )
        },
        // Exit 1 is error findings: recorded, shown in code scanning, then failing the job.
        Step {
            id: Some("validate"),
            ..run(
                "Validate the model",
                "status=0\narchsmith validate architecture/model.ron --format sarif > archsmith.sarif || status=$?\necho \"status=$status\" >> \"$GITHUB_OUTPUT\"\n[ \"$status\" -le 1 ]",
            )
        },
        // A fork's pull request may not write code scanning results.
        Step {
            condition: Some("${{ always() && hashFiles('archsmith.sarif') != '' && (github.event_name == 'push' || github.event.pull_request.head.repo.full_name == github.repository) }}".to_owned()),
            ..with(
                uses("github/codeql-action/upload-sarif@v3"),
                &[
                    ("sarif_file", "archsmith.sarif".to_owned()),
                    ("category", "archsmith".to_owned()),
                ],
            )
        },
        Step {
            condition: Some("${{ steps.validate.outputs.status == '1' }}".to_owned()),
            ..run(
                "The model has error findings",
                "echo \"::error::archsmith found errors in the model: see the code scanning alerts\"\nexit 1",
            )
        },
    ];
    let mut jobs = indexmap_like::Jobs::default();
    jobs.0.push((
        "validate".to_owned(),
        Job {
            runs_on: Some("ubuntu-latest"),
            permissions: BTreeMap::from([("contents", "read"), ("security-events", "write")]),
            steps,
            ..Job::default()
        },
    ));
    Workflow {
        name: "archsmith".to_owned(),
        on,
        permissions: BTreeMap::from([("contents", "read")]),
        env: BTreeMap::new(),
        concurrency: None,
        jobs,
    }
}
