//! The figures the analyses start from, shipped as data (`assets/catalog/analysis.ron`): the
//! published SLA of each managed service, with its source and date; a per-instance
//! availability for each self-hosted kind; and the requests per second one instance of a
//! kind serves at each size.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::catalog::Recipe;

const ANALYSIS_RON: &str = include_str!("../../assets/catalog/analysis.ron");

/// What one instance of a self-hosted kind is assumed to achieve when the table names none:
/// one process on one machine with restarts (about 3.6 hours down a month).
pub const DEFAULT_INSTANCE_PERCENT: f64 = 99.5;

/// The published monthly uptime commitment of a managed service.
#[derive(Debug, Clone, Deserialize)]
pub struct Sla {
    pub recipe: Recipe,
    /// For the redundant (multi-zone) deployment.
    pub percent: f64,
    /// For a single instance, when the provider commits to one; `None` when it does not.
    pub single_instance_percent: Option<f64>,
    pub source: String,
    pub as_of: String,
}

#[derive(Debug, Clone, Deserialize)]
struct SelfHosted {
    kind: String,
    percent: f64,
}

#[derive(Debug, Clone, Deserialize)]
struct Capacity {
    kind: String,
    small: f64,
    medium: f64,
    large: f64,
    xlarge: f64,
}

#[derive(Debug, Deserialize)]
struct Table {
    sla: Vec<Sla>,
    self_hosted: Vec<SelfHosted>,
    capacity_rps: Vec<Capacity>,
}

/// The analyses' reference figures, indexed.
#[derive(Debug)]
pub struct AnalysisData {
    sla: HashMap<Recipe, Sla>,
    self_hosted: HashMap<String, f64>,
    capacity: HashMap<String, [f64; 4]>,
}

impl AnalysisData {
    /// The table shipped with Archsmith, parsed once. It is checked by the tests, so a
    /// parse failure is a build defect.
    pub fn builtin() -> &'static AnalysisData {
        static DATA: OnceLock<AnalysisData> = OnceLock::new();
        DATA.get_or_init(|| {
            Self::parse(ANALYSIS_RON).unwrap_or_else(|e| panic!("assets/catalog/analysis.ron: {e}"))
        })
    }

    fn parse(text: &str) -> Result<Self, ron::error::SpannedError> {
        let table: Table = ron::from_str(text)?;
        Ok(Self {
            sla: table.sla.into_iter().map(|s| (s.recipe, s)).collect(),
            self_hosted: table
                .self_hosted
                .into_iter()
                .map(|s| (s.kind, s.percent))
                .collect(),
            capacity: table
                .capacity_rps
                .into_iter()
                .map(|c| (c.kind, [c.small, c.medium, c.large, c.xlarge]))
                .collect(),
        })
    }

    pub fn sla(&self, recipe: Recipe) -> Option<&Sla> {
        self.sla.get(&recipe)
    }

    /// Per-instance availability of a self-hosted kind, in percent.
    pub fn instance_percent(&self, kind: &str) -> f64 {
        self.self_hosted
            .get(kind)
            .copied()
            .unwrap_or(DEFAULT_INSTANCE_PERCENT)
    }

    /// Requests per second one instance of `kind` serves at `size` (`small` to `xlarge`).
    pub fn capacity_rps(&self, kind: &str, size: &str) -> Option<f64> {
        let sizes = self.capacity.get(kind)?;
        Some(match size {
            "medium" => sizes[1],
            "large" => sizes[2],
            "xlarge" => sizes[3],
            _ => sizes[0],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    #[test]
    fn the_table_parses_and_names_only_known_kinds_with_sane_figures() {
        let data = AnalysisData::builtin();
        let catalog = Catalog::builtin();
        for (kind, percent) in &data.self_hosted {
            assert!(catalog.kind(kind).is_some(), "unknown kind {kind}");
            assert!((90.0..100.0).contains(percent), "{kind}: {percent}");
        }
        for (kind, sizes) in &data.capacity {
            assert!(catalog.kind(kind).is_some(), "unknown kind {kind}");
            assert!(sizes.windows(2).all(|w| w[0] <= w[1]), "{kind}: sizes grow");
        }
        for sla in data.sla.values() {
            // DNS services commit to 100%.
            assert!((99.0..=100.0).contains(&sla.percent), "{:?}", sla.recipe);
            assert!(!sla.source.is_empty() && sla.as_of.len() == 10);
        }
        // Every managed service a kind deploys as has its SLA.
        for kind in catalog.kinds() {
            for cloud in [
                crate::model::Cloud::Aws,
                crate::model::Cloud::Gcp,
                crate::model::Cloud::Azure,
            ] {
                let Some(service) = kind.clouds.get(cloud) else {
                    continue;
                };
                if !matches!(service.recipe, Recipe::OwnCode | Recipe::Placeholder) {
                    assert!(data.sla(service.recipe).is_some(), "{:?}", service.recipe);
                }
            }
        }
    }
}
