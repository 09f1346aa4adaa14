//! `TopicSpec`: one topic as declared in a spec file, validated and normalised (config values
//! are the exact strings Kafka stores).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use crate::model::position::Pos;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicSpec {
    pub name: String,
    /// Declared partition count (absent only on a `delete: true` spec).
    pub partitions: Option<i32>,
    /// Declared replication factor (absent only on a `delete: true` spec).
    pub replication_factor: Option<i16>,
    /// Topic-level config overrides, normalised. For a managed topic this is the whole truth:
    /// overrides in the cluster that are not here are removed by `apply`.
    pub configs: BTreeMap<String, String>,
    pub owner: Option<String>,
    pub description: Option<String>,
    pub labels: BTreeMap<String, String>,
    /// The topic should not exist; `apply --allow-delete` deletes it.
    pub delete: bool,
    /// Policy rules waived for this topic: code (`policy-min-partitions`) -> the reason.
    pub policy_exceptions: BTreeMap<String, String>,
    /// Where the topic is declared.
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    pub file: PathBuf,
    pub pos: Pos,
}

impl Origin {
    pub fn location(&self) -> String {
        crate::model::diagnostic::location(&self.file, Some(self.pos))
    }
}

impl Serialize for Pos {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("line", &self.line)?;
        m.serialize_entry("column", &self.col)?;
        m.end()
    }
}

/// All topics declared by a set of spec files, by name.
#[derive(Debug, Clone, Default)]
pub struct SpecSet {
    pub topics: BTreeMap<String, TopicSpec>,
    /// The files that were read, in order.
    pub files: Vec<PathBuf>,
}
