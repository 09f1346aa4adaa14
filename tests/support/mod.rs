//! Test harness: a real Kafka-compatible broker (Tansu, see KAFKA.md) started on a free loopback
//! port for each test, and helpers to run the built `topicgate` binary against it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A running broker; killed when dropped.
pub struct Broker {
    child: Child,
    pub bootstrap: String,
    _dir: tempfile::TempDir,
}

/// The Tansu binary: `$TOPICGATE_TANSU`, or `.tools/tansu` as installed by `scripts/install-broker`.
pub fn tansu_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("TOPICGATE_TANSU") {
        return PathBuf::from(p);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools/tansu")
}

impl Broker {
    pub fn start() -> Broker {
        let binary = tansu_binary();
        assert!(
            binary.exists(),
            "the test broker is not installed at {}: run `scripts/install-broker` (or `scripts/test`, which does it), or set TOPICGATE_TANSU",
            binary.display()
        );
        for _attempt in 0..5 {
            let port = TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("free port")
                .port();
            let url = format!("tcp://127.0.0.1:{port}");
            // N.B. KAFKA.md: Tansu reads a `.env` from its working directory: start it in an
            // empty one, with none of its settings inherited from the environment.
            let dir = tempfile::tempdir().expect("tempdir");
            let mut child = Command::new(&binary)
                .args([
                    "broker",
                    "--listener-url",
                    &url,
                    "--advertised-listener-url",
                    &url,
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
                    break false; // port taken between our probe and its bind: try another
                }
                if Instant::now() > deadline {
                    break false;
                }
            };
            if ready {
                return Broker {
                    child,
                    bootstrap: format!("127.0.0.1:{port}"),
                    _dir: dir,
                };
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("the test broker ({}) did not start", binary.display());
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `f` until it returns `Some`, or panics after `timeout` with `what`.
pub fn eventually<T>(timeout: Duration, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
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
pub fn topicgate() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("topicgate").expect("binary");
    cmd.env("NO_COLOR", "1")
        .env_remove("TOPICGATE_BOOTSTRAP_SERVERS")
        .env_remove("TOPICGATE_TIMEOUT")
        .env_remove("TOPICGATE_LOG");
    cmd
}

/// The binary, pointed at `broker`.
pub fn topicgate_on(broker: &Broker) -> assert_cmd::Command {
    let mut cmd = topicgate();
    cmd.env("TOPICGATE_BOOTSTRAP_SERVERS", &broker.bootstrap)
        .env("TOPICGATE_TIMEOUT", "10s");
    cmd
}

/// A temporary directory holding the given spec files.
pub fn spec_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
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

pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The adapter pointed at `broker`, for reading and changing it outside the binary under test.
pub fn admin(broker: &Broker) -> topicgate::cluster::kafka::KafkaCluster {
    topicgate::cluster::kafka::KafkaCluster::connect(topicgate::model::connection::Connection {
        bootstrap_servers: broker.bootstrap.clone(),
        properties: vec![],
        timeout: Duration::from_secs(10),
    })
    .unwrap()
}

/// What the cluster looks like now.
pub fn state(broker: &Broker) -> topicgate::model::cluster_state::ClusterState {
    use topicgate::cluster::ClusterReader;
    admin(broker).describe().unwrap()
}

/// What the service in the story did: produce one record to a topic nobody created. The
/// producer's metadata request names the topic, so an auto-creating broker creates it.
pub fn produce(broker: &Broker, topic: &str) {
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

/// Writes a snapshot (`--state FILE`) of a cluster with the given topics (name, partitions,
/// replication factor; no overrides) to `path`, taken now: offline tests of commands that read a
/// cluster.
pub fn write_snapshot(path: &std::path::Path, topics: &[(&str, i32, i16)]) {
    use topicgate::model::cluster_state::{ClusterState, TopicState};
    let cluster = ClusterState {
        source: "snapshot-test:9092".into(),
        cluster_id: Some("test".into()),
        brokers: vec![1],
        topics: topics
            .iter()
            .map(|(n, p, rf)| (n.to_string(), TopicState::with_overrides(*p, *rf, &[])))
            .collect(),
        broker_defaults: Default::default(),
        capabilities: Default::default(),
    };
    let snapshot =
        topicgate::cluster::snapshot::Snapshot::new(cluster, std::time::SystemTime::now());
    std::fs::write(path, serde_json::to_vec_pretty(&snapshot).unwrap()).unwrap();
}

impl Broker {
    /// A broker listening on `port` and advertising `advertised` (the same port, or a proxy's in
    /// front of it), for tests that need the address before the broker runs. Panics if it does
    /// not start (the port is taken).
    pub fn start_at(port: u16, advertised: u16) -> Broker {
        let binary = tansu_binary();
        assert!(
            binary.exists(),
            "the test broker is not installed at {}: run `scripts/install-broker`",
            binary.display()
        );
        let dir = tempfile::tempdir().expect("tempdir");
        // N.B. KAFKA.md: Tansu reads a `.env` from its working directory (see `start`).
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
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                if line.contains("ready in") {
                    let _ = tx.send(());
                }
            }
        });
        let mut broker = Broker {
            child,
            bootstrap: format!("127.0.0.1:{advertised}"),
            _dir: dir,
        };
        let ready = rx.recv_timeout(Duration::from_secs(20)).is_ok();
        assert!(
            ready && matches!(broker.child.try_wait(), Ok(None)),
            "the test broker did not start on port {port}"
        );
        broker
    }
}

/// A loopback port that nothing listens on (at the time of the call).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}
