//! `plan` and `apply` end to end: the built binary against Apache Kafka (the shared single-node
//! cluster of tests/integration/support.rs; `Broker::start`), and against Tansu where a test is about a broker
//! that lacks an API or ignores `validate_only`. Cluster state is read back through the adapter,
//! which `kafka_adapter.rs` tests on its own.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::fixtures::ORDERS;
use crate::support::{
    admin, apply_yes, spec_dir, state, stderr, stdout, topicgate, topicgate_on, Broker,
};
use topicgate::cluster::{ClusterWriter, ConfigAlteration, ConfigOp, Mode, NewTopic};

fn overrides(broker: &Broker, topic: &str) -> BTreeMap<String, String> {
    state(broker).topics[topic].overrides()
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn apply_creates_topics_with_configs_and_the_next_plan_is_empty() {
    let broker = Broker::start();
    let specs = spec_dir(&[("orders.yaml", ORDERS)]);
    let out = apply_yes(&broker, specs.path());
    assert!(
        stdout(&out).contains("Applied 1 of 1 change(s)."),
        "{}",
        stdout(&out)
    );

    let topic = &state(&broker).topics["orders.created"];
    assert_eq!(topic.partitions, 3);
    assert_eq!(
        topic.overrides(),
        map(&[
            ("cleanup.policy", "delete"),
            ("max.message.bytes", "2097152"),
            ("retention.ms", "604800000")
        ])
    );

    // Immediately after apply, with no sleep: apply waited until the cluster showed it.
    let out = topicgate_on(&broker)
        .args(["plan", "--exit-code"])
        .arg(specs.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).starts_with("No changes: 1 declared topic(s) match"),
        "{}",
        stdout(&out)
    );
    let out = topicgate_on(&broker)
        .args(["plan", "--format", "json"])
        .arg(specs.path())
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["changes"], serde_json::json!([]));
    assert_eq!(doc["summary"]["unchanged"], 1);
}

#[test]
fn plan_json_lists_one_entry_per_changed_topic() {
    let broker = Broker::start();
    let specs = spec_dir(&[
        ("orders.yaml", ORDERS),
        (
            "other.yaml",
            "topics:\n  - {name: other, partitions: 1, replication_factor: 1}\n",
        ),
    ]);
    apply_yes(&broker, specs.path().join("other.yaml"));
    let out = topicgate_on(&broker)
        .args(["plan", "--format", "json", "--exit-code"])
        .arg(specs.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "pending changes with --exit-code"
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["format"], "topicgate-plan");
    assert_eq!(doc["format_version"], 1);
    let changes = doc["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_eq!(changes[0]["topic"], "orders.created");
    assert_eq!(changes[0]["action"], "create");
    assert_eq!(
        changes[0]["partitions"],
        serde_json::json!({"from": null, "to": 3})
    );
    assert_eq!(changes[0]["before"], serde_json::Value::Null);
    assert!(changes[0]["declared_at"]
        .as_str()
        .unwrap()
        .ends_with("orders.yaml:2:5"));
}

#[test]
fn a_config_change_leaves_the_other_overrides_alone() {
    let broker = Broker::start();
    let specs = spec_dir(&[("orders.yaml", ORDERS)]);
    apply_yes(&broker, specs.path());

    std::fs::write(
        specs.path().join("orders.yaml"),
        ORDERS.replace("retention.ms: 7d", "retention.ms: 1d"),
    )
    .unwrap();
    let out = topicgate_on(&broker)
        .args(["plan"])
        .arg(specs.path())
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(text.contains("-  retention.ms: 604800000  # 7d"), "{text}");
    assert!(text.contains("+  retention.ms: 86400000  # 1d"), "{text}");
    apply_yes(&broker, specs.path());
    assert_eq!(
        overrides(&broker, "orders.created"),
        map(&[
            ("cleanup.policy", "delete"),
            ("max.message.bytes", "2097152"),
            ("retention.ms", "86400000")
        ])
    );
}

#[test]
fn an_undeclared_override_is_removed_and_shown_as_removal() {
    let broker = Broker::start();
    let specs = spec_dir(&[("orders.yaml", ORDERS)]);
    apply_yes(&broker, specs.path());
    // Someone sets an override by hand.
    admin(&broker)
        .alter_configs(
            &[ConfigAlteration {
                topic: "orders.created".into(),
                ops: vec![ConfigOp::Set {
                    key: "segment.ms".into(),
                    value: "3600000".into(),
                }],
            }],
            Mode::Apply,
        )
        .unwrap();

    let out = topicgate_on(&broker)
        .args(["plan", "--format", "json"])
        .arg(specs.path())
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["changes"][0]["configs"],
        serde_json::json!([{"op": "delete", "key": "segment.ms", "from": "3600000", "to": null}])
    );
    let text = stdout(
        &topicgate_on(&broker)
            .arg("plan")
            .arg(specs.path())
            .output()
            .unwrap(),
    );
    assert!(text.contains("-  segment.ms: 3600000  # 1h"), "{text}");
    assert!(
        text.contains("`segment.ms` are not in the spec and will be removed"),
        "{text}"
    );

    apply_yes(&broker, specs.path());
    assert_eq!(
        overrides(&broker, "orders.created"),
        map(&[
            ("cleanup.policy", "delete"),
            ("max.message.bytes", "2097152"),
            ("retention.ms", "604800000")
        ])
    );
}

