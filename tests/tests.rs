//! The end-to-end and property tests, built as one test binary (as ripgrep and xsv do): each
//! module below is one area of behaviour; `common` holds the helpers they share.

mod common;

mod anomaly_fixtures;
mod bi_views;
mod captions;
mod cell_forms;
mod cli;
mod concurrency;
mod corpus;
mod cross_check_properties;
mod cross_checks;
mod datasette;
mod diff;
mod docs;
mod encodings;
mod export;
mod firewall;
mod firewall_behaviour;
mod firewall_kernel;
mod format_properties;
mod format_refusals;
mod formats;
mod formats_crosscheck;
mod formats_upgrade;
mod hostile_export;
mod hostile_input;
mod html_pages;
mod idempotence;
mod ingest_ports;
mod interruption;
mod kb832017;
mod markdown;
mod no_panic;
mod parser_properties;
mod progress;
mod query;
mod readme;
mod real_pages;
mod refusals;
mod registries;
mod sources;
mod table_shapes;
