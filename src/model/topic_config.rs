//! The catalog of Kafka's topic-level configs (Apache Kafka 3.x and 4.x): names, types, allowed
//! values and ranges. It validates spec values, normalises them to the exact string Kafka stores
//! (`7d` -> `604800000`), compares values by meaning, and renders them back in human units.

use std::time::Duration;

/// What kind of value a config takes, with its bounds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ConfigType {
    /// A 64-bit integer. `*.ms` configs also accept durations, `*.bytes` configs sizes.
    Long {
        min: i64,
        max: i64,
    },
    /// A 32-bit integer.
    Int {
        min: i64,
        max: i64,
    },
    /// A floating-point number within `[min, max]`.
    Double {
        min: f64,
        max: f64,
    },
    Bool,
    /// One of a fixed set of strings (case-sensitive, as Kafka checks them).
    Enum(&'static [&'static str]),
    /// A comma-separated list whose items come from a fixed set (`cleanup.policy`).
    EnumList(&'static [&'static str]),
    /// A replica throttle list: `*` or `partition:broker` pairs.
    ThrottledReplicas,
    /// Free text.
    Text,
}

/// One topic-level config.
#[derive(Debug, Clone, Copy)]
pub struct ConfigDef {
    pub name: &'static str,
    pub ty: ConfigType,
    /// Kafka version that introduced it (`None`: before 3.0).
    pub since: Option<&'static str>,
    /// Kafka version that removed it.
    pub removed_in: Option<&'static str>,
}

const I32: i64 = i32::MAX as i64;
const I64: i64 = i64::MAX;

const fn long(name: &'static str, min: i64) -> ConfigDef {
    ConfigDef {
        name,
        ty: ConfigType::Long { min, max: I64 },
        since: None,
        removed_in: None,
    }
}

const fn int(name: &'static str, min: i64, max: i64) -> ConfigDef {
    ConfigDef {
        name,
        ty: ConfigType::Int { min, max },
        since: None,
        removed_in: None,
    }
}

const fn of(name: &'static str, ty: ConfigType) -> ConfigDef {
    ConfigDef {
        name,
        ty,
        since: None,
        removed_in: None,
    }
}

const fn since(mut def: ConfigDef, version: &'static str) -> ConfigDef {
    def.since = Some(version);
    def
}

const fn removed(mut def: ConfigDef, version: &'static str) -> ConfigDef {
    def.removed_in = Some(version);
    def
}

/// Every topic-level config of Apache Kafka 3.0 to 4.x, sorted by name.
/// Source: `org.apache.kafka.common.config.TopicConfig` and `LogConfig` of those releases.
pub static CATALOG: &[ConfigDef] = &[
    of(
        "cleanup.policy",
        ConfigType::EnumList(&["compact", "delete"]),
    ),
    since(int("compression.gzip.level", -1, 9), "3.8"),
    since(int("compression.lz4.level", 1, 17), "3.8"),
    of(
        "compression.type",
        ConfigType::Enum(&["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"]),
    ),
    since(int("compression.zstd.level", -131072, 22), "3.8"),
    long("delete.retention.ms", 0),
    long("file.delete.delay.ms", 0),
    long("flush.messages", 1),
    long("flush.ms", 0),
    of(
        "follower.replication.throttled.replicas",
        ConfigType::ThrottledReplicas,
    ),
    int("index.interval.bytes", 0, I32),
    of(
        "leader.replication.throttled.replicas",
        ConfigType::ThrottledReplicas,
    ),
    since(long("local.retention.bytes", -2), "3.6"),
    since(long("local.retention.ms", -2), "3.6"),
    long("max.compaction.lag.ms", 1),
    int("max.message.bytes", 0, I32),
    removed(of("message.downconversion.enable", ConfigType::Bool), "4.0"),
    removed(of("message.format.version", ConfigType::Text), "4.0"),
    since(long("message.timestamp.after.max.ms", 0), "3.6"),
    since(long("message.timestamp.before.max.ms", 0), "3.6"),
    removed(long("message.timestamp.difference.max.ms", 0), "4.0"),
    of(
        "message.timestamp.type",
        ConfigType::Enum(&["CreateTime", "LogAppendTime"]),
    ),
    of(
        "min.cleanable.dirty.ratio",
        ConfigType::Double { min: 0.0, max: 1.0 },
    ),
    long("min.compaction.lag.ms", 0),
    int("min.insync.replicas", 1, I32),
    of("preallocate", ConfigType::Bool),
    since(of("remote.log.copy.disable", ConfigType::Bool), "3.9"),
    since(of("remote.log.delete.on.disable", ConfigType::Bool), "3.9"),
    since(of("remote.storage.enable", ConfigType::Bool), "3.6"),
    long("retention.bytes", -1),
    long("retention.ms", -1),
    // N.B. Kafka 3.x accepts segment.bytes >= 14; 4.0 raised the floor to 1 MiB.
    int("segment.bytes", 14, I32),
    int("segment.index.bytes", 4, I32),
    long("segment.jitter.ms", 0),
    long("segment.ms", 1),
    of("unclean.leader.election.enable", ConfigType::Bool),
];

