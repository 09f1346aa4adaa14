//! A problem found in a spec file, with where it is. Validation collects every diagnostic
//! before failing; rendering them is the renderers' job.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::position::Pos;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: PathBuf,
    /// Where in the file, when known (a file that cannot be read has no position).
    #[serde(flatten)]
    pub pos: Option<Pos>,
    pub message: String,
}

impl Diagnostic {
    pub fn error(file: impl Into<PathBuf>, pos: Option<Pos>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            pos,
            message: message.into(),
        }
    }

    pub fn warning(file: impl Into<PathBuf>, pos: Option<Pos>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, pos, message)
        }
    }

    /// `file:line:col`, or just the file when the position is unknown.
    pub fn location(&self) -> String {
        location(&self.file, self.pos)
    }
}

pub fn location(file: &std::path::Path, pos: Option<Pos>) -> String {
    match pos {
        Some(p) => format!("{}:{}:{}", file.display(), p.line, p.col),
        None => file.display().to_string(),
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{level}: {} ({})", self.message, self.location())
    }
}
