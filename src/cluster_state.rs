//! `ClusterState`: what one describe step saw of a cluster: every topic with its partition count,
//! replication factor and configs (each with its source), the brokers, and the broker defaults
//! where the broker exposes them. Plain data: the snapshot adapter and tests build it too.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Where a config entry's value comes from, as DescribeConfigs reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConfigSource {
    /// A topic override (set at creation or by an alter call).
    DynamicTopicConfig,
    DynamicBrokerConfig,
    DynamicDefaultBrokerConfig,
    StaticBrokerConfig,
    DefaultConfig,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigEntry {
    /// `None` for sensitive entries (Kafka does not return their values).
    pub value: Option<String>,
    pub source: ConfigSource,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sensitive: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub read_only: bool,
}

/// How a broker reported a topic's configs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfigView {
    /// Every topic-level config, with sources (Apache Kafka): overrides are the entries whose
    /// source is `DYNAMIC_TOPIC_CONFIG`.
    Full,
    /// Only the configs that were set, with unreliable sources (some Kafka-compatible brokers):
    /// every reported entry is an override.
    SetOnly,
}

/// Keys every Apache Kafka (2.x to 4.x) DescribeConfigs response for a topic contains. A response
/// without all of them came from a broker that reports only the configs that were set.
/// N.B. KAFKA.md (Tansu): such brokers label the set entries `DEFAULT_CONFIG`.
pub(crate) const STANDARD_KEYS: &[&str] = &[
    "cleanup.policy",
    "compression.type",
    "delete.retention.ms",
    "file.delete.delay.ms",
    "flush.messages",
    "flush.ms",
    "index.interval.bytes",
    "max.compaction.lag.ms",
    "max.message.bytes",
    "min.cleanable.dirty.ratio",
    "min.compaction.lag.ms",
    "min.insync.replicas",
    "preallocate",
    "retention.bytes",
    "retention.ms",
    "segment.bytes",
    "segment.index.bytes",
    "segment.jitter.ms",
    "segment.ms",
    "unclean.leader.election.enable",
];

impl ConfigView {
    /// Tells from the response itself which kind it is (never from the broker's name).
    pub fn detect(configs: &BTreeMap<String, ConfigEntry>) -> ConfigView {
        if STANDARD_KEYS.iter().all(|k| configs.contains_key(*k)) {
            ConfigView::Full
        } else {
            ConfigView::SetOnly
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicState {
    pub partitions: i32,
    pub replication_factor: i16,
    /// Replica broker ids of each partition, by partition id (for reassignment proposals).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assignment: Vec<Vec<i32>>,
    pub configs: BTreeMap<String, ConfigEntry>,
    pub config_view: ConfigView,
    /// Set when the broker could not describe this topic's configs; its overrides are unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configs_error: Option<String>,
}

impl TopicState {
    /// Whether `entry` (one of this topic's) is a topic-level override.
    pub fn is_override(&self, entry: &ConfigEntry) -> bool {
        match self.config_view {
            ConfigView::Full => entry.source == ConfigSource::DynamicTopicConfig,
            ConfigView::SetOnly => true,
        }
    }

    /// Whether the topic has any topic-level override.
    pub fn has_overrides(&self) -> bool {
        self.configs.values().any(|e| self.is_override(e))
    }

    /// The topic-level overrides: what was configured on purpose.
    pub fn overrides(&self) -> BTreeMap<String, String> {
        self.configs
            .iter()
            .filter(|(_, e)| self.is_override(e))
            .map(|(k, e)| (k.clone(), e.value.clone().unwrap_or_default()))
            .collect()
    }

    /// A topic state built from partitions, replication factor and overrides, as a broker
    /// that reports only set configs would show it (tests and snapshots of sparse brokers).
    pub fn with_overrides(
        partitions: i32,
        replication_factor: i16,
        overrides: &[(&str, &str)],
    ) -> Self {
        let configs: BTreeMap<String, ConfigEntry> = overrides
            .iter()
            .map(|(k, v)| {
                let entry = ConfigEntry {
                    value: Some(v.to_string()),
                    source: ConfigSource::DynamicTopicConfig,
                    sensitive: false,
                    read_only: false,
                };
                (k.to_string(), entry)
            })
            .collect();
        TopicState {
            partitions,
            replication_factor,
            assignment: (0..partitions)
                .map(|p| {
                    (0..i32::from(replication_factor))
                        .map(|r| (p + r) % i32::from(replication_factor))
                        .collect()
                })
                .collect(),
            config_view: ConfigView::detect(&configs),
            configs,
            configs_error: None,
        }
    }
}

/// Broker settings that decide what an auto-created topic looks like. `None`: not exposed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokerDefaults {
    pub num_partitions: Option<i32>,
    pub default_replication_factor: Option<i16>,
    pub auto_create_topics_enable: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterState {
    /// The bootstrap servers (or snapshot file) this state was read from.
    pub source: String,
    pub cluster_id: Option<String>,
    pub brokers: Vec<i32>,
    pub topics: BTreeMap<String, TopicState>,
    pub broker_defaults: BrokerDefaults,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(value: &str, source: ConfigSource) -> ConfigEntry {
        ConfigEntry {
            value: Some(value.into()),
            source,
            sensitive: false,
            read_only: false,
        }
    }

    /// A topic as Apache Kafka describes it: every key present, overrides marked.
    fn kafka_topic(overrides: &[(&str, &str)]) -> TopicState {
        let mut configs: BTreeMap<String, ConfigEntry> = STANDARD_KEYS
            .iter()
            .map(|k| (k.to_string(), entry("0", ConfigSource::DefaultConfig)))
            .collect();
        configs.insert(
            "retention.ms".into(),
            entry("604800000", ConfigSource::StaticBrokerConfig),
        );
        for (k, v) in overrides {
            configs.insert(k.to_string(), entry(v, ConfigSource::DynamicTopicConfig));
        }
        TopicState {
            partitions: 1,
            replication_factor: 3,
            assignment: vec![vec![1, 2, 3]],
            config_view: ConfigView::detect(&configs),
            configs,
            configs_error: None,
        }
    }

    #[test]
    fn full_responses_count_only_dynamic_topic_entries_as_overrides() {
        let t = kafka_topic(&[("cleanup.policy", "compact")]);
        assert_eq!(t.config_view, ConfigView::Full);
        let o = t.overrides();
        assert_eq!(o.len(), 1, "{o:?}");
        assert_eq!(o["cleanup.policy"], "compact");
        assert!(kafka_topic(&[]).overrides().is_empty());
    }

    #[test]
    fn sparse_responses_count_every_reported_entry_as_an_override() {
        // A broker that reports only set configs and labels them DEFAULT_CONFIG.
        let configs: BTreeMap<String, ConfigEntry> = [(
            "retention.ms".to_string(),
            entry("1000", ConfigSource::DefaultConfig),
        )]
        .into();
        assert_eq!(ConfigView::detect(&configs), ConfigView::SetOnly);
        let t = TopicState {
            partitions: 4,
            replication_factor: 1,
            assignment: vec![],
            config_view: ConfigView::SetOnly,
            configs,
            configs_error: None,
        };
        assert_eq!(t.overrides()["retention.ms"], "1000");
    }
}
