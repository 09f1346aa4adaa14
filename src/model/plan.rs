//! The plan document's types: every change that brings the cluster to the specs, and the state
//! each changed topic was in when it was computed (so a saved plan is applied only to the cluster
//! it was made for). Plain data, shared by `diff` and `plan` (which make it), `apply` (which
//! carries it out), `check` and `gate` (which name the cluster) and the renderers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::cluster_state::TopicState;
use crate::model::document::{Document, Envelope};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// `topicgate-plan`, version 1; a reader refuses other versions.
    #[serde(flatten)]
    pub envelope: Envelope,
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

impl Document for Plan {
    const FORMAT: &'static str = "topicgate-plan";
    const VERSION: u32 = 1;
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
    pub blocked: Vec<Blocked>,
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
///
/// In the plan document each is `{setting, from, to, reason, reassignment?}` (format version 1):
/// `setting` names the variant, and unreadable configs are written with `from: 0, to: 0`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "BlockedWire", try_from = "BlockedWire")]
pub enum Blocked {
    /// Kafka cannot remove partitions (`setting: partitions`).
    PartitionDecrease { from: i32, to: i32, reason: String },
    /// A replication-factor change needs a partition reassignment, which librdkafka cannot
    /// make (`setting: replication_factor`). `reassignment` is the
    /// `kafka-reassign-partitions.sh` JSON, when the cluster has the brokers for it.
    ReplicationFactor {
        from: i16,
        to: i16,
        reason: String,
        reassignment: Option<serde_json::Value>,
    },
    /// The topic's configs could not be read, so they cannot be compared safely
    /// (`setting: configs`).
    ConfigsUnreadable { reason: String },
}

impl Blocked {
    /// The setting's name in the plan document.
    pub fn setting(&self) -> &'static str {
        match self {
            Blocked::PartitionDecrease { .. } => "partitions",
            Blocked::ReplicationFactor { .. } => "replication_factor",
            Blocked::ConfigsUnreadable { .. } => "configs",
        }
    }

    /// Why it cannot be made, and what an operator can do.
    pub fn reason(&self) -> &str {
        match self {
            Blocked::PartitionDecrease { reason, .. }
            | Blocked::ReplicationFactor { reason, .. }
            | Blocked::ConfigsUnreadable { reason } => reason,
        }
    }

    /// The value now and the value asked for, as the plan document writes them (`0` and `0`
    /// for unreadable configs, which have no numbers).
    pub fn from_to(&self) -> (i64, i64) {
        match self {
            Blocked::PartitionDecrease { from, to, .. } => (i64::from(*from), i64::from(*to)),
            Blocked::ReplicationFactor { from, to, .. } => (i64::from(*from), i64::from(*to)),
            Blocked::ConfigsUnreadable { .. } => (0, 0),
        }
    }

    /// For a replication-factor change: the `kafka-reassign-partitions.sh` JSON.
    pub fn reassignment(&self) -> Option<&serde_json::Value> {
        match self {
            Blocked::ReplicationFactor { reassignment, .. } => reassignment.as_ref(),
            _ => None,
        }
    }
}

/// A blocked change as the plan document writes it (format version 1).
#[derive(Serialize, Deserialize)]
struct BlockedWire {
    /// `partitions`, `replication_factor` or `configs`.
    setting: String,
    from: i64,
    to: i64,
    reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reassignment: Option<serde_json::Value>,
}

impl From<Blocked> for BlockedWire {
    fn from(b: Blocked) -> BlockedWire {
        let setting = b.setting().to_string();
        let (from, to) = b.from_to();
        let (reason, reassignment) = match b {
            Blocked::PartitionDecrease { reason, .. } | Blocked::ConfigsUnreadable { reason } => {
                (reason, None)
            }
            Blocked::ReplicationFactor {
                reason,
                reassignment,
                ..
            } => (reason, reassignment),
        };
        BlockedWire {
            setting,
            from,
            to,
            reason,
            reassignment,
        }
    }
}

impl TryFrom<BlockedWire> for Blocked {
    type Error = String;

