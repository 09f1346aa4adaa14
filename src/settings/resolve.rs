//! `Settings::resolve`: the raw flags of `arguments.rs`, the environment and the selected
//! cluster of `topicgate.yaml` turned into values the commands use without re-checking
//! (durations parsed, properties split, the cluster address present where a command needs one).
//!
//! One precedence for every setting, resolved here and only here: a flag, then its environment
//! variable (`TOPICGATE_CLUSTER`, `TOPICGATE_BOOTSTRAP_SERVERS`, `TOPICGATE_TIMEOUT`), then the
//! selected cluster of topicgate.yaml, then the default. A variable is only a fallback: it never
//! conflicts with a flag, never redirects a named cluster to another address, and commands
//! that need no cluster (`validate`, `schema`) never read the cluster settings at all.
//!
//! | setting | flag | environment | topicgate.yaml | default |
//! |---|---|---|---|---|
//! | bootstrap servers | `--bootstrap-servers` | `TOPICGATE_BOOTSTRAP_SERVERS` (never redirects a named cluster) | `clusters.<c>.bootstrap_servers` | none: an error, for commands that need a cluster |
//! | cluster source | `--state FILE` (beats any variable) | — | — | live |
//! | cluster name | `--cluster` | `TOPICGATE_CLUSTER` (empty: none) | — | none |
//! | timeout | `--timeout` | `TOPICGATE_TIMEOUT` | — | 30s (range-checked) |
//! | client properties | `-X key=value` | `secret_properties` values | `properties` | — |
//! | log filter | `-v…` | `TOPICGATE_LOG` | — | warn |
//! | ignore patterns | `--ignore` (added) | — | `ignore:` | none |
//! | broker defaults | `--broker-defaults` | — | `clusters.<c>.broker_defaults` | the broker's (which beat both) |
//!
//! The `test!` table at the end of this file has a row for each cell.
//!
//! `resolve` does no I/O (bar `gate --require-file`): topicgate.yaml is read by `file::load`
//! and passed in, the environment comes through `Environment`. Colour is not resolved here: it
//! is decided once at the edge from `--color`, `NO_COLOR` and the terminal (`Palette::decide`),
//! before these settings exist, because clap's own errors and a failed resolve's error line are
//! coloured by it too. `-v` beats `TOPICGATE_LOG` like every flag beats its variable.

use std::path::PathBuf;
use std::time::Duration;

use super::env::{
    Environment, ProcessEnvironment, BOOTSTRAP_VAR, CLUSTER_VAR, LOG_VAR, TIMEOUT_VAR,
};
use super::{
    ApplySettings, ApplySource, CheckSettings, ClusterSource, CommandSettings, ExportSettings,
    GateSettings, PlanSettings, RuleSettings, Settings, SettingsError, SnapshotSettings,
    ValidateSettings,
};
use crate::cluster::Mode;
use crate::export::ExportOptions;
use crate::gate::parse_require_file;
use crate::model::bootstrap_servers::BootstrapServers;
use crate::model::broker_defaults::{parse_given, GivenDefaults};
use crate::model::connection::Connection;
// `--timeout` is every request's timeout: the range a connection allows.
use crate::model::connection::{is_bootstrap_property, TIMEOUT_RANGE};
use crate::model::secret::Secret;
use crate::model::topic_filter::TopicFilter;
use crate::policy::CompiledPolicies;
use crate::settings::arguments::{
    ApplyArgs, Arguments, CheckArgs, Command, ConnectionArgs, GateArgs, PlanArgs, RuleArgs,
};
use crate::settings::file::{self, ClusterSettings, SettingsFileError};

/// `--timeout` when neither the flag nor its variable is given.
pub(super) const DEFAULT_TIMEOUT: &str = "30s";
/// `gate --wait` is how long to keep polling; each poll uses `--timeout`, never this.
pub(super) const WAIT_RANGE: (Duration, Duration, &str) = (
    Duration::ZERO,
    Duration::from_secs(24 * 3600),
    "from 0s to 24h",
);

/// The log filter (env_logger syntax): `-v` given (info, `-vv` debug, `-vvv` trace) beats
/// `TOPICGATE_LOG`, as every flag beats its variable; without either, warnings only.
/// N.B. the variable can say more than the flag (`topicgate=debug,librdkafka=off`), but an
/// explicit `-v` is the user asking now; a variable may be left over from another shell.
fn log_filter(verbose: u8, env: &dyn Environment) -> String {
    let level = match verbose {
        0 => None,
        1 => Some("info"),
        2 => Some("debug"),
        _ => Some("trace"),
    };
    match level {
        Some(level) => level.to_string(),
        None => env
            .var(LOG_VAR)
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| "warn".to_string()),
    }
}

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

