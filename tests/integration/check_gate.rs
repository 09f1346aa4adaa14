//! `check` and `gate` end to end against real brokers. The story from KAFKA.md: a producer names
//! a topic before it is provisioned, the broker auto-creates it with defaults; `check` must catch
//! it and `gate` must block the deploy. It runs on the MSK-like 3-node Apache Kafka cluster (broker
//! defaults read from the brokers) and on Tansu, the sparse broker (defaults given as a user
//! would), with the same answers.

use std::time::Duration;

use crate::support::{
    apply_yes, produce, spec_dir, state, stderr, stdout, topicgate_on, Broker, BrokerKind,
};

/// N.B. KAFKA.md: Tansu auto-creates topics with 4 partitions, replication factor 1, and does
/// not expose its defaults; tests give them as a user would.
const TANSU_DEFAULTS: &str = "partitions=4,replication_factor=1";

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(out), stderr(out)))
}

fn codes(doc: &serde_json::Value, topic: &str) -> Vec<String> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["topic"] == topic)
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

/// The story on `broker`: `rf` is the replication factor the broker gives auto-created topics
/// and the specs declare, `auto_partitions` the partition count it gives them, `defaults` the
/// `--broker-defaults` a user passes for a broker that does not expose its own (none for Kafka).
fn story(broker: &Broker, rf: i16, auto_partitions: i32, defaults: &[&str]) {
    let specs = spec_dir(&[(
        "orders.yaml",
        &format!(
            "topics:
  - name: orders.created
    partitions: 4
    replication_factor: {rf}
    configs:
      retention.ms: 7d
      cleanup.policy: delete
"
        ),
    )]);
    // The service is deployed before its topics are provisioned.
    produce(broker, "orders.created");
    let auto = &state(broker).topics["orders.created"];
    assert!(
        auto.overrides().is_empty(),
        "auto-created with no overrides: {:?}",
        auto.overrides()
    );
    assert_eq!(auto.partitions, auto_partitions);
    assert_eq!(auto.replication_factor, rf);

    // check catches it.
    let out = topicgate_on(broker)
        .args(["check", "--format", "json"])
        .args(defaults)
        .arg(specs.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc = json(&out);
    let mut expected = vec!["broker-default-topic"];
    if auto_partitions != 4 {
        expected.push("partition-drift");
    }
    expected.push("config-drift");
    assert_eq!(codes(&doc, "orders.created"), expected);
    let finding = &doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["topic"] == "orders.created")
        .unwrap();
    assert_eq!(finding["severity"], "error");
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("probably auto-created by a client before it was provisioned"),
        "{finding}"
    );
    assert_eq!(finding["evidence"]["partitions"], auto_partitions);
    let source = if defaults.is_empty() {
        "broker"
    } else {
        "flag"
    };
    assert_eq!(finding["evidence"]["broker_defaults_source"], source);

    // gate blocks the deploy.
    let out = topicgate_on(broker)
        .args(["gate", "--require", "orders.created"])
        .args(defaults)
        .arg(specs.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("NOT READY orders.created"), "{text}");
    assert!(text.contains("broker-default-topic:"), "{text}");

    // apply provisions it: partitions raised where needed (CreatePartitions), configs set
    // (IncrementalAlterConfigs).
    let out = topicgate_on(broker)
        .args(["apply", "--yes"])
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
    let topic = &state(broker).topics["orders.created"];
    assert_eq!(topic.partitions, 4);
    assert_eq!(topic.overrides().len(), 2);

    // The gate opens, check is clean for the topic, and the next plan is empty.
    let out = topicgate_on(broker)
        .args(["gate", "--require", "orders.created"])
        .args(defaults)
        .arg(specs.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("gate: ready"), "{}", stdout(&out));
    let out = topicgate_on(broker)
        .args(["check", "--format", "json"])
        .args(defaults)
        .arg(specs.path())
        .output()
        .unwrap();
    assert!(codes(&json(&out), "orders.created").is_empty());
    topicgate_on(broker)
        .args(["plan", "--exit-code"])
        .arg(specs.path())
        .assert()
        .code(0);
}

#[test]
fn the_story_on_an_msk_like_kafka_cluster() {
    // N.B. KAFKA.md: 3 nodes, num.partitions=1, default.replication.factor=3; the defaults come
    // from the brokers themselves (no --broker-defaults, no topicgate.yaml).
    let broker = Broker::msk();
    assert_eq!(broker.kind, BrokerKind::KafkaMsk);
    story(&broker, 3, 1, &[]);
}

#[test]
fn the_story_on_the_sparse_broker() {
    let broker = Broker::tansu();
    story(&broker, 1, 4, &["--broker-defaults", TANSU_DEFAULTS]);
}

