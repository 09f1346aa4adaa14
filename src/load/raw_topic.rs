//! The second stage of loading: a spec file's tree into raw topic entries. Checks the shape only:
//! the file is a mapping with a `topics:` list, each entry a mapping whose keys are known (an
//! unknown one gets a "did you mean"), and each value of the kind its key takes (a string, a
//! number, a mapping, …). What the values say is `validate`'s business.

use std::collections::BTreeMap;

use super::yaml::{Kind, Located, Node};
use super::{number, unknown_key_message, Report};
use crate::model::position::Pos;
use crate::model::topic_config::{self, RawValue};

/// The keys of a topic entry: the one list, in the order the schema documents them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Key {
    Name,
    Partitions,
    ReplicationFactor,
    Configs,
    Owner,
    Description,
    Labels,
    Delete,
    PolicyExceptions,
}

impl Key {
    pub(super) const ALL: [Key; 9] = [
        Key::Name,
        Key::Partitions,
        Key::ReplicationFactor,
        Key::Configs,
        Key::Owner,
        Key::Description,
        Key::Labels,
        Key::Delete,
        Key::PolicyExceptions,
    ];

    pub(super) const fn as_str(self) -> &'static str {
        match self {
            Key::Name => "name",
            Key::Partitions => "partitions",
            Key::ReplicationFactor => "replication_factor",
            Key::Configs => "configs",
            Key::Owner => "owner",
            Key::Description => "description",
            Key::Labels => "labels",
            Key::Delete => "delete",
            Key::PolicyExceptions => "policy_exceptions",
        }
    }

    fn parse(key: &str) -> Option<Key> {
        Key::ALL.into_iter().find(|k| k.as_str() == key)
    }
}

/// The keys a topic entry may have, as text.
pub(super) const KEYS: [&str; Key::ALL.len()] = {
    let mut out = [""; Key::ALL.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = Key::ALL[i].as_str();
        i += 1;
    }
    out
};

/// The entries of a mapping whose keys are not fixed (config names, policy codes): each key
/// with its value as written, in document order.
pub(super) type Entries = Vec<(Located<String>, Node)>;

/// One topic entry, its values of the right kinds but not yet checked. `None`: the key is
/// absent, or its value was of the wrong kind (reported).
#[derive(Debug, Clone)]
pub(super) struct RawTopic {
    /// Where the entry is, or else the nearest known position.
    pub(super) pos: Pos,
    /// The entry's own position, where known.
    pub(super) entry_pos: Option<Pos>,
    /// The keys written, whatever their values.
    pub(super) keys: Vec<Key>,
    /// The known keys that unknown ones were taken for (`partitons` → `partitions`): their
    /// absence is already explained.
    pub(super) suggested: Vec<&'static str>,
    pub(super) name: Option<Located<String>>,
    pub(super) partitions: Option<Located<RawValue>>,
    pub(super) replication_factor: Option<Located<RawValue>>,
    /// Config names with their values as written, in document order.
    pub(super) configs: Option<Entries>,
    pub(super) owner: Option<String>,
    pub(super) description: Option<String>,
    pub(super) labels: Option<BTreeMap<String, String>>,
    pub(super) delete: Option<bool>,
    /// Each code with its reason as written; the position is the mapping's.
    pub(super) policy_exceptions: Option<Located<Entries>>,
}

