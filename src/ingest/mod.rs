//! The ingest pipeline: read -> parse -> normalize (on a thread of its own, see [`pipeline`]) ->
//! store, one source after another inside one transaction. Streams: a few batches of sections are
//! in memory at a time.

use crate::error::{Error, Problem, Result};
use crate::normalize::NormalizeOptions;
use crate::parse::PageLimits;
use crate::read::{DEFAULT_MAX_WHOLE_BYTES, Input, InputFormat, ReadOptions, StdinCopy, fingerprint_file};
use crate::stop::Stop;
use crate::store::{Database, Load, LoadPlan, SourceMeta, SourceOutcome};
use pipeline::{Item, Pipeline};

pub mod check;
mod pipeline;
mod progress;
mod prose;
mod registry;

pub use progress::{Progress, Silent};

/// Everything that shapes an ingest.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Format and encoding overrides.
    pub read: ReadOptions,
    /// What `RANDOM` means.
    pub normalize: NormalizeOptions,
    /// Refuse a document (and the whole ingest) for one unreadable row, and a batch for one input
    /// without a port table, instead of loading the rest and ledgering each (`--strict`).
    pub strict: bool,
    /// The name to record the (single) source under instead of its path.
    pub source_name: Option<String>,
    /// What a page may make the readers build (`--max-table-cells`, `--max-attributes`).
    pub page: PageLimits,
    /// The most port rules one document may make (`--max-rules`).
    pub max_rules: u64,
}

/// The default `--max-rules`: a million port rules from one document (KB 832017 makes 251; the
/// benchmark's 200,000-section corpus 898,167).
pub const DEFAULT_MAX_RULES: u64 = 1_000_000;

impl Default for IngestOptions {
    fn default() -> IngestOptions {
        IngestOptions {
            read: ReadOptions::default(),
            normalize: NormalizeOptions::default(),
            strict: false,
            source_name: None,
            page: PageLimits::default(),
            max_rules: DEFAULT_MAX_RULES,
        }
    }
}

impl IngestOptions {
    /// The options recorded with a source: those that change its rows. (Where the document's own
    /// dynamic range came from is added once it is read: see [`crate::store::SourceLoad`].)
    fn recorded(&self) -> String {
        let range = match self.normalize.dynamic_range {
            Some((low, high)) => format!("{low}-{high}"),
            None => "document".to_string(),
        };
        let mut recorded = format!("dynamic-range={range} strict={}", self.strict);
        // The limits change the rows only where they skip some (unless --strict); recorded when
        // not the defaults, which sources loaded before there were limits were loaded under.
        let defaults = IngestOptions::default();
        if self.normalize.max_rules_per_row != defaults.normalize.max_rules_per_row {
            recorded.push_str(&format!(" max-rules-per-row={}", self.normalize.max_rules_per_row));
        }
        if self.max_rules != defaults.max_rules {
            recorded.push_str(&format!(" max-rules={}", self.max_rules));
        }
        recorded
    }
}

/// What happened to one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceReport {
    /// The name the source was recorded under.
    pub name: String,
    /// The format it was read as.
    pub format: InputFormat,
    /// The encoding it was decoded from.
    pub encoding: &'static str,
    /// Loaded, unchanged or skipped.
    pub outcome: SourceOutcome,
    /// Why the source was skipped (an input of a batch with no port table), if it was.
    pub skipped: Option<String>,
}

