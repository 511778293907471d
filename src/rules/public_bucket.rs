//! SEC009: object storage readable by anyone.

use crate::edit::EditOp;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags buckets with `public_read: true`.
    ///
    /// ## Why it matters
    /// Public buckets are the most common source of large data leaks: backups, exports and
    /// uploads end up in them by accident. Serve public files through a CDN with origin access
    /// instead.
    ///
    /// ## Example
    /// `media` (object storage) with `public_read: true`.
    ///
    /// ## How to fix
    /// Turn public access off (the quick fix does) and serve objects through a CDN origin.
    pub struct PublicBucket;
    id: "SEC009",
    name: "public-bucket",
    category: Security,
    severity: Error,
}

impl Rule for PublicBucket {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for bucket in cx
            .declaring("public_read")
            .filter(|c| cx.flag(c, "public_read"))
        {
            let mut finding = cx.finding(
                format!("{} is readable by anyone on the internet", bucket.name),
                vec![bucket.id.as_str().to_owned()],
                "block public access and serve objects through a CDN origin",
            );
            finding.quick_fix = Some(vec![EditOp::set_property(&bucket.id, "public_read", false)]);
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, assert_quick_fixes_resolve, render, run};

    fn doc(public: bool) -> crate::model::Document {
        Fixture::new()
            .component("media", "object-storage", &[("public_read", public.into())])
            .build()
    }

    #[test]
    fn passes_when_private() {
        assert!(run(&PublicBucket, &doc(false)).is_empty());
    }

    #[test]
    fn fails_when_public() {
        insta::assert_snapshot!(render(&run(&PublicBucket, &doc(true))));
        assert_quick_fixes_resolve(&PublicBucket, &doc(true));
    }
}
