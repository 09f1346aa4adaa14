//! `Plan`: the versioned document of every change that brings the cluster to the specs, and
//! the state each changed topic was in when it was computed (so a saved plan is applied only
//! to the cluster it was made for). `plan` is pure: specs and a `ClusterState` in, a `Plan` out.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::cluster_state::{ClusterState, TopicState};
use crate::config_catalog;
use crate::diff::diff;
use crate::topic_spec::SpecSet;

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

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn deletes(&self) -> impl Iterator<Item = &TopicChange> {
        self.changes.iter().filter(|c| c.action == Action::Delete)
    }
}

/// Diffs every spec against the cluster. Topics in the cluster that no spec declares are never
/// part of a plan.
pub fn plan(specs: &SpecSet, state: &ClusterState) -> Plan {
    let mut summary = Summary::default();
    let mut changes = Vec::new();
    for spec in specs.topics.values() {
        match diff(spec, state.topics.get(&spec.name), &state.brokers) {
            Some(change) => {
                match change.action {
                    Action::Create => summary.create += 1,
                    Action::Update => summary.update += 1,
                    Action::Delete => summary.delete += 1,
                    Action::Blocked => summary.blocked += 1,
                }
                changes.push(change);
            }
            None if !spec.delete => summary.unchanged += 1,
            None => {}
        }
    }
    let mut warnings = Vec::new();
    let too_wide: Vec<&str> = changes
        .iter()
        .filter(|c| {
            c.replication_factor
                .as_ref()
                .is_some_and(|rf| rf.to as usize > state.brokers.len())
        })
        .map(|c| c.topic.as_str())
        .collect();
    if !state.brokers.is_empty() && !too_wide.is_empty() {
        warnings.push(format!(
            "the cluster reports {} broker(s), fewer than the replication factor of {} topic(s) to create ({}); Apache Kafka refuses such a CreateTopics request",
            state.brokers.len(),
            too_wide.len(),
            list_some(&too_wide)
        ));
    }
    Plan {
        format: PLAN_FORMAT.into(),
        format_version: PLAN_FORMAT_VERSION,
        generated_by: format!("topicgate {}", env!("CARGO_PKG_VERSION")),
        cluster: ClusterRef {
            source: state.source.clone(),
            cluster_id: state.cluster_id.clone(),
        },
        summary,
        warnings,
        changes,
    }
}

/// `a`, `b`, `c` and 4 more.
fn list_some(names: &[&str]) -> String {
    let shown: Vec<String> = names.iter().take(3).map(|n| format!("`{n}`")).collect();
    match names.len() {
        n if n > 3 => format!("{} and {} more", shown.join(", "), n - 3),
        _ => shown.join(", "),
    }
}

/// How the cluster differs from what a saved plan assumed; empty when it still matches.
pub fn drift_since(plan: &Plan, state: &ClusterState) -> Vec<String> {
    let mut out = Vec::new();
    if let (Some(then), Some(now)) = (&plan.cluster.cluster_id, &state.cluster_id) {
        if then != now {
            out.push(format!(
                "the plan was made for cluster `{then}`, but this is cluster `{now}`"
            ));
            return out;
        }
    }
    for change in &plan.changes {
        let now = state.topics.get(&change.topic).map(TopicBasis::of);
        let name = &change.topic;
        match (&change.before, &now) {
            (None, Some(_)) => out.push(format!(
                "`{name}` did not exist when the plan was made; now it does"
            )),
            (Some(_), None) => out.push(format!(
                "`{name}` existed when the plan was made; now it does not"
            )),
            (Some(then), Some(now)) => {
                if then.partitions != now.partitions {
                    out.push(format!(
                        "`{name}` partitions: {} then, {} now",
                        then.partitions, now.partitions
                    ));
                }
                if then.replication_factor != now.replication_factor {
                    out.push(format!(
                        "`{name}` replication factor: {} then, {} now",
                        then.replication_factor, now.replication_factor
                    ));
                }
                let keys: std::collections::BTreeSet<&String> =
                    then.overrides.keys().chain(now.overrides.keys()).collect();
                for key in keys {
                    let (a, b) = (then.overrides.get(key), now.overrides.get(key));
                    let same = match (a, b) {
                        (Some(a), Some(b)) => config_catalog::equivalent(key, a, b),
                        (None, None) => true,
                        _ => false,
                    };
                    if !same {
                        out.push(format!(
                            "`{name}` override `{key}`: {} then, {} now",
                            a.map_or("unset".into(), |v| format!("`{v}`")),
                            b.map_or("unset".into(), |v| format!("`{v}`"))
                        ));
                    }
                }
            }
            (None, None) => {}
        }
    }
    out
}

