//! Answers from the design itself: will it meet its availability objective, which component
//! runs out first at peak, and what breaks when a component, a zone or a region goes down.
//! Each analysis is a pure function of the graph, the catalog's facts and the reference
//! figures in [`data`]; every figure names the elements it concerns and the inputs it used.

pub mod availability;
pub mod capacity;
pub mod cost;
pub mod data;
pub mod failures;
pub mod latency;
pub mod overlay;
pub mod prices;
pub mod recovery;
pub mod render;
mod summary;

use serde::{Deserialize, Serialize};

use crate::catalog::Trait;
use crate::facts::Facts;
use crate::graph::ArchGraph;
use crate::load::Loads;
use crate::model::Component;

pub use data::AnalysisData;

/// What-if conditions: a load multiplier (10 for Black Friday).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// What the scenario is called, for reports.
    #[serde(default = "Scenario::default_name")]
    pub name: String,
    /// Every entry point's peak load is multiplied by this.
    #[serde(default = "Scenario::default_multiplier")]
    pub load_multiplier: f64,
}

impl Scenario {
    fn default_name() -> String {
        "baseline".to_owned()
    }

    fn default_multiplier() -> f64 {
        1.0
    }
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            name: Self::default_name(),
            load_multiplier: Self::default_multiplier(),
        }
    }
}

/// Everything an analysis reads, computed once.
#[derive(Debug)]
pub struct Inputs<'g> {
    pub graph: &'g ArchGraph<'g>,
    pub facts: Facts<'g>,
    pub loads: Loads,
    pub data: &'static AnalysisData,
    pub scenario: Scenario,
    /// The entry points and, for each, what it depends on synchronously.
    pub entries: Vec<Entry>,
    /// For each component (by position), the synchronous calls its requests need (not those
    /// made once at start-up, nor cache lookups a database backs): the callee's position,
    /// and whether the call is a route (each request takes one of a component's routes).
    /// Read once, so that the analyses' walks never look properties up per edge.
    pub required_calls: Vec<Vec<(usize, bool)>>,
}

/// An entry point and the components a request through it waits on (itself included), by
/// document position, in breadth-first order.
#[derive(Debug, Clone)]
pub struct Entry {
    pub position: usize,
    pub depends_on: Vec<usize>,
}

impl<'g> Inputs<'g> {
    pub fn new(graph: &'g ArchGraph<'g>, scenario: Scenario) -> Self {
        let facts = Facts::of_model(graph);
        let loads = graph.loads().clone();
        let required_calls: Vec<Vec<(usize, bool)>> = (0..graph.document().components().len())
            .map(|position| {
                let mut calls: Vec<(usize, bool)> = graph
                    .sync_calls(position)
                    .filter(|link| graph.is_required(link))
                    .filter_map(|link| link.ends().map(|(_, to)| (to, graph.is_route(link))))
                    .collect();
                calls.sort_unstable();
                calls.dedup();
                calls
            })
            .collect();
        let entries = entries(graph, &facts, &required_calls);
        Self {
            graph,
            facts,
            loads,
            data: AnalysisData::builtin(),
            scenario,
            entries,
            required_calls,
        }
    }

    pub fn component(&self, position: usize) -> &'g Component {
        &self.graph.document().components()[position]
    }
}

