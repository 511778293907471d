//! Failures (blast radius): remove each component, each zone and each region in turn, and
//! see which entry points lose service fully or partially and which data becomes
//! unavailable. A component survives losing one instance when it is redundant; a zone takes
//! with it what the model draws inside it that does not span zones; a region takes everything
//! in it. Requests follow the same reading as availability and latency: a component needs
//! every call its requests all make, and of its routes (a router's, a service's calls to
//! other services) at least one; losing some routes degrades it, losing all takes it down.

use serde::Serialize;

use super::Inputs;
use crate::catalog::{Deployment, Trait};
use crate::model::{Component, GroupKind};

/// What one failure takes down.
#[derive(Debug, Clone, Serialize)]
pub struct Outage {
    /// The component, zone or region that fails (its id).
    pub fails: String,
    /// The components that go down with it.
    pub lost: Vec<String>,
    /// Entry points that can no longer answer: something every request needs is lost.
    pub entries_down: Vec<String>,
    /// Entry points that still answer some requests: some of their routes are lost.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub entries_degraded: Vec<String>,
    /// Datastores and caches that become unavailable.
    pub data_unavailable: Vec<String>,
    /// Messages that queue up: a broker that survives, still fed by a producer that
    /// survives, whose consumer is lost (`broker → consumer`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub queues_up: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Failures {
    /// Components whose loss alone takes an entry point down (someone else's systems
    /// included: the design depends on them just the same).
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
    let mut on_path = vec![false; components.len()];
    for entry in &inputs.entries {
        for &member in &entry.depends_on {
            on_path[member] = true;
        }
    }
    let outage = |fails: &str, lost: &[usize]| {
        let mut down = vec![false; components.len()];
        for &position in lost {
            down[position] = true;
        }
        let mut status = Status::new(inputs, &down);
        let mut entries_down = Vec::new();
        let mut entries_degraded = Vec::new();
        for entry in &inputs.entries {
            let id = components[entry.position].id.as_str().to_owned();
            match status.of(entry.position) {
                Service::Down => entries_down.push(id),
                Service::Partial => entries_degraded.push(id),
                Service::Full => {}
            }
        }
        Outage {
            fails: fails.to_owned(),
            lost: lost
                .iter()
                .map(|&p| components[p].id.as_str().to_owned())
                .collect(),
            entries_down,
            entries_degraded,
            queues_up: queues_up(inputs, &down),
            data_unavailable: lost
                .iter()
                .map(|&p| &components[p])
                .filter(|c| stores_data(inputs, c))
                .map(|c| c.id.as_str().to_owned())
                .collect(),
        }
    };
    let in_account = |c: &Component| {
        inputs.facts.runs(c).is_some_and(|r| r.in_account())
            && !inputs.graph.has_trait(c, Trait::Client)
    };
    let dependency = |c: &Component| {
        !inputs.graph.has_trait(c, Trait::Client)
            && (in_account(c)
                || matches!(
                    inputs.facts.runs(c),
                    Some(Deployment::External | Deployment::Saas)
                ))
    };
    // What every request of each entry point needs, whatever route it takes: losing one of
    // those takes the entry down.
    let mut needed_by: Vec<Vec<usize>> = vec![Vec::new(); components.len()];
    let mut must = MustPass::new(inputs);
    for (index, entry) in inputs.entries.iter().enumerate() {
        for position in must.of(entry.position) {
            needed_by[position].push(index);
        }
    }
    let single_points_of_failure = components
        .iter()
        .enumerate()
        .filter(|&(p, c)| !needed_by[p].is_empty() && dependency(c) && !inputs.facts.redundant(c))
        .map(|(p, c)| Outage {
            fails: c.id.as_str().to_owned(),
            lost: vec![c.id.as_str().to_owned()],
            entries_down: needed_by[p]
                .iter()
                .map(|&e| {
                    components[inputs.entries[e].position]
                        .id
                        .as_str()
                        .to_owned()
                })
                .collect(),
            entries_degraded: Vec::new(),
            queues_up: Vec::new(),
            data_unavailable: if stores_data(inputs, c) {
                vec![c.id.as_str().to_owned()]
            } else {
                Vec::new()
            },
        })
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
                    .filter(|&(_, c)| in_account(c) && inside(c) && !inputs.facts.multi_zone(c))
                    .map(|(p, _)| p)
                    .collect();
                zones.push(outage(group.id.as_str(), &lost));
            }
            GroupKind::Region => {
                let lost: Vec<usize> = components
                    .iter()
                    .enumerate()
                    .filter(|&(_, c)| in_account(c) && inside(c))
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
            on_path[p]
                && in_account(c)
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

/// How much of its service a component still gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Service {
    Full,
    Partial,
    Down,
}

