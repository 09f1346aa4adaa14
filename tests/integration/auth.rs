//! Connections with security (issue 11): librdkafka's TLS/SASL build, the typed `auth:` and
//! `tls:` sections of topicgate.yaml, and plan/apply/check over TLS, mutual TLS, SASL_SSL and
//! SASL_PLAINTEXT listeners of an Apache Kafka cluster started for this module.

use crate::support::*;

// Regression: the binary was built without OpenSSL, so TLS, SCRAM and OAUTHBEARER failed at
// client creation ("OpenSSL not available at build time").
#[test]
fn version_names_the_tls_and_sasl_features_librdkafka_was_built_with() {
    let out = topicgate().arg("--version").output().unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.starts_with("topicgate "), "{text}");
    let features = text
        .lines()
        .find(|l| l.starts_with("librdkafka "))
        .unwrap_or_else(|| panic!("no librdkafka line: {text}"));
    for feature in ["ssl", "sasl_plain", "sasl_scram", "sasl_oauthbearer"] {
        assert!(
            features.split(['(', ')', ',']).any(|f| f == feature),
            "{feature} missing: {features}"
        );
    }
}

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The secure single-node cluster of this binary (`scripts/kafka/cluster --secure`): its
/// listeners' addresses and the directory of its certificates. Started by the first test that
/// needs it; its JVM dies with this process (the script's stdin is a pipe held here).
struct Secure {
    plaintext: String,
    ssl: String,
    mtls: String,
    sasl_ssl: String,
    sasl_plaintext: String,
    badname: String,
    tls: PathBuf,
    _owner: Mutex<Child>,
}

/// The test-only credentials `scripts/kafka/cluster --secure` creates.
const ADMIN_PASSWORD: &str = "admin-secret";
const WRONG_PASSWORD: &str = "wrong-secret-7781";

fn secure() -> &'static Secure {
    static CLUSTER: OnceLock<Secure> = OnceLock::new();
    CLUSTER.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut child = Command::new(root.join("scripts/kafka/cluster"))
            .args(["--secure", "--name", "secure"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start scripts/kafka/cluster --secure");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let field = |name: &str| {
            line.split_whitespace()
                .find_map(|w| w.strip_prefix(&format!("{name}=")))
                .unwrap_or_else(|| {
                    panic!("the secure cluster did not start (no `{name}=`): {line:?}")
                })
                .to_string()
        };
        Secure {
            plaintext: field("bootstrap"),
            ssl: field("ssl"),
            mtls: field("mtls"),
            sasl_ssl: field("sasl_ssl"),
            sasl_plaintext: field("sasl_plaintext"),
            badname: field("badname"),
            tls: PathBuf::from(field("tls")),
            _owner: Mutex::new(child),
        }
    })
}

/// A directory holding topicgate.yaml (`cluster` = the YAML of cluster `c`) and one spec of
/// topic `topic`.
fn project(cluster: &str, topic: &str) -> tempfile::TempDir {
    let dir = spec_dir(&[(
        "specs/topic.yaml",
        &format!("topics:\n  - name: {topic}\n    partitions: 2\n    replication_factor: 1\n    configs:\n      retention.ms: 1d\n"),
    )]);
    std::fs::write(
        dir.path().join("topicgate.yaml"),
        format!("clusters:\n  c:\n{cluster}"),
    )
    .unwrap();
    dir
}

/// `topicgate --cluster c ARGS specs` in `dir`, with the admin password in `TG_PASSWORD`.
fn run(dir: &Path, args: &[&str], password: &str) -> std::process::Output {
    topicgate()
        .current_dir(dir)
        .env("TG_PASSWORD", password)
        .env("TOPICGATE_TIMEOUT", "5s")
        .args(args)
        .args(["--cluster", "c", "specs"])
        .output()
        .unwrap()
}

