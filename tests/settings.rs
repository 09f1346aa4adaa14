//! Connection settings through the binary, without a broker: secrets are never printed, the
//! environment never conflicts with a flag, `--timeout` and bootstrap addresses are checked.

mod support;

use std::time::{Duration, Instant};

use support::{spec_dir, stderr, stdout, topicgate};

/// A value no message could contain by chance.
const SECRET: &str = "Zq7-hunter2-NOT-FOR-LOGS";

/// The binary with no topicgate settings inherited from the environment.
fn tg() -> assert_cmd::Command {
    let mut cmd = topicgate();
    cmd.env_remove("TOPICGATE_CLUSTER");
    cmd
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
