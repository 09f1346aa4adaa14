//! Test harness: real brokers on loopback, and helpers to run the built `topicgate` binary
//! against them.
//!
//! Three brokers (see shared/KAFKA.md):
//!
//! - [`Broker::start`] (also [`Broker::kafka`]): a single-node Apache Kafka cluster (KRaft,
//!   combined broker and controller), from `scripts/install-kafka`.
//! - [`Broker::msk`]: an MSK-like 3-node Apache Kafka cluster: `num.partitions=1`,
//!   `default.replication.factor=3`, `min.insync.replicas=2`, `auto.create.topics.enable=true`.
//! - [`Broker::tansu`]: a fresh Tansu per test, the sparse broker (reports only set configs, no
//!   broker configs, no CreatePartitions, ignores `validate_only`).
//!
//! The Kafka clusters are shared, not started per test: `scripts/test` starts both once for the
//! whole run and passes their addresses in `TOPICGATE_TEST_KAFKA` and `TOPICGATE_TEST_KAFKA_MSK`
//! (with `..._LOGS`, the directory of the nodes' logs); without them, the first test that needs
//! a cluster starts it (`scripts/kafka/cluster`) and it lives as long as the test binary. All
//! integration tests are one binary (`tests/integration/main.rs`), so a plain `cargo test` starts
//! each cluster at most once. The cluster's JVMs die with their owner: the owner holds the only write end of a pipe
//! to `scripts/kafka/cluster`'s stdin, which kills them at end of file (also when a test binary
//! panics or is killed).
//!
//! A `Broker` handle on a shared cluster is an exclusive lease: tests that use the same cluster
//! run one after the other, and each lease
//! starts from a clean cluster: every topic that is not internal (`__*`) is deleted first. A test
//! may therefore use fixed topic names and assert on the whole cluster, as with a broker of its
//! own; a test that changes cluster-wide state (dynamic broker configs) must restore it before
//! its lease ends (use a guard that restores on drop, so a panic restores too). A test holds at
//! most one lease at a time (two tests each waiting for the other's cluster would deadlock).
//!
//! A missing Java or Maven fails the test with instructions; it is never skipped. When a test
//! using a Kafka cluster panics, the path and the tail of each node's log are printed.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use rdkafka::admin::{AdminClient, AdminOptions};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer};

/// Which broker a [`Broker`] handle points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BrokerKind {
    /// Apache Kafka, one node.
    Kafka,
    /// Apache Kafka, three nodes with MSK-like defaults.
    KafkaMsk,
    /// Tansu, the sparse broker.
    Tansu,
}

/// A broker for one test: a lease on a shared Kafka cluster, or a Tansu of its own (killed when
/// dropped).
pub(crate) struct Broker {
    pub bootstrap: String,
    pub kind: BrokerKind,
    inner: Inner,
}

enum Inner {
    Tansu {
        child: Child,
        _dir: tempfile::TempDir,
    },
    Kafka {
        cluster: &'static SharedCluster,
        _lease: MutexGuard<'static, ()>,
    },
}

/// A Kafka cluster shared by the tests of a run.
pub(crate) struct SharedCluster {
    pub bootstrap: String,
    pub nodes: usize,
    /// The directory holding `node-<id>.log`, when known.
    pub logs: Option<PathBuf>,
    lease: Mutex<()>,
    /// The `scripts/kafka/cluster` process and the write end of its stdin: never dropped, so the
    /// pipe closes (and the JVMs die) when this process exits.
    _owner: Option<Mutex<Child>>,
}

/// The Tansu binary: `$TOPICGATE_TANSU`, or `.tools/tansu` as installed by `scripts/install-broker`.
pub(crate) fn tansu_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("TOPICGATE_TANSU") {
        return PathBuf::from(p);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools/tansu")
}

static SINGLE: OnceLock<Result<SharedCluster, String>> = OnceLock::new();
static MSK: OnceLock<Result<SharedCluster, String>> = OnceLock::new();

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

const INSTRUCTIONS: &str = "the integration tests need Apache Kafka: Java 17+ and Maven on PATH \
     (`scripts/install-kafka` resolves Kafka from Maven Central into .tools/); `scripts/test` \
     installs and starts everything";

