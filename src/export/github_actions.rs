//! GitHub Actions from the model: a workflow per service of the team's own code (test with
//! its language's toolchain from the catalog, then build its image, and push it to the
//! registry the Terraform creates when called by the delivery workflow), `deliver.yml`
//! (on main: every image at the commit's tag, then `terraform apply` with that `image_tag`
//! to staging and, behind the production environment's protection rules, to production),
//! and `archsmith.yml` (validates the model and uploads the findings as SARIF to code
//! scanning).
//!
//! Every service is built at the same tag in one run because the Terraform deploys one
//! `image_tag` for all of them. User text reaches YAML only through the serialiser and
//! never a `${{ }}` expression: names are written as ids, which are slugs.

use std::collections::BTreeMap;

use serde::Serialize;

use super::listing::{Listed, readme};
use super::terraform::{primary_region_code, project_name};
use super::{ExportError, ExportOptions, Exported, Exporter, Format, Output, generated_yaml};
use crate::catalog::{Catalog, Deployment};
use crate::facts::Facts;
use crate::graph::ArchGraph;
use crate::model::{Cloud, Component, Document};

#[derive(Debug)]
pub struct GithubActionsExporter;

/// The environments a change goes through, in order.
const ENVIRONMENTS: [&str; 2] = ["staging", "production"];
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
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    permissions: BTreeMap<&'static str, &'static str>,
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

    fn export(
        &self,
        doc: &Document,
        catalog: &Catalog,
        options: &ExportOptions,
    ) -> Result<Output, ExportError> {
        Ok(self.export_noted(doc, catalog, options)?.output)
    }

    fn export_noted(
        &self,
        doc: &Document,
        catalog: &Catalog,
        options: &ExportOptions,
    ) -> Result<Exported, ExportError> {
        let cloud = options
            .provider
            .or(doc.meta.cloud)
            .ok_or(ExportError::MissingOption {
                format: "github-actions",
                what: "a target cloud: --provider aws|gcp|azure, or `cloud` in the model",
            })?;
        let graph = ArchGraph::new(doc, catalog);
        let facts = Facts::new(&graph, Some(cloud));
        let region = primary_region_code(&facts);
        let project = project_name(doc);
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
            let file = format!("{}.yml", service.id);
            listed.push(Listed {
                file: format!(".github/workflows/{file}"),
                of: service.name.clone(),
                version: String::new(),
                holds: if toolchain.is_some() {
                    format!("{language} tests, image")
                } else {
                    "image".to_owned()
                },
            });
            let workflow =
                service_workflow(service, toolchain, cloud, (&project, region.as_deref()));
            files.insert(
                format!(".github/workflows/{file}"),
                generated_yaml("github-actions", &workflow)?,
            );
        }
        if region.is_none() {
            notes.push("the model names no region: set the repository variable REGION".to_owned());
        }
        let secrets = terraform_inputs(doc, catalog, cloud)?;
        if !secrets.is_empty() {
            notes.push(format!(
                "environment secrets the deploy jobs pass to the Terraform: {}",
                secrets
                    .iter()
                    .map(|v| format!("TF_VAR_{}", v.to_uppercase()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let deliver = deliver_workflow(doc, &services, cloud, region.as_deref(), &secrets);
        files.insert(
            ".github/workflows/deliver.yml".to_owned(),
            generated_yaml("github-actions", &deliver)?,
        );
        listed.push(Listed {
            file: ".github/workflows/deliver.yml".to_owned(),
            of: "delivery".to_owned(),
            version: String::new(),
            holds: format!(
                "{} images, then {}",
                services.len(),
                ENVIRONMENTS.join(" then ")
            ),
        });
        files.insert(
            ".github/workflows/archsmith.yml".to_owned(),
            generated_yaml("github-actions", &model_check_workflow())?,
        );
        listed.push(Listed {
            file: ".github/workflows/archsmith.yml".to_owned(),
            of: "the model".to_owned(),
            version: String::new(),
            holds: "validate, SARIF to code scanning".to_owned(),
        });
        notes.extend(variables_note(cloud));
        notes.push(format!(
            "layout: each service's code and Dockerfile in its folder (the compose export's build context), the Terraform export in {INFRA_DIR}/ with a remote state backend added to its versions.tf (each run starts on a fresh runner), the model at architecture/model.ron; protect the production environment with required reviewers"
        ));
        notes.push(
            "not done by these workflows: a plan for reviewers to read before they approve production, checks of staging's health before promoting, and creating the registries before the first push (apply the Terraform once by hand first)".to_owned(),
        );
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

/// The Terraform variables without a default, other than the ones the pipeline sets: the
/// deploy jobs pass each from an environment secret. Read from the Terraform export itself,
/// so the two cannot disagree.
fn terraform_inputs(
    doc: &Document,
    catalog: &Catalog,
    cloud: Cloud,
) -> Result<Vec<String>, ExportError> {
    let options = ExportOptions {
        provider: Some(cloud),
        ..ExportOptions::default()
    };
    let Output::Folder(files) =
        super::terraform::TerraformExporter.export(doc, catalog, &options)?
    else {
        return Ok(Vec::new());
    };
    let Some(text) = files
        .get("variables.tf")
        .and_then(|bytes| std::str::from_utf8(bytes).ok())
    else {
        return Ok(Vec::new());
    };
    let body = hcl::parse(text).map_err(|e| ExportError::Encode {
        format: "github-actions",
        message: format!("reading the Terraform variables: {e}"),
    })?;
    Ok(body
        .blocks()
        .filter(|b| b.identifier() == "variable")
        .filter(|b| !b.body().attributes().any(|a| a.key() == "default"))
        .filter_map(|b| b.labels().first().map(|l| l.as_str().to_owned()))
        .filter(|name| !matches!(name.as_str(), "image_tag" | "project_id"))
        .collect())
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
fn variables_note(cloud: Cloud) -> Option<String> {
    Some(match cloud {
        Cloud::Aws => "variables: AWS_ROLE_ARN_PUSH on the repository (a role GitHub's OIDC provider may assume that may only push to ECR) and AWS_ROLE_ARN_DEPLOY on each environment (a role that applies the Terraform there)".to_owned(),
        Cloud::Gcp => "variables: GCP_PROJECT_ID and GCP_WORKLOAD_IDENTITY_PROVIDER on the repository, GCP_SERVICE_ACCOUNT_PUSH on the repository (may only push to Artifact Registry) and GCP_SERVICE_ACCOUNT_DEPLOY on each environment (applies the Terraform there)".to_owned(),
        Cloud::Azure => "variables: AZURE_TENANT_ID and AZURE_SUBSCRIPTION_ID, AZURE_CLIENT_ID_PUSH on the repository (may only push to the registries), AZURE_CLIENT_ID_DEPLOY on each environment (applies the Terraform there), AZURE_REGISTRY_STAGING and AZURE_REGISTRY_PRODUCTION (each environment's registry login server, a Terraform output)".to_owned(),
    })
}

fn value(text: &str) -> serde_yaml_ng::Value {
    serde_yaml_ng::Value::String(text.to_owned())
}

fn service_workflow(
    service: &Component,
    toolchain: Option<&crate::catalog::Toolchain>,
    cloud: Cloud,
    coordinates: (&str, Option<&str>),
) -> Workflow {
    let dir = service.id.to_string();
    let paths = serde_yaml_ng::to_value(BTreeMap::from([(
        "paths",
        vec![format!("{dir}/**"), format!(".github/workflows/{dir}.yml")],
    )]))
    .unwrap_or_default();
    let mut push_input = serde_yaml_ng::Mapping::new();
    push_input.insert(value("type"), value("boolean"));
    push_input.insert(value("default"), serde_yaml_ng::Value::Bool(false));
    push_input.insert(
        value("description"),
        value("Push the image to the registry (the delivery workflow does)"),
    );
    let mut inputs = serde_yaml_ng::Mapping::new();
    inputs.insert(value("push"), serde_yaml_ng::Value::Mapping(push_input));
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
    let mut steps = vec![
        uses("actions/checkout@v4"),
        uses("docker/setup-buildx-action@v3"),
    ];
    let login_if = "${{ inputs.push == true }}".to_owned();
    for mut step in registry_login(cloud, Identity::Push) {
        step.condition = Some(login_if.clone());
        steps.push(step);
    }
    steps.push(with(
        uses("docker/build-push-action@v6"),
        &[
            ("context", dir.clone()),
            // On a pull request `inputs` is empty: compare, so the action gets `false`.
            ("push", "${{ inputs.push == true }}".to_owned()),
            ("tags", image_tags(cloud, &dir)),
        ],
    ));
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
        env: env(cloud, coordinates.0, coordinates.1),
        concurrency: None,
        jobs,
    }
}

/// The environment every job of a workflow sees: the registry's coordinates, defaulting to
/// what the Terraform export's variables default to, so both name the same registries.
fn env(cloud: Cloud, project: &str, region: Option<&str>) -> BTreeMap<&'static str, String> {
    let mut env = BTreeMap::new();
    env.insert("PROJECT", format!("${{{{ vars.PROJECT || '{project}' }}}}"));
    env.insert(
        "REGION",
        match region {
            Some(region) => format!("${{{{ vars.REGION || '{region}' }}}}"),
            None => "${{ vars.REGION }}".to_owned(),
        },
    );
    match cloud {
        Cloud::Gcp => {
            env.insert("GCP_PROJECT_ID", "${{ vars.GCP_PROJECT_ID }}".to_owned());
        }
        Cloud::Azure => {
            for environment in ENVIRONMENTS {
                env.insert(
                    registry_variable(environment),
                    format!("${{{{ vars.{} }}}}", registry_variable(environment)),
                );
            }
        }
        Cloud::Aws => {}
    }
    env
}

/// The repository variable holding an environment's Azure registry login server.
fn registry_variable(environment: &str) -> &'static str {
    if environment == "production" {
        "AZURE_REGISTRY_PRODUCTION"
    } else {
        "AZURE_REGISTRY_STAGING"
    }
}

/// Signing in to the cloud and its registry, with the runner's OIDC token (no stored keys).
/// Which identity signs in: the one that pushes images (repository variables), or the one
/// that deploys (the same variable names set on each environment, so production's is only
/// reachable behind that environment's protection rules).
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

fn registry_login(cloud: Cloud, identity: Identity) -> Vec<Step> {
    match cloud {
        Cloud::Aws => vec![
            with(
                uses("aws-actions/configure-aws-credentials@v4"),
                &[
                    ("role-to-assume", identity.variable("AWS_ROLE_ARN")),
                    ("aws-region", "${{ env.REGION }}".to_owned()),
                ],
            ),
            Step {
                id: Some("registry"),
                ..uses("aws-actions/amazon-ecr-login@v2")
            },
        ],
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
            run(
                "Sign in to Artifact Registry",
                "gcloud auth configure-docker \"$REGION-docker.pkg.dev\" --quiet",
            ),
        ],
        Cloud::Azure => vec![
            with(
                uses("azure/login@v2"),
                &[
                    ("client-id", identity.variable("AZURE_CLIENT_ID")),
                    ("tenant-id", "${{ vars.AZURE_TENANT_ID }}".to_owned()),
                    (
                        "subscription-id",
                        "${{ vars.AZURE_SUBSCRIPTION_ID }}".to_owned(),
                    ),
                ],
            ),
            run(
                "Sign in to the environments' registries",
                "for server in \"$AZURE_REGISTRY_STAGING\" \"$AZURE_REGISTRY_PRODUCTION\"; do az acr login --name \"${server%%.*}\"; done",
            ),
        ],
    }
}

/// The image names the Terraform deploys, one per environment where the registry is per
/// environment, all at the commit's tag.
fn image_tags(cloud: Cloud, slug: &str) -> String {
    match cloud {
        // ECR repository `${var.project}/<slug>`, shared by the environments.
        // Without a sign-in (a pull request) the name still has to be a valid reference.
        Cloud::Aws => format!(
            "${{{{ steps.registry.outputs.registry || 'local' }}}}/${{{{ env.PROJECT }}}}/{slug}:${{{{ github.sha }}}}"
        ),
        // Artifact Registry repository `${var.environment}-<slug>` per environment.
        Cloud::Gcp => ENVIRONMENTS
            .iter()
            .map(|environment| {
                format!(
                    "${{{{ env.REGION }}}}-docker.pkg.dev/${{{{ env.GCP_PROJECT_ID || 'local' }}}}/{environment}-{slug}/{slug}:${{{{ github.sha }}}}"
                )
            })
            .collect::<Vec<_>>()
            .join("\n"),
        // One registry per environment, named by the Terraform from the project and
        // environment: the delivery workflow signs in to each before calling this one.
        Cloud::Azure => ENVIRONMENTS
            .iter()
            .map(|environment| {
                format!(
                    "${{{{ env.{} || 'local' }}}}/{slug}:${{{{ github.sha }}}}",
                    registry_variable(environment)
                )
            })
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

fn deliver_workflow(
    doc: &Document,
    services: &[&Component],
    cloud: Cloud,
    region: Option<&str>,
    secrets: &[String],
) -> Workflow {
    let mut push = serde_yaml_ng::Mapping::new();
    push.insert(
        value("branches"),
        serde_yaml_ng::to_value(vec!["main"]).unwrap_or_default(),
    );
    // A change to documentation deploys nothing.
    push.insert(
        value("paths-ignore"),
        serde_yaml_ng::to_value(vec!["**.md", "docs/**"]).unwrap_or_default(),
    );
    let on = BTreeMap::from([("push", serde_yaml_ng::Value::Mapping(push))]);
    let mut jobs = indexmap_like::Jobs::default();
    for service in services {
        let id = service.id.to_string();
        jobs.0.push((
            id.clone(),
            Job {
                uses: Some(format!("./.github/workflows/{id}.yml")),
                with: BTreeMap::from([("push".to_owned(), serde_yaml_ng::Value::Bool(true))]),
                secrets: Some("inherit"),
                permissions: BTreeMap::from([("contents", "read"), ("id-token", "write")]),
                ..Job::default()
            },
        ));
    }
    let mut previous: Vec<String> = services.iter().map(|s| s.id.to_string()).collect();
    for environment in ENVIRONMENTS {
        let mut steps = vec![uses("actions/checkout@v4")];
        steps.extend(registry_login(cloud, Identity::Deploy));
        steps.push(uses("hashicorp/setup-terraform@v3"));
        steps.push(run(
            "Initialise",
            format!("terraform -chdir={INFRA_DIR} init -input=false"),
        ));
        // Each environment keeps its own state, so deploying one never touches the other.
        steps.push(run(
            &format!("Select the {environment} state"),
            format!("terraform -chdir={INFRA_DIR} workspace select -or-create=true {environment}"),
        ));
        let mut apply = run(
            &format!("Deploy the images of this commit to {environment}"),
            format!(
                "terraform -chdir={INFRA_DIR} apply -input=false -auto-approve -var \"environment={environment}\" -var \"image_tag=${{GITHUB_SHA}}\""
            ),
        );
        if cloud == Cloud::Gcp {
            apply.env.insert(
                "TF_VAR_project_id".to_owned(),
                "${{ vars.GCP_PROJECT_ID }}".to_owned(),
            );
        }
        for name in secrets {
            apply.env.insert(
                format!("TF_VAR_{name}"),
                format!("${{{{ secrets.TF_VAR_{} }}}}", name.to_uppercase()),
            );
        }
        steps.push(apply);
        jobs.0.push((
            format!("deploy-{environment}"),
            Job {
                name: Some(format!("Deploy to {environment}")),
                needs: previous.clone(),
                runs_on: Some("ubuntu-latest"),
                environment: Some(environment.to_owned()),
                permissions: BTreeMap::from([("contents", "read"), ("id-token", "write")]),
                steps,
                ..Job::default()
            },
        ));
        previous = vec![format!("deploy-{environment}")];
    }
    Workflow {
        name: "deliver".to_owned(),
        on,
        permissions: BTreeMap::from([("contents", "read")]),
        env: env(cloud, &project_name(doc), region),
        concurrency: Some(Concurrency {
            group: "deliver".to_owned(),
            cancel_in_progress: false,
        }),
        jobs,
    }
}

fn model_check_workflow() -> Workflow {
    let paths = serde_yaml_ng::to_value(BTreeMap::from([(
        "paths",
        vec!["architecture/**", ".github/workflows/archsmith.yml"],
    )]))
    .unwrap_or_default();
    let on = BTreeMap::from([("pull_request", paths.clone()), ("push", paths)]);
    let steps = vec![
        uses("actions/checkout@v4"),
        Step {
            env: BTreeMap::from([(
                "ARCHSMITH_GIT".to_owned(),
                "${{ vars.ARCHSMITH_GIT }}".to_owned(),
            )]),
            ..run(
                "Install Archsmith",
                "cargo install --locked --git \"${ARCHSMITH_GIT:-https://github.com/archsmith/archsmith}\" archsmith",
            )
        },
        // Exit 1 is error findings, which code scanning shows; only bad input fails the job.
        run(
            "Validate the model",
            "archsmith validate architecture/model.ron --format sarif > archsmith.sarif || [ $? -eq 1 ]",
        ),
        Step {
            condition: Some("always()".to_owned()),
            ..with(
                uses("github/codeql-action/upload-sarif@v3"),
                &[
                    ("sarif_file", "archsmith.sarif".to_owned()),
                    ("category", "archsmith".to_owned()),
                ],
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
