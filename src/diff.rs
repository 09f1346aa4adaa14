//! `diff`: what it takes to bring one live topic to its spec. Pure: a spec and an observed
//! state in, one `TopicChange` (or nothing) out. The spec is the whole truth for a managed
//! topic: overrides it does not declare are removed.

use std::collections::BTreeMap;

use crate::compare::{compare, config_deltas, Configs, Delta, TopicShape};
use crate::model::cluster_state::TopicState;
use crate::model::plan::{
    Action, Blocked, ConfigChange, ConfigChangeOp, TopicBasis, TopicChange, ValueChange,
};
use crate::model::topic_spec::TopicSpec;

/// The warning every partition increase carries.
pub const PARTITION_WARNING: &str = "adding partitions changes which partition a keyed record goes to: per-key ordering across the change is lost, and consumers relying on key placement (joins, compaction per key) are affected";

/// The change that brings `actual` to `spec`, or `None` when they already match.
/// `brokers` are the cluster's broker ids (for reassignment proposals).
pub fn diff(spec: &TopicSpec, actual: Option<&TopicState>, brokers: &[i32]) -> Option<TopicChange> {
    let change = |action| TopicChange {
        topic: spec.name.clone(),
        action,
        declared_at: Some(spec.origin.location()),
        partitions: None,
        replication_factor: None,
        configs: Vec::new(),
        blocked: Vec::new(),
        warnings: Vec::new(),
        before: actual.map(TopicBasis::of),
        policy_exceptions: spec.policy_exceptions.clone(),
    };
    if spec.delete {
        actual?;
        return Some(change(Action::Delete));
    }
    // The loader guarantees partitions and replication factor on a non-delete spec.
    let want = TopicShape::of_spec(spec)?;
    let Some(actual) = actual else {
        let mut create = change(Action::Create);
        create.partitions = Some(ValueChange {
            from: None,
            to: want.partitions,
        });
        create.replication_factor = Some(ValueChange {
            from: None,
            to: want.replication_factor,
        });
        create.configs = spec
            .configs
            .iter()
            .map(|(k, v)| ConfigChange {
                op: ConfigChangeOp::Set,
                key: k.clone(),
                from: None,
                to: Some(v.clone()),
            })
            .collect();
        return Some(create);
    };
    // Most topics of a big cluster match their specs: answer that before building anything.
    let comparison = compare(&want, actual);
    if comparison.matches() {
        return None;
    }
    let mut change = change(Action::Update);
    if let Delta::Differs { want, have } = comparison.partitions {
        if want > have {
            change.partitions = Some(ValueChange {
                from: Some(have),
                to: want,
            });
            change.warnings.push(PARTITION_WARNING.to_string());
        } else {
            change.blocked.push(Blocked::PartitionDecrease {
                from: have,
                to: want,
                reason: "Kafka cannot remove partitions from a topic; to have fewer, create a new topic and move producers and consumers to it, or declare the current count".into(),
            });
        }
    }
    if let Delta::Differs { want, .. } = comparison.replication_factor {
        change
            .blocked
            .push(replication_change(&spec.name, actual, want, brokers));
    }
    match comparison.configs {
        Configs::Same => {}
        Configs::Unreadable(error) => change.blocked.push(Blocked::ConfigsUnreadable {
            reason: format!("the topic's configs could not be read ({error}), so they cannot be compared safely"),
        }),
        Configs::Differ(deltas) => change.configs = deltas.into_iter().map(config_change).collect(),
    }
    if !change.blocked.is_empty() {
        change.action = Action::Blocked;
    }
    Some(change)
}

/// SET for declared configs that are missing or different, DELETE for overrides not declared,
/// sorted by key (whatever `configs_error` says: see `compare::config_deltas`).
pub fn config_changes(
    desired: &BTreeMap<String, String>,
    actual: &TopicState,
) -> Vec<ConfigChange> {
    config_deltas(desired, actual)
        .into_iter()
        .map(config_change)
        .collect()
}

/// The plan's change for one differing override.
fn config_change(d: crate::compare::ConfigDelta) -> ConfigChange {
    ConfigChange {
        op: match d.want {
            Some(_) => ConfigChangeOp::Set,
            None => ConfigChangeOp::Delete,
        },
        key: d.key,
        from: d.have,
        to: d.want,
    }
}

