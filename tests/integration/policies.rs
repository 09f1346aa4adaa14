//! Organisation policies and per-cluster settings from topicgate.yaml, through the binary:
//! every rule fires on a spec that breaks it (with file:line) and not on one that follows it;
//! `plan` refuses specs with policy errors; `check` holds live topics to the same rules; secrets
//! come from the environment and are never printed.

use crate::fixtures::{COMPLIANT, POLICIES};
use crate::support::{spec_dir, stderr, stdout, topicgate, Broker};
use crate::test::Test;

/// Runs `validate` in a directory holding topicgate.yaml and the given spec.
fn validate(spec: &str) -> std::process::Output {
    let dir = spec_dir(&[("topicgate.yaml", POLICIES), ("topics/s.yaml", spec)]);
    topicgate()
        .current_dir(dir.path())
        .args(["validate", "topics"])
        .output()
        .unwrap()
}

#[test]
fn a_compliant_spec_passes_every_rule() {
    let out = validate(COMPLIANT);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn every_rule_fires_with_the_spec_location() {
    let spec = |from: &str, to: &str| COMPLIANT.replace(from, to);
    let cases: Vec<(&str, String, String)> = vec![
        (
            "policy-topic-name",
            POLICIES.into(),
            spec("name: orders.created", "name: Orders_Created"),
        ),
        (
            "policy-min-partitions",
            POLICIES.into(),
            spec("partitions: 12", "partitions: 1"),
        ),
        (
            "policy-max-partitions",
            POLICIES.into(),
            spec("partitions: 12", "partitions: 100"),
        ),
        (
            "policy-min-replication-factor",
            POLICIES.into(),
            spec("replication_factor: 3", "replication_factor: 2")
                .replace("min.insync.replicas: 2", "min.insync.replicas: 1"),
        ),
        (
            "policy-min-insync-replicas",
            POLICIES.into(),
            spec("min.insync.replicas: 2", "min.insync.replicas: 1"),
        ),
        (
            "policy-min-insync-replicas",
            POLICIES.into(),
            spec("min.insync.replicas: 2", "min.insync.replicas: 3"),
        ),
        (
            "policy-required-config",
            POLICIES.into(),
            spec("retention.ms: 7d, ", ""),
        ),
        (
            "policy-allowed-value",
            POLICIES.replace("[delete, compact]", "[delete]"),
            spec("cleanup.policy: delete", "cleanup.policy: compact"),
        ),
        (
            "policy-retention",
            POLICIES.into(),
            spec("retention.ms: 7d", "retention.ms: 90d"),
        ),
        (
            "policy-retention",
            POLICIES.into(),
            spec("retention.ms: 7d", "retention.ms: 30m"),
        ),
    ];
    for (code, policies, spec) in cases {
        let dir = spec_dir(&[("topicgate.yaml", &policies), ("topics/s.yaml", &spec)]);
        let out = topicgate()
            .current_dir(dir.path())
            .args(["validate", "topics"])
            .output()
            .unwrap();
        let text = stdout(&out);
        let line = text
            .lines()
            .find(|l| l.contains(&format!("[{code}]")))
            .unwrap_or_else(|| panic!("{code} did not fire:\n{text}"));
        assert!(line.ends_with("(topics/s.yaml:2:5)"), "{line}");
        // max_partitions is a warning in POLICIES: reported, but the specs stay valid.
        let expected_exit = if code == "policy-max-partitions" {
            0
        } else {
            1
        };
        assert_eq!(out.status.code(), Some(expected_exit), "{code}: {text}");
    }
}

#[test]
fn an_exception_with_a_reason_waives_a_rule() {
    let spec = COMPLIANT.replace("partitions: 12", "partitions: 1")
        + "    policy_exceptions:\n      policy-min-partitions: low-volume audit topic, ordering matters more than throughput\n";
    let out = validate(&spec);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    let no_reason =
        COMPLIANT.to_string() + "    policy_exceptions:\n      policy-min-partitions: ''\n";
    let out = validate(&no_reason);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("needs a reason"), "{}", stdout(&out));
    let typo =
        COMPLIANT.to_string() + "    policy_exceptions:\n      policy-min-partition: because\n";
    let out = validate(&typo);
    assert!(
        stdout(&out).contains("did you mean `policy-min-partitions`?"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("s.yaml:7:7"), "{}", stdout(&out));
}

#[test]
fn plan_refuses_specs_that_break_a_policy() {
    let dir = spec_dir(&[
        ("topicgate.yaml", POLICIES),
        (
            "topics/s.yaml",
            &COMPLIANT.replace("partitions: 12", "partitions: 1"),
        ),
        (
            "state.json",
            r#"{"format": "topicgate-snapshot", "format_version": 1, "generated_by": "test", "taken_at": "2026-11-24T00:00:00Z",
            "cluster": {"source": "test", "cluster_id": null, "brokers": [1, 2, 3], "topics": {}, "broker_defaults": {"num_partitions": null, "default_replication_factor": null, "auto_create_topics_enable": null}}}"#,
        ),
    ]);
    let out = topicgate()
        .current_dir(dir.path())
        .args(["plan", "--state", "state.json", "topics"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("error[policy-min-partitions]"), "{err}");
    assert!(
        err.contains(
            "1 policy error(s) in the specs (topicgate.yaml); nothing was changed on the cluster"
        ),
        "{err}"
    );
    assert!(stdout(&out).is_empty());
}

#[test]
fn check_holds_live_topics_to_the_policies() {
    let broker = Broker::start();
    let specs = spec_dir(&[("s.yaml", "topics:\n  - {name: orders.small, partitions: 1, replication_factor: 1, configs: {retention.ms: 1h}}\n  - {name: orders.fine, partitions: 3, replication_factor: 1, configs: {retention.ms: 1h}}\n")]);
    Test::on(&broker)
        .args(["apply", "--yes"])
        .arg(specs.path())
        .run();
    let config = specs.path().join("topicgate.yaml");
    std::fs::write(&config, "policies:\n  min_partitions: {value: 3}\n  required_configs: {configs: [retention.ms], severity: warning}\n").unwrap();
    let out = Test::on(&broker)
        .args(["check", "--format", "json", "--config"])
        .arg(&config)
        .arg(specs.path())
        .status(1)
        .run();
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let found: Vec<(String, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["topic"].as_str().unwrap_or("").into(),
                f["code"].as_str().unwrap().into(),
            )
        })
        .collect();
    // N.B. KAFKA.md: the test cluster keeps Kafka's default `auto.create.topics.enable=true`,
    // which check reports from the broker's own configs.
    assert_eq!(
        found,
        [
            ("".to_string(), "auto-create-enabled".to_string()),
            (
                "orders.small".to_string(),
                "policy-min-partitions".to_string()
            )
        ]
    );
}

