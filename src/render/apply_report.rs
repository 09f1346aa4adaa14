//! Renders what `apply` did: each step's outcome, then what was and was not applied.

use std::io::{self, Write};

use super::Palette;
use crate::apply::{ApplyReport, StepKind, StepResult};

pub fn render_text(
    report: &ApplyReport,
    w: &mut dyn Write,
    p: Palette,
    dry_run: bool,
) -> io::Result<()> {
    for step in &report.steps {
        let (mark, detail) = match &step.result {
            StepResult::Done if dry_run => (
                p.added("ok"),
                "accepted by the broker (validate only)".to_string(),
            ),
            StepResult::Done => (p.added("done"), step.note.clone().unwrap_or_default()),
            StepResult::Failed(e) => (p.bad("FAILED"), e.clone()),
            StepResult::Unknown(why) => (p.bad("UNKNOWN"), why.clone()),
            StepResult::Skipped(why) if step.kind == StepKind::Blocked => {
                (p.changed("blocked"), why.clone())
            }
            StepResult::Skipped(why) => (p.changed("skipped"), why.clone()),
        };
        let detail = if detail.is_empty() {
            String::new()
        } else {
            format!(": {detail}")
        };
        writeln!(w, "{mark:>8} {} {}{detail}", step.topic, step.summary)?;
    }
    Ok(())
}

/// The closing lines: what was applied, what was not, and what to do.
pub fn render_summary(report: &ApplyReport, w: &mut dyn Write, p: Palette) -> io::Result<()> {
    let sent = report
        .steps
        .iter()
        .filter(|s| s.kind != StepKind::Blocked)
        .count();
    let done = report.done();
    let failed = report.failed();
    let unknown = report.unknown();
    let list = |w: &mut dyn Write, pick: fn(&StepResult) -> bool| -> io::Result<()> {
        for s in report.steps.iter().filter(|s| pick(&s.result)) {
            writeln!(w, "  - {} {}", s.topic, s.summary)?;
        }
        Ok(())
    };
    writeln!(w)?;
    if failed == 0 && unknown == 0 {
        writeln!(
            w,
            "{}",
            p.added(&format!("Applied {done} of {sent} change(s)."))
        )?;
    } else {
        if failed > 0 {
            writeln!(
                w,
                "{}",
                p.bad(&format!(
                    "Applied {done} of {sent} change(s); {failed} failed and were not applied:"
                ))
            )?;
            list(w, |r| matches!(r, StepResult::Failed(_)))?;
        } else {
            writeln!(
                w,
                "{}",
                p.bad(&format!("Applied {done} of {sent} change(s)."))
            )?;
        }
        if unknown > 0 {
            writeln!(
                w,
                "{}",
                p.bad(&format!(
                    "{unknown} change(s) have an unknown outcome (see above why): the cluster did not show before the deadline whether they were made:"
                ))
            )?;
            list(w, |r| matches!(r, StepResult::Unknown(_)))?;
        }
        write!(w, "Everything else listed as done was applied. Fix the cause and run `topicgate apply` again: it plans afresh and makes only what is left")?;
        if unknown > 0 {
            write!(w, ", so a change that did go through is not made twice")?;
        }
        writeln!(w, ".")?;
    }
    let blocked = report
        .steps
        .iter()
        .filter(|s| s.kind == StepKind::Blocked)
        .count();
    if blocked > 0 {
        writeln!(
            w,
            "{blocked} blocked change(s) were skipped (see above); they need an operator."
        )?;
    }
    if !report.not_yet_visible.is_empty() {
        writeln!(
            w,
            "{} the cluster did not yet show the changes to {} before the deadline; `topicgate plan` may list them until it does.",
            p.changed("warning:"),
            report.not_yet_visible.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ")
        )?;
    }
    Ok(())
}
