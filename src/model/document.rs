//! The versioned JSON documents topicgate writes and reads back (`topicgate-plan`,
//! `topicgate-snapshot`): telling one kind from another, and saying what was found in words a
//! user reads (never Rust's `Debug` text such as `Some("topicgate-plan")`).

use serde_json::Value;

/// `Ok` when `value` is a `format` document of `version`; otherwise what it is instead
/// ("expected format `topicgate-snapshot` version 1, found format `topicgate-plan` version 1").
pub fn check_format(value: &Value, format: &str, version: u32) -> Result<(), String> {
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
