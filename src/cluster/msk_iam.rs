//! AWS MSK IAM authentication: the SASL/OAUTHBEARER token, a SigV4-presigned
//! `GET https://kafka.<region>.amazonaws.com/?Action=kafka-cluster%3AConnect` (service
//! `kafka-cluster`, valid 900 s), base64url-encoded without padding (N.B. KAFKA.md), and the
//! AWS credentials it is signed with.
//!
//! Pure but for `Credentials::from_environment` (which reads the shared credentials file): the
//! clock and the credentials are arguments, so the token is tested from fixed ones. SHA-256
//! comes from the OpenSSL that librdkafka links (no other crypto crate); HMAC is built on it.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::model::secret::Secret;

/// How long a token is valid (`X-Amz-Expires`).
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(900);

/// AWS credentials. The secret parts never show (`Secret`).
#[derive(Debug, Clone)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Option<Secret>,
}

impl Credentials {
    /// The credentials of the AWS credential chain's first two links: the environment
    /// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), then the shared
    /// credentials file (`AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`), profile
    /// `AWS_PROFILE` (else `default`). `var` reads an environment variable.
    pub fn from_environment(var: &dyn Fn(&str) -> Option<String>) -> Result<Credentials, String> {
        let get = |name: &str| var(name).filter(|v| !v.is_empty());
        if let (Some(id), Some(secret)) = (get("AWS_ACCESS_KEY_ID"), get("AWS_SECRET_ACCESS_KEY")) {
            return Ok(Credentials {
                access_key_id: id,
                secret_access_key: Secret::new(secret),
                session_token: get("AWS_SESSION_TOKEN").map(Secret::new),
            });
        }
        let file = get("AWS_SHARED_CREDENTIALS_FILE")
            .map(PathBuf::from)
            .or_else(|| get("HOME").map(|h| PathBuf::from(h).join(".aws/credentials")));
        let profile = get("AWS_PROFILE").unwrap_or_else(|| "default".into());
        let none = || {
            format!("no AWS credentials for MSK IAM: set `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`, or give profile `{profile}` keys in the shared credentials file (`~/.aws/credentials` or `AWS_SHARED_CREDENTIALS_FILE`)")
        };
        let Some(file) = file else {
            return Err(none());
        };
        let Ok(text) = std::fs::read_to_string(&file) else {
            return Err(none());
        };
        profile_credentials(&text, &profile).ok_or_else(none)
    }
}

/// The static keys of `[profile]` in a shared credentials file.
fn profile_credentials(text: &str, profile: &str) -> Option<Credentials> {
    let mut current = None;
    let (mut id, mut secret, mut token) = (None, None, None);
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') || line.starts_with(';') || line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = Some(name.trim().to_string());
            continue;
        }
        if current.as_deref() != Some(profile) {
            continue;
        }
        if let Some((key, value)) = line.split_once('=') {
            let value = value.trim().to_string();
            match key.trim() {
                "aws_access_key_id" => id = Some(value),
                "aws_secret_access_key" => secret = Some(value),
                "aws_session_token" => token = Some(value),
                _ => {}
            }
        }
    }
    Some(Credentials {
        access_key_id: id?,
        secret_access_key: Secret::new(secret?),
        session_token: token.map(Secret::new),
    })
}

/// The MSK IAM token for `region`, signed with `credentials` at `now`, and when it expires.
pub fn token(credentials: &Credentials, region: &str, now: SystemTime) -> (Secret, SystemTime) {
    let url = presigned_url(credentials, region, now);
    (Secret::new(base64url(url.as_bytes())), now + TOKEN_LIFETIME)
}

/// `https://kafka.<region>.amazonaws.com/?Action=kafka-cluster%3AConnect&X-Amz-...`, presigned.
pub fn presigned_url(credentials: &Credentials, region: &str, now: SystemTime) -> String {
    let host = format!("kafka.{region}.amazonaws.com");
    let (date, stamp) = amz_date(now);
    let scope = format!("{date}/{region}/kafka-cluster/aws4_request");
    let mut query: Vec<(String, String)> = vec![
        ("Action".into(), "kafka-cluster:Connect".into()),
        ("X-Amz-Algorithm".into(), "AWS4-HMAC-SHA256".into()),
        (
            "X-Amz-Credential".into(),
            format!("{}/{scope}", credentials.access_key_id),
        ),
        ("X-Amz-Date".into(), stamp.clone()),
        ("X-Amz-Expires".into(), TOKEN_LIFETIME.as_secs().to_string()),
    ];
    if let Some(token) = &credentials.session_token {
        query.push(("X-Amz-Security-Token".into(), token.expose().to_string()));
    }
    query.push(("X-Amz-SignedHeaders".into(), "host".into()));
    let canonical_query = canonical_query(&query);
    // N.B. an empty body's hash: the presigned request is a GET without one.
    let canonical_request = format!(
        "GET\n/\n{canonical_query}\nhost:{host}\n\nhost\n{}",
        hex(&sha256(b""))
    );
    let signature = signature(
        credentials.secret_access_key.expose(),
        &date,
        region,
        "kafka-cluster",
        &stamp,
        &canonical_request,
    );
    format!(
        "https://{host}/?{canonical_query}&X-Amz-Signature={signature}&User-Agent={}",
        uri_encode(concat!("topicgate/", env!("CARGO_PKG_VERSION")))
    )
}

