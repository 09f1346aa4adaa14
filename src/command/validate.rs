//! `topicgate validate`: load and validate specs offline.

use std::path::PathBuf;

use anyhow::Result;
use serde::Serialize;

use super::{Io, Outcome};
use crate::arguments::ValidateFormat;
use crate::diagnostic::Diagnostic;
use crate::load::load;
use crate::render;

/// The `--format json` document of `validate`.
#[derive(Serialize)]
struct ValidateReport<'a> {
    format: &'static str,
    format_version: u32,
    valid: bool,
    files: usize,
    topics: usize,
    diagnostics: &'a [Diagnostic],
}

pub fn run(paths: &[PathBuf], format: ValidateFormat, io: &mut Io) -> Result<Outcome> {
    let (valid, files, topics, diagnostics, unreadable) = match load(paths) {
        Ok(l) => (
            true,
            l.specs.files.len(),
            l.specs.topics.len(),
            l.warnings,
            false,
        ),
        Err(e) => (false, 0, 0, e.diagnostics, e.unreadable),
    };
    match format {
        ValidateFormat::Json => {
            let report = ValidateReport {
                format: "topicgate-validate",
                format_version: 1,
                valid,
                files,
                topics,
                diagnostics: &diagnostics,
            };
            serde_json::to_writer_pretty(&mut *io.out, &report)?;
            writeln!(io.out)?;
        }
        ValidateFormat::Text => {
            render::diagnostics::render_text(&diagnostics, io.out, io.palette)?;
            if valid {
                writeln!(io.out, "{} topic(s) in {} file(s): valid.", topics, files)?;
            } else {
                let errors = render::diagnostics::errors(&diagnostics);
                writeln!(io.out, "{errors} error(s): the specs are not valid.")?;
            }
        }
    }
    if unreadable {
        anyhow::bail!("some spec paths could not be read");
    }
    Ok(if valid {
        Outcome::Success
    } else {
        Outcome::Fail
    })
}
