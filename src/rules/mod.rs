//! Architecture rules. Each rule lives in its own file with its documentation and implements
//! [`Rule`]; [`registry`] lists them. [`check`] runs every enabled rule over a graph, applies
//! the document's overrides and waivers, and returns a [`Report`].

pub mod pack;
pub mod report;

/// Declares a rule's struct and its [`RuleMeta`] from one doc comment, so that rustdoc, `rules
/// explain` and `docs/rules.md` show the same text.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $name:ident;
        id: $id:literal,
        name: $rule_name:literal,
        category: $category:ident,
        severity: $severity:ident $(,)?
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug)]
        $vis struct $name;

        static META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
            id: $id,
            name: $rule_name,
            category: $crate::rules::RuleCategory::$category,
            severity: $crate::model::Severity::$severity,
            docs: concat!($($doc, "\n"),*),
        };
    };
}

mod alerts_reach_nobody;
mod async_forced_sync;
mod autoscaling_bounds;
mod availability_objective_missed;
mod balancer_single_target;
mod bidirectional_sync;
mod cache_without_backing_store;
mod cache_without_ttl;
mod capacity_short_at_peak;
mod chain_without_tracing;
mod consumer_without_retry;
mod cross_context_without_auth;
mod cross_region_chatter;
mod datastore_in_public_subnet;
mod datastore_without_backups;
mod datastore_without_service_tier;
mod deep_sync_chain;
mod dual_write_without_outbox;
mod duplicate_names;
mod exposed_admin_ui;
mod external_call_unguarded;
#[cfg(test)]
pub(crate) mod fixture;
mod internal_call_without_timeout;
mod invalid_schedule;
mod latency_budget_missed;
mod local_sessions;
mod low_replication_factor;
mod missing_health_check;
mod missing_telemetry;
mod monitoring_without_alerting;
mod no_monitoring;
mod orphan_component;
mod outside_boundaries;
mod overprovisioned_replicas;
mod partitions_below_consumers;
mod public_bucket;
mod queue_without_dlq;
mod recovery_objective_missed;
mod secrets_in_properties;
pub(crate) use secrets_in_properties::looks_like_secret;
mod entity_without_tenant_key;
mod query_without_index;
mod retried_non_idempotent_operation;
mod secrets_without_rotation;
mod service_in_public_subnet;
mod shared_database;
mod shared_table_writes;
mod single_instance_stateful;
mod single_point_of_failure;
mod single_zone_replicas;
mod standby_region_gaps;
mod sync_call_cycle;
mod timeout_over_budget;
mod topic_without_consumers;
mod unauthenticated_trust_zone_entry;
mod uncached_read_path;
mod undocumented_public_api;
mod unencrypted_connection;
mod unencrypted_datastore;
mod unknown_location;
mod unknown_topic;
mod unprotected_public_entry;
mod writer_on_replica;

use serde::Serialize;
use std::borrow::Cow;

use crate::catalog::{Catalog, Trait};
use crate::edit::EditOp;
use crate::graph::ArchGraph;
use crate::model::{Component, Document, PropertyValue, Severity};
use rustc_hash::FxHashMap;

/// What a rule is about.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum RuleCategory {
    Security,
    Reliability,
    Scalability,
    Performance,
    Observability,
    Maintainability,
    Cost,
    Correctness,
}

/// A rule's identity and documentation.
#[derive(Debug, Clone, Serialize)]
pub struct RuleMeta {
    /// Stable id such as `SEC001`; waivers and settings refer to it.
    pub id: &'static str,
    pub name: &'static str,
    pub category: RuleCategory,
    pub severity: Severity,
    /// Markdown with the sections What it does / Why it matters / Example / How to fix.
    pub docs: &'static str,
}

impl RuleMeta {
    pub fn category_label(&self) -> &'static str {
        match self.category {
            RuleCategory::Security => "security",
            RuleCategory::Reliability => "reliability",
            RuleCategory::Scalability => "scalability",
            RuleCategory::Performance => "performance",
            RuleCategory::Observability => "observability",
            RuleCategory::Maintainability => "maintainability",
            RuleCategory::Cost => "cost",
            RuleCategory::Correctness => "correctness",
        }
    }
}

