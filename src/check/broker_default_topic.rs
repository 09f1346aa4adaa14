//! `broker-default-topic`: a topic with no topic-level overrides whose partition count and
//! replication factor equal the broker defaults. N.B. KAFKA.md: that is exactly what a broker with
//! `auto.create.topics.enable=true` creates when a producer names a missing topic.
//! Reported whether or not a spec declares the topic (unless the topic matches its spec).

use serde_json::json;

use super::CheckInput;
use crate::compare::{compare, TopicShape};
use crate::model::broker_defaults::ResolvedDefaults;
use crate::model::cluster_state::TopicState;
use crate::model::diagnostic::Severity;
use crate::model::finding::{evidence, Code, Finding};
use crate::model::topic_spec::TopicSpec;

/// How much a topic looks auto-created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signature {
    /// No overrides, and partitions and replication factor equal the known defaults.
    Defaults,
    /// No overrides; the defaults are (partly) unknown, and what is known matches.
    NoOverridesDefaultsUnknown,
    /// Overrides set, configs unreadable, or a known default differs.
    None,
}

pub fn signature(topic: &TopicState, defaults: &ResolvedDefaults) -> Signature {
    if topic.configs_error.is_some() || topic.has_overrides() {
        return Signature::None;
    }
    let partitions = defaults.partitions.value.map(|p| p == topic.partitions);
    let rf = defaults
        .replication_factor
        .value
        .map(|r| r == topic.replication_factor);
    match (partitions, rf) {
        (Some(false), _) | (_, Some(false)) => Signature::None,
        (Some(true), Some(true)) => Signature::Defaults,
        _ => Signature::NoOverridesDefaultsUnknown,
    }
}

/// The sentence describing a topic's settings: `1 partition(s), replication factor 3, no overrides`.
pub fn shape(topic: &TopicState) -> String {
    format!(
        "{} partition(s), replication factor {}, no overrides",
        topic.partitions, topic.replication_factor
    )
}

pub fn spec_shape(spec: &TopicSpec) -> String {
    format!(
        "{} partition(s), replication factor {} and {} override(s)",
        spec.partitions.unwrap_or(0),
        spec.replication_factor.unwrap_or(0),
        spec.configs.len()
    )
}

