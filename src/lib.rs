//! topicgate: Kafka topics governed as code.
//!
//! The tool is one pipeline; each stage is a module:
//!
//! ```text
//! load specs ──► validate ──► describe cluster ──► diff ──► plan ──► apply
//!                                     │                        │
//!                                     └────────► check ◄───────┘ (findings)
//!                                                  │
//!                                               render (text | json | markdown)
//! ```
//!
//! Loading, diffing and planning are pure functions over plain data (`TopicSpec`,
//! `ClusterState`, `Plan`). Only `cluster::kafka` talks to a broker; only `render` formats output.
//! That plain data lives in `model`, the leaf layer, which imports nothing else of the crate
//! (`tests/integration/layers.rs` checks it, and that no two top-level modules import each other).

pub mod apply;
pub mod check;
pub mod cluster;
pub mod command;
pub mod compare;
pub mod diff;
pub mod error;
pub mod export;
#[cfg(test)]
mod fixtures;
pub mod gate;
pub mod load;
pub mod model;
pub mod plan;
pub mod policy;
pub mod render;
pub mod run;
pub mod saved_plan;
pub mod settings;
pub mod spec_file;
pub mod stream;
