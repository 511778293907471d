//! Identity, secrets and keys.

use super::super::module::{Module, block, literal, raw, resource};
use super::super::{Placed, Plan};
use super::tags;

pub(super) fn cognito(module: &mut Module, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    module.add(
        "security.tf",
        &resource("aws_cognito_user_pool", name)
            .add_attribute(("name", placed.env_name("")))
            .add_attribute(("mfa_configuration", "OPTIONAL"))
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
    module.add(
        "security.tf",
        &resource("aws_secretsmanager_secret", name)
            .add_attribute((
                "name_prefix",
                raw(&format!("\"${{var.environment}}/{slug}-\"")),
            ))
            .add_attribute(("description", literal(&format!("Secrets of {}", c.name))))
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
                "The Lambda function that rotates the secrets (fill in: AWS publishes rotation functions per engine).",
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
    module.add(
        "security.tf",
        &resource("aws_kms_key", name)
            .add_attribute(("description", literal(&c.name)))
            .add_attribute(("enable_key_rotation", true))
            .add_attribute(("deletion_window_in_days", 30))
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
}
