//! COR002: a scheduled job whose cron expression cannot be right.

use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks `schedule` on scheduled jobs: five fields (minute, hour, day of month, month, day
    /// of week), each `*`, a number in range, a range, a list or a step.
    ///
    /// ## Why it matters
    /// A malformed schedule is rejected at deploy time at best, and at worst runs at a time
    /// nobody intended.
    ///
    /// ## Example
    /// `schedule: "0 25 * * *"` (there is no hour 25).
    ///
    /// ## How to fix
    /// Write a five-field cron expression, e.g. `0 2 * * *` for 02:00 every day.
    pub struct InvalidSchedule;
    id: "COR002",
    name: "invalid-cron-schedule",
    category: Correctness,
    severity: Error,
}

/// Whether one cron field is valid for values in `min..=max`.
fn field_ok(field: &str, min: u32, max: u32) -> bool {
    let in_range = |v: &str| v.parse::<u32>().is_ok_and(|n| (min..=max).contains(&n));
    field.split(',').all(|part| {
        let (base, step) = part
            .split_once('/')
            .map_or((part, None), |(b, s)| (b, Some(s)));
        if step.is_some_and(|s| s.parse::<u32>().map_or(true, |n| n == 0)) {
            return false;
        }
        match base.split_once('-') {
            _ if base == "*" => true,
            Some((a, b)) => {
                in_range(a) && in_range(b) && a.parse::<u32>().ok() <= b.parse::<u32>().ok()
            }
            None => in_range(base),
        }
    })
}

pub(crate) fn cron_is_valid(expression: &str) -> bool {
    let fields: Vec<&str> = expression.split_whitespace().collect();
    let limits = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)];
    fields.len() == 5
        && fields
            .iter()
            .zip(limits)
            .all(|(f, (min, max))| field_ok(f, min, max))
}

impl Rule for InvalidSchedule {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for job in cx.graph.with_trait(crate::catalog::Trait::Scheduled) {
            let Some(schedule) = cx.text(job, "schedule") else {
                continue;
            };
            if !cron_is_valid(schedule) {
                out.push(cx.finding(
                    format!("{} has an invalid schedule `{schedule}`", job.name),
                    vec![job.id.as_str().to_owned()],
                    "write a five-field cron expression, e.g. `0 2 * * *`",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    #[test]
    fn parses_cron() {
        assert!(cron_is_valid("0 2 * * *"));
        assert!(cron_is_valid("*/15 8-18 * * 1-5"));
        assert!(cron_is_valid("0,30 * 1 1,6 0"));
        assert!(!cron_is_valid("0 25 * * *"));
        assert!(!cron_is_valid("every day"));
        assert!(!cron_is_valid("*/0 * * * *"));
    }

    #[test]
    fn passes_with_a_valid_schedule() {
        let doc = Fixture::new()
            .component(
                "nightly",
                "scheduled-job",
                &[("schedule", "0 2 * * *".into())],
            )
            .build();
        assert!(run(&InvalidSchedule, &doc).is_empty());
    }

    #[test]
    fn fails_with_an_invalid_one() {
        let doc = Fixture::new()
            .component(
                "nightly",
                "scheduled-job",
                &[("schedule", "0 25 * * *".into())],
            )
            .build();
        insta::assert_snapshot!(render(&run(&InvalidSchedule, &doc)));
    }
}
