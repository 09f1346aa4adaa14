//! `apply`: executes a `Plan` through the `ClusterWriter` port, in one batched request per kind of
//! change (create, add partitions, alter configs, delete), never one round trip per topic.
//! It never re-diffs: what runs is what the plan says. Every step's outcome is reported: done,
//! not done (failed, skipped) or unknown (the request got no answer, and the cluster could not
//! show whether it went through). A failed step does not stop the independent ones, and running
//! apply again finishes the job: it plans afresh from what the cluster shows.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::cluster::{
    ClusterError, ClusterReader, ClusterWriter, ConfigAlteration, ConfigOp, Mode, NewTopic,
    OpError, TopicOutcome,
};
use crate::model::cluster_state::{ClusterState, TopicState};
use crate::model::plan::{Action, ConfigChangeOp, Plan, TopicChange};
use crate::plan::visible;

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
    /// Not applied: the broker refused it, or the request failed before it was sent.
    Failed(String),
    /// The answer does not say whether the change was made: the request got no answer (a lost
    /// connection, a timeout), or a create was refused because the topic exists (another apply
    /// may have created it). `settle` re-reads the cluster to decide; what it cannot decide
    /// stays unknown.
    Unknown(String),
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
    /// How an open outcome was settled, for a person (`the topic already existed, as planned`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
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

    pub fn unknown(&self) -> usize {
        self.count(|r| matches!(r, StepResult::Unknown(_)))
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

/// The steps `apply` would take for a plan, in execution order, none of them run (each
/// `Skipped`, "not run"): what `apply --dry-run` would send.
pub fn steps(plan: &Plan) -> Vec<Step> {
    steps_of(plan).into_iter().map(|(step, _)| step).collect()
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
            note: None,
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
                    let (from, to) = b.from_to();
                    let mut s = step(
                        StepKind::Blocked,
                        format!("{}: {from} -> {to}", b.setting()),
                    );
                    s.result = StepResult::Skipped(b.reason().to_string());
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
    cluster: &dyn ClusterWriter,
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
        let mut by_topic: BTreeMap<String, Result<(), OpError>> = BTreeMap::new();
        let whole_request_error = match result {
            Ok(outcomes) => {
                by_topic.extend(outcomes);
                None
            }
            Err(e) => {
                log::debug!("the whole request failed: {e}");
                Some(e)
            }
        };
        for (i, topic) in batch {
            let (step, _) = &mut steps[*i];
            step.result = match (&whole_request_error, by_topic.get(topic)) {
                // N.B. a request whose answer was lost may still have been carried out.
                (Some(e), _) if e.outcome_unknown() => StepResult::Unknown(e.to_string()),
                (Some(e), _) => StepResult::Failed(e.to_string()),
                (None, Some(Ok(()))) => StepResult::Done,
                (None, Some(Err(e))) if e.outcome_unknown() => {
                    StepResult::Unknown(e.message.clone())
                }
                // Another apply may have created the topic since the plan was made: whether
                // this step is done depends on what the topic looks like (`settle`).
                (None, Some(Err(e)))
                    if step.kind == StepKind::Create
                        && e.already_exists()
                        && options.mode == Mode::Apply =>
                {
                    StepResult::Unknown(e.message.clone())
                }
                (None, Some(Err(e))) => StepResult::Failed(e.message.clone()),
                (None, None) => {
                    StepResult::Unknown("the broker's answer did not mention this topic".into())
                }
            };
            log::debug!("{topic}: {} -> {:?}", step.summary, step.result);
        }
    };

    if !creates.is_empty() {
        let topics: Vec<NewTopic> = creates.iter().map(|(_, t)| t.clone()).collect();
        log::info!("sending CreateTopics for {} topic(s)", topics.len());
        for t in &topics {
            log::debug!(
                "create `{}`: {} partition(s), replication factor {}, configs {:?}",
                t.name,
                t.partitions,
                t.replication_factor,
                t.configs
            );
        }
        let batch: Vec<(usize, String)> =
            creates.iter().map(|(i, t)| (*i, t.name.clone())).collect();
        record(&batch, cluster.create_topics(&topics, options.mode));
    }
    if !partitions.is_empty() {
        let changes: Vec<(String, i32)> = partitions.iter().map(|(_, c)| c.clone()).collect();
        log::info!("sending CreatePartitions for {} topic(s)", changes.len());
        for (t, n) in &changes {
            log::debug!("add partitions to `{t}`: {n} in total");
        }
        let batch: Vec<(usize, String)> = partitions
            .iter()
            .map(|(i, (t, _))| (*i, t.clone()))
            .collect();
        record(&batch, cluster.create_partitions(&changes, options.mode));
    }
    if !configs.is_empty() {
        let changes: Vec<ConfigAlteration> = configs.iter().map(|(_, c)| c.clone()).collect();
        log::info!(
            "sending IncrementalAlterConfigs for {} topic(s)",
            changes.len()
        );
        for c in &changes {
            log::debug!("alter configs of `{}`: {:?}", c.topic, c.ops);
        }
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
            log::info!("sending DeleteTopics for {} topic(s)", names.len());
            log::debug!("delete {names:?}");
            record(&batch, cluster.delete_topics(&names));
        }
    }

    Ok(ApplyReport {
        steps: steps.into_iter().map(|(s, _)| s).collect(),
        not_yet_visible: Vec::new(),
    })
}

