//! Where a module deploys: the regions the model's components sit in, each with its zones
//! and the subnet tiers the model draws there. The first is the primary region, which the
//! cloud's default provider serves; every other region gets a provider alias, its own network
//! and its own copy of the regional resources the components there need (keys, clusters).

use std::collections::HashMap;

use crate::facts::Facts;
use crate::graph::ArchGraph;
use crate::model::{Component, GroupKind};

/// How many zones the skeleton spreads subnets over: three where the region has them.
pub(super) const ZONES_USED: usize = 3;

/// The region the Terraform deploys into first on the facts' cloud: the model's first
/// located region (translated to that cloud), if it names one.
pub(crate) fn primary_region_code(facts: &Facts<'_>) -> Option<String> {
    facts.regions().first().map(|r| r.region.code.clone())
}

/// A cloud region the module deploys to.
#[derive(Debug)]
pub(crate) struct DeployRegion {
    /// Empty for the primary region; else an identifier from the region's code
    /// (`us_west_2`): the provider alias and the suffix of the region's variables and
    /// shared resources.
    pub key: String,
    /// The region on the target cloud; `None` when the model names no region (the primary
    /// region is then whatever `var.region` is set to).
    pub code: Option<String>,
    /// The zones the model draws in the region, else the region's own, at most
    /// [`ZONES_USED`].
    pub zones: Vec<String>,
    /// Subnet tiers: the subnet boundaries the model draws in the region, plus a default
    /// public and a default private tier where it draws none of that kind.
    pub tiers: Vec<Tier>,
}

/// A subnet tier: one subnet per zone.
#[derive(Debug)]
pub(crate) struct Tier {
    /// Terraform identifier, unique among the tiers of the module.
    pub name: String,
    /// The model's name for it, or `public` / `private` for a default tier.
    pub label: String,
    pub public: bool,
    /// The model draws it (a subnet boundary), as opposed to a default tier.
    pub drawn: bool,
}

impl DeployRegion {
    /// `""` for the primary region, else `_<key>`: appended to the names of the region's
    /// variables and shared resources.
    pub fn suffix(&self) -> String {
        if self.key.is_empty() {
            String::new()
        } else {
            format!("_{}", self.key)
        }
    }

    /// The reference to the region's copy of variable `base` (`var.vpc_cidr_us_west_2`).
    pub fn var(&self, base: &str) -> String {
        format!("var.{base}{}", self.suffix())
    }

    /// The `provider` meta-argument for resources in this region (`aws.us_west_2`), or
    /// `None` for the primary region, which the default provider serves.
    pub fn provider(&self, provider: &str) -> Option<String> {
        (!self.key.is_empty()).then(|| format!("{provider}.{}", self.key))
    }

    /// The index of the region's first tier of the given kind (one always exists).
    pub fn first_tier(&self, public: bool) -> usize {
        self.tiers
            .iter()
            .position(|t| t.public == public)
            .unwrap_or_default()
    }

    /// The netmask bits each tier's subnets add to the network's range, and how many
    /// subnet numbers each tier reserves (one per zone, with room to add zones): 8 bits and
    /// 10 numbers while they fit in 256, smaller subnets for models that draw many tiers.
    pub fn subnet_layout(&self) -> (usize, usize) {
        if self.tiers.len() * 10 <= 256 {
            (8, 10)
        } else if self.tiers.len() * ZONES_USED <= 256 {
            (8, ZONES_USED)
        } else {
            (12, ZONES_USED)
        }
    }
}

/// The regions a model deploys to and, for each component, its region and subnet tier.
#[derive(Debug)]
pub(super) struct Layout {
    pub regions: Vec<DeployRegion>,
    /// (region index, tier index) by component id.
    placement: HashMap<String, (usize, usize)>,
}

impl Layout {
    pub fn new(graph: &ArchGraph<'_>, facts: &Facts<'_>) -> Self {
        let doc = graph.document();
        let mut regions: Vec<DeployRegion> = Vec::new();
        // The deploy region of each region boundary that names a known region; two
        // boundaries naming the same region share one.
        let mut by_group: HashMap<&str, usize> = HashMap::new();
        for model_region in facts.regions() {
            let code = &model_region.region.code;
            let index = match regions.iter().position(|r| r.code.as_ref() == Some(code)) {
                Some(index) => index,
                None => {
                    regions.push(DeployRegion {
                        key: if regions.is_empty() {
                            String::new()
                        } else {
                            identifier(code)
                        },
                        code: Some(code.clone()),
                        zones: facts
                            .zones(&model_region)
                            .into_iter()
                            .take(ZONES_USED)
                            .map(str::to_owned)
                            .collect(),
                        tiers: Vec::new(),
                    });
                    regions.len() - 1
                }
            };
            by_group.insert(model_region.group.id.as_str(), index);
        }
        if regions.is_empty() {
            regions.push(DeployRegion {
                key: String::new(),
                code: None,
                zones: Vec::new(),
                tiers: Vec::new(),
            });
        }
        let region_around = |chain: &[&crate::model::Group]| {
            chain
                .iter()
                .find_map(|g| by_group.get(g.id.as_str()).copied())
                .unwrap_or(0)
        };
        // The subnet boundaries, in document order, as tiers of their regions.
        let mut tier_of_group: HashMap<&str, (usize, usize)> = HashMap::new();
        let mut taken: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        for group in doc.groups() {
            let public = match group.kind {
                GroupKind::PublicSubnet => true,
                GroupKind::PrivateSubnet => false,
                _ => continue,
            };
            let region = region_around(&doc.group_chain(Some(&group.id)));
            let name = unique(identifier(group.id.as_str()), &mut taken);
            let tiers = &mut regions[region].tiers;
            tier_of_group.insert(group.id.as_str(), (region, tiers.len()));
            tiers.push(Tier {
                name,
                label: group.name.clone(),
                public,
                drawn: true,
            });
        }
        for region in &mut regions {
            for (public, label) in [(true, "public"), (false, "private")] {
                if !region.tiers.iter().any(|t| t.public == public) {
                    let name = unique(format!("{label}{}", region.suffix()), &mut taken);
                    region.tiers.push(Tier {
                        name,
                        label: label.to_owned(),
                        public,
                        drawn: false,
                    });
                }
            }
        }
        let mut placement = HashMap::new();
        for component in doc.components() {
            let chain = graph.groups_around(component);
            let spot = chain
                .iter()
                .find_map(|g| tier_of_group.get(g.id.as_str()).copied())
                .unwrap_or_else(|| {
                    let region = region_around(chain);
                    (region, regions[region].first_tier(false))
                });
            placement.insert(component.id.as_str().to_owned(), spot);
        }
        Self { regions, placement }
    }

    /// The (region, tier) indexes of `component`: the innermost subnet boundary around it,
    /// else its region's first private tier.
    pub fn of(&self, component: &Component) -> (usize, usize) {
        self.placement
            .get(component.id.as_str())
            .copied()
            .unwrap_or_default()
    }
}

/// `us-west-2` → `us_west_2`: a Terraform identifier from text of ours or an id (ids are
/// slugs), starting with a letter.
fn identifier(text: &str) -> String {
    let mut name: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert_str(0, "t_");
    }
    name
}

fn unique(base: String, taken: &mut std::collections::BTreeSet<String>) -> String {
    if taken.insert(base.clone()) {
        return base;
    }
    let mut name = base.clone();
    let mut n = 2;
    while !taken.insert(name.clone()) {
        name = format!("{base}_{n}");
        n += 1;
    }
    name
}
