//! `apply`: executes a `Plan` through the `Cluster` port, in one batched request per kind of
//! change (create, add partitions, alter configs, delete), never one round trip per topic.
//! It never re-diffs: what runs is what the plan says. Every step's outcome is reported; a
//! failed step does not stop the independent ones, and running apply again finishes the job.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::cluster::{
    Cluster, ClusterError, ConfigAlteration, ConfigOp, Mode, NewTopic, TopicOutcome,
};
use crate::plan::{visible, Action, ConfigChangeOp, Plan};

#[derive(Debug, Clone, Copy)]
pub struct ApplyOptions {
    pub mode: Mode,
    /// Apply the applicable changes of a plan that also has blocked ones.
    pub skip_blocked: bool,
    /// Carry out `delete` changes.
    pub allow_delete: bool,
}

/// Why apply would not start; nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the plan has {0} blocked change(s) that topicgate cannot make; nothing was applied (fix the specs, or pass `--skip-blocked` to apply the rest)")]
    Blocked(usize),
    #[error("the plan deletes {} topic(s) ({}); nothing was applied (pass `--allow-delete` to delete them)", .0.len(), .0.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", "))]
    DeleteNotAllowed(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    Create,
    AddPartitions,
    AlterConfigs,
    Delete,
    /// A change topicgate cannot make; reported, never sent.
    Blocked,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", content = "detail", rename_all = "snake_case")]
pub enum StepResult {
    Done,
    Failed(String),
    Skipped(String),
}

/// One change to one topic and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub topic: String,
    pub kind: StepKind,
    /// What the step does, for a person: `create with 12 partitions, replication factor 3`.
    pub summary: String,
    pub result: StepResult,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ApplyReport {
    pub steps: Vec<Step>,
    /// Topics whose applied changes the cluster did not show before the deadline.
    pub not_yet_visible: Vec<String>,
}

impl ApplyReport {
    pub fn count(&self, pred: impl Fn(&StepResult) -> bool) -> usize {
        self.steps.iter().filter(|s| pred(&s.result)).count()
    }

    pub fn failed(&self) -> usize {
        self.count(|r| matches!(r, StepResult::Failed(_)))
    }

    pub fn done(&self) -> usize {
        self.count(|r| matches!(r, StepResult::Done))
    }
}

/// Checks that the plan may be applied with these options, before anything is changed.
pub fn preflight(plan: &Plan, options: &ApplyOptions) -> Result<(), Refusal> {
    let blocked = plan
        .changes
        .iter()
        .filter(|c| !c.blocked.is_empty())
        .count();
    if blocked > 0 && !options.skip_blocked {
        return Err(Refusal::Blocked(blocked));
    }
    let deletes: Vec<String> = plan.deletes().map(|c| c.topic.clone()).collect();
    if !deletes.is_empty() && !options.allow_delete && options.mode == Mode::Apply {
        return Err(Refusal::DeleteNotAllowed(deletes));
    }
    Ok(())
}

/// Builds the steps of a plan, in execution order, all pending (`Skipped` with no reason yet).
fn steps_of(plan: &Plan) -> Vec<(Step, Request)> {
    let mut out = Vec::new();
    for change in &plan.changes {
        let topic = change.topic.clone();
        let step = |kind, summary: String| Step {
            topic: topic.clone(),
            kind,
            summary,
            result: StepResult::Skipped("not run".into()),
        };
        match change.action {
            Action::Create => {
                let (Some(p), Some(rf)) = (&change.partitions, &change.replication_factor) else {
                    continue;
                };
                let configs: BTreeMap<String, String> = change
                    .configs
                    .iter()
                    .filter_map(|c| Some((c.key.clone(), c.to.clone()?)))
                    .collect();
                let summary = format!(
                    "create with {} partition(s), replication factor {}{}",
                    p.to,
                    rf.to,
                    if configs.is_empty() {
                        String::new()
                    } else {
                        format!(", {} config override(s)", configs.len())
                    }
                );
                let request = Request::Create(NewTopic {
                    name: topic.clone(),
                    partitions: p.to,
                    replication_factor: rf.to,
                    configs,
                });
                out.push((step(StepKind::Create, summary), request));
            }
            Action::Delete => {
                out.push((
                    step(StepKind::Delete, "delete the topic".into()),
                    Request::Delete(topic.clone()),
                ));
            }
            Action::Update | Action::Blocked => {
                if let Some(p) = &change.partitions {
                    let summary = format!("add partitions: {} -> {}", p.from.unwrap_or(0), p.to);
                    out.push((
                        step(StepKind::AddPartitions, summary),
                        Request::Partitions(topic.clone(), p.to),
                    ));
                }
                if !change.configs.is_empty() {
                    let ops: Vec<ConfigOp> = change
                        .configs
                        .iter()
                        .map(|c| match (c.op, &c.to) {
                            (ConfigChangeOp::Set, Some(v)) => ConfigOp::Set {
                                key: c.key.clone(),
                                value: v.clone(),
                            },
                            _ => ConfigOp::Delete { key: c.key.clone() },
                        })
                        .collect();
                    let names: Vec<String> = change
                        .configs
                        .iter()
                        .map(|c| match c.op {
                            ConfigChangeOp::Set => format!("set `{}`", c.key),
                            ConfigChangeOp::Delete => format!("remove `{}`", c.key),
                        })
                        .collect();
                    out.push((
                        step(StepKind::AlterConfigs, names.join(", ")),
                        Request::Configs(ConfigAlteration {
                            topic: topic.clone(),
                            ops,
                        }),
                    ));
                }
                for b in &change.blocked {
                    let mut s = step(
                        StepKind::Blocked,
                        format!("{}: {} -> {}", b.setting, b.from, b.to),
                    );
                    s.result = StepResult::Skipped(b.reason.clone());
                    out.push((s, Request::None));
                }
            }
        }
    }
    out
}

enum Request {
    Create(NewTopic),
    Partitions(String, i32),
    Configs(ConfigAlteration),
    Delete(String),
    /// A blocked change: reported, never sent.
    None,
}

/// Applies the plan. Call `preflight` first; this refuses the same way if it was not.
pub fn apply(
    plan: &Plan,
    cluster: &dyn Cluster,
    options: &ApplyOptions,
) -> Result<ApplyReport, Refusal> {
    preflight(plan, options)?;
    let mut steps = steps_of(plan);

    let mut creates = Vec::new();
    let mut partitions = Vec::new();
    let mut configs = Vec::new();
    let mut deletes = Vec::new();
    for (i, (_, request)) in steps.iter().enumerate() {
        match request {
            Request::Create(t) => creates.push((i, t.clone())),
            Request::Partitions(t, n) => partitions.push((i, (t.clone(), *n))),
            Request::Configs(c) => configs.push((i, c.clone())),
            Request::Delete(t) => deletes.push((i, t.clone())),
            Request::None => {}
        }
    }

    let mut record = |batch: &[(usize, String)],
                      result: Result<Vec<TopicOutcome>, ClusterError>| {
        let mut by_topic: BTreeMap<String, Result<(), String>> = BTreeMap::new();
        let whole_request_error = match result {
            Ok(outcomes) => {
                for (topic, r) in outcomes {
                    by_topic.insert(topic, r.map_err(|e| e.message));
                }
                None
            }
            Err(e) => Some(e.to_string()),
        };
        for (i, topic) in batch {
            steps[*i].0.result = match (&whole_request_error, by_topic.get(topic)) {
                (Some(e), _) => StepResult::Failed(e.clone()),
                (None, Some(Ok(()))) => StepResult::Done,
                (None, Some(Err(e))) => StepResult::Failed(e.clone()),
                (None, None) => {
                    StepResult::Failed("the broker did not answer for this topic".into())
                }
            };
        }
    };

    if !creates.is_empty() {
        let topics: Vec<NewTopic> = creates.iter().map(|(_, t)| t.clone()).collect();
        let batch: Vec<(usize, String)> =
            creates.iter().map(|(i, t)| (*i, t.name.clone())).collect();
        record(&batch, cluster.create_topics(&topics, options.mode));
    }
    if !partitions.is_empty() {
        let changes: Vec<(String, i32)> = partitions.iter().map(|(_, c)| c.clone()).collect();
        let batch: Vec<(usize, String)> = partitions
            .iter()
            .map(|(i, (t, _))| (*i, t.clone()))
            .collect();
        record(&batch, cluster.create_partitions(&changes, options.mode));
    }
    if !configs.is_empty() {
        let changes: Vec<ConfigAlteration> = configs.iter().map(|(_, c)| c.clone()).collect();
        let batch: Vec<(usize, String)> =
            configs.iter().map(|(i, c)| (*i, c.topic.clone())).collect();
        record(&batch, cluster.alter_configs(&changes, options.mode));
    }
    if !deletes.is_empty() {
        let batch: Vec<(usize, String)> = deletes.iter().map(|(i, t)| (*i, t.clone())).collect();
        if options.mode == Mode::ValidateOnly {
            // DeleteTopics has no validate_only: a dry run never sends it.
            for (i, _) in &batch {
                steps[*i].0.result =
                    StepResult::Skipped("dry run: DeleteTopics has no validate-only mode".into());
            }
        } else {
            let names: Vec<String> = deletes.iter().map(|(_, t)| t.clone()).collect();
            record(&batch, cluster.delete_topics(&names));
        }
    }

    Ok(ApplyReport {
        steps: steps.into_iter().map(|(s, _)| s).collect(),
        not_yet_visible: Vec::new(),
    })
}

/// Waits until the cluster shows every topic whose steps all succeeded, polling `describe`
/// until `deadline`. Fills `report.not_yet_visible` with the topics still pending.
/// N.B. KAFKA.md: creation and deletion are asynchronous; metadata can lag the admin answer.
pub fn wait_until_visible(
    plan: &Plan,
    report: &mut ApplyReport,
    cluster: &dyn Cluster,
    timeout: Duration,
) {
    let succeeded: Vec<&crate::plan::TopicChange> = plan
        .changes
        .iter()
        .filter(|c| {
            let mut sent = report
                .steps
                .iter()
                .filter(|s| s.topic == c.topic && s.kind != StepKind::Blocked)
                .peekable();
            sent.peek().is_some() && sent.all(|s| s.result == StepResult::Done)
        })
        .collect();
    let deadline = Instant::now() + timeout;
    let mut delay = Duration::from_millis(50);
    loop {
        let pending: Vec<String> = match cluster.describe() {
            Ok(state) => succeeded
                .iter()
                .filter(|c| !visible(c, &state))
                .map(|c| c.topic.clone())
                .collect(),
            Err(e) => {
                log::debug!("describe while waiting for changes to show: {e}");
                succeeded.iter().map(|c| c.topic.clone()).collect()
            }
        };
        if pending.is_empty() || Instant::now() + delay > deadline {
            report.not_yet_visible = pending;
            return;
        }
        std::thread::sleep(delay);
        delay = (delay * 2).min(Duration::from_secs(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::OpError;
    use crate::cluster_state::{ClusterState, TopicState};
    use crate::fixtures::specs;
    use crate::plan::plan;
    use std::cell::RefCell;

    /// An in-memory cluster for the executor's own logic (batching, partial failure, re-run).
    /// The Kafka path itself is tested against a real broker in tests/.
    struct MemoryCluster {
        state: RefCell<ClusterState>,
        requests: RefCell<Vec<&'static str>>,
        fail_partitions: bool,
        fail_topic: Option<String>,
    }

    impl MemoryCluster {
        fn new() -> Self {
            MemoryCluster {
                state: RefCell::new(ClusterState {
                    source: "memory".into(),
                    brokers: vec![1],
                    ..Default::default()
                }),
                requests: RefCell::new(Vec::new()),
                fail_partitions: false,
                fail_topic: None,
            }
        }
    }

    impl Cluster for MemoryCluster {
        fn describe(&self) -> Result<ClusterState, ClusterError> {
            Ok(self.state.borrow().clone())
        }
        fn create_topics(
            &self,
            topics: &[NewTopic],
            _: Mode,
        ) -> Result<Vec<TopicOutcome>, ClusterError> {
            self.requests.borrow_mut().push("create");
            Ok(topics
                .iter()
                .map(|t| {
                    if self.fail_topic.as_deref() == Some(&t.name) {
                        let e = OpError {
                            code: "PolicyViolation".into(),
                            message: "refused by policy".into(),
                        };
                        return (t.name.clone(), Err(e));
                    }
                    let overrides: Vec<(&str, &str)> = t
                        .configs
                        .iter()
                        .map(|(k, v)| (k.as_str(), v.as_str()))
                        .collect();
                    let state =
                        TopicState::with_overrides(t.partitions, t.replication_factor, &overrides);
                    self.state.borrow_mut().topics.insert(t.name.clone(), state);
                    (t.name.clone(), Ok(()))
                })
                .collect())
        }
        fn create_partitions(
            &self,
            changes: &[(String, i32)],
            _: Mode,
        ) -> Result<Vec<TopicOutcome>, ClusterError> {
            self.requests.borrow_mut().push("partitions");
            if self.fail_partitions {
                return Err(ClusterError::Unsupported {
                    api: "CreatePartitions",
                    purpose: "add partitions",
                });
            }
            for (t, n) in changes {
                self.state
                    .borrow_mut()
                    .topics
                    .get_mut(t)
                    .unwrap()
                    .partitions = *n;
            }
            Ok(changes.iter().map(|(t, _)| (t.clone(), Ok(()))).collect())
        }
        fn alter_configs(
            &self,
            changes: &[ConfigAlteration],
            _: Mode,
        ) -> Result<Vec<TopicOutcome>, ClusterError> {
            self.requests.borrow_mut().push("configs");
            let mut state = self.state.borrow_mut();
            for c in changes {
                let t = state.topics.get_mut(&c.topic).unwrap();
                let mut o = t.overrides();
                for op in &c.ops {
                    match op {
                        ConfigOp::Set { key, value } => o.insert(key.clone(), value.clone()),
                        ConfigOp::Delete { key } => o.remove(key),
                    };
                }
                let pairs: Vec<(&str, &str)> =
                    o.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                *t = TopicState::with_overrides(t.partitions, t.replication_factor, &pairs);
            }
            Ok(changes.iter().map(|c| (c.topic.clone(), Ok(()))).collect())
        }
        fn delete_topics(&self, names: &[String]) -> Result<Vec<TopicOutcome>, ClusterError> {
            self.requests.borrow_mut().push("delete");
            for n in names {
                self.state.borrow_mut().topics.remove(n);
            }
            Ok(names.iter().map(|n| (n.clone(), Ok(()))).collect())
        }
    }

    const OPTS: ApplyOptions = ApplyOptions {
        mode: Mode::Apply,
        skip_blocked: false,
        allow_delete: false,
    };

    #[test]
    fn one_request_per_kind_and_then_the_plan_is_empty() {
        let cluster = MemoryCluster::new();
        cluster.state.borrow_mut().topics.insert(
            "old".into(),
            TopicState::with_overrides(1, 1, &[("retention.ms", "5")]),
        );
        let s = specs("topics:\n  - {name: a, partitions: 2, replication_factor: 1}\n  - {name: b, partitions: 2, replication_factor: 1, configs: {retention.ms: 1h}}\n  - {name: old, partitions: 3, replication_factor: 1}\n");
        let p = plan(&s, &cluster.describe().unwrap());
        let mut report = apply(&p, &cluster, &OPTS).unwrap();
        assert_eq!(
            *cluster.requests.borrow(),
            vec!["create", "partitions", "configs"]
        );
        assert_eq!(report.done(), 4);
        wait_until_visible(&p, &mut report, &cluster, Duration::from_secs(1));
        assert!(report.not_yet_visible.is_empty());
        assert!(plan(&s, &cluster.describe().unwrap()).is_empty());
    }

    #[test]
    fn a_failed_request_does_not_stop_the_others_and_a_rerun_finishes() {
        let mut cluster = MemoryCluster::new();
        cluster.fail_partitions = true;
        cluster.fail_topic = Some("c".into());
        cluster
            .state
            .borrow_mut()
            .topics
            .insert("old".into(), TopicState::with_overrides(1, 1, &[]));
        let s = specs("topics:\n  - {name: a, partitions: 2, replication_factor: 1}\n  - {name: c, partitions: 1, replication_factor: 1}\n  - {name: old, partitions: 3, replication_factor: 1, configs: {retention.ms: 1h}}\n");
        let p = plan(&s, &cluster.describe().unwrap());
        let report = apply(&p, &cluster, &OPTS).unwrap();
        let results: Vec<(&str, StepKind, bool)> = report
            .steps
            .iter()
            .map(|s| (s.topic.as_str(), s.kind, s.result == StepResult::Done))
            .collect();
        assert_eq!(
            results,
            vec![
                ("a", StepKind::Create, true),
                ("c", StepKind::Create, false),
                ("old", StepKind::AddPartitions, false),
                ("old", StepKind::AlterConfigs, true),
            ]
        );
        assert!(
            matches!(&report.steps[2].result, StepResult::Failed(m) if m.contains("CreatePartitions API"))
        );
        // Re-running after the cause is fixed converges: only what failed is left.
        cluster.fail_partitions = false;
        cluster.fail_topic = None;
        let p2 = plan(&s, &cluster.describe().unwrap());
        let left: Vec<&str> = p2.changes.iter().map(|c| c.topic.as_str()).collect();
        assert_eq!(left, vec!["c", "old"]);
        apply(&p2, &cluster, &OPTS).unwrap();
        assert!(plan(&s, &cluster.describe().unwrap()).is_empty());
    }

    #[test]
    fn blocked_and_delete_plans_are_refused_before_any_request() {
        let cluster = MemoryCluster::new();
        cluster
            .state
            .borrow_mut()
            .topics
            .insert("a".into(), TopicState::with_overrides(3, 1, &[]));
        cluster
            .state
            .borrow_mut()
            .topics
            .insert("gone".into(), TopicState::with_overrides(1, 1, &[]));
        let s = specs("topics:\n  - {name: a, partitions: 2, replication_factor: 1, configs: {retention.ms: 1h}}\n  - {name: gone, delete: true}\n");
        let p = plan(&s, &cluster.describe().unwrap());
        assert_eq!(apply(&p, &cluster, &OPTS), Err(Refusal::Blocked(1)));
        let skip = ApplyOptions {
            skip_blocked: true,
            ..OPTS
        };
        assert_eq!(
            apply(&p, &cluster, &skip),
            Err(Refusal::DeleteNotAllowed(vec!["gone".into()]))
        );
        assert!(cluster.requests.borrow().is_empty());
        let all = ApplyOptions {
            skip_blocked: true,
            allow_delete: true,
            ..OPTS
        };
        let report = apply(&p, &cluster, &all).unwrap();
        assert_eq!(*cluster.requests.borrow(), vec!["configs", "delete"]);
        assert!(report
            .steps
            .iter()
            .any(|s| s.kind == StepKind::Blocked && matches!(s.result, StepResult::Skipped(_))));
    }
}
