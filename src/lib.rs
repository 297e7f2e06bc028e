//! kbingest turns network-port knowledge-base documents into a normalized SQLite dataset.
//!
//! The pipeline is visible in the modules: [`read`] (bytes to decoded lines) -> [`parse`] (lines to
//! plain records with source lines) -> [`normalize`] (records to clean rows and anomalies, a pure
//! function; [`crosscheck`] checks the prose against the tables beside it) -> [`store`] (rows into
//! SQLite) -> [`export`] (rows out as CSV, JSON, or a table). [`diff`] compares two sources of a
//! database; [`ask`] answers `ports` and `who`; [`report`] draws an HTML page; [`review`] checks a
//! live firewall rule set against the documents.
//! [`ingest`] drives the way in; [`cmd`] is the command line.

pub mod anomaly;
pub mod ask;
pub mod cmd;
pub mod crosscheck;
pub mod diff;
pub mod error;
pub mod export;
pub mod firewall;
pub mod ingest;
pub mod interrupt;
pub mod normalize;
pub mod parse;
pub mod read;
pub mod report;
pub mod review;
pub mod stop;
pub mod store;
