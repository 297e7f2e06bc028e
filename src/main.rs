//! The `kbingest` binary: parses the command line, dispatches, and turns an error into a message
//! and an exit status (0 success, 1 bad input or database, 2 bad usage).

use clap::CommandFactory;
use kbingest::cmd::{Cli, entry, help_hint, messages, run};
use kbingest::error::Error;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.len() == 1 {
        // `kbingest` alone: what it can do, rather than a missing argument.
        let _ = kbingest::cmd::command().write_long_help(&mut std::io::stderr());
        return ExitCode::from(2);
    }
    if let Some(message) = args.get(1).and_then(|first| first.to_str()).and_then(entry::mistyped_command) {
        messages::say_error(&message);
        return ExitCode::from(2);
    }
    let cli = match kbingest::cmd::parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    let subcommand = cli.command.as_ref().map(|c| c.name());
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Error::BrokenPipe) => ExitCode::SUCCESS,
        Err(e) => {
            messages::say_error(&e.to_string());
            if matches!(e, Error::Usage(_)) {
                // Not eprintln!: it panics when standard error is a closed pipe.
                let _ = writeln!(std::io::stderr(), "{}", help_hint(subcommand));
            }
            ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(1))
        }
    }
}

/// Prints clap's message for a bad command line (or the help or version asked for). A usage
/// error points to the help of the subcommand it is about, not to kbingest's own.
fn usage_error(e: &clap::Error) -> ExitCode {
    if !e.use_stderr() {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let subcommand = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .filter(|a| Cli::command().get_subcommands().any(|c| c.get_name() == a));
    let text = e.render().to_string();
    let text = match &subcommand {
        Some(name) => text.replace("try '--help'", &format!("try 'kbingest {name} --help'")),
        None => text.replace("try '--help'", "try 'kbingest --help'"),
    };
    let _ = std::io::stderr().write_all(text.as_bytes());
    ExitCode::from(2)
}
