//! The rdkafka adapter against real brokers: on Apache Kafka, describe (every config with its
//! source; inherited values never taken for overrides; broker defaults from the brokers), create
//! with configs, CreatePartitions, incremental alter (SET and DELETE touch only the named keys),
//! delete, validate_only, and the config catalog checked against what Kafka reports; on Tansu,
//! a missing API named plainly.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::support::{eventually, kafka_tool, spec_dir, topicgate_on, Broker};
use topicgate::cluster::kafka::KafkaCluster;
use topicgate::cluster::{
    ClusterError, ClusterReader, ClusterWriter, ConfigAlteration, ConfigOp, Mode, NewTopic,
};
use topicgate::model::cluster_state::{Api, BrokerDefaults, ConfigSource, ConfigView};
use topicgate::model::connection::Connection;
use topicgate::model::topic_config::{self, RawValue, CATALOG};

fn connect(broker: &Broker) -> KafkaCluster {
    KafkaCluster::connect(Connection {
        bootstrap_servers: broker.bootstrap.clone(),
        properties: vec![],
        timeout: Duration::from_secs(10),
        token_source: None,
    })
    .unwrap()
}

fn new_topic(name: &str, partitions: i32, configs: &[(&str, &str)]) -> NewTopic {
    NewTopic {
        name: name.into(),
        partitions,
        replication_factor: 1,
        configs: configs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

#[test]
fn describe_topics_reads_only_the_named_topics_as_describe_shows_them() {
    // The read apply polls while its changes settle (ClusterReader::describe_topics).
    let broker = Broker::start();
    let cluster = connect(&broker);
    let created = cluster
        .create_topics(
            &[
                new_topic("adapter.only.a", 2, &[("retention.ms", "3600000")]),
                new_topic("adapter.only.b", 1, &[]),
            ],
            Mode::Apply,
        )
        .unwrap();
    assert!(created.iter().all(|(_, r)| r.is_ok()), "{created:?}");
    let names: BTreeSet<String> = ["adapter.only.a", "adapter.only.missing"]
        .map(String::from)
        .into();
    let some = eventually(Duration::from_secs(10), "the topic to show", || {
        let s = cluster.describe_topics(&names).unwrap();
        s.topics.contains_key("adapter.only.a").then_some(s)
    });
    assert_eq!(
        some.topics.keys().collect::<Vec<_>>(),
        ["adapter.only.a"],
        "only the named topics the cluster has"
    );
    let whole = cluster.describe().unwrap();
    assert_eq!(
        some.topics["adapter.only.a"],
        whole.topics["adapter.only.a"]
    );
    assert_eq!(some.capabilities.config_view, Some(ConfigView::Full));
    assert_eq!(some.broker_defaults, BrokerDefaults::default());
    assert_eq!(some.brokers, whole.brokers);
}

#[test]
fn create_describe_alter_delete() {
    let broker = Broker::start();
    let cluster = connect(&broker);
    let created = cluster
        .create_topics(
            &[
                new_topic(
                    "adapter.a",
                    3,
                    &[("retention.ms", "3600000"), ("cleanup.policy", "delete")],
                ),
                new_topic("adapter.b", 2, &[]),
            ],
            Mode::Apply,
        )
        .unwrap();
    assert!(created.iter().all(|(_, r)| r.is_ok()), "{created:?}");

    let state = eventually(Duration::from_secs(10), "topics to appear", || {
        let s = cluster.describe().unwrap();
        (s.topics.contains_key("adapter.a") && s.topics.contains_key("adapter.b")).then_some(s)
    });
    let a = &state.topics["adapter.a"];
    assert_eq!(a.partitions, 3);
    assert_eq!(a.replication_factor, 1);
    let expected: BTreeMap<String, String> = [
        ("cleanup.policy".to_string(), "delete".to_string()),
        ("retention.ms".to_string(), "3600000".to_string()),
    ]
    .into();
    assert_eq!(a.overrides(), expected);
    assert!(state.topics["adapter.b"].overrides().is_empty());

    // SET one key and DELETE another: the third override is left alone.
    cluster
        .alter_configs(
            &[ConfigAlteration {
                topic: "adapter.a".into(),
                ops: vec![
                    ConfigOp::Set {
                        key: "retention.ms".into(),
                        value: "7200000".into(),
                    },
                    ConfigOp::Delete {
                        key: "cleanup.policy".into(),
                    },
                ],
            }],
            Mode::Apply,
        )
        .unwrap()
        .into_iter()
        .for_each(|(t, r)| assert!(r.is_ok(), "{t}: {r:?}"));
    // N.B. KAFKA.md: the broker answering DescribeConfigs may lag the controller that took the
    // change; Kafka's answer settles within moments.
    let expected: BTreeMap<String, String> =
        [("retention.ms".to_string(), "7200000".to_string())].into();
    eventually(Duration::from_secs(10), "the altered configs", || {
        (cluster.describe().unwrap().topics["adapter.a"].overrides() == expected).then_some(())
    });

    let deleted = cluster.delete_topics(&["adapter.b".into()]).unwrap();
    assert!(deleted[0].1.is_ok(), "{deleted:?}");
    eventually(Duration::from_secs(10), "topic deletion", || {
        (!cluster.describe().unwrap().topics.contains_key("adapter.b")).then_some(())
    });
}

#[test]
fn a_missing_api_is_named() {
    // The sparse broker.
    let broker = Broker::tansu();
    let cluster = connect(&broker);
    cluster
        .create_topics(&[new_topic("adapter.p", 1, &[])], Mode::Apply)
        .unwrap();
    // N.B. KAFKA.md: Tansu does not implement CreatePartitions.
    match cluster.create_partitions(&[("adapter.p".into(), 2)], Mode::Apply) {
        Err(ClusterError::Unsupported { api, .. }) => assert_eq!(api, "CreatePartitions"),
        Ok(outcomes) => {
            let (_, r) = &outcomes[0];
            let err = r
                .as_ref()
                .expect_err("partitions cannot be added on this broker");
            assert!(err.message.contains("CreatePartitions API"), "{err:?}");
        }
        Err(e) => panic!("unexpected error: {e}"),
    }
    // What the broker lacks is remembered, as data, in what describe reports.
    let state = cluster.describe().unwrap();
    assert!(
        state
            .capabilities
            .unsupported
            .contains(&Api::CreatePartitions),
        "{:?}",
        state.capabilities
    );
    assert!(state.capabilities.config_view.is_some());
}

#[test]
fn an_unreachable_cluster_fails_fast_with_the_address() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let bootstrap = format!("127.0.0.1:{port}");
    let cluster = KafkaCluster::connect(Connection {
        bootstrap_servers: bootstrap.clone(),
        properties: vec![],
        timeout: Duration::from_secs(30),
        token_source: None,
    })
    .unwrap();
    let start = std::time::Instant::now();
    let err = cluster.describe().unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "took {:?}",
        start.elapsed()
    );
    let text = err.to_string();
    assert!(text.contains(&bootstrap), "{text}");
}

