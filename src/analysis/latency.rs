//! Latency: how long a request through each entry point takes at the median and the 99th
//! percentile, along its critical path.
//!
//! Each component adds its own work (the kind's figure, or the model's `latency_p50_ms` /
//! `latency_p99_ms`) and each hop the network between its ends (same zone, across zones,
//! across regions). Along a path the medians add up and the tails combine as independent
//! delays do: p99 = Σp50 + √Σ(p99 − p50)², which is what a sum of independent hops gives and
//! far less than the sum of the p99s. A request follows one route through the calls a
//! component makes (`per_request: route`, the default: a BFF sends browsing to the catalog
//! and orders to checkout), so the slowest route is the critical path; calls the model marks
//! `sequential` are made by every request one after another and add up, and calls marked
//! `parallel` are made by every request together and cost the slowest. A router (CDN, WAF,
//! load balancer, gateway, ingress) sends each request down one route. (The load analysis
//! assumes instead that every request may make every call: an upper bound for capacity.)
//! A read served from a cache (`hit_ratio_pct` on the lookup) spares the database: the
//! database counts towards the median only when most reads miss, and towards the tail when
//! more than one in a hundred does. A call's `timeout_ms` caps what it can add; with
//! `retries`, a call that times out at the tail is tried again and costs the timeout plus a
//! median answer.

use std::rc::Rc;

use serde::Serialize;

use super::Inputs;
use super::data::Millis;
use crate::catalog::Trait;
use crate::graph::Link;
use crate::model::{Component, GroupKind, PropertyValue};

/// One step of an entry point's critical path.
#[derive(Debug, Clone, Serialize)]
pub struct Hop {
    pub component: String,
    /// The component's own work plus the network hop into it, in milliseconds.
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// How far the hop into it travels: `entry`, `same zone`, `cross-zone`, `cross-region`.
    pub network: &'static str,
    /// How its figure was reached: `kind`, or `model` when the model states it.
    pub basis: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct EntryLatency {
    pub entry: String,
    pub p50_ms: f64,
    pub p99_ms: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meets_budget: Option<bool>,
    /// The steps a request waits on along its slowest path, in the order it reaches them.
    pub critical_path: Vec<Hop>,
    /// The step adding the most to the tail, and what to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slowest: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advice: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Latency {
    /// The model's `p99_latency_ms`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget_ms: Option<u32>,
    pub entries: Vec<EntryLatency>,
}

impl Latency {
    pub fn misses_budget(&self) -> bool {
        self.entries.iter().any(|e| e.meets_budget == Some(false))
    }
}

/// A delay distribution as the analysis carries it: the median, the sum of squared tails
/// (p99 − p50)² of independent parts, and the path that produced it.
#[derive(Debug, Clone)]
struct Delay {
    p50: f64,
    tail_squares: f64,
    path: Rc<Path>,
}

impl Default for Delay {
    fn default() -> Self {
        Self {
            p50: 0.0,
            tail_squares: 0.0,
            path: Rc::new(Path::Empty),
        }
    }
}

/// The steps behind a delay, shared rather than copied: joining two paths and cloning a
/// memoised one cost nothing, and an entry's path is flattened once.
#[derive(Debug)]
enum Path {
    Empty,
    Step(Step),
    Join(Rc<Path>, Rc<Path>),
}

impl Path {
    fn steps(self: &Rc<Self>) -> Vec<Step> {
        let mut steps = Vec::new();
        let mut stack = vec![Rc::clone(self)];
        while let Some(path) = stack.pop() {
            match &*path {
                Path::Empty => {}
                Path::Step(step) => steps.push(*step),
                Path::Join(first, second) => {
                    stack.push(Rc::clone(second));
                    stack.push(Rc::clone(first));
                }
            }
        }
        steps
    }
}

#[derive(Debug, Clone, Copy)]
struct Step {
    position: usize,
    own: Millis,
    network: &'static str,
    stated: bool,
}

impl Delay {
    fn p99(&self) -> f64 {
        self.p50 + self.tail_squares.sqrt()
    }

