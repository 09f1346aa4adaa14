//! Fixtures in one place: the spec texts and saved documents tests write into scratch
//! directories, and the writer of `--state` snapshots for offline tests. Spec texts used by one
//! test only stay in that test, beside its assertions.

/// Used by `cli`.
pub(crate) const BAD_SPECS: &str = "topics:
  - name: orders created
    partitons: 3
    replication_factor: 0
    configs:
      retention.msec: 7d
      cleanup.policy: compacted
      retention.bytes: lots
  - name: payments
    partitions: many
    replication_factor: 3
";

/// Used by `exit_codes`.
pub(crate) const PENDING: &str = "topics:\n  - {name: pipe.a, partitions: 1, replication_factor: 1, configs: {retention.ms: 1h}}\n  - {name: pipe.b, partitions: 1, replication_factor: 1}\n";

/// Used by `exit_codes`.
pub(crate) const LATE: &str =
    "topics:\n  - {name: late, partitions: 1, replication_factor: 1, configs: {retention.ms: 1h}}\n";

/// Used by `exit_codes`.
pub(crate) const RACE: &str = "topics:\n  - {name: race.a, partitions: 2, replication_factor: 1, configs: {retention.ms: 1h}}\n  - {name: race.b, partitions: 1, replication_factor: 1}\n";

/// Used by `export_snapshot`.
pub(crate) const EXISTING: &str = "topics:
  - name: orders.created
    partitions: 3
    replication_factor: 1
    configs:
      retention.ms: 7d
      cleanup.policy: [compact, delete]
      max.message.bytes: 2MiB
      min.cleanable.dirty.ratio: 0.25
      retention.bytes: 1500
  - name: orders.dlq
    partitions: 1
    replication_factor: 1
    configs: {retention.ms: 1500, preallocate: true}
  - {name: payments, partitions: 2, replication_factor: 1}
";

/// Overrides of every type the catalog knows (long, int, double, bool, enum, enum list, replica
/// throttle list), with values that differ from Kafka's defaults.
/// Used by `export_snapshot`.
pub(crate) const EVERY_TYPE: &str = "topics:
  - name: typed.everything
    partitions: 2
    replication_factor: 1
    configs:
      cleanup.policy: [compact, delete]
      compression.type: zstd
      compression.zstd.level: 5
      delete.retention.ms: 2h
      file.delete.delay.ms: 30s
      flush.messages: 10000
      flush.ms: 5s
      follower.replication.throttled.replicas: '*'
      index.interval.bytes: 8KiB
      leader.replication.throttled.replicas: '0:1,1:1'
      max.compaction.lag.ms: 1d
      max.message.bytes: 2MiB
      message.timestamp.after.max.ms: 1h
      message.timestamp.before.max.ms: 30d
      message.timestamp.type: LogAppendTime
      min.cleanable.dirty.ratio: 0.25
      min.compaction.lag.ms: 10m
      min.insync.replicas: 1
      preallocate: true
      retention.bytes: 5GiB
      retention.ms: 3d
      segment.bytes: 64MiB
      segment.index.bytes: 1MiB
      segment.jitter.ms: 1m
      segment.ms: 12h
      unclean.leader.election.enable: true
  - name: typed.levels
    partitions: 1
    replication_factor: 1
    configs:
      compression.type: gzip
      compression.gzip.level: 9
      compression.lz4.level: 12
      cleanup.policy: compact
";

/// Used by `plan_apply`.
pub(crate) const ORDERS: &str = "topics:
  - name: orders.created
    partitions: 3
    replication_factor: 1
    configs:
      retention.ms: 7d
      cleanup.policy: delete
      max.message.bytes: 2MiB
";

/// Used by `policies`.
pub(crate) const POLICIES: &str = "policies:
  topic_name: {patterns: ['^[a-z]+(\\.[a-z0-9-]+)+$']}
  min_partitions: {value: 3}
  max_partitions: {value: 64, severity: warning}
  min_replication_factor: {value: 3}
  min_insync_replicas: {}
  required_configs: {configs: [retention.ms]}
  allowed_values: {configs: {cleanup.policy: [delete, compact]}}
  retention: {min: 1h, max: 30d}
";

/// Used by `policies`.
pub(crate) const COMPLIANT: &str = "topics:
  - name: orders.created
    partitions: 12
    replication_factor: 3
    configs: {retention.ms: 7d, min.insync.replicas: 2, cleanup.policy: delete}
";

/// Used by `settings`.
pub(crate) const SNAPSHOT: &str = r#"{"format": "topicgate-snapshot", "format_version": 1, "generated_by": "test", "taken_at": "2026-11-24T00:00:00Z",
"cluster": {"source": "test", "cluster_id": null, "brokers": [1], "topics": {}, "broker_defaults": {"num_partitions": null, "default_replication_factor": null, "auto_create_topics_enable": null}}}"#;

/// Writes a snapshot (`--state FILE`) of a cluster with the given topics (name, partitions,
/// replication factor; no overrides) to `path`, taken now: offline tests of commands that read a
/// cluster.
pub(crate) fn write_snapshot(path: &std::path::Path, topics: &[(&str, i32, i16)]) {
    use topicgate::cluster::memory::topic_state;
    use topicgate::model::cluster_state::ClusterState;
    let cluster = ClusterState {
        source: "snapshot-test:9092".into(),
        cluster_id: Some("test".into()),
        brokers: vec![1],
        topics: topics
            .iter()
            .map(|(n, p, rf)| (n.to_string(), topic_state(*p, *rf, &[])))
            .collect(),
        broker_defaults: Default::default(),
        capabilities: Default::default(),
    };
    let snapshot =
        topicgate::cluster::snapshot::Snapshot::new(cluster, std::time::SystemTime::now());
    std::fs::write(path, serde_json::to_vec_pretty(&snapshot).unwrap()).unwrap();
}
