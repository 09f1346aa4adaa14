//! Connection settings through the binary, without a broker: secrets are never printed, the
//! environment never conflicts with a flag, `--timeout` and bootstrap addresses are checked.

use std::time::{Duration, Instant};

use crate::fixtures::SNAPSHOT;
use crate::support::spec_dir;
use crate::test::{Output, Test};

/// A value no message could contain by chance.
const SECRET: &str = "Zq7-hunter2-NOT-FOR-LOGS";

/// The binary with no topicgate settings inherited from the environment, in an empty directory
/// (so `.` is an empty spec directory).
fn tg() -> Test {
    Test::new()
        .env_remove("TOPICGATE_CLUSTER")
        .current_dir(EMPTY.with(|d| d.path().to_path_buf()))
}

thread_local! {
    static EMPTY: tempfile::TempDir = tempfile::tempdir().unwrap();
}

fn assert_secret_not_shown(out: &Output, case: &str) {
    let all = format!("{}{}", out.stdout, out.stderr);
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
        let verbose = |test: Test| match verbosity {
            "-q" => test,
            flag => test.arg(flag),
        };
        for key in keys {
            // On the command line.
            let out = verbose(tg().current_dir(dir.path()))
                .args(["plan", "--bootstrap-servers", "127.0.0.1:1"])
                .args(["--timeout", "2s"])
                .args(["-X", "debug=all", "-X", &format!("{key}={SECRET}")])
                .arg("topics")
                .status(2)
                .run();
            assert_secret_not_shown(&out, &format!("-X {key} {verbosity}"));

            // Through `secret_properties` in topicgate.yaml.
            std::fs::write(
                dir.path().join("topicgate.yaml"),
                format!(
                    "clusters:\n  prod:\n    bootstrap_servers: 127.0.0.1:1\n    properties:\n      debug: all\n    secret_properties:\n      {key}: TG_TEST_SECRET\n"
                ),
            )
            .unwrap();
            let out = verbose(tg().current_dir(dir.path()).env("TG_TEST_SECRET", SECRET))
                .args(["plan", "--cluster", "prod", "--timeout", "2s", "topics"])
                .status(2)
                .run();
            std::fs::remove_file(dir.path().join("topicgate.yaml")).unwrap();
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
                .status(2)
                .stderr_contains(format!("`{key}`"))
                .stderr_contains("topicgate.yaml:6:")
                .run();
            assert_secret_not_shown(&out, key);
        }
    }
}

#[test]
fn an_exported_bootstrap_variable_does_not_conflict_with_state() {
    // Regression: `TOPICGATE_BOOTSTRAP_SERVERS` made `--state` fail with "cannot be used with
    // `--bootstrap-servers`", a flag the user never passed.
    let dir = spec_dir(&[("state.json", SNAPSHOT), ("topics/.keep", "")]);
    for command in ["plan", "check", "export"] {
        let test = tg()
            .current_dir(dir.path())
            .env("TOPICGATE_BOOTSTRAP_SERVERS", "127.0.0.1:1")
            .args([command, "--state", "state.json"]);
        let test = match command {
            "export" => test.args(["--out", "exported"]),
            _ => test.arg("topics"),
        };
        test.status(0).run();
    }
    // An explicit flag and `--state` still conflict: both were typed.
    tg().current_dir(dir.path())
        .args(["plan", "--state", "state.json"])
        .args(["--bootstrap-servers", "127.0.0.1:1", "topics"])
        .status(2)
        .run();
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
    tg().current_dir(dir.path())
        .env("TOPICGATE_BOOTSTRAP_SERVERS", "127.0.0.1:2")
        .args(["plan", "--cluster", "prod", "--timeout", "20s", "topics"])
        .status(2)
        .stderr_contains("`TOPICGATE_BOOTSTRAP_SERVERS`")
        .stderr_contains("`prod`")
        // It must not connect anywhere.
        .stderr_lacks("cannot reach")
        .run();
    assert!(start.elapsed() < Duration::from_secs(10));
    // The same variable through `TOPICGATE_CLUSTER`.
    tg().current_dir(dir.path())
        .env("TOPICGATE_BOOTSTRAP_SERVERS", "127.0.0.1:2")
        .env("TOPICGATE_CLUSTER", "prod")
        .args(["plan", "--timeout", "20s", "topics"])
        .status(2)
        .stderr_contains("`TOPICGATE_BOOTSTRAP_SERVERS`")
        .run();
    // An explicit `--bootstrap-servers` is the user's choice, and names the address used.
    tg().current_dir(dir.path())
        .env("TOPICGATE_BOOTSTRAP_SERVERS", "127.0.0.1:2")
        .args(["plan", "--cluster", "prod"])
        .args(["--bootstrap-servers", "127.0.0.1:3", "topics"])
        .status(2)
        .stderr_contains("`127.0.0.1:3`")
        .run();
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
            tg().current_dir(dir.path())
                .env("TOPICGATE_CLUSTER", "nope")
                .env("TOPICGATE_BOOTSTRAP_SERVERS", "not an address")
                .env("TOPICGATE_TIMEOUT", "forever")
                .args(&args)
                .status(0)
                .run();
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
    let validate = |flags: &[&str]| {
        tg().current_dir(dir.path())
            .args(flags)
            .args(["validate", "topics"])
    };
    let loaded = "loaded 1 topic(s) from 1 spec file(s)";
    // The flag wins over the variable (-v was silenced by TOPICGATE_LOG=error).
    validate(&["-v"])
        .env("TOPICGATE_LOG", "error")
        .stderr_contains(loaded)
        .run();
    // Without the flag, the variable applies (here: more than the default).
    validate(&[])
        .env("TOPICGATE_LOG", "info")
        .stderr_contains(loaded)
        .run();
    // Without either, warnings only.
    validate(&[]).stderr_lacks(loaded).run();
}