/// The service of each component while the `down` ones are lost, memoised for one outage.
struct Status<'i, 'g> {
    inputs: &'i Inputs<'g>,
    down: &'i [bool],
    memo: Vec<Option<Service>>,
    active: Vec<bool>,
}

impl<'i, 'g> Status<'i, 'g> {
    fn new(inputs: &'i Inputs<'g>, down: &'i [bool]) -> Self {
        Self {
            inputs,
            down,
            memo: vec![None; down.len()],
            active: vec![false; down.len()],
        }
    }

    fn of(&mut self, position: usize) -> Service {
        if self.down[position] {
            return Service::Down;
        }
        if let Some(done) = self.memo[position] {
            return done;
        }
        if self.active[position] {
            // A call that closes a cycle neither adds nor removes service.
            return Service::Full;
        }
        self.active[position] = true;
        let inputs = self.inputs;
        let calls = &inputs.required_calls[position];
        let mut service = Service::Full;
        let (mut routes, mut routes_down) = (0, 0);
        for &(callee, route) in calls {
            let callee_service = self.of(callee);
            if route {
                routes += 1;
                match callee_service {
                    Service::Down => {
                        routes_down += 1;
                        service = service.max_loss(Service::Partial);
                    }
                    Service::Partial => service = service.max_loss(Service::Partial),
                    Service::Full => {}
                }
            } else {
                service = service.max_loss(callee_service);
            }
        }
        if routes > 0 && routes_down == routes {
            service = Service::Down;
        }
        self.active[position] = false;
        self.memo[position] = Some(service);
        service
    }
}

impl Service {
    /// The worse of two.
    fn max_loss(self, other: Service) -> Service {
        match (self, other) {
            (Service::Down, _) | (_, Service::Down) => Service::Down,
            (Service::Partial, _) | (_, Service::Partial) => Service::Partial,
            _ => Service::Full,
        }
    }
}

/// What every request through a component needs whatever route it takes: itself, what its
/// required calls need, and what all of its routes need.
struct MustPass<'i, 'g> {
    inputs: &'i Inputs<'g>,
    memo: Vec<Option<Vec<usize>>>,
    active: Vec<bool>,
}

impl<'i, 'g> MustPass<'i, 'g> {
    fn new(inputs: &'i Inputs<'g>) -> Self {
        let len = inputs.graph.document().components().len();
        Self {
            inputs,
            memo: vec![None; len],
            active: vec![false; len],
        }
    }

    fn of(&mut self, position: usize) -> Vec<usize> {
        if let Some(done) = &self.memo[position] {
            return done.clone();
        }
        if self.active[position] {
            return Vec::new();
        }
        self.active[position] = true;
        let inputs = self.inputs;
        let calls = &inputs.required_calls[position];
        let mut set = vec![position];
        let mut common: Option<Vec<usize>> = None;
        for &(callee, route) in calls {
            let needed = self.of(callee);
            if route {
                common = Some(match common {
                    None => needed,
                    Some(so_far) => intersection(&so_far, &needed),
                });
            } else {
                set.extend(needed);
            }
        }
        set.extend(common.unwrap_or_default());
        set.sort_unstable();
        set.dedup();
        self.active[position] = false;
        self.memo[position] = Some(set.clone());
        set
    }
}

/// `broker → consumer` for each consumer lost while its broker and one of the broker's
/// producers survive: the messages wait in the broker until the consumer returns.
fn queues_up(inputs: &Inputs<'_>, down: &[bool]) -> Vec<String> {
    let graph = inputs.graph;
    let components = graph.document().components();
    let mut queued = Vec::new();
    for link in graph.all_links() {
        if !graph.link_is(link, "consume") {
            continue;
        }
        let Some((consumer, broker)) = link.ends() else {
            continue;
        };
        if !down[consumer] || down[broker] {
            continue;
        }
        let fed = graph
            .links(&components[broker], petgraph::Direction::Incoming)
            .iter()
            .filter(|l| graph.link_is(l, "publish"))
            .filter_map(|l| l.ends())
            .any(|(producer, _)| !down[producer]);
        if fed {
            queued.push(format!(
                "{} → {}",
                components[broker].id, components[consumer].id
            ));
        }
    }
    queued.sort();
    queued.dedup();
    queued
}

/// The members two sorted lists share, in one pass.
fn intersection(a: &[usize], b: &[usize]) -> Vec<usize> {
    let (mut i, mut j) = (0, 0);
    let mut both = Vec::new();
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    both
}

fn stores_data(inputs: &Inputs<'_>, component: &Component) -> bool {
    inputs.graph.has_trait(component, Trait::Datastore)
        || inputs.graph.has_trait(component, Trait::Cache)
}
