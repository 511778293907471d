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
    /// Severities whose findings are folded away.
    collapsed: std::collections::BTreeSet<Severity>,
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
    if let Some(a) = waive_ui(ui, report, state) {
        action = Some(a);
    }
    // Only the visible rows are laid out, so thousands of findings cost nothing per frame.
    let mut rows = Vec::new();
    for (severity, indices) in report.sections() {
        rows.push(Row::Header(severity, indices.len()));
        if !state.collapsed.contains(&severity) {
            rows.extend(indices.into_iter().map(Row::Finding));
        }
    }
    let row_height = ui.spacing().interact_size.y + ui.spacing().item_spacing.y;
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show_rows(ui, row_height, rows.len(), |ui, range| {
            for row in rows.get(range).unwrap_or_default() {
                match *row {
                    Row::Header(severity, count) => {
                        let open = !state.collapsed.contains(&severity);
                        let text = RichText::new(format!("{} ({count})", severity_label(severity)))
                            .strong();
                        let hint = if open {
                            "Click to fold"
                        } else {
                            "Click to unfold"
                        };
                        if ui
                            .selectable_label(open, text)
                            .on_hover_text(hint)
                            .clicked()
                            && !state.collapsed.remove(&severity)
                        {
                            state.collapsed.insert(severity);
                        }
                    }
                    Row::Finding(index) => {
                        if let Some(finding) = report.findings.get(index)
                            && let Some(a) = finding_ui(ui, index, finding, state)
                        {
                            action = Some(a);
                        }
                    }
                }
            }
        });
    action
}

/// One line of the findings list.
#[derive(Debug, Clone, Copy)]
enum Row {
    Header(Severity, usize),
    Finding(usize),
}

/// The reason editor for the finding being waived, above the list.
fn waive_ui(ui: &mut Ui, report: &Report, state: &mut ProblemsState) -> Option<ProblemsAction> {
    let (index, reason) = state.waiving.as_mut()?;
    let finding = report.findings.get(*index)?;
    let mut action = None;
    let mut close = false;
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(format!(
                "Waive {} on {}",
                finding.rule,
                finding.targets.first().map_or("", String::as_str)
            ))
            .strong(),
        );
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
                rule: finding.rule.to_string(),
                target: target.clone(),
                reason: reason.trim().to_owned(),
            })));
            close = true;
        }
        if ui.button("Cancel").clicked() {
            close = true;
        }
    });
    if close {
        state.waiving = None;
    }
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
        ui.label(RichText::new(finding.rule.as_ref()).monospace());
        let text = if finding.waived.is_some() {
            RichText::new(&finding.message).weak().strikethrough()
        } else {
            RichText::new(&finding.message)
        };
        if ui
            .link(text)
            .on_hover_text(finding.fix_hint.as_ref())
            .clicked()
        {
            action = Some(ProblemsAction::Reveal(finding.targets.clone()));
        }
        if let Some(reason) = &finding.waived {
            ui.label(RichText::new(format!("waived: {reason}")).italics().weak());
            return;
        }
        if let Some(fix) = &finding.quick_fix
            && ui
                .button("Fix")
                .on_hover_text(finding.fix_hint.as_ref())
                .clicked()
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
    action
}
