//! The analyses for people: plain text for the terminal and Markdown for documents. User text
//! (ids are slugs; names are not printed) goes through the Markdown escaper.

use std::fmt::Write;

use super::{Report, minutes_text, usd_text as usd};
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
    if wanted("latency") {
        latency(out, report, markdown);
    }
    if wanted("capacity") {
        capacity(out, report, markdown);
    }
    if wanted("failures") {
        failures(out, report, markdown);
    }
    if wanted("recovery") {
        recovery(out, report, markdown);
    }
    if wanted("cost") {
        cost(out, report, markdown);
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
            let fix = match (&weak.fix, weak.entry_percent_if_fixed) {
                (Some(fix), Some(fixed)) => format!(
                    ": {} → {fixed}%",
                    if md {
                        escape_markdown(fix)
                    } else {
                        fix.clone()
                    }
                ),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "  {}weakest: {} at {}%{fix}",
                if md { "- " } else { "" },
                id(&weak.component, md),
                weak.percent,
            );
        }
    }
}

fn latency(out: &mut String, report: &Report, md: bool) {
    let l = &report.latency;
    heading(out, "Latency", md);
    match l.budget_ms {
        Some(budget) => {
            let _ = writeln!(out, "Budget: p99 {budget} ms.\n");
        }
        None => out.push_str("The model states no latency budget (`p99_latency_ms`).\n\n"),
    }
    if l.entries.is_empty() {
        out.push_str("No entry points: nothing serves requests from outside.\n");
        return;
    }
    for entry in &l.entries {
        let verdict = match entry.meets_budget {
            Some(true) => " (within the budget)",
            Some(false) => " (OVER the budget)",
            None => "",
        };
        let path: Vec<String> = entry
            .critical_path
            .iter()
            .map(|hop| id(&hop.component, md))
            .collect();
        let _ = writeln!(
            out,
            "{}{}: p50 {} ms, p99 {} ms{verdict}; critical path: {}",
            if md { "- " } else { "" },
            id(&entry.entry, md),
            entry.p50_ms,
            entry.p99_ms,
            path.join(" → ")
        );
        if let (Some(slowest), Some(advice)) = (&entry.slowest, &entry.advice) {
            let _ = writeln!(
                out,
                "  {}longest tail: {}: {}",
                if md { "- " } else { "" },
                id(slowest, md),
                if md {
                    escape_markdown(advice)
                } else {
                    advice.clone()
                }
            );
        }
    }
}