/// The cluster named by `$var` (started by `scripts/test`), or one started now for this process.
fn shared(var: &str, nodes: usize, msk: bool) -> Result<SharedCluster, String> {
    if let Ok(bootstrap) = std::env::var(var) {
        if !bootstrap.is_empty() {
            let logs = std::env::var_os(format!("{var}_LOGS")).map(PathBuf::from);
            wait_for_brokers(&bootstrap, nodes)?;
            return Ok(SharedCluster {
                bootstrap,
                nodes,
                logs,
                lease: Mutex::new(()),
                _owner: None,
            });
        }
    }
    let binary = std::env::current_exe()
        .ok()
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "test".into());
    let name = format!(
        "{}-{}",
        binary.split('-').next().unwrap_or("test"),
        if msk { "msk" } else { "single" }
    );
    let mut cmd = Command::new(root().join("scripts/kafka/cluster"));
    cmd.args(["--nodes", &nodes.to_string(), "--name", &name]);
    if msk {
        cmd.arg("--msk");
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run scripts/kafka/cluster: {e}; {INSTRUCTIONS}"))?;
    let stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let (etx, erx) = mpsc::channel();
    std::thread::spawn(move || {
        // Its progress and errors; passed on to this process's stderr as they come.
        let mut all = String::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = stderr.read(&mut buf) {
            if n == 0 {
                break;
            }
            let text = String::from_utf8_lossy(&buf[..n]);
            eprint!("{text}");
            all.push_str(&text);
        }
        let _ = etx.send(all);
    });
    let line = rx
        .recv_timeout(Duration::from_secs(180))
        .unwrap_or_default();
    let mut bootstrap = None;
    let mut logs = None;
    for word in line.split_whitespace() {
        if let Some(v) = word.strip_prefix("bootstrap=") {
            bootstrap = Some(v.to_string());
        } else if let Some(v) = word.strip_prefix("logs=") {
            logs = Some(PathBuf::from(v));
        }
    }
    let Some(bootstrap) = bootstrap else {
        let _ = child.kill();
        let _ = child.wait();
        let why = erx.recv_timeout(Duration::from_secs(5)).unwrap_or_default();
        return Err(format!(
            "the Apache Kafka test cluster ({nodes} node(s)) did not start:\n{why}\n{INSTRUCTIONS}"
        ));
    };
    wait_for_brokers(&bootstrap, nodes)?;
    Ok(SharedCluster {
        bootstrap,
        nodes,
        logs,
        lease: Mutex::new(()),
        _owner: Some(Mutex::new(child)),
    })
}

