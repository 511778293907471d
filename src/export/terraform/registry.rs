//! The container registries, a Terraform root of their own (`registry/`), shared by every
//! environment. An image is built once, pushed here at a content-addressed tag, and each
//! environment's root deploys that same image: promoting to production copies nothing and
//! rebuilds nothing. Keeping the registries out of the environments' states is also what
//! lets the pipeline push before an environment exists (its root only reads them, through
//! data sources named by the functions below, so both roots share one naming rule).
//!
//! It replicates to every other region the model deploys to, so a region that loses the
//! primary can still start new instances.

use std::collections::BTreeMap;

use hcl::Expression;

use super::module::{Module, block, list, literal, object, raw, resource};
use super::{Placed, Plan, variable};
use crate::catalog::Recipe;
use crate::model::Cloud;

/// The registries hold every environment's images and are applied without a reviewer:
/// Terraform refuses to destroy them (remove the block to retire a service's registry).
fn kept() -> hcl::Block {
    block("lifecycle")
        .add_attribute(("prevent_destroy", true))
        .build()
}

/// Where the registry root sits in the Terraform export.
pub(crate) const DIR: &str = "registry";

/// The registry root's output naming each service's image, which the pipeline reads.
pub(crate) const IMAGES_OUTPUT: &str = "images";

/// Days an untagged image (a layer no tag names any more) is kept.
const UNTAGGED_DAYS: u32 = 14;

/// The components that ship a container image: the team's own code.
pub(super) fn images<'p, 'a>(plan: &'p Plan<'a>) -> impl Iterator<Item = &'p Placed<'a>> {
    plan.components
        .iter()
        .filter(|p| p.service.recipe == Recipe::OwnCode)
}

/// The image of `placed` at the tag the environment deploys, from the registry `url`
/// (template text, without quotes).
pub(super) fn image(url: &str, placed: &Placed<'_>) -> Expression {
    raw(&format!(
        "\"{url}:${{var.image_tags[\"{}\"]}}\"",
        placed.slug
    ))
}

/// The Azure registry's resource group and name, in both roots (registry names are global
/// and letters and digits only: a readable prefix and a hash of the project).
const AZURE_GROUP: &str = "\"rg-${var.project}-registry\"";
const AZURE_NAME: &str = "\"acr${substr(md5(\"${var.project}-registry\"), 0, 16)}\"";

/// The environment root's reference to the registry of `placed`: one data source for every
/// service of the current region, added with the first (in a region other than the
/// registry's, it reads the replica). Returns the image reference to deploy.
pub(super) fn read(
    module: &mut Module,
    plan: &Plan<'_>,
    placed: &Placed<'_>,
    cloud: Cloud,
) -> Expression {
    let slug = placed.slug.as_str();
    match cloud {
        Cloud::Aws => {
            let data = module.regional("service");
            if module.first_time(&format!("registry_read_{data}")) {
                let here: Vec<&str> = images(plan)
                    .filter(|p| p.region == placed.region)
                    .map(|p| p.slug.as_str())
                    .collect();
                module.add(
                    "compute.tf",
                    &block("data")
                        .add_label("aws_ecr_repository")
                        .add_label(&data)
                        .add_attribute(("for_each", for_each(&here)))
                        .add_attribute(("name", raw("\"${var.project}/${each.key}\"")))
                        .build(),
                );
            }
            image(
                &format!("${{data.aws_ecr_repository.{data}[\"{slug}\"].repository_url}}"),
                placed,
            )
        }
        Cloud::Gcp => {
            if module.first_time("registry_read") {
                let all: Vec<&str> = images(plan).map(|p| p.slug.as_str()).collect();
                module.add(
                    "compute.tf",
                    &block("data")
                        .add_label("google_artifact_registry_repository")
                        .add_label("service")
                        .add_attribute(("for_each", for_each(&all)))
                        .add_attribute(("location", raw("var.registry_location")))
                        .add_attribute(("repository_id", raw("\"${var.project}-${each.key}\"")))
                        .build(),
                );
            }
            let repository =
                format!("data.google_artifact_registry_repository.service[\"{slug}\"]");
            image(
                &format!(
                    "${{{repository}.location}}-docker.pkg.dev/${{var.project_id}}/${{{repository}.repository_id}}/{slug}"
                ),
                placed,
            )
        }
        Cloud::Azure => {
            if module.first_time("registry_read") {
                module.add(
                    "compute.tf",
                    &block("data")
                        .add_label("azurerm_container_registry")
                        .add_label("main")
                        .add_attribute(("name", raw(AZURE_NAME)))
                        .add_attribute(("resource_group_name", raw(AZURE_GROUP)))
                        .build(),
                );
            }
            image(
                &format!("${{data.azurerm_container_registry.main.login_server}}/{slug}"),
                placed,
            )
        }
    }
}

