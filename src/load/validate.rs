//! The last stage of loading one topic: what a raw entry's values say. Topic names by Kafka's
//! rules, counts in range, configs known to Kafka and normalised (`7d` → `604800000`), policy
//! exceptions naming policy rules with a reason; the result is a `TopicSpec`.

use std::collections::BTreeMap;

use super::raw_topic::{Entries, Key, RawTopic};
use super::yaml::{Kind, Located, Node};
use super::{number, unknown_key_message, Report};
use crate::model::finding::Code;
use crate::model::position::Pos;
use crate::model::topic_config::{self, RawValue};
use crate::model::topic_name;
use crate::model::topic_spec::{Origin, TopicSpec};

/// The spec of `raw`, or `None` when its name is missing; every problem goes to `report`. The
/// caller drops a topic with any problem, here or in the raw entry.
pub(super) fn topic(raw: RawTopic, report: &mut Report) -> Option<TopicSpec> {
    report.fallback = raw.pos;
    let pos = raw.entry_pos;
    if let Some(name) = &raw.name {
        if let Err(why) = topic_name::check(&name.value) {
            report.error(name.pos, why);
        }
    }
    let partitions = raw
        .partitions
        .and_then(|v| count(v, "partitions", i32::MAX as i64, report))
        .map(|n| n as i32);
    let replication_factor = raw
        .replication_factor
        .and_then(|v| count(v, "replication_factor", i16::MAX as i64, report))
        .map(|n| n as i16);
    let configs = raw.configs.map(|c| configs(c, report)).unwrap_or_default();
    let policy_exceptions = raw
        .policy_exceptions
        .map(|e| exceptions(e.pos, e.value, report))
        .unwrap_or_default();
    let delete = raw.delete.unwrap_or(false);
    let Some(name) = raw.name.map(|n| n.value) else {
        report.error(pos, "topic entry has no `name`");
        return None;
    };
    if !delete {
        let written = |key: Key| raw.keys.contains(&key) || raw.suggested.contains(&key.as_str());
        if !written(Key::Partitions) {
            report.error(pos, format!("topic `{name}` has no `partitions`"));
        }
        if !written(Key::ReplicationFactor) {
            report.error(pos, format!("topic `{name}` has no `replication_factor`"));
        }
    } else if !configs.is_empty() {
        report.warning(
            pos,
            format!("topic `{name}` is marked `delete: true`; its `configs` are ignored"),
        );
    }
    Some(TopicSpec {
        name,
        partitions,
        replication_factor,
        configs,
        owner: raw.owner,
        description: raw.description,
        labels: raw.labels.unwrap_or_default(),
        delete,
        policy_exceptions,
        origin: Origin {
            file: report.file.to_path_buf(),
            pos: raw.pos,
        },
    })
}

/// A partition count or replication factor: a whole number from 1 to `max`.
fn count(v: Located<RawValue>, key: &str, max: i64, report: &mut Report) -> Option<i64> {
    match v.value {
        RawValue::Int(n) if n >= 1 && n <= i128::from(max) => i64::try_from(n).ok(),
        RawValue::Int(n) if n < 1 => {
            report.error(v.pos, format!("`{key}` must be at least 1, got {n}"));
            None
        }
        RawValue::Int(n) => {
            report.error(v.pos, format!("`{key}` must be at most {max}, got {n}"));
            None
        }
        other => {
            let message = format!(
                "`{key}` must be a whole number, got {}{}",
                other.describe(),
                topic_config::write_as(&other)
            );
            report.error(v.pos, message);
            None
        }
    }
}

/// Each config known to Kafka, its value normalised.
fn configs(entries: Entries, report: &mut Report) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (key, val) in entries {
        let (kpos, key) = (key.pos, key.value);
        let vpos = val.pos.or(kpos);
        let Some(def) = topic_config::lookup(&key) else {
            let mut msg = format!("`{key}` is not a Kafka topic-level config");
            if let Some(s) = topic_config::suggest(&key) {
                msg.push_str(&format!("; did you mean `{s}`?"));
            }
            report.error(kpos, msg);
            continue;
        };
        if let Some(version) = def.removed_in {
            report.warning(kpos, format!("`{key}` was removed in Kafka {version}; brokers from {version} on reject or ignore it"));
        }
        let raw = match &val.kind {
            Kind::Number(n) => number(n),
            Kind::Bool(b) => RawValue::Bool(*b),
            Kind::String(s) => RawValue::Str(s.clone()),
            Kind::Seq(items) => {
                let texts: Option<Vec<String>> = items.iter().map(Node::scalar_text).collect();
                match texts {
                    Some(t) => RawValue::List(t),
                    None => {
                        report.error(vpos, format!("`{key}` must be a value or a list of values"));
                        continue;
                    }
                }
            }
            Kind::Null => {
                report.error(
                    vpos,
                    format!("`{key}` has no value; remove the line to leave it unset"),
                );
                continue;
            }
            _ => {
                report.error(
                    vpos,
                    format!("`{key}` must be a value, got {}", val.describe()),
                );
                continue;
            }
        };
        match topic_config::normalise(def, &raw) {
            Ok(normalised) => {
                out.insert(key, normalised);
            }
            Err(msg) => report.error(vpos, msg),
        }
    }
    out
}

/// `policy_exceptions: {CODE: reason}`: each code a policy rule, each reason a sentence. `at`:
/// where the mapping is.
fn exceptions(at: Option<Pos>, entries: Entries, report: &mut Report) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let codes: Vec<&str> = Code::POLICY.iter().map(|c| c.as_str()).collect();
    for (code, reason) in entries {
        let kpos = code.pos.or(at);
        let code = code.value;
        if !codes.contains(&code.as_str()) {
            let msg = unknown_key_message(&code, &codes, "`policy_exceptions` (a policy code)");
            report.error(kpos, msg);
            continue;
        }
        match &reason.kind {
            Kind::String(r) if !r.trim().is_empty() => {
                out.insert(code, r.clone());
            }
            _ => report.error(
                kpos,
                format!("the exception to `{code}` needs a reason (a sentence saying why)"),
            ),
        }
    }
    out
}
