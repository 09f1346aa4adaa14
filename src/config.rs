//! Checked settings (`Config::from_arguments`): the raw flags of `arguments.rs` and the selected
//! cluster of `topicgate.yaml` turned into values the commands use without re-checking
//! (durations parsed, properties split, the cluster address present where a command needs one).
//!
//! One precedence for every setting, resolved here and only here: a flag, then its environment
//! variable (`TOPICGATE_CLUSTER`, `TOPICGATE_BOOTSTRAP_SERVERS`, `TOPICGATE_TIMEOUT`), then the
//! selected cluster of topicgate.yaml, then the default. A variable is only a fallback: it never
//! conflicts with a flag, never redirects a named cluster to another address, and commands
//! that need no cluster (`validate`, `schema`) never read the cluster settings at all.

use std::path::PathBuf;
use std::time::Duration;

use crate::arguments::{
    ApplyArgs, Arguments, CheckArgs, CheckFormat, Command, ConnectionArgs, FailOn, GateArgs,
    GateFormat, PlanArgs, PlanFormat, RuleArgs, ValidateFormat,
};
use crate::cluster::Mode;
use crate::config_file::{self, ClusterSettings, ConfigFileError};
use crate::gate::parse_require_file;
use crate::model::bootstrap_servers::BootstrapServers;
use crate::model::broker_defaults::{parse_given, GivenDefaults};
// `--timeout` is every request's timeout: the range a connection allows.
use crate::model::connection::Connection;
use crate::model::connection::{is_bootstrap_property, TIMEOUT_RANGE};
use crate::model::secret::Secret;
use crate::model::topic_filter::TopicFilter;
use crate::policy::CompiledPolicies;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
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
    File(#[from] ConfigFileError),
    #[error("environment variable `{var}` (for `{key}` of cluster `{cluster}` in topicgate.yaml) is not set")]
    MissingSecret {
        var: String,
        key: String,
        cluster: String,
    },
}

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
/// `--timeout` when neither the flag nor its variable is given.
pub const DEFAULT_TIMEOUT: &str = "30s";
/// `gate --wait` is how long to keep polling; each poll uses `--timeout`, never this.
pub const WAIT_RANGE: (Duration, Duration, &str) = (
    Duration::ZERO,
    Duration::from_secs(24 * 3600),
    "from 0s to 24h",
);

/// A setting's non-empty value from a flag, else from its environment variable, and how to
/// name it in a message (`--timeout 2h`, `TOPICGATE_TIMEOUT=2h`).
fn flag_or_env(
    flag: Option<String>,
    flag_name: &str,
    env: &dyn Environment,
    var: &str,
) -> Option<(String, String)> {
    let present = |v: &String| !v.trim().is_empty();
    match flag.filter(present) {
        Some(v) => Some((format!("`{flag_name} {v}`"), v)),
        None => env
            .var(var)
            .filter(present)
            .map(|v| (format!("`{var}={v}`"), v)),
    }
}

/// Parses a duration flag (`30s`, `2m`, `1h 30m`) and checks it against `range`. Months and
/// years are refused, as in specs: their length is a convention, not a fact.
fn duration_setting(
    shown: &str,
    text: &str,
    (min, max, range): (Duration, Duration, &str),
) -> Result<Duration, ConfigError> {
    let calendar = text.split(|c: char| !c.is_ascii_alphabetic()).any(|unit| {
        unit == "M"
            || matches!(
                unit.to_ascii_lowercase().as_str(),
                "y" | "year" | "years" | "month" | "months"
            )
    });
    let parsed = if calendar {
        None
    } else {
        humantime::parse_duration(text.trim()).ok()
    };
    match parsed {
        None => Err(ConfigError::Duration(format!(
            "{shown} is not a duration {range}, like `30s` or `2m` (units: `ms`, `s`, `m`, `h`, `d`)"
        ))),
        Some(d) if d < min || d > max => Err(ConfigError::Duration(format!(
            "{shown} is out of range: it must be {range}"
        ))),
        Some(d) => Ok(d),
    }
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
    Live(Connection),
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
        connection: Connection,
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
    pub connection: Connection,
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

/// topicgate.yaml (if any), the cluster name asked for (if any) and the environment. The
/// cluster section is looked up only by commands that use one.
struct FileContext<'e> {
    loaded: Option<config_file::Loaded>,
    /// From `--cluster`, else `TOPICGATE_CLUSTER`, and how to name it in a message.
    cluster_name: Option<(String, String)>,
    ignore: Vec<String>,
    policies: CompiledPolicies,
    env: &'e dyn Environment,
}

