//! The offline price table the cost analysis reads (`assets/catalog/prices.ron`): on-demand
//! list prices by managed service (recipe), the team's own code per vCPU and GiB on each
//! cloud, and functions per invocation, each with its source and date.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::catalog::Recipe;
use crate::model::Cloud;

const PRICES_RON: &str = include_str!("../../assets/catalog/prices.ron");

/// An instance type and its price per hour.
#[derive(Debug, Clone, Deserialize)]
pub struct Instance(pub String, pub f64);

/// The instance each size deploys as.
#[derive(Debug, Clone, Deserialize)]
pub struct Sized<T> {
    pub small: T,
    pub medium: T,
    pub large: T,
    pub xlarge: T,
}

impl<T> Sized<T> {
    /// The entry for a size name; unknown names are `small`, as the exports treat them.
    pub fn get(&self, size: &str) -> &T {
        match super::data::size_slot(size) {
            1 => &self.medium,
            2 => &self.large,
            3 => &self.xlarge,
            _ => &self.small,
        }
    }

    pub fn all(&self) -> [(&'static str, &T); 4] {
        [
            ("small", &self.small),
            ("medium", &self.medium),
            ("large", &self.large),
            ("xlarge", &self.xlarge),
        ]
    }
}

/// What a managed service costs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServicePrice {
    pub recipe: Recipe,
    #[serde(default)]
    pub instance: Option<Sized<Instance>>,
    #[serde(default = "one")]
    pub redundant_factor: f64,
    /// Storage is one volume the standby shares, billed once (DocumentDB, Aurora-style).
    #[serde(default)]
    pub storage_shared: bool,
    #[serde(default)]
    pub hourly: f64,
    #[serde(default)]
    pub monthly: f64,
    #[serde(default)]
    pub per_million: f64,
    #[serde(default)]
    pub storage_gb_month: f64,
    /// Nodes a deployment adds once it runs `from_instances` instances or more (OpenSearch's
    /// dedicated masters), which the exports deploy and the cost analysis prices.
    #[serde(default)]
    pub control_nodes: Option<ControlNodes>,
    /// Why part of the bill cannot be estimated from the model, when it cannot.
    #[serde(default)]
    pub usage: Option<String>,
    pub source: String,
    pub as_of: String,
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ControlNodes {
    pub instance: String,
    pub hourly: f64,
    pub count: i64,
    pub from_instances: i64,
}

/// The team's own code on one cloud's container service.
#[derive(Debug, Clone, Deserialize)]
pub struct OwnCodePrice {
    pub cloud: Cloud,
    pub service: String,
    pub vcpu_hour: f64,
    pub gib_hour: f64,
    pub per_million: f64,
    pub source: String,
    pub as_of: String,
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Resources {
    pub vcpu: f64,
    pub gib: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FunctionPrice {
    pub cloud: Cloud,
    pub service: String,
    pub per_million: f64,
    pub gib_second: f64,
    pub source: String,
    pub as_of: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    hours_per_month: f64,
    average_share_of_peak: f64,
    own_code: Vec<OwnCodePrice>,
    own_code_sizes: Sized<Resources>,
    functions: Vec<FunctionPrice>,
    function_duration_ms: f64,
    function_memory_gib: f64,
    services: Vec<ServicePrice>,
}

/// The price table, indexed.
#[derive(Debug)]
pub struct Prices {
    pub hours_per_month: f64,
    pub average_share_of_peak: f64,
    pub own_code_sizes: Sized<Resources>,
    pub function_duration_ms: f64,
    pub function_memory_gib: f64,
    own_code: Vec<OwnCodePrice>,
    functions: Vec<FunctionPrice>,
    services: HashMap<Recipe, ServicePrice>,
}

impl Prices {
    /// The table shipped with Archsmith, parsed once; the tests check it, so a parse failure
    /// is a build defect.
    pub fn builtin() -> &'static Prices {
        static PRICES: OnceLock<Prices> = OnceLock::new();
        PRICES.get_or_init(|| {
            Self::parse(PRICES_RON).unwrap_or_else(|e| panic!("assets/catalog/prices.ron: {e}"))
        })
    }

    fn parse(text: &str) -> Result<Self, ron::error::SpannedError> {
        let table: Table = ron::from_str(text)?;
        Ok(Self {
            hours_per_month: table.hours_per_month,
            average_share_of_peak: table.average_share_of_peak,
            own_code_sizes: table.own_code_sizes,
            function_duration_ms: table.function_duration_ms,
            function_memory_gib: table.function_memory_gib,
            own_code: table.own_code,
            functions: table.functions,
            services: table.services.into_iter().map(|s| (s.recipe, s)).collect(),
        })
    }

    pub fn service(&self, recipe: Recipe) -> Option<&ServicePrice> {
        self.services.get(&recipe)
    }

    pub fn services(&self) -> impl Iterator<Item = &ServicePrice> {
        self.services.values()
    }

    pub fn own_code(&self, cloud: Cloud) -> Option<&OwnCodePrice> {
        self.own_code.iter().find(|p| p.cloud == cloud)
    }

    pub fn function(&self, cloud: Cloud) -> Option<&FunctionPrice> {
        self.functions.iter().find(|p| p.cloud == cloud)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    #[test]
    fn every_managed_service_a_kind_deploys_as_has_a_price_with_its_source() {
        let prices = Prices::builtin();
        for kind in Catalog::builtin().kinds() {
            for cloud in Cloud::ALL {
                let Some(service) = kind.clouds.get(cloud) else {
                    continue;
                };
                if matches!(service.recipe, Recipe::OwnCode | Recipe::Placeholder) {
                    assert!(prices.own_code(cloud).is_some() && prices.function(cloud).is_some());
                    continue;
                }
                let price = prices
                    .service(service.recipe)
                    .unwrap_or_else(|| panic!("no price for {:?}", service.recipe));
                assert!(!price.source.is_empty() && price.as_of.len() == 10);
                assert!(price.redundant_factor >= 1.0);
                let priced = price.instance.is_some()
                    || price.hourly > 0.0
                    || price.monthly > 0.0
                    || price.per_million > 0.0
                    || price.storage_gb_month > 0.0;
                assert!(
                    priced || price.usage.is_some(),
                    "{:?}: neither priced nor explained",
                    service.recipe
                );
            }
        }
    }
}
