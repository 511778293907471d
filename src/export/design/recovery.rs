//! The disaster-recovery part of "Reliability and disaster recovery": the recovery
//! objectives, what each kind of loss costs each store (the Recovery analysis, which the
//! REL rules read too), the backups the Terraform export gives each store on the document's
//! cloud (the retention it writes, from the same function), and what a standby region lacks.

use super::analyses::{group_name, name, names, outcome};
use super::content::{Block, Line, code, plain, strong, text};
use super::{Context, paragraph, sub_heading};
use crate::backups::{Restore, asked, backups};

pub(super) fn disaster_recovery(cx: &Context<'_>, out: &mut Vec<Block>) {
    sub_heading(out, "Recovery per store");
    let r = &cx.graph.analysis().recovery;
    paragraph(
        out,
        match (r.rpo_objective_minutes, r.rto_objective_minutes) {
            (None, None) => {
                "The model states no recovery objectives (meta.targets: rpo_minutes, rto_minutes)."
                    .to_owned()
            }
            (rpo, rto) => format!(
                "Objectives: lose at most {} of data (RPO) and serve again within {} (RTO){}.",
                rpo.map_or("an unstated amount".to_owned(), |m| format!("{m} min")),
                rto.map_or("an unstated time".to_owned(), |m| format!("{m} min")),
                if r.multi_region {
                    ", whatever is lost: an instance, a zone, the region or the data itself"
                } else {
                    " for an instance, a zone or the data itself; the design spans one region, so losing it waits for the region"
                }
            ),
        },
    );
    if r.datastores.is_empty() {
        paragraph(out, "No datastore runs in the account.");
    } else {
        let rows = r
            .datastores
            .iter()
            .map(|d| {
                vec![
                    vec![strong(name(cx, &d.component))],
                    outcome(&d.instance_or_zone_loss),
                    outcome(&d.region_loss),
                    outcome(&d.corruption),
                    plain(match d.meets_objectives {
                        Some(true) => "yes",
                        Some(false) => "no",
                        None => "no objective",
                    }),
                ]
            })
            .collect();
        out.push(Block::Table {
            header: vec![
                "Datastore",
                "Instance or zone lost",
                "Region lost",
                "Corruption",
                "Meets the objectives",
            ],
            rows,
        });
    }
    for gap in &r.standby_gaps {
        paragraph(
            out,
            format!(
                "Standby region {} of {} lacks counterparts of: {}.",
                group_name(cx, &gap.standby),
                group_name(cx, &gap.primary),
                names(cx, &gap.missing)
            ),
        );
    }
    for write in &r.writes_to_replicas {
        paragraph(
            out,
            format!(
                "{} writes to {}, a replica of {}: writes belong on the primary.",
                name(cx, &write.caller),
                name(cx, &write.replica),
                name(cx, &write.primary)
            ),
        );
    }
    backups_as_deployed(cx, out);
}

/// The backups `archsmith export --format terraform` gives each store on the document's
/// cloud.
fn backups_as_deployed(cx: &Context<'_>, out: &mut Vec<Block>) {
    sub_heading(out, "Backups as deployed");
    let Some(cloud) = cx.cloud else {
        paragraph(
            out,
            "The model names no target cloud, so no backups are deployed: set cloud in the model, or export with --provider.",
        );
        return;
    };
    let facts = cx.facts();
    let mut none = Vec::new();
    let rows: Vec<Vec<Line>> = cx
        .stores()
        .into_iter()
        .filter_map(|store| {
            let service = facts.service(store)?;
            let asked = asked(&cx.graph, &facts, store);
            let Some(deployed) = backups(service.recipe, asked) else {
                if !asked.replica {
                    let wanted = asked.backups || asked.point_in_time || asked.versioning;
                    none.push((store.name.clone(), wanted));
                }
                return None;
            };
            Some(vec![
                vec![strong(store.name.clone())],
                plain(service.service.clone()),
                plain(deployed.kept()),
                plain(match deployed.restore {
                    Restore::PointInTime => "to any second within the retention",
                    Restore::Snapshot => "from the latest snapshot",
                    Restore::Version => "earlier object versions",
                }),
                plain(if deployed.outside_region { "yes" } else { "no" }),
                if deployed.setting.contains(' ') {
                    plain(deployed.setting)
                } else {
                    vec![code(deployed.setting)]
                },
            ])
        })
        .collect();
    if rows.is_empty() {
        paragraph(
            out,
            format!(
                "The Terraform export for {} backs up no store.",
                cloud.label()
            ),
        );
    } else {
        out.push(Block::Paragraph(vec![
            text("What "),
            code(format!(
                "archsmith export --format terraform --provider {}",
                cloud.id()
            )),
            text(" sets on each store:"),
        ]));
        out.push(Block::Table {
            header: vec![
                "Store",
                "Deployed as",
                "Kept",
                "Restores",
                "Copy outside the region",
                "Set by",
            ],
            rows,
        });
    }
    let (wanted, unwanted): (Vec<_>, Vec<_>) = none.into_iter().partition(|(_, w)| *w);
    let names = |list: Vec<(String, bool)>| {
        list.into_iter()
            .map(|(name, _)| name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !wanted.is_empty() {
        paragraph(
            out,
            format!(
                "Asked for in the model but not deployed on {}: {}. The recovery figures above assume the backups the model states: configure them by hand (the Terraform README lists each).",
                cloud.label(),
                names(wanted)
            ),
        );
    }
    if !unwanted.is_empty() {
        paragraph(out, format!("No backups: {}.", names(unwanted)));
    }
}
