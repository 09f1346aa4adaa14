//! `topicgate apply`: plan (or read a saved plan and check the cluster still matches it), show
//! it, confirm, execute through the port, wait until the cluster shows the changes, report.

use std::io::{BufRead, IsTerminal};

use anyhow::{bail, Context, Result};

use super::{load_and_describe, Io, Outcome};
use crate::apply::{apply, preflight, settle, ApplyOptions};
use crate::cluster::{ClusterReader, Mode};
use crate::config::{ApplyConfig, ApplySource};
use crate::model::diagnostic::Diagnostic;
use crate::model::plan::{Plan, PLAN_FORMAT, PLAN_FORMAT_VERSION};
use crate::plan::{drift_since, plan};
use crate::policy::CompiledPolicies;
use crate::render;

pub fn run(config: ApplyConfig, policies: &CompiledPolicies, io: &mut Io) -> Result<Outcome> {
    let saved = match &config.source {
        ApplySource::SavedPlan(file) => Some(read_and_validate(file, policies, io)?),
        ApplySource::Specs(_) => None,
    };
    let timeout = config.connection.timeout;
    let cluster = super::connect(config.connection)?;
    // Specs are loaded, validated and held to the policies before anything is changed.
    let (specs, state) = match &config.source {
        ApplySource::Specs(paths) => {
            let (specs, state) = load_and_describe(paths, Some(policies), &cluster, io)?;
            (Some(specs), state)
        }
        ApplySource::SavedPlan(_) => (None, super::describe(&cluster)?),
    };
    let plan = match (specs, saved) {
        (Some(specs), _) => plan(&specs, &state),
        (None, Some(saved)) => {
            let drift = drift_since(&saved, &state);
            if !drift.is_empty() {
                let list: Vec<String> = drift.iter().map(|d| format!("  - {d}")).collect();
                bail!(
                    "the cluster no longer matches the saved plan; nothing was applied. Changes since the plan was made:\n{}\nRun `topicgate plan` again.",
                    list.join("\n")
                );
            }
            saved
        }
        (None, None) => unreachable!("apply has specs or a saved plan"),
    };

    super::log_plan(&plan);
    render::plan::render_text(&plan, io.out, io.palette)?;
    if plan.is_empty() {
        writeln!(io.out, "Nothing to apply.")?;
        return Ok(Outcome::Success);
    }
    let options = ApplyOptions {
        mode: config.mode,
        skip_blocked: config.skip_blocked,
        allow_delete: config.allow_delete,
    };
    preflight(&plan, &options)?;

    if config.dry_run && config.mode == Mode::Apply {
        writeln!(io.out)?;
        writeln!(
            io.out,
            "Dry run: no request was sent; the changes above are what `apply` would make."
        )?;
        return Ok(Outcome::Success);
    }
    if !config.dry_run && !config.yes {
        confirm(&plan, io)?;
    }

    writeln!(io.out)?;
    let mut report = apply(&plan, &cluster, &options)?;
    if config.dry_run {
        render::apply_report::render_text(&report, io.out, io.palette, true)?;
        // N.B. KAFKA.md: not every broker honours validate_only. Never rely on it: check.
        let after = cluster.describe()?;
        let changed = drift_since(&plan, &after);
        if !changed.is_empty() {
            let list: Vec<String> = changed.iter().map(|d| format!("  - {d}")).collect();
            bail!(
                "the broker ignored validate_only and changed the cluster during the dry run:\n{}\nDo not use `--broker-validate` with this broker.",
                list.join("\n")
            );
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
        (failed, 0) => bail!("{failed} of the planned change(s) failed (see above)"),
        (0, unknown) => bail!("{unknown} of the planned change(s) have an unknown outcome (see above); run `topicgate apply` again once the cluster answers: it makes only what is left"),
        (failed, unknown) => bail!("{failed} of the planned change(s) failed and {unknown} have an unknown outcome (see above); fix the cause and run `topicgate apply` again: it makes only what is left"),
    }
}

/// Reads a saved plan and checks it as specs are checked, before connecting to anything: a plan
/// is a file anyone can edit. Every problem is reported, naming the file.
fn read_and_validate(
    file: &std::path::Path,
    policies: &CompiledPolicies,
    io: &mut Io,
) -> Result<Plan> {
    let plan = read_plan(file)?;
    let problems = crate::plan::validate(&plan, policies);
    if problems.is_empty() {
        return Ok(plan);
    }
    let diagnostics: Vec<Diagnostic> = problems
        .into_iter()
        .map(|p| Diagnostic::error(file, None, p))
        .collect();
    render::diagnostics::render_text(&diagnostics, io.err, io.err_palette)?;
    bail!(
        "{} problem(s) in the saved plan `{}`; nothing was sent to the cluster",
        diagnostics.len(),
        file.display()
    )
}

fn read_plan(file: &std::path::Path) -> Result<Plan> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read the plan `{}`", file.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("`{}` is not a JSON plan", file.display()))?;
    if let Err(why) = crate::model::document::check_format(&value, PLAN_FORMAT, PLAN_FORMAT_VERSION)
    {
        bail!("`{}` is not a saved plan: {why}", file.display());
    }
    serde_json::from_value(value).map_err(|e| {
        anyhow::anyhow!(
            "`{}` is not a valid plan: {}",
            file.display(),
            crate::model::diagnostic::plain_serde_error(&e.to_string())
        )
    })
}

/// Asks on the terminal; refuses to go on without one.
fn confirm(plan: &Plan, io: &mut Io) -> Result<()> {
    if !std::io::stdin().is_terminal() {
        bail!("refusing to apply without confirmation: stdin is not a terminal; pass `--yes` to apply non-interactively");
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
        bail!("apply cancelled; nothing was changed");
    }
    Ok(())
}
