//! `SettingsFile`: the optional `topicgate.yaml` at the repository root (or `--config FILE`). It
//! holds per-cluster settings, selected with `--cluster NAME`, and the topics `check` ignores.
//!
//! ```yaml
//! clusters:
//!   prod:
//!     bootstrap_servers: b-1.example:9092,b-2.example:9092
//!     broker_defaults: { partitions: 1, replication_factor: 3, auto_create_topics_enable: true }
//! ignore:
//!   - '^tmp\.'
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::load::yaml::Positioned;
use crate::model::broker_defaults::GivenDefaults;
use crate::model::connection::{is_bootstrap_property, secret_resemblance};
use crate::model::diagnostic::Diagnostic;
use crate::model::position::{Pos, Step};
use crate::policy::{CompiledPolicies, Policies};

/// The default file name, looked up in the current directory (the loader's first settings-file
/// name: the loader never reads it as a spec).
pub const DEFAULT_FILE: &str = crate::load::SETTINGS_FILE_NAMES[0];

/// topicgate.yaml: organisation policies and per-cluster settings.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
// N.B. the published schema (docs/schemas/topicgate-config.schema.json) keeps its title.
#[schemars(rename = "ConfigFile")]
pub struct SettingsFile {
    /// Connection settings and broker defaults per cluster, selected with `--cluster NAME`.
    #[serde(default)]
    pub clusters: BTreeMap<String, ClusterSettings>,
    /// Regexes of topic names that `check` and `gate` never report.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Rules every spec and every live topic must follow.
    #[serde(default)]
    pub policies: Policies,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClusterSettings {
    /// `host:port[,host:port...]`; `--bootstrap-servers` wins. `TOPICGATE_BOOTSTRAP_SERVERS` only
    /// fills it in when it is absent: a variable never redirects a named cluster.
    pub bootstrap_servers: Option<String>,
    /// librdkafka client properties (`security.protocol`, `sasl.mechanism`, ...). No secrets:
    /// those go in `secret_properties`.
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
    /// librdkafka properties whose values are read from environment variables, named here
    /// (`sasl.password: KAFKA_PASSWORD`). Their values are never printed.
    #[serde(default)]
    pub secret_properties: BTreeMap<String, String>,
    /// For brokers that do not expose them (N.B. KAFKA.md: Tansu; some managed services).
    #[serde(default)]
    pub broker_defaults: GivenDefaults,
    /// TLS to the brokers. Present (even empty: `tls: {}`) means TLS, trusting the system's
    /// CAs unless `ca_file` names one; hostname verification is on unless turned off.
    #[serde(default)]
    pub tls: Option<TlsSettings>,
    /// How the client authenticates (SASL). Absent or `mechanism: none`: it does not (or by a
    /// client certificate, `tls.cert_file`). Passwords only from an environment variable or a
    /// file the user names, never in this file.
    #[serde(default)]
    pub auth: Option<AuthSettings>,
    /// Principals allowed to create topics (`User:topicgate`); `check` reports any other
    /// principal an ACL lets create topics (`topic-create-allowed`).
    #[serde(default)]
    pub provisioners: Vec<String>,
}

/// `tls:` of a cluster. Relative paths are relative to the directory of topicgate.yaml.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TlsSettings {
    /// PEM file of the CA certificate(s) to trust (`ssl.ca.location`); default: the system's.
    pub ca_file: Option<PathBuf>,
    /// PEM file of the client certificate, for mutual TLS (`ssl.certificate.location`); with
    /// `key_file`.
    pub cert_file: Option<PathBuf>,
    /// PEM file of the client certificate's private key (`ssl.key.location`); with `cert_file`.
    pub key_file: Option<PathBuf>,
    /// Environment variable holding the private key's password, if it is encrypted.
    pub key_password_env: Option<String>,
    /// File holding the private key's password, if it is encrypted.
    pub key_password_file: Option<PathBuf>,
    /// Whether the broker's certificate must name the host connected to (default `true`;
    /// `ssl.endpoint.identification.algorithm`).
    pub verify_hostname: Option<bool>,
}

