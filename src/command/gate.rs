//! `topicgate gate`: specs -> describe -> gate (polling with `--wait`) -> yes or no.
//! N.B. KAFKA.md: the gate must never create a topic; it only ever describes the whole cluster
//! (a Metadata request for all topics), never a named topic.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Result;

use super::{load_and_describe, Io, Outcome};
use crate::arguments::GateFormat;
use crate::config::ClusterSource;
use crate::config::RuleSettings;
use crate::gate::gate;
use crate::render;

pub fn run(
    paths: &[PathBuf],
    source: ClusterSource,
    rules: &RuleSettings,
    required: &[String],
    wait: Option<Duration>,
    format: GateFormat,
    io: &mut Io,
) -> Result<Outcome> {
    let cluster = super::open(source, io)?;
    let (specs, first) = load_and_describe(paths, None, &*cluster, io)?;
    let mut first = Some(first);
    let deadline = Instant::now() + wait.unwrap_or_default();
    let mut delay = Duration::from_millis(500);
    let report = loop {
        let state = match first.take() {
            Some(state) => state,
            None => cluster.describe()?,
        };
        let report = gate(&rules.input(&specs, &state), required);
        let now = Instant::now();
        if report.ready || now >= deadline {
            break report;
        }
        let left = deadline - now;
        writeln!(
            io.err,
            "{}",
            render::gate_report::progress_line(&report, left)
        )?;
        std::thread::sleep(delay.min(left));
        delay = (delay * 2).min(Duration::from_secs(5));
    };
    match format {
        GateFormat::Text => render::gate_report::render_text(&report, io.out, io.palette)?,
        GateFormat::Json => render::gate_report::render_json(&report, io.out)?,
    }
    Ok(if report.ready {
        Outcome::Success
    } else {
        Outcome::Fail
    })
}
