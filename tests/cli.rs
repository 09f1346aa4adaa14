//! The binary without a cluster: validate, argument errors, help text, and that bad specs stop
//! a command before it contacts any cluster.

mod support;

use std::time::{Duration, Instant};

use support::{spec_dir, stderr, stdout, topicgate};

const BAD_SPECS: &str = "topics:
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

#[test]
fn the_repository_example_topics_validate() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = topicgate()
        .current_dir(root)
        .arg("validate")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains("valid."), "{}", stdout(&out));
}

#[test]
fn validate_reports_every_problem_with_file_and_line() {
    let dir = spec_dir(&[("svc/bad.yaml", BAD_SPECS)]);
    let out = topicgate()
        .arg("validate")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out).replace(&dir.path().display().to_string(), "[DIR]");
    insta::assert_snapshot!(text);
}

#[test]
fn validate_json_lists_diagnostics() {
    let dir = spec_dir(&[("bad.yaml", BAD_SPECS)]);
    let out = topicgate()
        .args(["validate", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["format"], "topicgate-validate");
    assert_eq!(doc["valid"], false);
    let diags = doc["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 7, "{diags:#?}");
    assert!(diags
        .iter()
        .all(|d| d["line"].as_u64().is_some() && d["column"].as_u64().is_some()));
}

#[test]
fn malformed_yaml_names_file_and_line() {
    let dir = spec_dir(&[("broken.yaml", "topics:\n  - name: a\n    partitions: [3\n")]);
    let out = topicgate()
        .arg("validate")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("invalid YAML"), "{text}");
    assert!(text.contains("broken.yaml:4:"), "{text}");
}

#[test]
fn a_missing_path_is_an_error_not_a_finding() {
    let out = topicgate()
        .args(["validate", "no/such/dir"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("no such file or directory (no/such/dir)"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_topic_declared_twice_names_both_places() {
    let t = "topics:\n  - name: dup\n    partitions: 1\n    replication_factor: 1\n";
    let dir = spec_dir(&[("a.yaml", t), ("b/c.yml", t)]);
    let out = topicgate()
        .arg("validate")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("declared twice: here and at"), "{text}");
    assert!(
        text.contains("a.yaml:2:5") && text.contains("c.yml:2:5"),
        "{text}"
    );
}

#[test]
fn plan_needs_a_cluster() {
    let dir = spec_dir(&[]);
    let out = topicgate().arg("plan").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("TOPICGATE_BOOTSTRAP_SERVERS"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn colour_follows_the_color_flag_on_both_streams() {
    // Regression: colour was decided twice; stderr's `error:` ignored `--color`.
    let dir = spec_dir(&[]);
    let missing = dir.path().join("missing");
    let out = topicgate()
        .env_remove("NO_COLOR")
        .args(["--color", "always", "validate"])
        .arg(&missing)
        .output()
        .unwrap();
    assert!(
        stderr(&out).starts_with("\u{1b}["),
        "`error:` is coloured with --color always: {:?}",
        stderr(&out)
    );
    // clap's own argument errors too.
    let out = topicgate()
        .env_remove("NO_COLOR")
        .args(["validate", "--bogus", "--color=always"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("\u{1b}["), "{:?}", stderr(&out));
    let out = topicgate()
        .env_remove("NO_COLOR")
        .args(["--color", "never", "validate"])
        .arg(&missing)
        .output()
        .unwrap();
    assert!(
        !stderr(&out).contains('\u{1b}') && !stdout(&out).contains('\u{1b}'),
        "{:?}",
        stderr(&out)
    );
}

#[test]
fn verbose_validate_says_what_it_loaded() {
    // Regression: -v and -vv printed nothing for validate.
    let dir = spec_dir(&[
        ("a.yaml", "topics:\n  - {name: a, partitions: 1, replication_factor: 1}\n"),
        ("more/b.yaml", "topics:\n  - {name: b, partitions: 1, replication_factor: 1}\n  - {name: c, partitions: 1, replication_factor: 1}\n"),
    ]);
    let quiet = topicgate()
        .arg("validate")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(stderr(&quiet), "");
    let info = topicgate()
        .args(["-v", "validate"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(info.status.code(), Some(0));
    assert!(
        stderr(&info).contains("loaded 3 topic(s) from 2 spec file(s)"),
        "{}",
        stderr(&info)
    );
    assert_eq!(stdout(&info), stdout(&quiet), "logs never go to stdout");
    let debug = topicgate()
        .args(["-vv", "validate"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        stderr(&debug).contains("b.yaml: 2 topic(s)"),
        "{}",
        stderr(&debug)
    );
}

#[test]
fn bad_specs_are_reported_alone_even_when_the_cluster_is_unreachable() {
    let dir = spec_dir(&[("bad.yaml", BAD_SPECS)]);
    for command in ["plan", "apply"] {
        let start = Instant::now();
        // Port 1 on loopback: nothing listens. The specs load while the cluster is described;
        // the spec errors must win, alone, and quickly (no waiting for the 60s timeout).
        let mut cmd = topicgate();
        cmd.args([
            command,
            "--bootstrap-servers",
            "127.0.0.1:1",
            "--timeout",
            "60s",
        ]);
        if command == "apply" {
            cmd.arg("--yes");
        }
        let out = cmd.arg(dir.path()).output().unwrap();
        assert!(start.elapsed() < Duration::from_secs(20));
        assert_eq!(out.status.code(), Some(2), "{command}");
        let err = stderr(&out);
        assert!(err.contains("bad.yaml:3:5"), "{err}");
        assert!(err.contains("nothing was changed on the cluster"), "{err}");
        assert!(!err.contains("127.0.0.1:1"), "{err}");
    }
}

#[test]
fn malformed_client_properties_are_rejected() {
    let out = topicgate()
        .args([
            "plan",
            "--bootstrap-servers",
            "127.0.0.1:1",
            "-X",
            "a=1",
            "-X",
            "nokey",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("the 2nd `-X` property is not `key=value`"),
        "{err}"
    );
    assert!(!err.contains("nokey"), "{err}");
}

#[test]
fn help_texts() {
    for args in [
        vec!["--help"],
        vec!["plan", "--help"],
        vec!["apply", "--help"],
        vec!["validate", "--help"],
        vec!["check", "--help"],
        vec!["gate", "--help"],
        vec!["snapshot", "--help"],
        vec!["export", "--help"],
    ] {
        let out = topicgate()
            .args(&args)
            .env("COLUMNS", "100")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        insta::assert_snapshot!(
            format!("help_{}", args.join("_").replace("--", "")),
            stdout(&out)
        );
    }
}

#[test]
fn a_malformed_topicgate_yaml_names_file_and_line() {
    let dir = spec_dir(&[(
        "topicgate.yaml",
        "clusters:\n  local:\n    broker_defaults:\n      partitons: 4\n",
    )]);
    let out = topicgate()
        .current_dir(dir.path())
        .args(["validate", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("unknown field `partitons`"), "{err}");
    assert!(err.contains("(topicgate.yaml:4:"), "{err}");
}

#[test]
fn topicgate_yaml_in_a_spec_directory_is_not_a_spec() {
    let dir = spec_dir(&[
        (
            "topicgate.yaml",
            "clusters:\n  local:\n    bootstrap_servers: 127.0.0.1:1\n",
        ),
        (
            "topics/a.yaml",
            "topics:\n  - {name: a, partitions: 1, replication_factor: 1}\n",
        ),
    ]);
    let out = topicgate()
        .current_dir(dir.path())
        .args(["validate", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("1 topic(s) in 1 file(s): valid."),
        "{}",
        stdout(&out)
    );
}

#[test]
fn an_unknown_cluster_is_named() {
    let dir = spec_dir(&[(
        "topicgate.yaml",
        "clusters:\n  local:\n    bootstrap_servers: 127.0.0.1:1\n",
    )]);
    let out = topicgate()
        .current_dir(dir.path())
        .args(["plan", "--cluster", "prod", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no cluster `prod` in `topicgate.yaml` (it has `local`)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn gate_needs_required_topics_with_legal_names() {
    let out = topicgate()
        .args(["gate", "--bootstrap-servers", "127.0.0.1:1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--require"), "{}", stderr(&out));
    let out = topicgate()
        .args([
            "gate",
            "--bootstrap-servers",
            "127.0.0.1:1",
            "--require",
            "a b",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`--require a b`: topic name `a b` contains"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_examples_stay_valid() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("examples/topicgate.yaml")).unwrap();
    let file =
        topicgate::config_file::parse(std::path::Path::new("examples/topicgate.yaml"), &text)
            .unwrap();
    assert_eq!(file.clusters["local"].broker_defaults.partitions, Some(4));
    // Every topic the example gate requires is declared in topics/.
    let needs = root.join("examples/required-topics.txt");
    let required =
        topicgate::gate::parse_require_file(&needs, &std::fs::read_to_string(&needs).unwrap())
            .unwrap();
    let loaded = topicgate::load::load(&[root.join("topics")]).unwrap();
    assert!(!required.is_empty());
    // The repository's specs follow the example policies (with their recorded exceptions).
    let out = topicgate()
        .current_dir(root)
        .args(["--config", "examples/topicgate.yaml", "validate"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(!stdout(&out).contains("policy-"), "{}", stdout(&out));
    for topic in required {
        assert!(
            loaded.specs.topics.contains_key(&topic),
            "{topic} is not declared in topics/"
        );
    }
}