/// `toset([...])` of service ids: one resource per service with `for_each`, whose addresses
/// and outputs Terraform builds itself (a map of thousands of entries written out by hand
/// would cost the exporter time quadratic in their number).
fn for_each(slugs: &[&str]) -> Expression {
    raw(&format!("toset({})", hcl_list(slugs)))
}

/// The environment root's variables about images: the tag of each service, and on GCP
/// where the registry is.
pub(super) fn variables(module: &mut Module, plan: &Plan<'_>, cloud: Cloud) {
    let slugs: Vec<&str> = images(plan).map(|p| p.slug.as_str()).collect();
    if slugs.is_empty() {
        return;
    }
    let tags = block("variable")
        .add_label("image_tags")
        .add_attribute(("type", raw("map(string)")))
        .add_attribute(("nullable", false))
        .add_attribute((
            "description",
            "Image tag of each service, by component id (the delivery pipeline passes the git tree hash of each service's folder, so a service whose code did not change keeps its tag and is not redeployed; the registries keep tags immutable, so never `latest`).",
        ))
        .add_block(
            block("validation")
                .add_attribute((
                    "condition",
                    raw(&format!(
                        "length(setsubtract({}, keys(var.image_tags))) == 0",
                        hcl_list(&slugs)
                    )),
                ))
                .add_attribute((
                    "error_message",
                    literal(&format!(
                        "image_tags needs a tag for each of: {}.",
                        slugs.join(", ")
                    )),
                ))
                .build(),
        );
    module.add("variables.tf", &tags.build());
    if cloud == Cloud::Gcp {
        variable(
            module,
            "registry_location",
            "string",
            "Where the registry root keeps the images (its `location`).",
            Some(literal(&gcp_location(plan))),
        );
    }
}

fn hcl_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("\"{s}\"")).collect();
    format!("[{}]", quoted.join(", "))
}

/// Artifact Registry's location: the multi-region around the primary region when the model
/// deploys to more than one region (a regional outage then leaves the images reachable),
/// else the primary region.
fn gcp_location(plan: &Plan<'_>) -> String {
    let primary = plan.regions[0].code.as_deref().unwrap_or("us-central1");
    if plan.regions.len() > 1 {
        for (prefix, multi) in [
            ("us-", "us"),
            ("northamerica-", "us"),
            ("europe-", "europe"),
            ("asia-", "asia"),
        ] {
            if primary.starts_with(prefix) {
                return multi.to_owned();
            }
        }
    }
    primary.to_owned()
}

/// The registry root's files, under [`DIR`]; empty when nothing ships an image.
pub(super) fn root(plan: &Plan<'_>, cloud: Cloud, project: &str) -> BTreeMap<String, Vec<u8>> {
    if images(plan).next().is_none() {
        return BTreeMap::new();
    }
    let mut module = Module::default();
    let primary = plan.regions[0].code.as_deref().map(literal);
    variable(
        &mut module,
        "project",
        "string",
        "Short name used as a prefix of resource names (the environments' roots use the same).",
        Some(literal(project)),
    );
    let (provider, source, version) = match cloud {
        Cloud::Aws => ("aws", "hashicorp/aws", "~> 6.0"),
        Cloud::Gcp => ("google", "hashicorp/google", "~> 6.0"),
        Cloud::Azure => ("azurerm", "hashicorp/azurerm", "~> 4.0"),
    };
    module.add(
        "versions.tf",
        &block("terraform")
            .add_attribute(("required_version", ">= 1.6"))
            .add_block(
                block("required_providers")
                    .add_attribute((
                        provider,
                        object([("source", literal(source)), ("version", literal(version))]),
                    ))
                    .build(),
            )
            .build(),
    );
    let replicas: Vec<&str> = plan.regions[1..]
        .iter()
        .filter_map(|r| r.code.as_deref())
        .collect();
    match cloud {
        Cloud::Aws => aws(&mut module, plan, primary, &replicas),
        Cloud::Gcp => gcp(&mut module, plan, primary),
        Cloud::Azure => azure(&mut module, primary, &replicas),
    }
    images_output(&mut module, plan, cloud);
    module
        .render()
        .into_iter()
        .map(|(file, text)| (format!("{DIR}/{file}"), text))
        .collect()
}

fn region_variable(module: &mut Module, primary: Option<Expression>) {
    variable(
        module,
        "region",
        "string",
        "Region of the registries (the model's primary region).",
        primary,
    );
}

