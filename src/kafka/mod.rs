//! The rdkafka adapter: implements the `Cluster` port with librdkafka's admin client. The only
//! module that imports `rdkafka`.
//!
//! Round trips: `describe` makes one Metadata request for all topics and DescribeConfigs requests
//! for all topics at once (in chunks, sent concurrently) plus one per broker for its defaults;
//! each mutating call is one request (chunked for very many topics), never one per topic.

mod context;
mod incremental_alter_configs;
mod topic_requests;

use std::collections::BTreeMap;
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
use crate::cluster::{
    Cluster, ClusterError, ConfigAlteration, Mode, NewTopic, OpError, TopicOutcome,
};
use crate::cluster_state::{
    BrokerDefaults, ClusterState, ConfigEntry, ConfigSource, ConfigView, TopicState,
};

/// How many topics go into one admin request. Kafka has no per-request limit, but a response
/// for tens of thousands of topics' configs can approach librdkafka's 100 MB receive limit.
const CHUNK: usize = 2_000;

/// Where and how to connect.
#[derive(Debug, Clone)]
pub struct ConnectionSettings {
    pub bootstrap_servers: String,
    /// librdkafka properties (`-X key=value`): security settings and the like.
    pub properties: Vec<(String, String)>,
    /// Deadline for reaching the cluster and for each request.
    pub timeout: Duration,
}

pub struct KafkaCluster {
    admin: Arc<AdminClient<TopicgateContext>>,
    settings: ConnectionSettings,
    _pump: MainQueuePump,
}

impl KafkaCluster {
    /// Creates the client. Nothing is sent until the first call.
    pub fn connect(settings: ConnectionSettings) -> Result<KafkaCluster, ClusterError> {
        let mut config = ClientConfig::new();
        config
            .set("bootstrap.servers", &settings.bootstrap_servers)
            .set("client.id", "topicgate")
            // N.B. KAFKA.md: a Metadata request naming a topic may auto-create it. topicgate only
            // lists all topics, and also tells the client never to ask for auto-creation.
            .set("allow.auto.create.topics", "false");
        for (key, value) in &settings.properties {
            config.set(key, value);
        }
        let admin = AdminClient::from_config_and_context(
            &config,
            TopicgateContext::new(&settings.bootstrap_servers),
        )
        .map_err(|e| ClusterError::Settings(e.to_string()))?;
        let admin = Arc::new(admin);
        Ok(KafkaCluster {
            _pump: MainQueuePump::start(Arc::clone(&admin)),
            admin,
            settings,
        })
    }

    fn options(&self, mode: Mode) -> AdminOptions {
        AdminOptions::new()
            .request_timeout(Some(self.settings.timeout))
            .operation_timeout(Some(self.settings.timeout))
            .validate_only(mode == Mode::ValidateOnly)
    }

