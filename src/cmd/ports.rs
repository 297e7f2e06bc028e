//! `kbingest ports DB WHAT...`: the port rules of the services a name, a role or words point to.

use crate::ask;
use crate::cmd::answer;
use crate::error::{Error, Result};
use crate::export::OutputFormat;
use crate::store::Database;

/// Arguments of `kbingest ports`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The kbingest database to look in; it is opened read-only.
    #[arg(value_name = "DB")]
    pub database: String,

    /// What to look for, one or more: a service's title (DNS Server) or system service name (Kdc),
    /// a role as people call it (Active Directory, domain controller, Remote Desktop, file
    /// sharing), an application protocol (LDAP), or words of a service's description.
    #[arg(value_name = "WHAT", required = true)]
    pub what: Vec<String>,

    /// Only the services of this source, named as ingested.
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,

    /// The output format: table (per service, one line per rule with its document line), or csv,
    /// tsv, json, jsonl, markdown (one row per rule, with the columns of port_rules, best match
    /// first).
    #[arg(long, value_enum, default_value = "table")]
    pub format: OutputFormat,

    /// JSON and JSON Lines: write columns that hold JSON (row_cells) as JSON objects, not as
    /// strings of escaped JSON.
    #[arg(long)]
    pub json_cols: bool,
}

/// Finds the services and writes their rules.
pub fn run(args: Args) -> Result<()> {
    if args.what.iter().any(|w| w.trim().is_empty()) {
        return Err(Error::Usage("WHAT is empty: name a service, a role or words, e.g. \"Active Directory\"".into()));
    }
    let db = Database::open_read_only(&args.database, crate::interrupt::stop())?;
    let answer = ask::ports(&db, &args.what, args.source.as_deref())?;
    let columns = answer.first().map(|a| a.rules.columns.clone()).unwrap_or_default();
    let rows: Vec<_> = answer.iter().flat_map(|a| a.rules.rows.iter().cloned()).collect();
    answer::write(args.format, args.json_cols, || ask::show::ports(&answer), &columns, &rows)
}
