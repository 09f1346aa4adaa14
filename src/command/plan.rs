//! `topicgate plan`: specs -> describe -> plan -> render (and save for `apply --plan`).

use std::path::{Path, PathBuf};

use super::{load_and_describe, Context, Outcome};
use crate::error::Error;
use crate::model::document;
use crate::model::plan::Plan;
use crate::plan::plan;
use crate::render;
use crate::settings::arguments::PlanFormat;
use crate::settings::PlanSettings;

pub(super) fn run(s: &PlanSettings, cx: &mut Context) -> Result<Outcome, Error> {
    let (paths, out_file, io) = (&s.paths, s.out.as_deref(), &mut cx.io);
    if let Some(file) = out_file {
        check_plan_file(paths, file)?;
    }
    let cluster = super::open(cx.connector, &s.source, io)?;
    let (specs, state) = load_and_describe(paths, Some(&cx.policies), &*cluster, io)?;
    let plan = plan(&specs, &state);
    super::leave_to_exit(state);
    super::log_plan(&plan);
    if let Some(file) = out_file {
        let mut json = Vec::new();
        document::write(&plan, &mut json)?;
        std::fs::write(file, json).map_err(|source| Error::WritePlan {
            file: file.to_path_buf(),
            source,
        })?;
        log::info!("saved the plan to `{}`", file.display());
    }
    match s.format {
        PlanFormat::Text => render::plan::render_text(&plan, io.out, io.palette)?,
        PlanFormat::Json => render::plan::render_json(&plan, io.out)?,
        PlanFormat::Markdown => render::plan::render_markdown(&plan, io.out)?,
    }
    Ok(if s.exit_code && !plan.is_empty() {
        Outcome::Fail
    } else {
        Outcome::Success
    })
}

/// `--out FILE` may write a new file or replace an earlier plan (or an empty file); never a spec
/// file, a file the loader would read as one next time, or any other existing file.
fn check_plan_file(paths: &[PathBuf], file: &Path) -> Result<(), Error> {
    let refuse = |why: String| {
        Err(Error::PlanFileRefused {
            file: file.to_path_buf(),
            why,
        })
    };
    if let Some(why) = crate::load::read_as_spec(paths, file) {
        return refuse(why);
    }
    match std::fs::read(file) {
        Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => Ok(()),
        Ok(bytes) => {
            if document::is::<Plan>(&bytes) {
                Ok(())
            } else {
                refuse("exists and is not a topicgate plan".into())
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => refuse(format!("cannot be read to check what it is ({e})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::memory::MemoryCluster;
    use crate::command::testing::{has_line, live, run as run_with, spec_dir};
    use crate::fixtures::kafka_topic;

    const SPECS: &str = "topics:\n  - name: orders\n    partitions: 3\n    replication_factor: 1\n  - name: audit\n    partitions: 1\n    replication_factor: 1\n";

    fn settings(dir: &Path, format: PlanFormat, exit_code: bool) -> PlanSettings {
        PlanSettings {
            paths: vec![dir.to_path_buf()],
            source: live(),
            format,
            out: None,
            exit_code,
        }
    }

    #[test]
    fn plan_shows_what_would_change_and_changes_nothing() {
        let cluster = MemoryCluster::new();
        cluster.insert_topic("audit", kafka_topic(1, 1, &[]));
        let dir = spec_dir(SPECS);
        let ran = run_with(&cluster, |cx| {
            run(&settings(dir.path(), PlanFormat::Text, true), cx)
        });
        assert_eq!(
            ran.outcome(),
            Outcome::Fail,
            "--exit-code with a pending change"
        );
        assert!(
            has_line(
                &ran.out,
                "Plan for `memory`: 1 to create, 0 to update, 0 to delete, 0 blocked, 1 unchanged."
            ),
            "{}",
            ran.out
        );
        let at = dir.path().join("topics.yaml");
        let head = format!("+ create orders  ({}:2:5)", at.display());
        assert!(has_line(&ran.out, &head), "{}", ran.out);
        assert!(has_line(&ran.out, "    +partitions: 3"), "{}", ran.out);
        assert!(
            cluster.requests().is_empty(),
            "plan sent {:?}",
            cluster.requests()
        );

        cluster.insert_topic("orders", kafka_topic(3, 1, &[]));
        let ran = run_with(&cluster, |cx| {
            run(&settings(dir.path(), PlanFormat::Text, true), cx)
        });
        assert_eq!(ran.outcome(), Outcome::Success);
        assert_eq!(ran.out, "No changes: 2 declared topic(s) match `memory`.\n");
    }

    #[test]
    fn plan_json_is_a_plan_document() {
        let cluster = MemoryCluster::new();
        let dir = spec_dir(SPECS);
        let ran = run_with(&cluster, |cx| {
            run(&settings(dir.path(), PlanFormat::Json, false), cx)
        });
        assert_eq!(ran.outcome(), Outcome::Success);
        let doc: serde_json::Value = serde_json::from_str(&ran.out).unwrap();
        assert_eq!(doc["format"], "topicgate-plan");
        assert_eq!(doc["summary"]["create"], 2);
    }

    #[test]
    fn invalid_specs_are_an_error_before_any_plan() {
        let cluster = MemoryCluster::new();
        let dir = spec_dir(
            "topics:\n  - name: orders\n    partitions: many\n    replication_factor: 1\n",
        );
        let ran = run_with(&cluster, |cx| {
            run(&settings(dir.path(), PlanFormat::Text, false), cx)
        });
        assert!(matches!(ran.result, Err(Error::Specs(1))), "{}", ran.err);
        assert!(ran.out.is_empty(), "{}", ran.out);
        assert!(ran.err.contains("topics.yaml:3:"), "{}", ran.err);
    }
}
