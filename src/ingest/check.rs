//! Checking documents without loading them: read -> parse -> normalize each input exactly as an
//! ingest does (the same reading thread, the same cross-checks), with no database. What an ingest
//! would store is counted, and every anomaly it would record is handed over as it is found, in
//! the order an ingest records them.

use super::pipeline::{Item, Pipeline};
use super::{IngestOptions, no_port_table};
use crate::anomaly::Anomaly;
use crate::crosscheck::{ProseMention, TableEntry, conflict_elsewhere};
use crate::error::{Error, Result};
use crate::normalize::{NormalizeOptions, NormalizedSection, PortKind, Transport};
use crate::parse::registry::read_registry;
use crate::read::{DEFAULT_MAX_WHOLE_BYTES, Input, InputFormat};
use crate::stop::Stop;
use std::collections::{HashMap, HashSet};

/// What checking one input found: what an ingest would load from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// The name the source would be recorded under (its path, or `--source-name`).
    pub name: String,
    /// The format it was read as.
    pub format: InputFormat,
    /// The encoding it was decoded from.
    pub encoding: &'static str,
    /// Services an ingest would load.
    pub services: u64,
    /// Port rules an ingest would load.
    pub rules: u64,
    /// Port registry records an ingest would load.
    pub registered: u64,
    /// Anomalies an ingest would record, the unreadable rows among them.
    pub anomalies: u64,
    /// Rows that cannot be read (recorded as `skipped_row`; `--strict` refuses the document).
    pub unreadable: u64,
}

/// Reads, parses and normalizes the document or registry `path` as [`super::ingest`] would, and
/// calls `anomaly` with each anomaly an ingest would record, in its order. Nothing is written.
/// An input that an ingest refuses whatever the options (unreadable, too large, without any port
/// table) is an error; rows that cannot be read are anomalies of kind `skipped_row`, counted in
/// [`CheckReport::unreadable`].
pub fn check(
    path: &str,
    options: &IngestOptions,
    stop: Stop,
    anomaly: &mut dyn FnMut(&Anomaly) -> Result<()>,
) -> Result<CheckReport> {
    let input = Input::open(path, &options.read)?;
    let mut report = CheckReport {
        name: options.source_name.clone().unwrap_or_else(|| path.to_string()),
        format: input.format,
        encoding: input.encoding.name(),
        services: 0,
        rules: 0,
        registered: 0,
        anomalies: 0,
        unreadable: 0,
    };
    let max_whole_bytes = options.read.max_whole_bytes.unwrap_or(DEFAULT_MAX_WHOLE_BYTES);
    if input.format.is_registry() {
        let format = input.format;
        let text = input.into_text(max_whole_bytes, stop)?;
        let Some(read) = read_registry(format, &text) else {
            return Err(Error::input(path, format!("is not a port registry (read as {format})"), "pass --format"));
        };
        for problem in read.problems {
            report.unreadable += 1;
            report.record(&problem.into_skipped(), anomaly)?;
        }
        if read.records.is_empty() {
            return Err(Error::input(
                path,
                format!("holds no registry record (read as {format})"),
                "check that this is the right file, or pass --format if the detection was wrong",
            ));
        }
        report.registered = read.records.len() as u64;
        return Ok(report);
    }
    // The last cross-check looks each named prose port that its own section's table lacks up in
    // the other sections' tables, which ingest asks of the store. A file is read a second time
    // for the rules of those names alone, only if there are any, so memory stays flat; a stream
    // cannot be read again, so its rules are kept as they pass.
    let rereadable = input.is_file;
    let fingerprint = input.fingerprint.clone();
    let mut rules = RulesByName::keeping(if rereadable { Keep::Nothing } else { Keep::All });
    let reading = Reading { normalize: options.normalize, max_whole_bytes, stop };
    let tables = reading.sections(input, &mut rules, &mut report, anomaly)?;
    let names = rules.unresolved_names();
    if rereadable && !names.is_empty() {
        let again = Input::open(path, &options.read)?;
        let second = again.fingerprint.clone();
        let mut named = RulesByName::keeping(Keep::Names(names));
        reading.sections(again, &mut named, &mut report.clone(), &mut |_| Ok(()))?;
        if second.finish() != fingerprint.finish() {
            return Err(Error::input(path, "changed while it was checked", "check it again once it is written"));
        }
        rules.services = named.services;
        rules.rules = named.rules;
    }
    for found in rules.conflicts() {
        report.record(&found, anomaly)?;
    }
    if tables == 0 {
        return Err(no_port_table(path, report.format, report.encoding));
    }
    Ok(report)
}

