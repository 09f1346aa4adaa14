//! The integration tests: one test binary (`cargo test --test integration`), so the shared Apache
//! Kafka clusters of [`support`] start once per `cargo test` even without `scripts/test`, and
//! every module shares one harness, one builder and one set of fixtures.
//!
//! - [`support`]: the brokers (shared Apache Kafka clusters with exclusive leases, Tansu per
//!   test) and helpers to run the built binary against them;
//! - [`test`]: [`test::Test`], a builder for one run of the binary and what it must print;
//! - [`fixtures`]: spec texts and snapshot writers shared by tests.
//!
//! One module per area: `auth` (TLS and SASL listeners of a secure cluster of its own), `cli` and `settings` (the binary without a cluster), `exit_codes`,
//! `plan_apply`, `check_gate`, `kafka_adapter`, `export_snapshot`, `policies`, `schemas`, and
//! `layers` (the import layering of `src/`). Run one area with
//! `cargo test --test integration cli::`.

mod fixtures;
mod support;
mod test;

mod auth;
mod check_gate;
mod cli;
mod exit_codes;
mod export_snapshot;
mod kafka_adapter;
mod layers;
mod plan_apply;
mod policies;
mod schemas;
mod settings;