    fn try_from(w: BlockedWire) -> Result<Blocked, String> {
        fn number<T: TryFrom<i64>>(setting: &str, n: i64) -> Result<T, String> {
            T::try_from(n).map_err(|_| format!("blocked `{setting}` value {n} is out of range"))
        }
        match w.setting.as_str() {
            "partitions" => Ok(Blocked::PartitionDecrease {
                from: number(&w.setting, w.from)?,
                to: number(&w.setting, w.to)?,
                reason: w.reason,
            }),
            "replication_factor" => Ok(Blocked::ReplicationFactor {
                from: number(&w.setting, w.from)?,
                to: number(&w.setting, w.to)?,
                reason: w.reason,
                reassignment: w.reassignment,
            }),
            "configs" => Ok(Blocked::ConfigsUnreadable { reason: w.reason }),
            other => Err(format!(
                "unknown blocked setting `{other}`; expected `partitions`, `replication_factor` or `configs`"
            )),
        }
    }
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

impl TopicChange {
    /// The topic as this change leaves it: `before` (nothing, for a create) with the changes
    /// that can be made applied; blocked changes are not. `None` for a delete, and for a change
    /// that leaves partitions or replication factor unknown (a create without them, which
    /// `saved_plan` validation refuses).
    pub fn after(&self) -> Option<TopicBasis> {
        if self.action == Action::Delete {
            return None;
        }
        let before = self.before.as_ref();
        let partitions = match &self.partitions {
            Some(p) => p.to,
            None => before?.partitions,
        };
        let replication_factor = match &self.replication_factor {
            Some(rf) => rf.to,
            None => before?.replication_factor,
        };
        let mut overrides = before.map(|b| b.overrides.clone()).unwrap_or_default();
        for c in &self.configs {
            match (c.op, &c.to) {
                (ConfigChangeOp::Set, Some(v)) => {
                    overrides.insert(c.key.clone(), v.clone());
                }
                _ => {
                    overrides.remove(&c.key);
                }
            }
        }
        Some(TopicBasis {
            partitions,
            replication_factor,
            overrides,
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn basis(partitions: i32, replication_factor: i16, overrides: &[(&str, &str)]) -> TopicBasis {
        TopicBasis {
            partitions,
            replication_factor,
            overrides: overrides
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    fn change(action: Action, before: Option<TopicBasis>) -> TopicChange {
        TopicChange {
            topic: "t".into(),
            action,
            declared_at: None,
            partitions: None,
            replication_factor: None,
            configs: Vec::new(),
            blocked: Vec::new(),
            warnings: Vec::new(),
            before,
            policy_exceptions: BTreeMap::new(),
        }
    }

    fn config(op: ConfigChangeOp, key: &str, to: Option<&str>) -> ConfigChange {
        ConfigChange {
            op,
            key: key.into(),
            from: None,
            to: to.map(Into::into),
        }
    }

    #[test]
    fn after_applies_the_changes_that_can_be_made_to_before() {
        let mut c = change(
            Action::Blocked,
            Some(basis(3, 1, &[("segment.ms", "5"), ("retention.ms", "1")])),
        );
        c.partitions = Some(ValueChange {
            from: Some(3),
            to: 6,
        });
        c.configs = vec![
            config(ConfigChangeOp::Set, "retention.ms", Some("2")),
            config(ConfigChangeOp::Delete, "segment.ms", None),
            config(ConfigChangeOp::Set, "cleanup.policy", Some("compact")),
        ];
        // A blocked replication-factor change is not applied.
        c.blocked.push(Blocked::ReplicationFactor {
            from: 1,
            to: 3,
            reason: "r".into(),
            reassignment: None,
        });
        assert_eq!(
            c.after(),
            Some(basis(
                6,
                1,
                &[("cleanup.policy", "compact"), ("retention.ms", "2")]
            ))
        );
    }

    #[test]
    fn after_a_create_is_what_it_creates_and_after_a_delete_is_nothing() {
        let mut c = change(Action::Create, None);
        c.partitions = Some(ValueChange { from: None, to: 2 });
        c.replication_factor = Some(ValueChange { from: None, to: 3 });
        c.configs = vec![config(ConfigChangeOp::Set, "retention.ms", Some("1"))];
        assert_eq!(c.after(), Some(basis(2, 3, &[("retention.ms", "1")])));
        c.replication_factor = None;
        assert_eq!(c.after(), None);
        assert_eq!(change(Action::Delete, Some(basis(1, 1, &[]))).after(), None);
    }

    #[test]
    fn blocked_changes_keep_the_wire_form_of_format_version_1() {
        let cases = [
            (
                Blocked::PartitionDecrease {
                    from: 3,
                    to: 2,
                    reason: "r".into(),
                },
                r#"{"setting":"partitions","from":3,"to":2,"reason":"r"}"#,
            ),
            (
                Blocked::ReplicationFactor {
                    from: 1,
                    to: 3,
                    reason: "r".into(),
                    reassignment: Some(serde_json::json!({"version": 1})),
                },
                r#"{"setting":"replication_factor","from":1,"to":3,"reason":"r","reassignment":{"version":1}}"#,
            ),
            (
                Blocked::ConfigsUnreadable { reason: "r".into() },
                r#"{"setting":"configs","from":0,"to":0,"reason":"r"}"#,
            ),
        ];
        for (blocked, wire) in cases {
            assert_eq!(serde_json::to_string(&blocked).unwrap(), wire);
            assert_eq!(serde_json::from_str::<Blocked>(wire).unwrap(), blocked);
        }
        let unknown = r#"{"setting":"colour","from":0,"to":0,"reason":"r"}"#;
        assert!(serde_json::from_str::<Blocked>(unknown)
            .unwrap_err()
            .to_string()
            .contains("unknown blocked setting `colour`"));
        let too_big = r#"{"setting":"replication_factor","from":1,"to":70000,"reason":"r"}"#;
        assert!(serde_json::from_str::<Blocked>(too_big)
            .unwrap_err()
            .to_string()
            .contains("value 70000 is out of range"));
    }
}
