//! Pub/Sub topics and subscriptions.

use super::super::Placed;
use super::super::module::{Module, block, raw, resource};
use super::labels;

pub(super) fn pubsub(module: &mut Module, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    let slug = placed.slug.as_str();
    module.add(
        "messaging.tf",
        &resource("google_pubsub_topic", &format!("{name}_dead_letter"))
            .add_attribute(("name", placed.env_name("-dead-letter")))
            .build(),
    );
    module.add(
        "messaging.tf",
        &resource("google_pubsub_topic", name)
            .add_attribute(("name", placed.env_name("")))
            .add_attribute(("labels", labels(placed)))
            .build(),
    );
    module.add(
        "messaging.tf",
        &resource("google_pubsub_subscription", name)
            .add_attribute(("name", placed.env_name("-consumers")))
            .add_attribute(("topic", raw(&format!("google_pubsub_topic.{name}.id"))))
            .add_attribute(("ack_deadline_seconds", 30))
            .add_block(
                block("dead_letter_policy")
                    .add_attribute((
                        "dead_letter_topic",
                        raw(&format!("google_pubsub_topic.{name}_dead_letter.id")),
                    ))
                    .add_attribute(("max_delivery_attempts", 5))
                    .build(),
            )
            .build(),
    );
    if let Some(note) = &placed.service.note {
        module.todo(format!("`{slug}`: {note}"));
    }
}