/// How long `settle` polls every 200 ms at most before backing off to once a second.
const FREQUENT_POLLS_FOR: Duration = Duration::from_secs(5);

/// After the requests: polls the cluster until it shows every topic whose steps all succeeded,
/// and settles the steps whose outcome the answers left open (`Unknown`), until `timeout`. An
/// open step is done once the cluster shows it; a create whose topic now exists is done if the
/// topic matches the plan, and failed, saying how it differs, if it does not. What the cluster
/// cannot show before the deadline stays unknown. Fills `report.not_yet_visible` with the done
/// topics the cluster does not show yet.
/// Each poll reads only the topics still waited for (`describe_topics`: the Metadata listing and
/// those topics' configs), never the whole cluster's configs; a topic once shown is not read
/// again.
/// N.B. KAFKA.md: creation and deletion are asynchronous; metadata can lag the admin answer.
pub fn settle(
    plan: &Plan,
    report: &mut ApplyReport,
    cluster: &dyn ClusterReader,
    timeout: Duration,
) {
    let changes: BTreeMap<&str, &TopicChange> =
        plan.changes.iter().map(|c| (c.topic.as_str(), c)).collect();
    let start = Instant::now();
    let deadline = start + timeout;
    let mut delay = Duration::from_millis(50);
    // The done topics the cluster has not shown yet; all of them until the first read.
    let mut pending: BTreeSet<&str> = plan
        .changes
        .iter()
        .filter(|c| all_done(report, &c.topic))
        .map(|c| c.topic.as_str())
        .collect();
    loop {
        let open: BTreeSet<String> = report
            .steps
            .iter()
            .filter(|s| matches!(s.result, StepResult::Unknown(_)))
            .map(|s| s.topic.clone())
            .chain(pending.iter().map(|t| t.to_string()))
            .collect();
        if open.is_empty() {
            report.not_yet_visible = Vec::new();
            return;
        }
        let state = cluster.describe_topics(&open);
        match &state {
            Ok(state) => {
                for step in &mut report.steps {
                    if let (StepResult::Unknown(why), Some(change)) =
                        (&step.result, changes.get(step.topic.as_str()))
                    {
                        if let Some((result, note)) = settled(step.kind, why, change, state) {
                            log::debug!("{}: {} settled as {result:?}", step.topic, step.summary);
                            step.result = result;
                            step.note = note;
                        }
                    }
                }
                // A step settled as done adds its topic to those waited for, once all of the
                // topic's steps are done.
                for c in &plan.changes {
                    if all_done(report, &c.topic) && open.contains(&c.topic) {
                        pending.insert(c.topic.as_str());
                    }
                }
                pending.retain(|t| changes.get(t).is_some_and(|c| !visible(c, state)));
            }
            Err(e) => log::debug!(
                "describe while waiting for changes to show, {} ms before the deadline: {e}",
                deadline
                    .saturating_duration_since(Instant::now())
                    .as_millis()
            ),
        }
        if (pending.is_empty() && report.unknown() == 0) || Instant::now() + delay > deadline {
            report.not_yet_visible = plan
                .changes
                .iter()
                .filter(|c| pending.contains(c.topic.as_str()))
                .map(|c| c.topic.clone())
                .collect();
            return;
        }
        std::thread::sleep(delay);
        // N.B. a broker shows new topics only once it has applied them (on Kafka, a second or
        // two for 1,000 partitions): polls are cheap, so the first seconds poll often, and a
        // long wait (a broker restarting) backs off to one poll a second.
        let cap = if start.elapsed() < FREQUENT_POLLS_FOR {
            Duration::from_millis(200)
        } else {
            Duration::from_secs(1)
        };
        delay = (delay * 2).min(cap);
    }
}

