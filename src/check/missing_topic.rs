//! `missing-topic`: a declared topic that does not exist.

use serde_json::json;

use super::CheckInput;
use crate::model::finding::{evidence, Code, Finding};

pub fn check(input: &CheckInput, out: &mut Vec<Finding>) {
    for (name, spec) in &input.specs.topics {
        if spec.delete || input.state.topics.contains_key(name) || input.filter.ignores(name) {
            continue;
        }
        out.push(Finding {
            code: Code::MissingTopic,
            severity: Code::MissingTopic.severity(),
            topic: Some(name.clone()),
            message: format!(
                "`{name}` is declared ({}) but does not exist; `topicgate apply` creates it",
                spec.origin.location()
            ),
            evidence: evidence([
                ("expected_partitions", json!(spec.partitions)),
                (
                    "expected_replication_factor",
                    json!(spec.replication_factor),
                ),
                ("exists", json!(false)),
            ]),
            declared_at: Some(spec.origin.location()),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::*;
    use crate::model::broker_defaults::GivenDefaults;
    use crate::model::diagnostic::Severity;

    #[test]
    fn fires_for_an_absent_declared_topic_only() {
        let report = run(&specs(GOVERNED), &msk(vec![]), GivenDefaults::default());
        assert_eq!(
            codes(&report),
            vec![(Some("orders.created"), "missing-topic", Severity::Error)]
        );
        let report = run(
            &specs(GOVERNED),
            &msk(vec![("orders.created", governed_topic())]),
            GivenDefaults::default(),
        );
        assert!(codes(&report).is_empty());
        // A spec that asks for deletion is not missing when absent.
        let report = run(
            &specs("topics:\n  - {name: gone, delete: true}\n"),
            &msk(vec![]),
            GivenDefaults::default(),
        );
        assert!(codes(&report).is_empty());
    }
}
