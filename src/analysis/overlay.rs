//! What the editor paints over the canvas for an analysis: a verdict and a short label per
//! component, decided here so the editor only chooses colours. Recomputed from the report,
//! which the editor refreshes on every edit.

use std::collections::HashMap;

use super::Report;

/// Which analysis the canvas shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Overlay {
    #[default]
    None,
    /// Capacity headroom at the stated peak.
    Headroom,
    /// Each component's expected availability against the objective.
    Availability,
    /// Each entry point's critical path, with each step's p99.
    Latency,
    /// What losing a zone or region boundary (by id) takes down.
    Failure(String),
    /// Single points of failure.
    SinglePoints,
    /// Monthly cost at baseline on the model's cloud.
    Cost,
}

impl Overlay {
    /// The overlays the editor offers for a report: the fixed ones, then one failure
    /// overlay per zone and region boundary.
    pub fn choices(report: &Report) -> Vec<(Overlay, String)> {
        let mut choices = vec![
            (Overlay::None, "No overlay".to_owned()),
            (Overlay::Headroom, "Capacity headroom at peak".to_owned()),
            (Overlay::Availability, "Availability".to_owned()),
            (Overlay::Latency, "Latency: critical paths".to_owned()),
            (Overlay::SinglePoints, "Single points of failure".to_owned()),
            (Overlay::Cost, "Cost a month".to_owned()),
        ];
        for (what, outages) in [
            ("zone", &report.failures.zones),
            ("region", &report.failures.regions),
        ] {
            for outage in outages {
                choices.push((
                    Overlay::Failure(outage.fails.clone()),
                    format!("Losing {what} {}", outage.fails),
                ));
            }
        }
        choices
    }
}

/// How a component fares under the overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Within its target or comfortable.
    Good,
    /// Close to its limit, or the step that matters most.
    Warning,
    /// Misses its target or fails.
    Critical,
    /// Gone in the failure shown.
    Lost,
}

/// What to paint on one component.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub verdict: Verdict,
    pub label: String,
}

fn mark(verdict: Verdict, label: impl Into<String>) -> Mark {
    Mark {
        verdict,
        label: label.into(),
    }
}

/// The mark of each component the overlay concerns, by component id.
pub fn marks(report: &Report, overlay: &Overlay) -> HashMap<String, Mark> {
    let mut marks = HashMap::new();
    match overlay {
        Overlay::None => {}
        Overlay::Headroom => {
            for c in &report.capacity.components {
                let verdict = if c.headroom < 1.0 {
                    Verdict::Critical
                } else if c.utilisation_pct > 70.0 {
                    Verdict::Warning
                } else {
                    Verdict::Good
                };
                marks.insert(
                    c.component.clone(),
                    mark(verdict, format!("{}% · ×{}", c.utilisation_pct, c.headroom)),
                );
            }
        }
        Overlay::Availability => {
            let objective = report.availability.objective.unwrap_or(99.9);
            for c in &report.availability.components {
                let verdict = if c.percent >= objective {
                    Verdict::Good
                } else {
                    Verdict::Critical
                };
                marks.insert(
                    c.component.clone(),
                    mark(verdict, format!("{}%", c.percent)),
                );
            }
            for e in &report.availability.entries {
                let verdict = match e.meets_objective {
                    Some(false) => Verdict::Critical,
                    _ => Verdict::Good,
                };
                marks.insert(
                    e.entry.clone(),
                    mark(verdict, format!("entry {}%", e.percent)),
                );
            }
        }
        Overlay::Latency => {
            for e in &report.latency.entries {
                let over = e.meets_budget == Some(false);
                for hop in &e.critical_path {
                    let slowest = e.slowest.as_deref() == Some(hop.component.as_str());
                    let verdict = match (over, slowest) {
                        (true, true) => Verdict::Critical,
                        (false, true) | (true, false) => Verdict::Warning,
                        (false, false) => Verdict::Good,
                    };
                    marks
                        .entry(hop.component.clone())
                        .or_insert_with(|| mark(verdict, format!("p99 {} ms", hop.p99_ms)));
                }
                marks.insert(
                    e.entry.clone(),
                    mark(
                        if over {
                            Verdict::Critical
                        } else {
                            Verdict::Good
                        },
                        format!("p50 {} · p99 {} ms", e.p50_ms, e.p99_ms),
                    ),
                );
            }
        }
        Overlay::Failure(group) => {
            let outage = report
                .failures
                .zones
                .iter()
                .chain(&report.failures.regions)
                .find(|o| &o.fails == group);
            if let Some(outage) = outage {
                for id in &outage.lost {
                    marks.insert(id.clone(), mark(Verdict::Lost, "down"));
                }
                for id in &outage.data_unavailable {
                    marks.insert(id.clone(), mark(Verdict::Lost, "data unavailable"));
                }
                for id in &outage.entries_down {
                    marks.insert(id.clone(), mark(Verdict::Critical, "cannot serve"));
                }
                for id in &outage.entries_degraded {
                    marks.insert(id.clone(), mark(Verdict::Warning, "degraded"));
                }
            }
        }
        Overlay::SinglePoints => {
            for o in &report.failures.single_points_of_failure {
                marks.insert(
                    o.fails.clone(),
                    mark(
                        Verdict::Critical,
                        format!("single point: {} down", o.entries_down.len()),
                    ),
                );
            }
        }
        Overlay::Cost => {
            if let Some(provider) = report.cost.providers.first() {
                let total = provider.baseline_usd.max(0.01);
                for c in &provider.components {
                    let share = c.baseline_usd / total;
                    let verdict = if share >= 0.25 {
                        Verdict::Critical
                    } else if share >= 0.1 {
                        Verdict::Warning
                    } else {
                        Verdict::Good
                    };
                    marks.insert(
                        c.component.clone(),
                        mark(verdict, format!("${:.0}/mo", c.baseline_usd)),
                    );
                }
            }
        }
    }
    marks
}
