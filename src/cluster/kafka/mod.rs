//! The rdkafka adapter: implements the port (`ClusterReader` and `ClusterWriter`) with librdkafka's admin client. The only
//! module that imports `rdkafka`.
//!
//! Round trips: `describe` makes one Metadata request for all topics and DescribeConfigs requests
//! for all topics at once (in chunks, sent concurrently) plus one per broker for its defaults;
//! `describe_topics` the same Metadata request and DescribeConfigs for the named topics only;
//! each mutating call is one request (chunked for very many topics), never one per topic.

mod context;
mod describe_acls;
mod ffi;
mod incremental_alter_configs;
mod oauth;
mod redactor;
mod topic_requests;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::executor::block_on;
use futures::future::join_all;
use rdkafka::admin::{
    AdminClient, AdminOptions, ConfigSource as RdSource, OwnedResourceSpecifier, ResourceSpecifier,
    TopicResult,
};
use rdkafka::config::{ClientConfig, FromClientConfigAndContext};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::metadata::Metadata;

use self::context::{ConnectionProblem, MainQueuePump, TopicgateContext};
use self::redactor::Redactor;
use crate::cluster::{
    ClusterError, ClusterReader, ClusterWriter, ConfigAlteration, Mode, NewTopic, OpError,
    TopicOutcome,
};
use crate::model::bootstrap_servers::BootstrapServers;
use crate::model::cluster_state::{
    Api, BrokerDefaults, Capabilities, ClusterState, ConfigEntry, ConfigSource, ConfigView,
    TopicState,
};
use crate::model::connection::{is_bootstrap_property, Connection, TIMEOUT_RANGE};

/// `librdkafka 2.12.1 (gzip, snappy, ssl, sasl_scram, ...)`: the client library and the
/// features it was built with, for `topicgate --version`.
pub fn client_version() -> String {
    let (version, features) = ffi::build_info();
    format!("librdkafka {version} ({features})")
}

/// Where OAUTHBEARER tokens come from: the connection's source, else librdkafka's unsecured
/// test tokens when `-X enable.sasl.oauthbearer.unsecure.jwt=true` asks for them (principal and
/// lifetime from `sasl.oauthbearer.config`, as librdkafka reads them).
fn token_source(settings: &Connection) -> Option<crate::model::connection::TokenSource> {
    if settings.token_source.is_some() {
        return settings.token_source.clone();
    }
    let value = |key: &str| {
        settings
            .properties
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.expose().to_string())
    };
    if !value("enable.sasl.oauthbearer.unsecure.jwt")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        return None;
    }
    let config = value("sasl.oauthbearer.config").unwrap_or_default();
    let field = |name: &str| {
        config
            .split_whitespace()
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
            .map(str::to_string)
    };
    Some(crate::model::connection::TokenSource::Unsecured {
        principal: field("principal")?,
        lifetime: Duration::from_secs(
            field("lifeSeconds")
                .and_then(|s| s.parse().ok())
                .unwrap_or(3600),
        ),
    })
}

/// Why a cluster without an authorizer has no ACLs to read.
const NO_AUTHORIZER: &str = "the cluster has no authorizer: any client may create topics when auto-creation or CreateTopics reaches it";

/// How many topics go into one admin request. Kafka has no per-request limit, but a response
/// for tens of thousands of topics' configs can approach librdkafka's 100 MB receive limit.
const CHUNK: usize = 2_000;

pub struct KafkaCluster {
    admin: Arc<AdminClient<TopicgateContext>>,
    settings: Connection,
    bootstrap: BootstrapServers,
    /// Every text from librdkafka passes through it before it leaves the adapter.
    redactor: Redactor,
    /// The APIs a request was refused for as unsupported, so far (`Capabilities::unsupported`).
    unsupported: std::sync::Mutex<std::collections::BTreeSet<Api>>,
    _pump: MainQueuePump,
}

