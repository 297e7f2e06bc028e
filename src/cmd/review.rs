//! `kbingest review DB RULESET`: a live rule set (nftables JSON, iptables-save, Windows Firewall)
//! against the selected port rules of the documents.

use crate::cmd::messages::say;
use crate::cmd::selection::SelectionArgs;
use crate::error::{Error, Result};
use crate::export::{OutputFormat, check_output, write_file};
use crate::firewall::select::one_source;
use crate::firewall::{DynamicRange, PortRule, dynamic, read_port_rules, select};
use crate::interrupt;
use crate::review::{self, Profile, RulesetFormat, Traffic, report};
use crate::store::{Database, registered_ports};
use std::io::{BufWriter, Read, Write};
use std::net::IpAddr;
use std::path::Path;

/// The largest rule set file read: far beyond any real one.
const MAX_RULESET_BYTES: u64 = 256 << 20;

/// Arguments of `kbingest review`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The kbingest database to read; it is opened read-only.
    #[arg(value_name = "DB")]
    pub database: String,

    /// The rule set: the output of `nft -j list ruleset`, `iptables-save`, `ip6tables-save` (or
    /// both, one after the other), the Windows Firewall PowerShell export (JSON; see
    /// docs/review.md) or `netsh advfirewall firewall show rule name=all verbose`; `-` for
    /// standard input. The format is told from the content.
    #[arg(value_name = "RULESET")]
    pub ruleset: String,

    /// Which services' port rules to check.
    #[command(flatten)]
    pub selection: SelectionArgs,

    /// The dynamic range to expect where a document gives alternatives (KB 832017: 1024-65535 or
    /// 49152-65535) or none: modern (49152-65535), legacy (1025-5000), or LOW-HIGH, your hosts'
    /// own, for every dynamic row; as `kbingest firewall` opens them.
    #[arg(long, value_name = "modern|legacy|LOW-HIGH", default_value = "modern", value_parser = dynamic_range)]
    pub dynamic_range: DynamicRange,

    /// Review traffic this host forwards to ADDRESS (its forward chains) instead of traffic to
    /// this host (its input chains).
    #[arg(long, value_name = "ADDRESS")]
    pub to: Option<IpAddr>,

    /// Windows Firewall: the network profile the host is in, whose rules apply; without it, a
    /// rule of some profiles only makes the answer depend on the profile.
    #[arg(long, value_enum)]
    pub profile: Option<Profile>,

    /// The output format: table (aligned columns), csv, tsv, json, jsonl or markdown.
    #[arg(long, value_enum, default_value = "table")]
    pub format: OutputFormat,

    /// Leave out the `allowed` lines: only what needs looking at (the summary still counts them).
    #[arg(long)]
    pub findings_only: bool,

    /// Exit with status 1 when anything is found (a documented port not open, an undocumented
    /// one open), 0 when nothing is, 2 on trouble.
    #[arg(long)]
    pub exit_code: bool,

    /// Write to this file instead of standard output; it is replaced only once complete.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<String>,

    /// No summary on standard error.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Reviews the rule set and writes the findings.
pub fn run(args: Args) -> Result<()> {
    let exit_code = args.exit_code;
    match reviewed(args) {
        Err(e) if exit_code => Err(e.as_trouble()),
        other => other,
    }
}

