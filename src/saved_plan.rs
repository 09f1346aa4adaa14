//! A saved plan, read back from a file: a plan is a file anyone can edit, and the cluster may
//! have changed since it was made. `validate` checks the plan as specs are checked before any
//! of it is sent; `drift_since` tells whether the cluster still is what the plan assumed.
//! Pure: a `Plan` (and the policies, or a `ClusterState`) in, the problems out.

use std::collections::BTreeSet;

use crate::compare::{compare, config_deltas, Configs, Delta, TopicShape};
use crate::model::cluster_state::ClusterState;
use crate::model::diagnostic::Severity;
use crate::model::finding::Code;
use crate::model::plan::{Action, ConfigChangeOp, Plan};
use crate::model::topic_config::{self, RawValue};
use crate::policy::CompiledPolicies;

/// Checks a plan read from a file before any of it is sent, as specs are checked: topic names
/// (Kafka's rules), partitions and replication factor at least 1, config names and values
/// against the catalog (in the exact form Kafka stores), each change consistent with its
/// action and with the topic as the plan saw it, and the topics as the plan leaves them held to
/// the policies of topicgate.yaml (with the spec's recorded exceptions). Returns every problem
/// found; the plan may be applied only if there is none.
pub fn validate(plan: &Plan, policies: &CompiledPolicies) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for change in &plan.changes {
        let name = &change.topic;
        let mut problem = |message: String| problems.push(format!("`{name}`: {message}"));
        if let Err(why) = crate::model::topic_name::check(name) {
            problem(why);
        }
        if !seen.insert(name.as_str()) {
            problem("the plan changes this topic twice".into());
        }
        let before = change.before.as_ref();
        let action = change.action;
        let exists = matches!(action, Action::Update | Action::Blocked | Action::Delete);
        match (exists, before) {
            (true, None) => problem(format!(
                "a `{}` change needs `before` (the topic as the plan saw it)",
                action.as_str()
            )),
            (false, Some(_)) => problem("a `create` change cannot have a `before`".into()),
            _ => {}
        }
        if let Some(p) = &change.partitions {
            if p.to < 1 {
                problem(format!("`partitions` must be at least 1, got {}", p.to));
            }
            match (action, before) {
                (Action::Update | Action::Blocked, Some(b)) if p.to <= b.partitions => {
                    problem(format!(
                        "`partitions` can only be increased ({} to {} is not an increase)",
                        b.partitions, p.to
                    ))
                }
                (Action::Delete, _) => problem("a `delete` change cannot change partitions".into()),
                _ => {}
            }
        } else if action == Action::Create {
            problem("a `create` change needs `partitions`".into());
        }
        match (&change.replication_factor, action) {
            (Some(rf), Action::Create) if rf.to < 1 => problem(format!(
                "`replication_factor` must be at least 1, got {}",
                rf.to
            )),
            (Some(_), Action::Create) => {}
            (Some(_), _) => problem(
                "only a `create` change sets `replication_factor` (a change of it is `blocked`)"
                    .into(),
            ),
            (None, Action::Create) => {
                problem("a `create` change needs `replication_factor`".into())
            }
            (None, _) => {}
        }
        if action == Action::Delete && !change.configs.is_empty() {
            problem("a `delete` change cannot change configs".into());
        }
        let mut keys = BTreeSet::new();
        for c in &change.configs {
            let key = &c.key;
            if !keys.insert(key.as_str()) {
                problem(format!("`{key}` is changed twice"));
            }
            match (c.op, &c.to) {
                (ConfigChangeOp::Set, Some(value)) => match topic_config::lookup(key) {
                    None => {
                        let hint = topic_config::suggest(key)
                            .map(|s| format!("; did you mean `{s}`?"))
                            .unwrap_or_default();
                        problem(format!("`{key}` is not a Kafka topic-level config{hint}"));
                    }
                    Some(def) => {
                        match topic_config::normalise(def, &RawValue::Str(value.clone())) {
                            Err(why) => problem(why),
                            // The value is sent as written: it must already be what Kafka stores.
                            Ok(stored) if !topic_config::equivalent(key, &stored, value) => {
                                problem(format!(
                                    "`{key}` is `{value}`; a plan holds the value Kafka stores (`{stored}`)"
                                ))
                            }
                            Ok(_) => {}
                        }
                    }
                },
                (ConfigChangeOp::Set, None) => problem(format!("setting `{key}` needs a value")),
                (ConfigChangeOp::Delete, Some(_)) => {
                    problem(format!("removing `{key}` cannot have a new value"))
                }
                // Only an override the plan saw can be removed (the cluster is checked against
                // `before` before anything is sent); a create has nothing to remove.
                (ConfigChangeOp::Delete, None) => {
                    if !before.is_some_and(|b| b.overrides.contains_key(key)) {
                        problem(format!(
                            "removes `{key}`, which was not an override of the topic when the plan was made"
                        ));
                    }
                }
            }
        }
        let codes: Vec<&str> = Code::POLICY.iter().map(|c| c.as_str()).collect();
        for (code, reason) in &change.policy_exceptions {
            if !codes.contains(&code.as_str()) {
                problem(format!(
                    "`{code}` in `policy_exceptions` is not a policy code"
                ));
            } else if reason.trim().is_empty() {
                problem(format!("the exception to `{code}` needs a reason"));
            }
        }
    }
    // The topics as the plan leaves them, held to the policies as their specs are (a delete
    // leaves nothing to hold).
    for change in &plan.changes {
        let Some(after) = change.after() else {
            continue;
        };
        let findings = policies.evaluate(&crate::policy::Subject {
            name: &change.topic,
            partitions: after.partitions,
            replication_factor: after.replication_factor,
            overrides: &after.overrides,
            effective: &after.overrides,
            exceptions: &change.policy_exceptions,
            declared_at: change.declared_at.clone(),
            kind: "in the plan",
        });
        for f in findings.iter().filter(|f| f.severity == Severity::Error) {
            problems.push(format!("{}: {}", f.code.as_str(), f.message));
        }
    }
    problems
}