/// The topic entries of a spec file, and how many problems each had (a topic with any is not
/// loaded).
pub(super) fn from_file(root: &Node, report: &mut Report) -> Vec<(RawTopic, usize)> {
    let entries = match &root.kind {
        Kind::Map(entries) => entries,
        Kind::Null => {
            report.error(None, "empty spec file: expected a `topics:` list");
            return Vec::new();
        }
        _ => {
            report.error(
                root.pos,
                "a spec file must be a mapping with a `topics:` list",
            );
            return Vec::new();
        }
    };
    let mut topics = None;
    for (key, v) in entries {
        match key.value.as_deref() {
            Some("topics") => topics = Some(v),
            Some(other) => {
                report.error(
                    key.pos,
                    unknown_key_message(other, &["topics"], "a spec file"),
                );
            }
            None => report.error(root.pos, "keys must be strings"),
        }
    }
    let Some(topics) = topics else {
        report.error(root.pos, "missing the `topics:` list");
        return Vec::new();
    };
    let items = match &topics.kind {
        Kind::Seq(items) => items,
        Kind::Null => return Vec::new(),
        _ => {
            report.error(topics.pos, "`topics` must be a list of topic entries");
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for item in items {
        if let Some(pos) = item.pos {
            report.fallback = pos;
        }
        let before = report.error_count();
        if let Some(topic) = from_node(item, report) {
            out.push((topic, report.error_count() - before));
        }
    }
    out
}

/// One entry of `topics`; `None` when it is not a mapping.
fn from_node(node: &Node, report: &mut Report) -> Option<RawTopic> {
    let pos = node.pos;
    let Kind::Map(entries) = &node.kind else {
        report.error(
            pos,
            "each entry of `topics` must be a mapping with `name`, `partitions` and `replication_factor`",
        );
        return None;
    };
    let mut raw = RawTopic {
        pos: pos.unwrap_or(report.fallback),
        entry_pos: pos,
        keys: Vec::new(),
        suggested: Vec::new(),
        name: None,
        partitions: None,
        replication_factor: None,
        configs: None,
        owner: None,
        description: None,
        labels: None,
        delete: None,
        policy_exceptions: None,
    };
    for (key, v) in entries {
        let Some(text) = key.value.as_deref() else {
            report.error(pos, "keys must be strings");
            continue;
        };
        let Some(known) = Key::parse(text) else {
            if let Some(s) = topic_config::closest(text, KEYS) {
                raw.suggested.push(s);
            }
            report.error(key.pos, unknown_key_message(text, &KEYS, "a topic entry"));
            continue;
        };
        raw.keys.push(known);
        match known {
            Key::Name => raw.name = string(v, "name", report).map(|s| located(s, v)),
            Key::Partitions => raw.partitions = count(v, "partitions", report),
            Key::ReplicationFactor => {
                raw.replication_factor = count(v, "replication_factor", report)
            }
            Key::Configs => raw.configs = configs(v, report),
            Key::Owner => raw.owner = string(v, "owner", report),
            Key::Description => raw.description = string(v, "description", report),
            Key::Labels => raw.labels = labels(v, report),
            Key::Delete => match &v.kind {
                Kind::Bool(b) => raw.delete = Some(*b),
                _ => report.error(
                    v.pos,
                    format!("`delete` must be `true` or `false`, got {}", v.describe()),
                ),
            },
            Key::PolicyExceptions => raw.policy_exceptions = exceptions(v, report),
        }
    }
    Some(raw)
}

fn located<T>(value: T, node: &Node) -> Located<T> {
    Located {
        value,
        pos: node.pos,
    }
}

fn string(v: &Node, key: &str, report: &mut Report) -> Option<String> {
    match &v.kind {
        Kind::String(s) => Some(s.clone()),
        _ => {
            report.error(
                v.pos,
                format!("`{key}` must be a string, got {}", v.describe()),
            );
            None
        }
    }
}

fn count(v: &Node, key: &str, report: &mut Report) -> Option<Located<RawValue>> {
    match &v.kind {
        Kind::Number(n) => Some(located(number(n), v)),
        _ => {
            report.error(
                v.pos,
                format!("`{key}` must be a whole number, got {}", v.describe()),
            );
            None
        }
    }
}

fn configs(v: &Node, report: &mut Report) -> Option<Entries> {
    let entries = match &v.kind {
        Kind::Map(entries) => entries,
        Kind::Null => return Some(Vec::new()),
        _ => {
            report.error(
                v.pos,
                format!(
                    "`configs` must be a mapping of config names to values, got {}",
                    v.describe()
                ),
            );
            return None;
        }
    };
    let mut out = Vec::new();
    for (k, val) in entries {
        let Some(key) = &k.value else {
            report.error(v.pos, "config names must be strings");
            continue;
        };
        let name = Located {
            value: key.clone(),
            pos: k.pos,
        };
        out.push((name, val.clone()));
    }
    Some(out)
}

fn labels(v: &Node, report: &mut Report) -> Option<BTreeMap<String, String>> {
    let Kind::Map(entries) = &v.kind else {
        report.error(
            v.pos,
            format!(
                "`labels` must be a mapping of names to values, got {}",
                v.describe()
            ),
        );
        return None;
    };
    let mut out = BTreeMap::new();
    for (k, val) in entries {
        match (k.value.as_deref(), val.scalar_text()) {
            (Some(k), Some(val)) => {
                out.insert(k.to_string(), val);
            }
            _ => report.error(
                v.pos,
                "`labels` entries must be `name: value` with scalar values",
            ),
        }
    }
    Some(out)
}

fn exceptions(v: &Node, report: &mut Report) -> Option<Located<Entries>> {
    let Kind::Map(entries) = &v.kind else {
        report.error(
            v.pos,
            format!(
                "`policy_exceptions` must map policy codes to reasons, got {}",
                v.describe()
            ),
        );
        return None;
    };
    let mut out = Vec::new();
    for (k, reason) in entries {
        let Some(code) = &k.value else {
            report.error(v.pos, "policy codes must be strings");
            continue;
        };
        let code = Located {
            value: code.clone(),
            pos: k.pos,
        };
        out.push((code, reason.clone()));
    }
    Some(located(out, v))
}
