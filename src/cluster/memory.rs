//! An in-memory cluster: an `Admin` over a `ClusterState` that carries out every request at
//! once and records it, with faults that can be switched on (a refused topic, a lost answer, a
//! broker gone) and capabilities that can be set (an API the broker lacks). For tests of the logic above the port (apply, and
//! commands) without a broker. The Kafka path itself is tested against a real broker in tests/;
//! this adapter models only what those tests pin down.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::cluster::connect::{ClusterSource, ConnectError, Connector, Reader};
use crate::cluster::{
    only_topics, Admin, ClusterError, ClusterReader, ClusterWriter, ConfigAlteration, ConfigOp,
    Mode, NewTopic, OpError, TopicOutcome,
};
use crate::model::cluster_state::{
    Api, ClusterState, ConfigEntry, ConfigSource, ConfigView, TopicState,
};
use crate::model::connection::Connection;

/// A topic state built from partitions, replication factor and overrides, as a broker that
/// reports only set configs would show it: what this cluster holds for a topic it created or
/// changed, and what tests and snapshots of sparse brokers start from.
pub fn topic_state(
    partitions: i32,
    replication_factor: i16,
    overrides: &[(&str, &str)],
) -> TopicState {
    let configs: BTreeMap<String, ConfigEntry> = overrides
        .iter()
        .map(|(k, v)| {
            let entry = ConfigEntry {
                value: Some(v.to_string()),
                source: ConfigSource::DynamicTopicConfig,
                sensitive: false,
                read_only: false,
            };
            (k.to_string(), entry)
        })
        .collect();
    TopicState {
        partitions,
        replication_factor,
        assignment: (0..partitions)
            .map(|p| {
                (0..i32::from(replication_factor))
                    .map(|r| (p + r) % i32::from(replication_factor))
                    .collect()
            })
            .collect(),
        config_view: ConfigView::detect([&configs]),
        configs,
        configs_error: None,
    }
}

/// One request the cluster received, as sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    CreateTopics(Vec<NewTopic>, Mode),
    CreatePartitions(Vec<(String, i32)>, Mode),
    AlterConfigs(Vec<ConfigAlteration>, Mode),
    DeleteTopics(Vec<String>),
}

impl Request {
    /// `create`, `partitions`, `configs` or `delete`.
    pub fn kind(&self) -> &'static str {
        match self {
            Request::CreateTopics(..) => "create",
            Request::CreatePartitions(..) => "partitions",
            Request::AlterConfigs(..) => "configs",
            Request::DeleteTopics(..) => "delete",
        }
    }
}

/// What goes wrong, switched on by a test. None by default.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// CreateTopics refuses this topic (a policy violation); the others are created.
    pub refuse_topic: Option<String>,
    /// Topics another client creates, as given, just before this cluster's CreateTopics.
    pub created_concurrently: Vec<(String, TopicState)>,
    /// CreateTopics gets no answer: after carrying the request out (`Some(true)`) or before
    /// (`Some(false)`).
    pub lost_create_answer: Option<bool>,
    /// `describe` fails: the broker is gone.
    pub unreachable: bool,
}

/// The in-memory `Admin`.
pub struct MemoryCluster {
    state: RefCell<ClusterState>,
    requests: RefCell<Vec<Request>>,
    /// Every read that answered: `None` for `describe`, the names for `describe_topics`.
    reads: RefCell<Vec<Option<BTreeSet<String>>>>,
    pub faults: Faults,
}

impl Default for MemoryCluster {
    fn default() -> Self {
        MemoryCluster::new()
    }
}

impl MemoryCluster {
    /// An empty cluster of one broker, its source named `memory`.
    pub fn new() -> Self {
        MemoryCluster {
            state: RefCell::new(ClusterState {
                source: "memory".into(),
                brokers: vec![1],
                ..Default::default()
            }),
            requests: RefCell::new(Vec::new()),
            reads: RefCell::new(Vec::new()),
            faults: Faults::default(),
        }
    }

    /// Adds (or replaces) a topic.
    pub fn insert_topic(&self, name: &str, topic: TopicState) {
        self.state
            .borrow_mut()
            .topics
            .insert(name.to_string(), topic);
    }

    /// Whether the broker lacks `api`: its requests are refused as unsupported, and `describe`
    /// says so in the state's capabilities.
    pub fn set_unsupported(&self, api: Api, lacking: bool) {
        let unsupported = &mut self.state.borrow_mut().capabilities.unsupported;
        if lacking {
            unsupported.insert(api);
        } else {
            unsupported.remove(&api);
        }
    }

    /// Refuses a request for `api` if the broker lacks it.
    fn supports(&self, api: Api, purpose: &'static str) -> Result<(), ClusterError> {
        if self.state.borrow().capabilities.unsupported.contains(&api) {
            return Err(ClusterError::Unsupported { api, purpose });
        }
        Ok(())
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.borrow().clone()
    }

    /// The kinds of the requests received so far, in order (see `Request::kind`).
    pub fn request_kinds(&self) -> Vec<&'static str> {
        self.requests.borrow().iter().map(Request::kind).collect()
    }

    /// Every read that answered so far, in order: `None` for a whole `describe`, the names
    /// asked for by `describe_topics`.
    pub fn reads(&self) -> Vec<Option<BTreeSet<String>>> {
        self.reads.borrow().clone()
    }

    fn record(&self, request: Request) {
        self.requests.borrow_mut().push(request);
    }
}

