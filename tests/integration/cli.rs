//! The binary without a cluster: validate, argument errors, help text, and that bad specs stop
//! a command before it contacts any cluster.

use std::time::{Duration, Instant};

use crate::fixtures::{write_snapshot, BAD_SPECS};
use crate::support::spec_dir;
use crate::test::Test;

/// `validate` of `dir`, with `[DIR]` for the directory in what it printed.
fn validate_redacted(dir: &std::path::Path, status: i32) -> String {
    let out = Test::new().arg("validate").arg(dir).status(status).run();
    out.stdout.replace(&dir.display().to_string(), "[DIR]")
}

#[test]
fn the_repository_example_topics_validate() {
    Test::new()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("validate")
        .stdout_contains("valid.")
        .run();
}

#[test]
fn validate_reports_every_problem_with_file_and_line() {
    let dir = spec_dir(&[("svc/bad.yaml", BAD_SPECS)]);
    let text = validate_redacted(dir.path(), 1);
    insta::assert_snapshot!(text);
}

#[test]
fn validate_json_lists_diagnostics() {
    let dir = spec_dir(&[("bad.yaml", BAD_SPECS)]);
    let out = Test::new()
        .args(["validate", "--format", "json"])
        .arg(dir.path())
        .status(1)
        .run();
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
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
    Test::new()
        .arg("validate")
        .arg(dir.path())
        .status(1)
        .stdout_contains("invalid YAML")
        .stdout_contains("broken.yaml:4:")
        .run();
}

#[test]
fn a_missing_path_is_an_error_not_a_finding() {
    Test::new()
        .args(["validate", "no/such/dir"])
        .status(2)
        .stdout_contains("no such file or directory (no/such/dir)")
        .run();
}

#[test]
fn a_topic_declared_twice_names_both_places() {
    let t = "topics:\n  - name: dup\n    partitions: 1\n    replication_factor: 1\n";
    let dir = spec_dir(&[("a.yaml", t), ("b/c.yml", t)]);
    Test::new()
        .arg("validate")
        .arg(dir.path())
        .status(1)
        .stdout_contains("declared twice: here and at")
        .stdout_contains("a.yaml:2:5")
        .stdout_contains("c.yml:2:5")
        .run();
}

#[test]
fn plan_needs_a_cluster() {
    let dir = spec_dir(&[]);
    Test::new()
        .arg("plan")
        .arg(dir.path())
        .status(2)
        .stderr_contains("TOPICGATE_BOOTSTRAP_SERVERS")
        .run();
}

#[test]
fn colour_follows_the_color_flag_on_both_streams() {
    // Regression: colour was decided twice; stderr's `error:` ignored `--color`.
    let dir = spec_dir(&[]);
    let missing = dir.path().join("missing");
    let out = Test::new()
        .env_remove("NO_COLOR")
        .args(["--color", "always", "validate"])
        .arg(&missing)
        .status(2)
        .run();
    assert!(
        out.stderr.starts_with("\u{1b}["),
        "`error:` is coloured with --color always: {:?}",
        out.stderr
    );
    // clap's own argument errors too.
    let out = Test::new()
        .env_remove("NO_COLOR")
        .args(["validate", "--bogus", "--color=always"])
        .status(2)
        .run();
    assert!(out.stderr.starts_with("\u{1b}["), "{:?}", out.stderr);
    Test::new()
        .env_remove("NO_COLOR")
        .args(["--color", "never", "validate"])
        .arg(&missing)
        .status(2)
        .stderr_lacks("\u{1b}")
        .stdout_lacks("\u{1b}")
        .run();
}

#[test]
fn verbose_validate_says_what_it_loaded() {
    // Regression: -v and -vv printed nothing for validate.
    let dir = spec_dir(&[
        ("a.yaml", "topics:\n  - {name: a, partitions: 1, replication_factor: 1}\n"),
        ("more/b.yaml", "topics:\n  - {name: b, partitions: 1, replication_factor: 1}\n  - {name: c, partitions: 1, replication_factor: 1}\n"),
    ]);
    let quiet = Test::new().arg("validate").arg(dir.path()).stderr("").run();
    // Logs never go to stdout.
    Test::new()
        .args(["-v", "validate"])
        .arg(dir.path())
        .stderr_contains("loaded 3 topic(s) from 2 spec file(s)")
        .stdout(quiet.stdout)
        .run();
    Test::new()
        .args(["-vv", "validate"])
        .arg(dir.path())
        .stderr_contains("b.yaml: 2 topic(s)")
        .run();
}