/// Waits until the cluster's metadata lists `nodes` brokers.
fn wait_for_brokers(bootstrap: &str, nodes: usize) -> Result<(), String> {
    let consumer: BaseConsumer = client_config(bootstrap)
        .create()
        .map_err(|e| e.to_string())?;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        // N.B. KAFKA.md: a Metadata request for all topics, never one naming a topic.
        match consumer.fetch_metadata(None, Duration::from_secs(5)) {
            Ok(m) if m.brokers().len() >= nodes => return Ok(()),
            Ok(m) if Instant::now() > deadline => {
                return Err(format!(
                    "the Kafka cluster at {bootstrap} lists {} broker(s), expected {nodes}",
                    m.brokers().len()
                ))
            }
            Err(e) if Instant::now() > deadline => {
                return Err(format!(
                    "the Kafka cluster at {bootstrap} is not reachable: {e}"
                ))
            }
            _ => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

fn client_config(bootstrap: &str) -> rdkafka::config::ClientConfig {
    let mut c = rdkafka::config::ClientConfig::new();
    c.set("bootstrap.servers", bootstrap)
        .set("allow.auto.create.topics", "false");
    c
}

impl SharedCluster {
    fn lease(&'static self, kind: BrokerKind) -> Broker {
        // One lease at a time per cluster; a test that panicked released its lease all the same.
        let lease = self.lease.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(e) = clean(&self.bootstrap) {
            self.print_logs();
            panic!(
                "cannot clean the Kafka test cluster at {}: {e}",
                self.bootstrap
            );
        }
        Broker {
            bootstrap: self.bootstrap.clone(),
            kind,
            inner: Inner::Kafka {
                cluster: self,
                _lease: lease,
            },
        }
    }

    fn print_logs(&self) {
        let Some(dir) = &self.logs else {
            eprintln!(
                "(the Kafka cluster at {} keeps its logs elsewhere)",
                self.bootstrap
            );
            return;
        };
        for node in 1..=self.nodes {
            let path = dir.join(format!("node-{node}.log"));
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            let tail = &lines[lines.len().saturating_sub(25)..];
            eprintln!(
                "--- last {} lines of {} ---\n{}",
                tail.len(),
                path.display(),
                tail.join("\n")
            );
        }
    }
}

/// Deletes every topic that is not internal and waits until no broker lists one.
fn clean(bootstrap: &str) -> Result<(), String> {
    let consumer: BaseConsumer = client_config(bootstrap)
        .create()
        .map_err(|e| e.to_string())?;
    let user_topics = || -> Result<Vec<String>, String> {
        let m = consumer
            .fetch_metadata(None, Duration::from_secs(10))
            .map_err(|e| e.to_string())?;
        Ok(m.topics()
            .iter()
            .map(|t| t.name().to_string())
            .filter(|n| !n.starts_with("__"))
            .collect())
    };
    let topics = user_topics()?;
    if topics.is_empty() {
        return Ok(());
    }
    let admin: AdminClient<DefaultClientContext> = client_config(bootstrap)
        .create()
        .map_err(|e| e.to_string())?;
    let names: Vec<&str> = topics.iter().map(String::as_str).collect();
    let results = futures::executor::block_on(admin.delete_topics(
        &names,
        &AdminOptions::new().operation_timeout(Some(Duration::from_secs(30))),
    ))
    .map_err(|e| e.to_string())?;
    for r in results {
        if let Err((topic, code)) = r {
            if code != rdkafka::types::RDKafkaErrorCode::UnknownTopicOrPartition {
                return Err(format!("deleting `{topic}`: {code}"));
            }
        }
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let left = user_topics()?;
        if left.iter().all(|t| !topics.contains(t)) {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("topics still listed after deletion: {left:?}"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn cluster(
    cell: &'static OnceLock<Result<SharedCluster, String>>,
    var: &str,
    nodes: usize,
    msk: bool,
) -> &'static SharedCluster {
    match cell.get_or_init(|| shared(var, nodes, msk)) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    }
}

impl Broker {
    /// A lease on the shared single-node Apache Kafka cluster (see the module doc).
    pub(crate) fn start() -> Broker {
        Broker::kafka()
    }

    /// A lease on the shared single-node Apache Kafka cluster (see the module doc).
    pub(crate) fn kafka() -> Broker {
        cluster(&SINGLE, "TOPICGATE_TEST_KAFKA", 1, false).lease(BrokerKind::Kafka)
    }

    /// A lease on the shared MSK-like 3-node Apache Kafka cluster (see the module doc).
    pub(crate) fn msk() -> Broker {
        cluster(&MSK, "TOPICGATE_TEST_KAFKA_MSK", 3, true).lease(BrokerKind::KafkaMsk)
    }

    /// A Tansu of this test's own, on a free loopback port; killed when dropped.
    pub(crate) fn tansu() -> Broker {
        for _attempt in 0..5 {
            let port = free_port();
            // The port may be taken between the probe and Tansu's bind: try another.
            if let Some(broker) = Broker::spawn_tansu(port, port) {
                return broker;
            }
        }
        panic!(
            "the sparse test broker ({}) did not start",
            tansu_binary().display()
        );
    }

    /// A Tansu listening on `port` and advertising `advertised` (the same port, or a proxy's in
    /// front of it), for tests that need the address before the broker runs. Panics if it does
    /// not start (the port is taken).
    pub(crate) fn start_at(port: u16, advertised: u16) -> Broker {
        Broker::spawn_tansu(port, advertised)
            .unwrap_or_else(|| panic!("the sparse test broker did not start on port {port}"))
    }

    /// Starts Tansu on `port`, advertising `advertised`; `None` if it exits or is not ready
    /// within 20 s.
    fn spawn_tansu(port: u16, advertised: u16) -> Option<Broker> {
        let binary = tansu_binary();
        assert!(
            binary.exists(),
            "the sparse test broker is not installed at {}: run `scripts/install-broker` (or `scripts/test`, which does it), or set TOPICGATE_TANSU",
            binary.display()
        );
        // N.B. KAFKA.md: Tansu reads a `.env` from its working directory: start it in an
        // empty one, with none of its settings inherited from the environment.
        let dir = tempfile::tempdir().expect("tempdir");
        let mut child = Command::new(&binary)
            .args([
                "broker",
                "--listener-url",
                &format!("tcp://127.0.0.1:{port}"),
            ])
            .args([
                "--advertised-listener-url",
                &format!("tcp://127.0.0.1:{advertised}"),
            ])
            .current_dir(dir.path())
            .env_remove("CLUSTER_ID")
            .env_remove("LISTENER_URL")
            .env_remove("ADVERTISED_LISTENER_URL")
            .env_remove("STORAGE_ENGINE")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start tansu");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.contains("ready in") {
                    let _ = tx.send(());
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(20);
        let ready = loop {
            if rx.recv_timeout(Duration::from_millis(50)).is_ok() {
                break true;
            }
            if let Ok(Some(_)) = child.try_wait() {
                break false;
            }
            if Instant::now() > deadline {
                break false;
            }
        };
        if ready {
            return Some(Broker {
                bootstrap: format!("127.0.0.1:{advertised}"),
                kind: BrokerKind::Tansu,
                inner: Inner::Tansu { child, _dir: dir },
            });
        }
        let _ = child.kill();
        let _ = child.wait();
        None
    }

    /// Whether this is Apache Kafka (reports every config with its source, broker configs,
    /// CreatePartitions, `validate_only`).
    pub(crate) fn is_kafka(&self) -> bool {
        self.kind != BrokerKind::Tansu
    }

    /// The directory of the cluster's node logs, for Kafka.
    pub(crate) fn logs(&self) -> Option<&Path> {
        match &self.inner {
            Inner::Kafka { cluster, .. } => cluster.logs.as_deref(),
            Inner::Tansu { .. } => None,
        }
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        match &mut self.inner {
            Inner::Tansu { child, .. } => {
                let _ = child.kill();
                let _ = child.wait();
            }
            Inner::Kafka { cluster, .. } => {
                if std::thread::panicking() {
                    cluster.print_logs();
                }
            }
        }
    }
}

/// The directory of the Apache Kafka jars (`scripts/install-kafka`, which installs them if
/// missing and prints the directory).
pub(crate) fn kafka_home() -> PathBuf {
    static HOME: OnceLock<PathBuf> = OnceLock::new();
    HOME.get_or_init(|| {
        let out = Command::new(root().join("scripts/install-kafka"))
            .stderr(Stdio::inherit())
            .output()
            .expect("run scripts/install-kafka");
        assert!(
            out.status.success(),
            "scripts/install-kafka failed; {INSTRUCTIONS}"
        );
        PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
    })
    .clone()
}

/// Runs one of Kafka's own command-line tools (`class`, e.g.
/// `org.apache.kafka.tools.reassign.ReassignPartitionsCommand`) with `args`.
pub(crate) fn kafka_tool(class: &str, args: &[&str]) -> std::process::Output {
    let classpath = format!("{}/libs/*", kafka_home().display());
    Command::new("java")
        .args([
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Xshare:auto",
            &format!(
                "-Dlog4j2.configurationFile={}",
                root().join("scripts/kafka/log4j2.properties").display()
            ),
            "-cp",
            &classpath,
            class,
        ])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run java")
}

/// Polls `f` until it returns `Some`, or panics after `timeout` with `what`.
pub(crate) fn eventually<T>(timeout: Duration, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The built binary, with a clean environment (no colour, no inherited cluster settings).
pub(crate) fn topicgate() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("topicgate").expect("binary");
    cmd.env("NO_COLOR", "1")
        .env_remove("TOPICGATE_BOOTSTRAP_SERVERS")
        .env_remove("TOPICGATE_TIMEOUT")
        .env_remove("TOPICGATE_LOG");
    cmd
}

/// The binary, pointed at `broker`.
pub(crate) fn topicgate_on(broker: &Broker) -> assert_cmd::Command {
    let mut cmd = topicgate();
    cmd.env("TOPICGATE_BOOTSTRAP_SERVERS", &broker.bootstrap)
        .env("TOPICGATE_TIMEOUT", "10s");
    cmd
}

/// Runs `apply --yes PATH` against `broker` and asserts that it succeeded (both streams shown
/// if not); the output, for what the test asserts next.
pub(crate) fn apply_yes(
    broker: &Broker,
    path: impl AsRef<std::ffi::OsStr>,
) -> std::process::Output {
    let out = topicgate_on(broker)
        .args(["apply", "--yes"])
        .arg(path)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    out
}

/// A temporary directory holding the given spec files.
pub(crate) fn spec_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, text).unwrap();
    }
    dir
}

pub(crate) fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub(crate) fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The adapter pointed at `broker`, for reading and changing it outside the binary under test.
pub(crate) fn admin(broker: &Broker) -> topicgate::cluster::kafka::KafkaCluster {
    topicgate::cluster::kafka::KafkaCluster::connect(topicgate::model::connection::Connection {
        bootstrap_servers: broker.bootstrap.clone(),
        properties: vec![],
        timeout: Duration::from_secs(10),
        token_source: None,
    })
    .unwrap()
}

/// What the cluster looks like now.
pub(crate) fn state(broker: &Broker) -> topicgate::model::cluster_state::ClusterState {
    use topicgate::cluster::ClusterReader;
    admin(broker).describe().unwrap()
}

/// What the service in the story did: produce one record to a topic nobody created. The
/// producer's metadata request names the topic, so an auto-creating broker creates it.
pub(crate) fn produce(broker: &Broker, topic: &str) {
    use rdkafka::producer::Producer;
    let producer: rdkafka::producer::BaseProducer = rdkafka::config::ClientConfig::new()
        .set("bootstrap.servers", &broker.bootstrap)
        .set("message.timeout.ms", "10000")
        .create()
        .unwrap();
    producer
        .send(
            rdkafka::producer::BaseRecord::to(topic)
                .key("order-1")
                .payload("{}"),
        )
        .map_err(|(e, _)| e)
        .unwrap();
    producer.flush(Duration::from_secs(10)).unwrap();
}

/// A loopback port that nothing listens on (at the time of the call).
pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}
