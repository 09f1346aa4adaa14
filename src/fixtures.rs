//! Test fixtures shared by the unit tests: specs from YAML text, and cluster states shaped like
//! Apache Kafka's DescribeConfigs answers (every standard key, sources set) and like a sparse
//! broker's (only set entries, mislabelled `DEFAULT_CONFIG`).

use std::path::Path;

use crate::cluster::memory::topic_state;
use crate::load::parse_file;
use crate::model::cluster_state::{
    BrokerDefaults, ClusterState, ConfigEntry, ConfigSource, ConfigView, TopicState,
};
use crate::model::topic_spec::SpecSet;

/// Specs parsed from `text` (as file `s.yaml`); panics on any diagnostic.
pub(crate) fn specs(text: &str) -> SpecSet {
    let mut topics = Vec::new();
    let mut diags = Vec::new();
    parse_file(Path::new("s.yaml"), text, &mut topics, &mut diags);
    assert!(diags.is_empty(), "{diags:?}");
    SpecSet {
        topics: topics.into_iter().map(|t| (t.name.clone(), t)).collect(),
        files: vec![],
    }
}

/// The topic-level configs Apache Kafka 3.9 reports for every topic, set or not (the catalog's
/// configs of that version).
pub(crate) const KAFKA_TOPIC_CONFIGS: &[&str] = &[
    "cleanup.policy",
    "compression.gzip.level",
    "compression.lz4.level",
    "compression.type",
    "compression.zstd.level",
    "delete.retention.ms",
    "file.delete.delay.ms",
    "flush.messages",
    "flush.ms",
    "follower.replication.throttled.replicas",
    "index.interval.bytes",
    "leader.replication.throttled.replicas",
    "local.retention.bytes",
    "local.retention.ms",
    "max.compaction.lag.ms",
    "max.message.bytes",
    "message.downconversion.enable",
    "message.format.version",
    "message.timestamp.after.max.ms",
    "message.timestamp.before.max.ms",
    "message.timestamp.difference.max.ms",
    "message.timestamp.type",
    "min.cleanable.dirty.ratio",
    "min.compaction.lag.ms",
    "min.insync.replicas",
    "preallocate",
    "remote.log.copy.disable",
    "remote.log.delete.on.disable",
    "remote.storage.enable",
    "retention.bytes",
    "retention.ms",
    "segment.bytes",
    "segment.index.bytes",
    "segment.jitter.ms",
    "segment.ms",
    "unclean.leader.election.enable",
];

/// A topic as Apache Kafka describes it: every topic-level config, inherited sources
/// (`retention.ms` from server.properties), overrides marked `DYNAMIC_TOPIC_CONFIG`.
pub(crate) fn kafka_topic(partitions: i32, rf: i16, overrides: &[(&str, &str)]) -> TopicState {
    let mut t = topic_state(partitions, rf, overrides);
    for key in KAFKA_TOPIC_CONFIGS {
        let source = if *key == "retention.ms" {
            ConfigSource::StaticBrokerConfig
        } else {
            ConfigSource::DefaultConfig
        };
        t.configs.entry(key.to_string()).or_insert(ConfigEntry {
            value: Some("1".into()),
            source,
            sensitive: false,
            read_only: false,
        });
    }
    t.config_view = ConfigView::detect([&t.configs]);
    assert_eq!(t.config_view, ConfigView::Full);
    t
}

/// A topic as a sparse broker describes it: only set entries, labelled DEFAULT_CONFIG.
/// N.B. KAFKA.md (Tansu).
pub(crate) fn sparse_topic(partitions: i32, rf: i16, set: &[(&str, &str)]) -> TopicState {
    let mut t = topic_state(partitions, rf, set);
    for e in t.configs.values_mut() {
        e.source = ConfigSource::DefaultConfig;
    }
    t.config_view = ConfigView::detect([&t.configs]);
    assert_eq!(t.config_view, ConfigView::SetOnly);
    t
}

/// A cluster with the given topics, 3 brokers and MSK's defaults exposed (1 partition, RF 3).
pub(crate) fn msk(topics: Vec<(&str, TopicState)>) -> ClusterState {
    ClusterState {
        source: "b-1:9092".into(),
        cluster_id: Some("msk".into()),
        brokers: vec![1, 2, 3],
        topics: topics
            .into_iter()
            .map(|(n, t)| (n.to_string(), t))
            .collect(),
        broker_defaults: BrokerDefaults {
            num_partitions: Some(1),
            default_replication_factor: Some(3),
            auto_create_topics_enable: Some(false),
        },
        capabilities: Default::default(),
    }
}

/// A cluster `c1` with the given topics, 3 brokers and no broker defaults exposed.
pub(crate) fn cluster(topics: &[(&str, TopicState)]) -> ClusterState {
    ClusterState {
        source: "test".into(),
        cluster_id: Some("c1".into()),
        brokers: vec![1, 2, 3],
        topics: topics
            .iter()
            .map(|(n, t)| (n.to_string(), t.clone()))
            .collect(),
        broker_defaults: Default::default(),
        capabilities: Default::default(),
    }
}
