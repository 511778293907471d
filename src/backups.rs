//! The backups the Terraform gives each store on a cloud, as one fact: the exporters write
//! these retentions, the recovery analysis counts a backup kept outside the region, and the
//! design document's disaster-recovery section states them, so none can disagree.

use crate::catalog::Recipe;
use crate::facts::Facts;
use crate::graph::ArchGraph;
use crate::model::{Component, PropertyValue};

/// How a store comes back from its backups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Restore {
    /// To any second within the retention.
    PointInTime,
    /// From the last snapshot: what was written since is lost.
    Snapshot,
    /// An earlier version of each object, kept until deleted.
    Version,
}

/// A store's backups as deployed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Backups {
    /// How long a backup is kept, in hours; `None`: until someone deletes it.
    pub kept_hours: Option<u32>,
    pub restore: Restore,
    /// A copy is kept in another region (geo-redundant backup storage).
    pub outside_region: bool,
    /// The data a restore in another region loses, in minutes, when a copy is kept there
    /// (the provider's stated recovery point for geo-redundant copies).
    pub geo_rpo_minutes: Option<u32>,
    /// Where it is set: the resource's argument, or the service's own default.
    pub setting: &'static str,
}

/// What the model asks of a store's backups.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Asked {
    pub backups: bool,
    pub point_in_time: bool,
    pub versioning: bool,
    /// A cache that persists its data (`persistence` other than `none`).
    pub persistent: bool,
    /// A read replica: its source's backups cover it.
    pub replica: bool,
}

/// Days RDS and DocumentDB keep automated backups (one when the model asks for none, the
/// least they allow).
pub(crate) const fn aws_retention_days(backups: bool) -> u32 {
    if backups { 7 } else { 1 }
}

/// Days a Flexible Server keeps backups (seven, its least, when the model asks for none).
pub(crate) const fn flexible_retention_days(backups: bool) -> u32 {
    if backups { 14 } else { 7 }
}

/// A Cosmos DB account's continuous backup tier, in days.
pub(crate) const COSMOS_CONTINUOUS_DAYS: u32 = 7;
/// A Cosmos DB account's periodic backup: taken every four hours, two kept.
pub(crate) const COSMOS_PERIODIC_MINUTES: u32 = 240;
pub(crate) const COSMOS_PERIODIC_HOURS: u32 = 8;

/// Days ElastiCache keeps its daily snapshots of a persistent cache.
pub(crate) const ELASTICACHE_SNAPSHOT_DAYS: u32 = 7;

const DAY: u32 = 24;

