//! The port to a cluster, in two halves: `ClusterReader` (describe, and describe some topics) and `ClusterWriter` (create
//! topics, add partitions, alter configs incrementally, delete topics); `Admin` is both. Domain
//! operations only. The adapters live beside it: `kafka` (librdkafka, the only importer of
//! rdkafka) and `memory` (an in-memory state that records requests, for tests above the port)
//! are an `Admin`; `snapshot` (a saved document) is only a reader. `connect` opens them for the
//! commands (`Connector`). Nothing outside `kafka` knows about rdkafka.

pub mod connect;
pub mod kafka;
pub mod memory;
pub mod msk_iam;
pub mod snapshot;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::model::cluster_state::{Api, ClusterState};

/// A topic to create, with its config overrides.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTopic {
    pub name: String,
    pub partitions: i32,
    pub replication_factor: i16,
    pub configs: BTreeMap<String, String>,
}

/// One incremental config operation (KIP-339).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigOp {
    Set {
        key: String,
        value: String,
    },
    /// Removes the override: the topic inherits the broker's value again.
    Delete {
        key: String,
    },
}

/// The config operations for one topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigAlteration {
    pub topic: String,
    pub ops: Vec<ConfigOp>,
}

/// Why one topic's operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct OpError {
    /// The broker's or client's error name, for example `TopicAlreadyExists`.
    pub code: String,
    /// A sentence for a person.
    pub message: String,
}

impl OpError {
    /// Whether the operation may have been carried out although it reported an error: the
    /// broker (or the client) gave up waiting, not the operation. N.B. Kafka: a CreateTopics
    /// that times out on the broker (`REQUEST_TIMED_OUT`) may still complete in the background.
    pub fn outcome_unknown(&self) -> bool {
        matches!(
            self.code.as_str(),
            "RequestTimedOut" | "OperationTimedOut" | "BrokerTransportFailure" | "NetworkException"
        )
    }

    /// A create refused because a topic of that name exists.
    pub fn already_exists(&self) -> bool {
        self.code == "TopicAlreadyExists"
    }
}

/// The result of one operation on one topic.
pub type TopicOutcome = (String, Result<(), OpError>);

/// Failures of a whole request (not of one topic within it).
#[derive(Debug, Clone, thiserror::Error)]
pub enum ClusterError {
    #[error("cannot reach the Kafka cluster at `{bootstrap}` within {}: {detail}", humantime::format_duration(*.timeout))]
    Unreachable {
        bootstrap: String,
        timeout: Duration,
        detail: String,
    },
    #[error("authentication with the Kafka cluster at `{bootstrap}` failed: {detail}")]
    Authentication { bootstrap: String, detail: String },
    /// The TLS handshake failed: an untrusted certificate, one for another host name, a
    /// client certificate refused. Retrying cannot help.
    #[error("TLS handshake with the Kafka cluster at `{bootstrap}` failed: {detail}; check the CA (`tls.ca_file`, or `ssl.ca.location`) and that the broker's certificate names the host in `bootstrap_servers` (hostname verification is on by default)")]
    Tls { bootstrap: String, detail: String },
    #[error("the broker does not support the {api} API, which topicgate needs to {purpose}")]
    Unsupported { api: Api, purpose: &'static str },
    #[error("{api} request failed: {detail}")]
    Request { api: &'static str, detail: String },
    /// The request was sent (or may have been) but no answer came: a lost connection or a
    /// timeout. Whether a mutating request was carried out is unknown.
    #[error("{api} request got no answer ({detail}); it may or may not have been carried out")]
    NoAnswer { api: &'static str, detail: String },
    #[error("invalid client settings: {0}")]
    Settings(String),
}

impl ClusterError {
    /// Whether asking again later may get an answer: the cluster could not be reached or did
    /// not answer (a broker restarting), as opposed to a refusal (authentication, settings, a
    /// missing API), which asking again does not change.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ClusterError::Unreachable { .. }
                | ClusterError::Request { .. }
                | ClusterError::NoAnswer { .. }
        )
    }

    /// Whether a mutating request that failed this way may still have been carried out.
    pub fn outcome_unknown(&self) -> bool {
        matches!(self, ClusterError::NoAnswer { .. })
    }
}

/// Whether a mutating request should only be validated by the broker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Apply,
    /// `validate_only=true`. N.B. KAFKA.md: not every broker honours it; callers must check
    /// afterwards that nothing changed.
    ValidateOnly,
}