/// Whether `state` shows the applicable parts of `change` (used to wait until the cluster
/// reflects an apply).
pub fn visible(change: &TopicChange, state: &ClusterState) -> bool {
    let topic = state.topics.get(&change.topic);
    if change.action == Action::Delete {
        return topic.is_none();
    }
    let Some(topic) = topic else { return false };
    if let Some(p) = &change.partitions {
        if topic.partitions != p.to {
            return false;
        }
    }
    let overrides = topic.overrides();
    change.configs.iter().all(|c| match (c.op, &c.to) {
        (ConfigChangeOp::Set, Some(to)) => overrides
            .get(&c.key)
            .is_some_and(|have| config_catalog::equivalent(&c.key, have, to)),
        _ => !overrides.contains_key(&c.key),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::specs;

    fn state(topics: &[(&str, TopicState)]) -> ClusterState {
        ClusterState {
            source: "test".into(),
            cluster_id: Some("c1".into()),
            brokers: vec![1, 2, 3],
            topics: topics
                .iter()
                .map(|(n, t)| (n.to_string(), t.clone()))
                .collect(),
            broker_defaults: Default::default(),
        }
    }

    const SPECS: &str = "topics:\n  - name: a\n    partitions: 3\n    replication_factor: 3\n  - name: b\n    partitions: 3\n    replication_factor: 3\n    configs: {retention.ms: 1h}\n  - name: gone\n    delete: true\n";

    #[test]
    fn plan_lists_only_changes_and_counts_the_rest() {
        let s = state(&[
            ("a", TopicState::with_overrides(3, 3, &[])),
            ("unmanaged", TopicState::with_overrides(1, 1, &[])),
        ]);
        let p = plan(&specs(SPECS), &s);
        assert_eq!(p.changes.len(), 1);
        assert_eq!(p.changes[0].topic, "b");
        assert_eq!(p.changes[0].action, Action::Create);
        assert_eq!(
            p.summary,
            Summary {
                create: 1,
                update: 0,
                delete: 0,
                blocked: 0,
                unchanged: 1
            }
        );
        assert!(!p.changes.iter().any(|c| c.topic == "unmanaged"));
    }

    #[test]
    fn one_warning_for_replication_factors_the_cluster_cannot_hold() {
        let p = plan(
            &specs(SPECS),
            &ClusterState {
                brokers: vec![1],
                ..state(&[])
            },
        );
        assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
        assert!(p.warnings[0].contains(
            "1 broker(s), fewer than the replication factor of 2 topic(s) to create (`a`, `b`)"
        ));
        assert!(plan(&specs(SPECS), &state(&[])).warnings.is_empty());
    }

    #[test]
    fn a_saved_plan_detects_drift_since_it_was_made() {
        let before = state(&[("a", TopicState::with_overrides(1, 3, &[]))]);
        let p = plan(&specs(SPECS), &before);
        assert!(drift_since(&p, &before).is_empty());
        let after = state(&[
            (
                "a",
                TopicState::with_overrides(2, 3, &[("retention.ms", "5")]),
            ),
            ("b", TopicState::with_overrides(1, 1, &[])),
        ]);
        let drift = drift_since(&p, &after);
        assert_eq!(drift.len(), 3, "{drift:#?}");
        assert!(
            drift[0].contains("`a` partitions: 1 then, 2 now"),
            "{drift:#?}"
        );
        let mut other = before.clone();
        other.cluster_id = Some("c2".into());
        assert!(drift_since(&p, &other)[0].contains("cluster `c1`"));
    }

    #[test]
    fn visibility_checks_the_applied_parts() {
        let p = plan(&specs(SPECS), &state(&[]));
        let b = p.changes.iter().find(|c| c.topic == "b").unwrap();
        assert!(!visible(b, &state(&[])));
        assert!(!visible(
            b,
            &state(&[("b", TopicState::with_overrides(3, 3, &[]))])
        ));
        assert!(visible(
            b,
            &state(&[(
                "b",
                TopicState::with_overrides(3, 3, &[("retention.ms", "3600000")])
            )])
        ));
    }

    #[test]
    fn the_plan_document_round_trips() {
        let p = plan(
            &specs(SPECS),
            &state(&[("gone", TopicState::with_overrides(1, 1, &[]))]),
        );
        let json = serde_json::to_string(&p).unwrap();
        let back: Plan = serde_json::from_str(&json).unwrap();
        assert_eq!(back, p);
    }
}
