//! `gate`: the pre-deploy question "do all these topics exist, declared in the specs, and match
//! their specs?". Built on `check`'s rules, so its reasons are the same findings `check` reports.
//! Pure: specs, a `ClusterState` and the required names in, a yes or no with reasons out.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::check::{check, CheckInput};
use crate::compare::{compare, TopicShape};
use crate::model::document::{Document, Envelope};
use crate::model::finding::Code;
use crate::model::plan::ClusterRef;

/// Why a required topic is not ready. In the `topicgate-gate` document each is
/// `{code, message}` (format version 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(into = "ReasonWire")]
pub enum Reason {
    /// No spec declares the topic.
    Undeclared { topic: String },
    /// The topic's spec marks it for deletion.
    MarkedForDeletion { topic: String, declared_at: String },
    /// A `check` finding about the topic (one of `TOPIC_CODES`).
    Check { code: Code, message: String },
}

/// The stable code of a `Reason`: `undeclared`, `marked-for-deletion`, or a `check` finding
/// code (`missing-topic`, `broker-default-topic`, `partition-drift`, `replication-drift`,
/// `config-drift`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonCode {
    Undeclared,
    MarkedForDeletion,
    Check(Code),
}

impl ReasonCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonCode::Undeclared => "undeclared",
            ReasonCode::MarkedForDeletion => "marked-for-deletion",
            ReasonCode::Check(code) => code.as_str(),
        }
    }
}

impl std::fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Reason {
    pub fn code(&self) -> ReasonCode {
        match self {
            Reason::Undeclared { .. } => ReasonCode::Undeclared,
            Reason::MarkedForDeletion { .. } => ReasonCode::MarkedForDeletion,
            Reason::Check { code, .. } => ReasonCode::Check(*code),
        }
    }

    /// The sentence shown to the operator.
    pub fn message(&self) -> String {
        match self {
            Reason::Undeclared { topic } => format!(
                "no spec declares `{topic}`: declare it and run `topicgate apply` before deploying"
            ),
            Reason::MarkedForDeletion { topic, declared_at } => {
                format!("the spec of `{topic}` ({declared_at}) marks it for deletion")
            }
            Reason::Check { message, .. } => message.clone(),
        }
    }
}

/// A reason as the gate document writes it.
#[derive(Serialize)]
struct ReasonWire {
    code: &'static str,
    message: String,
}