#[test]
fn bad_specs_are_reported_alone_even_when_the_cluster_is_unreachable() {
    let dir = spec_dir(&[("bad.yaml", BAD_SPECS)]);
    for command in ["plan", "apply"] {
        let start = Instant::now();
        // Port 1 on loopback: nothing listens. The specs load while the cluster is described;
        // the spec errors must win, alone, and quickly (no waiting for the 60s timeout).
        let test = Test::new()
            .args([command, "--bootstrap-servers", "127.0.0.1:1"])
            .args(["--timeout", "60s"]);
        let test = match command {
            "apply" => test.arg("--yes"),
            _ => test,
        };
        test.arg(dir.path())
            .status(2)
            .stderr_contains("bad.yaml:3:5")
            .stderr_contains("nothing was changed on the cluster")
            .stderr_lacks("127.0.0.1:1")
            .run();
        assert!(start.elapsed() < Duration::from_secs(20));
    }
}

#[test]
fn malformed_client_properties_are_rejected() {
    Test::new()
        .args(["plan", "--bootstrap-servers", "127.0.0.1:1"])
        .args(["-X", "a=1", "-X", "nokey"])
        .status(2)
        .stderr_contains("the 2nd `-X` property is not `key=value`")
        .stderr_lacks("nokey")
        .run();
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
        let out = Test::new().args(&args).env("COLUMNS", "100").run();
        insta::assert_snapshot!(
            format!("help_{}", args.join("_").replace("--", "")),
            out.stdout
        );
    }
}

#[test]
fn a_malformed_topicgate_yaml_names_file_and_line() {
    let dir = spec_dir(&[(
        "topicgate.yaml",
        "clusters:\n  local:\n    broker_defaults:\n      partitons: 4\n",
    )]);
    Test::new()
        .current_dir(dir.path())
        .args(["validate", "."])
        .status(2)
        .stderr_contains("unknown field `partitons`")
        .stderr_contains("(topicgate.yaml:4:")
        .run();
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
    Test::new()
        .current_dir(dir.path())
        .args(["validate", "."])
        .stdout_contains("1 topic(s) in 1 file(s): valid.")
        .run();
}

#[test]
fn an_unknown_cluster_is_named() {
    let dir = spec_dir(&[(
        "topicgate.yaml",
        "clusters:\n  local:\n    bootstrap_servers: 127.0.0.1:1\n",
    )]);
    Test::new()
        .current_dir(dir.path())
        .args(["plan", "--cluster", "prod", "."])
        .status(2)
        .stderr_contains("no cluster `prod` in `topicgate.yaml` (it has `local`)")
        .run();
}

#[test]
fn gate_needs_required_topics_with_legal_names() {
    let gate = || Test::new().args(["gate", "--bootstrap-servers", "127.0.0.1:1"]);
    gate().status(2).stderr_contains("--require").run();
    gate()
        .args(["--require", "a b"])
        .status(2)
        .stderr_contains("`--require a b`: topic name `a b` contains")
        .run();
}

#[test]
fn the_examples_stay_valid() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("examples/topicgate.yaml")).unwrap();
    let file =
        topicgate::settings::file::parse(std::path::Path::new("examples/topicgate.yaml"), &text)
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
    Test::new()
        .current_dir(root)
        .args(["--config", "examples/topicgate.yaml", "validate"])
        .stdout_lacks("policy-")
        .run();
    for topic in required {
        assert!(
            loaded.specs.topics.contains_key(&topic),
            "{topic} is not declared in topics/"
        );
    }
}

// Regression: a dangling link was skipped silently; it is now a spec problem naming the link
// (validate exits 1, as for any invalid spec), and the rest of the directory is still checked.
#[test]
fn a_dangling_link_in_a_spec_directory_is_a_validation_failure() {
    let dir = spec_dir(&[(
        "z/bad.yaml",
        "topics:\n  - name: z\n    partitions: 0\n    replication_factor: 1\n",
    )]);
    std::os::unix::fs::symlink(
        dir.path().join("moved-away.yaml"),
        dir.path().join("orders.yaml"),
    )
    .unwrap();
    let text = validate_redacted(dir.path(), 1);
    assert!(
        text.contains("error: a dangling symbolic link: its target `[DIR]/moved-away.yaml` does not exist; fix or remove the link ([DIR]/orders.yaml)"),
        "{text}"
    );
    assert!(text.contains("[DIR]/z/bad.yaml:3:17"), "{text}");
}