pub fn check(input: &CheckInput, out: &mut Vec<Finding>, notes: &mut Vec<String>) {
    let mut unknown = 0;
    for (name, topic) in &input.state.topics {
        if input.filter.ignores(name) {
            continue;
        }
        // Cheap first: most topics have overrides.
        let sig = signature(topic, &input.defaults);
        if sig == Signature::None {
            continue;
        }
        let spec = input.specs.topics.get(name).filter(|s| !s.delete);
        // A topic that matches its spec is governed, whatever its settings.
        if spec
            .and_then(TopicShape::of_spec)
            .is_some_and(|want| compare(&want, topic).matches())
        {
            continue;
        }
        let origin = match spec {
            Some(spec) => format!(
                "although its spec ({}) declares {}: it was probably auto-created by a client before it was provisioned",
                spec.origin.location(),
                spec_shape(spec)
            ),
            None => "and no spec declares it: it was probably auto-created by a client".to_string(),
        };
        let (severity, message) = match sig {
            Signature::None => continue,
            Signature::Defaults => (
                Severity::Error,
                format!(
                    "`{name}` has the broker's default settings ({}) {origin}",
                    shape(topic)
                ),
            ),
            Signature::NoOverridesDefaultsUnknown => {
                unknown += 1;
                (
                    Severity::Warning,
                    format!(
                        "`{name}` has no topic-level overrides ({}), the signature of an auto-created topic; the broker's defaults are unknown, so they could not be compared (give them with `--broker-defaults partitions=N,replication_factor=M`)",
                        shape(topic)
                    ),
                )
            }
        };
        out.push(Finding {
            code: Code::BrokerDefaultTopic,
            severity,
            topic: Some(name.clone()),
            message,
            evidence: evidence([
                ("partitions", json!(topic.partitions)),
                ("replication_factor", json!(topic.replication_factor)),
                ("overrides", json!(0)),
                (
                    "broker_default_partitions",
                    json!(input.defaults.partitions.value),
                ),
                (
                    "broker_default_replication_factor",
                    json!(input.defaults.replication_factor.value),
                ),
                (
                    "broker_defaults_source",
                    json!(input.defaults.partitions.source),
                ),
                ("declared", json!(spec.is_some())),
            ]),
            declared_at: spec.map(|s| s.origin.location()),
        });
    }
    if unknown > 0 {
        notes.push(format!(
            "the broker does not expose `num.partitions` and `default.replication.factor`; {unknown} topic(s) without overrides were reported as warnings (give the defaults with `--broker-defaults` or in `topicgate.yaml`)"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::*;
    use crate::model::broker_defaults::{parse_given, GivenDefaults};
    use crate::model::diagnostic::Severity;

    #[test]
    fn an_undeclared_auto_created_topic_is_an_error() {
        // N.B. KAFKA.md: on MSK an auto-created topic has 1 partition, RF 3, no overrides.
        let report = run(
            &specs(GOVERNED),
            &msk(vec![
                ("orders.created", governed_topic()),
                ("payments", kafka_topic(1, 3, &[])),
            ]),
            GivenDefaults::default(),
        );
        let found: Vec<_> = codes(&report)
            .into_iter()
            .filter(|c| c.1 == "broker-default-topic")
            .collect();
        assert_eq!(
            found,
            vec![(Some("payments"), "broker-default-topic", Severity::Error)]
        );
        let f = report
            .findings
            .iter()
            .find(|f| f.code.as_str() == "broker-default-topic")
            .unwrap();
        assert!(f.message.contains("no spec declares it"), "{}", f.message);
        assert_eq!(f.evidence["broker_defaults_source"], "broker");
    }

    #[test]
    fn a_declared_topic_created_with_defaults_says_so() {
        let report = run(
            &specs(GOVERNED),
            &msk(vec![("orders.created", kafka_topic(1, 3, &[]))]),
            GivenDefaults::default(),
        );
        let f = report
            .findings
            .iter()
            .find(|f| f.code.as_str() == "broker-default-topic")
            .unwrap();
        assert_eq!(f.severity, Severity::Error);
        assert!(f.message.contains("although its spec (s.yaml:2:5) declares 12 partition(s), replication factor 3 and 2 override(s)"), "{}", f.message);
        assert_eq!(f.declared_at.as_deref(), Some("s.yaml:2:5"));
    }

    #[test]
    fn does_not_fire_on_governed_or_configured_topics() {
        // Governed: matches its spec. Configured: has an override. Other shape: 6 partitions.
        let report = run(
            &specs(GOVERNED),
            &msk(vec![
                ("orders.created", governed_topic()),
                ("configured", kafka_topic(1, 3, &[("retention.ms", "1000")])),
                ("wider", kafka_topic(6, 3, &[])),
            ]),
            GivenDefaults::default(),
        );
        assert!(
            !codes(&report).iter().any(|c| c.1 == "broker-default-topic"),
            "{:?}",
            codes(&report)
        );
        // A spec that declares exactly the defaults, matched: governed, not flagged.
        let plain = specs("topics:\n  - {name: plain, partitions: 1, replication_factor: 3}\n");
        let report = run(
            &plain,
            &msk(vec![("plain", kafka_topic(1, 3, &[]))]),
            GivenDefaults::default(),
        );
        assert!(codes(&report).is_empty(), "{:?}", codes(&report));
    }

    #[test]
    fn sparse_brokers_use_the_given_defaults() {
        // N.B. KAFKA.md (Tansu): defaults not exposed; auto-created topics get 4 partitions, RF 1.
        let mut state = msk(vec![
            ("auto", sparse_topic(4, 1, &[])),
            ("set", sparse_topic(4, 1, &[("retention.ms", "5")])),
        ]);
        state.broker_defaults = Default::default();
        let report = run(
            &specs("topics: []\n"),
            &state,
            parse_given("partitions=4,replication_factor=1").unwrap(),
        );
        let found: Vec<_> = codes(&report)
            .into_iter()
            .filter(|c| c.1 == "broker-default-topic")
            .collect();
        assert_eq!(
            found,
            vec![(Some("auto"), "broker-default-topic", Severity::Error)]
        );
        assert_eq!(
            report
                .findings
                .iter()
                .find(|f| f.code.as_str() == "broker-default-topic")
                .unwrap()
                .evidence["broker_defaults_source"],
            "flag"
        );
    }

    #[test]
    fn unknown_defaults_still_report_topics_without_overrides_as_warnings() {
        let mut state = msk(vec![("auto", sparse_topic(4, 1, &[]))]);
        state.broker_defaults = Default::default();
        let report = run(&specs("topics: []\n"), &state, GivenDefaults::default());
        let f = report
            .findings
            .iter()
            .find(|f| f.code.as_str() == "broker-default-topic")
            .unwrap();
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.message.contains("could not be compared"), "{}", f.message);
        assert!(report.notes.iter().any(|n| n.contains("num.partitions")));
    }
}
