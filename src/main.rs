//! The `kbingest` binary: parses the command line, dispatches, and turns an error into a message
//! and an exit status (0 success, 1 bad input or database, 2 bad usage).

use clap::Parser;
use kbingest::cmd::{Cli, run};
use kbingest::error::Error;
use std::io::Write;
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
            // Not eprintln!: it panics when standard error is a closed pipe.
            let mut stderr = std::io::stderr().lock();
            for line in e.to_string().lines() {
                let _ = writeln!(stderr, "kbingest: {line}");
            }
            ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(1))
        }
    }
}