fn capacity(out: &mut String, report: &Report, md: bool) {
    let c = &report.capacity;
    heading(out, "Capacity at peak", md);
    if c.components.is_empty() {
        out.push_str("No component with a sized instance carries a known load: state `peak_rps` on each entry point (a system-wide target reaches the components only through a single entry point; with several, it is not split between them by guess).\n");
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
    for e in &c.components {
        if let Some(cap) = &e.partition_cap {
            let _ = writeln!(
                out,
                "\n{} works on at most {} instances: {} has {} partitions.",
                id(&e.component, md),
                cap.partitions,
                id(&cap.broker, md),
                cap.partitions
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
    for pool in &c.connection_pools {
        let _ = writeln!(
            out,
            "\n{}Connection pools into {}: up to {} connections against {} accepted{}",
            if md { "- " } else { "" },
            id(&pool.datastore, md),
            pool.connections,
            pool.limit,
            if pool.connections > pool.limit {
                " (EXHAUSTED)"
            } else {
                ""
            }
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
                "{bullet}Losing {what} {}: {} components lost; entry points down: {}; degraded: {}; data unavailable: {}",
                id(&o.fails, md),
                o.lost.len(),
                if o.entries_down.is_empty() {
                    "none".to_owned()
                } else {
                    list_ids(&o.entries_down, md)
                },
                if o.entries_degraded.is_empty() {
                    "none".to_owned()
                } else {
                    list_ids(&o.entries_degraded, md)
                },
                if o.data_unavailable.is_empty() {
                    "none".to_owned()
                } else {
                    list_ids(&o.data_unavailable, md)
                },
            );
            if !o.queues_up.is_empty() {
                let _ = writeln!(
                    out,
                    "{}  messages queue up: {}",
                    bullet,
                    if md {
                        escape_markdown(&o.queues_up.join(", "))
                    } else {
                        o.queues_up.join(", ")
                    }
                );
            }
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

fn recovery(out: &mut String, report: &Report, md: bool) {
    let r = &report.recovery;
    heading(out, "Recovery", md);
    match (r.rpo_objective_minutes, r.rto_objective_minutes) {
        (None, None) => out.push_str(
            "The model states no recovery objectives (`rpo_minutes`, `rto_minutes`).\n\n",
        ),
        (rpo, rto) => {
            let _ = writeln!(
                out,
                "Objectives: RPO {}, RTO {}.\n",
                rpo.map_or("unset".to_owned(), |m| format!("{m} min")),
                rto.map_or("unset".to_owned(), |m| format!("{m} min"))
            );
        }
    }
    if r.datastores.is_empty() {
        out.push_str("No datastore in the account.\n");
    } else if md {
        out.push_str("| Datastore | Instance or zone lost (RPO / RTO) | Region lost (RPO / RTO) | Corruption (RPO / RTO) |\n| --- | --- | --- | --- |\n");
    }
    for d in &r.datastores {
        let cell = |o: &super::recovery::Outcome| {
            format!(
                "{} / {}: {}",
                minutes_text(o.rpo_minutes),
                minutes_text(o.rto_minutes),
                if md {
                    escape_markdown(&o.how)
                } else {
                    o.how.clone()
                }
            )
        };
        let verdict = match d.meets_objectives {
            Some(false) => " (MISSES the objectives)",
            _ => "",
        };
        if md {
            let _ = writeln!(
                out,
                "| {}{verdict} | {} | {} | {} |",
                id(&d.component, md),
                cell(&d.instance_or_zone_loss),
                cell(&d.region_loss),
                cell(&d.corruption)
            );
        } else {
            let _ = writeln!(
                out,
                "{}{verdict}\n  instance or zone lost: {}\n  region lost: {}\n  corruption: {}",
                d.component,
                cell(&d.instance_or_zone_loss),
                cell(&d.region_loss),
                cell(&d.corruption)
            );
        }
    }
    let bullet = if md { "- " } else { "" };
    for gap in &r.standby_gaps {
        let _ = writeln!(
            out,
            "\n{bullet}Standby region {} of {} lacks counterparts of: {}",
            id(&gap.standby, md),
            id(&gap.primary, md),
            list_ids(&gap.missing, md)
        );
    }
    for write in &r.writes_to_replicas {
        let _ = writeln!(
            out,
            "\n{bullet}{} writes to {}, a replica of {}: writes belong on the primary",
            id(&write.caller, md),
            id(&write.replica, md),
            id(&write.primary, md)
        );
    }
}

fn cost(out: &mut String, report: &Report, md: bool) {
    let c = &report.cost;
    heading(out, "Cost a month", md);
    let _ = writeln!(
        out,
        "On-demand list prices (USD) from the offline price table, without data transfer, free tiers or discounts; baseline runs the fewest instances at an average month's load, peak the instances the scenario's peak needs (within each autoscaling maximum) with a month of requests at its load (×{}).\n",
        c.load_multiplier
    );
    if md {
        out.push_str("| Cloud | Prices of | Baseline | Peak | Not priced |\n| --- | --- | ---: | ---: | ---: |\n");
    }
    for p in &c.providers {
        if md {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                p.cloud.label(),
                p.price_region,
                usd(p.baseline_usd),
                usd(p.peak_usd),
                p.not_priced.len()
            );
        } else {
            let _ = writeln!(
                out,
                "{} ({}): {} baseline, {} at peak; {} components not priced",
                p.cloud.label(),
                p.price_region,
                usd(p.baseline_usd),
                usd(p.peak_usd),
                p.not_priced.len()
            );
        }
    }
    let Some(first) = c.providers.first() else {
        return;
    };
    let _ = writeln!(out, "\nBy component on {}:\n", first.cloud.label());
    if md {
        out.push_str("| Component | Priced as | Baseline | Peak |\n| --- | --- | ---: | ---: |\n");
    }
    for component in &first.components {
        if md {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                id(&component.component, md),
                escape_markdown(&component.service),
                usd(component.baseline_usd),
                usd(component.peak_usd)
            );
        } else {
            let _ = writeln!(
                out,
                "{}: {} baseline, {} at peak ({})",
                component.component,
                usd(component.baseline_usd),
                usd(component.peak_usd),
                component.service
            );
        }
    }
    if !first.not_priced.is_empty() {
        let _ = writeln!(out, "\nNot priced:\n");
        for n in &first.not_priced {
            let _ = writeln!(
                out,
                "{}{}: {}",
                if md { "- " } else { "" },
                id(&n.component, md),
                if md {
                    escape_markdown(&n.reason)
                } else {
                    n.reason.clone()
                }
            );
        }
    }
}

fn list_ids(items: &[String], md: bool) -> String {
    items
        .iter()
        .map(|i| id(i, md))
        .collect::<Vec<_>>()
        .join(", ")
}
