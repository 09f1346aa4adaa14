//! Checked settings (`Config::from_arguments`): the raw flags of `arguments.rs` turned into
//! values the commands can use without re-checking (durations parsed, properties split, the
//! cluster address present where a command needs one).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use crate::arguments::{
    ApplyArgs, Arguments, ColorChoice, Command, ConnectionArgs, PlanArgs, PlanFormat,
    ValidateFormat,
};
use crate::cluster::Mode;
use crate::kafka::ConnectionSettings;
use crate::render::Palette;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("no cluster given: pass `--bootstrap-servers HOST:PORT` or set `TOPICGATE_BOOTSTRAP_SERVERS`")]
    NoCluster,
    #[error("`-X {0}` must be `key=value`")]
    Property(String),
    #[error("`--timeout {0}` is not a duration like `30s` or `2m`")]
    Timeout(String),
}

#[derive(Debug)]
pub struct Config {
    pub command: CommandConfig,
    pub palette: Palette,
    pub verbosity: u8,
}

#[derive(Debug)]
pub enum CommandConfig {
    Validate {
        paths: Vec<PathBuf>,
        format: ValidateFormat,
    },
    Plan {
        paths: Vec<PathBuf>,
        connection: ConnectionSettings,
        format: PlanFormat,
        out: Option<PathBuf>,
        exit_code: bool,
    },
    Apply(ApplyConfig),
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

impl Config {
    pub fn from_arguments(args: Arguments) -> Result<Config, ConfigError> {
        let palette = Palette {
            color: match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    std::io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                }
            },
        };
        let command = match args.command {
            Command::Validate(v) => CommandConfig::Validate {
                paths: v.paths,
                format: v.format,
            },
            Command::Plan(PlanArgs {
                paths,
                connection,
                format,
                out,
                exit_code,
            }) => CommandConfig::Plan {
                paths,
                connection: connection_settings(connection)?,
                format,
                out,
                exit_code,
            },
            Command::Apply(a) => CommandConfig::Apply(apply_config(a)?),
        };
        Ok(Config {
            command,
            palette,
            verbosity: args.verbose,
        })
    }
}

fn apply_config(a: ApplyArgs) -> Result<ApplyConfig, ConfigError> {
    Ok(ApplyConfig {
        source: match a.plan {
            Some(file) => ApplySource::SavedPlan(file),
            None => ApplySource::Specs(a.paths),
        },
        connection: connection_settings(a.connection)?,
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

fn connection_settings(c: ConnectionArgs) -> Result<ConnectionSettings, ConfigError> {
    let bootstrap_servers = c
        .bootstrap_servers
        .filter(|s| !s.trim().is_empty())
        .ok_or(ConfigError::NoCluster)?;
    let properties = c
        .properties
        .iter()
        .map(|p| match p.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
            _ => Err(ConfigError::Property(p.clone())),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let timeout = humantime::parse_duration(&c.timeout)
        .map_err(|_| ConfigError::Timeout(c.timeout.clone()))?;
    Ok(ConnectionSettings {
        bootstrap_servers,
        properties,
        timeout: timeout.max(Duration::from_millis(100)),
    })
}
