//! `topicgate apply`: plan (or read a saved plan and check the cluster still matches it), show
//! it, confirm, execute through the port, wait until the cluster shows the changes, report.

use std::io::{BufRead, IsTerminal};

use super::{load_and_describe, Context, Io, Outcome};
use crate::apply::{apply, preflight, settle, ApplyOptions, ApplyReport};
use crate::cluster::Mode;
use crate::error::Error;
use crate::model::diagnostic::Diagnostic;
use crate::model::document::{self, DocumentError};
use crate::model::plan::Plan;
use crate::plan::plan;
use crate::policy::CompiledPolicies;
use crate::render;
use crate::render::apply_report::{ApplyDocument, ApplyMode};
use crate::saved_plan::drift_since;
use crate::settings::arguments::ApplyFormat;
use crate::settings::{ApplySettings, ApplySource};

pub(super) fn run(s: &ApplySettings, cx: &mut Context) -> Result<Outcome, Error> {
    let (policies, io) = (&cx.policies, &mut cx.io);
    let timeout = s.connection.timeout;
    let cluster;
    let plan = match &s.source {
        ApplySource::Specs(paths) => {
            cluster = cx.connector.admin(&s.connection)?;
            // Specs are loaded, validated and held to the policies before anything is changed.
            let (specs, state) = load_and_describe(paths, Some(policies), &*cluster, io)?;
            plan(&specs, &state)
        }
        ApplySource::SavedPlan(file) => {
            // Read and checked before connecting to anything.
            let saved = read_and_validate(file, policies, io)?;
            cluster = cx.connector.admin(&s.connection)?;
            let state = super::describe(&*cluster)?;
            let drift = drift_since(&saved, &state);
            if !drift.is_empty() {
                return Err(Error::PlanDrift(drift));
            }
            saved
        }
    };

    super::log_plan(&plan);
    let json = s.format == ApplyFormat::Json;
    let mode = match (s.dry_run, s.mode) {
        (_, Mode::ValidateOnly) => ApplyMode::BrokerValidate,
        (true, Mode::Apply) => ApplyMode::DryRun,
        (false, Mode::Apply) => ApplyMode::Apply,
    };
    // With `--format json`, stdout carries the document only.
    if !json {
        render::plan::render_text(&plan, io.out, io.palette)?;
    }
    if plan.is_empty() {
        if json {
            let report = ApplyReport::default();
            let doc = ApplyDocument::of(&report, &plan.cluster, mode);
            render::apply_report::render_json(&doc, io.out)?;
        } else {
            render::notes::nothing_to_apply(io.out)?;
        }
        return Ok(Outcome::Success);
    }
    let options = ApplyOptions {
        mode: s.mode,
        skip_blocked: s.skip_blocked,
        allow_delete: s.allow_delete,
    };
    preflight(&plan, &options)?;

    if mode == ApplyMode::DryRun {
        if json {
            let steps = crate::apply::steps(&plan);
            let doc = ApplyDocument::not_sent(&steps, &plan.cluster);
            render::apply_report::render_json(&doc, io.out)?;
        } else {
            render::notes::dry_run_not_sent(io.out)?;
        }
        return Ok(Outcome::Success);
    }
    if !s.dry_run && !s.yes {
        confirm(&plan, json, io)?;
    }

    if !json {
        render::notes::before_report(io.out)?;
    }
    let mut report = apply(&plan, &*cluster, &options)?;
    if s.dry_run {
        if json {
            let doc = ApplyDocument::of(&report, &plan.cluster, mode);
            render::apply_report::render_json(&doc, io.out)?;
        } else {
            render::apply_report::render_text(&report, io.out, io.palette, true)?;
        }
        // N.B. KAFKA.md: not every broker honours validate_only. Never rely on it: check.
        let after = cluster.describe()?;
        let changed = drift_since(&plan, &after);
        if !changed.is_empty() {
            return Err(Error::ValidateOnlyIgnored(changed));
        }
        if !json {
            render::notes::dry_run_validated(io.out)?;
        }
        return Ok(if report.failed() + report.unknown() > 0 {
            Outcome::Fail
        } else {
            Outcome::Success
        });
    }
    settle(&plan, &mut report, &*cluster, timeout);
    log::info!(
        "{} change(s) done, {} failed, {} unknown",
        report.done(),
        report.failed(),
        report.unknown()
    );
    if json {
        let doc = ApplyDocument::of(&report, &plan.cluster, mode);
        render::apply_report::render_json(&doc, io.out)?;
    } else {
        render::apply_report::render_text(&report, io.out, io.palette, false)?;
        render::apply_report::render_summary(&report, io.out, io.palette)?;
    }
    match (report.failed(), report.unknown()) {
        (0, 0) => Ok(Outcome::Success),
        (failed, unknown) => Err(Error::ApplyFailed { failed, unknown }),
    }
}