impl KafkaCluster {
    /// Creates the client. Nothing is sent until the first call.
    pub fn connect(settings: Connection) -> Result<KafkaCluster, ClusterError> {
        let bootstrap = BootstrapServers::parse(&settings.bootstrap_servers)
            .map_err(|e| ClusterError::Settings(format!("bootstrap servers: {e}")))?;
        let (min, max, range) = TIMEOUT_RANGE;
        if settings.timeout < min || settings.timeout > max {
            return Err(ClusterError::Settings(format!(
                "the timeout must be {range}, not {}",
                humantime::format_duration(settings.timeout)
            )));
        }
        if let Some((key, _)) = settings
            .properties
            .iter()
            .find(|(k, _)| is_bootstrap_property(k))
        {
            return Err(ClusterError::Settings(format!(
                "`{key}` is not accepted as a property: the address is `bootstrap_servers`"
            )));
        }
        let mut config = ClientConfig::new();
        config
            .set("bootstrap.servers", &settings.bootstrap_servers)
            .set("client.id", "topicgate")
            // N.B. KAFKA.md: a Metadata request naming a topic may auto-create it. topicgate only
            // lists all topics, and also tells the client never to ask for auto-creation.
            .set("allow.auto.create.topics", "false")
            // A short-lived admin tool waiting for a cluster to come back (`gate --wait`, apply
            // settling its changes) retries a lost broker within a second, not after librdkafka's
            // 10 s default back-off, which suits long-lived clients. `-X` may set it otherwise.
            .set("reconnect.backoff.max.ms", "1000");
        for (key, value) in &settings.properties {
            config.set(key, value.expose());
        }
        let redactor = Redactor::new(&settings.properties);
        let admin = AdminClient::from_config_and_context(
            &config,
            TopicgateContext::new(bootstrap.addresses().to_vec(), redactor.clone())
                .with_token_source(token_source(&settings)),
        )
        .map_err(|e| ClusterError::Settings(redactor::client_error(&e, &redactor)))?;
        let admin = Arc::new(admin);
        Ok(KafkaCluster {
            _pump: MainQueuePump::start(Arc::clone(&admin)),
            admin,
            settings,
            bootstrap,
            redactor,
            unsupported: Default::default(),
        })
    }

    fn options(&self, mode: Mode) -> AdminOptions {
        AdminOptions::new()
            .request_timeout(Some(self.settings.timeout))
            .operation_timeout(Some(self.settings.timeout))
            .validate_only(mode == Mode::ValidateOnly)
    }