/// Every key the adapter once took as proof of a full (Apache Kafka) response, with valid values.
pub(crate) const ONCE_STANDARD: &[(&str, &str)] = &[
    ("cleanup.policy", "delete"),
    ("compression.type", "zstd"),
    ("delete.retention.ms", "86400000"),
    ("file.delete.delay.ms", "60000"),
    ("flush.messages", "10000"),
    ("flush.ms", "1000"),
    ("index.interval.bytes", "4096"),
    ("max.compaction.lag.ms", "604800000"),
    ("max.message.bytes", "1048576"),
    ("min.cleanable.dirty.ratio", "0.5"),
    ("min.compaction.lag.ms", "0"),
    ("min.insync.replicas", "1"),
    ("preallocate", "false"),
    ("retention.bytes", "1073741824"),
    ("retention.ms", "604800000"),
    ("segment.bytes", "536870912"),
    ("segment.index.bytes", "10485760"),
    ("segment.jitter.ms", "0"),
    ("segment.ms", "86400000"),
    ("unclean.leader.election.enable", "false"),
];

#[test]
fn a_sparse_broker_topic_that_sets_every_once_standard_key_is_described_by_what_was_set() {
    // Regression: a topic setting all the "standard" keys on a broker that reports only set
    // configs (all labelled DEFAULT_CONFIG) was taken for a full Kafka response: no overrides.
    let broker = Broker::tansu();
    let cluster = connect(&broker);
    cluster
        .create_topics(
            &[
                new_topic("sparse.full", 1, ONCE_STANDARD),
                new_topic("sparse.some", 1, &[("retention.ms", "3600000")]),
            ],
            Mode::Apply,
        )
        .unwrap();
    let state = eventually(Duration::from_secs(10), "topics to appear", || {
        let s = cluster.describe().unwrap();
        (s.topics.contains_key("sparse.full") && s.topics.contains_key("sparse.some")).then_some(s)
    });
    let expected: BTreeMap<String, String> = ONCE_STANDARD
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(state.topics["sparse.full"].overrides(), expected);
    assert_eq!(
        state.topics["sparse.some"].overrides(),
        [("retention.ms".to_string(), "3600000".to_string())].into()
    );
    // Alone in the cluster, it is still described by what was set.
    cluster.delete_topics(&["sparse.some".into()]).unwrap();
    let state = eventually(Duration::from_secs(10), "topic deletion", || {
        let s = cluster.describe().unwrap();
        (!s.topics.contains_key("sparse.some")).then_some(s)
    });
    assert_eq!(state.topics["sparse.full"].overrides(), expected);
}