/// plan shows the topic to create, apply creates it, the next plan is empty and check runs.
fn plan_apply_check(cluster: &str, topic: &str) {
    let dir = project(cluster, topic);
    let out = run(dir.path(), &["plan"], ADMIN_PASSWORD);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains(topic), "{}", stdout(&out));
    let out = run(dir.path(), &["apply", "--yes"], ADMIN_PASSWORD);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("Applied 1 of 1 change(s)."),
        "{}",
        stdout(&out)
    );
    let out = run(dir.path(), &["plan", "--exit-code"], ADMIN_PASSWORD);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let out = run(dir.path(), &["check", "--format", "json"], ADMIN_PASSWORD);
    // 0 or 1 (findings: the broker auto-creates topics), never an error.
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    // The cluster was read over this listener, and the topic matches its spec.
    assert!(stdout(&out).contains("\"cluster_id\""), "{}", stdout(&out));
    assert!(stdout(&out).contains("\"errors\": 0"), "{}", stdout(&out));
    assert!(!stderr(&out).contains("error"), "{}", stderr(&out));
}

fn tls_section(s: &Secure) -> String {
    format!(
        "    tls:\n      ca_file: {}\n",
        s.tls.join("ca.pem").display()
    )
}

#[test]
fn plan_apply_check_over_tls_with_the_ca_from_the_file() {
    let s = secure();
    plan_apply_check(
        &format!("    bootstrap_servers: {}\n{}", s.ssl, tls_section(s)),
        "over.tls",
    );
}

#[test]
fn plan_apply_check_over_mutual_tls() {
    let s = secure();
    plan_apply_check(
        &format!(
            "    bootstrap_servers: {}\n{}      cert_file: {}\n      key_file: {}\n",
            s.mtls,
            tls_section(s),
            s.tls.join("client.pem").display(),
            s.tls.join("client.key").display()
        ),
        "over.mtls",
    );
}

#[test]
fn plan_apply_check_over_sasl_ssl_with_scram_sha_512_and_256() {
    let s = secure();
    for (mechanism, topic) in [
        ("scram-sha-512", "over.scram512"),
        ("scram-sha-256", "over.scram256"),
    ] {
        plan_apply_check(
            &format!(
                "    bootstrap_servers: {}\n{}    auth:\n      mechanism: {mechanism}\n      username: admin\n      password_env: TG_PASSWORD\n",
                s.sasl_ssl,
                tls_section(s)
            ),
            topic,
        );
    }
}

#[test]
fn plan_apply_check_over_sasl_plaintext_with_plain_and_a_password_file() {
    let s = secure();
    let secret = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret.path(), format!("{ADMIN_PASSWORD}\n")).unwrap();
    plan_apply_check(
        &format!(
            "    bootstrap_servers: {}\n    auth:\n      mechanism: plain\n      username: admin\n      password_file: {}\n",
            s.sasl_plaintext,
            secret.path().display()
        ),
        "over.plain",
    );
}

#[test]
fn minus_x_wins_over_the_file_auth() {
    let s = secure();
    let dir = project(
        &format!(
            "    bootstrap_servers: {}\n    auth:\n      mechanism: scram-sha-256\n      username: admin\n      password_env: TG_PASSWORD\n",
            s.sasl_plaintext
        ),
        "x.wins",
    );
    let out = run(dir.path(), &["plan"], WRONG_PASSWORD);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = run(
        dir.path(),
        &["plan", "-X", &format!("sasl.password={ADMIN_PASSWORD}")],
        WRONG_PASSWORD,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}

/// Runs `plan` against cluster YAML `cluster` (password `password` in `TG_PASSWORD`) and
/// asserts the failure: exit 2 within `within`, one line on stderr containing `expect`, and no
/// secret in any output, at -vvv either.
fn fails(cluster: &str, password: &str, expect: &str, within: Duration) {
    let dir = project(cluster, "never.created");
    let started = Instant::now();
    let out = run(dir.path(), &["plan"], password);
    let took = started.elapsed();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(took < within, "took {took:?}: {err}");
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].starts_with("error: "), "{err}");
    assert!(err.contains(expect), "expected {expect:?}: {err}");
    let out = run(dir.path(), &["plan", "-vvv"], password);
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(2));
    assert!(all.contains("[TRACE"), "-vvv logs: {all}");
    assert!(!all.contains(password), "a secret was printed at -vvv");
}