#[test]
fn bad_specs_exit_non_zero_with_file_and_line_and_change_nothing() {
    let broker = Broker::start();
    let good = "topics:\n  - {name: fresh.topic, partitions: 1, replication_factor: 1}\n";
    let cases = [
        ("malformed YAML", "topics:\n  - name: x\n    partitions: [1\n", "bad.yaml:4:"),
        ("unknown key", "topics:\n  - name: x\n    partitions: 1\n    replication_factor: 1\n    retention: 1d\n", "bad.yaml:5:5"),
        ("bad name", "topics:\n  - name: no/slashes\n    partitions: 1\n    replication_factor: 1\n", "bad.yaml:2:11"),
        ("bad value", "topics:\n  - name: x\n    partitions: 1\n    replication_factor: 1\n    configs:\n      retention.ms: soon\n", "bad.yaml:6:21"),
    ];
    for (what, bad, location) in cases {
        let specs = spec_dir(&[("good.yaml", good), ("bad.yaml", bad)]);
        for command in [vec!["plan"], vec!["apply", "--yes"]] {
            let out = topicgate_on(&broker)
                .args(&command)
                .arg(specs.path())
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2), "{what}: {command:?}");
            let err = stderr(&out);
            assert!(
                err.contains(location),
                "{what}: expected {location} in {err}"
            );
        }
    }
    assert!(
        state(&broker).topics.is_empty(),
        "nothing may be created: {:?}",
        state(&broker).topics.keys()
    );
}

#[test]
fn an_unreachable_cluster_fails_fast_and_names_the_address() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let address = format!("127.0.0.1:{port}");
    let specs = spec_dir(&[("orders.yaml", ORDERS)]);
    let start = Instant::now();
    let out = topicgate()
        .args(["plan", "--bootstrap-servers", &address, "--timeout", "30s"])
        .arg(specs.path())
        .output()
        .unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("cannot reach the Kafka cluster at `{address}`")),
        "{err}"
    );
    assert_eq!(
        err.lines().count(),
        1,
        "one clear error, no librdkafka log lines: {err}"
    );
}

