//! `export`: spec files for the topics a cluster has now, so a team with a running cluster can
//! adopt topicgate in a day. Only real topic-level overrides are written (never inherited or
//! default values), in human units where exact (`7d`, `1GiB`), grouped into one file per name
//! prefix. Pure: a `ClusterState` in, file names and texts out. `plan` with the exported specs
//! against the same cluster shows no changes.

use std::collections::BTreeMap;
use std::path::PathBuf;

use regex::Regex;
use serde_yaml::Value;

use crate::model::cluster_state::{ClusterState, TopicState};
use crate::model::topic_config::{self, ConfigType};
use crate::model::topic_filter::is_internal;

#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    pub include: Option<Regex>,
    pub exclude: Option<Regex>,
    /// Export internal and tooling topics too (`__consumer_offsets`, `*-changelog`, ...).
    pub internal: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    /// Relative to the output directory.
    pub path: PathBuf,
    pub text: String,
    pub topics: usize,
    /// The topics it declares.
    pub names: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Export {
    pub files: Vec<ExportFile>,
    /// Topics left out, with why (they stay unmanaged: no plan touches them).
    pub skipped: Vec<(String, String)>,
}

/// The file a topic goes to: its name up to the first `.`, `_` or `-`, in lower case
/// (`orders.created` -> `orders.yaml`); internal topics, when exported, go to `internal.yaml`.
/// Every name chosen is one the loader reads as a spec: never `topicgate.yaml` (the settings file,
/// skipped as a spec; `topicgate.*` topics go to `topicgate-topics.yaml`), never hidden (a name
/// made only of separators goes to `other.yaml`), and lower case, so prefixes that differ only by
/// case share one file instead of overwriting each other on a case-insensitive file system.
fn group(name: &str) -> String {
    if is_internal(name) {
        return "internal.yaml".into();
    }
    let file = match name.split(['.', '_', '-']).find(|p| !p.is_empty()) {
        Some(prefix) => format!("{}.yaml", prefix.to_ascii_lowercase()),
        None => "other.yaml".into(),
    };
    if crate::load::is_settings_name(&file) {
        return "topicgate-topics.yaml".into();
    }
    file
}

/// A YAML scalar as serde_yaml writes it (quoted only where YAML would misread it).
fn scalar(v: Value) -> String {
    serde_yaml::to_string(&v)
        .unwrap_or_default()
        .trim_end()
        .to_string()
}

/// A config value as a person would write it, typed so that it loads back to the same value.
fn config_value(key: &str, value: &str) -> Result<String, String> {
    let def = topic_config::lookup(key).ok_or_else(|| {
        format!("override `{key}` is not a Kafka topic-level config topicgate knows")
    })?;
    let text = match def.ty {
        ConfigType::Long { .. } | ConfigType::Int { .. } => {
            match topic_config::humanise(key, value) {
                Some(human) => scalar(Value::String(human)),
                None => match value.trim().parse::<i64>() {
                    Ok(n) => n.to_string(),
                    Err(_) => return Err(format!("override `{key}` has a non-numeric value")),
                },
            }
        }
        ConfigType::Bool => match value.to_ascii_lowercase().as_str() {
            b @ ("true" | "false") => b.to_string(),
            _ => return Err(format!("override `{key}` is not a boolean")),
        },
        ConfigType::Double { .. } => match value.trim().parse::<f64>() {
            Ok(f) => f.to_string(),
            Err(_) => return Err(format!("override `{key}` is not a number")),
        },
        _ => scalar(Value::String(value.to_string())),
    };
    Ok(text)
}

fn topic_entry(name: &str, topic: &TopicState) -> Result<String, String> {
    if let Some(e) = &topic.configs_error {
        return Err(format!("its configs could not be read ({e})"));
    }
    let mut out = format!(
        "  - name: {}\n    partitions: {}\n    replication_factor: {}\n",
        scalar(Value::String(name.to_string())),
        topic.partitions,
        topic.replication_factor
    );
    let overrides = topic.overrides();
    if !overrides.is_empty() {
        out.push_str("    configs:\n");
        for (key, value) in &overrides {
            out.push_str(&format!("      {key}: {}\n", config_value(key, value)?));
        }
    }
    Ok(out)
}