#[test]
fn a_wrong_password_fails_at_once_without_the_password() {
    let s = secure();
    fails(
        &format!(
            "    bootstrap_servers: {}\n{}    auth:\n      mechanism: scram-sha-512\n      username: admin\n      password_env: TG_PASSWORD\n",
            s.sasl_ssl,
            tls_section(s)
        ),
        WRONG_PASSWORD,
        "authentication with the Kafka cluster",
        Duration::from_secs(4),
    );
}

#[test]
fn an_unknown_user_fails_at_once() {
    let s = secure();
    fails(
        &format!(
            "    bootstrap_servers: {}\n    auth:\n      mechanism: scram-sha-256\n      username: nobody\n      password_env: TG_PASSWORD\n",
            s.sasl_plaintext
        ),
        ADMIN_PASSWORD,
        "authentication with the Kafka cluster",
        Duration::from_secs(4),
    );
}

// Regression: a failed TLS handshake (untrusted CA, certificate for another host) was retried
// until the whole timeout ended, then reported as "cannot reach".
#[test]
fn an_untrusted_ca_fails_at_once_as_a_tls_failure() {
    let s = secure();
    fails(
        &format!(
            "    bootstrap_servers: {}\n    tls:\n      ca_file: {}\n    auth:\n      mechanism: scram-sha-512\n      username: admin\n      password_env: TG_PASSWORD\n",
            s.sasl_ssl,
            s.tls.join("other-ca.pem").display()
        ),
        ADMIN_PASSWORD,
        "TLS handshake with the Kafka cluster",
        Duration::from_secs(4),
    );
}

#[test]
fn a_certificate_for_another_host_fails_at_once_and_passes_without_hostname_verification() {
    let s = secure();
    fails(
        &format!("    bootstrap_servers: {}\n{}", s.badname, tls_section(s)),
        ADMIN_PASSWORD,
        "TLS handshake with the Kafka cluster",
        Duration::from_secs(4),
    );
    // The certificate is trusted (ca.pem holds it): only the host name was wrong.
    plan_apply_check(
        &format!(
            "    bootstrap_servers: {}\n{}      verify_hostname: false\n",
            s.badname,
            tls_section(s)
        ),
        "over.badname",
    );
}

// Regression: with `ssl://` in librdkafka's error text, the failed bootstrap address was not
// recognised, so TLS to a plaintext port waited for the whole timeout.
#[test]
fn tls_to_a_plaintext_port_fails_at_once() {
    let s = secure();
    fails(
        &format!("    bootstrap_servers: {}\n{}", s.plaintext, tls_section(s)),
        ADMIN_PASSWORD,
        "a listener without TLS",
        Duration::from_secs(4),
    );
}

// Regression: a TLS listener never answers a plaintext request, so the failure came only when
// the timeout ended, as "no Kafka response".
#[test]
fn plaintext_to_a_tls_port_fails_within_seconds() {
    let s = secure();
    fails(
        &format!(
            "    bootstrap_servers: {}\n    auth:\n      mechanism: plain\n      username: admin\n      password_env: TG_PASSWORD\n",
            s.ssl
        ),
        ADMIN_PASSWORD,
        "is a TLS listener, but the client does not use TLS: add `tls:`",
        Duration::from_secs(4),
    );
}

