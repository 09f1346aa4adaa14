//! Exit codes tell the truth: when stdout's reader goes away (`| head -1`), when the broker is
//! not up yet while `gate --wait` waits, when two applies race or the broker is lost mid-request.
//! The built binary against a real broker (tests/support).

mod support;

use std::process::{Command, Stdio};
use support::{spec_dir, state, stderr, Broker};

/// The built binary pointed at `broker` (as `topicgate_on`), as a `std` command that can be
/// spawned with its pipes under the test's control.
fn spawnable(bootstrap: &str) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("topicgate"));
    cmd.env("NO_COLOR", "1")
        .env("TOPICGATE_BOOTSTRAP_SERVERS", bootstrap)
        .env("TOPICGATE_TIMEOUT", "10s")
        .env_remove("TOPICGATE_LOG")
        .env_remove("TOPICGATE_CLUSTER")
        .stdin(Stdio::null());
    cmd
}

/// Runs `cmd` with stdout a pipe whose read end is closed before the command writes anything
/// (it connects to the cluster first), as `cmd | head -0` would. Returns the exit code and stderr.
fn with_stdout_closed(mut cmd: Command) -> (Option<i32>, String) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    (out.status.code(), stderr(&out))
}

const PENDING: &str = "topics:\n  - {name: pipe.a, partitions: 1, replication_factor: 1, configs: {retention.ms: 1h}}\n  - {name: pipe.b, partitions: 1, replication_factor: 1}\n";

#[test]
fn a_closed_stdout_does_not_change_the_exit_code() {
    // Regression: main mapped a broken pipe to exit 0, whatever the command found or did.
    let broker = Broker::start();
    let specs = spec_dir(&[("s.yaml", PENDING)]);

    let mut plan = spawnable(&broker.bootstrap);
    plan.args(["plan", "--exit-code"]).arg(specs.path());
    let (code, err) = with_stdout_closed(plan);
    assert_eq!(
        code,
        Some(1),
        "plan --exit-code with pending changes: {err}"
    );
    assert!(err.is_empty(), "a broken pipe is not an error: {err}");

    let mut check = spawnable(&broker.bootstrap);
    check.args([
        "check",
        "--broker-defaults",
        "partitions=4,replication_factor=1",
    ]);
    check.arg(specs.path());
    let (code, err) = with_stdout_closed(check);
    assert_eq!(code, Some(1), "check with missing-topic errors: {err}");
    assert!(err.is_empty(), "{err}");

    let mut gate = spawnable(&broker.bootstrap);
    gate.args(["gate", "--require", "pipe.a"]).arg(specs.path());
    let (code, err) = with_stdout_closed(gate);
    assert_eq!(code, Some(1), "gate on a missing topic: {err}");
    assert!(err.is_empty(), "{err}");

    // apply --yes was asked to apply: it does, and its exit code says how that went.
    let mut apply = spawnable(&broker.bootstrap);
    apply.args(["apply", "--yes"]).arg(specs.path());
    let (code, err) = with_stdout_closed(apply);
    let topics = state(&broker).topics;
    assert_eq!(
        (
            code,
            topics.contains_key("pipe.a"),
            topics.contains_key("pipe.b")
        ),
        (Some(0), true, true),
        "apply must not exit 0 without applying: {err}"
    );
    assert!(err.is_empty(), "{err}");

    // And once it is all applied, the same commands succeed with stdout closed.
    let mut plan = spawnable(&broker.bootstrap);
    plan.args(["plan", "--exit-code"]).arg(specs.path());
    assert_eq!(with_stdout_closed(plan).0, Some(0));
}

#[test]
fn a_closed_stdout_after_the_first_line_does_not_change_the_exit_code() {
    // Regression: `plan --exit-code | head -1` exited 0 on pending changes.
    let broker = Broker::start();
    let many: String = (0..300)
        .map(|i| format!("  - {{name: many.{i:03}, partitions: 1, replication_factor: 1, configs: {{retention.ms: 1h}}}}\n"))
        .collect();
    let specs = spec_dir(&[("s.yaml", &format!("topics:\n{many}"))]);
    let mut child = spawnable(&broker.bootstrap)
        .args(["plan", "--exit-code"])
        .arg(specs.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut first,
    )
    .unwrap();
    assert!(first.starts_with("Plan for"), "{first}");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn a_closed_stderr_and_stdout_do_not_change_the_exit_code() {
    // `topicgate plan 2>&1 | head -1`: both streams gone; the outcome still decides.
    let broker = Broker::start();
    let specs = spec_dir(&[("s.yaml", PENDING)]);
    let mut child = spawnable(&broker.bootstrap)
        .args(["-vv", "plan", "--exit-code"])
        .arg(specs.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
}