/// One architecture rule.
pub trait Rule: Send + Sync {
    fn meta(&self) -> &RuleMeta;
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>);
}

/// What a rule sees: the graph (and through it the document and catalog) and its parameters.
#[derive(Debug)]
pub struct RuleContext<'a> {
    pub graph: &'a ArchGraph<'a>,
    pub rule_id: &'static str,
    pub category: RuleCategory,
}

impl<'a> RuleContext<'a> {
    pub fn doc(&self) -> &'a Document {
        self.graph.document()
    }

    /// Where `component` sits when a public subnet holds it, phrased for a message ("the
    /// public subnet edge", or "Public subnets" when the name says it).
    pub fn public_subnet_of(&self, component: &Component) -> Option<String> {
        self.graph
            .groups_around(component)
            .iter()
            .find(|g| g.kind == crate::model::GroupKind::PublicSubnet)
            .map(|subnet| group_phrase("public subnet", &subnet.name))
    }

    /// Whether a call is bounded: it sets a timeout or a circuit breaker guards it.
    pub fn call_is_guarded(&self, connection: &crate::model::Connection) -> bool {
        let timeout = self
            .graph
            .connection_property(connection, "timeout_ms")
            .and_then(PropertyValue::as_int)
            .unwrap_or(0);
        let breaker = self
            .graph
            .connection_property(connection, "circuit_breaker")
            .and_then(PropertyValue::as_bool)
            .unwrap_or(false);
        timeout > 0 || breaker
    }

    /// Whether a connection's kind can state a timeout (HTTP, gRPC, GraphQL, queries).
    pub fn states_timeouts(&self, connection: &crate::model::Connection) -> bool {
        self.catalog()
            .connection_kind(connection.kind.as_str())
            .is_some_and(|kind| kind.property("timeout_ms").is_some())
    }

    /// The resolved facts on the model's target cloud: what the exports deploy.
    pub fn facts(&self) -> crate::facts::Facts<'a> {
        crate::facts::Facts::of_model(self.graph)
    }

    pub fn catalog(&self) -> &'a Catalog {
        self.graph.catalog()
    }

    /// A finding of this rule; the engine sets its severity and waiver.
    pub fn finding(
        &self,
        message: impl Into<String>,
        targets: Vec<String>,
        fix_hint: impl Into<Cow<'static, str>>,
    ) -> Finding {
        Finding {
            rule: Cow::Borrowed(self.rule_id),
            category: self.category,
            severity: Severity::Warning,
            message: message.into(),
            targets,
            fix_hint: fix_hint.into(),
            quick_fix: None,
            waived: None,
        }
    }

    pub fn has_trait(&self, component: &Component, t: Trait) -> bool {
        self.graph.has_trait(component, t)
    }

    pub fn int(&self, component: &Component, name: &str) -> Option<i64> {
        self.graph.int(component, name)
    }

    pub fn flag(&self, component: &Component, name: &str) -> bool {
        self.graph.flag(component, name)
    }

    pub fn text(&self, component: &'a Component, name: &str) -> Option<&'a str> {
        self.graph.text(component, name)
    }

    /// An integer parameter from the document's settings for this rule, or `default`.
    pub fn int_param(&self, name: &str, default: i64) -> i64 {
        self.param(name)
            .and_then(PropertyValue::as_int)
            .unwrap_or(default)
    }

    /// Components whose kind declares property `name`, in document order. Loading and editing
    /// refuse properties a kind does not declare, so only these can set it.
    pub fn declaring(&self, name: &'a str) -> impl Iterator<Item = &'a Component> + 'a {
        self.graph
            .of_kinds(move |kind| kind.property(name).is_some())
    }

    /// Whether any component carries trait `t`.
    pub fn any_with(&self, t: Trait) -> bool {
        self.graph.with_trait(t).next().is_some()
    }

    /// A parameter set in the document's overrides for this rule.
    pub fn param(&self, name: &str) -> Option<&'a PropertyValue> {
        self.doc()
            .rules
            .overrides
            .get(self.rule_id)?
            .params
            .get(name)
    }
}