/// Ingests every input into `db` in one transaction: all of them load, or none does. `stop` is
/// asked between lines and sections; once it says stop, nothing is committed.
pub fn ingest(
    db: &mut Database,
    inputs: &[String],
    options: &IngestOptions,
    progress: &dyn Progress,
    stop: Stop,
) -> Result<Vec<SourceReport>> {
    if options.source_name.is_some() && inputs.len() != 1 {
        return Err(Error::Usage("--source-name names one input; give exactly one".into()));
    }
    let mut names = std::collections::HashSet::new();
    for path in inputs {
        let name = options.source_name.as_deref().unwrap_or(path);
        if !names.insert(name) {
            return Err(Error::Usage(format!("`{name}` is given twice; name each source once")));
        }
    }
    // In a batch, an input without a port table (a README beside the pages) is left out, not
    // the batch refused; one input alone is refused, since nothing would be loaded.
    let skip_empty = inputs.len() > 1 && !options.strict;
    // A load built aside may run twice (see `Database::load`): standard input is kept to be read
    // again.
    let mut stdin = match inputs.iter().any(|i| i == "-") && db.is_aside() {
        true => Some(StdinCopy::create(&folder_of(&db.path)).map_err(Error::io("keep a copy of standard input", "-"))?),
        false => None,
    };
    let stage = |stage: crate::store::LoadStage| progress.stage(stage.name());
    db.load_in_stages(LoadPlan::for_inputs(inputs), &stage, |load| {
        let mut reports: Vec<SourceReport> = Vec::new();
        for path in inputs {
            let input = match (path.as_str(), stdin.as_mut()) {
                ("-", Some(copy)) => {
                    let bytes = copy.reader().map_err(Error::io("read standard input", "-"))?;
                    Input::open_with_stdin(path, &options.read, Some(bytes))?
                }
                _ => Input::open(path, &options.read)?,
            };
            reports.push(ingest_one(load, input, options, progress, stop, skip_empty)?);
        }
        if let Some(first) = reports.first()
            && reports.iter().all(|r| r.skipped.is_some())
        {
            let why = first.skipped.clone().unwrap_or_default();
            return Err(Error::input(&first.name, why, "none of the inputs holds a port table; nothing was loaded"));
        }
        // A stop asked for during the last source still stops: nothing is committed.
        stop.check()?;
        progress.finishing();
        Ok(reports)
    })
    .inspect(|_| progress.done())
}

/// The folder a database file is in.
fn folder_of(path: &str) -> std::path::PathBuf {
    match std::path::Path::new(path).parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    }
}

fn ingest_one(
    load: &mut Load<'_>,
    input: Input,
    options: &IngestOptions,
    progress: &dyn Progress,
    stop: Stop,
    skip_empty: bool,
) -> Result<SourceReport> {
    let path = input.path.clone();
    let path = path.as_str();
    progress.reading(path, input.size);
    let name = options.source_name.clone().unwrap_or_else(|| path.to_string());
    let (format, encoding, fingerprint) = (input.format, input.encoding.name(), input.fingerprint.clone());
    let meta = SourceMeta {
        name: name.clone(),
        format: format.name().into(),
        encoding: encoding.into(),
        options: options.recorded(),
    };
    if input.is_file && unchanged_file(load, path, &meta, stop)? {
        return Ok(SourceReport { name, format, encoding, outcome: SourceOutcome::Unchanged, skipped: None });
    }
    let mut source = load.source(&meta)?;
    if format.is_registry() {
        let max_whole_bytes = options.read.max_whole_bytes.unwrap_or(DEFAULT_MAX_WHOLE_BYTES);
        registry::load_registry(&mut source, input, options.strict, max_whole_bytes, stop)?;
        progress.read(fingerprint.bytes_read());
        let (sha256, size) = fingerprint.finish();
        let outcome = source.finish(&sha256, size)?;
        return Ok(SourceReport { name, format, encoding, outcome, skipped: None });
    }
    let mut problems: Vec<Problem> = Vec::new();
    let mut tables = 0usize;
    // Named prose ports that their own section's table lacks, looked for elsewhere at the end.
    let mut unresolved = Vec::new();
    let max_whole_bytes = options.read.max_whole_bytes.unwrap_or(DEFAULT_MAX_WHOLE_BYTES);
    let page = PageLimits { repeated_bytes: max_whole_bytes, ..options.page };
    let pipeline = Pipeline::start(input, options.normalize, page, options.max_rules, stop)?;
    for batch in &pipeline.items {
        let mut batch = batch?;
        for item in batch.iter_mut() {
            stop.check()?;
            match item {
                Item::Section(normalized, port_tables, prose_ports) => {
                    tables += *port_tables;
                    let found = std::mem::take(&mut normalized.problems);
                    if options.strict {
                        problems.extend(found);
                    } else {
                        normalized.anomalies.extend(found.into_iter().map(Problem::into_skipped));
                        normalized.anomalies.sort_by_key(|a| a.line);
                    }
                    if let Some(service_id) = source.section(normalized)? {
                        source.prose_mentions(service_id, &prose_ports.mentions)?;
                        let named = std::mem::take(&mut prose_ports.unresolved);
                        unresolved.extend(named.into_iter().map(|m| (service_id, m)));
                    }
                }
                Item::Anomaly(anomaly) => source.anomaly(None, anomaly)?,
                Item::Problem(problem) if options.strict => problems.push(problem.clone()),
                Item::Problem(problem) => source.anomaly(None, &problem.clone().into_skipped())?,
                Item::DynamicRange(stated) => {
                    let (awaiting, first_line) = source.awaiting_dynamic_range();
                    source.give_dynamic_range(stated.range(), &stated.describe())?;
                    if let Some(anomaly) = stated.ledger(awaiting, first_line) {
                        source.anomaly(None, &anomaly)?;
                    }
                }
            }
        }
        pipeline.recycle(batch);
        progress.read(fingerprint.bytes_read());
    }
    pipeline.finish();
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line);
        return Err(Error::Invalid { path: path.to_string(), problems });
    }
    prose::check_elsewhere(&mut source, &unresolved)?;
    if tables == 0 {
        if skip_empty {
            let problem = format!("holds no port table (read as {format}, {encoding})");
            let outcome = source.skip()?;
            return Ok(SourceReport { name, format, encoding, outcome, skipped: Some(problem) });
        }
        return Err(no_port_table(path, format, encoding));
    }
    let (sha256, size) = fingerprint.finish();
    let outcome = source.finish(&sha256, size)?;
    Ok(SourceReport { name, format, encoding, outcome, skipped: None })
}

