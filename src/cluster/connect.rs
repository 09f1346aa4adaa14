//! Opening a cluster: the `Connector` a command asks for a reader or an admin, so that no
//! command builds an adapter itself. `LiveConnector` is the real one: a live cluster through
//! the Kafka adapter, or a snapshot file (`--state FILE`) through `SnapshotCluster`. Tests of
//! the commands pass a `MemoryCluster` (`cluster::memory`) instead, and run without a broker.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use crate::cluster::kafka::KafkaCluster;
use crate::cluster::snapshot::{SnapshotCluster, SnapshotError};
use crate::cluster::{Admin, ClusterError, ClusterReader};
use crate::model::connection::Connection;

/// Where a read-only command gets the cluster state from.
#[derive(Debug)]
pub enum ClusterSource {
    Live(Connection),
    /// `--state FILE`: a snapshot, offline.
    Snapshot(PathBuf),
}

/// A cluster opened for reading, and, when it is a snapshot, what the user is told about it.
pub struct Reader<'a> {
    pub cluster: Box<dyn ClusterReader + 'a>,
    /// Set when the state comes from a snapshot file rather than a live cluster.
    pub snapshot: Option<SnapshotOrigin>,
}

/// Which snapshot a command works from (said on stderr, with its age).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotOrigin {
    pub path: PathBuf,
    /// The cluster the snapshot was taken of.
    pub source: String,
    pub taken_at: String,
    /// How long ago it was taken (`None` if `taken_at` cannot be read).
    pub age: Option<Duration>,
}

/// Why a cluster could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(transparent)]
    Cluster(#[from] ClusterError),
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
}

/// Opens clusters for the commands.
pub trait Connector {
    /// The cluster a read-only command works on: live or a snapshot.
    fn reader(&self, source: &ClusterSource) -> Result<Reader<'_>, ConnectError>;
    /// A live cluster to change (`apply`).
    fn admin(&self, connection: &Connection) -> Result<Box<dyn Admin + '_>, ConnectError>;
}

/// The real connector: Kafka for a live cluster, `SnapshotCluster` for a snapshot file.
#[derive(Debug, Clone, Copy, Default)]
pub struct LiveConnector;

impl Connector for LiveConnector {
    fn reader(&self, source: &ClusterSource) -> Result<Reader<'_>, ConnectError> {
        match source {
            ClusterSource::Live(connection) => Ok(Reader {
                cluster: Box::new(connect(connection)?),
                snapshot: None,
            }),
            ClusterSource::Snapshot(path) => {
                let snapshot = crate::cluster::snapshot::read(path)?;
                let origin = SnapshotOrigin {
                    path: path.clone(),
                    source: snapshot.cluster.source.clone(),
                    taken_at: snapshot.taken_at.clone(),
                    age: snapshot.age(SystemTime::now()),
                };
                Ok(Reader {
                    cluster: Box::new(SnapshotCluster::new(&snapshot, path)),
                    snapshot: Some(origin),
                })
            }
        }
    }

    fn admin(&self, connection: &Connection) -> Result<Box<dyn Admin + '_>, ConnectError> {
        Ok(Box::new(connect(connection)?))
    }
}

/// Creates the client for a live cluster, saying (`-v`) where it connects. Property names only:
/// their values may be secrets.
fn connect(connection: &Connection) -> Result<KafkaCluster, ClusterError> {
    let keys: Vec<&str> = connection
        .properties
        .iter()
        .map(|(k, _)| k.as_str())
        .collect();
    log::info!(
        "connecting to `{}` (timeout {}){}",
        connection.bootstrap_servers,
        humantime::format_duration(connection.timeout),
        if keys.is_empty() {
            String::new()
        } else {
            format!(
                " with client properties {} (values not shown)",
                keys.join(", ")
            )
        }
    );
    KafkaCluster::connect(connection.clone())
}
