//! Secrets and keys.

use super::super::Placed;
use super::super::module::{Module, block, raw, resource};
use super::labels;

pub(super) fn secret_manager(module: &mut Module, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    module.add(
        "security.tf",
        &resource("google_secret_manager_secret", name)
            .add_attribute(("secret_id", placed.env_name("")))
            .add_block(
                block("replication")
                    .add_block(block("auto").build())
                    .build(),
            )
            .add_attribute(("labels", labels(placed)))
            .build(),
    );
}

pub(super) fn cloud_kms(module: &mut Module, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    module.add(
        "security.tf",
        &resource("google_kms_key_ring", name)
            .add_attribute(("name", placed.env_name("")))
            .add_attribute(("location", raw("var.region")))
            .build(),
    );
    module.add(
        "security.tf",
        &resource("google_kms_crypto_key", name)
            .add_attribute(("name", placed.env_name("-key")))
            .add_attribute(("key_ring", raw(&format!("google_kms_key_ring.{name}.id"))))
            .add_attribute(("rotation_period", "7776000s"))
            .build(),
    );
}
