//! The problems panel: findings grouped by severity. Clicking one selects and frames its
//! elements; a finding can be waived with a reason, or fixed with its quick fix.

use archsmith::EditOp;
use archsmith::model::{Severity, Waiver};
use archsmith::rules::{Finding, Report};
use egui::{RichText, Ui};

use crate::canvas::style;

#[derive(Debug, Default)]
pub struct ProblemsState {
    /// The finding being waived (by index) and the reason typed so far.
    waiving: Option<(usize, String)>,
}

/// What the user asked for in the panel.
#[derive(Debug, Clone, PartialEq)]
pub enum ProblemsAction {
    Reveal(Vec<String>),
    Apply(EditOp),
}

fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "Errors",
        Severity::Warning => "Warnings",
        Severity::Info => "Info",
    }
}

pub fn problems_ui(
    ui: &mut Ui,
    report: &Report,
    state: &mut ProblemsState,
) -> Option<ProblemsAction> {
    let mut action = None;
    let s = &report.summary;
    ui.horizontal(|ui| {
        ui.label(RichText::new("Problems").strong());
        ui.label(
            RichText::new(format!("{} errors", s.errors))
                .color(style::severity_color(Severity::Error)),
        );
        ui.label(
            RichText::new(format!("{} warnings", s.warnings))
                .color(style::severity_color(Severity::Warning)),
        );
        ui.label(
            RichText::new(format!("{} info", s.infos)).color(style::severity_color(Severity::Info)),
        );
        if s.waived > 0 {
            ui.label(RichText::new(format!("{} waived", s.waived)).weak());
        }
    });
    ui.separator();
    if report.findings.is_empty() {
        ui.label(RichText::new("No problems found. Rules run after every change.").weak());
        return None;
    }
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for severity in [Severity::Error, Severity::Warning, Severity::Info] {
                let findings: Vec<(usize, &Finding)> = report
                    .findings
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| f.severity == severity)
                    .collect();
                if findings.is_empty() {
                    continue;
                }
                egui::CollapsingHeader::new(
                    RichText::new(format!("{} ({})", severity_label(severity), findings.len()))
                        .strong(),
                )
                .id_salt(("problems", severity.label()))
                .default_open(true)
                .show(ui, |ui| {
                    for (index, finding) in findings {
                        if let Some(a) = finding_ui(ui, index, finding, state) {
                            action = Some(a);
                        }
                    }
                });
            }
        });
    action
}

fn finding_ui(
    ui: &mut Ui,
    index: usize,
    finding: &Finding,
    state: &mut ProblemsState,
) -> Option<ProblemsAction> {
    let mut action = None;
    ui.horizontal(|ui| {
        let color = style::severity_color(finding.severity);
        ui.label(RichText::new("●").color(color));
        ui.label(RichText::new(&finding.rule).monospace());
        let text = if finding.waived.is_some() {
            RichText::new(&finding.message).weak().strikethrough()
        } else {
            RichText::new(&finding.message)
        };
        if ui.link(text).on_hover_text(&finding.fix_hint).clicked() {
            action = Some(ProblemsAction::Reveal(finding.targets.clone()));
        }
        if let Some(reason) = &finding.waived {
            ui.label(RichText::new(format!("waived: {reason}")).italics().weak());
            return;
        }
        if let Some(fix) = &finding.quick_fix
            && ui.button("Fix").on_hover_text(&finding.fix_hint).clicked()
        {
            action = Some(ProblemsAction::Apply(EditOp::Batch(fix.clone())));
        }
        if ui
            .button("Waive…")
            .on_hover_text("Accept this finding, with a reason")
            .clicked()
        {
            state.waiving = Some((index, String::new()));
        }
    });
    let mut cancel = false;
    if let Some((waiving, reason)) = state.waiving.as_mut()
        && *waiving == index
    {
        ui.horizontal(|ui| {
            let label = ui.label("Reason");
            ui.add(
                egui::TextEdit::singleline(reason)
                    .hint_text("why this is acceptable")
                    .desired_width(320.0),
            )
            .labelled_by(label.id);
            let ready = !reason.trim().is_empty();
            if ui.add_enabled(ready, egui::Button::new("Waive")).clicked()
                && let Some(target) = finding.targets.first()
            {
                action = Some(ProblemsAction::Apply(EditOp::AddWaiver(Waiver {
                    rule: finding.rule.clone(),
                    target: target.clone(),
                    reason: reason.trim().to_owned(),
                })));
            }
            if ui.button("Cancel").clicked() {
                cancel = true;
            }
        });
    }
    if cancel || matches!(action, Some(ProblemsAction::Apply(_))) {
        state.waiving = None;
    }
    action
}
