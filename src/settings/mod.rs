//! Settings: what the commands run with, checked once. Three names for three things called
//! "config" elsewhere: Kafka topic configs are `model::topic_config`, the CLI's checked settings
//! are `Settings` (here), and topicgate.yaml is `SettingsFile` (`file.rs`). The user-facing
//! `--config FILE` and `schema config` keep their names.
//!
//! `arguments.rs` holds the raw flags as clap parses them, `file.rs` reads topicgate.yaml,
//! `env.rs` says where environment variables come from, and `resolve.rs` turns the three into
//! `Settings` with one documented precedence (flag > environment > topicgate.yaml > default).

pub mod arguments;
pub mod env;
pub mod file;
mod resolve;

use std::path::PathBuf;
use std::time::Duration;

use crate::cluster::Mode;
use crate::export::ExportOptions;
use crate::model::broker_defaults::GivenDefaults;
use crate::model::connection::Connection;
use crate::model::topic_filter::TopicFilter;
use crate::policy::CompiledPolicies;
use crate::settings::arguments::{
    ApplyFormat, CheckFormat, FailOn, GateFormat, PlanFormat, SchemaKind, ValidateFormat,
};
use crate::settings::file::SettingsFileError;

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("no cluster given: pass `--bootstrap-servers HOST:PORT`, set `TOPICGATE_BOOTSTRAP_SERVERS`, or select a cluster of topicgate.yaml with `--cluster NAME`")]
    NoCluster,
    /// The argument itself is never shown: it may hold a secret.
    #[error("the {0} `-X` property is not `key=value` (not shown here: it may hold a secret)")]
    Property(String),
    /// A duration flag or variable that does not parse or is out of its range.
    #[error("{0}")]
    Duration(String),
    /// `--bootstrap-servers` (or its variable, or topicgate.yaml) is not a valid list.
    #[error("{origin}: {message}")]
    Bootstrap { origin: String, message: String },
    #[error("`-X {0}` is not accepted: give the cluster address with `--bootstrap-servers` (or `bootstrap_servers` of a cluster in topicgate.yaml), its one source")]
    BootstrapProperty(String),
    #[error("`TOPICGATE_BOOTSTRAP_SERVERS` is set (`{env}`) but cluster `{cluster}` of topicgate.yaml has its own address (`{file}`): a variable never redirects a named cluster (its credentials would go to the other address). Unset the variable, or pass `--bootstrap-servers` to choose the address explicitly")]
    EnvRedirect {
        env: String,
        cluster: String,
        file: String,
    },
    #[error("`--broker-defaults`: {0}")]
    BrokerDefaults(String),
    /// A regex flag or pattern that does not compile (`--ignore`, `--include`, `--exclude`).
    #[error("{0}")]
    Regex(String),
    #[error("`--require-file`: {0}")]
    RequireFile(String),
    #[error("`--require {0}`: {1}")]
    Require(String, String),
    #[error(transparent)]
    File(#[from] SettingsFileError),
    /// A file named by `tls:` or `auth:` that cannot be read, or an empty password file.
    #[error("{0}")]
    Security(String),
    #[error("environment variable `{var}` (for `{key}` of cluster `{cluster}` in topicgate.yaml) is not set (or empty)")]
    MissingSecret {
        var: String,
        key: String,
        cluster: String,
    },
}

#[derive(Debug)]
pub struct Settings {
    pub command: CommandSettings,
    /// Organisation policies from topicgate.yaml (empty without one).
    pub policies: CompiledPolicies,
    /// The log filter (env_logger syntax): `-v…`, else `TOPICGATE_LOG`, else `warn`.
    pub log: String,
}

/// Where a read-only command gets the cluster state from (the `Connector` opens it).
pub use crate::cluster::connect::ClusterSource;

/// The command to run, with its own settings: each command's `run` takes exactly its struct.
#[derive(Debug)]
pub enum CommandSettings {
    Validate(ValidateSettings),
    Plan(PlanSettings),
    Apply(ApplySettings),
    Check(CheckSettings),
    Gate(GateSettings),
    Snapshot(SnapshotSettings),
    Schema(SchemaKind),
    Export(ExportSettings),
}

/// `topicgate validate`: offline, never a cluster.
#[derive(Debug)]
pub struct ValidateSettings {
    pub paths: Vec<PathBuf>,
    pub format: ValidateFormat,
}

/// `topicgate plan`.
#[derive(Debug)]
pub struct PlanSettings {
    pub paths: Vec<PathBuf>,
    pub source: ClusterSource,
    pub format: PlanFormat,
    /// `--out FILE`: also save the plan there.
    pub out: Option<PathBuf>,
    /// `--exit-code`: pending changes are exit 1.
    pub exit_code: bool,
}

/// `topicgate check`.
#[derive(Debug)]
pub struct CheckSettings {
    pub paths: Vec<PathBuf>,
    pub source: ClusterSource,
    /// The selected cluster's `provisioners` in topicgate.yaml.
    pub provisioners: Vec<String>,
    pub rules: RuleSettings,
    pub format: CheckFormat,
    pub fail_on: FailOn,
}

/// `topicgate gate`.
#[derive(Debug)]
pub struct GateSettings {
    pub paths: Vec<PathBuf>,
    pub source: ClusterSource,
    pub rules: RuleSettings,
    /// `--require` and the names of `--require-file`, each a valid topic name; never empty.
    pub required: Vec<String>,
    /// `--wait`: how long to keep polling (range-checked).
    pub wait: Option<Duration>,
    pub format: GateFormat,
}

/// `topicgate snapshot`: always a live cluster.
#[derive(Debug)]
pub struct SnapshotSettings {
    pub connection: Connection,
    /// `--out FILE`, else stdout.
    pub out: Option<PathBuf>,
}

/// `topicgate export`.
#[derive(Debug)]
pub struct ExportSettings {
    pub source: ClusterSource,
    /// The directory to write the spec files to.
    pub out: PathBuf,
    pub options: ExportOptions,
    pub force: bool,
}

/// `topicgate apply`: always a live cluster.
#[derive(Debug)]
pub struct ApplySettings {
    pub source: ApplySource,
    pub connection: Connection,
    pub format: ApplyFormat,
    pub yes: bool,
    pub dry_run: bool,
    /// `ValidateOnly` only for `--dry-run --broker-validate`.
    pub mode: Mode,
    pub skip_blocked: bool,
    pub allow_delete: bool,
}

/// What `apply` applies: a plan made now from specs, or a plan saved earlier.
#[derive(Debug)]
pub enum ApplySource {
    Specs(Vec<PathBuf>),
    SavedPlan(PathBuf),
}

/// What `check` and `gate` need beyond the cluster: the user's broker defaults and ignores.
#[derive(Debug, Clone)]
pub struct RuleSettings {
    pub flag_defaults: GivenDefaults,
    pub file_defaults: GivenDefaults,
    pub filter: TopicFilter,
    pub policies: CompiledPolicies,
}

impl RuleSettings {
    /// The input of `check` (and `gate`) for these specs and this cluster state: the broker's own
    /// defaults first, then the flag's, then the config file's.
    pub fn input<'a>(
        &'a self,
        specs: &'a crate::model::topic_spec::SpecSet,
        state: &'a crate::model::cluster_state::ClusterState,
    ) -> crate::check::CheckInput<'a> {
        crate::check::CheckInput {
            specs,
            state,
            defaults: crate::model::broker_defaults::ResolvedDefaults::resolve(
                &state.broker_defaults,
                &self.flag_defaults,
                &self.file_defaults,
            ),
            filter: &self.filter,
            policies: &self.policies,
        }
    }
}
