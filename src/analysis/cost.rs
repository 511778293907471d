//! Cost: what the design costs a month on each cloud, per component and in total, from the
//! offline price table ([`super::prices`]), at baseline and at the scenario's peak.
//!
//! Baseline runs the fewest instances the model states (its replicas, or its autoscaling
//! floor) and bills request-priced services for an average month (a share of the peak, see
//! the table). The peak figure is what a month at the scenario's load would cost: autoscaled
//! components run the instances the peak needs (at 70% utilisation, within their maximum)
//! and request-priced services bill the multiplied load. A redundant deployment (a standby
//! in another zone) multiplies what the table says it does; read replicas are instances of
//! their own. Components the table cannot price from the model (usage it does not state, a
//! vendor's product) are listed with the reason, never counted as free.

use std::collections::HashMap;

use serde::Serialize;

use super::capacity::Capacity;
use super::prices::{Prices, ServicePrice};
use super::{Inputs, round_cents};
use crate::catalog::{Deployment, Recipe, Trait};
use crate::facts::Facts;
use crate::model::{Cloud, Component, GroupKind};

/// One priced part of a component's bill.
#[derive(Debug, Clone, Serialize)]
pub struct CostLine {
    pub item: String,
    pub baseline_usd: f64,
    pub peak_usd: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComponentCost {
    pub component: String,
    /// The managed service (or compute service) it is priced as.
    pub service: String,
    pub baseline_usd: f64,
    pub peak_usd: f64,
    pub lines: Vec<CostLine>,
    /// Where the prices come from, and their date.
    pub source: &'static str,
    pub as_of: &'static str,
    /// Part of its bill the model cannot price, when part is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_counted: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NotPriced {
    pub component: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProviderCost {
    pub cloud: Cloud,
    /// The region whose list prices the table holds.
    pub price_region: &'static str,
    pub baseline_usd: f64,
    pub peak_usd: f64,
    /// The most expensive first.
    pub components: Vec<ComponentCost>,
    pub not_priced: Vec<NotPriced>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Cost {
    pub currency: &'static str,
    pub load_multiplier: f64,
    /// The model's own cloud first, then the others.
    pub providers: Vec<ProviderCost>,
}

impl Cost {
    /// The figures for one cloud.
    pub fn on(&self, cloud: Cloud) -> Option<&ProviderCost> {
        self.providers.iter().find(|p| p.cloud == cloud)
    }
}

/// The region each cloud's prices are listed for.
fn price_region(cloud: Cloud) -> &'static str {
    match cloud {
        Cloud::Aws => "us-east-1",
        Cloud::Gcp => "us-central1",
        Cloud::Azure => "eastus",
    }
}

pub fn analyze(inputs: &Inputs<'_>, capacity: &Capacity) -> Cost {
    let prices = Prices::builtin();
    // The instances each assessed component needs at the scenario's peak.
    let needed: HashMap<&str, i64> = capacity
        .components
        .iter()
        .map(|c| (c.component.as_str(), c.instances_needed))
        .collect();
    let own = inputs.facts.cloud();
    let mut clouds: Vec<Cloud> = own.into_iter().collect();
    clouds.extend(Cloud::ALL.into_iter().filter(|c| Some(*c) != own));
    Cost {
        currency: "USD",
        load_multiplier: inputs.scenario.load_multiplier,
        providers: clouds
            .into_iter()
            .map(|cloud| on_cloud(inputs, &needed, prices, cloud))
            .collect(),
    }
}

fn on_cloud(
    inputs: &Inputs<'_>,
    needed: &HashMap<&str, i64>,
    prices: &'static Prices,
    cloud: Cloud,
) -> ProviderCost {
    let facts = Facts::new(inputs.graph, Some(cloud));
    let mut components = Vec::new();
    let mut not_priced = Vec::new();
    for (position, component) in inputs.graph.document().components().iter().enumerate() {
        match price(inputs, needed, prices, &facts, cloud, position, component) {
            Priced::Yes(cost) => components.push(cost),
            Priced::No(reason) => not_priced.push(NotPriced {
                component: component.id.as_str().to_owned(),
                reason,
            }),
            Priced::Nothing => {}
        }
    }
    components.sort_by(|a: &ComponentCost, b| {
        b.peak_usd
            .total_cmp(&a.peak_usd)
            .then_with(|| a.component.cmp(&b.component))
    });
    ProviderCost {
        cloud,
        price_region: price_region(cloud),
        baseline_usd: round_cents(components.iter().map(|c| c.baseline_usd).sum()),
        peak_usd: round_cents(components.iter().map(|c| c.peak_usd).sum()),
        components,
        not_priced,
    }
}

enum Priced {
    Yes(ComponentCost),
    No(String),
    /// Nothing to price: a client.
    Nothing,
}

/// The usage one component bills for: instances at baseline and at peak, and requests a
/// month at each.
struct Usage {
    instances: (f64, f64),
    million_requests: (f64, f64),
    /// The instances the peak needs when the autoscaling maximum allows fewer.
    short_by_max: Option<i64>,
}

impl Usage {
    /// " (the autoscaling maximum; 429 needed)" when that maximum caps the peak's instances.
    fn capped(&self) -> String {
        self.short_by_max.map_or_else(String::new, |needed| {
            format!(" (the autoscaling maximum; {needed} needed)")
        })
    }
}

fn usage(
    inputs: &Inputs<'_>,
    needed: &HashMap<&str, i64>,
    prices: &'static Prices,
    facts: &Facts<'_>,
    position: usize,
    component: &Component,
) -> Usage {
    let graph = inputs.graph;
    let (min, max) = facts.instance_bounds(component);
    let wanted = needed.get(component.id.as_str()).copied();
    let peak_instances = if graph.flag(component, "autoscaling") {
        wanted.map_or(min, |n| n.clamp(min, max))
    } else {
        min
    };
    let short_by_max =
        wanted.filter(|&n| graph.flag(component, "autoscaling") && n > peak_instances);
    let rps = inputs
        .loads
        .at(position)
        .map_or(0.0, |figure| figure.rps.max(0.0));
    let seconds = prices.hours_per_month * 3600.0;
    let baseline = rps * prices.average_share_of_peak * seconds / 1e6;
    Usage {
        instances: (min as f64, peak_instances as f64),
        million_requests: (baseline, baseline * inputs.scenario.load_multiplier),
        short_by_max,
    }
}

fn price(
    inputs: &Inputs<'_>,
    needed: &HashMap<&str, i64>,
    prices: &'static Prices,
    facts: &Facts<'_>,
    cloud: Cloud,
    position: usize,
    component: &Component,
) -> Priced {
    let graph = inputs.graph;
    if graph.has_trait(component, Trait::Client) {
        return Priced::Nothing;
    }
    let id = component.id.as_str().to_owned();
    if let Some(stated) = graph.positive(component, "monthly_cost_usd") {
        return Priced::Yes(ComponentCost {
            component: id,
            service: "stated in the model".into(),
            baseline_usd: round_cents(stated),
            peak_usd: round_cents(stated),
            lines: vec![CostLine {
                item: "monthly_cost_usd".into(),
                baseline_usd: round_cents(stated),
                peak_usd: round_cents(stated),
            }],
            source: "model",
            as_of: "",
            not_counted: None,
        });
    }
    match facts.runs(component) {
        Some(Deployment::External) => {
            return Priced::No("someone else's system: its owner bills for it".into());
        }
        Some(Deployment::Saas) => {
            return Priced::No(
                "bought as SaaS: state its plan's price in `monthly_cost_usd`".into(),
            );
        }
        None => return Priced::No("unknown kind".into()),
        _ => {}
    }
    let Some(service) = facts.service(component) else {
        return Priced::No(format!("no managed service for it on {}", cloud.label()));
    };
    let usage = usage(inputs, needed, prices, facts, position, component);
    let size = graph.text(component, "instance_size").unwrap_or("small");
    let hours = prices.hours_per_month;
    let mut lines = Vec::new();
    let mut line = |item: String, baseline: f64, peak: f64| {
        if baseline > 0.0 || peak > 0.0 {
            lines.push(CostLine {
                item,
                baseline_usd: round_cents(baseline),
                peak_usd: round_cents(peak),
            });
        }
    };
    let (service_name, (source, as_of), not_counted) = match service.recipe {
        Recipe::Placeholder => {
            return Priced::No(format!(
                "{}: the exports leave it to be provisioned by hand, and the price table has no figure for it",
                service.service
            ));
        }
        Recipe::OwnCode if graph.zone(component, GroupKind::K8sCluster).is_some() => {
            return Priced::No(
                "runs on a Kubernetes cluster's nodes, which the model does not size: price the node pools apart".into(),
            );
        }
        Recipe::OwnCode if facts.runs(component) == Some(Deployment::Function) => {
            let Some(function) = prices.function(cloud) else {
                return Priced::No(format!("no function price on {}", cloud.label()));
            };
            let gib_seconds = prices.function_duration_ms / 1000.0 * prices.function_memory_gib;
            let per_million = function.per_million + gib_seconds * function.gib_second * 1e6;
            line(
                format!(
                    "{:.1} million invocations ({} ms at {} GiB each)",
                    usage.million_requests.0,
                    prices.function_duration_ms,
                    prices.function_memory_gib
                ),
                usage.million_requests.0 * per_million,
                usage.million_requests.1 * per_million,
            );
            (
                function.service.clone(),
                (function.source.as_str(), function.as_of.as_str()),
                None,
            )
        }
        Recipe::OwnCode => {
            let Some(compute) = prices.own_code(cloud) else {
                return Priced::No(format!("no compute price on {}", cloud.label()));
            };
            let resources = prices.own_code_sizes.get(size);
            let hourly = resources.vcpu * compute.vcpu_hour + resources.gib * compute.gib_hour;
            line(
                format!(
                    "{} × {size} ({} vCPU, {} GiB) → {} at peak{}",
                    usage.instances.0,
                    resources.vcpu,
                    resources.gib,
                    usage.instances.1,
                    usage.capped()
                ),
                usage.instances.0 * hourly * hours,
                usage.instances.1 * hourly * hours,
            );
            line(
                format!("{:.1} million requests", usage.million_requests.0),
                usage.million_requests.0 * compute.per_million,
                usage.million_requests.1 * compute.per_million,
            );
            (
                compute.service.clone(),
                (compute.source.as_str(), compute.as_of.as_str()),
                None,
            )
        }
        recipe => {
            let Some(price) = prices.service(recipe) else {
                return Priced::No(format!("the price table has no {}", service.service));
            };
            managed(inputs, price, &usage, component, size, &mut line);
            if let Some(why) = &price.usage
                && price.instance.is_none()
                && price.hourly == 0.0
                && price.monthly == 0.0
                && price.per_million == 0.0
                && price.storage_gb_month == 0.0
            {
                return Priced::No(format!("{}: {why}", service.service));
            }
            (
                service.service.clone(),
                (price.source.as_str(), price.as_of.as_str()),
                price.usage.clone(),
            )
        }
    };
    let baseline = round_cents(lines.iter().map(|l| l.baseline_usd).sum());
    let peak = round_cents(lines.iter().map(|l| l.peak_usd).sum());
    Priced::Yes(ComponentCost {
        component: id,
        service: service_name,
        baseline_usd: baseline,
        peak_usd: peak,
        lines,
        source,
        as_of,
        not_counted,
    })
}

/// The lines of a managed service's bill.
fn managed(
    inputs: &Inputs<'_>,
    price: &ServicePrice,
    usage: &Usage,
    component: &Component,
    size: &str,
    line: &mut impl FnMut(String, f64, f64),
) {
    let graph = inputs.graph;
    let hours = Prices::builtin().hours_per_month;
    // A single instance with a standby in another zone pays for the standby; replicas the
    // model counts are already instances.
    let standby = graph.flag(component, "multi_az") && usage.instances.0 <= 1.0;
    let factor = if standby { price.redundant_factor } else { 1.0 };
    let standby_note = if standby { " with a standby" } else { "" };
    if let Some(instance) = &price.instance {
        let sized = instance.get(size);
        line(
            format!(
                "{} × {}{standby_note} → {} at peak{}",
                usage.instances.0,
                sized.0,
                usage.instances.1,
                usage.capped()
            ),
            usage.instances.0 * sized.1 * hours * factor,
            usage.instances.1 * sized.1 * hours * factor,
        );
        let read_replicas = graph.int(component, "read_replicas").unwrap_or(0).max(0) as f64;
        if read_replicas > 0.0 {
            let cost = read_replicas * sized.1 * hours;
            line(
                format!("{read_replicas} read replicas × {}", sized.0),
                cost,
                cost,
            );
        }
    }
    if let Some(masters) = &price.control_nodes {
        let cost = |instances: f64| {
            if instances >= masters.from_instances as f64 {
                masters.count as f64 * masters.hourly * hours
            } else {
                0.0
            }
        };
        line(
            format!("{} dedicated masters × {}", masters.count, masters.instance),
            cost(usage.instances.0),
            cost(usage.instances.1),
        );
    }
    if price.hourly > 0.0 {
        line(
            format!("{} × hourly fee{standby_note}", usage.instances.0),
            usage.instances.0 * price.hourly * hours * factor,
            usage.instances.1 * price.hourly * hours * factor,
        );
    }
    if price.monthly > 0.0 {
        line("monthly fee".into(), price.monthly, price.monthly);
    }
    if price.per_million > 0.0 {
        line(
            format!("{:.1} million requests", usage.million_requests.0),
            usage.million_requests.0 * price.per_million,
            usage.million_requests.1 * price.per_million,
        );
    }
    if price.storage_gb_month > 0.0
        && let Some(gb) = graph.int(component, "storage_gb").filter(|gb| *gb > 0)
    {
        let storage_factor = if price.storage_shared { 1.0 } else { factor };
        let cost = gb as f64 * price.storage_gb_month * storage_factor;
        line(format!("{gb} GB storage{standby_note}"), cost, cost);
    }
}
