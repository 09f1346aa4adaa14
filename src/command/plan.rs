//! `topicgate plan`: specs -> describe -> plan -> render (and save for `apply --plan`).

use std::path::{Path, PathBuf};

use super::{load_and_describe, Context, Outcome};
use crate::error::Error;
use crate::model::plan::{PLAN_FORMAT, PLAN_FORMAT_VERSION};
use crate::plan::plan;
use crate::render;
use crate::settings::arguments::PlanFormat;
use crate::settings::PlanSettings;

pub fn run(s: &PlanSettings, cx: &mut Context) -> Result<Outcome, Error> {
    let (paths, out_file, io) = (&s.paths, s.out.as_deref(), &mut cx.io);
    if let Some(file) = out_file {
        check_plan_file(paths, file)?;
    }
    let cluster = super::open(&s.source, io)?;
    let (specs, state) = load_and_describe(paths, Some(&cx.policies), &*cluster, io)?;
    let plan = plan(&specs, &state);
    super::log_plan(&plan);
    if let Some(file) = out_file {
        let json = serde_json::to_vec_pretty(&plan)?;
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
            let is_plan = serde_json::from_slice::<serde_json::Value>(&bytes).is_ok_and(|v| {
                crate::model::document::check_format(&v, PLAN_FORMAT, PLAN_FORMAT_VERSION).is_ok()
            });
            if is_plan {
                Ok(())
            } else {
                refuse("exists and is not a topicgate plan".into())
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => refuse(format!("cannot be read to check what it is ({e})")),
    }
}
