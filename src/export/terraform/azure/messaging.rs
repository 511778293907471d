//! Service Bus, Event Hubs and Event Grid.

use super::super::module::{Module, literal, raw, resource};
use super::super::{Placed, Plan};
use super::{LOCATION, RG, tags};

pub(super) fn service_bus_queue(module: &mut Module, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    let slug = placed.slug.as_str();
    let base = |kind: &str| {
        resource(kind, name)
            .add_attribute(("resource_group_name", raw(RG)))
            .add_attribute(("location", raw(LOCATION)))
    };
    module.add(
        "messaging.tf",
        &base("azurerm_servicebus_namespace")
            .add_attribute(("name", placed.env_name("")))
            .add_attribute(("sku", "Standard"))
            .add_attribute(("minimum_tls_version", "1.2"))
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
    module.add(
        "messaging.tf",
        &resource("azurerm_servicebus_queue", name)
            .add_attribute(("name", literal(slug)))
            .add_attribute((
                "namespace_id",
                raw(&format!("azurerm_servicebus_namespace.{name}.id")),
            ))
            .add_attribute(("max_delivery_count", 5))
            .add_attribute(("dead_lettering_on_message_expiration", true))
            .build(),
    );
}

pub(super) fn event_hubs(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    let replicas = plan.int(placed.component, "replicas", 1);
    let base = |kind: &str| {
        resource(kind, name)
            .add_attribute(("resource_group_name", raw(RG)))
            .add_attribute(("location", raw(LOCATION)))
    };
    module.add(
        "messaging.tf",
        &base("azurerm_eventhub_namespace")
            .add_attribute(("name", placed.env_name("")))
            .add_attribute(("sku", "Standard"))
            .add_attribute(("capacity", replicas.max(1)))
            .add_attribute(("minimum_tls_version", "1.2"))
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
}

pub(super) fn event_grid(module: &mut Module, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    let base = |kind: &str| {
        resource(kind, name)
            .add_attribute(("resource_group_name", raw(RG)))
            .add_attribute(("location", raw(LOCATION)))
    };
    module.add(
        "messaging.tf",
        &base("azurerm_eventgrid_topic")
            .add_attribute(("name", placed.env_name("")))
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
}
