//! `SettingsFile`: the optional `topicgate.yaml` at the repository root (or `--config FILE`). It
//! holds per-cluster settings, selected with `--cluster NAME`, and the topics `check` ignores.
//!
//! ```yaml
//! clusters:
//!   prod:
//!     bootstrap_servers: b-1.example:9092,b-2.example:9092
//!     broker_defaults: { partitions: 1, replication_factor: 3, auto_create_topics_enable: true }
//! ignore:
//!   - '^tmp\.'
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::broker_defaults::GivenDefaults;
use crate::model::connection::{is_bootstrap_property, secret_resemblance};
use crate::model::position::{Pos, Step};
use crate::policy::{CompiledPolicies, Policies};

/// The default file name, looked up in the current directory (the loader's first settings-file
/// name: the loader never reads it as a spec).
pub const DEFAULT_FILE: &str = crate::load::SETTINGS_FILE_NAMES[0];

/// topicgate.yaml: organisation policies and per-cluster settings.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
// N.B. the published schema (docs/schemas/topicgate-config.schema.json) keeps its title.
#[schemars(rename = "ConfigFile")]
pub struct SettingsFile {
    /// Connection settings and broker defaults per cluster, selected with `--cluster NAME`.
    #[serde(default)]
    pub clusters: BTreeMap<String, ClusterSettings>,
    /// Regexes of topic names that `check` and `gate` never report.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Rules every spec and every live topic must follow.
    #[serde(default)]
    pub policies: Policies,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClusterSettings {
    /// `host:port[,host:port...]`; `--bootstrap-servers` wins. `TOPICGATE_BOOTSTRAP_SERVERS` only
    /// fills it in when it is absent: a variable never redirects a named cluster.
    pub bootstrap_servers: Option<String>,
    /// librdkafka client properties (`security.protocol`, `sasl.mechanism`, ...). No secrets:
    /// those go in `secret_properties`.
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
    /// librdkafka properties whose values are read from environment variables, named here
    /// (`sasl.password: KAFKA_PASSWORD`). Their values are never printed.
    #[serde(default)]
    pub secret_properties: BTreeMap<String, String>,
    /// For brokers that do not expose them (N.B. KAFKA.md: Tansu; some managed services).
    #[serde(default)]
    pub broker_defaults: GivenDefaults,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsFileError {
    #[error("cannot read `{}`: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{message} ({location})")]
    Invalid { message: String, location: String },
    /// Every problem found, for mistakes that are collected rather than reported one at a time.
    #[error("{}", render_problems(.path, .problems))]
    Problems {
        path: PathBuf,
        problems: Vec<Problem>,
    },
    #[error("no cluster `{name}` in `{}`{}", .file.display(), if .known.is_empty() { String::new() } else { format!(" (it has {})", .known.join(", ")) })]
    UnknownCluster {
        name: String,
        file: PathBuf,
        known: Vec<String>,
    },
    #[error("{0} needs a `topicgate.yaml` (or `--config FILE`) with a `clusters:` section")]
    /// `--cluster NAME` or `TOPICGATE_CLUSTER=NAME`, as given.
    NoFile(String),
}

/// A loaded topicgate.yaml with its policies compiled.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub path: PathBuf,
    pub file: SettingsFile,
    pub policies: CompiledPolicies,
}

/// Reads `path`, or `./topicgate.yaml` when no path is given and it exists (the only I/O of
/// the settings: `from_text` and `Settings::resolve` do none).
pub fn load(path: Option<&Path>) -> Result<Option<Loaded>, SettingsFileError> {
    let path = match path {
        Some(p) => p.to_path_buf(),
        None => {
            let default = PathBuf::from(DEFAULT_FILE);
            if !default.exists() {
                return Ok(None);
            }
            default
        }
    };
    let text = std::fs::read_to_string(&path).map_err(|source| SettingsFileError::Read {
        path: path.clone(),
        source,
    })?;
    from_text(path, &text).map(Some)
}

/// Parses and validates `text`, the contents of topicgate.yaml at `path`: every problem at once.
pub fn from_text(path: PathBuf, text: &str) -> Result<Loaded, SettingsFileError> {
    // Every problem at once: repeated keys, then what parsing or validation finds.
    let problems = duplicates(&path, text);
    let merge = |mut problems: Vec<Problem>, e: SettingsFileError| match e {
        // serde_yaml refuses a repeated struct field by itself; the repeat is reported already.
        SettingsFileError::Invalid { message, .. }
            if !problems.is_empty() && message.contains("duplicate") =>
        {
            SettingsFileError::Problems {
                path: path.clone(),
                problems,
            }
        }
        SettingsFileError::Invalid { message, location } => {
            problems.push(Problem { message, location });
            SettingsFileError::Problems {
                path: path.clone(),
                problems,
            }
        }
        SettingsFileError::Problems { problems: more, .. } => {
            problems.extend(more);
            SettingsFileError::Problems {
                path: path.clone(),
                problems,
            }
        }
        other => other,
    };
    let file = match parse(&path, text) {
        Ok(file) => file,
        Err(e) => return Err(merge(problems, e)),
    };
    let policies = match validate(&path, text, &file) {
        Ok(policies) => policies,
        Err(e) => return Err(merge(problems, e)),
    };
    if !problems.is_empty() {
        return Err(SettingsFileError::Problems { path, problems });
    }
    Ok(Loaded {
        path,
        file,
        policies,
    })
}

/// Every repeated key, wherever it is. A map keeps the last of repeated keys, so a repeat would
/// silently replace the first; a cluster defined twice is the dangerous case.
pub fn duplicates(path: &Path, text: &str) -> Vec<Problem> {
    let Some(root) = crate::model::position::index(text) else {
        return Vec::new();
    };
    let clusters: Vec<Pos> = root
        .get("clusters")
        .map(|c| {
            c.duplicate_keys()
                .into_iter()
                .map(|(_, _, again)| again)
                .collect()
        })
        .unwrap_or_default();
    root.all_duplicate_keys()
        .into_iter()
        .map(|(key, first, again)| Problem {
            message: if clusters.contains(&again) {
                format!(
                    "cluster `{key}` is defined twice (first at line {}); keep one definition",
                    first.line
                )
            } else {
                format!(
                    "`{key}` appears twice (first at line {}); keep one",
                    first.line
                )
            },
            location: crate::model::diagnostic::location(path, Some(again)),
        })
        .collect()
}

/// Checks what parsing cannot: broker defaults below 1, `ignore:` patterns that do not compile,
/// and the policies (each rule, and rules that contradict each other). Every problem is
/// collected, each with its file:line, before failing.
pub fn validate(
    path: &Path,
    text: &str,
    file: &SettingsFile,
) -> Result<CompiledPolicies, SettingsFileError> {
    let root = crate::model::position::index(text);
    let at = |steps: &[Step]| {
        let pos = root.as_ref().map(|r| r.find(steps));
        crate::model::diagnostic::location(path, pos)
    };
    let mut problems = Vec::new();
    for (name, cluster) in &file.clusters {
        let given = &cluster.broker_defaults;
        let counts = [
            ("partitions", given.partitions.map(i64::from)),
            (
                "replication_factor",
                given.replication_factor.map(i64::from),
            ),
        ];
        for (key, value) in counts {
            if let Some(n) = value.filter(|n| *n < 1) {
                problems.push(Problem {
                    message: format!(
                        "`broker_defaults.{key}` of cluster `{name}` must be at least 1, got {n}"
                    ),
                    location: at(&Step::keys(&["clusters", name, "broker_defaults", key])),
                });
            }
        }
    }
    for (i, pattern) in file.ignore.iter().enumerate() {
        if let Err(e) = regex::Regex::new(pattern) {
            let mut steps = Step::keys(&["ignore"]);
            steps.push(Step::Item(i));
            problems.push(Problem {
                message: format!(
                    "ignore pattern `{pattern}` is not a valid regex: {}",
                    crate::policy::regex_error(&e)
                ),
                location: at(&steps),
            });
        }
    }
    let policies = file.policies.compile().map_err(|rule_problems| {
        for p in rule_problems {
            let mut steps = Step::keys(&["policies"]);
            steps.extend(p.at);
            problems.push(Problem {
                message: p.message,
                location: at(&steps),
            });
        }
    });
    match policies {
        Ok(policies) if problems.is_empty() => Ok(policies),
        _ => Err(SettingsFileError::Problems {
            path: path.to_path_buf(),
            problems,
        }),
    }
}

/// One problem found in topicgate.yaml, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub location: String,
}

