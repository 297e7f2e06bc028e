//! `kbingest check FILE...`: read, parse and normalize documents exactly as `ingest` would, then
//! say what would be loaded (standard error) and every anomaly (standard output, in any output
//! format), writing nothing: a lint for a page before it is loaded, or in a docs repository's CI.

use crate::anomaly::Anomaly;
use crate::cmd::count_of;
use crate::cmd::messages::{say, say_error};
use crate::cmd::reading::ReadingArgs;
use crate::error::{Error, Result};
use crate::export::{OutputFormat, RowWriter, SpreadsheetOptions};
use crate::ingest::check::{CheckReport, check};
use crate::interrupt;
use rusqlite::types::ValueRef;
use std::io::{BufWriter, Write};

/// The columns of the anomalies written, those of the `anomalies` view.
const COLUMNS: [&str; 6] = ["source", "source_line", "kind", "raw", "normalized", "message"];

/// Arguments of `kbingest check`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Documents to check: paths, or `-` for standard input, read as `ingest` reads them.
    #[arg(value_name = "FILE", required = true)]
    pub inputs: Vec<String>,

    /// How to read the documents (as for ingest).
    #[command(flatten)]
    pub reading: ReadingArgs,

    /// Exit with status 1 when a row cannot be read (an ingest records it as a `skipped_row`
    /// anomaly and loads the rest; `ingest --strict` refuses the document).
    #[arg(long)]
    pub strict: bool,

    /// The format of the anomalies on standard output, one row each with the columns of the
    /// `anomalies` view.
    #[arg(long, value_name = "FORMAT", value_enum, default_value = "table")]
    pub output_format: OutputFormat,

    /// Print no summary on standard error (the anomalies are still written, and failures said).
    #[arg(short, long)]
    pub quiet: bool,
}

/// Checks every input, writes the anomalies, then says what was found. An input that cannot be
/// read (or, with `--strict`, holds a row that cannot be) fails the check after the others ran.
pub fn run(args: Args) -> Result<()> {
    // Read as an ingest reads by default: unreadable rows are anomalies (`--strict` is said below).
    let options = args.reading.options(&args.inputs, false)?;
    let columns: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    let stdout = std::io::stdout();
    let out = BufWriter::new(stdout.lock());
    let mut writer = RowWriter::new(out, args.output_format, SpreadsheetOptions::default(), &columns)
        .map_err(Error::io("write output", "-"))?;
    let (mut reports, mut failures) = (Vec::new(), Vec::new());
    for path in &args.inputs {
        let name = options.source_name.clone().unwrap_or_else(|| path.clone());
        let mut write = |anomaly: &Anomaly| write_anomaly(&mut writer, &name, anomaly);
        match check(path, &options, interrupt::stop(), &mut write) {
            Ok(report) => reports.push(report),
            Err(e @ (Error::BrokenPipe | Error::Interrupted { .. })) => return Err(e),
            Err(e) => failures.push(e),
        }
    }
    writer.finish().and_then(|mut out| out.flush()).map_err(Error::io("write output", "-"))?;
    if !args.quiet && !reports.is_empty() {
        say(&summary(&reports, args.reading.custom_range()));
    }
    if args.strict {
        failures.extend(reports.iter().filter(|r| r.unreadable > 0).map(|r| {
            let rows =
                if r.unreadable == 1 { "1 row cannot".to_string() } else { format!("{} rows cannot", r.unreadable) };
            Error::input(
                &r.name,
                format!("{rows} be read (--strict)"),
                "they are the skipped_row anomalies listed; fix them, or leave out --strict to accept a document \
                 that loads the rest",
            )
        }));
    }
    // Every failure is said; the last one is the command's error, and its exit status.
    let last = failures.pop();
    failures.iter().for_each(|e| say_error(&e.to_string()));
    last.map_or(Ok(()), Err)
}

fn write_anomaly<W: Write>(writer: &mut RowWriter<W>, source: &str, anomaly: &Anomaly) -> Result<()> {
    fn text(s: &str) -> ValueRef<'_> {
        ValueRef::Text(s.as_bytes())
    }
    let normalized = anomaly.normalized.as_deref().map_or(ValueRef::Null, text);
    let row = [
        text(source),
        ValueRef::Integer(i64::from(anomaly.line)),
        text(anomaly.kind.name()),
        text(&anomaly.raw),
        normalized,
        text(&anomaly.message),
    ];
    writer.write_row(&row).map_err(Error::io("write output", "-"))
}

/// One line per source of what an ingest would load and, for several, a total line.
fn summary(reports: &[CheckReport], custom_range: bool) -> String {
    let mut text = String::new();
    let (mut services, mut rules, mut anomalies, mut registered, mut unreadable) = (0, 0, 0, 0, 0);
    for r in reports {
        services += r.services;
        rules += r.rules;
        anomalies += r.anomalies;
        registered += r.registered;
        unreadable += r.unreadable;
        let what = if r.format.is_registry() {
            format!("{}, {}", count_of(r.registered, "registry record", "registry records"), anomaly_count(r.anomalies))
        } else {
            counts(r.services, r.rules, r.anomalies)
        };
        text.push_str(&format!("{}: would load {what} ({}, {})\n", r.name, r.format, r.encoding));
    }
    if reports.len() > 1 {
        let registries = if registered > 0 { format!(", {registered} registry records") } else { String::new() };
        text.push_str(&format!(
            "{}: would load {}{registries}\n",
            count_of(reports.len() as u64, "source", "sources"),
            counts(services, rules, anomalies)
        ));
    }
    if unreadable > 0 {
        let rows = if unreadable == 1 { "1 row cannot".to_string() } else { format!("{unreadable} rows cannot") };
        text.push_str(&format!(
            "{rows} be read (the skipped_row anomalies): an ingest loads the rest, and --strict refuses the document\n"
        ));
    }
    let range_note = if custom_range { " (custom --dynamic-range)" } else { "" };
    text.push_str(&format!("nothing was written{range_note}\n"));
    text
}

/// `62 services, 172 port rules, 34 anomalies`, in the right number.
fn counts(services: u64, rules: u64, anomalies: u64) -> String {
    format!(
        "{}, {}, {}",
        count_of(services, "service", "services"),
        count_of(rules, "port rule", "port rules"),
        anomaly_count(anomalies)
    )
}

fn anomaly_count(anomalies: u64) -> String {
    count_of(anomalies, "anomaly", "anomalies")
}
