//! `TopicFilter`: the topics `check` and `gate` never report: Kafka's and common tools' internal
//! topics, plus the user's `--ignore` / `topicgate.yaml` patterns.

use regex::Regex;

/// N.B. KAFKA.md: internal and tooling topics no governance tool should flag by default.
const INTERNAL_NAMES: &[&str] = &[
    "_schemas",
    "connect-configs",
    "connect-offsets",
    "connect-status",
];
/// `__` is Kafka's own prefix (`__consumer_offsets`, `__transaction_state`, `__amazon_msk_*`).
const INTERNAL_PREFIXES: &[&str] = &["__", "_confluent-"];
/// Kafka Streams internal topics.
const INTERNAL_SUFFIXES: &[&str] = &["-changelog", "-repartition"];

pub fn is_internal(name: &str) -> bool {
    INTERNAL_NAMES.contains(&name)
        || INTERNAL_PREFIXES.iter().any(|p| name.starts_with(p))
        || INTERNAL_SUFFIXES.iter().any(|s| name.ends_with(s))
}

#[derive(Debug, Clone, Default)]
pub struct TopicFilter {
    patterns: Vec<Regex>,
}

impl TopicFilter {
    /// Compiles the patterns; the error names the pattern that does not compile.
    pub fn new(patterns: &[String]) -> Result<TopicFilter, String> {
        let patterns = patterns
            .iter()
            .map(|p| {
                Regex::new(p).map_err(|e| format!("ignore pattern `{p}` is not a valid regex: {e}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(TopicFilter { patterns })
    }

    /// Whether findings about `name` are suppressed.
    pub fn ignores(&self, name: &str) -> bool {
        is_internal(name) || self.patterns.iter().any(|p| p.is_match(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_topics_from_kafka_md_are_ignored() {
        for name in [
            "__consumer_offsets",
            "__transaction_state",
            "_schemas",
            "connect-configs",
            "connect-offsets",
            "connect-status",
            "__amazon_msk_canary",
            "__amazon_msk_connect_status",
            "_confluent-metrics",
            "app-store-changelog",
            "app-agg-repartition",
        ] {
            assert!(TopicFilter::default().ignores(name), "{name}");
        }
        assert!(!TopicFilter::default().ignores("orders.created"));
        assert!(!TopicFilter::default().ignores("_private"));
    }

    #[test]
    fn user_patterns_are_regexes() {
        let f = TopicFilter::new(&["^tmp\\.".into()]).unwrap();
        assert!(f.ignores("tmp.x"));
        assert!(!f.ignores("x.tmp.y"));
        assert!(TopicFilter::new(&["(".into()]).unwrap_err().contains("`(`"));
    }
}
