//! `partition-drift`, `replication-drift`, `config-drift`: a declared topic that differs from
//! its spec. The evidence shows what the spec expects and what the cluster has.

use serde_json::json;

use super::CheckInput;
use crate::diff::config_changes;
use crate::model::finding::{evidence, Code, Finding};
use crate::model::plan::ConfigChangeOp;

pub fn check(input: &CheckInput, out: &mut Vec<Finding>, notes: &mut Vec<String>) {
    for (name, spec) in &input.specs.topics {
        let (Some(topic), false) = (input.state.topics.get(name), spec.delete) else {
            continue;
        };
        if input.filter.ignores(name) {
            continue;
        }
        let (Some(partitions), Some(rf)) = (spec.partitions, spec.replication_factor) else {
            continue;
        };
        let at = spec.origin.location();
        let finding = |code: Code, message: String, evidence| Finding {
            code,
            severity: code.severity(),
            topic: Some(name.clone()),
            message,
            evidence,
            declared_at: Some(at.clone()),
        };
        if topic.partitions != partitions {
            let fix = if topic.partitions < partitions {
                "`topicgate apply` adds the missing partitions (key placement changes)"
            } else {
                "Kafka cannot remove partitions: recreate the topic or declare the current count"
            };
            out.push(finding(
                Code::PartitionDrift,
                format!(
                    "`{name}` has {} partition(s), its spec ({at}) declares {partitions}; {fix}",
                    topic.partitions
                ),
                evidence([
                    ("expected", json!(partitions)),
                    ("actual", json!(topic.partitions)),
                ]),
            ));
        }
        if topic.replication_factor != rf {
            out.push(finding(
                Code::ReplicationDrift,
                format!(
                    "`{name}` has replication factor {}, its spec ({at}) declares {rf}; it needs a partition reassignment (see `topicgate plan`)",
                    topic.replication_factor
                ),
                evidence([("expected", json!(rf)), ("actual", json!(topic.replication_factor))]),
            ));
        }
        if let Some(error) = &topic.configs_error {
            notes.push(format!("the configs of `{name}` could not be read ({error}); `config-drift` was not checked for it"));
            continue;
        }
        let changes = config_changes(&spec.configs, topic);
        if !changes.is_empty() {
            let parts: Vec<String> = changes
                .iter()
                .map(|c| match (c.op, &c.from, &c.to) {
                    (ConfigChangeOp::Set, None, Some(to)) => {
                        format!("`{}` is not set (spec: `{to}`)", c.key)
                    }
                    (ConfigChangeOp::Set, Some(from), Some(to)) => {
                        format!("`{}` is `{from}` (spec: `{to}`)", c.key)
                    }
                    (_, from, _) => format!(
                        "`{}` is set to `{}` but not declared",
                        c.key,
                        from.as_deref().unwrap_or("")
                    ),
                })
                .collect();
            let details: Vec<serde_json::Value> = changes
                .iter()
                .map(|c| json!({"key": c.key, "expected": c.to, "actual": c.from}))
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
}
