//! `partition-drift`, `replication-drift`, `config-drift`: a declared topic that differs from
//! its spec. The evidence shows what the spec expects and what the cluster has.

use serde_json::json;

use super::CheckInput;
use crate::compare::{compare, Configs, Delta, TopicShape};
use crate::model::finding::{evidence, Code, Finding};

pub fn check(input: &CheckInput, out: &mut Vec<Finding>, notes: &mut Vec<String>) {
    for (name, spec) in &input.specs.topics {
        let Some(topic) = input.state.topics.get(name) else {
            continue;
        };
        // A spec marked for deletion declares no shape to drift from.
        let Some(want) = TopicShape::of_spec(spec) else {
            continue;
        };
        if input.filter.ignores(name) {
            continue;
        }
        let comparison = compare(&want, topic);
        if comparison.matches() {
            continue;
        }
        let at = spec.origin.location();
        let finding = |code: Code, message: String, evidence| Finding {
            code,
            severity: code.severity(),
            topic: Some(name.clone()),
            message,
            evidence,
            declared_at: Some(at.clone()),
        };
        if let Delta::Differs { want, have } = comparison.partitions {
            let fix = if have < want {
                "`topicgate apply` adds the missing partitions (key placement changes)"
            } else {
                "Kafka cannot remove partitions: recreate the topic or declare the current count"
            };
            out.push(finding(
                Code::PartitionDrift,
                format!("`{name}` has {have} partition(s), its spec ({at}) declares {want}; {fix}"),
                evidence([("expected", json!(want)), ("actual", json!(have))]),
            ));
        }
        if let Delta::Differs { want, have } = comparison.replication_factor {
            out.push(finding(
                Code::ReplicationDrift,
                format!(
                    "`{name}` has replication factor {have}, its spec ({at}) declares {want}; it needs a partition reassignment (see `topicgate plan`)"
                ),
                evidence([("expected", json!(want)), ("actual", json!(have))]),
            ));
        }
        let deltas = match comparison.configs {
            Configs::Same => continue,
            Configs::Unreadable(error) => {
                notes.push(format!("the configs of `{name}` could not be read ({error}); `config-drift` was not checked for it"));
                continue;
            }
            Configs::Differ(deltas) => deltas,
        };
        let parts: Vec<String> = deltas
            .iter()
            .map(|d| match (&d.want, &d.have) {
                (Some(want), None) => format!("`{}` is not set (spec: `{want}`)", d.key),
                (Some(want), Some(have)) => format!("`{}` is `{have}` (spec: `{want}`)", d.key),
                (None, have) => format!(
                    "`{}` is set to `{}` but not declared",
                    d.key,
                    have.as_deref().unwrap_or("")
                ),
            })
            .collect();
        let details: Vec<serde_json::Value> = deltas
            .iter()
            .map(|d| json!({"key": d.key, "expected": d.want, "actual": d.have}))
            .collect();
        out.push(finding(
            Code::ConfigDrift,
            format!(
                "`{name}` configs differ from its spec ({at}): {}",
                parts.join("; ")
            ),
            evidence([("configs", json!(details))]),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::*;
    use crate::model::broker_defaults::GivenDefaults;
    use crate::model::diagnostic::Severity;

    #[test]
    fn each_kind_of_drift_is_reported_with_expected_and_actual() {
        let drifted = kafka_topic(6, 2, &[("retention.ms", "86400000"), ("segment.ms", "5")]);
        let report = run(
            &specs(GOVERNED),
            &msk(vec![("orders.created", drifted)]),
            GivenDefaults::default(),
        );
        assert_eq!(
            codes(&report),
            vec![
                (Some("orders.created"), "partition-drift", Severity::Error),
                (Some("orders.created"), "replication-drift", Severity::Error),
                (Some("orders.created"), "config-drift", Severity::Error),
            ]
        );
        let p = &report.findings[0];
        assert_eq!(p.evidence["expected"], 12);
        assert_eq!(p.evidence["actual"], 6);
        let c = &report.findings[2];
        assert_eq!(
            c.evidence["configs"],
            serde_json::json!([
                {"key": "min.insync.replicas", "expected": "2", "actual": null},
                {"key": "retention.ms", "expected": "604800000", "actual": "86400000"},
                {"key": "segment.ms", "expected": null, "actual": "5"},
            ])
        );
        assert!(
            c.message
                .contains("`segment.ms` is set to `5` but not declared"),
            "{}",
            c.message
        );
    }

    #[test]
    fn no_drift_on_a_governed_topic_on_full_or_sparse_brokers() {
        let report = run(
            &specs(GOVERNED),
            &msk(vec![("orders.created", governed_topic())]),
            GivenDefaults::default(),
        );
        assert!(codes(&report).is_empty());
        let sparse = sparse_topic(
            12,
            3,
            &[("retention.ms", "604800000"), ("min.insync.replicas", "2")],
        );
        let report = run(
            &specs(GOVERNED),
            &msk(vec![("orders.created", sparse)]),
            GivenDefaults::default(),
        );
        assert!(codes(&report).is_empty(), "{:?}", codes(&report));
    }

    #[test]
    fn unreadable_configs_are_a_note_and_the_numbers_still_drift() {
        let mut topic = kafka_topic(6, 3, &[]);
        topic.configs_error = Some("timed out".into());
        let report = run(
            &specs(GOVERNED),
            &msk(vec![("orders.created", topic)]),
            GivenDefaults::default(),
        );
        assert_eq!(
            codes(&report),
            vec![(Some("orders.created"), "partition-drift", Severity::Error)]
        );
        assert!(report.notes.contains(&"the configs of `orders.created` could not be read (timed out); `config-drift` was not checked for it".to_string()), "{:?}", report.notes);
    }
}
