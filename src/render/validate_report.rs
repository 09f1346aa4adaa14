//! Renders what `validate` found: the diagnostics and policy findings, then one closing line
//! (text), or the `topicgate-validate` document (JSON).

use std::io::{self, Write};

use serde::Serialize;

use super::Palette;
use crate::model::diagnostic::{Diagnostic, Severity};
use crate::model::document::{Document, Envelope};
use crate::model::finding::Finding;

/// What `validate` found; the `--format json` document.
#[derive(Debug, Serialize)]
pub struct ValidateReport<'a> {
    #[serde(flatten)]
    pub envelope: Envelope,
    pub valid: bool,
    pub files: usize,
    pub topics: usize,
    pub diagnostics: &'a [Diagnostic],
    /// Policy findings (topicgate.yaml) on valid specs.
    pub findings: &'a [Finding],
    /// Whether the specs loaded (then `valid` is false only for policy errors).
    #[serde(skip)]
    pub loaded: bool,
}

impl Document for ValidateReport<'_> {
    const FORMAT: &'static str = "topicgate-validate";
    const VERSION: u32 = 1;
}

impl ValidateReport<'_> {
    /// The policy findings that are errors.
    pub fn policy_errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    }
}

pub fn render_text(report: &ValidateReport, w: &mut dyn Write, p: Palette) -> io::Result<()> {
    super::diagnostics::render_text(report.diagnostics, w, p)?;
    super::findings::render_lines(report.findings, w, p, true)?;
    if report.valid {
        writeln!(
            w,
            "{} topic(s) in {} file(s): valid.",
            report.topics, report.files
        )
    } else if report.loaded {
        writeln!(
            w,
            "{} policy error(s): the specs break the rules of topicgate.yaml.",
            report.policy_errors()
        )
    } else {
        let errors = super::diagnostics::errors(report.diagnostics);
        writeln!(w, "{errors} error(s): the specs are not valid.")
    }
}

pub fn render_json(report: &ValidateReport, w: &mut dyn Write) -> io::Result<()> {
    super::json(report, w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closing_line_says_what_kind_of_invalid() {
        let diagnostics = vec![Diagnostic::error(
            std::path::Path::new("t.yaml"),
            None,
            "bad".to_string(),
        )];
        let text = |report: &ValidateReport| {
            let mut w = Vec::new();
            render_text(report, &mut w, Palette { color: false }).unwrap();
            String::from_utf8(w).unwrap()
        };
        let mut report = ValidateReport {
            envelope: Envelope::of::<ValidateReport>(),
            valid: true,
            files: 2,
            topics: 5,
            diagnostics: &[],
            findings: &[],
            loaded: true,
        };
        assert_eq!(text(&report), "5 topic(s) in 2 file(s): valid.\n");
        report.valid = false;
        assert_eq!(
            text(&report),
            "0 policy error(s): the specs break the rules of topicgate.yaml.\n"
        );
        report.loaded = false;
        report.diagnostics = &diagnostics;
        assert_eq!(
            text(&report),
            "error: bad (t.yaml)\n1 error(s): the specs are not valid.\n"
        );
    }
}
