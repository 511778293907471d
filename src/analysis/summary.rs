//! What the analyses say about one component, as label and value lines for the editor's
//! inspector: the same figures `archsmith analyze` and the design document print.

use super::{Report, minutes_text};

impl Report {
    /// The analyses' figures for the component with id `id`, in the order an architect asks:
    /// will it stay up, does it carry its peak, how long do requests wait in it, what does
    /// losing it cost, how does it recover, what does it cost a month.
    pub fn about(&self, id: &str) -> Vec<(&'static str, String)> {
        let mut lines = Vec::new();
        if let Some(a) = self
            .availability
            .components
            .iter()
            .find(|a| a.component == id)
        {
            lines.push(("Availability", format!("{}% ({})", a.percent, a.basis)));
        }
        if let Some(c) = self.capacity.components.iter().find(|c| c.component == id) {
            lines.push((
                "Capacity at peak",
                format!(
                    "{} req/s on {} × {}: {}% used, headroom ×{}, needs {} at 70%",
                    c.load_rps,
                    c.instances,
                    c.instance_size,
                    c.utilisation_pct,
                    c.headroom,
                    c.instances_needed
                ),
            ));
        }
        let hop = self
            .latency
            .entries
            .iter()
            .flat_map(|e| e.critical_path.iter().map(move |hop| (e, hop)))
            .find(|(_, hop)| hop.component == id);
        if let Some((entry, hop)) = hop {
            lines.push((
                "Latency",
                format!(
                    "p50 {} ms, p99 {} ms on the critical path of {} ({})",
                    hop.p50_ms, hop.p99_ms, entry.entry, hop.network
                ),
            ));
        }
        if let Some(o) = self
            .failures
            .single_points_of_failure
            .iter()
            .find(|o| o.fails == id)
        {
            lines.push((
                "Single point of failure",
                format!("losing it takes down {}", o.entries_down.join(", ")),
            ));
        }
        if let Some(d) = self.recovery.datastores.iter().find(|d| d.component == id) {
            lines.push((
                "Recovery (RPO / RTO)",
                format!(
                    "instance or zone {} / {}; region {} / {}; corruption {} / {}",
                    minutes_text(d.instance_or_zone_loss.rpo_minutes),
                    minutes_text(d.instance_or_zone_loss.rto_minutes),
                    minutes_text(d.region_loss.rpo_minutes),
                    minutes_text(d.region_loss.rto_minutes),
                    minutes_text(d.corruption.rpo_minutes),
                    minutes_text(d.corruption.rto_minutes)
                ),
            ));
        }
        if let Some(provider) = self.cost.providers.first() {
            if let Some(c) = provider.components.iter().find(|c| c.component == id) {
                lines.push((
                    "Cost a month",
                    format!(
                        "${:.2} baseline, ${:.2} at peak on {} ({})",
                        c.baseline_usd,
                        c.peak_usd,
                        provider.cloud.label(),
                        c.service
                    ),
                ));
            } else if let Some(n) = provider.not_priced.iter().find(|n| n.component == id) {
                lines.push(("Cost a month", format!("not priced: {}", n.reason)));
            }
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::{Scenario, analyze};
    use crate::catalog::Catalog;
    use crate::graph::ArchGraph;
    use crate::rules::fixture::Fixture;

    #[test]
    fn a_component_hears_every_analysis_that_concerns_it() {
        let mut doc = Fixture::new()
            .component("web", "web-client", &[])
            .component("lb", "load-balancer", &[("peak_rps", 500_i64.into())])
            .component("api", "service-go", &[])
            .component("db", "postgresql", &[("backups", true.into())])
            .connect("web", "lb", "http")
            .connect("lb", "api", "http")
            .connect("api", "db", "db_query")
            .build();
        doc.meta.cloud = Some(crate::model::Cloud::Aws);
        let graph = ArchGraph::new(&doc, Catalog::builtin());
        let report = analyze(&graph, Scenario::default());
        let labels: Vec<&str> = report.about("db").iter().map(|(l, _)| *l).collect();
        assert_eq!(
            labels,
            [
                "Availability",
                "Capacity at peak",
                "Latency",
                "Single point of failure",
                "Recovery (RPO / RTO)",
                "Cost a month"
            ]
        );
        assert!(report.about("web").is_empty());
    }
}
