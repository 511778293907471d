//! Availability: each component's expected monthly uptime, from the published SLA of the
//! managed service it becomes or, self-hosted, from a per-instance figure and its replicas;
//! then each entry point's, along what a request through it waits on. Synchronous
//! dependencies every request makes are in series (all must answer), replicas in parallel
//! (one must), and replicas that share a zone share its fate; of the routes a request may
//! take (a router's, a service's calls to other services), the least available counts; and
//! asynchronous hops are off the request path.

use serde::Serialize;

use super::{Inputs, percent};
use crate::catalog::{Deployment, Recipe, Trait};
use crate::model::Component;

/// A zone's own availability: what replicas kept in one zone can never exceed.
const ZONE: f64 = 0.9999;

/// What a component is expected to achieve, and why.
#[derive(Debug, Clone, Serialize)]
pub struct ComponentAvailability {
    pub component: String,
    pub percent: f64,
    /// How the figure was reached, for people.
    pub basis: String,
    /// Where the figure comes from: the SLA's page and date, or `estimate`.
    pub source: String,
    #[serde(skip)]
    fraction: f64,
    /// What would raise it, when something obvious would.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    #[serde(skip)]
    fixed_fraction: f64,
}

/// One of the least available components an entry point waits on.
#[derive(Debug, Clone, Serialize)]
pub struct WeakLink {
    pub component: String,
    pub percent: f64,
    /// What would raise it within the design, when something would (a managed service at
    /// its SLA, or someone else's system, has no such fix: depend on it asynchronously or
    /// degrade without it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// The entry point's availability once fixed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry_percent_if_fixed: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EntryAvailability {
    pub entry: String,
    pub percent: f64,
    /// Expected downtime a month (30 days), in minutes.
    pub downtime_minutes_per_month: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meets_objective: Option<bool>,
    /// The components a request waits on on its least available journey, itself included:
    /// each request takes one of a component's route calls (every call of a router; a
    /// service's calls to other services unless `per_request` says every request makes them)
    /// and waits on all its other calls (its stores, by default).
    pub depends_on: Vec<String>,
    /// The weakest links first: what fixing each buys.
    pub weakest: Vec<WeakLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Availability {
    /// The model's `availability_slo`, in percent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub objective: Option<f64>,
    pub entries: Vec<EntryAvailability>,
    /// Every component on an entry point's path, by document order.
    pub components: Vec<ComponentAvailability>,
}

impl Availability {
    pub fn misses_objective(&self) -> bool {
        self.entries
            .iter()
            .any(|e| e.meets_objective == Some(false))
    }
}

pub fn analyze(inputs: &Inputs<'_>) -> Availability {
    let components = inputs.graph.document().components();
    let objective = inputs.graph.document().meta.targets.availability_slo;
    let mut figures: Vec<Option<ComponentAvailability>> = vec![None; components.len()];
    for entry in &inputs.entries {
        for &member in &entry.depends_on {
            if figures[member].is_none() {
                figures[member] = Some(component(inputs, &components[member]));
            }
        }
    }
    let mut journeys = Journeys::new(inputs, &figures);
    let mut entries = Vec::new();
    for entry in &inputs.entries {
        let journey = journeys.of(entry.position);
        let counted = || {
            journey
                .iter()
                .filter_map(|&m| figures[m].as_ref())
                .filter(|f| f.fraction < 1.0)
        };
        let fraction: f64 = counted().map(|f| f.fraction).product();
        let mut weakest: Vec<&ComponentAvailability> = counted().collect();
        weakest.sort_by(|a, b| {
            a.fraction
                .total_cmp(&b.fraction)
                .then_with(|| a.component.cmp(&b.component))
        });
        weakest.truncate(3);
        let weakest: Vec<WeakLink> = weakest
            .into_iter()
            .map(|f| WeakLink {
                component: f.component.clone(),
                percent: f.percent,
                fix: f.fix.clone(),
                entry_percent_if_fixed: f
                    .fix
                    .is_some()
                    .then(|| percent(fraction / f.fraction * f.fixed_fraction)),
            })
            .collect();
        let entry_percent = percent(fraction);
        entries.push(EntryAvailability {
            entry: components[entry.position].id.as_str().to_owned(),
            percent: entry_percent,
            downtime_minutes_per_month: ((1.0 - fraction) * 30.0 * 24.0 * 60.0 * 10.0).round()
                / 10.0,
            meets_objective: objective.map(|slo| fraction * 100.0 >= slo - 1e-9),
            depends_on: journey
                .iter()
                .map(|&m| components[m].id.as_str().to_owned())
                .collect(),
            weakest,
        });
    }
    Availability {
        objective,
        entries,
        components: figures.into_iter().flatten().collect(),
    }
}

/// The least available journey from each entry: a request takes one of a component's routes
/// (the worst, chosen once per component) and needs every call all requests make. The
/// choice ranks routes by the product of what each needs (shared dependencies counted once
/// per branch); the journey itself is then collected once, so each dependency counts once.
struct Journeys<'i, 'g> {
    inputs: &'i Inputs<'g>,
    figures: &'i [Option<ComponentAvailability>],
    /// Per component: the calls every request makes, and the route taken (the worst).
    choice: Vec<Option<(Vec<usize>, Option<usize>)>>,
    /// The ranking product of what a request through each component needs.
    rank: Vec<f64>,
    active: Vec<bool>,
    stamp: Vec<u32>,
    current: u32,
}

impl<'i, 'g> Journeys<'i, 'g> {
    fn new(inputs: &'i Inputs<'g>, figures: &'i [Option<ComponentAvailability>]) -> Self {
        let len = figures.len();
        Self {
            inputs,
            figures,
            choice: vec![None; len],
            rank: vec![1.0; len],
            active: vec![false; len],
            stamp: vec![0; len],
            current: 0,
        }
    }