fn render_problems(path: &Path, problems: &[Problem]) -> String {
    match problems {
        [one] => format!("{} ({})", one.message, one.location),
        many => {
            let lines: Vec<String> = many
                .iter()
                .map(|p| format!("  {} ({})", p.message, p.location))
                .collect();
            format!(
                "{} problems in `{}`:\n{}",
                many.len(),
                path.display(),
                lines.join("\n")
            )
        }
    }
}

pub fn parse(path: &Path, text: &str) -> Result<SettingsFile, SettingsFileError> {
    if text.trim().is_empty() {
        return Ok(SettingsFile::default());
    }
    let file: SettingsFile = serde_yaml::from_str(text).map_err(|e| {
        let message = e.to_string();
        let message = match message.find(" at line ") {
            Some(i) => &message[..i],
            None => &message,
        };
        let message = crate::model::diagnostic::plain_serde_error(message);
        let location = match e.location() {
            Some(l) => format!("{}:{}:{}", path.display(), l.line(), l.column()),
            None => path.display().to_string(),
        };
        SettingsFileError::Invalid { message, location }
    })?;
    for (name, cluster) in &file.clusters {
        let position = |key: &str, under: Option<&str>| {
            crate::model::position::index(text).and_then(|root| {
                let cluster = root.get("clusters")?.get(name)?;
                match under {
                    Some(section) => cluster.get(section)?.key_pos(key),
                    None => cluster.key_pos(key),
                }
            })
        };
        if let Some(servers) = &cluster.bootstrap_servers {
            if let Err(message) = crate::model::bootstrap_servers::BootstrapServers::parse(servers)
            {
                return Err(SettingsFileError::Invalid {
                    message: format!("`bootstrap_servers` of cluster `{name}`: {message}"),
                    location: crate::model::diagnostic::location(
                        path,
                        position("bootstrap_servers", None),
                    ),
                });
            }
        }
        if let Some(key) = cluster
            .properties
            .keys()
            .chain(cluster.secret_properties.keys())
            .find(|k| is_bootstrap_property(k))
        {
            let section = if cluster.properties.contains_key(key) {
                "properties"
            } else {
                "secret_properties"
            };
            return Err(SettingsFileError::Invalid {
                message: format!(
                    "`{key}` is not accepted in `{section}`: give the address as `bootstrap_servers` of the cluster, its one source"
                ),
                location: crate::model::diagnostic::location(path, position(key, Some(section))),
            });
        }
        if let Some((key, like)) = cluster
            .properties
            .keys()
            .find_map(|k| secret_resemblance(k).map(|like| (k, like)))
        {
            let pos = crate::model::position::index(text).and_then(|root| {
                root.get("clusters")?
                    .get(name)?
                    .get("properties")?
                    .key_pos(key)
            });
            return Err(SettingsFileError::Invalid {
                message: if key.to_ascii_lowercase().contains(like) {
                    format!(
                        "`{key}` is a secret and does not belong in the file: name an environment variable for it under `secret_properties` (`{key}: MY_ENV_VAR`)"
                    )
                } else {
                    format!(
                        "`{key}` looks like a secret (like `{like}`; a typo?) and does not belong in the file: fix its name and name an environment variable for it under `secret_properties` (`KEY: MY_ENV_VAR`)"
                    )
                },
                location: crate::model::diagnostic::location(path, pos),
            });
        }
    }
    Ok(file)
}