/// The catalog entry for `name`.
pub fn lookup(name: &str) -> Option<&'static ConfigDef> {
    CATALOG
        .binary_search_by(|def| def.name.cmp(name))
        .ok()
        .map(|i| &CATALOG[i])
}

/// The closest known config name, for "did you mean". Broker-level spellings (`log.retention.ms`)
/// map to their topic-level names.
pub fn suggest(name: &str) -> Option<&'static str> {
    let name = name.to_ascii_lowercase();
    if let Some(stripped) = name.strip_prefix("log.") {
        if let Some(def) = lookup(stripped) {
            return Some(def.name);
        }
        if stripped.starts_with("retention.") {
            return Some("retention.ms");
        }
    }
    closest(&name, CATALOG.iter().map(|d| d.name))
}

/// The candidate closest to `input`, if it is close enough to be a likely typo. Case is ignored
/// when comparing (`Retention.MS` is a slip for `retention.ms`).
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let input = input.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&input, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// A value as written in a spec, before normalisation.
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    /// A whole number; wider than Kafka's `long`, so that a value beyond it is reported as out of
    /// range, with the number as written.
    Int(i128),
    Float(f64),
    Bool(bool),
    Str(String),
    List(Vec<String>),
}

impl RawValue {
    pub fn describe(&self) -> String {
        match self {
            RawValue::Int(i) => i.to_string(),
            // `{:?}` keeps the decimal point: `1e3` reads back as `1000.0`, not as `1000`.
            RawValue::Float(f) => format!("the decimal number {f:?}"),
            RawValue::Bool(b) => b.to_string(),
            RawValue::Str(s) => format!("\"{s}\""),
            RawValue::List(items) => format!("[{}]", items.join(", ")),
        }
    }
}

