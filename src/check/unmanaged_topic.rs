//! `unmanaged-topic`: a topic in the cluster that no spec declares (internal and ignored topics
//! excepted).

use serde_json::json;

use super::CheckInput;
use crate::model::finding::{evidence, Code, Finding};

pub fn check(input: &CheckInput, out: &mut Vec<Finding>) {
    for (name, topic) in &input.state.topics {
        if input.specs.topics.contains_key(name) || input.filter.ignores(name) {
            continue;
        }
        out.push(Finding {
            code: Code::UnmanagedTopic,
            severity: Code::UnmanagedTopic.severity(),
            topic: Some(name.clone()),
            message: format!("`{name}` exists but no spec declares it; declare it (or ignore it with `--ignore`)"),
            evidence: evidence([
                ("partitions", json!(topic.partitions)),
                ("replication_factor", json!(topic.replication_factor)),
                ("overrides", json!(topic.overrides())),
            ]),
            declared_at: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::*;
    use super::super::{check, CheckInput};
    use crate::model::broker_defaults::{GivenDefaults, ResolvedDefaults};
    use crate::model::diagnostic::Severity;
    use crate::model::topic_filter::TopicFilter;

    #[test]
    fn fires_for_undeclared_topics_but_not_internal_or_ignored_ones() {
        let state = msk(vec![
            ("orders.created", governed_topic()),
            ("stray", kafka_topic(3, 3, &[("retention.ms", "5")])),
            ("tmp.scratch", kafka_topic(3, 3, &[("retention.ms", "5")])),
            (
                "__consumer_offsets",
                kafka_topic(50, 3, &[("cleanup.policy", "compact")]),
            ),
            ("app-store-changelog", kafka_topic(1, 3, &[])),
        ]);
        let s = specs(GOVERNED);
        let filter = TopicFilter::new(&["^tmp\\.".into()]).unwrap();
        let report = check(&CheckInput {
            specs: &s,
            state: &state,
            defaults: ResolvedDefaults::resolve(
                &state.broker_defaults,
                &GivenDefaults::default(),
                &GivenDefaults::default(),
            ),
            filter: &filter,
            policies: &crate::policy::CompiledPolicies::default(),
        });
        assert_eq!(
            codes(&report),
            vec![(Some("stray"), "unmanaged-topic", Severity::Warning)]
        );
        assert_eq!(
            report.findings[0].evidence["overrides"],
            serde_json::json!({"retention.ms": "5"})
        );
    }
}