impl ClusterReader for MemoryCluster {
    fn describe(&self) -> Result<ClusterState, ClusterError> {
        if self.faults.unreachable {
            return Err(ClusterError::Unreachable {
                bootstrap: "memory".into(),
                timeout: Duration::from_millis(1),
                detail: "gone".into(),
            });
        }
        self.reads.borrow_mut().push(None);
        Ok(self.state.borrow().clone())
    }

    fn describe_topics(&self, names: &BTreeSet<String>) -> Result<ClusterState, ClusterError> {
        let state = self.describe()?;
        *self
            .reads
            .borrow_mut()
            .last_mut()
            .expect("describe recorded it") = Some(names.clone());
        Ok(only_topics(state, names))
    }
}

impl ClusterWriter for MemoryCluster {
    fn create_topics(
        &self,
        topics: &[NewTopic],
        mode: Mode,
    ) -> Result<Vec<TopicOutcome>, ClusterError> {
        self.record(Request::CreateTopics(topics.to_vec(), mode));
        self.supports(Api::CreateTopics, "create topics")?;
        for (name, t) in &self.faults.created_concurrently {
            self.insert_topic(name, t.clone());
        }
        let no_answer = ClusterError::NoAnswer {
            api: "CreateTopics",
            detail: "Local: Broker transport failure".into(),
        };
        if self.faults.lost_create_answer == Some(false) {
            return Err(no_answer);
        }
        let outcomes = topics
            .iter()
            .map(|t| {
                if self.faults.refuse_topic.as_deref() == Some(&t.name) {
                    let e = OpError {
                        code: "PolicyViolation".into(),
                        message: "refused by policy".into(),
                    };
                    return (t.name.clone(), Err(e));
                }
                if self.state.borrow().topics.contains_key(&t.name) {
                    let e = OpError {
                        code: "TopicAlreadyExists".into(),
                        message: "Broker: Topic already exists".into(),
                    };
                    return (t.name.clone(), Err(e));
                }
                let overrides: Vec<(&str, &str)> = t
                    .configs
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let state = topic_state(t.partitions, t.replication_factor, &overrides);
                self.insert_topic(&t.name, state);
                (t.name.clone(), Ok(()))
            })
            .collect();
        match self.faults.lost_create_answer {
            Some(true) => Err(no_answer),
            _ => Ok(outcomes),
        }
    }

    fn create_partitions(
        &self,
        changes: &[(String, i32)],
        mode: Mode,
    ) -> Result<Vec<TopicOutcome>, ClusterError> {
        self.record(Request::CreatePartitions(changes.to_vec(), mode));
        self.supports(Api::CreatePartitions, "add partitions")?;
        let mut state = self.state.borrow_mut();
        let outcomes = changes
            .iter()
            .map(|(name, count)| match state.topics.get_mut(name) {
                Some(t) => {
                    t.partitions = *count;
                    (name.clone(), Ok(()))
                }
                None => (name.clone(), Err(unknown_topic())),
            })
            .collect();
        Ok(outcomes)
    }

    fn alter_configs(
        &self,
        changes: &[ConfigAlteration],
        mode: Mode,
    ) -> Result<Vec<TopicOutcome>, ClusterError> {
        self.record(Request::AlterConfigs(changes.to_vec(), mode));
        self.supports(Api::IncrementalAlterConfigs, "change topic configs")?;
        let mut state = self.state.borrow_mut();
        let outcomes = changes
            .iter()
            .map(|c| {
                let Some(t) = state.topics.get_mut(&c.topic) else {
                    return (c.topic.clone(), Err(unknown_topic()));
                };
                let mut o = t.overrides();
                for op in &c.ops {
                    match op {
                        ConfigOp::Set { key, value } => o.insert(key.clone(), value.clone()),
                        ConfigOp::Delete { key } => o.remove(key),
                    };
                }
                let pairs: Vec<(&str, &str)> =
                    o.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                *t = topic_state(t.partitions, t.replication_factor, &pairs);
                (c.topic.clone(), Ok(()))
            })
            .collect();
        Ok(outcomes)
    }

    fn delete_topics(&self, names: &[String]) -> Result<Vec<TopicOutcome>, ClusterError> {
        self.record(Request::DeleteTopics(names.to_vec()));
        self.supports(Api::DeleteTopics, "delete topics")?;
        let mut state = self.state.borrow_mut();
        let outcomes = names
            .iter()
            .map(|n| match state.topics.remove(n) {
                Some(_) => (n.clone(), Ok(())),
                None => (n.clone(), Err(unknown_topic())),
            })
            .collect();
        Ok(outcomes)
    }
}

/// A memory cluster is its own connector: whatever a command asks to open (a live cluster, a
/// snapshot), it is served this cluster, so the command's requests and effects can be seen.
impl Connector for MemoryCluster {
    fn reader(&self, _source: &ClusterSource) -> Result<Reader<'_>, ConnectError> {
        Ok(Reader {
            cluster: Box::new(self),
            snapshot: None,
        })
    }

    fn admin(&self, _connection: &Connection) -> Result<Box<dyn Admin + '_>, ConnectError> {
        Ok(Box::new(self))
    }
}

/// What Kafka answers for a topic that does not exist.
fn unknown_topic() -> OpError {
    OpError {
        code: "UnknownTopicOrPartition".into(),
        message: "Broker: Unknown topic or partition".into(),
    }
}
