//! `ClusterState`: what one describe step saw of a cluster: every topic with its partition count,
//! replication factor and configs (each with its source), the brokers, and the broker defaults
//! where the broker exposes them. Plain data: the snapshot adapter and tests build it too.

use std::collections::{BTreeMap, BTreeSet};

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

/// How a broker reported a topic's configs. Decided once per describe (the same for every topic
/// of it) from the responses themselves: see `ConfigView::detect`.
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

/// The fewest entries Apache Kafka returns for a topic: every topic-level config it knows (25 in
/// Kafka 2.1, 26 in 3.0, more since), whether set or not. Specs set a handful.
pub const FULL_RESPONSE_MIN: usize = 25;

impl ConfigView {
    /// Tells from the topic responses of one describe which kind they are: a capability of the
    /// broker, decided from what a spec cannot fake, never from which keys are present (a spec
    /// can set any key) nor from the broker's name.
    ///
    /// - Sources: Apache Kafka labels an override `DYNAMIC_TOPIC_CONFIG` and an inherited value
    ///   `STATIC_BROKER_CONFIG` and the like, and flags read-only and sensitive entries. Any such
    ///   entry means the sources can be trusted: `Full`. N.B. KAFKA.md (Tansu): a broker that
    ///   reports only set configs labels them all `DEFAULT_CONFIG`.
    /// - Shape, when every entry says `DEFAULT_CONFIG` (a Kafka on which nothing is overridden,
    ///   or a set-only broker): Kafka returns every topic-level config for every topic, so its
    ///   responses are never empty, all have the same keys, and at least `FULL_RESPONSE_MIN` of
    ///   them. Anything else reports only what was set: `SetOnly`.
    pub fn detect<'a>(
        responses: impl IntoIterator<Item = &'a BTreeMap<String, ConfigEntry>>,
    ) -> ConfigView {
        let responses: Vec<&BTreeMap<String, ConfigEntry>> = responses.into_iter().collect();
        let labelled = responses.iter().flat_map(|r| r.values()).any(|e| {
            !matches!(
                e.source,
                ConfigSource::DefaultConfig | ConfigSource::Unknown
            ) || e.read_only
                || e.sensitive
        });
        if labelled {
            return ConfigView::Full;
        }
        let Some(first) = responses.first() else {
            return ConfigView::SetOnly;
        };
        let full_shape =
            first.len() >= FULL_RESPONSE_MIN && responses.iter().all(|r| r.keys().eq(first.keys()));
        if full_shape {
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
}

/// Broker settings that decide what an auto-created topic looks like. `None`: not exposed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokerDefaults {
    pub num_partitions: Option<i32>,
    pub default_replication_factor: Option<i16>,
    pub auto_create_topics_enable: Option<bool>,
}

/// A broker API topicgate uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Api {
    CreateTopics,
    CreatePartitions,
    IncrementalAlterConfigs,
    DeleteTopics,
    DescribeConfigs,
}

impl Api {
    /// Kafka's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Api::CreateTopics => "CreateTopics",
            Api::CreatePartitions => "CreatePartitions",
            Api::IncrementalAlterConfigs => "IncrementalAlterConfigs",
            Api::DeleteTopics => "DeleteTopics",
            Api::DescribeConfigs => "DescribeConfigs",
        }
    }
}

