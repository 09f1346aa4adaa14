//! The commands: each runs the pipeline stages it needs and hands results to the renderers.
//! `run` returns the outcome (exit 0 or 1) or the error (exit 2) that `run.rs` maps to an exit
//! code.

mod apply;
mod check;
mod export;
mod gate;
mod plan;
mod schema;
mod snapshot;
pub(crate) mod validate;

use std::io::Write;
use std::path::PathBuf;

use crate::cluster::connect::Connector;
use crate::cluster::ClusterReader;
use crate::error::Error;
pub use crate::error::Outcome;
use crate::load::{load, Loaded};
use crate::model::topic_spec::SpecSet;
use crate::policy::CompiledPolicies;
use crate::render::{self, Palette};
use crate::settings::{ClusterSource, CommandSettings, Settings};

/// Output streams: results go to `out`, logs, progress and prompts to `err`.
pub struct Io<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    pub palette: Palette,
    /// Colour for `err` (decided separately from stdout).
    pub err_palette: Palette,
}

/// What every command runs with besides its own settings: where to write, how to open a
/// cluster, and the policies of topicgate.yaml.
pub struct Context<'a> {
    pub io: Io<'a>,
    /// Opens clusters: commands never build an adapter themselves.
    pub connector: &'a dyn Connector,
    /// Organisation policies from topicgate.yaml (empty without one).
    pub policies: CompiledPolicies,
}

/// Runs the command `settings` name, writing to `io` and opening clusters with `connector`.
pub fn run<'a>(
    settings: Settings,
    io: Io<'a>,
    connector: &'a dyn Connector,
) -> Result<Outcome, Error> {
    let mut cx = Context {
        io,
        connector,
        policies: settings.policies,
    };
    match &settings.command {
        CommandSettings::Validate(s) => validate::run(s, &mut cx),
        CommandSettings::Plan(s) => plan::run(s, &mut cx),
        CommandSettings::Apply(s) => apply::run(s, &mut cx),
        CommandSettings::Check(s) => check::run(s, &mut cx),
        CommandSettings::Gate(s) => gate::run(s, &mut cx),
        CommandSettings::Snapshot(s) => snapshot::run(s, &mut cx),
        CommandSettings::Schema(kind) => schema::run(*kind, &mut cx),
        CommandSettings::Export(s) => export::run(s, &mut cx),
    }
}

/// Reports a spec load: diagnostics go to stderr, and invalid specs are an error.
fn report_specs(
    loaded: Result<Loaded, crate::load::LoadError>,
    io: &mut Io,
) -> Result<SpecSet, Error> {
    match loaded {
        Ok(Loaded { specs, warnings }) => {
            log_loaded(&specs);
            render::diagnostics::render_text(&warnings, io.err, io.err_palette)?;
            Ok(specs)
        }
        Err(e) => {
            render::diagnostics::render_text(&e.diagnostics, io.err, io.err_palette)?;
            Err(Error::Specs(render::diagnostics::errors(&e.diagnostics)))
        }
    }
}

/// Holds specs to the policies, for commands that change the cluster: findings go to stderr,
/// and a policy error stops the command before anything is changed.
fn govern(specs: SpecSet, policies: &CompiledPolicies, io: &mut Io) -> Result<SpecSet, Error> {
    let findings = policies.evaluate_specs(&specs);
    render::findings::render_lines(&findings, io.err, io.err_palette, true)?;
    let errors = findings
        .iter()
        .filter(|f| f.severity == crate::model::diagnostic::Severity::Error)
        .count();
    if errors > 0 {
        return Err(Error::PolicyErrors(errors));
    }
    Ok(specs)
}