#[test]
fn secrets_come_from_the_environment_and_are_never_printed() {
    let broker = Broker::start();
    let dir = spec_dir(&[("topics/s.yaml", "topics: []\n")]);
    std::fs::write(
        dir.path().join("topicgate.yaml"),
        format!(
            "clusters:\n  local:\n    bootstrap_servers: {}\n    properties: {{client.id: topicgate-test}}\n    secret_properties: {{sasl.password: TG_TEST_SECRET}}\n",
            broker.bootstrap
        ),
    )
    .unwrap();
    let out = topicgate()
        .current_dir(dir.path())
        .args(["plan", "--cluster", "local", "topics"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "environment variable `TG_TEST_SECRET` (for `sasl.password` of cluster `local`"
        ),
        "{}",
        stderr(&out)
    );

    let secret = "s3cr3t-value-that-must-not-leak";
    let out = topicgate()
        .current_dir(dir.path())
        .args(["-vvv", "plan", "--cluster", "local", "topics"])
        .env("TG_TEST_SECRET", secret)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stdout(&out).contains(secret) && !stderr(&out).contains(secret));
    // Regression: a malformed `-X` (no `=`) was echoed whole, secret value included.
    let out = topicgate()
        .args([
            "plan",
            "--bootstrap-servers",
            "127.0.0.1:1",
            "-X",
            &format!("sasl.password:{secret}"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("`key=value`"), "{}", stderr(&out));
    assert!(!stderr(&out).contains(secret), "{}", stderr(&out));
}