    /// One Metadata request for all topics, made on the caller's thread: no thread outlives
    /// the call. Fails fast when every broker is down, instead of waiting for the whole timeout.
    ///
    /// N.B. librdkafka's `rd_kafka_metadata` first waits for a usable broker, then sends the
    /// request and waits for the answer, both within one timeout, and cannot be interrupted. So
    /// the wait for a broker goes in short slices (`BrokerTransportFailure`: none was usable, and
    /// nothing was sent), between which the client's connection problems are judged. Once a
    /// slice ends with the request sent but unanswered (`OperationTimedOut`: a broker is up, but
    /// slow), the request is made again with the whole time left.
    fn metadata(&self) -> Result<Metadata, ClusterError> {
        let context = self.admin.inner().context();
        let deadline = Instant::now() + self.settings.timeout;
        let mut slice = Duration::from_millis(100);
        // Whether the listener was probed for TLS yet (once, after a second without an answer).
        let started = Instant::now();
        let mut probed_tls = self.uses_tls();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            // N.B. KAFKA.md: `None` = Metadata with a null topic list (all topics); never a
            // request for one named topic, which could auto-create it.
            let error = match self.admin.inner().fetch_metadata(None, slice.min(left)) {
                Ok(metadata) => {
                    context.broker_answered();
                    return Ok(metadata);
                }
                Err(e) => e,
            };
            let code = match &error {
                KafkaError::MetadataFetch(code) => Some(*code),
                _ => None,
            };
            if Instant::now() >= deadline {
                return Err(self.unreachable(error.to_string()));
            }
            match code {
                // A broker took the request: it is up.
                Some(RDKafkaErrorCode::OperationTimedOut) => {
                    context.broker_answered();
                    slice = left;
                }
                Some(RDKafkaErrorCode::BrokerTransportFailure) => {
                    // N.B. a TLS listener never answers a plaintext request (it waits for a
                    // handshake): after a second without an answer, ask it once in TLS.
                    if !probed_tls && started.elapsed() >= Duration::from_secs(1) {
                        probed_tls = true;
                        if let Some(address) = speaking_tls(self.bootstrap.addresses()) {
                            return Err(ClusterError::Unreachable {
                                bootstrap: self.settings.bootstrap_servers.clone(),
                                timeout: self.settings.timeout,
                                detail: format!("`{address}` is a TLS listener, but the client does not use TLS: add `tls:` to the cluster in topicgate.yaml (or `-X security.protocol=SSL`, or `SASL_SSL` with SASL)"),
                            });
                        }
                    }
                    match context.problem() {
                        Some(ConnectionProblem::Authentication(detail)) => {
                            return Err(ClusterError::Authentication {
                                bootstrap: self.settings.bootstrap_servers.clone(),
                                detail,
                            })
                        }
                        Some(ConnectionProblem::Tls(detail)) => {
                            return Err(ClusterError::Tls {
                                bootstrap: self.settings.bootstrap_servers.clone(),
                                detail,
                            })
                        }
                        Some(
                            ConnectionProblem::AllBrokersDown(detail)
                            | ConnectionProblem::Resolve(detail),
                        ) => return Err(self.unreachable(detail)),
                        None => {}
                    }
                    slice = (slice * 2).min(Duration::from_secs(1));
                }
                _ => return Err(self.unreachable(error.to_string())),
            }
        }
    }

    /// Whether the first broker has an authorizer (`authorizer.class.name` set) and whether it
    /// allows everyone where no ACL matches (`allow.everyone.if.no.acl.found`), if it says.
    fn authorizer(&self) -> Option<(bool, bool)> {
        let metadata = self
            .admin
            .inner()
            .fetch_metadata(None, self.settings.timeout)
            .ok()?;
        let id = metadata.brokers().first()?.id();
        let answer = block_on(
            self.admin
                .describe_configs(&[ResourceSpecifier::Broker(id)], &self.options(Mode::Apply)),
        )
        .ok()?;
        let resource = answer.into_iter().next()?.ok()?;
        let value = |name: &str| {
            resource
                .entries
                .iter()
                .find(|e| e.name == name)
                .and_then(|e| e.value.clone())
        };
        let present = value("authorizer.class.name").is_some_and(|v| !v.trim().is_empty());
        let open = value("allow.everyone.if.no.acl.found").is_some_and(|v| v == "true");
        Some((present, open))
    }

    /// Whether `security.protocol` is `SSL` or `SASL_SSL`.
    fn uses_tls(&self) -> bool {
        self.settings.properties.iter().any(|(k, v)| {
            k == "security.protocol" && v.expose().to_ascii_uppercase().ends_with("SSL")
        })
    }

    fn unreachable(&self, detail: String) -> ClusterError {
        let context = self.admin.inner().context();
        let detail = context.last_error().unwrap_or(detail);
        // A listener that accepts the connection but never answers as Kafka looks, to
        // librdkafka, like a slow broker: say what it more likely is. (A name that did not
        // resolve has no listener to probe, and its lookup could be slow.)
        let resolved = !matches!(context.problem(), Some(ConnectionProblem::Resolve(_)));
        // Which mistake is likelier depends on whether TLS is configured.
        let likely = if self.uses_tls() {
            "wrong port, or a listener without TLS: `security.protocol` should then be `PLAINTEXT` or `SASL_PLAINTEXT` (no `tls:`); or a listener that requires a client certificate (`tls.cert_file`/`tls.key_file`)"
        } else {
            "wrong port, or a TLS/SASL listener: configure `tls:`/`auth:` for the cluster, or `-X security.protocol`"
        };
        let detail = match accepting(self.bootstrap.addresses()).filter(|_| resolved) {
            Some(address) => format!(
                "connected to `{address}` but got no Kafka response: is this a Kafka listener? ({likely}); librdkafka said: {detail}"
            ),
            None => detail,
        };
        ClusterError::Unreachable {
            bootstrap: self.settings.bootstrap_servers.clone(),
            timeout: self.settings.timeout,
            detail,
        }
    }
}

