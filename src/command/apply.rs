//! `topicgate apply`: plan (or read a saved plan and check the cluster still matches it), show
//! it, confirm, execute through the port, wait until the cluster shows the changes, report.

use std::io::{BufRead, IsTerminal};

use super::{load_and_describe, Context, Io, Outcome};
use crate::apply::{apply, preflight, settle, ApplyOptions};
use crate::cluster::{ClusterReader, Mode};
use crate::error::Error;
use crate::model::diagnostic::Diagnostic;
use crate::model::plan::{Plan, PLAN_FORMAT, PLAN_FORMAT_VERSION};
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
            cluster = super::connect(s.connection.clone())?;
            // Specs are loaded, validated and held to the policies before anything is changed.
            let (specs, state) = load_and_describe(paths, Some(policies), &cluster, io)?;
            plan(&specs, &state)
        }
        ApplySource::SavedPlan(file) => {
            // Read and checked before connecting to anything.
            let saved = read_and_validate(file, policies, io)?;
            cluster = super::connect(s.connection.clone())?;
            let state = super::describe(&cluster)?;
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
    let mut report = apply(&plan, &cluster, &options)?;
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
    settle(&plan, &mut report, &cluster, timeout);
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
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|source| Error::PlanNotJson {
            file: file.to_path_buf(),
            source,
        })?;
    if let Err(why) = crate::model::document::check_format(&value, PLAN_FORMAT, PLAN_FORMAT_VERSION)
    {
        return Err(Error::NotAPlan {
            file: file.to_path_buf(),
            why,
        });
    }
    serde_json::from_value(value).map_err(|e| Error::InvalidPlan {
        file: file.to_path_buf(),
        message: crate::model::diagnostic::plain_serde_error(&e.to_string()),
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
