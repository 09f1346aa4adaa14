//! Raw command-line arguments, as clap parses them. Checking and defaulting happen in
//! `resolve.rs` (`Settings::from_arguments`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "topicgate",
    version,
    about = "Govern Kafka topics as code: declarative specs, plan and apply, checks, a pre-deploy gate.",
    long_about = None,
    after_help = "Exit codes: 0 success; 1 findings (check), unmet gate (gate), invalid specs (validate) or pending changes (plan --exit-code); 2 error."
)]
pub struct Arguments {
    #[command(subcommand)]
    pub command: Command,

    /// More log output on stderr (-v info, -vv debug incl. librdkafka, -vvv trace).
    #[arg(short, long, action = clap::ArgAction::Count, global = true, help_heading = "Global options")]
    pub verbose: u8,

    /// When to use colour in output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true, help_heading = "Global options")]
    pub color: ColorChoice,

    /// The topicgate.yaml to read (default: ./topicgate.yaml, if present).
    #[arg(
        long,
        value_name = "FILE",
        global = true,
        help_heading = "Global options"
    )]
    pub config: Option<PathBuf>,

    /// Use the settings of cluster NAME in topicgate.yaml (bootstrap servers, broker defaults).
    ///
    /// [env: TOPICGATE_CLUSTER] (read only by commands that use a cluster)
    #[arg(
        long,
        value_name = "NAME",
        global = true,
        help_heading = "Global options"
    )]
    pub cluster: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always, even when piped.
    Always,
    /// Never.
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check spec files offline: syntax, types, topic names, config names and values.
    Validate(ValidateArgs),
    /// Show the changes that would bring the cluster to the specs.
    Plan(PlanArgs),
    /// Make the planned changes through the Kafka admin API.
    Apply(ApplyArgs),
    /// Report what governance missed: auto-created, undeclared, missing and drifted topics.
    Check(CheckArgs),
    /// Pre-deploy gate: exit 0 only if the required topics exist, declared and as declared.
    Gate(GateArgs),
    /// Save the described cluster as a JSON snapshot, for offline plan, check and gate.
    Snapshot(SnapshotArgs),
    /// Write spec files for the topics that exist now (adopt an existing cluster).
    Export(ExportArgs),
    /// Print the JSON Schema of spec files or of topicgate.yaml (for editors).
    Schema(SchemaArgs),
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    #[arg(value_enum)]
    pub of: SchemaKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// Spec files (`topics/*.yaml`).
    Spec,
    /// topicgate.yaml.
    Config,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Directory to write the spec files to.
    #[arg(long, value_name = "DIR", default_value = "topics")]
    pub out: PathBuf,

    /// Export only topics whose names match REGEX.
    #[arg(long, value_name = "REGEX")]
    pub include: Option<String>,

    /// Leave out topics whose names match REGEX.
    #[arg(long, value_name = "REGEX")]
    pub exclude: Option<String>,

    /// Export internal and tooling topics too (`__consumer_offsets`, `*-changelog`, ...).
    #[arg(long)]
    pub internal: bool,

    /// Overwrite spec files that already exist.
    #[arg(long)]
    pub force: bool,

    /// Export from a snapshot written by `topicgate snapshot`, instead of a live cluster.
    #[arg(long, value_name = "FILE", conflicts_with = "bootstrap_servers")]
    pub state: Option<PathBuf>,

    #[command(flatten)]
    pub connection: ConnectionArgs,
}

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// Write the snapshot to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub connection: ConnectionArgs,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Spec files or directories (searched recursively for *.yaml, *.yml).
    #[arg(default_value = "topics")]
    pub paths: Vec<PathBuf>,

    #[arg(long, value_enum, default_value_t = ValidateFormat::Text)]
    pub format: ValidateFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidateFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Cluster connection")]
pub struct ConnectionArgs {
    /// Kafka bootstrap servers, `host:port[,host:port...]` (IPv6 as `[::1]:9092`).
    ///
    /// [env: TOPICGATE_BOOTSTRAP_SERVERS] (never redirects a `--cluster`)
    #[arg(long, value_name = "SERVERS")]
    pub bootstrap_servers: Option<String>,

    /// A librdkafka client property, `key=value` (repeatable): security settings and the like.
    /// Values are never printed.
    #[arg(short = 'X', long = "property", value_name = "KEY=VALUE")]
    pub properties: Vec<String>,