/// The first of `addresses` that accepts a TCP connection within a second (all are tried at
/// once), if any. Every probe ends within the call: a connection attempt has a deadline, and a
/// name that does not resolve is not probed (`unreachable` skips the probe after a failed lookup).
fn accepting(addresses: &[String]) -> Option<String> {
    use std::net::{TcpStream, ToSocketAddrs};
    let deadline = Instant::now() + Duration::from_millis(1500);
    std::thread::scope(|scope| {
        let probes: Vec<_> = addresses
            .iter()
            .map(|address| {
                scope.spawn(move || {
                    for a in address.to_socket_addrs().ok()? {
                        let left = deadline.saturating_duration_since(Instant::now());
                        if left.is_zero() {
                            return None;
                        }
                        if TcpStream::connect_timeout(&a, left.min(Duration::from_secs(1))).is_ok()
                        {
                            return Some(address.clone());
                        }
                    }
                    None
                })
            })
            .collect();
        probes
            .into_iter()
            .filter_map(|p| p.join().ok().flatten())
            .next()
    })
}

/// The first of `addresses` that answers a TLS ClientHello with a TLS record (a handshake or an
/// alert) within a second, if any; all are probed at once. A Kafka plaintext listener reads the
/// hello as an oversized request and closes the connection without a byte.
fn speaking_tls(addresses: &[String]) -> Option<String> {
    use std::io::{Read, Write};
    use std::net::{TcpStream, ToSocketAddrs};
    // TLS 1.2 ClientHello: ECDHE-RSA/ECDSA AES-GCM suites, P-256, RSA/ECDSA SHA-256 signatures.
    const HELLO: &[u8] = &[
        0x16, 0x03, 0x01, 0x00, 0x52, // record: handshake, 82 bytes
        0x01, 0x00, 0x00, 0x4e, // ClientHello, 78 bytes
        0x03, 0x03, // TLS 1.2
        7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
        7, 7,    // random
        0x00, // no session id
        0x00, 0x08, 0xc0, 0x2f, 0xc0, 0x30, 0xc0, 0x2b, 0xc0, 0x2c, // cipher suites
        0x01, 0x00, // no compression
        0x00, 0x1d, // extensions, 29 bytes
        0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x17, // supported groups: P-256
        0x00, 0x0b, 0x00, 0x02, 0x01, 0x00, // EC point formats: uncompressed
        0x00, 0x0d, 0x00, 0x06, 0x00, 0x04, 0x04, 0x01, 0x04, 0x03, // signature algorithms
        0xff, 0x01, 0x00, 0x01, 0x00, // renegotiation info
    ];
    let timeout = Duration::from_secs(1);
    std::thread::scope(|scope| {
        let probes: Vec<_> = addresses
            .iter()
            .map(|address| {
                scope.spawn(move || {
                    let a = address.to_socket_addrs().ok()?.next()?;
                    let mut stream = TcpStream::connect_timeout(&a, timeout).ok()?;
                    stream.set_read_timeout(Some(timeout)).ok()?;
                    stream.set_write_timeout(Some(timeout)).ok()?;
                    stream.write_all(HELLO).ok()?;
                    let mut head = [0u8; 2];
                    stream.read_exact(&mut head).ok()?;
                    // A record of type alert (21) or handshake (22), protocol version 3.x.
                    matches!(head, [21 | 22, 3]).then(|| address.clone())
                })
            })
            .collect();
        probes
            .into_iter()
            .filter_map(|p| p.join().ok().flatten())
            .next()
    })
}

fn source(s: &RdSource) -> ConfigSource {
    match s {
        RdSource::DynamicTopic => ConfigSource::DynamicTopicConfig,
        RdSource::DynamicBroker => ConfigSource::DynamicBrokerConfig,
        RdSource::DynamicDefaultBroker => ConfigSource::DynamicDefaultBrokerConfig,
        RdSource::StaticBroker => ConfigSource::StaticBrokerConfig,
        RdSource::Default => ConfigSource::DefaultConfig,
        RdSource::Unknown => ConfigSource::Unknown,
    }
}

