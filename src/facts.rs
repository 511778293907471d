//! The resolved facts about each component: what the model says, completed by what the
//! catalog says its managed service does on the target cloud. Rules, the design document and
//! the Terraform skeletons all read these, so that "encrypted at rest", "multi-zone" and
//! "single instance" mean the same thing in the findings, in the prose and in the HCL.
//!
//! An explicit property in the model always wins. A property left at its default takes the
//! managed service's behaviour (RDS encrypts at rest because the skeleton turns it on; MSK
//! puts a broker in every zone whatever `replicas` says), and without a target cloud the
//! catalog's default stands: the model is then read as self-hosted.

use crate::catalog::{
    AtRest, Availability, CloudRegion, CloudService, Deployment, Recipe, Regions, Trait,
};
use crate::graph::ArchGraph;
use crate::model::{Cloud, Component, Group, GroupKind};

/// A region boundary of the model and the cloud region it deploys to.
#[derive(Debug, Clone, Copy)]
pub struct ModelRegion<'g> {
    pub group: &'g Group,
    /// The code the model gives (`location`).
    pub location: &'g str,
    /// The cloud the code belongs to.
    pub home: Cloud,
    /// The region on the target cloud (the model's own, or its nearest counterpart when the
    /// model is exported for another cloud).
    pub region: &'static CloudRegion,
}

impl ModelRegion<'_> {
    /// Whether the target region is not the one the model names (another cloud's nearest).
    pub fn translated(&self) -> bool {
        self.region.code != self.location
    }
}

/// Facts about the components of one graph, for one target cloud (or none).
#[derive(Debug, Clone, Copy)]
pub struct Facts<'g> {
    graph: &'g ArchGraph<'g>,
    cloud: Option<Cloud>,
}

impl<'g> Facts<'g> {
    /// Facts as deployed on `cloud`; `None` reads the model as self-hosted.
    pub fn new(graph: &'g ArchGraph<'g>, cloud: Option<Cloud>) -> Self {
        Self { graph, cloud }
    }

    /// Facts on the model's own target cloud (`meta.cloud`): what `validate` judges.
    pub fn of_model(graph: &'g ArchGraph<'g>) -> Self {
        Self::new(graph, graph.document().meta.cloud)
    }

    pub fn cloud(&self) -> Option<Cloud> {
        self.cloud
    }

    /// How `component` is deployed: its kind's way, unless the model buys it as SaaS
    /// (`hosting: "saas"`). `None` for an unknown kind.
    pub fn runs(&self, component: &Component) -> Option<Deployment> {
        let kind = self.graph.kind(component)?;
        Some(
            if kind.bought_as_saas(|| self.graph.text(component, "hosting")) {
                Deployment::Saas
            } else {
                kind.runs
            },
        )
    }