impl CheckReport {
    /// Counts an anomaly and hands it over.
    fn record(&mut self, found: &Anomaly, anomaly: &mut dyn FnMut(&Anomaly) -> Result<()>) -> Result<()> {
        self.anomalies += 1;
        anomaly(found)
    }
}

/// One reading of a document: the reading half of an ingest, whose items are counted instead of
/// stored.
#[derive(Clone, Copy)]
struct Reading {
    normalize: NormalizeOptions,
    max_whole_bytes: u64,
    stop: Stop,
}

impl Reading {
    /// Reads `input` as an ingest does, counting into `report` what it would store and handing
    /// over each anomaly it would record; returns how many port tables the document has.
    fn sections(
        self,
        input: Input,
        rules: &mut RulesByName,
        report: &mut CheckReport,
        anomaly: &mut dyn FnMut(&Anomaly) -> Result<()>,
    ) -> Result<usize> {
        let mut tables = 0usize;
        // The dynamic rules that await the range the whole document states, and the first one's line.
        let (mut awaiting, mut first_awaiting) = (0u64, None);
        let pipeline = Pipeline::start(input, self.normalize, self.max_whole_bytes, self.stop)?;
        for batch in &pipeline.items {
            let mut batch = batch?;
            for item in batch.iter_mut() {
                self.stop.check()?;
                match item {
                    Item::Section(normalized, port_tables, prose_ports) => {
                        tables += *port_tables;
                        // As an ingest that loads what it can records them: in line order.
                        let found = std::mem::take(&mut normalized.problems);
                        report.unreadable += found.len() as u64;
                        normalized.anomalies.extend(found.into_iter().map(|p| p.into_skipped()));
                        normalized.anomalies.sort_by_key(|a| a.line);
                        for rule in normalized.rules.iter().filter(|r| r.awaits_document_range) {
                            awaiting += 1;
                            first_awaiting.get_or_insert(rule.line);
                        }
                        if let Some(service) = rules.section(normalized) {
                            report.services += 1;
                            report.rules += normalized.rules.len() as u64;
                            let named = std::mem::take(&mut prose_ports.unresolved);
                            rules.unresolved.extend(named.into_iter().map(|m| (service, m)));
                        }
                        for found in &normalized.anomalies {
                            report.record(found, anomaly)?;
                        }
                    }
                    Item::Anomaly(found) => report.record(found, anomaly)?,
                    Item::Problem(problem) => {
                        report.unreadable += 1;
                        report.record(&problem.clone().into_skipped(), anomaly)?;
                    }
                    Item::DynamicRange(stated) => {
                        if let Some(found) = stated.ledger(awaiting, first_awaiting.unwrap_or(1)) {
                            report.record(&found, anomaly)?;
                        }
                    }
                }
            }
            pipeline.recycle(batch);
        }
        pipeline.finish();
        Ok(tables)
    }
}

/// Which rules [`RulesByName`] keeps.
#[derive(Default)]
enum Keep {
    /// None: they will be read again if needed.
    #[default]
    Nothing,
    /// Every fixed and ranged rule with a transport.
    All,
    /// Those of these application protocols, in ASCII lower case.
    Names(HashSet<String>),
}

