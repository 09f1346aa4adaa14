//! `SpecFile`: the shape of a spec file as Rust types, from which the published JSON Schema is
//! generated (`topicgate schema spec`, docs/schemas/). The loader reads YAML through its own
//! stages to report every problem with its position; a test keeps the raw topic entry's keys
//! (`raw_topic::KEYS`) and these types in step.

use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Map, Value};

use crate::model::finding::Code;
use crate::model::topic_config::{ConfigType, CATALOG};

/// A topicgate spec file: the topics it declares.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[allow(dead_code)] // only its schema is used
pub struct SpecFile {
    /// The topics this file declares. A topic may be declared in one place only.
    pub topics: Vec<TopicEntry>,
}

/// One topic.
#[derive(JsonSchema, Default)]
#[schemars(deny_unknown_fields)]
#[allow(dead_code)]
pub struct TopicEntry {
    /// Kafka topic name: ASCII letters, digits, `.`, `_` and `-`, 1 to 249 characters.
    #[schemars(
        regex(pattern = r"^[a-zA-Z0-9._-]{1,249}$"),
        length(min = 1, max = 249)
    )]
    pub name: String,
    /// Partition count (required unless `delete: true`). Can be increased, never decreased.
    #[schemars(range(min = 1))]
    pub partitions: Option<i32>,
    /// Replication factor (required unless `delete: true`).
    #[schemars(range(min = 1, max = 32767))]
    pub replication_factor: Option<i16>,
    /// Topic-level config overrides. Overrides on the topic that are not listed here are removed.
    #[schemars(schema_with = "configs_schema", default)]
    pub configs: Option<BTreeMap<String, Value>>,
    /// The owning team (descriptive).
    pub owner: Option<String>,
    /// What the topic carries (descriptive).
    pub description: Option<String>,
    /// Free-form labels (descriptive).
    pub labels: Option<BTreeMap<String, String>>,
    /// The topic should not exist: `topicgate apply --allow-delete` deletes it.
    pub delete: Option<bool>,
    /// Policy rules of topicgate.yaml waived for this topic: policy code -> the reason.
    #[schemars(schema_with = "exceptions_schema", default)]
    pub policy_exceptions: Option<BTreeMap<String, String>>,
}

const DURATION: &str = r"^\s*-?\d+\s*$|^(\s*\d+\s*(ms|msec|s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|week|weeks)\s*)+$";
const SIZE: &str = r"^\s*-?\d+\s*$|^\s*\d+(\.\d+)?\s*([kKmMgGtTpP]i?[bB]?|[bB])\s*$";

fn config_schema(name: &str, ty: ConfigType) -> Value {
    match ty {
        ConfigType::Long { min, max } | ConfigType::Int { min, max } => {
            let int = json!({"type": "integer", "minimum": min, "maximum": max});
            if name.ends_with(".ms") {
                json!({"anyOf": [int, {"type": "string", "pattern": DURATION}], "description": "milliseconds, or a duration such as `7d`, `12h`, `30m`"})
            } else if name.ends_with(".bytes") {
                json!({"anyOf": [int, {"type": "string", "pattern": SIZE}], "description": "bytes, or a size such as `1GiB` or `500MB`"})
            } else {
                int
            }
        }
        ConfigType::Double { min, max } => {
            json!({"type": "number", "minimum": min, "maximum": max})
        }
        ConfigType::Bool => json!({"type": "boolean"}),
        ConfigType::Enum(values) => json!({"enum": values}),
        ConfigType::EnumList(values) => json!({
            "anyOf": [
                {"type": "string", "pattern": format!("^\\s*({0})(\\s*,\\s*({0}))*\\s*$", values.join("|"))},
                {"type": "array", "items": {"enum": values}, "minItems": 1, "uniqueItems": true}
            ]
        }),
        ConfigType::ThrottledReplicas => {
            json!({"type": "string", "pattern": r"^\*$|^\d+:\d+(\s*,\s*\d+:\d+)*$"})
        }
        ConfigType::Text => json!({"type": ["string", "number"]}),
    }
}

fn configs_schema(_: &mut SchemaGenerator) -> Schema {
    let mut properties = Map::new();
    for def in CATALOG {
        let mut schema = config_schema(def.name, def.ty);
        let mut notes = Vec::new();
        if let Some(v) = def.since {
            notes.push(format!("since Kafka {v}"));
        }
        if let Some(v) = def.removed_in {
            notes.push(format!("removed in Kafka {v}"));
            schema["deprecated"] = json!(true);
        }
        if !notes.is_empty() {
            let base = schema
                .get("description")
                .and_then(|d| d.as_str())
                .map(|d| format!("{d}; "))
                .unwrap_or_default();
            schema["description"] = json!(format!("{base}{}", notes.join(", ")));
        }
        properties.insert(def.name.to_string(), schema);
    }
    Schema::try_from(
        json!({"type": "object", "properties": properties, "additionalProperties": false}),
    )
    .expect("an object schema")
}

fn exceptions_schema(_: &mut SchemaGenerator) -> Schema {
    let codes: Vec<&str> = Code::POLICY.iter().map(|c| c.as_str()).collect();
    let properties: Map<String, Value> = codes
        .iter()
        .map(|c| (c.to_string(), json!({"type": "string", "minLength": 1, "description": "why this topic is exempt"})))
        .collect();
    Schema::try_from(
        json!({"type": "object", "properties": properties, "additionalProperties": false}),
    )
    .expect("an object schema")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::raw_topic::KEYS;

    #[test]
    fn the_schema_and_the_loader_know_the_same_keys() {
        let schema = serde_json::to_value(schemars::schema_for!(SpecFile)).unwrap();
        let entry = &schema["$defs"]["TopicEntry"]["properties"];
        let mut keys: Vec<&str> = entry
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut loader: Vec<&str> = KEYS.to_vec();
        keys.sort_unstable();
        loader.sort_unstable();
        assert_eq!(keys, loader);
        let configs = entry["configs"]["properties"].as_object().unwrap();
        assert_eq!(configs.len(), CATALOG.len());
        assert_eq!(configs["retention.ms"]["anyOf"][1]["pattern"], DURATION);
    }
}
