//! The published JSON Schemas (docs/schemas/): generated from the Rust types, committed, and
//! correct: the repository's specs and example topicgate.yaml validate, bad ones do not.

use std::path::Path;

use crate::support::{stdout, topicgate};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn yaml_as_json(text: &str) -> serde_json::Value {
    serde_json::to_value(serde_yaml::from_str::<serde_yaml::Value>(text).unwrap()).unwrap()
}

fn validator(file: &str) -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/schemas").join(file)).unwrap(),
    )
    .unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

#[test]
fn the_committed_schemas_are_the_generated_ones() {
    for (kind, file) in [
        ("spec", "topicgate-spec.schema.json"),
        ("config", "topicgate-config.schema.json"),
    ] {
        let out = topicgate().args(["schema", kind]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let committed = std::fs::read_to_string(root().join("docs/schemas").join(file)).unwrap();
        assert!(
            stdout(&out) == committed,
            "docs/schemas/{file} is stale: run `topicgate schema {kind} > docs/schemas/{file}`"
        );
    }
}

#[test]
fn the_example_specs_and_config_validate() {
    let spec = validator("topicgate-spec.schema.json");
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(root().join("topics")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "yaml") {
            let doc = yaml_as_json(&std::fs::read_to_string(entry.path()).unwrap());
            let errors: Vec<String> = spec.iter_errors(&doc).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{}: {errors:#?}", entry.path().display());
            checked += 1;
        }
    }
    assert!(checked >= 5);
    let config = validator("topicgate-config.schema.json");
    let doc =
        yaml_as_json(&std::fs::read_to_string(root().join("examples/topicgate.yaml")).unwrap());
    let errors: Vec<String> = config.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn bad_documents_do_not_validate() {
    let spec = validator("topicgate-spec.schema.json");
    for bad in [
        "topics:\n  - {name: a, partitons: 3, replication_factor: 1}\n",
        "topics:\n  - {name: 'a b', partitions: 3, replication_factor: 1}\n",
        "topics:\n  - {name: a, partitions: 0, replication_factor: 1}\n",
        "topics:\n  - {name: a, partitions: 1, replication_factor: 1, configs: {retention.msec: 1}}\n",
        "topics:\n  - {name: a, partitions: 1, replication_factor: 1, configs: {retention.ms: soon}}\n",
        "topics:\n  - {name: a, partitions: 1, replication_factor: 1, configs: {cleanup.policy: compacted}}\n",
        "topics:\n  - {name: a, partitions: 1, replication_factor: 1, policy_exceptions: {policy-min-partition: x}}\n",
    ] {
        assert!(!spec.is_valid(&yaml_as_json(bad)), "accepted: {bad}");
    }
    for good in [
        "topics:\n  - {name: a, partitions: 1, replication_factor: 1, configs: {retention.ms: 7d, retention.bytes: 1GiB, cleanup.policy: [compact, delete]}}\n",
        "topics:\n  - {name: a, partitions: 1, replication_factor: 1, configs: {retention.ms: -1, cleanup.policy: 'compact,delete', min.cleanable.dirty.ratio: 0.5}}\n",
    ] {
        let doc = yaml_as_json(good);
        let errors: Vec<String> = spec.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{good}: {errors:#?}");
    }
    let config = validator("topicgate-config.schema.json");
    assert!(!config.is_valid(&yaml_as_json("policies:\n  min_partition: {value: 3}\n")));
    assert!(!config.is_valid(&yaml_as_json("clusters:\n  a:\n    bootstrap: x\n")));
}