/// Checks `value` against `def` and returns the exact string Kafka stores for it.
/// The error is a complete sentence naming the config and what it accepts.
pub fn normalise(def: &ConfigDef, value: &RawValue) -> Result<String, String> {
    let name = def.name;
    match def.ty {
        ConfigType::Long { min, max } | ConfigType::Int { min, max } => {
            let n = integer(name, value)?;
            if n < i128::from(min) || n > i128::from(max) {
                return Err(format!(
                    "`{name}` must be between {} and {}, got {n}",
                    render_bound(min),
                    render_bound(max)
                ));
            }
            Ok(n.to_string())
        }
        ConfigType::Double { min, max } => {
            let f = match value {
                RawValue::Int(i) => *i as f64,
                RawValue::Float(f) => *f,
                RawValue::Str(s) => s
                    .trim()
                    .parse::<f64>()
                    .map_err(|_| format!("`{name}` must be a number, got {}", value.describe()))?,
                _ => {
                    return Err(format!(
                        "`{name}` must be a number, got {}",
                        value.describe()
                    ))
                }
            };
            if !(min..=max).contains(&f) {
                return Err(format!("`{name}` must be between {min} and {max}, got {f}"));
            }
            Ok(f.to_string())
        }
        ConfigType::Bool => match value {
            RawValue::Bool(b) => Ok(b.to_string()),
            RawValue::Str(s) if s.eq_ignore_ascii_case("true") => Ok("true".into()),
            RawValue::Str(s) if s.eq_ignore_ascii_case("false") => Ok("false".into()),
            _ => Err(format!(
                "`{name}` must be `true` or `false`, got {}",
                value.describe()
            )),
        },
        ConfigType::Enum(allowed) => match value {
            RawValue::Str(s) if allowed.contains(&s.as_str()) => Ok(s.clone()),
            _ => Err(not_allowed(name, value, allowed)),
        },
        ConfigType::EnumList(allowed) => {
            let items: Vec<String> = match value {
                RawValue::List(items) => items.iter().map(|s| s.trim().to_string()).collect(),
                RawValue::Str(s) => s.split(',').map(|s| s.trim().to_string()).collect(),
                _ => return Err(not_allowed(name, value, allowed)),
            };
            let mut chosen: Vec<&str> = Vec::new();
            for item in &items {
                match allowed.iter().find(|a| **a == item) {
                    Some(a) if !chosen.contains(a) => chosen.push(a),
                    Some(_) => {}
                    None => return Err(not_allowed(name, &RawValue::Str(item.clone()), allowed)),
                }
            }
            if chosen.is_empty() {
                return Err(format!(
                    "`{name}` needs at least one of {}",
                    quote_all(allowed)
                ));
            }
            chosen.sort_unstable();
            Ok(chosen.join(","))
        }
        ConfigType::ThrottledReplicas => {
            let text = match value {
                RawValue::Str(s) => s.trim().to_string(),
                RawValue::List(items) => items.join(","),
                _ => return Err(throttle_error(name, value)),
            };
            let valid = text == "*" || text.split(',').all(|pair| {
                let mut parts = pair.trim().split(':');
                matches!(
                    (parts.next(), parts.next(), parts.next()),
                    (Some(p), Some(b), None) if p.parse::<u32>().is_ok() && b.parse::<u32>().is_ok()
                )
            });
            if valid {
                Ok(text)
            } else {
                Err(throttle_error(name, value))
            }
        }
        ConfigType::Text => match value {
            RawValue::Str(s) => Ok(s.clone()),
            RawValue::Int(i) => Ok(i.to_string()),
            RawValue::Float(f) => Ok(f.to_string()),
            _ => Err(format!("`{name}` must be text, got {}", value.describe())),
        },
    }
}

fn throttle_error(name: &str, value: &RawValue) -> String {
    format!(
        "`{name}` must be `*` or a list of `partition:broker` pairs, got {}",
        value.describe()
    )
}

fn render_bound(n: i64) -> String {
    match n {
        I64 => "9223372036854775807 (Long.MAX_VALUE)".into(),
        I32 => "2147483647".into(),
        n => n.to_string(),
    }
}

fn quote_all(allowed: &[&str]) -> String {
    allowed
        .iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn not_allowed(name: &str, value: &RawValue, allowed: &[&str]) -> String {
    let mut msg = format!(
        "`{name}` must be one of {}, got {}",
        quote_all(allowed),
        value.describe()
    );
    if let RawValue::Str(s) = value {
        if let Some(c) = closest(s, allowed.iter().copied()) {
            msg.push_str(&format!("; did you mean `{c}`?"));
        } else if let Some(c) = allowed.iter().find(|a| a.eq_ignore_ascii_case(s)) {
            msg.push_str(&format!("; did you mean `{c}`?"));
        }
    }
    msg
}

/// Integers, plus durations for `*.ms` and sizes for `*.bytes`, converted exactly.
fn integer(name: &str, value: &RawValue) -> Result<i128, String> {
    let text = match value {
        RawValue::Int(i) => return Ok(*i),
        RawValue::Str(s) => s.trim(),
        _ => return Err(integer_error(name, value)),
    };
    if let Ok(i) = text.parse::<i128>() {
        return Ok(i);
    }
    if name.ends_with(".ms") {
        return duration_ms(text).map(i128::from).map_err(|why| {
            format!("`{name}` must be a whole number of milliseconds or a duration like `7d` or `12h`: {why}")
        });
    }
    if name.ends_with(".bytes") {
        return size_bytes(text).map(i128::from).map_err(|why| {
            format!(
                "`{name}` must be a whole number of bytes or a size like `1GiB` or `500MB`: {why}"
            )
        });
    }
    Err(integer_error(name, value))
}

fn integer_error(name: &str, value: &RawValue) -> String {
    let hint = if name.ends_with(".ms") {
        " of milliseconds or a duration like `7d`"
    } else if name.ends_with(".bytes") {
        " of bytes or a size like `1GiB`"
    } else {
        ""
    };
    format!(
        "`{name}` must be a whole number{hint}, got {}{}",
        value.describe(),
        write_as(value)
    )
}

/// For a decimal that is a whole number (`1e3`, `1000.0`): how to write it as one.
pub fn write_as(value: &RawValue) -> String {
    match value {
        RawValue::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
            format!("; write it as `{}`", *f as i64)
        }
        _ => String::new(),
    }
}