/// Turns a request-level error into the port's error, naming the API.
fn request_error(api: Api, purpose: &'static str, e: KafkaError) -> ClusterError {
    let code = match &e {
        KafkaError::AdminOp(code) => Some(*code),
        other => other.rdkafka_error_code(),
    };
    match code {
        Some(RDKafkaErrorCode::UnsupportedFeature | RDKafkaErrorCode::UnsupportedVersion) => {
            ClusterError::Unsupported { api, purpose }
        }
        Some(code) if no_answer(code) => ClusterError::NoAnswer {
            api: api.as_str(),
            detail: e.to_string(),
        },
        _ => ClusterError::Request {
            api: api.as_str(),
            detail: e.to_string(),
        },
    }
}

/// Errors that say the answer never came (the connection was lost, or the client or broker
/// stopped waiting), not that the broker refused: the request may have been carried out.
fn no_answer(code: RDKafkaErrorCode) -> bool {
    matches!(
        code,
        RDKafkaErrorCode::BrokerTransportFailure
            | RDKafkaErrorCode::AllBrokersDown
            | RDKafkaErrorCode::OperationTimedOut
            | RDKafkaErrorCode::RequestTimedOut
            | RDKafkaErrorCode::NetworkException
            | RDKafkaErrorCode::TimedOutQueue
    )
}

/// A per-topic error as a sentence, naming the API where the broker lacks it.
fn op_error(api: &str, code: RDKafkaErrorCode, detail: &str) -> OpError {
    let message = match code {
        RDKafkaErrorCode::UnsupportedFeature | RDKafkaErrorCode::UnsupportedVersion => {
            format!("the broker does not support the {api} API")
        }
        _ if detail.is_empty() || detail == code.to_string() => format!("{code}"),
        _ => format!("{code}: {detail}"),
    };
    OpError {
        code: format!("{code:?}"),
        message,
    }
}

/// A request-level error of a call made through librdkafka directly, naming the API: a missing
/// API, no answer (the request may or may not have been carried out), or a refusal.
fn raw_request_error(api: Api, purpose: &'static str, e: ffi::RequestError) -> ClusterError {
    match e.code {
        Some(RDKafkaErrorCode::UnsupportedFeature | RDKafkaErrorCode::UnsupportedVersion) => {
            ClusterError::Unsupported { api, purpose }
        }
        Some(code) if no_answer(code) => ClusterError::NoAnswer {
            api: api.as_str(),
            detail: e.message,
        },
        _ => ClusterError::Request {
            api: api.as_str(),
            detail: e.message,
        },
    }
}

/// Per-topic results with the broker's own message for each refusal.
fn raw_topic_results(api: Api, results: ffi::Outcomes) -> Vec<TopicOutcome> {
    results
        .into_iter()
        .map(|(name, r)| {
            let r = r.map_err(|(code, detail)| op_error(api.as_str(), code, &detail));
            (name, r)
        })
        .collect()
}

fn topic_results(api: &str, results: Vec<TopicResult>) -> Vec<TopicOutcome> {
    results
        .into_iter()
        .map(|r| match r {
            Ok(name) => (name, Ok(())),
            Err((name, code)) => (name, Err(op_error(api, code, ""))),
        })
        .collect()
}

