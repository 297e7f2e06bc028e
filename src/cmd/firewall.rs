//! `kbingest firewall DB`: the selected port rules as nftables, iptables, ip6tables or Windows
//! Firewall rules, each traceable to its service, source document and line.

use crate::cmd::messages::say;
use crate::error::{Error, Result};
use crate::export::{check_output, write_file};
use crate::firewall::address::Family;
use crate::firewall::settings::{default_table, parse_range, valid_table_name};
use crate::firewall::{
    self, AssumeTransport, Chain, Direction, DynamicRange, FirewallFormat, IcmpTypes, KeepPort, Network, Policy,
    Request, Selection, Settings, header, read_port_rules,
};
use crate::interrupt;
use crate::store::Database;
use std::io::Write;
use std::path::Path;

/// Arguments of `kbingest firewall`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The kbingest database to read; it is opened read-only.
    #[arg(value_name = "DB")]
    pub database: String,

    /// Only this service, by its section title or system service name (ignoring case, spacing and
    /// punctuation), or the services of a role (Active Directory, Remote Desktop), as `kbingest
    /// ports` reads it; repeat for more.
    #[arg(long, value_name = "TITLE")]
    pub service: Vec<String>,

    /// Only this service, by its system service name (e.g. DNS), matched as --service is; repeat
    /// for more.
    #[arg(long, value_name = "SYSTEM_SERVICE_NAME")]
    pub name: Vec<String>,

    /// Only rows of this source document, as named at ingest. A selection from several sources
    /// is refused without it (or --all-sources).
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,

    /// Merge the rows of every source on purpose: the same ports once, traced to every source.
    #[arg(long, conflicts_with = "source")]
    pub all_sources: bool,

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

    /// Which dynamic range to open where a page gives alternatives or none: modern (49152-65535),
    /// legacy (1025-5000, or the page's older alternative, opened however wide unless it holds a
    /// port below 1024), or LOW-HIGH, the hosts' own range, for every dynamic row.
    #[arg(long, value_name = "modern|legacy|LOW-HIGH", default_value = "modern", value_parser = dynamic_range)]
    pub dynamic_range: DynamicRange,

    /// Which ICMP types a row naming ICMP without a type opens.
    #[arg(long, value_enum, default_value = "echo")]
    pub icmp: IcmpTypes,

    /// Open these wide ranges (over 1,000 ports outside the dynamic ranges, or 0/1-65535), which
    /// are otherwise refused (except the page's alternative --dynamic-range legacy chooses); a
    /// range holds the wide ranges inside it.
    #[arg(long, value_name = "LOW-HIGH", num_args = 1.., value_parser = wide_range)]
    pub allow_wide: Vec<(u16, u16)>,

    /// Under --policy drop, drop loopback traffic too (it is accepted by default).
    #[arg(long)]
    pub drop_loopback: bool,

    /// Accepted for older scripts: loopback is accepted by default now.
    #[arg(long, hide = true, conflicts_with = "drop_loopback")]
    pub allow_loopback: bool,

    /// Under --policy drop, keep this port of this host open (e.g. 22/tcp for SSH), whatever the
    /// documents say; repeat for more.
    #[arg(long, value_name = "PORT/PROTO", value_parser = keep_port)]
    pub keep_port: Vec<KeepPort>,

    /// Where the rules filter: this host (input, and output for outbound rows), or a Linux
    /// gateway's forward chain for the servers named with --to.
    #[arg(long, value_enum, default_value = "input")]
    pub chain: Chain,

    /// With --chain forward: the servers behind the gateway, an IPv4 or IPv6 address or network
    /// (10.0.2.0/24, fd00:2::/64); repeat for more.
    #[arg(long, value_name = "ADDRESS|PREFIX", value_parser = network)]
    pub to: Vec<Network>,

    /// The nftables table, iptables chain or Windows Firewall group to write into [default:
    /// kbingest; KBINGEST for iptables and ip6tables]. Loading replaces it and leaves everything
    /// else alone.
    #[arg(long, value_name = "NAME")]
    pub table: Option<String>,

    /// Write to this file instead of standard output; it is replaced only once complete.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<String>,

    /// Print nothing on standard error unless something goes wrong.
    #[arg(short, long)]
    pub quiet: bool,
}

fn dynamic_range(text: &str) -> std::result::Result<DynamicRange, String> {
    text.parse()
}

fn wide_range(text: &str) -> std::result::Result<(u16, u16), String> {
    parse_range(text)
}

fn keep_port(text: &str) -> std::result::Result<KeepPort, String> {
    text.parse()
}

fn network(text: &str) -> std::result::Result<Network, String> {
    text.parse()
}