#[test]
fn a_partial_failure_says_what_was_applied_and_a_rerun_finishes_the_rest() {
    // The sparse broker: it lacks CreatePartitions, so one change of three fails.
    let broker = Broker::tansu();
    let v1 = "topics:\n  - name: grows\n    partitions: 1\n    replication_factor: 1\n    configs: {retention.ms: 1h}\n";
    let specs = spec_dir(&[("a.yaml", v1)]);
    apply_yes(&broker, specs.path());

    // More partitions (N.B. KAFKA.md: the test broker lacks CreatePartitions, so this fails), a
    // config change on the same topic and a new topic: the independent changes go through.
    let v2 = "topics:\n  - name: grows\n    partitions: 2\n    replication_factor: 1\n    configs: {retention.ms: 2h}\n  - {name: added, partitions: 1, replication_factor: 1}\n";
    std::fs::write(specs.path().join("a.yaml"), v2).unwrap();
    let out = topicgate_on(&broker)
        .args(["apply", "--yes"])
        .arg(specs.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains("done added create with 1 partition(s)"),
        "{text}"
    );
    assert!(text.contains("done grows set `retention.ms`"), "{text}");
    assert!(
        text.contains("FAILED grows add partitions: 1 -> 2: the broker does not support the CreatePartitions API"),
        "{text}"
    );
    assert!(text.contains("Applied 2 of 3 change(s); 1 failed and were not applied:\n  - grows add partitions: 1 -> 2"), "{text}");
    assert!(
        stderr(&out).contains("1 of the planned change(s) failed"),
        "{}",
        stderr(&out)
    );
    let s = state(&broker);
    assert!(s.topics.contains_key("added"));
    assert_eq!(
        s.topics["grows"].overrides(),
        map(&[("retention.ms", "7200000")])
    );

    // Re-running plans afresh: only the failed change is left.
    let out = topicgate_on(&broker)
        .args(["plan", "--format", "json"])
        .arg(specs.path())
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["changes"].as_array().unwrap().len(), 1);
    assert_eq!(doc["changes"][0]["topic"], "grows");
    assert_eq!(
        doc["changes"][0]["partitions"],
        serde_json::json!({"from": 1, "to": 2})
    );
    assert!(doc["changes"][0].get("configs").is_none());
}

#[test]
fn a_saved_plan_applies_only_to_the_cluster_it_was_made_for() {
    let broker = Broker::start();
    let specs = spec_dir(&[("orders.yaml", ORDERS)]);
    let plan_file = specs.path().join("plan.json");
    topicgate_on(&broker)
        .args(["plan", "--out"])
        .arg(&plan_file)
        .arg(specs.path().join("orders.yaml"))
        .assert()
        .success();
    // The cluster changes after the plan was made: the saved plan is refused.
    admin(&broker)
        .create_topics(
            &[NewTopic {
                name: "orders.created".into(),
                partitions: 1,
                replication_factor: 1,
                configs: BTreeMap::new(),
            }],
            Mode::Apply,
        )
        .unwrap();
    crate::support::eventually(Duration::from_secs(10), "topic", || {
        state(&broker)
            .topics
            .contains_key("orders.created")
            .then_some(())
    });
    let out = topicgate_on(&broker)
        .args(["apply", "--yes", "--plan"])
        .arg(&plan_file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("no longer matches the saved plan"), "{err}");
    assert!(
        err.contains("`orders.created` did not exist when the plan was made; now it does"),
        "{err}"
    );
    assert_eq!(
        state(&broker).topics["orders.created"].partitions,
        1,
        "nothing applied"
    );

    // A fresh plan, saved and applied as is.
    topicgate_on(&broker)
        .args(["plan", "--out"])
        .arg(&plan_file)
        .arg(specs.path().join("orders.yaml"))
        .assert()
        .success();
    let out = topicgate_on(&broker)
        .args(["apply", "--yes", "--plan"])
        .arg(&plan_file)
        .output()
        .unwrap();
    // Kafka adds the partitions (CreatePartitions) and sets the configs.
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("done orders.created set `cleanup.policy`"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("done orders.created add partitions: 1 -> 3"),
        "{}",
        stdout(&out)
    );
    let topic = &state(&broker).topics["orders.created"];
    assert_eq!(topic.overrides().len(), 3);
    assert_eq!(topic.partitions, 3);
    topicgate_on(&broker)
        .args(["plan", "--exit-code"])
        .arg(specs.path().join("orders.yaml"))
        .assert()
        .code(0);
}