/// Parses a duration flag (`30s`, `2m`, `1h 30m`) as specs write durations (months and years
/// refused) and checks it against `range`.
fn duration_setting(
    shown: &str,
    text: &str,
    (min, max, range): (Duration, Duration, &str),
) -> Result<Duration, SettingsError> {
    let parsed = crate::model::topic_config::duration(text.trim()).ok();
    match parsed {
        None => Err(SettingsError::Duration(format!(
            "{shown} is not a duration {range}, like `30s` or `2m` (units: `ms`, `s`, `m`, `h`, `d`)"
        ))),
        Some(d) if d < min || d > max => Err(SettingsError::Duration(format!(
            "{shown} is out of range: it must be {range}"
        ))),
        Some(d) => Ok(d),
    }
}

/// topicgate.yaml (if any), the cluster name asked for (if any) and the environment. The
/// cluster section is looked up only by commands that use one.
struct FileContext<'e> {
    loaded: Option<file::Loaded>,
    /// From `--cluster`, else `TOPICGATE_CLUSTER`, and how to name it in a message.
    cluster_name: Option<(String, String)>,
    ignore: Vec<String>,
    policies: CompiledPolicies,
    env: &'e dyn Environment,
}

impl FileContext<'_> {
    /// The selected cluster's section, if a cluster is selected; an error if it is not there.
    fn cluster(&self) -> Result<Option<(&str, &ClusterSettings)>, SettingsError> {
        let Some((name, shown)) = &self.cluster_name else {
            return Ok(None);
        };
        match &self.loaded {
            Some(loaded) => Ok(Some((name, loaded.file.cluster(name, &loaded.path)?))),
            None => Err(SettingsFileError::NoFile(shown.clone()).into()),
        }
    }
}

impl Settings {
    /// Reads topicgate.yaml (`--config FILE`, else `./topicgate.yaml` if present) and resolves
    /// `args` with the process environment.
    pub fn from_arguments(args: Arguments) -> Result<Settings, SettingsError> {
        let loaded = file::load(args.config.as_deref())?;
        Settings::resolve(args, &ProcessEnvironment, loaded)
    }

    /// Checks and resolves `args` with `env` as the environment and `loaded` as topicgate.yaml
    /// (flag > environment > topicgate.yaml > default). No I/O but `gate --require-file`.
    pub fn resolve(
        args: Arguments,
        env: &dyn Environment,
        loaded: Option<file::Loaded>,
    ) -> Result<Settings, SettingsError> {
        let log = log_filter(args.verbose, env);
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
            Command::Validate(v) => CommandSettings::Validate(ValidateSettings {
                paths: v.paths,
                format: v.format,
            }),
            Command::Plan(PlanArgs {
                paths,
                state,
                connection,
                format,
                out,
                exit_code,
            }) => CommandSettings::Plan(PlanSettings {
                paths,
                source: cluster_source(state, connection, &context)?,
                format,
                out,
                exit_code,
            }),
            Command::Apply(a) => CommandSettings::Apply(apply_settings(a, &context)?),
            Command::Check(CheckArgs {
                paths,
                state,
                connection,
                rules,
                format,
                fail_on,
            }) => CommandSettings::Check(CheckSettings {
                paths,
                source: cluster_source(state, connection, &context)?,
                provisioners: context
                    .cluster()?
                    .map(|(_, c)| c.provisioners.clone())
                    .unwrap_or_default(),
                rules: rule_settings(rules, &context)?,
                format,
                fail_on,
            }),
            Command::Gate(g) => gate_settings(g, &context)?,
            Command::Schema(s) => CommandSettings::Schema(s.of),
            Command::Export(e) => {
                let regex = |flag: &'static str, r: Option<String>| {
                    r.map(|r| {
                        regex::Regex::new(&r).map_err(|err| {
                            SettingsError::Regex(format!(
                                "`{flag} {r}` is not a valid regex: {err}"
                            ))
                        })
                    })
                    .transpose()
                };
                CommandSettings::Export(ExportSettings {
                    source: cluster_source(e.state, e.connection, &context)?,
                    out: e.out,
                    options: ExportOptions {
                        include: regex("--include", e.include)?,
                        exclude: regex("--exclude", e.exclude)?,
                        internal: e.internal,
                    },
                    force: e.force,
                })
            }
            Command::Snapshot(s) => CommandSettings::Snapshot(SnapshotSettings {
                connection: connection_settings(s.connection, &context)?,
                out: s.out,
            }),
        };
        Ok(Settings {
            command,
            policies: context.policies,
            log,
        })
    }
}

