//! Adopting a running cluster (`export`) and working offline (`snapshot`, `--state`), against
//! Apache Kafka (the shared single-node cluster of tests/integration/support.rs).

use crate::fixtures::{EVERY_TYPE, EXISTING};
use crate::support::{
    apply_yes, produce, spec_dir, stderr, stdout, topicgate, topicgate_on, Broker,
};

#[test]
fn exported_specs_plan_to_no_changes_and_files_are_never_overwritten_silently() {
    let broker = Broker::start();
    // A cluster someone set up by hand (here: through apply from specs we then throw away).
    let original = spec_dir(&[("x.yaml", EXISTING)]);
    apply_yes(&broker, original.path());

    let out_dir = tempfile::tempdir().unwrap();
    let out = topicgate_on(&broker)
        .args(["export", "--out"])
        .arg(out_dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Exported 3 topic(s) to 2 file(s)"),
        "{}",
        stdout(&out)
    );
    let orders = std::fs::read_to_string(out_dir.path().join("orders.yaml")).unwrap();
    assert!(orders.contains("      retention.ms: 7d\n"), "{orders}");
    assert!(
        orders.contains("      max.message.bytes: 2MiB\n"),
        "{orders}"
    );
    assert!(
        orders.contains("      cleanup.policy: compact,delete\n"),
        "{orders}"
    );

    let out = topicgate_on(&broker)
        .args(["plan", "--exit-code"])
        .arg(out_dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).starts_with("No changes: 3 declared topic(s)"),
        "{}",
        stdout(&out)
    );

    // Exporting again refuses, names the files, and writes nothing.
    std::fs::write(out_dir.path().join("orders.yaml"), "# mine\n").unwrap();
    let out = topicgate_on(&broker)
        .args(["export", "--out"])
        .arg(out_dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("refusing to overwrite 2 existing file(s)"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("orders.yaml`"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(out_dir.path().join("orders.yaml")).unwrap(),
        "# mine\n"
    );
    let out = topicgate_on(&broker)
        .args(["export", "--force", "--include", "^orders\\.", "--out"])
        .arg(out_dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(std::fs::read_to_string(out_dir.path().join("orders.yaml"))
        .unwrap()
        .contains("orders.dlq"));
}

/// Drops what legitimately differs between a live run and a snapshot run: the source name.
fn without_source(mut doc: serde_json::Value) -> serde_json::Value {
    doc["cluster"]["source"] = serde_json::Value::Null;
    doc
}

#[test]
fn a_snapshot_gives_the_same_answers_as_the_live_cluster() {
    let broker = Broker::start();
    let setup = spec_dir(&[("x.yaml", EXISTING)]);
    apply_yes(&broker, setup.path());
    produce(&broker, "auto.made");
    // The specs under review differ from the cluster: a changed config, a missing topic.
    let specs = spec_dir(&[(
        "x.yaml",
        &EXISTING
            .replace("retention.ms: 7d", "retention.ms: 3d")
            .replace("{name: payments,", "{name: payments.new,"),
    )]);
    // No --broker-defaults: the snapshot carries the brokers' own defaults.
    let defaults: [&str; 0] = [];
    let snapshot = specs.path().join("snapshot.json");
    let out = topicgate_on(&broker)
        .args(["snapshot", "--out"])
        .arg(&snapshot)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let commands: Vec<Vec<&str>> = vec![
        vec!["plan", "--format", "json"],
        [&["check", "--format", "json"][..], &defaults].concat(),
        [
            &[
                "gate",
                "--format",
                "json",
                "--require",
                "orders.created",
                "--require",
                "orders.dlq",
                "--require",
                "auto.made",
            ][..],
            &defaults,
        ]
        .concat(),
    ];
    for args in commands {
        let live = topicgate_on(&broker)
            .args(&args)
            .arg(specs.path())
            .output()
            .unwrap();
        let offline = topicgate()
            .args(&args)
            .arg("--state")
            .arg(&snapshot)
            .arg(specs.path())
            .output()
            .unwrap();
        assert_eq!(live.status.code(), offline.status.code(), "{args:?}");
        let live_doc: serde_json::Value = serde_json::from_slice(&live.stdout).unwrap();
        let offline_doc: serde_json::Value = serde_json::from_slice(&offline.stdout).unwrap();
        assert!(
            offline_doc["cluster"]["source"]
                .as_str()
                .unwrap()
                .starts_with("snapshot "),
            "{offline_doc}"
        );
        assert_eq!(
            without_source(live_doc),
            without_source(offline_doc),
            "{args:?}"
        );
        let note = stderr(&offline);
        assert!(
            note.contains("working from snapshot")
                && note.contains("ago), not from a live cluster"),
            "{note}"
        );
    }
    // The live answers were not trivial.
    let live = topicgate_on(&broker)
        .args(["check", "--format", "json"])
        .args(defaults)
        .arg(specs.path())
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&live.stdout).unwrap();
    assert!(doc["findings"].as_array().unwrap().len() >= 3, "{doc}");

    // A snapshot cannot be applied to.
    let out = topicgate()
        .args(["apply", "--yes", "--state"])
        .arg(&snapshot)
        .arg(specs.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn export_round_trips_overrides_of_every_type() {
    let broker = Broker::start();
    let original = spec_dir(&[("x.yaml", EVERY_TYPE)]);
    apply_yes(&broker, original.path());
    produce(&broker, "typed.auto");
    // Only the real overrides (source DYNAMIC_TOPIC_CONFIG) count, not the ~40 inherited values.
    let overrides = crate::support::state(&broker).topics["typed.everything"].overrides();
    assert_eq!(overrides.len(), 26, "{overrides:?}");

    let out_dir = tempfile::tempdir().unwrap();
    let out = topicgate_on(&broker)
        .args(["export", "--out"])
        .arg(out_dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut exported = String::new();
    for f in std::fs::read_dir(out_dir.path()).unwrap() {
        exported += &std::fs::read_to_string(f.unwrap().path()).unwrap();
    }
    for key in overrides.keys() {
        assert!(
            exported.contains(&format!("      {key}: ")),
            "{key}: {exported}"
        );
    }
    // The auto-created topic is exported with no configs at all.
    let auto = exported
        .split("- name: ")
        .find(|t| t.starts_with("typed.auto"))
        .unwrap_or_else(|| panic!("{exported}"));
    assert!(!auto.contains("configs"), "{auto}");

    let out = topicgate_on(&broker)
        .args(["plan", "--exit-code"])
        .arg(out_dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).starts_with("No changes: 3 declared topic(s)"),
        "{}",
        stdout(&out)
    );
}
