//! Checked settings (`Config::from_arguments`): the raw flags of `arguments.rs` and the selected
//! cluster of `topicgate.yaml` turned into values the commands use without re-checking
//! (durations parsed, properties split, the cluster address present where a command needs one).

use std::path::PathBuf;
use std::time::Duration;

use crate::arguments::{
    ApplyArgs, Arguments, CheckArgs, CheckFormat, Command, ConnectionArgs, FailOn, GateArgs,
    GateFormat, PlanArgs, PlanFormat, RuleArgs, ValidateFormat,
};
use crate::broker_defaults::{parse_given, GivenDefaults};
use crate::cluster::Mode;
use crate::config_file::{self, ClusterSettings, ConfigFileError};
use crate::gate::parse_require_file;
use crate::kafka::ConnectionSettings;
use crate::policy::CompiledPolicies;
use crate::topic_filter::TopicFilter;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("no cluster given: pass `--bootstrap-servers HOST:PORT`, set `TOPICGATE_BOOTSTRAP_SERVERS`, or select a cluster of topicgate.yaml with `--cluster NAME`")]
    NoCluster,
    /// The argument itself is never shown: it may hold a secret.
    #[error("the {0} `-X` property is not `key=value` (not shown here: it may hold a secret)")]
    Property(String),
    #[error("`{flag} {value}` is not a duration like `30s` or `2m`")]
    Duration { flag: &'static str, value: String },
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
    File(#[from] ConfigFileError),
    #[error("environment variable `{var}` (for `{key}` of cluster `{cluster}` in topicgate.yaml) is not set")]
    MissingSecret {
        var: String,
        key: String,
        cluster: String,
    },
}

#[derive(Debug)]
pub struct Config {
    pub command: CommandConfig,
    /// Organisation policies from topicgate.yaml (empty without one).
    pub policies: CompiledPolicies,
}

/// Where a read-only command gets the cluster state from.
#[derive(Debug)]
pub enum ClusterSource {
    Live(ConnectionSettings),
    /// `--state FILE`: a snapshot, offline.
    Snapshot(PathBuf),
}

#[derive(Debug)]
pub enum CommandConfig {
    Validate {
        paths: Vec<PathBuf>,
        format: ValidateFormat,
    },
    Plan {
        paths: Vec<PathBuf>,
        source: ClusterSource,
        format: PlanFormat,
        out: Option<PathBuf>,
        exit_code: bool,
    },
    Apply(ApplyConfig),
    Check {
        paths: Vec<PathBuf>,
        source: ClusterSource,
        rules: RuleSettings,
        format: CheckFormat,
        fail_on: FailOn,
    },
    Gate {
        paths: Vec<PathBuf>,
        source: ClusterSource,
        rules: RuleSettings,
        required: Vec<String>,
        wait: Option<Duration>,
        format: GateFormat,
    },
    Snapshot {
        connection: ConnectionSettings,
        out: Option<PathBuf>,
    },
    Schema(crate::arguments::SchemaKind),
    Export {
        source: ClusterSource,
        out: PathBuf,
        options: crate::export::ExportOptions,
        force: bool,
    },
}

#[derive(Debug)]
pub struct ApplyConfig {
    pub source: ApplySource,
    pub connection: ConnectionSettings,
    pub yes: bool,
    pub dry_run: bool,
    /// `ValidateOnly` only for `--dry-run --broker-validate`.
    pub mode: Mode,
    pub skip_blocked: bool,
    pub allow_delete: bool,
}

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
        specs: &'a crate::topic_spec::SpecSet,
        state: &'a crate::cluster_state::ClusterState,
    ) -> crate::check::CheckInput<'a> {
        crate::check::CheckInput {
            specs,
            state,
            defaults: crate::broker_defaults::ResolvedDefaults::resolve(
                &state.broker_defaults,
                &self.flag_defaults,
                &self.file_defaults,
            ),
            filter: &self.filter,
            policies: &self.policies,
        }
    }
}

/// The selected cluster section and the file's ignores, if there is a file.
struct FileContext {
    cluster: Option<ClusterSettings>,
    cluster_name: Option<String>,
    ignore: Vec<String>,
    policies: CompiledPolicies,
}

impl Config {
    pub fn from_arguments(args: Arguments) -> Result<Config, ConfigError> {
        let file = config_file::load(args.config.as_deref())?;
        // An empty TOPICGATE_CLUSTER means none.
        let cluster = args.cluster.clone().filter(|c| !c.trim().is_empty());
        let context = match (&file, &cluster) {
            (Some(loaded), Some(name)) => FileContext {
                cluster: Some(loaded.file.cluster(name, &loaded.path)?.clone()),
                cluster_name: Some(name.clone()),
                ignore: loaded.file.ignore.clone(),
                policies: loaded.policies.clone(),
            },
            (Some(loaded), None) => FileContext {
                cluster: None,
                cluster_name: None,
                ignore: loaded.file.ignore.clone(),
                policies: loaded.policies.clone(),
            },
            (None, Some(name)) => return Err(ConfigFileError::NoFile(name.clone()).into()),
            (None, None) => FileContext {
                cluster: None,
                cluster_name: None,
                ignore: Vec::new(),
                policies: CompiledPolicies::default(),
            },
        };
        let command = match args.command {
            Command::Validate(v) => CommandConfig::Validate {
                paths: v.paths,
                format: v.format,
            },
            Command::Plan(PlanArgs {
                paths,
                state,
                connection,
                format,
                out,
                exit_code,
            }) => CommandConfig::Plan {
                paths,
                source: cluster_source(state, connection, &context)?,
                format,
                out,
                exit_code,
            },
            Command::Apply(a) => CommandConfig::Apply(apply_config(a, &context)?),
            Command::Check(CheckArgs {
                paths,
                state,
                connection,
                rules,
                format,
                fail_on,
            }) => CommandConfig::Check {
                paths,
                source: cluster_source(state, connection, &context)?,
                rules: rule_settings(rules, &context)?,
                format,
                fail_on,
            },
            Command::Gate(g) => gate_config(g, &context)?,
            Command::Schema(s) => CommandConfig::Schema(s.of),
            Command::Export(e) => {
                let regex = |flag: &'static str, r: Option<String>| {
                    r.map(|r| {
                        regex::Regex::new(&r).map_err(|err| {
                            ConfigError::Regex(format!("`{flag} {r}` is not a valid regex: {err}"))
                        })
                    })
                    .transpose()
                };
                CommandConfig::Export {
                    source: cluster_source(e.state, e.connection, &context)?,
                    out: e.out,
                    options: crate::export::ExportOptions {
                        include: regex("--include", e.include)?,
                        exclude: regex("--exclude", e.exclude)?,
                        internal: e.internal,
                    },
                    force: e.force,
                }
            }
            Command::Snapshot(s) => CommandConfig::Snapshot {
                connection: connection_settings(s.connection, &context)?,
                out: s.out,
            },
        };
        Ok(Config {
            command,
            policies: context.policies,
        })
    }
}