/// `count` and `noun`, in the plural unless the count is one: "1 partition", "3 partitions".
/// Every noun rules and exports count takes an `s`.
pub(crate) fn counted<N: Copy + std::fmt::Display + PartialEq + From<u8>>(
    count: N,
    noun: &str,
) -> String {
    if count == N::from(1) {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// "the public subnet `edge`", or just "`Public subnets`" when the group's name already says
/// what it is: never "the public subnet Public subnet".
pub(crate) fn group_phrase(what: &str, name: &str) -> String {
    let what_words = what.to_lowercase();
    let last_word = what_words.split_whitespace().last().unwrap_or_default();
    if name.to_lowercase().contains(last_word) {
        name.to_owned()
    } else {
        format!("the {what} {name}")
    }
}

/// The quick fix that authenticates a connection's caller with mutual TLS.
pub(crate) fn require_mtls(connection: &crate::model::Connection) -> Vec<EditOp> {
    vec![
        EditOp::SetConnectionField {
            id: connection.id.clone(),
            field: crate::edit::ConnectionField::Auth(crate::model::AuthMode::Mtls),
        },
        EditOp::SetConnectionField {
            id: connection.id.clone(),
            field: crate::edit::ConnectionField::Tls(true),
        },
    ]
}

/// One problem a rule found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Borrowed for built-in rules, so that a finding costs fewer allocations.
    pub rule: Cow<'static, str>,
    /// The rule's category (built-in or from a pack), which documents group findings by.
    pub category: RuleCategory,
    pub severity: Severity,
    pub message: String,
    /// Ids of the components, connections and groups concerned.
    pub targets: Vec<String>,
    pub fix_hint: Cow<'static, str>,
    /// Edits that resolve the finding, when the rule knows them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quick_fix: Option<Vec<EditOp>>,
    /// The reason given in a waiver, when one covers the finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waived: Option<String>,
}

/// Sorted by id, which is the order `archsmith rules` lists them in.
static REGISTRY: &[&dyn Rule] = &[
    &async_forced_sync::AsyncForcedSync,
    &invalid_schedule::InvalidSchedule,
    &unknown_topic::UnknownTopic,
    &overprovisioned_replicas::OverprovisionedReplicas,
    &cross_region_chatter::CrossRegionChatter,
    &orphan_component::OrphanComponent,
    &duplicate_names::DuplicateNames,
    &outside_boundaries::OutsideBoundaries,
    &bidirectional_sync::BidirectionalSync,
    &undocumented_public_api::UndocumentedPublicApi,
    &unknown_location::UnknownLocation,
    &shared_table_writes::SharedTableWrites,
    &missing_telemetry::MissingTelemetry,
    &monitoring_without_alerting::MonitoringWithoutAlerting,
    &chain_without_tracing::ChainWithoutTracing,
    &alerts_reach_nobody::AlertsReachNobody,
    &no_monitoring::NoMonitoring,
    &timeout_over_budget::TimeoutOverBudget,
    &cache_without_ttl::CacheWithoutTtl,
    &latency_budget_missed::LatencyBudgetMissed,
    &query_without_index::QueryWithoutIndex,
    &single_instance_stateful::SingleInstanceStateful,
    &sync_call_cycle::SyncCallCycle,
    &queue_without_dlq::QueueWithoutDlq,
    &consumer_without_retry::ConsumerWithoutRetry,
    &datastore_without_backups::DatastoreWithoutBackups,
    &balancer_single_target::BalancerSingleTarget,
    &external_call_unguarded::ExternalCallUnguarded,
    &single_point_of_failure::SinglePointOfFailure,
    &single_zone_replicas::SingleZoneReplicas,
    &deep_sync_chain::DeepSyncChain,
    &low_replication_factor::LowReplicationFactor,
    &missing_health_check::MissingHealthCheck,
    &writer_on_replica::WriterOnReplica,
    &topic_without_consumers::TopicWithoutConsumers,
    &internal_call_without_timeout::InternalCallWithoutTimeout,
    &dual_write_without_outbox::DualWriteWithoutOutbox,
    &standby_region_gaps::StandbyRegionGaps,
    &availability_objective_missed::AvailabilityObjectiveMissed,
    &recovery_objective_missed::RecoveryObjectiveMissed,
    &retried_non_idempotent_operation::RetriedNonIdempotentOperation,
    &local_sessions::LocalSessions,
    &shared_database::SharedDatabase,
    &autoscaling_bounds::AutoscalingBounds,
    &partitions_below_consumers::PartitionsBelowConsumers,
    &cache_without_backing_store::CacheWithoutBackingStore,
    &uncached_read_path::UncachedReadPath,
    &capacity_short_at_peak::CapacityShortAtPeak,
    &datastore_in_public_subnet::DatastoreInPublicSubnet,
    &unencrypted_connection::UnencryptedConnection,
    &secrets_in_properties::SecretsInProperties,
    &unprotected_public_entry::UnprotectedPublicEntry,
    &exposed_admin_ui::ExposedAdminUi,
    &unencrypted_datastore::UnencryptedDatastore,
    &datastore_without_service_tier::DatastoreWithoutServiceTier,
    &cross_context_without_auth::CrossContextWithoutAuth,
    &public_bucket::PublicBucket,
    &secrets_without_rotation::SecretsWithoutRotation,
    &service_in_public_subnet::ServiceInPublicSubnet,
    &unauthenticated_trust_zone_entry::UnauthenticatedTrustZoneEntry,
    &entity_without_tenant_key::EntityWithoutTenantKey,
];

/// Every rule shipped with Archsmith.
pub fn registry() -> &'static [&'static dyn Rule] {
    REGISTRY
}