/// Reads a saved plan and checks it as specs are checked, before connecting to anything: a plan
/// is a file anyone can edit. Every problem is reported, naming the file.
fn read_and_validate(
    file: &std::path::Path,
    policies: &CompiledPolicies,
    io: &mut Io,
) -> Result<Plan, Error> {
    let plan = read_plan(file)?;
    let problems = crate::saved_plan::validate(&plan, policies);
    if problems.is_empty() {
        return Ok(plan);
    }
    let diagnostics: Vec<Diagnostic> = problems
        .into_iter()
        .map(|p| Diagnostic::error(file, None, p))
        .collect();
    render::diagnostics::render_text(&diagnostics, io.err, io.err_palette)?;
    Err(Error::SavedPlan {
        file: file.to_path_buf(),
        problems: diagnostics.len(),
    })
}

fn read_plan(file: &std::path::Path) -> Result<Plan, Error> {
    let text = std::fs::read_to_string(file).map_err(|source| Error::ReadPlan {
        file: file.to_path_buf(),
        source,
    })?;
    document::read(&text, file).map_err(|e| match e {
        DocumentError::NotJson(source) => Error::PlanNotJson {
            file: file.to_path_buf(),
            source,
        },
        DocumentError::OtherFormat(why) => Error::NotAPlan {
            file: file.to_path_buf(),
            why,
        },
        // The message only: a plan's mistakes are said without a position, as always.
        DocumentError::Invalid { message, .. } => Error::InvalidPlan {
            file: file.to_path_buf(),
            message,
        },
    })
}