fn gate_config(g: GateArgs, context: &FileContext) -> Result<CommandConfig, ConfigError> {
    let mut required = g.require;
    for name in &required {
        crate::load::check_topic_name(name).map_err(|e| ConfigError::Require(name.clone(), e))?;
    }
    if let Some(file) = &g.require_file {
        let text = std::fs::read_to_string(file).map_err(|e| {
            ConfigError::RequireFile(format!("cannot read `{}`: {e}", file.display()))
        })?;
        required.extend(parse_require_file(file, &text).map_err(ConfigError::RequireFile)?);
    }
    if required.is_empty() {
        return Err(ConfigError::RequireFile("lists no topics".into()));
    }
    let wait = g
        .wait
        .map(|w| {
            humantime::parse_duration(&w).map_err(|_| ConfigError::Duration {
                flag: "--wait",
                value: w,
            })
        })
        .transpose()?;
    Ok(CommandConfig::Gate {
        paths: g.paths,
        source: cluster_source(g.state, g.connection, context)?,
        rules: rule_settings(g.rules, context)?,
        required,
        wait,
        format: g.format,
    })
}

fn rule_settings(r: RuleArgs, context: &FileContext) -> Result<RuleSettings, ConfigError> {
    let flag_defaults = match &r.broker_defaults {
        Some(text) => parse_given(text).map_err(ConfigError::BrokerDefaults)?,
        None => GivenDefaults::default(),
    };
    let patterns: Vec<String> = context.ignore.iter().cloned().chain(r.ignore).collect();
    Ok(RuleSettings {
        flag_defaults,
        file_defaults: context
            .cluster
            .as_ref()
            .map(|c| c.broker_defaults.clone())
            .unwrap_or_default(),
        filter: TopicFilter::new(&patterns).map_err(ConfigError::Regex)?,
        policies: context.policies.clone(),
    })
}

fn apply_config(a: ApplyArgs, context: &FileContext) -> Result<ApplyConfig, ConfigError> {
    Ok(ApplyConfig {
        source: match a.plan {
            Some(file) => ApplySource::SavedPlan(file),
            None => ApplySource::Specs(a.paths),
        },
        connection: connection_settings(a.connection, context)?,
        yes: a.yes,
        dry_run: a.dry_run,
        mode: if a.broker_validate {
            Mode::ValidateOnly
        } else {
            Mode::Apply
        },
        skip_blocked: a.skip_blocked,
        allow_delete: a.allow_delete,
    })
}

fn cluster_source(
    state: Option<PathBuf>,
    c: ConnectionArgs,
    context: &FileContext,
) -> Result<ClusterSource, ConfigError> {
    match state {
        Some(file) => Ok(ClusterSource::Snapshot(file)),
        None => Ok(ClusterSource::Live(connection_settings(c, context)?)),
    }
}

fn connection_settings(
    c: ConnectionArgs,
    context: &FileContext,
) -> Result<ConnectionSettings, ConfigError> {
    let bootstrap_servers = c
        .bootstrap_servers
        .filter(|s| !s.trim().is_empty())
        .or_else(|| {
            context
                .cluster
                .as_ref()
                .and_then(|c| c.bootstrap_servers.clone())
        })
        .ok_or(ConfigError::NoCluster)?;
    // The file's properties, then its secrets from the environment, then `-X` (which wins).
    let mut properties: Vec<(String, String)> = Vec::new();
    if let Some(cluster) = &context.cluster {
        properties.extend(
            cluster
                .properties
                .iter()
                .map(|(k, v)| (k.clone(), v.clone())),
        );
        for (key, var) in &cluster.secret_properties {
            let value = std::env::var(var).map_err(|_| ConfigError::MissingSecret {
                var: var.clone(),
                key: key.clone(),
                cluster: context.cluster_name.clone().unwrap_or_default(),
            })?;
            properties.push((key.clone(), value));
        }
    }
    for (i, p) in c.properties.iter().enumerate() {
        match p.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => {
                properties.push((k.trim().to_string(), v.to_string()))
            }
            _ => return Err(ConfigError::Property(ordinal(i + 1))),
        }
    }
    let timeout = humantime::parse_duration(&c.timeout).map_err(|_| ConfigError::Duration {
        flag: "--timeout",
        value: c.timeout.clone(),
    })?;
    Ok(ConnectionSettings {
        bootstrap_servers,
        properties,
        timeout: timeout.max(Duration::from_millis(100)),
    })
}

/// `1st`, `2nd`, `3rd`, `4th`, ...
fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}
