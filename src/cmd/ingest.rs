//! `kbingest ingest INPUT... -o DB`: load documents into a database.

use crate::cmd::messages::say;
use crate::cmd::reading::ReadingArgs;
use crate::cmd::{count_of, progress_bar};
use crate::error::{Error, Result};
use crate::ingest::{Progress, Silent, SourceReport, ingest};
use crate::interrupt;
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

    /// How to read the documents.
    #[command(flatten)]
    pub reading: ReadingArgs,

    /// Refuse a document that has a row that cannot be read (and, in a batch, an input that holds
    /// no port table), changing nothing, instead of loading the rest and recording each in
    /// `anomalies`.
    #[arg(long, conflicts_with = "lenient")]
    pub strict: bool,

    /// The default, by name: load every row that can be read and record each one that cannot in
    /// `anomalies` (kind `skipped_row`).
    #[arg(long)]
    pub lenient: bool,

    /// Print nothing on standard error unless something goes wrong.
    #[arg(short, long)]
    pub quiet: bool,

    /// Seconds to wait for another kbingest writing to the same database.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub busy_timeout: u64,
}

/// Loads the inputs and reports what was loaded on standard error.
pub fn run(args: Args) -> Result<()> {
    let output = args.output.clone().ok_or_else(|| Error::Usage("name the database with -o DB".into()))?;
    let options = args.reading.options(&args.inputs, args.strict)?;
    if let Some(input) = args.inputs.iter().find(|input| same_file(input, &output)) {
        return Err(Error::Usage(format!(
            "{input} is the database named with -o; name the documents to load, and the database after -o"
        )));
    }
    if let Some(warning) = output_warning(&output) {
        say(&warning);
    }
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
        say(&summary(&reports, &output, args.reading.custom_range()));
    } else {
        // Even quiet, an input left out of a batch is named: it was asked for and not loaded.
        for report in reports.iter().filter(|r| r.skipped.is_some()) {
            say(&skipped_line(report));
        }
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
    let mut unreadable = 0;
    for r in reports {
        match r.outcome {
            SourceOutcome::Unchanged => {
                text.push_str(&format!("{}: unchanged (same content and options as loaded before)\n", r.name))
            }
            SourceOutcome::Skipped => text.push_str(&skipped_line(r)),
            SourceOutcome::Loaded { services: s, rules: p, anomalies: a, registered: g, unreadable: u, replaced } => {
                loaded += 1;
                services += s;
                rules += p;
                anomalies += a;
                registered += g;
                unreadable += u;
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
    if unreadable > 0 {
        let rows = if unreadable == 1 { "1 row".to_string() } else { format!("{unreadable} rows") };
        text.push_str(&format!(
            "{rows} could not be read: kbingest query {} \"SELECT source, source_line, raw, message FROM anomalies \
             WHERE kind = 'skipped_row'\"\n",
            shell_word(output)
        ));
    }
    text
}

/// The line naming an input left out of a batch, and why.
fn skipped_line(report: &SourceReport) -> String {
    let why = report.skipped.as_deref().unwrap_or("left out");
    format!("{}: skipped: {why}; the other inputs were loaded\n", report.name)
}

/// `word` as one shell word: quoted where it holds anything but plain path characters.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphanumeric() || b"/._-+,:@%".contains(&b));
    if plain { word.to_string() } else { format!("'{}'", word.replace('\'', "'\\''")) }
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
}