/// A rule by id.
pub fn find_rule(id: &str) -> Option<&'static dyn Rule> {
    registry()
        .iter()
        .copied()
        .find(|r| r.meta().id.eq_ignore_ascii_case(id))
}

/// Where a model names a rule that neither Archsmith nor a loaded pack defines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnknownRuleReference {
    /// A waiver for `rule` on `target`.
    Waiver { rule: String, target: String },
    /// An entry of `rules: (overrides: {...})`.
    Override { rule: String },
}

impl UnknownRuleReference {
    pub fn rule(&self) -> &str {
        match self {
            Self::Waiver { rule, .. } | Self::Override { rule } => rule,
        }
    }

    /// What to tell the user, with the closest known id.
    pub fn message(&self, packs: &[pack::RulePack]) -> String {
        let known = registry().iter().map(|r| r.meta().id).chain(
            packs
                .iter()
                .flat_map(|p| p.rules.iter().map(|r| r.id.as_str())),
        );
        let hint = crate::catalog::suggestion(
            &crate::catalog::did_you_mean(self.rule(), known).map(str::to_owned),
        );
        let place = match self {
            Self::Waiver { target, .. } => {
                format!("a waiver on `{}`", crate::text::echo(target))
            }
            Self::Override { .. } => "the rule overrides".to_owned(),
        };
        format!(
            "{place} names rule `{}`, which is neither built in nor in a loaded pack{hint}; a misspelt id would silently waive or configure nothing",
            crate::text::echo(self.rule())
        )
    }
}

/// The waivers and overrides of `doc` that name no known rule (built in, or in `packs`).
pub fn unknown_rule_references(
    doc: &Document,
    packs: &[pack::RulePack],
) -> Vec<UnknownRuleReference> {
    let known = |id: &str| {
        find_rule(id).is_some() || packs.iter().any(|p| p.rules.iter().any(|r| r.id == id))
    };
    let waivers =
        doc.waivers()
            .iter()
            .filter(|w| !known(&w.rule))
            .map(|w| UnknownRuleReference::Waiver {
                rule: w.rule.clone(),
                target: w.target.clone(),
            });
    let overrides = doc
        .rules
        .overrides
        .keys()
        .filter(|id| !known(id))
        .map(|id| UnknownRuleReference::Override { rule: id.clone() });
    waivers.chain(overrides).collect()
}

/// Findings and their totals.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub summary: Summary,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub waived: usize,
}

impl Report {
    fn from_findings(findings: Vec<Finding>) -> Self {
        let mut summary = Summary::default();
        for finding in &findings {
            if finding.waived.is_some() {
                summary.waived += 1;
                continue;
            }
            match finding.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
        }
        Self { findings, summary }
    }