fn gate_settings(g: GateArgs, context: &FileContext) -> Result<CommandSettings, SettingsError> {
    let mut required = g.require;
    for name in &required {
        crate::model::topic_name::check(name)
            .map_err(|e| SettingsError::Require(name.clone(), e))?;
    }
    if let Some(file) = &g.require_file {
        let text = std::fs::read_to_string(file).map_err(|e| {
            SettingsError::RequireFile(format!("cannot read `{}`: {e}", file.display()))
        })?;
        required.extend(parse_require_file(file, &text).map_err(SettingsError::RequireFile)?);
    }
    if required.is_empty() {
        return Err(SettingsError::RequireFile("lists no topics".into()));
    }
    let wait = g
        .wait
        .map(|w| duration_setting(&format!("`--wait {w}`"), &w, WAIT_RANGE))
        .transpose()?;
    Ok(CommandSettings::Gate(GateSettings {
        paths: g.paths,
        source: cluster_source(g.state, g.connection, context)?,
        rules: rule_settings(g.rules, context)?,
        required,
        wait,
        format: g.format,
    }))
}

fn rule_settings(r: RuleArgs, context: &FileContext) -> Result<RuleSettings, SettingsError> {
    let flag_defaults = match &r.broker_defaults {
        Some(text) => parse_given(text).map_err(SettingsError::BrokerDefaults)?,
        None => GivenDefaults::default(),
    };
    let patterns: Vec<String> = context.ignore.iter().cloned().chain(r.ignore).collect();
    Ok(RuleSettings {
        flag_defaults,
        file_defaults: context
            .cluster()?
            .map(|(_, c)| c.broker_defaults.clone())
            .unwrap_or_default(),
        filter: TopicFilter::new(&patterns).map_err(SettingsError::Regex)?,
        policies: context.policies.clone(),
    })
}