impl SettingsFile {
    pub fn cluster(&self, name: &str, file: &Path) -> Result<&ClusterSettings, SettingsFileError> {
        self.clusters
            .get(name)
            .ok_or_else(|| SettingsFileError::UnknownCluster {
                name: name.to_string(),
                file: file.to_path_buf(),
                known: self.clusters.keys().map(|k| format!("`{k}`")).collect(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_file_parses() {
        let f = parse(
            Path::new("topicgate.yaml"),
            "clusters:\n  msk:\n    bootstrap_servers: b-1:9092\n    broker_defaults: {partitions: 1, replication_factor: 3}\nignore: ['^tmp\\.']\n",
        )
        .unwrap();
        let msk = f.cluster("msk", Path::new("topicgate.yaml")).unwrap();
        assert_eq!(msk.broker_defaults.partitions, Some(1));
        assert_eq!(msk.bootstrap_servers.as_deref(), Some("b-1:9092"));
        assert_eq!(f.ignore, vec!["^tmp\\."]);
        let err = f
            .cluster("prod", Path::new("topicgate.yaml"))
            .unwrap_err()
            .to_string();
        assert_eq!(err, "no cluster `prod` in `topicgate.yaml` (it has `msk`)");
    }

    // Regression: serde's Rust words reached the user (`expected struct LimitRule`, `expected i16`).
    #[test]
    fn type_mistakes_are_said_without_rust_type_names() {
        for (text, expect) in [
            (
                "policies:\n  min_partitions: 3\n",
                "`policies.min_partitions` must be a mapping, got the whole number `3` (t.yaml:2:19)",
            ),
            (
                "clusters:\n  a:\n    broker_defaults: {replication_factor: 99999}\n",
                "`clusters.a.broker_defaults.replication_factor` must be a whole number from -32768 to 32767, got `99999`",
            ),
            (
                "ignore: tmp\n",
                "`ignore` must be a list, got the string \"tmp\"",
            ),
            (
                "policies:\n  retention: [1h]\n",
                "`policies.retention` must be a mapping, got a list",
            ),
        ] {
            let err = parse(Path::new("t.yaml"), text).unwrap_err().to_string();
            assert!(err.contains(expect), "{text:?}: {err}");
            for rust in ["struct", "i16", "i64", "u32", "invalid type", "sequence"] {
                assert!(!err.contains(rust), "{text:?}: {err}");
            }
        }
    }

    #[test]
    fn a_cluster_defined_twice_and_any_repeated_key_are_errors() {
        // Regression: a cluster defined twice was accepted and the last definition won.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("topicgate.yaml");
        std::fs::write(
            &path,
            "clusters:\n  prod:\n    bootstrap_servers: a:9092\n  prod:\n    bootstrap_servers: b:9092\n    properties:\n      client.id: x\n      client.id: y\n",
        )
        .unwrap();
        let err = load(Some(&path)).unwrap_err().to_string();
        assert!(
            err.contains("cluster `prod` is defined twice (first at line 2); keep one definition"),
            "{err}"
        );
        assert!(err.contains("topicgate.yaml:4:3)"), "{err}");
        assert!(
            err.contains("`client.id` appears twice (first at line 7); keep one"),
            "{err}"
        );
        assert!(err.contains("topicgate.yaml:8:7)"), "{err}");
    }

    #[test]
    fn mistakes_name_file_and_line() {
        let err = parse(
            Path::new("topicgate.yaml"),
            "clusters:\n  msk:\n    broker_defaults:\n      partitons: 1\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("unknown field `partitons`"), "{err}");
        assert!(err.contains("(topicgate.yaml:4:"), "{err}");
        let err = parse(Path::new("t.yaml"), "ignore: [\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("(t.yaml:"), "{err}");
    }
}