fn aws(module: &mut Module, plan: &Plan<'_>, primary: Option<Expression>, replicas: &[&str]) {
    region_variable(module, primary);
    module.add(
        "providers.tf",
        &block("provider")
            .add_label("aws")
            .add_attribute(("region", raw("var.region")))
            .add_block(
                block("default_tags")
                    .add_attribute((
                        "tags",
                        object([
                            ("stack", literal("registry")),
                            ("managed_by", literal("terraform")),
                            ("generated_by", literal("archsmith")),
                        ]),
                    ))
                    .build(),
            )
            .build(),
    );
    let slugs: Vec<&str> = images(plan).map(|p| p.slug.as_str()).collect();
    module.add(
        "main.tf",
        &resource("aws_ecr_repository", "service")
            .add_attribute(("for_each", for_each(&slugs)))
            .add_attribute(("name", raw("\"${var.project}/${each.key}\"")))
            .add_attribute(("image_tag_mutability", "IMMUTABLE"))
            .add_block(
                block("image_scanning_configuration")
                    .add_attribute(("scan_on_push", true))
                    .build(),
            )
            .add_block(
                block("encryption_configuration")
                    .add_attribute(("encryption_type", "KMS"))
                    .build(),
            )
            .add_attribute(("tags", object([("archsmith_id", raw("each.key"))])))
            .add_block(kept())
            .build(),
    );
    module.add(
        "main.tf",
        &resource("aws_ecr_lifecycle_policy", "service")
            .add_attribute(("for_each", raw("aws_ecr_repository.service")))
            .add_attribute(("repository", raw("each.value.name")))
            .add_attribute((
                "policy",
                raw(&format!(
                    r#"jsonencode({{ rules = [{{ rulePriority = 1, description = "Expire untagged images after {UNTAGGED_DAYS} days", selection = {{ tagStatus = "untagged", countType = "sinceImagePushed", countUnit = "days", countNumber = {UNTAGGED_DAYS} }}, action = {{ type = "expire" }} }}] }})"#
                )),
            ))
            .build(),
    );
    if !replicas.is_empty() {
        module.add(
            "main.tf",
            &block("data")
                .add_label("aws_caller_identity")
                .add_label("current")
                .build(),
        );
        let mut rule = block("rule");
        for region in replicas {
            rule = rule.add_block(
                block("destination")
                    .add_attribute(("region", literal(region)))
                    .add_attribute((
                        "registry_id",
                        raw("data.aws_caller_identity.current.account_id"),
                    ))
                    .build(),
            );
        }
        rule = rule.add_block(
            block("repository_filter")
                .add_attribute(("filter", raw("\"${var.project}/\"")))
                .add_attribute(("filter_type", "PREFIX_MATCH"))
                .build(),
        );
        module.add(
            "main.tf",
            &resource("aws_ecr_replication_configuration", "regions")
                .add_block(
                    block("replication_configuration")
                        .add_block(rule.build())
                        .build(),
                )
                .build(),
        );
    }
}

fn gcp(module: &mut Module, plan: &Plan<'_>, primary: Option<Expression>) {
    region_variable(module, primary);
    variable(
        module,
        "project_id",
        "string",
        "The Google Cloud project that keeps the images (fill in).",
        None,
    );
    variable(
        module,
        "location",
        "string",
        "Where the images are kept: a multi-region when the model deploys to several regions.",
        Some(literal(&gcp_location(plan))),
    );
    module.add(
        "providers.tf",
        &block("provider")
            .add_label("google")
            .add_attribute(("project", raw("var.project_id")))
            .add_attribute(("region", raw("var.region")))
            .add_attribute((
                "default_labels",
                object([
                    ("stack", literal("registry")),
                    ("generated_by", literal("archsmith")),
                ]),
            ))
            .build(),
    );
    module.add(
        "main.tf",
        &block("data")
            .add_label("google_project")
            .add_label("current")
            .build(),
    );
    // Images are encrypted with a key of the registry's own, in its location.
    super::gcp::key_ring_and_key(
        module,
        "main.tf",
        "registry",
        (raw("\"${var.project}-registry\""), raw("var.location")),
        literal("images"),
    );
    module.add(
        "main.tf",
        &resource("google_kms_crypto_key_iam_member", "registry")
            .add_attribute(("crypto_key_id", raw("google_kms_crypto_key.registry.id")))
            .add_attribute(("role", "roles/cloudkms.cryptoKeyEncrypterDecrypter"))
            .add_attribute((
                "member",
                raw("\"serviceAccount:service-${data.google_project.current.number}@gcp-sa-artifactregistry.iam.gserviceaccount.com\""),
            ))
            .build(),
    );
    let slugs: Vec<&str> = images(plan).map(|p| p.slug.as_str()).collect();
    module.add(
        "main.tf",
        &resource("google_artifact_registry_repository", "service")
            .add_attribute(("for_each", for_each(&slugs)))
            .add_attribute(("repository_id", raw("\"${var.project}-${each.key}\"")))
            .add_attribute(("description", raw("each.key")))
            .add_attribute(("location", raw("var.location")))
            .add_attribute(("format", "DOCKER"))
            .add_attribute(("kms_key_name", raw("google_kms_crypto_key.registry.id")))
            .add_block(
                block("docker_config")
                    .add_attribute(("immutable_tags", true))
                    .build(),
            )
            .add_block(
                block("cleanup_policies")
                    .add_attribute(("id", "expire-untagged"))
                    .add_attribute(("action", "DELETE"))
                    .add_block(
                        block("condition")
                            .add_attribute(("tag_state", "UNTAGGED"))
                            .add_attribute((
                                "older_than",
                                literal(&format!("{}s", UNTAGGED_DAYS * 86_400)),
                            ))
                            .build(),
                    )
                    .build(),
            )
            .add_attribute(("labels", object([("archsmith_id", raw("each.key"))])))
            .add_attribute((
                "depends_on",
                list([raw("google_kms_crypto_key_iam_member.registry")]),
            ))
            .add_block(kept())
            .build(),
    );
}

