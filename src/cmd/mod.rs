//! The command line: one module per subcommand, each with its arguments and one `run`.

pub mod diff;
pub mod export;
pub mod firewall;
pub mod ingest;
pub mod messages;
mod progress_bar;
pub mod query;

use crate::error::Result;
use clap::{Parser, Subcommand};

const ABOUT: &str = "Turns network-port knowledge-base documents into a normalized SQLite dataset.";

const LONG_ABOUT: &str = "\
Turns network-port knowledge-base documents (\"Network Ports Used by Key Microsoft Server Products\", \
Microsoft KB 832017) into a normalized SQLite database: one row per service, application protocol, \
transport and port in the `port_rules` view, and every departure from the document's regular form in \
the `anomalies` view.

The bare form `kbingest INPUT... -o DB` is the same as `kbingest ingest INPUT... -o DB`.";

/// `kbingest`: the bare form ingests; subcommands do the rest.
#[derive(Debug, Parser)]
#[command(
    name = "kbingest",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
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
    /// Write a table or view (default port_rules) as CSV, TSV, JSON or JSON Lines, or every table
    /// and view into a folder.
    Export(export::Args),
    /// Run one read-only SQL statement and print its rows.
    Query(query::Args),
    /// Compare two sources (editions of a port reference): which port rules were added, removed or
    /// changed.
    Diff(diff::Args),
    /// Write the selected port rules as nftables, iptables or Windows Firewall (PowerShell)
    /// rules, each naming its service, source document and line.
    Firewall(firewall::Args),
}

/// Runs the command the user asked for.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Some(Command::Ingest(args)) => ingest::run(args),
        Some(Command::Export(args)) => export::run(args),
        Some(Command::Query(args)) => query::run(args),
        Some(Command::Diff(args)) => diff::run(args),
        Some(Command::Firewall(args)) => firewall::run(args),
        None => ingest::run(cli.ingest),
    }
}