/// The query string in SigV4's canonical form: keys sorted, keys and values URI-encoded.
fn canonical_query(query: &[(String, String)]) -> String {
    let mut pairs: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| (uri_encode(k), uri_encode(v)))
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// SigV4's signature (hex) of `canonical_request`.
pub fn signature(
    secret: &str,
    date: &str,
    region: &str,
    service: &str,
    stamp: &str,
    canonical_request: &str,
) -> String {
    let scope = format!("{date}/{region}/{service}/aws4_request");
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{stamp}\n{scope}\n{}",
        hex(&sha256(canonical_request.as_bytes()))
    );
    let mut key = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    for part in [region, service, "aws4_request"] {
        key = hmac(&key, part.as_bytes());
    }
    hex(&hmac(&key, string_to_sign.as_bytes()))
}

/// (`YYYYMMDD`, `YYYYMMDDTHHMMSSZ`) of `t`, in UTC.
fn amz_date(t: SystemTime) -> (String, String) {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let date = format!("{year:04}{month:02}{day:02}");
    let stamp = format!(
        "{date}T{:02}{:02}{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    );
    (date, stamp)
}

/// SigV4's URI encoding: every byte but `A-Z a-z 0-9 - _ . ~` as `%XX`.
fn uri_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// base64url without padding.
pub(crate) fn base64url(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + 3);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, &c| (n << 8) | u32::from(c)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

fn sha256(data: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    // SAFETY: `data` is a valid slice of its length; `out` has the 32 bytes SHA256 writes.
    unsafe {
        openssl_sys::SHA256(data.as_ptr(), data.len(), out.as_mut_ptr());
    }
    out
}

/// HMAC-SHA256 (RFC 2104).
fn hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&sha256(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner: Vec<u8> = block.iter().map(|b| b ^ 0x36).collect();
    inner.extend_from_slice(message);
    let mut outer: Vec<u8> = block.iter().map(|b| b ^ 0x5c).collect();
    outer.extend_from_slice(&sha256(&inner));
    sha256(&outer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_and_hmac_match_their_standard_vectors() {
        assert_eq!(
            hex(&sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        // RFC 4231, test case 2.
        assert_eq!(
            hex(&hmac(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    // AWS's SigV4 test suite, `get-vanilla`: GET / on example.amazonaws.com, service `service`.
    #[test]
    fn the_signature_matches_aws_sigv4_test_suite_get_vanilla() {
        let canonical = "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert_eq!(
            signature(
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                "20150830",
                "us-east-1",
                "service",
                "20150830T123600Z",
                canonical
            ),
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
    }

    #[test]
    fn the_token_is_a_presigned_connect_url_valid_for_900_seconds() {
        let credentials = Credentials {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: Secret::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            session_token: Some(Secret::new("session/token+x")),
        };
        // 2015-08-30T12:36:00Z
        let now = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
        assert_eq!(amz_date(now).1, "20150830T123600Z");
        let url = presigned_url(&credentials, "eu-west-1", now);
        let expected_prefix = "https://kafka.eu-west-1.amazonaws.com/?Action=kafka-cluster%3AConnect&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Feu-west-1%2Fkafka-cluster%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=900&X-Amz-Security-Token=session%2Ftoken%2Bx&X-Amz-SignedHeaders=host&X-Amz-Signature=";
        assert!(url.starts_with(expected_prefix), "{url}");
        let signature = &url[expected_prefix.len()..expected_prefix.len() + 64];
        // The same signature, computed from the canonical request written out by hand.
        let canonical = format!(
            "GET\n/\n{}\nhost:kafka.eu-west-1.amazonaws.com\n\nhost\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            &expected_prefix["https://kafka.eu-west-1.amazonaws.com/?".len()..expected_prefix.len() - "&X-Amz-Signature=".len()]
        );
        assert_eq!(
            signature,
            super::signature(
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                "20150830",
                "eu-west-1",
                "kafka-cluster",
                "20150830T123600Z",
                &canonical
            )
        );
        assert!(url.ends_with(&format!(
            "&User-Agent=topicgate%2F{}",
            env!("CARGO_PKG_VERSION")
        )));
        let (token, expires) = token(&credentials, "eu-west-1", now);
        assert_eq!(expires, now + Duration::from_secs(900));
        assert_eq!(token.expose(), base64url(url.as_bytes()));
        assert!(!token.expose().contains('='), "no padding");
        assert!(!format!("{credentials:?}").contains("EXAMPLEKEY"));
    }

    #[test]
    fn credentials_come_from_the_environment_then_the_profile() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let c = Credentials::from_environment(&env(&[
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "s"),
        ]))
        .unwrap();
        assert_eq!(c.access_key_id, "AKID");
        assert!(c.session_token.is_none());
        let text = "[default]\naws_access_key_id = A1\naws_secret_access_key = S1\n[ci]\naws_access_key_id=A2\naws_secret_access_key=S2\naws_session_token=T2\n";
        let c = profile_credentials(text, "ci").unwrap();
        assert_eq!(
            (c.access_key_id.as_str(), c.secret_access_key.expose()),
            ("A2", "S2")
        );
        assert_eq!(c.session_token.unwrap().expose(), "T2");
        assert!(profile_credentials(text, "other").is_none());
        let err = Credentials::from_environment(&env(&[("HOME", "/nonexistent")])).unwrap_err();
        assert!(err.starts_with("no AWS credentials for MSK IAM"), "{err}");
    }
}
