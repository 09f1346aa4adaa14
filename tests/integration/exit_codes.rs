//! Exit codes tell the truth: when stdout's reader goes away (`| head -1`), when the broker is
//! not up yet while `gate --wait` waits, when two applies race or the broker is lost mid-request.
//! The built binary against a real broker (tests/integration/support.rs).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::fixtures::{LATE, PENDING, RACE};
use crate::support::{
    admin, eventually, free_port, spec_dir, state, stderr, stdout, topicgate_on, Broker,
};
use topicgate::cluster::kafka::KafkaCluster;
use topicgate::cluster::{ClusterError, ClusterReader, ClusterWriter, Mode, NewTopic};
use topicgate::model::connection::Connection;

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
    // Regression: `plan --exit-code | head -1` exited 0 on pending changes. The plan (about
    // 150 kB) is more than a pipe holds, so the writes after the reader left must fail.
    let broker = Broker::start();
    let many: String = (0..1000)
        .map(|i| format!("  - {{name: many.{i:04}, partitions: 1, replication_factor: 1, configs: {{retention.ms: 1h}}}}\n"))
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

/// A spawned `topicgate` whose stderr lines are collected as they come.
struct Running {
    child: std::process::Child,
    lines: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Running {
    fn start(mut cmd: Command) -> Running {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = std::sync::Arc::clone(&lines);
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(err).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Running { child, lines }
    }

    /// Waits until stderr has a line containing `text`.
    fn wait_for_line(&self, text: &str) {
        eventually(Duration::from_secs(30), text, || {
            self.lines
                .lock()
                .unwrap()
                .iter()
                .any(|l| l.contains(text))
                .then_some(())
        });
    }

    /// Waits for the exit: the code, stdout, and every stderr line.
    fn finish(mut self) -> (Option<i32>, String, Vec<String>) {
        let status = eventually(Duration::from_secs(90), "topicgate to exit", || {
            self.child.try_wait().unwrap()
        });
        let mut out = String::new();
        std::io::Read::read_to_string(&mut self.child.stdout.take().unwrap(), &mut out).unwrap();
        let lines = eventually(Duration::from_secs(5), "stderr to be read", || {
            std::sync::Arc::strong_count(&self.lines)
                .eq(&1)
                .then(|| self.lines.lock().unwrap().clone())
        });
        (status.code(), out, lines)
    }
}

/// No progress line is printed twice in a row.
fn assert_no_repeated_lines(lines: &[String]) {
    for pair in lines.windows(2) {
        assert_ne!(pair[0], pair[1], "a line printed twice: {lines:#?}");
    }
}

fn create_late(broker: &Broker) {
    let outcomes = admin(broker)
        .create_topics(
            &[NewTopic {
                name: "late".into(),
                partitions: 1,
                replication_factor: 1,
                configs: [("retention.ms".to_string(), "3600000".to_string())].into(),
            }],
            Mode::Apply,
        )
        .unwrap();
    assert!(outcomes.iter().all(|(_, r)| r.is_ok()), "{outcomes:?}");
}

#[test]
fn gate_wait_outlasts_a_broker_that_is_not_up_yet() {
    // Regression: `gate --wait` failed (exit 2) on the first connection failure.
    let port = free_port();
    let specs = spec_dir(&[("s.yaml", LATE)]);
    let mut cmd = spawnable(&format!("127.0.0.1:{port}"));
    cmd.args(["gate", "--require", "late", "--wait", "60s"])
        .arg(specs.path());
    let gate = Running::start(cmd);
    gate.wait_for_line("gate: no answer from the cluster yet");
    let broker = Broker::start_at(port, port);
    gate.wait_for_line("gate: waiting for 1 of 1 topic(s): late (missing-topic)");
    create_late(&broker);
    let (code, out, err) = gate.finish();
    assert_eq!(code, Some(0), "{out}{err:#?}");
    assert!(
        out.contains("gate: ready: all 1 required topic(s)"),
        "{out}"
    );
    assert_no_repeated_lines(&err);
}

#[test]
fn gate_wait_outlasts_a_broker_restart() {
    // Regression: a broker restart during the wait failed the gate with most of its wait left
    // (the client also remembered "all brokers down" for good).
    let port = free_port();
    let specs = spec_dir(&[("s.yaml", LATE)]);
    let broker = Broker::start_at(port, port);
    let mut cmd = spawnable(&broker.bootstrap);
    cmd.args(["gate", "--require", "late", "--wait", "60s"])
        .arg(specs.path());
    let gate = Running::start(cmd);
    gate.wait_for_line("gate: waiting for 1 of 1 topic(s): late (missing-topic)");
    drop(broker);
    gate.wait_for_line("gate: no answer from the cluster yet");
    let broker = Broker::start_at(port, port);
    create_late(&broker);
    let (code, out, err) = gate.finish();
    assert_eq!(code, Some(0), "{out}{err:#?}");
    assert_no_repeated_lines(&err);
}

#[test]
fn gate_wait_without_any_answer_is_an_error_when_the_time_is_up() {
    let port = free_port();
    let specs = spec_dir(&[("s.yaml", LATE)]);
    let start = Instant::now();
    let mut cmd = spawnable(&format!("127.0.0.1:{port}"));
    cmd.args(["gate", "--require", "late", "--wait", "3s"])
        .arg(specs.path());
    let (code, out, err) = Running::start(cmd).finish();
    let took = start.elapsed();
    assert_eq!(code, Some(2), "{out}{err:#?}");
    assert!(
        took >= Duration::from_secs(3) && took < Duration::from_secs(8),
        "waited {took:?}"
    );
    assert!(
        err.first().is_some_and(|l| l.starts_with(
            "gate: no answer from the cluster yet (cannot reach the Kafka cluster at"
        )),
        "{err:#?}"
    );
    assert!(
        err.last().is_some_and(|l| l.starts_with(
            "error: the cluster did not answer within the `--wait` of 3s: cannot reach"
        )),
        "{err:#?}"
    );
    assert_no_repeated_lines(&err);
}

#[test]
fn gate_wait_progress_is_not_repeated() {
    // Regression: the first progress line was printed twice (the seconds left were truncated).
    let broker = Broker::start();
    let specs = spec_dir(&[("s.yaml", LATE)]);
    let mut cmd = spawnable(&broker.bootstrap);
    cmd.args(["gate", "--require", "late", "--wait", "3s"])
        .arg(specs.path());
    let (code, _, err) = Running::start(cmd).finish();
    assert_eq!(code, Some(1), "{err:#?}");
    assert_eq!(
        err.first().map(String::as_str),
        Some("gate: waiting for 1 of 1 topic(s): late (missing-topic); 3s left"),
        "{err:#?}"
    );
    assert_no_repeated_lines(&err);
}

/// A TCP proxy in front of a broker that reads each request's API key, so that a test can make
/// two applies' CreateTopics requests meet at the broker, or lose the broker right after one
/// reached it. The broker advertises the proxy's port, so every connection goes through it.
struct Proxy {
    port: u16,
    shared: std::sync::Arc<ProxyShared>,
}

#[derive(Default)]
struct ProxyShared {
    /// Hold each CreateTopics until this many have arrived (0: never hold).
    gather_creates: usize,
    /// After forwarding the next CreateTopics, cut every client connection and refuse new ones
    /// (until `restore`).
    lose_after_create: std::sync::atomic::AtomicBool,
    /// Hold each Metadata request this long (a big cluster's metadata takes a while).
    metadata_delay: Duration,
    creates: std::sync::Mutex<usize>,
    arrived: std::sync::Condvar,
    lost: std::sync::atomic::AtomicBool,
    clients: std::sync::Mutex<Vec<std::net::TcpStream>>,
}

/// Kafka's API keys of CreateTopics and Metadata.
const CREATE_TOPICS: i16 = 19;
const METADATA: i16 = 3;

impl Proxy {
    fn start(upstream: u16, shared: ProxyShared) -> Proxy {
        use std::sync::atomic::Ordering;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let shared = std::sync::Arc::new(shared);
        let s = std::sync::Arc::clone(&shared);
        std::thread::spawn(move || {
            // While the broker is "lost" the port is closed, so connections are refused as by a
            // stopped broker; it is opened again on `restore`.
            let mut listener = Some(listener);
            loop {
                let lost = s.lost.load(Ordering::SeqCst);
                if lost {
                    listener = None;
                } else if listener.is_none() {
                    listener = std::net::TcpListener::bind(("127.0.0.1", port)).ok();
                }
                let Some(Ok((client, _))) = listener.as_ref().map(|l| {
                    l.set_nonblocking(true).unwrap();
                    l.accept()
                }) else {
                    std::thread::sleep(Duration::from_millis(10)); // the proxy's own poll
                    continue;
                };
                client.set_nonblocking(false).unwrap();
                let Ok(server) = std::net::TcpStream::connect(("127.0.0.1", upstream)) else {
                    continue;
                };
                s.clients.lock().unwrap().push(client.try_clone().unwrap());
                let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                let shared = std::sync::Arc::clone(&s);
                std::thread::spawn(move || forward_requests(client, server, &shared));
                let shared = std::sync::Arc::clone(&s);
                std::thread::spawn(move || forward_answers(s2, c2, &shared));
            }
        });
        Proxy { port, shared }
    }

