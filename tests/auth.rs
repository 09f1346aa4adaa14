//! Connections with security (issue 11): librdkafka's TLS/SASL build, the typed `auth:` and
//! `tls:` sections of topicgate.yaml, and plan/apply/check over TLS, mutual TLS, SASL_SSL and
//! SASL_PLAINTEXT listeners of an Apache Kafka cluster started for this binary.
mod support;

use support::*;

// Regression: the binary was built without OpenSSL, so TLS, SCRAM and OAUTHBEARER failed at
// client creation ("OpenSSL not available at build time").
#[test]
fn version_names_the_tls_and_sasl_features_librdkafka_was_built_with() {
    let out = topicgate().arg("--version").output().unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.starts_with("topicgate "), "{text}");
    let features = text
        .lines()
        .find(|l| l.starts_with("librdkafka "))
        .unwrap_or_else(|| panic!("no librdkafka line: {text}"));
    for feature in ["ssl", "sasl_plain", "sasl_scram", "sasl_oauthbearer"] {
        assert!(
            features.split(['(', ')', ',']).any(|f| f == feature),
            "{feature} missing: {features}"
        );
    }
}
