//! Where environment variables come from (the process, or a map in tests), and the names of
//! the variables topicgate reads.

/// Where environment variables come from: the process, or a map in tests.
pub trait Environment {
    /// The variable's value; `None` when it is unset (or not UTF-8).
    fn var(&self, name: &str) -> Option<String>;
}

/// The process environment.
pub struct ProcessEnvironment;

impl Environment for ProcessEnvironment {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}

impl Environment for std::collections::BTreeMap<String, String> {
    fn var(&self, name: &str) -> Option<String> {
        self.get(name).cloned()
    }
}

pub const CLUSTER_VAR: &str = "TOPICGATE_CLUSTER";
pub const BOOTSTRAP_VAR: &str = "TOPICGATE_BOOTSTRAP_SERVERS";
pub const TIMEOUT_VAR: &str = "TOPICGATE_TIMEOUT";
/// An env_logger filter; `-v` beats it.
pub const LOG_VAR: &str = "TOPICGATE_LOG";