/// `auth:` of a cluster, by `mechanism`.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(tag = "mechanism", rename_all = "kebab-case", deny_unknown_fields)]
pub enum AuthSettings {
    /// No authentication (`security.protocol` `PLAINTEXT`, or `SSL` with `tls:`).
    None,
    /// SASL PLAIN (Confluent Cloud API keys, for example): user name and password.
    Plain(Credentials),
    /// SASL SCRAM-SHA-256.
    #[serde(rename = "scram-sha-256")]
    ScramSha256(Credentials),
    /// SASL SCRAM-SHA-512 (AWS MSK SCRAM).
    #[serde(rename = "scram-sha-512")]
    ScramSha512(Credentials),
    /// SASL OAUTHBEARER with a token (a JWT) that another process writes to a file; read again
    /// before each token expires.
    Oauthbearer(OauthbearerSettings),
    /// AWS MSK IAM (SASL/OAUTHBEARER with a SigV4-signed token; always over TLS, port 9098).
    MskIam(MskIamSettings),
}

/// `auth: {mechanism: msk-iam}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MskIamSettings {
    /// The cluster's AWS region (`eu-west-1`).
    pub region: Option<String>,
}

/// `auth: {mechanism: oauthbearer}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OauthbearerSettings {
    /// File holding the JWT (relative to topicgate.yaml's directory); its `exp` and `sub`
    /// claims give the lifetime and the principal.
    pub token_file: Option<PathBuf>,
}

/// A user name and where its password is: exactly one of `password_env` and `password_file`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub username: Option<String>,
    /// Environment variable holding the password.
    pub password_env: Option<String>,
    /// File holding the password (its first line; relative to topicgate.yaml's directory).
    pub password_file: Option<PathBuf>,
}

impl AuthSettings {
    /// librdkafka's `sasl.mechanism` and the credentials, for a SASL mechanism.
    pub fn sasl(&self) -> Option<(&'static str, &Credentials)> {
        match self {
            AuthSettings::None | AuthSettings::Oauthbearer(_) | AuthSettings::MskIam(_) => None,
            AuthSettings::Plain(c) => Some(("PLAIN", c)),
            AuthSettings::ScramSha256(c) => Some(("SCRAM-SHA-256", c)),
            AuthSettings::ScramSha512(c) => Some(("SCRAM-SHA-512", c)),
        }
    }
}

/// librdkafka properties that `tls:` and `auth:` set: not accepted in `properties` or
/// `secret_properties` beside them (`-X` still wins over both).
pub const TYPED_PROPERTIES: &[(&str, &str)] = &[
    ("security.protocol", "tls:` or `auth:"),
    ("sasl.mechanism", "auth:"),
    ("sasl.mechanisms", "auth:"),
    ("sasl.username", "auth:"),
    ("sasl.password", "auth:"),
    ("ssl.ca.location", "tls:"),
    ("ssl.certificate.location", "tls:"),
    ("ssl.key.location", "tls:"),
    ("ssl.key.password", "tls:"),
    ("ssl.endpoint.identification.algorithm", "tls:"),
];

#[derive(Debug, thiserror::Error)]
pub enum SettingsFileError {
    #[error("cannot read `{}`: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Every problem found, each a `Diagnostic` with its file:line:col: nothing is reported one
    /// at a time.
    #[error("{}", render_problems(.path, .problems))]
    Problems {
        path: PathBuf,
        problems: Vec<Diagnostic>,
    },
    #[error("no cluster `{name}` in `{}`{}", .file.display(), if .known.is_empty() { String::new() } else { format!(" (it has {})", .known.join(", ")) })]
    UnknownCluster {
        name: String,
        file: PathBuf,
        known: Vec<String>,
    },
    #[error("{0} needs a `topicgate.yaml` (or `--config FILE`) with a `clusters:` section")]
    /// `--cluster NAME` or `TOPICGATE_CLUSTER=NAME`, as given.
    NoFile(String),
}

