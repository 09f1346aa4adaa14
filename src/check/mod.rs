//! `check`: what governance missed. Compares the live cluster with the specs and reports
//! findings, each with a stable code, a severity, the topic, a one-line message and the evidence.
//! Pure: specs, a `ClusterState` and the resolved broker defaults in, findings out. One module
//! per rule.

pub mod auto_create_enabled;
pub mod broker_default_topic;
pub mod drift;
pub mod missing_topic;
pub mod policies;
pub mod unmanaged_topic;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::broker_defaults::ResolvedDefaults;
use crate::cluster_state::ClusterState;
use crate::diagnostic::Severity;
use crate::plan::ClusterRef;
use crate::topic_filter::TopicFilter;
use crate::topic_spec::SpecSet;

/// A finding's stable code. Adding or renaming one is a visible change (see the test listing
/// every code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    AutoCreateEnabled,
    BrokerDefaultTopic,
    MissingTopic,
    PartitionDrift,
    ReplicationDrift,
    ConfigDrift,
    UnmanagedTopic,
    PolicyTopicName,
    PolicyMinPartitions,
    PolicyMaxPartitions,
    PolicyMinReplicationFactor,
    PolicyMinInsyncReplicas,
    PolicyRequiredConfig,
    PolicyAllowedValue,
    PolicyRetention,
}

impl Code {
    pub const ALL: [Code; 15] = [
        Code::AutoCreateEnabled,
        Code::BrokerDefaultTopic,
        Code::MissingTopic,
        Code::PartitionDrift,
        Code::ReplicationDrift,
        Code::ConfigDrift,
        Code::UnmanagedTopic,
        Code::PolicyTopicName,
        Code::PolicyMinPartitions,
        Code::PolicyMaxPartitions,
        Code::PolicyMinReplicationFactor,
        Code::PolicyMinInsyncReplicas,
        Code::PolicyRequiredConfig,
        Code::PolicyAllowedValue,
        Code::PolicyRetention,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::AutoCreateEnabled => "auto-create-enabled",
            Code::BrokerDefaultTopic => "broker-default-topic",
            Code::MissingTopic => "missing-topic",
            Code::PartitionDrift => "partition-drift",
            Code::ReplicationDrift => "replication-drift",
            Code::ConfigDrift => "config-drift",
            Code::UnmanagedTopic => "unmanaged-topic",
            Code::PolicyTopicName => "policy-topic-name",
            Code::PolicyMinPartitions => "policy-min-partitions",
            Code::PolicyMaxPartitions => "policy-max-partitions",
            Code::PolicyMinReplicationFactor => "policy-min-replication-factor",
            Code::PolicyMinInsyncReplicas => "policy-min-insync-replicas",
            Code::PolicyRequiredConfig => "policy-required-config",
            Code::PolicyAllowedValue => "policy-allowed-value",
            Code::PolicyRetention => "policy-retention",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Code::AutoCreateEnabled => "the broker creates topics that clients merely name (`auto.create.topics.enable=true`)",
            Code::BrokerDefaultTopic => "a topic with no overrides and the broker's default partitions and replication factor: the signature of an auto-created topic",
            Code::MissingTopic => "a declared topic that does not exist",
            Code::PartitionDrift => "a declared topic whose partition count differs from its spec",
            Code::ReplicationDrift => "a declared topic whose replication factor differs from its spec",
            Code::ConfigDrift => "a declared topic whose config overrides differ from its spec",
            Code::UnmanagedTopic => "a topic in the cluster that no spec declares",
            Code::PolicyTopicName => "the topic name matches none of the policy's patterns",
            Code::PolicyMinPartitions => "fewer partitions than the policy's minimum",
            Code::PolicyMaxPartitions => "more partitions than the policy's maximum",
            Code::PolicyMinReplicationFactor => "a replication factor below the policy's minimum",
            Code::PolicyMinInsyncReplicas => "`min.insync.replicas` not below the replication factor, or below 2 with replication factor 3 or more",
            Code::PolicyRequiredConfig => "a config the policy requires is not set",
            Code::PolicyAllowedValue => "a config value the policy does not allow",
            Code::PolicyRetention => "`retention.ms` outside the policy's bounds",
        }
    }

    /// Whether the code is an organisation policy's (topicgate.yaml), which specs may waive.
    pub fn is_policy(self) -> bool {
        self.as_str().starts_with("policy-")
    }

    /// The usual severity (`broker-default-topic` is a warning when the defaults are unknown).
    pub fn severity(self) -> Severity {
        match self {
            Code::AutoCreateEnabled | Code::UnmanagedTopic => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    /// The topic, for topic findings; `null` for cluster-wide ones.
    pub topic: Option<String>,
    pub message: String,
    /// The values that led to the finding.
    pub evidence: BTreeMap<String, serde_json::Value>,
    /// Where the topic is declared, if it is (for CI annotations).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared_at: Option<String>,
}

/// What the rules look at.
pub struct CheckInput<'a> {
    pub specs: &'a SpecSet,
    pub state: &'a ClusterState,
    pub defaults: ResolvedDefaults,
    pub filter: &'a TopicFilter,
    pub policies: &'a crate::policy::CompiledPolicies,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CheckSummary {
    pub errors: usize,
    pub warnings: usize,
}

