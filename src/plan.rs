//! `Plan`: the versioned document of every change that brings the cluster to the specs, and
//! the state each changed topic was in when it was computed (so a saved plan is applied only
//! to the cluster it was made for: see `saved_plan`). `plan` is pure: specs and a `ClusterState`
//! in, a `Plan` out; `visible` tells whether the cluster shows a change yet.

use std::collections::BTreeSet;

use crate::compare::{compare, config_deltas, Configs, TopicShape};
use crate::diff::diff;
use crate::model::cluster_state::ClusterState;
use crate::model::document::Envelope;
use crate::model::plan::{Action, ClusterRef, Plan, Summary, TopicChange};
use crate::model::topic_spec::SpecSet;

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
        envelope: Envelope::of::<Plan>(),
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

/// Whether `state` shows the applicable parts of `change` (used to wait until the cluster
/// reflects an apply): the topic is gone after a delete; otherwise the partition count it
/// sets and the overrides it touches are as the change leaves them (`TopicChange::after`).
pub fn visible(change: &TopicChange, state: &ClusterState) -> bool {
    let topic = state.topics.get(&change.topic);
    if change.action == Action::Delete {
        return topic.is_none();
    }
    let (Some(topic), Some(after)) = (topic, change.after()) else {
        return false;
    };
    let touched: BTreeSet<&str> = change.configs.iter().map(|c| c.key.as_str()).collect();
    let comparison = compare(&TopicShape::of_basis(&after), topic).only(&touched);
    let partitions = change.partitions.is_none() || comparison.partitions.is_same();
    let configs = match comparison.configs {
        Configs::Same => true,
        Configs::Differ(_) => false,
        // What the broker did report is read (`apply::settled` refuses unreadable configs
        // itself where it matters).
        Configs::Unreadable(_) => !config_deltas(&after.overrides, topic)
            .iter()
            .any(|d| touched.contains(d.key.as_str())),
    };
    partitions && configs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::memory::topic_state;
    use crate::fixtures::specs;
    use crate::model::cluster_state::TopicState;

    fn state(topics: &[(&str, TopicState)]) -> ClusterState {
        crate::fixtures::cluster(topics)
    }

    const SPECS: &str = "topics:\n  - name: a\n    partitions: 3\n    replication_factor: 3\n  - name: b\n    partitions: 3\n    replication_factor: 3\n    configs: {retention.ms: 1h}\n  - name: gone\n    delete: true\n";

    #[test]
    fn plan_lists_only_changes_and_counts_the_rest() {
        let s = state(&[
            ("a", topic_state(3, 3, &[])),
            ("unmanaged", topic_state(1, 1, &[])),
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
    fn visibility_checks_the_applied_parts() {
        let p = plan(&specs(SPECS), &state(&[]));
        let b = p.changes.iter().find(|c| c.topic == "b").unwrap();
        assert!(!visible(b, &state(&[])));
        assert!(!visible(b, &state(&[("b", topic_state(3, 3, &[]))])));
        assert!(visible(
            b,
            &state(&[("b", topic_state(3, 3, &[("retention.ms", "3600000")]))])
        ));
    }

    #[test]
    fn the_plan_document_round_trips() {
        let p = plan(&specs(SPECS), &state(&[("gone", topic_state(1, 1, &[]))]));
        let json = serde_json::to_string(&p).unwrap();
        let back: Plan = serde_json::from_str(&json).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn visibility_looks_only_at_what_the_change_touches() {
        let change = TopicChange {
            topic: "t".into(),
            action: Action::Update,
            declared_at: None,
            partitions: None,
            replication_factor: None,
            configs: vec![crate::model::plan::ConfigChange {
                op: crate::model::plan::ConfigChangeOp::Delete,
                key: "segment.ms".into(),
                from: Some("5".into()),
                to: None,
            }],
            blocked: Vec::new(),
            warnings: Vec::new(),
            before: Some(crate::model::plan::TopicBasis {
                partitions: 3,
                replication_factor: 3,
                overrides: [
                    ("segment.ms".to_string(), "5".to_string()),
                    ("retention.ms".to_string(), "1".to_string()),
                ]
                .into(),
            }),
            policy_exceptions: Default::default(),
        };
        let shows = |t: TopicState| visible(&change, &state(&[("t", t)]));
        assert!(shows(topic_state(6, 1, &[("retention.ms", "9")])));
        assert!(!shows(topic_state(3, 3, &[("segment.ms", "5")])));
        let mut unreadable = topic_state(3, 3, &[]);
        unreadable.configs_error = Some("timed out".into());
        assert!(shows(unreadable));
    }
}