/// An unsecured JWT (`alg: none`, as Kafka's default OAUTHBEARER validator accepts) for
/// principal `sub`, expiring `lifetime_s` seconds from now (negative: expired).
fn unsecured_jwt(sub: &str, lifetime_s: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let enc = |s: String| {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in s.as_bytes().chunks(3) {
            let n =
                chunk.iter().fold(0u32, |n, &c| (n << 8) | u32::from(c)) << (8 * (3 - chunk.len()));
            for i in 0..=chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    };
    format!(
        "{}.{}.",
        enc(r#"{"alg":"none"}"#.to_string()),
        enc(format!(
            r#"{{"sub":"{sub}","iat":{now},"exp":{}}}"#,
            now + lifetime_s
        ))
    )
}

fn oauth_section(s: &Secure, token_file: &Path) -> String {
    format!(
        "    bootstrap_servers: {}\n    auth:\n      mechanism: oauthbearer\n      token_file: {}\n",
        s.sasl_plaintext,
        token_file.display()
    )
}

#[test]
fn plan_apply_check_with_an_oauthbearer_token_from_a_file() {
    let s = secure();
    let token = tempfile::NamedTempFile::new().unwrap();
    // N.B. KAFKA.md: Kafka 4.1 decodes unsecured tokens with basic Base64: alphanumeric principal.
    std::fs::write(token.path(), unsecured_jwt("admin", 3600)).unwrap();
    plan_apply_check(&oauth_section(s, token.path()), "over.oauth");
}

#[test]
fn an_expired_oauthbearer_token_fails_at_once_without_the_token() {
    let s = secure();
    let token = tempfile::NamedTempFile::new().unwrap();
    let jwt = unsecured_jwt("admin", -60);
    std::fs::write(token.path(), &jwt).unwrap();
    // `fails` looks for the token itself in all output at -vvv.
    fails(
        &oauth_section(s, token.path()),
        &jwt,
        "expired",
        Duration::from_secs(4),
    );
}

// The token is set on the admin client at start and again before it expires: librdkafka's
// refresh event is served by topicgate's main-queue pump (rdkafka's AdminClient never serves
// it). The broker re-authenticates OAUTHBEARER connections every 3 s on this listener, so a
// token not renewed after its 6 s would end the connection.
#[test]
fn an_oauthbearer_token_is_renewed_before_it_expires_during_gate_wait() {
    let s = secure();
    let token = tempfile::NamedTempFile::new().unwrap();
    let path = token.path().to_path_buf();
    std::fs::write(&path, unsecured_jwt("admin", 6)).unwrap();
    // A token rotator, as a real deployment has: a fresh 6 s token every second.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let rotator = {
        let stop = stop.clone();
        let path = path.clone();
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let next = path.with_extension("next");
                std::fs::write(&next, unsecured_jwt("admin", 6)).unwrap();
                std::fs::rename(&next, &path).unwrap();
                std::thread::sleep(Duration::from_secs(1));
            }
        })
    };
    let dir = project(&oauth_section(s, &path), "late.topic");
    // The topic appears 15 s into the wait (created over the plaintext listener).
    let creator = {
        let plaintext = project(
            &format!("    bootstrap_servers: {}\n", s.plaintext),
            "late.topic",
        );
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(15));
            let out = run(plaintext.path(), &["apply", "--yes"], "");
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        })
    };
    let out = topicgate()
        .current_dir(dir.path())
        .env("TOPICGATE_TIMEOUT", "5s")
        .args(["gate", "-vv", "--require", "late.topic", "--wait", "40s"])
        .args(["--cluster", "c", "specs"])
        .output()
        .unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    rotator.join().unwrap();
    creator.join().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{}{err}", stdout(&out));
    let renewals = err
        .matches("OAUTHBEARER token set for principal `admin`")
        .count();
    assert!(renewals >= 3, "{renewals} token(s) set in 15 s: {err}");
    assert!(!err.contains("eyJ"), "a token was logged: {err}");
}

