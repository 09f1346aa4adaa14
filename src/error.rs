//! The two ways a command ends: it did its job (`Outcome`: exit 0, or 1 when what it found fails
//! the gate), or it could not (`Error`: exit 2). One `Error` variant per cause, each with the
//! message the user sees; the causes that come from a lower layer (settings, the cluster, a
//! snapshot, apply's refusal) keep their own text and source chain (`transparent`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use crate::apply::Refusal;
use crate::cluster::snapshot::SnapshotError;
use crate::cluster::ClusterError;
use crate::settings::SettingsError;

/// What a command that ran to the end found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing that fails the gate: exit 0.
    Success,
    /// Findings, invalid specs (validate), pending changes with `--exit-code`: exit 1.
    Fail,
}

impl Outcome {
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Success => ExitCode::SUCCESS,
            Outcome::Fail => ExitCode::from(1),
        }
    }
}

/// A command could not do its job: exit 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// Invalid specs, in a command that needs them (the diagnostics went to stderr).
    #[error("{0} error(s) in the specs; nothing was changed on the cluster")]
    Specs(usize),
    /// `validate`: a path that could not be read (its diagnostic went to stderr).
    #[error("some spec paths could not be read")]
    SpecPathsUnreadable,
    #[error(
        "{0} policy error(s) in the specs (topicgate.yaml); nothing was changed on the cluster"
    )]
    PolicyErrors(usize),
    #[error("cannot read the plan `{}`", .file.display())]
    ReadPlan {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{}` is not a JSON plan", .file.display())]
    PlanNotJson {
        file: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("`{}` is not a saved plan: {why}", .file.display())]
    NotAPlan { file: PathBuf, why: String },
    #[error("`{}` is not a valid plan: {message}", .file.display())]
    InvalidPlan { file: PathBuf, message: String },
    /// A saved plan that fails validation (its diagnostics went to stderr).
    #[error("{problems} problem(s) in the saved plan `{}`; nothing was sent to the cluster", .file.display())]
    SavedPlan { file: PathBuf, problems: usize },
    #[error("the cluster no longer matches the saved plan; nothing was applied. Changes since the plan was made:\n{}\nRun `topicgate plan` again.", list(.0))]
    PlanDrift(Vec<String>),
    #[error("the broker ignored validate_only and changed the cluster during the dry run:\n{}\nDo not use `--broker-validate` with this broker.", list(.0))]
    ValidateOnlyIgnored(Vec<String>),
    #[error("refusing to write the plan to `{}`: it {why}; nothing was written (choose a file outside the spec directories, named for example `plan.json`)", .file.display())]
    PlanFileRefused { file: PathBuf, why: String },
    #[error("cannot write the plan to `{}`", .file.display())]
    WritePlan {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write `{}`", .path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot create `{}`", .path.display())]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// `export` without `--force`: the files, each in backticks.
    #[error("refusing to overwrite {} existing file(s): {}; nothing was written (pass `--force` to overwrite, or `--out DIR` elsewhere)", .0.len(), .0.join(", "))]
    WouldOverwrite(Vec<String>),
    /// `export`: topics other spec files of the directory declare already.
    #[error("{}; exporting it again would declare it twice: nothing was written (leave it out with `--exclude REGEX`, or export to another directory)", .0.join("; "))]
    DeclaredTwice(Vec<String>),
    #[error(transparent)]
    Cluster(#[from] ClusterError),
    /// `gate --wait`: the cluster never answered. (The cluster's error is part of the message,
    /// not a source: it is said once.)
    #[error("the cluster did not answer within the `--wait` of {}: {last}", humantime::format_duration(*.wait))]
    NoAnswer { wait: Duration, last: ClusterError },
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    #[error(transparent)]
    Refusal(#[from] Refusal),
    /// Some changes of the plan failed or have an unknown outcome (the report says which).
    #[error("{}", apply_failed(*.failed, *.unknown))]
    ApplyFailed { failed: usize, unknown: usize },
    #[error("refusing to apply without confirmation: stdin is not a terminal; pass `--yes` to apply non-interactively")]
    NoTerminal,
    #[error("apply cancelled; nothing was changed")]
    Cancelled,
    /// Writing the output (stdout, stderr) or reading the confirmation failed. (A reader that
    /// went away is not an error: `stream::Stream`.)
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// A document could not be serialised (or written while serialising).
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

impl From<crate::cluster::connect::ConnectError> for Error {
    fn from(e: crate::cluster::connect::ConnectError) -> Self {
        use crate::cluster::connect::ConnectError;
        match e {
            ConnectError::Cluster(e) => Error::Cluster(e),
            ConnectError::Snapshot(e) => Error::Snapshot(e),
        }
    }
}

impl Error {
    /// Every error is exit 2: the command could not do its job.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(2)
    }
}

/// One `  - item` line per item.
fn list(items: &[String]) -> String {
    let lines: Vec<String> = items.iter().map(|d| format!("  - {d}")).collect();
    lines.join("\n")
}

fn apply_failed(failed: usize, unknown: usize) -> String {
    match (failed, unknown) {
        (failed, 0) => format!("{failed} of the planned change(s) failed (see above)"),
        (0, unknown) => format!("{unknown} of the planned change(s) have an unknown outcome (see above); run `topicgate apply` again once the cluster answers: it makes only what is left"),
        (failed, unknown) => format!("{failed} of the planned change(s) failed and {unknown} have an unknown outcome (see above); fix the cause and run `topicgate apply` again: it makes only what is left"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text as `run` prints it: the message and its causes.
    fn shown(e: Error) -> String {
        format!("{:#}", anyhow::Error::from(e))
    }

    // The messages are the ones the `anyhow::bail!`s said before this enum existed (issue 10):
    // scripts and people match on them.
    #[test]
    fn messages_are_the_ones_users_know() {
        let file = || PathBuf::from("p.json");
        for (e, text) in [
            (Error::Specs(2), "2 error(s) in the specs; nothing was changed on the cluster"),
            (Error::PolicyErrors(1), "1 policy error(s) in the specs (topicgate.yaml); nothing was changed on the cluster"),
            (Error::SpecPathsUnreadable, "some spec paths could not be read"),
            (
                Error::SavedPlan { file: file(), problems: 3 },
                "3 problem(s) in the saved plan `p.json`; nothing was sent to the cluster",
            ),
            (
                Error::PlanDrift(vec!["a".into(), "b".into()]),
                "the cluster no longer matches the saved plan; nothing was applied. Changes since the plan was made:\n  - a\n  - b\nRun `topicgate plan` again.",
            ),
            (
                Error::ValidateOnlyIgnored(vec!["a".into()]),
                "the broker ignored validate_only and changed the cluster during the dry run:\n  - a\nDo not use `--broker-validate` with this broker.",
            ),
            (
                Error::ApplyFailed { failed: 2, unknown: 0 },
                "2 of the planned change(s) failed (see above)",
            ),
            (
                Error::ApplyFailed { failed: 0, unknown: 1 },
                "1 of the planned change(s) have an unknown outcome (see above); run `topicgate apply` again once the cluster answers: it makes only what is left",
            ),
            (
                Error::ApplyFailed { failed: 1, unknown: 1 },
                "1 of the planned change(s) failed and 1 have an unknown outcome (see above); fix the cause and run `topicgate apply` again: it makes only what is left",
            ),
            (
                Error::ReadPlan {
                    file: file(),
                    source: std::io::Error::new(std::io::ErrorKind::NotFound, "gone"),
                },
                "cannot read the plan `p.json`: gone",
            ),
            (
                Error::WouldOverwrite(vec!["`a`".into(), "`b`".into()]),
                "refusing to overwrite 2 existing file(s): `a`, `b`; nothing was written (pass `--force` to overwrite, or `--out DIR` elsewhere)",
            ),
            (
                Error::NoAnswer {
                    wait: Duration::from_secs(90),
                    last: ClusterError::Unreachable {
                        bootstrap: "h:1".into(),
                        timeout: Duration::from_secs(1),
                        detail: "down".into(),
                    },
                },
                "the cluster did not answer within the `--wait` of 1m 30s: cannot reach the Kafka cluster at `h:1` within 1s: down",
            ),
        ] {
            assert_eq!(shown(e), text);
        }
    }

    #[test]
    fn exit_codes() {
        assert_eq!(Outcome::Success.exit_code(), ExitCode::SUCCESS);
        assert_eq!(Outcome::Fail.exit_code(), ExitCode::from(1));
        assert_eq!(Error::Cancelled.exit_code(), ExitCode::from(2));
    }
}