pub fn export(state: &ClusterState, options: &ExportOptions) -> Export {
    let mut groups: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut skipped = Vec::new();
    for (name, topic) in &state.topics {
        if (!options.internal && is_internal(name))
            || options.include.as_ref().is_some_and(|r| !r.is_match(name))
            || options.exclude.as_ref().is_some_and(|r| r.is_match(name))
        {
            continue;
        }
        match topic_entry(name, topic) {
            Ok(entry) => groups
                .entry(group(name))
                .or_default()
                .push((name.clone(), entry)),
            Err(why) => skipped.push((name.clone(), why)),
        }
    }
    let header = format!(
        "# Exported by topicgate from `{}`{}.\n# Partitions, replication factor and topic-level overrides only; add owners and descriptions.\n",
        state.source,
        state.cluster_id.as_deref().map(|c| format!(" (cluster `{c}`)")).unwrap_or_default()
    );
    let files = groups
        .into_iter()
        .map(|(file, entries)| {
            let (names, entries): (Vec<String>, Vec<String>) = entries.into_iter().unzip();
            ExportFile {
                path: PathBuf::from(file),
                topics: entries.len(),
                text: format!("{header}topics:\n{}", entries.join("\n")),
                names,
            }
        })
        .collect();
    Export { files, skipped }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{kafka_topic, msk, sparse_topic};
    use crate::load::parse_file;
    use crate::model::topic_spec::SpecSet;
    use crate::plan::plan;

    fn round_trip(state: &ClusterState) -> (Export, SpecSet) {
        let exported = export(state, &ExportOptions::default());
        let mut topics = Vec::new();
        let mut diags = Vec::new();
        for f in &exported.files {
            parse_file(&f.path, &f.text, &mut topics, &mut diags);
        }
        let errors: Vec<_> = diags
            .iter()
            .filter(|d| d.severity == crate::model::diagnostic::Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{errors:#?}\n{:#?}", exported.files);
        let specs = SpecSet {
            topics: topics.into_iter().map(|t| (t.name.clone(), t)).collect(),
            files: vec![],
        };
        (exported, specs)
    }

    #[test]
    fn exported_specs_plan_to_nothing_on_the_same_cluster() {
        let state = msk(vec![
            (
                "orders.created",
                kafka_topic(
                    12,
                    3,
                    &[
                        ("retention.ms", "604800000"),
                        ("cleanup.policy", "compact,delete"),
                        ("max.message.bytes", "2097152"),
                    ],
                ),
            ),
            (
                "orders.dlq",
                kafka_topic(
                    3,
                    3,
                    &[
                        ("retention.ms", "1500"),
                        ("min.cleanable.dirty.ratio", "0.50"),
                    ],
                ),
            ),
            (
                "payments",
                kafka_topic(
                    6,
                    3,
                    &[
                        ("message.format.version", "3.0"),
                        ("preallocate", "TRUE"),
                        ("retention.bytes", "-1"),
                    ],
                ),
            ),
            (
                "123",
                sparse_topic(1, 1, &[("segment.bytes", "1073741824")]),
            ),
            (
                "__consumer_offsets",
                kafka_topic(50, 3, &[("cleanup.policy", "compact")]),
            ),
        ]);
        let (exported, specs) = round_trip(&state);
        let names: Vec<_> = exported
            .files
            .iter()
            .map(|f| f.path.display().to_string())
            .collect();
        assert_eq!(names, ["123.yaml", "orders.yaml", "payments.yaml"]);
        assert!(!specs.topics.contains_key("__consumer_offsets"));
        assert!(
            plan(&specs, &state).is_empty(),
            "{:#?}",
            plan(&specs, &state).changes
        );
        let orders = &exported.files[1].text;
        assert!(orders.contains("      retention.ms: 7d\n"), "{orders}");
        assert!(
            orders.contains("      max.message.bytes: 2MiB\n"),
            "{orders}"
        );
        assert!(orders.contains("      retention.ms: 1500\n"), "{orders}");
        assert!(
            !orders.contains("segment.bytes"),
            "inherited values are never exported: {orders}"
        );
        assert!(
            exported.files[0].text.contains("  - name: '123'\n"),
            "{}",
            exported.files[0].text
        );
        assert!(
            exported.files[2]
                .text
                .contains("message.format.version: '3.0'"),
            "{}",
            exported.files[2].text
        );
    }

    // Regression: topics named `topicgate.*` were exported to `topicgate.yaml` (never read as a
    // spec; in the working directory it is read as the settings file), and names made only of
    // separators to a hidden file; both were lost on the way back.
    #[test]
    fn every_exported_file_is_one_the_loader_reads() {
        let names = [
            "topicgate.events",
            "TopicGate-audit",
            "topicgate",
            "...",
            "_-_",
            "Orders.a",
            "orders.b",
            "yml",
        ];
        let state = msk(names.iter().map(|n| (*n, kafka_topic(1, 3, &[]))).collect());
        let exported = export(&state, &ExportOptions::default());
        let dir = tempfile::tempdir().unwrap();
        for f in &exported.files {
            assert!(crate::load::is_spec_name(&f.path), "{}", f.path.display());
            std::fs::write(dir.path().join(&f.path), &f.text).unwrap();
        }
        let loaded = crate::load::load(&[dir.path().to_path_buf()]).unwrap();
        let mut loaded: Vec<&str> = loaded.specs.topics.keys().map(String::as_str).collect();
        let mut expected = names.to_vec();
        loaded.sort_unstable();
        expected.sort_unstable();
        assert_eq!(loaded, expected);
        // Prefixes that differ only by case share a file (one file system's two names are
        // another's one).
        let files: Vec<String> = exported
            .files
            .iter()
            .map(|f| f.path.display().to_string())
            .collect();
        assert!(files.contains(&"orders.yaml".to_string()), "{files:?}");
        assert!(!files.iter().any(|f| f == "Orders.yaml"), "{files:?}");
    }

    #[test]
    fn filters_and_unknown_overrides() {
        let state = msk(vec![
            ("a.one", kafka_topic(1, 3, &[])),
            ("a.two", kafka_topic(1, 3, &[])),
            (
                "b.one",
                kafka_topic(1, 3, &[("confluent.placement.constraints", "{}")]),
            ),
            ("__amazon_msk_canary", kafka_topic(1, 3, &[])),
        ]);
        let opts = ExportOptions {
            exclude: Some(Regex::new("two").unwrap()),
            internal: true,
            ..Default::default()
        };
        let e = export(&state, &opts);
        let files: Vec<_> = e
            .files
            .iter()
            .map(|f| (f.path.display().to_string(), f.topics))
            .collect();
        assert_eq!(
            files,
            [("a.yaml".to_string(), 1), ("internal.yaml".to_string(), 1)]
        );
        assert_eq!(e.skipped.len(), 1);
        assert!(e.skipped[0].1.contains("`confluent.placement.constraints`"));
        let only_b = ExportOptions {
            include: Some(Regex::new("^a\\.").unwrap()),
            ..Default::default()
        };
        assert_eq!(export(&state, &only_b).files[0].topics, 2);
    }
}