// Regression: a Latin-1 byte in a spec gave no line and exit 2 from `validate` (documented:
// exit 1 for invalid specs).
#[test]
fn a_spec_that_is_not_utf8_names_the_line_of_the_bad_byte() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("orders.yaml");
    std::fs::write(
        &file,
        b"topics:\n  - name: orders\n    partitions: 1\n    replication_factor: 1\n    description: caf\xe9 orders\n",
    )
    .unwrap();
    let out = Test::new().arg("validate").arg(&file).status(1).run();
    let text = out
        .stdout
        .replace(&dir.path().display().to_string(), "[DIR]");
    assert!(text.contains("byte 0xE9 is not UTF-8"), "{text}");
    assert!(text.contains("([DIR]/orders.yaml:5:21)"), "{text}");
}

// Regression: `export --out .` wrote topics named `topicgate.*` to `./topicgate.yaml`, which every
// later command then read as its settings file (and failed on).
#[test]
fn export_to_the_working_directory_keeps_later_commands_working() {
    let dir = tempfile::tempdir().unwrap();
    write_snapshot(
        &dir.path().join("cluster.json"),
        &[("topicgate.audit", 1, 1), ("orders.created", 3, 1)],
    );
    Test::new()
        .current_dir(dir.path())
        .args(["export", "--state", "cluster.json", "--out", "."])
        .run();
    assert!(!dir.path().join("topicgate.yaml").exists());
    let out = Test::new()
        .current_dir(dir.path())
        .args(["plan", "--exit-code", "--state", "cluster.json", "."])
        .run();
    assert!(
        out.stdout.starts_with("No changes: 2 declared topic(s)"),
        "{}",
        out.stdout
    );
}

// Regression: export into a directory whose specs already declare an exported topic wrote a
// second declaration, and every later command failed with "declared twice".
#[test]
fn export_refuses_topics_the_out_directory_already_declares() {
    let dir = spec_dir(&[
        (
            "topics/legacy.yaml",
            "topics:\n  - name: orders.created\n    partitions: 3\n    replication_factor: 1\n",
        ),
        ("topics/topicgate.yaml", "ignore: []\n"),
    ]);
    let snapshot = dir.path().join("cluster.json");
    write_snapshot(&snapshot, &[("orders.created", 3, 1), ("payments", 1, 1)]);
    let out = Test::new()
        .args(["export", "--force", "--state"])
        .arg(&snapshot)
        .arg("--out")
        .arg(dir.path().join("topics"))
        .status(2)
        .run();
    let text = out
        .stderr
        .replace(&dir.path().display().to_string(), "[DIR]");
    assert!(
        text.contains("`orders.created` is already declared at [DIR]/topics/legacy.yaml:2:5"),
        "{text}"
    );
    assert!(!dir.path().join("topics/orders.yaml").exists());
    assert!(!dir.path().join("topics/payments.yaml").exists());
    // Excluding it exports the rest, and the directory still validates.
    Test::new()
        .args(["export", "--exclude", "^orders\\.", "--state"])
        .arg(&snapshot)
        .arg("--out")
        .arg(dir.path().join("topics"))
        .run();
    Test::new()
        .arg("validate")
        .arg(dir.path().join("topics"))
        .run();
}

// Regression: `plan --out FILE` overwrote an input spec file without a word.
#[test]
fn plan_out_never_writes_over_a_spec_file() {
    let spec = "topics:\n  - name: orders\n    partitions: 1\n    replication_factor: 1\n";
    let dir = spec_dir(&[("topics/orders.yaml", spec), ("notes.txt", "mine\n")]);
    let snapshot = dir.path().join("cluster.json");
    write_snapshot(&snapshot, &[]);
    let plan = |out: &str| {
        Test::new().current_dir(dir.path()).args([
            "plan",
            "--state",
            "cluster.json",
            "--out",
            out,
            "topics",
        ])
    };
    for (target, why) in [
        ("topics/orders.yaml", "is one of the spec files"),
        ("topics/plan.yaml", "would be read as a spec file"),
        ("notes.txt", "is not a topicgate plan"),
    ] {
        plan(target)
            .status(2)
            .stderr_contains(format!("`{target}`"))
            .stderr_contains(why)
            .run();
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("topics/orders.yaml")).unwrap(),
        spec
    );
    assert!(!dir.path().join("topics/plan.yaml").exists());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        "mine\n"
    );
    // A new file outside the specs, and an earlier plan, are written.
    for _ in 0..2 {
        plan("plan.json").run();
    }
    std::fs::write(dir.path().join("empty.json"), "").unwrap();
    plan("empty.json").run();
}

