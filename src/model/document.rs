//! The versioned JSON documents topicgate writes and reads back (`topicgate-plan`,
//! `topicgate-snapshot`, `topicgate-check`, `topicgate-gate`, `topicgate-validate`,
//! `topicgate-apply`): one envelope (`format`, `format_version`) that each opens with, one writer
//! and one reader. A document of another kind or version is refused in words a user reads
//! (never Rust's `Debug` text such as `Some("topicgate-plan")`).

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::position::Pos;

/// A versioned JSON document: its name and version. Its type holds an `Envelope`, flattened
/// first (`#[serde(flatten)] envelope: Envelope`), made with `Envelope::of::<Self>()`.
pub trait Document: Serialize {
    const FORMAT: &'static str;
    const VERSION: u32;
}

/// What every document opens with: its name and version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    pub format: String,
    pub format_version: u32,
}

impl Envelope {
    /// The envelope of a `T`.
    pub fn of<T: Document + ?Sized>() -> Envelope {
        Envelope {
            format: T::FORMAT.to_string(),
            format_version: T::VERSION,
        }
    }
}

/// Writes `doc` as pretty JSON (no newline after it).
pub fn write<T: Document>(doc: &T, w: &mut dyn std::io::Write) -> Result<(), serde_json::Error> {
    serde_json::to_writer_pretty(w, doc)
}

/// Why a text is not a `T`.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// Not JSON at all.
    #[error(transparent)]
    NotJson(serde_json::Error),
    /// A JSON document of another kind or version: what was found instead.
    #[error("{0}")]
    OtherFormat(String),
    /// The right kind of document with a wrong value: serde's message in words, and where
    /// (`file:line:col`).
    #[error("{message}")]
    Invalid { message: String, location: String },
}

/// Reads a `T` from `text` (read from `path`): JSON, then the envelope, then the fields.
pub fn read<T: Document + DeserializeOwned>(text: &str, path: &Path) -> Result<T, DocumentError> {
    let value: Value = serde_json::from_str(text).map_err(DocumentError::NotJson)?;
    check_format(&value, T::FORMAT, T::VERSION).map_err(DocumentError::OtherFormat)?;
    // From the text, not the value, so that a mistake has a line.
    serde_json::from_str(text).map_err(|e| {
        let message = e.to_string();
        let message = message
            .find(" at line ")
            .map_or(&*message, |i| &message[..i]);
        DocumentError::Invalid {
            message: crate::model::diagnostic::plain_serde_error(message),
            location: crate::model::diagnostic::location(
                path,
                (e.line() > 0).then(|| Pos {
                    line: e.line(),
                    col: e.column(),
                }),
            ),
        }
    })
}

/// Whether `bytes` are a JSON document of `T`'s format and version.
pub fn is<T: Document>(bytes: &[u8]) -> bool {
    serde_json::from_slice::<Value>(bytes)
        .is_ok_and(|v| check_format(&v, T::FORMAT, T::VERSION).is_ok())
}

/// `Ok` when `value` is a `format` document of `version`; otherwise what it is instead
/// ("expected format `topicgate-snapshot` version 1, found format `topicgate-plan` version 1").
fn check_format(value: &Value, format: &str, version: u32) -> Result<(), String> {
    let found_format = value.get("format").and_then(Value::as_str);
    let found_version = value.get("format_version").and_then(Value::as_u64);
    if found_format == Some(format) && found_version == Some(u64::from(version)) {
        return Ok(());
    }
    Err(format!(
        "expected format `{format}` version {version}, found {}",
        describe(value)
    ))
}

/// What kind of document `value` says it is.
fn describe(value: &Value) -> String {
    let Value::Object(map) = value else {
        return format!("{} instead of a JSON object", kind(value));
    };
    let format = match map.get("format") {
        None => "no `format`".to_string(),
        Some(Value::String(s)) => format!("format `{s}`"),
        Some(other) => format!("a `format` that is {}", kind(other)),
    };
    let version = match map.get("format_version") {
        None => "no `format_version`".to_string(),
        Some(v) if v.is_u64() => format!("version {v}"),
        Some(other) => format!("a `format_version` that is {}", kind(other)),
    };
    format!("{format} and {version}")
}

/// A JSON value's kind, as a person says it.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a decimal number",
        Value::Number(_) => "a whole number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // Regression: a mismatch printed Rust `Debug` text (`found Some("topicgate-plan") version Some(1)`).
    #[test]
    fn a_mismatch_says_what_was_found_in_words() {
        let err = check_format(
            &json!({"format": "topicgate-plan", "format_version": 1}),
            "topicgate-snapshot",
            1,
        )
        .unwrap_err();
        assert_eq!(
            err,
            "expected format `topicgate-snapshot` version 1, found format `topicgate-plan` and version 1"
        );
        let err = check_format(&json!({"format_version": "1"}), "topicgate-plan", 1).unwrap_err();
        assert!(
            err.ends_with("found no `format` and a `format_version` that is a string"),
            "{err}"
        );
        let err = check_format(&json!([1]), "topicgate-plan", 1).unwrap_err();
        assert!(
            err.ends_with("found a list instead of a JSON object"),
            "{err}"
        );
        assert!(!err.contains("Some(") && !err.contains("None"), "{err}");
        assert!(check_format(
            &json!({"format": "topicgate-plan", "format_version": 1}),
            "topicgate-plan",
            1
        )
        .is_ok());
    }
}
