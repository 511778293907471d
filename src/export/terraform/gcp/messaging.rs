//! Pub/Sub topics and subscriptions.

use super::super::module::{Module, block, literal, raw, resource};
use super::super::{Placed, Plan};
use super::labels;

/// A Pub/Sub topic per channel with a subscription per consumer; what a subscription keeps
/// failing to deliver goes to the broker's dead-letter topic.
pub(super) fn pubsub(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    // Pub/Sub retains messages from ten minutes to 31 days.
    let retention =
        (plan.int(placed.component, "retention_hours", 168) * 3600).clamp(600, 2_678_400);
    let shared_dead_letter = format!("{name}_dead_letter");
    let (key, grant) = super::security::cmek(module, "pubsub");
    // Every subscription dead-letters what keeps failing.
    plan.uses(placed.component, "dead_letter_queue");
    // Subscriptions of topics without a dead letter of their own share one.
    if placed
        .channels
        .iter()
        .any(|c| c.dead_letter.is_none() && !c.consumers.is_empty())
    {
        module.add(
            "messaging.tf",
            &resource("google_pubsub_topic", &shared_dead_letter)
                .add_attribute(("name", placed.env_name("-dead-letter")))
                .add_attribute(("kms_key_name", key.clone()))
                .add_attribute(("depends_on", grant.clone()))
                .build(),
        );
    }
    for channel in &placed.channels {
        let topic = channel.name.as_str();
        let dead_letter = channel.dead_letter.as_ref().unwrap_or(&shared_dead_letter);
        module.add(
            "messaging.tf",
            &resource("google_pubsub_topic", topic)
                .add_attribute(("name", placed.env_name(&channel.suffix)))
                .add_attribute((
                    "message_retention_duration",
                    literal(&format!("{retention}s")),
                ))
                .add_attribute(("kms_key_name", key.clone()))
                .add_attribute(("depends_on", grant.clone()))
                .add_attribute(("labels", labels(placed)))
                .build(),
        );
        for consumer in &channel.consumers {
            module.add(
                "messaging.tf",
                &resource("google_pubsub_subscription", &consumer.name)
                    .add_attribute((
                        "name",
                        placed.env_name(&format!("{}-{}", channel.suffix, consumer.slug)),
                    ))
                    .add_attribute(("topic", raw(&format!("google_pubsub_topic.{topic}.id"))))
                    .add_attribute(("ack_deadline_seconds", 30))
                    .add_block(
                        block("dead_letter_policy")
                            .add_attribute((
                                "dead_letter_topic",
                                raw(&format!("google_pubsub_topic.{dead_letter}.id")),
                            ))
                            .add_attribute(("max_delivery_attempts", 5))
                            .build(),
                    )
                    .build(),
            );
        }
    }
}