// Regression: a snapshot with impossible contents was accepted; and a document of another kind
// was described in Rust `Debug` text (`found Some("topicgate-plan")`).
#[test]
fn an_impossible_snapshot_or_another_document_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("cluster.json");
    write_snapshot(&snapshot, &[("orders", 1, 1)]);
    let text = std::fs::read_to_string(&snapshot)
        .unwrap()
        .replace("\"partitions\": 1", "\"partitions\": -3");
    std::fs::write(&snapshot, text).unwrap();
    Test::new()
        .args(["check", "--state"])
        .arg(&snapshot)
        .arg(dir.path())
        .status(2)
        .stderr_contains("cluster.json` is not a valid snapshot (1 problem(s)): topic `orders`: `partitions` is -3")
        .run();

    let plan = dir.path().join("plan.json");
    std::fs::write(
        &plan,
        r#"{"format": "topicgate-plan", "format_version": 1}"#,
    )
    .unwrap();
    Test::new()
        .args(["check", "--state"])
        .arg(&plan)
        .arg(dir.path())
        .status(2)
        .stderr_contains("expected format `topicgate-snapshot` version 1, found format `topicgate-plan` and version 1")
        .stderr_lacks("Some(")
        .run();
}

#[test]
fn a_long_non_ascii_topic_name_is_an_error_not_a_panic() {
    // Regression: a name over 249 bytes with `é` at byte 39 was sliced by byte and panicked (exit 101).
    let name = format!("{}é{}", "a".repeat(39), "a".repeat(220));
    let dir = spec_dir(&[(
        "t.yaml",
        &format!("topics:\n  - name: {name}\n    partitions: 1\n    replication_factor: 1\n"),
    )]);
    Test::new()
        .arg("validate")
        .arg(dir.path())
        .status(1)
        .stdout_contains("t.yaml:2:11")
        .run();
    let gate = || Test::new().args(["gate", "--bootstrap-servers", "127.0.0.1:1"]);
    gate()
        .args(["--require", &name])
        .status(2)
        .stderr_contains("`--require ")
        .run();
    let file = dir.path().join("required.txt");
    std::fs::write(&file, format!("{name}\n")).unwrap();
    gate()
        .arg("--require-file")
        .arg(&file)
        .status(2)
        .stderr_contains("required.txt:1")
        .run();
}

#[test]
fn topicgate_yaml_contradictions_are_all_reported_with_their_lines() {
    // Regression: a cluster defined twice silently replaced the first, and contradictory policies,
    // invalid allowed values, broker defaults of 0 or -1 and a bad `ignore:` regex were accepted
    // (or caught later without a line), one at a time.
    let dir = spec_dir(&[(
        "topicgate.yaml",
        "clusters:
  prod:
    bootstrap_servers: a:9092
    broker_defaults: {partitions: 1}
  prod:
    broker_defaults:
      partitions: 0
      replication_factor: -1
ignore:
  - '^tmp\\.'
  - '(unclosed'
policies:
  min_partitions: {value: 12}
  max_partitions: {value: 3}
  allowed_values:
    configs:
      cleanup.policy: [delete, compacted]
  retention: {min: 30d, max: 1d}
",
    )]);
    let out = Test::new()
        .current_dir(dir.path())
        .args(["validate", "."])
        .status(2)
        .run();
    let err = out.stderr;
    for expected in [
        "cluster `prod` is defined twice (first at line 2)",
        "(topicgate.yaml:5:3)",
        "`broker_defaults.partitions` of cluster `prod` must be at least 1, got 0 (topicgate.yaml:7:",
        "`broker_defaults.replication_factor` of cluster `prod` must be at least 1, got -1 (topicgate.yaml:8:",
        "ignore pattern `(unclosed` is not a valid regex: unclosed group (topicgate.yaml:11:5)",
        "policies.min_partitions: 12 is above policies.max_partitions: 3",
        "(topicgate.yaml:13:",
        "policies.allowed_values: `cleanup.policy` must be one of `compact`, `delete`, got \"compacted\"",
        "(topicgate.yaml:17:",
        "policies.retention: `min` (30d) is above `max` (1d)",
        "(topicgate.yaml:18:",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
}