    fn of(step: Step, millis: Millis) -> Self {
        Self {
            p50: millis.p50,
            tail_squares: (millis.p99 - millis.p50).max(0.0).powi(2),
            path: Rc::new(Path::Step(step)),
        }
    }

    fn then(mut self, next: Delay) -> Self {
        self.p50 += next.p50;
        self.tail_squares += next.tail_squares;
        self.path = Rc::new(Path::Join(self.path, next.path));
        self
    }

    /// The slower of two alternatives (by their tails, then medians).
    fn slower(self, other: Delay) -> Self {
        if other.p99() > self.p99() || (other.p99() == self.p99() && other.p50 > self.p50) {
            other
        } else {
            self
        }
    }

    /// The delay with its median and tail replaced (a timeout or a cache changed them),
    /// keeping the path that explains it.
    fn reshaped(mut self, p50: f64, p99: f64) -> Self {
        self.p50 = p50;
        self.tail_squares = (p99 - p50).max(0.0).powi(2);
        self
    }
}

pub fn analyze(inputs: &Inputs<'_>) -> Latency {
    let budget = inputs.graph.document().meta.targets.p99_latency_ms;
    let components = inputs.graph.document().components();
    let mut walk = Walk {
        inputs,
        memo: vec![None; components.len()],
        active: vec![false; components.len()],
    };
    let entries = inputs
        .entries
        .iter()
        .map(|entry| {
            let delay = walk.from(entry.position, "entry");
            let p50 = round(delay.p50);
            let p99 = round(delay.p99());
            let steps = delay.path.steps();
            let critical_path: Vec<Hop> = steps
                .iter()
                .map(|step| Hop {
                    component: components[step.position].id.as_str().to_owned(),
                    p50_ms: round(step.own.p50),
                    p99_ms: round(step.own.p99),
                    network: step.network,
                    basis: if step.stated { "model" } else { "kind" },
                })
                .collect();
            let slowest = steps
                .iter()
                .max_by(|a, b| {
                    (a.own.p99 - a.own.p50)
                        .total_cmp(&(b.own.p99 - b.own.p50))
                        .then_with(|| b.position.cmp(&a.position))
                })
                .copied();
            EntryLatency {
                entry: components[entry.position].id.as_str().to_owned(),
                p50_ms: p50,
                p99_ms: p99,
                meets_budget: budget.map(|b| p99 <= f64::from(b)),
                slowest: slowest.map(|s| components[s.position].id.as_str().to_owned()),
                advice: slowest.map(|s| advice(inputs, &components[s.position], s.network)),
                critical_path,
            }
        })
        .collect();
    Latency {
        budget_ms: budget,
        entries,
    }
}

/// What would shorten the tail of the slowest step.
fn advice(inputs: &Inputs<'_>, component: &Component, network: &str) -> String {
    let graph = inputs.graph;
    if network == "cross-region" {
        return "it is called across regions: serve the call from a counterpart in the caller's region".into();
    }
    if graph.has_trait(component, Trait::Datastore) {
        "put a cache in front of its reads, or an index under the slow query".into()
    } else if graph.has_trait(component, Trait::External) {
        "call it asynchronously or cache its answers; give the call a tight timeout".into()
    } else if graph.has_trait(component, Trait::Broker) {
        "publish without waiting for every replica when the flow allows it".into()
    } else {
        "profile its own work, or make its calls in parallel where they do not depend on each other"
            .into()
    }
}

struct Walk<'i, 'g> {
    inputs: &'i Inputs<'g>,
    /// The delay from each component on (itself and what it waits on), once computed.
    memo: Vec<Option<Delay>>,
    /// Components on the walk's current path: a call back into one closes a cycle and adds
    /// nothing.
    active: Vec<bool>,
}

impl Walk<'_, '_> {
    /// The delay of a request arriving at `position` over a hop of kind `network`: the
    /// component's own work and network, then its calls.
    fn from(&mut self, position: usize, network: &'static str) -> Delay {
        let inputs = self.inputs;
        let component = inputs.component(position);
        let (own, stated) = own_work(inputs, component);
        let hop = match network {
            "cross-region" => inputs.data.network.cross_region,
            "cross-zone" => inputs.data.network.cross_zone,
            "same zone" => inputs.data.network.same_zone,
            _ => Millis { p50: 0.0, p99: 0.0 },
        };
        let with_network = Millis {
            p50: own.p50 + hop.p50,
            p99: own.p99 + hop.p99,
        };
        let step = Step {
            position,
            own: with_network,
            network,
            stated,
        };
        Delay::of(step, with_network).then(self.calls(position))
    }

