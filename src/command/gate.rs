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

pub(super) fn run(s: &GateSettings, cx: &mut Context) -> Result<Outcome, Error> {
    let (rules, required, wait, io) = (&s.rules, &s.required, s.wait, &mut cx.io);
    let start = Instant::now();
    let deadline = start + wait.unwrap_or_default();
    // A live client outlives a broker restart: it sees the cluster again once a broker answers.
    let cluster = super::open(cx.connector, &s.source, io)?;
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
                            render::gate_report::last_answer_warning(
                                &e,
                                deadline.saturating_duration_since(at),
                                io.err,
                                io.err_palette,
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
            render::gate_report::write_progress(&line, io.err)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::memory::MemoryCluster;
    use crate::command::testing::{has_line, live, rules, run as run_with, spec_dir};
    use crate::fixtures::kafka_topic;

    const SPECS: &str = "topics:\n  - name: orders\n    partitions: 3\n    replication_factor: 1\n  - name: audit\n    partitions: 1\n    replication_factor: 1\n";

    fn settings(dir: &std::path::Path, format: GateFormat) -> GateSettings {
        GateSettings {
            paths: vec![dir.to_path_buf()],
            source: live(),
            rules: rules(),
            required: vec!["orders".into(), "audit".into()],
            wait: None,
            format,
        }
    }

    #[test]
    fn the_gate_says_which_topic_is_not_ready_and_creates_nothing() {
        let cluster = MemoryCluster::new();
        cluster.insert_topic("orders", kafka_topic(3, 1, &[]));
        let dir = spec_dir(SPECS);
        let ran = run_with(&cluster, |cx| {
            run(&settings(dir.path(), GateFormat::Text), cx)
        });
        assert_eq!(ran.outcome(), Outcome::Fail);
        assert!(has_line(&ran.out, "  NOT READY audit"), "{}", ran.out);
        assert!(has_line(&ran.out, "  ready     orders"), "{}", ran.out);
        assert!(
            has_line(
                &ran.out,
                "gate: not ready: 1 of 2 required topic(s) are not ready."
            ),
            "{}",
            ran.out
        );
        assert!(
            ran.out.contains("missing-topic: `audit` is declared ("),
            "{}",
            ran.out
        );
        assert!(
            cluster.requests().is_empty(),
            "the gate sent {:?}",
            cluster.requests()
        );
    }

    #[test]
    fn the_gate_opens_when_every_required_topic_matches() {
        let cluster = MemoryCluster::new();
        cluster.insert_topic("orders", kafka_topic(3, 1, &[]));
        cluster.insert_topic("audit", kafka_topic(1, 1, &[]));
        let dir = spec_dir(SPECS);
        let ran = run_with(&cluster, |cx| {
            run(&settings(dir.path(), GateFormat::Json), cx)
        });
        assert_eq!(ran.outcome(), Outcome::Success);
        let doc: serde_json::Value = serde_json::from_str(&ran.out).unwrap();
        assert_eq!(doc["format"], "topicgate-gate");
        assert_eq!(doc["ready"], true);
        assert_eq!(doc["topics"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn an_unreachable_cluster_without_wait_is_an_error() {
        let mut cluster = MemoryCluster::new();
        cluster.faults.unreachable = true;
        let dir = spec_dir(SPECS);
        let ran = run_with(&cluster, |cx| {
            run(&settings(dir.path(), GateFormat::Text), cx)
        });
        assert!(
            matches!(ran.result, Err(Error::Cluster(ref e)) if e.is_transient()),
            "{:?}",
            ran.result
        );
        assert!(ran.out.is_empty(), "{}", ran.out);
    }
}
