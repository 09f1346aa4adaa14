//! `topicgate snapshot`: describe the cluster once and save it as a versioned JSON document.

use super::{Context, Outcome};
use crate::cluster::snapshot::Snapshot;
use crate::error::Error;
use crate::render;
use crate::settings::{ClusterSource, SnapshotSettings};

pub(super) fn run(s: &SnapshotSettings, cx: &mut Context) -> Result<Outcome, Error> {
    let io = &mut cx.io;
    // N.B. always live: settings give `snapshot` a connection, never `--state`.
    let cluster = cx
        .connector
        .reader(&ClusterSource::Live(s.connection.clone()))?
        .cluster;
    let snapshot = Snapshot::new(cluster.describe()?, std::time::SystemTime::now());
    match s.out.as_deref() {
        Some(file) => {
            let mut json = Vec::new();
            crate::model::document::write(&snapshot, &mut json)?;
            std::fs::write(file, &json).map_err(|source| Error::Write {
                path: file.to_path_buf(),
                source,
            })?;
            render::notes::snapshot_written(
                &snapshot.cluster.source,
                snapshot.cluster.topics.len(),
                file,
                io.err,
            )?;
        }
        None => render::json(&snapshot, io.out)?,
    }
    Ok(Outcome::Success)
}