    /// One Metadata request for all topics. Fails fast when librdkafka reports that no broker
    /// can be reached, instead of waiting for the whole timeout.
    fn metadata(&self) -> Result<Metadata, ClusterError> {
        let timeout = self.settings.timeout;
        let (tx, rx) = std::sync::mpsc::channel();
        let admin = Arc::clone(&self.admin);
        // The request runs on its own thread so that this one can watch for connection errors.
        std::thread::spawn(move || {
            // N.B. KAFKA.md: `None` = Metadata with a null topic list (all topics); never a
            // request for one named topic, which could auto-create it.
            let _ = tx.send(admin.inner().fetch_metadata(None, timeout));
        });
        let start = Instant::now();
        loop {
            match rx.recv_timeout(Duration::from_millis(50)) {
                Ok(Ok(metadata)) => return Ok(metadata),
                Ok(Err(e)) => return Err(self.unreachable(e.to_string())),
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(self.unreachable("the metadata request was abandoned".into()))
                }
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            }
            match self.admin.inner().context().fatal() {
                Some(ConnectionProblem::Authentication(detail)) => {
                    return Err(ClusterError::Authentication {
                        bootstrap: self.settings.bootstrap_servers.clone(),
                        detail,
                    })
                }
                Some(
                    ConnectionProblem::AllBrokersDown(detail) | ConnectionProblem::Resolve(detail),
                ) => return Err(self.unreachable(detail)),
                None => {}
            }
            if start.elapsed() > timeout + Duration::from_secs(1) {
                return Err(self.unreachable("no answer".into()));
            }
        }
    }

    fn unreachable(&self, detail: String) -> ClusterError {
        let detail = self.admin.inner().context().last_error().unwrap_or(detail);
        ClusterError::Unreachable {
            bootstrap: self.settings.bootstrap_servers.clone(),
            timeout: self.settings.timeout,
            detail,
        }
    }
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
fn request_error(api: &'static str, purpose: &'static str, e: KafkaError) -> ClusterError {
    let code = match &e {
        KafkaError::AdminOp(code) => Some(*code),
        other => other.rdkafka_error_code(),
    };
    match code {
        Some(RDKafkaErrorCode::UnsupportedFeature | RDKafkaErrorCode::UnsupportedVersion) => {
            ClusterError::Unsupported { api, purpose }
        }
        _ => ClusterError::Request {
            api,
            detail: e.to_string(),
        },
    }
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

/// A request-level error of a call made through librdkafka directly, naming the API.
fn raw_request_error(
    api: &'static str,
    purpose: &'static str,
    e: incremental_alter_configs::RequestError,
) -> ClusterError {
    match e.code {
        Some(RDKafkaErrorCode::UnsupportedFeature | RDKafkaErrorCode::UnsupportedVersion) => {
            ClusterError::Unsupported { api, purpose }
        }
        _ => ClusterError::Request {
            api,
            detail: e.message,
        },
    }
}

/// Per-topic results with the broker's own message for each refusal.
fn raw_topic_results(api: &str, results: topic_requests::Outcomes) -> Vec<TopicOutcome> {
    results
        .into_iter()
        .map(|(name, r)| {
            let r = r.map_err(|(code, detail)| op_error(api, code, &detail));
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

impl Cluster for KafkaCluster {
    fn describe(&self) -> Result<ClusterState, ClusterError> {
        let metadata = self.metadata()?;
        let mut topics = BTreeMap::new();
        for t in metadata.topics() {
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
        let cluster_id = self
            .admin
            .inner()
            .fetch_cluster_id(Duration::from_millis(1));

        // All topics' configs, in chunks sent concurrently, and each broker's defaults.
        let names: Vec<&str> = topics.keys().map(String::as_str).collect();
        let chunks: Vec<Vec<ResourceSpecifier>> = names
            .chunks(CHUNK)
            .map(|c| c.iter().map(|n| ResourceSpecifier::Topic(n)).collect())
            .collect();
        let opts = self.options(Mode::Apply);
        let topic_requests = join_all(chunks.iter().map(|c| self.admin.describe_configs(c, &opts)));
        let broker_specs: Vec<[ResourceSpecifier; 1]> = brokers
            .iter()
            .map(|id| [ResourceSpecifier::Broker(*id)])
            .collect();
        let broker_requests = join_all(
            broker_specs
                .iter()
                .map(|s| self.admin.describe_configs(s, &opts)),
        );
        let (topic_answers, broker_answers) =
            block_on(futures::future::join(topic_requests, broker_requests));

        let mut described = std::collections::BTreeSet::new();
        for answer in topic_answers {
            let results =
                answer.map_err(|e| request_error("DescribeConfigs", "read topic configs", e))?;
            for result in results {
                let resource = match result {
                    Ok(resource) => resource,
                    Err(code) => {
                        log::debug!("DescribeConfigs error for a topic: {code}");
                        continue;
                    }
                };
                let OwnedResourceSpecifier::Topic(name) = &resource.specifier else {
                    continue;
                };
                let Some(topic) = topics.get_mut(name) else {
                    continue;
                };
                described.insert(name.clone());
                topic.configs = resource
                    .entries
                    .iter()
                    .map(|e| {
                        let entry = ConfigEntry {
                            value: e.value.clone(),
                            source: source(&e.source),
                            sensitive: e.is_sensitive,
                            read_only: e.is_read_only,
                        };
                        (e.name.clone(), entry)
                    })
                    .collect();
                topic.config_view = ConfigView::detect(&topic.configs);
            }
        }
        // Topics whose configs the broker did not return are marked, not guessed.
        for (name, topic) in topics.iter_mut() {
            if !described.contains(name) {
                topic.configs_error = Some("the broker did not return this topic's configs".into());
            }
        }

        let mut defaults = BrokerDefaults::default();
        for answer in broker_answers {
            let Ok(results) = answer else {
                log::debug!("broker configs not available: {:?}", answer.err());
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
        })
    }

    fn create_topics(
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
            .map_err(|e| raw_request_error("CreateTopics", "create topics", e))?;
            outcomes.extend(raw_topic_results("CreateTopics", results));
        }
        Ok(outcomes)
    }

    fn create_partitions(
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
            .map_err(|e| raw_request_error("CreatePartitions", "add partitions", e))?;
            outcomes.extend(raw_topic_results("CreatePartitions", results));
        }
        Ok(outcomes)
    }

    fn alter_configs(
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
            .map_err(|e| match e.code {
                Some(
                    RDKafkaErrorCode::UnsupportedFeature | RDKafkaErrorCode::UnsupportedVersion,
                ) => ClusterError::Unsupported {
                    api: "IncrementalAlterConfigs",
                    purpose: "change topic configs",
                },
                _ => ClusterError::Request {
                    api: "IncrementalAlterConfigs",
                    detail: e.message,
                },
            })?;
            outcomes.extend(results.into_iter().map(|(name, r)| {
                let r =
                    r.map_err(|(code, detail)| op_error("IncrementalAlterConfigs", code, &detail));
                (name, r)
            }));
        }
        Ok(outcomes)
    }

    fn delete_topics(&self, names: &[String]) -> Result<Vec<TopicOutcome>, ClusterError> {
        let mut outcomes = Vec::with_capacity(names.len());
        for chunk in names.chunks(CHUNK) {
            let refs: Vec<&str> = chunk.iter().map(String::as_str).collect();
            let results = block_on(self.admin.delete_topics(&refs, &self.options(Mode::Apply)))
                .map_err(|e| request_error("DeleteTopics", "delete topics", e))?;
            outcomes.extend(topic_results("DeleteTopics", results));
        }
        Ok(outcomes)
    }
}