/// A loaded topicgate.yaml with its policies compiled.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub path: PathBuf,
    pub file: SettingsFile,
    pub policies: CompiledPolicies,
}

/// Reads `path`, or `./topicgate.yaml` when no path is given and it exists (the only I/O of
/// the settings: `from_text` and `Settings::resolve` do none). The YAML is read by the same
/// positioned reader as spec files (`load::yaml`).
pub fn load(path: Option<&Path>) -> Result<Option<Loaded>, SettingsFileError> {
    let path = match path {
        Some(p) => p.to_path_buf(),
        None => {
            let default = PathBuf::from(DEFAULT_FILE);
            if !default.exists() {
                return Ok(None);
            }
            default
        }
    };
    let text = std::fs::read_to_string(&path).map_err(|source| SettingsFileError::Read {
        path: path.clone(),
        source,
    })?;
    from_text(path, &text).map(Some)
}

/// Parses and validates `text`, the contents of topicgate.yaml at `path`: every problem at once
/// (repeated keys, then what parsing finds, then what validation finds).
pub fn from_text(path: PathBuf, text: &str) -> Result<Loaded, SettingsFileError> {
    let yaml = Positioned::read(text);
    let mut problems = duplicates(&path, &yaml);
    let file = match deserialize(&path, &yaml) {
        Ok(file) => file,
        Err(problem) => {
            // serde_yaml refuses a repeated struct field by itself; the repeat is reported already.
            if problems.is_empty() || !problem.message.contains("duplicate") {
                problems.push(problem);
            }
            return Err(SettingsFileError::Problems { path, problems });
        }
    };
    problems.extend(check_clusters(&path, &yaml, &file));
    let policies = validate(&path, &yaml, &file, &mut problems);
    match policies {
        Some(policies) if problems.is_empty() => Ok(Loaded {
            path,
            file,
            policies,
        }),
        _ => Err(SettingsFileError::Problems { path, problems }),
    }
}

/// Every repeated key, wherever it is. A map keeps the last of repeated keys, so a repeat would
/// silently replace the first; a cluster defined twice is the dangerous case.
fn duplicates(path: &Path, yaml: &Positioned) -> Vec<Diagnostic> {
    let Some(root) = yaml.index() else {
        return Vec::new();
    };
    let clusters: Vec<Pos> = root
        .get("clusters")
        .map(|c| {
            c.duplicate_keys()
                .into_iter()
                .map(|(_, _, again)| again)
                .collect()
        })
        .unwrap_or_default();
    yaml.duplicate_keys()
        .into_iter()
        .map(|(key, first, again)| {
            let message = if clusters.contains(&again) {
                format!(
                    "cluster `{key}` is defined twice (first at line {}); keep one definition",
                    first.line
                )
            } else {
                format!(
                    "`{key}` appears twice (first at line {}); keep one",
                    first.line
                )
            };
            Diagnostic::error(path, Some(again), message)
        })
        .collect()
}

/// Checks what parsing cannot: broker defaults below 1, `ignore:` patterns that do not compile,
/// and the policies (each rule, and rules that contradict each other). Every problem is
/// pushed to `problems`, each with its file:line; the compiled policies when they compile.
fn validate(
    path: &Path,
    yaml: &Positioned,
    file: &SettingsFile,
    problems: &mut Vec<Diagnostic>,
) -> Option<CompiledPolicies> {
    let at = |steps: &[Step]| yaml.index().map(|r| r.find(steps));
    for (name, cluster) in &file.clusters {
        let given = &cluster.broker_defaults;
        let counts = [
            ("partitions", given.partitions.map(i64::from)),
            (
                "replication_factor",
                given.replication_factor.map(i64::from),
            ),
        ];
        for (key, value) in counts {
            if let Some(n) = value.filter(|n| *n < 1) {
                problems.push(Diagnostic::error(
                    path,
                    at(&Step::keys(&["clusters", name, "broker_defaults", key])),
                    format!(
                        "`broker_defaults.{key}` of cluster `{name}` must be at least 1, got {n}"
                    ),
                ));
            }
        }
    }
    for (i, pattern) in file.ignore.iter().enumerate() {
        if let Err(e) = regex::Regex::new(pattern) {
            let mut steps = Step::keys(&["ignore"]);
            steps.push(Step::Item(i));
            problems.push(Diagnostic::error(
                path,
                at(&steps),
                format!(
                    "ignore pattern `{pattern}` is not a valid regex: {}",
                    crate::policy::regex_error(&e)
                ),
            ));
        }
    }
    match file.policies.compile() {
        Ok(policies) => Some(policies),
        Err(rule_problems) => {
            for p in rule_problems {
                let mut steps = Step::keys(&["policies"]);
                steps.extend(p.at);
                problems.push(Diagnostic::error(path, at(&steps), p.message));
            }
            None
        }
    }
}

