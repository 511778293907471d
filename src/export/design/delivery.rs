//! The design document's "Delivery and rollout" section: what the GitHub Actions export
//! runs for each service (its language's tests, its image), the environments a change
//! goes through, and how the Terraform replaces a running service with a new image. It
//! reads the same services, toolchains and rollout the exports use.

use super::content::{Block, Line, code, plain, strong, text};
use super::{Context, heading, paragraph};
use crate::export::github_actions::delivered;
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
            " writes the pipeline on {}: on every pull request each service's tests and image build; on main, every image at the commit's SHA, then ",
            cloud.label()
        )),
        code("terraform apply"),
        text(" with that image tag to staging and, once staging is deployed and the production environment's reviewers approve, to production. Each environment has its own Terraform state."),
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
                plain(rollout(cloud, namespace(&cx.graph, service).is_some())),
            ]
        })
        .collect();
    out.push(Block::Table {
        header: vec!["Service", "Language", "Tests", "Rollout"],
        rows,
    });
}
