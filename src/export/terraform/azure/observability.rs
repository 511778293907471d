//! Monitor workspaces, Managed Grafana, Application Insights and action groups.

use super::super::Placed;
use super::super::module::{Module, raw, resource};
use super::{RG, in_resource_group, tags};

pub(super) fn monitor_workspace(module: &mut Module, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    module.add(
        "observability.tf",
        &in_resource_group(module, "azurerm_monitor_workspace", name)
            .add_attribute(("name", placed.env_name("")))
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
}

pub(super) fn managed_grafana(module: &mut Module, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    let slug = placed.slug.as_str();
    module.add(
        "observability.tf",
        &in_resource_group(module, "azurerm_dashboard_grafana", name)
            .add_attribute((
                "name",
                raw(&format!("substr(\"${{var.environment}}-{slug}\", 0, 23)")),
            ))
            .add_attribute(("grafana_major_version", "11"))
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
}

pub(super) fn application_insights(module: &mut Module, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    module.add(
        "observability.tf",
        &in_resource_group(module, "azurerm_application_insights", name)
            .add_attribute(("name", placed.env_name("")))
            .add_attribute(("application_type", "web"))
            .add_attribute(("tags", tags(placed)))
            .build(),
    );
}

pub(super) fn action_group(module: &mut Module, placed: &Placed<'_>) {
    let name = placed.name.as_str();
    module.add(
        "observability.tf",
        &resource("azurerm_monitor_action_group", name)
            .add_attribute(("name", placed.env_name("")))
            .add_attribute(("resource_group_name", raw(RG)))
            .add_attribute(("short_name", "alerts"))
            .build(),
    );
}
