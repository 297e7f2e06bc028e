//! The `kbingest` binary: parses the command line, dispatches, and turns an error into a message
//! and an exit status (0 success, 1 bad input or database, 2 bad usage).

use clap::Parser;
use kbingest::cmd::{Cli, messages, run};
use kbingest::error::Error;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Error::BrokenPipe) => ExitCode::SUCCESS,
        Err(e) => {
            messages::say_error(&e.to_string());
            ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(1))
        }
    }
}