    fn own(&self, position: usize) -> f64 {
        self.figures[position].as_ref().map_or(1.0, |f| f.fraction)
    }

    /// Chooses the worst route below `position` (memoised) and returns its ranking product.
    fn choose(&mut self, position: usize) -> f64 {
        if self.choice[position].is_some() {
            return self.rank[position];
        }
        if self.active[position] {
            // A call that closes a cycle adds nothing.
            return 1.0;
        }
        self.active[position] = true;
        let calls = &self.inputs.required_calls[position];
        let mut rank = self.own(position);
        let mut required = Vec::new();
        let mut worst: Option<(usize, f64)> = None;
        for &(callee, route) in calls {
            let below = self.choose(callee);
            if route {
                if worst.is_none_or(|(_, w)| below < w) {
                    worst = Some((callee, below));
                }
            } else {
                rank *= below;
                required.push(callee);
            }
        }
        if let Some((_, below)) = worst {
            rank *= below;
        }
        self.active[position] = false;
        self.rank[position] = rank;
        self.choice[position] = Some((required, worst.map(|(callee, _)| callee)));
        rank
    }

    /// The components of the least available journey from `start`, sorted.
    fn of(&mut self, start: usize) -> Vec<usize> {
        self.choose(start);
        self.current += 1;
        let mut journey = Vec::new();
        let mut stack = vec![start];
        self.stamp[start] = self.current;
        while let Some(position) = stack.pop() {
            journey.push(position);
            if let Some((required, route)) = &self.choice[position] {
                for &next in required.iter().chain(route.iter()) {
                    if self.stamp[next] != self.current {
                        self.stamp[next] = self.current;
                        stack.push(next);
                    }
                }
            }
        }
        journey.sort_unstable();
        journey
    }
}

/// The availability of one component, with how it was reached and what would raise it.
pub fn component(inputs: &Inputs<'_>, component: &Component) -> ComponentAvailability {
    let id = component.id.as_str().to_owned();
    let graph = inputs.graph;
    let facts = &inputs.facts;
    let data = inputs.data;
    let kind = component.kind.as_str();
    let figure = |fraction: f64, basis: String, source: String, fix: Option<(String, f64)>| {
        let (fix, fixed_fraction) = match fix {
            Some((text, fixed)) if fixed > fraction => (Some(text), fixed),
            _ => (None, fraction),
        };
        ComponentAvailability {
            component: id.clone(),
            percent: percent(fraction),
            basis,
            source,
            fraction,
            fix,
            fixed_fraction,
        }
    };
    // Clients are the users' own devices: outside what the design promises.
    if graph.has_trait(component, Trait::Client) {
        return figure(1.0, "a client: not counted".into(), String::new(), None);
    }
    if let Some(stated) = graph.positive(component, "availability_pct") {
        return figure(
            stated.min(100.0) / 100.0,
            "stated in the model (availability_pct)".into(),
            "model".into(),
            None,
        );
    }
    if let Some(service) = facts.service(component)
        && !matches!(service.recipe, Recipe::OwnCode | Recipe::Placeholder)
        && let Some(sla) = data.sla(service.recipe)
    {
        let source = format!("{} ({})", sla.source, sla.as_of);
        let redundant = facts.redundant(component) || facts.multi_zone(component);
        let redundant_fraction = sla.percent / 100.0;
        return if redundant {
            figure(
                redundant_fraction,
                format!("{} SLA, redundant across zones", service.service),
                source,
                None,
            )
        } else {
            let single = sla
                .single_instance_percent
                .unwrap_or(super::data::DEFAULT_INSTANCE_PERCENT);
            figure(
                single / 100.0,
                match sla.single_instance_percent {
                    Some(_) => format!("{} SLA for a single instance", service.service),
                    None => format!(
                        "{}: no SLA for a single instance; a self-hosted instance's figure",
                        service.service
                    ),
                },
                source,
                Some((
                    format!(
                        "run it across zones (multi_az or a second replica): {} SLA",
                        sla.percent
                    ),
                    redundant_fraction,
                )),
            )
        };
    }
    if let Some(service) = facts.service(component)
        && let Some(sla) = data.managed_sla(&service.service)
    {
        return figure(
            sla.percent / 100.0,
            format!("{} SLA", service.service),
            format!("{} ({})", sla.source, sla.as_of),
            None,
        );
    }
    // Self-hosted, the team's own code, someone else's system or a SaaS product: a
    // per-instance figure, and replicas in parallel.
    let per_instance = data.instance_percent(kind) / 100.0;
    if facts.runs(component) == Some(Deployment::Saas) {
        return figure(
            data.saas_percent / 100.0,
            "bought as SaaS: the commitment vendors typically publish".into(),
            "estimate".into(),
            None,
        );
    }
    if facts.runs(component) == Some(Deployment::External) {
        return figure(
            per_instance,
            "someone else's service: the kind's typical availability".into(),
            "estimate".into(),
            None,
        );
    }
    // A managed service spread over zones by its provider, with no SLA on file: the kind's
    // figure, and no replica for the design to add.
    if let Some(service) = facts.service(component)
        && service.availability == crate::catalog::Availability::MultiZone
    {
        return figure(
            per_instance,
            format!(
                "{}: managed, no SLA on file; the kind's typical availability",
                service.service
            ),
            "estimate".into(),
            None,
        );
    }
    let instances = facts.instance_bounds(component).0;
    let multi_zone = facts.multi_zone(component);
    let fraction = replicated(per_instance, instances, multi_zone);
    let basis = format!(
        "{instances} instance{} at {}% each{}",
        if instances == 1 { "" } else { "s" },
        percent(per_instance),
        match (instances > 1, multi_zone) {
            (true, true) => ", across zones",
            (true, false) => ", in one zone",
            _ => "",
        }
    );
    let fix = if instances == 1 {
        Some((
            "add a replica in another zone".to_owned(),
            replicated(per_instance, 2, true),
        ))
    } else if !multi_zone {
        Some((
            "spread its replicas across zones".to_owned(),
            replicated(per_instance, instances, true),
        ))
    } else {
        None
    };
    figure(fraction, basis, "estimate".into(), fix)
}

/// `instances` replicas in parallel: up unless all are down; replicas in one zone also go
/// down with it.
fn replicated(per_instance: f64, instances: i64, across_zones: bool) -> f64 {
    let count = i32::try_from(instances.clamp(1, 64)).unwrap_or(1);
    let all_down = (1.0 - per_instance).powi(count);
    let fraction = 1.0 - all_down;
    if count > 1 && !across_zones {
        fraction * ZONE
    } else {
        fraction
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replicas_are_parallel_and_one_zone_caps_them() {
        assert!((replicated(0.995, 1, false) - 0.995).abs() < 1e-12);
        // Two instances at 99.5%: both down 0.0025% of the time.
        assert!((replicated(0.995, 2, true) - 0.999_975).abs() < 1e-12);
        assert!((replicated(0.995, 2, false) - 0.999_975 * 0.9999).abs() < 1e-12);
    }
}