/// A replication-factor change, which needs a partition reassignment that librdkafka cannot
/// make. N.B. KAFKA.md: AlterPartitionReassignments (KIP-455) is not in librdkafka; operators use
/// `kafka-reassign-partitions.sh` with a JSON file. The proposal keeps each partition's current
/// replicas in order (the preferred leader first) and adds or drops brokers round-robin.
fn replication_change(topic: &str, actual: &TopicState, rf: i16, brokers: &[i32]) -> Blocked {
    let mut reason = "changing the replication factor needs a partition reassignment, which topicgate cannot make (librdkafka has no AlterPartitionReassignments); run `kafka-reassign-partitions.sh --execute --reassignment-json-file FILE` with the JSON below".to_string();
    let want = rf as usize;
    let mut sorted: Vec<i32> = brokers.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let reassignment = if sorted.len() < want {
        reason = format!(
            "changing the replication factor needs a partition reassignment, and the cluster reports {} broker(s), fewer than replication factor {rf}: add brokers first",
            sorted.len()
        );
        None
    } else {
        let partitions: Vec<serde_json::Value> = actual
            .assignment
            .iter()
            .enumerate()
            .map(|(p, current)| {
                let mut replicas: Vec<i32> = Vec::new();
                for b in current {
                    if !replicas.contains(b) {
                        replicas.push(*b);
                    }
                }
                replicas.truncate(want);
                let mut next = p;
                while replicas.len() < want {
                    let candidate = sorted[next % sorted.len()];
                    if !replicas.contains(&candidate) {
                        replicas.push(candidate);
                    }
                    next += 1;
                }
                serde_json::json!({"topic": topic, "partition": p, "replicas": replicas})
            })
            .collect();
        Some(serde_json::json!({"version": 1, "partitions": partitions}))
    };
    Blocked::ReplicationFactor {
        from: actual.replication_factor,
        to: rf,
        reason,
        reassignment,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::kafka_topic;
    use crate::model::cluster_state::ConfigView;
    use crate::model::position::Pos;
    use crate::model::topic_spec::Origin;

    fn spec(partitions: i32, rf: i16, configs: &[(&str, &str)]) -> TopicSpec {
        TopicSpec {
            name: "t".into(),
            partitions: Some(partitions),
            replication_factor: Some(rf),
            configs: configs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            owner: None,
            description: None,
            labels: BTreeMap::new(),
            delete: false,
            policy_exceptions: BTreeMap::new(),
            origin: Origin {
                file: "t.yaml".into(),
                pos: Pos { line: 2, col: 5 },
            },
        }
    }

    #[test]
    fn a_missing_topic_is_created_with_its_configs() {
        let c = diff(&spec(3, 1, &[("retention.ms", "1000")]), None, &[1]).unwrap();
        assert_eq!(c.action, Action::Create);
        assert_eq!(c.partitions, Some(ValueChange { from: None, to: 3 }));
        assert_eq!(c.configs.len(), 1);
        assert!(c.warnings.is_empty());
    }

    #[test]
    fn a_matching_topic_has_no_change() {
        let s = spec(3, 3, &[("retention.ms", "1000")]);
        assert_eq!(
            diff(
                &s,
                Some(&kafka_topic(3, 3, &[("retention.ms", "1000")])),
                &[1, 2, 3]
            ),
            None
        );
    }

    #[test]
    fn config_changes_set_change_and_remove_only_what_differs() {
        let s = spec(
            3,
            3,
            &[
                ("retention.ms", "2000"),
                ("cleanup.policy", "compact"),
                ("segment.ms", "5"),
            ],
        );
        let actual = kafka_topic(
            3,
            3,
            &[
                ("retention.ms", "1000"),
                ("segment.ms", "5"),
                ("max.message.bytes", "10"),
            ],
        );
        let c = diff(&s, Some(&actual), &[1, 2, 3]).unwrap();
        assert_eq!(c.action, Action::Update);
        let ops: Vec<(ConfigChangeOp, &str, Option<&str>, Option<&str>)> = c
            .configs
            .iter()
            .map(|c| (c.op, c.key.as_str(), c.from.as_deref(), c.to.as_deref()))
            .collect();
        assert_eq!(
            ops,
            vec![
                (ConfigChangeOp::Set, "cleanup.policy", None, Some("compact")),
                (
                    ConfigChangeOp::Delete,
                    "max.message.bytes",
                    Some("10"),
                    None
                ),
                (
                    ConfigChangeOp::Set,
                    "retention.ms",
                    Some("1000"),
                    Some("2000")
                ),
            ]
        );
    }

    #[test]
    fn the_fast_match_compares_keys_not_just_counts() {
        // Same number of overrides, one key swapped: a change, not a match.
        let s = spec(3, 3, &[("retention.ms", "1000"), ("segment.ms", "5")]);
        let actual = kafka_topic(
            3,
            3,
            &[("retention.ms", "1000"), ("max.message.bytes", "5")],
        );
        let c = diff(&s, Some(&actual), &[1, 2, 3]).unwrap();
        assert_eq!(c.configs.len(), 2);
        // Fewer overrides than declared.
        let fewer = kafka_topic(3, 3, &[("retention.ms", "1000")]);
        assert_eq!(diff(&s, Some(&fewer), &[1, 2, 3]).unwrap().configs.len(), 1);
    }

    #[test]
    fn values_equal_in_meaning_are_not_changes() {
        let s = spec(1, 1, &[("cleanup.policy", "compact,delete")]);
        let actual = kafka_topic(1, 1, &[("cleanup.policy", "delete,compact")]);
        assert_eq!(diff(&s, Some(&actual), &[1]), None);
    }

    #[test]
    fn partition_increase_warns_and_decrease_is_blocked() {
        let up = diff(&spec(6, 1, &[]), Some(&kafka_topic(3, 1, &[])), &[1]).unwrap();
        assert_eq!(up.action, Action::Update);
        assert_eq!(
            up.partitions,
            Some(ValueChange {
                from: Some(3),
                to: 6
            })
        );
        assert!(up.warnings[0].contains("per-key ordering"));
        let down = diff(&spec(2, 1, &[]), Some(&kafka_topic(3, 1, &[])), &[1]).unwrap();
        assert_eq!(down.action, Action::Blocked);
        assert_eq!(down.blocked[0].setting(), "partitions");
        assert!(down.partitions.is_none());
    }

    #[test]
    fn replication_change_is_blocked_with_a_reassignment() {
        let mut actual = kafka_topic(2, 1, &[]);
        actual.assignment = vec![vec![1], vec![2]];
        let c = diff(&spec(2, 3, &[]), Some(&actual), &[1, 2, 3]).unwrap();
        assert_eq!(c.action, Action::Blocked);
        let r = c.blocked[0].reassignment().unwrap();
        assert_eq!(
            r,
            &serde_json::json!({"version": 1, "partitions": [
                {"topic": "t", "partition": 0, "replicas": [1, 2, 3]},
                {"topic": "t", "partition": 1, "replicas": [2, 3, 1]},
            ]})
        );
        let few = diff(&spec(2, 3, &[]), Some(&actual), &[1]).unwrap();
        assert!(few.blocked[0].reassignment().is_none());
        assert!(few.blocked[0]
            .reason()
            .contains("fewer than replication factor 3"));
    }

    #[test]
    fn a_blocked_topic_still_lists_its_applicable_changes() {
        let c = diff(
            &spec(2, 1, &[("retention.ms", "5")]),
            Some(&kafka_topic(3, 1, &[])),
            &[1],
        )
        .unwrap();
        assert_eq!(c.action, Action::Blocked);
        assert_eq!(c.configs.len(), 1);
    }

    #[test]
    fn unreadable_configs_block_instead_of_guessing() {
        let mut actual = kafka_topic(1, 1, &[]);
        actual.configs_error = Some("timed out".into());
        let c = diff(&spec(1, 1, &[("retention.ms", "5")]), Some(&actual), &[1]).unwrap();
        assert_eq!(c.action, Action::Blocked);
        assert!(c.configs.is_empty());
    }

    #[test]
    fn delete_only_when_present() {
        let mut s = spec(1, 1, &[]);
        s.delete = true;
        assert_eq!(diff(&s, None, &[1]), None);
        assert_eq!(
            diff(&s, Some(&kafka_topic(1, 1, &[])), &[1])
                .unwrap()
                .action,
            Action::Delete
        );
    }

    #[test]
    fn sparse_brokers_diff_on_reported_entries() {
        // N.B. KAFKA.md (Tansu): only set entries, labelled DEFAULT_CONFIG.
        let actual = crate::fixtures::sparse_topic(1, 1, &[("retention.ms", "1000")]);
        assert_eq!(actual.config_view, ConfigView::SetOnly);
        assert_eq!(
            diff(
                &spec(1, 1, &[("retention.ms", "1000")]),
                Some(&actual),
                &[1]
            ),
            None
        );
        let c = diff(&spec(1, 1, &[]), Some(&actual), &[1]).unwrap();
        assert_eq!(c.configs[0].op, ConfigChangeOp::Delete);
    }
}
