//! The command line: one module per subcommand, each with its arguments and one `run`.

mod answer;
pub mod check;
mod choices;
pub mod completions;
pub mod diff;
pub mod entry;
pub mod examples;
pub mod export;
pub mod firewall;
pub mod help;
pub mod ingest;
pub mod man;
pub mod messages;
pub mod metadata;
pub mod ports;
mod progress_bar;
pub mod query;
pub mod reading;
pub mod remove;
pub mod report;
pub mod review;
pub mod selection;
pub mod sources;
pub mod tables;
pub mod who;

use crate::error::Result;
use clap::{Parser, Subcommand};
use std::sync::LazyLock;

const ABOUT: &str = "Turns network-port knowledge-base documents into a normalized SQLite dataset.";

const LONG_ABOUT: &str = "\
Turns network-port knowledge-base documents (\"Network Ports Used by Key Microsoft Server Products\", \
Microsoft KB 832017) into a normalized SQLite database: one row per service, application protocol, \
transport and port in the `port_rules` view, and every departure from the document's regular form in \
the `anomalies` view.

The bare form `kbingest INPUT... -o DB` is the same as `kbingest ingest INPUT... -o DB`.";

/// What `--version` says: kbingest's version, the SQLite built into it, and the schema version
/// it writes.
pub static VERSION: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{} (SQLite {}, schema version {})",
        env!("CARGO_PKG_VERSION"),
        rusqlite::version(),
        crate::store::latest_version()
    )
});

/// `kbingest`: the bare form ingests; subcommands do the rest.
#[derive(Debug, Parser)]
#[command(
    name = "kbingest",
    version = VERSION.as_str(),
    about = ABOUT,
    long_about = LONG_ABOUT,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    disable_help_subcommand = true
)]
pub struct Cli {
    /// A subcommand; without one, kbingest ingests.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The bare form's ingest arguments.
    #[command(flatten)]
    pub ingest: ingest::Args,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load documents into a database (the same as the bare form).
    Ingest(ingest::Args),
    /// Read documents exactly as ingest would and print what would be loaded and every anomaly,
    /// writing nothing: a check of a page before it is loaded.
    Check(check::Args),
    /// Write a table or view (default port_rules) as CSV, TSV, JSON or JSON Lines, or every table
    /// and view into a folder.
    Export(export::Args),
    /// Run one read-only SQL statement and print its rows.
    Query(query::Args),
    /// Compare two sources (editions of a port reference): which port rules were added, removed,
    /// changed or moved, and which services were renamed.
    Diff(diff::Args),
    /// The port rules of the services a name, a role or words point to (Active Directory, DNS,
    /// Kdc, "remote desktop"), per service, best match first.
    Ports(ports::Args),
    /// The documented services and rules whose port or range holds a port, and the names port
    /// registries give it.
    Who(who::Args),
    /// Write the selected port rules as nftables, iptables or Windows Firewall (PowerShell)
    /// rules, each naming its service, source document and line.
    Firewall(firewall::Args),
    /// Write one self-contained HTML page: a port map, each service's rules and the anomalies with
    /// their document lines, and, for two sources, what changed.
    Report(report::Args),
    /// Check a live rule set (nftables, iptables, Windows Firewall) against the selected port
    /// rules: which documented ports it blocks, and which open ports no document justifies.
    Review(review::Args),
    /// List the sources loaded into a database, with what each holds.
    Sources(sources::Args),
    /// Remove sources and everything loaded from them, in one transaction.
    Remove(remove::Args),
    /// List the tables and views of a database.
    Tables(tables::Args),
    /// Write Datasette metadata (titles, descriptions, credits, facets) for a database.
    Metadata(metadata::Args),
    /// Print a shell completion script.
    Completions(completions::Args),
    /// Print the man page (roff), or write one page per command into a folder.
    Man(man::Args),
    /// Print the help of kbingest or of one of its subcommands.
    Help(help::Args),
}

impl Command {
    /// The subcommand's name, as typed.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Ingest(_) => "ingest",
            Command::Check(_) => "check",
            Command::Export(_) => "export",
            Command::Query(_) => "query",
            Command::Diff(_) => "diff",
            Command::Ports(_) => "ports",
            Command::Who(_) => "who",
            Command::Firewall(_) => "firewall",
            Command::Report(_) => "report",
            Command::Review(_) => "review",
            Command::Sources(_) => "sources",
            Command::Remove(_) => "remove",
            Command::Tables(_) => "tables",
            Command::Metadata(_) => "metadata",
            Command::Completions(_) => "completions",
            Command::Man(_) => "man",
            Command::Help(_) => "help",
        }
    }
}

/// The command line definition as `--help`, `help` and the man pages show it: the derived one,
/// with each command's examples and exit statuses after its options.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    examples::with_examples(Cli::command())
}

/// Parses the command line (with the help [`command`] gives).
pub fn parse() -> Result<Cli, clap::Error> {
    use clap::FromArgMatches;
    command().try_get_matches().and_then(|matches| Cli::from_arg_matches(&matches))
}

/// Runs the command the user asked for.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Some(Command::Ingest(args)) => ingest::run(args),
        Some(Command::Check(args)) => check::run(args),
        Some(Command::Export(args)) => export::run(args),
        Some(Command::Query(args)) => query::run(args),
        Some(Command::Diff(args)) => diff::run(args),
        Some(Command::Ports(args)) => ports::run(args),
        Some(Command::Who(args)) => who::run(args),
        Some(Command::Firewall(args)) => firewall::run(args),
        Some(Command::Report(args)) => report::run(args),
        Some(Command::Review(args)) => review::run(args),
        Some(Command::Sources(args)) => sources::run(args),
        Some(Command::Remove(args)) => remove::run(args),
        Some(Command::Tables(args)) => tables::run(args),
        Some(Command::Metadata(args)) => metadata::run(args),
        Some(Command::Completions(args)) => completions::run(args),
        Some(Command::Man(args)) => man::run(args),
        Some(Command::Help(args)) => help::run(args),
        None => ingest::run(cli.ingest),
    }
}

/// Where to look for usage: `kbingest query --help` for a usage error of `query`, `kbingest
/// --help` for the bare form.
pub fn help_hint(subcommand: Option<&str>) -> String {
    match subcommand {
        Some(name) => format!("Run `kbingest {name} --help` for usage."),
        None => "Run `kbingest --help` for usage.".to_string(),
    }
}

/// `1 service`, `2 services`: a count with its noun in the right number.
pub fn count_of(n: u64, singular: &str, plural: &str) -> String {
    if n == 1 { format!("1 {singular}") } else { format!("{n} {plural}") }
}
