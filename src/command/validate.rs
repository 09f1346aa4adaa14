//! `topicgate validate`: load and validate specs offline.

use super::{Context, Outcome};
use crate::error::Error;
use crate::load::load;
use crate::model::document::Envelope;
use crate::render;
use crate::render::validate_report::ValidateReport;
use crate::settings::arguments::ValidateFormat;
use crate::settings::ValidateSettings;

pub(crate) fn run(s: &ValidateSettings, cx: &mut Context) -> Result<Outcome, Error> {
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
    let mut report = ValidateReport {
        envelope: Envelope::of::<ValidateReport>(),
        valid: false,
        files,
        topics,
        diagnostics: &diagnostics,
        findings: &findings,
        loaded,
    };
    report.valid = loaded && report.policy_errors() == 0;
    match s.format {
        ValidateFormat::Json => render::validate_report::render_json(&report, io.out)?,
        ValidateFormat::Text => render::validate_report::render_text(&report, io.out, io.palette)?,
    }
    let valid = report.valid;
    if unreadable {
        return Err(Error::SpecPathsUnreadable);
    }
    Ok(if valid {
        Outcome::Success
    } else {
        Outcome::Fail
    })
}
