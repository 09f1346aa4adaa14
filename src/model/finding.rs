//! A finding: what `check` and the policies report about a topic or the cluster, under a stable
//! code. Plain data shared by `check`, `policy`, `gate`, the loader (which codes a spec may waive)
//! and the renderers; the list of codes is the tool's contract (see the test listing every code).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::diagnostic::Severity;

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
    TopicCreateAllowed,
}

impl Code {
    pub const ALL: [Code; 16] = [
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
        Code::TopicCreateAllowed,
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
            Code::TopicCreateAllowed => "topic-create-allowed",
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
            Code::TopicCreateAllowed => "an ACL lets a principal that is not a provisioner create topics (on the cluster, or on governed topic names or prefixes)",
        }
    }

    /// The codes of an organisation's policies (topicgate.yaml), which specs may waive in
    /// `policy_exceptions`.
    pub const POLICY: &'static [Code] = &[
        Code::PolicyTopicName,
        Code::PolicyMinPartitions,
        Code::PolicyMaxPartitions,
        Code::PolicyMinReplicationFactor,
        Code::PolicyMinInsyncReplicas,
        Code::PolicyRequiredConfig,
        Code::PolicyAllowedValue,
        Code::PolicyRetention,
    ];

    /// Whether the code is an organisation policy's (topicgate.yaml), which specs may waive.
    pub fn is_policy(self) -> bool {
        match self {
            Code::AutoCreateEnabled
            | Code::BrokerDefaultTopic
            | Code::MissingTopic
            | Code::PartitionDrift
            | Code::ReplicationDrift
            | Code::ConfigDrift
            | Code::UnmanagedTopic
            | Code::TopicCreateAllowed => false,
            Code::PolicyTopicName
            | Code::PolicyMinPartitions
            | Code::PolicyMaxPartitions
            | Code::PolicyMinReplicationFactor
            | Code::PolicyMinInsyncReplicas
            | Code::PolicyRequiredConfig
            | Code::PolicyAllowedValue
            | Code::PolicyRetention => true,
        }
    }

    /// The usual severity (`broker-default-topic` is a warning when the defaults are unknown).
    pub fn severity(self) -> Severity {
        match self {
            Code::AutoCreateEnabled | Code::UnmanagedTopic | Code::TopicCreateAllowed => {
                Severity::Warning
            }
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

/// Builds an evidence map from pairs.
pub(crate) fn evidence<const N: usize>(
    pairs: [(&str, serde_json::Value); N],
) -> BTreeMap<String, serde_json::Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
                "policy-retention",
                "topic-create-allowed"
            ]
        );
        let policy: Vec<&str> = Code::POLICY.iter().map(|c| c.as_str()).collect();
        assert_eq!(policy, &codes[7..15]);
        for code in Code::ALL {
            assert_eq!(code.is_policy(), Code::POLICY.contains(&code), "{code:?}");
        }
        for code in Code::ALL {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
            assert!(!code.description().is_empty());
        }
    }
}
