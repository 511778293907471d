//! The design document's "Delivery and rollout" section: what the GitHub Actions export
//! runs for each service (its language's tests, its image), how an image is built once and
//! promoted through the environments, and how the Terraform replaces a running service
//! with a new image. It reads the same services, toolchains and rollout the exports use.

use super::content::{Block, Line, code, plain, strong, text};
use super::{Context, heading, paragraph};
use crate::export::github_actions::{delivered, staging_soaks};
use crate::export::terraform::rollout;
use crate::export::workload::namespace;

pub(super) fn delivery(cx: &Context<'_>, out: &mut Vec<Block>) {
    heading(out, 2, "Delivery and rollout");
    let Some(cloud) = cx.cloud else {
        paragraph(
            out,
            "The model names no target cloud, so no pipeline deploys it: set cloud in the model, or export with --provider.",
        );
        return;
    };
    let facts = cx.facts();
    let services = delivered(cx.doc, &facts);
    if services.is_empty() {
        paragraph(
            out,
            "The model has no services of the team's own code to build and deploy.",
        );
        return;
    }
    out.push(Block::Paragraph(vec![
        code("archsmith export --format github-actions"),
        text(format!(
            " writes the pipeline on {}. On every pull request: each service's tests and image build, and ",
            cloud.label()
        )),
        code("terraform validate"),
        text(" of the infrastructure. On main: each image is built once, tagged with the git tree hash of its service's folder, into registries every environment shares (their own Terraform root, applied first), so a service whose code did not change keeps its image and is not redeployed; staging is planned and applied, and its rollout has to succeed"),
        text(if staging_soaks(cloud, &cx.graph, &facts) {
            " and stay clear of alarms for a soak period"
        } else {
            ""
        }),
        text("; production is planned by a read-only identity and the plan shown to its reviewers, and once they approve only that plan is applied. A repository variable freezes production deploys. Each environment has its own Terraform state and deploy identity."),
    ]));
    let rows: Vec<Vec<Line>> = services
        .iter()
        .map(|service| {
            let language = cx.graph.text(service, "language").unwrap_or("other");
            let tests = cx.catalog.toolchain(language).map_or_else(
                || format!("none: no toolchain for {language}"),
                |t| t.test.join(", then "),
            );
            vec![
                vec![strong(service.name.clone())],
                plain(language),
                plain(tests),
                plain(rollout(
                    cloud,
                    namespace(&cx.graph, service).is_some(),
                    serves_requests(cx, service),
                )),
            ]
        })
        .collect();
    out.push(Block::Table {
        header: vec!["Service", "Language", "Tests", "Rollout"],
        rows,
    });
}

/// Whether anything calls `service` (synchronously): a consumer that only reads a queue
/// takes no requests, and rolls out without a readiness gate.
fn serves_requests(cx: &Context<'_>, service: &crate::model::Component) -> bool {
    cx.graph
        .connections(service, petgraph::Direction::Incoming, None)
        .into_iter()
        .any(|c| cx.graph.style(c) == Some(crate::catalog::ConnectionStyle::Sync))
}
