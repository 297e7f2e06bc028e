//! `kbingest firewall DB`: the selected port rules as nftables, iptables or Windows Firewall
//! rules, each traceable to its service, source document and line.

use crate::cmd::messages::say;
use crate::error::{Error, Result};
use crate::export::Output;
use crate::firewall::{
    self, AssumeTransport, Direction, FirewallFormat, Policy, Ruleset, Selection, merge, read_port_rules, select,
};
use crate::interrupt;
use crate::store::Database;

/// Arguments of `kbingest firewall`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The kbingest database to read; it is opened read-only.
    #[arg(value_name = "DB")]
    pub database: String,

    /// Only this service, by its section title (ignoring case); repeat for more.
    #[arg(long, value_name = "TITLE")]
    pub service: Vec<String>,

    /// Only this service, by its system service name (ignoring case), e.g. DNS; repeat for more.
    #[arg(long, value_name = "SYSTEM_SERVICE_NAME")]
    pub name: Vec<String>,

    /// Only rows of this source document, as named at ingest.
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,

    /// The firewall language.
    #[arg(long, value_enum, default_value = "nftables")]
    pub format: FirewallFormat,

    /// What happens to traffic the rules do not allow.
    #[arg(long, value_enum, default_value = "accept")]
    pub policy: Policy,

    /// Which traffic the rules are for.
    #[arg(long, value_enum, default_value = "inbound")]
    pub direction: Direction,

    /// The transport for rows that give a port but no transport; without it such rows are
    /// refused.
    #[arg(long, value_enum, value_name = "TRANSPORT")]
    pub assume_transport: Option<AssumeTransport>,

    /// Allow loopback traffic whatever the rules say (it is otherwise subject to --policy drop).
    #[arg(long)]
    pub allow_loopback: bool,

    /// The nftables table, iptables chain or Windows Firewall group to write into [default:
    /// kbingest; KBINGEST for iptables]. Loading replaces it and leaves everything else alone.
    #[arg(long, value_name = "NAME")]
    pub table: Option<String>,

    /// Write to this file instead of standard output; it is replaced only once complete.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<String>,

    /// Print nothing on standard error unless something goes wrong.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Writes the firewall rules as asked.
pub fn run(args: Args) -> Result<()> {
    let table = args.table.clone().unwrap_or_else(|| firewall::default_table(args.format).to_string());
    if !firewall::valid_table_name(&table) {
        return Err(Error::Usage(format!(
            "--table {:?}: a table name is a letter followed by up to 23 letters, digits or underscores",
            firewall::trace::one_line(&table)
        )));
    }
    let output = Output::new("firewall", args.output.as_deref(), interrupt::stop())?;
    let db = Database::open_read_only(&args.database, interrupt::stop())?;
    let selection = Selection { services: args.service.clone(), names: args.name.clone(), source: args.source.clone() };
    let all = read_port_rules(&db)?;
    if all.is_empty() {
        return Err(Error::database(
            &db.path,
            "holds no port rules",
            "ingest a document into it first; nothing was written",
        ));
    }
    let rows = select(all, &selection).map_err(|miss| {
        Error::database(
            &db.path,
            miss.replace('\n', &format!("\n{}: ", db.path)),
            format!("nothing was written; list the services with `kbingest query {} \"SELECT DISTINCT service, system_service_name FROM port_rules\"`", db.path),
        )
    })?;
    let merged = merge(&rows, args.direction, args.assume_transport)
        .map_err(|refused| Error::database(&db.path, refused, "nothing was written"))?;
    if !args.quiet {
        for note in &merged.notes {
            say(note);
        }
    }
    let ruleset = Ruleset {
        table,
        direction: args.direction,
        policy: args.policy,
        allow_loopback: args.allow_loopback,
        selection: describe(&selection),
        rules: merged.rules,
    };
    let text = firewall::render(&ruleset, args.format);
    let shown = output.shown();
    output.write(|out| out.write_all(text.as_bytes()).map_err(Error::io("write output", &shown)))?;
    if let (Some(path), false) = (output.file(), args.quiet) {
        let n = ruleset.rules.len();
        say(&format!("{n} firewall {} -> {path}", if n == 1 { "rule" } else { "rules" }));
    }
    Ok(())
}

/// The selection in words, for the output's header.
fn describe(selection: &Selection) -> String {
    let mut parts: Vec<String> = Vec::new();
    parts.extend(selection.services.iter().map(|s| format!("--service {s:?}")));
    parts.extend(selection.names.iter().map(|n| format!("--name {n:?}")));
    parts.extend(selection.source.iter().map(|s| format!("--source {s:?}")));
    if parts.is_empty() { "every rule in the database".into() } else { firewall::trace::one_line(&parts.join(" ")) }
}