/// Loads the specs on another thread while the cluster is described: the two are independent,
/// and on a big cluster the describe is mostly waiting for the broker. Spec problems are reported
/// first, whatever the cluster answered; describing changes nothing. `policies` are applied for
/// commands that change the cluster (plan, apply).
fn load_and_describe(
    paths: &[PathBuf],
    policies: Option<&CompiledPolicies>,
    cluster: &dyn ClusterReader,
    io: &mut Io,
) -> Result<(SpecSet, crate::model::cluster_state::ClusterState), Error> {
    let (specs, state) = load_and_try_describe(paths, policies, cluster, io)?;
    Ok((specs, state?))
}

/// `load_and_describe`, leaving what the cluster answered to the caller (`gate --wait` waits
/// out a cluster that does not answer yet).
fn load_and_try_describe(
    paths: &[PathBuf],
    policies: Option<&CompiledPolicies>,
    cluster: &dyn ClusterReader,
    io: &mut Io,
) -> Result<
    (
        SpecSet,
        Result<crate::model::cluster_state::ClusterState, crate::cluster::ClusterError>,
    ),
    Error,
> {
    let (loaded, state) = std::thread::scope(|scope| {
        let loading = scope.spawn(|| load(paths));
        let state = describe(cluster);
        (loading.join().expect("spec loading thread"), state)
    });
    let specs = report_specs(loaded, io)?;
    let specs = match policies {
        Some(p) => govern(specs, p, io)?,
        None => specs,
    };
    Ok((specs, state))
}

/// Says on stderr (`-v`, `-vv`) what was loaded: how many topics from how many files, and per
/// file. Names and counts only.
pub(crate) fn log_loaded(specs: &SpecSet) {
    log::info!(
        "loaded {} topic(s) from {} spec file(s)",
        specs.topics.len(),
        specs.files.len()
    );
    if log::log_enabled!(log::Level::Debug) {
        let mut per_file: std::collections::BTreeMap<&std::path::Path, (usize, usize)> =
            specs.files.iter().map(|f| (f.as_path(), (0, 0))).collect();
        for spec in specs.topics.values() {
            let counts = per_file.entry(spec.origin.file.as_path()).or_default();
            if spec.delete {
                counts.1 += 1;
            } else {
                counts.0 += 1;
            }
        }
        for (file, (topics, deletes)) in per_file {
            log::debug!(
                "{}: {topics} topic(s), {deletes} marked for deletion",
                file.display()
            );
        }
    }
}

/// Says on stderr (`-v`) what the plan amounts to.
pub(crate) fn log_plan(plan: &crate::model::plan::Plan) {
    let s = &plan.summary;
    log::info!(
        "plan: {} to create, {} to update, {} to delete, {} blocked, {} unchanged",
        s.create,
        s.update,
        s.delete,
        s.blocked,
        s.unchanged
    );
}

/// Describes the cluster, saying on stderr (`-v`, `-vv`) what was found and how long it took.
pub(crate) fn describe(
    cluster: &dyn ClusterReader,
) -> Result<crate::model::cluster_state::ClusterState, crate::cluster::ClusterError> {
    let start = std::time::Instant::now();
    let state = cluster.describe();
    match &state {
        Ok(s) => {
            log::info!(
                "described `{}` (cluster id {}): {} broker(s), {} topic(s) in {} ms",
                s.source,
                s.cluster_id
                    .as_deref()
                    .map_or("unknown".into(), |id| format!("`{id}`")),
                s.brokers.len(),
                s.topics.len(),
                start.elapsed().as_millis()
            );
            let d = &s.broker_defaults;
            log::debug!(
                "broker defaults reported by the cluster: num.partitions {}, default.replication.factor {}, auto.create.topics.enable {}",
                d.num_partitions.map_or("unknown".into(), |v| v.to_string()),
                d.default_replication_factor.map_or("unknown".into(), |v| v.to_string()),
                d.auto_create_topics_enable.map_or("unknown".into(), |v| v.to_string()),
            );
            let unreadable = s
                .topics
                .values()
                .filter(|t| t.configs_error.is_some())
                .count();
            if unreadable > 0 {
                log::debug!("{unreadable} topic(s) whose configs the broker did not return");
            }
        }
        Err(e) => log::debug!(
            "describing the cluster failed after {} ms: {e}",
            start.elapsed().as_millis()
        ),
    }
    state
}

