//! `kbingest man`: the man pages, in roff, from the same definitions as `--help`, with the same
//! examples and exit statuses (`examples.rs`) as their EXAMPLES and EXIT STATUS.

use crate::error::{Error, Result};
use crate::export::{Output, write_folder};
use crate::interrupt;
use clap::Command;
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
    let mut cmd = super::command();
    cmd.build();
    if let Some(dir) = args.output_dir {
        let mut pages = Vec::new();
        collect_pages(&cmd, "kbingest", &mut pages).map_err(Error::io("render the man pages", &dir))?;
        let names: Vec<String> = pages.iter().map(|(name, _)| name.clone()).collect();
        write_folder(Path::new(&dir), &names, "man", interrupt::stop(), |i, out| {
            out.write_all(&pages[i].1).map_err(Error::io("write the man pages", &dir))
        })?;
        return Ok(());
    }
    let page = render(&cmd, "kbingest").map_err(Error::io("write output", "-"))?;
    let output = Output::new("man", None, interrupt::stop())?;
    output.write(|out| out.write_all(&page).map_err(Error::io("write output", "-")))
}

/// kbingest.1, and kbingest-NAME.1 for each subcommand, each with its file name: written into the
/// folder as one set (see `export::write_folder`), never through a link planted there.
fn collect_pages(cmd: &Command, examples_of: &str, pages: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect_pages(sub, sub.get_name(), pages)?;
    }
    let name = cmd.get_display_name().unwrap_or_else(|| cmd.get_name());
    pages.push((format!("{name}.1"), render(cmd, examples_of)?));
    Ok(())
}

/// One page: clap_mangen's sections, with EXAMPLES and EXIT STATUS where it would put the text
/// after the help.
fn render(cmd: &Command, examples_of: &str) -> std::io::Result<Vec<u8>> {
    let man = clap_mangen::Man::new(cmd.clone());
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut page)?;
    }
    if cmd.has_subcommands() {
        man.render_subcommands_section(&mut page)?;
    }
    page.extend_from_slice(super::examples::man_sections(examples_of).as_bytes());
    if cmd.get_version().is_some() {
        man.render_version_section(&mut page)?;
    }
    Ok(page)
}
