//! The leaf layer: plain data and small pure helpers that the pipeline's stages share. A module
//! here imports only from `model/`, so any stage can use it without depending on another stage
//! (`tests/layers.rs` holds the tree to that).

pub mod connection;
pub mod finding;
pub mod plan;
pub mod topic_name;