/// Reading a cluster.
pub trait ClusterReader {
    /// Reads the whole cluster: one Metadata request for all topics, batched DescribeConfigs.
    fn describe(&self) -> Result<ClusterState, ClusterError>;
    /// Reads only the named topics, for polling while changes settle: one Metadata request
    /// listing all topics (N.B. KAFKA.md: never a Metadata request naming a topic, which could
    /// create it) and DescribeConfigs only for those of `names` the listing shows. The state
    /// holds the named topics the cluster has (a named topic it lacks is absent), each as
    /// `describe` shows it; the broker defaults are not read (all unknown).
    fn describe_topics(&self, names: &BTreeSet<String>) -> Result<ClusterState, ClusterError>;

    /// The cluster's ACLs (one DescribeAcls request), or why they cannot be read; `None` for
    /// a source that has none to read (a snapshot, the in-memory cluster). Never an error:
    /// `check` notes what it could not see and goes on.
    fn describe_acls(&self) -> Option<crate::model::acl::AclView> {
        None
    }
}

/// Changing a cluster.
pub trait ClusterWriter {
    /// One CreateTopics request (or a few, for very many topics).
    fn create_topics(
        &self,
        topics: &[NewTopic],
        mode: Mode,
    ) -> Result<Vec<TopicOutcome>, ClusterError>;
    /// One CreatePartitions request: (topic, new total partition count).
    fn create_partitions(
        &self,
        changes: &[(String, i32)],
        mode: Mode,
    ) -> Result<Vec<TopicOutcome>, ClusterError>;
    /// One IncrementalAlterConfigs request for all topics.
    fn alter_configs(
        &self,
        changes: &[ConfigAlteration],
        mode: Mode,
    ) -> Result<Vec<TopicOutcome>, ClusterError>;
    /// One DeleteTopics request.
    fn delete_topics(&self, names: &[String]) -> Result<Vec<TopicOutcome>, ClusterError>;
}

/// A cluster that can be read and changed: what `apply` works on (it reads again to see its
/// changes arrive).
pub trait Admin: ClusterReader + ClusterWriter {}

impl<T: ClusterReader + ClusterWriter + ?Sized> Admin for T {}

/// A borrowed cluster is the cluster: a connector may lend one it keeps (`MemoryCluster`).
impl<T: ClusterReader + ?Sized> ClusterReader for &T {
    fn describe(&self) -> Result<ClusterState, ClusterError> {
        (**self).describe()
    }

    fn describe_topics(&self, names: &BTreeSet<String>) -> Result<ClusterState, ClusterError> {
        (**self).describe_topics(names)
    }
}

/// The named topics of a state read in full: what `describe_topics` returns, for adapters that
/// hold the whole state anyway (memory, snapshot).
pub fn only_topics(mut state: ClusterState, names: &BTreeSet<String>) -> ClusterState {
    state.topics.retain(|name, _| names.contains(name));
    state.broker_defaults = Default::default();
    state.capabilities.broker_defaults_visible = false;
    state
}

impl<T: ClusterWriter + ?Sized> ClusterWriter for &T {
    fn create_topics(
        &self,
        topics: &[NewTopic],
        mode: Mode,
    ) -> Result<Vec<TopicOutcome>, ClusterError> {
        (**self).create_topics(topics, mode)
    }

    fn create_partitions(
        &self,
        changes: &[(String, i32)],
        mode: Mode,
    ) -> Result<Vec<TopicOutcome>, ClusterError> {
        (**self).create_partitions(changes, mode)
    }

    fn alter_configs(
        &self,
        changes: &[ConfigAlteration],
        mode: Mode,
    ) -> Result<Vec<TopicOutcome>, ClusterError> {
        (**self).alter_configs(changes, mode)
    }

    fn delete_topics(&self, names: &[String]) -> Result<Vec<TopicOutcome>, ClusterError> {
        (**self).delete_topics(names)
    }
}
