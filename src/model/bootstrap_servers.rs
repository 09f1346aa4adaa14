//! `BootstrapServers`: a checked `host:port[,host:port...]` list. librdkafka takes any string
//! and fails late and obscurely (port 99999 wraps to 34463; a missing port becomes 9092), so
//! every list is parsed here first: a port from 1 to 65535, IPv6 in brackets, no empty entries.

use std::fmt;
use std::net::Ipv6Addr;

/// The protocols librdkafka accepts as a `proto://` prefix of an address.
const PROTOCOLS: &[&str] = &["plaintext", "ssl", "sasl_plaintext", "sasl_ssl"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BootstrapServers {
    /// Each address as given (trimmed), with its `proto://` prefix if it had one.
    entries: Vec<String>,
    /// Each address as librdkafka names it in messages: `host:port`.
    addresses: Vec<String>,
}

impl BootstrapServers {
    /// Parses a comma-separated list; the error says what is wrong with which address.
    pub fn parse(text: &str) -> Result<BootstrapServers, String> {
        if text.trim().is_empty() {
            return Err("the list is empty".into());
        }
        let mut entries = Vec::new();
        let mut addresses = Vec::new();
        for entry in text.split(',') {
            let entry = entry.trim();
            if entry.is_empty() {
                return Err(format!(
                    "`{}` has an empty address (two commas, or one at an end)",
                    text.trim()
                ));
            }
            addresses.push(address(entry)?);
            entries.push(entry.to_string());
        }
        Ok(BootstrapServers { entries, addresses })
    }

    /// `host:port` of each address, as librdkafka names brokers in its messages.
    pub fn addresses(&self) -> &[String] {
        &self.addresses
    }
}

impl fmt::Display for BootstrapServers {
    /// The list as librdkafka takes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.entries.join(","))
    }
}

/// `host:port` of one entry, or why it is not one.
fn address(entry: &str) -> Result<String, String> {
    let rest = match entry.split_once("://") {
        Some((proto, rest)) if PROTOCOLS.contains(&proto.to_ascii_lowercase().as_str()) => rest,
        Some((proto, _)) => {
            return Err(format!(
                "`{entry}`: `{proto}://` is not a protocol librdkafka knows (use `-X security.protocol` instead)"
            ))
        }
        None => entry,
    };
    let (host, port) = if let Some(bracketed) = rest.strip_prefix('[') {
        let Some((ip, after)) = bracketed.split_once(']') else {
            return Err(format!(
                "`{entry}` opens `[` without closing it: write IPv6 addresses in brackets, like `[::1]:9092`"
            ));
        };
        if ip.parse::<Ipv6Addr>().is_err() {
            return Err(format!(
                "`{entry}`: `{ip}` is not an IPv6 address (brackets are only for IPv6 addresses)"
            ));
        }
        let Some(port) = after.strip_prefix(':') else {
            return Err(format!("`{entry}` has no port: write `[{ip}]:9092`"));
        };
        (format!("[{ip}]"), port)
    } else {
        match rest.matches(':').count() {
            0 => return Err(format!("`{entry}` has no port: write `{rest}:9092`")),
            1 => {}
            _ => {
                return Err(format!(
                    "`{entry}`: write IPv6 addresses in brackets, like `[::1]:9092`"
                ))
            }
        }
        let (host, port) = rest.split_once(':').unwrap_or((rest, ""));
        let legal = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
        if host.is_empty() || !host.chars().all(legal) {
            return Err(format!("`{entry}`: `{host}` is not a host name or address"));
        }
        (host.to_string(), port)
    };
    match port.parse::<u32>() {
        Ok(p) if (1..=65535).contains(&p) && port.chars().all(|c| c.is_ascii_digit()) => {
            Ok(format!("{host}:{p}"))
        }
        _ => Err(format!(
            "`{entry}`: the port `{port}` is not a number from 1 to 65535"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_lists_parse() {
        let b =
            BootstrapServers::parse(" b-1.example:9096, 127.0.0.1:1,[::1]:9092,SSL://h_2:65535 ")
                .unwrap();
        assert_eq!(
            b.to_string(),
            "b-1.example:9096,127.0.0.1:1,[::1]:9092,SSL://h_2:65535"
        );
        assert_eq!(
            b.addresses(),
            ["b-1.example:9096", "127.0.0.1:1", "[::1]:9092", "h_2:65535"]
        );
    }

    #[test]
    fn malformed_addresses_are_named() {
        // Regression: port 99999 was passed on and silently became 34463.
        for (text, expect) in [
            (
                "127.0.0.1:99999",
                "the port `99999` is not a number from 1 to 65535",
            ),
            ("h:0", "the port `0`"),
            ("h:+80", "the port `+80`"),
            ("h:", "the port ``"),
            (
                "localhost",
                "`localhost` has no port: write `localhost:9092`",
            ),
            ("::1", "brackets"),
            ("[::1", "without closing"),
            ("[::1]", "has no port"),
            ("[example.com]:1", "not an IPv6 address"),
            ("a:1,,b:2", "empty address"),
            ("a:1,", "empty address"),
            ("", "empty"),
            ("a b:1", "`a b` is not a host name"),
            (":9092", "`` is not a host name"),
            ("http://h:1", "`http://` is not a protocol"),
        ] {
            let err = BootstrapServers::parse(text).unwrap_err();
            assert!(err.contains(expect), "{text}: {err}");
        }
    }
}