impl FileContext<'_> {
    /// The selected cluster's section, if a cluster is selected; an error if it is not there.
    fn cluster(&self) -> Result<Option<(&str, &ClusterSettings)>, ConfigError> {
        let Some((name, shown)) = &self.cluster_name else {
            return Ok(None);
        };
        match &self.loaded {
            Some(loaded) => Ok(Some((name, loaded.file.cluster(name, &loaded.path)?))),
            None => Err(ConfigFileError::NoFile(shown.clone()).into()),
        }
    }
}

impl Config {
    pub fn from_arguments(args: Arguments) -> Result<Config, ConfigError> {
        Config::resolve(args, &ProcessEnvironment)
    }

    /// Checks and resolves `args` with `env` as the environment (flag > environment >
    /// topicgate.yaml > default).
    pub fn resolve(args: Arguments, env: &dyn Environment) -> Result<Config, ConfigError> {
        let loaded = config_file::load(args.config.as_deref())?;
        // An empty `--cluster` or TOPICGATE_CLUSTER means none.
        let cluster_name = flag_or_env(args.cluster, "--cluster", env, CLUSTER_VAR)
            .map(|(shown, name)| (name, shown));
        let context = FileContext {
            ignore: loaded
                .as_ref()
                .map(|l| l.file.ignore.clone())
                .unwrap_or_default(),
            policies: loaded
                .as_ref()
                .map(|l| l.policies.clone())
                .unwrap_or_default(),
            loaded,
            cluster_name,
            env,
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
        crate::model::topic_name::check(name).map_err(|e| ConfigError::Require(name.clone(), e))?;
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
        .map(|w| duration_setting(&format!("`--wait {w}`"), &w, WAIT_RANGE))
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
            .cluster()?
            .map(|(_, c)| c.broker_defaults.clone())
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
) -> Result<Connection, ConfigError> {
    let env = context.env;
    let cluster = context.cluster()?;
    let file_servers = cluster.and_then(|(name, c)| {
        let servers = c.bootstrap_servers.clone()?;
        let file = context.loaded.as_ref()?.path.display().to_string();
        Some((
            format!("`bootstrap_servers` of cluster `{name}` in `{file}`"),
            servers,
        ))
    });
    let from_flag = c.bootstrap_servers.filter(|s| !s.trim().is_empty());
    let from_env = env.var(BOOTSTRAP_VAR).filter(|s| !s.trim().is_empty());
    let parse = |origin: String, text: &str| {
        BootstrapServers::parse(text).map_err(|message| ConfigError::Bootstrap { origin, message })
    };
    let bootstrap = match (from_flag, from_env, file_servers) {
        (Some(flag), _, _) => parse("`--bootstrap-servers`".into(), &flag)?,
        (None, Some(var), Some((origin, file))) => {
            // N.B. a named cluster's properties hold its credentials: a variable left over
            // from another shell must not send them elsewhere.
            let var_list = parse(format!("`{BOOTSTRAP_VAR}`"), &var)?;
            let file_list = parse(origin, &file)?;
            if var_list.addresses() != file_list.addresses() {
                return Err(ConfigError::EnvRedirect {
                    env: var_list.to_string(),
                    cluster: cluster.map(|(n, _)| n.to_string()).unwrap_or_default(),
                    file: file_list.to_string(),
                });
            }
            file_list
        }
        (None, Some(var), None) => parse(format!("`{BOOTSTRAP_VAR}`"), &var)?,
        (None, None, Some((origin, file))) => parse(origin, &file)?,
        (None, None, None) => return Err(ConfigError::NoCluster),
    };
    // The file's properties, then its secrets from the environment, then `-X` (which wins).
    let mut properties: Vec<(String, Secret)> = Vec::new();
    if let Some((name, cluster)) = cluster {
        properties.extend(
            cluster
                .properties
                .iter()
                .map(|(k, v)| (k.clone(), Secret::from(v.as_str()))),
        );
        for (key, var) in &cluster.secret_properties {
            let value = env.var(var).ok_or_else(|| ConfigError::MissingSecret {
                var: var.clone(),
                key: key.clone(),
                cluster: name.to_string(),
            })?;
            properties.push((key.clone(), Secret::from(value)));
        }
    }
    for (i, p) in c.properties.iter().enumerate() {
        match p.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => {
                properties.push((k.trim().to_string(), Secret::from(v)))
            }
            _ => return Err(ConfigError::Property(ordinal(i + 1))),
        }
    }
    // N.B. one source for the address, so that errors name the address actually used.
    if let Some((key, _)) = properties.iter().find(|(k, _)| is_bootstrap_property(k)) {
        return Err(ConfigError::BootstrapProperty(key.clone()));
    }
    let timeout = match flag_or_env(c.timeout, "--timeout", env, TIMEOUT_VAR) {
        Some((shown, text)) => duration_setting(&shown, &text, TIMEOUT_RANGE)?,
        None => duration_setting(DEFAULT_TIMEOUT, DEFAULT_TIMEOUT, TIMEOUT_RANGE)?,
    };
    Ok(Connection {
        bootstrap_servers: bootstrap.to_string(),
        properties,
        timeout,
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use clap::Parser;

    use super::*;

    const FILE: &str = "clusters:
  prod:
    bootstrap_servers: file-host:9092
    properties: {client.id: from-file, sasl.username: alice}
    secret_properties: {sasl.password: TG_PW}
  open:
    properties: {client.id: open}
";

    /// Resolves `args` (after `topicgate`) with `env`, and `FILE` as topicgate.yaml.
    fn resolve(args: &[&str], env: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("topicgate.yaml");
        std::fs::write(&file, FILE).unwrap();
        let mut argv = vec!["topicgate", "--config", file.to_str().unwrap()];
        argv.extend(args);
        let env: BTreeMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::resolve(Arguments::try_parse_from(argv).unwrap(), &env)
    }

    fn connection(config: Config) -> Connection {
        match config.command {
            CommandConfig::Plan {
                source: ClusterSource::Live(c),
                ..
            } => c,
            other => panic!("not a live plan: {other:?}"),
        }
    }

    fn plan(args: &[&str], env: &[(&str, &str)]) -> Result<Connection, ConfigError> {
        let mut argv = vec!["plan"];
        argv.extend(args);
        resolve(&argv, env).map(connection)
    }

    fn value<'a>(c: &'a Connection, key: &str) -> Option<&'a str> {
        c.properties
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.expose())
    }

