//! `topicgate check`: specs -> describe -> check -> render findings.

use super::{load_and_describe, Context, Outcome};
use crate::check::check;
use crate::error::Error;
use crate::render;
use crate::settings::arguments::{CheckFormat, FailOn};
use crate::settings::CheckSettings;

pub fn run(s: &CheckSettings, cx: &mut Context) -> Result<Outcome, Error> {
    let io = &mut cx.io;
    let cluster = super::open(&s.source, io)?;
    let (specs, state) = load_and_describe(&s.paths, None, &*cluster, io)?;
    let report = check(&s.rules.input(&specs, &state));
    match s.format {
        CheckFormat::Text => render::findings::render_text(&report, io.out, io.palette)?,
        CheckFormat::Json => render::findings::render_json(&report, io.out)?,
        CheckFormat::Markdown => render::findings::render_markdown(&report, io.out)?,
        CheckFormat::Github => render::findings::render_github(&report, io.out)?,
    }
    let failing = match s.fail_on {
        FailOn::Error => report.summary.errors,
        FailOn::Warning => report.summary.errors + report.summary.warnings,
    };
    Ok(if failing > 0 {
        Outcome::Fail
    } else {
        Outcome::Success
    })
}
