//! COST002: synchronous calls between regions.

use crate::graph::ArchGraph;
use crate::model::PropertyValue;
use crate::model::{Component, GroupKind};
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags synchronous calls whose two ends sit in different regions. Fetching signing keys
    /// (`auth` with `flow: jwks`) is not one: the keys are cached for hours.
    ///
    /// ## Why it matters
    /// Every cross-region request pays inter-region transfer fees and tens of milliseconds of
    /// latency, on every call, at peak volume; chatty cross-region designs are a classic
    /// surprise on the cloud bill.
    ///
    /// ## Example
    /// `api` in `eu-west-1` querying `orders-db` in `us-east-1`.
    ///
    /// ## How to fix
    /// Keep request paths within a region; replicate data asynchronously where another region
    /// needs it.
    pub struct CrossRegionChatter;
    id: "COST002",
    name: "cross-region-sync-calls",
    category: Cost,
    severity: Warning,
}

fn region<'a>(graph: &ArchGraph<'a>, component: &Component) -> Option<&'a str> {
    graph
        .groups_around(component)
        .iter()
        .find(|g| g.kind == GroupKind::Region)
        .map(|g| g.id.as_str())
}

impl Rule for CrossRegionChatter {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for connection in cx.graph.connections_where(|link| link.is_sync()) {
            let Some((from, to)) = cx.graph.endpoints(connection) else {
                continue;
            };
            if cx.graph.share_groups(from, to) {
                continue;
            }
            // Signing keys fetched from a JWKS endpoint are cached for hours: not a call on
            // the request path.
            let key_fetch = cx
                .graph
                .connection_property(connection, "flow")
                .and_then(PropertyValue::as_text)
                == Some("jwks");
            if key_fetch {
                continue;
            }
            if let (Some(a), Some(b)) = (region(cx.graph, from), region(cx.graph, to))
                && a != b
            {
                out.push(cx.finding(
                    format!(
                        "{} in {a} calls {} in {b} synchronously",
                        from.name, to.name
                    ),
                    vec![connection.id.as_str().to_owned()],
                    "keep request paths within a region; replicate data asynchronously instead",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    fn doc(same: bool) -> crate::model::Document {
        Fixture::new()
            .group("eu", GroupKind::Region, None)
            .group("us", GroupKind::Region, None)
            .component("api", "service-go", &[])
            .component("db", "postgresql", &[])
            .in_group("api", "eu")
            .in_group("db", if same { "eu" } else { "us" })
            .connect("api", "db", "db_query")
            .build()
    }

    #[test]
    fn passes_within_a_region() {
        assert!(run(&CrossRegionChatter, &doc(true)).is_empty());
    }

    #[test]
    fn a_cached_key_fetch_across_regions_is_not_chatter() {
        let doc = Fixture::new()
            .group("eu", GroupKind::Region, None)
            .group("us", GroupKind::Region, None)
            .component("api", "service-go", &[])
            .component("idp", "identity-provider", &[])
            .in_group("api", "eu")
            .in_group("idp", "us")
            .connect_with("api", "idp", "auth", |c| {
                c.properties.insert("flow".into(), "jwks".into());
            })
            .build();
        assert!(run(&CrossRegionChatter, &doc).is_empty());
    }

    #[test]
    fn fails_across_regions() {
        insta::assert_snapshot!(render(&run(&CrossRegionChatter, &doc(false))));
    }
}