/// Whether every step sent for `topic` is done (and at least one was sent).
fn all_done(report: &ApplyReport, topic: &str) -> bool {
    let mut sent = report
        .steps
        .iter()
        .filter(|s| s.topic == topic && s.kind != StepKind::Blocked)
        .peekable();
    sent.peek().is_some() && sent.all(|s| s.result == StepResult::Done)
}

/// The outcome of an open step, if `state` shows it, with a note saying how it was decided.
fn settled(
    kind: StepKind,
    why: &str,
    change: &TopicChange,
    state: &ClusterState,
) -> Option<(StepResult, Option<String>)> {
    let topic = state.topics.get(&change.topic);
    let shown = match (kind, topic) {
        (StepKind::Delete, None) => true,
        (StepKind::Delete, Some(_)) | (_, None) => false,
        (StepKind::Create, Some(t)) => {
            let differences = differences_from_create(change, t);
            if !differences.is_empty() {
                let failed = format!(
                    "{why}; the topic exists but differs from the plan: {}",
                    differences.join("; ")
                );
                return Some((StepResult::Failed(failed), None));
            }
            true
        }
        (StepKind::AddPartitions, Some(t)) => change
            .partitions
            .as_ref()
            .is_some_and(|p| t.partitions == p.to),
        (StepKind::AlterConfigs, Some(t)) => {
            let only_configs = TopicChange {
                partitions: None,
                ..change.clone()
            };
            t.configs_error.is_none() && visible(&only_configs, state)
        }
        (StepKind::Blocked, Some(_)) => false,
    };
    shown.then(|| {
        (
            StepResult::Done,
            Some(format!("{why}; the cluster shows the change as planned")),
        )
    })
}

