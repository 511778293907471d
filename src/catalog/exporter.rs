//! How a datastore's or a broker's metrics are read: the Prometheus exporter that runs
//! beside it (or its own metrics endpoint), and the USE queries (utilization, saturation,
//! errors) its dashboard draws. Data in the catalog, so every exporter reads the same.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The placeholder for the scrape job (the component's id) in the queries.
pub const JOB: &str = "{job}";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsExporter {
    /// The exporter's image, run beside the store; `None`: the store serves Prometheus
    /// metrics itself, on `port`.
    #[serde(default)]
    pub image: Option<String>,
    /// The port its metrics are scraped on.
    pub port: u16,
    /// The exporter's environment; `{id}` is the store's host name.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// The exporter's arguments; `{id}` is the store's host name.
    #[serde(default)]
    pub command: Vec<String>,
    /// PromQL that is 1 while the store answers (0 or absent when it does not).
    pub up: String,
    pub utilization: UsePanel,
    pub saturation: UsePanel,
    pub errors: UsePanel,
    /// The ticket raised when the store nears its limit, if its kind has a telling one.
    #[serde(default)]
    pub alert: Option<StoreAlert>,
    /// PromQL giving how far a replica is behind its primary, in seconds (`{job}` is the
    /// replica's job), when the exporter reads it: what a standby's recovery point rests on.
    #[serde(default)]
    pub replica_lag: Option<String>,
}

/// A saturation alert on a store: PromQL that returns a series while it holds (`{job}` is
/// the store's job), how long it must hold, and what it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreAlert {
    pub name: String,
    pub expr: String,
    #[serde(rename = "for")]
    pub for_: String,
    /// What it means, after the store's name: "is near its connection limit".
    pub summary: String,
}

/// One USE signal: what a panel shows and the PromQL behind it (`{job}` stands for the
/// store's scrape job).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsePanel {
    pub title: String,
    pub query: String,
    /// Grafana's unit id: `percentunit`, `s`, `ops`, `short`.
    pub unit: String,
}

impl MetricsExporter {
    /// `query` for the store scraped as `job` (an id, which is a slug).
    pub fn query(query: &str, job: &str) -> String {
        query.replace(JOB, job)
    }

    /// The host its metrics are scraped at: the exporter beside the store, or the store.
    pub fn host(&self, id: &str) -> String {
        if self.image.is_some() {
            format!("{id}-exporter")
        } else {
            id.to_owned()
        }
    }
}
