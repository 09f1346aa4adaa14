//! `Plan`: the versioned document of every change that brings the cluster to the specs, and
//! the state each changed topic was in when it was computed (so a saved plan is applied only
//! to the cluster it was made for). `plan` is pure: specs and a `ClusterState` in, a `Plan` out.

use crate::diff::diff;
use crate::model::cluster_state::ClusterState;
use crate::model::diagnostic::Severity;
use crate::model::finding::Code;
use crate::model::plan::{
    Action, ClusterRef, ConfigChangeOp, Plan, Summary, TopicBasis, TopicChange, PLAN_FORMAT,
    PLAN_FORMAT_VERSION,
};
use crate::model::topic_config::{self, RawValue};
use crate::model::topic_spec::SpecSet;
use crate::policy::CompiledPolicies;

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

/// Checks a plan read from a file before any of it is sent, as specs are checked: topic names
/// (Kafka's rules), partitions and replication factor at least 1, config names and values
/// against the catalog (in the exact form Kafka stores), each change consistent with its
/// action and with the topic as the plan saw it, and the topics as the plan leaves them held to
/// the policies of topicgate.yaml (with the spec's recorded exceptions). Returns every problem
/// found; the plan may be applied only if there is none.
pub fn validate(plan: &Plan, policies: &CompiledPolicies) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
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
        let mut keys = std::collections::BTreeSet::new();
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
    // The topics as the plan leaves them, held to the policies as their specs are.
    for change in &plan.changes {
        if change.action == Action::Delete {
            continue;
        }
        let before = change.before.as_ref();
        let partitions = change
            .partitions
            .as_ref()
            .map(|p| p.to)
            .or(before.map(|b| b.partitions));
        let replication_factor = change
            .replication_factor
            .as_ref()
            .map(|rf| rf.to)
            .or(before.map(|b| b.replication_factor));
        let (Some(partitions), Some(replication_factor)) = (partitions, replication_factor) else {
            continue;
        };
        let mut overrides = before.map(|b| b.overrides.clone()).unwrap_or_default();
        for c in &change.configs {
            match (&c.op, &c.to) {
                (ConfigChangeOp::Set, Some(v)) => {
                    overrides.insert(c.key.clone(), v.clone());
                }
                _ => {
                    overrides.remove(&c.key);
                }
            }
        }
        let findings = policies.evaluate(&crate::policy::Subject {
            name: &change.topic,
            partitions,
            replication_factor,
            overrides: &overrides,
            effective: &overrides,
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
                        (Some(a), Some(b)) => topic_config::equivalent(key, a, b),
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
            .is_some_and(|have| topic_config::equivalent(&c.key, have, to)),
        _ => !overrides.contains_key(&c.key),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::specs;
    use crate::model::cluster_state::TopicState;
    use crate::model::plan::{ConfigChange, ValueChange};

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
            capabilities: Default::default(),
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
                TopicState::with_overrides(1, 3, &[("segment.ms", "5"), ("vendor.x", "1")]),
            ),
            ("b", TopicState::with_overrides(9, 1, &[])),
            ("gone", TopicState::with_overrides(1, 1, &[])),
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
        let s = state(&[("a", TopicState::with_overrides(3, 3, &[]))]);
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
