//! The plan document's types: every change that brings the cluster to the specs, and the state
//! each changed topic was in when it was computed (so a saved plan is applied only to the cluster
//! it was made for). Plain data, shared by `diff` and `plan` (which make it), `apply` (which
//! carries it out), `check` and `gate` (which name the cluster) and the renderers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::cluster_state::TopicState;

/// The plan document's name and version; a reader refuses other versions.
pub const PLAN_FORMAT: &str = "topicgate-plan";
pub const PLAN_FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub format: String,
    pub format_version: u32,
    /// The topicgate version that made the plan.
    pub generated_by: String,
    pub cluster: ClusterRef,
    pub summary: Summary,
    /// Warnings about the plan as a whole.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// One entry per topic that would change, sorted by topic; unchanged topics are not listed.
    pub changes: Vec<TopicChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterRef {
    /// The bootstrap servers (or snapshot) the plan was computed against.
    pub source: String,
    pub cluster_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub create: usize,
    pub update: usize,
    pub delete: usize,
    pub blocked: usize,
    pub unchanged: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    Delete,
    /// Contains a change topicgate cannot make (see `blocked`); other changes may be listed too.
    Blocked,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicChange {
    pub topic: String,
    pub action: Action,
    /// `file:line:col` of the spec that declares the topic.
    pub declared_at: Option<String>,
    /// A partition count to create with, or an increase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partitions: Option<ValueChange<i32>>,
    /// Only on `create` (a change of an existing topic's replication factor is `blocked`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replication_factor: Option<ValueChange<i16>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub configs: Vec<ConfigChange>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocked: Vec<BlockedChange>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The topic as the plan saw it; `null` when it did not exist.
    pub before: Option<TopicBasis>,
    /// The policy rules the spec waives for this topic, with the reasons: a saved plan is held
    /// to topicgate.yaml's policies again before it is applied, with the same exceptions.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub policy_exceptions: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueChange<T> {
    pub from: Option<T>,
    pub to: T,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfigChangeOp {
    /// Set (add or change) a topic override.
    Set,
    /// Remove a topic override that the spec does not declare.
    Delete,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigChange {
    pub op: ConfigChangeOp,
    pub key: String,
    /// The current override (`null`: none).
    pub from: Option<String>,
    /// The new override (`null` for `delete`).
    pub to: Option<String>,
}

/// A change topicgate cannot make, with why and what an operator can do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockedChange {
    /// `partitions`, `replication_factor` or `configs`.
    pub setting: String,
    pub from: i64,
    pub to: i64,
    pub reason: String,
    /// For a replication-factor change: the `kafka-reassign-partitions.sh` JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reassignment: Option<serde_json::Value>,
}

/// What a plan assumed about a topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicBasis {
    pub partitions: i32,
    pub replication_factor: i16,
    pub overrides: BTreeMap<String, String>,
}

impl TopicBasis {
    pub fn of(t: &TopicState) -> TopicBasis {
        TopicBasis {
            partitions: t.partitions,
            replication_factor: t.replication_factor,
            overrides: t.overrides(),
        }
    }
}

impl Action {
    /// The name used in the plan document.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Blocked => "blocked",
        }
    }
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn deletes(&self) -> impl Iterator<Item = &TopicChange> {
        self.changes.iter().filter(|c| c.action == Action::Delete)
    }
}
