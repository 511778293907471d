//! Secrets and keys.

use super::super::Placed;
use super::super::module::{Module, block, list, literal, raw, resource};
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
    let location = raw(&module.regional("var.region"));
    key_ring_and_key(
        module,
        "security.tf",
        name,
        (placed.env_name(""), location),
        placed.env_name("-key"),
    );
}

/// A key ring `name` (its `name` and `location`) holding one key `key`, rotated every 90
/// days and kept from destruction (what it encrypted would be lost with it).
pub(in super::super) fn key_ring_and_key(
    module: &mut Module,
    file: &'static str,
    name: &str,
    (ring, location): (hcl::Expression, hcl::Expression),
    key: hcl::Expression,
) {
    module.add(
        file,
        &resource("google_kms_key_ring", name)
            .add_attribute(("name", ring))
            .add_attribute(("location", location))
            .build(),
    );
    module.add(
        file,
        &resource("google_kms_crypto_key", name)
            .add_attribute(("name", key))
            .add_attribute(("key_ring", raw(&format!("google_kms_key_ring.{name}.id"))))
            .add_attribute(("rotation_period", "7776000s"))
            .add_block(
                block("lifecycle")
                    .add_attribute(("prevent_destroy", true))
                    .build(),
            )
            .build(),
    );
}

/// The module's customer-managed key, which `service`'s agent (`artifactregistry`, `pubsub`)
/// may encrypt and decrypt with; declared once, the grant once per service. Returns the
/// key, and the grant that resources using it must wait for.
pub(super) fn cmek(module: &mut Module, service: &str) -> (hcl::Expression, hcl::Expression) {
    if module.first_time("google_project") {
        module.add(
            "security.tf",
            &block("data")
                .add_label("google_project")
                .add_label("current")
                .build(),
        );
    }
    // Keys are regional and a service encrypts only with a key of its own region: one key
    // per region, the grants once per region and service.
    let cmek = module.regional("cmek");
    if module.first_time(&format!("gcp_{cmek}")) {
        let ring = raw(&format!(
            "\"${{var.project}}-${{var.environment}}-{}\"",
            cmek.replace('_', "-")
        ));
        let location = raw(&module.regional("var.region"));
        key_ring_and_key(
            module,
            "security.tf",
            &cmek,
            (ring, location),
            literal("data"),
        );
    }
    let grant = module.regional(&format!("cmek_{service}"));
    if module.first_time(&grant) {
        module.add(
            "security.tf",
            &resource("google_kms_crypto_key_iam_member", &grant)
                .add_attribute((
                    "crypto_key_id",
                    raw(&format!("google_kms_crypto_key.{cmek}.id")),
                ))
                .add_attribute(("role", "roles/cloudkms.cryptoKeyEncrypterDecrypter"))
                .add_attribute((
                    "member",
                    raw(&format!(
                        "\"serviceAccount:service-${{data.google_project.current.number}}@gcp-sa-{service}.iam.gserviceaccount.com\""
                    )),
                ))
                .build(),
        );
    }
    (
        raw(&format!("google_kms_crypto_key.{cmek}.id")),
        list([raw(&format!("google_kms_crypto_key_iam_member.{grant}"))]),
    )
}