#[test]
fn alter_configs_with_an_empty_topic_name_is_an_error_not_a_crash() {
    // Regression: `rd_kafka_ConfigResource_new` returns NULL for an empty name and the FFI
    // wrapper used it unchecked (SIGSEGV through a safe API, reachable via `apply --plan FILE`).
    let broker = Broker::start();
    let cluster = connect(&broker);
    let change = |topic: &str| ConfigAlteration {
        topic: topic.into(),
        ops: vec![ConfigOp::Set {
            key: "retention.ms".into(),
            value: "1000".into(),
        }],
    };
    for mode in [Mode::Apply, Mode::ValidateOnly] {
        let err = cluster
            .alter_configs(&[change("adapter.fine"), change("")], mode)
            .expect_err("an empty topic name must be refused");
        let text = err.to_string();
        assert!(text.contains("topic name"), "{text}");
    }
}

#[test]
fn create_requests_with_an_empty_topic_name_are_errors_not_crashes() {
    // Regression guard: librdkafka returns NULL for objects it cannot make; CreateTopics and
    // CreatePartitions, sent through librdkafka directly, must check every pointer. An empty
    // name is refused, by librdkafka or per topic by Kafka, and never crashes the process.
    let broker = Broker::start();
    let cluster = connect(&broker);
    for mode in [Mode::Apply, Mode::ValidateOnly] {
        match cluster.create_topics(&[new_topic("", 1, &[])], mode) {
            Err(e) => assert!(e.to_string().contains("``"), "{e}"),
            Ok(r) => assert!(r.len() == 1 && r[0].1.is_err(), "{r:?}"),
        }
        match cluster.create_partitions(&[(String::new(), 2)], mode) {
            Err(e) => assert!(e.to_string().contains("``"), "{e}"),
            Ok(r) => assert!(r.len() == 1 && r[0].1.is_err(), "{r:?}"),
        }
    }
}

#[test]
fn kafka_adds_partitions_and_honours_validate_only() {
    let broker = Broker::start();
    let cluster = connect(&broker);
    let created = cluster
        .create_topics(&[new_topic("adapter.grow", 1, &[])], Mode::Apply)
        .unwrap();
    assert!(created[0].1.is_ok(), "{created:?}");
    let partitions = || {
        cluster
            .describe()
            .unwrap()
            .topics
            .get("adapter.grow")
            .map(|t| t.partitions)
    };
    eventually(Duration::from_secs(10), "topic", &partitions);

    // N.B. KAFKA.md: Kafka honours validate_only: accepted, nothing changes.
    let checked = cluster
        .create_partitions(&[("adapter.grow".into(), 3)], Mode::ValidateOnly)
        .unwrap();
    assert!(checked[0].1.is_ok(), "{checked:?}");
    let created = cluster
        .create_topics(&[new_topic("adapter.never", 1, &[])], Mode::ValidateOnly)
        .unwrap();
    assert!(created[0].1.is_ok(), "{created:?}");
    assert_eq!(partitions(), Some(1));
    assert!(!cluster
        .describe()
        .unwrap()
        .topics
        .contains_key("adapter.never"));

    let added = cluster
        .create_partitions(&[("adapter.grow".into(), 3)], Mode::Apply)
        .unwrap();
    assert!(added[0].1.is_ok(), "{added:?}");
    eventually(Duration::from_secs(10), "3 partitions", || {
        (partitions() == Some(3)).then_some(())
    });
    // Kafka refuses a decrease, per topic.
    let refused = cluster
        .create_partitions(&[("adapter.grow".into(), 2)], Mode::ValidateOnly)
        .unwrap();
    let err = refused[0].1.as_ref().expect_err("a decrease is refused");
    assert_eq!(err.code, "InvalidPartitions", "{err:?}");
}