/// Opens the cluster a read-only command works on through the connector: live, or a snapshot
/// (said on stderr, with its age).
fn open<'c>(
    connector: &'c dyn Connector,
    source: &ClusterSource,
    io: &mut Io,
) -> Result<Box<dyn ClusterReader + 'c>, Error> {
    let reader = connector.reader(source)?;
    if let Some(snapshot) = &reader.snapshot {
        render::notes::working_from_snapshot(snapshot, io.err, io.err_palette)?;
    }
    Ok(reader.cluster)
}

/// Hands a described cluster's state to the end of the process instead of freeing it: a
/// command reads the cluster once and exits soon after, and on Kafka the state holds about 40
/// config entries per topic (400,000 at 10,000 topics), which freeing one by one costs about 7%
/// of `plan`'s CPU time there (perf). Only for a state read once per command, never in a loop.
pub(crate) fn leave_to_exit(state: crate::model::cluster_state::ClusterState) {
    std::mem::forget(state);
}

/// Runs commands over a `MemoryCluster` (the command's connector), rendering into buffers: the
/// command-level tests of each `command/*.rs`, without a broker.
#[cfg(test)]
pub(crate) mod testing {
    use super::{Context, Io, Outcome};
    use crate::cluster::memory::MemoryCluster;
    use crate::error::Error;
    use crate::model::connection::Connection;
    use crate::policy::CompiledPolicies;
    use crate::render::Palette;
    use crate::settings::{ClusterSource, RuleSettings};

    /// What a command did: its result and what it printed.
    pub(crate) struct Ran {
        pub result: Result<Outcome, Error>,
        pub out: String,
        pub err: String,
    }

    impl Ran {
        /// The outcome; panics (showing the output) on an error.
        pub(crate) fn outcome(&self) -> Outcome {
            match &self.result {
                Ok(o) => *o,
                Err(e) => panic!("error: {e}\nstdout:\n{}\nstderr:\n{}", self.out, self.err),
            }
        }
    }

    /// Runs `command` with `cluster` as its connector, without colour.
    pub(crate) fn run(
        cluster: &MemoryCluster,
        command: impl FnOnce(&mut Context) -> Result<Outcome, Error>,
    ) -> Ran {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let result = {
            let mut cx = Context {
                io: Io {
                    out: &mut out,
                    err: &mut err,
                    palette: Palette { color: false },
                    err_palette: Palette { color: false },
                },
                connector: cluster,
                policies: CompiledPolicies::default(),
            };
            command(&mut cx)
        };
        Ran {
            result,
            out: String::from_utf8(out).unwrap(),
            err: String::from_utf8(err).unwrap(),
        }
    }

    /// A spec directory holding `topics.yaml` with `text`.
    pub(crate) fn spec_dir(text: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("topics.yaml"), text).unwrap();
        dir
    }

    /// A live connection (the memory connector serves its cluster for it).
    pub(crate) fn connection() -> Connection {
        Connection {
            bootstrap_servers: "memory:9092".into(),
            properties: Vec::new(),
            timeout: std::time::Duration::from_secs(5),
            token_source: None,
        }
    }

    pub(crate) fn live() -> ClusterSource {
        ClusterSource::Live(connection())
    }

    /// No broker defaults given, nothing ignored, no policies.
    pub(crate) fn rules() -> RuleSettings {
        RuleSettings {
            flag_defaults: Default::default(),
            file_defaults: Default::default(),
            filter: Default::default(),
            policies: CompiledPolicies::default(),
        }
    }

    /// Whether `text` has a line that is exactly `line`.
    pub(crate) fn has_line(text: &str, line: &str) -> bool {
        text.lines().any(|l| l == line)
    }
}
