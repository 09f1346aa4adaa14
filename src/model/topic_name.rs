//! Kafka's rules for a topic name, checked in one place: spec files, `--require`,
//! `--require-file`, saved plans and snapshots all go through `check`.

/// Kafka's topic name rules: the one check every topic name goes through (specs, `--require`,
/// `--require-file`, saved plans). N.B. KAFKA.md: `[a-zA-Z0-9._-]`, 1 to 249 characters, not `.`
/// or `..`. The name is user text: it is measured and shortened by character, never sliced by
/// byte (a multi-byte character would make a byte slice panic).
pub fn check(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("topic name is empty".into());
    }
    if name == "." || name == ".." {
        return Err(format!("`{name}` is not a legal topic name"));
    }
    let mut problems = Vec::new();
    let length = name.chars().count();
    if length > 249 {
        problems.push(format!(
            "topic name `{}` is {length} characters long; Kafka allows at most 249",
            shorten(name, 40)
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        let subject = if problems.is_empty() {
            format!("topic name `{}`", shorten(name, 100))
        } else {
            "it also".to_string()
        };
        problems.push(format!(
            "{subject} contains {bad:?}; Kafka allows only ASCII letters, digits, `.`, `_` and `-`"
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// The first `max` characters of `text`, with `…` when some were left out.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_name_rules() {
        assert!(check("orders.created_v2-x").is_ok());
        assert!(check("").is_err());
        assert!(check(".").is_err());
        assert!(check("..").is_err());
        assert!(check(&"a".repeat(249)).is_ok());
        assert!(check(&"a".repeat(250)).is_err());
        assert!(check("a/b").is_err());
        assert!(check("ä").is_err());
    }

    #[test]
    fn a_long_name_with_a_multi_byte_character_is_refused_without_panicking() {
        // Regression: the name was sliced by byte for the message and panicked inside `é`.
        let name = format!("{}é{}", "a".repeat(39), "a".repeat(220));
        let err = check(&name).unwrap_err();
        assert!(err.contains("260 characters"), "{err}");
        assert!(err.contains(&format!("`{}é…`", "a".repeat(39))), "{err}");
        let err = check(&"é".repeat(200)).unwrap_err();
        assert!(err.contains("'é'"), "{err}");
    }
}
