//! `kbingest help [COMMAND]`: the help of kbingest or of one subcommand, as `--help` prints it.

use super::Cli;
use crate::error::{Error, Result};
use clap::CommandFactory;
use std::io::Write;

/// Arguments of `kbingest help`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The subcommand to explain; without one, kbingest's own help.
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

/// Prints the help asked for on standard output.
pub fn run(args: Args) -> Result<()> {
    let mut cli = Cli::command();
    let help = match args.command.as_deref() {
        None => cli.render_long_help(),
        Some(name) => {
            let names: Vec<String> = cli.get_subcommands().map(|c| c.get_name().to_string()).collect();
            match cli.find_subcommand_mut(name) {
                Some(sub) => {
                    sub.set_bin_name(format!("kbingest {name}"));
                    sub.render_long_help()
                }
                None => {
                    return Err(Error::Usage(format!(
                        "there is no command `{name}`; the commands are {}",
                        names.join(", ")
                    )));
                }
            }
        }
    };
    write!(std::io::stdout(), "{help}").map_err(Error::io("write output", "-"))
}