#[test]
fn dry_run_changes_nothing() {
    let broker = Broker::start();
    let specs = spec_dir(&[("orders.yaml", ORDERS)]);
    let out = topicgate_on(&broker)
        .args(["apply", "--dry-run"])
        .arg(specs.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Dry run: no request was sent"),
        "{}",
        stdout(&out)
    );
    assert!(state(&broker).topics.is_empty());
}

#[test]
fn broker_validation_is_checked_not_trusted() {
    // N.B. KAFKA.md: Tansu ignores validate_only and really creates the topic. topicgate must
    // notice and say so, rather than report a clean dry run.
    let broker = Broker::tansu();
    let specs = spec_dir(&[("orders.yaml", ORDERS)]);
    let out = topicgate_on(&broker)
        .args(["apply", "--dry-run", "--broker-validate"])
        .arg(specs.path())
        .output()
        .unwrap();
    assert!(state(&broker).topics.contains_key("orders.created"));
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("the broker ignored validate_only"), "{err}");
    assert!(
        err.contains("`orders.created` did not exist when the plan was made; now it does"),
        "{err}"
    );
}

#[test]
fn kafka_validates_every_kind_of_change_and_changes_nothing() {
    // N.B. KAFKA.md: Apache Kafka honours validate_only for CreateTopics, CreatePartitions and
    // IncrementalAlterConfigs; what it would refuse is reported per topic, the rest is accepted.
    let broker = Broker::start();
    let v1 = "topics:\n  - {name: grows, partitions: 1, replication_factor: 1, configs: {retention.ms: 1h}}\n";
    let specs = spec_dir(&[("a.yaml", v1)]);
    apply_yes(&broker, specs.path());
    let before = state(&broker);
    let v2 = "topics:
  - {name: grows, partitions: 3, replication_factor: 1, configs: {retention.ms: 2h, cleanup.policy: compact}}
  - {name: fresh, partitions: 2, replication_factor: 1, configs: {retention.ms: 1d}}
  - {name: too.many.replicas, partitions: 1, replication_factor: 2}
  - {name: bad.value, partitions: 1, replication_factor: 1, configs: {segment.bytes: 1000}}
";
    std::fs::write(specs.path().join("a.yaml"), v2).unwrap();
    let out = topicgate_on(&broker)
        .args(["apply", "--dry-run", "--broker-validate"])
        .arg(specs.path())
        .output()
        .unwrap();
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}{}", stderr(&out));
    for accepted in [
        "ok grows add partitions: 1 -> 3: accepted by the broker (validate only)",
        "ok grows set `cleanup.policy`",
        "ok fresh create with 2 partition(s)",
    ] {
        assert!(text.contains(accepted), "{accepted}: {text}");
    }
    assert!(
        text.contains("FAILED too.many.replicas create with 1 partition(s), replication factor 2: InvalidReplicationFactor"),
        "{text}"
    );
    assert!(
        text.contains("FAILED bad.value create with 1 partition(s), replication factor 1, 1 config override(s): InvalidConfig"),
        "{text}"
    );
    // Regression: the per-topic refusals of CreateTopics lost Kafka's own message (the rdkafka
    // wrapper keeps only the code), so the operator could not tell why.
    assert!(
        text.contains("The target replication factor of 2 cannot be reached because only 1 broker(s) are registered"),
        "{text}"
    );
    assert!(text.contains("segment.bytes"), "{text}");
    assert!(
        text.contains("Dry run: the broker validated the requests and nothing was changed."),
        "{text}"
    );
    assert_eq!(state(&broker).topics, before.topics, "nothing changed");
}

