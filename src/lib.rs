//! kbingest turns network-port knowledge-base documents into a normalized SQLite dataset.
//!
//! The pipeline is visible in the modules: [`read`] (bytes to decoded lines) -> [`parse`] (lines to
//! plain records with source lines) -> [`normalize`] (records to clean rows and anomalies, a pure
//! function) -> [`store`] (rows into SQLite). [`ingest`] drives it; [`cmd`] is the command line.

pub mod anomaly;
pub mod cmd;
pub mod error;
pub mod ingest;
pub mod interrupt;
pub mod normalize;
pub mod parse;
pub mod read;
pub mod store;
