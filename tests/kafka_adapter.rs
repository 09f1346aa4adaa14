//! The rdkafka adapter against a real broker: describe, create with configs, incremental alter
//! (SET and DELETE touch only the named keys), delete, and a missing API named plainly.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use support::{eventually, Broker};
use topicgate::cluster::kafka::KafkaCluster;
use topicgate::cluster::{
    ClusterError, ClusterReader, ClusterWriter, ConfigAlteration, ConfigOp, Mode, NewTopic,
};
use topicgate::model::cluster_state::Api;
use topicgate::model::connection::Connection;

fn connect(broker: &Broker) -> KafkaCluster {
    KafkaCluster::connect(Connection {
        bootstrap_servers: broker.bootstrap.clone(),
        properties: vec![],
        timeout: Duration::from_secs(10),
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
    let overrides = cluster.describe().unwrap().topics["adapter.a"].overrides();
    assert_eq!(
        overrides,
        [("retention.ms".to_string(), "7200000".to_string())].into()
    );

    let deleted = cluster.delete_topics(&["adapter.b".into()]).unwrap();
    assert!(deleted[0].1.is_ok(), "{deleted:?}");
    eventually(Duration::from_secs(10), "topic deletion", || {
        (!cluster.describe().unwrap().topics.contains_key("adapter.b")).then_some(())
    });
}

#[test]
fn a_missing_api_is_named() {
    let broker = Broker::start();
    let cluster = connect(&broker);
    cluster
        .create_topics(&[new_topic("adapter.p", 1, &[])], Mode::Apply)
        .unwrap();
    // N.B. KAFKA.md: the test broker does not implement CreatePartitions.
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
pub const ONCE_STANDARD: &[(&str, &str)] = &[
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
    let broker = Broker::start();
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