/// Writes the firewall rules as asked.
pub fn run(args: Args) -> Result<()> {
    let request = request(&args)?;
    if let Some(path) = args.output.as_deref().filter(|o| *o != "-") {
        check_output(Path::new(path))?;
    }
    let db = Database::open_read_only(&args.database, interrupt::stop())?;
    let all = read_port_rules(&db)?;
    if all.is_empty() {
        return Err(Error::database(
            &db.path,
            "holds no port rules",
            "ingest a document into it first; nothing was written",
        ));
    }
    let built = firewall::build(all, &request).map_err(|refused| {
        let list = format!(
            "find services by words with `kbingest ports {0} WORDS...`, or list them with `kbingest query {0} \"SELECT \
             DISTINCT source, service, system_service_name FROM port_rules\"`",
            db.path
        );
        let what_to_do = if refused.starts_with("no ") {
            format!("nothing was written; {list}")
        } else {
            "nothing was written".into()
        };
        Error::database(&db.path, refused.replace('\n', &format!("\n{}: ", db.path)), what_to_do)
    })?;
    if !args.quiet {
        for note in notes(&built, args.format) {
            say(&note);
        }
    }
    let text = firewall::render(&built.ruleset, args.format);
    match args.output.as_deref().filter(|o| *o != "-") {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(Error::io("write output", "-"))
        }
        Some(path) => {
            write_file(Path::new(path), |out| {
                out.write_all(text.as_bytes()).map_err(Error::io("write the output file", path))
            })?;
            if !args.quiet {
                let n = built.ruleset.rules.len();
                say(&format!("{n} firewall {} -> {path}", if n == 1 { "rule" } else { "rules" }));
            }
            Ok(())
        }
    }
}

/// The request the arguments make, or the usage error that says why they make none.
fn request(args: &Args) -> Result<Request> {
    let table = args.table.clone().unwrap_or_else(|| default_table(args.format).to_string());
    if !valid_table_name(&table) {
        return Err(Error::Usage(format!(
            "--table {:?}: a table name is a letter followed by up to 23 letters, digits or underscores",
            firewall::trace::one_line(&table)
        )));
    }
    let usage = |text: &str| Err(Error::Usage(text.to_string()));
    let drop = args.policy == Policy::Drop;
    if !drop && !args.keep_port.is_empty() {
        return usage("--keep-port keeps a port open under --policy drop; under accept nothing is closed");
    }
    if !drop && args.drop_loopback {
        return usage("--drop-loopback drops loopback under --policy drop; under accept nothing is dropped");
    }
    match args.chain {
        Chain::Input if !args.to.is_empty() => {
            return usage("--to names the servers behind a gateway; pass --chain forward with it");
        }
        Chain::Forward if args.to.is_empty() => {
            return usage(
                "--chain forward needs --to ADDRESS|PREFIX, the servers behind the gateway (without it the rules \
                 would open the ports to every host it forwards to)",
            );
        }
        Chain::Forward if args.format == FirewallFormat::Powershell => {
            return usage("--chain forward writes a Linux gateway's rules: --format nftables, iptables or ip6tables");
        }
        Chain::Forward if !args.keep_port.is_empty() => {
            return usage("--keep-port keeps a port of this host open; with --chain forward it has nothing to keep");
        }
        _ => {}
    }
    if let Some(family) = family_of(args.format)
        && args.chain == Chain::Forward
        && !args.to.iter().any(|n| n.family() == family)
    {
        let other = if family == Family::V4 { "ip6tables" } else { "iptables" };
        return Err(Error::Usage(format!(
            "--format {} writes {} rules, and --to names no {} server; use --format {other} (or nftables, both)",
            if family == Family::V4 { "iptables" } else { "ip6tables" },
            family.name(),
            family.name()
        )));
    }
    let mut settings = Settings::new(&table);
    settings.direction = args.direction;
    settings.policy = args.policy;
    settings.loopback = !args.drop_loopback;
    settings.keep = args.keep_port.clone();
    settings.chain = args.chain;
    settings.to = args.to.clone();
    let mut request = Request::new(settings);
    request.selection =
        Selection { services: args.service.clone(), names: args.name.clone(), source: args.source.clone() };
    request.all_sources = args.all_sources;
    request.assume = args.assume_transport;
    request.dynamic = args.dynamic_range;
    request.icmp = args.icmp;
    request.allow_wide = args.allow_wide.clone();
    Ok(request)
}

/// The one address family an iptables-style format writes.
fn family_of(format: FirewallFormat) -> Option<Family> {
    match format {
        FirewallFormat::Iptables => Some(Family::V4),
        FirewallFormat::Ip6tables => Some(Family::V6),
        _ => None,
    }
}

/// What standard error says: rows that gave no rule, and what a default-deny file does that the
/// user should know before loading it.
fn notes(built: &firewall::Built, format: FirewallFormat) -> Vec<String> {
    let settings = &built.ruleset.settings;
    let mut notes = built.notes.clone();
    if settings.policy == Policy::Drop && format != FirewallFormat::Powershell {
        let mut note = format!("--policy drop: {}", header::SESSIONS_CUT);
        if !settings.keep.is_empty() {
            let kept: Vec<String> = settings.keep.iter().map(|k| k.name()).collect();
            note.push_str(&format!(" (kept open: {})", kept.join(", ")));
        }
        notes.push(note);
    }
    if let Some(family) = family_of(format) {
        if settings.policy == Policy::Drop && family == Family::V4 {
            notes.push(
                "this file is for IPv4 only: load the ip6tables file too (--format ip6tables), or IPv6 stays as open \
                 as it was"
                    .into(),
            );
        }
        let other: Vec<String> = settings.to.iter().filter(|n| n.family() != family).map(ToString::to_string).collect();
        if !other.is_empty() {
            notes.push(format!(
                "--to {}: not {}, so not in this file (write the {} file for them)",
                other.join(", "),
                family.name(),
                if family == Family::V4 { "ip6tables" } else { "iptables" }
            ));
        }
    }
    notes
}