/// The backups the Terraform leaves a store of `recipe` with, `None` when it has none.
pub(crate) fn backups(recipe: Recipe, asked: Asked) -> Option<Backups> {
    let kept = |days: u32| Some(days * DAY);
    let backups = match recipe {
        _ if asked.replica => return None,
        Recipe::RdsPostgresql | Recipe::RdsMysql | Recipe::Documentdb => Backups {
            kept_hours: kept(aws_retention_days(asked.backups)),
            restore: Restore::PointInTime,
            outside_region: false,
            geo_rpo_minutes: None,
            setting: "backup_retention_period",
        },
        Recipe::ElasticacheRedis if asked.persistent => Backups {
            kept_hours: kept(ELASTICACHE_SNAPSHOT_DAYS),
            restore: Restore::Snapshot,
            outside_region: false,
            geo_rpo_minutes: None,
            setting: "snapshot_retention_limit",
        },
        Recipe::Opensearch => Backups {
            kept_hours: kept(14),
            restore: Restore::Snapshot,
            outside_region: false,
            geo_rpo_minutes: None,
            setting: "the service's hourly automated snapshots",
        },
        Recipe::Dynamodb => Backups {
            kept_hours: kept(35),
            restore: Restore::PointInTime,
            outside_region: false,
            geo_rpo_minutes: None,
            setting: "point_in_time_recovery",
        },
        Recipe::CloudSqlPostgresql | Recipe::CloudSqlMysql if asked.backups => Backups {
            // Cloud SQL keeps seven automated backups unless told otherwise; point-in-time
            // recovery is set for PostgreSQL only.
            kept_hours: kept(7),
            restore: if asked.point_in_time && recipe == Recipe::CloudSqlPostgresql {
                Restore::PointInTime
            } else {
                Restore::Snapshot
            },
            outside_region: false,
            geo_rpo_minutes: None,
            setting: "backup_configuration",
        },
        Recipe::Firestore => Backups {
            kept_hours: kept(7),
            restore: Restore::PointInTime,
            outside_region: false,
            geo_rpo_minutes: None,
            setting: "point_in_time_recovery_enablement",
        },
        Recipe::PostgresqlFlexible | Recipe::MysqlFlexible => Backups {
            kept_hours: kept(flexible_retention_days(asked.backups)),
            restore: Restore::PointInTime,
            // Geo-redundant backups restore in the paired region, up to an hour behind.
            outside_region: asked.backups,
            geo_rpo_minutes: asked.backups.then_some(60),
            setting: "backup_retention_days",
        },
        Recipe::CosmosNosql | Recipe::CosmosMongodb | Recipe::CosmosCassandra
            if asked.point_in_time =>
        {
            Backups {
                kept_hours: kept(COSMOS_CONTINUOUS_DAYS),
                restore: Restore::PointInTime,
                outside_region: false,
                geo_rpo_minutes: None,
                setting: "backup (Continuous7Days)",
            }
        }
        Recipe::CosmosNosql | Recipe::CosmosMongodb | Recipe::CosmosCassandra => Backups {
            // Periodic backup: every four hours, two kept, in geo-redundant storage.
            kept_hours: Some(COSMOS_PERIODIC_HOURS),
            restore: Restore::Snapshot,
            outside_region: true,
            geo_rpo_minutes: Some(COSMOS_PERIODIC_MINUTES),
            setting: "backup (Periodic)",
        },
        Recipe::S3 if asked.versioning => Backups {
            kept_hours: None,
            restore: Restore::Version,
            outside_region: false,
            geo_rpo_minutes: None,
            setting: "aws_s3_bucket_versioning",
        },
        // Every bucket the GCP and Azure skeletons make keeps versions; the Azure account
        // is geo-zone-redundant (GZRS).
        Recipe::Gcs => Backups {
            kept_hours: None,
            restore: Restore::Version,
            outside_region: false,
            geo_rpo_minutes: None,
            setting: "versioning",
        },
        Recipe::StorageAccount => Backups {
            kept_hours: None,
            restore: Restore::Version,
            // GZRS: copied to the paired region, typically within 15 minutes.
            outside_region: true,
            geo_rpo_minutes: Some(15),
            setting: "blob_properties.versioning_enabled",
        },
        _ => return None,
    };
    Some(backups)
}

impl Backups {
    /// How long backups are kept, for people: `7 days`, `8 hours`, `until deleted`.
    pub(crate) fn kept(&self) -> String {
        match self.kept_hours {
            None => "until deleted".to_owned(),
            Some(hours) if hours % DAY == 0 => {
                let days = hours / DAY;
                if days == 1 {
                    "1 day".to_owned()
                } else {
                    format!("{days} days")
                }
            }
            Some(hours) => format!("{hours} hours"),
        }
    }
}

/// The backups `component` gets on the facts' cloud, from what the model asks of it.
pub(crate) fn deployed(
    graph: &ArchGraph<'_>,
    facts: &Facts<'_>,
    component: &Component,
) -> Option<Backups> {
    let service = facts.service(component)?;
    backups(service.recipe, asked(graph, facts, component))
}

/// What the model asks of `component`'s backups.
pub(crate) fn asked(graph: &ArchGraph<'_>, facts: &Facts<'_>, component: &Component) -> Asked {
    Asked {
        backups: graph.flag(component, "backups"),
        point_in_time: graph.flag(component, "point_in_time_recovery"),
        versioning: graph.flag(component, "versioning"),
        persistent: graph
            .property(component, "persistence")
            .and_then(PropertyValue::as_text)
            .is_some_and(|p| p != "none"),
        replica: facts.replica_of(component).is_some(),
    }
}
