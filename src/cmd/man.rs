//! `kbingest man`: the man page, in roff, from the same definitions as `--help`.

use super::Cli;
use crate::error::{Error, Result};
use clap::CommandFactory;
use std::io::Write;

/// Arguments of `kbingest man` (none).
#[derive(Debug, Clone, clap::Args)]
pub struct Args {}

/// Prints the man page on standard output (`kbingest man > kbingest.1`).
pub fn run(_args: Args) -> Result<()> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut page).map_err(Error::io("write output", "-"))?;
    std::io::stdout().write_all(&page).map_err(Error::io("write output", "-"))
}
