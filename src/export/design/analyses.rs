//! The "Analyses" section: what `archsmith analyze` computes, from the same report the
//! rules read, so the document, the findings and the command line never disagree.

use super::content::{Block, Line, plain, strong, text};
use super::{Context, heading, list_or, paragraph, sub_heading};
use crate::analysis::recovery::Outcome;
use crate::analysis::{Report, minutes_text, usd_text as usd};

pub(super) fn name(cx: &Context<'_>, id: &str) -> String {
    cx.doc
        .component(id)
        .map_or_else(|| id.to_owned(), |c| c.name.clone())
}

pub(super) fn group_name(cx: &Context<'_>, id: &str) -> String {
    cx.doc
        .group(id)
        .map_or_else(|| id.to_owned(), |g| g.name.clone())
}

pub(super) fn names(cx: &Context<'_>, ids: &[String]) -> String {
    if ids.is_empty() {
        return "none".to_owned();
    }
    ids.iter()
        .map(|id| name(cx, id))
        .collect::<Vec<_>>()
        .join(", ")
}

fn yes_no(verdict: Option<bool>) -> Line {
    plain(match verdict {
        Some(true) => "yes",
        Some(false) => "no",
        None => "no target",
    })
}

pub(super) fn analyses(cx: &Context<'_>, out: &mut Vec<Block>) {
    heading(out, 2, "Analyses");
    paragraph(
        out,
        "Computed from the model by the same analyses as `archsmith analyze` and the rules: published SLAs and planning figures for each kind (with their sources in the catalog), the load the model states at peak, and list prices from the offline price table.",
    );
    let report = cx.graph.analysis();
    availability(cx, report, out);
    latency(cx, report, out);
    capacity(cx, report, out);
    failures(cx, report, out);
    cost(cx, report, out);
}

fn availability(cx: &Context<'_>, report: &Report, out: &mut Vec<Block>) {
    sub_heading(out, "Availability");
    let a = &report.availability;
    paragraph(
        out,
        match a.objective {
            Some(slo) => format!(
                "Objective: {slo}%. Each entry point's figure is the product of what a request waits on along its least available journey: the most the published SLAs and replicas promise, before deployments, bugs and overload take their share."
            ),
            None => "The model states no availability objective.".to_owned(),
        },
    );
    if a.entries.is_empty() {
        paragraph(
            out,
            "No entry points: nothing serves requests from outside.",
        );
        return;
    }
    let rows = a
        .entries
        .iter()
        .map(|e| {
            vec![
                vec![strong(name(cx, &e.entry))],
                plain(format!("{}%", e.percent)),
                plain(format!("{} min", e.downtime_minutes_per_month)),
                yes_no(e.meets_objective),
                plain(e.weakest.first().map_or("-".to_owned(), |w| {
                    match (&w.fix, w.entry_percent_if_fixed) {
                        (Some(fix), Some(fixed)) => format!(
                            "{} at {}%: {fix} → {fixed}%",
                            name(cx, &w.component),
                            w.percent
                        ),
                        _ => format!("{} at {}%", name(cx, &w.component), w.percent),
                    }
                })),
            ]
        })
        .collect();
    out.push(Block::Table {
        header: vec![
            "Entry point",
            "Expected",
            "Down a month",
            "Meets objective",
            "Weakest link",
        ],
        rows,
    });
}

fn latency(cx: &Context<'_>, report: &Report, out: &mut Vec<Block>) {
    sub_heading(out, "Latency");
    let l = &report.latency;
    paragraph(
        out,
        match l.budget_ms {
            Some(budget) => format!(
                "Budget: {budget} ms at p99. Medians add up along the critical path and tails combine as independent delays; parallel calls cost the slowest, caches spare reads by their hit ratio, timeouts and retries bound each call."
            ),
            None => "The model states no latency budget.".to_owned(),
        },
    );
    if l.entries.is_empty() {
        return;
    }
    let rows = l
        .entries
        .iter()
        .map(|e| {
            vec![
                vec![strong(name(cx, &e.entry))],
                plain(format!("{} ms", e.p50_ms)),
                plain(format!("{} ms", e.p99_ms)),
                yes_no(e.meets_budget),
                plain(
                    e.critical_path
                        .iter()
                        .map(|hop| name(cx, &hop.component))
                        .collect::<Vec<_>>()
                        .join(" → "),
                ),
            ]
        })
        .collect();
    out.push(Block::Table {
        header: vec![
            "Entry point",
            "p50",
            "p99",
            "Within budget",
            "Critical path",
        ],
        rows,
    });
}

