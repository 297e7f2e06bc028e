//! `kbingest report`: one self-contained HTML page to look at rather than read. Per source, a port
//! map (services against the port space, ranges as bars, inline SVG), each service's rules with
//! their document lines, and the anomalies with theirs; given two sources, what changed between
//! them, coloured. No script, no style sheet, font or image from elsewhere: the page opens offline.
//!
//! The rules are read as `diff` reads them ([`crate::diff::read`]) and compared by its
//! [`crate::diff::compare`]; [`html`] and [`map`] only write.

mod html;
mod map;

use crate::diff::{self, Diff, Service};
use crate::error::{Error, Result};
use crate::store::Database;
use crate::store::lookup;

/// An anomaly, as the `anomalies` view has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anomaly {
    /// The source's name.
    pub source: String,
    /// The line of the source.
    pub line: i64,
    /// Its kind (`transport_typo`, ...).
    pub kind: String,
    /// What the document says.
    pub raw: String,
    /// What was loaded instead, if anything.
    pub normalized: Option<String>,
    /// The sentence that explains it.
    pub message: String,
}

/// A source of the report: its services with their rules, and its anomalies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceReport {
    /// The source's name, as ingested.
    pub name: String,
    /// Its services, in document order.
    pub services: Vec<Service>,
    /// Its anomalies, by line.
    pub anomalies: Vec<Anomaly>,
}

/// Everything the page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The database, as named on the command line.
    pub database: String,
    /// The sources shown, in the order asked (or loaded).
    pub sources: Vec<SourceReport>,
    /// Given two sources, what changed from the first to the second.
    pub diff: Option<Diff>,
}

/// Reads what the report shows: the sources named (every source when none is), and, for exactly
/// two, their comparison. An unknown name is an error that lists the sources there are.
pub fn gather(db: &Database, asked: &[String]) -> Result<Report> {
    let known = lookup::source_names(db)?;
    let names: Vec<String> = if asked.is_empty() { known.clone() } else { asked.to_vec() };
    if let Some(unknown) = names.iter().find(|n| !known.contains(n)) {
        let list = if known.is_empty() { "none".to_string() } else { known.join(", ") };
        return Err(Error::database(
            &db.path,
            format!("has no source named `{unknown}`; sources: {list}"),
            "name sources as `kbingest sources DB` lists them",
        ));
    }
    let anomalies = lookup::anomalies(db, &names)?;
    let mut sources = Vec::new();
    for name in &names {
        let services = diff::read::read_source(db, name)?;
        let of_source = anomaly_records(&anomalies).into_iter().filter(|a| &a.source == name).collect();
        sources.push(SourceReport { name: name.clone(), services, anomalies: of_source });
    }
    let diff = match sources.as_slice() {
        [old, new] if asked.len() == 2 => {
            // Services that no title pairs are shown as added and removed; `diff --match` pairs
            // them by hand where that is wanted.
            Some(diff::compare(&old.services, &new.services, &[]).map_err(|e| {
                Error::database(
                    &db.path,
                    format!("cannot compare the two sources: {e:?}"),
                    "compare them with `kbingest diff`",
                )
            })?)
        }
        _ => None,
    };
    Ok(Report { database: db.path.clone(), sources, diff })
}

fn anomaly_records(rows: &lookup::Rows) -> Vec<Anomaly> {
    use rusqlite::types::Value;
    let text = |row: &[Value], column: &str| match rows.position(column).map(|i| &row[i]) {
        Some(Value::Text(t)) => Some(t.clone()),
        Some(Value::Integer(i)) => Some(i.to_string()),
        _ => None,
    };
    rows.rows
        .iter()
        .map(|row| Anomaly {
            source: text(row, "source").unwrap_or_default(),
            line: text(row, "source_line").and_then(|l| l.parse().ok()).unwrap_or(0),
            kind: text(row, "kind").unwrap_or_default(),
            raw: text(row, "raw").unwrap_or_default(),
            normalized: text(row, "normalized"),
            message: text(row, "message").unwrap_or_default(),
        })
        .collect()
}

/// The page: one HTML document, styles inline, no script.
pub fn html(report: &Report) -> String {
    html::page(report)
}