/// How an existing topic differs from what the create `change` would have made (partitions,
/// replication factor, overrides, compared as `plan` compares a spec); empty when it matches.
fn differences_from_create(change: &TopicChange, topic: &TopicState) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(p) = &change.partitions {
        if topic.partitions != p.to {
            out.push(format!(
                "{} partition(s), planned {}",
                topic.partitions, p.to
            ));
        }
    }
    if let Some(rf) = &change.replication_factor {
        if topic.replication_factor != rf.to {
            out.push(format!(
                "replication factor {}, planned {}",
                topic.replication_factor, rf.to
            ));
        }
    }
    if let Some(e) = &topic.configs_error {
        out.push(format!("its configs could not be read ({e})"));
        return out;
    }
    let planned: BTreeMap<String, String> = change
        .configs
        .iter()
        .filter_map(|c| Some((c.key.clone(), c.to.clone()?)))
        .collect();
    for c in crate::diff::config_changes(&planned, topic) {
        out.push(match (c.op, &c.from, &c.to) {
            (ConfigChangeOp::Set, Some(from), Some(to)) => {
                format!("`{}` is `{from}`, planned `{to}`", c.key)
            }
            (ConfigChangeOp::Set, None, Some(to)) => {
                format!("`{}` is not set, planned `{to}`", c.key)
            }
            _ => format!(
                "`{}` is set to `{}`, not planned",
                c.key,
                c.from.as_deref().unwrap_or_default()
            ),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::memory::{topic_state, MemoryCluster};
    use crate::fixtures::specs;
    use crate::model::cluster_state::Api;
    use crate::plan::plan;

    const OPTS: ApplyOptions = ApplyOptions {
        mode: Mode::Apply,
        skip_blocked: false,
        allow_delete: false,
    };

    #[test]
    fn one_request_per_kind_and_then_the_plan_is_empty() {
        let cluster = MemoryCluster::new();
        cluster.insert_topic("old", topic_state(1, 1, &[("retention.ms", "5")]));
        let s = specs("topics:\n  - {name: a, partitions: 2, replication_factor: 1}\n  - {name: b, partitions: 2, replication_factor: 1, configs: {retention.ms: 1h}}\n  - {name: old, partitions: 3, replication_factor: 1}\n");
        let p = plan(&s, &cluster.describe().unwrap());
        let mut report = apply(&p, &cluster, &OPTS).unwrap();
        assert_eq!(
            cluster.request_kinds(),
            vec!["create", "partitions", "configs"]
        );
        assert_eq!(report.done(), 4);
        settle(&p, &mut report, &cluster, Duration::from_secs(1));
        assert!(report.not_yet_visible.is_empty());
        assert!(plan(&s, &cluster.describe().unwrap()).is_empty());
    }

    #[test]
    fn settling_reads_only_the_topics_it_waits_for() {
        // Regression: settle polled a whole `describe` (every topic, every config, the brokers'
        // defaults) until the created topics showed: on Kafka, most of apply's time.
        let cluster = MemoryCluster::new();
        for name in ["other.1", "other.2"] {
            cluster.insert_topic(name, crate::cluster::memory::topic_state(1, 1, &[]));
        }
        let s = specs("topics:\n  - {name: a, partitions: 2, replication_factor: 1}\n  - {name: b, partitions: 1, replication_factor: 1, configs: {retention.ms: 1h}}\n");
        let p = plan(&s, &cluster.describe().unwrap());
        let mut report = apply(&p, &cluster, &OPTS).unwrap();
        let before = cluster.reads().len();
        settle(&p, &mut report, &cluster, Duration::from_secs(1));
        assert!(report.not_yet_visible.is_empty());
        let waited: BTreeSet<String> = ["a", "b"].map(String::from).into();
        assert_eq!(cluster.reads()[before..], [Some(waited)]);
    }

    #[test]
    fn a_failed_request_does_not_stop_the_others_and_a_rerun_finishes() {
        let mut cluster = MemoryCluster::new();
        cluster.set_unsupported(Api::CreatePartitions, true);
        cluster.faults.refuse_topic = Some("c".into());
        cluster.insert_topic("old", topic_state(1, 1, &[]));
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
        cluster.set_unsupported(Api::CreatePartitions, false);
        cluster.faults.refuse_topic = None;
        let p2 = plan(&s, &cluster.describe().unwrap());
        let left: Vec<&str> = p2.changes.iter().map(|c| c.topic.as_str()).collect();
        assert_eq!(left, vec!["c", "old"]);
        apply(&p2, &cluster, &OPTS).unwrap();
        assert!(plan(&s, &cluster.describe().unwrap()).is_empty());
    }

    #[test]
    fn blocked_and_delete_plans_are_refused_before_any_request() {
        let cluster = MemoryCluster::new();
        cluster.insert_topic("a", topic_state(3, 1, &[]));
        cluster.insert_topic("gone", topic_state(1, 1, &[]));
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
        assert!(cluster.request_kinds().is_empty());
        let all = ApplyOptions {
            skip_blocked: true,
            allow_delete: true,
            ..OPTS
        };
        let report = apply(&p, &cluster, &all).unwrap();
        assert_eq!(cluster.request_kinds(), vec!["configs", "delete"]);
        assert!(report
            .steps
            .iter()
            .any(|s| s.kind == StepKind::Blocked && matches!(s.result, StepResult::Skipped(_))));
    }

    fn results(report: &ApplyReport) -> Vec<(&str, StepResult)> {
        report
            .steps
            .iter()
            .map(|s| (s.topic.as_str(), s.result.clone()))
            .collect()
    }

    const NEW: &str = "topics:\n  - {name: same, partitions: 2, replication_factor: 1, configs: {retention.ms: 1h}}\n  - {name: other, partitions: 2, replication_factor: 1}\n  - {name: mine, partitions: 1, replication_factor: 1}\n";

    #[test]
    fn a_create_that_lost_a_race_is_done_if_the_topic_matches_and_failed_if_not() {
        // Regression: two applies of the same new topics both failed with TopicAlreadyExists
        // although the cluster ended as specified.
        let mut cluster = MemoryCluster::new();
        let s = specs(NEW);
        let p = plan(&s, &cluster.describe().unwrap());
        cluster.faults.created_concurrently = vec![
            (
                "same".into(),
                topic_state(2, 1, &[("retention.ms", "3600000")]),
            ),
            ("other".into(), topic_state(3, 1, &[("retention.ms", "1")])),
        ];
        let mut report = apply(&p, &cluster, &OPTS).unwrap();
        settle(&p, &mut report, &cluster, Duration::from_millis(200));
        let r = results(&report);
        assert_eq!(r[0], ("mine", StepResult::Done));
        assert!(
            matches!(&r[1], ("other", StepResult::Failed(m)) if m == "Broker: Topic already exists; the topic exists but differs from the plan: 3 partition(s), planned 2; `retention.ms` is set to `1`, not planned"),
            "{r:?}"
        );
        assert_eq!(r[2], ("same", StepResult::Done));
        assert_eq!(
            report.steps[2].note.as_deref(),
            Some("Broker: Topic already exists; the cluster shows the change as planned")
        );
        assert_eq!(
            (report.done(), report.failed(), report.unknown()),
            (2, 1, 0)
        );
    }

    #[test]
    fn a_request_without_an_answer_is_unknown_until_the_cluster_shows_it() {
        // Regression: after a transport failure mid-request apply said "not applied".
        let s = specs(NEW);
        // The broker carried the request out; only the answer was lost: the re-read settles it.
        let mut cluster = MemoryCluster::new();
        let p = plan(&s, &cluster.describe().unwrap());
        cluster.faults.lost_create_answer = Some(true);
        let mut report = apply(&p, &cluster, &OPTS).unwrap();
        assert_eq!(report.unknown(), 3);
        settle(&p, &mut report, &cluster, Duration::from_millis(200));
        assert_eq!((report.done(), report.unknown()), (3, 0));
        assert!(report.not_yet_visible.is_empty());

        // The broker is gone: nothing can be settled, and nothing is claimed.
        let mut cluster = MemoryCluster::new();
        cluster.faults.lost_create_answer = Some(true);
        let mut report = apply(&p, &cluster, &OPTS).unwrap();
        cluster.faults.unreachable = true;
        settle(&p, &mut report, &cluster, Duration::from_millis(200));
        assert_eq!(
            (report.done(), report.failed(), report.unknown()),
            (0, 0, 3)
        );
        assert!(
            matches!(&report.steps[0].result, StepResult::Unknown(m) if m.contains("may or may not have been carried out"))
        );

        // The request never reached the broker: unknown, since nothing says so; a re-run
        // converges.
        let mut cluster = MemoryCluster::new();
        cluster.faults.lost_create_answer = Some(false);
        let mut report = apply(&p, &cluster, &OPTS).unwrap();
        settle(&p, &mut report, &cluster, Duration::from_millis(200));
        assert_eq!(report.unknown(), 3);
        cluster.faults.lost_create_answer = None;
        let again = plan(&s, &cluster.describe().unwrap());
        let report = apply(&again, &cluster, &OPTS).unwrap();
        assert_eq!(report.done(), 3);
        assert!(plan(&s, &cluster.describe().unwrap()).is_empty());
    }
}