    /// What `position` waits on after its own work, memoised.
    fn calls(&mut self, position: usize) -> Delay {
        if let Some(done) = &self.memo[position] {
            return done.clone();
        }
        if self.active[position] {
            return Delay::default();
        }
        self.active[position] = true;
        let inputs = self.inputs;
        let graph = inputs.graph;
        let mut calls: Vec<&Link> = graph
            .sync_calls(position)
            .filter(|link| graph.on_request_path(link))
            .collect();
        calls.sort_by_key(|link| link.ends().map(|(_, to)| to));
        calls.dedup_by_key(|link| link.ends().map(|(_, to)| to));
        let miss_ratio = 1.0 - cache_hit_ratio(inputs, &calls);
        // A router sends each request down one route; a component's calls are routes too
        // unless the model says every request makes them, one after another or together.
        let mut route: Option<Delay> = None;
        let mut sequential = Delay::default();
        let mut parallel: Option<Delay> = None;
        for link in &calls {
            // Reads behind a cache reach the database only on a miss.
            let reach = if graph.link_is(link, "db_query") {
                miss_ratio
            } else if graph.link_is(link, "cdn_origin") {
                // The edge answers its hits; the origin serves the misses.
                1.0 - link_float(inputs, link, "hit_ratio_pct").clamp(0.0, 100.0) / 100.0
            } else {
                1.0
            };
            let delay = self.call(position, link, reach);
            if graph.is_route(link) {
                route = Some(slowest(route.take(), delay));
            } else if text(inputs, link, "per_request") == Some("parallel") {
                parallel = Some(slowest(parallel.take(), delay));
            } else {
                sequential = sequential.then(delay);
            }
        }
        let mut delay = sequential;
        if let Some(slowest) = parallel {
            delay = delay.then(slowest);
        }
        if let Some(slowest) = route {
            delay = delay.then(slowest);
        }
        self.active[position] = false;
        self.memo[position] = Some(delay.clone());
        delay
    }

