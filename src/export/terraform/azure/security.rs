//! Key Vaults and their keys.

use super::super::Placed;
use super::super::module::{Module, block, list, literal, raw, resource};
use super::{in_resource_group, tags};

/// A Key Vault, and a key in it when the component is a key rather than a secret store.
pub(super) fn key_vault(module: &mut Module, placed: &Placed<'_>, with_key: bool) {
    let name = placed.name.as_str();
    let slug = placed.slug.as_str();
    module.add(
        "security.tf",
        &in_resource_group(module, "azurerm_key_vault", name)
            .add_attribute((
                "name",
                raw(&format!(
                    "substr(\"kv-${{var.environment}}-{slug}\", 0, 24)"
                )),
            ))
            .add_attribute((
                "tenant_id",
                raw("data.azurerm_client_config.current.tenant_id"),
            ))
            .add_attribute(("sku_name", "standard"))
            .add_attribute(("purge_protection_enabled", true))
            .add_attribute(("rbac_authorization_enabled", true))
            .add_attribute(("public_network_access_enabled", false))
            .add_block(
                block("network_acls")
                    .add_attribute(("default_action", "Deny"))
                    .add_attribute(("bypass", "AzureServices"))
                    .build(),
            )
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
    if with_key {
        module.add(
            "security.tf",
            &resource("azurerm_key_vault_key", name)
                .add_attribute(("name", literal(slug)))
                .add_attribute(("key_vault_id", raw(&format!("azurerm_key_vault.{name}.id"))))
                .add_attribute(("key_type", "RSA"))
                .add_attribute(("key_size", 2048))
                .add_attribute((
                    "key_opts",
                    list(["decrypt", "encrypt", "unwrapKey", "wrapKey"].map(literal)),
                ))
                .build(),
        );
    }
    super::network::private_endpoint(
        module,
        placed,
        &format!("azurerm_key_vault.{name}"),
        "vault",
        "privatelink.vaultcore.azure.net",
    );
}