    const BOOT: &str = BOOTSTRAP_VAR;

    #[test]
    fn bootstrap_servers_flag_then_environment_then_file() {
        let env = [(BOOT, "env-host:1"), ("TG_PW", "pw")];
        let c = plan(&["--bootstrap-servers", "flag-host:1"], &env).unwrap();
        assert_eq!(c.bootstrap_servers, "flag-host:1");
        assert_eq!(plan(&[], &env).unwrap().bootstrap_servers, "env-host:1");
        // A named cluster's own address, over a variable that agrees with it.
        let c = plan(
            &["--cluster", "prod"],
            &[(BOOT, " file-host:9092"), ("TG_PW", "pw")],
        )
        .unwrap();
        assert_eq!(c.bootstrap_servers, "file-host:9092");
        let c = plan(&["--cluster", "prod"], &[("TG_PW", "pw")]).unwrap();
        assert_eq!(c.bootstrap_servers, "file-host:9092");
        // An explicit flag overrides the cluster's address.
        let c = plan(
            &["--cluster", "prod", "--bootstrap-servers", "flag-host:1"],
            &env,
        )
        .unwrap();
        assert_eq!(c.bootstrap_servers, "flag-host:1");
        assert_eq!(value(&c, "sasl.username"), Some("alice"));
        // A cluster without an address takes the variable's.
        let c = plan(&["--cluster", "open"], &env).unwrap();
        assert_eq!(c.bootstrap_servers, "env-host:1");
        assert!(matches!(plan(&[], &[]), Err(ConfigError::NoCluster)));
        // Empty values are unset.
        let c = plan(&["--bootstrap-servers", ""], &env).unwrap();
        assert_eq!(c.bootstrap_servers, "env-host:1");
    }