    /// The findings grouped by severity, most severe first, as indices into `findings`;
    /// severities with no findings are left out. Every report view lists them this way.
    pub fn sections(&self) -> Vec<(Severity, Vec<usize>)> {
        [Severity::Error, Severity::Warning, Severity::Info]
            .into_iter()
            .map(|severity| {
                let indices = self
                    .findings
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| f.severity == severity)
                    .map(|(i, _)| i)
                    .collect::<Vec<_>>();
                (severity, indices)
            })
            .filter(|(_, indices)| !indices.is_empty())
            .collect()
    }

    /// True when an unwaived finding is at least as severe as `threshold`.
    pub fn fails_at(&self, threshold: Severity) -> bool {
        self.findings
            .iter()
            .any(|f| f.waived.is_none() && f.severity >= threshold)
    }
}

/// Runs every enabled rule over the graph.
pub fn check(graph: &ArchGraph<'_>) -> Report {
    check_with(graph, &[])
}

/// Runs every enabled built-in rule and every rule of `packs`, then applies the document's
/// severity overrides and waivers. Findings come most severe first; within a severity, by
/// rule (built-in rules in id order, then pack rules) and then in the order each rule found
/// them, which is document order.
pub fn check_with(graph: &ArchGraph<'_>, packs: &[pack::RulePack]) -> Report {
    let doc = graph.document();
    let settings = |id: &str| doc.rules.overrides.get(id);
    let enabled = |id: &str| settings(id).and_then(|s| s.enabled) != Some(false);
    let severity =
        |id: &str, default: Severity| settings(id).and_then(|s| s.severity).unwrap_or(default);
    // A rule's findings all share its severity, so running the rules one severity at a time
    // writes every finding once, in its final place; sorting them afterwards would move every
    // finding again, and on a big model they do not fit in the CPU caches.
    let waivers = WaiverIndex::new(doc);
    let mut findings = Vec::new();
    for pass in [Severity::Error, Severity::Warning, Severity::Info] {
        for rule in registry() {
            let meta = rule.meta();
            if !enabled(meta.id) || severity(meta.id, meta.severity) != pass {
                continue;
            }
            let cx = RuleContext {
                graph,
                rule_id: meta.id,
                category: meta.category,
            };
            let start = findings.len();
            rule.check(&cx, &mut findings);
            waivers.settle(pass, &mut findings[start..]);
        }
        for rule in packs.iter().flat_map(|p| &p.rules) {
            if !enabled(&rule.id) || severity(&rule.id, rule.severity) != pass {
                continue;
            }
            let start = findings.len();
            rule.check(graph, &mut findings);
            waivers.settle(pass, &mut findings[start..]);
        }
    }
    Report::from_findings(findings)
}

/// The document's waivers by (rule, element), with their place in the document: a finding
/// looks up each of its targets instead of scanning every waiver.
struct WaiverIndex<'d> {
    by_target: FxHashMap<(&'d str, &'d str), (usize, &'d str)>,
}

impl<'d> WaiverIndex<'d> {
    fn new(doc: &'d Document) -> Self {
        let mut by_target = FxHashMap::default();
        for (place, waiver) in doc.waivers().iter().enumerate() {
            by_target
                .entry((waiver.rule.as_str(), waiver.target.as_str()))
                .or_insert((place, waiver.reason.as_str()));
        }
        Self { by_target }
    }

    /// Gives a rule's new findings their severity, and the reason of the first waiver (in
    /// document order) that covers one of their targets.
    fn settle(&self, severity: Severity, findings: &mut [Finding]) {
        for finding in findings {
            finding.severity = severity;
            if self.by_target.is_empty() {
                continue;
            }
            finding.waived = finding
                .targets
                .iter()
                .filter_map(|target| {
                    self.by_target
                        .get(&(finding.rule.as_ref(), target.as_str()))
                })
                .min_by_key(|(place, _)| *place)
                .map(|(_, reason)| (*reason).to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_ids_are_unique_sorted_and_documented() {
        let ids: Vec<&str> = registry().iter().map(|r| r.meta().id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ids, sorted, "sorted by id, no duplicates");
        for rule in registry() {
            let meta = rule.meta();
            assert!(
                !meta.docs.is_empty() && !meta.name.is_empty(),
                "{}",
                meta.id
            );
        }
    }
}