/// The port's operations before redaction; the port's impls below redacts what they return.
impl KafkaCluster {
    /// `describe` (`only` is `None`) or `describe_topics` (the named topics, without the
    /// brokers' configs).
    fn describe_unredacted(
        &self,
        only: Option<&BTreeSet<String>>,
    ) -> Result<ClusterState, ClusterError> {
        let metadata = self.metadata()?;
        let mut topics = BTreeMap::new();
        for t in metadata.topics() {
            if only.is_some_and(|names| !names.contains(t.name())) {
                continue;
            }
            if t.error().is_some() && t.partitions().is_empty() {
                log::debug!(
                    "skipping topic `{}` reported with error {:?}",
                    t.name(),
                    t.error()
                );
                continue;
            }
            let replication_factor = t
                .partitions()
                .iter()
                .map(|p| p.replicas().len())
                .max()
                .unwrap_or(0);
            let mut partitions: Vec<_> = t.partitions().iter().collect();
            partitions.sort_by_key(|p| p.id());
            topics.insert(
                t.name().to_string(),
                TopicState {
                    partitions: t.partitions().len() as i32,
                    replication_factor: replication_factor as i16,
                    assignment: partitions.iter().map(|p| p.replicas().to_vec()).collect(),
                    configs: BTreeMap::new(),
                    config_view: ConfigView::SetOnly,
                    configs_error: None,
                },
            );
        }
        let brokers: Vec<i32> = metadata.brokers().iter().map(|b| b.id()).collect();
        // The metadata just read carries the cluster id, so this returns at once; a broker
        // that reports none answers `None` at once too. A deadline of a millisecond could miss
        // it, and a saved plan's cluster check rests on it: use the request deadline.
        let cluster_id = self.admin.inner().fetch_cluster_id(self.settings.timeout);

        // All topics' configs, in chunks sent concurrently, and each broker's defaults.
        let names: Vec<&str> = topics.keys().map(String::as_str).collect();
        let chunks: Vec<Vec<ResourceSpecifier>> = names
            .chunks(CHUNK)
            .map(|c| c.iter().map(|n| ResourceSpecifier::Topic(n)).collect())
            .collect();
        let opts = self.options(Mode::Apply);
        let topic_requests = join_all(chunks.iter().map(|c| self.admin.describe_configs(c, &opts)));
        // The brokers' own configs (their defaults) only for a whole describe.
        let broker_specs: Vec<[ResourceSpecifier; 1]> = brokers
            .iter()
            .filter(|_| only.is_none())
            .map(|id| [ResourceSpecifier::Broker(*id)])
            .collect();
        let broker_requests = join_all(
            broker_specs
                .iter()
                .map(|s| self.admin.describe_configs(s, &opts)),
        );
        let (topic_answers, broker_answers) =
            block_on(futures::future::join(topic_requests, broker_requests));

        let mut described = BTreeSet::new();
        for answer in topic_answers {
            let results =
                answer.map_err(|e| request_error(Api::DescribeConfigs, "read topic configs", e))?;
            for result in results {
                let resource = match result {
                    Ok(resource) => resource,
                    Err(code) => {
                        log::debug!("DescribeConfigs error for a topic: {code}");
                        continue;
                    }
                };
                let OwnedResourceSpecifier::Topic(name) = resource.specifier else {
                    continue;
                };
                let Some(topic) = topics.get_mut(&name) else {
                    continue;
                };
                described.insert(name);
                // The answer is owned: its names and values move, nothing is copied (about 40
                // entries per topic on Kafka).
                topic.configs = resource
                    .entries
                    .into_iter()
                    .map(|e| {
                        let entry = ConfigEntry {
                            source: source(&e.source),
                            value: e.value,
                            sensitive: e.is_sensitive,
                            read_only: e.is_read_only,
                        };
                        (e.name, entry)
                    })
                    .collect();
            }
        }
        // Topics whose configs the broker did not return are marked, not guessed.
        for (name, topic) in topics.iter_mut() {
            if !described.contains(name) {
                topic.configs_error = Some("the broker did not return this topic's configs".into());
            }
        }
        // How this broker reports configs is decided once, from all of its answers: one topic's
        // response alone cannot tell a set-only broker from Kafka (a spec can set any key).
        let view = ConfigView::detect(
            topics
                .iter()
                .filter(|(name, _)| described.contains(*name))
                .map(|(_, t)| &t.configs),
        );
        log::debug!("topic configs reported as {view:?}");
        for topic in topics.values_mut() {
            topic.config_view = view;
        }

        let mut defaults = BrokerDefaults::default();
        // N.B. `describe_topics` asks no broker: unknown, not hidden.
        let broker_defaults_visible = broker_answers.iter().any(Result::is_ok);
        for answer in broker_answers {
            let Ok(results) = answer else {
                log::debug!(
                    "broker configs not available: {}",
                    self.redactor
                        .redact(&answer.err().map(|e| e.to_string()).unwrap_or_default())
                );
                continue;
            };
            for resource in results.into_iter().flatten() {
                let get = |key: &str| resource.get(key).and_then(|e| e.value.clone());
                if defaults.num_partitions.is_none() {
                    defaults.num_partitions = get("num.partitions").and_then(|v| v.parse().ok());
                }
                if defaults.default_replication_factor.is_none() {
                    defaults.default_replication_factor =
                        get("default.replication.factor").and_then(|v| v.parse().ok());
                }
                if let Some(v) =
                    get("auto.create.topics.enable").and_then(|v| v.parse::<bool>().ok())
                {
                    // Any broker that auto-creates makes the cluster auto-create.
                    defaults.auto_create_topics_enable =
                        Some(defaults.auto_create_topics_enable.unwrap_or(false) || v);
                }
            }
        }

        Ok(ClusterState {
            source: self.settings.bootstrap_servers.clone(),
            cluster_id,
            brokers,
            topics,
            broker_defaults: defaults,
            capabilities: Capabilities {
                config_view: Some(view),
                broker_defaults_visible,
                unsupported: self
                    .unsupported
                    .lock()
                    .map(|u| u.clone())
                    .unwrap_or_default(),
            },
        })
    }