    #[test]
    fn a_variable_never_redirects_a_named_cluster() {
        // Regression: `--cluster prod` with a stray TOPICGATE_BOOTSTRAP_SERVERS sent prod's
        // credentials to the variable's address.
        let env = [(BOOT, "elsewhere:9092"), ("TG_PW", "pw")];
        for args in [vec!["--cluster", "prod"], vec![]] {
            let mut env = env.to_vec();
            if args.is_empty() {
                env.push((CLUSTER_VAR, "prod"));
            }
            let err = plan(&args, &env).unwrap_err().to_string();
            assert!(
                err.contains("`TOPICGATE_BOOTSTRAP_SERVERS` is set (`elsewhere:9092`)"),
                "{err}"
            );
            assert!(err.contains("cluster `prod`"), "{err}");
        }
    }

    #[test]
    fn cluster_flag_then_environment() {
        let env = [(CLUSTER_VAR, "open"), (BOOT, "env-host:1")];
        let c = plan(&[], &env).unwrap();
        assert_eq!(value(&c, "client.id"), Some("open"));
        let c = plan(
            &["--cluster", "prod", "--bootstrap-servers", "h:1"],
            &[(CLUSTER_VAR, "open"), ("TG_PW", "pw")],
        )
        .unwrap();
        assert_eq!(value(&c, "client.id"), Some("from-file"));
        let err = plan(&[], &[(CLUSTER_VAR, "nope"), (BOOT, "h:1")]).unwrap_err();
        assert!(err.to_string().contains("no cluster `nope`"), "{err}");
        // Without a topicgate.yaml, the message names where the cluster name came from.
        let args = Arguments::try_parse_from(["topicgate", "plan"]).unwrap();
        let env: BTreeMap<String, String> = [(CLUSTER_VAR, "nope"), (BOOT, "h:1")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        // (Unit tests run in the package root, which has no topicgate.yaml.)
        assert!(!std::path::Path::new(config_file::DEFAULT_FILE).exists());
        let err = Config::resolve(args, &env).unwrap_err().to_string();
        assert!(
            err.starts_with("`TOPICGATE_CLUSTER=nope` needs a `topicgate.yaml`"),
            "{err}"
        );
    }

    #[test]
    fn properties_file_then_secrets_then_flags() {
        let env = [("TG_PW", "from-env")];
        let c = plan(&["--cluster", "prod"], &env).unwrap();
        assert_eq!(value(&c, "client.id"), Some("from-file"));
        assert_eq!(value(&c, "sasl.password"), Some("from-env"));
        let c = plan(
            &[
                "--cluster",
                "prod",
                "-X",
                "client.id=flag",
                "-X",
                "sasl.password=flag-pw",
            ],
            &env,
        )
        .unwrap();
        assert_eq!(value(&c, "client.id"), Some("flag"));
        assert_eq!(value(&c, "sasl.password"), Some("flag-pw"));
        let err = plan(&["--cluster", "prod"], &[]).unwrap_err().to_string();
        assert!(err.contains("`TG_PW`"), "{err}");
        // The settings never show a value.
        assert!(!format!("{c:?}").contains("flag-pw"));
    }

    #[test]
    fn timeout_flag_then_environment_then_default() {
        let boot = [(BOOT, "h:1"), (TIMEOUT_VAR, "45s")];
        let c = plan(&["--timeout", "10s"], &boot).unwrap();
        assert_eq!(c.timeout, Duration::from_secs(10));
        assert_eq!(plan(&[], &boot).unwrap().timeout, Duration::from_secs(45));
        let c = plan(&[], &[(BOOT, "h:1")]).unwrap();
        assert_eq!(c.timeout, Duration::from_secs(30));
        // A flag wins over a broken variable, which is never read then.
        let c = plan(&["--timeout", "1h"], &[(BOOT, "h:1"), (TIMEOUT_VAR, "2h")]).unwrap();
        assert_eq!(c.timeout, Duration::from_secs(3600));
    }

    #[test]
    fn timeouts_and_waits_are_range_checked() {
        // Regression: 0 became 100ms, above 1h broke librdkafka, `100y` was accepted.
        let boot = [(BOOT, "h:1")];
        for (text, expect) in [
            (
                "0",
                "`--timeout 0` is out of range: it must be from 1s to 1h",
            ),
            ("999ms", "out of range"),
            ("3601s", "out of range"),
            ("25days", "out of range"),
            ("100y", "`--timeout 100y` is not a duration from 1s to 1h"),
            ("2 months", "is not a duration"),
            ("1M", "is not a duration"),
            ("soon", "is not a duration"),
        ] {
            let err = plan(&["--timeout", text], &boot).unwrap_err().to_string();
            assert!(err.contains(expect), "{text}: {err}");
        }
        for ok in ["1s", "1000ms", "1h", "59m 59s", "1d"] {
            let r = plan(&["--timeout", ok], &boot);
            assert_eq!(r.is_ok(), ok != "1d", "{ok}");
        }
        let gate = |wait: &str| {
            resolve(&["gate", "--require", "a", "--wait", wait], &boot).map(|c| match c.command {
                CommandConfig::Gate { wait, .. } => wait,
                _ => unreachable!(),
            })
        };
        assert_eq!(gate("24h").unwrap(), Some(Duration::from_secs(86_400)));
        assert_eq!(gate("0s").unwrap(), Some(Duration::ZERO));
        for bad in ["24h 1s", "100y", "2w"] {
            let err = gate(bad).unwrap_err().to_string();
            assert!(err.contains(&format!("`--wait {bad}`")), "{err}");
        }
    }

    #[test]
    fn the_settings_never_show_a_property_value() {
        let config = resolve(
            &[
                "plan",
                "--cluster",
                "prod",
                "-X",
                "ssl.key.password=x-SECRET-2",
            ],
            &[("TG_PW", "pw-SECRET-1")],
        )
        .unwrap();
        let shown = format!("{config:?} {config:#?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(
            shown.contains("sasl.password") && shown.contains("ssl.key.password"),
            "{shown}"
        );
    }

    #[test]
    fn offline_commands_read_no_cluster_settings() {
        // Regression: TOPICGATE_CLUSTER=nope broke `validate`.
        let env = [(CLUSTER_VAR, "nope"), (BOOT, "::"), (TIMEOUT_VAR, "100y")];
        assert!(resolve(&["validate"], &env).is_ok());
        assert!(resolve(&["schema", "spec"], &env).is_ok());
        assert!(resolve(&["plan", "--state", "s.json"], &env).is_ok());
        // A snapshot is not a cluster connection: a variable cannot conflict with `--state`.
        assert!(resolve(&["export", "--state", "s.json"], &[(BOOT, "h:1")]).is_ok());
    }
}