    /// Deadline for reaching the cluster and for each request, from 1s to 1h (`10s`, `1m`).
    ///
    /// [env: TOPICGATE_TIMEOUT] [default: 30s]
    #[arg(long, value_name = "DURATION")]
    pub timeout: Option<String>,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Spec files or directories (searched recursively for *.yaml, *.yml).
    #[arg(default_value = "topics")]
    pub paths: Vec<PathBuf>,

    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,

    /// Also save the plan (JSON) to FILE, for a later `apply --plan FILE`.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Exit 1 when there are pending changes (a CI drift check).
    #[arg(long)]
    pub exit_code: bool,

    /// Work offline from a snapshot written by `topicgate snapshot`, instead of a live cluster.
    #[arg(long, value_name = "FILE", conflicts_with = "bootstrap_servers")]
    pub state: Option<PathBuf>,

    #[command(flatten)]
    pub connection: ConnectionArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// Spec files or directories (searched recursively for *.yaml, *.yml).
    #[arg(default_value = "topics", conflicts_with = "plan")]
    pub paths: Vec<PathBuf>,

    /// Apply a plan saved with `plan --out FILE`, if the cluster still matches it.
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,

    /// `json`: a `topicgate-apply` document on stdout (what was done to each topic) instead of
    /// the plan and report as text.
    #[arg(long, value_enum, default_value_t = ApplyFormat::Text)]
    pub format: ApplyFormat,

    /// Do not ask for confirmation (required when stdin is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Show what would be done and change nothing: no mutating request is sent.
    #[arg(long)]
    pub dry_run: bool,

    /// With --dry-run: also ask the broker to check the requests (validate_only). Only for
    /// brokers that honour it; topicgate verifies afterwards that nothing changed.
    #[arg(long, requires = "dry_run")]
    pub broker_validate: bool,

    /// Apply the changes that can be made even though the plan has blocked ones.
    #[arg(long)]
    pub skip_blocked: bool,

    /// Delete the topics whose specs say `delete: true`.
    #[arg(long)]
    pub allow_delete: bool,

    #[command(flatten)]
    pub connection: ConnectionArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ApplyFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Rules")]
pub struct RuleArgs {
    /// Broker defaults, for brokers that do not expose them:
    /// `partitions=N,replication_factor=M[,auto_create_topics_enable=true|false]`.
    #[arg(long, value_name = "DEFAULTS")]
    pub broker_defaults: Option<String>,

    /// Never report topics whose names match REGEX (repeatable); internal topics are never
    /// reported anyway.
    #[arg(long, value_name = "REGEX")]
    pub ignore: Vec<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Spec files or directories (searched recursively for *.yaml, *.yml).
    #[arg(default_value = "topics")]
    pub paths: Vec<PathBuf>,

    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,

    /// The lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,

    /// Work offline from a snapshot written by `topicgate snapshot`, instead of a live cluster.
    #[arg(long, value_name = "FILE", conflicts_with = "bootstrap_servers")]
    pub state: Option<PathBuf>,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    #[command(flatten)]
    pub rules: RuleArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
    Markdown,
    /// GitHub Actions workflow commands (annotations on the spec lines).
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
}

#[derive(Debug, Args)]
pub struct GateArgs {
    /// Spec files or directories (searched recursively for *.yaml, *.yml).
    #[arg(default_value = "topics")]
    pub paths: Vec<PathBuf>,

    /// A topic the service produces to or consumes from (repeatable).
    #[arg(long, value_name = "TOPIC", required_unless_present = "require_file")]
    pub require: Vec<String>,

    /// A file listing required topics, one per line (`#` comments allowed).
    #[arg(long, value_name = "FILE")]
    pub require_file: Option<PathBuf>,

    /// Poll until the answer is yes or DURATION has passed (`30s`, `5m`; at most 24h);
    /// progress on stderr.
    #[arg(long, value_name = "DURATION", conflicts_with = "state")]
    pub wait: Option<String>,

    #[arg(long, value_enum, default_value_t = GateFormat::Text)]
    pub format: GateFormat,

    /// Work offline from a snapshot written by `topicgate snapshot`, instead of a live cluster.
    #[arg(long, value_name = "FILE", conflicts_with = "bootstrap_servers")]
    pub state: Option<PathBuf>,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    #[command(flatten)]
    pub rules: RuleArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GateFormat {
    Text,
    Json,
}