    fn create_topics_unredacted(
        &self,
        topics: &[NewTopic],
        mode: Mode,
    ) -> Result<Vec<TopicOutcome>, ClusterError> {
        let mut outcomes = Vec::with_capacity(topics.len());
        for chunk in topics.chunks(CHUNK) {
            let results = topic_requests::create_topics(
                self.admin.inner(),
                chunk,
                mode,
                self.settings.timeout,
            )
            .map_err(|e| raw_request_error(Api::CreateTopics, "create topics", e))?;
            outcomes.extend(raw_topic_results(Api::CreateTopics, results));
        }
        Ok(outcomes)
    }

    fn create_partitions_unredacted(
        &self,
        changes: &[(String, i32)],
        mode: Mode,
    ) -> Result<Vec<TopicOutcome>, ClusterError> {
        let mut outcomes = Vec::with_capacity(changes.len());
        for chunk in changes.chunks(CHUNK) {
            let results = topic_requests::create_partitions(
                self.admin.inner(),
                chunk,
                mode,
                self.settings.timeout,
            )
            .map_err(|e| raw_request_error(Api::CreatePartitions, "add partitions", e))?;
            outcomes.extend(raw_topic_results(Api::CreatePartitions, results));
        }
        Ok(outcomes)
    }

    fn alter_configs_unredacted(
        &self,
        changes: &[ConfigAlteration],
        mode: Mode,
    ) -> Result<Vec<TopicOutcome>, ClusterError> {
        let mut outcomes = Vec::with_capacity(changes.len());
        for chunk in changes.chunks(CHUNK) {
            let results = incremental_alter_configs::incremental_alter_configs(
                self.admin.inner(),
                chunk,
                mode,
                self.settings.timeout,
            )
            .map_err(|e| {
                raw_request_error(Api::IncrementalAlterConfigs, "change topic configs", e)
            })?;
            outcomes.extend(raw_topic_results(Api::IncrementalAlterConfigs, results));
        }
        Ok(outcomes)
    }

    fn delete_topics_unredacted(
        &self,
        names: &[String],
    ) -> Result<Vec<TopicOutcome>, ClusterError> {
        let mut outcomes = Vec::with_capacity(names.len());
        for chunk in names.chunks(CHUNK) {
            let refs: Vec<&str> = chunk.iter().map(String::as_str).collect();
            let results = block_on(self.admin.delete_topics(&refs, &self.options(Mode::Apply)))
                .map_err(|e| request_error(Api::DeleteTopics, "delete topics", e))?;
            outcomes.extend(topic_results("DeleteTopics", results));
        }
        Ok(outcomes)
    }
}

impl ClusterReader for KafkaCluster {
    fn describe(&self) -> Result<ClusterState, ClusterError> {
        self.describe_unredacted(None)
            .map_err(|e| self.redactor.cluster_error(e))
    }

    fn describe_topics(&self, names: &BTreeSet<String>) -> Result<ClusterState, ClusterError> {
        self.describe_unredacted(Some(names))
            .map_err(|e| self.redactor.cluster_error(e))
    }

