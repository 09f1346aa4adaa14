//! The broker defaults that decide what an auto-created topic looks like, resolved from the
//! broker itself where it exposes them, else from `--broker-defaults`, else from the selected
//! cluster of `topicgate.yaml`. N.B. KAFKA.md: some brokers (Tansu, some managed services) do not
//! expose `num.partitions` and friends.

use serde::{Deserialize, Serialize};

use crate::model::cluster_state::BrokerDefaults;

/// Defaults given by the user (flag or config file); any field may be absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GivenDefaults {
    pub partitions: Option<i32>,
    pub replication_factor: Option<i16>,
    pub auto_create_topics_enable: Option<bool>,
}

/// Where a resolved value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DefaultsSource {
    Broker,
    Flag,
    ConfigFile,
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Resolved<T> {
    pub value: Option<T>,
    pub source: DefaultsSource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ResolvedDefaults {
    pub partitions: Resolved<i32>,
    pub replication_factor: Resolved<i16>,
    pub auto_create_topics_enable: Resolved<bool>,
}

fn pick<T: Copy>(broker: Option<T>, flag: Option<T>, file: Option<T>) -> Resolved<T> {
    match (broker, flag, file) {
        (Some(v), _, _) => Resolved {
            value: Some(v),
            source: DefaultsSource::Broker,
        },
        (None, Some(v), _) => Resolved {
            value: Some(v),
            source: DefaultsSource::Flag,
        },
        (None, None, Some(v)) => Resolved {
            value: Some(v),
            source: DefaultsSource::ConfigFile,
        },
        (None, None, None) => Resolved {
            value: None,
            source: DefaultsSource::Unknown,
        },
    }
}

impl ResolvedDefaults {
    /// The broker's own values win; the user's fill the gaps.
    pub fn resolve(broker: &BrokerDefaults, flag: &GivenDefaults, file: &GivenDefaults) -> Self {
        ResolvedDefaults {
            partitions: pick(broker.num_partitions, flag.partitions, file.partitions),
            replication_factor: pick(
                broker.default_replication_factor,
                flag.replication_factor,
                file.replication_factor,
            ),
            auto_create_topics_enable: pick(
                broker.auto_create_topics_enable,
                flag.auto_create_topics_enable,
                file.auto_create_topics_enable,
            ),
        }
    }

    /// Partition count and replication factor, when both are known.
    pub fn shape(&self) -> Option<(i32, i16)> {
        Some((self.partitions.value?, self.replication_factor.value?))
    }
}

/// Parses `partitions=1,replication_factor=3[,auto_create_topics_enable=true]`.
pub fn parse_given(text: &str) -> Result<GivenDefaults, String> {
    let mut given = GivenDefaults::default();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, value) = part
            .split_once('=')
            .ok_or_else(|| format!("`{part}` must be `key=value`"))?;
        let bad = || format!("`{part}`: `{value}` is not a valid value for `{key}`");
        match key.trim() {
            "partitions" | "num.partitions" => given.partitions = Some(value.parse().ok().filter(|n| *n >= 1).ok_or_else(bad)?),
            "replication_factor" | "default.replication.factor" => {
                given.replication_factor = Some(value.parse().ok().filter(|n| *n >= 1).ok_or_else(bad)?)
            }
            "auto_create_topics_enable" | "auto.create.topics.enable" => {
                given.auto_create_topics_enable = Some(value.parse().map_err(|_| bad())?)
            }
            other => {
                return Err(format!(
                    "unknown broker default `{other}` (expected `partitions`, `replication_factor` or `auto_create_topics_enable`)"
                ))
            }
        }
    }
    Ok(given)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_broker_wins_and_the_user_fills_gaps() {
        let broker = BrokerDefaults {
            num_partitions: Some(1),
            default_replication_factor: None,
            auto_create_topics_enable: None,
        };
        let flag = parse_given("partitions=4,replication_factor=3").unwrap();
        let file = GivenDefaults {
            replication_factor: Some(2),
            auto_create_topics_enable: Some(true),
            ..Default::default()
        };
        let r = ResolvedDefaults::resolve(&broker, &flag, &file);
        assert_eq!(
            r.partitions,
            Resolved {
                value: Some(1),
                source: DefaultsSource::Broker
            }
        );
        assert_eq!(
            r.replication_factor,
            Resolved {
                value: Some(3),
                source: DefaultsSource::Flag
            }
        );
        assert_eq!(
            r.auto_create_topics_enable.source,
            DefaultsSource::ConfigFile
        );
        assert_eq!(r.shape(), Some((1, 3)));
    }

    #[test]
    fn bad_defaults_are_named() {
        assert!(parse_given("partitions=0")
            .unwrap_err()
            .contains("`partitions=0`"));
        assert!(parse_given("partitions").unwrap_err().contains("key=value"));
        assert!(parse_given("shards=2")
            .unwrap_err()
            .contains("unknown broker default `shards`"));
        assert_eq!(parse_given("num.partitions=2").unwrap().partitions, Some(2));
    }
}
