//! Google Cloud: a custom VPC network with a private subnet and Cloud NAT, a network tag per
//! networked component and one firewall rule per connection into it, then the managed
//! service for each component.

pub(super) mod compute;
mod data;
mod edge;
mod messaging;
mod network;
mod security;
pub(super) use security::key_ring_and_key;

use hcl::Expression;

use super::module::{Module, block, literal, object, raw};
use super::{Placed, Plan};
use crate::catalog::Recipe;

pub(super) fn generate(module: &mut Module, plan: &Plan<'_>) {
    super::versions(module, plan, "google", "hashicorp/google", "~> 6.0");
    // The default provider serves the primary region; each other region the model uses
    // gets an alias named after it.
    for region in &plan.regions {
        let mut provider = block("provider").add_label("google");
        if !region.key.is_empty() {
            provider = provider.add_attribute(("alias", region.key.as_str()));
        }
        module.add(
            "providers.tf",
            &provider
                .add_attribute(("project", raw("var.project_id")))
                .add_attribute(("region", raw(&region.var("region"))))
                .add_attribute((
                    "default_labels",
                    object([
                        ("environment", raw("var.environment")),
                        ("generated_by", literal("archsmith")),
                    ]),
                ))
                .build(),
        );
    }
    network::network(module);
    for region in &plan.regions {
        module.enter_region(region, Some("google"));
        network::regional_network(module);
    }
    module.enter_region(&plan.regions[0], Some("google"));
    super::kubernetes::cluster(module, plan, crate::model::Cloud::Gcp);
    for placed in &plan.components {
        module.enter_region(plan.region_of(placed), Some("google"));
        component(module, plan, placed);
    }
    module.enter_region(&plan.regions[0], Some("google"));
    network::firewall(module, plan);
}

fn labels(placed: &Placed<'_>) -> Expression {
    object([("archsmith_id", literal(&placed.slug))])
}

/// The resources of one component, by the recipe of the managed service it becomes.
fn component(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    match placed.service.recipe {
        Recipe::OwnCode => compute::own_code(module, plan, placed),
        Recipe::Gke => compute::gke(module, placed),
        Recipe::CloudSqlPostgresql => data::cloud_sql(module, plan, placed, "POSTGRES", "17"),
        Recipe::CloudSqlMysql => data::cloud_sql(module, plan, placed, "MYSQL", "8_0"),
        Recipe::Memorystore => data::memorystore(module, plan, placed),
        Recipe::Firestore => data::firestore(module, placed),
        Recipe::Bigtable => data::bigtable(module, plan, placed),
        Recipe::Bigquery => data::bigquery(module, placed),
        Recipe::Gcs => data::gcs(module, plan, placed),
        Recipe::Pubsub => messaging::pubsub(module, plan, placed),
        Recipe::CloudArmor => edge::cloud_armor(module, placed),
        Recipe::GlobalAddress => edge::global_address(module, placed),
        Recipe::CloudDns => edge::cloud_dns(module, placed),
        Recipe::SecretManager => security::secret_manager(module, placed),
        Recipe::CloudKms => security::cloud_kms(module, placed),
        // The catalog gives Google Cloud services only Google Cloud recipes (checked when it
        // loads).
        _ => super::placeholder(module, placed, placed.component.kind.as_str()),
    }
}