impl std::fmt::Display for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Api {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// What the cluster's brokers can do and how they report, as data: code above the adapters
/// branches on this, never on a broker's name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    /// How topic configs are reported, decided once per describe (each topic carries it too, as
    /// `TopicState::config_view`). `None`: not known (a snapshot taken before capabilities were
    /// recorded).
    #[serde(default)]
    pub config_view: Option<ConfigView>,
    /// Whether the brokers answered DescribeConfigs for their own configs, where the broker
    /// defaults come from.
    #[serde(default)]
    pub broker_defaults_visible: bool,
    /// APIs the brokers were seen to lack (a request refused as unsupported).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub unsupported: BTreeSet<Api>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterState {
    /// The bootstrap servers (or snapshot file) this state was read from.
    pub source: String,
    pub cluster_id: Option<String>,
    pub brokers: Vec<i32>,
    pub topics: BTreeMap<String, TopicState>,
    pub broker_defaults: BrokerDefaults,
    /// Absent from snapshots taken before it was recorded: all unknown.
    #[serde(default)]
    pub capabilities: Capabilities,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_without_capabilities_still_reads() {
        let old = r#"{"source": "s", "cluster_id": null, "brokers": [1], "topics": {},
            "broker_defaults": {"num_partitions": null, "default_replication_factor": null,
            "auto_create_topics_enable": null}}"#;
        let state: ClusterState = serde_json::from_str(old).unwrap();
        assert_eq!(state.capabilities, Capabilities::default());
        let mut now = state.clone();
        now.capabilities.config_view = Some(ConfigView::Full);
        now.capabilities.unsupported.insert(Api::CreatePartitions);
        let json = serde_json::to_string(&now).unwrap();
        assert!(
            json.contains(r#""capabilities":{"config_view":"full","broker_defaults_visible":false,"unsupported":["CreatePartitions"]}"#),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<ClusterState>(&json).unwrap(), now);
    }
    use crate::fixtures::{kafka_topic, sparse_topic, KAFKA_TOPIC_CONFIGS};

    fn entry(value: &str, source: ConfigSource) -> ConfigEntry {
        ConfigEntry {
            value: Some(value.into()),
            source,
            sensitive: false,
            read_only: false,
        }
    }

    /// The keys Kafka's fixture topic reports, every one labelled `DEFAULT_CONFIG`: a Kafka on
    /// which nothing is overridden or inherited from the broker's configuration.
    fn all_defaults() -> BTreeMap<String, ConfigEntry> {
        KAFKA_TOPIC_CONFIGS
            .iter()
            .map(|k| (k.to_string(), entry("1", ConfigSource::DefaultConfig)))
            .collect()
    }

    #[test]
    fn full_responses_count_only_dynamic_topic_entries_as_overrides() {
        let t = kafka_topic(1, 3, &[("cleanup.policy", "compact")]);
        assert_eq!(t.config_view, ConfigView::Full);
        let o = t.overrides();
        assert_eq!(o.len(), 1, "{o:?}");
        assert_eq!(o["cleanup.policy"], "compact");
        assert!(kafka_topic(1, 3, &[]).overrides().is_empty());
    }

    #[test]
    fn a_kafka_response_is_recognised_by_its_sources_or_its_shape() {
        let overridden = kafka_topic(1, 3, &[("retention.ms", "5")]);
        let plain = kafka_topic(1, 3, &[]);
        assert_eq!(
            ConfigView::detect([&overridden.configs, &plain.configs]),
            ConfigView::Full
        );
        // Nothing overridden, nothing inherited from the broker: the shape tells.
        let (a, b) = (all_defaults(), all_defaults());
        assert_eq!(ConfigView::detect([&a, &b]), ConfigView::Full);
        // One read-only or sensitive entry is enough to show the sources are Kafka's.
        let mut flagged = BTreeMap::new();
        flagged.insert(
            "retention.ms".to_string(),
            ConfigEntry {
                read_only: true,
                ..entry("1", ConfigSource::DefaultConfig)
            },
        );
        assert_eq!(ConfigView::detect([&flagged]), ConfigView::Full);
    }

    #[test]
    fn a_set_only_response_is_recognised_whatever_keys_a_spec_sets() {
        // Regression: a topic setting every once-"standard" key on a broker that reports only
        // set configs (all labelled DEFAULT_CONFIG) was taken for a full Kafka response.
        let set: Vec<(&str, &str)> = [
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
        ]
        .iter()
        .map(|k| (*k, "1"))
        .collect();
        let everything = sparse_topic(1, 1, &set);
        assert_eq!(
            ConfigView::detect([&everything.configs]),
            ConfigView::SetOnly
        );
        assert_eq!(everything.overrides().len(), 20);
        // With other topics: an empty response, or different keys, is never Kafka's.
        let nothing = sparse_topic(4, 1, &[]);
        let some = sparse_topic(1, 1, &[("retention.ms", "1000")]);
        assert_eq!(
            ConfigView::detect([&everything.configs, &nothing.configs]),
            ConfigView::SetOnly
        );
        assert_eq!(
            ConfigView::detect([&everything.configs, &some.configs]),
            ConfigView::SetOnly
        );
        // Every key Kafka knows set on one topic alone is the limit of what the shape can tell.
        let (a, mut b) = (all_defaults(), all_defaults());
        b.remove("segment.ms");
        assert_eq!(ConfigView::detect([&a, &b]), ConfigView::SetOnly);
    }

    #[test]
    fn the_kafka_fixture_reports_every_catalog_config_of_its_version() {
        assert!(KAFKA_TOPIC_CONFIGS.len() >= FULL_RESPONSE_MIN);
        for key in KAFKA_TOPIC_CONFIGS {
            assert!(crate::model::topic_config::lookup(key).is_some(), "{key}");
        }
    }

    #[test]
    fn sparse_responses_count_every_reported_entry_as_an_override() {
        // A broker that reports only set configs and labels them DEFAULT_CONFIG.
        let configs: BTreeMap<String, ConfigEntry> = [(
            "retention.ms".to_string(),
            entry("1000", ConfigSource::DefaultConfig),
        )]
        .into();
        assert_eq!(ConfigView::detect([&configs]), ConfigView::SetOnly);
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