/// How the cluster differs from what a saved plan assumed; empty when it still matches.
/// A plan is for one cluster: a missing id on either side is a difference where the other has
/// one (a plan edited to `cluster_id: null` must not skip the check, and an id that could not
/// be read is not a match).
pub fn drift_since(plan: &Plan, state: &ClusterState) -> Vec<String> {
    let mut out = Vec::new();
    let wrong_cluster = match (&plan.cluster.cluster_id, &state.cluster_id) {
        (Some(then), Some(now)) if then != now => Some(format!(
            "the plan was made for cluster `{then}`, but this is cluster `{now}`"
        )),
        (None, Some(now)) => Some(format!(
            "the plan names no cluster id, but this is cluster `{now}`"
        )),
        (Some(then), None) => Some(format!(
            "the plan was made for cluster `{then}`, but `{}` reported no cluster id, so it cannot be told apart from another cluster",
            state.source
        )),
        _ => None,
    };
    if let Some(why) = wrong_cluster {
        out.push(why);
        return out;
    }
    for change in &plan.changes {
        let name = &change.topic;
        match (&change.before, state.topics.get(name)) {
            (None, Some(_)) => out.push(format!(
                "`{name}` did not exist when the plan was made; now it does"
            )),
            (Some(_), None) => out.push(format!(
                "`{name}` existed when the plan was made; now it does not"
            )),
            (Some(then), Some(now)) => {
                let comparison = compare(&TopicShape::of_basis(then), now);
                if let Delta::Differs { want, have } = comparison.partitions {
                    out.push(format!("`{name}` partitions: {want} then, {have} now"));
                }
                if let Delta::Differs { want, have } = comparison.replication_factor {
                    out.push(format!(
                        "`{name}` replication factor: {want} then, {have} now"
                    ));
                }
                let overrides = match comparison.configs {
                    Configs::Same => Vec::new(),
                    Configs::Differ(deltas) => deltas,
                    // What the broker did report is compared.
                    Configs::Unreadable(_) => config_deltas(&then.overrides, now),
                };
                for d in overrides {
                    out.push(format!(
                        "`{name}` override `{}`: {} then, {} now",
                        d.key,
                        d.want.map_or("unset".into(), |v| format!("`{v}`")),
                        d.have.map_or("unset".into(), |v| format!("`{v}`"))
                    ));
                }
            }
            (None, None) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::memory::topic_state;
    use crate::fixtures::specs;
    use crate::model::cluster_state::TopicState;
    use crate::model::plan::{ConfigChange, ValueChange};
    use crate::plan::plan;

    fn state(topics: &[(&str, TopicState)]) -> ClusterState {
        crate::fixtures::cluster(topics)
    }

    const SPECS: &str = "topics:\n  - name: a\n    partitions: 3\n    replication_factor: 3\n  - name: b\n    partitions: 3\n    replication_factor: 3\n    configs: {retention.ms: 1h}\n  - name: gone\n    delete: true\n";

    #[test]
    fn a_saved_plan_detects_drift_since_it_was_made() {
        let before = state(&[("a", topic_state(1, 3, &[]))]);
        let p = plan(&specs(SPECS), &before);
        assert!(drift_since(&p, &before).is_empty());
        let after = state(&[
            ("a", topic_state(2, 3, &[("retention.ms", "5")])),
            ("b", topic_state(1, 1, &[])),
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
    fn a_plan_for_a_cluster_with_an_id_needs_that_id() {
        // Regression: a plan edited to `cluster_id: null` skipped the cluster check, and so did
        // a cluster whose id could not be read.
        let s = state(&[]);
        let mut p = plan(&specs(SPECS), &s);
        p.cluster.cluster_id = None;
        assert!(drift_since(&p, &s)[0]
            .contains("the plan names no cluster id, but this is cluster `c1`"));
        p.cluster.cluster_id = Some("c1".into());
        let unknown = ClusterState {
            cluster_id: None,
            ..s.clone()
        };
        assert!(drift_since(&p, &unknown)[0].contains("reported no cluster id"));
        p.cluster.cluster_id = None;
        assert!(drift_since(&p, &unknown).is_empty());
    }

    #[test]
    fn a_plan_as_made_passes_validation() {
        let s = state(&[
            (
                "a",
                topic_state(1, 3, &[("segment.ms", "5"), ("vendor.x", "1")]),
            ),
            ("b", topic_state(9, 1, &[])),
            ("gone", topic_state(1, 1, &[])),
        ]);
        let text = "topics:\n  - name: a\n    partitions: 3\n    replication_factor: 3\n    configs: {retention.ms: 7d, cleanup.policy: [delete, compact], min.cleanable.dirty.ratio: 0.50}\n  - name: b\n    partitions: 3\n    replication_factor: 3\n  - name: c\n    partitions: 1\n    replication_factor: 1\n    configs: {unclean.leader.election.enable: TRUE}\n    policy_exceptions: {policy-min-partitions: a test}\n  - name: gone\n    delete: true\n";
        let p = plan(&specs(text), &s);
        assert_eq!(p.changes.len(), 4, "{p:#?}");
        let policies =
            serde_yaml::from_str::<crate::policy::Policies>("min_partitions: {value: 1}")
                .unwrap()
                .compile()
                .unwrap();
        assert_eq!(validate(&p, &policies), Vec::<String>::new());
        assert_eq!(
            p.changes[2].policy_exceptions["policy-min-partitions"],
            "a test"
        );
    }

    #[test]
    fn an_edited_plan_is_refused_with_every_problem() {
        // Regression: `apply --plan` sent whatever an edited plan said.
        let s = state(&[("a", topic_state(3, 3, &[]))]);
        let mut p = plan(&specs(SPECS), &s);
        let policies =
            serde_yaml::from_str::<crate::policy::Policies>("min_partitions: {value: 2}")
                .unwrap()
                .compile()
                .unwrap();
        let b = p.changes.iter_mut().find(|c| c.topic == "b").unwrap();
        b.configs[0].to = Some("banana".into());
        b.configs.push(ConfigChange {
            op: ConfigChangeOp::Set,
            key: "retention.msec".into(),
            from: None,
            to: Some("1".into()),
        });
        b.partitions = Some(ValueChange { from: None, to: 1 });
        b.replication_factor = Some(ValueChange { from: None, to: 0 });
        let mut bad_name = b.clone();
        bad_name.topic = "../../etc".into();
        bad_name.configs.clear();
        bad_name.partitions = Some(ValueChange { from: None, to: 0 });
        bad_name.replication_factor = Some(ValueChange { from: None, to: 1 });
        p.changes.push(bad_name);
        let problems = validate(&p, &policies);
        let expect = [
            "`b`: `retention.ms` must be a whole number",
            "`b`: `retention.msec` is not a Kafka topic-level config; did you mean `retention.ms`?",
            "`b`: `replication_factor` must be at least 1, got 0",
            "`../../etc`: topic name `../../etc` contains '/'",
            "`../../etc`: `partitions` must be at least 1, got 0",
            "policy-min-partitions: `b` in the plan has 1 partition(s); the policy asks for at least 2",
            "policy-min-partitions: `../../etc` in the plan has 0 partition(s)",
        ];
        for e in expect {
            assert!(
                problems.iter().any(|p| p.contains(e)),
                "missing {e:?} in {problems:#?}"
            );
        }
        assert_eq!(problems.len(), expect.len(), "{problems:#?}");
    }

    #[test]
    fn drift_names_each_override_then_and_now_by_meaning() {
        let before = state(&[(
            "b",
            topic_state(
                3,
                3,
                &[("cleanup.policy", "compact,delete"), ("segment.ms", "5")],
            ),
        )]);
        let p = plan(&specs(SPECS), &before);
        let now = state(&[(
            "b",
            topic_state(
                3,
                3,
                &[
                    ("cleanup.policy", "delete,compact"),
                    ("max.message.bytes", "10"),
                ],
            ),
        )]);
        assert_eq!(
            drift_since(&p, &now),
            [
                "`b` override `max.message.bytes`: unset then, `10` now",
                "`b` override `segment.ms`: `5` then, unset now",
            ]
        );
        // Configs that could not be read: what the broker did report is compared.
        let mut unreadable = now.clone();
        let b = unreadable.topics.get_mut("b").unwrap();
        b.configs_error = Some("timed out".into());
        b.configs.retain(|k, _| k == "max.message.bytes");
        assert_eq!(
            drift_since(&p, &unreadable),
            [
                "`b` override `cleanup.policy`: `compact,delete` then, unset now",
                "`b` override `max.message.bytes`: unset then, `10` now",
                "`b` override `segment.ms`: `5` then, unset now",
            ]
        );
    }
}
