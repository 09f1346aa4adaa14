//! `Secret`: a value that may be secret (every librdkafka property value is treated as one). It
//! never shows itself: `Debug` and `Display` print `[redacted]`, it has no `Serialize`, and the
//! value is read only through `expose`, at the one place that hands it to librdkafka.

use std::fmt;

/// What a secret looks like wherever it would have been shown.
pub const REDACTED: &str = "[redacted]";

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value itself: only for handing it to the client, never for a message.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Secret {
        Secret::new(value)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_formats_its_value() {
        let s = Secret::new("hunter2");
        assert_eq!(
            format!("{s} {s:?} {s:#?}"),
            "[redacted] [redacted] [redacted]"
        );
        assert_eq!(
            format!("{:?}", vec![("sasl.password".to_string(), s.clone())]),
            "[(\"sasl.password\", [redacted])]"
        );
        assert_eq!(s.expose(), "hunter2");
    }
}