#[test]
fn apply_without_a_terminal_needs_yes() {
    let broker = Broker::start();
    let specs = spec_dir(&[("orders.yaml", ORDERS)]);
    let out = topicgate_on(&broker)
        .arg("apply")
        .arg(specs.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("pass `--yes`"), "{}", stderr(&out));
    assert!(state(&broker).topics.is_empty());
}

#[test]
fn a_blocked_change_stops_apply_before_anything_changes() {
    let broker = Broker::start();
    let v1 = "topics:\n  - {name: shrink, partitions: 3, replication_factor: 1}\n";
    let specs = spec_dir(&[("a.yaml", v1)]);
    apply_yes(&broker, specs.path());
    let v2 = "topics:\n  - {name: shrink, partitions: 2, replication_factor: 1, configs: {retention.ms: 1h}}\n  - {name: new.one, partitions: 1, replication_factor: 1}\n";
    std::fs::write(specs.path().join("a.yaml"), v2).unwrap();

    let out = topicgate_on(&broker)
        .arg("plan")
        .arg(specs.path())
        .output()
        .unwrap();
    assert!(
        stdout(&out).contains("blocked: partitions 3 -> 2: Kafka cannot remove partitions"),
        "{}",
        stdout(&out)
    );
    let out = topicgate_on(&broker)
        .args(["apply", "--yes"])
        .arg(specs.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("1 blocked change(s)"),
        "{}",
        stderr(&out)
    );
    let s = state(&broker);
    assert!(!s.topics.contains_key("new.one"));
    assert!(s.topics["shrink"].overrides().is_empty());

    let out = topicgate_on(&broker)
        .args(["apply", "--yes", "--skip-blocked"])
        .arg(specs.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let s = state(&broker);
    assert!(s.topics.contains_key("new.one"));
    assert_eq!(
        s.topics["shrink"].overrides(),
        map(&[("retention.ms", "3600000")])
    );
    assert_eq!(s.topics["shrink"].partitions, 3);
}

#[test]
fn deletion_needs_both_the_spec_and_allow_delete_and_unmanaged_topics_are_untouched() {
    let broker = Broker::start();
    let cluster = admin(&broker);
    let unmanaged = NewTopic {
        name: "someone.elses".into(),
        partitions: 2,
        replication_factor: 1,
        configs: map(&[("retention.ms", "1000")]),
    };
    let old = NewTopic {
        name: "old.topic".into(),
        ..unmanaged.clone()
    };
    cluster
        .create_topics(&[unmanaged, old], Mode::Apply)
        .unwrap();
    crate::support::eventually(Duration::from_secs(10), "topics", || {
        (state(&broker).topics.len() == 2).then_some(())
    });

    let specs = spec_dir(&[("a.yaml", "topics:\n  - {name: old.topic, delete: true}\n")]);
    let out = topicgate_on(&broker)
        .args(["apply", "--yes"])
        .arg(specs.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("pass `--allow-delete`"),
        "{}",
        stderr(&out)
    );
    assert!(state(&broker).topics.contains_key("old.topic"));

    let out = topicgate_on(&broker)
        .args(["apply", "--yes", "--allow-delete"])
        .arg(specs.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let s = state(&broker);
    assert!(!s.topics.contains_key("old.topic"));
    assert_eq!(
        s.topics["someone.elses"].overrides(),
        map(&[("retention.ms", "1000")])
    );
}

#[test]
fn verbose_plan_and_apply_say_what_they_load_describe_and_send() {
    // Regression: -v and -vv printed nothing for plan and apply.
    let broker = Broker::start();
    let specs = spec_dir(&[("orders.yaml", ORDERS)]);
    let out = topicgate_on(&broker)
        .args(["-v", "plan", "-X", "socket.keepalive.enable=true"])
        .arg(specs.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    for line in [
        format!(
            "connecting to `{}` (timeout 10s) with client properties socket.keepalive.enable (values not shown)",
            broker.bootstrap
        ),
        "loaded 1 topic(s) from 1 spec file(s)".into(),
        format!("described `{}` (cluster id `", broker.bootstrap),
        "plan: 1 to create, 0 to update, 0 to delete, 0 blocked, 0 unchanged".into(),
    ] {
        assert!(err.contains(&line), "{line:?} in {err}");
    }
    assert!(!err.contains("DEBUG"), "-v is info only: {err}");
    assert!(!stdout(&out).contains("INFO"), "logs never go to stdout");
    let out = topicgate_on(&broker)
        .args(["-vv", "apply", "--yes"])
        .arg(specs.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    for line in [
        "sending CreateTopics for 1 topic(s)",
        "create `orders.created`: 3 partition(s), replication factor 1, configs {\"cleanup.policy\": \"delete\"",
        "1 change(s) done, 0 failed, 0 unknown",
    ] {
        assert!(err.contains(line), "{line:?} in {err}");
    }
}

#[test]
fn verbose_logging_does_not_stall_the_command() {
    // Regression: main held the stderr lock for the whole command, so librdkafka's log lines
    // (written from other threads) blocked forever and plan timed out with -v.
    let broker = Broker::start();
    let specs = spec_dir(&[("orders.yaml", ORDERS)]);
    for verbosity in ["-v", "-vv", "-vvv"] {
        let start = Instant::now();
        let out = topicgate_on(&broker)
            .args([verbosity, "plan", "--timeout", "5s"])
            .arg(specs.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{verbosity}: {}", stderr(&out));
        assert!(
            start.elapsed() < Duration::from_secs(4),
            "{verbosity} took {:?}",
            start.elapsed()
        );
    }
}

/// Saves a plan for the specs in `specs` (made against `broker`) and returns its path and JSON.
fn save_plan(
    broker: &Broker,
    specs: &tempfile::TempDir,
    extra: &[&str],
) -> (std::path::PathBuf, serde_json::Value) {
    let plan_file = specs.path().join("plan.json");
    topicgate_on(broker)
        .args(extra)
        .args(["plan", "--out"])
        .arg(&plan_file)
        .arg(specs.path().join("orders.yaml"))
        .assert()
        .success();
    let doc = serde_json::from_str(&std::fs::read_to_string(&plan_file).unwrap()).unwrap();
    (plan_file, doc)
}

/// Applies `doc` as a saved plan (written next to the specs as `edited.json`).
fn apply_edited(
    broker: &Broker,
    specs: &tempfile::TempDir,
    extra: &[&str],
    doc: &serde_json::Value,
) -> std::process::Output {
    let file = specs.path().join("edited.json");
    std::fs::write(&file, serde_json::to_vec_pretty(doc).unwrap()).unwrap();
    topicgate_on(broker)
        .args(extra)
        .args(["apply", "--yes", "--plan"])
        .arg(&file)
        .output()
        .unwrap()
}

fn set_config(doc: &mut serde_json::Value, key: &str, value: &str) {
    let configs = doc["changes"][0]["configs"].as_array_mut().unwrap();
    let entry = configs.iter_mut().find(|c| c["key"] == key).unwrap();
    entry["to"] = value.into();
}

#[test]
fn an_edited_saved_plan_is_validated_like_specs_before_anything_is_sent() {
    // Regression: `apply --plan` sent whatever the file said: `retention.ms=banana`, a topic with
    // 0 partitions, a topic named `../../etc`.
    let broker = Broker::start();
    let specs = spec_dir(&[("orders.yaml", ORDERS)]);
    let (_, doc) = save_plan(&broker, &specs, &[]);
    let before = state(&broker).topics;
    type Edit = fn(&mut serde_json::Value);
    let cases: [(Edit, &[&str]); 4] = [
        (
            |d| set_config(d, "retention.ms", "banana"),
            &["`orders.created`: `retention.ms` must be a whole number of milliseconds or a duration"],
        ),
        (
            |d| d["changes"][0]["partitions"]["to"] = 0.into(),
            &["`orders.created`: `partitions` must be at least 1, got 0"],
        ),
        (
            |d| d["changes"][0]["topic"] = "../../etc".into(),
            &["topic name `../../etc` contains '/'"],
        ),
        // Every problem at once.
        (
            |d| {
                set_config(d, "retention.ms", "banana");
                d["changes"][0]["replication_factor"]["to"] = 0.into();
                d["changes"][0]["topic"] = "".into();
            },
            &[
                "topic name is empty",
                "`retention.ms` must be a whole number",
                "`replication_factor` must be at least 1, got 0",
                "3 problem(s) in the saved plan",
            ],
        ),
    ];
    for (edit, expected) in cases {
        let mut edited = doc.clone();
        edit(&mut edited);
        let out = apply_edited(&broker, &specs, &[], &edited);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{}{err}", stdout(&out));
        for e in expected {
            assert!(err.contains(e), "missing {e:?} in:\n{err}");
        }
        assert!(
            err.contains("edited.json"),
            "the plan file is named:\n{err}"
        );
        assert!(err.contains("nothing was sent to the cluster"), "{err}");
        assert_eq!(state(&broker).topics, before, "the broker is unchanged");
    }
}

#[test]
fn a_saved_plan_without_the_cluster_id_is_refused() {
    // Regression: a plan edited to `cluster_id: null` skipped the check that it was made for
    // this cluster.
    let broker = Broker::start();
    let specs = spec_dir(&[("orders.yaml", ORDERS)]);
    let (_, mut doc) = save_plan(&broker, &specs, &[]);
    assert!(doc["cluster"]["cluster_id"].is_string(), "{doc}");
    for id in [serde_json::Value::Null, "another-cluster".into()] {
        doc["cluster"]["cluster_id"] = id;
        let out = apply_edited(&broker, &specs, &[], &doc);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{}{err}", stdout(&out));
        assert!(err.contains("no longer matches the saved plan"), "{err}");
        assert!(err.contains("but this is cluster `"), "{err}");
        assert!(state(&broker).topics.is_empty(), "the broker is unchanged");
    }
}

#[test]
fn a_saved_plan_is_held_to_the_policies_with_the_specs_exceptions() {
    // Regression: a saved plan edited to break a topicgate.yaml policy was applied.
    let broker = Broker::start();
    let specs = spec_dir(&[
        (
            "orders.yaml",
            "topics:
  - name: orders.created
    partitions: 3
    replication_factor: 1
    configs: {retention.ms: 7d}
    policy_exceptions:
      policy-min-replication-factor: single-broker test cluster
",
        ),
        (
            "topicgate.yaml",
            "policies:\n  min_partitions: {value: 3}\n  min_replication_factor: {value: 3}\n  retention: {max: 30d}\n",
        ),
    ]);
    let config = specs.path().join("topicgate.yaml");
    let config = ["--config", config.to_str().unwrap()];
    let (plan_file, doc) = save_plan(&broker, &specs, &config);
    let mut edited = doc.clone();
    edited["changes"][0]["partitions"]["to"] = 1.into();
    set_config(&mut edited, "retention.ms", "-1");
    let out = apply_edited(&broker, &specs, &config, &edited);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{}{err}", stdout(&out));
    assert!(err.contains("policy-min-partitions"), "{err}");
    assert!(err.contains("policy-retention"), "{err}");
    assert!(!err.contains("policy-min-replication-factor"), "{err}");
    assert!(state(&broker).topics.is_empty(), "the broker is unchanged");

    // The plan as saved keeps the spec's exception and applies.
    let out = topicgate_on(&broker)
        .args(config)
        .args(["apply", "--yes", "--plan"])
        .arg(&plan_file)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert_eq!(state(&broker).topics["orders.created"].partitions, 3);
}

#[test]
fn a_topic_that_sets_every_once_standard_key_converges_and_shows_no_drift() {
    // Regression: on a broker that reports only set configs, a topic setting all the "standard"
    // keys was taken for a full Kafka response: apply never converged, check reported drift.
    let broker = Broker::tansu();
    let spec = "topics:
  - name: orders.everything
    partitions: 1
    replication_factor: 1
    configs:
      cleanup.policy: delete
      compression.type: zstd
      delete.retention.ms: 1d
      file.delete.delay.ms: 1m
      flush.messages: 10000
      flush.ms: 1s
      index.interval.bytes: 4096
      max.compaction.lag.ms: 7d
      max.message.bytes: 1MiB
      min.cleanable.dirty.ratio: 0.5
      min.compaction.lag.ms: 0
      min.insync.replicas: 1
      preallocate: false
      retention.bytes: 1GiB
      retention.ms: 7d
      segment.bytes: 512MiB
      segment.index.bytes: 10MiB
      segment.jitter.ms: 0
      segment.ms: 1d
      unclean.leader.election.enable: false
";
    let specs = spec_dir(&[("orders.yaml", spec)]);
    apply_yes(&broker, specs.path());
    assert_eq!(overrides(&broker, "orders.everything").len(), 20);
    let out = topicgate_on(&broker)
        .args(["plan", "--exit-code"])
        .arg(specs.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "second plan not empty:\n{}",
        stdout(&out)
    );
    let out = topicgate_on(&broker)
        .args([
            "check",
            "--broker-defaults",
            "partitions=4,replication_factor=1",
        ])
        .arg(specs.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(!stdout(&out).contains("drift"), "{}", stdout(&out));
    assert!(
        !stdout(&out).contains("broker-default-topic"),
        "{}",
        stdout(&out)
    );
    let out = topicgate_on(&broker)
        .args([
            "gate",
            "--require",
            "orders.everything",
            "--broker-defaults",
            "partitions=4,replication_factor=1",
        ])
        .arg(specs.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn a_replication_factor_change_is_executed_by_kafkas_own_reassignment_tool() {
    // N.B. KAFKA.md: librdkafka cannot reassign partitions; the plan prints the JSON for
    // `kafka-reassign-partitions`, and Kafka's own tool (kafka-tools) executes it here.
    let broker = Broker::msk();
    let v1 = "topics:\n  - {name: reassign.me, partitions: 2, replication_factor: 1, configs: {retention.ms: 1h}}\n";
    let specs = spec_dir(&[("a.yaml", v1)]);
    apply_yes(&broker, specs.path());
    std::fs::write(
        specs.path().join("a.yaml"),
        v1.replace("replication_factor: 1", "replication_factor: 3"),
    )
    .unwrap();
    let out = topicgate_on(&broker)
        .args(["plan", "--format", "json"])
        .arg(specs.path())
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), stderr(&out)));
    let reassignment = doc["changes"][0]["blocked"]
        .as_array()
        .and_then(|b| b.iter().find(|b| b["setting"] == "replication_factor"))
        .map(|b| b["reassignment"].clone())
        .unwrap_or_else(|| panic!("no reassignment in {doc:#}"));
    let file = specs.path().join("reassignment.json");
    std::fs::write(&file, reassignment.to_string()).unwrap();
    let file = file.to_str().unwrap();
    let tool = "org.apache.kafka.tools.reassign.ReassignPartitionsCommand";
    let out = crate::support::kafka_tool(
        tool,
        &[
            "--bootstrap-server",
            &broker.bootstrap,
            "--reassignment-json-file",
            file,
            "--execute",
        ],
    );
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    crate::support::eventually(Duration::from_secs(60), "the reassignment", || {
        let t = &state(&broker).topics["reassign.me"];
        t.assignment.iter().all(|r| r.len() == 3).then_some(())
    });
    let out = crate::support::kafka_tool(
        tool,
        &[
            "--bootstrap-server",
            &broker.bootstrap,
            "--reassignment-json-file",
            file,
            "--verify",
        ],
    );
    assert!(
        stdout(&out).contains("is completed"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    topicgate_on(&broker)
        .args(["plan", "--exit-code"])
        .arg(specs.path())
        .assert()
        .code(0);
}