/// `7d`, `12h`, `1h 30m`, `500ms` as a duration, for specs and for flags alike. Months and
/// years are refused: their length is a convention, not a fact. Errors are ours, naming only the
/// units accepted here (humantime's own message lists months and years as supported).
pub fn duration(text: &str) -> Result<Duration, String> {
    let calendar = text
        .split(|c: char| !c.is_alphabetic())
        .filter(|unit| !unit.is_empty())
        .any(|unit| {
            let lower = unit.to_lowercase();
            unit == "M"
                || lower.starts_with("month")
                || matches!(lower.as_str(), "y" | "year" | "years")
        });
    if calendar {
        return Err(format!(
            "`{text}` uses months or years; write days instead (for example `30d`)"
        ));
    }
    humantime::parse_duration(text).map_err(|e| format!("`{text}`: {}", duration_problem(&e)))
}

/// A duration (see `duration`) in whole milliseconds, as Kafka stores `*.ms` configs.
pub fn duration_ms(text: &str) -> Result<i64, String> {
    let d = duration(text)?;
    if d.subsec_nanos() % 1_000_000 != 0 {
        return Err(format!("`{text}` is not a whole number of milliseconds"));
    }
    i64::try_from(d.as_millis()).map_err(|_| format!("`{text}` is too long"))
}

/// What is wrong with a duration, in our words.
fn duration_problem(e: &humantime::DurationError) -> String {
    use humantime::DurationError;
    const UNITS: &str = "use `ms`, `s`, `m`, `h`, `d` or `w` (for example `7d` or `1h 30m`)";
    match e {
        DurationError::UnknownUnit { unit, .. } => format!("unknown unit `{unit}`; {UNITS}"),
        DurationError::InvalidCharacter(_) => {
            format!("durations are whole numbers with units; {UNITS}")
        }
        DurationError::NumberExpected(_) => format!("a number is missing; {UNITS}"),
        DurationError::NumberOverflow => "the number is too large".into(),
        DurationError::Empty => format!("no duration given; {UNITS}"),
    }
}

/// `1GiB` (binary) or `500MB` (decimal) to bytes, refusing fractions of a byte.
pub fn size_bytes(text: &str) -> Result<i64, String> {
    // Default units: `MB` is 10^6 and `MiB` is 2^20, as written.
    let bytes = parse_size::parse_size(text).map_err(|e| format!("`{text}`: {e}"))?;
    // parse-size rounds fractional bytes; refuse them instead of storing a rounded value.
    if let Some(number) = text
        .trim()
        .split(|c: char| c.is_ascii_alphabetic() || c.is_whitespace())
        .next()
    {
        if number.contains('.') {
            let unit = &text.trim()[number.len()..].trim();
            let scale = parse_size::parse_size(format!("1{unit}")).unwrap_or(1);
            let exact: f64 = number.parse::<f64>().unwrap_or(0.0) * scale as f64;
            if exact.fract() != 0.0 {
                return Err(format!("`{text}` is not a whole number of bytes"));
            }
        }
    }
    i64::try_from(bytes).map_err(|_| format!("`{text}` is too large"))
}

/// Whether two stored values of config `name` mean the same thing (`0.5` and `0.50`,
/// `delete,compact` and `compact,delete`, `TRUE` and `true`).
pub fn equivalent(name: &str, a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    match lookup(name).map(|d| d.ty) {
        Some(ConfigType::Long { .. } | ConfigType::Int { .. }) => {
            matches!((a.trim().parse::<i64>(), b.trim().parse::<i64>()), (Ok(x), Ok(y)) if x == y)
        }
        Some(ConfigType::Double { .. }) => {
            matches!((a.trim().parse::<f64>(), b.trim().parse::<f64>()), (Ok(x), Ok(y)) if x == y)
        }
        Some(ConfigType::Bool) => a.eq_ignore_ascii_case(b),
        Some(ConfigType::EnumList(_)) | Some(ConfigType::ThrottledReplicas) => {
            let set = |s: &str| {
                let mut v: Vec<String> = s.split(',').map(|x| x.trim().to_string()).collect();
                v.sort();
                v.dedup();
                v
            };
            set(a) == set(b)
        }
        _ => false,
    }
}

