//! Snapshots: the described cluster state as a versioned JSON document (`topicgate snapshot`),
//! and the `ClusterReader` adapter that serves one (`--state FILE`), so a CI job without
//! network access to production can plan, check and gate against last night's snapshot.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::cluster::{ClusterError, ClusterReader};
use crate::model::cluster_state::ClusterState;
use crate::model::document::{self, Document, DocumentError, Envelope};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// `topicgate-snapshot`, version 1.
    #[serde(flatten)]
    pub envelope: Envelope,
    pub generated_by: String,
    /// When the cluster was described (RFC 3339, UTC).
    pub taken_at: String,
    /// The described cluster: bootstrap servers, cluster id, brokers, broker defaults and every
    /// topic with its partitions, replication factor, replica assignment and configs (with sources).
    pub cluster: ClusterState,
}

impl Document for Snapshot {
    const FORMAT: &'static str = "topicgate-snapshot";
    const VERSION: u32 = 1;
}

impl Snapshot {
    pub fn new(cluster: ClusterState, now: SystemTime) -> Snapshot {
        Snapshot {
            envelope: Envelope::of::<Snapshot>(),
            generated_by: format!("topicgate {}", env!("CARGO_PKG_VERSION")),
            taken_at: humantime::format_rfc3339_seconds(now).to_string(),
            cluster,
        }
    }

    /// Everything that makes the snapshot impossible as a description of a cluster: a `taken_at`
    /// that is not a time or is in the future (beyond a few minutes of clock skew), topics with
    /// illegal names, fewer than 1 partition or a replication factor below 1, broker defaults
    /// below 1. Empty when it is plausible.
    pub fn problems(&self, now: SystemTime) -> Vec<String> {
        const SKEW: Duration = Duration::from_secs(5 * 60);
        let mut out = Vec::new();
        match humantime::parse_rfc3339(&self.taken_at) {
            Err(_) => out.push(format!(
                "`taken_at` is `{}`, not a time like `2026-11-24T02:00:00Z` (RFC 3339, UTC)",
                self.taken_at
            )),
            Ok(taken) => {
                if let Ok(ahead) = taken.duration_since(now) {
                    if ahead > SKEW {
                        out.push(format!(
                            "`taken_at` is `{}`, {} after now: a snapshot cannot come from the future (is a clock wrong?)",
                            self.taken_at,
                            humantime::format_duration(Duration::from_secs(ahead.as_secs()))
                        ));
                    }
                }
            }
        }
        for (name, topic) in &self.cluster.topics {
            if let Err(why) = crate::model::topic_name::check(name) {
                out.push(why);
            }
            if topic.partitions < 1 {
                out.push(format!(
                    "topic `{name}`: `partitions` is {}; a topic has at least 1",
                    topic.partitions
                ));
            }
            if topic.replication_factor < 1 {
                out.push(format!(
                    "topic `{name}`: `replication_factor` is {}; a topic has at least 1",
                    topic.replication_factor
                ));
            }
        }
        let defaults = &self.cluster.broker_defaults;
        if let Some(n) = defaults.num_partitions.filter(|n| *n < 1) {
            out.push(format!(
                "`broker_defaults.num_partitions` is {n}; it is at least 1"
            ));
        }
        if let Some(n) = defaults.default_replication_factor.filter(|n| *n < 1) {
            out.push(format!(
                "`broker_defaults.default_replication_factor` is {n}; it is at least 1"
            ));
        }
        out
    }

