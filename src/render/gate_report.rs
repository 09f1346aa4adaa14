//! Renders a `GateReport`: one line per required topic, with the reasons it is not ready.

use std::io::{self, Write};

use super::Palette;
use crate::gate::GateReport;

pub fn render_text(report: &GateReport, w: &mut dyn Write, p: Palette) -> io::Result<()> {
    let unmet = report.unmet().count();
    let total = report.topics.len();
    for r in &report.topics {
        if r.ready {
            writeln!(w, "  {} {}", p.added("ready    "), r.topic)?;
        } else {
            writeln!(w, "  {} {}", p.bad("NOT READY"), r.topic)?;
            for reason in &r.reasons {
                writeln!(
                    w,
                    "      {} {}",
                    p.dim(&format!("{}:", reason.code())),
                    reason.message()
                )?;
            }
        }
    }
    if report.ready {
        writeln!(
            w,
            "{}",
            p.added(&format!(
                "gate: ready: all {total} required topic(s) exist and match their specs."
            ))
        )
    } else {
        writeln!(
            w,
            "{}",
            p.bad(&format!(
                "gate: not ready: {unmet} of {total} required topic(s) are not ready."
            ))
        )
    }
}

/// Writes a progress line (`progress_line`, `no_answer_line`) to stderr.
pub fn write_progress(line: &str, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "{line}")
}

/// `gate --wait` (on stderr): the cluster did not answer at the deadline, so the report is
/// its last answer, `before` the deadline.
pub fn last_answer_warning(
    e: &crate::cluster::ClusterError,
    before: std::time::Duration,
    w: &mut dyn Write,
    p: Palette,
) -> io::Result<()> {
    writeln!(
        w,
        "{} the cluster did not answer at the end of the wait ({e}); the report is its last answer, {}s before the deadline",
        p.changed("warning:"),
        before.as_secs()
    )
}

pub fn render_json(report: &GateReport, w: &mut dyn Write) -> io::Result<()> {
    super::json(report, w)
}

/// One progress line for `--wait` (stderr).
pub fn progress_line(report: &GateReport, left: std::time::Duration) -> String {
    let waiting: Vec<String> = report
        .unmet()
        .map(|r| {
            let why: Vec<&str> = r.reasons.iter().map(|x| x.code().as_str()).collect();
            format!("{} ({})", r.topic, why.join(", "))
        })
        .collect();
    format!(
        "gate: waiting for {} of {} topic(s): {}; {} left",
        waiting.len(),
        report.topics.len(),
        waiting.join(", "),
        seconds_left(left)
    )
}

/// The progress line for `--wait` while the cluster does not answer (stderr).
pub fn no_answer_line(error: &dyn std::fmt::Display, left: std::time::Duration) -> String {
    format!(
        "gate: no answer from the cluster yet ({error}); still waiting, {} left",
        seconds_left(left)
    )
}

/// Whole seconds, rounded up: `0s left` only when none is.
fn seconds_left(left: std::time::Duration) -> String {
    let mut secs = left.as_secs();
    if left.subsec_nanos() > 0 {
        secs += 1;
    }
    format!("{secs}s")
}
