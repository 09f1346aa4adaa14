//! Renders what `apply` did: each step's outcome, then what was and was not applied (text), or
//! the `topicgate-apply` document (JSON).

use std::io::{self, Write};

use serde::Serialize;

use super::Palette;
use crate::apply::{ApplyReport, Step, StepKind, StepResult};
use crate::model::document::{Document, Envelope};
use crate::model::plan::ClusterRef;

/// The `apply --format json` document: what became of each change.
#[derive(Debug, Serialize)]
pub struct ApplyDocument<'a> {
    #[serde(flatten)]
    pub envelope: Envelope,
    pub cluster: &'a ClusterRef,
    pub mode: ApplyMode,
    pub changes: Vec<ChangeOutcome<'a>>,
    /// Topics whose applied changes the cluster did not show before the deadline.
    pub not_yet_visible: &'a [String],
}

impl Document for ApplyDocument<'_> {
    const FORMAT: &'static str = "topicgate-apply";
    const VERSION: u32 = 1;
}

/// How `apply` ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplyMode {
    /// The changes were sent.
    Apply,
    /// `--dry-run`: nothing was sent.
    DryRun,
    /// `--dry-run --broker-validate`: sent with validate_only.
    BrokerValidate,
}

/// One change to one topic and what became of it.
#[derive(Debug, Serialize)]
pub struct ChangeOutcome<'a> {
    pub topic: &'a str,
    pub action: StepKind,
    /// What the change does, for a person.
    pub change: &'a str,
    pub outcome: Outcome,
    /// Why it failed, is unknown or was skipped; how an open outcome was settled; else `null`.
    pub message: Option<&'a str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Done,
    Failed,
    Unknown,
    /// Not sent: a blocked change (`--skip-blocked`), or a delete in a broker-validated dry run.
    Skipped,
    /// `--dry-run`: nothing was sent.
    NotSent,
}

impl<'a> ApplyDocument<'a> {
    /// The document of `report` (`mode` `Apply` or `BrokerValidate`).
    pub fn of(report: &'a ApplyReport, cluster: &'a ClusterRef, mode: ApplyMode) -> Self {
        ApplyDocument {
            envelope: Envelope::of::<ApplyDocument>(),
            cluster,
            mode,
            changes: report.steps.iter().map(ChangeOutcome::of).collect(),
            not_yet_visible: &report.not_yet_visible,
        }
    }

    /// The document of a dry run that sent nothing: every step `not_sent`.
    pub fn not_sent(steps: &'a [Step], cluster: &'a ClusterRef) -> Self {
        ApplyDocument {
            envelope: Envelope::of::<ApplyDocument>(),
            cluster,
            mode: ApplyMode::DryRun,
            changes: steps
                .iter()
                .map(|s| ChangeOutcome {
                    outcome: Outcome::NotSent,
                    message: None,
                    ..ChangeOutcome::of(s)
                })
                .collect(),
            not_yet_visible: &[],
        }
    }
}

impl<'a> ChangeOutcome<'a> {
    fn of(step: &'a Step) -> Self {
        let (outcome, message) = match &step.result {
            StepResult::Done => (Outcome::Done, step.note.as_deref()),
            StepResult::Failed(e) => (Outcome::Failed, Some(e.as_str())),
            StepResult::Unknown(why) => (Outcome::Unknown, Some(why.as_str())),
            StepResult::Skipped(why) => (Outcome::Skipped, Some(why.as_str())),
        };
        ChangeOutcome {
            topic: &step.topic,
            action: step.kind,
            change: &step.summary,
            outcome,
            message,
        }
    }
}

pub fn render_json(doc: &ApplyDocument, w: &mut dyn Write) -> io::Result<()> {
    super::json(doc, w)
}

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