    /// The delay one call adds: the callee's, bounded by the call's timeout and retries, and
    /// counted only as far as `reach` (the share of requests that make it) puts it in the
    /// median or the tail.
    fn call(&mut self, caller: usize, link: &Link, reach: f64) -> Delay {
        let Some((_, callee)) = link.ends() else {
            return Delay::default();
        };
        let inputs = self.inputs;
        let network = distance(inputs, inputs.component(caller), inputs.component(callee));
        let delay = self.from(callee, network);
        let (mut p50, mut p99) = (delay.p50, delay.p99());
        // Made by half the requests or fewer, it is not in the median; by one in a hundred or
        // fewer, not in the tail either.
        // (A hit ratio in whole percent leaves rounding dust: 1 − 0.99 is not 0.01.)
        if reach <= 0.5 + 1e-9 {
            p50 = 0.0;
        }
        if reach <= 0.01 + 1e-9 {
            p99 = 0.0;
        }
        if let Some(timeout) = int(inputs, link, "timeout_ms").filter(|t| *t > 0) {
            let timeout = timeout as f64;
            let retries = int(inputs, link, "retries").unwrap_or(0);
            p50 = p50.min(timeout);
            if p99 > timeout {
                p99 = if retries > 0 {
                    timeout + delay.p50
                } else {
                    timeout
                };
            }
        }
        delay.reshaped(p50, p99.max(p50))
    }
}

/// A component's own work: the model's figures when it states them, else its kind's.
fn own_work(inputs: &Inputs<'_>, component: &Component) -> (Millis, bool) {
    let graph = inputs.graph;
    let kind = inputs
        .data
        .latency(component.kind.as_str())
        .unwrap_or(Millis { p50: 0.0, p99: 0.0 });
    if graph.has_trait(component, Trait::Client) {
        return (Millis { p50: 0.0, p99: 0.0 }, false);
    }
    let p50 = graph.positive(component, "latency_p50_ms");
    let p99 = graph.positive(component, "latency_p99_ms");
    let stated = p50.is_some() || p99.is_some();
    let p50 = p50.unwrap_or(kind.p50);
    (
        Millis {
            p50,
            p99: p99.unwrap_or(kind.p99).max(p50),
        },
        stated,
    )
}

/// How far apart two components are: in different region boundaries, in different (or no
/// drawn) zones or spread over zones, or in one zone.
fn distance(inputs: &Inputs<'_>, from: &Component, to: &Component) -> &'static str {
    let graph = inputs.graph;
    let region = |c| graph.zone(c, GroupKind::Region).map(|g| &g.id);
    if let (Some(a), Some(b)) = (region(from), region(to))
        && a != b
    {
        return "cross-region";
    }
    let zone = |c| graph.zone(c, GroupKind::AvailabilityZone).map(|g| &g.id);
    match (zone(from), zone(to)) {
        (Some(a), Some(b))
            if a == b && !inputs.facts.multi_zone(from) && !inputs.facts.multi_zone(to) =>
        {
            "same zone"
        }
        _ => "cross-zone",
    }
}

/// The share of reads a component's cache lookups answer (the best stated hit ratio).
fn cache_hit_ratio(inputs: &Inputs<'_>, calls: &[&Link]) -> f64 {
    calls
        .iter()
        .filter(|link| inputs.graph.link_is(link, "cache_lookup"))
        .filter_map(|link| {
            inputs
                .graph
                .link_property(link, "hit_ratio_pct")
                .and_then(PropertyValue::as_float)
        })
        .fold(0.0_f64, f64::max)
        .clamp(0.0, 100.0)
        / 100.0
}

fn int(inputs: &Inputs<'_>, link: &Link, name: &str) -> Option<i64> {
    inputs
        .graph
        .link_property(link, name)
        .and_then(PropertyValue::as_int)
}

fn link_float(inputs: &Inputs<'_>, link: &Link, name: &str) -> f64 {
    inputs
        .graph
        .link_property(link, name)
        .and_then(PropertyValue::as_float)
        .unwrap_or(0.0)
}

/// The slower of what was found so far and `delay`.
fn slowest(so_far: Option<Delay>, delay: Delay) -> Delay {
    match so_far {
        Some(slowest) => slowest.slower(delay),
        None => delay,
    }
}

fn text<'g>(inputs: &Inputs<'g>, link: &Link, name: &str) -> Option<&'g str> {
    inputs
        .graph
        .link_property(link, name)
        .and_then(PropertyValue::as_text)
}

/// A tenth of a millisecond: figures for people, stable in JSON.
fn round(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step() -> Step {
        Step {
            position: 0,
            own: Millis { p50: 0.0, p99: 0.0 },
            network: "entry",
            stated: false,
        }
    }

    #[test]
    fn medians_add_and_tails_combine_as_independent_delays() {
        let a = Delay::of(step(), Millis { p50: 2.0, p99: 5.0 });
        let b = Delay::of(step(), Millis { p50: 3.0, p99: 7.0 });
        let both = a.then(b);
        assert_eq!(both.p50, 5.0);
        // 5 + √(3² + 4²) = 10, less than the 12 the p99s add up to.
        assert!((both.p99() - 10.0).abs() < 1e-12);
    }

    #[test]
    fn the_slower_alternative_is_the_one_with_the_longer_tail() {
        let fast = Delay::of(step(), Millis { p50: 5.0, p99: 6.0 });
        let spiky = Delay::of(
            step(),
            Millis {
                p50: 1.0,
                p99: 20.0,
            },
        );
        assert_eq!(fast.slower(spiky).p50, 1.0);
    }
}
