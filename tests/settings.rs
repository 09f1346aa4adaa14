//! Connection settings through the binary, without a broker: secrets are never printed, the
//! environment never conflicts with a flag, `--timeout` and bootstrap addresses are checked.

mod support;

use std::time::{Duration, Instant};

use support::{spec_dir, stderr, stdout, topicgate};

/// A value no message could contain by chance.
const SECRET: &str = "Zq7-hunter2-NOT-FOR-LOGS";

/// The binary with no topicgate settings inherited from the environment, in an empty directory
/// (so `.` is an empty spec directory).
fn tg() -> assert_cmd::Command {
    let mut cmd = topicgate();
    cmd.env_remove("TOPICGATE_CLUSTER")
        .current_dir(EMPTY.with(|d| d.path().to_path_buf()));
    cmd
}

thread_local! {
    static EMPTY: tempfile::TempDir = tempfile::tempdir().unwrap();
}

fn assert_secret_not_shown(out: &std::process::Output, case: &str) {
    let all = format!("{}{}", stdout(out), stderr(out));
    assert!(
        !all.contains(SECRET),
        "{case}: the secret was printed:\n{all}"
    );
    // Nor a recognisable part of it.
    assert!(
        !all.contains("hunter2"),
        "{case}: part of the secret was printed:\n{all}"
    );
}

#[test]
fn property_values_are_never_printed() {
    // Regression: librdkafka's config errors quote the property's value, and topicgate printed
    // them (`-X ssl.key.password=S`, `sasl.jaas.config`, a misspelt key, `secret_properties`).
    let dir = spec_dir(&[("topics/.keep", "")]);
    let keys = [
        "ssl.key.password",
        "sasl.jaas.config",
        "sasl.passwordd",
        "sasl.password",
    ];
    for verbosity in ["-q", "-vvv"] {
        for key in keys {
            // On the command line.
            let mut cmd = tg();
            cmd.current_dir(dir.path());
            if verbosity != "-q" {
                cmd.arg(verbosity);
            }
            let out = cmd
                .args([
                    "plan",
                    "--bootstrap-servers",
                    "127.0.0.1:1",
                    "--timeout",
                    "2s",
                ])
                .args(["-X", "debug=all", "-X", &format!("{key}={SECRET}")])
                .arg("topics")
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2), "-X {key}: {}", stderr(&out));
            assert_secret_not_shown(&out, &format!("-X {key} {verbosity}"));

            // Through `secret_properties` in topicgate.yaml.
            std::fs::write(
                dir.path().join("topicgate.yaml"),
                format!(
                    "clusters:\n  prod:\n    bootstrap_servers: 127.0.0.1:1\n    properties:\n      debug: all\n    secret_properties:\n      {key}: TG_TEST_SECRET\n"
                ),
            )
            .unwrap();
            let mut cmd = tg();
            cmd.current_dir(dir.path()).env("TG_TEST_SECRET", SECRET);
            if verbosity != "-q" {
                cmd.arg(verbosity);
            }
            let out = cmd
                .args(["plan", "--cluster", "prod", "--timeout", "2s", "topics"])
                .output()
                .unwrap();
            std::fs::remove_file(dir.path().join("topicgate.yaml")).unwrap();
            assert_eq!(out.status.code(), Some(2), "{key}: {}", stderr(&out));
            assert_secret_not_shown(&out, &format!("secret_properties {key} {verbosity}"));
        }
    }
}

