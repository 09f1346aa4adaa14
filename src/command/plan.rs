//! `topicgate plan`: specs -> describe -> plan -> render (and save for `apply --plan`).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::{load_and_describe, Io, Outcome};
use crate::arguments::PlanFormat;
use crate::config::ClusterSource;
use crate::plan::plan;
use crate::policy::CompiledPolicies;
use crate::render;

pub fn run(
    paths: &[PathBuf],
    policies: &CompiledPolicies,
    source: ClusterSource,
    format: PlanFormat,
    out_file: Option<&Path>,
    exit_code: bool,
    io: &mut Io,
) -> Result<Outcome> {
    let cluster = super::open(source, io)?;
    let (specs, state) = load_and_describe(paths, Some(policies), &*cluster, io)?;
    let plan = plan(&specs, &state);
    super::log_plan(&plan);
    if let Some(file) = out_file {
        let json = serde_json::to_vec_pretty(&plan)?;
        std::fs::write(file, json)
            .with_context(|| format!("cannot write the plan to `{}`", file.display()))?;
        log::info!("saved the plan to `{}`", file.display());
    }
    match format {
        PlanFormat::Text => render::plan::render_text(&plan, io.out, io.palette)?,
        PlanFormat::Json => render::plan::render_json(&plan, io.out)?,
        PlanFormat::Markdown => render::plan::render_markdown(&plan, io.out)?,
    }
    Ok(if exit_code && !plan.is_empty() {
        Outcome::Fail
    } else {
        Outcome::Success
    })
}