/// One problem: `message (file:line:col)`; several: a count, then one per line.
fn render_problems(path: &Path, problems: &[Diagnostic]) -> String {
    match problems {
        [one] => format!("{} ({})", one.message, one.location()),
        many => {
            let lines: Vec<String> = many
                .iter()
                .map(|p| format!("  {} ({})", p.message, p.location()))
                .collect();
            format!(
                "{} problems in `{}`:\n{}",
                many.len(),
                path.display(),
                lines.join("\n")
            )
        }
    }
}

/// Parses `text` and checks each cluster's connection settings (what `from_text` does short
/// of validating), reporting every problem.
pub fn parse(path: &Path, text: &str) -> Result<SettingsFile, SettingsFileError> {
    let yaml = Positioned::read(text);
    let problems = match deserialize(path, &yaml) {
        Ok(file) => {
            let problems = check_clusters(path, &yaml, &file);
            if problems.is_empty() {
                return Ok(file);
            }
            problems
        }
        Err(problem) => vec![problem],
    };
    Err(SettingsFileError::Problems {
        path: path.to_path_buf(),
        problems,
    })
}

/// The file as serde reads it; its one error (serde stops at the first) in the user's words.
fn deserialize(path: &Path, yaml: &Positioned) -> Result<SettingsFile, Diagnostic> {
    if yaml.is_blank() {
        return Ok(SettingsFile::default());
    }
    yaml.deserialize(path)
}

/// Each cluster's connection settings: a valid `bootstrap_servers`, no address among the
/// properties, no secret in the file. Every problem of every cluster.
fn check_clusters(path: &Path, yaml: &Positioned, file: &SettingsFile) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for (name, cluster) in &file.clusters {
        let position = |key: &str, under: Option<&str>| {
            let cluster = yaml.index()?.get("clusters")?.get(name)?;
            match under {
                Some(section) => cluster.get(section)?.key_pos(key),
                None => cluster.key_pos(key),
            }
        };
        if let Some(servers) = &cluster.bootstrap_servers {
            if let Err(message) = crate::model::bootstrap_servers::BootstrapServers::parse(servers)
            {
                problems.push(Diagnostic::error(
                    path,
                    position("bootstrap_servers", None),
                    format!("`bootstrap_servers` of cluster `{name}`: {message}"),
                ));
            }
        }
        for (section, keys) in [
            ("properties", cluster.properties.keys()),
            ("secret_properties", cluster.secret_properties.keys()),
        ] {
            for key in keys.filter(|k| is_bootstrap_property(k)) {
                problems.push(Diagnostic::error(
                    path,
                    position(key, Some(section)),
                    format!(
                        "`{key}` is not accepted in `{section}`: give the address as `bootstrap_servers` of the cluster, its one source"
                    ),
                ));
            }
        }
        for (key, like) in cluster
            .properties
            .keys()
            .filter_map(|k| secret_resemblance(k).map(|like| (k, like)))
        {
            let message = if key.to_ascii_lowercase().contains(like) {
                format!(
                    "`{key}` is a secret and does not belong in the file: name an environment variable for it under `secret_properties` (`{key}: MY_ENV_VAR`)"
                )
            } else {
                format!(
                    "`{key}` looks like a secret (like `{like}`; a typo?) and does not belong in the file: fix its name and name an environment variable for it under `secret_properties` (`KEY: MY_ENV_VAR`)"
                )
            };
            problems.push(Diagnostic::error(
                path,
                position(key, Some("properties")),
                message,
            ));
        }
        problems.extend(check_security(path, yaml, name, cluster));
    }
    problems
}

