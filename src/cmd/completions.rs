//! `kbingest completions SHELL`: a completion script for bash, zsh, fish, elvish or PowerShell.

use crate::error::{Error, Result};
use std::io::Write;

/// Arguments of `kbingest completions`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The shell to complete in.
    #[arg(value_name = "SHELL", value_enum)]
    pub shell: clap_complete::Shell,
}

/// Prints the script on standard output.
pub fn run(args: Args) -> Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut super::command(), "kbingest", &mut script);
    std::io::stdout().write_all(&script).map_err(Error::io("write output", "-"))
}
