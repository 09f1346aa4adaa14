//! `topicgate apply`: plan (or read a saved plan and check the cluster still matches it), show
//! it, confirm, execute through the port, wait until the cluster shows the changes, report.

use std::io::{BufRead, IsTerminal};

use super::{load_and_describe, Context, Io, Outcome};
use crate::apply::{apply, preflight, settle, ApplyOptions};
use crate::cluster::Mode;
use crate::error::Error;
use crate::model::diagnostic::Diagnostic;
use crate::model::document::{self, DocumentError};
use crate::model::plan::Plan;
use crate::plan::plan;
use crate::policy::CompiledPolicies;
use crate::render;
use crate::saved_plan::drift_since;
use crate::settings::{ApplySettings, ApplySource};

pub fn run(s: &ApplySettings, cx: &mut Context) -> Result<Outcome, Error> {
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
    render::plan::render_text(&plan, io.out, io.palette)?;
    if plan.is_empty() {
        writeln!(io.out, "Nothing to apply.")?;
        return Ok(Outcome::Success);
    }
    let options = ApplyOptions {
        mode: s.mode,
        skip_blocked: s.skip_blocked,
        allow_delete: s.allow_delete,
    };
    preflight(&plan, &options)?;

    if s.dry_run && s.mode == Mode::Apply {
        writeln!(io.out)?;
        writeln!(
            io.out,
            "Dry run: no request was sent; the changes above are what `apply` would make."
        )?;
        return Ok(Outcome::Success);
    }
    if !s.dry_run && !s.yes {
        confirm(&plan, io)?;
    }

    writeln!(io.out)?;
    let mut report = apply(&plan, &*cluster, &options)?;
    if s.dry_run {
        render::apply_report::render_text(&report, io.out, io.palette, true)?;
        // N.B. KAFKA.md: not every broker honours validate_only. Never rely on it: check.
        let after = cluster.describe()?;
        let changed = drift_since(&plan, &after);
        if !changed.is_empty() {
            return Err(Error::ValidateOnlyIgnored(changed));
        }
        writeln!(
            io.out,
            "\nDry run: the broker validated the requests and nothing was changed."
        )?;
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
    render::apply_report::render_text(&report, io.out, io.palette, false)?;
    render::apply_report::render_summary(&report, io.out, io.palette)?;
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

/// Asks on the terminal; refuses to go on without one.
fn confirm(plan: &Plan, io: &mut Io) -> Result<(), Error> {
    if !std::io::stdin().is_terminal() {
        return Err(Error::NoTerminal);
    }
    write!(
        io.err,
        "\nApply these changes to `{}`? Only `yes` is accepted: ",
        plan.cluster.source
    )?;
    io.err.flush()?;
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
}
