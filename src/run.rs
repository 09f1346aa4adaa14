//! The pipeline of the binary: parse the arguments → decide colour → resolve the settings →
//! run the command → an exit code (0 success, 1 findings or pending changes, 2 error).
//! `main.rs` only calls `run`.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use crate::cluster::connect::LiveConnector;
use crate::command::{self, Io};
use crate::error::Error;
use crate::render::Palette;
use crate::settings::arguments::{Arguments, ColorChoice};
use crate::settings::Settings;
use crate::stream::Stream;

/// Runs `topicgate` with `args` (the program name first) and says how it ended.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let args: Vec<OsString> = args.into_iter().collect();
    let args = parse(&args);
    // Colour is decided here, once, for both streams (and the log lines on stderr).
    let palette = Palette::decide(args.color, std::io::stdout().is_terminal());
    let err_palette = Palette::decide(args.color, std::io::stderr().is_terminal());
    let result = Settings::from_arguments(args)
        .map_err(Error::from)
        .and_then(|settings| {
            init_logging(&settings.log, err_palette);
            // A reader that goes away (`| head -1`) makes output vanish, not the outcome: the
            // command runs to its end and its exit code is what it found or did.
            let mut out = Stream::new(std::io::stdout().lock(), "stdout");
            // N.B. not `stderr.lock()`: log lines from other threads (librdkafka's) write to stderr
            // too, and would block on a lock held for the whole command (a deadlock with -v).
            let mut err = Stream::new(std::io::stderr(), "stderr");
            let io = Io {
                out: &mut out,
                err: &mut err,
                palette,
                err_palette,
            };
            let outcome = command::run(settings, io, &LiveConnector);
            out.flush()?;
            outcome
        });
    match result {
        Ok(outcome) => outcome.exit_code(),
        Err(e) => {
            let code = e.exit_code();
            // `{:#}`: the message and each cause it carries, on one line.
            let e = anyhow::Error::from(e);
            let _ = writeln!(std::io::stderr(), "{} {e:#}", err_palette.bad("error:"));
            code
        }
    }
}

/// Parses the arguments. clap reports argument errors (and prints help) itself, before
/// `--color` is known: it is told the flag's value first, so its output follows it too.
fn parse(args: &[OsString]) -> Arguments {
    let choice = color_flag(args.iter().skip(1).cloned());
    // N.B. leaked once per process: clap keeps a `&'static str`.
    let long_version: &'static str = Box::leak(
        format!(
            "{}\n{}",
            env!("CARGO_PKG_VERSION"),
            crate::cluster::kafka::client_version()
        )
        .into_boxed_str(),
    );
    let matches = Arguments::command()
        .long_version(long_version)
        .color(match choice {
            ColorChoice::Always => clap::ColorChoice::Always,
            ColorChoice::Never => clap::ColorChoice::Never,
            // clap's own `auto`: a terminal, and not with `NO_COLOR`.
            ColorChoice::Auto => clap::ColorChoice::Auto,
        })
        .get_matches_from(args);
    Arguments::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// The last `--color VALUE` / `--color=VALUE` before a `--` (`auto` without one, or for a value
/// clap will refuse anyway).
fn color_flag(args: impl Iterator<Item = OsString>) -> ColorChoice {
    let mut choice = ColorChoice::Auto;
    let mut args = args.map(|a| a.to_string_lossy().into_owned());
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "--" => break,
            "--color" => args.next(),
            other => other.strip_prefix("--color=").map(str::to_string),
        };
        choice = match value.as_deref() {
            Some("always") => ColorChoice::Always,
            Some("never") => ColorChoice::Never,
            Some("auto") => ColorChoice::Auto,
            _ => choice,
        };
    }
    choice
}

/// Logs to stderr with `filter` (resolved with the settings: `-v`, else `TOPICGATE_LOG`).
fn init_logging(filter: &str, err_palette: Palette) {
    env_logger::Builder::new()
        .parse_filters(filter)
        .format_timestamp(None)
        .write_style(if err_palette.color {
            env_logger::WriteStyle::Always
        } else {
            env_logger::WriteStyle::Never
        })
        .init();
}
