//! `kbingest who DB PORT...`: the documented services and rules whose port or range holds a port,
//! and the names registries give it.

use crate::ask::{self, PortQuery};
use crate::cmd::answer;
use crate::error::{Error, Result};
use crate::export::OutputFormat;
use crate::store::{Database, lookup};

/// Arguments of `kbingest who`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The kbingest database to look in; it is opened read-only.
    #[arg(value_name = "DB")]
    pub database: String,

    /// The ports to look up, one or more: a number, with /tcp or /udp for one transport only,
    /// e.g. 135 or 53/udp.
    #[arg(value_name = "PORT[/tcp|/udp]", required = true, value_parser = PortQuery::parse)]
    pub ports: Vec<PortQuery>,

    /// Only the rules (or registry records) of this source, named as ingested.
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,

    /// The output format: table (per port, one line per rule with its source and line, then the
    /// registered names), or csv, tsv, json, jsonl, markdown (one row per rule, with the columns
    /// of port_rules and registered_names, narrowest range first; registry records follow, with
    /// the registry as their source).
    #[arg(long, value_enum, default_value = "table")]
    pub format: OutputFormat,

    /// JSON and JSON Lines: write columns that hold JSON (row_cells) as JSON objects, not as
    /// strings of escaped JSON.
    #[arg(long)]
    pub json_cols: bool,
}

/// Looks the ports up and writes what holds them.
pub fn run(args: Args) -> Result<()> {
    let db = Database::open_read_only(&args.database, crate::interrupt::stop())?;
    let answers = ask::who(&db, &args.ports, args.source.as_deref())?;
    if answers.iter().all(|a| a.rules.rows.is_empty() && a.registered.is_empty()) {
        let ports: Vec<String> = args.ports.iter().map(PortQuery::label).collect();
        return Err(Error::database(
            &db.path,
            format!("no documented rule and no registered name holds {}", ports.join(", ")),
            "load a port registry beside the documents to see registered names (e.g. `kbingest \
             tests/fixtures/registries/iana-service-names-port-numbers.csv -o DB`)",
        ));
    }
    let columns = lookup::registered_rule_columns(&db)?;
    let mut rows = Vec::new();
    for a in &answers {
        rows.extend(a.rules.rows.iter().cloned());
        rows.extend(ask::registry_rows(&columns, &a.registered));
    }
    answer::write(args.format, args.json_cols, || ask::show::who(&answers), &columns, &rows)
}
