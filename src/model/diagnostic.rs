//! A problem found in a spec file, with where it is. Validation collects every diagnostic
//! before failing; rendering them is the renderers' job.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::model::position::Pos;

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

/// A serde error message (serde_yaml for topicgate.yaml, serde_json for snapshots) in a user's
/// words: "`policies.min_partitions` must be a mapping, got the whole number `3`" rather than
/// "policies.min_partitions: invalid type: integer `3`, expected struct LimitRule". Rust's type
/// names (`struct LimitRule`, `i16`, `a sequence`) never reach the user. The location, which the
/// caller reports, must already be cut off.
pub fn plain_serde_error(message: &str) -> String {
    const PHRASES: &[&str] = &[
        "invalid type: ",
        "invalid value: ",
        "invalid length ",
        "unknown field ",
        "missing field ",
        "unknown variant ",
        "duplicate field ",
        "duplicate entry ",
        "data did not match ",
    ];
    // serde_yaml puts the path to the value first: `clusters.prod.properties: invalid type: ...`.
    let (path, rest) = PHRASES
        .iter()
        .filter_map(|p| message.find(p))
        .min()
        .filter(|&at| at >= 2 && &message[at - 2..at] == ": ")
        .map_or((None, message), |at| {
            (Some(&message[..at - 2]), &message[at..])
        });
    let subject = path.map_or_else(|| "a value".to_string(), |p| format!("`{p}`"));
    let mismatch = |body: &str, of_type: bool| {
        body.split_once(", expected ").map(|(got, expected)| {
            format!(
                "{subject} must be {}, got {}",
                expected_words(expected),
                unexpected_words(got, of_type)
            )
        })
    };
    if let Some(text) = rest
        .strip_prefix("invalid type: ")
        .and_then(|body| mismatch(body, true))
    {
        return text;
    }
    if let Some(text) = rest
        .strip_prefix("invalid value: ")
        .and_then(|body| mismatch(body, false))
    {
        return text;
    }
    if rest.starts_with("data did not match ") {
        return format!("{subject} has none of the accepted shapes");
    }
    let rest = rest
        .replace("a sequence", "a list")
        .replace("a map", "a mapping");
    match path {
        Some(p) => format!("`{p}`: {rest}"),
        None => rest,
    }
}

/// serde's "expected ..." (a Rust type's `expecting` text) in words.
fn expected_words(expected: &str) -> String {
    let range = |min: i128, max: u128| format!("a whole number from {min} to {max}");
    match expected {
        "i8" => range(i8::MIN.into(), i8::MAX as u128),
        "i16" => range(i16::MIN.into(), i16::MAX as u128),
        "i32" => range(i32::MIN.into(), i32::MAX as u128),
        "i64" | "i128" | "isize" => "a whole number".into(),
        "u8" => range(0, u8::MAX.into()),
        "u16" => range(0, u16::MAX.into()),
        "u32" => range(0, u32::MAX.into()),
        "u64" | "u128" | "usize" => "a whole number, 0 or more".into(),
        "f32" | "f64" => "a number".into(),
        "a borrowed string" => "a string".into(),
        "a sequence" => "a list".into(),
        "a map" => "a mapping".into(),
        "unit" => "empty".into(),
        "option" => "a value".into(),
        e if e.starts_with("struct ") => "a mapping".into(),
        e if e.starts_with("enum ") => "one of the names it accepts".into(),
        e if e.starts_with("a tuple of size ") => format!("a list of {}", &e[16..]),
        e => e.into(),
    }
}

/// serde's description of the value found (`integer `3``, `sequence`) in words; `of_type`: the
/// value has the wrong type (so say its type), not just a wrong value (so just quote it).
fn unexpected_words(got: &str, of_type: bool) -> String {
    let typed = [
        ("integer ", "the whole number "),
        ("floating point ", "the decimal number "),
        ("boolean ", "the boolean "),
        ("string ", "the string "),
        ("character ", "the character "),
    ];
    for (serde, words) in typed {
        if let Some(value) = got.strip_prefix(serde) {
            return if of_type {
                format!("{words}{value}")
            } else {
                value.to_string()
            };
        }
    }
    match got {
        "sequence" => "a list".into(),
        "map" => "a mapping".into(),
        "unit value" | "Option value" => "nothing".into(),
        other => other.into(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_errors_in_words() {
        assert_eq!(
            plain_serde_error(
                "policies.min_partitions: invalid type: integer `3`, expected struct LimitRule"
            ),
            "`policies.min_partitions` must be a mapping, got the whole number `3`"
        );
        assert_eq!(
            plain_serde_error("invalid value: integer `70000`, expected i16"),
            "a value must be a whole number from -32768 to 32767, got `70000`"
        );
        assert_eq!(
            plain_serde_error("ignore: invalid type: map, expected a sequence"),
            "`ignore` must be a list, got a mapping"
        );
        assert_eq!(
            plain_serde_error("clusters.a: unknown field `x`, expected one of `y`, `z`"),
            "`clusters.a`: unknown field `x`, expected one of `y`, `z`"
        );
        assert_eq!(
            plain_serde_error("missing field `value`"),
            "missing field `value`"
        );
    }
}