fn azure(module: &mut Module, primary: Option<Expression>, replicas: &[&str]) {
    region_variable(module, primary);
    module.add(
        "providers.tf",
        &block("provider")
            .add_label("azurerm")
            .add_block(block("features").build())
            .build(),
    );
    module.add(
        "main.tf",
        &resource("azurerm_resource_group", "registry")
            .add_attribute(("name", raw(AZURE_GROUP)))
            .add_attribute(("location", raw("var.region")))
            .build(),
    );
    // Premium: zone redundancy, geo-replication, content trust and retention of untagged
    // manifests. It stays reachable: no private endpoint is generated.
    let mut registry = resource("azurerm_container_registry", "main")
        .add_attribute(("name", raw(AZURE_NAME)))
        .add_attribute((
            "resource_group_name",
            raw("azurerm_resource_group.registry.name"),
        ))
        .add_attribute(("location", raw("azurerm_resource_group.registry.location")))
        .add_attribute(("sku", "Premium"))
        .add_attribute(("admin_enabled", false))
        .add_attribute(("zone_redundancy_enabled", true))
        .add_attribute(("data_endpoint_enabled", true))
        .add_attribute(("trust_policy_enabled", true))
        .add_attribute(("retention_policy_in_days", UNTAGGED_DAYS));
    for region in replicas {
        registry = registry.add_block(
            block("georeplications")
                .add_attribute(("location", literal(region)))
                .add_attribute(("zone_redundancy_enabled", true))
                .build(),
        );
    }
    module.add("main.tf", &registry.add_block(kept()).build());
}

/// The one output the pipeline reads: each service's image name without its tag, by
/// component id, so the workflows push exactly where the environments pull from.
fn images_output(module: &mut Module, plan: &Plan<'_>, cloud: Cloud) {
    // `zipmap` over the repositories' keys and values rather than a `for` expression,
    // which hcl-rs formats otherwise than `terraform fmt` does.
    let value = match cloud {
        Cloud::Aws => raw(
            "zipmap(keys(aws_ecr_repository.service), values(aws_ecr_repository.service)[*].repository_url)",
        ),
        Cloud::Gcp => raw(
            "zipmap(keys(google_artifact_registry_repository.service), formatlist(\"%s-docker.pkg.dev/%s/%s/%s\", values(google_artifact_registry_repository.service)[*].location, var.project_id, values(google_artifact_registry_repository.service)[*].repository_id, keys(google_artifact_registry_repository.service)))",
        ),
        Cloud::Azure => {
            let slugs: Vec<&str> = images(plan).map(|p| p.slug.as_str()).collect();
            let list = hcl_list(&slugs);
            raw(&format!(
                "zipmap({list}, formatlist(\"%s/%s\", azurerm_container_registry.main.login_server, {list}))"
            ))
        }
    };
    module.add(
        "outputs.tf",
        &block("output")
            .add_label(IMAGES_OUTPUT)
            .add_attribute((
                "description",
                "Each service's image name without its tag, by component id.",
            ))
            .add_attribute(("value", value))
            .build(),
    );
}