fn capacity(cx: &Context<'_>, report: &Report, out: &mut Vec<Block>) {
    sub_heading(out, "Capacity at peak");
    let c = &report.capacity;
    if c.components.is_empty() {
        paragraph(
            out,
            "No component with a sized instance carries a known load: state peak_rps on each entry point (a system-wide target is not split between several entry points by guess).",
        );
        return;
    }
    if let Some(first) = &c.first_to_saturate {
        paragraph(
            out,
            format!(
                "First to run out as the peak grows: {}. Per-instance figures are planning estimates by kind and size; measure yours and state them as capacity_rps.",
                name(cx, first)
            ),
        );
    }
    let rows = c
        .components
        .iter()
        .map(|e| {
            vec![
                vec![strong(name(cx, &e.component))],
                plain(format!("{} ({})", e.load_rps, e.load_basis)),
                plain(format!(
                    "{} × {} = {}",
                    e.instances, e.instance_size, e.capacity_rps
                )),
                plain(format!("{}%", e.utilisation_pct)),
                plain(format!("×{}", e.headroom)),
                plain(e.instances_needed.to_string()),
            ]
        })
        .collect();
    out.push(Block::Table {
        header: vec![
            "Component",
            "Load at peak (req/s)",
            "Capacity (req/s)",
            "Utilisation",
            "Headroom",
            "Instances needed at 70%",
        ],
        rows,
    });
    for pool in &c.connection_pools {
        paragraph(
            out,
            format!(
                "Connection pools into {}: up to {} connections at the callers' most instances, against about {} accepted{}.",
                name(cx, &pool.datastore),
                pool.connections,
                pool.limit,
                if pool.connections > pool.limit {
                    ": exhausted before the callers scale out"
                } else {
                    ""
                }
            ),
        );
    }
    if !c.not_assessed.is_empty() {
        paragraph(
            out,
            format!(
                "Not assessed (managed services that scale themselves, kinds without sizes): {}.",
                names(cx, &c.not_assessed)
            ),
        );
    }
}

fn failures(cx: &Context<'_>, report: &Report, out: &mut Vec<Block>) {
    sub_heading(out, "Failure blast radius");
    let f = &report.failures;
    out.push(Block::Paragraph(plain(
        "Single points of failure (one component down takes an entry point down):",
    )));
    list_or(
        out,
        f.single_points_of_failure
            .iter()
            .map(|o| {
                vec![
                    strong(name(cx, &o.fails)),
                    text(format!(": {} down", names(cx, &o.entries_down))),
                ]
            })
            .collect(),
        "None.",
    );
    let rows: Vec<Vec<Line>> = f
        .zones
        .iter()
        .map(|o| ("zone", o))
        .chain(f.regions.iter().map(|o| ("region", o)))
        .map(|(what, o)| {
            vec![
                vec![strong(format!("{what} {}", group_name(cx, &o.fails)))],
                plain(o.lost.len().to_string()),
                plain(names(cx, &o.entries_down)),
                plain(names(cx, &o.entries_degraded)),
                plain(names(cx, &o.data_unavailable)),
                plain(if o.queues_up.is_empty() {
                    "none".to_owned()
                } else {
                    o.queues_up.join(", ")
                }),
            ]
        })
        .collect();
    if !rows.is_empty() {
        out.push(Block::Table {
            header: vec![
                "Losing",
                "Components lost",
                "Entry points down",
                "Degraded (some routes lost)",
                "Data unavailable",
                "Messages queue up",
            ],
            rows,
        });
    }
}

pub(super) fn outcome(o: &Outcome) -> Line {
    plain(format!(
        "RPO {}, RTO {}: {}",
        minutes_text(o.rpo_minutes),
        minutes_text(o.rto_minutes),
        o.how
    ))
}

fn cost(cx: &Context<'_>, report: &Report, out: &mut Vec<Block>) {
    sub_heading(out, "Cost a month");
    let c = &report.cost;
    paragraph(
        out,
        "On-demand list prices in US dollars (no free tiers, discounts, data transfer or support). Baseline: the fewest instances the model runs, with request-priced services billed for an average month (a share of the peak). Peak: the instances the stated peak needs (within each autoscaling maximum), with requests billed as if the month ran at the scenario's multiple of that average.",
    );
    out.push(Block::Table {
        header: vec!["Cloud", "Prices of", "Baseline", "Peak", "Not priced"],
        rows: c
            .providers
            .iter()
            .map(|p| {
                vec![
                    plain(p.cloud.label()),
                    plain(p.price_region),
                    plain(usd(p.baseline_usd)),
                    plain(usd(p.peak_usd)),
                    plain(p.not_priced.len().to_string()),
                ]
            })
            .collect(),
    });
    let Some(provider) = cx
        .cloud
        .and_then(|cloud| c.on(cloud))
        .or_else(|| c.providers.first())
    else {
        return;
    };
    paragraph(out, format!("By component on {}:", provider.cloud.label()));
    out.push(Block::Table {
        header: vec!["Component", "Priced as", "Baseline", "Peak"],
        rows: provider
            .components
            .iter()
            .map(|e| {
                vec![
                    vec![strong(name(cx, &e.component))],
                    plain(e.service.clone()),
                    plain(usd(e.baseline_usd)),
                    plain(usd(e.peak_usd)),
                ]
            })
            .collect(),
    });
    if !provider.not_priced.is_empty() {
        out.push(Block::Paragraph(plain("Not priced:")));
        out.push(Block::List(
            provider
                .not_priced
                .iter()
                .map(|n| {
                    vec![
                        strong(name(cx, &n.component)),
                        text(format!(": {}", n.reason)),
                    ]
                })
                .collect(),
        ));
    }
}
