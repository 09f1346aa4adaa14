//! A client connection to Kafka, as the settings resolve it and the adapter uses it
//! (`Connection`), and the facts about one that both need: which librdkafka properties hold
//! secrets or name the cluster's address, and the timeout's range. Here so that the adapter
//! (`cluster/kafka/`) and the settings (`settings/`) each read them without
//! importing the other.

use std::time::Duration;

use crate::model::secret::Secret;

/// Where and how to connect to a cluster. Every property value is a `Secret`, so `{:?}` of a
/// connection (or of the settings holding one) shows property names, never values.
#[derive(Debug, Clone)]
pub struct Connection {
    pub bootstrap_servers: String,
    /// librdkafka properties (`-X key=value`, topicgate.yaml `properties` and
    /// `secret_properties`): security settings and the like. Every value is treated as a
    /// secret: never shown, and removed from any text librdkafka returns.
    pub properties: Vec<(String, Secret)>,
    /// Deadline for reaching the cluster and for each request, within `TIMEOUT_RANGE`.
    pub timeout: Duration,
    /// Where SASL/OAUTHBEARER tokens come from, when the client gets them from topicgate
    /// (set on the client at start and again before each expires).
    pub token_source: Option<TokenSource>,
}

/// A source of OAUTHBEARER tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSource {
    /// A JWT in a file, read again for every refresh (a token that another process rotates,
    /// like a Kubernetes projected service-account token). Its lifetime and principal come from
    /// its `exp` and `sub` claims.
    File(std::path::PathBuf),
    /// AWS MSK IAM: a SigV4-presigned token for `region`, signed with the credentials of the
    /// environment or the shared credentials file, made afresh for every refresh.
    MskIam { region: String },
    /// librdkafka's unsecured test tokens (`enable.sasl.oauthbearer.unsecure.jwt=true`, with
    /// `sasl.oauthbearer.config=principal=NAME [lifeSeconds=N]`), made again at each refresh:
    /// librdkafka's own refresher never runs once the refresh event is served by topicgate.
    Unsecured {
        principal: String,
        lifetime: Duration,
    },
}

/// The range of a connection's timeout (`--timeout`, `Connection::timeout`), and how to
/// say it. N.B. librdkafka refuses admin request and operation timeouts above 3,600,000 ms (1h)
/// [src rdkafka_admin.c, `rd_kafka_AdminOptions_init`]; below 1s a healthy cluster cannot be
/// described.
pub const TIMEOUT_RANGE: (Duration, Duration, &str) = (
    Duration::from_secs(1),
    Duration::from_secs(3600),
    "from 1s to 1h",
);

/// Properties whose values are secrets: never accepted in the file itself. A near miss of a
/// secret's name counts too (`sasl.passwrd`, `sasl.jass.config`): librdkafka refuses it, and
/// its error would quote the value.
pub fn is_secret_property(key: &str) -> bool {
    secret_resemblance(key).is_some()
}

/// The secret word or property name that `key` is, contains or nearly spells.
pub fn secret_resemblance(key: &str) -> Option<&'static str> {
    // Words that mark a secret, with how many typos still count as the word.
    const WORDS: &[(&str, usize)] = &[
        ("password", 2),
        ("passwd", 1),
        ("passphrase", 2),
        ("secret", 1),
        ("token", 1),
        ("jaas", 1),
    ];
    // librdkafka properties whose values are secrets without saying so in a word.
    const KEYS: &[&str] = &[
        "sasl.jaas.config",
        "sasl.oauthbearer.config",
        "ssl.key.pem",
        "sasl.oauthbearer.assertion.private.key.pem",
    ];
    // librdkafka properties that contain such a word but hold no secret.
    const NOT_SECRET: &[&str] = &["sasl.oauthbearer.token.endpoint.url"];
    let k = key.trim().to_ascii_lowercase();
    if NOT_SECRET.contains(&k.as_str()) {
        return None;
    }
    for (word, _) in WORDS {
        if k.contains(word) {
            return Some(word);
        }
    }
    let segments: Vec<&str> = k.split(['.', '_', '-']).collect();
    for segment in &segments {
        for (word, typos) in WORDS {
            // Short segments are too easily a typo's distance from a short word.
            if segment.len() + 1 >= word.len() && strsim::osa_distance(segment, word) <= *typos {
                return Some(word);
            }
        }
    }
    for secret in KEYS {
        if strsim::osa_distance(&k, secret) <= 2 {
            return Some(secret);
        }
    }
    // An inline private key: `ssl.key`, `*.key.pem`.
    if k.ends_with(".key") || segments.windows(2).any(|w| w == ["key", "pem"]) {
        return Some("key");
    }
    None
}

/// librdkafka's names for the cluster address, which topicgate takes only from
/// `--bootstrap-servers` or `bootstrap_servers` (one source, named in every error).
pub fn is_bootstrap_property(key: &str) -> bool {
    matches!(
        key.trim().to_ascii_lowercase().as_str(),
        "bootstrap.servers" | "metadata.broker.list"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_shows_no_property_value() {
        let c = Connection {
            bootstrap_servers: "h:9092".into(),
            properties: vec![("sasl.password".into(), Secret::new("hunter2"))],
            timeout: Duration::from_secs(5),
            token_source: None,
        };
        let shown = format!("{c:?} {c:#?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("sasl.password"), "{shown}");
    }

    #[test]
    fn secrets_and_near_misses_of_secrets_are_recognised() {
        // Regression: `sasl.passwrd` in `properties:` was not taken for a secret.
        for key in [
            "sasl.password",
            "sasl.passwrd",
            "sasl.passwordd",
            "SASL.PASSWORD",
            "ssl.key.password",
            "ssl.key.pasword",
            "ssl.keystore.password",
            "ssl_keystore_passwd",
            "sasl.jaas.config",
            "sasl.jass.config",
            "sasl.jaas.confg",
            "sasl.oauthbearer.client.secret",
            "sasl.oauthbearer.client.secert",
            "sasl.oauthbearer.config",
            "sasl.oauthbearer.assertion.private.key.passphrase",
            "ssl.key.pem",
            "ssl.key.pme",
            "ssl.key",
            "sasl.oauthbearer.tokn",
        ] {
            assert!(is_secret_property(key), "{key}");
        }
        for key in [
            "security.protocol",
            "sasl.mechanism",
            "sasl.username",
            "ssl.ca.location",
            "ssl.key.location",
            "ssl.certificate.location",
            "ssl.certificate.pem",
            "client.id",
            "enable.sasl.oauthbearer.unsecure.jwt",
            "sasl.oauthbearer.method",
            "sasl.oauthbearer.token.endpoint.url",
            "sasl.oauthbearer.client.credentials.client.id",
            "ssl.endpoint.identification.algorithm",
            "socket.keepalive.enable",
            "debug",
        ] {
            assert!(!is_secret_property(key), "{key}");
        }
    }
}
