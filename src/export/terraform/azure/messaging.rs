//! Service Bus, Event Hubs and Event Grid.

use super::super::module::{Module, block, literal, raw, resource};
use super::super::{Placed, Plan};
use super::{RG, in_resource_group, tags};

pub(super) fn service_bus_queue(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    plan.uses(placed.component, "dead_letter_queue");
    let name = placed.name.as_str();
    service_bus_namespace(module, placed);
    module.add(
        "messaging.tf",
        &resource("azurerm_servicebus_queue", name)
            .add_attribute(("name", literal(&placed.slug)))
            .add_attribute((
                "namespace_id",
                raw(&format!("azurerm_servicebus_namespace.{name}.id")),
            ))
            .add_attribute(("max_delivery_count", 5))
            .add_attribute(("dead_lettering_on_message_expiration", true))
            .build(),
    );
}

/// A Service Bus topic per channel with a subscription per consumer, each dead-lettering
/// what keeps failing.
pub(super) fn service_bus_topic(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    plan.uses(placed.component, "dead_letter_queue");
    let name = placed.name.as_str();
    service_bus_namespace(module, placed);
    for channel in &placed.channels {
        let topic = channel.name.as_str();
        module.add(
            "messaging.tf",
            &resource("azurerm_servicebus_topic", topic)
                .add_attribute(("name", literal(&channel_name(placed, &channel.suffix))))
                .add_attribute((
                    "namespace_id",
                    raw(&format!("azurerm_servicebus_namespace.{name}.id")),
                ))
                .build(),
        );
        for consumer in &channel.consumers {
            module.add(
                "messaging.tf",
                &resource("azurerm_servicebus_subscription", &consumer.name)
                    .add_attribute(("name", literal(&consumer.slug)))
                    .add_attribute((
                        "topic_id",
                        raw(&format!("azurerm_servicebus_topic.{topic}.id")),
                    ))
                    .add_attribute(("max_delivery_count", 5))
                    .add_attribute(("dead_lettering_on_message_expiration", true))
                    .build(),
            );
        }
    }
}

fn service_bus_namespace(module: &mut Module, placed: &Placed<'_>) {
    module.add(
        "messaging.tf",
        &in_resource_group(module, "azurerm_servicebus_namespace", &placed.name)
            .add_attribute(("name", placed.env_name("")))
            .add_attribute(("sku", "Standard"))
            .add_attribute(("minimum_tls_version", "1.2"))
            // Entra ID only: no connection strings to leak.
            .add_attribute(("local_auth_enabled", false))
            .add_block(
                block("identity")
                    .add_attribute(("type", "SystemAssigned"))
                    .build(),
            )
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
}

/// A channel's name inside its namespace: the topic's slug, or the broker's when it
/// declares no topics.
fn channel_name(placed: &Placed<'_>, suffix: &str) -> String {
    suffix.strip_prefix('-').unwrap_or(&placed.slug).to_owned()
}

/// An Event Hubs namespace with an event hub per channel (a partition per partition, up to
/// Standard's 32) and a consumer group per consumer.
pub(super) fn event_hubs(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    let replicas = plan.int(placed.component, "replicas", 1);
    // Standard keeps events one to seven days.
    let retention_days = (plan.int(placed.component, "retention_hours", 24) / 24).clamp(1, 7);
    module.add(
        "messaging.tf",
        &in_resource_group(module, "azurerm_eventhub_namespace", name)
            .add_attribute(("name", placed.env_name("")))
            .add_attribute(("sku", "Standard"))
            .add_attribute(("capacity", replicas.max(1)))
            .add_attribute(("minimum_tls_version", "1.2"))
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
    for channel in &placed.channels {
        let hub = channel.name.as_str();
        let hub_name = channel_name(placed, &channel.suffix);
        module.add(
            "messaging.tf",
            &resource("azurerm_eventhub", hub)
                .add_attribute(("name", literal(&hub_name)))
                .add_attribute((
                    "namespace_id",
                    raw(&format!("azurerm_eventhub_namespace.{name}.id")),
                ))
                .add_attribute(("partition_count", channel.partitions.clamp(1, 32)))
                .add_attribute(("message_retention", retention_days))
                .build(),
        );
        for consumer in &channel.consumers {
            module.add(
                "messaging.tf",
                &resource("azurerm_eventhub_consumer_group", &consumer.name)
                    .add_attribute(("name", literal(&consumer.slug)))
                    .add_attribute((
                        "namespace_name",
                        raw(&format!("azurerm_eventhub_namespace.{name}.name")),
                    ))
                    .add_attribute((
                        "eventhub_name",
                        raw(&format!("azurerm_eventhub.{hub}.name")),
                    ))
                    .add_attribute(("resource_group_name", raw(RG)))
                    .build(),
            );
        }
    }
}

pub(super) fn event_grid(module: &mut Module, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    module.add(
        "messaging.tf",
        &in_resource_group(module, "azurerm_eventgrid_topic", name)
            .add_attribute(("name", placed.env_name("")))
            .add_attribute(("public_network_access_enabled", false))
            .add_attribute(("local_auth_enabled", false))
            .add_block(
                block("identity")
                    .add_attribute(("type", "SystemAssigned"))
                    .build(),
            )
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
    super::network::private_endpoint(
        module,
        placed,
        &format!("azurerm_eventgrid_topic.{name}"),
        "topic",
        "privatelink.eventgrid.azure.net",
    );
}