    /// How long ago it was taken (zero if in the future).
    pub fn age(&self, now: SystemTime) -> Option<Duration> {
        let taken = humantime::parse_rfc3339(&self.taken_at).ok()?;
        Some(now.duration_since(taken).unwrap_or_default())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("cannot read the snapshot `{}`: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("`{}` is not a topicgate snapshot: {reason}", .path.display())]
    Invalid { path: PathBuf, reason: String },
    #[error("`{}` is not a valid snapshot ({} problem(s)): {}", .path.display(), .problems.len(), .problems.join("; "))]
    Implausible {
        path: PathBuf,
        problems: Vec<String>,
    },
}

pub fn read(path: &Path) -> Result<Snapshot, SnapshotError> {
    let text = std::fs::read_to_string(path).map_err(|source| SnapshotError::Read {
        path: path.into(),
        source,
    })?;
    let invalid = |reason: String| SnapshotError::Invalid {
        path: path.into(),
        reason,
    };
    let snapshot: Snapshot = document::read(&text, path).map_err(|e| match e {
        DocumentError::NotJson(e) => invalid(e.to_string()),
        DocumentError::OtherFormat(why) => invalid(why),
        DocumentError::Invalid { message, location } => invalid(format!("{message} ({location})")),
    })?;
    let problems = snapshot.problems(SystemTime::now());
    if !problems.is_empty() {
        return Err(SnapshotError::Implausible {
            path: path.into(),
            problems,
        });
    }
    Ok(snapshot)
}

/// A read-only cluster served from a snapshot.
pub struct SnapshotCluster {
    state: ClusterState,
}

impl SnapshotCluster {
    /// The state's `source` says it comes from a snapshot, so every output that names the
    /// cluster says so too.
    pub fn new(snapshot: &Snapshot, path: &Path) -> SnapshotCluster {
        let mut state = snapshot.cluster.clone();
        state.source = format!(
            "snapshot {} of {} taken at {}",
            path.display(),
            snapshot.cluster.source,
            snapshot.taken_at
        );
        SnapshotCluster { state }
    }
}

impl ClusterReader for SnapshotCluster {
    fn describe(&self) -> Result<ClusterState, ClusterError> {
        Ok(self.state.clone())
    }

    fn describe_topics(
        &self,
        names: &std::collections::BTreeSet<String>,
    ) -> Result<ClusterState, ClusterError> {
        Ok(crate::cluster::only_topics(self.state.clone(), names))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{kafka_topic, msk};

    #[test]
    fn a_snapshot_round_trips_and_knows_its_age() {
        let taken = humantime::parse_rfc3339("2026-11-24T02:00:00Z").unwrap();
        let snap = Snapshot::new(
            msk(vec![("a", kafka_topic(3, 3, &[("retention.ms", "5")]))]),
            taken,
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        std::fs::write(&path, serde_json::to_vec(&snap).unwrap()).unwrap();
        let back = read(&path).unwrap();
        assert_eq!(back, snap);
        let later = taken + Duration::from_secs(9 * 3600);
        assert_eq!(back.age(later), Some(Duration::from_secs(9 * 3600)));
        let served = SnapshotCluster::new(&back, &path).describe().unwrap();
        assert_eq!(served.topics, snap.cluster.topics);
        assert!(
            served.source.starts_with("snapshot ")
                && served.source.ends_with("taken at 2026-11-24T02:00:00Z")
        );
    }

    // Regression: a snapshot with a `taken_at` in the future or unparseable, negative partitions,
    // replication factor 0 or an illegal topic name was accepted as the truth about a cluster.
    #[test]
    fn an_impossible_snapshot_is_refused_with_every_problem() {
        let mut snap = Snapshot::new(
            msk(vec![
                ("ok", kafka_topic(3, 3, &[])),
                ("neg", kafka_topic(1, 3, &[])),
                ("rf0", kafka_topic(1, 3, &[])),
                ("bad name", kafka_topic(1, 3, &[])),
            ]),
            humantime::parse_rfc3339("2026-11-24T02:00:00Z").unwrap(),
        );
        snap.cluster.topics.get_mut("neg").unwrap().partitions = -4;
        snap.cluster
            .topics
            .get_mut("rf0")
            .unwrap()
            .replication_factor = 0;
        let now = humantime::parse_rfc3339("2026-11-24T01:00:00Z").unwrap();
        let problems = snap.problems(now);
        let text = problems.join("\n");
        for expect in [
            "`taken_at` is `2026-11-24T02:00:00Z`, 1h after now",
            "topic `neg`: `partitions` is -4; a topic has at least 1",
            "topic `rf0`: `replication_factor` is 0; a topic has at least 1",
            "topic name `bad name`",
        ] {
            assert!(text.contains(expect), "missing {expect:?} in {text}");
        }
        assert_eq!(problems.len(), 4, "{text}");
        snap.taken_at = "yesterday".into();
        assert!(snap.problems(now)[0]
            .contains("`taken_at` is `yesterday`, not a time like `2026-11-24T02:00:00Z`"));

        // Read from a file: refused (the caller exits 2), naming the file and every problem.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        std::fs::write(&path, serde_json::to_vec(&snap).unwrap()).unwrap();
        let err = read(&path).unwrap_err().to_string();
        assert!(
            err.contains("s.json` is not a valid snapshot (4 problem(s))"),
            "{err}"
        );
        assert!(err.contains("topic `neg`"), "{err}");
    }

    // Regression: serde's Rust words reached the user from a malformed snapshot.
    #[test]
    fn a_malformed_snapshot_is_said_in_words_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let mut doc = serde_json::to_value(Snapshot::new(
            msk(vec![("a", kafka_topic(1, 3, &[]))]),
            SystemTime::now(),
        ))
        .unwrap();
        doc["cluster"]["topics"]["a"]["replication_factor"] = serde_json::json!(70000);
        let text = serde_json::to_string_pretty(&doc).unwrap();
        std::fs::write(&path, &text).unwrap();
        let line = text.lines().position(|l| l.contains("70000")).unwrap() + 1;
        let err = read(&path).unwrap_err().to_string();
        assert!(
            err.contains("must be a whole number from -32768 to 32767, got `70000`"),
            "{err}"
        );
        assert!(err.contains(&format!("s.json:{line}:")), "{err}");
        assert!(!err.contains("i16"), "{err}");
    }

    #[test]
    fn other_documents_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.json");
        std::fs::write(
            &path,
            r#"{"format": "topicgate-plan", "format_version": 1}"#,
        )
        .unwrap();
        let err = read(&path).unwrap_err().to_string();
        assert!(
            err.contains("expected format `topicgate-snapshot` version 1"),
            "{err}"
        );
    }
}
