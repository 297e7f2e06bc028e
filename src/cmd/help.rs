//! `kbingest help [COMMAND]`: the help of kbingest or of one subcommand, exactly as `--help`
//! prints it.

use crate::error::{Error, Result};

/// Arguments of `kbingest help`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The subcommand to explain; without one, kbingest's own help.
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

/// Prints the help asked for on standard output.
pub fn run(args: Args) -> Result<()> {
    let cli = super::command();
    let mut argv = vec!["kbingest".to_string()];
    if let Some(name) = args.command {
        if cli.find_subcommand(&name).is_none() {
            let names: Vec<&str> = cli.get_subcommands().map(|c| c.get_name()).collect();
            return Err(Error::Usage(format!("there is no command `{name}`; the commands are {}", names.join(", "))));
        }
        argv.push(name);
    }
    argv.push("--help".into());
    // Asking clap for `--help` gives its help as an "error" to print, styled for the terminal.
    match cli.try_get_matches_from(argv) {
        Err(help) => help.print().map_err(Error::io("write output", "-")),
        Ok(_) => Ok(()),
    }
}