/// Asks on the terminal; refuses to go on without one. With `--format json` the plan was not
/// shown on stdout, so it is shown with the question, on stderr.
fn confirm(plan: &Plan, json: bool, io: &mut Io) -> Result<(), Error> {
    if !std::io::stdin().is_terminal() {
        return Err(Error::NoTerminal);
    }
    if json {
        render::plan::render_text(plan, io.err, io.err_palette)?;
    }
    render::notes::confirm_prompt(&plan.cluster.source, io.err)?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    if answer.trim() != "yes" {
        return Err(Error::Cancelled);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::memory::MemoryCluster;
    use crate::cluster::ClusterReader;
    use crate::command::testing::{connection, has_line, run as run_with, spec_dir};
    use crate::fixtures::kafka_topic;

    const SPECS: &str = "topics:\n  - name: orders\n    partitions: 3\n    replication_factor: 1\n  - name: audit\n    partitions: 2\n    replication_factor: 1\n";

    fn settings(source: ApplySource) -> ApplySettings {
        ApplySettings {
            source,
            connection: connection(),
            format: ApplyFormat::Text,
            yes: true,
            dry_run: false,
            mode: Mode::Apply,
            skip_blocked: false,
            allow_delete: false,
        }
    }

    #[test]
    fn apply_makes_the_changes_and_reports_each() {
        let cluster = MemoryCluster::new();
        cluster.insert_topic("audit", kafka_topic(1, 1, &[]));
        let dir = spec_dir(SPECS);
        let s = settings(ApplySource::Specs(vec![dir.path().to_path_buf()]));
        let ran = run_with(&cluster, |cx| run(&s, cx));
        assert_eq!(ran.outcome(), Outcome::Success);
        assert_eq!(cluster.request_kinds(), vec!["create", "partitions"]);
        for line in [
            "    done audit add partitions: 1 -> 2",
            "    done orders create with 3 partition(s), replication factor 1",
            "Applied 2 of 2 change(s).",
        ] {
            assert!(has_line(&ran.out, line), "missing {line:?} in\n{}", ran.out);
        }
        assert_eq!(cluster.describe().unwrap().topics["audit"].partitions, 2);

        // Again: the cluster matches, nothing is sent.
        let ran = run_with(&cluster, |cx| run(&s, cx));
        assert_eq!(ran.outcome(), Outcome::Success);
        assert_eq!(
            ran.out,
            "No changes: 2 declared topic(s) match `memory`.\nNothing to apply.\n"
        );
        assert_eq!(cluster.requests().len(), 2);
    }

    #[test]
    fn a_dry_run_sends_nothing() {
        let cluster = MemoryCluster::new();
        let dir = spec_dir(SPECS);
        let mut s = settings(ApplySource::Specs(vec![dir.path().to_path_buf()]));
        s.dry_run = true;
        s.yes = false;
        let ran = run_with(&cluster, |cx| run(&s, cx));
        assert_eq!(ran.outcome(), Outcome::Success);
        assert!(cluster.requests().is_empty(), "{:?}", cluster.requests());
        assert!(ran.out.ends_with(
            "\nDry run: no request was sent; the changes above are what `apply` would make.\n"
        ));
    }

    #[test]
    fn a_refused_change_fails_the_apply() {
        let mut cluster = MemoryCluster::new();
        cluster.faults.refuse_topic = Some("orders".into());
        let dir = spec_dir(SPECS);
        let s = settings(ApplySource::Specs(vec![dir.path().to_path_buf()]));
        let ran = run_with(&cluster, |cx| run(&s, cx));
        assert!(
            matches!(
                ran.result,
                Err(Error::ApplyFailed {
                    failed: 1,
                    unknown: 0
                })
            ),
            "{:?}",
            ran.result
        );
        for line in [
            "    done audit create with 2 partition(s), replication factor 1",
            "  FAILED orders create with 3 partition(s), replication factor 1: refused by policy",
            "Applied 1 of 2 change(s); 1 failed and were not applied:",
            "  - orders create with 3 partition(s), replication factor 1",
        ] {
            assert!(has_line(&ran.out, line), "missing {line:?} in\n{}", ran.out);
        }
    }

    #[test]
    fn a_saved_plan_is_refused_once_the_cluster_moved() {
        let cluster = MemoryCluster::new();
        let dir = spec_dir(SPECS);
        let saved = plan(&crate::fixtures::specs(SPECS), &cluster.describe().unwrap());
        let file = dir.path().join("plan.json");
        std::fs::write(&file, serde_json::to_vec_pretty(&saved).unwrap()).unwrap();
        cluster.insert_topic("orders", kafka_topic(3, 1, &[]));
        let s = settings(ApplySource::SavedPlan(file));
        let ran = run_with(&cluster, |cx| run(&s, cx));
        match &ran.result {
            Err(Error::PlanDrift(changes)) => assert_eq!(
                changes,
                &["`orders` did not exist when the plan was made; now it does"]
            ),
            other => panic!("{other:?}"),
        }
        assert!(ran.out.is_empty(), "{}", ran.out);
        assert!(cluster.requests().is_empty(), "{:?}", cluster.requests());
    }

    // The reader of every document says a saved plan's mistakes as `apply --plan` always did:
    // serde's message in words (as from the parsed value), without a position.
    #[test]
    fn an_invalid_saved_plan_is_said_as_before() {
        let cluster = MemoryCluster::new();
        let dir = spec_dir(SPECS);
        let saved = plan(&crate::fixtures::specs(SPECS), &cluster.describe().unwrap());
        let mut value = serde_json::to_value(&saved).unwrap();
        value["changes"][0]["partitions"]["to"] = serde_json::json!("many");
        let file = dir.path().join("plan.json");
        std::fs::write(&file, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
        let before = crate::model::diagnostic::plain_serde_error(
            &serde_json::from_value::<Plan>(value)
                .unwrap_err()
                .to_string(),
        );
        let ran = run_with(&cluster, |cx| {
            run(&settings(ApplySource::SavedPlan(file.clone())), cx)
        });
        match ran.result {
            Err(Error::InvalidPlan { message, .. }) => assert_eq!(message, before),
            other => panic!("{other:?}"),
        }
        assert!(cluster.requests().is_empty());
    }

    fn json(text: &str) -> serde_json::Value {
        serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
    }

    // `apply --format json`: stdout is one `topicgate-apply` document, per change what became of it.
    #[test]
    fn apply_json_says_what_became_of_each_change() {
        let mut cluster = MemoryCluster::new();
        cluster.faults.refuse_topic = Some("orders".into());
        cluster.insert_topic("audit", kafka_topic(1, 1, &[]));
        let dir = spec_dir(SPECS);
        let mut s = settings(ApplySource::Specs(vec![dir.path().to_path_buf()]));
        s.format = ApplyFormat::Json;
        let ran = run_with(&cluster, |cx| run(&s, cx));
        assert!(
            matches!(
                ran.result,
                Err(Error::ApplyFailed {
                    failed: 1,
                    unknown: 0
                })
            ),
            "{:?}",
            ran.result
        );
        assert_eq!(
            json(&ran.out),
            serde_json::json!({
                "format": "topicgate-apply",
                "format_version": 1,
                "cluster": {"source": "memory", "cluster_id": null},
                "mode": "apply",
                "changes": [
                    {"topic": "audit", "action": "add_partitions", "change": "add partitions: 1 -> 2",
                     "outcome": "done", "message": null},
                    {"topic": "orders", "action": "create",
                     "change": "create with 3 partition(s), replication factor 1",
                     "outcome": "failed", "message": "refused by policy"},
                ],
                "not_yet_visible": [],
            })
        );
        assert!(ran
            .out
            .starts_with("{\n  \"format\": \"topicgate-apply\",\n  \"format_version\": 1,"));

        // Nothing left to do: an empty list, exit 0.
        cluster.faults.refuse_topic = None;
        cluster.insert_topic("orders", kafka_topic(3, 1, &[]));
        cluster.insert_topic("audit", kafka_topic(2, 1, &[]));
        let ran = run_with(&cluster, |cx| run(&s, cx));
        assert_eq!(ran.outcome(), Outcome::Success);
        assert_eq!(json(&ran.out)["changes"], serde_json::json!([]));
    }

    #[test]
    fn a_json_dry_run_lists_the_changes_as_not_sent() {
        let cluster = MemoryCluster::new();
        let dir = spec_dir(SPECS);
        let mut s = settings(ApplySource::Specs(vec![dir.path().to_path_buf()]));
        s.format = ApplyFormat::Json;
        s.dry_run = true;
        let ran = run_with(&cluster, |cx| run(&s, cx));
        assert_eq!(ran.outcome(), Outcome::Success);
        let doc = json(&ran.out);
        assert_eq!(doc["mode"], "dry_run");
        let outcomes: Vec<(&str, &str)> = doc["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["topic"].as_str().unwrap(), c["outcome"].as_str().unwrap()))
            .collect();
        assert_eq!(outcomes, [("audit", "not_sent"), ("orders", "not_sent")]);
        assert!(cluster.requests().is_empty());
    }
}