#[test]
fn timeouts_outside_the_supported_range_are_refused() {
    // Regression: `--timeout` above 1h broke every live command (librdkafka's limit), above
    // ~25 days it claimed the cluster was unreachable, `0` became 100 ms, `100y` was accepted.
    let plan = || tg().args(["plan", "--bootstrap-servers", "127.0.0.1:1"]);
    for value in ["0", "0s", "500ms", "61m", "2h", "30d", "100y", "1M"] {
        plan()
            .args(["--timeout", value, "."])
            .status(2)
            .stderr_contains(format!("`--timeout {value}`"))
            .stderr_contains("1s")
            .stderr_contains("1h")
            .stderr_lacks("cannot reach")
            .run();
    }
    // From the environment, the message names the variable.
    plan()
        .env("TOPICGATE_TIMEOUT", "2h")
        .arg(".")
        .status(2)
        .stderr_contains("`TOPICGATE_TIMEOUT=2h`")
        .run();
    // The bounds themselves are accepted (nothing listens on port 1: refused at once).
    for value in ["1s", "1h", "60m"] {
        plan()
            .args(["--timeout", value, "."])
            .status(2)
            .stderr_contains("cannot reach")
            .run();
    }
    // `gate --wait` is a separate, longer deadline, also checked.
    for value in ["100y", "25h", "1M"] {
        tg().args([
            "gate",
            "--bootstrap-servers",
            "127.0.0.1:1",
            "--require",
            "a",
        ])
        .args(["--wait", value, "."])
        .status(2)
        .stderr_contains(format!("`--wait {value}`"))
        .stderr_contains("24h")
        .run();
    }
}

#[test]
fn bootstrap_addresses_are_checked() {
    // Regression: port 99999 silently became 34463 (and other malformed lists went through).
    let plan = |servers: &str| {
        tg().args(["plan", "--bootstrap-servers", servers])
            .args(["--timeout", "2s", "."])
            .status(2)
    };
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
        plan(servers)
            .stderr_contains("`--bootstrap-servers`")
            .stderr_contains(expect)
            .stderr_lacks("cannot reach")
            .run();
    }
    // Well-formed lists pass the check (then fail to connect: nothing listens there).
    for servers in [
        "127.0.0.1:1",
        "[::1]:1",
        "PLAINTEXT://127.0.0.1:1",
        "127.0.0.1:1, localhost:1",
    ] {
        plan(servers).stderr_contains("cannot reach").run();
    }
}

#[test]
fn bootstrap_servers_as_a_property_is_refused() {
    // Regression: `-X bootstrap.servers=` silently overrode `--bootstrap-servers`, and the
    // error named the other address.
    for key in ["bootstrap.servers", "metadata.broker.list"] {
        tg().args(["plan", "--bootstrap-servers", "127.0.0.1:1"])
            .args(["--timeout", "2s"])
            .args(["-X", &format!("{key}=127.0.0.1:2"), "."])
            .status(2)
            .stderr_contains(format!("`-X {key}`"))
            .stderr_contains("--bootstrap-servers")
            .stderr_lacks("cannot reach")
            .run();
    }
    let dir = spec_dir(&[(
        "topicgate.yaml",
        "clusters:\n  prod:\n    bootstrap_servers: 127.0.0.1:1\n    properties: {bootstrap.servers: 127.0.0.1:2}\n",
    )]);
    tg().current_dir(dir.path())
        .args(["plan", "--cluster", "prod", "--timeout", "2s", "."])
        .status(2)
        .stderr_contains("`bootstrap.servers`")
        .stderr_contains("topicgate.yaml")
        .run();
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
    tg().args(["plan", "--bootstrap-servers", &address])
        .args(["--timeout", "2s", "."])
        .status(2)
        .stderr_contains(format!("`{address}`"))
        .stderr_contains("is this a Kafka listener?")
        .stderr_contains("security.protocol")
        .run();
    assert!(
        start.elapsed() < Duration::from_secs(15),
        "{:?}",
        start.elapsed()
    );
}
