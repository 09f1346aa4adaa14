//! The JSON Schemas `topicgate schema` prints (and docs/schemas/ publishes): spec files, from
//! the loader's `load::schema::SpecFile`, and topicgate.yaml.

use serde_json::{json, Value};

/// The JSON Schema of spec files.
pub fn spec_schema() -> Value {
    let mut schema =
        serde_json::to_value(schemars::schema_for!(crate::load::schema::SpecFile)).expect("schema");
    schema["$id"] = json!("https://topicgate.dev/schemas/topicgate-spec.schema.json");
    schema
}

/// The JSON Schema of topicgate.yaml.
pub fn config_schema_document() -> Value {
    let mut schema =
        serde_json::to_value(schemars::schema_for!(crate::settings::file::SettingsFile))
            .expect("schema");
    schema["$id"] = json!("https://topicgate.dev/schemas/topicgate-config.schema.json");
    schema
}