    /// The managed service `component` becomes on the target cloud; `None` without a cloud
    /// and for what runs outside the account.
    pub fn service(&self, component: &Component) -> Option<&'g CloudService> {
        let cloud = self.cloud?;
        self.graph
            .kind(component)?
            .service_on(cloud, || self.graph.text(component, "hosting"))
    }

    /// Whether its data is encrypted at rest; `None` for kinds that keep no data to encrypt.
    pub fn encrypted_at_rest(&self, component: &Component) -> Option<bool> {
        let kind = self.graph.kind(component)?;
        let default = kind.property("encryption_at_rest")?.default.as_bool();
        let explicit = component
            .properties
            .get("encryption_at_rest")
            .and_then(|value| value.as_bool());
        Some(
            match self.service(component).map(|s| s.encryption_at_rest) {
                Some(AtRest::Always) => true,
                Some(AtRest::ByDefault) => explicit.unwrap_or(true),
                Some(AtRest::Off) | None => explicit.or(default).unwrap_or(false),
            },
        )
    }

    /// Whether it spans availability zones: a managed service spread over zones by
    /// construction, a standby in another zone (`multi_az`), or, on a cloud, several
    /// instances (the skeletons put replicas in different zones: RDS and Cloud SQL high
    /// availability, ElastiCache and Amazon MQ multi-AZ, zone-redundant Cosmos DB).
    pub fn multi_zone(&self, component: &Component) -> bool {
        self.multi_zone_on(component, self.service(component))
    }

    /// How many instances the model runs (`replicas`, or 1).
    pub fn instances(&self, component: &Component) -> i64 {
        self.graph.int(component, "replicas").unwrap_or(1).max(1)
    }

    /// The fewest and the most instances it runs: its autoscaling floor and ceiling when it
    /// scales, else its replicas for both.
    pub fn instance_bounds(&self, component: &Component) -> (i64, i64) {
        let replicas = self.instances(component);
        if self.graph.flag(component, "autoscaling") {
            let min = self
                .graph
                .int(component, "autoscaling_min")
                .unwrap_or(replicas)
                .max(1);
            let max = self
                .graph
                .int(component, "autoscaling_max")
                .unwrap_or(replicas)
                .max(min);
            (min, max)
        } else {
            (replicas, replicas)
        }
    }

    /// Whether losing one instance leaves it running: several instances, a standby, an
    /// autoscaling floor above one, or a managed service that is redundant by construction.
    pub fn redundant(&self, component: &Component) -> bool {
        if self.instances(component) > 1 || self.multi_zone(component) {
            return true;
        }
        self.graph.flag(component, "autoscaling")
            && self.graph.int(component, "autoscaling_min").unwrap_or(1) > 1
    }

    fn multi_zone_on(&self, component: &Component, service: Option<&CloudService>) -> bool {
        match service {
            Some(service) if service.availability == Availability::MultiZone => true,
            Some(_) => self.graph.flag(component, "multi_az") || self.instances(component) > 1,
            None => self.graph.flag(component, "multi_az"),
        }
    }

    /// The region boundaries that name a region the table knows, in document order, resolved
    /// on the target cloud (on the code's own cloud without a target).
    /// The model's located regions, the primary first: standby regions (ones that only
    /// receive replicas from another region) come after the others, each set in model order.
    pub fn regions(&self) -> Vec<ModelRegion<'g>> {
        let doc: &'g crate::model::Document = self.graph.document();
        let standby = self.standby_regions();
        let mut regions: Vec<ModelRegion<'g>> = doc
            .groups()
            .iter()
            .filter(|g| g.kind == GroupKind::Region)
            .filter_map(|group| self.model_region(group))
            .collect();
        // A stable sort: the model's order within each set.
        regions.sort_by_key(|r| standby.contains(r.group.id.as_str()));
        regions
    }

    /// The region everything deploys to unless placed in another: the first of
    /// [`Facts::regions`].
    pub fn primary_region(&self) -> Option<ModelRegion<'g>> {
        self.regions().into_iter().next()
    }

    /// Regions that receive replicas from another region and send none to one: a disaster
    /// recovery standby, never the primary.
    fn standby_regions(&self) -> std::collections::BTreeSet<&'g str> {
        let region = |component: &Component| {
            self.graph
                .groups_around(component)
                .iter()
                .find(|g| g.kind == GroupKind::Region)
                .map(|g| g.id.as_str())
        };
        let mut sources = std::collections::BTreeSet::new();
        let mut targets = std::collections::BTreeSet::new();
        for connection in self.graph.connections_of_kind("replication") {
            let Some((from, to)) = self.graph.endpoints(connection) else {
                continue;
            };
            if let (Some(a), Some(b)) = (region(from), region(to))
                && a != b
            {
                sources.insert(a);
                targets.insert(b);
            }
        }
        targets.retain(|t| !sources.contains(t));
        targets
    }

    /// The region `component` sits in, when a region boundary around it names one.
    pub fn region_of(&self, component: &Component) -> Option<ModelRegion<'g>> {
        self.graph
            .groups_around(component)
            .iter()
            .find(|g| g.kind == GroupKind::Region)
            .and_then(|group| self.model_region(group))
    }

    /// The zones of `region` that the model draws (availability-zone boundaries inside its
    /// boundary whose `location` is one of its zones), else the region's own zones.
    pub fn zones(&self, region: &ModelRegion<'g>) -> Vec<&'g str> {
        let doc: &'g crate::model::Document = self.graph.document();
        let drawn: Vec<&'g str> = doc
            .groups()
            .iter()
            .filter(|g| g.kind == GroupKind::AvailabilityZone)
            .filter(|g| {
                doc.group_chain(g.parent.as_ref())
                    .iter()
                    .any(|outer| outer.id == region.group.id)
            })
            .filter_map(|g| g.location.as_deref())
            .filter(|zone| region.region.zones.iter().any(|z| z == zone))
            .collect();
        if drawn.is_empty() {
            region.region.zones.iter().map(String::as_str).collect()
        } else {
            drawn
        }
    }

    fn model_region(&self, group: &'g Group) -> Option<ModelRegion<'g>> {
        let location = group.location.as_deref()?;
        let regions = Regions::builtin();
        let (home, own) = regions.identify(location)?;
        let region = match self.cloud {
            Some(cloud) => regions.resolve(location, cloud)?,
            None => own,
        };
        Some(ModelRegion {
            group,
            location,
            home,
            region,
        })
    }

    /// What the rules, the documents and the exports take to be true of `component`, as
    /// (label, value) lines for people: the editor's inspector shows them.
    pub fn summary(&self, component: &Component) -> Vec<(&'static str, String)> {
        let mut lines = Vec::new();
        let yes_no = |value: bool| if value { "yes" } else { "no" }.to_owned();
        if let Some(runs) = self.runs(component) {
            let how = match runs {
                Deployment::Client => "a client, outside the infrastructure".to_owned(),
                Deployment::External => "someone else's system".to_owned(),
                Deployment::Saas => "a SaaS product, outside the account".to_owned(),
                Deployment::Built
                | Deployment::Function
                | Deployment::Cluster
                | Deployment::Container
                | Deployment::Managed => match (self.service(component), self.cloud) {
                    // The team's own code inside a Kubernetes boundary runs on that cluster,
                    // as the Terraform and the manifests deploy it, not as the cloud's
                    // container service.
                    (Some(service), Some(cloud)) => match self
                        .graph
                        .zone(component, GroupKind::K8sCluster)
                        .filter(|_| service.recipe == Recipe::OwnCode)
                    {
                        Some(cluster) => format!(
                            "a workload on the Kubernetes cluster {} on {}",
                            cluster.name,
                            cloud.label()
                        ),
                        None => format!("{} on {}", service.service, cloud.label()),
                    },
                    _ => "self-hosted (the model names no target cloud)".to_owned(),
                },
            };
            lines.push(("Runs as", how));
        }
        if let Some(encrypted) = self.encrypted_at_rest(component) {
            lines.push(("Encrypted at rest", yes_no(encrypted)));
        }
        if self.runs(component).is_some_and(Deployment::in_account) {
            lines.push(("Spans zones", yes_no(self.multi_zone(component))));
            lines.push((
                "Survives losing an instance",
                yes_no(self.redundant(component)),
            ));
        }
        if let Some(primary) = self.replica_of(component) {
            lines.push(("Replica of", primary.name.clone()));
        }
        if let Some(region) = self.region_of(component) {
            lines.push(("Region", region.region.code.clone()));
        }
        if let Some(load) = self.graph.loads().component(self.graph, component) {
            let basis = match load.basis {
                crate::load::Basis::Stated => "stated",
                crate::load::Basis::Derived => "propagated from the entry points",
            };
            lines.push(("Load at peak", format!("{}/s ({basis})", load.rounded())));
        }
        lines
    }

    /// The store `component` replicates from, when it is a read replica or a standby: the
    /// source of a `replication` connection into it. Its primary's backups and redundancy
    /// cover it.
    pub fn replica_of(&self, component: &Component) -> Option<&'g Component> {
        self.graph
            .neighbours(
                component,
                petgraph::Direction::Incoming,
                Some("replication"),
            )
            .into_iter()
            .find(|source| self.graph.has_trait(source, Trait::Stateful))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::rules::fixture::Fixture;

    #[test]
    fn the_summary_states_what_the_exports_deploy() {
        let mut doc = Fixture::new()
            .component("db", "postgresql", &[])
            .component("idp", "identity-provider", &[("hosting", "saas".into())])
            .build();
        doc.meta.cloud = Some(Cloud::Aws);
        let graph = ArchGraph::new(&doc, Catalog::builtin());
        let facts = Facts::of_model(&graph);
        let db = facts.summary(doc.component("db").expect("db"));
        assert!(
            db.contains(&("Runs as", "RDS for PostgreSQL on AWS".to_owned())),
            "{db:?}"
        );
        // RDS encrypts unless the model turns it off.
        assert!(
            db.contains(&("Encrypted at rest", "yes".to_owned())),
            "{db:?}"
        );
        assert!(
            db.contains(&("Survives losing an instance", "no".to_owned())),
            "{db:?}"
        );
        let idp = facts.summary(doc.component("idp").expect("idp"));
        assert_eq!(
            idp.first(),
            Some(&("Runs as", "a SaaS product, outside the account".to_owned()))
        );
        assert!(!idp.iter().any(|(label, _)| *label == "Spans zones"));
    }

    #[test]
    fn a_service_in_a_cluster_runs_on_it() {
        let mut doc = Fixture::new()
            .group("aks", GroupKind::K8sCluster, None)
            .group("care", GroupKind::K8sNamespace, Some("aks"))
            .component("charting", "service-java", &[])
            .component("billing", "service-java", &[])
            .in_group("charting", "care")
            .build();
        doc.meta.cloud = Some(Cloud::Azure);
        let graph = ArchGraph::new(&doc, Catalog::builtin());
        let facts = Facts::of_model(&graph);
        let runs = |id: &str| {
            facts
                .summary(doc.component(id).expect("in the fixture"))
                .into_iter()
                .find(|(label, _)| *label == "Runs as")
                .map(|(_, how)| how)
        };
        assert_eq!(
            runs("charting").as_deref(),
            Some("a workload on the Kubernetes cluster aks on Azure")
        );
        assert_eq!(
            runs("billing").as_deref(),
            Some("Container App + Container Registry on Azure")
        );
    }
}
