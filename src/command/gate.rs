//! `topicgate gate`: specs -> describe -> gate (polling with `--wait`) -> yes or no.
//! N.B. KAFKA.md: the gate must never create a topic; it only ever describes the whole cluster
//! (a Metadata request for all topics), never a named topic.
//!
//! With `--wait`, a cluster that cannot be reached or does not answer (a broker restarting
//! during a deploy) is waited out like a topic that is not ready yet; the gate is an error
//! (exit 2) only when the time is up and the cluster never answered.

use std::time::{Duration, Instant};

use super::{load_and_try_describe, Context, Outcome};
use crate::error::Error;
use crate::gate::{gate, GateReport};
use crate::render;
use crate::settings::arguments::GateFormat;
use crate::settings::GateSettings;

pub fn run(s: &GateSettings, cx: &mut Context) -> Result<Outcome, Error> {
    let (rules, required, wait, io) = (&s.rules, &s.required, s.wait, &mut cx.io);
    let start = Instant::now();
    let deadline = start + wait.unwrap_or_default();
    // A live client outlives a broker restart: it sees the cluster again once a broker answers.
    let cluster = super::open(&s.source, io)?;
    let (specs, mut answer) = load_and_try_describe(&s.paths, None, &*cluster, io)?;
    let mut delay = Duration::from_millis(500);
    let mut last_line = String::new();
    // The latest answer of the cluster, and when it came.
    let mut latest: Option<(GateReport, Instant)> = None;
    let report = loop {
        let now = Instant::now();
        let line = match answer {
            Ok(state) => {
                let report = gate(&rules.input(&specs, &state), required);
                if report.ready || now >= deadline {
                    break report;
                }
                let line = render::gate_report::progress_line(
                    &report,
                    deadline.saturating_duration_since(now),
                );
                latest = Some((report, now));
                line
            }
            Err(e) if wait.is_none() || !e.is_transient() => return Err(e.into()),
            Err(e) => {
                if now >= deadline {
                    match latest {
                        Some((report, at)) => {
                            writeln!(
                                io.err,
                                "{} the cluster did not answer at the end of the wait ({e}); the report is its last answer, {}s before the deadline",
                                io.err_palette.changed("warning:"),
                                deadline.saturating_duration_since(at).as_secs()
                            )?;
                            break report;
                        }
                        None => {
                            return Err(Error::NoAnswer {
                                wait: wait.unwrap_or_default(),
                                last: e,
                            })
                        }
                    }
                }
                render::gate_report::no_answer_line(&e, deadline.saturating_duration_since(now))
            }
        };
        // The same line twice says nothing new (the seconds left are rounded).
        if line != last_line {
            writeln!(io.err, "{line}")?;
            last_line = line;
        }
        std::thread::sleep(delay.min(deadline.saturating_duration_since(Instant::now())));
        delay = (delay * 2).min(Duration::from_secs(5));
        answer = super::describe(&*cluster);
    };
    log::info!(
        "gate answered after {} ms: {}",
        start.elapsed().as_millis(),
        if report.ready { "ready" } else { "not ready" }
    );
    match s.format {
        GateFormat::Text => render::gate_report::render_text(&report, io.out, io.palette)?,
        GateFormat::Json => render::gate_report::render_json(&report, io.out)?,
    }
    Ok(if report.ready {
        Outcome::Success
    } else {
        Outcome::Fail
    })
}