fn reviewed(args: Args) -> Result<()> {
    if let Some(path) = args.output.as_deref().filter(|o| *o != "-") {
        check_output(Path::new(path))?;
    }
    let text = review::detect::decode(&read_ruleset(&args.ruleset)?);
    let set = review::read_ruleset(&text, args.profile).map_err(|(format, unreadable)| {
        let hint = match format {
            Some(format) => format!(
                "it was read as {}; give the tool's output unchanged (see docs/review.md); nothing was written",
                format.name()
            ),
            None => "see `kbingest review --help` for the formats kbingest reads; nothing was written".into(),
        };
        Error::input_at(&args.ruleset, unreadable.line, unreadable.problem, hint)
    })?;
    let windows = matches!(set.format, RulesetFormat::WindowsJson | RulesetFormat::Netsh);
    if windows && args.to.is_some() {
        return Err(Error::Usage("--to: Windows Firewall filters traffic to this host only; leave out --to".into()));
    }
    if !windows && args.profile.is_some() {
        return Err(Error::Usage(format!(
            "--profile is for Windows Firewall rule sets; {} is {}",
            args.ruleset,
            set.format.name()
        )));
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
    let selection = args.selection.selection();
    let selected = select(all, &selection)
        .and_then(|s| one_source(&s.rows, &selection, args.selection.all_sources).map(|()| s)).map_err(|miss| {
        Error::database(
            &db.path,
            miss.replace('\n', &format!("\n{}: ", db.path)),
            format!("nothing was written; list the services with `kbingest query {} \"SELECT DISTINCT service, system_service_name FROM port_rules\"`", db.path),
        )
    })?;
    if !args.quiet {
        // The services a role named, as `kbingest firewall` says them.
        for role in &selected.roles {
            say(role);
        }
    }
    // The ports each row asks for, as `kbingest firewall` opens them: a dynamic row's range
    // chosen among the document's alternatives, or given where it states none.
    let rows: Vec<PortRule> = dynamic::resolve(selected.rows, args.dynamic_range)
        .into_iter()
        .map(|r| PortRule { ports: r.ports, ..r.row })
        .collect();
    let registry = registered_ports(&db)?;
    let traffic = args.to.map_or(Traffic::Inbound, Traffic::Forward);
    let result = review::review(&set, traffic, &rows, &registry);
    if !args.quiet {
        for note in &result.notes {
            say(note);
        }
        if windows {
            let profile = match args.profile {
                Some(p) => format!("the rules of the {} profile", p.name()),
                None => "the rules of every profile (--profile picks one)".into(),
            };
            say(&format!(
                "Windows Firewall: {profile}; what no rule allows is taken to be blocked (the default inbound action, Block, unless it was changed)"
            ));
        }
    }
    let write = |out: &mut dyn Write, shown: &str| {
        report::write(out, &result, args.format, args.findings_only).map_err(Error::io("write output", shown))
    };
    match args.output.as_deref().filter(|o| *o != "-") {
        None => {
            let mut out = BufWriter::new(std::io::stdout().lock());
            write(&mut out, "-")?;
            out.flush().map_err(Error::io("write output", "-"))?;
        }
        Some(path) => write_file(Path::new(path), |out| write(out, path))?,
    }
    if !args.quiet {
        let shown = if args.ruleset == "-" { "standard input" } else { args.ruleset.as_str() };
        say(&report::summary(&result, shown, set.format.name()));
    }
    if args.exit_code && !result.clean() { Err(Error::Differences) } else { Ok(()) }
}

fn dynamic_range(text: &str) -> std::result::Result<DynamicRange, String> {
    text.parse()
}

/// The rule set's bytes, from a file or standard input (`-`).
fn read_ruleset(path: &str) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let too_large = || {
        Error::input(
            path,
            format!("is larger than {} MiB, more than any rule set", MAX_RULESET_BYTES >> 20),
            "check that this is the rule set",
        )
    };
    if path == "-" {
        std::io::stdin()
            .lock()
            .take(MAX_RULESET_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(Error::io("read the rule set", path))?;
    } else {
        let meta = std::fs::metadata(path).map_err(Error::io("read the rule set", path))?;
        if meta.is_dir() {
            return Err(Error::input(
                path,
                "is a directory, not a rule set",
                "name the file the rule set was saved to",
            ));
        }
        let file = std::fs::File::open(path).map_err(Error::io("read the rule set", path))?;
        file.take(MAX_RULESET_BYTES + 1).read_to_end(&mut bytes).map_err(Error::io("read the rule set", path))?;
    }
    if bytes.len() as u64 > MAX_RULESET_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}