    /// The broker is gone: every connection is cut, new ones are refused.
    fn lose(&self) {
        self.shared.lose();
    }

    /// The broker is back: connections are accepted again (once this returns).
    fn restore(&self) {
        self.shared
            .lost
            .store(false, std::sync::atomic::Ordering::SeqCst);
        eventually(Duration::from_secs(5), "the proxy to listen again", || {
            std::net::TcpStream::connect(("127.0.0.1", self.port))
                .ok()
                .map(drop)
        });
    }

    fn bootstrap(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

/// Client to broker, one request frame at a time (a 4-byte size, then the API key first).
fn forward_requests(
    mut client: std::net::TcpStream,
    mut server: std::net::TcpStream,
    shared: &ProxyShared,
) {
    use std::io::{Read, Write};
    use std::sync::atomic::Ordering;
    loop {
        let mut size = [0u8; 4];
        if client.read_exact(&mut size).is_err() {
            break;
        }
        let mut frame = vec![0u8; i32::from_be_bytes(size) as usize];
        if client.read_exact(&mut frame).is_err() {
            break;
        }
        let api = (frame.len() >= 2).then(|| i16::from_be_bytes([frame[0], frame[1]]));
        let create = api == Some(CREATE_TOPICS);
        if api == Some(METADATA) {
            std::thread::sleep(shared.metadata_delay); // a slow broker, not synchronisation
        }
        if create && shared.gather_creates > 0 {
            let mut n = shared.creates.lock().unwrap();
            *n += 1;
            shared.arrived.notify_all();
            let (n, timeout) = shared
                .arrived
                .wait_timeout_while(n, Duration::from_secs(30), |n| *n < shared.gather_creates)
                .unwrap();
            assert!(!timeout.timed_out(), "only {} CreateTopics arrived", *n);
        }
        if create && shared.lose_after_create.swap(false, Ordering::SeqCst) {
            // The answer to this request never reaches the client (see `forward_answers`).
            shared.lost.store(true, Ordering::SeqCst);
        }
        if server.write_all(&size).is_err() || server.write_all(&frame).is_err() {
            break;
        }
        if shared.lost.load(Ordering::SeqCst) {
            shared.lose();
            break;
        }
    }
}

impl ProxyShared {
    fn lose(&self) {
        self.lost.store(true, std::sync::atomic::Ordering::SeqCst);
        for c in self.clients.lock().unwrap().drain(..) {
            let _ = c.shutdown(std::net::Shutdown::Both);
        }
    }
}

/// Broker to client; once the broker is "lost", its answers are dropped.
fn forward_answers(
    mut server: std::net::TcpStream,
    mut client: std::net::TcpStream,
    shared: &ProxyShared,
) {
    use std::io::{Read, Write};
    use std::sync::atomic::Ordering;
    let mut buf = [0u8; 64 * 1024];
    loop {
        let n = match server.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if shared.lost.load(Ordering::SeqCst) || client.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = client.shutdown(std::net::Shutdown::Both);
}

/// A broker behind a proxy configured with `shared`.
fn proxied_broker(shared: ProxyShared) -> (Broker, Proxy) {
    let port = free_port();
    let proxy = Proxy::start(port, shared);
    let broker = Broker::start_at(port, proxy.port);
    (broker, proxy)
}

#[test]
fn two_applies_of_the_same_new_topics_both_succeed() {
    // Regression: two applies racing to create the same topics both exited 2 with
    // TopicAlreadyExists, although the cluster ended as specified.
    let (broker, proxy) = proxied_broker(ProxyShared {
        gather_creates: 2,
        ..Default::default()
    });
    let specs = spec_dir(&[("s.yaml", RACE)]);
    let run = || {
        let mut cmd = spawnable(&proxy.bootstrap());
        cmd.args(["apply", "--yes"]).arg(specs.path());
        Running::start(cmd)
    };
    let (first, second) = (run(), run());
    let (a, b) = (first.finish(), second.finish());
    for (code, out, err) in [&a, &b] {
        assert_eq!(*code, Some(0), "{out}{err:#?}");
        assert!(out.contains("Applied 2 of 2 change(s)."), "{out}");
    }
    // Both CreateTopics met at the broker: one apply created each topic, the other found it
    // as planned.
    assert_eq!(*proxy.shared.creates.lock().unwrap(), 2);
    let both = format!("{}{}", a.1, b.1);
    assert!(
        both.contains("done race.a create with 2 partition(s), replication factor 1, 1 config override(s): TopicAlreadyExists")
            && both.contains("the cluster shows the change as planned"),
        "{both}"
    );
    topicgate_on(&broker)
        .args(["plan", "--exit-code"])
        .arg(specs.path())
        .assert()
        .success();
}

#[test]
fn a_racing_apply_that_finds_a_different_topic_fails_and_says_how() {
    // A topic that exists but differs from the plan is still a failure, and says why.
    let (broker, proxy) = proxied_broker(ProxyShared {
        gather_creates: 2,
        ..Default::default()
    });
    let one = spec_dir(&[(
        "s.yaml",
        "topics:\n  - {name: race.c, partitions: 1, replication_factor: 1}\n",
    )]);
    let two = spec_dir(&[(
        "s.yaml",
        "topics:\n  - {name: race.c, partitions: 2, replication_factor: 1}\n",
    )]);
    let run = |specs: &std::path::Path| {
        let mut cmd = spawnable(&proxy.bootstrap());
        cmd.args(["apply", "--yes"]).arg(specs);
        Running::start(cmd)
    };
    let (first, second) = (run(one.path()), run(two.path()));
    let mut results = [first.finish(), second.finish()];
    results.sort_by_key(|r| r.0);
    let [(won, _, _), (lost, out, err)] = &results;
    assert_eq!((*won, *lost), (Some(0), Some(2)), "{out}{err:#?}");
    assert!(
        out.contains("FAILED race.c create with")
            && out.contains("the topic exists but differs from the plan:"),
        "{out}"
    );
    assert!(out.contains("1 failed and were not applied"), "{out}");
    drop(broker);
}

#[test]
fn a_broker_lost_mid_request_leaves_the_outcome_unknown_and_a_rerun_converges() {
    // Regression: after a transport failure mid-request apply said the change was not applied.
    let (broker, proxy) = proxied_broker(ProxyShared {
        lose_after_create: true.into(),
        ..Default::default()
    });
    let specs = spec_dir(&[("s.yaml", RACE)]);
    let mut cmd = spawnable(&proxy.bootstrap());
    cmd.args(["apply", "--yes", "--timeout", "3s"])
        .arg(specs.path());
    let (code, out, err) = Running::start(cmd).finish();
    assert_eq!(code, Some(2), "{out}{err:#?}");
    assert!(
        out.contains("UNKNOWN race.a create with 2 partition(s)"),
        "{out}"
    );
    assert!(
        out.contains("2 change(s) have an unknown outcome (see above why): the cluster did not show before the deadline whether they were made:\n  - race.a create with 2 partition(s)"),
        "{out}"
    );
    assert!(
        out.contains("run `topicgate apply` again: it plans afresh and makes only what is left, so a change that did go through is not made twice."),
        "{out}"
    );
    assert!(!out.contains("not applied"), "{out}");
    assert!(
        err.last()
            .is_some_and(|l| l.contains("2 of the planned change(s) have an unknown outcome")),
        "{err:#?}"
    );
    // The broker did create them; a re-run, with the broker back, has nothing left to do.
    proxy.restore();
    eventually(Duration::from_secs(10), "the topics on the broker", || {
        let s = state(&broker);
        (s.topics.contains_key("race.a") && s.topics.contains_key("race.b")).then_some(())
    });
    let out = topicgate_on(&broker)
        .args(["apply", "--yes"])
        .arg(specs.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("Nothing to apply."),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_broker_back_before_the_deadline_settles_an_unknown_outcome() {
    // Regression: after losing the broker, apply's client never saw it again (it remembered
    // that every broker was down, and metadata takes a while), so a broker back within
    // `--timeout` still left "unknown".
    let (broker, proxy) = proxied_broker(ProxyShared {
        lose_after_create: true.into(),
        metadata_delay: Duration::from_millis(300),
        ..Default::default()
    });
    let specs = spec_dir(&[("s.yaml", RACE)]);
    let mut cmd = spawnable(&proxy.bootstrap());
    cmd.args(["-vv", "apply", "--yes", "--timeout", "20s"])
        .arg(specs.path());
    let apply = Running::start(cmd);
    apply.wait_for_line("describe while waiting for changes to show");
    proxy.restore();
    let (code, out, err) = apply.finish();
    assert_eq!(code, Some(0), "{out}{err:#?}");
    assert!(
        out.contains("done race.a create with 2 partition(s), replication factor 1, 1 config override(s): CreateTopics request got no answer (")
            && out.contains("; the cluster shows the change as planned"),
        "{out}"
    );
    assert!(out.contains("Applied 2 of 2 change(s)."), "{out}");
    drop(broker);
}

#[test]
fn gate_wait_outlasts_a_restart_of_a_slow_broker() {
    // Regression: once every broker had been down, the client answered every later describe
    // that took over 50 ms with "cannot reach", although the broker was back: the gate (and
    // apply's re-read) never saw the cluster again on a cluster with sizeable metadata.
    let (broker, proxy) = proxied_broker(ProxyShared {
        metadata_delay: Duration::from_millis(300),
        ..Default::default()
    });
    let specs = spec_dir(&[("s.yaml", LATE)]);
    let mut cmd = spawnable(&proxy.bootstrap());
    cmd.args(["gate", "--require", "late", "--wait", "40s"])
        .arg(specs.path());
    let gate = Running::start(cmd);
    gate.wait_for_line("gate: waiting for 1 of 1 topic(s): late (missing-topic)");
    proxy.lose();
    gate.wait_for_line("gate: no answer from the cluster yet");
    proxy.restore();
    create_late(&broker);
    let (code, out, err) = gate.finish();
    assert_eq!(code, Some(0), "{out}{err:#?}");
    assert_no_repeated_lines(&err);
}

#[test]
fn the_adapter_sees_a_slow_broker_again_after_a_restart() {
    // Regression: the adapter remembered "every broker was down" for good: once the broker was
    // back, every describe slower than 50 ms still failed with "cannot reach" (the commands made
    // a new client after each failure to get around it).
    let (_broker, proxy) = proxied_broker(ProxyShared {
        metadata_delay: Duration::from_millis(300),
        ..Default::default()
    });
    let cluster = KafkaCluster::connect(Connection {
        bootstrap_servers: proxy.bootstrap(),
        properties: vec![],
        timeout: Duration::from_secs(10),
        token_source: None,
    })
    .unwrap();
    cluster.describe().unwrap();
    proxy.lose();
    eventually(Duration::from_secs(30), "describe to fail", || {
        cluster.describe().err().filter(ClusterError::is_transient)
    });
    proxy.restore();
    eventually(Duration::from_secs(30), "describe to answer again", || {
        cluster.describe().ok()
    });
}