fn apply_settings(a: ApplyArgs, context: &FileContext) -> Result<ApplySettings, SettingsError> {
    Ok(ApplySettings {
        source: match a.plan {
            Some(file) => ApplySource::SavedPlan(file),
            None => ApplySource::Specs(a.paths),
        },
        connection: connection_settings(a.connection, context)?,
        format: a.format,
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
) -> Result<ClusterSource, SettingsError> {
    match state {
        Some(file) => Ok(ClusterSource::Snapshot(file)),
        None => Ok(ClusterSource::Live(connection_settings(c, context)?)),
    }
}

fn connection_settings(
    c: ConnectionArgs,
    context: &FileContext,
) -> Result<Connection, SettingsError> {
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
        BootstrapServers::parse(text)
            .map_err(|message| SettingsError::Bootstrap { origin, message })
    };
    let bootstrap = match (from_flag, from_env, file_servers) {
        (Some(flag), _, _) => parse("`--bootstrap-servers`".into(), &flag)?,
        (None, Some(var), Some((origin, file))) => {
            // N.B. a named cluster's properties hold its credentials: a variable left over
            // from another shell must not send them elsewhere.
            let var_list = parse(format!("`{BOOTSTRAP_VAR}`"), &var)?;
            let file_list = parse(origin, &file)?;
            if var_list.addresses() != file_list.addresses() {
                return Err(SettingsError::EnvRedirect {
                    env: var_list.to_string(),
                    cluster: cluster.map(|(n, _)| n.to_string()).unwrap_or_default(),
                    file: file_list.to_string(),
                });
            }
            file_list
        }
        (None, Some(var), None) => parse(format!("`{BOOTSTRAP_VAR}`"), &var)?,
        (None, None, Some((origin, file))) => parse(origin, &file)?,
        (None, None, None) => return Err(SettingsError::NoCluster),
    };
    // `tls:` and `auth:`, the file's properties, then its secrets from the environment, then
    // `-X` (which wins).
    let mut properties: Vec<(String, Secret)> = Vec::new();
    if let Some((name, cluster)) = cluster {
        let file = context.loaded.as_ref().map(|l| l.path.as_path());
        properties.extend(security_properties(name, cluster, file, env)?);
        properties.extend(
            cluster
                .properties
                .iter()
                .map(|(k, v)| (k.clone(), Secret::from(v.as_str()))),
        );
        for (key, var) in &cluster.secret_properties {
            let value = env.var(var).ok_or_else(|| SettingsError::MissingSecret {
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
            _ => return Err(SettingsError::Property(ordinal(i + 1))),
        }
    }
    // N.B. one source for the address, so that errors name the address actually used.
    if let Some((key, _)) = properties.iter().find(|(k, _)| is_bootstrap_property(k)) {
        return Err(SettingsError::BootstrapProperty(key.clone()));
    }
    let timeout = match flag_or_env(c.timeout, "--timeout", env, TIMEOUT_VAR) {
        Some((shown, text)) => duration_setting(&shown, &text, TIMEOUT_RANGE)?,
        None => duration_setting(DEFAULT_TIMEOUT, DEFAULT_TIMEOUT, TIMEOUT_RANGE)?,
    };
    let token_source = cluster.and_then(|(_, c)| match &c.auth {
        Some(file::AuthSettings::Oauthbearer(o)) => {
            let dir = context
                .loaded
                .as_ref()
                .and_then(|l| l.path.parent().map(std::path::Path::to_path_buf))
                .unwrap_or_default();
            o.token_file
                .as_ref()
                .map(|f| crate::model::connection::TokenSource::File(dir.join(f)))
        }
        Some(file::AuthSettings::MskIam(m)) => {
            Some(crate::model::connection::TokenSource::MskIam {
                region: m.region.clone().unwrap_or_default(),
            })
        }
        _ => None,
    });
    Ok(Connection {
        bootstrap_servers: bootstrap.to_string(),
        properties,
        timeout,
        token_source,
    })
}

/// The librdkafka properties of a cluster's `tls:` and `auth:` (none without either), with the
/// password read from its environment variable or file. Relative paths are relative to the
/// directory of topicgate.yaml (`file`); each named file must be readable.
fn security_properties(
    name: &str,
    cluster: &ClusterSettings,
    file: Option<&std::path::Path>,
    env: &dyn Environment,
) -> Result<Vec<(String, Secret)>, SettingsError> {
    let sasl = cluster.auth.as_ref().and_then(file::AuthSettings::sasl);
    let oauth = match &cluster.auth {
        Some(file::AuthSettings::Oauthbearer(o)) => o.token_file.as_ref(),
        _ => None,
    };
    if cluster.tls.is_none() && cluster.auth.is_none() {
        return Ok(Vec::new());
    }
    let shown_file = file.map_or_else(|| "topicgate.yaml".into(), |f| f.display().to_string());
    let dir = file
        .and_then(std::path::Path::parent)
        .unwrap_or(std::path::Path::new(""));
    let located = |key: &str, path: &std::path::Path| -> Result<String, SettingsError> {
        let full = dir.join(path);
        std::fs::metadata(&full)
            .and_then(|m| {
                if m.is_file() {
                    Ok(())
                } else {
                    Err(std::io::Error::other("not a file"))
                }
            })
            .map_err(|e| {
                SettingsError::Security(format!(
                    "`{key}` of cluster `{name}` in `{shown_file}`: cannot read `{}`: {e}",
                    full.display()
                ))
            })?;
        Ok(full.display().to_string())
    };
    let secret = |key: &str, var: &Option<String>, path: &Option<PathBuf>| {
        if let Some(var) = var {
            return env
                .var(var)
                .filter(|v| !v.is_empty())
                .map(Secret::from)
                .ok_or_else(|| SettingsError::MissingSecret {
                    var: var.clone(),
                    key: key.to_string(),
                    cluster: name.to_string(),
                })
                .map(Some);
        }
        let Some(path) = path else {
            return Ok(None);
        };
        let full = dir.join(path);
        let text = std::fs::read_to_string(&full).map_err(|e| {
            SettingsError::Security(format!(
                "`{key}` of cluster `{name}` in `{shown_file}`: cannot read `{}`: {e}",
                full.display()
            ))
        })?;
        // The first line, without its line ending (editors add one).
        let value = text.lines().next().unwrap_or_default().to_string();
        if value.is_empty() {
            return Err(SettingsError::Security(format!(
                "`{key}` of cluster `{name}` in `{shown_file}`: `{}` is empty",
                full.display()
            )));
        }
        Ok(Some(Secret::from(value)))
    };
    let msk_iam = matches!(cluster.auth, Some(file::AuthSettings::MskIam(_)));
    // N.B. MSK's IAM listener (9098) is always TLS.
    let protocol = match (
        cluster.tls.is_some() || msk_iam,
        sasl.is_some() || oauth.is_some() || msk_iam,
    ) {
        (true, true) => "SASL_SSL",
        (true, false) => "SSL",
        (false, true) => "SASL_PLAINTEXT",
        (false, false) => "PLAINTEXT",
    };
    let mut properties = vec![("security.protocol".to_string(), Secret::from(protocol))];
    if let Some(tls) = &cluster.tls {
        let mut set =
            |key: &str, value: String| properties.push((key.to_string(), Secret::from(value)));
        if let Some(ca) = &tls.ca_file {
            set("ssl.ca.location", located("tls.ca_file", ca)?);
        }
        if let Some(cert) = &tls.cert_file {
            set("ssl.certificate.location", located("tls.cert_file", cert)?);
        }
        if let Some(key) = &tls.key_file {
            set("ssl.key.location", located("tls.key_file", key)?);
        }
        let verify = tls.verify_hostname.unwrap_or(true);
        set(
            "ssl.endpoint.identification.algorithm",
            if verify { "https" } else { "none" }.to_string(),
        );
        if let Some(password) = secret(
            "tls.key_password_env",
            &tls.key_password_env,
            &tls.key_password_file,
        )? {
            properties.push(("ssl.key.password".to_string(), password));
        }
    }
    if msk_iam {
        properties.push(("sasl.mechanism".to_string(), Secret::from("OAUTHBEARER")));
    }
    if let Some(token_file) = oauth {
        located("auth.token_file", token_file)?;
        properties.push(("sasl.mechanism".to_string(), Secret::from("OAUTHBEARER")));
    }
    if let Some((mechanism, credentials)) = sasl {
        properties.push(("sasl.mechanism".to_string(), Secret::from(mechanism)));
        if let Some(user) = &credentials.username {
            properties.push(("sasl.username".to_string(), Secret::from(user.as_str())));
        }
        let key = if credentials.password_env.is_some() {
            "auth.password_env"
        } else {
            "auth.password_file"
        };
        if let Some(password) = secret(key, &credentials.password_env, &credentials.password_file)?
        {
            properties.push(("sasl.password".to_string(), password));
        }
    }
    Ok(properties)
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
    broker_defaults: {partitions: 2}
  open:
    properties: {client.id: open}
ignore: ['^tmp[.]']
";

    /// Resolves `args` (after `topicgate`) with `env`, and `FILE` as topicgate.yaml.
    fn resolve(args: &[&str], env: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let file = file::from_text(PathBuf::from("topicgate.yaml"), FILE).unwrap();
        let mut argv = vec!["topicgate"];
        argv.extend(args);
        let env: BTreeMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::resolve(Arguments::try_parse_from(argv).unwrap(), &env, Some(file))
    }

    fn connection(config: Settings) -> Connection {
        match config.command {
            CommandSettings::Plan(PlanSettings {
                source: ClusterSource::Live(c),
                ..
            }) => c,
            other => panic!("not a live plan: {other:?}"),
        }
    }

    fn plan(args: &[&str], env: &[(&str, &str)]) -> Result<Connection, SettingsError> {
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
        assert!(matches!(plan(&[], &[]), Err(SettingsError::NoCluster)));
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
        assert!(!std::path::Path::new(file::DEFAULT_FILE).exists());
        let err = Settings::resolve(args, &env, None).unwrap_err().to_string();
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
                CommandSettings::Gate(GateSettings { wait, .. }) => wait,
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
        let settings = resolve(
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
        let shown = format!("{settings:?} {settings:#?}");
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

    // The precedence table, one row per test (as just's `config.rs`): `topicgate ARGS` with the
    // environment ENV and `FILE` as topicgate.yaml resolves SETTING to WANT, or fails with an
    // error containing ERROR. Every setting: flag > environment > topicgate.yaml > default.
    macro_rules! test {
        (
            name: $name:ident,
            args: [$($arg:expr),* $(,)?],
            $(env: {$($var:expr => $val:expr),* $(,)?},)?
            setting: $setting:ident,
            want: $want:expr $(,)?
        ) => {
            #[test]
            fn $name() {
                let env: &[(&str, &str)] = &[$($(($var, $val)),*)?];
                let settings = resolve(&[$($arg),*], env)
                    .unwrap_or_else(|e| panic!("{:?} did not resolve: {e}", [$($arg),*]));
                assert_eq!(table::$setting(&settings), $want);
            }
        };
        (
            name: $name:ident,
            args: [$($arg:expr),* $(,)?],
            $(env: {$($var:expr => $val:expr),* $(,)?},)?
            error: $want:expr $(,)?
        ) => {
            #[test]
            fn $name() {
                let env: &[(&str, &str)] = &[$($(($var, $val)),*)?];
                let err = resolve(&[$($arg),*], env).expect_err("an error").to_string();
                assert!(err.contains($want), "{err}");
            }
        };
    }

    /// The settings the table reads, each as text.
    mod table {
        use super::*;

        fn connection(s: &Settings) -> Option<&Connection> {
            let source = match &s.command {
                CommandSettings::Plan(p) => &p.source,
                CommandSettings::Check(c) => &c.source,
                CommandSettings::Gate(g) => &g.source,
                CommandSettings::Export(e) => &e.source,
                CommandSettings::Apply(a) => return Some(&a.connection),
                CommandSettings::Snapshot(s) => return Some(&s.connection),
                CommandSettings::Validate(_) | CommandSettings::Schema(_) => return None,
            };
            match source {
                ClusterSource::Live(c) => Some(c),
                ClusterSource::Snapshot(_) => None,
            }
        }

        fn rules(s: &Settings) -> &RuleSettings {
            match &s.command {
                CommandSettings::Check(c) => &c.rules,
                CommandSettings::Gate(g) => &g.rules,
                other => panic!("no rules: {other:?}"),
            }
        }

        fn property(s: &Settings, key: &str) -> String {
            connection(s)
                .and_then(|c| value(c, key))
                .unwrap_or("none")
                .to_string()
        }

        pub(super) fn bootstrap(s: &Settings) -> String {
            connection(s).map_or("none".into(), |c| c.bootstrap_servers.clone())
        }

        pub(super) fn timeout(s: &Settings) -> String {
            connection(s).map_or("none".into(), |c| {
                humantime::format_duration(c.timeout).to_string()
            })
        }

        pub(super) fn client_id(s: &Settings) -> String {
            property(s, "client.id")
        }

        pub(super) fn password(s: &Settings) -> String {
            property(s, "sasl.password")
        }

        /// Live (and its address), or the snapshot file.
        pub(super) fn source(s: &Settings) -> String {
            let source = match &s.command {
                CommandSettings::Plan(p) => &p.source,
                CommandSettings::Check(c) => &c.source,
                CommandSettings::Gate(g) => &g.source,
                CommandSettings::Export(e) => &e.source,
                CommandSettings::Apply(_) | CommandSettings::Snapshot(_) => {
                    return format!("live {}", bootstrap(s))
                }
                CommandSettings::Validate(_) | CommandSettings::Schema(_) => return "none".into(),
            };
            match source {
                ClusterSource::Live(c) => format!("live {}", c.bootstrap_servers),
                ClusterSource::Snapshot(file) => format!("snapshot {}", file.display()),
            }
        }

        pub(super) fn log(s: &Settings) -> String {
            s.log.clone()
        }

        /// Which of a few names the rules ignore.
        pub(super) fn ignored(s: &Settings) -> String {
            let filter = &rules(s).filter;
            let names = ["tmp.a", "flag.a", "orders"];
            let ignored: Vec<&str> = names.into_iter().filter(|n| filter.ignores(n)).collect();
            ignored.join(" ")
        }

        /// The default partition count `check` assumes for a broker that does not say, and
        /// where it came from.
        pub(super) fn default_partitions(s: &Settings) -> String {
            let r = rules(s);
            let resolved = crate::model::broker_defaults::ResolvedDefaults::resolve(
                &Default::default(),
                &r.flag_defaults,
                &r.file_defaults,
            );
            format!(
                "{:?} {:?}",
                resolved.partitions.value, resolved.partitions.source
            )
        }

        pub(super) fn wait(s: &Settings) -> String {
            match &s.command {
                CommandSettings::Gate(g) => g
                    .wait
                    .map_or("none".into(), |w| humantime::format_duration(w).to_string()),
                other => panic!("not gate: {other:?}"),
            }
        }

        /// The command's name, for rows that only need it to resolve.
        pub(super) fn command(s: &Settings) -> String {
            let name = match &s.command {
                CommandSettings::Validate(_) => "validate",
                CommandSettings::Plan(_) => "plan",
                CommandSettings::Apply(_) => "apply",
                CommandSettings::Check(_) => "check",
                CommandSettings::Gate(_) => "gate",
                CommandSettings::Snapshot(_) => "snapshot",
                CommandSettings::Schema(_) => "schema",
                CommandSettings::Export(_) => "export",
            };
            name.into()
        }
    }

    // Bootstrap servers: `--bootstrap-servers` > `TOPICGATE_BOOTSTRAP_SERVERS` > the selected
    // cluster's `bootstrap_servers` > none (an error, for commands that need a cluster).
    test! {
        name: bootstrap_flag_beats_env,
        args: ["plan", "--bootstrap-servers", "flag-host:1"],
        env: {BOOT => "env-host:1"},
        setting: bootstrap,
        want: "flag-host:1",
    }
    test! {
        name: bootstrap_env_without_a_cluster,
        args: ["plan"],
        env: {BOOT => "env-host:1"},
        setting: bootstrap,
        want: "env-host:1",
    }
    test! {
        name: bootstrap_flag_beats_file,
        args: ["--cluster", "prod", "plan", "--bootstrap-servers", "flag-host:1"],
        env: {BOOT => "env-host:1", "TG_PW" => "pw"},
        setting: bootstrap,
        want: "flag-host:1",
    }
    test! {
        name: bootstrap_from_file,
        args: ["--cluster", "prod", "plan"],
        env: {"TG_PW" => "pw"},
        setting: bootstrap,
        want: "file-host:9092",
    }
    test! {
        name: bootstrap_env_agreeing_with_file,
        args: ["--cluster", "prod", "check"],
        env: {BOOT => " file-host:9092", "TG_PW" => "pw"},
        setting: bootstrap,
        want: "file-host:9092",
    }
    test! {
        name: bootstrap_env_fills_a_cluster_without_one,
        args: ["--cluster", "open", "snapshot"],
        env: {BOOT => "env-host:1"},
        setting: bootstrap,
        want: "env-host:1",
    }
    test! {
        name: bootstrap_env_never_redirects_a_named_cluster,
        args: ["apply", "--yes"],
        env: {CLUSTER_VAR => "prod", BOOT => "elsewhere:9092", "TG_PW" => "pw"},
        error: "`TOPICGATE_BOOTSTRAP_SERVERS` is set (`elsewhere:9092`)",
    }
    test! {
        name: bootstrap_empty_flag_is_unset,
        args: ["gate", "--require", "a", "--bootstrap-servers", " "],
        env: {BOOT => "env-host:1"},
        setting: bootstrap,
        want: "env-host:1",
    }
    test! {
        name: bootstrap_default_is_an_error,
        args: ["export"],
        error: "no cluster given",
    }

    // Cluster name: `--cluster` > `TOPICGATE_CLUSTER` > none (an empty value is none).
    test! {
        name: cluster_flag_beats_env,
        args: ["--cluster", "prod", "plan", "--bootstrap-servers", "h:1"],
        env: {CLUSTER_VAR => "open", "TG_PW" => "pw"},
        setting: client_id,
        want: "from-file",
    }
    test! {
        name: cluster_from_env,
        args: ["plan"],
        env: {CLUSTER_VAR => "open", BOOT => "h:1"},
        setting: client_id,
        want: "open",
    }
    test! {
        name: cluster_empty_flag_is_unset,
        args: ["--cluster", "", "plan"],
        env: {CLUSTER_VAR => "open", BOOT => "h:1"},
        setting: client_id,
        want: "open",
    }
    test! {
        name: cluster_default_is_none,
        args: ["plan"],
        env: {CLUSTER_VAR => "", BOOT => "h:1"},
        setting: client_id,
        want: "none",
    }
    test! {
        name: cluster_unknown_is_an_error_for_a_live_command,
        args: ["check"],
        env: {CLUSTER_VAR => "nope", BOOT => "h:1"},
        error: "no cluster `nope`",
    }

    // Timeout: `--timeout` > `TOPICGATE_TIMEOUT` > 30s.
    test! {
        name: timeout_flag_beats_env,
        args: ["plan", "--timeout", "10s"],
        env: {BOOT => "h:1", TIMEOUT_VAR => "45s"},
        setting: timeout,
        want: "10s",
    }
    test! {
        name: timeout_from_env,
        args: ["apply"],
        env: {BOOT => "h:1", TIMEOUT_VAR => "45s"},
        setting: timeout,
        want: "45s",
    }
    test! {
        name: timeout_default,
        args: ["snapshot"],
        env: {BOOT => "h:1"},
        setting: timeout,
        want: "30s",
    }

    // Client properties: `-X` > `secret_properties` (from the environment) > `properties`.
    test! {
        name: property_from_file,
        args: ["--cluster", "prod", "plan"],
        env: {"TG_PW" => "pw"},
        setting: client_id,
        want: "from-file",
    }
    test! {
        name: property_flag_beats_file,
        args: ["--cluster", "prod", "plan", "-X", "client.id=flag"],
        env: {"TG_PW" => "pw"},
        setting: client_id,
        want: "flag",
    }
    test! {
        name: secret_property_from_env,
        args: ["--cluster", "prod", "plan"],
        env: {"TG_PW" => "from-env"},
        setting: password,
        want: "from-env",
    }
    test! {
        name: secret_property_flag_beats_env,
        args: ["--cluster", "prod", "plan", "-X", "sasl.password=flag-pw"],
        env: {"TG_PW" => "from-env"},
        setting: password,
        want: "flag-pw",
    }
    test! {
        name: secret_property_missing_variable_is_an_error,
        args: ["--cluster", "prod", "plan"],
        error: "environment variable `TG_PW`",
    }

    // Cluster source: an explicit `--state FILE` is offline, whatever the environment says.
    test! {
        name: state_beats_env_bootstrap,
        args: ["plan", "--state", "s.json"],
        env: {BOOT => "h:1"},
        setting: source,
        want: "snapshot s.json",
    }
    test! {
        name: state_ignores_a_broken_environment,
        args: ["plan", "--state", "s.json"],
        env: {CLUSTER_VAR => "nope", BOOT => "::", TIMEOUT_VAR => "100y"},
        setting: source,
        want: "snapshot s.json",
    }
    test! {
        name: state_default_is_live,
        args: ["export"],
        env: {BOOT => "h:1"},
        setting: source,
        want: "live h:1",
    }

    // Offline commands never read the cluster settings.
    test! {
        name: validate_with_a_broken_environment,
        args: ["validate"],
        env: {CLUSTER_VAR => "nope", BOOT => "::", TIMEOUT_VAR => "100y"},
        setting: command,
        want: "validate",
    }
    test! {
        name: schema_with_a_broken_environment,
        args: ["--cluster", "nope", "schema", "config"],
        env: {BOOT => "::", TIMEOUT_VAR => "100y"},
        setting: command,
        want: "schema",
    }

    // Log filter: `-v…` > `TOPICGATE_LOG` > warn.
    test! {
        name: log_flag_beats_env,
        args: ["-v", "validate"],
        env: {LOG_VAR => "error"},
        setting: log,
        want: "info",
    }
    test! {
        name: log_flag_counts,
        args: ["validate", "-vvv"],
        env: {LOG_VAR => "error"},
        setting: log,
        want: "trace",
    }
    test! {
        name: log_from_env,
        args: ["validate"],
        env: {LOG_VAR => "topicgate=debug"},
        setting: log,
        want: "topicgate=debug",
    }
    test! {
        name: log_default,
        args: ["validate"],
        env: {LOG_VAR => " "},
        setting: log,
        want: "warn",
    }

    // Ignore patterns: topicgate.yaml's `ignore:` and every `--ignore`, together.
    test! {
        name: ignore_from_file,
        args: ["check", "--state", "s.json"],
        setting: ignored,
        want: "tmp.a",
    }
    test! {
        name: ignore_flag_adds_to_file,
        args: ["gate", "--require", "a", "--state", "s.json", "--ignore", "^flag[.]"],
        setting: ignored,
        want: "tmp.a flag.a",
    }

    // Broker defaults (for brokers that do not say): `--broker-defaults` > the cluster's
    // `broker_defaults` > unknown. (The broker's own values beat both: model/broker_defaults.)
    test! {
        name: broker_defaults_flag_beats_file,
        args: ["--cluster", "prod", "check", "--state", "s.json", "--broker-defaults", "partitions=5,replication_factor=1"],
        setting: default_partitions,
        want: "Some(5) Flag",
    }
    test! {
        name: broker_defaults_from_file,
        args: ["check", "--state", "s.json"],
        env: {CLUSTER_VAR => "prod"},
        setting: default_partitions,
        want: "Some(2) ConfigFile",
    }
    test! {
        name: broker_defaults_default_unknown,
        args: ["check", "--state", "s.json"],
        setting: default_partitions,
        want: "None Unknown",
    }

    // `gate --wait`: the flag, else no waiting.
    test! {
        name: wait_flag,
        args: ["gate", "--require", "a", "--bootstrap-servers", "h:1", "--wait", "5m"],
        setting: wait,
        want: "5m",
    }
    test! {
        name: wait_default,
        args: ["gate", "--require", "a", "--state", "s.json"],
        setting: wait,
        want: "none",
    }

    #[test]
    fn tls_and_auth_become_client_properties_and_minus_x_wins() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ca.pem"), "x").unwrap();
        std::fs::write(dir.path().join("pw.txt"), "from-file\n").unwrap();
        let text = "clusters:
  tls:
    bootstrap_servers: h:9093
    tls: {ca_file: ca.pem, verify_hostname: false}
    auth: {mechanism: scram-sha-512, username: alice, password_env: TG_PW}
  plain:
    bootstrap_servers: h:9092
    auth: {mechanism: plain, username: bob, password_file: pw.txt}
  missing:
    bootstrap_servers: h:9093
    tls: {ca_file: nowhere.pem}
";
        let path = dir.path().join("topicgate.yaml");
        let resolve = |args: &[&str], env: &[(&str, &str)]| {
            let loaded = file::from_text(path.clone(), text).unwrap();
            let mut argv = vec!["topicgate", "plan"];
            argv.extend(args);
            let env: BTreeMap<String, String> = env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            Settings::resolve(Arguments::try_parse_from(argv).unwrap(), &env, Some(loaded))
                .map(connection)
        };
        let c = resolve(&["--cluster", "tls"], &[("TG_PW", "hunter2")]).unwrap();
        assert_eq!(value(&c, "security.protocol"), Some("SASL_SSL"));
        assert_eq!(value(&c, "sasl.mechanism"), Some("SCRAM-SHA-512"));
        assert_eq!(value(&c, "sasl.username"), Some("alice"));
        assert_eq!(value(&c, "sasl.password"), Some("hunter2"));
        let ca = dir.path().join("ca.pem").display().to_string();
        assert_eq!(value(&c, "ssl.ca.location"), Some(ca.as_str()));
        assert_eq!(
            value(&c, "ssl.endpoint.identification.algorithm"),
            Some("none")
        );
        assert!(!format!("{c:?}").contains("hunter2"));
        // `-X` wins over the file.
        let c = resolve(
            &["--cluster", "tls", "-X", "sasl.username=carol"],
            &[("TG_PW", "hunter2")],
        )
        .unwrap();
        assert_eq!(value(&c, "sasl.username"), Some("carol"));
        let c = resolve(&["--cluster", "plain"], &[]).unwrap();
        assert_eq!(value(&c, "security.protocol"), Some("SASL_PLAINTEXT"));
        assert_eq!(value(&c, "sasl.password"), Some("from-file"));
        let err = resolve(&["--cluster", "tls"], &[]).unwrap_err().to_string();
        assert_eq!(
            err,
            "environment variable `TG_PW` (for `auth.password_env` of cluster `tls` in topicgate.yaml) is not set (or empty)"
        );
        let err = resolve(&["--cluster", "missing"], &[])
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("`tls.ca_file` of cluster `missing` in `"),
            "{err}"
        );
        assert!(err.contains("nowhere.pem`: "), "{err}");
    }
}
