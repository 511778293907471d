//! Identity, secrets and keys.

use super::super::module::{Module, block, literal, raw, resource};
use super::super::{Placed, Plan};
use super::tags;

pub(super) fn cognito(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let mfa = if plan.flag(placed.component, "mfa") {
        "ON"
    } else {
        "OPTIONAL"
    };
    let name = placed.name.as_str();
    module.add(
        "security.tf",
        &resource("aws_cognito_user_pool", name)
            .add_attribute(("name", placed.env_name("")))
            .add_attribute(("mfa_configuration", mfa))
            .add_block(
                block("software_token_mfa_configuration")
                    .add_attribute(("enabled", true))
                    .build(),
            )
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
}

pub(super) fn secrets_manager(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let slug = placed.slug.as_str();
    let c = placed.component;
    let name = placed.name.as_str();
    let key = data_key(module);
    module.add(
        "security.tf",
        &resource("aws_secretsmanager_secret", name)
            .add_attribute((
                "name_prefix",
                raw(&format!("\"${{var.environment}}/{slug}-\"")),
            ))
            .add_attribute(("description", literal(&format!("Secrets of {}", c.name))))
            .add_attribute(("kms_key_id", key))
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
    let rotation = plan.int(c, "rotation_days", 0);
    if rotation > 0 {
        if module.first_time("secret_rotation_lambda_arn") {
            super::super::variable(
                module,
                "secret_rotation_lambda_arn",
                "string",
                "The Lambda function that rotates the secrets (fill in: AWS publishes rotation functions for its databases; other secrets, such as third-party API keys, need one you write).",
                None,
            );
        }
        module.add(
            "security.tf",
            &resource("aws_secretsmanager_secret_rotation", name)
                .add_attribute((
                    "secret_id",
                    raw(&format!("aws_secretsmanager_secret.{name}.id")),
                ))
                .add_attribute(("rotation_lambda_arn", raw("var.secret_rotation_lambda_arn")))
                .add_block(
                    block("rotation_rules")
                        .add_attribute(("automatically_after_days", rotation))
                        .build(),
                )
                .build(),
        );
    }
}

pub(super) fn kms(module: &mut Module, placed: &Placed<'_>) {
    let c = placed.component;
    let name = placed.name.as_str();
    super::observability::caller_identity(module);
    module.add(
        "security.tf",
        &resource("aws_kms_key", name)
            .add_attribute(("description", literal(&c.name)))
            .add_attribute(("enable_key_rotation", true))
            .add_attribute(("deletion_window_in_days", 30))
            .add_attribute(("policy", account_key_policy()))
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
}

/// The customer-managed key the module's data services encrypt with (Performance Insights,
/// caches, secrets, search), declared once: rotated yearly, administered by the account.
pub(super) fn data_key(module: &mut Module) -> hcl::Expression {
    super::observability::caller_identity(module);
    // Keys are regional: one per region the module deploys to.
    let name = module.regional("data");
    if module.first_time(&format!("kms_{name}")) {
        module.add(
            "security.tf",
            &resource("aws_kms_key", &name)
                .add_attribute(("description", "Data at rest"))
                .add_attribute(("enable_key_rotation", true))
                .add_attribute(("deletion_window_in_days", 30))
                // The account administers the key; services use it through grants their
                // callers' IAM permissions allow.
                .add_attribute(("policy", account_key_policy()))
                .build(),
        );
    }
    raw(&format!("aws_kms_key.{name}.arn"))
}

/// A key policy that lets the account administer the key and its IAM principals use it.
pub(super) fn account_key_policy() -> hcl::Expression {
    raw(
        r#"jsonencode({ Version = "2012-10-17", Statement = [{ Sid = "Account", Effect = "Allow", Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }, Action = "kms:*", Resource = "*" }] })"#,
    )
}
