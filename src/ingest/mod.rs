//! The ingest pipeline: read -> parse -> normalize -> store, one source after another inside one
//! transaction. Streams: one section at a time is in memory.

use crate::error::{Error, Problem, Result};
use crate::interrupt;
use crate::normalize::{NormalizeOptions, normalize_section};
use crate::parse::html::html_blocks;
use crate::parse::markdown::markdown_blocks;
use crate::parse::sections::{Event, Sections};
use crate::parse::text::TextBlocks;
use crate::read::{Format, Input, Line, ReadOptions, fingerprint_file};
use crate::store::{Database, Load, SourceMeta, SourceOutcome};

/// Everything that shapes an ingest.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// Format and encoding overrides.
    pub read: ReadOptions,
    /// What `RANDOM` means.
    pub normalize: NormalizeOptions,
    /// Load what can be read and ledger each unreadable row, instead of refusing the document.
    pub lenient: bool,
    /// The name to record the (single) source under instead of its path.
    pub source_name: Option<String>,
}

impl IngestOptions {
    /// The options recorded with a source: those that change its rows.
    fn recorded(&self) -> String {
        let (low, high) = self.normalize.dynamic_range;
        format!("dynamic-range={low}-{high} lenient={}", self.lenient)
    }
}

/// What happened to one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceReport {
    /// The name the source was recorded under.
    pub name: String,
    /// The format it was read as.
    pub format: Format,
    /// The encoding it was decoded from.
    pub encoding: &'static str,
    /// Loaded or unchanged.
    pub outcome: SourceOutcome,
}

/// Ingests every input into `db` in one transaction: all of them load, or none does.
pub fn ingest(db: &mut Database, inputs: &[String], options: &IngestOptions) -> Result<Vec<SourceReport>> {
    if options.source_name.is_some() && inputs.len() != 1 {
        return Err(Error::Usage("--source-name names one input; give exactly one".into()));
    }
    let mut load = Load::begin(db)?;
    let mut reports = Vec::new();
    for path in inputs {
        reports.push(ingest_one(&mut load, path, options)?);
    }
    // A stop asked for during the last source still stops: nothing is committed.
    interrupt::check()?;
    load.commit()?;
    Ok(reports)
}

fn ingest_one(load: &mut Load<'_>, path: &str, options: &IngestOptions) -> Result<SourceReport> {
    let input = Input::open(path, &options.read)?;
    let name = options.source_name.clone().unwrap_or_else(|| path.to_string());
    let (format, encoding, fingerprint) = (input.format, input.encoding.name(), input.fingerprint.clone());
    let meta = SourceMeta {
        name: name.clone(),
        format: format.name().into(),
        encoding: encoding.into(),
        options: options.recorded(),
    };
    if input.is_file && unchanged_file(load, path, &meta)? {
        return Ok(SourceReport { name, format, encoding, outcome: SourceOutcome::Unchanged });
    }
    let events: Box<dyn Iterator<Item = Result<Event>>> = match format {
        Format::Text => Box::new(Sections::new(TextBlocks::new(stoppable(input.lines())))),
        Format::Markdown => Box::new(Sections::new(markdown_blocks(&input.into_text()?).into_iter().map(Ok))),
        Format::Html => Box::new(Sections::new(html_blocks(&input.into_text()?, path)?.into_iter().map(Ok))),
    };
    let mut source = load.source(&meta)?;
    let mut problems: Vec<Problem> = Vec::new();
    let mut tables = 0usize;
    for event in events {
        interrupt::check()?;
        match event? {
            Event::Section(section) => {
                tables += section.tables.iter().filter(|t| t.is_port_table()).count();
                let mut normalized = normalize_section(&section, &options.normalize);
                let found = std::mem::take(&mut normalized.problems);
                if options.lenient {
                    normalized.anomalies.extend(found.into_iter().map(Problem::into_skipped));
                    normalized.anomalies.sort_by_key(|a| a.line);
                } else {
                    problems.extend(found);
                }
                source.section(&normalized)?;
            }
            Event::Anomaly(anomaly) => source.anomaly(None, &anomaly)?,
            Event::Problem(problem) if options.lenient => source.anomaly(None, &problem.into_skipped())?,
            Event::Problem(problem) => problems.push(problem),
        }
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line);
        return Err(Error::Invalid { path: path.to_string(), problems });
    }
    if tables == 0 {
        let expected = match format {
            Format::Text => "service sections with a table headed `Application protocol Protocol Port`",
            Format::Markdown => "service sections with a pipe table headed `|Application protocol|Protocol|Ports|`",
            Format::Html => {
                "service sections with a <table> whose header row names Application protocol, Protocol, Port"
            }
        };
        return Err(Error::input(
            path,
            format!("holds no port table (read as {format}, {encoding})"),
            format!("expected {expected}; pass --format or --encoding if the detection was wrong"),
        ));
    }
    let (sha256, size) = fingerprint.finish();
    let outcome = source.finish(&sha256, size)?;
    Ok(SourceReport { name, format, encoding, outcome })
}

/// Lines that end in [`Error::Interrupted`] once Ctrl-C or SIGTERM asks to stop: a long stretch
/// of a document without a table yields no event, but it yields lines.
fn stoppable<L: Iterator<Item = Result<Line>>>(lines: L) -> impl Iterator<Item = Result<Line>> {
    lines.map(|line| interrupt::check().and(line))
}

/// Whether a regular file holds exactly what was loaded under its name before, with the same
/// options: then it need not be parsed at all. Hashing is cheap next to parsing and loading.
fn unchanged_file(load: &Load<'_>, path: &str, meta: &SourceMeta) -> Result<bool> {
    let Some(stored) = load.stored(&meta.name)? else { return Ok(false) };
    if !stored.same(meta, &stored.sha256) {
        return Ok(false);
    }
    let (sha256, _) = fingerprint_file(path)?;
    Ok(stored.same(meta, &sha256))
}