/// The entry points: the components clients and public traffic reach first (public entry
/// kinds that run in the account, and what clients call directly), less those another entry
/// point already leads to.
fn entries(
    graph: &ArchGraph<'_>,
    facts: &Facts<'_>,
    required_calls: &[Vec<(usize, bool)>],
) -> Vec<Entry> {
    let components = graph.document().components();
    let in_account = |c: &Component| facts.runs(c).is_some_and(|r| r.in_account());
    let mut candidates: Vec<usize> = Vec::new();
    let mut seen = vec![false; components.len()];
    for (position, component) in components.iter().enumerate() {
        let public = graph.has_trait(component, Trait::PublicEntry) && in_account(component);
        if public && !std::mem::replace(&mut seen[position], true) {
            candidates.push(position);
        }
        if graph.has_trait(component, Trait::Client) {
            for next in graph.sync_callees(position) {
                if in_account(&components[next]) && !std::mem::replace(&mut seen[next], true) {
                    candidates.push(next);
                }
            }
        }
    }
    candidates.sort_unstable();
    let mut closures = Closures::new(components.len());
    let all: Vec<Entry> = candidates
        .iter()
        .map(|&position| Entry {
            position,
            depends_on: closures.of(required_calls, position),
        })
        .collect();
    // An entry another entry reaches is a step on that entry's path, not an entry itself
    // (unless they reach each other). Who reaches each candidate is recorded in one pass over
    // the closures; mutual reach is then checked against one stamped closure at a time.
    let index_of: std::collections::HashMap<usize, usize> = all
        .iter()
        .enumerate()
        .map(|(index, entry)| (entry.position, index))
        .collect();
    let mut reached_by: Vec<Vec<usize>> = vec![Vec::new(); all.len()];
    for (index, entry) in all.iter().enumerate() {
        for &member in &entry.depends_on {
            if member != entry.position
                && let Some(&reached) = index_of.get(&member)
            {
                reached_by[reached].push(index);
            }
        }
    }
    let positions: Vec<usize> = all.iter().map(|entry| entry.position).collect();
    let mut in_closure = vec![false; components.len()];
    let mut kept = Vec::new();
    for (index, entry) in all.into_iter().enumerate() {
        if reached_by[index].is_empty() {
            kept.push(entry);
            continue;
        }
        for &member in &entry.depends_on {
            in_closure[member] = true;
        }
        let mutual = reached_by[index]
            .iter()
            .any(|&other| in_closure[positions[other]]);
        for &member in &entry.depends_on {
            in_closure[member] = false;
        }
        if mutual {
            kept.push(entry);
        }
    }
    kept
}

/// Breadth-first closures over the synchronous calls requests need (not those made once at
/// start-up, nor cache lookups a database backs), reusing one visited array (stamped per
/// search) so that many entries cost no allocation each.
struct Closures {
    stamp: Vec<u32>,
    current: u32,
}

impl Closures {
    fn new(len: usize) -> Self {
        Self {
            stamp: vec![0; len],
            current: 0,
        }
    }

    fn of(&mut self, required_calls: &[Vec<(usize, bool)>], start: usize) -> Vec<usize> {
        self.current += 1;
        let mut order = vec![start];
        self.stamp[start] = self.current;
        let mut next = 0;
        while next < order.len() {
            let position = order[next];
            next += 1;
            for &(callee, _) in &required_calls[position] {
                if self.stamp[callee] != self.current {
                    self.stamp[callee] = self.current;
                    order.push(callee);
                }
            }
        }
        order
    }
}

/// Every analysis of one model.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub scenario: Scenario,
    pub availability: availability::Availability,
    pub latency: latency::Latency,
    pub capacity: capacity::Capacity,
    pub failures: failures::Failures,
    pub recovery: recovery::Recovery,
    pub cost: cost::Cost,
}

impl Report {
    /// Whether the model misses a target it states (an availability objective, or the
    /// capacity to carry its peak).
    pub fn misses_a_target(&self) -> bool {
        self.availability.misses_objective()
            || self.latency.misses_budget()
            || self.capacity.saturated()
            || self.recovery.misses_objective()
    }
}

/// The analyses by name, for `--only`.
pub const NAMES: [&str; 6] = [
    "availability",
    "latency",
    "capacity",
    "failures",
    "recovery",
    "cost",
];

/// Runs every analysis.
pub fn analyze(graph: &ArchGraph<'_>, scenario: Scenario) -> Report {
    let inputs = Inputs::new(graph, scenario);
    let capacity = capacity::analyze(&inputs);
    Report {
        availability: availability::analyze(&inputs),
        latency: latency::analyze(&inputs),
        failures: failures::analyze(&inputs),
        recovery: recovery::analyze(&inputs),
        cost: cost::analyze(&inputs, &capacity),
        capacity,
        scenario: inputs.scenario.clone(),
    }
}

/// Minutes for people: whole hours from a day up, "unbounded" for none.
pub fn minutes_text(figure: Option<f64>) -> String {
    match figure {
        None => "unbounded".to_owned(),
        Some(m) if m >= 1440.0 && m % 60.0 == 0.0 => format!("{} h", m / 60.0),
        Some(m) => format!("{m} min"),
    }
}

/// Dollars for people: "$51,769.58".
pub fn usd_text(value: f64) -> String {
    let cents = (value * 100.0).round() as i64;
    format!(
        "${}.{:02}",
        crate::text::thousands(cents / 100),
        (cents % 100).abs()
    )
}

/// Dollars to the cent: figures for people, stable in JSON.
pub(crate) fn round_cents(usd: f64) -> f64 {
    (usd * 100.0).round() / 100.0
}

/// `part` of 1 as a percentage rounded for people (99.9512 → 99.951).
pub(crate) fn percent(fraction: f64) -> f64 {
    (fraction * 100_000.0).round() / 1000.0
}