/// The `topicgate-check` document.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub format: &'static str,
    pub format_version: u32,
    pub cluster: ClusterRef,
    pub broker_defaults: ResolvedDefaults,
    pub summary: CheckSummary,
    pub findings: Vec<Finding>,
    /// What could not be checked, and why.
    pub notes: Vec<String>,
}

/// Runs every rule. Findings are sorted: cluster-wide first, then by topic and code.
pub fn check(input: &CheckInput) -> CheckReport {
    let mut findings = Vec::new();
    let mut notes = Vec::new();
    auto_create_enabled::check(input, &mut findings, &mut notes);
    broker_default_topic::check(input, &mut findings, &mut notes);
    missing_topic::check(input, &mut findings);
    drift::check(input, &mut findings, &mut notes);
    unmanaged_topic::check(input, &mut findings);
    policies::check(input, &mut findings);
    findings.sort_by(|a, b| (&a.topic, a.code).cmp(&(&b.topic, b.code)));
    let summary = CheckSummary {
        errors: findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count(),
        warnings: findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count(),
    };
    CheckReport {
        format: "topicgate-check",
        format_version: 1,
        cluster: ClusterRef {
            source: input.state.source.clone(),
            cluster_id: input.state.cluster_id.clone(),
        },
        broker_defaults: input.defaults,
        summary,
        findings,
        notes,
    }
}

/// Builds an evidence map from pairs.
pub(crate) fn evidence<const N: usize>(
    pairs: [(&str, serde_json::Value); N],
) -> BTreeMap<String, serde_json::Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::broker_defaults::{GivenDefaults, ResolvedDefaults};
    use crate::cluster_state::TopicState;
    pub use crate::fixtures::{kafka_topic, msk, sparse_topic, specs};

    /// Every finding code, as users see it. A change here is a change to the tool's contract.
    #[test]
    fn the_list_of_codes_is_stable() {
        let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            codes,
            [
                "auto-create-enabled",
                "broker-default-topic",
                "missing-topic",
                "partition-drift",
                "replication-drift",
                "config-drift",
                "unmanaged-topic",
                "policy-topic-name",
                "policy-min-partitions",
                "policy-max-partitions",
                "policy-min-replication-factor",
                "policy-min-insync-replicas",
                "policy-required-config",
                "policy-allowed-value",
                "policy-retention"
            ]
        );
        assert_eq!(crate::policy::policy_codes(), &codes[7..]);
        for code in Code::ALL {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
            assert!(!code.description().is_empty());
        }
    }

    pub fn run(specs: &SpecSet, state: &ClusterState, given: GivenDefaults) -> CheckReport {
        let filter = TopicFilter::default();
        let input = CheckInput {
            specs,
            state,
            defaults: ResolvedDefaults::resolve(
                &state.broker_defaults,
                &given,
                &GivenDefaults::default(),
            ),
            filter: &filter,
            policies: &crate::policy::CompiledPolicies::default(),
        };
        check(&input)
    }

    pub fn codes(report: &CheckReport) -> Vec<(Option<&str>, &'static str, Severity)> {
        report
            .findings
            .iter()
            .map(|f| (f.topic.as_deref(), f.code.as_str(), f.severity))
            .collect()
    }

    pub const GOVERNED: &str = "topics:\n  - name: orders.created\n    partitions: 12\n    replication_factor: 3\n    configs: {retention.ms: 7d, min.insync.replicas: 2}\n";

    pub fn governed_topic() -> TopicState {
        kafka_topic(
            12,
            3,
            &[("retention.ms", "604800000"), ("min.insync.replicas", "2")],
        )
    }

    #[test]
    fn a_governed_cluster_has_no_findings() {
        let report = run(
            &specs(GOVERNED),
            &msk(vec![
                ("orders.created", governed_topic()),
                ("__consumer_offsets", kafka_topic(50, 3, &[])),
            ]),
            GivenDefaults::default(),
        );
        assert_eq!(codes(&report), vec![]);
        assert_eq!(report.summary, CheckSummary::default());
    }
}