    fn describe_acls(&self) -> Option<crate::model::acl::AclView> {
        use crate::model::acl::AclView;
        // N.B. librdkafka 2.12.1 drops DescribeAcls' top-level error (SECURITY_DISABLED without
        // an authorizer) and answers an empty list: ask a broker whether it has an authorizer.
        let authorizer = self.authorizer();
        if authorizer.is_some_and(|(present, _)| !present) {
            return Some(AclView::Unreadable(NO_AUTHORIZER.into()));
        }
        let allow_everyone_if_no_acl = authorizer.is_some_and(|(_, open)| open);
        Some(match describe_acls::describe_acls(self.admin.inner(), self.settings.timeout) {
            Ok(acls) => AclView::Known {
                acls,
                allow_everyone_if_no_acl,
            },
            Err(e) => AclView::Unreadable(self.redactor.redact(&match e.code {
                Some(RDKafkaErrorCode::SecurityDisabled) => NO_AUTHORIZER.to_string(),
                Some(RDKafkaErrorCode::ClusterAuthorizationFailed) => {
                    "the client may not describe them: it needs DESCRIBE on the cluster; on MSK with IAM, topic permissions live in IAM policies instead".to_string()
                }
                _ => format!("DescribeAcls failed: {}", e.message),
            })),
        })
    }
}

impl ClusterWriter for KafkaCluster {
    fn create_topics(
        &self,
        topics: &[NewTopic],
        mode: Mode,
    ) -> Result<Vec<TopicOutcome>, ClusterError> {
        self.redacted(
            Api::CreateTopics,
            self.create_topics_unredacted(topics, mode),
        )
    }

    fn create_partitions(
        &self,
        changes: &[(String, i32)],
        mode: Mode,
    ) -> Result<Vec<TopicOutcome>, ClusterError> {
        self.redacted(
            Api::CreatePartitions,
            self.create_partitions_unredacted(changes, mode),
        )
    }

    fn alter_configs(
        &self,
        changes: &[ConfigAlteration],
        mode: Mode,
    ) -> Result<Vec<TopicOutcome>, ClusterError> {
        self.redacted(
            Api::IncrementalAlterConfigs,
            self.alter_configs_unredacted(changes, mode),
        )
    }

    fn delete_topics(&self, names: &[String]) -> Result<Vec<TopicOutcome>, ClusterError> {
        self.redacted(Api::DeleteTopics, self.delete_topics_unredacted(names))
    }
}

impl KafkaCluster {
    /// Redacts what a request returns, and remembers whether it showed `api` unsupported.
    fn redacted(
        &self,
        api: Api,
        result: Result<Vec<TopicOutcome>, ClusterError>,
    ) -> Result<Vec<TopicOutcome>, ClusterError> {
        let lacking = match &result {
            Err(ClusterError::Unsupported { .. }) => true,
            Ok(outcomes) => outcomes.iter().any(|(_, r)| {
                r.as_ref().is_err_and(|e| {
                    matches!(e.code.as_str(), "UnsupportedVersion" | "UnsupportedFeature")
                })
            }),
            Err(_) => false,
        };
        if lacking {
            if let Ok(mut unsupported) = self.unsupported.lock() {
                unsupported.insert(api);
            }
        }
        result
            .map(|outcomes| self.redactor.outcomes(outcomes))
            .map_err(|e| self.redactor.cluster_error(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_describe_that_fails_fast_leaves_no_request_behind() {
        // Regression: `metadata` ran each request on a detached thread and returned early when
        // every broker was down; the thread stayed blocked in librdkafka, holding the client,
        // for the whole timeout after the call had returned.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let cluster = KafkaCluster::connect(Connection {
            bootstrap_servers: format!("127.0.0.1:{port}"),
            properties: vec![],
            timeout: Duration::from_secs(20),
            token_source: None,
        })
        .unwrap();
        let start = Instant::now();
        let error = cluster.describe().unwrap_err();
        assert!(matches!(error, ClusterError::Unreachable { .. }), "{error}");
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{:?}",
            start.elapsed()
        );
        // Only the adapter and its main-queue pump hold the client.
        assert_eq!(Arc::strong_count(&cluster.admin), 2);
    }
}
