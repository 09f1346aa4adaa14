//! `topicgate check`: specs -> describe -> check -> render findings.

use std::path::PathBuf;

use anyhow::Result;

use super::{load_and_describe, Io, Outcome};
use crate::check::check;
use crate::render;
use crate::settings::arguments::{CheckFormat, FailOn};
use crate::settings::ClusterSource;
use crate::settings::RuleSettings;

pub fn run(
    paths: &[PathBuf],
    source: ClusterSource,
    rules: &RuleSettings,
    format: CheckFormat,
    fail_on: FailOn,
    io: &mut Io,
) -> Result<Outcome> {
    let cluster = super::open(source, io)?;
    let (specs, state) = load_and_describe(paths, None, &*cluster, io)?;
    let report = check(&rules.input(&specs, &state));
    match format {
        CheckFormat::Text => render::findings::render_text(&report, io.out, io.palette)?,
        CheckFormat::Json => render::findings::render_json(&report, io.out)?,
        CheckFormat::Markdown => render::findings::render_markdown(&report, io.out)?,
        CheckFormat::Github => render::findings::render_github(&report, io.out)?,
    }
    let failing = match fail_on {
        FailOn::Error => report.summary.errors,
        FailOn::Warning => report.summary.errors + report.summary.warnings,
    };
    Ok(if failing > 0 {
        Outcome::Fail
    } else {
        Outcome::Success
    })
}