#[test]
fn a_misspelt_secret_in_the_file_is_refused_with_its_line_and_not_printed() {
    // Regression: `sasl.passwrd` in `properties:` slipped past the "no secrets in the file"
    // check, and librdkafka then quoted its value.
    for key in [
        "sasl.passwrd",
        "sasl.jass.config",
        "ssl.key.pasword",
        "sasl.oauthbearer.client.secert",
    ] {
        let dir = spec_dir(&[(
            "topicgate.yaml",
            &format!(
                "clusters:\n  prod:\n    bootstrap_servers: 127.0.0.1:1\n    properties:\n      security.protocol: SASL_PLAINTEXT\n      {key}: {SECRET}\n"
            ),
        )]);
        for command in ["validate", "plan"] {
            let out = tg()
                .current_dir(dir.path())
                .args(["-vvv", command, "--cluster", "prod", "."])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2), "{key}: {}", stderr(&out));
            let err = stderr(&out);
            assert!(err.contains(&format!("`{key}`")), "{key}: {err}");
            assert!(err.contains("topicgate.yaml:6:"), "{key}: {err}");
            assert_secret_not_shown(&out, key);
        }
    }
}

const SNAPSHOT: &str = r#"{"format": "topicgate-snapshot", "format_version": 1, "generated_by": "test", "taken_at": "2026-11-24T00:00:00Z",
"cluster": {"source": "test", "cluster_id": null, "brokers": [1], "topics": {}, "broker_defaults": {"num_partitions": null, "default_replication_factor": null, "auto_create_topics_enable": null}}}"#;

