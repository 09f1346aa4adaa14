//! Organisation policies (topicgate.yaml) over every live topic: the `policy-*` codes. A topic's
//! values are what the broker reports: its overrides, plus inherited values where the broker
//! reports them (Apache Kafka does; sparse brokers report only what was set).

use std::collections::BTreeMap;

use super::CheckInput;
use crate::model::cluster_state::ConfigView;
use crate::model::finding::Finding;
use crate::policy::Subject;

pub fn check(input: &CheckInput, out: &mut Vec<Finding>) {
    if input.policies.is_empty() {
        return;
    }
    let no_exceptions = BTreeMap::new();
    for (name, topic) in &input.state.topics {
        if input.filter.ignores(name) || topic.configs_error.is_some() {
            continue;
        }
        let spec = input.specs.topics.get(name);
        let overrides = topic.overrides();
        let effective: BTreeMap<String, String> = match topic.config_view {
            ConfigView::Full => topic
                .configs
                .iter()
                .filter_map(|(k, e)| Some((k.clone(), e.value.clone()?)))
                .collect(),
            ConfigView::SetOnly => overrides.clone(),
        };
        out.extend(input.policies.evaluate(&Subject {
            name,
            partitions: topic.partitions,
            replication_factor: topic.replication_factor,
            overrides: &overrides,
            effective: &effective,
            exceptions: spec.map_or(&no_exceptions, |s| &s.policy_exceptions),
            declared_at: spec.map(|s| s.origin.location()),
            kind: "topic",
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::super::{check, CheckInput};
    use crate::fixtures::{kafka_topic, msk, specs};
    use crate::model::broker_defaults::{GivenDefaults, ResolvedDefaults};
    use crate::model::topic_filter::TopicFilter;
    use crate::policy::Policies;

    #[test]
    fn live_topics_are_held_to_the_policies_with_inherited_values() {
        let policies: Policies =
            serde_yaml::from_str("min_replication_factor: {value: 3}\nmin_insync_replicas: {}\n")
                .unwrap();
        let policies = policies.compile().unwrap();
        // kafka_topic reports min.insync.replicas=1 inherited: with RF 3 that breaks the rule.
        let state = msk(vec![
            ("weak", kafka_topic(3, 3, &[])),
            ("strong", kafka_topic(3, 3, &[("min.insync.replicas", "2")])),
            ("waived", kafka_topic(3, 1, &[("min.insync.replicas", "1")])),
        ]);
        let s = specs("topics:\n  - name: waived\n    partitions: 3\n    replication_factor: 1\n    configs: {min.insync.replicas: 1}\n    policy_exceptions:\n      policy-min-replication-factor: single-AZ scratch topic\n");
        let filter = TopicFilter::default();
        let report = check(&CheckInput {
            specs: &s,
            state: &state,
            defaults: ResolvedDefaults::resolve(
                &state.broker_defaults,
                &GivenDefaults::default(),
                &GivenDefaults::default(),
            ),
            filter: &filter,
            policies: &policies,
        });
        let found: Vec<(&str, &str)> = report
            .findings
            .iter()
            .filter(|f| f.code.as_str().starts_with("policy-"))
            .map(|f| (f.topic.as_deref().unwrap(), f.code.as_str()))
            .collect();
        assert_eq!(
            found,
            vec![
                ("waived", "policy-min-insync-replicas"),
                ("weak", "policy-min-insync-replicas")
            ]
        );
    }
}
