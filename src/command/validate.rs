//! `topicgate validate`: load and validate specs offline.

use serde::Serialize;

use super::{Context, Outcome};
use crate::error::Error;
use crate::load::load;
use crate::model::diagnostic::{Diagnostic, Severity};
use crate::model::document::{Document, Envelope};
use crate::model::finding::Finding;
use crate::render;
use crate::settings::arguments::ValidateFormat;
use crate::settings::ValidateSettings;

/// The `--format json` document of `validate`.
#[derive(Serialize)]
struct ValidateReport<'a> {
    #[serde(flatten)]
    envelope: Envelope,
    valid: bool,
    files: usize,
    topics: usize,
    diagnostics: &'a [Diagnostic],
    /// Policy findings (topicgate.yaml) on valid specs.
    findings: &'a [Finding],
}

impl Document for ValidateReport<'_> {
    const FORMAT: &'static str = "topicgate-validate";
    const VERSION: u32 = 1;
}

pub fn run(s: &ValidateSettings, cx: &mut Context) -> Result<Outcome, Error> {
    let io = &mut cx.io;
    let (loaded, files, topics, diagnostics, unreadable, findings) = match load(&s.paths) {
        Ok(l) => {
            super::log_loaded(&l.specs);
            let findings = cx.policies.evaluate_specs(&l.specs);
            let (files, topics) = (l.specs.files.len(), l.specs.topics.len());
            (true, files, topics, l.warnings, false, findings)
        }
        Err(e) => (false, 0, 0, e.diagnostics, e.unreadable, Vec::new()),
    };
    log::info!(
        "{} diagnostic(s), {} policy finding(s)",
        diagnostics.len(),
        findings.len()
    );
    let policy_errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let valid = loaded && policy_errors == 0;
    match s.format {
        ValidateFormat::Json => {
            let report = ValidateReport {
                envelope: Envelope::of::<ValidateReport>(),
                valid,
                files,
                topics,
                diagnostics: &diagnostics,
                findings: &findings,
            };
            render::json(&report, io.out)?;
        }
        ValidateFormat::Text => {
            render::diagnostics::render_text(&diagnostics, io.out, io.palette)?;
            render::findings::render_lines(&findings, io.out, io.palette, true)?;
            if valid {
                writeln!(io.out, "{} topic(s) in {} file(s): valid.", topics, files)?;
            } else if loaded {
                writeln!(
                    io.out,
                    "{policy_errors} policy error(s): the specs break the rules of topicgate.yaml."
                )?;
            } else {
                let errors = render::diagnostics::errors(&diagnostics);
                writeln!(io.out, "{errors} error(s): the specs are not valid.")?;
            }
        }
    }
    if unreadable {
        return Err(Error::SpecPathsUnreadable);
    }
    Ok(if valid {
        Outcome::Success
    } else {
        Outcome::Fail
    })
}
