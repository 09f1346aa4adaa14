//! Renders spec diagnostics: one line each, `error: message (file:line:col)`.

use std::io::{self, Write};

use super::Palette;
use crate::model::diagnostic::{Diagnostic, Severity};

pub fn render_text(diags: &[Diagnostic], w: &mut dyn Write, p: Palette) -> io::Result<()> {
    for d in diags {
        let level = match d.severity {
            Severity::Error => p.bad("error:"),
            Severity::Warning => p.changed("warning:"),
        };
        writeln!(
            w,
            "{level} {} {}",
            d.message,
            p.dim(&format!("({})", d.location()))
        )?;
    }
    Ok(())
}

pub fn errors(diags: &[Diagnostic]) -> usize {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count()
}