/// `tls:` and `auth:` of cluster `name`: complete, each secret from exactly one place, and no
/// property beside them that they set.
fn check_security(
    path: &Path,
    yaml: &Positioned,
    name: &str,
    cluster: &ClusterSettings,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let at = |keys: &[&str]| {
        let mut node = yaml.index()?.get("clusters")?.get(name)?;
        let (last, parents) = keys.split_last()?;
        for key in parents {
            node = node.get(key)?;
        }
        node.key_pos(last)
    };
    let mut error = |keys: &[&str], message: String| {
        problems.push(Diagnostic::error(path, at(keys), message));
    };
    if let Some(tls) = &cluster.tls {
        match (&tls.cert_file, &tls.key_file) {
            (Some(_), None) => error(
                &["tls", "cert_file"],
                format!("`tls.cert_file` of cluster `{name}` needs `tls.key_file` (the client certificate's private key)"),
            ),
            (None, Some(_)) => error(
                &["tls", "key_file"],
                format!("`tls.key_file` of cluster `{name}` needs `tls.cert_file` (the client certificate)"),
            ),
            _ => {}
        }
        if tls.key_password_env.is_some() && tls.key_password_file.is_some() {
            error(
                &["tls", "key_password_file"],
                format!("`tls.key_password_env` and `tls.key_password_file` of cluster `{name}` both name the key's password: keep one"),
            );
        }
        if tls.key_file.is_none() {
            for key in ["key_password_env", "key_password_file"] {
                let given = match key {
                    "key_password_env" => tls.key_password_env.is_some(),
                    _ => tls.key_password_file.is_some(),
                };
                if given {
                    error(
                        &["tls", key],
                        format!("`tls.{key}` of cluster `{name}` is for `tls.key_file`, which is not given"),
                    );
                }
            }
        }
    }
    if let Some((mechanism, credentials)) = cluster.auth.as_ref().and_then(AuthSettings::sasl) {
        if credentials
            .username
            .as_deref()
            .is_none_or(|u| u.trim().is_empty())
        {
            error(
                &["auth", "mechanism"],
                format!("`auth` of cluster `{name}` ({mechanism}) needs `username`"),
            );
        }
        match (&credentials.password_env, &credentials.password_file) {
            (None, None) => error(
                &["auth", "mechanism"],
                format!("`auth` of cluster `{name}` ({mechanism}) needs the password's source: `password_env: VAR` (an environment variable) or `password_file: FILE`, never the password itself"),
            ),
            (Some(_), Some(_)) => error(
                &["auth", "password_file"],
                format!("`auth.password_env` and `auth.password_file` of cluster `{name}` both name the password: keep one"),
            ),
            _ => {}
        }
    }
    if let Some(AuthSettings::Oauthbearer(o)) = &cluster.auth {
        if o.token_file.is_none() {
            error(
                &["auth", "mechanism"],
                format!("`auth` of cluster `{name}` (OAUTHBEARER) needs `token_file: FILE`, the file holding the token"),
            );
        }
    }
    if let Some(AuthSettings::MskIam(m)) = &cluster.auth {
        let valid = m.region.as_deref().is_some_and(|r| {
            !r.is_empty()
                && r.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        });
        if !valid {
            error(
                &["auth", "mechanism"],
                format!("`auth` of cluster `{name}` (MSK IAM) needs the cluster's AWS `region`, like `region: eu-west-1`"),
            );
        }
    }
    if cluster.tls.is_some() || cluster.auth.is_some() {
        for (section, keys) in [
            ("properties", cluster.properties.keys()),
            ("secret_properties", cluster.secret_properties.keys()),
        ] {
            for key in keys {
                let lower = key.trim().to_ascii_lowercase();
                let Some((_, by)) = TYPED_PROPERTIES.iter().find(|(k, _)| *k == lower) else {
                    continue;
                };
                error(
                    &[section, key],
                    format!("`{key}` in `{section}` of cluster `{name}` is set by `{by}`: remove it here (`-X {key}=...` still overrides for one run)"),
                );
            }
        }
    }
    problems
}

