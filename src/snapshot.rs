//! Snapshots: the described cluster state as a versioned JSON document (`topicgate snapshot`),
//! and the read-only `Cluster` adapter that serves one (`--state FILE`), so a CI job without
//! network access to production can plan, check and gate against last night's snapshot.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::cluster::{Cluster, ClusterError, ConfigAlteration, Mode, NewTopic, TopicOutcome};
use crate::cluster_state::ClusterState;

pub const SNAPSHOT_FORMAT: &str = "topicgate-snapshot";
pub const SNAPSHOT_FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub format: String,
    pub format_version: u32,
    pub generated_by: String,
    /// When the cluster was described (RFC 3339, UTC).
    pub taken_at: String,
    /// The described cluster: bootstrap servers, cluster id, brokers, broker defaults and every
    /// topic with its partitions, replication factor, replica assignment and configs (with sources).
    pub cluster: ClusterState,
}

impl Snapshot {
    pub fn new(cluster: ClusterState, now: SystemTime) -> Snapshot {
        Snapshot {
            format: SNAPSHOT_FORMAT.into(),
            format_version: SNAPSHOT_FORMAT_VERSION,
            generated_by: format!("topicgate {}", env!("CARGO_PKG_VERSION")),
            taken_at: humantime::format_rfc3339_seconds(now).to_string(),
            cluster,
        }
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
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))?;
    crate::document::check_format(&value, SNAPSHOT_FORMAT, SNAPSHOT_FORMAT_VERSION)
        .map_err(invalid)?;
    serde_json::from_value(value).map_err(|e| invalid(e.to_string()))
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

fn read_only() -> ClusterError {
    ClusterError::Request {
        api: "snapshot",
        detail: "a snapshot is read-only; apply needs a live cluster".into(),
    }
}

impl Cluster for SnapshotCluster {
    fn describe(&self) -> Result<ClusterState, ClusterError> {
        Ok(self.state.clone())
    }
    fn create_topics(&self, _: &[NewTopic], _: Mode) -> Result<Vec<TopicOutcome>, ClusterError> {
        Err(read_only())
    }
    fn create_partitions(
        &self,
        _: &[(String, i32)],
        _: Mode,
    ) -> Result<Vec<TopicOutcome>, ClusterError> {
        Err(read_only())
    }
    fn alter_configs(
        &self,
        _: &[ConfigAlteration],
        _: Mode,
    ) -> Result<Vec<TopicOutcome>, ClusterError> {
        Err(read_only())
    }
    fn delete_topics(&self, _: &[String]) -> Result<Vec<TopicOutcome>, ClusterError> {
        Err(read_only())
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
