//! The leaf layer: plain data and small pure helpers that the pipeline's stages share. A module
//! here imports only from `model/`, so any stage can use it without depending on another stage
//! (`tests/integration/layers.rs` holds the tree to that).

pub mod acl;
pub mod bootstrap_servers;
pub mod broker_defaults;
pub mod cluster_state;
pub mod connection;
pub mod diagnostic;
pub mod document;
pub mod finding;
pub mod plan;
pub mod position;
pub mod secret;
pub mod topic_config;
pub mod topic_filter;
pub mod topic_name;
pub mod topic_spec;