impl SettingsFile {
    pub fn cluster(&self, name: &str, file: &Path) -> Result<&ClusterSettings, SettingsFileError> {
        self.clusters
            .get(name)
            .ok_or_else(|| SettingsFileError::UnknownCluster {
                name: name.to_string(),
                file: file.to_path_buf(),
                known: self.clusters.keys().map(|k| format!("`{k}`")).collect(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_file_parses() {
        let f = parse(
            Path::new("topicgate.yaml"),
            "clusters:\n  msk:\n    bootstrap_servers: b-1:9092\n    broker_defaults: {partitions: 1, replication_factor: 3}\nignore: ['^tmp\\.']\n",
        )
        .unwrap();
        let msk = f.cluster("msk", Path::new("topicgate.yaml")).unwrap();
        assert_eq!(msk.broker_defaults.partitions, Some(1));
        assert_eq!(msk.bootstrap_servers.as_deref(), Some("b-1:9092"));
        assert_eq!(f.ignore, vec!["^tmp\\."]);
        let err = f
            .cluster("prod", Path::new("topicgate.yaml"))
            .unwrap_err()
            .to_string();
        assert_eq!(err, "no cluster `prod` in `topicgate.yaml` (it has `msk`)");
    }

    // Regression: serde's Rust words reached the user (`expected struct LimitRule`, `expected i16`).
    #[test]
    fn type_mistakes_are_said_without_rust_type_names() {
        for (text, expect) in [
            (
                "policies:\n  min_partitions: 3\n",
                "`policies.min_partitions` must be a mapping, got the whole number `3` (t.yaml:2:19)",
            ),
            (
                "clusters:\n  a:\n    broker_defaults: {replication_factor: 99999}\n",
                "`clusters.a.broker_defaults.replication_factor` must be a whole number from -32768 to 32767, got `99999`",
            ),
            (
                "ignore: tmp\n",
                "`ignore` must be a list, got the string \"tmp\"",
            ),
            (
                "policies:\n  retention: [1h]\n",
                "`policies.retention` must be a mapping, got a list",
            ),
        ] {
            let err = parse(Path::new("t.yaml"), text).unwrap_err().to_string();
            assert!(err.contains(expect), "{text:?}: {err}");
            for rust in ["struct", "i16", "i64", "u32", "invalid type", "sequence"] {
                assert!(!err.contains(rust), "{text:?}: {err}");
            }
        }
    }

    #[test]
    fn a_cluster_defined_twice_and_any_repeated_key_are_errors() {
        // Regression: a cluster defined twice was accepted and the last definition won.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("topicgate.yaml");
        std::fs::write(
            &path,
            "clusters:\n  prod:\n    bootstrap_servers: a:9092\n  prod:\n    bootstrap_servers: b:9092\n    properties:\n      client.id: x\n      client.id: y\n",
        )
        .unwrap();
        let err = load(Some(&path)).unwrap_err().to_string();
        assert!(
            err.contains("cluster `prod` is defined twice (first at line 2); keep one definition"),
            "{err}"
        );
        assert!(err.contains("topicgate.yaml:4:3)"), "{err}");
        assert!(
            err.contains("`client.id` appears twice (first at line 7); keep one"),
            "{err}"
        );
        assert!(err.contains("topicgate.yaml:8:7)"), "{err}");
    }

    #[test]
    fn every_problem_of_the_clusters_is_reported_at_once() {
        // Regression: parsing stopped at the first bad cluster, so a second mistake (and the
        // policies' problems) came to light only after the first was fixed.
        let text = "clusters:\n  a:\n    bootstrap_servers: 'no port'\n  b:\n    properties: {sasl.password: x}\n  c:\n    properties: {bootstrap.servers: h:1}\n    broker_defaults: {partitions: 0}\n";
        let err = from_text(PathBuf::from("t.yaml"), text)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("4 problems in `t.yaml`:"), "{err}");
        assert!(
            err.contains("`bootstrap_servers` of cluster `a`: "),
            "{err}"
        );
        assert!(err.contains("(t.yaml:3:5)"), "{err}");
        assert!(err.contains("`sasl.password` is a secret"), "{err}");
        assert!(err.contains("(t.yaml:5:18)"), "{err}");
        assert!(
            err.contains("`bootstrap.servers` is not accepted in `properties`"),
            "{err}"
        );
        assert!(
            err.contains("`broker_defaults.partitions` of cluster `c` must be at least 1"),
            "{err}"
        );
    }

    #[test]
    fn mistakes_name_file_and_line() {
        let err = parse(
            Path::new("topicgate.yaml"),
            "clusters:\n  msk:\n    broker_defaults:\n      partitons: 1\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("unknown field `partitons`"), "{err}");
        assert!(err.contains("(topicgate.yaml:4:"), "{err}");
        let err = parse(Path::new("t.yaml"), "ignore: [\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("(t.yaml:"), "{err}");
    }

    #[test]
    fn every_mistake_of_tls_and_auth_is_reported_with_its_line() {
        let text = "clusters:
  a:
    tls:
      cert_file: c.pem
      key_password_env: KEY_PW
    auth:
      mechanism: scram-sha-512
    properties:
      sasl.mechanism: PLAIN
  b:
    tls: {key_file: k.pem}
    auth: {mechanism: plain, username: u, password_env: P, password_file: p.txt}
";
        let err = from_text(PathBuf::from("t.yaml"), text)
            .unwrap_err()
            .to_string();
        for (expect, at) in [
            ("`tls.cert_file` of cluster `a` needs `tls.key_file`", "(t.yaml:4:7)"),
            ("`tls.key_password_env` of cluster `a` is for `tls.key_file`, which is not given", "(t.yaml:5:7)"),
            ("`auth` of cluster `a` (SCRAM-SHA-512) needs `username`", "(t.yaml:7:7)"),
            ("`auth` of cluster `a` (SCRAM-SHA-512) needs the password's source", "(t.yaml:7:7)"),
            ("`sasl.mechanism` in `properties` of cluster `a` is set by `auth:`", "(t.yaml:9:7)"),
            ("`tls.key_file` of cluster `b` needs `tls.cert_file`", "(t.yaml:11:11)"),
            ("`auth.password_env` and `auth.password_file` of cluster `b` both name the password", "(t.yaml:12:"),
        ] {
            let line = err
                .lines()
                .find(|l| l.contains(expect))
                .unwrap_or_else(|| panic!("{expect}: {err}"));
            assert!(line.contains(at), "{at}: {line}");
        }
        assert!(err.starts_with("7 problems in `t.yaml`:"), "{err}");
    }

    #[test]
    fn a_password_in_the_file_and_an_unknown_mechanism_are_refused() {
        let err = parse(
            Path::new("t.yaml"),
            "clusters:\n  a:\n    auth: {mechanism: plain, username: u, password: hunter2}\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("unknown field `password`, expected one of `username`, `password_env`, `password_file`"), "{err}");
        let err = parse(
            Path::new("t.yaml"),
            "clusters:\n  a:\n    auth: {mechanism: scram-sha-1}\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("unknown variant `scram-sha-1`, expected one of `none`, `plain`, `scram-sha-256`, `scram-sha-512`"), "{err}");
        assert!(err.contains("(t.yaml:3:"), "{err}");
    }
}
