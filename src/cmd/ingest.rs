//! `kbingest ingest INPUT... -o DB`: load documents into a database.

use crate::cmd::messages::say;
use crate::cmd::{count_of, progress_bar};
use crate::error::{Error, Result};
use crate::ingest::{IngestOptions, Progress, Silent, SourceReport, ingest};
use crate::interrupt;
use crate::normalize::{LEGACY_DYNAMIC_RANGE, NormalizeOptions};
use crate::read::{InputFormat, ReadOptions};
use crate::store::{Database, SourceOutcome};
use std::time::Duration;

/// Arguments of `kbingest ingest` (and of the bare form).
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Documents to load: paths, or `-` for standard input. Text, HTML and Markdown are told
    /// apart by their content, as is the encoding.
    #[arg(value_name = "INPUT", required = true)]
    pub inputs: Vec<String>,

    /// The SQLite database to load into; created if it does not exist.
    #[arg(short, long, value_name = "DB", required = true)]
    pub output: Option<String>,

    /// Read the inputs as this format instead of detecting it (the last three are port registries:
    /// IANA's CSV, /etc/services, nmap-services).
    #[arg(long, value_name = "FORMAT", value_enum)]
    pub format: Option<InputFormat>,

    /// Decode the inputs from this encoding (e.g. utf-8, windows-1252, utf-16le) instead of
    /// detecting it.
    #[arg(long, value_name = "ENCODING", value_parser = parse_encoding)]
    pub encoding: Option<&'static encoding_rs::Encoding>,

    /// The port range `RANDOM` stands for.
    #[arg(long, value_name = "LOW-HIGH", value_parser = parse_range, default_value = "1025-5000")]
    pub dynamic_range: (u16, u16),

    /// Record the source under this name instead of its path (one input only).
    #[arg(long, value_name = "NAME")]
    pub source_name: Option<String>,

    /// Load the rows that can be read and record each unreadable row in `anomalies`, instead of
    /// refusing the document.
    #[arg(long)]
    pub lenient: bool,

    /// Print nothing on standard error unless something goes wrong.
    #[arg(short, long)]
    pub quiet: bool,

    /// The largest HTML or Markdown input to read (they are parsed whole; text streams), in bytes
    /// or with K, M or G (binary), e.g. 256M.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "64M")]
    pub max_input_size: u64,

    /// Seconds to wait for another kbingest writing to the same database.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub busy_timeout: u64,
}

fn parse_encoding(label: &str) -> std::result::Result<&'static encoding_rs::Encoding, String> {
    encoding_rs::Encoding::for_label(label.as_bytes())
        .ok_or_else(|| format!("unknown encoding `{label}`: try utf-8, windows-1252, utf-16le or utf-16be"))
}

fn parse_size(text: &str) -> std::result::Result<u64, String> {
    let bad = || format!("`{text}` is not a size: give bytes, or a number with K, M or G, e.g. 256M");
    let t = text.trim();
    let (digits, shift) = match t.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some('K') => (&t[..t.len() - 1], 10),
        Some('M') => (&t[..t.len() - 1], 20),
        Some('G') => (&t[..t.len() - 1], 30),
        _ => (t, 0),
    };
    let n: u64 = digits.trim().parse().map_err(|_| bad())?;
    n.checked_mul(1 << shift).filter(|&n| n > 0).ok_or_else(bad)
}

fn parse_range(text: &str) -> std::result::Result<(u16, u16), String> {
    let bad = || format!("`{text}` is not a port range LOW-HIGH with 0 <= LOW <= HIGH <= 65535, e.g. 49152-65535");
    let (low, high) = text.split_once('-').ok_or_else(bad)?;
    let low: u16 = low.trim().parse().map_err(|_| bad())?;
    let high: u16 = high.trim().parse().map_err(|_| bad())?;
    if low > high {
        return Err(bad());
    }
    Ok((low, high))
}

/// Loads the inputs and reports what was loaded on standard error.
pub fn run(args: Args) -> Result<()> {
    let output = args.output.clone().ok_or_else(|| Error::Usage("name the database with -o DB".into()))?;
    if args.source_name.as_deref().is_some_and(|name| name.trim().is_empty()) {
        return Err(Error::Usage("--source-name needs a name: it is how the source is known in the database".into()));
    }
    if let Some(input) = args.inputs.iter().find(|input| same_file(input, &output)) {
        return Err(Error::Usage(format!(
            "{input} is the database named with -o; name the documents to load, and the database after -o"
        )));
    }
    if let Some(warning) = output_warning(&output) {
        say(&warning);
    }
    let options = IngestOptions {
        read: ReadOptions { format: args.format, encoding: args.encoding, max_whole_bytes: Some(args.max_input_size) },
        normalize: NormalizeOptions { dynamic_range: args.dynamic_range },
        lenient: args.lenient,
        source_name: args.source_name.clone(),
    };
    interrupt::install()?;
    let loaded =
        Database::open_for_load(&output, &args.inputs, Duration::from_secs(args.busy_timeout), interrupt::stop())
            .and_then(|mut db| {
                let bar = progress_bar::Bar::on_stderr(args.quiet);
                let progress: &dyn Progress = match &bar {
                    Some(bar) => bar,
                    None => &Silent,
                };
                let result = ingest(&mut db, &args.inputs, &options, progress, interrupt::stop());
                drop(bar);
                if result.is_err() {
                    // The transaction is already rolled back; a file this run created goes too.
                    db.discard();
                }
                result
            });
    // Whatever failed after a stop was asked for failed because of it (an abandoned wait for
    // another writer, say): report the stop.
    let reports = loaded.map_err(|e| interrupt::requested().map_or(e, |signal| Error::Interrupted { signal }))?;
    if !args.quiet {
        say(&summary(&reports, &output, LEGACY_DYNAMIC_RANGE != args.dynamic_range));
    }
    Ok(())
}

