//! Failures (blast radius): remove each component, each zone and each region in turn, and
//! see which entry points lose service and which data becomes unavailable. A component
//! survives losing one instance when it is redundant; a zone takes with it what the model
//! draws inside it that does not span zones; a region takes everything in it.

use serde::Serialize;

use super::Inputs;
use crate::catalog::Trait;
use crate::model::{Component, GroupKind};

/// What one failure takes down.
#[derive(Debug, Clone, Serialize)]
pub struct Outage {
    /// The component, zone or region that fails (its id).
    pub fails: String,
    /// The components that go down with it.
    pub lost: Vec<String>,
    /// Entry points that can no longer answer: something a request waits on is lost.
    pub entries_down: Vec<String>,
    /// Datastores and caches that become unavailable.
    pub data_unavailable: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Failures {
    /// Components whose loss alone takes an entry point down.
    pub single_points_of_failure: Vec<Outage>,
    /// Each availability-zone boundary's loss.
    pub zones: Vec<Outage>,
    /// Each region boundary's loss.
    pub regions: Vec<Outage>,
    /// Components on a request path that neither span zones nor sit in a drawn zone: they
    /// go down with whichever zone they land in.
    pub in_no_drawn_zone: Vec<String>,
}

pub fn analyze(inputs: &Inputs<'_>) -> Failures {
    let doc = inputs.graph.document();
    let components = doc.components();
    // Which entries wait on each component.
    let mut waited_on_by: Vec<Vec<usize>> = vec![Vec::new(); components.len()];
    for (index, entry) in inputs.entries.iter().enumerate() {
        for &member in &entry.depends_on {
            waited_on_by[member].push(index);
        }
    }
    let on_path = |position: usize| !waited_on_by[position].is_empty();
    let outage = |fails: &str, lost: &[usize]| {
        let mut down = vec![false; inputs.entries.len()];
        for &position in lost {
            for &entry in &waited_on_by[position] {
                down[entry] = true;
            }
        }
        Outage {
            fails: fails.to_owned(),
            lost: lost
                .iter()
                .map(|&p| components[p].id.as_str().to_owned())
                .collect(),
            entries_down: inputs
                .entries
                .iter()
                .zip(&down)
                .filter(|(_, down)| **down)
                .map(|(entry, _)| components[entry.position].id.as_str().to_owned())
                .collect(),
            data_unavailable: lost
                .iter()
                .map(|&p| &components[p])
                .filter(|c| stores_data(inputs, c))
                .map(|c| c.id.as_str().to_owned())
                .collect(),
        }
    };
    let counted = |c: &Component| {
        inputs.facts.runs(c).is_some_and(|r| r.in_account())
            && !inputs.graph.has_trait(c, Trait::Client)
    };
    let single_points_of_failure = components
        .iter()
        .enumerate()
        .filter(|&(p, c)| on_path(p) && counted(c) && !inputs.facts.redundant(c))
        .map(|(p, c)| outage(c.id.as_str(), &[p]))
        .collect();
    let mut zones = Vec::new();
    let mut regions = Vec::new();
    for group in doc.groups() {
        let inside = |c: &Component| {
            inputs
                .graph
                .groups_around(c)
                .iter()
                .any(|g| g.id == group.id)
        };
        match group.kind {
            GroupKind::AvailabilityZone => {
                let lost: Vec<usize> = components
                    .iter()
                    .enumerate()
                    .filter(|&(_, c)| counted(c) && inside(c) && !inputs.facts.multi_zone(c))
                    .map(|(p, _)| p)
                    .collect();
                zones.push(outage(group.id.as_str(), &lost));
            }
            GroupKind::Region => {
                let lost: Vec<usize> = components
                    .iter()
                    .enumerate()
                    .filter(|&(_, c)| counted(c) && inside(c))
                    .map(|(p, _)| p)
                    .collect();
                regions.push(outage(group.id.as_str(), &lost));
            }
            _ => {}
        }
    }
    let in_no_drawn_zone = components
        .iter()
        .enumerate()
        .filter(|&(p, c)| {
            on_path(p)
                && counted(c)
                && !inputs.facts.multi_zone(c)
                && !inputs
                    .graph
                    .groups_around(c)
                    .iter()
                    .any(|g| g.kind == GroupKind::AvailabilityZone)
        })
        .map(|(_, c)| c.id.as_str().to_owned())
        .collect();
    Failures {
        single_points_of_failure,
        zones,
        regions,
        in_no_drawn_zone,
    }
}

fn stores_data(inputs: &Inputs<'_>, component: &Component) -> bool {
    inputs.graph.has_trait(component, Trait::Datastore)
        || inputs.graph.has_trait(component, Trait::Cache)
}
