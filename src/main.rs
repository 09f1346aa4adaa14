//! The `topicgate` binary: parse arguments, run the command, map the outcome to an exit code
//! (0 success, 1 findings or pending changes, 2 error).

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use topicgate::arguments::Arguments;
use topicgate::command::{self, Io, Outcome};
use topicgate::config::Config;
use topicgate::render::Palette;

fn main() -> ExitCode {
    let args = Arguments::parse();
    init_logging(args.verbose);
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let err_palette = Palette {
        color: stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let result = Config::from_arguments(args)
        .map_err(anyhow::Error::from)
        .and_then(|config| {
            let palette = config.palette;
            let mut out = stdout.lock();
            // N.B. not `stderr.lock()`: log lines from other threads (librdkafka's) write to stderr
            // too, and would block on a lock held for the whole command (a deadlock with -v).
            let mut err = std::io::stderr();
            let mut io = Io {
                out: &mut out,
                err: &mut err,
                palette,
                err_palette,
            };
            let outcome = command::run(config, &mut io);
            io.out.flush()?;
            outcome
        });
    match result {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Fail) => ExitCode::from(1),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "{} {e:#}", err_palette.bad("error:"));
            ExitCode::from(2)
        }
    }
}

/// `topicgate plan | head` is not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn init_logging(verbose: u8) {
    let level = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    env_logger::Builder::from_env(env_logger::Env::new().filter_or("TOPICGATE_LOG", level))
        .format_timestamp(None)
        .init();
}
