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

/// Milliseconds at the median and at the 99th percentile.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, serde::Serialize)]
pub struct Millis {
    pub p50: f64,
    pub p99: f64,
}

#[derive(Debug, Clone, Deserialize)]
struct KindLatency {
    kind: String,
    p50: f64,
    p99: f64,
}

/// What one network hop adds, by how far apart its ends are.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct NetworkLatency {
    pub same_zone: Millis,
    pub cross_zone: Millis,
    pub cross_region: Millis,
}

/// The published SLA of a managed service the exports do not provision (a placeholder
/// recipe), by the catalog's name for it.
#[derive(Debug, Clone, Deserialize)]
pub struct NamedSla {
    pub service: String,
    pub percent: f64,
    pub source: String,
    pub as_of: String,
}

#[derive(Debug, Deserialize)]
struct Table {
    max_connections: Vec<Capacity>,
    managed_sla: Vec<NamedSla>,
    saas_percent: f64,
    sla: Vec<Sla>,
    self_hosted: Vec<SelfHosted>,
    capacity_rps: Vec<Capacity>,
    latency_ms: Vec<KindLatency>,
    network_ms: NetworkLatency,
    recovery: RecoveryTimes,
}

/// How long each recovery mechanism takes and how much it loses, in minutes.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecoveryTimes {
    /// A synchronous standby taking over.
    pub failover_minutes: f64,
    /// How far an asynchronous replica trails its primary.
    pub replica_lag_minutes: f64,
    /// Promoting a replica to primary and pointing clients at it.
    pub promotion_minutes: f64,
    /// How close to the failure a point-in-time restore reaches.
    pub point_in_time_minutes: f64,
    /// How often automated backups run.
    pub backup_interval_minutes: f64,
    /// A restore's fixed part, and how fast it loads data.
    pub restore_base_minutes: f64,
    pub restore_gb_per_minute: f64,
    /// Failing a whole system over to another region.
    pub region_failover_minutes: f64,
}

/// The analyses' reference figures, indexed.
#[derive(Debug)]
pub struct AnalysisData {
    sla: HashMap<Recipe, Sla>,
    self_hosted: HashMap<String, f64>,
    capacity: HashMap<String, [f64; 4]>,
    latency: HashMap<String, Millis>,
    managed_sla: HashMap<String, NamedSla>,
    max_connections: HashMap<String, [f64; 4]>,
    /// What a product bought as SaaS is assumed to commit to, in percent.
    pub saas_percent: f64,
    pub network: NetworkLatency,
    pub recovery: RecoveryTimes,
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
            latency: table
                .latency_ms
                .into_iter()
                .map(|l| {
                    (
                        l.kind,
                        Millis {
                            p50: l.p50,
                            p99: l.p99,
                        },
                    )
                })
                .collect(),
            managed_sla: table
                .managed_sla
                .into_iter()
                .map(|s| (s.service.clone(), s))
                .collect(),
            saas_percent: table.saas_percent,
            max_connections: table
                .max_connections
                .into_iter()
                .map(|c| (c.kind, [c.small, c.medium, c.large, c.xlarge]))
                .collect(),
            network: table.network_ms,
            recovery: table.recovery,
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

    /// The SLA of a managed service the exports leave as a placeholder, by its name.
    pub fn managed_sla(&self, service: &str) -> Option<&NamedSla> {
        self.managed_sla.get(service)
    }

    /// Time one request spends in a component of `kind`, its own work only.
    pub fn latency(&self, kind: &str) -> Option<Millis> {
        self.latency.get(kind).copied()
    }

    /// Connections one instance of a database of `kind` accepts at `size`.
    pub fn max_connections(&self, kind: &str, size: &str) -> Option<i64> {
        let sizes = self.max_connections.get(kind)?;
        Some(sized(sizes, size) as i64)
    }

    /// Requests per second one instance of `kind` serves at `size` (`small` to `xlarge`).
    pub fn capacity_rps(&self, kind: &str, size: &str) -> Option<f64> {
        Some(sized(self.capacity.get(kind)?, size))
    }
}

/// The slot of a size name among small, medium, large and xlarge; unknown names are
/// `small`, as the exports treat them.
pub(crate) fn size_slot(size: &str) -> usize {
    match size {
        "medium" => 1,
        "large" => 2,
        "xlarge" => 3,
        _ => 0,
    }
}

/// The figure for a size name.
fn sized(figures: &[f64; 4], size: &str) -> f64 {
    figures[size_slot(size)]
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
        for (kind, millis) in &data.latency {
            assert!(catalog.kind(kind).is_some(), "unknown kind {kind}");
            assert!(0.0 <= millis.p50 && millis.p50 <= millis.p99, "{kind}");
        }
        // Every kind a request can pass through has a latency figure.
        for kind in catalog.kinds() {
            if !kind.has(crate::catalog::Trait::Client) {
                assert!(data.latency(kind.id.as_str()).is_some(), "{}", kind.id);
            }
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
