//! `ConfigFile`: the optional `topicgate.yaml` at the repository root (or `--config FILE`). It
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

use crate::broker_defaults::GivenDefaults;

/// The default file name, looked up in the current directory.
pub const DEFAULT_FILE: &str = "topicgate.yaml";

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub clusters: BTreeMap<String, ClusterSettings>,
    /// Regexes of topic names that `check` and `gate` never report.
    #[serde(default)]
    pub ignore: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterSettings {
    pub bootstrap_servers: Option<String>,
    /// For brokers that do not expose them (N.B. KAFKA.md: Tansu; some managed services).
    #[serde(default)]
    pub broker_defaults: GivenDefaults,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigFileError {
    #[error("cannot read `{}`: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{message} ({location})")]
    Invalid { message: String, location: String },
    #[error("no cluster `{name}` in `{}`{}", .file.display(), if .known.is_empty() { String::new() } else { format!(" (it has {})", .known.join(", ")) })]
    UnknownCluster {
        name: String,
        file: PathBuf,
        known: Vec<String>,
    },
    #[error(
        "`--cluster {0}` needs a `topicgate.yaml` (or `--config FILE`) with a `clusters:` section"
    )]
    NoFile(String),
}

/// Reads `path`, or `./topicgate.yaml` when no path is given and it exists.
pub fn load(path: Option<&Path>) -> Result<Option<(PathBuf, ConfigFile)>, ConfigFileError> {
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
    let text = std::fs::read_to_string(&path).map_err(|source| ConfigFileError::Read {
        path: path.clone(),
        source,
    })?;
    let file = parse(&path, &text)?;
    Ok(Some((path, file)))
}

pub fn parse(path: &Path, text: &str) -> Result<ConfigFile, ConfigFileError> {
    if text.trim().is_empty() {
        return Ok(ConfigFile::default());
    }
    serde_yaml::from_str(text).map_err(|e| {
        let message = e.to_string();
        let message = match message.find(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        let location = match e.location() {
            Some(l) => format!("{}:{}:{}", path.display(), l.line(), l.column()),
            None => path.display().to_string(),
        };
        ConfigFileError::Invalid { message, location }
    })
}

impl ConfigFile {
    pub fn cluster(&self, name: &str, file: &Path) -> Result<&ClusterSettings, ConfigFileError> {
        self.clusters
            .get(name)
            .ok_or_else(|| ConfigFileError::UnknownCluster {
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