impl From<Reason> for ReasonWire {
    fn from(r: Reason) -> ReasonWire {
        ReasonWire {
            code: r.code().as_str(),
            message: r.message(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requirement {
    pub topic: String,
    pub ready: bool,
    pub reasons: Vec<Reason>,
}

/// The `topicgate-gate` document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GateReport {
    /// `topicgate-gate`, version 1.
    #[serde(flatten)]
    pub envelope: Envelope,
    pub cluster: ClusterRef,
    pub ready: bool,
    pub topics: Vec<Requirement>,
}

impl Document for GateReport {
    const FORMAT: &'static str = "topicgate-gate";
    const VERSION: u32 = 1;
}

impl GateReport {
    pub fn unmet(&self) -> impl Iterator<Item = &Requirement> {
        self.topics.iter().filter(|r| !r.ready)
    }
}

const TOPIC_CODES: [Code; 5] = [
    Code::MissingTopic,
    Code::BrokerDefaultTopic,
    Code::PartitionDrift,
    Code::ReplicationDrift,
    Code::ConfigDrift,
];

/// Answers the gate for `required` (sorted and deduplicated in the report).
pub fn gate(input: &CheckInput, required: &[String]) -> GateReport {
    let findings = check(input).findings;
    let required: BTreeSet<&String> = required.iter().collect();
    let topics = required
        .into_iter()
        .map(|name| {
            let spec = input.specs.topics.get(name);
            let actual = input.state.topics.get(name);
            let mut reasons = Vec::new();
            match spec {
                None => reasons.push(Reason::Undeclared {
                    topic: name.to_string(),
                }),
                Some(s) if s.delete => reasons.push(Reason::MarkedForDeletion {
                    topic: name.to_string(),
                    declared_at: s.origin.location(),
                }),
                Some(_) => {}
            }
            reasons.extend(
                findings
                    .iter()
                    .filter(|f| f.topic.as_ref() == Some(name) && TOPIC_CODES.contains(&f.code))
                    .map(|f| Reason::Check {
                        code: f.code,
                        message: f.message.clone(),
                    }),
            );
            let matches = match (spec, actual) {
                (Some(s), Some(t)) => {
                    TopicShape::of_spec(s).is_some_and(|want| compare(&want, t).matches())
                }
                _ => false,
            };
            Requirement {
                topic: name.clone(),
                ready: matches && reasons.is_empty(),
                reasons,
            }
        })
        .collect::<Vec<_>>();
    GateReport {
        envelope: Envelope::of::<GateReport>(),
        cluster: ClusterRef {
            source: input.state.source.clone(),
            cluster_id: input.state.cluster_id.clone(),
        },
        ready: topics.iter().all(|t| t.ready),
        topics,
    }
}

/// Reads a `--require-file`: one topic per line; blank lines, `#` comments and a leading `- `
/// (a YAML list) are allowed. Errors name the file and line.
pub fn parse_require_file(path: &std::path::Path, text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        let line = line
            .strip_prefix("- ")
            .unwrap_or(line)
            .trim()
            .trim_matches(|c| c == '"' || c == '\'');
        if line.is_empty() {
            continue;
        }
        crate::model::topic_name::check(line)
            .map_err(|e| format!("{e} ({}:{})", path.display(), i + 1))?;
        out.push(line.to_string());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::tests::{governed_topic, kafka_topic, msk, specs, GOVERNED};
    use crate::model::broker_defaults::{GivenDefaults, ResolvedDefaults};
    use crate::model::cluster_state::ClusterState;
    use crate::model::topic_filter::TopicFilter;
    use crate::model::topic_spec::SpecSet;

    fn answer(specs: &SpecSet, state: &ClusterState, required: &[&str]) -> GateReport {
        let filter = TopicFilter::default();
        let input = CheckInput {
            specs,
            state,
            defaults: ResolvedDefaults::resolve(
                &state.broker_defaults,
                &GivenDefaults::default(),
                &GivenDefaults::default(),
            ),
            filter: &filter,
            policies: &crate::policy::CompiledPolicies::default(),
        };
        gate(
            &input,
            &required.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        )
    }

    fn reasons(r: &GateReport) -> Vec<(&str, Vec<&str>)> {
        r.topics
            .iter()
            .map(|t| {
                (
                    t.topic.as_str(),
                    t.reasons.iter().map(|x| x.code().as_str()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn ready_when_declared_present_and_matching() {
        let r = answer(
            &specs(GOVERNED),
            &msk(vec![("orders.created", governed_topic())]),
            &["orders.created"],
        );
        assert!(r.ready);
        assert_eq!(reasons(&r), vec![("orders.created", vec![])]);
    }

    #[test]
    fn each_unmet_topic_has_its_reason() {
        let s = specs("topics:\n  - {name: missing, partitions: 1, replication_factor: 3}\n  - {name: drifted, partitions: 3, replication_factor: 3, configs: {retention.ms: 1h}}\n  - {name: defaults, partitions: 12, replication_factor: 3}\n  - {name: doomed, delete: true}\n");
        let state = msk(vec![
            ("drifted", kafka_topic(3, 3, &[("retention.ms", "1")])),
            ("defaults", kafka_topic(1, 3, &[])),
            ("auto", kafka_topic(1, 3, &[])),
            ("doomed", kafka_topic(1, 3, &[("retention.ms", "1")])),
        ]);
        let r = answer(
            &s,
            &state,
            &[
                "missing", "drifted", "defaults", "auto", "nowhere", "doomed", "auto",
            ],
        );
        assert!(!r.ready);
        assert_eq!(
            reasons(&r),
            vec![
                ("auto", vec!["undeclared", "broker-default-topic"]),
                ("defaults", vec!["broker-default-topic", "partition-drift"]),
                ("doomed", vec!["marked-for-deletion"]),
                ("drifted", vec!["config-drift"]),
                ("missing", vec!["missing-topic"]),
                ("nowhere", vec!["undeclared"]),
            ]
        );
    }

    #[test]
    fn require_files_are_lists_of_names() {
        let p = std::path::Path::new("needs.txt");
        assert_eq!(
            parse_require_file(
                p,
                "# produced\norders.created\n\n- payments.settled  # consumed\n"
            )
            .unwrap(),
            vec!["orders.created", "payments.settled"]
        );
        assert!(parse_require_file(p, "ok\nbad name\n")
            .unwrap_err()
            .ends_with("(needs.txt:2)"));
    }

    #[test]
    fn reasons_are_written_as_code_and_message() {
        let s = specs("topics:\n  - {name: drifted, partitions: 3, replication_factor: 3}\n  - {name: doomed, delete: true}\n");
        let state = msk(vec![("drifted", kafka_topic(4, 3, &[("segment.ms", "5")]))]);
        let r = answer(&s, &state, &["drifted", "doomed", "nowhere"]);
        let json: Vec<String> = r
            .topics
            .iter()
            .map(|t| serde_json::to_string(&t.reasons).unwrap())
            .collect();
        assert_eq!(
            json,
            [
                r#"[{"code":"marked-for-deletion","message":"the spec of `doomed` (s.yaml:3:5) marks it for deletion"}]"#,
                r#"[{"code":"partition-drift","message":"`drifted` has 4 partition(s), its spec (s.yaml:2:5) declares 3; Kafka cannot remove partitions: recreate the topic or declare the current count"},{"code":"config-drift","message":"`drifted` configs differ from its spec (s.yaml:2:5): `segment.ms` is set to `5` but not declared"}]"#,
                r#"[{"code":"undeclared","message":"no spec declares `nowhere`: declare it and run `topicgate apply` before deploying"}]"#,
            ]
        );
    }
}