/// The README's connection recipes are valid topicgate.yaml clusters.
#[test]
fn the_readme_connection_recipes_parse() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme
        .find("  msk-scram:")
        .expect("the recipes in README.md");
    let block = &readme[start..];
    let block = &block[..block.find("  ```").unwrap()];
    let text: String = block
        .lines()
        .map(|l| format!("{}\n", l.strip_prefix("  ").unwrap_or(l)))
        .collect();
    let indented: String = text.lines().map(|l| format!("  {l}\n")).collect();
    let file =
        topicgate::settings::file::parse(Path::new("README.md"), &format!("clusters:\n{indented}"))
            .unwrap_or_else(|e| panic!("{e}"));
    for name in [
        "msk-scram",
        "msk-tls",
        "confluent-cloud",
        "aiven",
        "redpanda-cloud",
        "oauth",
        "local",
    ] {
        assert!(file.clusters.contains_key(name), "{name}");
    }
}

/// `plan` over the SASL_SSL listener with `auth: msk-iam` and `env` (AWS variables; HOME is an
/// empty directory, so there is no shared credentials file), at `-vvv` if `verbose`.
fn msk_iam_plan(env: &[(&str, &str)], verbose: bool) -> (std::process::Output, Duration) {
    let s = secure();
    let home = tempfile::tempdir().unwrap();
    let dir = project(
        &format!(
            "    bootstrap_servers: {}\n{}    auth:\n      mechanism: msk-iam\n      region: eu-west-1\n",
            s.sasl_ssl,
            tls_section(s)
        ),
        "never.created",
    );
    let mut cmd = topicgate();
    cmd.current_dir(dir.path())
        .env("HOME", home.path())
        .env("TOPICGATE_TIMEOUT", "5s");
    for var in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_SHARED_CREDENTIALS_FILE",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    cmd.args(["plan", "--cluster", "c", "specs"]);
    if verbose {
        cmd.arg("-vvv");
    }
    let started = Instant::now();
    let out = cmd.output().unwrap();
    (out, started.elapsed())
}

#[test]
fn msk_iam_without_aws_credentials_fails_at_once() {
    let (out, took) = msk_iam_plan(&[], false);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(took < Duration::from_secs(4), "took {took:?}: {err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("no AWS credentials for MSK IAM"), "{err}");
}

// The MSK IAM token is made from the credentials and set on the admin client: Kafka's
// OAUTHBEARER listener receives it and refuses it (it is not a JWT), which is one
// authentication error, and neither the secret key nor the session token is ever shown.
#[test]
fn the_msk_iam_token_reaches_the_broker_and_no_aws_secret_is_shown() {
    let env = [
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMIsecretKEY"),
        ("AWS_SESSION_TOKEN", "SessionTokenXyz123"),
    ];
    let (out, took) = msk_iam_plan(&env, false);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(took < Duration::from_secs(4), "took {took:?}: {err}");
    assert!(
        err.contains("authentication with the Kafka cluster"),
        "{err}"
    );
    let (out, _) = msk_iam_plan(&env, true);
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(
        all.contains("OAUTHBEARER token set for principal `msk-iam`"),
        "{all}"
    );
    for secret in [
        "wJalrXUtnFEMIsecretKEY",
        "SessionTokenXyz123",
        "aHR0cHM6Ly9rYWZrYS",
    ] {
        assert!(!all.contains(secret), "`{secret}` was shown");
    }
}

/// Runs Kafka's own ACL tool against the secure cluster's PLAINTEXT listener (a super user).
fn acl_tool(args: &[&str]) {
    let s = secure();
    let mut all = vec!["--bootstrap-server", s.plaintext.as_str()];
    all.extend(args);
    let out = kafka_tool("org.apache.kafka.tools.AclCommand", &all);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// The `topic-create-allowed` findings of `check` over SASL_SSL as `admin`, the provisioner.
fn create_findings(dir: &Path) -> Vec<serde_json::Value> {
    let out = run(dir, &["check", "--format", "json"], ADMIN_PASSWORD);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "topic-create-allowed")
        .cloned()
        .collect()
}

#[test]
fn check_reports_a_non_provisioner_that_may_create_topics_until_the_acl_is_gone() {
    let s = secure();
    let dir = project(
        &format!(
            "    bootstrap_servers: {}\n{}    auth:\n      mechanism: scram-sha-512\n      username: admin\n      password_env: TG_PASSWORD\n    provisioners: ['User:admin']\n",
            s.sasl_ssl,
            tls_section(s)
        ),
        "acl.topic",
    );
    let acl = [
        "--allow-principal",
        "User:alice",
        "--operation",
        "Create",
        "--cluster",
    ];
    acl_tool(&[&["--add"][..], &acl].concat());
    let findings = eventually(Duration::from_secs(20), "the ACL to be listed", || {
        let f = create_findings(dir.path());
        (!f.is_empty()).then_some(f)
    });
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["evidence"]["principal"], "User:alice");
    let message = findings[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("`User:alice` may create any topic outside governance: an ACL allows CREATE on the cluster"),
        "{message}"
    );
    acl_tool(&[&["--remove", "--force"][..], &acl].concat());
    eventually(Duration::from_secs(20), "the finding to go", || {
        create_findings(dir.path()).is_empty().then_some(())
    });
}

