//! [`Test`]: one run of the built binary, said in one expression, in the manner of casey/just's
//! `tests/test.rs`: the arguments, environment and working directory, then what must come out
//! (exit status, text stdout and stderr must contain, lack or equal). [`Test::run`] runs the
//! binary and asserts all of it, printing both streams when something does not hold, and returns
//! the [`Output`] for checks that need more than text matching.
//!
//! The binary runs as [`crate::support::topicgate`] sets it up (no colour, no inherited cluster
//! settings); [`Test::on`] points it at a broker as [`crate::support::topicgate_on`] does.

use std::ffi::OsStr;
use std::path::Path;

use crate::support::{topicgate, topicgate_on, Broker};

/// What one stream must show.
enum Expect {
    Contains(String),
    Lacks(String),
    Equals(String),
}

/// One run of the binary and what it must show. The expected exit status is 0 unless
/// [`Test::status`] says otherwise.
#[must_use = "a Test does nothing until `run`"]
pub(crate) struct Test {
    command: assert_cmd::Command,
    /// The command line as given, for failure messages.
    line: Vec<String>,
    status: i32,
    stdout: Vec<Expect>,
    stderr: Vec<Expect>,
}

/// What a run printed, after its expectations held.
pub(crate) struct Output {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Test {
    /// The binary without a cluster.
    pub(crate) fn new() -> Test {
        Test::with(topicgate())
    }

    /// The binary pointed at `broker`.
    pub(crate) fn on(broker: &Broker) -> Test {
        Test::with(topicgate_on(broker))
    }

    fn with(command: assert_cmd::Command) -> Test {
        Test {
            command,
            line: vec![],
            status: 0,
            stdout: vec![],
            stderr: vec![],
        }
    }

    pub(crate) fn arg(mut self, arg: impl AsRef<OsStr>) -> Test {
        self.line.push(arg.as_ref().to_string_lossy().into_owned());
        self.command.arg(arg);
        self
    }

    pub(crate) fn args<I, S>(mut self, args: I) -> Test
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        for arg in args {
            self = self.arg(arg);
        }
        self
    }

    pub(crate) fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Test {
        self.command.env(key, value);
        self
    }

    pub(crate) fn env_remove(mut self, key: &str) -> Test {
        self.command.env_remove(key);
        self
    }

    pub(crate) fn current_dir(mut self, dir: impl AsRef<Path>) -> Test {
        self.command.current_dir(dir);
        self
    }

    /// The exit status the run must end with (0 when not given).
    pub(crate) fn status(mut self, code: i32) -> Test {
        self.status = code;
        self
    }

    pub(crate) fn stdout_contains(mut self, text: impl Into<String>) -> Test {
        self.stdout.push(Expect::Contains(text.into()));
        self
    }

    pub(crate) fn stdout_lacks(mut self, text: impl Into<String>) -> Test {
        self.stdout.push(Expect::Lacks(text.into()));
        self
    }

    /// The whole of stdout.
    pub(crate) fn stdout(mut self, text: impl Into<String>) -> Test {
        self.stdout.push(Expect::Equals(text.into()));
        self
    }

    pub(crate) fn stderr_contains(mut self, text: impl Into<String>) -> Test {
        self.stderr.push(Expect::Contains(text.into()));
        self
    }

    pub(crate) fn stderr_lacks(mut self, text: impl Into<String>) -> Test {
        self.stderr.push(Expect::Lacks(text.into()));
        self
    }

    /// The whole of stderr.
    pub(crate) fn stderr(mut self, text: impl Into<String>) -> Test {
        self.stderr.push(Expect::Equals(text.into()));
        self
    }

    /// Runs the binary and asserts every expectation; panics naming the first that fails, with
    /// the command line and both streams.
    #[track_caller]
    pub(crate) fn run(mut self) -> Output {
        let out = self.command.output().expect("the topicgate binary runs");
        let output = Output {
            // A signal is no exit status: -1 never matches an expected code.
            status: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        let fail = |what: String| -> ! {
            panic!(
                "`topicgate {}`: {what}\n--- exit status {}\n--- stdout\n{}\n--- stderr\n{}",
                self.line.join(" "),
                output.status,
                output.stdout,
                output.stderr
            )
        };
        if output.status != self.status {
            fail(format!("expected exit status {}", self.status));
        }
        for (name, text, expects) in [
            ("stdout", &output.stdout, &self.stdout),
            ("stderr", &output.stderr, &self.stderr),
        ] {
            for expect in expects {
                match expect {
                    Expect::Contains(s) if !text.contains(s.as_str()) => {
                        fail(format!("{name} does not contain {s:?}"))
                    }
                    Expect::Lacks(s) if text.contains(s.as_str()) => {
                        fail(format!("{name} contains {s:?}"))
                    }
                    Expect::Equals(s) if text != s => fail(format!("{name} is not {s:?}")),
                    _ => {}
                }
            }
        }
        output
    }
}

/// The builder's own checks: an expectation that does not hold fails the test.
mod checks {
    use super::Test;

    #[test]
    #[should_panic(expected = "expected exit status 2")]
    fn a_wrong_status_fails() {
        Test::new().arg("--version").status(2).run();
    }

    #[test]
    #[should_panic(expected = "stdout does not contain \"no such text\"")]
    fn missing_text_fails() {
        Test::new()
            .arg("--version")
            .stdout_contains("no such text")
            .run();
    }

    #[test]
    #[should_panic(expected = "stdout contains \"topicgate\"")]
    fn unwanted_text_fails() {
        Test::new().arg("--version").stdout_lacks("topicgate").run();
    }

    #[test]
    #[should_panic(expected = "stderr is not \"x\"")]
    fn a_different_stream_fails() {
        Test::new().arg("--version").stderr("x").run();
    }
}