/// A human reading of a stored value where one is exact: `604800000` -> `7d` for `*.ms`,
/// `1073741824` -> `1GiB` for `*.bytes`. `None` when the plain value is the clearest.
pub fn humanise(name: &str, value: &str) -> Option<String> {
    let n: i64 = value.trim().parse().ok()?;
    if n <= 0 {
        return None;
    }
    if name.ends_with(".ms") {
        const UNITS: [(i64, &str); 5] = [
            (86_400_000, "d"),
            (3_600_000, "h"),
            (60_000, "m"),
            (1_000, "s"),
            (1, "ms"),
        ];
        if n == i64::MAX {
            return None;
        }
        return UNITS
            .iter()
            .find(|(unit, _)| n % unit == 0 && *unit > 1)
            .map(|(unit, suffix)| format!("{}{suffix}", n / unit));
    }
    if name.ends_with(".bytes") {
        const UNITS: [(i64, &str); 4] = [
            (1 << 40, "TiB"),
            (1 << 30, "GiB"),
            (1 << 20, "MiB"),
            (1 << 10, "KiB"),
        ];
        return UNITS
            .iter()
            .find(|(unit, _)| n % unit == 0)
            .map(|(unit, suffix)| format!("{}{suffix}", n / unit));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(name: &str, value: RawValue) -> Result<String, String> {
        normalise(lookup(name).expect(name), &value)
    }

    #[test]
    fn catalog_is_sorted_and_unique_for_binary_search() {
        for pair in CATALOG.windows(2) {
            assert!(
                pair[0].name < pair[1].name,
                "{} >= {}",
                pair[0].name,
                pair[1].name
            );
        }
        assert!(lookup("retention.ms").is_some());
        assert!(lookup("retention.hours").is_none());
    }

    #[test]
    fn durations_normalise_to_exact_milliseconds() {
        assert_eq!(
            norm("retention.ms", RawValue::Str("7d".into())).unwrap(),
            "604800000"
        );
        assert_eq!(
            norm("segment.ms", RawValue::Str("12h".into())).unwrap(),
            "43200000"
        );
        assert_eq!(
            norm("retention.ms", RawValue::Str("1h 30m".into())).unwrap(),
            "5400000"
        );
        assert_eq!(norm("retention.ms", RawValue::Int(-1)).unwrap(), "-1");
        assert_eq!(
            norm("retention.ms", RawValue::Str("-1".into())).unwrap(),
            "-1"
        );
        assert!(norm("retention.ms", RawValue::Str("1month".into())).is_err());
        assert!(norm("retention.ms", RawValue::Str("1y".into())).is_err());
        assert!(norm("retention.ms", RawValue::Str("1500us".into())).is_err());
        assert!(norm("retention.ms", RawValue::Int(-2)).is_err());
        let err = norm("retention.ms", RawValue::Str("seven days".into())).unwrap_err();
        assert!(err.contains("duration like `7d`"), "{err}");
    }

    // Regression: duration errors quoted humantime, which lists months and years as supported
    // (spec durations refuse them).
    #[test]
    fn duration_errors_list_only_the_units_specs_accept() {
        for text in [
            "3 fortnights",
            "1,5h",
            "7 d x",
            "",
            "d",
            "99999999999999999999d",
        ] {
            let err = duration_ms(text).unwrap_err();
            assert!(
                !err.contains("month") && !err.contains("year") && !err.contains("ns,"),
                "{text:?}: {err}"
            );
            assert!(err.starts_with(&format!("`{text}`")), "{text:?}: {err}");
        }
        let err = duration_ms("3 fortnights").unwrap_err();
        assert_eq!(
            err,
            "`3 fortnights`: unknown unit `fortnights`; use `ms`, `s`, `m`, `h`, `d` or `w` (for example `7d` or `1h 30m`)"
        );
        assert!(duration_ms("1,5h").unwrap_err().contains("whole numbers"));
        assert_eq!(duration_ms("1h 30m"), Ok(5_400_000));
        // `days` holds a `y` but is no year.
        assert_eq!(duration_ms("3 days"), Ok(259_200_000));
    }

    #[test]
    fn sizes_normalise_to_exact_bytes() {
        assert_eq!(
            norm("retention.bytes", RawValue::Str("1GiB".into())).unwrap(),
            "1073741824"
        );
        assert_eq!(
            norm("retention.bytes", RawValue::Str("500MB".into())).unwrap(),
            "500000000"
        );
        assert_eq!(
            norm("segment.bytes", RawValue::Str("1.5GiB".into())).unwrap(),
            "1610612736"
        );
        assert_eq!(
            norm("max.message.bytes", RawValue::Int(1048588)).unwrap(),
            "1048588"
        );
        assert!(
            norm("segment.bytes", RawValue::Str("4GiB".into())).is_err(),
            "over i32"
        );
        assert!(norm("retention.bytes", RawValue::Str("1.5B".into())).is_err());
        assert!(norm("retention.bytes", RawValue::Str("lots".into())).is_err());
    }

    #[test]
    fn enums_lists_bools_and_doubles() {
        assert_eq!(
            norm("cleanup.policy", RawValue::Str("delete,compact".into())).unwrap(),
            "compact,delete"
        );
        assert_eq!(
            norm("cleanup.policy", RawValue::List(vec!["compact".into()])).unwrap(),
            "compact"
        );
        let err = norm("cleanup.policy", RawValue::Str("compacted".into())).unwrap_err();
        assert!(err.contains("did you mean `compact`"), "{err}");
        let err = norm("compression.type", RawValue::Str("ZSTD".into())).unwrap_err();
        assert!(err.contains("did you mean `zstd`"), "{err}");
        assert_eq!(norm("preallocate", RawValue::Bool(true)).unwrap(), "true");
        assert!(norm("preallocate", RawValue::Str("yes".into())).is_err());
        assert_eq!(
            norm("min.cleanable.dirty.ratio", RawValue::Float(0.5)).unwrap(),
            "0.5"
        );
        assert!(norm("min.cleanable.dirty.ratio", RawValue::Float(1.5)).is_err());
        assert!(norm("min.insync.replicas", RawValue::Int(0)).is_err());
        assert_eq!(
            norm(
                "leader.replication.throttled.replicas",
                RawValue::Str("0:1,1:2".into())
            )
            .unwrap(),
            "0:1,1:2"
        );
        assert!(norm(
            "leader.replication.throttled.replicas",
            RawValue::Str("0-1".into())
        )
        .is_err());
    }

    #[test]
    fn suggestions_for_typos_and_broker_spellings() {
        assert_eq!(suggest("retention.msec"), Some("retention.ms"));
        assert_eq!(suggest("log.retention.hours"), Some("retention.ms"));
        assert_eq!(suggest("log.segment.bytes"), Some("segment.bytes"));
        assert_eq!(suggest("min.insync.replica"), Some("min.insync.replicas"));
        assert_eq!(suggest("zzz"), None);
    }

    #[test]
    fn equivalence_is_by_meaning() {
        assert!(equivalent("min.cleanable.dirty.ratio", "0.5", "0.50"));
        assert!(equivalent(
            "cleanup.policy",
            "delete,compact",
            "compact,delete"
        ));
        assert!(equivalent("preallocate", "TRUE", "true"));
        assert!(!equivalent("retention.ms", "1000", "1001"));
        assert!(!equivalent("compression.type", "zstd", "lz4"));
    }

    #[test]
    fn humanise_only_when_exact() {
        assert_eq!(humanise("retention.ms", "604800000").as_deref(), Some("7d"));
        assert_eq!(humanise("retention.ms", "5400000").as_deref(), Some("90m"));
        assert_eq!(humanise("retention.ms", "1500").as_deref(), None);
        assert_eq!(humanise("retention.ms", "-1"), None);
        assert_eq!(
            humanise("segment.bytes", "1073741824").as_deref(),
            Some("1GiB")
        );
        assert_eq!(humanise("segment.bytes", "1000"), None);
        assert_eq!(humanise("cleanup.policy", "delete"), None);
    }
}
