//! SASL/OAUTHBEARER tokens that topicgate sets on the client itself.
//!
//! N.B. KAFKA.md: rdkafka 0.39's AdminClient never serves the token-refresh event (it does not
//! poll the main queue). topicgate's own main-queue pump (`context::MainQueuePump`) does, so the
//! refresh event that librdkafka enqueues at start, and again at 80% of each token's lifetime,
//! reaches `refresh`, which reads a fresh token and sets it with
//! `rd_kafka_oauthbearer_set_token`. A token value is never logged or shown.

use std::ffi::CString;
use std::os::raw::c_char;
use std::time::{SystemTime, UNIX_EPOCH};

use rdkafka_sys as sys;

use crate::model::connection::TokenSource;
use crate::model::secret::Secret;

/// A token with what librdkafka needs beside it.
#[derive(Debug)]
pub(super) struct Token {
    pub value: Secret,
    /// When it expires, in milliseconds since the Unix epoch.
    pub expires_ms: i64,
    pub principal: String,
}

/// A fresh token from `source`; errors say where it came from, never its value.
pub(super) fn read(source: &TokenSource) -> Result<Token, String> {
    match source {
        TokenSource::File(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                format!(
                    "cannot read the OAUTHBEARER token file `{}`: {e}",
                    path.display()
                )
            })?;
            from_jwt(text.trim())
                .map_err(|e| format!("the OAUTHBEARER token in `{}` {e}", path.display()))
        }
        TokenSource::Unsecured {
            principal,
            lifetime,
        } => {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let exp = now + lifetime.as_secs();
            let encode = |s: &str| crate::cluster::msk_iam::base64url(s.as_bytes());
            let claims = serde_json::json!({"sub": principal, "iat": now, "exp": exp});
            let jwt = format!(
                "{}.{}.",
                encode(r#"{"alg":"none"}"#),
                encode(&claims.to_string())
            );
            Ok(Token {
                value: Secret::new(jwt),
                expires_ms: (exp * 1000) as i64,
                principal: principal.clone(),
            })
        }
        TokenSource::MskIam { region } => {
            let credentials = crate::cluster::msk_iam::Credentials::from_environment(&|name| {
                std::env::var(name).ok()
            })?;
            let (value, expires) =
                crate::cluster::msk_iam::token(&credentials, region, SystemTime::now());
            Ok(Token {
                value,
                expires_ms: expires
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis() as i64),
                // Local metadata only: MSK takes the principal from the signature.
                principal: "msk-iam".into(),
            })
        }
    }
}

/// The lifetime (`exp`) and principal (`sub`) of a JWT (`header.payload.signature`).
fn from_jwt(jwt: &str) -> Result<Token, String> {
    let parts: Vec<&str> = jwt.split('.').collect();
    if parts.len() != 3 {
        return Err("is not a JWT (three parts separated by `.`)".into());
    }
    let payload = base64url(parts[1]).ok_or("has a payload that is not base64url")?;
    let claims: serde_json::Value =
        serde_json::from_slice(&payload).map_err(|_| "has a payload that is not JSON")?;
    let exp = claims
        .get("exp")
        .and_then(serde_json::Value::as_f64)
        .ok_or("has no `exp` claim (its expiry)")?;
    let principal = claims
        .get("sub")
        .and_then(serde_json::Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or("has no `sub` claim (its principal)")?
        .to_string();
    let expires_ms = (exp * 1000.0) as i64;
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    if expires_ms <= now_ms {
        return Err(format!(
            "expired {}s ago: write a fresh token to the file",
            (now_ms - expires_ms) / 1000
        ));
    }
    Ok(Token {
        value: Secret::new(jwt),
        expires_ms,
        principal,
    })
}

/// Decodes base64url, with or without padding.
fn base64url(text: &str) -> Option<Vec<u8>> {
    let mut bits: u32 = 0;
    let mut count = 0;
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for c in text.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    Some(out)
}

/// Sets `token` on the client `rk`.
///
/// # Safety
/// `rk` must be a live client handle.
pub(super) unsafe fn set(rk: *mut sys::rd_kafka_t, token: &Token) -> Result<(), String> {
    let value = CString::new(token.value.expose()).map_err(|_| "the token holds a NUL byte")?;
    let principal =
        CString::new(token.principal.as_str()).map_err(|_| "the principal holds a NUL byte")?;
    let mut errstr = vec![0 as c_char; 512];
    let code = sys::rd_kafka_oauthbearer_set_token(
        rk,
        value.as_ptr(),
        token.expires_ms,
        principal.as_ptr(),
        std::ptr::null_mut(),
        0,
        errstr.as_mut_ptr(),
        errstr.len(),
    );
    if code == sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
        Ok(())
    } else {
        Err(super::ffi::text(errstr.as_ptr()))
    }
}

/// Tells the client `rk` that no token could be had (`why`, which holds no secret).
///
/// # Safety
/// `rk` must be a live client handle.
pub(super) unsafe fn fail(rk: *mut sys::rd_kafka_t, why: &str) {
    if let Ok(why) = CString::new(why) {
        sys::rd_kafka_oauthbearer_set_token_failure(rk, why.as_ptr());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &str) -> String {
        let enc = |s: &str| {
            const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            let b = s.as_bytes();
            let mut out = String::new();
            for chunk in b.chunks(3) {
                let n = chunk.iter().fold(0u32, |n, &c| (n << 8) | u32::from(c))
                    << (8 * (3 - chunk.len()));
                for i in 0..=chunk.len() {
                    out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
                }
            }
            out
        };
        format!("{}.{}.", enc(r#"{"alg":"none"}"#), enc(claims))
    }

    #[test]
    fn a_jwt_gives_its_expiry_and_principal_and_errors_never_show_it() {
        let t = from_jwt(&jwt(r#"{"sub":"admin","exp":4102444800}"#)).unwrap();
        assert_eq!(t.principal, "admin");
        assert_eq!(t.expires_ms, 4_102_444_800_000);
        for (claims, expect) in [
            (r#"{"sub":"admin","exp":1000}"#, "expired"),
            (r#"{"sub":"admin"}"#, "no `exp` claim"),
            (r#"{"exp":4102444800}"#, "no `sub` claim"),
        ] {
            let token = jwt(claims);
            let err = from_jwt(&token).unwrap_err();
            assert!(err.contains(expect), "{err}");
            assert!(!err.contains(&token));
        }
        assert!(from_jwt("not-a-token").unwrap_err().contains("not a JWT"));
    }
}
