//! `kbingest man`: the man pages, in roff, from the same definitions as `--help`.

use super::Cli;
use crate::error::{Error, Result};
use crate::export::{Output, write_folder};
use crate::interrupt;
use clap::CommandFactory;
use std::path::Path;

/// Arguments of `kbingest man`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Write kbingest.1 and a page per subcommand (kbingest-query.1, ...) into this folder
    /// (created if missing) instead of printing kbingest.1 on standard output. Each page is
    /// written whole and replaces a regular file only; a symbolic link, FIFO or device of that
    /// name is refused.
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<String>,
}

/// Prints the man page (`kbingest man > kbingest.1`), or writes every page into a folder.
pub fn run(args: Args) -> Result<()> {
    if let Some(dir) = args.output_dir {
        let pages = pages()?;
        let names: Vec<String> = pages.iter().map(|(name, _)| name.clone()).collect();
        write_folder(Path::new(&dir), &names, "man", interrupt::stop(), |i, out| {
            out.write_all(&pages[i].1).map_err(Error::io("write the man pages", &dir))
        })?;
        return Ok(());
    }
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut page).map_err(Error::io("write output", "-"))?;
    let output = Output::new("man", None, interrupt::stop())?;
    output.write(|out| out.write_all(&page).map_err(Error::io("write output", "-")))
}

/// Every page as `clap_mangen::generate_to` names and renders it: one per command that is not
/// hidden, subcommands before the command that holds them.
fn pages() -> Result<Vec<(String, Vec<u8>)>> {
    fn add(cmd: clap::Command, pages: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
            add(sub, pages)?;
        }
        let man = clap_mangen::Man::new(cmd);
        let mut page = Vec::new();
        man.render(&mut page).map_err(Error::io("render the man pages", "-"))?;
        pages.push((man.get_filename(), page));
        Ok(())
    }
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    add(cmd, &mut pages)?;
    Ok(pages)
}