#[test]
fn an_exported_bootstrap_variable_does_not_conflict_with_state() {
    // Regression: `TOPICGATE_BOOTSTRAP_SERVERS` made `--state` fail with "cannot be used with
    // `--bootstrap-servers`", a flag the user never passed.
    let dir = spec_dir(&[("state.json", SNAPSHOT), ("topics/.keep", "")]);
    for command in ["plan", "check", "export"] {
        let mut cmd = tg();
        cmd.current_dir(dir.path())
            .env("TOPICGATE_BOOTSTRAP_SERVERS", "127.0.0.1:1")
            .args([command, "--state", "state.json"]);
        if command == "export" {
            cmd.args(["--out", "exported"]);
        } else {
            cmd.arg("topics");
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{command}: {}", stderr(&out));
    }
    // An explicit flag and `--state` still conflict: both were typed.
    let out = tg()
        .current_dir(dir.path())
        .args([
            "plan",
            "--state",
            "state.json",
            "--bootstrap-servers",
            "127.0.0.1:1",
            "topics",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_stray_bootstrap_variable_never_redirects_a_named_cluster() {
    // Regression: `--cluster prod` with `TOPICGATE_BOOTSTRAP_SERVERS` exported silently sent
    // prod's credentials to the variable's address.
    let dir = spec_dir(&[
        (
            "topicgate.yaml",
            "clusters:\n  prod:\n    bootstrap_servers: 127.0.0.1:1\n    properties: {sasl.username: alice}\n",
        ),
        ("topics/.keep", ""),
    ]);
    let start = Instant::now();
    let out = tg()
        .current_dir(dir.path())
        .env("TOPICGATE_BOOTSTRAP_SERVERS", "127.0.0.1:2")
        .args(["plan", "--cluster", "prod", "--timeout", "20s", "topics"])
        .output()
        .unwrap();
    assert!(start.elapsed() < Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("`TOPICGATE_BOOTSTRAP_SERVERS`"), "{err}");
    assert!(err.contains("`prod`"), "{err}");
    assert!(
        !err.contains("cannot reach"),
        "must not connect anywhere: {err}"
    );
    // The same variable through `TOPICGATE_CLUSTER`.
    let out = tg()
        .current_dir(dir.path())
        .env("TOPICGATE_BOOTSTRAP_SERVERS", "127.0.0.1:2")
        .env("TOPICGATE_CLUSTER", "prod")
        .args(["plan", "--timeout", "20s", "topics"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`TOPICGATE_BOOTSTRAP_SERVERS`"),
        "{}",
        stderr(&out)
    );
    // An explicit `--bootstrap-servers` is the user's choice, and names the address used.
    let out = tg()
        .current_dir(dir.path())
        .env("TOPICGATE_BOOTSTRAP_SERVERS", "127.0.0.1:2")
        .args([
            "plan",
            "--cluster",
            "prod",
            "--bootstrap-servers",
            "127.0.0.1:3",
            "topics",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("`127.0.0.1:3`"), "{}", stderr(&out));
}

#[test]
fn offline_commands_never_need_a_cluster() {
    // Regression: `TOPICGATE_CLUSTER=nope` broke the offline `validate`.
    let with_file = spec_dir(&[
        (
            "topicgate.yaml",
            "clusters:\n  prod:\n    bootstrap_servers: 127.0.0.1:1\n",
        ),
        (
            "topics/a.yaml",
            "topics:\n  - {name: a, partitions: 1, replication_factor: 1}\n",
        ),
    ]);
    let without_file = spec_dir(&[(
        "topics/a.yaml",
        "topics:\n  - {name: a, partitions: 1, replication_factor: 1}\n",
    )]);
    for dir in [&with_file, &without_file] {
        for args in [vec!["validate", "topics"], vec!["schema", "spec"]] {
            let out = tg()
                .current_dir(dir.path())
                .env("TOPICGATE_CLUSTER", "nope")
                .env("TOPICGATE_BOOTSTRAP_SERVERS", "not an address")
                .env("TOPICGATE_TIMEOUT", "forever")
                .args(&args)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        }
    }
}

#[test]
fn an_explicit_verbosity_flag_beats_the_log_variable() {
    // Regression: a `TOPICGATE_LOG` left in the environment silenced `-v` (the variable beat the
    // flag, against the documented precedence flag > environment).
    let dir = spec_dir(&[(
        "topics/a.yaml",
        "topics:\n  - {name: a, partitions: 1, replication_factor: 1}\n",
    )]);
    let run = |args: &[&str], log: Option<&str>| {
        let mut cmd = tg();
        cmd.current_dir(dir.path()).args(args);
        if let Some(filter) = log {
            cmd.env("TOPICGATE_LOG", filter);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        stderr(&out)
    };
    let loaded = "loaded 1 topic(s) from 1 spec file(s)";
    // The flag wins over the variable.
    assert!(
        run(&["-v", "validate", "topics"], Some("error")).contains(loaded),
        "-v was silenced by TOPICGATE_LOG=error"
    );
    // Without the flag, the variable applies (here: more than the default).
    assert!(run(&["validate", "topics"], Some("info")).contains(loaded));
    // Without either, warnings only.
    assert!(!run(&["validate", "topics"], None).contains(loaded));
}

#[test]
fn timeouts_outside_the_supported_range_are_refused() {
    // Regression: `--timeout` above 1h broke every live command (librdkafka's limit), above
    // ~25 days it claimed the cluster was unreachable, `0` became 100 ms, `100y` was accepted.
    for value in ["0", "0s", "500ms", "61m", "2h", "30d", "100y", "1M"] {
        let out = tg()
            .args([
                "plan",
                "--bootstrap-servers",
                "127.0.0.1:1",
                "--timeout",
                value,
                ".",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{value}");
        let err = stderr(&out);
        assert!(
            err.contains(&format!("`--timeout {value}`")),
            "{value}: {err}"
        );
        assert!(err.contains("1s") && err.contains("1h"), "{value}: {err}");
        assert!(!err.contains("cannot reach"), "{value}: {err}");
    }
    // From the environment, the message names the variable.
    let out = tg()
        .env("TOPICGATE_TIMEOUT", "2h")
        .args(["plan", "--bootstrap-servers", "127.0.0.1:1", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`TOPICGATE_TIMEOUT=2h`"),
        "{}",
        stderr(&out)
    );
    // The bounds themselves are accepted (nothing listens on port 1: refused at once).
    for value in ["1s", "1h", "60m"] {
        let out = tg()
            .args([
                "plan",
                "--bootstrap-servers",
                "127.0.0.1:1",
                "--timeout",
                value,
                ".",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stderr(&out).contains("cannot reach"),
            "{value}: {}",
            stderr(&out)
        );
    }
    // `gate --wait` is a separate, longer deadline, also checked.
    for value in ["100y", "25h", "1M"] {
        let out = tg()
            .args([
                "gate",
                "--bootstrap-servers",
                "127.0.0.1:1",
                "--require",
                "a",
            ])
            .args(["--wait", value, "."])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = stderr(&out);
        assert!(err.contains(&format!("`--wait {value}`")), "{value}: {err}");
        assert!(err.contains("24h"), "{value}: {err}");
    }
}

#[test]
fn bootstrap_addresses_are_checked() {
    // Regression: port 99999 silently became 34463 (and other malformed lists went through).
    for (servers, expect) in [
        ("127.0.0.1:99999", "port"),
        ("127.0.0.1:0", "port"),
        ("127.0.0.1:abc", "port"),
        ("localhost", "no port"),
        ("::1:9092", "brackets"),
        ("[::1:9092", "brackets"),
        ("a:1,,b:2", "empty"),
        ("a b:1", "a b:1"),
    ] {
        let out = tg()
            .args([
                "plan",
                "--bootstrap-servers",
                servers,
                "--timeout",
                "2s",
                ".",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{servers}");
        let err = stderr(&out);
        assert!(err.contains("`--bootstrap-servers`"), "{servers}: {err}");
        assert!(err.contains(expect), "{servers}: {err}");
        assert!(!err.contains("cannot reach"), "{servers}: {err}");
    }
    // Well-formed lists pass the check (then fail to connect: nothing listens there).
    for servers in [
        "127.0.0.1:1",
        "[::1]:1",
        "PLAINTEXT://127.0.0.1:1",
        "127.0.0.1:1, localhost:1",
    ] {
        let out = tg()
            .args([
                "plan",
                "--bootstrap-servers",
                servers,
                "--timeout",
                "2s",
                ".",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{servers}");
        assert!(
            stderr(&out).contains("cannot reach"),
            "{servers}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn bootstrap_servers_as_a_property_is_refused() {
    // Regression: `-X bootstrap.servers=` silently overrode `--bootstrap-servers`, and the
    // error named the other address.
    for key in ["bootstrap.servers", "metadata.broker.list"] {
        let out = tg()
            .args([
                "plan",
                "--bootstrap-servers",
                "127.0.0.1:1",
                "--timeout",
                "2s",
            ])
            .args(["-X", &format!("{key}=127.0.0.1:2"), "."])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = stderr(&out);
        assert!(err.contains(&format!("`-X {key}`")), "{err}");
        assert!(err.contains("--bootstrap-servers"), "{err}");
        assert!(!err.contains("cannot reach"), "{err}");
    }
    let dir = spec_dir(&[(
        "topicgate.yaml",
        "clusters:\n  prod:\n    bootstrap_servers: 127.0.0.1:1\n    properties: {bootstrap.servers: 127.0.0.1:2}\n",
    )]);
    let out = tg()
        .current_dir(dir.path())
        .args(["plan", "--cluster", "prod", "--timeout", "2s", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`bootstrap.servers`"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("topicgate.yaml"), "{}", stderr(&out));
}

#[test]
fn a_port_that_is_not_kafka_gets_a_hint() {
    // Regression: a port that accepts TCP but is not Kafka waited the whole timeout and then
    // said only that the cluster could not be reached.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    // Accept and stay silent (the connections are held until the test ends).
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let start = Instant::now();
    let out = tg()
        .args([
            "plan",
            "--bootstrap-servers",
            &address,
            "--timeout",
            "2s",
            ".",
        ])
        .output()
        .unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(15),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains(&format!("`{address}`")), "{err}");
    assert!(err.contains("is this a Kafka listener?"), "{err}");
    assert!(err.contains("security.protocol"), "{err}");
}
