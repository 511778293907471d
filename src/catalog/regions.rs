//! The regions of each cloud, as data (`assets/catalog/regions.ron`): what a region
//! boundary's `location` may name, the zones a region offers, and the nearest region on the
//! other clouds, for a model drawn for one cloud and exported for another.

use std::sync::LazyLock;

use serde::Deserialize;

use crate::model::Cloud;

/// One region of one cloud.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudRegion {
    /// The cloud's own code: `us-east-1`, `europe-west1`, `westeurope`.
    pub code: String,
    /// Where it is, for people: "N. Virginia".
    pub place: String,
    /// The zones an account can use, by the cloud's own names (`us-east-1a`,
    /// `europe-west1-b`, `1`). Empty where the region has no zones.
    pub zones: Vec<String>,
    /// The nearest region on each other cloud.
    pub near: Near,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Near {
    #[serde(default)]
    pub aws: Option<String>,
    #[serde(default)]
    pub gcp: Option<String>,
    #[serde(default)]
    pub azure: Option<String>,
}

impl Near {
    fn on(&self, cloud: Cloud) -> Option<&str> {
        match cloud {
            Cloud::Aws => self.aws.as_deref(),
            Cloud::Gcp => self.gcp.as_deref(),
            Cloud::Azure => self.azure.as_deref(),
        }
    }
}

/// Every cloud's regions.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regions {
    aws: Vec<CloudRegion>,
    gcp: Vec<CloudRegion>,
    azure: Vec<CloudRegion>,
}

const REGIONS_RON: &str = include_str!("../../assets/catalog/regions.ron");

static BUILTIN: LazyLock<Regions> = LazyLock::new(|| match Regions::parse(REGIONS_RON) {
    Ok(regions) => regions,
    // Embedded data checked by the test suite: a broken table is a build defect.
    Err(error) => panic!("the built-in region table is invalid: {error}"),
});

impl Regions {
    pub fn builtin() -> &'static Regions {
        &BUILTIN
    }

    /// Parses a region table and checks that every `near` names a region of its cloud.
    pub fn parse(text: &str) -> Result<Self, String> {
        let regions: Regions = super::ron_options()
            .from_str(text)
            .map_err(|e| format!("regions.ron: {e}"))?;
        for cloud in Cloud::ALL {
            for region in regions.of(cloud) {
                for other in Cloud::ALL.into_iter().filter(|&c| c != cloud) {
                    match region.near.on(other) {
                        Some(code) if regions.find(other, code).is_none() => {
                            return Err(format!(
                                "regions.ron: {} `{}` names `{code}` as its nearest {} region, which the table does not list",
                                cloud.label(),
                                region.code,
                                other.label()
                            ));
                        }
                        Some(_) => {}
                        None => {
                            return Err(format!(
                                "regions.ron: {} `{}` names no nearest {} region",
                                cloud.label(),
                                region.code,
                                other.label()
                            ));
                        }
                    }
                }
            }
        }
        Ok(regions)
    }

    /// The regions of `cloud`, in the table's order.
    pub fn of(&self, cloud: Cloud) -> &[CloudRegion] {
        match cloud {
            Cloud::Aws => &self.aws,
            Cloud::Gcp => &self.gcp,
            Cloud::Azure => &self.azure,
        }
    }

    /// The region of `cloud` whose code is `code`.
    pub fn find(&self, cloud: Cloud, code: &str) -> Option<&CloudRegion> {
        self.of(cloud).iter().find(|r| r.code == code)
    }

    /// Which cloud's code `code` is, and its region; the first cloud in [`Cloud::ALL`] order
    /// when two clouds share a code (none do today).
    pub fn identify(&self, code: &str) -> Option<(Cloud, &CloudRegion)> {
        Cloud::ALL
            .into_iter()
            .find_map(|cloud| self.find(cloud, code).map(|region| (cloud, region)))
    }

    /// The region `code` stands for on `cloud`: itself when it is a code of `cloud`, else
    /// the nearest region of `cloud` to the region of another cloud that `code` names.
    pub fn resolve(&self, code: &str, cloud: Cloud) -> Option<&CloudRegion> {
        if let Some(region) = self.find(cloud, code) {
            return Some(region);
        }
        let (_, elsewhere) = self.identify(code)?;
        self.find(cloud, elsewhere.near.on(cloud)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_table_parses_and_every_nearest_region_exists() {
        let regions = Regions::parse(REGIONS_RON).expect("the table is valid");
        for cloud in Cloud::ALL {
            assert!(regions.of(cloud).len() >= 15, "{cloud:?}");
        }
    }

    #[test]
    fn a_code_resolves_to_itself_on_its_cloud_and_to_its_neighbour_elsewhere() {
        let regions = Regions::builtin();
        assert_eq!(
            regions
                .resolve("us-east-1", Cloud::Aws)
                .map(|r| &r.code[..]),
            Some("us-east-1")
        );
        assert_eq!(
            regions
                .resolve("us-east-1", Cloud::Gcp)
                .map(|r| &r.code[..]),
            Some("us-east4")
        );
        assert_eq!(
            regions
                .resolve("westeurope", Cloud::Aws)
                .map(|r| &r.code[..]),
            Some("eu-west-1")
        );
        assert_eq!(regions.resolve("mars-north-1", Cloud::Aws), None);
    }

    #[test]
    fn a_dangling_nearest_region_is_refused() {
        let broken =
            REGIONS_RON.replacen("near: (gcp: \"us-east4\"", "near: (gcp: \"us-east99\"", 1);
        let error = Regions::parse(&broken).expect_err("us-east99 does not exist");
        assert!(error.contains("us-east99"), "{error}");
    }
}
