//! `topicgate snapshot`: describe the cluster once and save it as a versioned JSON document.

use std::path::Path;

use anyhow::{Context, Result};

use super::{Io, Outcome};
use crate::cluster::kafka::KafkaCluster;
use crate::cluster::snapshot::Snapshot;
use crate::cluster::ClusterReader;
use crate::model::connection::Connection;

pub fn run(connection: Connection, out: Option<&Path>, io: &mut Io) -> Result<Outcome> {
    let cluster = KafkaCluster::connect(connection)?;
    let snapshot = Snapshot::new(cluster.describe()?, std::time::SystemTime::now());
    let json = serde_json::to_vec_pretty(&snapshot)?;
    match out {
        Some(file) => {
            std::fs::write(file, &json)
                .with_context(|| format!("cannot write `{}`", file.display()))?;
            writeln!(
                io.err,
                "snapshot of `{}` ({} topic(s)) written to `{}`",
                snapshot.cluster.source,
                snapshot.cluster.topics.len(),
                file.display()
            )?;
        }
        None => {
            io.out.write_all(&json)?;
            writeln!(io.out)?;
        }
    }
    Ok(Outcome::Success)
}