/// The rules of a document by application protocol, as far as the last cross-check needs them
/// (`ingest::prose` asks the store for the same): the fixed and ranged rules with a transport,
/// each with its service, and the named mentions that their own section's table lacks.
#[derive(Default)]
struct RulesByName {
    keep: Keep,
    /// Sections with a service so far: the next one's number.
    numbered: u32,
    /// The title and first line of each service that has a rule kept, by its number.
    services: HashMap<u32, (Box<str>, u32)>,
    /// The rules kept, by application protocol in ASCII lower case (SQLite's NOCASE).
    rules: HashMap<String, Named>,
    unresolved: Vec<(u32, ProseMention)>,
    /// The key being looked up, kept to spare an allocation per rule.
    key: String,
}

/// The rules of one application protocol, and how the tables spell its name.
#[derive(Default)]
struct Named {
    spellings: Vec<Box<str>>,
    rules: Vec<Located>,
}

/// A rule of [`Named`]: its service's number, its spelling's, transport, ports and line.
#[derive(Clone, Copy)]
struct Located {
    service: u32,
    spelling: u32,
    line: u32,
    low: u16,
    high: u16,
    transport: Transport,
}

impl RulesByName {
    fn keeping(keep: Keep) -> RulesByName {
        RulesByName { keep, ..RulesByName::default() }
    }

    /// The application protocols the unresolved mentions name, in ASCII lower case.
    fn unresolved_names(&self) -> HashSet<String> {
        self.unresolved.iter().filter_map(|(_, m)| m.name.as_ref()).map(|n| n.to_ascii_lowercase()).collect()
    }

    /// Notes the rules of a section with a service, and returns the service's number.
    fn section(&mut self, section: &NormalizedSection) -> Option<u32> {
        let service = section.service.as_ref()?;
        let number = self.numbered;
        self.numbered += 1;
        if matches!(self.keep, Keep::Nothing) {
            return Some(number);
        }
        for rule in &section.rules {
            let (Some(transport), Some((low, high))) = (rule.transport, rule.port.range) else { continue };
            if rule.port.kind == PortKind::Dynamic {
                continue;
            }
            let name = rule.application_protocol.as_str();
            self.key.clear();
            self.key.push_str(name);
            self.key.make_ascii_lowercase();
            if let Keep::Names(names) = &self.keep
                && !names.contains(&self.key)
            {
                continue;
            }
            if !self.rules.contains_key(&self.key) {
                self.rules.insert(self.key.clone(), Named::default());
            }
            let Some(named) = self.rules.get_mut(&self.key) else { continue };
            let spelling = match named.spellings.iter().rposition(|s| **s == *name) {
                Some(at) => at,
                None => {
                    named.spellings.push(name.into());
                    named.spellings.len() - 1
                }
            };
            let spelling = spelling as u32;
            named.rules.push(Located { service: number, spelling, line: rule.line, low, high, transport });
            self.services.entry(number).or_insert_with(|| (service.title.as_str().into(), service.first_line));
        }
        Some(number)
    }

    /// The contradictions between the named mentions and the other sections' tables.
    fn conflicts(&self) -> Vec<Anomaly> {
        let mut found = Vec::new();
        for (service, mention) in &self.unresolved {
            let Some(name) = &mention.name else { continue };
            let Some(named) = self.rules.get(&name.to_ascii_lowercase()) else { continue };
            let mut others: Vec<&Located> = named.rules.iter().filter(|r| r.service != *service).collect();
            let section = |r: &Located| &self.services[&r.service];
            // In document order, as the store lists them: by section, then by line.
            others.sort_by_key(|r| (section(r).1, r.line));
            let elsewhere: Vec<(String, TableEntry<'_>)> = others
                .iter()
                .map(|r| {
                    let name = &named.spellings[r.spelling as usize];
                    let entry = TableEntry { name, transport: r.transport.name(), low: r.low, high: r.high };
                    (section(r).0.to_string(), entry)
                })
                .collect();
            found.extend(conflict_elsewhere(mention, &elsewhere));
        }
        found
    }
}
