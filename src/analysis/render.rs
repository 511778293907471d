//! The analyses for people: plain text for the terminal and Markdown for documents. User text
//! (ids are slugs; names are not printed) goes through the Markdown escaper.

use std::fmt::Write;

use super::Report;
use crate::export::escape_markdown;

/// Markdown: a section per analysis in `only` (every analysis when it is empty).
pub fn markdown(report: &Report, only: &[String]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Analyses\n\nScenario: {} (load ×{}).",
        escape_markdown(&report.scenario.name),
        report.scenario.load_multiplier
    );
    sections(&mut out, report, only, true);
    out
}

/// Plain text for a terminal, the analyses in `only` (every analysis when it is empty).
pub fn human(report: &Report, only: &[String]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Scenario: {} (load x{})",
        report.scenario.name, report.scenario.load_multiplier
    );
    sections(&mut out, report, only, false);
    out
}

fn sections(out: &mut String, report: &Report, only: &[String], markdown: bool) {
    let wanted = |name: &str| only.is_empty() || only.iter().any(|o| o == name);
    if wanted("availability") {
        availability(out, report, markdown);
    }
    if wanted("capacity") {
        capacity(out, report, markdown);
    }
    if wanted("failures") {
        failures(out, report, markdown);
    }
}

fn id(text: &str, markdown: bool) -> String {
    if markdown {
        format!("`{}`", escape_markdown(text))
    } else {
        text.to_owned()
    }
}

fn heading(out: &mut String, title: &str, markdown: bool) {
    if markdown {
        let _ = writeln!(out, "\n## {title}\n");
    } else {
        let _ = writeln!(out, "\n{title}\n{}", "=".repeat(title.len()));
    }
}

fn availability(out: &mut String, report: &Report, md: bool) {
    let a = &report.availability;
    heading(out, "Availability", md);
    match a.objective {
        Some(slo) => {
            let _ = writeln!(out, "Objective: {slo}%.\n");
        }
        None => {
            out.push_str("The model states no availability objective (`availability_slo`).\n\n");
        }
    }
    if a.entries.is_empty() {
        out.push_str("No entry points: nothing serves requests from outside.\n");
        return;
    }
    for entry in &a.entries {
        let verdict = match entry.meets_objective {
            Some(true) => " (meets the objective)",
            Some(false) => " (MISSES the objective)",
            None => "",
        };
        let _ = writeln!(
            out,
            "{}{}: {}%{verdict}, about {} min down a month; waits on {} components.",
            if md { "- " } else { "" },
            id(&entry.entry, md),
            entry.percent,
            entry.downtime_minutes_per_month,
            entry.depends_on.len()
        );
        for weak in &entry.weakest {
            let _ = writeln!(
                out,
                "  {}weakest: {} at {}%: {} → {}%",
                if md { "- " } else { "" },
                id(&weak.component, md),
                weak.percent,
                if md {
                    escape_markdown(&weak.fix)
                } else {
                    weak.fix.clone()
                },
                weak.entry_percent_if_fixed
            );
        }
    }
}

fn capacity(out: &mut String, report: &Report, md: bool) {
    let c = &report.capacity;
    heading(out, "Capacity at peak", md);
    if c.components.is_empty() {
        out.push_str("No component with a sized instance carries load: state `peak_rps` on an entry point (or the system's target) to size the design.\n");
        return;
    }
    if let Some(first) = &c.first_to_saturate {
        let _ = writeln!(
            out,
            "First to saturate as the peak grows: {}.\n",
            id(first, md)
        );
    }
    if md {
        out.push_str("| Component | Load (req/s) | Capacity (req/s) | Utilisation | Headroom | Instances | Needed at 70% |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    }
    for e in &c.components {
        if md {
            let _ = writeln!(
                out,
                "| {} | {} ({}) | {} | {}% | ×{} | {} {} | {} |",
                id(&e.component, md),
                e.load_rps,
                e.load_basis,
                e.capacity_rps,
                e.utilisation_pct,
                e.headroom,
                e.instances,
                e.instance_size,
                e.instances_needed
            );
        } else {
            let _ = writeln!(
                out,
                "{}: {} req/s ({}) on {} x {} = {} req/s: {}% used, headroom x{}, needs {}",
                e.component,
                e.load_rps,
                e.load_basis,
                e.instances,
                e.instance_size,
                e.capacity_rps,
                e.utilisation_pct,
                e.headroom,
                e.instances_needed
            );
        }
    }
    if !c.saturated.is_empty() {
        let _ = writeln!(
            out,
            "\nSaturated at this peak: {}.",
            list_ids(&c.saturated, md)
        );
    }
    if !c.not_assessed.is_empty() {
        let _ = writeln!(
            out,
            "\nNot assessed (scale themselves or have no size): {} components.",
            c.not_assessed.len()
        );
    }
}

fn failures(out: &mut String, report: &Report, md: bool) {
    let f = &report.failures;
    heading(out, "Failures", md);
    let bullet = if md { "- " } else { "" };
    if f.single_points_of_failure.is_empty() {
        out.push_str("No single component takes an entry point down.\n");
    } else {
        out.push_str(
            "Single points of failure (one component down takes an entry point down):\n\n",
        );
        for o in &f.single_points_of_failure {
            let _ = writeln!(
                out,
                "{bullet}{} → down: {}",
                id(&o.fails, md),
                list_ids(&o.entries_down, md)
            );
        }
    }
    for (what, outages) in [("zone", &f.zones), ("region", &f.regions)] {
        for o in outages {
            let _ = writeln!(
                out,
                "{bullet}Losing {what} {}: {} components lost; entry points down: {}; data unavailable: {}",
                id(&o.fails, md),
                o.lost.len(),
                if o.entries_down.is_empty() {
                    "none".to_owned()
                } else {
                    list_ids(&o.entries_down, md)
                },
                if o.data_unavailable.is_empty() {
                    "none".to_owned()
                } else {
                    list_ids(&o.data_unavailable, md)
                },
            );
        }
    }
    if !f.in_no_drawn_zone.is_empty() {
        let _ = writeln!(
            out,
            "\n{} components on request paths run in one zone that the model does not draw: {}.",
            f.in_no_drawn_zone.len(),
            list_ids(&f.in_no_drawn_zone, md)
        );
    }
}

fn list_ids(items: &[String], md: bool) -> String {
    items
        .iter()
        .map(|i| id(i, md))
        .collect::<Vec<_>>()
        .join(", ")
}
