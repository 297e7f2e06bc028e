//! `kbingest man`: the man pages, in roff, from the same definitions as `--help`.

use super::Cli;
use crate::error::{Error, Result};
use clap::CommandFactory;
use std::io::Write;

/// Arguments of `kbingest man`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Write kbingest.1 and a page per subcommand (kbingest-query.1, ...) into this folder
    /// (created if missing) instead of printing kbingest.1 on standard output.
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<String>,
}

/// Prints the man page (`kbingest man > kbingest.1`), or writes every page into a folder.
pub fn run(args: Args) -> Result<()> {
    if let Some(dir) = args.output_dir {
        std::fs::create_dir_all(&dir).map_err(Error::io("create the output folder", &dir))?;
        return clap_mangen::generate_to(Cli::command(), &dir).map_err(Error::io("write the man pages", &dir));
    }
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut page).map_err(Error::io("write output", "-"))?;
    std::io::stdout().write_all(&page).map_err(Error::io("write output", "-"))
}
