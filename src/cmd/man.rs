//! `kbingest man`: the man pages, in roff, from the same definitions as `--help`, with the same
//! examples and exit statuses (`examples.rs`) as their EXAMPLES and EXIT STATUS.

use crate::error::{Error, Result};
use clap::Command;
use std::io::Write;
use std::path::Path;

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
    let mut cmd = super::command();
    cmd.build();
    if let Some(dir) = args.output_dir {
        std::fs::create_dir_all(&dir).map_err(Error::io("create the output folder", &dir))?;
        return write_pages(&cmd, "kbingest", Path::new(&dir)).map_err(Error::io("write the man pages", &dir));
    }
    let page = render(&cmd, "kbingest").map_err(Error::io("write output", "-"))?;
    std::io::stdout().write_all(&page).map_err(Error::io("write output", "-"))
}

/// kbingest.1, and kbingest-NAME.1 for each subcommand, into `dir`.
fn write_pages(cmd: &Command, examples_of: &str, dir: &Path) -> std::io::Result<()> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_pages(sub, sub.get_name(), dir)?;
    }
    let name = cmd.get_display_name().unwrap_or_else(|| cmd.get_name());
    std::fs::write(dir.join(format!("{name}.1")), render(cmd, examples_of)?)
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