/// The refusal of a document in which no port table was found.
fn no_port_table(path: &str, format: InputFormat, encoding: &str) -> Error {
    let expected = match format {
        InputFormat::Text => "service sections with a table headed `Application protocol Protocol Port`",
        InputFormat::Markdown => {
            "a pipe table whose header names its ports (`Port`, `Ports`, `Server Port`, `Start Port`, a `TCP` \
             or `UDP` column, ...) or whose cells hold them (`TCP 443`)"
        }
        InputFormat::Rst => {
            "a grid, simple, list-table or csv-table table whose header names its ports (`Port`, `Ports`, a \
             `TCP` or `UDP` column, ...) or whose cells hold them (`443/tcp`)"
        }
        InputFormat::AsciiDoc => {
            "a |=== table whose header row names its ports (`Port`, `Ports`, a `TCP` or `UDP` column, ...) \
             or whose cells hold them (`TCP 443`)"
        }
        InputFormat::Mdx => {
            "a pipe table whose header names its ports (`Port`, `Ports`, a `TCP` or `UDP` column, ...) or \
             whose cells hold them (`TCP 443`)"
        }
        InputFormat::Html => {
            "a <table> whose header row names its ports (`Port`, `Ports`, `Server Port`, a `TCP` or `UDP` \
             column, ...) or whose cells hold them (`TCP 443`)"
        }
        InputFormat::IanaCsv | InputFormat::Services | InputFormat::NmapServices => "a document, not a port registry",
    };
    Error::input(
        path,
        format!("holds no port table (read as {format}, {encoding})"),
        format!("expected {expected}; pass --format or --encoding if the detection was wrong"),
    )
}

/// Whether a regular file holds exactly what was loaded under its name before, with the same
/// options: then it need not be parsed at all. Hashing is cheap next to parsing and loading.
fn unchanged_file(load: &Load<'_>, path: &str, meta: &SourceMeta, stop: Stop) -> Result<bool> {
    let Some(stored) = load.stored(&meta.name)? else { return Ok(false) };
    if !stored.same(meta, &stored.sha256) {
        return Ok(false);
    }
    let (sha256, _) = fingerprint_file(path, stop)?;
    Ok(stored.same(meta, &sha256))
}
