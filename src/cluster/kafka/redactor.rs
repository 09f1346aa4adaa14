//! `Redactor`: removes every configured property value from text that comes back from
//! librdkafka (its config errors, log lines and error strings quote property values) before
//! topicgate shows or logs it. The adapter passes every such text through one `Redactor`.
//!
//! N.B. KAFKA.md: librdkafka's config errors quote the offending property's value.

use crate::cluster::{ClusterError, TopicOutcome};
use crate::model::secret::{Secret, REDACTED};

/// Properties whose values are settings, never secrets, and that librdkafka's messages name
/// usefully (`security.protocol` in a handshake error). Every other value is redacted.
const NOT_SECRET: &[&str] = &[
    "api.version.request",
    "broker.address.family",
    "debug",
    "security.protocol",
    "sasl.mechanism",
    "sasl.mechanisms",
    "ssl.endpoint.identification.algorithm",
];

#[derive(Debug, Clone, Default)]
pub(super) struct Redactor {
    /// The values to remove, longest first (so a value containing another goes whole).
    values: Vec<Secret>,
}

impl Redactor {
    pub(super) fn new(properties: &[(String, Secret)]) -> Redactor {
        let mut values: Vec<Secret> = properties
            .iter()
            .filter(|(key, value)| {
                let v = value.expose().trim();
                if v.is_empty() {
                    return false;
                }
                // A value that looks like a secret's goes whatever its length; any other value
                // unless it is a plain setting (`true`, an enum of a known non-secret key) or
                // too short to tell from the words around it.
                crate::model::connection::is_secret_property(key)
                    || (!NOT_SECRET.contains(&key.as_str())
                        && v.chars().count() >= 3
                        && !v.eq_ignore_ascii_case("true")
                        && !v.eq_ignore_ascii_case("false"))
            })
            .map(|(_, value)| value.clone())
            .collect();
        values.sort_by_key(|v| std::cmp::Reverse(v.expose().len()));
        values.dedup();
        Redactor { values }
    }

    /// `text` with every configured value replaced by `[redacted]`.
    pub(super) fn redact(&self, text: &str) -> String {
        let mut text = text.to_string();
        for value in &self.values {
            for v in [value.expose(), value.expose().trim()] {
                if !v.is_empty() && text.contains(v) {
                    text = text.replace(v, REDACTED);
                }
            }
        }
        text
    }

    /// An adapter error with its librdkafka text redacted.
    pub(super) fn cluster_error(&self, e: ClusterError) -> ClusterError {
        match e {
            ClusterError::Unreachable {
                bootstrap,
                timeout,
                detail,
            } => ClusterError::Unreachable {
                bootstrap,
                timeout,
                detail: self.redact(&detail),
            },
            ClusterError::Tls { bootstrap, detail } => ClusterError::Tls {
                bootstrap,
                detail: self.redact(&detail),
            },
            ClusterError::Authentication { bootstrap, detail } => ClusterError::Authentication {
                bootstrap,
                detail: self.redact(&detail),
            },
            ClusterError::Request { api, detail } => ClusterError::Request {
                api,
                detail: self.redact(&detail),
            },
            ClusterError::NoAnswer { api, detail } => ClusterError::NoAnswer {
                api,
                detail: self.redact(&detail),
            },
            ClusterError::Settings(detail) => ClusterError::Settings(self.redact(&detail)),
            e @ ClusterError::Unsupported { .. } => e,
        }
    }

    /// Per-topic outcomes with the broker's and librdkafka's messages redacted.
    pub(super) fn outcomes(&self, outcomes: Vec<TopicOutcome>) -> Vec<TopicOutcome> {
        outcomes
            .into_iter()
            .map(|(name, r)| {
                let r = r.map_err(|mut e| {
                    e.message = self.redact(&e.message);
                    e
                });
                (name, r)
            })
            .collect()
    }
}

/// A librdkafka client-creation error as a sentence that never quotes a value: for a config
/// error, librdkafka's description (itself redacted, and with anything it quotes other than
/// the key dropped, since a quoted value may be cut short and so escape `redact`) and the key.
pub(super) fn client_error(e: &rdkafka::error::KafkaError, redactor: &Redactor) -> String {
    match e {
        rdkafka::error::KafkaError::ClientConfig(_, desc, key, _value) => {
            let desc = unquote_all_but(&redactor.redact(desc), key);
            format!("`{key}`: {desc}")
        }
        other => redactor.redact(&other.to_string()),
    }
}

/// `text` with every double-quoted part other than `"keep"` replaced by `"[redacted]"` (an
/// unterminated quote runs to the end).
fn unquote_all_but(text: &str, keep: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('"') {
        out.push_str(&rest[..=open]);
        let after = &rest[open + 1..];
        match after.find('"') {
            Some(close) => {
                let quoted = &after[..close];
                out.push_str(if quoted == keep { quoted } else { REDACTED });
                out.push('"');
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(REDACTED);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(pairs: &[(&str, &str)]) -> Vec<(String, Secret)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Secret::from(*v)))
            .collect()
    }

    #[test]
    fn every_value_is_removed_but_plain_settings_stay_readable() {
        let r = Redactor::new(&props(&[
            ("sasl.passwordd", "pw"),
            ("sasl.username", "alice"),
            ("security.protocol", "SASL_SSL"),
            (
                "sasl.jaas.config",
                "org.Login required password=\"pw-long\";",
            ),
            ("enable.idempotence", "true"),
        ]));
        let text = "alice failed SASL_SSL handshake with pw; jaas org.Login required password=\"pw-long\"; true";
        assert_eq!(
            r.redact(text),
            "[redacted] failed SASL_SSL handshake with [redacted]; jaas [redacted] true"
        );
    }

    #[test]
    fn a_config_error_never_quotes_a_value_even_cut_short() {
        let e = rdkafka::error::KafkaError::ClientConfig(
            rdkafka_sys::types::RDKafkaConfRes::RD_KAFKA_CONF_INVALID,
            "Invalid value \"very-long-secret-cut-sh".into(),
            "sasl.mechanism".into(),
            "very-long-secret-cut-short-by-librdkafka".into(),
        );
        let text = client_error(&e, &Redactor::default());
        assert_eq!(text, "`sasl.mechanism`: Invalid value \"[redacted]");
        let e = rdkafka::error::KafkaError::ClientConfig(
            rdkafka_sys::types::RDKafkaConfRes::RD_KAFKA_CONF_UNKNOWN,
            "No such configuration property: \"sasl.passwordd\"".into(),
            "sasl.passwordd".into(),
            "S3cret".into(),
        );
        assert_eq!(
            client_error(&e, &Redactor::default()),
            "`sasl.passwordd`: No such configuration property: \"sasl.passwordd\""
        );
    }
}
