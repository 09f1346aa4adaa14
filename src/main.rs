//! The `topicgate` binary: everything it does is `topicgate::run::run` (src/run.rs).

fn main() -> std::process::ExitCode {
    topicgate::run::run(std::env::args_os())
}