/// A warning for a database named like an export file (`-o new.csv`): ingest writes SQLite, and
/// `export` writes CSV and JSON.
fn output_warning(output: &str) -> Option<String> {
    let extension = std::path::Path::new(output).extension()?.to_str()?.to_ascii_lowercase();
    let format = match extension.as_str() {
        "csv" => "CSV",
        "tsv" => "TSV",
        "json" => "JSON",
        "jsonl" | "ndjson" => "JSON Lines",
        "md" | "markdown" => "Markdown",
        _ => return None,
    };
    Some(format!(
        "warning: -o {output} names the SQLite database to load into, not a {format} file; for {format}, load into a \
         database (-o ports.db) and run `kbingest export ports.db -o {output}`"
    ))
}

/// Whether two paths name one existing file.
fn same_file(a: &str, b: &str) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// One line per source and a total line.
fn summary(reports: &[SourceReport], output: &str, custom_range: bool) -> String {
    let mut text = String::new();
    let (mut services, mut rules, mut anomalies, mut registered, mut loaded) = (0, 0, 0, 0, 0);
    for r in reports {
        match r.outcome {
            SourceOutcome::Unchanged => {
                text.push_str(&format!("{}: unchanged (same content and options as loaded before)\n", r.name))
            }
            SourceOutcome::Loaded { services: s, rules: p, anomalies: a, registered: g, replaced } => {
                loaded += 1;
                services += s;
                rules += p;
                anomalies += a;
                registered += g;
                let verb = if replaced { "replaced" } else { "loaded" };
                let what = if r.format.is_registry() {
                    count_of(g, "registry record", "registry records")
                        + &format!(", {}", count_of(a, "anomaly", "anomalies"))
                } else {
                    counts(s, p, a)
                };
                text.push_str(&format!("{}: {verb} {what} ({}, {})\n", r.name, r.format, r.encoding));
            }
        }
    }
    if loaded == 0 {
        text.push_str(&format!("nothing to load; {output} was left as it was\n"));
        return text;
    }
    let range_note = if custom_range { " (custom --dynamic-range)" } else { "" };
    let registries = if registered > 0 { format!(", {registered} registry records") } else { String::new() };
    text.push_str(&format!(
        "{}, {}{registries} -> {output}{range_note}\n",
        count_of(loaded, "source", "sources"),
        counts(services, rules, anomalies)
    ));
    text
}

/// `62 services, 172 port rules, 34 anomalies`, in the right number.
fn counts(services: u64, rules: u64, anomalies: u64) -> String {
    format!(
        "{}, {}, {}",
        count_of(services, "service", "services"),
        count_of(rules, "port rule", "port rules"),
        count_of(anomalies, "anomaly", "anomalies")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_and_refuse() {
        assert_eq!(parse_range("49152-65535"), Ok((49152, 65535)));
        assert_eq!(parse_range("1025 - 5000"), Ok((1025, 5000)));
        for bad in ["5000-1025", "1-70000", "abc", "80"] {
            assert!(parse_range(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sizes_parse_and_refuse() {
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size("1g"), Ok(1 << 30));
        assert_eq!(parse_size("1000"), Ok(1000));
        for bad in ["", "M", "0", "-5M", "12X", "99999999999G"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_output_named_like_an_export_file_is_warned_about() {
        let warning = output_warning("new.CSV").unwrap();
        assert!(
            warning.contains("not a CSV file") && warning.contains("kbingest export ports.db -o new.CSV"),
            "{warning}"
        );
        assert!(output_warning("rules.json").unwrap().contains("JSON"));
        assert_eq!(output_warning("ports.db"), None);
        assert_eq!(output_warning("ports"), None);
    }

    #[test]
    fn encodings_by_label() {
        assert_eq!(parse_encoding("latin1").unwrap(), encoding_rs::WINDOWS_1252);
        assert!(parse_encoding("klingon").is_err());
    }
}