#[test]
fn a_partition_decrease_is_blocked_and_reported_plainly() {
    let broker = Broker::msk();
    let specs = spec_dir(&[(
        "s.yaml",
        "topics:\n  - {name: orders.audit, partitions: 1, replication_factor: 3, configs: {retention.ms: 30d}}\n",
    )]);
    let bigger = spec_dir(&[(
        "s.yaml",
        "topics:\n  - {name: orders.audit, partitions: 4, replication_factor: 3}\n",
    )]);
    apply_yes(&broker, bigger.path());
    let out = topicgate_on(&broker)
        .args(["apply", "--yes"])
        .arg(specs.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("blocked: partitions 4 -> 1: Kafka cannot remove partitions"),
        "{}",
        stdout(&out)
    );
    topicgate_on(&broker)
        .args(["apply", "--yes", "--skip-blocked"])
        .arg(specs.path())
        .assert()
        .success();
    assert_eq!(state(&broker).topics["orders.audit"].overrides().len(), 1);
    let out = topicgate_on(&broker)
        .arg("check")
        .arg(specs.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("error[partition-drift] `orders.audit` has 4 partition(s), its spec")
            && text.contains("Kafka cannot remove partitions"),
        "{text}"
    );
}

#[test]
fn each_code_fires_on_the_real_broker_and_not_on_governed_topics() {
    // The MSK-like cluster: every code from what the brokers report, no defaults given.
    let broker = Broker::msk();
    let specs = spec_dir(&[(
        "s.yaml",
        "topics:
  - {name: governed, partitions: 2, replication_factor: 3, configs: {retention.ms: 1h}}
  - {name: drifted, partitions: 2, replication_factor: 3, configs: {retention.ms: 1h}}
  - {name: absent, partitions: 1, replication_factor: 3}
",
    )]);
    let initial = spec_dir(&[(
        "s.yaml",
        "topics:
  - {name: governed, partitions: 2, replication_factor: 3, configs: {retention.ms: 1h}}
  - {name: drifted, partitions: 3, replication_factor: 2, configs: {retention.ms: 2h}}
  - {name: stray, partitions: 1, replication_factor: 3, configs: {retention.ms: 2h}}
  - {name: tmp.scratch, partitions: 1, replication_factor: 3, configs: {retention.ms: 2h}}
",
    )]);
    apply_yes(&broker, initial.path());
    produce(&broker, "auto.made");

    let run = |extra: &[&str]| {
        let out = topicgate_on(&broker)
            .args(["check", "--format", "json"])
            .args(extra)
            .arg(specs.path())
            .output()
            .unwrap();
        (out.status.code(), json(&out))
    };
    let (code, doc) = run(&[]);
    assert_eq!(code, Some(1));
    let all: Vec<(String, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["topic"].as_str().unwrap_or("").to_string(),
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("", "auto-create-enabled"),
        ("absent", "missing-topic"),
        ("auto.made", "broker-default-topic"),
        ("auto.made", "unmanaged-topic"),
        ("drifted", "partition-drift"),
        ("drifted", "replication-drift"),
        ("drifted", "config-drift"),
        ("stray", "unmanaged-topic"),
        ("tmp.scratch", "unmanaged-topic"),
    ]
    .iter()
    .map(|(t, c)| (t.to_string(), c.to_string()))
    .collect();
    assert_eq!(all, expected);
    assert!(!all.iter().any(|(t, _)| t == "governed"));
    assert_eq!(
        doc["summary"],
        serde_json::json!({"errors": 5, "warnings": 4})
    );
    let drift = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "replication-drift")
        .unwrap();
    assert_eq!(
        drift["evidence"],
        serde_json::json!({"expected": 3, "actual": 2})
    );

    let (_, doc) = run(&["--ignore", "^tmp\\.", "--ignore", "^stray$"]);
    assert!(!doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["topic"] == "tmp.scratch" || f["topic"] == "stray"));
}