#[test]
fn check_notes_once_when_the_cluster_has_no_authorizer() {
    let broker = Broker::start();
    let specs = spec_dir(&[]);
    let config = specs.path().join("topicgate.yaml");
    std::fs::write(
        &config,
        format!(
            "clusters:\n  c:\n    bootstrap_servers: {}\n    provisioners: ['User:topicgate']\n",
            broker.bootstrap
        ),
    )
    .unwrap();
    let out = topicgate_on(&broker)
        .args(["check", "--format", "json", "--cluster", "c", "--config"])
        .arg(&config)
        .arg(specs.path())
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let notes: Vec<&str> = report["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n.as_str())
        .filter(|n| n.contains("ACLs"))
        .collect();
    assert_eq!(
        notes,
        ["ACLs could not be read (the cluster has no authorizer: any client may create topics when auto-creation or CreateTopics reaches it), so `topic-create-allowed` was not checked"]
    );
}

// Regression: with `-X enable.sasl.oauthbearer.unsecure.jwt=true`, librdkafka's own refresher
// never ran once topicgate served the refresh event, so the token expired during a long gate.
#[test]
fn minus_x_unsecured_jwt_tokens_are_renewed_during_gate_wait() {
    let s = secure();
    let dir = project(
        &format!("    bootstrap_servers: {}\n", s.sasl_plaintext),
        "late.unsecured",
    );
    let creator = {
        let plaintext = project(
            &format!("    bootstrap_servers: {}\n", s.plaintext),
            "late.unsecured",
        );
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(12));
            let out = run(plaintext.path(), &["apply", "--yes"], "");
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        })
    };
    let out = topicgate()
        .current_dir(dir.path())
        .env("TOPICGATE_TIMEOUT", "5s")
        .args([
            "gate",
            "-vv",
            "--require",
            "late.unsecured",
            "--wait",
            "40s",
        ])
        .args([
            "-X",
            "security.protocol=SASL_PLAINTEXT",
            "-X",
            "sasl.mechanism=OAUTHBEARER",
        ])
        .args(["-X", "enable.sasl.oauthbearer.unsecure.jwt=true"])
        .args([
            "-X",
            "sasl.oauthbearer.config=principal=admin lifeSeconds=5",
        ])
        .args(["--cluster", "c", "specs"])
        .output()
        .unwrap();
    creator.join().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{}{err}", stdout(&out));
    let renewals = err
        .matches("OAUTHBEARER token set for principal `admin`")
        .count();
    assert!(renewals >= 2, "{renewals} token(s) set: {err}");
}