/// A dynamic cluster-wide broker default (IncrementalAlterConfigs on the broker resource "",
/// through Kafka's own `kafka-configs` tool), removed again on drop, so that a failing test
/// leaves the shared cluster as it found it.
struct ClusterDefault<'a> {
    broker: &'a Broker,
    key: &'static str,
}

fn configs_tool(broker: &Broker, args: &[&str]) {
    let mut all = vec![
        "--bootstrap-server",
        &broker.bootstrap,
        "--entity-type",
        "brokers",
        "--entity-default",
        "--alter",
    ];
    all.extend_from_slice(args);
    let out = kafka_tool("kafka.admin.ConfigCommand", &all);
    assert!(
        out.status.success(),
        "kafka-configs {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

impl<'a> ClusterDefault<'a> {
    fn set(broker: &'a Broker, key: &'static str, value: &str) -> Self {
        configs_tool(broker, &["--add-config", &format!("{key}={value}")]);
        ClusterDefault { broker, key }
    }
}

impl Drop for ClusterDefault<'_> {
    fn drop(&mut self) {
        configs_tool(self.broker, &["--delete-config", self.key]);
    }
}

#[test]
fn kafka_reports_every_config_with_its_source_and_inherited_values_are_not_overrides() {
    let broker = Broker::start();
    let cluster = connect(&broker);
    cluster
        .create_topics(
            &[
                new_topic("adapter.sources", 1, &[("cleanup.policy", "compact")]),
                new_topic("adapter.plain", 1, &[]),
            ],
            Mode::Apply,
        )
        .unwrap();
    // N.B. KAFKA.md: `log.retention.bytes` set as a dynamic cluster default surfaces as every
    // topic's `retention.bytes` with source DYNAMIC_DEFAULT_BROKER_CONFIG.
    let _default = ClusterDefault::set(&broker, "log.retention.bytes", "1073741824");
    let state = eventually(Duration::from_secs(20), "the dynamic default", || {
        let s = cluster.describe().unwrap();
        let t = s.topics.get("adapter.sources")?;
        (t.configs.get("retention.bytes")?.source == ConfigSource::DynamicDefaultBrokerConfig)
            .then_some(s)
    });
    let topic = &state.topics["adapter.sources"];
    assert_eq!(topic.config_view, ConfigView::Full);
    assert!(
        (30..=60).contains(&topic.configs.len()),
        "about 40 configs per topic, got {}",
        topic.configs.len()
    );
    let entry = |name: &str| topic.configs[name].clone();
    // The single-node test cluster has `log.segment.bytes=536870912` and
    // `log.retention.hours=72` in its server.properties. Kafka 4.1 reports the second with source
    // DEFAULT_CONFIG (retention.ms's synonym is log.retention.ms): inherited all the same.
    assert_eq!(entry("segment.bytes").value.as_deref(), Some("536870912"));
    assert_eq!(
        entry("segment.bytes").source,
        ConfigSource::StaticBrokerConfig
    );
    assert_eq!(entry("retention.ms").value.as_deref(), Some("259200000"));
    assert_ne!(
        entry("retention.ms").source,
        ConfigSource::DynamicTopicConfig
    );
    assert_eq!(
        entry("retention.bytes").value.as_deref(),
        Some("1073741824")
    );
    assert_eq!(
        entry("cleanup.policy").source,
        ConfigSource::DynamicTopicConfig
    );
    assert_eq!(entry("segment.ms").source, ConfigSource::DefaultConfig);
    assert_eq!(
        topic.overrides(),
        [("cleanup.policy".to_string(), "compact".to_string())].into()
    );
    assert!(state.topics["adapter.plain"].overrides().is_empty());
    assert_eq!(
        state.broker_defaults,
        BrokerDefaults {
            num_partitions: Some(1),
            default_replication_factor: Some(1),
            auto_create_topics_enable: Some(true),
        }
    );

    // The binary agrees: specs that declare only the real overrides plan to nothing, and
    // `export` writes only them.
    let specs = spec_dir(&[(
        "a.yaml",
        "topics:\n  - {name: adapter.sources, partitions: 1, replication_factor: 1, configs: {cleanup.policy: compact}}\n  - {name: adapter.plain, partitions: 1, replication_factor: 1}\n",
    )]);
    topicgate_on(&broker)
        .args(["plan", "--exit-code"])
        .arg(specs.path())
        .assert()
        .code(0);
    let out_dir = tempfile::tempdir().unwrap();
    let out = topicgate_on(&broker)
        .args(["export", "--out"])
        .arg(out_dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut text = String::new();
    for f in std::fs::read_dir(out_dir.path()).unwrap() {
        text += &std::fs::read_to_string(f.unwrap().path()).unwrap();
    }
    assert!(text.contains("adapter.plain"), "{text}");
    assert!(
        !text.contains("retention") && !text.contains("segment"),
        "{text}"
    );
    assert!(text.contains("cleanup.policy: compact"), "{text}");
}

#[test]
fn the_msk_like_cluster_reports_its_defaults() {
    let broker = Broker::msk();
    let state = connect(&broker).describe().unwrap();
    assert_eq!(state.brokers.len(), 3);
    assert_eq!(
        state.broker_defaults,
        BrokerDefaults {
            num_partitions: Some(1),
            default_replication_factor: Some(3),
            auto_create_topics_enable: Some(true),
        }
    );
}

/// Whether a catalog entry applies to the pinned Kafka version (4.x).
fn in_kafka_4(def: &topic_config::ConfigDef) -> bool {
    def.removed_in
        .is_none_or(|v| !v.starts_with("4.") && !v.starts_with('3'))
}

#[test]
fn the_config_catalog_matches_what_kafka_reports() {
    // Every topic-level config Kafka reports is in the catalog, with a type that accepts Kafka's
    // own default value unchanged; every catalog entry that Kafka 4.x still has is reported.
    let broker = Broker::start();
    let cluster = connect(&broker);
    cluster
        .create_topics(&[new_topic("adapter.catalog", 1, &[])], Mode::Apply)
        .unwrap();
    let state = eventually(Duration::from_secs(10), "topic", || {
        let s = cluster.describe().unwrap();
        s.topics.contains_key("adapter.catalog").then_some(s)
    });
    let configs = &state.topics["adapter.catalog"].configs;
    let mut problems = Vec::new();
    for (name, entry) in configs {
        let Some(def) = topic_config::lookup(name) else {
            problems.push(format!(
                "`{name}` is reported by Kafka but not in the catalog"
            ));
            continue;
        };
        if !in_kafka_4(def) {
            problems.push(format!("`{name}` is marked removed but Kafka reports it"));
        }
        let Some(value) = &entry.value else { continue };
        // N.B. an empty replica throttle list is Kafka's default ("no throttled replicas").
        if value.is_empty() && name.ends_with(".throttled.replicas") {
            continue;
        }
        match topic_config::normalise(def, &RawValue::Str(value.clone())) {
            Ok(stored) if topic_config::equivalent(name, &stored, value) => {}
            Ok(stored) => problems.push(format!(
                "`{name}`: Kafka's value `{value}` normalises to `{stored}`"
            )),
            Err(e) => problems.push(format!(
                "`{name}`: Kafka's value `{value}` ({:?}) is refused by the catalog: {e}",
                entry.source
            )),
        }
    }
    for def in CATALOG.iter().filter(|d| in_kafka_4(d)) {
        if !configs.contains_key(def.name) {
            problems.push(format!(
                "`{}` is in the catalog but Kafka does not report it",
                def.name
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