#[test]
fn fail_on_and_output_formats() {
    // The sparse broker: it does not expose `auto.create.topics.enable`, so the only finding is
    // a warning.
    let broker = Broker::tansu();
    let specs = spec_dir(&[("s.yaml", "topics:\n  - {name: governed, partitions: 1, replication_factor: 1, configs: {retention.ms: 1h}}\n")]);
    apply_yes(&broker, specs.path());
    let extra = spec_dir(&[("s.yaml", "topics:\n  - {name: stray, partitions: 1, replication_factor: 1, configs: {retention.ms: 1h}}\n")]);
    apply_yes(&broker, extra.path());

    // Only a warning (unmanaged `stray`): exit 0 by default, 1 with --fail-on warning.
    let out = topicgate_on(&broker)
        .args(["check"])
        .arg(specs.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("warning[unmanaged-topic] `stray` exists but no spec declares it"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("note: the broker does not expose `auto.create.topics.enable`"),
        "{}",
        stdout(&out)
    );
    let out = topicgate_on(&broker)
        .args(["check", "--fail-on", "warning"])
        .arg(specs.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));

    let out = topicgate_on(&broker)
        .args(["check", "--format", "github"])
        .arg(specs.path())
        .output()
        .unwrap();
    assert!(
        stdout(&out).starts_with(
            "::warning title=topicgate unmanaged-topic::`stray` exists but no spec declares it"
        ),
        "{}",
        stdout(&out)
    );
    let out = topicgate_on(&broker)
        .args(["check", "--format", "markdown"])
        .arg(specs.path())
        .output()
        .unwrap();
    assert!(
        stdout(&out).contains("| warning | `unmanaged-topic` | `stray` |"),
        "{}",
        stdout(&out)
    );

    // A drifted declared topic gets an annotation on its spec line.
    std::fs::write(specs.path().join("s.yaml"), "topics:\n  - {name: governed, partitions: 1, replication_factor: 1, configs: {retention.ms: 2h}}\n").unwrap();
    let out = topicgate_on(&broker)
        .args(["check", "--format", "github"])
        .arg(specs.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let line = stdout(&out)
        .lines()
        .find(|l| l.contains("config-drift"))
        .unwrap()
        .to_string();
    assert!(line.starts_with("::error file="), "{line}");
    assert!(
        line.contains("s.yaml,line=2,col=5,title=topicgate config-drift::"),
        "{line}"
    );
}

#[test]
fn the_gate_never_creates_a_topic() {
    // N.B. KAFKA.md: both brokers auto-create any topic named in a producer's Metadata request.
    for broker in [Broker::msk(), Broker::tansu()] {
        gate_creates_nothing(&broker);
    }
}

fn gate_creates_nothing(broker: &Broker) {
    let specs = spec_dir(&[(
        "s.yaml",
        "topics:\n  - {name: not.yet, partitions: 1, replication_factor: 1}\n",
    )]);
    for _ in 0..2 {
        let out = topicgate_on(broker)
            .args(["gate", "--require", "not.yet", "--require", "nowhere"])
            .arg(specs.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let text = stdout(&out);
        assert!(
            text.contains("NOT READY not.yet\n      missing-topic:"),
            "{text}"
        );
        assert!(
            text.contains("NOT READY nowhere\n      undeclared: no spec declares `nowhere`"),
            "{text}"
        );
    }
    assert!(
        state(broker).topics.is_empty(),
        "{:?}",
        state(broker).topics.keys()
    );
}

#[test]
fn the_gate_waits_for_provisioning() {
    let broker = Broker::start();
    let specs = spec_dir(&[("s.yaml", "topics:\n  - {name: soon, partitions: 1, replication_factor: 1, configs: {retention.ms: 1h}}\n")]);
    let needs = specs.path().join("needs.txt");
    std::fs::write(&needs, "# topics the service uses\nsoon\n").unwrap();
    let bin = assert_cmd::cargo::cargo_bin("topicgate");
    let waiting = std::process::Command::new(bin)
        .args([
            "gate",
            "--wait",
            "60s",
            "--format",
            "json",
            "--require-file",
        ])
        .arg(&needs)
        .arg(specs.path())
        .env("TOPICGATE_BOOTSTRAP_SERVERS", &broker.bootstrap)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Provisioning runs while the gate waits.
    std::thread::sleep(Duration::from_millis(1500));
    apply_yes(&broker, specs.path());
    let out = waiting.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("gate: waiting for 1 of 1 topic(s): soon (missing-topic)"),
        "{}",
        stderr(&out)
    );
    let doc = json(&out);
    assert_eq!(doc["ready"], true);
    assert_eq!(
        doc["topics"],
        serde_json::json!([{"topic": "soon", "ready": true, "reasons": []}])
    );
}

#[test]
fn a_gate_that_times_out_says_why() {
    let broker = Broker::start();
    let specs = spec_dir(&[("s.yaml", "topics: []\n")]);
    let start = std::time::Instant::now();
    let out = topicgate_on(&broker)
        .args(["gate", "--require", "x", "--wait", "2s"])
        .arg(specs.path())
        .output()
        .unwrap();
    assert!(start.elapsed() < Duration::from_secs(8));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("gate: not ready: 1 of 1 required topic(s) are not ready."),
        "{}",
        stdout(&out)
    );
}

#[test]
fn broker_defaults_and_ignores_come_from_topicgate_yaml() {
    // The sparse broker exposes no defaults: topicgate.yaml gives them (on Kafka, the brokers'
    // own values win; see the story).
    let broker = Broker::tansu();
    produce(&broker, "auto.made");
    produce(&broker, "tmp.scratch");
    let specs = spec_dir(&[("s.yaml", "topics: []\n")]);
    let config = specs.path().join("topicgate.yaml");
    std::fs::write(
        &config,
        format!(
            "clusters:\n  local:\n    bootstrap_servers: {}\n    broker_defaults: {{partitions: 4, replication_factor: 1}}\nignore: ['^tmp\\.']\n",
            broker.bootstrap
        ),
    )
    .unwrap();
    let out = crate::support::topicgate()
        .args([
            "check",
            "--format",
            "json",
            "--cluster",
            "local",
            "--config",
        ])
        .arg(&config)
        .arg(specs.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc = json(&out);
    assert_eq!(
        doc["broker_defaults"]["partitions"],
        serde_json::json!({"value": 4, "source": "config-file"})
    );
    assert_eq!(
        codes(&doc, "auto.made"),
        ["broker-default-topic", "unmanaged-topic"]
    );
    assert!(codes(&doc, "tmp.scratch").is_empty());
}
